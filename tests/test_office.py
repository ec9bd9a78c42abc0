"""The office view across units: levels shown, laggards first."""

import json

import pytest
import yaml
from typer.testing import CliRunner

from rectify.cli import app
from rectify.core.clock import parse_instant
from rectify.feedback.service import import_file
from rectify.problems import service
from rectify.problems.actions import SignOffAction
from tests.conftest import EXAMPLES, SPEC_EXAMPLE

runner = CliRunner()


def test_office_status_puts_laggards_first(db, tmp_path):
    data = yaml.safe_load(SPEC_EXAMPLE.read_text(encoding="utf-8"))
    data["inspection"]["parent_unit"] = "天津市滨海新区"
    path = tmp_path / "binhai.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert import_file(path).done
    assert import_file(EXAMPLES / "wulong-2023.yaml").done
    assert service.act(
        "wulong-2023-r3",
        SignOffAction(by="office_head", problem="1", evidence=["a.pdf"]),
        parse_instant("2023-09-01", "Asia/Shanghai"),
    ).done
    rows = json.loads(
        runner.invoke(app, ["office", "status", "--as-of", "2024-11-15", "--json"]).output
    )
    assert [r["inspection"] for r in rows] == ["wulong-2023-r3", "binhai-2024-r8"]
    wulong, binhai = rows
    assert wulong["overdue"] == 30 and wulong["closed"] == 1 and wulong["plan_late"]
    assert binhai["unit"] == "天津市滨海新区 / 滨海新区生态环境局党组"
    assert binhai["overdue"] == 1 and binhai["problems"] == 1


@pytest.mark.slow
def test_office_overview_flow_publishes_the_table(db, prefect_harness):
    import asyncio

    from prefect.client.orchestration import get_client

    from flows.office_overview import office_overview

    assert import_file(EXAMPLES / "wulong-2023.yaml").done
    result = office_overview(as_of="2023-09-01T10:00")
    assert result == {"date": "2023-09-01", "units": 1, "laggard": "wulong-2023-r3"}

    async def artifact():
        async with get_client() as client:
            from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["office-overview"]))
            )
            return found[-1]

    (row,) = json.loads(asyncio.run(artifact()).data)
    assert row["巡察"] == "wulong-2023-r3" and row["问题"] == 31 and row["超期"] == 16
