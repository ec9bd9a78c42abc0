"""`rectify intake`: published documents in the official outline style → a draft feedback file."""

import datetime as dt
import textwrap
from pathlib import Path

import docx
import pytest
import yaml

from rectify.feedback.service import import_file
from rectify.intake import (
    PLACEHOLDER,
    find_dates,
    normalise,
    parse_document,
    parse_outline,
    read_document,
    write_draft,
)

SEEDS = Path("/work/shared/seeds")
WULONG = SEEDS / "002_17e8068f29a1747d.txt"
BINHAI = SEEDS / "004_333eb1e6d15b884f.txt"
DATA = Path(__file__).parent / "data" / "outline"
needs_seeds = pytest.mark.skipif(not WULONG.exists(), reason="seed documents not available")


def parse(text: str):
    return parse_outline(textwrap.dedent(text).strip("\n").splitlines(), source="test")


def problems(draft: dict) -> list[dict]:
    return [p for a in draft["aspects"] for c in a["categories"] for p in c["problems"]]


def measures(draft: dict) -> list[dict]:
    return [m for p in problems(draft) for m in p["measures"]]


# A small progress report in the shape of seed 002, used by several tests.
REPORT = """\
    区生态环境局党组关于十五届区委第三轮巡察整改进展情况的通报
    2023年3月22日至5月26日,区委第二巡察组对区生态环境局开展了常规巡察,2023年7月26日反馈了巡察意见。
    一、履行巡察整改主体责任情况
    (一)高度重视,加强领导。召开专题部署会。
    二、整改工作落实情况
    截至10月25日,巡察反馈的2个方面3个问题已整改销号2个,需长期整改的问题共1个。
    (一)学习贯彻不到位
    1.理论学习不深入。
    (1)学习不及时
    整改情况:一是制定学习计划。二是于8月底前完成专题学习。三是建立学习通报制度。
    (2)学用结合不好
    整改情况:已将生态环境保护纳入年度考核。
    (二)污染防治用力不够
    1.水污染治理不到位。
    (3)污水管网建设滞后
    整改情况:一是完成方案设计。二是将持续督促于12月底前完工。
    三、下一步工作打算
    (一)持续用力,巩固整改成果。
    中共某区生态环境局党组
"""


# --- the seeds -------------------------------------------------------------------------


@needs_seeds
def test_wulong_three_aspects_thirty_one_problems_in_published_order():
    result = parse_document(WULONG)
    draft = result.draft
    assert len(draft["aspects"]) == 3
    found = problems(draft)
    assert [p["ref"] for p in found] == [str(i) for i in range(1, 32)]
    assert found[0]["title"] == "学习不全面、不及时"
    assert found[-1]["title"] == "内设科室管理不到位"
    assert draft["aspects"][1]["title"] == (
        "贯彻落实全面从严治党“两个责任”不够严不够细,在推动管党治党上还有短板"
    )
    assert draft["aspects"][0]["categories"][1]["title"] == (
        "推动生态环境保护助力旅游“三次创业”不够有力"
    )
    first = found[0]["measures"]
    assert len(first) == 3
    assert first[0]["text"].startswith("局党组理论学习中心组已于2023年7月28日")
    assert first[2]["text"].startswith("中心组学习会议方案、党组会议方案")
    assert len(found[8]["measures"]) == 1  # (9) has no 一是: its whole 整改情况 is one measure
    assert result.progress["1"].startswith("一是局党组理论学习中心组")


