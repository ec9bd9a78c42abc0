"""Rectify: supervision of rectification after political inspections (巡察整改)."""
