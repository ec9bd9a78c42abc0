"""Artifacts published by a batch (tasks.publish.Publisher): the block ends when they are
created, one not created fails the run; inside ``unsent()`` they are rendered as anywhere
and not sent."""

from __future__ import annotations

import pytest
from prefect.artifacts import TableArtifact

from tasks.publish import Publisher

KEY = "dashboard-binhai-2024-r8"
ROWS = [{"问题": "1 问题一", "状态": "🟢 整改中", "下一时限": "2024-12-31"}]
DESCRIPTION = "某局 整改看板（截至 2024-12-16）"


def table(rows=ROWS, description=DESCRIPTION, key=KEY) -> TableArtifact:
    return TableArtifact(table=rows, key=key, description=description)


def batches(monkeypatch, artifacts: list[list[str]]) -> list[list[str]]:
    """The artifacts created when each batch's block ends, with a server
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
