"""The real flows under a Prefect test server, against a temporary SQLite file and real
SMTP/HTTP receivers on localhost: who received what, and when."""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re

import pendulum
import pytest
import yaml
from sqlmodel import select

from flows.deadline_watch import deadline_watch
from flows.deliver_notices import deliver_notices
from flows.half_monthly_dispatch import half_monthly_dispatch
from flows.lookback_review import lookback_review
from flows.monthly_supervision import monthly_supervision
from models import (
    Notice,
    Problem,
    ReportSubmission,
    SignOff,
    SignOffApplication,
    SignOffReturn,
    session_scope,
)
from rectify.core.states import ProblemState
from rectify.feedback.service import import_file
from rectify.problems import service
from rectify.problems.actions import ApprovePlan, Progress
from tests.conftest import SPEC_EXAMPLE
from tests.receivers import HttpReceiver, SmtpReceiver

TOKEN = "tok-5ecret-9f8e7d"
pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]


def local(*args) -> dt.datetime:
    return pendulum.datetime(*args, tz="Asia/Shanghai")


@pytest.fixture
def receivers(monkeypatch):
    monkeypatch.setenv("RECEIVER_TOKEN", TOKEN)
    with SmtpReceiver() as smtp, HttpReceiver() as http:
        yield smtp, http


def _feedback(tmp_path, receivers, *, office: bool = True):
    """The spec's example with contacts on the local receivers and a second problem; with
    the inspection office's two supervisors, or without an office (an earlier-format file).
    """
    smtp, http = receivers
    data = yaml.safe_load(SPEC_EXAMPLE.read_text(encoding="utf-8"))
    data["people"] = [
        {
            "id": "secretary",
            "name": "局党组书记",
            "roles": ["leader"],
            "contacts": [smtp.url("secretary")],
        },
        {
            "id": "deputy_law",
            "name": "分管法规副局长",
            "roles": ["deputy"],
            "contacts": [http.url("deputy_law")],
        },
        {
            "id": "office_head",
            "name": "办公室主任",
            "roles": ["unit_office"],
            "contacts": [http.url("office_head")],
        },
        {"id": "clerk", "name": "综合科科长", "roles": [], "contacts": [http.url("clerk")]},
    ]
    data.pop("office", None)
    if office:
        data["office"] = {
            "id": "binhai-xcb",
            "name": "滨海新区区委巡察办",
            "staff": [
                {
                    "id": key,
                    "name": name,
                    "roles": ["supervisor"],
                    "contacts": [http.url(key)],
                }
                for key, name in (("xcb_li", "巡察办督查室"), ("xcb_wang", "巡察办综合室"))
            ],
        }
    problems = data["aspects"][0]["categories"][0]["problems"]
    for measure in problems[0]["measures"]:
        measure["responsible_person"] = "clerk"
    problems.append(
        {
            "ref": "2",
            "title": "制度执行不严",
            "measures": [
                {
                    **copy.deepcopy(problems[0]["measures"][0]),
                    "text": "修订议事规则",
                    "due": dt.date(2024, 10, 31),
                }
            ],
        }
    )
    path = tmp_path / "binhai.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert import_file(path).done
    assert service.act(
        None, ApprovePlan(by="secretary", meeting="第N次局党组会议"), local(2024, 8, 28, 10)
    ).done
    return path


@pytest.fixture
def inspection(db, tmp_path, receivers):
    """The example with its office, the plan approved on 28 August 2024 and the
    rectification report (整改报告) submitted on 26 August, its due date."""
    path = _feedback(tmp_path, receivers)
    with session_scope() as s:
        s.add(ReportSubmission(inspection_id=INSPECTION, at=local(2024, 8, 26, 10), by="secretary"))
    return path


INSPECTION = "binhai-2024-r8"


def _history(ref: str, *rows) -> None:
    """Write sign-off history rows of problem ``ref`` straight through the tables (the rows
    the unit's application, the office's confirmation or return leave), ``state`` and
    ``closed_at`` as a confirmation leaves them."""
    with session_scope() as s:
        problem = s.exec(
            select(Problem).where(Problem.inspection_id == INSPECTION, Problem.ref == ref)
        ).one()
        for row in rows:
            row.problem_id = problem.id
            s.add(row)
            if isinstance(row, SignOffApplication):
                problem.state = ProblemState.AWAITING_CONFIRMATION
            elif isinstance(row, SignOffReturn):
                problem.state = ProblemState.IN_PROGRESS
            elif isinstance(row, SignOff):
                problem.state, problem.closed_at = ProblemState.CLOSED, row.at
        s.add(problem)


