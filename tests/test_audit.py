"""The audit log is tamper-evident: `rectify audit verify` finds an edited, inserted or
deleted event and says where."""

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from models import get_engine
from rectify.cli import app
from rectify.problems import service
from rectify.problems.actions import ApprovePlan, Progress

runner = CliRunner()


@pytest.fixture
def logged(db, spec_file):
    assert runner.invoke(app, ["import", str(spec_file)]).exit_code == 0
    service.act(None, ApprovePlan(by="office_head"))  # refused: audited too
    service.act(None, ApprovePlan(by="secretary"))
    service.act(None, Progress(by="office_head", problem="1", text="已纳入"))
    service.act(None, Progress(by="office_head", problem="1", text="再推进"))
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "共 5 条记录，哈希链无断裂" in ok.output


def tamper(sql):
    with get_engine().begin() as conn:
        conn.execute(text(sql))


def verify():
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    return result.output


def test_an_edited_event_is_named(logged):
    tamper("UPDATE auditevent SET actor = 'secretary' WHERE id = 2")
    out = verify()
    assert "事件 #2：记录后内容被修改" in out
    assert "#3" not in out


def test_a_deleted_event_is_found(logged):
    tamper("DELETE FROM auditevent WHERE id = 3")
    assert "事件 #4：与前一条记录衔接不上" in verify()


def test_an_inserted_event_is_found(logged):
    tamper(
        "INSERT INTO auditevent (id, at, recorded_at, action, outcome, details, prev_hash, hash) "
        "VALUES (99, '2024-01-01 00:00:00', '2024-01-01 00:00:00', 'sign_off', 'done', '{}', 'x', 'y')"
    )
    out = verify()
    assert "事件 #99" in out


def test_the_listing_still_works(logged):
    result = runner.invoke(app, ["audit"])
    assert (
        result.exit_code == 0
        and "approve_plan" in result.output
        and "not_permitted" in result.output
    )