@needs_seeds
def test_wulong_header_counts_and_long_term_as_published():
    result = parse_document(WULONG)
    header = result.draft["inspection"]
    assert header["id"] == "inspection-2023-r3"
    assert (header["round"], header["group"]) == ("十五届区委第三轮巡察", "区委第二巡察组")
    assert header["unit"] == "中共重庆市武隆区生态环境局党组"
    assert header["kind"] == "regular"
    assert header["onsite"] == {"start": "2023-03-22", "end": "2023-05-26"}
    assert header["feedback_date"] == "2023-07-26"
    assert result.report_date == dt.date(2023, 10, 25)
    assert result.counts_found == {"aspects": 3, "problems": 31, "closed": 26, "long_term": 5}
    assert result.counts_parsed["problems"] == 31
    assert result.mismatches == []
    # the five problems still in progress at 25 October: 2, 7, 8, 11, 24
    assert result.long_term == ["2", "7", "8", "11", "24"]
    seventh = problems(result.draft)[6]["measures"][1]
    assert (seventh["due"], seventh["checkpoint"]) == ("long_term", "2023-12-31")
    assert result.unplaced == []
    assert [title for _, _, title in result.skipped_sections] == [
        "一、履行巡察整改主体责任情况",
        "三、下一步工作打算",
    ]


@needs_seeds
def test_binhai_four_aspects_with_their_numbered_problems():
    result = parse_document(BINHAI)
    draft = result.draft
    assert [a["title"] for a in draft["aspects"]] == [
        "贯彻落实习近平新时代中国特色社会主义思想有偏差,履行生态环保职责有短板",
        "管党治党政治责任扛得不够牢,压力传导层层递减",
        "执行新时代党的组织路线乏力,打造环保‘铁军’存在差距",
        "持续抓巡视巡察、审计和环保督察反馈问题整改用力不足,‘后半篇文章’不扎实",
    ]
    per_aspect = [sum(len(c["problems"]) for c in a["categories"]) for a in draft["aspects"]]
    assert per_aspect == [12, 13, 8, 8]
    assert [len(a["categories"]) for a in draft["aspects"]] == [5, 4, 3, 4]
    found = problems(draft)
    # "1)" restarts in every category: refs are running numbers, the position is reported
    assert [p["ref"] for p in found] == [str(i) for i in range(1, 42)]
    assert result.published["3"] == "(一)2.1)" and result.published["41"] == "(四)4.2)"
    assert found[0]["title"] == "持续深入学习,推动重要决策部署贯彻落实"
    assert draft["aspects"][0]["categories"][0]["title"] == (
        "学习贯彻落实党中央和市委决策部署及区委工作要求不深不透"
    )
    assert len(found[1]["measures"]) == 3  # 一是/二是/三是 as separate paragraphs
    assert len(found[14]["measures"]) == 3  # two "是…" whose ordinal the page lost
    header = draft["inspection"]
    # "20243月144月27日" in the page: 年 and 日 lost
    assert header["onsite"] == {"start": "2024-03-14", "end": "2024-04-27"}
    assert header["feedback_date"] == "2024-06-27"
    assert header["round"] == "四届区委第八轮巡察" and header["group"] == "区委巡察八组"
    assert result.report_date == dt.date(2025, 5, 20)  # the signature "2025520"
    assert [title for _, _, title in result.skipped_sections][0] == "一、组织落实巡察整改情况"
    assert {n for n, _ in result.furniture} >= {2, 3, 4, 330, 337}


# --- numbering styles and normalisation --------------------------------------------------


def test_report_in_the_seed_002_shape():
    result = parse(REPORT)
    draft = result.draft
    assert [p["title"] for p in problems(draft)] == [
        "学习不及时",
        "学用结合不好",
        "污水管网建设滞后",
    ]
    assert [len(p["measures"]) for p in problems(draft)] == [3, 1, 2]
    assert result.counts_found == {"aspects": 2, "problems": 3, "closed": 2, "long_term": 1}
    assert result.mismatches == []
    assert result.long_term == ["3"]