def _confirmed(ref: str, by: str, at: dt.datetime) -> None:
    """Problem ``ref`` applied for by the unit an hour before ``at`` and confirmed by ``by``."""
    _history(
        ref,
        SignOffApplication(problem_id=0, at=at - dt.timedelta(hours=1), by="secretary"),
        SignOff(problem_id=0, at=at, by=by, note="经审核，同意销号"),
    )


def to(receiver, person):
    return [m for m in receiver.messages if m.to == person]


def test_green_yellow_red_on_their_days_as_one_digest_each(inspection, receivers):
    smtp, http = receivers
    deadline_watch(as_of=local(2024, 10, 10, 9))  # 21 days before the due date: nothing
    assert to(http, "clerk") == []

    deadline_watch(as_of=local(2024, 10, 11, 9))  # 20 days: green to the responsible person
    (green,) = to(http, "clerk")
    assert "绿色提醒" in green.title and "整改时限提醒" in green.title
    assert "问题1" in green.body and "问题2" in green.body  # one digest for both problems
    assert to(http, "deputy_law") == []

    deadline_watch(as_of=local(2024, 10, 21, 9))  # 10 days: yellow, also the responsible leader
    assert "黄色预警" in to(http, "clerk")[-1].title
    assert "黄色预警" in to(http, "deputy_law")[-1].title
    assert to(smtp, "secretary") == []

    deadline_watch(as_of=local(2024, 11, 1, 9))  # the day after due: red up to the lead leader
    assert (
        "红色督办" in to(http, "clerk")[-1].title and "整改超期督办" in to(http, "clerk")[-1].title
    )
    (red_mail,) = [m for m in to(smtp, "secretary") if "整改超期督办" in m.title]
    assert "红色督办" in red_mail.title and "问题1" in red_mail.body and "问题2" in red_mail.body
    assert [len(to(http, p)) for p in ("clerk", "deputy_law")] == [3, 2]
    # the centralised period (60 days from 28 August) ended on 27 October: the leader is told
    (report,) = [m for m in to(smtp, "secretary") if "通报提醒" in m.title]
    assert "2024-10-27" in report.body

    # a re-run of the same day, and the next day, send nothing again
    before = (len(http.messages), len(smtp.messages))
    deadline_watch(as_of=local(2024, 11, 1, 9))
    deadline_watch(as_of=local(2024, 11, 4, 9))
    assert (len(http.messages), len(smtp.messages)) == before


def test_closed_problems_are_not_reminded(inspection, receivers):
    _, http = receivers
    _confirmed("2", "xcb_li", local(2024, 10, 9, 10))
    deadline_watch(as_of=local(2024, 10, 11, 9))
    (green,) = to(http, "clerk")
    assert "问题1" in green.body and "问题2" not in green.body


def test_quiet_hours_defer_to_the_next_working_morning(inspection, receivers):
    _, http = receivers
    # Saturday 19 October 2024, 09:00: a yellow day for nobody, green for both problems
    result = deadline_watch(as_of=local(2024, 10, 19, 9))
    assert result["notices"] >= 1 and http.messages == []
    with session_scope() as s:
        pending = s.exec(select(Notice).where(Notice.status == "pending")).all()
        assert {n.deliver_after for n in pending} == {local(2024, 10, 21, 9)}
    deliver_notices(as_of=local(2024, 10, 20, 15))  # Sunday: still nothing
    assert http.messages == []
    deliver_notices(as_of=local(2024, 10, 21, 9, 5))  # Monday morning
    assert len(to(http, "clerk")) == 1


def test_retry_with_backoff_after_receiver_errors(inspection, receivers):
    _, http = receivers
    http.fail = 2  # the receiver answers 500 twice
    deadline_watch(as_of=local(2024, 10, 11, 9))
    assert http.messages == []
    with session_scope() as s:
        (notice,) = s.exec(select(Notice).where(Notice.person_key == "clerk")).all()
        assert (notice.status, notice.attempts) == ("pending", 1)
        assert notice.next_attempt_at == local(2024, 10, 11, 9, 1)
        assert TOKEN not in (notice.last_error or "") and notice.last_error
    deliver_notices(as_of=local(2024, 10, 11, 9, 0, 30))  # before the backoff: not tried
    assert http.attempts == 1
    deliver_notices(as_of=local(2024, 10, 11, 9, 1))  # second attempt fails again
    deliver_notices(as_of=local(2024, 10, 11, 9, 3))  # third succeeds
    (received,) = to(http, "clerk")
    assert received.key and received.key.startswith(
        f"{'binhai-2024-r8'}|due_reminder|clerk|2024-10-11"
    )
    with session_scope() as s:
        notice = s.exec(select(Notice).where(Notice.person_key == "clerk")).one()
        assert (notice.status, notice.attempts) == ("sent", 3)


