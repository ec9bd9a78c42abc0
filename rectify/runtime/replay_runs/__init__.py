"""How a replay's flow runs talk to Prefect (``rectify.runtime.simulation``): the same flows,
tasks, states, logs and artifacts as in production, without the per-run costs that a
replay of hundreds of runs measured (benchmarks/simulate.py, benchmarks/prefect_overheads.py).
Each setting holds only inside ``replay_runs()``: production runs, even in the same
process, keep Prefect's defaults.

- ``runs``: what the runs of a replay leave out, one context manager each, and
  ``replay_runs()`` that puts them together;
- ``own_server``: the temporary Prefect server a replay without ``PREFECT_API_URL`` starts
  for itself (``OwnServer``)."""

from rectify.runtime.replay_runs.own_server import OwnServer
from rectify.runtime.replay_runs.runs import (
    fewer_requests,
    logs_to_file_only,
    one_client,
    parameter_models_built_once,
    replay_runs,
    storage_read_once,
    tasks_as_calls,
    without_events,
    without_flow_heartbeats,
    without_run_tracing,
)

__all__ = [
    "OwnServer",
    "fewer_requests",
    "logs_to_file_only",
    "one_client",
    "parameter_models_built_once",
    "replay_runs",
    "storage_read_once",
    "tasks_as_calls",
    "without_events",
    "without_flow_heartbeats",
    "without_run_tracing",
]