@pytest.mark.parametrize(
    "lines",
    [
        ["一、学习贯彻不到位", "(一)理论学习不深入", "1.学习不及时", "2.学用结合不好"],
        ["一、学习贯彻不到位", "(一)理论学习不深入", "1、学习不及时", "2、学用结合不好"],
        ["一、学习贯彻不到位", "(一)理论学习不深入", "1．学习不及时", "2．学用结合不好"],
        ["(一)学习贯彻不到位", "1.理论学习不深入", "(1)学习不及时", "(2)学用结合不好"],
        ["(一)学习贯彻不到位", "1.理论学习不深入", "1)学习不及时", "2)学用结合不好"],
        ["(一)学习贯彻不到位", "1.理论学习不深入", "⑴学习不及时", "⑵学用结合不好"],
        ["（一）学习贯彻不到位", "１．理论学习不深入", "（１）学习不及时", "（２）学用结合不好"],
    ],
    ids=["一、(一)1.", "1、", "1．", "(一)1.(1)", "1)", "⑴", "full-width"],
)
def test_every_numbering_style(lines):
    draft = parse_outline(lines).draft
    assert len(draft["aspects"]) == 1
    assert draft["aspects"][0]["title"] == "学习贯彻不到位"
    assert draft["aspects"][0]["categories"][0]["title"] == "理论学习不深入"
    assert [(p["ref"], p["title"]) for p in problems(draft)] == [
        ("1", "学习不及时"),
        ("2", "学用结合不好"),
    ]


def test_circled_numbers_are_problems_under_one_level_and_measures_under_two():
    draft = parse_outline(["(一)学习贯彻不到位", "①学习不及时", "②学用结合不好"]).draft
    assert [p["title"] for p in problems(draft)] == ["学习不及时", "学用结合不好"]
    draft = parse_outline(
        ["(一)学习贯彻不到位", "1.学习不及时", "①制定学习计划", "②落实专题学习"]
    ).draft
    assert [p["title"] for p in problems(draft)] == ["学习不及时"]
    assert [m["text"] for m in measures(draft)] == ["制定学习计划", "落实专题学习"]


def test_full_width_and_half_width_parse_the_same():
    half = parse(REPORT)
    full = REPORT.translate({ord(c): ord(c) + 0xFEE0 for c in "():,.0123456789"})
    assert "（一）" in full and "１．" in full and "整改情况：" in full
    other = parse(full)
    assert other.draft == half.draft
    assert other.counts_found == half.counts_found


def test_numbering_restarting_under_each_aspect_gives_unique_refs():
    result = parse(
        """
        二、反馈问题整改落实情况
        (一)学习贯彻不到位
        (1)学习不及时
        整改情况:制定学习计划。
        (2)学用结合不好
        整改情况:纳入年度考核。
        (二)从严治党有差距
        (1)廉政风险排查不到位
        整改情况:排查廉政风险点。
        """
    )
    assert [p["ref"] for p in problems(result.draft)] == ["1", "2", "3"]
    assert result.renumbered
    assert result.published == {"1": "(一)(1)", "2": "(一)(2)", "3": "(二)(1)"}
    assert any("running numbers" in line for line in result.report_lines())


def test_a_gap_in_the_numbering_is_noted():
    result = parse(
        """
        (一)学习贯彻不到位
        (1)学习不及时
        (3)学用结合不好
        """
    )
    assert [p["ref"] for p in problems(result.draft)] == ["1", "3"]
    assert any("(3) follows (1)" in note for note in result.notes)


def test_traditional_characters_are_read_as_simplified():
    result = parse_document(DATA / "feedback-traditional.txt")
    draft = result.draft
    assert [a["title"] for a in draft["aspects"]] == ["学习贯彻不到位", "污染防治攻坚用力不够"]
    assert [p["title"] for p in problems(draft)] == ["学习不及时", "学用结合不好", "执法力度偏软"]
    assert measures(draft)[0]["text"] == "制定学习计划"
    header = draft["inspection"]
    assert header["round"] == "十四届县委第二轮巡察"
    assert header["group"] == "县委第一巡察组"
    assert header["feedback_date"] == "2023-08-15"
    assert result.counts_found == {"aspects": 2, "problems": 3, "closed": 2, "long_term": 1}
    assert result.mismatches == []
    assert result.unplaced == []
    assert normalise("問題整改情況") == "问题整改情况"