def test_failed_notice_is_surfaced_in_the_next_summary(inspection, receivers):
    _, http = receivers
    http.fail = 1000
    deadline_watch(as_of=local(2024, 10, 11, 9))
    at = local(2024, 10, 11, 9)
    for minutes in (1, 3, 7, 15):
        at = at + dt.timedelta(minutes=minutes)
        deliver_notices(as_of=at)
    with session_scope() as s:
        notice = s.exec(select(Notice).where(Notice.person_key == "clerk")).one()
        assert notice.status == "failed" and notice.attempts == 5
    http.fail = 0
    half_monthly_dispatch(as_of=local(2024, 10, 16, 9))
    deputy = to(http, "deputy_law")[-1]
    assert "发送失败" in deputy.body and "clerk" in deputy.body


def test_dispatch_digests_summary_and_flags(inspection, receivers):
    smtp, http = receivers
    assert service.act(
        None, Progress(by="clerk", problem="1", text="已纳入第一议题"), local(2024, 9, 10, 10)
    ).done
    first = half_monthly_dispatch(as_of=local(2024, 9, 16, 9))
    assert first["dispatched"] == ["binhai-2024-r8"]
    assert to(http, "clerk") == []  # 16 September 2024 is the Mid-Autumn holiday
    deliver_notices(as_of=local(2024, 9, 18, 9))
    clerk = to(http, "clerk")
    assert len(clerk) == 1 and "整改定期调度" in clerk[0].title
    deputy = to(http, "deputy_law")
    assert len(deputy) == 1 and "自上次调度以来无进展的问题1个" in deputy[0].body  # problem 2
    # a re-run of the same dispatch sends nothing new
    half_monthly_dispatch(as_of=local(2024, 9, 16, 9))
    deliver_notices(as_of=local(2024, 9, 18, 10))
    assert len(to(http, "clerk")) == 1
    # not a dispatch day: nothing
    assert half_monthly_dispatch(as_of=local(2024, 9, 17, 9))["dispatched"] == []
    # next dispatch: problem 1 had no progress since the 16th: both flagged now
    last = half_monthly_dispatch(as_of=local(2024, 10, 1, 9))  # National Day: on the 8th
    deliver_notices(as_of=local(2024, 10, 8, 9))
    assert "自上次调度以来无进展的问题2个" in to(http, "deputy_law")[-1].body
    # the office sees each dispatch's summary in the UI: the unit's row names both problems
    summary = _latest_artifact("dispatch-summary")
    assert "2024-10-01" in summary.description and "## 半月调度 2024-10-01" in summary.data
    (row,) = [line for line in summary.data.splitlines() if line.startswith("|")][2:]
    assert [cell.strip() for cell in row.strip("|").split("|")][1:] == [
        "2",
        "2",
        "1、2",
        str(last["notices"]),
        "2024-09-16",
    ]


def test_the_dispatch_summary_puts_units_with_problems_without_progress_first():
    from flows.half_monthly_dispatch import summary_table

    def run(unit, flagged, previous=None):
        return {
            "unit": unit,
            "problems": 40,
            "flagged": len(flagged),
            "flagged_problems": flagged,
            "notices": 3,
            "previous_dispatch": previous,
        }

    table = summary_table(
        "2024-12-16",
        [
            run("甲局", []),
            run("乙局", ["7"], "2024-12-01"),
            run("丙|局", ["2", "15"], "2024-12-01"),
        ],
    )
    rows = [line for line in table.splitlines() if line.startswith("|")][2:]
    assert rows[0].startswith("| 丙\\|局 |")  # a bar in a name escaped: still six cells
    cells = [[c.strip() for c in re.split(r"(?<!\\)\|", r)[1:-1]] for r in rows]
    assert cells == [
        ["丙\\|局", "40", "2", "2、15", "3", "2024-12-01"],
        ["乙局", "40", "1", "7", "3", "2024-12-01"],
        ["甲局", "40", "0", "—", "3", "无"],
    ]


