"""The new Prefect database shipped for the pinned Prefect (rectify/runtime/replay_runs/
databases): a replay on a new home starts from it, whole or not at all, and it is the
database Prefect's migrations make."""

from __future__ import annotations

import gzip

import prefect
import pytest

from rectify.runtime.replay_runs.own_server import _migrated, _unpacked, shipped
from rectify.runtime.replay_runs.ship import describe


def test_the_pinned_prefect_has_its_database_shipped_and_a_new_home_gets_it(tmp_path):
    template = tmp_path / "home" / "cache" / f"prefect-{prefect.__version__}.db"
    assert shipped(prefect.__version__).is_file()
    assert _unpacked(shipped(prefect.__version__), template) and _migrated(template)
    found = describe(template)
    assert found["migration"] and len(found["block types"]) > 5
    assert not list(template.parent.glob("*.part"))


@pytest.mark.parametrize(
    "packed",
    [b"", b"not gzip at all", "cut", "corrupt"],
    ids=["empty", "not gzip", "cut short", "corrupt"],
)
def test_a_damaged_or_missing_shipped_database_leaves_nothing(tmp_path, packed):
    source = tmp_path / "prefect-x.db.gz"
    whole = shipped(prefect.__version__).read_bytes()
    if packed == "cut":  # the shipped file, its second half gone
        packed = whole[: len(whole) // 2]
    elif packed == "corrupt":  # its compressed data damaged: zlib's own error
        packed = whole[:40] + bytes(b ^ 0x5A for b in whole[40:400]) + whole[400:]
    source.write_bytes(packed)
    template = tmp_path / "cache" / "prefect-x.db"
    assert _unpacked(source, template) is False  # the replay runs the migrations, as before
    assert _unpacked(tmp_path / "none.db.gz", template) is False
    assert not template.exists() and not list(template.parent.glob("*.part"))


def test_a_shipped_database_that_migrations_did_not_make_is_not_used(tmp_path):
    source = tmp_path / "prefect-x.db.gz"
    source.write_bytes(gzip.compress(b"SQLite format 3\x00" + b"\x00" * 4000))
    template = tmp_path / "cache" / "prefect-x.db"
    assert _unpacked(source, template) is False and not template.exists()


@pytest.mark.slow
def test_the_shipped_database_is_the_one_prefects_migrations_make(tmp_path):
    from rectify.runtime.replay_runs.own_server import make_database

    made, unpacked = tmp_path / "made.db", tmp_path / "shipped.db"
    make_database(made)
    assert _unpacked(shipped(prefect.__version__), unpacked)
    assert describe(made) == describe(unpacked)  # else: python -m rectify.runtime.replay_runs.ship


# (case, what the Prefect home or the environment has already, whether the shipped one is put)
HOMES = [
    ("a new home", None, True),
    ("a home with its database", "prefect.db", False),
    ("a home with profiles", "profiles.toml", False),
    ("a database set in the environment", "PREFECT_API_DATABASE_CONNECTION_URL", False),
    ("a database part set in the environment", "PREFECT_SERVER_DATABASE_HOST", False),
]


@pytest.mark.parametrize(("present", "placed"), [h[1:] for h in HOMES], ids=[h[0] for h in HOMES])
def test_rectify_serve_on_a_new_prefect_home_starts_from_it(tmp_path, monkeypatch, present, placed):
    """`rectify serve`'s server on a new Prefect home starts on the shipped database instead of
    running Prefect's migrations; never over a home in use or a database set elsewhere."""
    from rectify.runtime.server import _start_new_home_from_shipped

    home = tmp_path / "prefect"
    home.mkdir()
    monkeypatch.setenv("PREFECT_HOME", str(home))
    env = {}
    if present and present.startswith("PREFECT_"):
        env[present] = "postgresql+asyncpg://elsewhere/prefect"
    elif present:
        (home / present).write_text("")
    _start_new_home_from_shipped(env)
    assert _migrated(home / "prefect.db") is placed
    assert not list(home.glob("*.part"))
