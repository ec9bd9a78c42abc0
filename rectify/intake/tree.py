"""The outline tree (提纲): the section that holds the problems, and its numbered headings
placed as aspects (方面) → categories (类) → problems (问题) → numbered measures, by the
rank each numbering style takes in this document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rectify.intake.counts import counts_in
from rectify.intake.draft import PLACEHOLDER
from rectify.intake.numerals import STYLES, label
from rectify.intake.state import DocumentLine, OutlineNode, ParseState
from rectify.intake.vocabulary import (
    ABOUT,
    OTHER_SECTION_WORDS,
    PROBLEM_SECTION_WORDS,
    PROGRESS_PREFIX,
)

_ROLE_NAMES = {"aspect": "方面", "category": "类别", "problem": "问题", "measure": "措施"}


def _has_word(title: str, vocabulary: tuple[str, ...]) -> bool:
    return any(word in title for word in vocabulary)


def problem_region(state: ParseState) -> tuple[list[DocumentLine], str | None]:
    """The lines holding the problems and the heading of their section."""
    tops = [i for i, line in enumerate(state.lines) if line.head and line.head[0] == 0]
    if not tops:
        state.top_is_aspect = False
        return state.lines, None
    state.loose += state.lines[: tops[0]]  # the preamble
    sections = [
        (state.lines[i], state.lines[i + 1 : j])
        for i, j in zip(tops, tops[1:] + [len(state.lines)], strict=True)
    ]
    chosen = [
        k
        for k, (head, _) in enumerate(sections)
        if _has_word(head.text, PROBLEM_SECTION_WORDS)
        and not _has_word(head.text, OTHER_SECTION_WORDS)
    ]
    if not chosen:  # by content: the sections with 整改情况 paragraphs
        chosen = [
            k
            for k, (head, body) in enumerate(sections)
            if not _has_word(head.text, OTHER_SECTION_WORDS)
            and any(PROGRESS_PREFIX.match(line.text) for line in body)
        ]
    state.top_is_aspect = not chosen
    region: list[DocumentLine] = []
    title = None
    for k, (head, body) in enumerate(sections):
        last = (body[-1] if body else head).n
        if state.top_is_aspect and not _has_word(head.text, OTHER_SECTION_WORDS):
            region += [head, *body]
        elif not state.top_is_aspect and k in chosen:
            region += body
            state.used.add(head.n)
            title = title or clean_title(head.head[2])[0]
        else:
            state.skipped.append((head.n, last, head.text))
    return region, title


def assign_roles(state: ParseState, region: list[DocumentLine]) -> dict[int, str]:
    """rank → "aspect" / "category" / "problem" / "measure", by the ranks the region uses."""
    ranks = sorted(
        {line.head[0] for line in region if line.head and (line.head[0] or state.top_is_aspect)}
    )
    if not state.top_is_aspect:
        ranks = [r for r in ranks if r > 0]
    roles: dict[int, str] = {}
    circled = 5 in ranks and len(ranks) >= 3
    if circled:  # "①" is the lowest level: below two others it lists measures
        ranks = [r for r in ranks if r != 5]
        roles[5] = "measure"
    if len(ranks) >= 3:
        roles |= {ranks[0]: "aspect", ranks[1]: "category", ranks[2]: "problem"}
        roles |= {r: "measure" for r in ranks[3:]}
    elif len(ranks) == 2:
        roles |= {ranks[0]: "aspect", ranks[1]: "problem"}
    elif len(ranks) == 1:
        roles |= {ranks[0]: "problem"}
    if roles:
        described = "，".join(f"{STYLES[r]} = {_ROLE_NAMES[roles[r]]}" for r in sorted(roles))
        state.notes.append(f"编号层级理解为：{described}")
    return roles


def build_outline(
    state: ParseState, region: list[DocumentLine], section_title: str | None
) -> list[OutlineNode]:
    """The aspects of the region, each holding its categories and their problems."""
    builder = _TreeBuilder(state, assign_roles(state, region), section_title)
    for line in region:
        builder.add(line)
    # lines outside the problems are placed when they gave a fact or a count
    for line in state.loose + state.intro:
        if line.n not in state.used and not counts_in(line.text):
            state.unplaced.append((line.n, line.raw))
    for aspect in builder.aspects:
        if not aspect.title:
            aspect.title = PLACEHOLDER
        for category in aspect.children:
            if not category.title:
                category.title = aspect.title
    return builder.aspects


@dataclass
class _TreeBuilder:
    """Places the region's lines one by one under the aspect, category and problem open."""

    state: ParseState
    roles: dict[int, str]
    section_title: str | None
    aspects: list[OutlineNode] = field(default_factory=list)
    aspect: OutlineNode | None = None
    category: OutlineNode | None = None
    problem: OutlineNode | None = None
    pending_title: OutlineNode | None = None  # a heading whose title is on the next line
    last_number: dict[int, int] = field(default_factory=dict)  # rank → last number seen
    last_problem: int = 0  # the last problem number seen
    seen_first_heading: bool = False

    def add(self, line: DocumentLine) -> None:
        role = self.roles.get(line.head[0]) if line.head else None
        if role:
            self._heading(line, role)
        elif self.pending_title is not None:
            self.pending_title.title, inline = clean_title(line.text)
            if inline:
                self.pending_title.text.append((line.n, inline))
            self.pending_title = None
        else:
            self._body(line)

    def _heading(self, line: DocumentLine, role: str) -> None:
        rank, number, rest = line.head
        self._check_numbering(line, rank, number)
        title, inline = clean_title(rest)
        node = OutlineNode(title, line.n, number, rank)
        self.pending_title = node if not title else None
        self.seen_first_heading = True
        _OPEN[role](self, node, line, inline, rest)

    def _body(self, line: DocumentLine) -> None:
        state = self.state
        if self.problem is not None and not state.is_signature(line):
            self.problem.text.append((line.n, line.text))
            state.problem_lines.add(line.n)
        elif not self.seen_first_heading:
            state.intro.append(line)
        elif state.is_signature(line):
            state.used.add(line.n)
        else:
            state.unplaced.append((line.n, line.raw))

    # -- one handler per role of a heading ------------------------------------------------

    def _open_aspect(self, node: OutlineNode, line: DocumentLine, inline: str, rest: str) -> None:
        self.aspect, self.category, self.problem = node, None, None
        self.aspects.append(node)

    def _open_category(self, node: OutlineNode, line: DocumentLine, inline: str, rest: str) -> None:
        aspect = self._ensure_aspect(line.n)
        self.category, self.problem = node, None
        aspect.children.append(node)

    def _open_problem(self, node: OutlineNode, line: DocumentLine, inline: str, rest: str) -> None:
        aspect = self._ensure_aspect(line.n)
        if self.category is None:
            self.category = OutlineNode(aspect.title, line.n)
            aspect.children.append(self.category)
            self.state.notes.append(
                f"第 {line.n} 行：“{aspect.title}”下没有类别标题，以方面标题作为唯一的类别"
            )
        self.problem = node
        self.category.children.append(node)
        if inline:
            node.text.append((line.n, inline))

    def _add_measure(self, node: OutlineNode, line: DocumentLine, inline: str, rest: str) -> None:
        """A measure numbered below the problems."""
        if self.problem is None:
            self.state.unplaced.append((line.n, line.raw))
        else:
            self.problem.items.append((line.n, rest))
        self.pending_title = None

    def _ensure_aspect(self, n: int) -> OutlineNode:
        if self.aspect is None:
            title = self.section_title or PLACEHOLDER
            self.state.notes.append(f"第 {n} 行：问题前没有方面标题，归入标题为“{title}”的方面")
            self.aspect = OutlineNode(title, n)
            self.aspects.append(self.aspect)
        return self.aspect

    def _check_numbering(self, line: DocumentLine, rank: int, number: int) -> None:
        last, roles, notes = self.last_number, self.roles, self.state.notes
        previous = last.get(rank)
        # a parent heading since the last one of this rank allows a restart at 1
        deeper = [r for r in roles if r > rank]
        for r in deeper:
            last.pop(r, None)
        last[rank] = number
        if roles.get(rank) == "problem":
            # problem numbers may run on across categories ((1)…(31)) or restart in each
            running, self.last_problem = self.last_problem, number
            if previous is None and number not in (1, running + 1):
                notes.append(
                    f"第 {line.n} 行：{label(rank, number)} 接在 {label(rank, running)} 之后"
                )
        if previous is None:
            if number != 1 and roles.get(rank) != "problem":
                notes.append(f"第 {line.n} 行：本层级从 {label(rank, number)} 开始")
            return
        if number == previous + 1:
            return
        if number == 1:
            notes.append(
                f"第 {line.n} 行：没有新的上级标题，编号却在 {label(rank, previous)} 之后"
                f"从 {label(rank, 1)} 重新开始"
            )
        else:
            notes.append(f"第 {line.n} 行：{label(rank, number)} 接在 {label(rank, previous)} 之后")


_OPEN = {
    "aspect": _TreeBuilder._open_aspect,
    "category": _TreeBuilder._open_category,
    "problem": _TreeBuilder._open_problem,
    "measure": _TreeBuilder._add_measure,
}


def clean_title(rest: str) -> tuple[str, str]:
    """(title, inline text) of a heading: "关于“X”的问题,…" → X; "X。整改情况:…" → X and the
    progress; "X。more" → X and the rest."""
    rest = rest.strip()
    match = ABOUT.match(rest)
    if match:
        return match.group("t").strip(), ""
    prefix = re.search(r"(?:整改(?:落实)?(?:情况|进展(?:情况)?|结果|措施)|进展情况)\s*[::]", rest)
    if prefix and prefix.start() > 0:
        return rest[: prefix.start()].strip().rstrip("。.;,:"), rest[prefix.start() :]
    if "。" in rest:
        title, _, more = rest.partition("。")
        return title.strip(), more.strip()
    return rest.rstrip("。.;,:").strip(), ""
