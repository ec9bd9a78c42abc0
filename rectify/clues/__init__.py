"""Problem clues (问题线索): confidential, seen and handled only by the office's clue keepers
(巡察办, role ``clues``), the office staff it names as readers and, for the clues transferred
to it, a receiving body's contact person; stored sealed with the clue key.

- ``rules``: classes, states and steps, the date checks, who may act (pure);
- ``notices``: who is told what about clues, and the wording (pure);
- ``file``: the clue file (docs/clues-format.md) and its validation;
- ``sealing``: the clue key, sealing and opening, the number's keyed digest;
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
    ClueAccess,
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
from rectify.clues.sealing import (
    KEY_SETTING,
    SECRET_BLOCK,
    ClueKey,
    ClueKeyError,
    clue_key,
    ensure_clue_key,
    is_sealed,
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
    check_key,
    clue_access,
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
    "KEY_SETTING",
    "SECRET_BLOCK",
    "MARK_PREFIX",
    "NOTICE_TITLES",
    "STATE_LABELS",
    "BodyKind",
    "BodyView",
    "ClueAccess",
    "ClueClass",
    "ClueErrors",
    "ClueFile",
    "ClueKey",
    "ClueKeyError",
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
    "check_key",
    "check_transfer",
    "clue_access",
    "clue_key",
    "clue_notices",
    "clue_rows",
    "clue_view",
    "ensure_clue_key",
    "extend_clue",
    "import_clues",
    "is_sealed",
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
