"""`rectify intake` of large documents: the time to read a 200-page Word ledger (one table
of 1,000 problems, about five rows a page), the same ledger as an Excel workbook, and a
200-page outline numbered by Word's automatic list numbering — against the target (each read
in a few seconds).

    python benchmarks/intake.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rectify.intake import parse_document, write_draft  # noqa: E402
from tests.ledger_files import HEADER, write_docx, write_numbered_docx, write_xlsx  # noqa: E402

TARGET_SECONDS = 5.0
PROBLEMS = 1000
DUES = ("2024年6月底前", "10月底前", "长期坚持", "立行立改", "年底", "上半年", "持续推进")


def ledger_rows() -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    rows: list[list[str]] = [HEADER]
    merges = []
    per_aspect = PROBLEMS // 10
    for k in range(PROBLEMS):
        aspect = f"第{k // per_aspect + 1}方面问题"
        rows.append(
            [
                str(k + 1),
                aspect,
                f"问题{k + 1}：落实上级决策部署不到位，制度执行不严格，监督检查流于形式。" * 2,
                "1.制定整改方案，明确责任分工；2.开展专项检查，建立问题清单；3.完善制度，建立长效机制",
                "王书记",
                f"副局长{k % 5}",
                f"科室{k % 12}",
                f"责任人{k % 40}",
                DUES[k % len(DUES)],
                "正在推进",
            ]
        )
    for a in range(10):
        merges.append((1 + a * per_aspect, 1, (a + 1) * per_aspect, 1))
    return rows, merges


def outline_paragraphs() -> list[tuple[int | None, str]]:
    out: list[tuple[int | None, str]] = [(None, "区委第二巡察组于2023年7月26日反馈了巡察意见。")]
    for a in range(10):
        out.append((0, f"第{a + 1}方面问题"))
        for c in range(10):
            out.append((1, f"第{c + 1}类问题"))
            for p in range(6):
                out.append((2, f"问题{p + 1}：理论学习不深入，学用结合不紧密。"))
                out += [(None, "针对该问题，一是制定学习计划；二是于8月底前完成专题学习。")] * 4
    return out


def timed(label: str, path: Path, out: Path) -> float:
    start = time.perf_counter()
    result = parse_document(path)
    write_draft(result, out)
    seconds = time.perf_counter() - start
    c = result.counts_parsed
    verdict = "ok" if seconds <= TARGET_SECONDS else "SLOW"
    print(
        f"{label:<34} {path.stat().st_size / 1024:8.0f} KB  {seconds:6.2f} s  "
        f"{c['aspects']} aspects, {c['problems']} problems, {c['measures']} measures  {verdict}"
    )
    return seconds


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows, merges = ledger_rows()
        docx_ledger = write_docx(folder / "ledger.docx", rows, merges)
        xlsx_ledger = write_xlsx(folder / "ledger.xlsx", rows, merges)
        outline = write_numbered_docx(folder / "outline.docx", outline_paragraphs())
        times = [
            timed("Word ledger, 1,000 problems", docx_ledger, folder / "a.yaml"),
            timed("Excel ledger, 1,000 problems", xlsx_ledger, folder / "b.yaml"),
            timed("Word outline, 3,000 paragraphs", outline, folder / "c.yaml"),
        ]
    print(f"target: each under {TARGET_SECONDS:.0f} s")
    return 0 if max(times) <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
