"""The office view across units: the units of each inspection office, laggards first."""

import copy
import json

import pytest
import yaml
from typer.testing import CliRunner

from rectify.cli import app
from rectify.feedback.service import import_file
from tests.conftest import EXAMPLES, SPEC_EXAMPLE

runner = CliRunner()


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _variant(base, inspection_id, unit, due, *, office=True):
    """The spec's example as another inspection of another unit, its first measure due then."""
    data = copy.deepcopy(base)
    data["inspection"].update(id=inspection_id, unit=unit)
    problem = data["aspects"][0]["categories"][0]["problems"][0]
    problem.pop("carried_from", None)
    problem["measures"][0]["due"] = due
    if not office:
        del data["office"]
    return data


@pytest.fixture
def three_offices(db, tmp_path):
    """Two inspections of 滨海新区区委巡察办, Wulong's of 武隆区委巡察办, and one inspection
    whose file declared no office."""
    base = yaml.safe_load(SPEC_EXAMPLE.read_text(encoding="utf-8"))
    base["inspection"]["parent_unit"] = "天津市滨海新区"
    files = [
        _write(tmp_path, "r8.yaml", base),
        _write(
            tmp_path,
            "r9.yaml",
            _variant(base, "binhai-2024-r9", "滨海新区水务局党组", "2024-09-30"),
        ),
        EXAMPLES / "wulong-2023.yaml",
        _write(
            tmp_path,
            "r7.yaml",
            _variant(base, "binhai-2024-r7", "滨海新区城管委党组", "2024-07-31", office=False),
        ),
    ]
    for path in files:
        assert import_file(path).done, path


def test_office_status_groups_units_by_office_laggards_first(three_offices):
    result = runner.invoke(app, ["office", "status", "--as-of", "2024-10-15", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["office_name"], r["inspection"]) for r in rows] == [
        # within the office, the overdue one first, whatever the ids say
        ("滨海新区区委巡察办", "binhai-2024-r9"),
        ("滨海新区区委巡察办", "binhai-2024-r8"),
        # Wulong lags most of all, but it is another office's
        ("武隆区委巡察办", "wulong-2023-r3"),
        # overdue too, yet under its own heading, last
        ("（未声明巡察办）", "binhai-2024-r7"),
    ]
    r9, r8, wulong, r7 = rows
    assert [r["office"] for r in rows] == ["binhai-xcb", "binhai-xcb", "wulong-xcb", None]
    assert r9["overdue"] == 1 and r8["overdue"] == 0 and r7["overdue"] == 1
    assert wulong["overdue"] == 31 and wulong["closed"] == 0 and wulong["plan_late"]
    assert r8["unit"] == "天津市滨海新区 / 滨海新区生态环境局党组"
    assert r9["unit"] == "天津市滨海新区 / 滨海新区水务局党组" and r9["problems"] == 1


def test_office_status_table_shows_each_office_once(three_offices):
    result = runner.invoke(
        app, ["office", "status", "--as-of", "2024-10-15"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name in ("滨海新区区委巡察办", "武隆区委巡察办", "（未声明巡察办）"):
        assert sum(name in line for line in lines) == 1, name
    order = [
        next(i for i, line in enumerate(lines) if text in line)
        for text in ("binhai-2024-r9", "binhai-2024-r8", "wulong-2023-r3", "binhai-2024-r7")
    ]
    assert order == sorted(order)


@pytest.mark.slow
def test_office_overview_flow_publishes_the_table(db, prefect_harness):
    import asyncio

    from prefect.client.orchestration import get_client

    from flows.office_overview import office_overview

    assert import_file(EXAMPLES / "wulong-2023.yaml").done
    result = office_overview(as_of="2023-09-01T10:00")
    assert result == {"date": "2023-09-01", "offices": 1, "units": 1, "laggard": "wulong-2023-r3"}

    async def artifact():
        async with get_client() as client:
            from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
            from prefect.client.schemas.sorting import ArtifactSort

            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["office-overview"])),
                sort=ArtifactSort.CREATED_DESC,
            )
            return found[0]  # this run's: other tests of the session publish the same key

    (row,) = json.loads(asyncio.run(artifact()).data)
    assert row["巡察办"] == "武隆区委巡察办" and row["巡察"] == "wulong-2023-r3"
    assert row["问题"] == 31 and row["超期"] == 16
