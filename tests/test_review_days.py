"""The daily 回头看 on the days nothing is due: the same result as the whole review, and the
unit's snapshots (its tree and history) left unread. Day by day around a review's due date,
for an inspection with an office and one without."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
import yaml
from sqlalchemy import event
from typer.testing import CliRunner

from models import get_engine
from rectify.cli import app
from tasks.context import each_inspection
from tasks.review import _reviews, assign_one, assign_reviews
from tests.test_actions_cli import OFFICE

runner = CliRunner()
INSPECTION = "binhai-2024-r8"


@pytest.fixture(params=[True, False], ids=["with an office", "without an office"])
def signed_off(request, db, spec_file):
    """Problem 1 of the spec's example confirmed by xcb_li on 15 October 2024: its review is
    due on 13 January 2025."""
    data = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    data["office"] = OFFICE
    if not request.param:  # a file of the earlier format: no office
        data.pop("office")
    spec_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert runner.invoke(app, ["import", str(spec_file)]).exit_code == 0
    if request.param:
        for command in (
            ["apply-sign-off", "1", "--by", "secretary", "--evidence", "a.pdf"],
            ["sign-off", "1", "--by", "xcb_li", "--evidence", "a.pdf"],
        ):
            done = runner.invoke(app, [*command, "--at", "2024-10-15"])
            assert done.exit_code == 0, done.output
    return request.param


def at(day: str) -> dt.datetime:
    return pendulum.parse(f"{day}T09:00:00", tz="Asia/Shanghai")


def statements(work) -> tuple[object, int]:
    count = [0]

    def counted(*_):
        count[0] += 1

    event.listen(get_engine(), "before_cursor_execute", counted)
    try:
        return work(), count[0]
    finally:
        event.remove(get_engine(), "before_cursor_execute", counted)


@pytest.mark.parametrize(
    "day, assigned",
    [
        ("2024-10-16", {}),  # closed yesterday
        ("2025-01-12", {}),  # the day before its review is due
        ("2025-01-13", {"1": "xcb_wang"}),  # due: not to the supervisor who confirmed it
    ],
)
def test_a_review_day_gives_what_the_whole_review_gives(signed_off, day, assigned):
    whole, read = statements(lambda: each_inspection([INSPECTION], at(day), assign_one, _reviews))
    if assigned and signed_off:  # the whole review assigned it (the next test: the task's)
        assert whole[0]["assigned"] == assigned
        return
    result, count = statements(lambda: assign_reviews.fn([INSPECTION], at(day)))
    assert result == whole
    assert ("without_office" in result[0]) is not signed_off
    # the inspection, its closings and their assignments, its people (the work days besides
    # when a closing is not yet assigned), the transaction: not its tree and history
    assert count <= 7 < read


def test_due_the_review_is_assigned_once_then_the_days_are_quiet_again(signed_off):
    if not signed_off:
        pytest.skip("nothing closed without an office")
    (due,), count = statements(lambda: assign_reviews.fn([INSPECTION], at("2025-01-13")))
    assert due["assigned"] == {"1": "xcb_wang"} and due["notices"] == 1
    assert count > 10  # the unit's snapshot read for the assignment
    (after,), count = statements(lambda: assign_reviews.fn([INSPECTION], at("2025-01-14")))
    assert after["assigned"] == {} and after["notices"] == 0 and count <= 7
    assert assign_reviews.fn([INSPECTION], at("2025-01-14")) == [after]


def test_an_unknown_inspection_is_refused_as_before(db):
    from rectify.core.errors import Refusal

    with pytest.raises(Refusal, match="没有编号为 nowhere 的巡察"):
        assign_reviews.fn(["nowhere"], at("2025-01-13"))
