"""The speaker list: members put themselves on it, points of order go first, the chair calls
the next speaker; every change broadcasts the open list."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from ratsinfo.events import meeting_group
from sessions.errors import MeetingStateRejected, SpeakerRejected
from sessions.live import conflict_declare
from sessions.models import SpeakerRequest
from sessions.selectors import speaker_list
from sessions.speakers import speaker_add, speaker_next, speaker_remove
from tests.sessions.live_builders import live_council

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(body):
    return live_council(body, members=3).start()


def names(live, item_id):
    by_person = {u.person_id: u.username for u in live.members}
    return [(by_person[s["person_id"]], s["state"]) for s in speaker_list(agenda_item_id=item_id)]


def test_point_of_order_is_called_before_earlier_requests(live):
    item = live.public_item.pk
    a, b, c = live.members
    speaker_add(agenda_item_id=item, user=a)
    speaker_add(agenda_item_id=item, user=b)
    speaker_add(agenda_item_id=item, user=c, kind="point_of_order")

    assert names(live, item) == [("rat2", "waiting"), ("rat0", "waiting"), ("rat1", "waiting")]

    speaker_next(agenda_item_id=item, user=live.chair)
    speaker_next(agenda_item_id=item, user=live.chair)

    assert names(live, item) == [("rat0", "speaking"), ("rat1", "waiting")]


def test_asking_twice_keeps_one_place(live):
    first = speaker_add(agenda_item_id=live.public_item.pk, user=live.members[0])
    second = speaker_add(agenda_item_id=live.public_item.pk, user=live.members[0])

    assert first == second
    assert SpeakerRequest.objects.count() == 1


def test_every_change_broadcasts_the_open_list(
    live, live_events, django_capture_on_commit_callbacks
):
    live_events.subscribe(meeting_group(live.meeting.pk))

    with django_capture_on_commit_callbacks(execute=True):
        request = speaker_add(agenda_item_id=live.public_item.pk, user=live.members[0])
        speaker_next(agenda_item_id=live.public_item.pk, user=live.chair)
        speaker_next(agenda_item_id=live.public_item.pk, user=live.chair)

    lists = [event["speakers"] for event in live_events.drain()]
    assert [[s["state"] for s in speakers] for speakers in lists] == [["waiting"], ["speaking"], []]
    assert lists[0][0]["person_id"] == request.person_id


def test_member_withdraws_own_request_but_not_others(live):
    mine = speaker_add(agenda_item_id=live.public_item.pk, user=live.members[0])
    theirs = speaker_add(agenda_item_id=live.public_item.pk, user=live.members[1])

    speaker_remove(speaker_id=mine.pk, user=live.members[0])
    with pytest.raises(PermissionDenied):
        speaker_remove(speaker_id=theirs.pk, user=live.members[0])

    mine.refresh_from_db()
    assert mine.state == SpeakerRequest.State.REMOVED


def test_removing_a_finished_request_is_rejected(live):
    request = speaker_add(agenda_item_id=live.public_item.pk, user=live.members[0])
    speaker_remove(speaker_id=request.pk, user=live.chair)

    with pytest.raises(SpeakerRejected):
        speaker_remove(speaker_id=request.pk, user=live.chair)


def test_member_cannot_put_someone_else_on_the_list(live):
    with pytest.raises(PermissionDenied):
        speaker_add(
            agenda_item_id=live.public_item.pk,
            user=live.members[0],
            person_id=live.members[1].person_id,
        )


def test_only_the_chair_calls_the_next_speaker(live):
    with pytest.raises(PermissionDenied):
        speaker_next(agenda_item_id=live.public_item.pk, user=live.members[0])


def test_conflicted_member_cannot_request_to_speak(live):
    conflict_declare(agenda_item_id=live.public_item.pk, user=live.members[0])

    with pytest.raises(SpeakerRejected, match="befangen"):
        speaker_add(agenda_item_id=live.public_item.pk, user=live.members[0])


def test_no_speaker_list_before_the_meeting_runs(body):
    live = live_council(body, members=1)

    with pytest.raises(MeetingStateRejected):
        speaker_add(agenda_item_id=live.public_item.pk, user=live.members[0])


def test_citizen_cannot_request_to_speak(live, citizen):
    with pytest.raises(PermissionDenied):
        speaker_add(agenda_item_id=live.public_item.pk, user=citizen)
