"""The 通报 of a constructed inspection, as the public and the office read it: what was done
and built, dated in words, next steps and the contact, in full-width punctuation; no file
name, person id or internal count in the public version; the same text in the DOCX."""

import datetime as dt

import pytest
import yaml
from docx import Document
from sqlmodel import select

from models import (
    AccountabilityCase,
    Institution,
    Measure,
    MeasureCompletion,
    Meeting,
    Problem,
    StageReport,
    session_scope,
)
from rectify.core.clock import parse_instant
from rectify.core.punctuation import ascii_in_chinese
from rectify.feedback.service import import_file
from rectify.problems import service
from rectify.problems.actions import (
    ApplySignOff,
    ApprovePlan,
    Extend,
    LongTerm,
    Progress,
    SignOffAction,
)
from rectify.reports import build_report, progress_report_markdown, report_blocks, write_docx

TZ = "Asia/Shanghai"
AS_OF = dt.date(2024, 12, 31)
PEOPLE = ["secretary", "deputy_law", "office_head", "clerk", "xcb_li"]


def _measure(text: str, due) -> dict:
    extra = {"due": "long_term", "checkpoint": due} if isinstance(due, str) else {"due": due}
    return {
        "text": text,
        "lead_leader": "secretary",
        "responsible_leader": "deputy_law",
        "department": "office",
        "responsible_person": "clerk",
        **extra,
    }


def feedback(policy: dict | None = None, contact: bool = True) -> dict:
    header = {
        "id": "test-2024-r1",
        "round": "区委第八轮巡察",
        "group": "区委巡察八组",
        "unit": "区测试局党组",
        "kind": "regular",
        "onsite": {"start": dt.date(2024, 3, 14), "end": dt.date(2024, 4, 27)},
        "feedback_date": dt.date(2024, 6, 27),
    }
    if contact:
        header["public_contact"] = {
            "phone": "022-12345678",
            "mailbox": "区测试局办公室",
            "email": "jiandu@example.gov.cn",
        }
    return {
        "inspection": header,
        "policy": policy or {"plan_due": {"days": 60}},
        "office": {
            "id": "test-xcb",
            "name": "区委巡察办",
            "staff": [{"id": "xcb_li", "name": "巡察办督查室", "roles": ["supervisor"]}],
        },
        "people": [
            {"id": "secretary", "name": "局党组书记", "roles": ["leader"]},
            {"id": "deputy_law", "name": "分管副局长", "roles": ["deputy"]},
            {"id": "office_head", "name": "办公室主任", "roles": ["unit_office"]},
            {"id": "clerk", "name": "综合科科长"},
        ],
        "departments": [{"id": "office", "name": "办公室"}],
        "aspects": [
            {
                "title": "学习贯彻有差距,履职有短板",  # an ASCII comma, as files are written
                "problems": [
                    {
                        "ref": "1",
                        "title": "关于“学习贯彻不深不透”的问题",
                        "measures": [
                            _measure("纳入党组会第一议题", dt.date(2024, 9, 30)),
                            _measure("建立理论学习长效机制", dt.date(2024, 10, 31)),
                        ],
                    },
                    {
                        "ref": "2",
                        "title": "关于“水环境治理不到位”的问题",
                        "measures": [_measure("持续改善水质", "2024-11-30")],
                    },
                    {
                        "ref": "3",
                        "title": "关于“审计整改不彻底”的问题",
                        "measures": [_measure("上缴应缴款项", dt.date(2024, 10, 31))],
                    },
                ],
            },
            {
                "title": "从严治党责任落实不够",
                "categories": [
                    {
                        "title": "执法监管质量不高",
                        "problems": [
                            {
                                "ref": "4",
                                "title": "执法人员轮岗不到位",
                                "measures": [_measure("制定轮岗计划", dt.date(2025, 3, 31))],
                            }
                        ],
                    }
                ],
            },
        ],
    }


def act(iid, action, at):
    return service.act(iid, action, parse_instant(at, TZ))


def _row(session, table, at, **fields):
    session.add(table(at=parse_instant(at, TZ), **fields))


def _problem(session, ref: str) -> Problem:
    return session.exec(select(Problem).where(Problem.ref == ref)).one()


