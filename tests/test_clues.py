"""Problem clues (问题线索): the rules, the clue file, the commands (office and authorised
people only, every refusal audited), the clue watch's notices (to the receiving body's contact
person and the office only), and no clue in any public output."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import shlex
import zipfile
from pathlib import Path

import pendulum
import pytest
import yaml
from sqlalchemy import inspect
from sqlmodel import SQLModel, select
from typer.testing import CliRunner

from models import AuditEvent, Notice, get_engine, session_scope
from rectify.cli import app
from rectify.clues import (
    KEY_SETTING,
    BodyView,
    ClueClass,
    ClueState,
    ClueStep,
    ClueView,
    check_clue_actor,
    check_extension,
    check_feedback,
    check_transfer,
    clue_notices,
    next_clue_state,
    render_clue_notice,
    supervision_cycles,
)
from rectify.clues.sealing import new_key_text
from rectify.core.errors import Refusal
from rectify.core.settings import reset_settings
from rectify.feedback.service import import_file
from rectify.notices.planning import Mark
from rectify.problems import service
from rectify.problems.actions import ApprovePlan
from rectify.problems.rules.escalation import Level
from rectify.problems.rules.views import PersonView
from tests.conftest import EXAMPLES, SPEC_EXAMPLE, dump_database

runner = CliRunner()
CLUE_EXAMPLE = EXAMPLES / "binhai-clues.yaml"
FULL_EXAMPLE = EXAMPLES / "binhai-2024.yaml"
KEEPER = "xcb_wang"  # the office's clue keeper (role clues) in the examples
OFFICE = {
    "id": "binhai-xcb",
    "name": "滨海新区区委巡察办",
    "staff": [
        {"id": "xcb_li", "name": "巡察办督查室", "roles": ["supervisor"], "contacts": []},
        {"id": KEEPER, "name": "巡察办综合室", "roles": ["supervisor", "clues"], "contacts": []},
    ],
}
CLUE_TABLES = {"clue", "cluebody", "cluereader", "clueextension"}
D = dt.date


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(autouse=True)
def clue_key_set(monkeypatch):
    """Every test here has a clue key configured (RECTIFY_CLUE_KEY) unless it says otherwise."""
    monkeypatch.setenv(KEY_SETTING, new_key_text())
    reset_settings()
    yield
    reset_settings()


def last_audit() -> AuditEvent:
    with session_scope() as s:
        return s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def refused(result, code: str) -> AuditEvent:
    assert result.exit_code == 1, result.output
    assert f"拒绝（{code}）" in result.output
    event = last_audit()
    assert (event.outcome, event.code) == ("refused", code)
    return event


def unchanged_but_audit(before: dict) -> None:
    after = dump_database()
    assert {k: v for k, v in after.items() if k != "auditevent"} == {
        k: v for k, v in before.items() if k != "auditevent"
    }
    assert len(after["auditevent"]) == len(before["auditevent"]) + 1


# ---------------------------------------------------------------- the rules


def view(state=ClueState.TRANSFERRED, due=D(2024, 10, 31), number="XS-1", **kw) -> ClueView:
    return ClueView(
        number=number,
        clue_class=kw.pop("clue_class", ClueClass.FURTHER),
        state=state,
        registered_on=kw.pop("registered_on", D(2024, 4, 10)),
        body=kw.pop("body", "cdi"),
        transferred_on=kw.pop("transferred_on", D(2024, 6, 28)),
        due=due,
    )


@pytest.mark.parametrize(
    ("state", "step", "after"),
    [
        (ClueState.REGISTERED, ClueStep.TRANSFER, ClueState.TRANSFERRED),
        (ClueState.TRANSFERRED, ClueStep.EXTEND, ClueState.TRANSFERRED),
        (ClueState.TRANSFERRED, ClueStep.FEEDBACK, ClueState.CLOSED),
        (ClueState.TRANSFERRED, ClueStep.TRANSFER, None),
        (ClueState.REGISTERED, ClueStep.FEEDBACK, None),
        (ClueState.REGISTERED, ClueStep.EXTEND, None),
        (ClueState.CLOSED, ClueStep.EXTEND, None),
        (ClueState.CLOSED, ClueStep.FEEDBACK, None),
    ],
)
def test_lifecycle(state, step, after):
    if after is None:
        with pytest.raises(Refusal) as refusal:
            next_clue_state(state, step)
        assert refusal.value.code == "illegal_transition"
    else:
        assert next_clue_state(state, step) is after


def test_transfer_extension_and_feedback_dates():
    registered = view(ClueState.REGISTERED, due=None, transferred_on=None, body=None)
    assert check_transfer(registered, on=D(2024, 6, 28), due=D(2024, 9, 30)) is (
        ClueState.TRANSFERRED
    )
    for on, due, code in [
        (D(2024, 4, 9), D(2024, 9, 30), "before_registration"),
        (D(2024, 6, 28), D(2024, 6, 28), "due_not_after_transfer"),
    ]:
        with pytest.raises(Refusal) as refusal:
            check_transfer(registered, on=on, due=due)
        assert refusal.value.code == code
    for new_due, reason, code in [
        (D(2024, 11, 30), "  ", "missing_reason"),
        (D(2024, 10, 31), "需调取银行流水", "not_later"),
    ]:
        with pytest.raises(Refusal) as refusal:
            check_extension(view(), new_due=new_due, reason=reason)
        assert refusal.value.code == code
    with pytest.raises(Refusal) as refusal:
        check_feedback(view(), on=D(2024, 6, 27))
    assert refusal.value.code == "before_transfer"
    assert view().overdue(D(2024, 11, 1)) and not view().overdue(D(2024, 10, 31))
    assert not view(ClueState.CLOSED).overdue(D(2024, 12, 1))


KEEPER_VIEW = PersonView(KEEPER, "巡察办综合室", frozenset({"supervisor", "clues"}), "office")
SUPERVISOR = PersonView("xcb_li", "巡察办督查室", frozenset({"supervisor"}), "office")
OTHER_STAFF = PersonView("xcb_zhao", "巡察办秘书科", frozenset({"supervisor"}), "office")
UNIT = [
    PersonView("secretary", "局党组书记", frozenset({"leader"})),
    PersonView("office_head", "办公室主任", frozenset({"unit_office", "reviewer"})),
    PersonView("discipline", "纪检组长", frozenset({"reviewer", "clues"})),  # a unit role "clues"
    PersonView("clerk", "科员", frozenset()),
]
ACTIONS = ("clue_import", "clue_list", "clue_transfer", "clue_extend", "clue_feedback")
ALL, BODY = "all", "body"
ACCESS_CASES = [
    # (actor, contact_of, actions, expected: ALL, BODY or a refusal code)
    (KEEPER_VIEW, (), ACTIONS, ALL),
    (SUPERVISOR, (), ACTIONS[1:], ALL),  # named as a reader
    (SUPERVISOR, (), ("clue_import",), "not_permitted"),  # the import names the readers
    (OTHER_STAFF, (), ACTIONS, "not_permitted"),  # office, but neither keeper nor reader
    *[(person, (), ACTIONS, "not_permitted") for person in UNIT],
    (None, ("cdi",), ("clue_list", "clue_feedback"), BODY),  # a body's contact
    (None, ("cdi",), ("clue_import", "clue_transfer", "clue_extend"), "not_permitted"),
    (None, (), ACTIONS, "unknown_person"),
]


@pytest.mark.parametrize(("actor", "contact_of", "actions", "expected"), ACCESS_CASES)
def test_only_the_office_clue_keepers_readers_and_a_body_contact(
    actor, contact_of, actions, expected
):
    readers = {"xcb_li", "discipline"}  # a unit person named as a reader gains nothing
    for action in actions:
        if expected in (ALL, BODY):
            access = check_clue_actor(action, actor, readers, contact_of)
            assert access.everything is (expected == ALL)
            assert access.sees(view(body="cdi")) and access.sees(view(body="org")) is (
                expected == ALL
            )
            continue
        with pytest.raises(Refusal) as refusal:
            check_clue_actor(action, actor, readers, contact_of)
        assert refusal.value.code == expected, (actor, action)


def test_supervision_cycles_count_supervision_days_after_the_deadline():
    assert supervision_cycles(D(2024, 10, 31), D(2024, 11, 24), 25) == 0
    assert supervision_cycles(D(2024, 10, 31), D(2024, 11, 25), 25) == 1
    assert supervision_cycles(D(2024, 10, 25), D(2024, 10, 25), 25) == 0
    assert supervision_cycles(D(2024, 11, 30), D(2025, 2, 25), 25) == 3


BODIES = {"cdi": BodyView("cdi", "区纪委监委", "cdi_liaison")}


def watch_days(clues, start: dt.date, end: dt.date, marks: set | None = None):
    """Run the rule day by day, keeping its marks as the task does; (day, kind, to, level, note)."""
    marks = set() if marks is None else marks
    told = []
    day = start
    while day <= end:
        plans, new = clue_notices(
            clues=clues,
            bodies=BODIES,
            office=[KEEPER],
            reminders=(20, 10),
            supervision_day=25,
            marks=marks,
            today=day,
        )
        marks |= set(new)
        told += [(day, p.kind, p.to, p.level, "|".join(i.note for i in p.items)) for p in plans]
        day += dt.timedelta(days=1)
    return told


def test_the_ladder_green_yellow_red_then_monthly_to_the_contact_and_the_office():
    told = watch_days([view()], D(2024, 10, 1), D(2024, 12, 31))
    assert told == [
        (D(2024, 10, 11), "clue_reminder", "cdi_liaison", Level.GREEN, ""),
        (D(2024, 10, 21), "clue_reminder", "cdi_liaison", Level.YELLOW, ""),
        (D(2024, 11, 1), "clue_overdue", "cdi_liaison", Level.RED, "已超期1天"),
        (D(2024, 11, 1), "clue_overdue", KEEPER, Level.RED, "已超期1天"),
        (D(2024, 11, 25), "clue_overdue", "cdi_liaison", Level.RED, "已超期25天，第1次督办"),
        (D(2024, 11, 25), "clue_overdue", KEEPER, Level.RED, "已超期25天，第1次督办"),
        (D(2024, 12, 25), "clue_overdue", "cdi_liaison", Level.RED, "已超期55天，第2次提级督办"),
        (D(2024, 12, 25), "clue_overdue", KEEPER, Level.RED, "已超期55天，第2次提级督办"),
    ]


def test_an_extension_restarts_the_ladder_and_feedback_or_registration_silence_it():
    marks = {Mark("clue:XS-1", D(2024, 10, 31), Level.RED)}
    extended = view(due=D(2024, 12, 31))
    told = watch_days([extended], D(2024, 11, 2), D(2024, 12, 12), marks)
    assert [(d, lv) for d, _, _, lv, _ in told] == [
        (D(2024, 12, 11), Level.GREEN)
    ]  # 20 days before the new deadline, not on 25 November: no longer overdue
    assert watch_days([view(ClueState.CLOSED)], D(2024, 10, 1), D(2024, 12, 31)) == []
    registered = view(ClueState.REGISTERED, due=None, body=None, transferred_on=None)
    assert watch_days([registered], D(2024, 10, 1), D(2024, 12, 31)) == []


def test_a_notice_names_number_class_body_and_deadline_and_nothing_else():
    (plan,) = [
        p
        for p in clue_notices(
            clues=[view(number="XS-R8-001")],
            bodies=BODIES,
            office=[],
            reminders=(20, 10),
            supervision_day=25,
            marks=set(),
            today=D(2024, 10, 21),
        )[0]
    ]
    subject, body = render_clue_notice(plan, name="第三监督检查室", today=D(2024, 10, 21))
    assert subject == "【黄色预警】问题线索限期办结提醒" and "XS-R8-001" not in subject
    assert "第三监督检查室同志" in body
    assert (
        "1. 线索XS-R8-001（进一步了解关注类），承办：区纪委监委，限期办结：2024-10-31（黄色预警）"
        in body
    )


# ---------------------------------------------------------------- the clue file and commands


@pytest.fixture
def inspection(db, spec_file):
    """The spec's example with its office (a clue keeper, a supervisor) and, in the unit, a
    纪检组长 and a clerk."""
    data = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    data["office"] = OFFICE
    data["people"] += [
        {"id": "discipline", "name": "纪检组长", "roles": ["reviewer"]},
        {"id": "clerk", "name": "科员", "roles": []},
    ]
    spec_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert import_file(spec_file).done
    return spec_file


@pytest.fixture
def clue_file(tmp_path):
    path = tmp_path / "clues.yaml"
    path.write_text(
        CLUE_EXAMPLE.read_text(encoding="utf-8").replace("readers: []", "readers: [xcb_li]"),
        encoding="utf-8",
    )
    return path


def clue_json(actor: str, *extra: str) -> list[dict]:
    result = run("clue", "list", "--actor", actor, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_example_imports_and_only_the_office_and_its_readers_see_it(inspection, clue_file):
    for unit_person in ("discipline", "office_head"):
        refused(run("clue", "import", clue_file, "--actor", unit_person), "not_permitted")
    ok = run("clue", "import", clue_file, "--actor", KEEPER, "--at", "2024-06-28")
    assert ok.exit_code == 0 and "已登记 3 条问题线索，其中 2 条已移交" in ok.output, ok.output

    listing = run("clue", "list", "--actor", KEEPER, "--as-of", "2024-08-05")
    assert listing.exit_code == 0
    assert "XS-R8-001 进一步了解关注类 已移交办理中 超期5天" in listing.output
    assert "反映某科室负责人在项目验收中违规收受服务对象礼金" in listing.output
    assert "XS-R8-003 参考类 已登记待移交" in listing.output
    assert [r["number"] for r in clue_json("xcb_li")] == ["XS-R8-001", "XS-R8-002", "XS-R8-003"]
    assert last_audit().action == "clue_list" and last_audit().outcome == "done"
    # a body's contact sees the clues transferred to the body, and only those
    assert [r["number"] for r in clue_json("cdi_liaison")] == ["XS-R8-001"]
    assert [r["number"] for r in clue_json("org_liaison")] == ["XS-R8-002"]

    for actor, code in [
        ("secretary", "not_permitted"),
        ("deputy_law", "not_permitted"),
        ("office_head", "not_permitted"),  # the unit's 办公室主任: no longer
        ("discipline", "not_permitted"),
        ("clerk", "not_permitted"),
        ("stranger", "unknown_person"),
    ]:
        result = run("clue", "list", "--actor", actor)
        event = refused(result, code)
        assert "XS-R8" not in result.output and "礼金" not in result.output
        assert event.actor == actor and event.action == "clue_list"

    # the audit log names the clue only to the office's clue keepers and readers
    transfer = run(
        "clue", "transfer", "XS-R8-003", "--to", "district_cdi", "--due", "2024-12-31",
        "--actor", "deputy_law", "--at", "2024-07-01",
    )  # fmt: skip
    refused(transfer, "not_permitted")  # audited with the number it named, sealed
    for actor in (None, "secretary", "office_head", "cdi_liaison"):
        log = run("audit", "--limit", "100", *(["--actor", actor] if actor else []))
        assert log.exit_code == 0 and "clue_transfer （问题线索） 拒绝" in log.output
        assert "XS-R8" not in log.output and "礼金" not in log.output, log.output
    assert "XS-R8-003" in run("audit", "--limit", "100", "--actor", KEEPER).output


def test_a_bad_file_lists_every_error_located_and_writes_nothing(inspection, clue_file):
    text = clue_file.read_text(encoding="utf-8")
    text = text.replace("readers: [xcb_li]", "readers: [discipline, nobody]")
    text = text.replace("id: cdi_liaison", "id: secretary")  # one of the unit's people
    text = text.replace("class: attention", "class: 重点类")
    text = text.replace("date: 2024-06-27, due: 2024-09-30", "date: 2024-06-27, due: 2024-06-01")
    text = text.replace("number: XS-R8-003", "number: XS-R8-001")
    text = text.replace("registered_on: 2024-04-26", "registered_on: 2024-02-30")
    clue_file.write_text(text, encoding="utf-8")
    before = dump_database()
    result = run("clue", "import", clue_file, "--actor", KEEPER)
    refused(result, "invalid_file")
    lines = [line for line in result.output.splitlines() if line.startswith(str(clue_file))]
    expected = [
        ":第 6 行，字段 readers[0]：discipline 是被巡察单位的人员",
        ":第 6 行，字段 readers[1]：本巡察的巡察办没有编号为 nobody 的工作人员",
        ":第 14 行，字段 bodies[0].contact.id：secretary 是被巡察单位的人员",
        ":第 23 行，字段 clues[0].number：线索编号 XS-R8-001 在本文件中重复",
        ":第 29 行，字段 clues[1].class：应为 further、attention、reference 之一，实为 “重点类”",
        ":第 32 行，字段 clues[1].transfer.due：限期办结日期不晚于移交日期",
        ":第 33 行，字段 clues[2].number：线索编号 XS-R8-001 在本文件中重复",
        ":第 36 行，字段 clues[2].registered_on：不是有效的日期：“2024-02-30”",
    ]
    assert len(lines) == len(expected), result.output
    for want in expected:
        assert sum(line.startswith(f"{clue_file}{want}") for line in lines) == 1, want
    unchanged_but_audit(before)
    assert "礼金" not in (last_audit().reason or "")  # the audit keeps a count, not the file


def test_a_registered_number_and_an_unknown_inspection_are_refused(inspection, clue_file):
    assert run("clue", "import", clue_file, "--actor", KEEPER).exit_code == 0
    before = dump_database()
    again = run("clue", "import", clue_file, "--actor", KEEPER)
    refused(again, "invalid_file")
    assert "，字段 clues[0].number：线索编号 XS-R8-001 已登记过" in again.output
    unchanged_but_audit(before)
    clue_file.write_text(
        clue_file.read_text(encoding="utf-8").replace(
            "inspection: binhai-2024-r8", "inspection: x"
        ),
        encoding="utf-8",
    )
    unknown = run("clue", "import", clue_file, "--actor", KEEPER)
    refused(unknown, "invalid_file")
    assert (
        ":第 4 行，字段 inspection：没有已导入的巡察 “x”（请先导入它的反馈文件）" in unknown.output
    )


def test_transfer_extend_feedback_and_every_refusal_changes_nothing(inspection, clue_file):
    assert run("clue", "import", clue_file, "--actor", KEEPER).exit_code == 0

    def refused_unchanged(code, *args):
        before = dump_database()
        refused(run("clue", *args), code)
        unchanged_but_audit(before)

    at = "--at 2024-07-01"
    for code, args in [
        # an unauthorised person cannot even learn whether a number exists
        (
            "not_permitted",
            f"transfer NO-SUCH --to district_cdi --due 2024-10-31 --actor secretary {at}",
        ),
        (
            "unknown_clue",
            f"transfer NO-SUCH --to district_cdi --due 2024-10-31 --actor xcb_wang {at}",
        ),
        (
            "unknown_body",
            f"transfer XS-R8-003 --to nowhere --due 2024-10-31 --actor xcb_wang {at}",
        ),
        (
            "illegal_transition",
            f"transfer XS-R8-001 --to district_cdi --due 2024-10-31 --actor xcb_wang {at}",
        ),
        (
            "due_not_after_transfer",
            f"transfer XS-R8-003 --to district_cdi --due 2024-07-01 --actor xcb_wang {at}",
        ),
        (
            "missing_reason",
            f"extend XS-R8-001 --new-due 2024-08-31 --reason ' ' --actor xcb_wang {at}",
        ),
        (
            "not_later",
            f"extend XS-R8-001 --new-due 2024-07-31 --reason 需调取银行流水 --actor xcb_wang {at}",
        ),
        (
            "illegal_transition",
            f"extend XS-R8-003 --new-due 2024-12-31 --reason 需要 --actor xcb_wang {at}",
        ),
        ("illegal_transition", f"feedback XS-R8-003 --disposal talk --actor xcb_wang {at}"),
        # a body's contact records results of its own clues only, and transfers nothing
        ("unknown_clue", f"feedback XS-R8-002 --disposal talk --actor cdi_liaison {at}"),
        (
            "not_permitted",
            f"transfer XS-R8-003 --to district_cdi --due 2024-10-31 --actor cdi_liaison {at}",
        ),
    ]:
        refused_unchanged(code, *shlex.split(args))
    ok = run(
        *shlex.split(
            f"clue transfer XS-R8-003 --to district_cdi --due 2024-10-31 --actor xcb_li {at}"
        )
    )
    assert ok.exit_code == 0 and "已移交区纪委监委，限期 2024-10-31 前办结" in ok.output
    ok = run(
        *shlex.split(
            f"clue extend XS-R8-001 --new-due 2024-08-31 --reason 需调取银行流水 --actor xcb_wang {at}"
        )
    )
    assert ok.exit_code == 0

    (first,) = [r for r in clue_json(KEEPER, "--as-of", "2024-09-02") if r["number"] == "XS-R8-001"]
    assert (first["due"], first["original_due"], first["overdue_days"]) == (
        "2024-08-31",
        "2024-07-31",
        2,
    )
    assert first["extensions"] == ["2024-07-31→2024-08-31：需调取银行流水"]

    ok = run(
        *shlex.split(
            "clue feedback XS-R8-001 --disposal verify --note 已初核 --actor xcb_wang --at 2024-09-05"
        )
    )
    assert ok.exit_code == 0 and "初步核实" in ok.output and "晚于办结期限 2024-08-31" in ok.output
    after = "--actor xcb_wang --at 2024-09-06"
    refused_unchanged(
        "illegal_transition", *shlex.split(f"feedback XS-R8-001 --disposal dismiss {after}")
    )
    refused_unchanged(
        "illegal_transition",
        *shlex.split(f"extend XS-R8-001 --new-due 2024-12-31 --reason 需要 {after}"),
    )
    (closed,) = [
        r for r in clue_json(KEEPER, "--as-of", "2024-12-01") if r["number"] == "XS-R8-001"
    ]
    assert (closed["state"], closed["overdue_days"], closed["disposal"]) == (
        "已反馈办结",
        None,
        "初步核实",
    )
    assert closed["feedback_on"] == "2024-09-05" and closed["feedback_note"] == "已初核"


def test_migration_0003_adds_exactly_the_clue_tables_and_removes_them(db):
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from models.migrate import alembic_config, upgrade

    engine = get_engine()
    with engine.connect() as conn:
        drift = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert [d for d in drift if "clue" in str(d)] == []
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    assert not CLUE_TABLES & set(inspect(engine).get_table_names())
    upgrade()
    assert CLUE_TABLES <= set(inspect(engine).get_table_names())


def test_a_registered_clue_is_chased_towards_its_transfer_deadline_to_the_keepers():
    registered = view(ClueState.REGISTERED, due=None, body=None, transferred_on=None).__class__(
        number="XS-9",
        clue_class=ClueClass.REFERENCE,
        state=ClueState.REGISTERED,
        registered_on=D(2024, 4, 26),
        transfer_due=D(2024, 5, 11),  # transfer_within: 15 days
        digest="d" * 64,
    )
    told = watch_days([registered], D(2024, 4, 1), D(2024, 7, 31))
    assert told == [
        (D(2024, 4, 21), "clue_untransferred", KEEPER, Level.GREEN, ""),
        (D(2024, 5, 1), "clue_untransferred", KEEPER, Level.YELLOW, ""),
        (D(2024, 5, 12), "clue_untransferred", KEEPER, Level.RED, "已超过移交期限1天"),
    ]  # to the clue keepers alone, never the body's contact; each level once
    plans, marks = clue_notices(
        clues=[registered],
        bodies=BODIES,
        office=[KEEPER],
        reminders=(20, 10),
        supervision_day=25,
        marks=set(),
        today=D(2024, 5, 12),
    )
    assert [m.subject for m in marks] == ["clue:" + "d" * 64 + ":transfer"]  # no number
    subject, body = render_clue_notice(plans[0], name="巡察办综合室", today=D(2024, 5, 12))
    assert subject == "【红色督办】问题线索待移交提醒"
    assert "1. 线索XS-9（参考类），移交期限：2024-05-11" in body


# ---------------------------------------------------------------- the whole example, sealed


def example_secrets() -> list[str]:
    """Every clue number, summary and the contents of the example clue file."""
    data = yaml.safe_load(CLUE_EXAMPLE.read_text(encoding="utf-8"))
    return [c["number"] for c in data["clues"]] + [c["summary"] for c in data["clues"]]


@pytest.fixture
def full_example(db):
    """binhai-2024.yaml imported, its clues imported, transferred, extended and fed back."""
    assert import_file(FULL_EXAMPLE).done
    assert (
        run("clue", "import", CLUE_EXAMPLE, "--actor", KEEPER, "--at", "2024-06-28").exit_code == 0
    )
    at = "--at 2024-07-01"
    for args in [
        f"transfer XS-R8-003 --to district_cdi --due 2024-10-31 --actor {KEEPER} {at}",
        f"extend XS-R8-001 --new-due 2024-08-31 --reason 需调取XS-R8-001相关银行流水 "
        f"--actor {KEEPER} {at}",
        f"feedback XS-R8-002 --disposal talk --note 反映某干部任职前谈话 --actor org_liaison {at}",
    ]:
        assert run("clue", *shlex.split(args)).exit_code == 0
    data = yaml.safe_load(FULL_EXAMPLE.read_text(encoding="utf-8"))
    return [p["id"] for p in data["people"]]


def test_every_person_of_the_unit_is_refused_and_the_keeper_lists(full_example):
    assert len(full_example) >= 10
    for person in full_example:
        result = run("clue", "list", "--actor", person)
        event = refused(result, "not_permitted")
        assert event.actor == person
        assert not any(secret in result.output for secret in example_secrets())
    rows = clue_json(KEEPER)
    assert [r["number"] for r in rows] == ["XS-R8-001", "XS-R8-002", "XS-R8-003"]
    assert rows[0]["summary"] == "反映某科室负责人在项目验收中违规收受服务对象礼金"
    assert rows[1]["feedback_note"] == "反映某干部任职前谈话"


def test_the_database_file_and_the_audit_rows_hold_no_clue_text(full_example):
    for person in full_example[:3]:  # refusals too are audited
        run("clue", "transfer", "XS-R8-003", "--to", "district_org", "--due", "2025-01-31",
            "--actor", person)  # fmt: skip
    secrets = example_secrets() + ["需调取", "反映某干部任职前谈话"]
    with session_scope() as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action.startswith("clue"))).all()
    assert len(events) >= 7
    for event in events:
        row = json.dumps(event.model_dump(mode="json"), ensure_ascii=False)
        assert not any(secret in row for secret in secrets), row
    get_engine().dispose()
    database = Path(str(get_engine().url.database))
    raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))  # -wal too
    for secret in secrets:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(encoding) not in raw, secret
    assert "XS-R8-002" in run("audit", "--limit", "100", "--actor", KEEPER).output


def test_a_missing_or_wrong_key_is_a_clear_error_naming_the_setting(full_example, monkeypatch):
    monkeypatch.setenv(KEY_SETTING, new_key_text())  # another key
    reset_settings()
    result = run("clue", "list", "--actor", KEEPER)
    refused(result, "clue_key")
    assert "问题线索密钥不正确" in result.output and KEY_SETTING in result.output
    assert "Traceback" not in result.output
    refused(
        run("clue", "transfer", "XS-R8-001", "--to", "district_org", "--due", "2025-01-31",
            "--actor", KEEPER),
        "clue_key",
    )  # fmt: skip
    monkeypatch.delenv(KEY_SETTING)
    reset_settings()
    result = run("clue", "list", "--actor", KEEPER)
    event = refused(result, "clue_key")
    assert "未配置问题线索密钥" in result.output and KEY_SETTING in result.output
    assert event.subject is None
    refused(run("clue", "list", "--actor", "secretary"), "not_permitted")  # the unit: as ever
    monkeypatch.setenv(KEY_SETTING, "not-a-key")
    reset_settings()
    result = run("clue", "list", "--actor", KEEPER)
    assert "问题线索密钥格式不正确" in refused(result, "clue_key").reason


def test_init_writes_a_key_readable_by_its_owner_only_and_uses_it(db, monkeypatch):
    monkeypatch.delenv(KEY_SETTING)
    reset_settings()
    result = run("init")
    key_path = (
        db.parent / "home" / "clue.key"
        if False
        else Path(str(result.output).split("已生成问题线索密钥：")[1].split("（")[0])
    )
    assert result.exit_code == 0 and key_path.is_file(), result.output
    assert key_path.stat().st_mode & 0o777 == 0o600
    assert "问题线索密钥" in run("init").output and key_path.read_text() == key_path.read_text()
    assert import_file(FULL_EXAMPLE).done
    assert run("clue", "import", CLUE_EXAMPLE, "--actor", KEEPER).exit_code == 0
    assert len(clue_json(KEEPER)) == 3


def test_migration_0005_seals_existing_clues_or_stops_without_a_key(full_example, monkeypatch):
    from alembic import command
    from sqlalchemy import text

    from models.migrate import alembic_config, upgrade

    engine = get_engine()
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    with engine.connect() as conn:
        numbers = sorted(conn.execute(text("SELECT number FROM clue")).scalars())
        reasons = list(conn.execute(text("SELECT reason FROM clueextension")).scalars())
    assert numbers == ["XS-R8-001", "XS-R8-002", "XS-R8-003"]  # 0004 kept them plain
    assert reasons == ["需调取XS-R8-001相关银行流水"]
    key = os.environ[KEY_SETTING]
    monkeypatch.delenv(KEY_SETTING)
    reset_settings()
    with pytest.raises(SystemExit) as stop:
        upgrade()
    assert "迁移 0005" in str(stop.value) and KEY_SETTING in str(stop.value)
    monkeypatch.setenv(KEY_SETTING, key)
    reset_settings()
    upgrade()
    rows = clue_json(KEEPER)
    assert [r["number"] for r in rows] == ["XS-R8-001", "XS-R8-002", "XS-R8-003"]
    assert rows[0]["extensions"] == ["2024-07-31→2024-08-31：需调取XS-R8-001相关银行流水"]
    with engine.connect() as conn:
        stored = list(conn.execute(text("SELECT number, summary FROM clue")))
    assert stored and all(
        n.startswith("sealed:v1:") and m.startswith("sealed:v1:") for n, m in stored
    )


# ---------------------------------------------------------------- under Prefect


def local(*args) -> dt.datetime:
    return pendulum.datetime(*args, tz="Asia/Shanghai")


@pytest.fixture
def receivers(monkeypatch):
    from tests.receivers import HttpReceiver, SmtpReceiver

    monkeypatch.setenv("RECEIVER_TOKEN", "tok-clue-7")
    with SmtpReceiver() as smtp, HttpReceiver() as http:
        yield smtp, http


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_clue_notices_reach_the_contact_and_the_office_and_none_of_the_unit(
    db, tmp_path, receivers
):
    from flows.deadline_watch import deadline_watch
    from flows.half_monthly_dispatch import half_monthly_dispatch
    from rectify.clues import import_clues

    smtp, http = receivers
    data = yaml.safe_load(SPEC_EXAMPLE.read_text(encoding="utf-8"))
    contacts = {
        "secretary": smtp.url("secretary"),
        "deputy_law": http.url("deputy_law"),
        "office_head": http.url("office_head"),
    }
    for person in data["people"]:
        person["contacts"] = [contacts[person["id"]]]
    data["office"] = {**OFFICE, "staff": [{**OFFICE["staff"][1], "contacts": [http.url(KEEPER)]}]}
    feedback = tmp_path / "binhai.yaml"
    feedback.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert import_file(feedback).done
    approve = ApprovePlan(by="secretary", meeting="2024年第N次局党组会议")
    assert service.act(None, approve, local(2024, 8, 20, 10)).done
    clues = yaml.safe_load(CLUE_EXAMPLE.read_text(encoding="utf-8"))
    clues["bodies"][0]["contact"]["contacts"] = [http.url("cdi_liaison")]  # org_liaison: none
    clues["clues"][0]["transfer"]["due"] = dt.date(2024, 10, 31)
    clues["clues"][1]["transfer"]["due"] = dt.date(2024, 10, 31)
    del clues["clues"][2]  # an untransferred clue is chased to the keeper: the next test
    path = tmp_path / "clues.yaml"
    path.write_text(yaml.safe_dump(clues, allow_unicode=True), encoding="utf-8")
    assert import_clues(path, actor=KEEPER, at=local(2024, 6, 28, 10)).done

    def to(person):  # what a person received about clues (the watch also reminds measures)
        return [m for m in http.messages if m.to == person and "线索" in m.title]

    assert deadline_watch(as_of=local(2024, 10, 10, 9))["clue_notices"] == 0  # 21 days before
    assert deadline_watch(as_of=local(2024, 10, 11, 9))["clue_notices"] == 2  # green: both contacts
    (green,) = to("cdi_liaison")
    assert green.title == "【绿色提醒】问题线索限期办结提醒"
    assert "区纪委监委第三监督检查室同志" in green.body
    assert "线索XS-R8-001（进一步了解关注类），承办：区纪委监委，限期办结：2024-10-31" in green.body
    assert "XS-R8-002" not in green.body and "礼金" not in green.body  # its own clue, no content
    assert green.key.startswith("binhai-2024-r8/clues|clue_reminder|cdi_liaison|2024-10-11|")
    assert to(KEEPER) == []  # green and yellow concern the contact alone

    # org_liaison has no address: on the next working morning the office is told, once
    deadline_watch(as_of=local(2024, 10, 14, 9))
    (undelivered,) = to(KEEPER)
    assert undelivered.title == "问题线索通知未送达" and "org_liaison" in undelivered.body
    deadline_watch(as_of=local(2024, 10, 15, 9))
    assert len(to(KEEPER)) == 1

    deadline_watch(as_of=local(2024, 10, 21, 9))
    assert to("cdi_liaison")[-1].title == "【黄色预警】问题线索限期办结提醒"
    deadline_watch(as_of=local(2024, 11, 1, 9))
    red = to("cdi_liaison")[-1]
    assert red.title == "【红色督办】问题线索超期未办结督办" and "已超期1天" in red.body
    (office,) = [m for m in to(KEEPER) if m.title == "【红色督办】问题线索超期未办结督办"]
    assert sum(m.title == "问题线索通知未送达" for m in to(KEEPER)) == 2  # 10-21's too
    assert "线索XS-R8-001" in office.body and "线索XS-R8-002" in office.body
    assert "承办：区委组织部" in office.body and "反映" not in office.body
    count = len(http.messages)
    assert deadline_watch(as_of=local(2024, 11, 1, 9))["clue_notices"] == 0  # a re-run: nothing
    assert len(http.messages) == count

    # the unit's own dispatch the same day lists no clue and no failed clue notice
    half_monthly_dispatch(as_of=local(2024, 11, 1, 9))
    (deputy,) = [m for m in http.messages if m.to == "deputy_law" and "调度" in m.title]
    assert "整改定期调度" in deputy.title
    assert "线索" not in deputy.body and "liaison" not in deputy.body

    deadline_watch(as_of=local(2024, 11, 25, 9))  # the monthly supervision day: again, step 1
    assert "第1次督办" in to("cdi_liaison")[-1].body
    assert any("第1次督办" in m.body for m in to(KEEPER))
    unit = [m for m in smtp.messages] + [m for m in http.messages if m.to == "deputy_law"]
    assert unit and all("线索" not in m.title + m.body for m in unit)  # leader, deputy: nothing
    with session_scope() as s:
        rows = s.exec(select(Notice).where(Notice.kind.startswith("clue_"))).all()
    assert {n.person_key for n in rows} == {"cdi_liaison", "org_liaison", KEEPER}
    assert {n.inspection_id for n in rows} == {"binhai-2024-r8/clues"}
    assert all(n.problems == [] for n in rows)
    # delivered readable (above), stored sealed: the outbox holds no clue number or body
    assert all("XS-R8" not in n.subject + n.body + (n.last_error or "") for n in rows)
    assert all("线索" not in n.subject + n.body for n in rows)


SCENARIO = """\
feedback: binhai.yaml
clock:
  start: 2024-10-09T09:00
  until: 2024-11-02T18:00
