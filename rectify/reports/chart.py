"""The progress chart for the 通报: problems closed / long-term / open week by week, and by
aspect as of the report date. The same database and date give the same PNG and figures.

matplotlib is imported inside the functions that draw, to keep the command line fast."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from pathlib import Path

from sqlmodel import Session

from rectify.problems.snapshots import snapshot
from rectify.problems.tree import get_inspection
from rectify.reports.progress import cn_date, cn_number

# The chart's CJK font: a GB 2312 subset of Noto Sans CJK SC (SIL Open Font License 1.1)
# shipped with this package (reports/fonts/, see its README), never a system font, so every
# machine draws the same Chinese labels.
FONT_FILE = Path(__file__).parent / "fonts" / "NotoSansCJKsc-Regular-GB2312.otf"
# The name it is registered under in matplotlib's font manager: unlike any system font's, so
# a system "Noto Sans CJK SC" of another version is never picked instead.
FONT_NAME = "rectify chart Noto Sans CJK SC"
_REGISTERING = threading.Lock()

CLOSED_COLOR = "#2e7d32"
LONG_TERM_COLOR = "#f9a825"
OPEN_COLOR = "#c62828"

LABELS = {
    "zh": {
        "closed": "已整改销号",
        "long_term": "需长期整改",
        "open": "正在推进整改",
        "trend": "整改进展（按周）",
        "by_aspect": "各方面整改情况（截至{day}）",
        "problems": "问题数（个）",
        "aspect": "（{n}）",
        "title": "{unit}整改进展",
    },
    "en": {
        "closed": "closed",
        "long_term": "long-term",
        "open": "open",
        "trend": "Progress by week",
        "by_aspect": "By aspect as of {day}",
        "problems": "problems",
        "aspect": "Aspect {n}",
        "title": "Rectification progress",
    },
}


def packaged_font_path() -> Path | None:
    """The CJK font file installed with this package, or None if it is missing."""
    return FONT_FILE if FONT_FILE.is_file() else None


def cjk_font() -> str | None:
    """The path of the packaged CJK font, registered with matplotlib's font manager under
    ``FONT_NAME`` (once per process, in memory: no rc change, no font cache rebuilt), or
    None if it cannot be loaded; the chart then falls back to English labels."""
    from matplotlib import font_manager, ft2font

    path = packaged_font_path()
    if path is None:
        return None
    manager = font_manager.fontManager
    with _REGISTERING:
        if not any(f.name == FONT_NAME and f.fname == str(path) for f in manager.ttflist):
            try:
                entry = font_manager.ttfFontProperty(ft2font.FT2Font(str(path)))
            except (OSError, RuntimeError, ValueError):
                return None
            # No look-up cache to clear: FONT_NAME is looked up only once registered.
            manager.ttflist.append(dataclasses.replace(entry, name=FONT_NAME))
    return str(path)


def chart_days(start: dt.date, as_of: dt.date) -> list[dt.date]:
    """Every seventh day from ``start`` up to ``as_of``, and ``as_of`` itself last."""
    days = []
    day = start
    while day < as_of:
        days.append(day)
        day += dt.timedelta(days=7)
    days.append(as_of)
    return days


def chart_figures(inspection_id: str | None, as_of: dt.date, *, session: Session) -> dict:
    """The figures the chart plots, as plain data."""
    inspection = get_inspection(session, inspection_id)
    weeks = []
    for day in chart_days(inspection.feedback_date, as_of):
        totals = snapshot(session, inspection, day).totals()
        weeks.append({"date": day.isoformat(), **_split(totals)})
    snap = snapshot(session, inspection, as_of)
    by_aspect = [
        {"aspect": position, **_split(counts)} for position, _title, counts in snap.aspect_counts()
    ]
    return {
        "inspection": inspection.id,
        "unit": snap.unit,
        "as_of": as_of.isoformat(),
        "weeks": weeks,
        "by_aspect": by_aspect,
    }


def _split(counts) -> dict[str, int]:
    return {
        "closed": counts.closed,
        "long_term": counts.long_term,
        "open": counts.in_progress + counts.not_started + counts.reopened,
    }


def write_chart(inspection_id: str | None, as_of: dt.date, path: Path, *, session: Session) -> dict:
    """Draw the two-panel progress chart as a PNG at ``path``; return the figures plotted:
    ``{"weeks": [{"date", "closed", "long_term", "open"}, ...],
    "by_aspect": [{"aspect", "closed", "long_term", "open"}, ...]}`` (plus ``inspection``,
    ``unit``, ``as_of`` and ``font``: the path of the CJK font file drawn with, or None
    when the labels fell back to English)."""
    import matplotlib
    from matplotlib.dates import AutoDateLocator, DateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figures = chart_figures(inspection_id, as_of, session=session)
    font = cjk_font()
    lang = "zh" if font else "en"
    t = LABELS[lang]
    series = ("closed", "long_term", "open")
    colors = {"closed": CLOSED_COLOR, "long_term": LONG_TERM_COLOR, "open": OPEN_COLOR}

    rc = {
        # Named families, not the "sans-serif" alias: each text keeps the packaged font.
        "font.family": ([FONT_NAME] if font else []) + ["DejaVu Sans"],
        "axes.unicode_minus": False,
        "path.simplify": True,
    }
    with matplotlib.rc_context(rc):
        # A bare Figure draws with the Agg canvas: no pyplot, no global backend switch.
        fig = Figure(figsize=(12, 5), dpi=120, layout="constrained")
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})

        weeks = figures["weeks"]
        x = [dt.date.fromisoformat(w["date"]) for w in weeks]
        for key in series:
            left.plot(
                x,
                [w[key] for w in weeks],
                marker="o",
                markersize=3,
                linewidth=1.8,
                color=colors[key],
                label=t[key],
            )
        left.set_title(t["trend"])
        left.set_ylabel(t["problems"])
        top = max([w["closed"] + w["long_term"] + w["open"] for w in weeks] + [1])
        left.set_ylim(0, top * 1.05)
        left.yaxis.set_major_locator(MaxNLocator(integer=True))
        left.grid(True, alpha=0.3)
        left.legend(loc="center left", frameon=False)
        left.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=8))
        left.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
        for label in left.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")

        aspects = figures["by_aspect"]
        names = [
            t["aspect"].format(n=cn_number(a["aspect"]) if lang == "zh" else a["aspect"])
            for a in aspects
        ]
        bottom = [0] * len(aspects)
        for key in series:
            values = [a[key] for a in aspects]
            bars = right.bar(
                names, values, bottom=bottom, color=colors[key], label=t[key], width=0.6
            )
            right.bar_label(
                bars,
                labels=[str(v) if v else "" for v in values],
                label_type="center",
                color="white",
                fontsize=9,
            )
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        right.set_title(
            t["by_aspect"].format(day=cn_date(as_of) if lang == "zh" else as_of.isoformat())
        )
        right.set_ylabel(t["problems"])
        right.set_ylim(0, max(bottom + [1]) * 1.3)  # room for the legend above the bars
        right.yaxis.set_major_locator(MaxNLocator(integer=True))
        right.grid(True, axis="y", alpha=0.3)
        right.set_axisbelow(True)
        right.legend(loc="upper center", ncols=3, frameon=False)

        if lang == "zh":
            fig.suptitle(t["title"].format(unit=figures["unit"]))
        else:
            fig.suptitle(t["title"])
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format="png", dpi=120, metadata={"Software": None})
    figures["font"] = font
    return figures
