"""Artifacts published while the work goes on: a province's dispatch sheets (hundreds of
them) are sent to the Prefect API from a background thread as each unit's sheet is ready,
so the waiting on the server overlaps the reading and planning of the next units."""

from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
from uuid import UUID

from prefect.artifacts import Artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import ArtifactCreate
from prefect.utilities.context import get_task_and_flow_run_ids

CONCURRENCY = 8
# The first artifacts of a block are created in the calling thread, on the run's own client:
# a block of a few (a unit's dashboard, a summary) costs no thread, event loop and client of
# its own (about 130 ms a block measured in a replay); the thread starts after these.
IN_THREAD_FIRST = 4
_DONE = None


class Publisher:
    """``with Publisher() as publish: publish(artifact)``; the block ends when every
    artifact is created, and raises if one could not be."""

    def __init__(self) -> None:
        task_run_id, flow_run_id = get_task_and_flow_run_ids()
        self.ids: tuple[UUID | None, UUID | None] = (flow_run_id, task_run_id)
        self.queue: queue.Queue[Artifact | None] = queue.Queue()
        self.errors: list[BaseException] = []
        # In a copy of this context: Prefect's settings (the API URL of an embedded server)
        # are a context variable, which a bare thread would not see.
        context = contextvars.copy_context()
        self.thread = threading.Thread(
            target=context.run, args=(lambda: asyncio.run(self._run()),), daemon=True
        )
        self.published = 0

    def __enter__(self):
        return self.publish

    def publish(self, artifact: Artifact) -> None:
        """Create ``artifact``: the first few at once, the others from the thread."""
        self.published += 1
        if self.published <= IN_THREAD_FIRST:
            self._create_here(artifact)
            return
        if self.thread.ident is None:  # not started yet
            self.thread.start()
        self.queue.put(artifact)

    def __exit__(self, *exc) -> None:
        if self.thread.ident is not None:
            self.queue.put(_DONE)
            self.thread.join()
        if self.errors and exc[0] is None:
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
        try:
            with get_client(sync_client=True) as client:
                client.create_artifact(artifact=self._payload(artifact, artifact.format()))
        except Exception as exc:  # reported when the block ends
            self.errors.append(exc)

    async def _create(self, client, artifact: Artifact) -> None:
        try:
            data = await artifact.aformat()
            await client.create_artifact(artifact=self._payload(artifact, data))
        except Exception as exc:  # reported when the block ends
            self.errors.append(exc)

    def _payload(self, artifact: Artifact, data) -> ArtifactCreate:
        flow_run_id, task_run_id = self.ids
        return ArtifactCreate(
            type=artifact.type,
            key=artifact.key,
            description=artifact.description,
            flow_run_id=flow_run_id,
            task_run_id=task_run_id,
            data=data,
        )
