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
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Protocol

from votes.events import redact_for_viewer

logger = logging.getLogger(__name__)

YIELD_EVERY = 50


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
                await self.deliver(message)
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
