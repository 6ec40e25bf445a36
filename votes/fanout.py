"""Process-local fan-out of a meeting's live events (DESIGN.md §5, docs/live-session.md
"Fan-out").

Each server process subscribes to a meeting's Channels group *once*, whatever the number of
screens it serves: a `MeetingHub` holds the live consumers of one meeting in this process (on
this event loop), reads the group's events from its own channel and hands each to every
consumer. An event is redacted and JSON-encoded once per class of viewer (the set of agenda
items the viewer may see: the public share one, members of a committee another), not once per
screen, and written to each socket as pre-encoded text. With Redis, one message per process
crosses the network instead of one per screen.

A consumer busy answering one of its own messages holds events back until its reply is out,
so it sees them in the order a per-connection group membership gave: the reply to a ballot
before the progress that counts it.

With several processes each one coalesces its own ballots' progress (votes.progress), so a
screen would get one `poll.progress` per process and interval. The hub coalesces once more on
the way out: at most one progress per poll every `PROGRESS_INTERVAL_SECONDS` to its screens,
the highest count of the interval at its end, and any progress still held goes out before the
next other event of that poll (a result never overtakes a count).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Protocol

from votes.events import redact_for_viewer

logger = logging.getLogger(__name__)

YIELD_EVERY = 50
PROGRESS_INTERVAL_SECONDS = 0.25


class Subscriber(Protocol):
    """What the hub needs of a consumer (votes.consumers.MeetingConsumer)."""

    def visible_item_ids_or_none(self) -> frozenset[int] | None: ...

    async def deliver_text(self, text: str | dict[str, Any]) -> None:
        """Send the encoded frame `text`, or encode and send the raw event (the viewer was
        not known yet when it arrived)."""


def event_text(event: dict[str, Any], visible_item_ids: frozenset[int]) -> str:
    """The websocket frame a viewer seeing `visible_item_ids` gets for a group event."""
    payload = {k: v for k, v in event.items() if not k.startswith("__")}
    shown = redact_for_viewer(payload, visible_item_ids=visible_item_ids)
    return json.dumps({"type": "event", "event": shown})


class MeetingHub:
    """The live consumers of one meeting on one event loop, and the one group subscription
    that feeds them."""

    def __init__(self, layer: Any, group: str) -> None:
        self.loop = asyncio.get_running_loop()
        self.layer = layer
        self.group = group
        self.subscribers: set[Subscriber] = set()
        self.channel: str | None = None
        self.reader: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()
        # Per poll: when its last progress went out, and the progress held until the interval
        # ends (with the timer that sends it).
        self.progress_sent: dict[Any, float] = {}
        self.progress_voted: dict[Any, int] = {}
        self.progress_held: dict[Any, dict[str, Any]] = {}
        self.progress_timers: dict[Any, asyncio.TimerHandle] = {}
        # Deliveries run one at a time, in order, whether a read or a timer starts them.
        self.delivering = asyncio.Lock()

    async def join(self, subscriber: Subscriber) -> None:
        """Add `subscriber`; returns once the group subscription is in place, so no event
        sent after this returns is missed."""
        async with self.lock:
            self.subscribers.add(subscriber)
            if self.channel is None:
                self.channel = await self.layer.new_channel()
                await self.layer.group_add(self.group, self.channel)
                self.reader = asyncio.get_running_loop().create_task(self._read(self.channel))

    async def leave(self, subscriber: Subscriber) -> None:
        async with self.lock:
            self.subscribers.discard(subscriber)
            if self.subscribers or self.channel is None:
                return
            channel, reader = self.channel, self.reader
            self.channel, self.reader = None, None
            if reader is not None:
                reader.cancel()
            for timer in self.progress_timers.values():
                timer.cancel()
            self.progress_timers.clear()
            self.progress_held.clear()
            await self.layer.group_discard(self.group, channel)

    async def _read(self, channel: str) -> None:
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Reading the events of %s failed", self.group)
                await asyncio.sleep(0.5)
                continue
            try:
                await self.forward(message)
            except Exception:
                logger.exception("Forwarding an event of %s failed", self.group)

    async def forward(self, event: dict[str, Any]) -> None:
        """Deliver `event`, coalescing poll progress (see the module's docstring)."""
        poll_id = event.get("poll_id")
        if event.get("type") == "poll.progress":
            if event.get("voted", 0) < self.progress_voted.get(poll_id, 0):
                return  # another process's older count: a ballot is never taken back
            now = self.loop.time()
            last = self.progress_sent.get(poll_id)
            held = self.progress_held.get(poll_id)
            if last is not None and now - last < PROGRESS_INTERVAL_SECONDS:
                if held is None or event.get("voted", 0) >= held.get("voted", 0):
                    self.progress_held[poll_id] = event
                if poll_id not in self.progress_timers:
                    self.progress_timers[poll_id] = self.loop.call_at(
                        last + PROGRESS_INTERVAL_SECONDS, self._release_progress, poll_id
                    )
                return
            self.progress_sent[poll_id] = now
            self.progress_voted[poll_id] = event.get("voted", 0)
            async with self.delivering:
                await self.deliver(event)
            return
        if poll_id is not None and poll_id in self.progress_held:
            await self._flush_progress(poll_id)
        async with self.delivering:
            await self.deliver(event)

    def _release_progress(self, poll_id: Any) -> None:
        self.progress_timers.pop(poll_id, None)
        self.loop.create_task(self._flush_progress(poll_id))

    async def _flush_progress(self, poll_id: Any) -> None:
        timer = self.progress_timers.pop(poll_id, None)
        if timer is not None:
            timer.cancel()
        held = self.progress_held.pop(poll_id, None)
        if held is None:
            return
        self.progress_sent[poll_id] = self.loop.time()
        self.progress_voted[poll_id] = max(
            self.progress_voted.get(poll_id, 0), held.get("voted", 0)
        )
        try:
            async with self.delivering:
                await self.deliver(held)
        except Exception:
            logger.exception("Forwarding an event of %s failed", self.group)

    async def deliver(self, event: dict[str, Any]) -> None:
        """Write `event` to every subscriber, redacted for each: one encoding per viewer
        class."""
        texts: dict[frozenset[int], str] = {}
        for n, subscriber in enumerate(list(self.subscribers), start=1):
            if n % YIELD_EVERY == 0:
                # Let the server write out what is queued (and read ballots) meanwhile.
                await asyncio.sleep(0)
            visible = subscriber.visible_item_ids_or_none()
            item: str | dict[str, Any]
            if visible is None:
                # Still connecting: the consumer holds the event until it knows the viewer.
                item = event
            else:
                item = texts.get(visible) or texts.setdefault(visible, event_text(event, visible))
            try:
                await subscriber.deliver_text(item)
            except Exception:
                logger.exception("Forwarding an event of %s to a screen failed", self.group)


# (id of the event loop, id of the channel layer, group) -> hub. A hub belongs to one loop: the
# in-memory layer's queues, and the sockets, are that loop's.
_hubs: dict[tuple[int, int, str], MeetingHub] = {}


def hub_for(layer: Any, group: str) -> MeetingHub:
    key = (id(asyncio.get_running_loop()), id(layer), group)
    hub = _hubs.get(key)
    if hub is None or hub.layer is not layer or hub.loop is not asyncio.get_running_loop():
        hub = _hubs[key] = MeetingHub(layer, group)
    return hub


async def hub_leave(hub: MeetingHub, subscriber: Subscriber) -> None:
    await hub.leave(subscriber)
    if not hub.subscribers and hub.channel is None:
        for key, known in list(_hubs.items()):
            if known is hub:
                del _hubs[key]