def _latest_artifact(key: str):
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    async def read():
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
                sort=ArtifactSort.CREATED_DESC,
                limit=1,
            )

    (artifact,) = asyncio.run(read())
    return artifact


def test_monthly_supervision_escalates_each_cycle(inspection, receivers):
    smtp, http = receivers
    monthly_supervision(as_of=local(2024, 9, 25, 9))
    # not overdue yet: lagging items (no progress) go to the responsible leader and person;
    # the leader receives the month's overview all the same, without a red item
    assert "每月整改督办" in to(http, "deputy_law")[-1].title
    assert "每月整改督办" in to(http, "clerk")[-1].title
    (overview,) = to(smtp, "secretary")
    assert "每月整改督办" in overview.title and "红色督办" not in overview.title
    assert "问题共2个" in overview.body
    monthly_supervision(as_of=local(2024, 11, 25, 9))
    first = to(smtp, "secretary")[-1]
    assert "红色督办" in first.title and "第1次督办" in first.body
    monthly_supervision(as_of=local(2024, 12, 25, 9))
    second = to(smtp, "secretary")[-1]
    assert "第2次提级督办" in second.body
    assert "连续2个督办周期超期" in to(http, "office_head")[-1].body
    # once a month: a re-run does nothing
    count = len(smtp.messages)
    monthly_supervision(as_of=local(2024, 12, 25, 9))
    assert len(smtp.messages) == count


def test_lookback_review_goes_to_the_supervisor_who_did_not_confirm(inspection, receivers):
    _, http = receivers
    # xcb_li confirms problem 2's sign-off on 15 Oct; its review is due 90 days later
    _confirmed("2", "xcb_li", local(2024, 10, 15, 10))
    lookback_review(as_of=local(2025, 1, 12, 9))
    assert to(http, "xcb_li") + to(http, "xcb_wang") == []
    result = lookback_review(as_of=local(2025, 1, 13, 9))
    assert result["assigned"] == {INSPECTION: {"2": "xcb_wang"}}
    (announced,) = to(http, "xcb_wang")
    assert "回头看" in announced.title and "巡察办综合室（巡察办）" in announced.body
    assert "问题2" in announced.body and "巡察办督查室确认" in announced.body
    lookback_review(as_of=local(2025, 1, 14, 9))
    assert len(to(http, "xcb_wang")) == 1
    # nobody of the unit is assigned or told
    assert [m for p in ("office_head", "clerk", "deputy_law") for m in to(http, p)] == []


def test_an_application_reaches_the_office_and_a_return_reaches_the_unit(inspection, receivers):
    smtp, http = receivers
    _history("1", SignOffApplication(problem_id=0, at=local(2024, 10, 14, 10), by="secretary"))
    deadline_watch(as_of=local(2024, 10, 15, 9))
    for supervisor in ("xcb_li", "xcb_wang"):
        (pending,) = to(http, supervisor)
        assert "销号申请待审核" in pending.title and "（巡察办）" in pending.body
        assert "问题1" in pending.body and "局党组书记于2024-10-14申请销号" in pending.body
    unit = [
        *smtp.messages,
        *(m for p in ("deputy_law", "office_head", "clerk") for m in to(http, p)),
    ]
    assert not [m for m in unit if "销号" in m.title]
    deadline_watch(as_of=local(2024, 10, 16, 9))  # told once
    assert [len(to(http, p)) for p in ("xcb_li", "xcb_wang")] == [1, 1]

    _history(
        "1",
        SignOffReturn(problem_id=0, at=local(2024, 10, 16, 15), by="xcb_li", reason="佐证材料不足"),
    )
    deadline_watch(as_of=local(2024, 10, 17, 9))
    for person, role in (("deputy_law", "责任领导"), ("office_head", "整改办")):
        (returned,) = [m for m in to(http, person) if "销号申请被退回" in m.title]
        assert f"（{role}）" in returned.body and "退回理由：佐证材料不足" in returned.body
    assert [len(to(http, p)) for p in ("xcb_li", "xcb_wang")] == [1, 1]
    deadline_watch(as_of=local(2024, 10, 18, 9))  # told once
    assert len([m for m in to(http, "office_head") if "销号申请被退回" in m.title]) == 1