STEPS = [
    (ApprovePlan(by="secretary", meeting="2024年第15次局党组会议"), "2024-08-28"),
    (
        Progress(by="clerk", problem="1", text="中心组专题学习2次", evidence=["学习记录.pdf"]),
        "2024-09-03",
    ),
    (ApplySignOff(by="office_head", problem="1", evidence=["第一议题台账.pdf"]), "2024-10-28"),
    (SignOffAction(by="xcb_li", problem="1"), "2024-10-29"),
    (
        LongTerm(
            by="secretary",
            problem="2",
            stage_goal="一季度水质持续改善",
            checkpoint=dt.date(2024, 11, 30),
        ),
        "2024-10-20",
    ),
    (
        Progress(by="clerk", problem="3", text="已排查应缴款项,正在上缴", evidence=["排查表.xlsx"]),
        "2024-10-10",
    ),
]
MEETINGS = [
    ("党组会", "2024年第16次局党组会议", "2024-08-29"),
    ("专题民主生活会", "巡察整改专题民主生活会", "2024-11-01"),
    ("党组会", "2024年第20次局党组会议", "2024-11-15"),
]
INSTITUTIONS = [("招标采购工作制度", "2024-09-20"), ("《内部审计工作制度》", "2024-10-12")]
CASES = [("约谈", 2, "2024-10-08"), ("诫勉", 1, "2024-11-05"), ("约谈", 1, "2024-12-02")]


def record_outcomes(iid: str) -> None:
    """The rows the outcome actions write, inserted directly."""
    with session_scope() as session:
        first = session.exec(
            select(Measure).where(
                Measure.problem_id == _problem(session, "1").id, Measure.position == 0
            )
        ).one()
        _row(
            session,
            MeasureCompletion,
            "2024-09-05",
            measure_id=first.id,
            by="clerk",
            text="已纳入党组会第一议题",
        )
        _row(
            session,
            StageReport,
            "2024-11-28",
            problem_id=_problem(session, "2").id,
            by="clerk",
            text="水质优良比例同比提升",
            next_checkpoint=dt.date(2025, 3, 31),
        )
        for kind, title, at in MEETINGS:
            _row(session, Meeting, at, inspection_id=iid, by="office_head", kind=kind, title=title)
        for title, at in INSTITUTIONS:
            _row(session, Institution, at, inspection_id=iid, by="office_head", title=title)
        for kind, count, at in CASES:
            _row(
                session,
                AccountabilityCase,
                at,
                inspection_id=iid,
                by="office_head",
                kind=kind,
                count=count,
                text=f"对落实不力的{count}名干部{kind}",
            )
        # after the report's date: not in it
        _row(
            session,
            Institution,
            "2025-01-05",
            inspection_id=iid,
            by="office_head",
            title="明年的制度",
        )


@pytest.fixture
def inspection(db, tmp_path, request):
    policy, contact = getattr(request, "param", (None, True))
    path = tmp_path / "feedback.yaml"
    path.write_text(yaml.safe_dump(feedback(policy, contact), allow_unicode=True), "utf-8")
    imported = import_file(path)
    assert imported.done, imported.errors
    iid = imported.inspection_id
    for action, at in STEPS:
        outcome = act(iid, action, at)
        assert outcome.done, outcome.message
    refused = act(
        iid, Extend(by="secretary", problem="3", new_due=dt.date(2024, 12, 20)), "2024-11-18"
    )
    assert not refused.done  # only the office extends: one refused event
    record_outcomes(iid)
    return iid


def markdown(iid: str, internal: bool) -> str:
    with session_scope() as session:
        return progress_report_markdown(iid, AS_OF, session=session, internal=internal)


