"""The progress report (整改进展情况通报) in the official phrasing."""

from __future__ import annotations

CN_DIGITS = "零一二三四五六七八九"


def headline(figures: dict) -> str:
    """E.g. "巡察反馈的3个方面31个问题,已整改销号26个,仍在推进且需长期整改的问题共5个"."""
    text = f"巡察反馈的{figures['aspects']}个方面{figures['problems']}个问题,已整改销号{figures['closed']}个"
    ongoing = figures["in_progress"] + figures["not_started"] + figures["reopened"]
    if figures["long_term"] and not ongoing:
        text += f",仍在推进且需长期整改的问题共{figures['long_term']}个"
    else:
        if figures["long_term"]:
            text += f",需长期整改{figures['long_term']}个"
        if ongoing:
            text += f",正在推进整改{ongoing}个"
    if figures["overdue"]:
        text += f"(其中超期{figures['overdue']}个)"
    return text
