import copy
import json
import re

import openpyxl
import yaml
from typer.testing import CliRunner

from rectify.cli import app
from rectify.problems import service
from rectify.problems.actions import Progress, SignOffAction
from tests.conftest import EXAMPLES, dump_database

runner = CliRunner()


def status_json(*args: str) -> dict:
    result = runner.invoke(app, ["status", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_spec_example_imports(db, spec_file):
    result = runner.invoke(app, ["import", str(spec_file)])
    assert result.exit_code == 0, result.output
    assert "已导入 binhai-2024-r8：1 个方面，1 个问题，2 项整改措施" in result.output
    # plan due 60 days after the feedback of 27 June 2024
    assert "整改方案时限 2024-08-26" in result.output
    data = status_json("--as-of", "2024-07-01")
    assert (data["aspects"], data["problems"], data["not_started"]) == (1, 1, 1)


def test_a_plan_due_on_a_non_working_day_moves_to_the_next_working_day(db, spec_file):
    data = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    data["policy"]["plan_due"] = {"days": 30}  # 27 June 2024 + 30 days: Saturday 27 July
    spec_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["import", str(spec_file)])
    assert result.exit_code == 0, result.output
    assert "整改方案时限 2024-07-29" in result.output
    assert status_json("--as-of", "2024-07-01")["plan"]["due"] == "2024-07-29"


def test_three_errors_reported_with_locations_and_nothing_written(db, spec_file):
    runner.invoke(app, ["import", str(EXAMPLES / "binhai-minimal.yaml")])
    before = dump_database()
    text = spec_file.read_text(encoding="utf-8")
    text = text.replace("id: binhai-2024-r8", "id: binhai-2024-r9")
    text = text.replace("due: 2024-10-31", "due: 2024-02-30")  # no such date
    text = text.replace("end: 2024-04-27", "end: 2024-07-27")  # after the feedback date
    text = text.replace(
        "responsible_person: office_head\n                due: long_term",
        "responsible_person: nobody\n                due: long_term",
    )
    spec_file.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["import", str(spec_file)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(spec_file))]
    assert len(lines) == 3, result.output
    joined = "\n".join(lines)
    assert re.search(
        r":第 70 行，字段 aspects\[0\]\.categories\[0\]\.problems\[0\]\.measures\[0\]\.due："
        r"不是有效的日期：“2024-02-30”",
        joined,
    )
    assert re.search(r":第 8 行，字段 inspection\.feedback_date：反馈日期早于进驻结束日期", joined)
    assert re.search(
        r":第 75 行，字段 .*measures\[1\]\.responsible_person：people 中没有编号为 nobody 的人员",
        joined,
    )
    after = dump_database()
    # only the refusal's audit event was added
    assert {k: v for k, v in after.items() if k != "auditevent"} == {
        k: v for k, v in before.items() if k != "auditevent"
    }
    assert len(after["auditevent"]) == len(before["auditevent"]) + 1
    new_events = set(after["auditevent"]) - set(before["auditevent"])
    (event,) = new_events
    assert "refused" in event and "invalid_file" in event


def test_json_file_imports_and_locates_errors(db, spec_file, tmp_path):
    data = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    good = tmp_path / "binhai.json"
    good.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    data["departments"][1]["id"] = "office"  # duplicate id
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    refused = runner.invoke(app, ["import", str(bad)])
    assert refused.exit_code == 1
    assert re.search(
        r"bad\.json:第 \d+ 行，字段 departments\[1\]\.id：编号 office 重复", refused.output
    )
    assert runner.invoke(app, ["import", str(good)]).exit_code == 0
    assert status_json("--as-of", "2024-07-01")["problems"] == 1


def write_xlsx(path, ledger_rows):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "inspection"
    for row in [
        ("key", "value"),
        ("id", "xlsx-2024-r1"),
        ("round", "四届区委第八轮巡察"),
        ("group", "区委巡察八组"),
        ("unit", "滨海新区生态环境局党组"),
        ("kind", "regular"),
        ("onsite_start", "2024-03-14"),
        ("onsite_end", "2024-04-27"),
        ("feedback_date", "2024-06-27"),
        ("policy.plan_due.working_days", 15),
        ("policy.dispatch_days", "1,16"),
    ]:
        ws.append(row)
    people = book.create_sheet("people")
    people.append(("id", "name", "roles", "contacts"))
    people.append(("secretary", "局党组书记", "leader", "mailto://s@example.gov.cn"))
    people.append(("office_head", "办公室主任", "office,reviewer", ""))
    people.append(("clerk", "科员", "", ""))
    departments = book.create_sheet("departments")
    departments.append(("id", "name"))
    departments.append(("office", "办公室"))
    ledger = book.create_sheet("ledger")
    ledger.append(
        (
            "方面",
            "类别",
            "问题编号",
            "问题",
            "整改措施",
            "牵头领导",
            "责任领导",
            "责任科室",
            "责任人",
            "整改时限",
            "检查节点",
        )
    )
    for row in ledger_rows:
        ledger.append(row)
    book.save(path)