BOTH = [
    "2024年8月28日，2024年第15次局党组会议审议通过了整改工作方案",
    "2024年8月29日，召开2024年第16次局党组会议",
    "2024年11月1日，召开巡察整改专题民主生活会",
    "整改期间共召开党组会2次、专题民主生活会1次",
    "每半月（每月1日、16日）调度整改工作进展",
    "组长每月25日督办",
    "截至2024年12月31日，巡察反馈的2个方面4个问题，已完成整改1个，需长期整改1个，正在推进整改2个",
    "建立完善制度机制2项（《招标采购工作制度》《内部审计工作制度》）",
    "约谈3人次、诫勉1人次",
    "（一）关于“学习贯彻有差距，履职有短板”问题的整改情况",
    "1.关于“学习贯彻不深不透”的问题",  # an aspect holding problems: numbered within it
    "1.执法监管质量不高",  # a category, then its problem with its ref
    "（4）执法人员轮岗不到位",
    "2024年9月5日，完成整改措施“纳入党组会第一议题”：已纳入党组会第一议题",
    "2024年9月3日，中心组专题学习2次",
    "该问题已于2024年10月29日整改销号",
    "阶段性目标：一季度水质持续改善",
    "2024年11月28日报送阶段性报告：水质优良比例同比提升",
    "下一节点：2025年3月31日",
    "已排查应缴款项，正在上缴",
    "整改情况：已制定整改措施1项，正在推进落实",
    "三、下一步工作打算",
    "（计划于2025年3月31日前完成）",
    "对已完成整改的1个问题，适时开展“回头看”",
    "联系电话：022-12345678；邮政信箱：区测试局办公室；电子邮箱：jiandu@example.gov.cn",
]
PUBLIC_ONLY_ABSENT = [".pdf", ".xlsx", "超期", "被拒绝", "（内部）", *PEOPLE]
INTERNAL = [
    "学习记录.pdf",
    "（综合科科长，clerk）",
    "（其中超期1个）",
    "（内部）超期问题1个（问题3），阶段报告逾期0个，被拒绝的操作1次",
    "已超过整改时限，正在督办",
    "对落实不力的2名干部约谈（办公室主任，office_head记录）",
]
NEVER = [
    "明年的制度",  # recorded after the report's date
    "下一节点：2024年11月30日",  # a checkpoint already past is no next step
    "建立理论学习长效机制",  # a planned measure never completed is not told as done
    "制定轮岗计划",
    "每月亲自督办",
]
REPORT_CASES = [
    # (version, must contain, must not contain)
    ("public", BOTH, PUBLIC_ONLY_ABSENT + NEVER),
    ("internal", BOTH + INTERNAL, NEVER),
]


@pytest.mark.parametrize(("version", "present", "absent"), REPORT_CASES)
def test_report_tells_what_was_done_and_hides_internal_facts(inspection, version, present, absent):
    text = markdown(inspection, internal=version == "internal")
    for words in present:
        assert words in text, words
    for words in absent:
        assert words not in text, words
    assert ascii_in_chinese(text) == []


POLICY_CASES = [
    # (policy, contact, must contain, must not contain)
    (
        {"dispatch_days": [5], "supervision_day": 20},
        True,
        ["副组长每月5日调度整改工作进展", "组长每月20日督办"],
        ["每半月", "25日"],
    ),
    (
        {"dispatch_days": [1, 5]},  # two days, but not half a month apart
        True,
        ["副组长每月1日、5日调度"],
        ["每半月"],
    ),
    (
        {"dispatch_days": [1, 11, 21]},
        False,
        ["副组长每月1日、11日、21日调度", "如有意见建议，请及时向区测试局党组反映。\n"],
        ["联系电话", "每半月"],
    ),
]


@pytest.mark.parametrize(
    ("inspection", "present", "absent"),
    [((policy, contact), present, absent) for policy, contact, present, absent in POLICY_CASES],
    indirect=["inspection"],
)
def test_policy_in_force_and_contact_as_given(inspection, present, absent):
    text = markdown(inspection, internal=False)
    for words in present:
        assert words in text, words
    for words in absent:
        assert words not in text, words


@pytest.mark.parametrize("internal", [False, True])
def test_docx_reads_back_as_the_same_text(inspection, tmp_path, internal):
    with session_scope() as session:
        report = build_report(inspection, AS_OF, session=session)
    path = tmp_path / "report.docx"
    write_docx(report, path, internal=internal)
    texts = [p.text for p in Document(str(path)).paragraphs if p.text]
    assert texts == [b.text for b in report_blocks(report, internal=internal)]
    joined = "\n".join(texts)
    assert "约谈3人次" in joined and "下一步" in joined and "022-12345678" in joined
    assert ("学习记录.pdf" in joined) == internal and ("clerk" in joined) == internal
