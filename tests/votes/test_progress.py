"""Progress coalescing: at most one poll.progress per poll and interval, whatever the number of
ballots; the first after a quiet interval at once, the rest folded into one trailing send."""

from __future__ import annotations

import itertools

import pytest

from ratsinfo.events import meeting_group
from votes.progress import INTERVAL_SECONDS, Coalescer
from votes.services import ballot_cast


class FakeTimers:
    def __init__(self):
        self.now = 0.0
        self.pending = []

    def schedule(self, delay, callback):
        self.pending.append((self.now + delay, callback))

    def advance(self, seconds):
        self.now += seconds
        due = [c for at, c in self.pending if at <= self.now]
        self.pending = [(at, c) for at, c in self.pending if at > self.now]
        for callback in due:
            callback()


@pytest.fixture
def timers():
    return FakeTimers()


@pytest.fixture
def sent():
    return []


@pytest.fixture
def coalescer(timers, sent):
    return Coalescer(
        interval=0.15, flush=sent.append, schedule=timers.schedule, clock=lambda: timers.now
    )


def test_interval_is_within_the_design_bounds():
    assert 0.1 <= INTERVAL_SECONDS <= 0.25


def test_first_ballot_after_a_quiet_interval_is_sent_at_once(coalescer, sent):
    coalescer.mark(7)

    assert sent == [7]


def test_a_burst_of_ballots_gives_one_immediate_and_one_trailing_event(coalescer, timers, sent):
    for _ in range(2000):
        coalescer.mark(7)
        timers.advance(0.00005)  # 2,000 ballots in 0.1 s

    assert sent == [7]
    timers.advance(0.15)
    assert sent == [7, 7]


def test_events_are_at_least_one_interval_apart(coalescer, timers, sent):
    times = []
    coalescer._flush = lambda key: times.append(timers.now)
    for _ in range(1000):
        coalescer.mark(7)
        timers.advance(0.001)  # one ballot per millisecond for a second
    timers.advance(1)

    assert len(times) <= 1 / 0.15 + 2
    assert all(b - a >= 0.15 - 1e-9 for a, b in itertools.pairwise(times))


def test_polls_are_coalesced_independently(coalescer, sent):
    coalescer.mark(1)
    coalescer.mark(2)
    coalescer.mark(1)

    assert sent == [1, 2]


def test_a_failing_send_is_logged_and_does_not_block_later_ones(timers, caplog):
    def broken(key):
        raise ConnectionError("redis is gone")

    coalescer = Coalescer(
        interval=0.15, flush=broken, schedule=timers.schedule, clock=lambda: timers.now
    )

    coalescer.mark(1)
    timers.advance(0.2)
    coalescer.mark(1)

    assert caplog.text.count("poll.progress for poll 1 failed") == 2


@pytest.mark.django_db
def test_many_ballots_in_one_interval_broadcast_the_count_once(
    live, open_poll, live_events, django_capture_on_commit_callbacks, monkeypatch
):
    scheduled = []
    monkeypatch.setattr("votes.progress.coalescer._schedule", lambda d, c: scheduled.append(c))
    poll = open_poll()
    live_events.subscribe(meeting_group(live.meeting.pk))

    for user in live.members:
        with django_capture_on_commit_callbacks(execute=True):
            ballot_cast(poll_id=poll.pk, user=user, choice="yes")
    assert [e["voted"] for e in live_events.drain()] == [1]
    [trailing] = scheduled
    trailing()

    assert [e["voted"] for e in live_events.drain()] == [5]


@pytest.mark.django_db(transaction=True)
def test_trailing_event_is_sent_on_the_servers_event_loop(live, open_poll, settings):
    """As under daphne: ballots arrive through database_sync_to_async, the trailing send is
    scheduled on the running loop that owns the in-memory channel layer."""
    import asyncio

    from channels.db import database_sync_to_async
    from channels.layers import channel_layers, get_channel_layer

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    poll = open_poll()

    async def scenario():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(meeting_group(live.meeting.pk), channel)
        for user in live.members:
            await database_sync_to_async(ballot_cast)(poll_id=poll.pk, user=user, choice="no")
        received = []
        while True:
            try:
                received.append(await asyncio.wait_for(layer.receive(channel), 0.5))
            except TimeoutError:
                return received

    received = asyncio.run(scenario())
    channel_layers.backends.clear()

    voted = [event["voted"] for event in received]
    assert voted[0] == 1 and voted[-1] == 5 and voted == sorted(voted)
