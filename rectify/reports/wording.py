"""The 通报's wording, modelled on the published ones (seeds 002, 004): the opening;
一、组织落实巡察整改情况 (the meetings held, the dispatch and supervision the policy sets);
二、整改落实情况 (the counts, institutions built and accountability, then per aspect and
problem what was done, dated in words, and where it stands); 三、下一步工作打算 from the open
and long-term items; the closing paragraph with the public's contact.

The public version names no evidence file, no person id and no internal count; the office's
(``internal``) adds them. Every paragraph goes through ``full_width``: no ASCII ,:;() next to
a Chinese character, whatever the recorded texts were written with."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rectify.core.punctuation import full_width
from rectify.core.states import ProblemState

if TYPE_CHECKING:
    from rectify.core.policy import Policy
    from rectify.reports.outcomes import Done
    from rectify.reports.progress import ProblemReport, ProgressReport

CN_NUMBERS = (
    "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十".split()
)
ORDINALS = [f"{n}是" for n in CN_NUMBERS[:10]]


def cn_number(n: int) -> str:
    """一, 二, … 二十 for the numbered headings; larger numbers in digits."""
    return CN_NUMBERS[n - 1] if 0 < n <= len(CN_NUMBERS) else str(n)


def cn_date(day: dt.date) -> str:
    """A date as the 通报 writes it: 2023年10月31日."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Block:
    """One paragraph of the 通报 and what it is (``kind``), for the Markdown and the DOCX to
    lay out each in its own way: title, body, section (一、), headline (截至…, the chart
    follows it), aspect ((一)), category (1.), problem ((1)… or 1.…), unit and date (the
    signature)."""

    kind: str
    text: str


MARKDOWN = {"title": "# {}", "section": "## {}", "aspect": "### {}", "category": "**{}**"}


def report_blocks(report: ProgressReport, *, internal: bool = False) -> list[Block]:
    """The 通报's paragraphs in order; ``internal``: the office's version."""
    r = report
    blocks = [
        Block("title", r.title),
        Block(
            "body",
            f"按照巡察工作统一部署，{cn_date(r.onsite_start)}至{cn_date(r.onsite_end)}，"
            f"{r.group}对{r.unit}开展了{r.kind}，并于{cn_date(r.feedback_date)}反馈了巡察意见。"
            "按照巡察工作有关要求，现将巡察整改进展情况予以公布。",
        ),
        *organisation(r, internal),
        *rectification(r, internal),
        *next_steps(r, internal),
        Block("body", closing(r)),
        Block("unit", r.unit),
        Block("date", cn_date(r.as_of)),
    ]
    return [Block(b.kind, full_width(b.text)) for b in blocks]


# --- 一、组织落实巡察整改情况 ---------------------------------------------------------------


def organisation(r: ProgressReport, internal: bool) -> list[Block]:
    """一、: the plan's approval and the meetings held; the dispatch and supervision in force."""
    if r.plan_approved_on:
        lead = (
            f"{cn_date(r.plan_approved_on)}，{r.meeting or '党组会议'}审议通过了整改工作方案，"
            "逐一明确了牵头领导、责任领导、责任科室、责任人和整改时限，实行整改销号制度，"
            "做到整改一个销号一个。"
        )
    else:
        lead = "整改工作方案尚未经党组会议审议通过。"
        if internal:
            lead += f"（审议时限：{cn_date(r.plan_due)}）"
    held = "；".join(
        f"{cn_date(m.day)}，召开{m.title}" + (f"（{who(r, m.by)}记录）" if internal else "")
        for m in r.meetings
    )
    text = lead + (f"{held}。" if held else "")
    kinds = Counter(m.kind for m in r.meetings)
    if kinds:
        text += "整改期间共召开" + "、".join(f"{k}{n}次" for k, n in kinds.items()) + "。"
    return [
        Block("section", "一、组织落实巡察整改情况"),
        Block("aspect", "（一）加强组织领导，压实整改责任"),
        Block("body", text),
        Block("aspect", "（二）定期调度督办，推动整改落实"),
        Block("body", supervision_sentence(r.policy)),
    ]


def supervision_sentence(policy: Policy) -> str:
    """The dispatch and supervision as the policy sets them: "每半月（每月1日、16日）…"."""
    days = "、".join(f"{d}日" for d in policy.dispatch_days)
    first, *rest = policy.dispatch_days
    half_monthly = len(rest) == 1 and 12 <= rest[0] - first <= 18  # 1 and 16, 5 and 20
    every = f"每半月（每月{days}）" if half_monthly else f"每月{days}"
    return (
        f"整改工作领导小组副组长{every}调度整改工作进展，"
        f"组长每月{policy.supervision_day}日督办，及时提醒各责任领导、责任科室和责任人"
        "查漏补缺，推进整改工作，确保整改任务件件有落实、事事有回音。"
    )


# --- 二、整改落实情况 -------------------------------------------------------------------------