def test_plan_and_report_overdue_reach_the_office(db, tmp_path, receivers):
    smtp, http = receivers
    _feedback(tmp_path, receivers)  # the plan approved on 28 August, the report never sent
    deadline_watch(as_of=local(2024, 8, 16, 9))  # ten days before the report's due: yellow
    (yellow,) = [m for m in to(smtp, "secretary") if "整改报告报送提醒" in m.title]
    assert "黄色预警" in yellow.title and "2024-08-26" in yellow.body
    assert to(http, "xcb_li") == []
    deadline_watch(as_of=local(2024, 8, 27, 9))  # both the plan and the report overdue
    for supervisor in ("xcb_li", "xcb_wang"):
        titles = sorted(m.title for m in to(http, supervisor))
        assert len(titles) == 2 and all("红色督办" in t for t in titles)
        assert any("整改方案逾期未审议" in t for t in titles)
        assert any("整改报告逾期未报送" in t for t in titles)
    assert [m for m in to(smtp, "secretary") if "整改报告逾期未报送" in m.title]
    with session_scope() as s:
        s.add(ReportSubmission(inspection_id=INSPECTION, at=local(2024, 8, 27, 15), by="secretary"))
    deadline_watch(as_of=local(2024, 9, 2, 9))
    assert len(to(http, "xcb_li")) == 2


def test_without_an_office_no_review_is_assigned_and_the_runs_say_so(db, tmp_path, receivers):
    _, http = receivers
    _feedback(tmp_path, receivers, office=False)
    _confirmed("2", "someone_earlier", local(2024, 10, 15, 10))
    review = lookback_review(as_of=local(2025, 1, 13, 9))
    assert review["assigned"] == {} and INSPECTION in review["without_office"]
    watch = deadline_watch(as_of=local(2025, 1, 13, 9))
    assert "销号申请无人审核" in watch["without_office"][INSPECTION]
    assert not [m for m in http.messages if "回头看" in m.title]


def test_no_token_in_logs_artifacts_or_outbox(inspection, receivers, caplog):
    _, http = receivers
    http.fail = 3
    caplog.set_level(logging.DEBUG)
    deadline_watch(as_of=local(2024, 11, 1, 9))
    deliver_notices(as_of=local(2024, 11, 1, 9, 1))
    half_monthly_dispatch(as_of=local(2024, 11, 1, 9))
    assert TOKEN not in caplog.text
    with session_scope() as s:
        for n in s.exec(select(Notice)).all():
            assert TOKEN not in f"{n.body}{n.subject}{n.last_error}{n.contacts}"
    from prefect.client.orchestration import get_client

    async def artifacts():
        async with get_client() as client:
            return await client.read_artifacts()

    import asyncio

    found = asyncio.run(artifacts())
    assert found and all(TOKEN not in str(a.data) + str(a.description) for a in found)


def test_runs_are_named_with_date_and_inspection_and_tagged(inspection):
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    half_monthly_dispatch(as_of=local(2024, 10, 16, 9))
    half_monthly_dispatch(as_of=local(2024, 11, 1, 9), inspection_id="binhai-2024-r8")

    async def runs():
        async with get_client() as client:
            return await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_="半月调度"))
            )

    found = {r.name: r for r in asyncio.run(runs())}
    assert "半月调度 全部 2024-10-16" in found
    one = found["半月调度 binhai-2024-r8 2024-11-01"]
    assert {"dispatch", "inspection:binhai-2024-r8"} <= set(one.tags)


def test_secret_from_a_prefect_secret_block(inspection, receivers, monkeypatch):
    from prefect.blocks.system import Secret

    _, http = receivers
    Secret(value="blk-7op-5ecret").save("clerk-hook-token", overwrite=True)
    monkeypatch.delenv("CLERK_HOOK_TOKEN", raising=False)
    with session_scope() as s:
        from models import Person

        clerk = s.exec(select(Person).where(Person.key == "clerk")).one()
        clerk.contacts = [http.url("clerk", token_var="CLERK_HOOK_TOKEN")]
        s.add(clerk)
    deadline_watch(as_of=local(2024, 10, 11, 9))
    (received,) = to(http, "clerk")
    assert "绿色提醒" in received.title and received.path.startswith("/clerk/blk-7op-5ecret")
    with session_scope() as s:
        notice = s.exec(select(Notice).where(Notice.person_key == "clerk")).one()
        assert notice.status == "sent" and "blk-7op-5ecret" not in str(notice.contacts)
