"""Live events (DESIGN.md §5): every service publishes through `send_event_on_commit`, so HTTP,
API and websocket paths broadcast identically and nothing is sent for a rolled-back write.

An event is a small JSON-serialisable dict with a `type` ("agenda.current", "poll.progress",
...). Its shape is a TypedDict built in one module per app (`sessions/events.py`,
`votes/events.py`). The `type` doubles as the Channels handler name: a consumer in the group
receives it as `agenda_current(event)`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# Any TypedDict with a "type" key; Mapping keeps the TypedDicts of every app assignable.
Event = Mapping[str, Any]


def meeting_group(meeting_id: int) -> str:
    """The Channels group of everyone following a meeting live."""
    return f"meeting-{meeting_id}"


def send_event(group: str, event: Event) -> bool:
    """Send `event` to `group` now; True if the channel layer took it.

    A broadcast is a courtesy to screens that re-fetch the state on reconnect anyway, so a
    channel layer that is down (Redis gone) is logged, never raised to the caller: the write
    that caused the event is already committed."""
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(group, dict(event))
    except Exception:
        logger.exception("Live event %s for %s could not be sent", event.get("type"), group)
        return False
    return True


def send_event_on_commit(group: str, event: Event) -> None:
    """Send `event` to `group` once the current transaction commits (at once outside one);
    nothing is sent if it rolls back."""
    payload = dict(event)
    transaction.on_commit(lambda: send_event(group, payload))
