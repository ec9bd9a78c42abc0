from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import task

from rectify.feedback.service import import_file


@task(name="导入反馈意见")
def import_feedback(path: str, replace: bool = False, at: dt.datetime | None = None) -> dict:
    """Import one feedback file, all or nothing."""
    return import_file(Path(path), replace=replace, at=at).model_dump(mode="json")
