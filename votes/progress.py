"""Coalesced poll.progress events (DESIGN.md §5): at most one per poll every
`INTERVAL_SECONDS` per process, whatever the number of ballots.

A broadcast per ballot grows with voters × screens (2,000 voters watched by 2,000 screens would
be four million messages). Instead every committed ballot *marks* its poll: the first mark
after a quiet interval sends at once (so a council of 33 sees each vote land), marks within
the interval schedule one trailing send at its end. Each send reads the count from the
database, so it is always right, and with several processes (Redis channel layer) each sends
its own coalesced events: at most one per poll and interval per process.

Sends run off the ballot's transaction: the leading one in the committing thread after
commit, trailing ones on the server's event loop when there is one (daphne, runserver), else
on a timer thread (management commands, plain WSGI).
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import threading
import time
from collections.abc import Callable

from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async
from django.db import connections, transaction

from ratsinfo.events import meeting_group, send_event
from votes import events
from votes.models import BallotReceipt, Poll

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 0.25

Schedule = Callable[[float, Callable[[], None]], None]


class Coalescer:
    """Calls `flush(key)` at most once per `interval` seconds per key: at once after a quiet
    interval, otherwise once at the interval's end. Thread-safe."""

    def __init__(
        self,
        *,
        interval: float,
        flush: Callable[[int], None],
        schedule: Schedule,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval
        self._flush = flush
        self._schedule = schedule
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[int, float] = {}
        self._pending: set[int] = set()

    def mark(self, key: int) -> None:
        with self._lock:
            if key in self._pending:
                return
            delay = self._last.get(key, -math.inf) + self.interval - self._clock()
            self._pending.add(key)
        if delay <= 0:
            self._run(key)
        else:
            self._schedule(delay, lambda: self._run(key))

    def _run(self, key: int) -> None:
        with self._lock:
            self._pending.discard(key)
            self._last[key] = self._clock()
        try:
            self._flush(key)
        except Exception:
            logger.exception("poll.progress for poll %s failed", key)

    def reset(self) -> None:
        with self._lock:
            self._last.clear()
            self._pending.clear()


def progress_send(poll_id: int) -> None:
    """Broadcast the poll's current count to its meeting, if it still runs in one."""
    poll = Poll.objects.select_related("agenda_item").filter(pk=poll_id).first()
    if poll is None or poll.meeting_id is None or poll.state != Poll.State.OPEN:
        return
    voted = BallotReceipt.objects.filter(poll_id=poll_id).count()
    send_event(meeting_group(poll.meeting_id), events.poll_progress(poll, voted))


def _server_loop() -> asyncio.AbstractEventLoop | None:
    # asgiref records the event loop of the server in each sync_to_async worker thread; it is
    # the loop that owns the in-memory channel layer's queues, so sends must run there.
    loop: asyncio.AbstractEventLoop | None = getattr(
        SyncToAsync.threadlocal, "main_event_loop", None
    )
    pid = getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None)
    if loop is None or pid != os.getpid() or not loop.is_running():
        return None
    return loop


def _schedule(delay: float, callback: Callable[[], None]) -> None:
    loop = _server_loop()
    if loop is not None:
        run = database_sync_to_async(callback, thread_sensitive=False)

        def start() -> None:
            loop.call_later(delay, lambda: loop.create_task(run()))

        loop.call_soon_threadsafe(start)
        return

    def in_thread() -> None:
        try:
            callback()
        finally:
            # This thread ends now; its database connection must not linger.
            connections.close_all()

    timer = threading.Timer(delay, in_thread)
    timer.daemon = True
    timer.start()


coalescer = Coalescer(interval=INTERVAL_SECONDS, flush=progress_send, schedule=_schedule)


def progress_mark_on_commit(poll_id: int) -> None:
    """Once the current transaction commits, let the poll's watchers know a ballot landed."""
    transaction.on_commit(lambda: coalescer.mark(poll_id))