def test_page_furniture_is_dropped():
    result = parse(
        """
        首页 | 信息公开 | 工作动态 | 巡察整改
        区生态环境局党组关于巡察整改进展情况的通报
        发布日期: 2023-10-30 09:00      来源: 区生态环境局
        字号: 大 中 小
          • 扫一扫在手机打开当前页
        分享到: 微信 微博 QQ空间
        二、整改工作落实情况
        (一)学习贯彻不到位
        (1)学习不及时
        整改情况:制定学习计划。
        欢迎广大干部群众进行监督。联系电话:023-77722308;电子邮箱:office@example.cn
        【打印本页】【关闭窗口】
        关于我们 | 网站声明 | 返回首页
        版权所有:某区人民政府
        备案序号:渝ICP备07000348号
        """
    )
    assert [n for n, _ in result.furniture] == [1, 3, 4, 5, 6, 11, 12, 13, 14, 15]
    assert result.unplaced == []
    assert measures(result.draft)[0]["text"] == "制定学习计划"
    # the publication date is a fact, not progress: it dates the report
    assert result.report_date == dt.date(2023, 10, 30)


def test_aspects_without_categories_get_one_category_with_the_aspect_title():
    result = parse(
        """
        二、反馈问题整改落实情况
        (一)关于“学习贯彻不到位”问题的整改情况
        1)持续深入学习
        一是制定学习计划。
        二是落实专题学习。
        2)理论指导实践
        推动重点工作落实。
        (二)关于“从严治党有差距”问题的整改情况
        1)压实主体责任
        签订责任书。
        """
    )
    draft = result.draft
    assert [a["title"] for a in draft["aspects"]] == ["学习贯彻不到位", "从严治党有差距"]
    assert [[c["title"] for c in a["categories"]] for a in draft["aspects"]] == [
        ["学习贯彻不到位"],
        ["从严治党有差距"],
    ]
    assert [p["title"] for p in problems(draft)] == ["持续深入学习", "理论指导实践", "压实主体责任"]
    assert [len(p["measures"]) for p in problems(draft)] == [2, 1, 1]


def test_a_missing_category_level_in_one_aspect_only():
    draft = parse(
        """
        (一)学习贯彻不到位
        1.理论学习不深入
        (1)学习不及时
        (二)从严治党有差距
        (2)廉政风险排查不到位
        """
    ).draft
    assert [c["title"] for c in draft["aspects"][1]["categories"]] == ["从严治党有差距"]
    assert [p["ref"] for p in problems(draft)] == ["1", "2"]


def test_unplaced_lines_are_reported_with_their_line_numbers():
    result = parse(
        """
        二、整改工作落实情况
        这一段说明放在方面之前,没有数字。
        (一)学习贯彻不到位
        1.理论学习不深入
        这一段说明放在问题之前。
        (1)学习不及时
        整改情况:制定学习计划。
        """
    )
    assert result.unplaced == [
        (2, "这一段说明放在方面之前,没有数字。"),
        (5, "这一段说明放在问题之前。"),
    ]
    report = "\n".join(result.report_lines())
    assert "line 2: 这一段说明放在方面之前" in report
    assert "line 5: 这一段说明放在问题之前" in report


def test_counts_in_the_text_checked_against_the_parse():
    result = parse(REPORT.replace("2个方面3个问题", "2个方面4个问题"))
    assert result.counts_found["problems"] == 4
    assert result.counts_parsed["problems"] == 3
    assert any(
        "problems" in line and "says 4" in line and "parsed 3" in line for line in result.mismatches
    )
    # and the text's own figures do not add up: 2 closed + 1 long-term != 4
    assert any("do not add up" in line for line in result.mismatches)


def test_a_document_without_an_outline_says_so():
    result = parse(
        """
        市委第三巡察组向市生态环境局党组反馈巡察情况。
        吴岩提出三点整改意见:一是强化政治建设。二是落实党建责任。
        """
    )
    assert result.draft["aspects"] == []
    assert result.unplaced == [(2, "吴岩提出三点整改意见:一是强化政治建设。二是落实党建责任。")]
    assert any("no numbered problems" in note for note in result.notes)


