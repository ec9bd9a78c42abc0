"""Problem clues (问题线索): confidential, seen and handled only by the office (巡察办) and the
people it authorises.

- ``rules``: classes, states and steps, the date checks, who may act (pure);
- ``notices``: who is told what about clues, and the wording (pure);
- ``file``: the clue file (docs/clues-format.md) and its validation;
- ``store``: the reads (readers, bodies, the register's rows, ``may_read``);
- ``service``: import, list, transfer, extend, feedback, each audited.
"""

from rectify.clues.file import (
    ClueErrors,
    ClueFile,
    KnownFacts,
    read_clue_file,
    validate_clue_file,
)
from rectify.clues.notices import (
    NOTICE_TITLES,
    clue_notices,
    render_clue_notice,
    undelivered_notice,
)
from rectify.clues.rules import (
    ACTION_LABELS,
    BODY_KIND_LABELS,
    CLASS_LABELS,
    DISPOSAL_LABELS,
    MARK_PREFIX,
    STATE_LABELS,
    BodyKind,
    BodyView,
    ClueClass,
    ClueState,
    ClueStep,
    ClueView,
    Disposal,
    check_clue_actor,
    check_extension,
    check_feedback,
    check_transfer,
    mark_subject,
    next_clue_state,
    supervision_cycles,
)
from rectify.clues.service import (
    extend_clue,
    import_clues,
    list_clues,
    record_feedback,
    transfer_clue,
)
from rectify.clues.store import (
    ClueRow,
    bodies_by_id,
    clue_rows,
    clue_view,
    may_read,
    readers_of,
)

__all__ = [
    "ACTION_LABELS",
    "BODY_KIND_LABELS",
    "CLASS_LABELS",
    "DISPOSAL_LABELS",
    "MARK_PREFIX",
    "NOTICE_TITLES",
    "STATE_LABELS",
    "BodyKind",
    "BodyView",
    "ClueClass",
    "ClueErrors",
    "ClueFile",
    "ClueRow",
    "ClueState",
    "ClueStep",
    "ClueView",
    "Disposal",
    "KnownFacts",
    "bodies_by_id",
    "check_clue_actor",
    "check_extension",
    "check_feedback",
    "check_transfer",
    "clue_notices",
    "clue_rows",
    "clue_view",
    "extend_clue",
    "import_clues",
    "list_clues",
    "may_read",
    "mark_subject",
    "next_clue_state",
    "read_clue_file",
    "readers_of",
    "record_feedback",
    "render_clue_notice",
    "supervision_cycles",
    "transfer_clue",
    "undelivered_notice",
    "validate_clue_file",
]
