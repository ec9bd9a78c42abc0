"""What a rectification came to, recorded by the unit's leader or office: meetings (会议),
institutions built (建章立制) and accountability (问责). Everyone else is refused and audited;
an unknown kind or a count below one is refused with the option or the file line named."""

import json

import pytest
import yaml
from sqlmodel import select
from typer.testing import CliRunner

from models import AccountabilityCase, AuditEvent, Institution, Meeting, session_scope
from rectify.cli import app
from rectify.runtime.simulation import ScenarioErrors, load_scenario
from tests.tables import Refused, cases
from tests.test_actions_cli import imported  # noqa: F401

runner = CliRunner()


@pytest.fixture
def two_units(imported):  # noqa: F811 (the fixture imported above)
    """The spec's example with its office and a clerk answering for problem 2 (as the
    actions' tests have it), and another unit's inspection whose leader is ``water_head``."""
    other = yaml.safe_load(imported.read_text(encoding="utf-8"))
    other["inspection"].update(id="binhai-2024-r9", unit="滨海新区水务局党组")
    other["people"].append({"id": "water_head", "name": "水务局党组书记", "roles": ["leader"]})
    other_file = imported.with_name("r9.yaml")
    other_file.write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
    assert runner.invoke(app, ["import", str(other_file)]).exit_code == 0


ACTIONS = {
    "meeting": (["--kind", "专题民主生活会", "--title", "巡察整改专题民主生活会"], Meeting),
    "institution": (["--title", "生态环境执法人员轮岗管理办法"], Institution),
    "accountability": (
        ["--kind", "约谈", "--count", "2", "--text", "落实不力"],
        AccountabilityCase,
    ),
}

RIGHTS = [
    (f"{action}-{case}", action, by, expected)
    for action in ACTIONS
    for case, by, expected in (
        ("leader", "secretary", "done"),
        ("unit-office", "office_head", "done"),
        ("responsible-person", "clerk", Refused("not_permitted", "组长或整改办")),
        ("responsible-leader", "deputy_law", Refused("not_permitted", "组长或整改办")),
        ("office-supervisor", "xcb_li", Refused("not_permitted", "组长或整改办")),
        ("other-unit", "water_head", Refused("unknown_person", "人员名单")),
    )
]


def _record(action, by, *extra):
    argv = ["record", action, "--by", by, "-i", "binhai-2024-r8", "--at", "2024-09-02"]
    return runner.invoke(app, argv + list(ACTIONS[action][0]) + list(extra))


def _rows(table):
    with session_scope() as s:
        return s.exec(select(table)).all()


def _last_audit() -> AuditEvent:
    with session_scope() as s:
        return s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


@pytest.mark.parametrize(("action", "by", "expected"), cases(RIGHTS))
def test_who_may_record_outcomes(two_units, action, by, expected):
    result = _record(action, by)
    event = _last_audit()
    assert (event.action, event.actor, event.inspection_id) == (action, by, "binhai-2024-r8")
    if expected == "done":
        assert result.exit_code == 0, result.output
        assert "已记录" in result.output and "（2024-09-02）" in result.output
        assert event.outcome == "done"
        (row,) = _rows(ACTIONS[action][1])
        assert (row.inspection_id, row.by) == ("binhai-2024-r8", by)
        return
    assert result.exit_code == 1, result.output
    assert f"拒绝（{expected.code}）" in result.output and expected.says in result.output
    assert (event.outcome, event.code) == ("refused", expected.code)
    assert _rows(ACTIONS[action][1]) == []


BAD_INPUT = [
    (
        "meeting-unknown-kind",
        ["record", "meeting", "--kind", "茶话会", "--title", "座谈"],
        Refused("unknown_kind", "--kind：会议类型须为党组会、专题民主生活会、整改推进会之一"),
    ),
    (
        "accountability-unknown-kind",
        ["record", "accountability", "--kind", "批评", "--count", "1"],
        Refused("unknown_kind", "--kind：问责方式须为约谈、诫勉、处分、通报批评、组织处理之一"),
    ),
    (
        "accountability-count-zero",
        ["record", "accountability", "--kind", "诫勉", "--count", "0"],
        Refused("invalid_count", "--count：问责人数须为正整数（收到：0）"),
    ),
    (
        "meeting-without-title",
        ["record", "meeting", "--kind", "党组会"],
        Refused("missing_title", "会议名称（--title）"),
    ),
    (
        "institution-without-title",
        ["record", "institution"],
        Refused("missing_title", "制度名称（--title）"),
    ),
]


@pytest.mark.parametrize(("argv", "expected"), cases(BAD_INPUT))
def test_bad_input_is_refused_naming_the_option(two_units, argv, expected):
    result = runner.invoke(
        app, argv + ["--by", "secretary", "-i", "binhai-2024-r8", "--at", "2024-09-02"]
    )
    assert result.exit_code == 1, result.output
    assert f"拒绝（{expected.code}）" in result.output and expected.says in result.output
    event = _last_audit()
    assert (event.outcome, event.code, event.actor) == ("refused", expected.code, "secretary")
    assert event.inspection_id == "binhai-2024-r8"
    assert not _rows(Meeting) and not _rows(Institution) and not _rows(AccountabilityCase)


SCENARIO_EVENTS = [
    (
        "all-three-read",
        [
            {"meeting": {"kind": "党组会", "title": "第8次党组会", "by": "secretary"}},
            {"institution": {"title": "轮岗管理办法", "by": "office_head"}},
            {"accountability": {"kind": "处分", "count": 1, "by": "office_head"}},
        ],
        ["meeting", "institution", "accountability"],
    ),
    (
        "meeting-unknown-kind",
        [{"meeting": {"kind": "座谈会", "title": "x", "by": "secretary"}}],
        "第 5 行，字段 events[0].meeting.kind：会议类型须为党组会、专题民主生活会、整改推进会之一",
    ),
    (
        "accountability-count-zero",
        [{"accountability": {"kind": "约谈", "count": 0, "by": "secretary"}}],
        "第 5 行，字段 events[0].accountability.count：问责人数须为正整数（收到：0）",
    ),
    (
        "accountability-without-count",
        [{"accountability": {"kind": "约谈", "by": "secretary"}}],
        "第 5 行，字段 events[0].accountability.count：缺少必填字段",
    ),
]


@pytest.mark.parametrize(("events", "expected"), cases(SCENARIO_EVENTS))
def test_scenario_events_are_read_or_refused_at_their_line(spec_file, events, expected):
    scenario = spec_file.with_name("scenario.yaml")
    lines = [
        f"feedback: {spec_file.name}",
        "clock: {start: 2024-06-27T09:00, until: 2024-12-31T18:00}",
        "events:",
    ]
    for event in events:
        ((kind, fields),) = event.items()
        lines += ["  - at: 2024-09-02", f"    {kind}: {json.dumps(fields, ensure_ascii=False)}"]
    scenario.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if isinstance(expected, list):
        assert [e.kind for e in load_scenario(scenario).events] == expected
        return
    with pytest.raises(ScenarioErrors) as raised:
        load_scenario(scenario)
    assert any(expected in line for line in raised.value.errors), raised.value.errors
