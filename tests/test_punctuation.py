"""Full-width punctuation (，：；（）) in every Chinese text the engine writes: the helper, the
notice template as written, and every kind of notice as rendered with titles written with
ASCII punctuation (as feedback files often are)."""

import datetime as dt
import re
from pathlib import Path

import pytest

from rectify.clues.notices import _INTROS, render_clue_notice
from rectify.core.punctuation import ascii_in_chinese, full_width
from rectify.notices.planning import NoticePlan
from rectify.notices.planning.common import Item
from rectify.notices.render import KIND_TITLES, render
from rectify.problems.rules.escalation import Level

CASES = [
    # (written, normalised)
    ("截至10月25日,巡察反馈的问题", "截至10月25日，巡察反馈的问题"),
    ("联系电话:022-65369880;电子邮箱:a@b.cn", "联系电话：022-65369880；电子邮箱：a@b.cn"),
    ("入河(海)排污口", "入河（海）排污口"),
    ("办公室主任(office_head)同志", "办公室主任（office_head）同志"),
    ("标准(DB50/848-2021)一级", "标准（DB50/848-2021）一级"),
    ("关于“学习”的问题,进一步", "关于“学习”的问题，进一步"),
    ("09:00, 1,000 and (a) https://x.cn", "09:00, 1,000 and (a) https://x.cn"),  # not Chinese
]


@pytest.mark.parametrize(("written", "normalised"), CASES)
def test_full_width_next_to_chinese_only(written, normalised):
    assert full_width(written) == normalised
    assert ascii_in_chinese(normalised) == []
    assert (ascii_in_chinese(written) == []) == (written == normalised)


TEMPLATES = Path(__file__).resolve().parents[1] / "rectify" / "notices" / "templates"


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.j2")), ids=lambda p: p.name)
def test_notice_templates_are_written_full_width(template):
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", template.read_text(encoding="utf-8"))
    assert ascii_in_chinese(text) == []


def red_plan(kind: str, role: str, ref: str, title: str, text: str, note: str, line: str):
    """A red notice of ``kind`` to ``role`` with one item and one summary line."""
    item = Item(ref, title, text, dt.date(2024, 9, 30), level=Level.RED, note=note)
    return NoticePlan(kind, "someone", role, level=Level.RED, items=[item], lines=[line])


@pytest.mark.parametrize("kind", sorted(KIND_TITLES))
def test_every_notice_reads_full_width(kind):
    plan = red_plan(
        kind,
        "unit_office",
        "1",
        "学习贯彻有差距,履职有短板",
        "措施:纳入第一议题(党组会)",
        note="退回理由:佐证材料不足;请补充",
        line="超期问题:3个;待审核:1个",
    )
    subject, body = render(
        plan,
        unit="区测试局党组",
        round_="区委第八轮巡察",
        person_name="办公室主任",
        today=dt.date(2024, 10, 8),
    )
    assert ascii_in_chinese(subject) == [] and ascii_in_chinese(body) == []
    assert "办公室主任（整改办）同志：" in body


@pytest.mark.parametrize(("kind", "role"), sorted(_INTROS))
def test_every_clue_notice_reads_full_width(kind, role):
    plan = red_plan(
        kind,
        role,
        "XS-R8-001",
        "进一步了解关注类",
        "区纪委监委",
        note="已超期25天，第1次督办",
        line="已移交线索2条",
    )
    subject, body = render_clue_notice(plan, name="第三监督检查室", today=dt.date(2024, 10, 25))
    assert ascii_in_chinese(subject) == [] and ascii_in_chinese(body) == [], body
    assert body.startswith("第三监督检查室同志：\n")
    assert "线索XS-R8-001（进一步了解关注类）" in body and "（红色督办），已超期25天" in body
