"""Everything the command line prints on the example data reads as Chinese: a story of the
Binhai example (plan, progress, extension, long-term, sign-off, clues, the ledger round trip
with its mistakes) told through the commands, and every output swept for ASCII ，：；（）
next to Chinese and for English sentences. Paths, ids, dates and error codes may stay."""

from __future__ import annotations

import re
import shutil

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from rectify.cli import app
from rectify.core.punctuation import ascii_in_chinese
from rectify.reports.ledger_workbook import KEYS, SHEET
from tests.conftest import EXAMPLES

runner = CliRunner()
# What may stand in a line without being prose: paths, ids and codes (words joined by _ - . / :),
# option names, and the ISO dates and times.
NOT_PROSE = re.compile(
    r"\S*[/\\]\S*|--[\w-]+|\b[A-Za-z0-9]+(?:[_.:-][A-Za-z0-9]+)+\b|\d{4}-\d{2}-\d{2}[T ]?[\d:]*"
)
# Three English words in a row, figures and ASCII punctuation between them allowed.
ENGLISH_SENTENCE = re.compile(r"\b[a-z]+(?:[\s\d,;:()]+[a-z]+\b){2,}", re.IGNORECASE)


def english_in(text: str) -> list[str]:
    """The ASCII punctuation next to Chinese and the English sentences of ``text``, once
    its paths, ids, codes and dates are set aside."""
    found = []
    for line in text.splitlines():
        bare = NOT_PROSE.sub(" ", line)
        found += ascii_in_chinese(bare) + ENGLISH_SENTENCE.findall(bare)
    return found


def fill(path, rows: dict[int, dict[str, object]]) -> None:
    book = load_workbook(path)
    for row, values in rows.items():
        for key, value in values.items():
            book[SHEET].cell(row=row, column=KEYS.index(key) + 1, value=value)
    book.save(path)


@pytest.fixture
def story(db, tmp_path):
    """The Binhai example with a history, its clues and a filled-in ledger; the commands
    that wrote them and those that read them, each with its exit status."""
    feedback = tmp_path / "binhai-2024.yaml"
    shutil.copy(EXAMPLES / "binhai-2024.yaml", feedback)
    steps = [
        (0, "import", str(feedback)),
        (1, "import", str(feedback)),
        (0, "approve-plan", "--by", "secretary", "--meeting", "党组会", "--at", "2024-08-28"),
        (0, "progress", "1", "--by", "party_head", "--text", "已召开专题学习会", "--at", "2024-09-10"),
        (0, "extend", "1", "--by", "xcb_li", "--new-due", "2024-12-31", "--reason", "待拨付",
         "--at", "2024-09-20"),
        (0, "long-term", "2", "--by", "secretary", "--stage-goal", "建立长效机制",
         "--checkpoint", "2025-03-31", "--at", "2024-10-01"),
        (0, "sign-off", "3", "--by", "xcb_li", "--evidence", "纪要.pdf", "--at", "2024-10-10"),
        (1, "progress", "4", "--by", "nobody", "--text", "已整改", "--at", "2024-10-11"),
        (0, "clue", "import", str(EXAMPLES / "binhai-clues.yaml"), "--actor", "xcb_wang",
         "--at", "2024-06-28"),
        (0, "clue", "transfer", "XS-R8-003", "--actor", "xcb_wang", "--to", "district_cdi",
         "--due", "2024-10-31", "--at", "2024-07-01"),
        (0, "clue", "extend", "XS-R8-003", "--actor", "xcb_wang", "--new-due", "2024-11-30",
         "--reason", "需调取银行流水", "--at", "2024-10-20"),
        (0, "clue", "feedback", "XS-R8-001", "--actor", "xcb_wang", "--disposal", "talk",
         "--note", "已谈话函询", "--at", "2024-11-05"),
        (1, "clue", "list", "--actor", "secretary"),
        (0, "clue", "list", "--actor", "xcb_wang", "--as-of", "2024-12-01"),
        (0, "show", "1"),
        (0, "show", "2"),
        (0, "show", "3"),
        (0, "status", "--as-of", "2024-12-01"),
        (0, "office", "status", "--as-of", "2024-12-01"),
        (0, "audit", "--actor", "xcb_wang"),
        (0, "audit", "verify"),
    ]  # fmt: skip
    ledger = tmp_path / "台账.xlsx"
    steps += [(0, "ledger", "export", "--out", str(ledger), "--as-of", "2024-12-01")]
    outputs = [run(expected, *args) for expected, *args in steps]
    fill(
        ledger,
        {
            2: {"fill_text": "已学习", "fill_by": "party_head", "fill_date": "2024-12-02"},
            3: {"fill_text": "已学习", "fill_date": "2024-12-02"},
        },
    )
    outputs.append(run(0, "ledger", "import", str(ledger), "--by", "party_head"))
    outputs.append(run(1, "ledger", "import", str(ledger), "--by", "nobody", "--apply"))
    fill(
        ledger,
        {
            3: {"due": "2023-12-31"},
            4: {"key": "binhai-2024-r8:99:0"},
            5: {"fill_text": "已整改", "fill_by": "party_head", "fill_date": "2024-02-30"},
            6: {"fill_evidence": "纪要.pdf"},
        },
    )
    outputs.append(run(1, "ledger", "import", str(ledger)))
    return outputs


