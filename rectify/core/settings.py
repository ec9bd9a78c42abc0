"""Engine settings, read once from the environment (prefix ``RECTIFY_``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOME = Path.home() / ".rectify"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RECTIFY_")

    home: Path = DEFAULT_HOME
    database_url: str | None = None
    timezone: str = "Asia/Shanghai"
    # Working hours in which notices may be delivered (local time of the inspection).
    quiet_until_hour: int = 9
    quiet_from_hour: int = 18
    # Inspections per task in the scheduled flows: a batch is read and written in a fixed
    # number of statements and its memory freed before the next, so a run's memory stays
    # bounded whatever the province's size (see the README's measurements for the choice);
    # 0: all of a run's inspections in one task (memory growing with the province).
    batch_size: int = 100
    # true: the scheduled flows hand each batch to the task workers (`rectify worker`, any
    # of them takes it) and wait for all; false: the flow runs its batches itself, in turn.
    task_workers: bool = False
    # How long a flow waits for the task workers to finish its batches (seconds; 0: no
    # limit): past it, the run fails and says how many batches no worker took.
    task_workers_wait: float = 3600
    # Notices in flight at once (sent, their outcome not yet committed); one more thread
    # prepares the next. Each adds throughput when receivers are slow, and each may repeat
    # one notice after a crash (sent, the sender killed before recording it; the repeat
    # carries the same X-Rectify-Key header and mail Message-ID).
    send_threads: int = 1
    # How long a SQLite writer waits for another's transaction before failing (seconds).
    sqlite_busy_timeout: float = 30
    # The key that seals the problem clues (问题线索) at rest: 32 random bytes, URL-safe base64
    # (``rectify init`` writes one to ``<home>/clue.key`` when neither this nor the Prefect
    # Secret block ``rectify-clue-key`` is set). Never stored in the database.
    clue_key: str | None = None
    # The limits on every file the engine reads (rectify.core.inputs): its size on disk, the
    # size its XLSX/DOCX package unpacks to, and how many nodes (YAML/JSON), rows and cells
    # (XLSX) or lines and paragraphs (documents) it may hold. A file past one is refused unread.
    max_input_bytes: int = 10 * 1024 * 1024
    max_unpacked_bytes: int = 100 * 1024 * 1024
    max_input_nodes: int = 100_000  # an office feedback file holds ~2 000 nodes

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'rectify.db'}"


@cache
def get_settings() -> Settings:
    """The settings, read from the environment (``RECTIFY_*``)."""
    return Settings()


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_settings.cache_clear()
