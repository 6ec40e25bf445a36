"""send_event_on_commit: events leave after commit, never for a rolled-back write, and a broken
channel layer never breaks the write that caused the event."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from ratsinfo.events import meeting_group, send_event, send_event_on_commit


def test_meeting_group_is_named_after_the_meeting():
    assert meeting_group(42) == "meeting-42"


@pytest.mark.django_db
def test_event_is_sent_only_when_the_transaction_commits(
    live_events, django_capture_on_commit_callbacks
):
    live_events.subscribe("meeting-1")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_event_on_commit("meeting-1", {"type": "agenda.current", "meeting_id": 1})
        assert live_events.drain() == []
    for callback in callbacks:
        callback()

    assert live_events.drain() == [{"type": "agenda.current", "meeting_id": 1}]


@pytest.mark.django_db(transaction=True)
def test_event_of_a_rolled_back_write_is_never_sent(live_events):
    live_events.subscribe("meeting-1")

    with pytest.raises(RuntimeError), transaction.atomic():
        send_event_on_commit("meeting-1", {"type": "agenda.current", "meeting_id": 1})
        raise RuntimeError("write failed")

    assert live_events.drain() == []


def test_a_channel_layer_that_is_down_is_logged_not_raised(monkeypatch, caplog):
    class BrokenLayer:
        async def group_send(self, group, message):
            raise ConnectionError("redis is gone")

    monkeypatch.setattr("ratsinfo.events.get_channel_layer", lambda: BrokenLayer())

    with caplog.at_level(logging.ERROR, logger="ratsinfo.events"):
        sent = send_event("meeting-1", {"type": "poll.progress"})

    assert sent is False
    assert "poll.progress" in caplog.text
