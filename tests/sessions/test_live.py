"""Running a meeting live: lifecycle, current item, attendance and conflicts of interest; each
step audited and broadcast to the meeting's group after commit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from ratsinfo.events import meeting_group
from ratsinfo.models import AuditEvent
from sessions.errors import AttendanceRejected, ConflictRejected, MeetingStateRejected
from sessions.live import (
    agenda_current_set,
    attendance_record,
    conflict_declare,
    conflict_withdraw,
    meeting_close,
    meeting_start,
)
from sessions.models import Attendance, ConflictDeclaration, Meeting
from tests.factories import PersonFactory
from tests.sessions.live_builders import live_council

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(body):
    return live_council(body, members=3)


def test_chair_starts_and_closes_the_meeting(live, live_events, django_capture_on_commit_callbacks):
    live_events.subscribe(meeting_group(live.meeting.pk))

    with django_capture_on_commit_callbacks(execute=True):
        meeting_start(meeting_id=live.meeting.pk, user=live.chair)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_close(meeting_id=live.meeting.pk, user=live.chair)

    live.meeting.refresh_from_db()
    assert live.meeting.state == Meeting.State.COMPLETED
    assert live_events.types() == ["meeting.state", "agenda.current", "meeting.state"]
    states = AuditEvent.objects.filter(action="meeting.state").values_list("after", flat=True)
    assert list(states) == [{"state": "running"}, {"state": "completed"}]


def test_member_cannot_start_the_meeting(live):
    with pytest.raises(PermissionDenied):
        meeting_start(meeting_id=live.meeting.pk, user=live.members[0])


@pytest.mark.parametrize("state", ["running", "completed", "cancelled"])
def test_only_a_scheduled_or_invited_meeting_starts(live, state):
    Meeting.objects.filter(pk=live.meeting.pk).update(state=state)

    with pytest.raises(MeetingStateRejected):
        meeting_start(meeting_id=live.meeting.pk, user=live.chair)


def test_a_meeting_that_does_not_run_cannot_close(live):
    with pytest.raises(MeetingStateRejected, match="nicht geschlossen"):
        meeting_close(meeting_id=live.meeting.pk, user=live.chair)


def test_moving_the_current_item_ends_the_previous_one(
    live, live_events, django_capture_on_commit_callbacks
):
    live.start()
    live_events.subscribe(meeting_group(live.meeting.pk))

    with django_capture_on_commit_callbacks(execute=True):
        agenda_current_set(
            meeting_id=live.meeting.pk, agenda_item_id=live.public_item.pk, user=live.chair
        )
        agenda_current_set(
            meeting_id=live.meeting.pk, agenda_item_id=live.secret_item.pk, user=live.chair
        )

    live.public_item.refresh_from_db()
    live.meeting.refresh_from_db()
    assert live.meeting.current_agenda_item == live.secret_item
    assert live.public_item.start is not None and live.public_item.end is not None
    first, second = live_events.drain()
    assert first["item"] == {
        "id": live.public_item.pk,
        "number": live.public_item.number,
        "name": "Neubau Kita Lindenweg",
        "public": True,
    }
    assert second["agenda_item_id"] == live.secret_item.pk and second["item_public"] is False


def test_current_item_moves_only_while_the_meeting_runs(live):
    with pytest.raises(MeetingStateRejected):
        agenda_current_set(
            meeting_id=live.meeting.pk, agenda_item_id=live.public_item.pk, user=live.chair
        )


def test_attendance_notes_arrival_and_departure_items(
    live, live_events, django_capture_on_commit_callbacks
):
    live.start(present=0)
    agenda_current_set(
        meeting_id=live.meeting.pk, agenda_item_id=live.public_item.pk, user=live.chair
    )
    person_id = live.members[0].person_id
    live_events.subscribe(meeting_group(live.meeting.pk))

    with django_capture_on_commit_callbacks(execute=True):
        attendance_record(
            meeting_id=live.meeting.pk, person_id=person_id, status="present", user=live.chair
        )
    agenda_current_set(
        meeting_id=live.meeting.pk, agenda_item_id=live.secret_item.pk, user=live.chair
    )
    attendance_record(
        meeting_id=live.meeting.pk, person_id=person_id, status="absent", user=live.chair
    )

    attendance = Attendance.objects.get(meeting=live.meeting, person_id=person_id)
    assert attendance.arrived_at_item == live.public_item
    assert attendance.left_at_item == live.secret_item
    [event] = live_events.drain()
    assert event["type"] == "attendance.changed"
    assert event["summary"] == {"present": 1, "absent": 0, "excused": 0}
    actions = AuditEvent.objects.filter(action="attendance.record")
    assert [(a.after or {})["status"] for a in actions] == ["present", "absent"]


def test_excused_absence_is_recorded_before_the_meeting(live):
    attendance = attendance_record(
        meeting_id=live.meeting.pk,
        person_id=live.members[0].person_id,
        status="excused",
        user=live.chair,
    )

    assert attendance.status == Attendance.Status.EXCUSED
    assert attendance.arrived_at is None


def test_member_cannot_record_attendance(live):
    with pytest.raises(PermissionDenied):
        attendance_record(
            meeting_id=live.meeting.pk,
            person_id=live.members[0].person_id,
            status="present",
            user=live.members[0],
        )


def test_attendance_of_a_person_of_another_body_is_rejected(live):
    stranger = PersonFactory()

    with pytest.raises(AttendanceRejected):
        attendance_record(
            meeting_id=live.meeting.pk, person_id=stranger.pk, status="present", user=live.chair
        )


def test_member_declares_own_conflict_once(live, live_events, django_capture_on_commit_callbacks):
    live.start()
    member = live.members[0]
    live_events.subscribe(meeting_group(live.meeting.pk))

    with django_capture_on_commit_callbacks(execute=True):
        first = conflict_declare(agenda_item_id=live.public_item.pk, user=member, reason="Anlieger")
        again = conflict_declare(agenda_item_id=live.public_item.pk, user=member)

    assert first == again
    assert first.person_id == member.person_id and first.declared_by == member
    assert live_events.types() == ["conflict.declared"]
    assert AuditEvent.objects.filter(action="conflict.declare").count() == 1


def test_member_cannot_declare_a_conflict_for_someone_else(live):
    live.start()

    with pytest.raises(PermissionDenied):
        conflict_declare(
            agenda_item_id=live.public_item.pk,
            user=live.members[0],
            person_id=live.members[1].person_id,
        )


def test_chair_declares_a_conflict_for_a_member(live):
    declaration = conflict_declare(
        agenda_item_id=live.public_item.pk,
        user=live.chair,
        person_id=live.members[1].person_id,
        reason="Verwandtschaft",
    )

    assert ConflictDeclaration.objects.get() == declaration


def test_citizen_and_members_of_other_committees_cannot_declare_conflicts(
    live, citizen, other_member
):
    for user in (citizen, other_member):
        with pytest.raises(PermissionDenied):
            conflict_declare(agenda_item_id=live.public_item.pk, user=user)


def test_member_withdraws_own_conflict(live, live_events, django_capture_on_commit_callbacks):
    live.start()
    member = live.members[0]
    conflict_declare(agenda_item_id=live.public_item.pk, user=member, reason="Anlieger")
    live_events.subscribe(meeting_group(live.meeting.pk))

    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = conflict_withdraw(agenda_item_id=live.public_item.pk, user=member)

    assert withdrawn.person_id == member.person_id
    assert not ConflictDeclaration.objects.exists()
    (event,) = live_events.drain()
    assert event == {
        "type": "conflict.withdrawn",
        "meeting_id": live.meeting.pk,
        "agenda_item_id": live.public_item.pk,
        "item_public": True,
        "person_id": member.person_id,
        "name": member.person.name,
    }
    audit = AuditEvent.objects.get(action="conflict.withdraw")
    assert audit.before == {
        "person_id": member.person_id,
        "agenda_item_id": live.public_item.pk,
        "reason": "Anlieger",
    }
    assert audit.actor == member


def test_chair_withdraws_a_members_conflict(live):
    person_id = live.members[1].person_id
    conflict_declare(agenda_item_id=live.public_item.pk, user=live.members[1])

    conflict_withdraw(agenda_item_id=live.public_item.pk, user=live.chair, person_id=person_id)

    assert not ConflictDeclaration.objects.exists()


def test_member_cannot_withdraw_someone_elses_conflict(live):
    conflict_declare(agenda_item_id=live.public_item.pk, user=live.members[1])

    with pytest.raises(PermissionDenied):
        conflict_withdraw(
            agenda_item_id=live.public_item.pk,
            user=live.members[0],
            person_id=live.members[1].person_id,
        )

    assert ConflictDeclaration.objects.count() == 1


def test_withdrawing_a_conflict_never_declared_is_rejected(live, citizen):
    with pytest.raises(ConflictRejected, match="keine Befangenheit erklärt"):
        conflict_withdraw(agenda_item_id=live.public_item.pk, user=live.members[0])
    with pytest.raises(PermissionDenied):
        conflict_withdraw(agenda_item_id=live.public_item.pk, user=citizen)


def test_a_conflict_of_a_closed_meeting_stays(live):
    live.start()
    conflict_declare(agenda_item_id=live.public_item.pk, user=live.members[0])
    meeting_close(meeting_id=live.meeting.pk, user=live.chair)

    with pytest.raises(MeetingStateRejected):
        conflict_withdraw(agenda_item_id=live.public_item.pk, user=live.members[0])
