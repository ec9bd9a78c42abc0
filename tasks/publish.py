"""Artifacts published while the work goes on: a province's dashboards and supervision
summaries (hundreds of them) are sent to the Prefect API from a background thread as each
unit's is ready, so the waiting on the server overlaps the reading and planning of the next
units."""

from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from prefect.artifacts import Artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import ArtifactCreate
from prefect.utilities.context import get_task_and_flow_run_ids

# Four at a time: with eight, the server's SQLite pool opened and closed about a hundred extra
# connections for a province's 500 dispatch sheets, 0.5 ms more server time per artifact.
CONCURRENCY = 4
# The server answers each artifact with the whole of it, gzipped unless asked not to: its
# compression was ~9 % of its time per artifact, for an answer no one reads.
PLAIN = {"Accept-Encoding": "identity"}
# The first artifacts of a block are created in the calling thread, on the run's own client:
# a block of a few (a unit's dashboard, a summary) costs no thread, event loop and client of
# its own (about 130 ms a block measured in a replay); the thread starts after these.
IN_THREAD_FIRST = 4
_DONE = None


_unsent: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "rectify_artifacts_unsent", default=False
)


@contextmanager
def unsent() -> Iterator[None]:
    """In this block artifacts are rendered as anywhere (an error in one still fails its run)
    and not sent: for a replay on its own temporary server, which has no UI and whose
    database is deleted when the replay ends, so that no one could ever open them
    (``rectify.runtime.replay_runs.OwnServer``). A replay of Wulong publishes 194, about
    2 s of the replay (benchmarks/simulate.py). Both ways out are covered: a ``Publisher``
    and Prefect's ``create_*_artifact`` (through the API client's ``create_artifact``, which
    answers with the artifact as the server would have stored it; an artifact made that
    way cannot be updated afterwards, which the engine never does)."""
    _answer_artifacts_here()
    token = _unsent.set(True)
    try:
        yield
    finally:
        _unsent.reset(token)


def _answer_artifacts_here() -> None:
    """Once per process: the API clients' ``create_artifact`` answered here inside
    ``unsent()``, sent as usual outside it."""
    from prefect.client.orchestration import PrefectClient, SyncPrefectClient
    from prefect.client.schemas.objects import Artifact as Stored

    if getattr(SyncPrefectClient.create_artifact, "_rectify_unsent", False):
        return
    sync_create, async_create = SyncPrefectClient.create_artifact, PrefectClient.create_artifact

    def create(self, artifact):
        if _unsent.get():
            return Stored(**artifact.model_dump())
        return sync_create(self, artifact)

    async def acreate(self, artifact):
        if _unsent.get():
            return Stored(**artifact.model_dump())
        return await async_create(self, artifact)

    for client, method in ((SyncPrefectClient, create), (PrefectClient, acreate)):
        method._rectify_unsent = True
        client.create_artifact = method


class Publisher:
    """``with Publisher() as publish: publish(artifact)``; the block ends when every
    artifact is created, and raises if one could not be."""

    def __init__(self) -> None:
        task_run_id, flow_run_id = get_task_and_flow_run_ids()
        self.ids: tuple[UUID | None, UUID | None] = (flow_run_id, task_run_id)
        self.queue: queue.Queue[Artifact | None] = queue.Queue()
        self.errors: list[BaseException] = []
        self.created = self.unsent = 0
        self.published = 0
        # In a copy of this context: Prefect's settings (the API URL of an embedded server)
        # are a context variable, which a bare thread would not see.
        context = contextvars.copy_context()
        self.thread = threading.Thread(
            target=context.run, args=(lambda: asyncio.run(self._run()),), daemon=True
        )

    def __enter__(self):
        return self.publish

    def publish(self, artifact: Artifact) -> None:
        """Create ``artifact``: the first few at once, the others from the thread."""
        self.published += 1
        if _unsent.get():  # made as to be sent, and not sent (``unsent``)
            self._payload(artifact, artifact.format(_sync=True))
            self.unsent += 1
            return
        if self.published <= IN_THREAD_FIRST:
            self._create_here(artifact)
            return
        if self.thread.ident is None:  # not started yet
            self.thread.start()
        self.queue.put(artifact)

    def __exit__(self, *exc) -> None:
        if self.thread.ident is not None:
            self.queue.put(_DONE)
        if exc[0] is not None:  # the block failed: its own error is the one reported
            self._join()
            return
        self.wait()

    def _join(self) -> None:
        if self.thread.ident is not None:
            self.thread.join()

    def wait(self) -> None:
        """Until every artifact is created; raises if one could not be."""
        self._join()
        if self.errors:
            raise RuntimeError(f"artifact not created: {self.errors[0]!r}") from self.errors[0]

    async def _run(self) -> None:
        limit = asyncio.Semaphore(CONCURRENCY)
        loop = asyncio.get_running_loop()
        pending: set[asyncio.Task] = set()
        async with get_client() as client:
            while (artifact := await loop.run_in_executor(None, self.queue.get)) is not _DONE:
                await limit.acquire()
                job = asyncio.create_task(self._create(client, artifact))
                pending.add(job)
                job.add_done_callback(lambda j: (pending.discard(j), limit.release()))
            await asyncio.gather(*pending)

    def _create_here(self, artifact: Artifact) -> None:
        """One of the first artifacts of a block, on the run's own client (``publish``)."""
        body = self._payload(artifact, artifact.format())
        try:
            with get_client(sync_client=True) as client:
                client.request("POST", "/artifacts/", json=body, headers=PLAIN)
        except Exception as exc:  # reported when the block ends
            self.errors.append(exc)
        else:
            self.created += 1

    async def _create(self, client, artifact: Artifact) -> None:
        body = self._payload(artifact, await artifact.aformat())
        try:
            # The API's route, not ``client.create_artifact``: that one also emits a
            # ``prefect.artifact.created`` event of its own, a second message per artifact
            # for the server to store beside the keyed collection's event, which the server
            # emits itself (a quarter of its time per artifact).
            await client.request("POST", "/artifacts/", json=body, headers=PLAIN)
        except Exception as exc:  # reported when the block ends
            self.errors.append(exc)
        else:
            self.created += 1

    def _payload(self, artifact: Artifact, data) -> dict:
        flow_run_id, task_run_id = self.ids
        return ArtifactCreate(
            type=artifact.type,
            key=artifact.key,
            description=artifact.description,
            flow_run_id=flow_run_id,
            task_run_id=task_run_id,
            data=data,
        ).model_dump(mode="json", exclude_unset=True)