def run(expected: int, *args: str) -> tuple[str, str]:
    result = runner.invoke(app, list(args))
    assert result.exit_code == expected, (args, result.output)
    return " ".join(args), result.output


def test_every_output_of_the_story_reads_as_chinese(story):
    for command, output in story:
        assert output.strip(), command
        assert english_in(output) == [], (command, output)


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (
            "import",
            "binhai-2024.yaml：巡察 binhai-2024-r8 已导入；如需以新文件更新，请加 --replace（",
        ),
        ("clue import", "已登记 3 条问题线索，其中 2 条已移交"),
        ("clue list --actor xcb_wang", "截至 2024-12-01，共 3 条问题线索"),
        ("clue transfer", "线索 XS-R8-003 已移交区纪委监委，限期 2024-10-31 前办结"),
        ("clue feedback", "线索 XS-R8-001 已反馈办理结果（谈话函询）"),
        ("show 1", "延期（xcb_li）：2024-09-30 → 2024-12-31，理由：待拨付"),
        ("show 2", "转长期整改（secretary）：建立长效机制，检查节点 2025-03-31"),
        ("ledger import", "工作表 台账，第 3 行，J 列（整改时限）：锁定列 整改时限 被改动"),
        (
            "ledger import",
            "工作表 台账，第 4 行，A 列（行号）：未知或重复的行 “binhai-2024-r8:99:0”",
        ),
        ("ledger import", "第 5 行，P 列（进展日期（填写））：不是有效的日期：“2024-02-30”"),
        (
            "ledger import",
            "第 6 行，M 列（进展情况（填写））：支撑材料、报送人或日期已填，进展情况却是空的",
        ),
        ("ledger import", "工作表 台账，第 3 行：拒绝（unknown_person）："),
        ("office status", "滨海新区区委巡察办"),
    ],
)
def test_the_story_says_it_in_chinese(story, command, says):
    assert any(c.startswith(command) and says in o for c, o in story), (command, says)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("registered 3 clue(s), 2 transferred", ["registered 3 clue(s), 2 transferred"]),
        (
            "sheet ledger, row 3, column J (整改时限): locked",
            ["J (整改", "时限): ", "sheet ledger, row 3, column J"],
        ),
        ("状态:未启动", ["状态:未启"]),
        ("/tmp/a b/台账.xlsx:工作表 台账，第 3 行：拒绝（unknown_person）：x", []),
        ("#3 2024-10-10T09:00Z binhai-2024-r8 xcb_li sign_off 完成", []),
        ("加 --apply 再运行一次即可记录", []),
    ],
)
def test_the_sweep_finds_english_and_half_width_punctuation_only(text, found):
    assert english_in(text) == found