def headline(figures: dict, *, internal: bool = False) -> str:
    """The counts sentence: "巡察反馈的3个方面31个问题，已完成整改26个，需长期整改5个"; the
    office's version adds the counts inside the open ones (overdue, awaiting confirmation)."""
    text = (
        f"巡察反馈的{figures['aspects']}个方面{figures['problems']}个问题，"
        f"已完成整改{figures['closed']}个"
    )
    if figures["long_term"]:
        text += f"，需长期整改{figures['long_term']}个"
    ongoing = sum(
        figures[k] for k in ("in_progress", "not_started", "reopened", "awaiting_confirmation")
    )
    if ongoing:
        text += f"，正在推进整改{ongoing}个"
    inner = [
        (figures["awaiting_confirmation"], "已申请销号待审核{}个"),
        (figures["reopened"], "“回头看”重新整改{}个"),
        (figures["overdue"], "超期{}个"),
    ]
    shown = [words.format(n) for n, words in inner if n and internal]
    if shown:
        text += "（其中" + "，".join(shown) + "）"
    return text


def rectification(r: ProgressReport, internal: bool) -> list[Block]:
    """二、: the counts, institutions and accountability, then aspect by aspect."""
    blocks = [
        Block("section", "二、整改落实情况"),
        Block("headline", f"截至{cn_date(r.as_of)}，{headline(r.figures, internal=internal)}。"),
    ]
    results = outcomes_sentence(r, internal)
    if results:
        blocks.append(Block("body", results))
    if internal:
        blocks.append(Block("body", internal_counts(r)))
    for a, aspect in enumerate(r.aspects, start=1):
        blocks.append(Block("aspect", f"（{cn_number(a)}）关于“{aspect.title}”问题的整改情况"))
        for c, category in enumerate(aspect.categories, start=1):
            if category.title:
                blocks.append(Block("category", f"{c}.{category.title}"))
            for p in category.problems:
                blocks.append(Block("problem", f"{p.number}{p.title}"))
                blocks.append(Block("body", problem_paragraph(p, r, internal=internal)))
    return blocks


def outcomes_sentence(r: ProgressReport, internal: bool) -> str:
    """The institutions built (建章立制) and the accountability figures, kind by kind."""
    parts = []
    if r.institutions:
        titles = "".join(_book(i.title) for i in r.institutions)
        parts.append(f"建立完善制度机制{len(r.institutions)}项（{titles}）")
    if r.accountability:
        per_kind = Counter()
        for case in r.accountability:
            per_kind[case.kind] += case.count
        parts.append("严肃追责问责，" + "、".join(f"{kind}{n}人次" for kind, n in per_kind.items()))
    if not parts:
        return ""
    text = "整改中" + "；".join(parts) + "。"
    if internal:
        text += "".join(
            f"{cn_date(c.day)}，{c.kind}{c.count}人次{('：' + c.title) if c.title else ''}"
            f"（{who(r, c.by)}记录）。"
            for c in r.accountability
        )
    return text


def _book(title: str) -> str:
    return title if title.startswith("《") else f"《{title}》"


def internal_counts(r: ProgressReport) -> str:
    """The office's figures the public version leaves out."""
    overdue = [p.ref for p in r.problems if p.overdue]
    missed = [p.ref for p in r.problems if p.checkpoint and p.checkpoint < r.as_of]
    text = f"（内部）超期问题{len(overdue)}个"
    if overdue:
        text += "（问题" + "、".join(overdue) + "）"
    text += f"，阶段报告逾期{len(missed)}个"
    if missed:
        text += "（问题" + "、".join(missed) + "）"
    return text + f"，被拒绝的操作{r.refused}次（见审计日志）。"


def who(r: ProgressReport, key: str) -> str:
    """A person for the office's version: name and id."""
    return f"{r.names.get(key, key)}，{key}"


def problem_paragraph(p: ProblemReport, r: ProgressReport, *, internal: bool = False) -> str:
    """What the 通报 says of one problem: what was done (dated), and where it stands."""
    if p.done:
        entries = [
            f"{ORDINALS[i] if i < len(ORDINALS) and len(p.done) > 1 else ''}"
            f"{_done_text(d)}" + (f"（{who(r, d.by)}）" if internal else "") + "。"
            for i, d in enumerate(p.done)
        ]
        text = "整改情况：" + "".join(entries)
    else:
        text = f"整改情况：已制定整改措施{len(p.measures)}项，正在推进落实。"
    text += state_sentence(p, r.as_of, internal)
    if internal and p.evidence:
        text += f"支撑材料：{'、'.join(p.evidence)}。"
    return text


def _done_text(d: Done) -> str:
    what = d.text.rstrip("。；;")
    if d.measure:
        return f"{cn_date(d.day)}，完成整改措施“{d.measure[1].rstrip('。')}”：{what}"
    return f"{cn_date(d.day)}，{what}"