# --- dates and long-term ----------------------------------------------------------------


def test_dates_are_normalised():
    dates = find_dates("一是于8月底前完成,二是2024年3月底前申请,三是9月15日前整改。", 2023)
    assert [(d.date, d.deadline) for d in dates] == [
        (dt.date(2023, 8, 31), True),
        (dt.date(2024, 3, 31), True),
        (dt.date(2024, 9, 15), True),  # no year: the last explicit year before it
    ]
    assert find_dates("已于2023年9月12日进入实施库", 2023)[0].date == dt.date(2023, 9, 12)
    assert find_dates("年底前完成", 2023)[0].date == dt.date(2023, 12, 31)
    assert find_dates("2月底前完成", 2023)[0].date == dt.date(2023, 2, 28)
    # a deadline without a year before the feedback date is the next year's
    late = find_dates("3月底前完成", 2023, not_before=dt.date(2023, 7, 26))
    assert late[0].date == dt.date(2024, 3, 31)
    assert find_dates("20243月144月27日", None)[0].date == dt.date(2024, 3, 14)


def test_eight_month_end_becomes_the_due_of_a_plan_measure():
    result = parse(
        """
        2023年3月22日至5月26日,区委第二巡察组对区生态环境局开展了专项巡察,2023年7月26日反馈了巡察意见。
        一、学习贯彻不到位
        1.理论学习不深入
        ①修订中心组学习计划,8月底前完成。
        ②年底前完成专题调研。
        """
    )
    dues = [m["due"] for m in measures(result.draft)]
    assert dues == ["2023-08-31", "2023-12-31"]
    assert result.draft["inspection"]["kind"] == "special"


def test_long_term_wording_is_flagged_with_a_checkpoint():
    result = parse(REPORT)
    third = problems(result.draft)[2]["measures"]
    assert third[0]["due"] == PLACEHOLDER
    # "将持续督促于12月底前完工", after the report date of 25 October
    assert third[1]["due"] == "long_term" and third[1]["checkpoint"] == "2023-12-31"
    # a deadline before the report date is a plain due date
    first = problems(result.draft)[0]["measures"]
    assert first[1]["due"] == "2023-08-31"
    flagged = parse(REPORT.replace("三是建立学习通报制度", "三是建立学习通报长效机制,需长期整改"))
    last = problems(flagged.draft)[0]["measures"][2]
    assert (last["due"], last["checkpoint"]) == ("long_term", PLACEHOLDER)
    assert flagged.long_term == ["1", "3"]
    assert any("long_term" in line and "MISMATCH" in line for line in flagged.report_lines())


# --- documents -------------------------------------------------------------------------


def test_a_docx_parses_the_same_as_the_text(tmp_path):
    lines = textwrap.dedent(REPORT).strip("\n").splitlines()
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    path = tmp_path / "report.docx"
    document.save(str(path))
    text = tmp_path / "report.txt"
    text.write_text("\n".join(lines), encoding="utf-8")
    assert read_document(path) == read_document(text)
    assert parse_document(path).draft == parse_document(text).draft


