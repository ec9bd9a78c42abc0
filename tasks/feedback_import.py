from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import task

from rectify.problems import service


@task(name="导入反馈意见")
def import_feedback(path: str, replace: bool = False, at: dt.datetime | None = None) -> dict:
    """Import one feedback file, all or nothing."""
    return service.import_file(Path(path), replace=replace, at=at).model_dump(mode="json")
