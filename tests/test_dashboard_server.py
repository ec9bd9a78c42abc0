"""The dashboards on the Prefect test server: a deadline watch leaves the unit's keyed table
(each problem's light, due, leaders, progress) and its progress artifact, with Chinese
descriptions; the office overview leaves each office's units compared; the chart is a
markdown image."""

from __future__ import annotations

import json

import pendulum
import pytest

from flows.deadline_watch import deadline_watch
from flows.office_overview import office_overview
from rectify.feedback.service import import_file
from tests.conftest import SPEC_EXAMPLE

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]
IID = "binhai-2024-r8"


def latest(key: str):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
            sort=ArtifactSort.CREATED_DESC,
            limit=1,
        )
    assert found, f"no artifact {key}"
    return found[0]


def test_every_watch_updates_the_units_dashboard_and_the_office_sees_its_units(db, tmp_path):
    assert import_file(SPEC_EXAMPLE).done
    deadline_watch(
        as_of=pendulum.datetime(2024, 11, 5, 9, tz="Asia/Shanghai"), inspection_id=IID, capture=True
    )
    table = latest(f"dashboard-{IID}")
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    first = rows[0]
    assert set(first) == {"问题", "状态", "下一时限", "责任领导", "最近进展"}
    assert first["状态"].startswith("🔴") and first["下一时限"] == "2024-10-31"
    assert "整改看板（截至 2024-11-05）" in table.description and "🔴超期" in table.description
    progress = latest(f"dashboard-progress-{IID}")
    assert float(progress.data) == 0.0 and "已销号占问题总数" in progress.description

    office_overview(as_of=pendulum.datetime(2024, 11, 6, 9, tz="Asia/Shanghai"))
    office = latest("dashboard-office-binhai-xcb")
    units = json.loads(office.data) if isinstance(office.data, str) else office.data
    assert [u["巡察"] for u in units] == [IID]
    assert "滞后者在前" in office.description
    assert "截至 2024-11-06" in latest(f"dashboard-{IID}").description


def test_the_chart_is_an_image_in_a_markdown_artifact(db, tmp_path):
    from tasks.dashboard import chart_artifact

    assert import_file(SPEC_EXAMPLE).done
    artifact = chart_artifact(IID, pendulum.date(2024, 11, 5), tmp_path)
    assert artifact.key == f"dashboard-chart-{IID}"
    assert "](data:image/png;base64,iVBOR" in artifact.markdown
    assert "整改进展图" in artifact.markdown and "按周变化" in artifact.description