def test_a_gb18030_text_and_markdown_are_read(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(textwrap.dedent(REPORT).encode("gb18030"))
    assert parse_document(path).counts_parsed["problems"] == 3
    plan = parse_document(DATA / "plan-markdown.md")
    assert [p["title"] for p in problems(plan.draft)] == [
        "理论学习不系统",
        "学用结合不紧密",
        "廉政风险防控不到位",
    ]
    assert [m["due"] for m in measures(plan.draft)] == [
        "2024-08-31",
        "long_term",
        "2024-12-31",
        "2024-09-15",
    ]


def test_the_draft_file_carries_the_report(tmp_path):
    result = parse(REPORT)
    out = write_draft(result, tmp_path / "draft.yaml")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Draft feedback file")
    assert "#   problems: text 3, parsed 3 ok" in text
    assert "# sections skipped (not the problems):" in text
    assert "id: inspection-2023-r3  # derived from the year and round" in text
    data = yaml.safe_load(text)
    assert data == yaml.safe_load(yaml.safe_dump(result.draft, allow_unicode=True))
    for measure in measures(data):
        for field in ("lead_leader", "responsible_leader", "department", "responsible_person"):
            assert measure[field] == PLACEHOLDER
    assert data["people"] == [
        {"id": PLACEHOLDER, "name": PLACEHOLDER, "roles": ["leader"], "contacts": []}
    ]
    assert data["departments"] == [{"id": PLACEHOLDER, "name": PLACEHOLDER}]


# --- import ------------------------------------------------------------------------------


def fill_in(data: dict) -> dict:
    data["people"] = [
        {"id": "secretary", "name": "局党组书记", "roles": ["leader"], "contacts": []},
        {"id": "deputy", "name": "副局长", "roles": ["deputy"], "contacts": []},
        {"id": "office_head", "name": "办公室主任", "roles": ["office", "reviewer"]},
    ]
    data["departments"] = [{"id": "office", "name": "办公室"}]
    for measure in measures(data):
        measure.update(
            lead_leader="secretary",
            responsible_leader="deputy",
            department="office",
            responsible_person="office_head",
        )
        if measure["due"] == PLACEHOLDER:
            measure["due"] = "2023-09-30"
        if measure.get("checkpoint") == PLACEHOLDER:
            measure["checkpoint"] = "2023-12-31"
    return data


@needs_seeds
def test_an_unfilled_draft_is_refused_and_a_filled_one_imports(db, tmp_path):
    draft = write_draft(parse_document(WULONG), tmp_path / "wulong-draft.yaml")
    outcome = import_file(draft)
    assert not outcome.done
    errors = "\n".join(outcome.errors)
    assert f"{draft}:line " in errors
    for where in (
        "people[0].id",
        "departments[0].id",
        "aspects[0].categories[0].problems[0].measures[0].lead_leader",
        "aspects[0].categories[0].problems[0].measures[0].responsible_leader",
        "aspects[0].categories[0].problems[0].measures[0].department",
        "aspects[0].categories[0].problems[0].measures[0].responsible_person",
        "aspects[0].categories[0].problems[0].measures[0].due",
        "aspects[0].categories[0].problems[1].measures[1].checkpoint",
    ):
        assert where + ":" in errors, where
    assert "TODO_FILL_IN" in errors

    filled = tmp_path / "wulong.yaml"
    data = fill_in(yaml.safe_load(draft.read_text(encoding="utf-8")))
    filled.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    outcome = import_file(filled)
    assert outcome.done, outcome.errors
    assert (outcome.inspection_id, outcome.aspects, outcome.problems) == (
        "inspection-2023-r3",
        3,
        31,
    )


def test_intake_command(tmp_path):
    from typer.testing import CliRunner

    from rectify.cli import app

    names = {command.name or command.callback.__name__ for command in app.registered_commands}
    if "intake" not in names:
        pytest.skip("`rectify intake` is not yet registered in rectify/cli.py")
    source = tmp_path / "report.txt"
    source.write_text(textwrap.dedent(REPORT), encoding="utf-8")
    out = tmp_path / "draft.yaml"
    result = CliRunner().invoke(app, ["intake", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 个方面，2 个类别，3 个问题，6 项整改措施" in result.output
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["inspection"]["id"] == (
        "inspection-2023-r3"
    )


def test_a_draft_never_writes_a_yaml_alias_the_importer_would_refuse(tmp_path):
    """A value the draft holds twice is written out twice: `rectify import` refuses aliases."""
    from rectify.core.inputs import load_yaml

    result = parse_document(DATA / "plan-markdown.md")
    shared = result.draft["aspects"][0]
    result.draft["aspects"].append(shared)  # the same object twice
    out = write_draft(result, tmp_path / "draft.yaml")
    text = out.read_text(encoding="utf-8")
    assert "&id" not in text and "*id" not in text
    data = load_yaml(out)
    assert data["aspects"][-1] == data["aspects"][0]
