"""Rectify: supervision of rectification after political inspections (巡察整改)."""

import os

# The engine runs on closed networks: no telemetry calls home.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