def state_sentence(p: ProblemReport, as_of: dt.date, internal: bool) -> str:
    """Where the problem stands; only checkpoints and dues still ahead are given as plans."""
    if p.state == ProblemState.CLOSED:
        return (
            f"该问题已于{cn_date(p.closed_on)}整改销号。" if p.closed_on else "该问题已整改销号。"
        )
    if p.state == ProblemState.LONG_TERM:
        return long_term_sentence(p, as_of, internal)
    if p.state == ProblemState.AWAITING_CONFIRMATION:
        return "已申请销号，待巡察办审核确认。"
    text = "经“回头看”核查，该问题出现反弹，已重新整改" if p.state == ProblemState.REOPENED else ""
    if p.due and p.due > as_of:
        text += ("，" if text else "正在推进整改，") + f"计划于{cn_date(p.due)}前完成。"
    elif internal and p.overdue:
        text += ("，" if text else "") + "已超过整改时限，正在督办。"
    else:
        text += ("，" if text else "") + "正在加快推进整改。"
    return text


def long_term_sentence(p: ProblemReport, as_of: dt.date, internal: bool) -> str:
    """A long-term problem: its stage goal, stage reports and the next checkpoint ahead."""
    text = "该问题需长期整改"
    if p.stage_goal:
        text += f"，阶段性目标：{p.stage_goal.rstrip('。')}"
    text += "。"
    for stage in p.stages:
        text += f"{cn_date(stage.day)}报送阶段性报告：{stage.text.rstrip('。')}。"
    if p.checkpoint and p.checkpoint > as_of:
        text += f"下一节点：{cn_date(p.checkpoint)}。"
    elif p.checkpoint and internal:
        text += f"阶段报告逾期：检查节点{cn_date(p.checkpoint)}已过。"
    else:
        text += "正按阶段目标持续推进。"
    return text


# --- 三、下一步工作打算 and the closing -------------------------------------------------------


def next_steps(r: ProgressReport, internal: bool) -> list[Block]:
    """三、: the open problems with their dues ahead, the long-term ones with their next
    checkpoint, the review of the closed ones, the institutions to keep in force."""
    open_ = [
        p
        for p in r.problems
        if p.state in (ProblemState.NOT_STARTED, ProblemState.IN_PROGRESS, ProblemState.REOPENED)
    ]
    long_term = [p for p in r.problems if p.state == ProblemState.LONG_TERM]
    steps = []
    if open_:
        items = "；".join(
            f"{_short(p)}（{_plan(p.due, r.as_of, p.overdue and internal)}）" for p in open_
        )
        steps.append(
            f"持续推进未完成的整改事项。对正在推进的{len(open_)}个问题，逐项明确完成时间，"
            f"加大督办力度：{items}。"
        )
    if long_term:
        items = "；".join(f"{_short(p)}（{_checkpoint(p, r.as_of, internal)}）" for p in long_term)
        steps.append(
            f"持续抓好需长期整改的事项。对需长期整改的{len(long_term)}个问题，"
            f"按阶段目标持续推进，按节点报送阶段性报告：{items}。"
        )
    closed = r.figures["closed"]
    if closed:
        steps.append(
            f"巩固深化整改成果。对已完成整改的{closed}个问题，适时开展“回头看”，"
            "坚决防止问题反弹回潮。"
        )
    kept = f"对已建立的{len(r.institutions)}项制度机制抓好贯彻落实，" if r.institutions else ""
    steps.append(
        f"持续完善长效机制。{kept}举一反三，健全堵塞漏洞、解决问题的长效机制，"
        "推动管党治党责任层层落实。"
    )
    return [
        Block("section", "三、下一步工作打算"),
        Block(
            "body",
            f"下一步，{r.unit}将继续认真贯彻落实巡察整改要求，目标不变、力度不减，"
            "对尚未完成的事项紧盯不放，直至整改完毕。",
        ),
        *(Block("body", f"{i}.{text}") for i, text in enumerate(steps, start=1)),
    ]


def _short(p: ProblemReport) -> str:
    return p.title if p.title.startswith("关于") else f"“{p.title}”"


def _plan(due: dt.date | None, as_of: dt.date, overdue: bool) -> str:
    if due and due > as_of:
        return f"计划于{cn_date(due)}前完成"
    return "已超过整改时限，限期完成" if overdue else "加快推进，尽早完成"


def _checkpoint(p: ProblemReport, as_of: dt.date, internal: bool) -> str:
    if p.checkpoint and p.checkpoint > as_of:
        return f"下一节点：{cn_date(p.checkpoint)}"
    if p.checkpoint and internal:
        return f"阶段报告逾期，检查节点{cn_date(p.checkpoint)}已过"
    return "持续推进"


def closing(r: ProgressReport) -> str:
    """The public-supervision paragraph with the contact the feedback file gives."""
    text = (
        f"欢迎广大党员、干部、群众对巡察整改落实情况进行监督。如有意见建议，请及时向{r.unit}反映。"
    )
    c = r.contact
    channels = [
        (c.phone if c else None, "联系电话"),
        (c.mailbox if c else None, "邮政信箱"),
        (c.email if c else None, "电子邮箱"),
    ]
    given = [f"{label}：{value}" for value, label in channels if value]
    return text + ("；".join(given) + "。" if given else "")
