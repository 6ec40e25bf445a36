"""Group commit of ballots on the live websocket (docs/live-session.md, "Ballots in batches").

2,000 members voting within a second is 2,000 transactions of a dozen queries each, one after
the other in one process. Instead each ballot message is handed to the poll's `Batcher` on the
server's event loop: the ballots arriving while one batch is written (at most `MAX_BATCH`)
become the next batch, one transaction and a handful of queries for all of them
(`votes.services.ballots_cast`). Every sender waits for its own outcome, so a ballot is still
acknowledged only after the batch holding it has committed; a rejected ballot is answered
alone and costs the others nothing.

Where the database takes concurrent writers (PostgreSQL), up to `CONCURRENCY` batches of a poll
are written at once, each in its own thread: while one waits for the database, the next is
built. A connection sends its next message only after the reply to the last, so one member's
ballots never race each other in two batches; two connections of one member may, and the
unique receipt decides (votes.services.ballots).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from channels.db import database_sync_to_async

logger = logging.getLogger(__name__)

MAX_BATCH = 250
# Collect for this long after the first request of an idle poll: a council of 33 hardly
# notices, a convention of 2,000 gets full batches.
WINDOW_SECONDS = 0.005
# Batches of one poll in flight at once where the database allows it (one on SQLite).
CONCURRENCY = 2

Item = TypeVar("Item")
Result = TypeVar("Result")


class Batcher(Generic[Item, Result]):
    """Runs `run(items)` in a worker thread for the requests queued under one key, up to
    `concurrency` batches at a time (one where `thread_sensitive()`: Django's one sync thread);
    `run` returns one result or exception per item, in order. Lives on the running event
    loop."""

    def __init__(
        self,
        run: Callable[[list[Item]], list[Result | Exception]],
        *,
        thread_sensitive: Callable[[], bool],
        max_batch: int = MAX_BATCH,
        window: float = WINDOW_SECONDS,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.run = run
        self.thread_sensitive = thread_sensitive
        self.max_batch = max_batch
        self.window = window
        self.concurrency = concurrency
        self.loop = asyncio.get_running_loop()
        self.queue: list[tuple[Item, asyncio.Future[Result]]] = []
        self.workers: set[asyncio.Task[None]] = set()
        # Workers waiting out the collecting window: they will take what arrives meanwhile.
        self.collecting = 0

    async def submit(self, item: Item) -> Result:
        """The item's result once its batch has run; raises its exception."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self.queue.append((item, future))
        limit = 1 if self.thread_sensitive() else self.concurrency
        if not self.collecting and len(self.workers) < limit:
            worker = asyncio.get_running_loop().create_task(self._work())
            self.workers.add(worker)
            worker.add_done_callback(self.workers.discard)
        return await asyncio.shield(future)

    async def _work(self) -> None:
        self.collecting += 1
        try:
            await asyncio.sleep(self.window)
        finally:
            self.collecting -= 1
        while self.queue:
            batch, self.queue = self.queue[: self.max_batch], self.queue[self.max_batch :]
            items = [item for item, _future in batch]
            run = database_sync_to_async(self.run, thread_sensitive=self.thread_sensitive())
            try:
                results: list[Result | Exception] = await run(items)
            except Exception as exc:
                # The whole batch rolled back: every sender gets the error.
                for _item, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_item, future), result in zip(batch, results, strict=True):
                if future.done():
                    continue
                if isinstance(result, Exception):
                    future.set_exception(result)
                else:
                    future.set_result(result)


_batchers: dict[tuple[int, Hashable], Batcher[Any, Any]] = {}


def batcher_for(
    key: Hashable,
    run: Callable[[list[Item]], list[Result | Exception]],
    *,
    thread_sensitive: Callable[[], bool],
) -> Batcher[Item, Result]:
    """The batcher of `key` on the running event loop (one per poll and process)."""
    loop = asyncio.get_running_loop()
    full_key = (id(loop), key)
    batcher = _batchers.get(full_key)
    if batcher is None or batcher.run is not run or batcher.loop is not loop:
        batcher = _batchers[full_key] = Batcher(run, thread_sensitive=thread_sensitive)
    return batcher
