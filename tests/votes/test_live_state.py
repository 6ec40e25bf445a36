"""meeting_live_state: what a screen fetches on (re)connect, redacted like the broadcasts."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from sessions.live import agenda_current_set, conflict_declare
from sessions.speakers import speaker_add
from tests.factories import MeetingFactory
from votes.events import redact_for_viewer
from votes.selectors import meeting_live_state
from votes.services import ballot_cast, poll_close, poll_create, poll_open

pytestmark = pytest.mark.django_db

LABEL = "nicht öffentlicher Tagesordnungspunkt"


@pytest.fixture
def on_secret_item(live):
    agenda_current_set(
        meeting_id=live.meeting.pk, agenda_item_id=live.secret_item.pk, user=live.chair
    )
    speaker_add(agenda_item_id=live.secret_item.pk, user=live.members[0])
    poll = poll_create(
        user=live.chair, title="Kaufpreis 1,2 Mio. €", agenda_item_id=live.secret_item.pk
    )
    poll_open(poll_id=poll.pk, user=live.chair)
    ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")
    return poll


def test_member_sees_item_speakers_poll_progress_and_own_vote(live, on_secret_item):
    state: Any = meeting_live_state(meeting_id=live.meeting.pk, user=live.members[0])

    assert state["agenda"]["item"]["name"] == "Grundstückskauf Kanalstraße"
    assert [s["person_id"] for s in state["speakers"]["speakers"]] == [live.members[0].person_id]
    assert state["poll"]["poll"]["title"] == "Kaufpreis 1,2 Mio. €"
    assert (state["progress"]["voted"], state["progress"]["eligible"]) == (1, 5)
    assert state["my_vote"] == {
        "voted": True,
        "eligible": True,
        "choice": "yes",
        "candidate_id": None,
    }
    assert state["attendance"] == {"present": 5, "absent": 0, "excused": 0}
    assert state["viewer"]["is_member"] and not state["viewer"]["is_chair"]


def test_public_never_sees_what_happens_on_a_non_public_item(live, on_secret_item, citizen):
    state: Any = meeting_live_state(meeting_id=live.meeting.pk, user=citizen)

    assert state["agenda"]["item"]["name"] == LABEL
    assert state["speakers"]["speakers"] == []
    assert state["poll"]["poll"]["title"] == LABEL
    assert state["progress"]["voted"] == 1
    assert state["my_vote"] is None
    flat = str(state)
    assert "Kanalstraße" not in flat and "Mio" not in flat


def test_public_sees_the_last_result_of_a_public_item_with_names(live, citizen):
    poll = poll_create(user=live.chair, title="Kita", agenda_item_id=live.public_item.pk)
    poll_open(poll_id=poll.pk, user=live.chair)
    ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")
    poll_close(poll_id=poll.pk, user=live.chair)

    state: Any = meeting_live_state(meeting_id=live.meeting.pk, user=citizen)

    assert state["poll"] is None
    assert state["last_result"]["result"]["detail"]["names"]["yes"] == [live.members[0].person.name]


def test_broadcast_on_a_non_public_item_is_redacted_for_outsiders():
    event = {
        "type": "poll.closed",
        "agenda_item_id": 9,
        "item_public": False,
        "result": {"yes": 3, "text": "Angenommen", "detail": {"names": {"yes": ["A"]}}},
    }

    assert redact_for_viewer(event, visible_item_ids=frozenset({9})) is event
    hidden = redact_for_viewer(event, visible_item_ids=frozenset())
    assert hidden["result"] == {"yes": 3, "text": "", "detail": {}}


def test_unpublished_meeting_is_not_found_for_the_public(body, citizen):
    meeting = MeetingFactory(body=body, published_at=None)

    with pytest.raises(Http404):
        meeting_live_state(meeting_id=meeting.pk, user=citizen)


def test_only_the_chair_gets_the_drafts_and_every_conflict(live, citizen):
    poll_create(user=live.chair, title="Kaufpreis 1,2 Mio. €", agenda_item_id=live.secret_item.pk)
    conflict_declare(agenda_item_id=live.secret_item.pk, user=live.members[1], reason="Verkäufer")

    chair: Any = meeting_live_state(meeting_id=live.meeting.pk, user=live.chair)

    assert [(d["title"], d["item_number"]) for d in chair["drafts"]] == [
        ("Kaufpreis 1,2 Mio. €", live.secret_item.number)
    ]
    assert [(c["person_id"], c["reason"]) for c in chair["conflicts"]] == [
        (live.members[1].person_id, "Verkäufer")
    ]
    for user in (live.members[0], live.members[1], citizen):
        state: Any = meeting_live_state(meeting_id=live.meeting.pk, user=user)
        assert state["drafts"] is None and state["conflicts"] is None
        assert "Mio" not in str(state) and "Verkäufer" not in str(state)


def test_a_member_sees_the_items_of_their_own_conflicts(live):
    conflict_declare(agenda_item_id=live.public_item.pk, user=live.members[0])

    own: Any = meeting_live_state(meeting_id=live.meeting.pk, user=live.members[0])
    other: Any = meeting_live_state(meeting_id=live.meeting.pk, user=live.members[1])

    assert own["my_conflicts"] == [live.public_item.pk]
    assert other["my_conflicts"] == []
