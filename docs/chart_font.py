"""How rectify/reports/fonts/NotoSansCJKsc-Regular-GB2312.otf was made: a subset of Noto Sans
CJK SC Regular 1.004 (SIL Open Font License 1.1) holding what the progress chart and a
unit's name need. Run by hand when the character set changes; no build step runs it.

    .venv/bin/pip download --no-deps -d /tmp/mplfonts mplfonts==0.0.11
    unzip -o -j /tmp/mplfonts/mplfonts-0.0.11-py3-none-any.whl \
        mplfonts/fonts/NotoSansCJKsc-Regular.otf -d /tmp/mplfonts
    .venv/bin/python docs/chart_font.py /tmp/mplfonts/NotoSansCJKsc-Regular.otf

The characters: ASCII; the middle dot and general punctuation (U+2010-2027); CJK symbols
and punctuation (U+3000-303F); half- and full-width forms (U+FF00-FFEF); GB 2312 rows 1-3
(its symbols such as 、。《》【】, the numbered forms ①⑴⒈Ⅰ, full-width ASCII) and rows
16-87 (all 6 763 hanzi), enumerated by decoding every two-byte GB 2312 code.

The font's own hints are dropped: matplotlib draws with FreeType's autohinter (text.hinting
"force_autohint") and never reads them. The default layout features, every name record
(the copyright, the licence in nameID 13/14) and the family name "Noto Sans CJK SC" are
kept: the font declares no Reserved Font Name. The same source gives the same bytes.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from fontTools import subset

OUTPUT = Path(__file__).parent.parent / "rectify/reports/fonts/NotoSansCJKsc-Regular-GB2312.otf"
# The source file the mplfonts 0.0.11 wheel ships (Noto Sans CJK SC Regular, version 1.004).
SOURCE_SHA256 = "1652500938055a232cfbfa321de6ebaadfc5635dd9f75e369bc991d14a6512dd"
HANZI_ROWS = range(16, 88)  # GB 2312 rows 16-55 (level 1) and 56-87 (level 2)
SYMBOL_ROWS = range(1, 4)


def gb2312(rows: range) -> list[str]:
    """Every character a two-byte GB 2312 code in ``rows`` decodes to."""
    chars = []
    for row in rows:
        for cell in range(1, 95):
            try:
                chars.append(bytes([0xA0 + row, 0xA0 + cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass  # an unassigned code
    return chars


def codepoints() -> list[int]:
    """The code points the subset keeps, sorted."""
    kept = set(range(0x20, 0x7F)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    kept |= {0xB7} | set(range(0x2010, 0x2028))  # the middle dot, dashes, quotes, ellipsis
    kept |= {ord(c) for c in gb2312(SYMBOL_ROWS) + gb2312(HANZI_ROWS)}
    return sorted(kept)


def main(source: str) -> None:
    """Write the subset of ``source`` (checked by its hash) to ``OUTPUT``."""
    digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        sys.exit(f"{source}: sha256 {digest}, not the file of mplfonts 0.0.11")
    hanzi = gb2312(HANZI_ROWS)
    assert len(hanzi) == 6763, len(hanzi)
    unicodes = ",".join(f"U+{cp:04X}" for cp in codepoints())
    subset.main(
        [
            source,
            f"--unicodes={unicodes}",
            f"--output-file={OUTPUT}",
            "--name-IDs=*",
            "--name-languages=*",
            "--no-hinting",  # matplotlib draws with FreeType's autohinter (text.hinting)
        ]
    )
    data = OUTPUT.read_bytes()
    print(f"{OUTPUT.name}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main(sys.argv[1])
