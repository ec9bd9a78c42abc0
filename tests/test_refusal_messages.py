"""Every refusal of a broken input file, as the office reads it: in Chinese, in one located
format — ``<file>:第 N 行，字段 <path>：<why>`` (or ``工作表 X，第 N 行``, or ``<file>：<why>``
for the file as a whole) — and with no English sentence left in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rectify.clues.file import ClueErrors, KnownFacts, read_clue_file, validate_clue_file
from rectify.core.calendar import HolidayFileError, read_year_file
from rectify.core.messages import pydantic_message, yaml_problem
from rectify.feedback.validate import FeedbackErrors, load_feedback
from rectify.runtime.simulation import ScenarioErrors, load_scenario
from tests.tables import cases

EXAMPLES = Path(__file__).parent.parent / "examples"
FEEDBACK = (EXAMPLES / "binhai-minimal.yaml").read_text(encoding="utf-8")
CLUES = (EXAMPLES / "binhai-clues.yaml").read_text(encoding="utf-8")
SCENARIO = f"""feedback: {EXAMPLES / "binhai-minimal.yaml"}
clock:
  start: 2024-06-27T09:00
  until: 2024-12-31T18:00
events:
  - at: 2024-08-28T10:00
    approve_plan: {{meeting: 第15次局党组会议, by: secretary}}
"""
HOLIDAYS = """year: 2027
holidays:
  - {start: 2027-02-05, end: 2027-02-11, name: 春节}
workdays:
  - {date: 2027-02-13, name: 春节调休}