events:
  - at: 2024-10-09T08:30
    approve_plan: {meeting: 2024年第N次局党组会议, by: secretary}
  - at: 2024-10-20
    progress: {problem: "1", text: 已纳入第一议题, by: office_head}
"""
SECRET = "QZX"  # in every clue number and summary below, nowhere else
CLUES = f"""\
inspection: binhai-2024-r8
readers: [xcb_li]
bodies:
  - id: district_cdi
    name: 区纪委监委
    kind: discipline
    contact: {{id: cdi_liaison, name: 第三监督检查室, contacts: ["json://127.0.0.1:9/cdi"]}}
clues:
  - number: {SECRET}-0731
    class: further
    summary: {SECRET}反映某科长借验收之机收受礼金五万元
    registered_on: 2024-04-10
    transfer: {{to: district_cdi, date: 2024-06-28, due: 2024-10-28}}
  - number: {SECRET}-0732
    class: reference
    summary: {SECRET}反映某干部违规兼职取酬
    registered_on: 2024-04-11
"""


def texts_in(path: Path) -> str:
    """The text of a file; for .docx/.xlsx, of every part in the archive."""
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return path.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_no_clue_in_any_public_output_of_a_full_simulation(db, tmp_path, monkeypatch, caplog):
    import flows.feedback_import
    from rectify.clues import import_clues
    from rectify.runtime.simulation import load_scenario, simulate, write_outputs

    data = yaml.safe_load(SPEC_EXAMPLE.read_text(encoding="utf-8"))
    data["people"].append({"id": "discipline", "name": "纪检组长", "roles": ["reviewer"]})
    data["office"] = OFFICE
    (tmp_path / "binhai.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    (tmp_path / "scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    (tmp_path / "clues.yaml").write_text(CLUES, encoding="utf-8")
    real_intake = flows.feedback_import.feedback_import

    def intake_then_clues(path, replace=False, as_of=None):
        """The office registers the clues right after the feedback, as it would."""
        result = real_intake(path, replace=replace, as_of=as_of)
        assert import_clues(tmp_path / "clues.yaml", actor=KEEPER, at=as_of).done
        return result

    monkeypatch.setattr(flows.feedback_import, "feedback_import", intake_then_clues)
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "out"
    write_outputs(simulate(load_scenario(tmp_path / "scenario.yaml"), in_place=True), out)

    # the clue watch did run in the simulation and told the contact and the office ...
    notices = [json.loads(line) for line in (out / "notices.jsonl").read_text("utf-8").splitlines()]
    clue_notices_ = {
        (n["kind"], n["level"], n["to"]) for n in notices if n["kind"].startswith("clue")
    }
    assert clue_notices_ == {
        ("clue_reminder", "green", "cdi_liaison"),
        ("clue_reminder", "yellow", "cdi_liaison"),
        ("clue_overdue", "red", "cdi_liaison"),
        ("clue_overdue", "red", KEEPER),
        ("clue_untransferred", "red", KEEPER),  # the second, registered in April, untransferred
        ("clue_undelivered", None, KEEPER),  # the keeper has no address in the example
    }
    runs = [json.loads(line) for line in (out / "runs.jsonl").read_text("utf-8").splitlines()]
    assert sum(r["result"].get("clue_notices", 0) for r in runs) == len(
        [n for n in notices if n["kind"].startswith("clue")]
    )
    # ... while the office's register shows the clues
    listing = run("clue", "list", "--actor", KEEPER)
    assert f"{SECRET}-0731" in listing.output and f"{SECRET}-0732" in listing.output
    assert f"{SECRET}反映某科长借验收之机收受礼金五万元" in listing.output

    # and no clue number or content is in anything else
    day = "2024-11-02"
    public = [
        run("status", "--json", "--as-of", day),
        run("report", "--as-of", day),
        run("report", "--as-of", day, "--out", tmp_path / "report.md"),
        run("report", "--as-of", day, "--format", "docx", "--out", tmp_path / "report.docx"),
        run("report", "--as-of", day, "--format", "xlsx", "--out", tmp_path / "report.xlsx"),
        run("ledger", "export", "--as-of", day, "--out", tmp_path / "ledger.xlsx"),
        run("office", "status", "--json", "--as-of", day),
        run("show", "1"),
    ]
    assert all(r.exit_code == 0 for r in public), [r.output for r in public]
    outputs = {f"command {i}": r.output for i, r in enumerate(public)}
    for name in ("report.md", "report.docx", "report.xlsx", "ledger.xlsx"):
        outputs[name] = texts_in(tmp_path / name)
    for name in ("summary.json", "notices.jsonl", "runs.jsonl", "report.md"):
        outputs[f"simulation {name}"] = texts_in(out / name)
    outputs["logs"] = caplog.text
    with session_scope() as s:
        for n in s.exec(select(Notice)).all():
            if n.person_key not in ("cdi_liaison", KEEPER) or not n.kind.startswith("clue"):
                outputs[f"notice #{n.id} to {n.person_key}"] = f"{n.subject}{n.body}"
    from prefect.client.orchestration import get_client

    async def artifacts_and_logs():
        async with get_client() as client:
            return await client.read_artifacts(), await client.read_logs()

    artifacts, logs = asyncio.run(artifacts_and_logs())
    assert artifacts and logs
    outputs["artifacts"] = "".join(f"{a.key}{a.description}{a.data}" for a in artifacts)
    outputs["flow run logs"] = "".join(log.message for log in logs)
    assert outputs["report.md"] and "巡察反馈的1个方面1个问题" in outputs["simulation report.md"]
    leaked = [name for name, text in outputs.items() if SECRET in text or "礼金" in text]
    assert leaked == []
