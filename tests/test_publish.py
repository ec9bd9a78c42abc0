"""Artifacts published by a batch (tasks.publish.Publisher): a dashboard whose latest version
already says the same is not created again (the dispatch runs in the same hour as the
deadline watch, which has just published it); anything that changed — the day in its
description, a row, the share closed — or a key seen for the first time is created, once.
In the dispatch a batch's artifacts are created while the next batch works: none is lost, and
one not created fails the run."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from prefect.artifacts import ProgressArtifact, TableArtifact

from tasks.dashboard import dashboard_keys
from tasks.publish import Publisher

KEY = "dashboard-binhai-2024-r8"
ROWS = [{"问题": "1 问题一", "状态": "🟢 整改中", "下一时限": "2024-12-31"}]
DESCRIPTION = "某局 整改看板（截至 2024-12-16）"


def table(rows=ROWS, description=DESCRIPTION, key=KEY) -> TableArtifact:
    return TableArtifact(table=rows, key=key, description=description)


def stored(artifact) -> SimpleNamespace:
    """The artifact as the API returns its latest version."""
    data = asyncio.run(artifact.aformat())
    return SimpleNamespace(
        key=artifact.key, type=artifact.type, description=artifact.description, data=data
    )


class FakeClient:
    def __init__(self, latest: list) -> None:
        self.latest, self.posted, self.reads = latest, [], 0

    async def read_latest_artifacts(self, artifact_filter, limit):
        self.reads += 1
        keys = artifact_filter.key.any_
        return [a for a in self.latest if a.key in keys][:limit]

    async def request(self, method, path, json, **kwargs):
        self.posted.append((method, path, json["key"]))


PROGRESS = "dashboard-progress-binhai-2024-r8"
CASES = [
    # (what, latest versions on the server, keys asked about, published, created)
    ("the same table", [stored(table())], [KEY], table(), True),
    (
        "a row changed",
        [stored(table())],
        [KEY],
        table(rows=[{**ROWS[0], "状态": "🔴 整改中"}]),
        False,
    ),
    (
        "another day",
        [stored(table())],
        [KEY],
        table(description=DESCRIPTION.replace("16", "17")),
        False,
    ),
    ("no earlier version", [], [KEY], table(), False),
    ("a key not asked about", [stored(table())], [], table(), False),
    (
        "the same share closed",
        [stored(ProgressArtifact(progress=40.0, key=PROGRESS, description="进度"))],
        [PROGRESS],
        ProgressArtifact(progress=40.0, key=PROGRESS, description="进度"),
        True,
    ),
    (
        "another share closed",
        [stored(ProgressArtifact(progress=40.0, key=PROGRESS, description="进度"))],
        [PROGRESS],
        ProgressArtifact(progress=42.5, key=PROGRESS, description="进度"),
        False,
    ),
]


@pytest.mark.parametrize(
    "latest,keys,artifact,unchanged", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_an_artifact_is_created_unless_its_latest_version_says_the_same(
    latest, keys, artifact, unchanged
):
    publisher = Publisher(unless_same=keys)
    client = FakeClient(latest)

    async def publish() -> None:
        await publisher._read_latest(client)
        await publisher._create(client, artifact)

    asyncio.run(publish())
    assert client.posted == ([] if unchanged else [("POST", "/artifacts/", artifact.key)])
    assert (publisher.created, publisher.unchanged) == ((0, 1) if unchanged else (1, 0))
    assert not publisher.errors


def test_the_latest_versions_are_read_in_one_request_per_200_keys():
    keys = dashboard_keys([f"u{n:03d}" for n in range(150)])
    assert keys[:2] == ["dashboard-u000", "dashboard-progress-u000"] and len(keys) == 300
    client = FakeClient([])
    asyncio.run(Publisher(unless_same=keys)._read_latest(client))
    assert client.reads == 2


def batches(monkeypatch, artifacts: list[list[str]]) -> list[list[str]]:
    """The artifacts created when each batch's block ends (and at the end), with a server
    that takes a while to create each."""
    import time

    from tasks import publish

    created: list[str] = []

    async def slow_server(self) -> None:
        while (artifact := self.queue.get()) is not None:
            time.sleep(0.02)
            if artifact == "bad":
                self.errors.append(ValueError("bad"))
            else:
                created.append(artifact)

    monkeypatch.setattr(publish.Publisher, "_run", slow_server)
    monkeypatch.setattr(publish, "IN_THREAD_FIRST", 0)  # every artifact through the thread
    seen = []
    for batch in artifacts:
        with publish.Publisher() as put:
            for artifact in batch:
                put(artifact)
        seen.append(sorted(created))
    return seen


def test_a_block_ends_when_its_artifacts_are_created(monkeypatch):
    assert batches(monkeypatch, [["a", "b"], ["c"]]) == [["a", "b"], ["a", "b", "c"]]


def test_an_artifact_not_created_fails_the_run_at_the_end_of_the_block(monkeypatch):
    with pytest.raises(RuntimeError, match="artifact not created"):
        batches(monkeypatch, [["a"], ["bad"]])


OFFLINE = {  # a client is made; a request sent would fail: nothing answers there
    "PREFECT_API_URL": "http://127.0.0.1:9/api",
    "PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED": False,
    "PREFECT_CLIENT_MAX_RETRIES": 0,
}


def offline():
    import prefect.settings as settings

    return settings.temporary_settings(
        updates={getattr(settings, name): value for name, value in OFFLINE.items()}
    )


@pytest.mark.filterwarnings("ignore:Artifact creation outside:FutureWarning")
def test_unsent_artifacts_are_rendered_and_not_sent_and_sent_again_after_the_block():
    import httpx
    from prefect.artifacts import create_markdown_artifact

    from tasks.publish import unsent

    with offline():
        with unsent():
            with Publisher() as publish:  # in the thread or not: nothing is sent
                for n in range(6):
                    publish(table(key=f"dashboard-{n}"))
            key = create_markdown_artifact("# 看板", key="summary-x", description="某局")
        assert (publisher_counts(publish), key is not None) == ((0, 6), True)
        with pytest.raises(httpx.ConnectError):  # outside the block: sent (and nobody answers)
            create_markdown_artifact("# 看板", key="summary-x", description="某局")


def publisher_counts(publish) -> tuple[int, int]:
    owner = publish.__self__
    return owner.created, owner.unsent


def test_an_unsent_artifact_that_cannot_be_rendered_still_fails_its_run():
    from tasks.publish import unsent

    class Broken(TableArtifact):
        def format(self, *args, **kwargs):
            raise ValueError("表格无法生成")

    with offline(), unsent(), pytest.raises(ValueError, match="表格无法生成"):
        with Publisher() as publish:
            publish(Broken(table=ROWS, key=KEY))