"""
KNOWN = KnownFacts(
    people=frozenset({"secretary", "deputy_law", "office_head"}),
    office=frozenset({"xcb_li", "xcb_wang"}),
    numbers=frozenset(),
    bodies=frozenset(),
)


def _feedback(path: Path) -> list[str]:
    with pytest.raises(FeedbackErrors) as refused:
        load_feedback(path)
    return refused.value.errors


def _scenario(path: Path) -> list[str]:
    with pytest.raises(ScenarioErrors) as refused:
        load_scenario(path)
    return refused.value.errors


def _clues(path: Path) -> list[str]:
    with pytest.raises(ClueErrors) as refused:
        validate_clue_file(read_clue_file(path), KNOWN)
    return refused.value.errors


def _holidays(path: Path) -> list[str]:
    with pytest.raises(HolidayFileError) as refused:
        read_year_file(path)
    return refused.value.errors


# name → (the reader that refuses it, the valid file the cases edit)
KINDS = {
    "feedback": (_feedback, FEEDBACK),
    "scenario": (_scenario, SCENARIO),
    "clues": (_clues, CLUES),
    "holidays": (_holidays, HOLIDAYS),
}

# (case, kind of file, file name, the edit — (old, new) on the valid file, or the whole text —,
#  the refusal expected after the file's path)
BROKEN = [
    # feedback: unreadable as a whole
    ("empty", "feedback", "f.yaml", "", ":第 1 行：文件为空"),
    ("not_a_mapping", "feedback", "f.yaml", "- a\n- b\n", ":第 1 行：文件顶层应为“字段: 值”的映射"),
    ("unsupported_type", "feedback", "f.txt", "a: 1\n",
     "：不支持的文件类型 “.txt”：请用 .yaml、.json 或 .xlsx 文件"),
    ("not_utf8", "feedback", "f.yaml", b"a: \xff\xfe\n",
     "：不是 UTF-8 编码的文本（第 4 个字节起无法解码），无法读取"),
    ("tab", "feedback", "f.yaml", ("  round: 四届", "\tround: 四届"),
     ":第 3 行：不是有效的 YAML：含有制表符（Tab）：YAML 只能用空格缩进"),
    ("mapping_values", "feedback", "f.yaml", ("  group: 区委巡察八组", "  group: 巡察: 八组"),
     ":第 4 行：不是有效的 YAML：此处不能出现“键: 值”（冒号后缺空格，或缩进不对？）"),
    ("no_colon", "feedback", "f.yaml", ("  unit: 滨海", "  unit 滨海"),
     ":第 6 行：不是有效的 YAML：找不到应有的冒号（:）：这一项应写成“键: 值”"),
    ("unclosed_list", "feedback", "f.yaml", ("dispatch_days: [1, 16]", "dispatch_days: [1, 16"),
     ":第 19 行：不是有效的 YAML：方括号列表没有闭合：缺少“,”或“]”"),
    ("control_character", "feedback", "f.yaml", ("  round: 四届", "  round: 四\x07届"),
     ":第 3 行：不是有效的 YAML：含有不允许的控制字符 #x0007"),
    ("alias", "feedback", "f.yaml", ("  unit: 滨海", "  unit: &u 滨海"),
     ":第 5 行，字段 inspection.unit：不接受 YAML 锚点和别名（&u）；请把每处内容写全；未读取"),
    ("bad_json", "feedback", "f.json", '{\n  "inspection": ,\n}\n', ":第 2 行：不是有效的 JSON：此处应有一个值"),
    ("bad_xlsx", "feedback", "f.xlsx", "not a workbook",
     "：不是可读取的 XLSX 工作簿：文件已损坏，或不是 Excel（.xlsx）文件"),
    # feedback: the schema
    ("missing", "feedback", "f.yaml", ("  round: 四届区委第八轮巡察\n", ""),
     ":第 1 行，字段 inspection.round：缺少必填字段"),
    ("unknown_field", "feedback", "f.yaml", ("  group:", "  groups:"),
     ":第 4 行，字段 inspection.groups：未知字段（格式中没有这一项）"),
    ("literal", "feedback", "f.yaml", ("kind: regular", "kind: weird"),
     ":第 6 行，字段 inspection.kind：应为 regular、special、mobile、extended、lookback 之一，"
     "实为 “weird”"),
    ("pattern", "feedback", "f.yaml", ("id: binhai-2024-r8", "id: Binhai_2024"),
     ":第 2 行，字段 inspection.id：只能由小写字母、数字和连字符（-）组成，实为 “Binhai_2024”"),
    ("not_a_real_date", "feedback", "f.yaml", ("due: 2024-10-31", "due: 2024-02-30"),
     ":第 70 行，字段 aspects[0].categories[0].problems[0].measures[0].due："
     "不是有效的日期：“2024-02-30”（应为 YYYY-MM-DD 或 long_term）"),
    ("date_with_time", "feedback", "f.yaml", ("feedback_date: 2024-06-27", "feedback_date: 2024-06-27T10:00"),
     ":第 8 行，字段 inspection.feedback_date：不是有效的日期：“2024-06-27T10:00”（应为 YYYY-MM-DD）"),
    ("not_an_integer", "feedback", "f.yaml", ("supervision_day: 25", "supervision_day: 二十五"),
     ":第 19 行，字段 policy.supervision_day：应为整数，实为 “二十五”"),
    ("own_validator", "feedback", "f.yaml", ("supervision_day: 25", "supervision_day: 30"),
     ":第 19 行，字段 policy.supervision_day：督查日应为每月 1 日至 28 日中的一天"),
    ("period", "feedback", "f.yaml", ("plan_due: {days: 60}", "plan_due: {days: 60, working_days: 5}"),
     ":第 16 行，字段 policy.plan_due：应恰好给出 days 或 working_days 其中之一"),
    ("empty_list", "feedback", "f.yaml", ("departments:\n  - {id: office, name: 办公室}\n"
     "  - {id: atmosphere, name: 大气环境科}", "departments: []"),
     ":第 52 行，字段 departments：至少需要 1 项，实为 0 项"),
    ("empty_text", "feedback", "f.yaml", ("  group: 区委巡察八组", "  group: ' '"),
     ":第 4 行，字段 inspection.group：不能为空"),
    ("text_expected", "feedback", "f.yaml", ("  group: 区委巡察八组", "  group: [八组]"),
     ":第 4 行，字段 inspection.group：应为文本，实为 一个列表"),
    ("mapping_expected", "feedback", "f.yaml", ("  onsite: {start: 2024-03-14, end: 2024-04-27}",
     "  onsite: 2024-03-14"), ":第 7 行，字段 inspection.onsite：应为映射（字段: 值），实为 2024-03-14"),
    ("time_zone", "feedback", "f.yaml", ("timezone: Asia/Shanghai", "timezone: Asia/Beijing"),
     ":第 9 行，字段 inspection.timezone：未知的时区：“Asia/Beijing”（如 Asia/Shanghai）"),
    ("apprise_url", "feedback", "f.yaml", ('contacts: ["mailto://secretary@', 'contacts: ["secretary@'),
     ":第 42 行，字段 people[0].contacts：不是 Apprise 通知地址（应为 scheme://…）："
     "“secretary@example.gov.cn”"),
    # feedback: the rules across fields
    ("key_twice", "feedback", "f.yaml", ("  unit: 滨海新区生态环境局党组\n",
     "  unit: 滨海新区生态环境局党组\n  unit: 滨海\n"), ":第 6 行，字段 inspection.unit：同一字段写了两次"),
    ("due_before_feedback", "feedback", "f.yaml", ("due: 2024-10-31", "due: 2024-06-01"),
     ":第 70 行，字段 aspects[0].categories[0].problems[0].measures[0].due："
     "整改时限 2024-06-01 不晚于反馈日期 2024-06-27"),
    ("unknown_person", "feedback", "f.yaml", ("responsible_person: office_head\n                due: 2024",
     "responsible_person: nobody\n                due: 2024"),
     ":第 69 行，字段 aspects[0].categories[0].problems[0].measures[0].responsible_person："
     "people 中没有编号为 nobody 的人员"),
    ("both_sides", "feedback", "f.yaml", ("    - id: xcb_wang", "    - id: secretary"),
     ":第 33 行，字段 office.staff[1].id：编号 secretary 也是被巡察单位的人员（people）："
     "同一人不能既属巡察办又属被巡察单位"),
    ("onsite_end", "feedback", "f.yaml", ("end: 2024-04-27", "end: 2024-03-01"),
     ":第 7 行，字段 inspection.onsite.end：进驻结束日期早于开始日期"),
    # scenario
    ("until_before_start", "scenario", "s.yaml", ("until: 2024-12-31T18:00", "until: 2024-06-01T18:00"),
     ":第 4 行，字段 clock.until：结束时间不晚于开始时间"),
    ("not_an_instant", "scenario", "s.yaml", ("start: 2024-06-27T09:00", "start: 明天"),
     ":第 3 行，字段 clock.start：不是有效的日期或时间：“明天”（应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM）"),
    ("two_actions", "scenario", "s.yaml", ("    approve_plan:", "    submit_report: {by: secretary}\n    approve_plan:"),
     ":第 6 行，字段 events[0]：应恰好给出一个动作，可选："),
    ("action_field_missing", "scenario", "s.yaml", ("approve_plan: {meeting: 第15次局党组会议, by: secretary}",
     "progress: {problem: '1', by: office_head}"), ":第 7 行，字段 events[0].progress.text：缺少必填字段"),
    ("unknown_top_field", "scenario", "s.yaml", ("clock:", "speed: 2\nclock:"),
     ":第 2 行，字段 speed：未知字段（格式中没有这一项）"),
    ("no_feedback_file", "scenario", "s.yaml", (f"feedback: {EXAMPLES / 'binhai-minimal.yaml'}",
     "feedback: 1"), ":第 1 行，字段 feedback：缺少必填字段：反馈文件的路径（相对于本文件）"),
    ("events_not_a_list", "scenario", "s.yaml", ("events:\n  - at", "events: 3\nignored:\n  - at"),
     ":第 5 行，字段 events：应为列表，实为 3"),
    # clue file
    ("clue_class", "clues", "c.yaml", ("class: attention", "class: 重点类"),
     ":第 29 行，字段 clues[1].class：应为 further、attention、reference 之一，实为 “重点类”"),
    ("transfer_within", "clues", "c.yaml", ("transfer_within: 15", "transfer_within: 0"),
     ":第 38 行，字段 transfer_within：应不小于 1，实为 0"),
    ("clue_number_space", "clues", "c.yaml", ("number: XS-R8-002", "number: XS R8 002"),
     ":第 28 行，字段 clues[1].number：不能含空格，实为 “XS R8 002”"),
    ("unit_reader", "clues", "c.yaml", ("readers: []", "readers: [secretary]"),
     ":第 6 行，字段 readers[0]：secretary 是被巡察单位的人员：问题线索只属巡察办，只有巡察办工作人员可以阅看"),
    ("unknown_body", "clues", "c.yaml", ("to: district_org", "to: district_court"),
     ":第 32 行，字段 clues[1].transfer.to：没有编号为 district_court 的承办单位"),
    ("clue_not_yaml", "clues", "c.json", "{}", "：问题线索文件应为 YAML 文件（.yaml 或 .yml）"),
    # holiday file
    ("start_after_end", "holidays", "h.yaml", ("end: 2027-02-11", "end: 2027-02-01"),
     ":第 3 行，字段 holidays[0]：开始日期（start）晚于结束日期（end）"),
    ("another_year", "holidays", "h.yaml", ("date: 2027-02-13", "date: 2028-02-13"),
     ":第 5 行，字段 workdays[0].date：2028-02-13 不在 2027 年内"),
    ("year_not_a_number", "holidays", "h.yaml", ("year: 2027", "year: 明年"),
     ":第 1 行，字段 year：应为整数，实为 “明年”"),
    ("holiday_unknown_field", "holidays", "h.yaml", ("name: 春节}", "name: 春节, days: 7}"),
     ":第 3 行，字段 holidays[0].days：未知字段（格式中没有这一项）"),
    ("holiday_bad_date", "holidays", "h.yaml", ("date: 2027-02-13", "date: 2027-02-30"),
     ":第 5 行，字段 workdays[0].date：不是有效的日期（应为 YYYY-MM-DD），实为 “2027-02-30”"),
    ("holiday_with_time", "holidays", "h.yaml", ("date: 2027-02-13", "date: 2027-02-13 08:30:00"),
     ":第 5 行，字段 workdays[0].date：应为日期（YYYY-MM-DD），不含时刻，实为 2027-02-13 08:30:00"),
    ("unclosed_quote", "holidays", "h.yaml", ("name: 春节调休}", 'name: "春节调休}'),
     ":第 6 行：不是有效的 YAML：文件在引号闭合之前结束：缺少配对的引号"),
    ("holiday_empty", "holidays", "h.yaml", "", ":第 1 行：文件为空"),
    ("holiday_syntax", "holidays", "h.yaml", ("year: 2027", "year: 2027: 2028"),
     ":第 1 行：不是有效的 YAML：此处不能出现“键: 值”（冒号后缺空格，或缩进不对？）"),
]  # fmt: skip

# A run of three or more lowercase English words: an English sentence left in a refusal.
ENGLISH = re.compile(r"\b[a-z]+(?:[ ,']+[a-z]+){2,}\b")


def _write(path: Path, base: str, edit) -> None:
    if isinstance(edit, bytes):
        path.write_bytes(edit)
        return
    if isinstance(edit, tuple):
        old, new = edit
        assert old in base, old
        edit = base.replace(old, new, 1)
    path.write_text(edit, encoding="utf-8")


def _prose(error: str, path: Path) -> str:
    """The refusal without its file path and field names: what must be Chinese."""
    return re.sub(r"字段 \S+?：", "字段：", error.removeprefix(str(path)))


@pytest.mark.parametrize(("kind", "name", "edit", "expected"), cases(BROKEN))
def test_broken_file_is_refused_in_chinese_at_its_place(tmp_path, kind, name, edit, expected):
    read, base = KINDS[kind]
    path = tmp_path / name
    _write(path, base, edit)
    errors = read(path)
    assert any(error.startswith(f"{path}{expected}") for error in errors), errors
    for error in errors:
        assert error.startswith(f"{path}:") or error.startswith(f"{path}："), error
        assert not ENGLISH.search(_prose(error, path)), error


# (case, a pydantic error or a parser's problem, its Chinese): the fallbacks included
WORDINGS = [
    ("unknown_type", {"type": "uuid_parsing", "msg": "Input should be a valid UUID", "input": "x"},
     "取值不符合要求，实为 “x”（uuid_parsing）"),
    ("long_text_shortened", {"type": "string_type", "msg": "", "input": "长" * 50},
     f"应为文本，实为 “{'长' * 40}…”"),
    ("greater_than", {"type": "greater_than", "msg": "", "input": 0, "ctx": {"gt": 0}},
     "应大于 0，实为 0"),
    ("too_long", {"type": "too_long", "msg": "", "input": [1, 2],
                  "ctx": {"field_type": "List", "max_length": 1, "actual_length": 2}},
     "最多 1 项，实为 2 项"),
    ("yaml_known", "could not find expected ':'", "找不到应有的冒号（:）：这一项应写成“键: 值”"),
    ("yaml_unknown", "found something odd", "无法解析（found something odd）"),
]  # fmt: skip


@pytest.mark.parametrize(("given", "expected"), cases(WORDINGS))
def test_wording(given, expected):
    said = yaml_problem(given) if isinstance(given, str) else pydantic_message(given)
    assert said == expected
