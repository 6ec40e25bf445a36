from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ratsinfo.models import Body
from tests.sessions.live_builders import LiveCouncil, live_council
from votes.progress import coalescer
from votes.services import poll_create, poll_open


@pytest.fixture(autouse=True)
def _fresh_progress_coalescer() -> Iterator[None]:
    """Every test starts as if no progress event had been sent for a while."""
    coalescer.reset()
    yield
    coalescer.reset()


@pytest.fixture
def live(body: Body) -> LiveCouncil:
    """A running council meeting of five members, all present, on its public item."""
    return live_council(body, members=5).start()


@pytest.fixture
def open_poll(live: LiveCouncil) -> Any:
    """Open a poll on the public item; keyword arguments go to poll_create."""

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("title", "Neubau Kita Lindenweg beschließen")
        kwargs.setdefault("agenda_item_id", live.public_item.pk)
        poll = poll_create(user=live.chair, **kwargs)
        return poll_open(poll_id=poll.pk, user=live.chair)

    return make