ROW1 = (
    "方面一",
    "类一",
    "1",
    "学习不深",
    "纳入第一议题",
    "secretary",
    "secretary",
    "office",
    "clerk",
    "2024-10-31",
    None,
)
ROW2 = (
    "方面一",
    "类一",
    "1",
    "学习不深",
    "建立长效机制",
    "secretary",
    "secretary",
    "office",
    "clerk",
    "long_term",
    "2024-12-31",
)
ROW3 = (
    "方面二",
    "类一",
    "2",
    "制度不全",
    "修订制度",
    "secretary",
    "secretary",
    "office",
    "clerk",
    "2024-09-30",
    None,
)


def test_xlsx_ledger_imports(db, tmp_path):
    path = tmp_path / "ledger.xlsx"
    write_xlsx(path, [ROW1, ROW2, ROW3])
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    # 15 working days after 27 June 2024 (no holiday in between): 18 July
    assert "2 个方面，2 个问题，3 项整改措施；整改方案时限 2024-07-18" in result.output


def test_xlsx_errors_name_sheet_row_and_column(db, tmp_path):
    path = tmp_path / "ledger.xlsx"
    bad_row = ROW3[:8] + ("ghost", "2024-13-01", None)
    write_xlsx(path, [ROW1, ROW2, bad_row])
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert (
        "ledger.xlsx:工作表 ledger，第 4 行，I 列（责任人），字段 aspects[1].categories[0]"
        ".problems[0].measures[0].responsible_person：people 中没有编号为 ghost 的人员"
    ) in result.output
    assert (
        "ledger.xlsx:工作表 ledger，第 4 行，J 列（整改时限），字段 aspects[1].categories[0]"
        ".problems[0].measures[0].due：不是有效的日期：“2024-13-01”（应为 YYYY-MM-DD 或 long_term）"
    ) in result.output
    assert dump_database()["problem"] == []


def test_second_import_refused_without_replace(db, spec_file):
    assert runner.invoke(app, ["import", str(spec_file)]).exit_code == 0
    again = runner.invoke(app, ["import", str(spec_file)])
    assert again.exit_code == 1
    assert "--replace" in again.output


def test_replace_keeps_progress_sign_offs_and_history(db, spec_file):
    assert runner.invoke(app, ["import", str(spec_file)]).exit_code == 0
    data = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    # the replacement declares the office, whose supervisor then confirms a sign-off
    data["office"] = {
        "id": "binhai-xcb",
        "name": "滨海新区区委巡察办",
        "staff": [{"id": "xcb_li", "name": "巡察办督查室", "roles": ["supervisor"]}],
    }
    assert service.act(None, Progress(by="office_head", problem="1", text="已纳入")).done
    audit_before = dump_database()["auditevent"]
    # a second problem is added and the first retitled
    problems = data["aspects"][0]["categories"][0]["problems"]
    problems[0]["title"] = "学习贯彻不深不透(修订)"
    problems.append({**copy.deepcopy(problems[0]), "ref": "2", "title": "新增问题"})
    spec_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["import", str(spec_file), "--replace"])
    assert result.exit_code == 0, result.output
    assert service.act(None, SignOffAction(by="xcb_li", problem="1", evidence=["纪要.pdf"])).done
    status = status_json()
    assert (status["problems"], status["closed"], status["not_started"]) == (2, 1, 1)
    assert status["items"][0]["title"] == "学习贯彻不深不透(修订)"
    audit_after = dump_database()["auditevent"]
    assert set(audit_before) <= set(audit_after)

    # dropping a problem that has history is refused, and changes nothing
    before = dump_database()
    data["aspects"][0]["categories"][0]["problems"] = [problems[1]]
    spec_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    refused = runner.invoke(app, ["import", str(spec_file), "--replace"])
    assert refused.exit_code == 1
    assert "1" in refused.output and "替换不能丢弃" in refused.output
    after = dump_database()
    assert {k: v for k, v in after.items() if k != "auditevent"} == {
        k: v for k, v in before.items() if k != "auditevent"
    }
