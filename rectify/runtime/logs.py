"""The engine's log file (``<home>/logs/rectify.log``): Prefect's run logs when the command
line keeps the terminal quiet, and the traceback of any error a command did not expect.
The runs' logs reach the Prefect server (and its UI) as usual, through Prefect's own API
handler; only what Prefect would print on the terminal is sent here instead."""

from __future__ import annotations

import logging
import os
import sys
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rectify.core.settings import get_settings

FORMAT = "%(asctime)s | %(levelname)-7s | %(name)s - %(message)s"
FLOW_RUN_FORMAT = "%(asctime)s | %(levelname)-7s | Flow run %(flow_run_name)r - %(message)s"
TASK_RUN_FORMAT = "%(asctime)s | %(levelname)-7s | Task run %(task_run_name)r - %(message)s"


def log_path() -> Path:
    """The log file the command line writes to."""
    return get_settings().home / "logs" / "rectify.log"


def _file_handler(path: Path) -> logging.Handler:
    """A UTF-8 file handler that formats run records as Prefect's console does."""
    from prefect.logging.formatters import PrefectFormatter

    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(
        PrefectFormatter(format=FORMAT, flow_run_fmt=FLOW_RUN_FORMAT, task_run_fmt=TASK_RUN_FORMAT)
    )
    return handler


def _is_terminal(handler: logging.Handler) -> bool:
    """Prefect's console handler, its debug handler, or a plain stream handler (not a file,
    nor a test runner's capture, which subclass it)."""
    from prefect.logging.handlers import PrefectConsoleHandler

    plain = type(handler) is logging.StreamHandler
    return plain or isinstance(handler, PrefectConsoleHandler) or _is_prefect_debug(handler)


def _is_prefect_debug(handler: logging.Handler) -> bool:
    return type(handler).__name__ == "_SafeStreamHandler"


@contextmanager
def prefect_logs_to_file(*, verbose: bool = False) -> Iterator[Path]:
    """Within the block, every record Prefect would print on the terminal (flow and task runs,
    the temporary server, warnings) goes to the log file instead; with ``verbose``, to both.
    The handlers are put back when the block ends. Prefect's client telemetry is off unless
    DO_NOT_TRACK says otherwise, as the embedded server's analytics are (``server.py``)."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    with warnings.catch_warnings(record=True) as early:
        warnings.simplefilter("default")
        import prefect  # noqa: F401  (importing Prefect sets up its logging, replaced here)

    path = log_path()
    handler = _file_handler(path)
    names = [name for name in logging.root.manager.loggerDict if name.startswith("prefect")]
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in ("uvicorn", "fastapi"))]
    loggers += [logging.getLogger(n) for n in names]
    removed: list[tuple[logging.Logger, logging.Handler]] = []
    added: list[logging.Logger] = []
    for logger in loggers:
        terminal = [h for h in logger.handlers if _is_terminal(h)]
        if not terminal and logger is not logging.getLogger():
            continue
        logger.addHandler(handler)
        added.append(logger)
        if not verbose:
            for h in terminal:
                logger.removeHandler(h)
                removed.append((logger, h))
    logging.captureWarnings(True)
    for caught in early:  # said while Prefect was loading, before the file was in place
        logging.getLogger("py.warnings").warning("%s: %s", caught.category.__name__, caught.message)
    try:
        yield path
    finally:
        logging.captureWarnings(False)
        for logger in added:
            logger.removeHandler(handler)
        for logger, h in removed:
            logger.addHandler(h)
        handler.close()


def write_traceback(exc: BaseException, command: str) -> Path | None:
    """Append ``exc``'s full traceback, with the command that raised it, to the log file and
    return its path; None when the file cannot be written."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- unexpected error in: {command}\n")
            log.write("".join(traceback.format_exception(exc)))
    except OSError:
        return None
    return path


def print_traceback(exc: BaseException) -> None:
    """The full traceback on stderr (``--debug``)."""
    traceback.print_exception(exc, file=sys.stderr)


def quiet_child_processes(path: Path) -> None:
    """Flow runs the served deployments start as processes of their own write what Prefect
    would print on the terminal to the log file too: a Prefect logging configuration whose
    terminal handlers are file handlers, named in PREFECT_LOGGING_SETTINGS_PATH, which those
    processes inherit."""
    import yaml
    from prefect.logging.configuration import DEFAULT_LOGGING_SETTINGS_PATH

    config = yaml.safe_load(DEFAULT_LOGGING_SETTINGS_PATH.read_text(encoding="utf-8"))
    for name in ("console", "debug"):
        config["handlers"][name] = {
            "level": 0,
            "class": "logging.FileHandler",
            "filename": str(path),
            "encoding": "utf-8",
            "formatter": "standard",
        }
    settings = path.parent / "prefect-logging.yml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    os.environ["PREFECT_LOGGING_SETTINGS_PATH"] = str(settings)
