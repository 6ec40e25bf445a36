"""The process's hub of a meeting (votes.fanout): every screen gets every event, redacted for
it, and poll progress is coalesced on the way out even when several processes send it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.layers import InMemoryChannelLayer

from votes import fanout
from votes.fanout import MeetingHub


class Screen:
    """A subscriber that records the frames it is sent, with the time each arrived."""

    def __init__(self, visible: frozenset[int]) -> None:
        self.visible = visible
        self.frames: list[tuple[float, dict[str, Any]]] = []

    def visible_item_ids_or_none(self) -> frozenset[int] | None:
        return self.visible

    async def deliver_text(self, text: str | dict[str, Any]) -> None:
        assert isinstance(text, str)
        loop = asyncio.get_running_loop()
        self.frames.append((loop.time(), json.loads(text)["event"]))


def progress(voted: int, poll_id: int = 7) -> dict[str, Any]:
    return {
        "type": "poll.progress",
        "meeting_id": 1,
        "agenda_item_id": 3,
        "item_public": True,
        "poll_id": poll_id,
        "voted": voted,
        "eligible": 33,
    }


def closed(poll_id: int = 7) -> dict[str, Any]:
    return {
        "type": "poll.closed",
        "meeting_id": 1,
        "agenda_item_id": 3,
        "item_public": True,
        "poll_id": poll_id,
        "state": "closed",
        "poll": {"id": poll_id, "title": "Haushalt"},
    }


def run(scenario: Any) -> Any:
    async def main() -> Any:
        hub = MeetingHub(InMemoryChannelLayer(), "meeting-1")
        screens = [Screen(frozenset({3})) for _ in range(3)]
        for screen in screens:
            await hub.join(screen)
        try:
            await scenario(hub)
        finally:
            for screen in screens:
                await hub.leave(screen)
        return screens

    return asyncio.run(main())


def test_progress_from_several_processes_reaches_a_screen_once_per_interval_with_the_top_count():
    interval = fanout.PROGRESS_INTERVAL_SECONDS

    async def scenario(hub: MeetingHub) -> None:
        # Process A's leading send, then B's and A's counts within the same interval.
        await hub.forward(progress(5))
        await hub.forward(progress(9))
        await hub.forward(progress(8))
        await asyncio.sleep(interval * 1.6)

    screens = run(scenario)

    for screen in screens:
        counts = [event["voted"] for _at, event in screen.frames]
        assert counts == [5, 9]
        first, second = (at for at, _event in screen.frames)
        assert second - first >= interval * 0.95


def test_an_older_count_arriving_late_is_not_shown():
    async def scenario(hub: MeetingHub) -> None:
        await hub.forward(progress(12))
        await asyncio.sleep(fanout.PROGRESS_INTERVAL_SECONDS * 1.2)
        await hub.forward(progress(11))
        await asyncio.sleep(fanout.PROGRESS_INTERVAL_SECONDS * 1.2)

    screens = run(scenario)

    assert [event["voted"] for _at, event in screens[0].frames] == [12]


def test_a_held_count_goes_out_before_the_result_of_its_poll():
    async def scenario(hub: MeetingHub) -> None:
        await hub.forward(progress(30))
        await hub.forward(progress(33))
        await hub.forward(closed())

    screens = run(scenario)

    for screen in screens:
        assert [(e["type"], e.get("voted")) for _at, e in screen.frames] == [
            ("poll.progress", 30),
            ("poll.progress", 33),
            ("poll.closed", None),
        ]


def test_progress_of_different_polls_is_coalesced_separately():
    async def scenario(hub: MeetingHub) -> None:
        await hub.forward(progress(1, poll_id=7))
        await hub.forward(progress(1, poll_id=8))

    screens = run(scenario)

    assert [(e["poll_id"], e["voted"]) for _at, e in screens[0].frames] == [(7, 1), (8, 1)]


def test_every_screen_gets_the_event_even_past_the_yield_to_the_server():
    async def scenario(hub: MeetingHub) -> None:
        extra = [Screen(frozenset({3})) for _ in range(fanout.YIELD_EVERY * 2 + 7)]
        for screen in extra:
            await hub.join(screen)
        await hub.forward(closed())
        assert all(len(screen.frames) == 1 for screen in extra)
        for screen in extra:
            await hub.leave(screen)

    run(scenario)
