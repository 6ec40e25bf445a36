"""Writes of a live meeting: start and close it, move the current agenda item, record
attendance, declare and withdraw conflicts of interest. The speaker list is in
`sessions/speakers.py`.

Each service is one transaction that locks the meeting row it checks, appends an audit event
and broadcasts its live event after commit (DESIGN.md §4, §5). Only the chair or clerk (a
clerk of the meeting's body, or an administrator) runs the meeting; members act for
themselves where a service says so.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from ratsinfo.audit import audit_record
from ratsinfo.events import meeting_group, send_event_on_commit
from ratsinfo.models import Person
from ratsinfo.visibility import is_clerk_of
from sessions import events
from sessions.errors import AttendanceRejected, ConflictRejected, MeetingStateRejected
from sessions.models import AgendaItem, Attendance, ConflictDeclaration, Meeting
from sessions.selectors import attendance_summary, meeting_member_person_id

State = Meeting.State

# The meeting lifecycle as a table: action → (states it may start from, state it leads to).
MEETING_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "start": (frozenset({State.SCHEDULED, State.INVITED}), State.RUNNING),
    "close": (frozenset({State.RUNNING}), State.COMPLETED),
}
# Attendance and conflicts may be recorded ahead (an excused absence) and during the meeting.
OPEN_STATES = frozenset({State.SCHEDULED, State.INVITED, State.RUNNING})

# Sent inside `meeting_close`'s transaction with the locked meeting; a receiver raises a
# DomainError to refuse (votes refuses while a poll is open). Lets apps above veto without
# this app importing them (DESIGN.md §1).
meeting_closing = Signal()
# Sent inside `conflict_withdraw`'s transaction with the locked meeting, the item and the
# person; a receiver raises a DomainError to refuse (votes refuses while a poll on the item is
# open: eligibility is fixed when a poll opens and must not change while it runs).
conflict_withdrawing = Signal()


def lock_meeting(meeting_id: int) -> Meeting:
    """The meeting, locked for the rest of the transaction. Raises Meeting.DoesNotExist."""
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def require_chair(user: Any, meeting: Meeting) -> None:
    """Raises PermissionDenied unless `user` runs the meeting (clerk of its body, admin)."""
    if not is_clerk_of(user, meeting.body_id):
        raise PermissionDenied(
            _("Nur die Sitzungsleitung oder der Sitzungsdienst darf diese Sitzung führen.")
        )


def require_running(meeting: Meeting) -> None:
    if meeting.state != State.RUNNING:
        raise MeetingStateRejected(
            _("Die Sitzung „%(meeting)s“ läuft nicht (Status: %(state)s).")
            % {"meeting": meeting, "state": meeting.get_state_display()}
        )


def acting_person_id(*, user: Any, meeting: Meeting, person_id: int | None, action: str) -> int:
    """The person `user` acts for: the chair for anyone of the body (checked by the caller's
    lookup), a member only for themself. Raises PermissionDenied otherwise."""
    if is_clerk_of(user, meeting.body_id):
        chosen: int | None = (
            person_id if person_id is not None else getattr(user, "person_id", None)
        )
        if chosen is None:
            raise PermissionDenied(_("Bitte wählen Sie die Person aus."))
        return chosen
    member = meeting_member_person_id(meeting=meeting, user=user)
    if member is None:
        raise PermissionDenied(
            _("Nur Mitglieder der Gremien dieser Sitzung dürfen %(action)s.") % {"action": action}
        )
    if person_id is not None and person_id != member:
        raise PermissionDenied(_("Mitglieder können nur für sich selbst handeln."))
    return member


def person_of_body(meeting: Meeting, person_id: int) -> Person:
    """The person if they belong to the meeting's body. Raises Person.DoesNotExist."""
    return Person.objects.get(pk=person_id, body_id=meeting.body_id)


def _transition(*, meeting: Meeting, action: str) -> str:
    sources, target = MEETING_TRANSITIONS[action]
    if meeting.state not in sources:
        raise MeetingStateRejected(
            _("Die Sitzung „%(meeting)s“ ist „%(state)s“ und kann nicht %(action)s werden.")
            % {
                "meeting": meeting,
                "state": meeting.get_state_display(),
                "action": _("eröffnet") if action == "start" else _("geschlossen"),
            }
        )
    before = meeting.state
    meeting.state = target
    return before


@transaction.atomic
def meeting_start(*, meeting_id: int, user: Any) -> Meeting:
    """Open the meeting: from now on items, speakers and polls run live.

    Raises PermissionDenied for anyone but the chair, MeetingStateRejected unless the meeting
    is scheduled or invited."""
    meeting = lock_meeting(meeting_id)
    require_chair(user, meeting)
    before = _transition(meeting=meeting, action="start")
    meeting.save(update_fields=["state", "modified"])
    _audit_state(user, meeting, before, _("Sitzung eröffnet"))
    send_event_on_commit(meeting_group(meeting.pk), events.meeting_state(meeting))
    return meeting


@transaction.atomic
def meeting_close(*, meeting_id: int, user: Any, now: datetime.datetime | None = None) -> Meeting:
    """Close the running meeting; the current item ends now.

    Raises PermissionDenied for anyone but the chair, MeetingStateRejected unless it runs, and
    whatever a `meeting_closing` receiver raises (a poll still open)."""
    meeting = lock_meeting(meeting_id)
    require_chair(user, meeting)
    meeting_closing.send(sender=Meeting, meeting=meeting)
    before = _transition(meeting=meeting, action="close")
    _end_current_item(meeting, now or timezone.now())
    meeting.current_agenda_item = None
    meeting.save(update_fields=["state", "current_agenda_item", "modified"])
    _audit_state(user, meeting, before, _("Sitzung geschlossen"))
    group = meeting_group(meeting.pk)
    send_event_on_commit(group, events.agenda_current(meeting, None))
    send_event_on_commit(group, events.meeting_state(meeting))
    return meeting


def _audit_state(user: Any, meeting: Meeting, before: str, message: str) -> None:
    audit_record(
        actor=user,
        action="meeting.state",
        obj=meeting,
        before={"state": before},
        after={"state": meeting.state},
        message=message,
        body_id=meeting.body_id,
        meeting_id=meeting.pk,
    )


def _end_current_item(meeting: Meeting, now: datetime.datetime) -> None:
    if meeting.current_agenda_item_id is None:
        return
    AgendaItem.objects.filter(pk=meeting.current_agenda_item_id).update(end=now, modified=now)


@transaction.atomic
def agenda_current_set(
    *, meeting_id: int, agenda_item_id: int | None, user: Any, now: datetime.datetime | None = None
) -> Meeting:
    """Make the item the one under discussion (None: between items). The item left ends now,
    the item entered starts now unless it had started before.

    Raises PermissionDenied for anyone but the chair, MeetingStateRejected unless the meeting
    runs, AgendaItem.DoesNotExist for an item not on its agenda."""
    meeting = lock_meeting(meeting_id)
    require_chair(user, meeting)
    require_running(meeting)
    now = now or timezone.now()
    item = None
    if agenda_item_id is not None:
        item = AgendaItem.objects.select_for_update().get(pk=agenda_item_id, meeting=meeting)
    before = meeting.current_agenda_item_id
    if before != agenda_item_id:
        _end_current_item(meeting, now)
    if item is not None and item.start is None:
        item.start = now
        item.save(update_fields=["start", "modified"])
    meeting.current_agenda_item = item
    meeting.save(update_fields=["current_agenda_item", "modified"])
    audit_record(
        actor=user,
        action="meeting.agenda_current",
        obj=meeting,
        before={"agenda_item_id": before},
        after={"agenda_item_id": agenda_item_id},
        message=_("Aktueller Tagesordnungspunkt: %(item)s") % {"item": item or "–"},
        body_id=meeting.body_id,
        meeting_id=meeting.pk,
    )
    send_event_on_commit(meeting_group(meeting.pk), events.agenda_current(meeting, item))
    return meeting


@transaction.atomic
def attendance_record(
    *,
    meeting_id: int,
    person_id: int,
    status: str,
    user: Any,
    now: datetime.datetime | None = None,
) -> Attendance:
    """Record the person present, absent or excused. Arriving or leaving during the meeting
    notes the time and the current item, for the minutes and for quorum and eligibility.

    Raises PermissionDenied for anyone but the chair, MeetingStateRejected for a closed or
    cancelled meeting, AttendanceRejected for an unknown status or a person of another body."""
    meeting = lock_meeting(meeting_id)
    require_chair(user, meeting)
    if meeting.state not in OPEN_STATES:
        raise MeetingStateRejected(
            _("Die Sitzung „%(meeting)s“ ist beendet; die Anwesenheit ist abgeschlossen.")
            % {"meeting": meeting}
        )
    if status not in Attendance.Status.values:
        raise AttendanceRejected(_("Unbekannter Anwesenheitsstatus „%(s)s“.") % {"s": status})
    try:
        person = person_of_body(meeting, person_id)
    except Person.DoesNotExist:
        raise AttendanceRejected(
            _("Diese Person gehört nicht zur Körperschaft der Sitzung.")
        ) from None
    attendance, created = Attendance.objects.select_for_update().get_or_create(
        meeting=meeting, person=person, defaults={"status": status}
    )
    before = None if created else attendance.status
    if before == status:
        return attendance
    now = now or timezone.now()
    live = meeting.state == State.RUNNING
    attendance.status = status
    if status == Attendance.Status.PRESENT:
        if live and attendance.arrived_at is None:
            attendance.arrived_at = now
            attendance.arrived_at_item_id = meeting.current_agenda_item_id
        attendance.left_at = None
        attendance.left_at_item = None
    elif live and before == Attendance.Status.PRESENT:
        attendance.left_at = now
        attendance.left_at_item_id = meeting.current_agenda_item_id
    attendance.save()
    audit_record(
        actor=user,
        action="attendance.record",
        obj=attendance,
        before={"status": before},
        after={"status": status},
        message=_("%(person)s: %(status)s")
        % {"person": person, "status": attendance.get_status_display()},
        body_id=meeting.body_id,
        meeting_id=meeting.pk,
    )
    summary = attendance_summary(meeting_id=meeting.pk)
    send_event_on_commit(meeting_group(meeting.pk), events.attendance_changed(attendance, summary))
    return attendance


def _conflict_target(
    agenda_item_id: int, user: Any, person_id: int | None, action: str
) -> tuple[AgendaItem, Meeting, int]:
    """The item, its locked meeting (refused unless still open) and the person `user` acts for
    in a conflict declaration or withdrawal."""
    item = AgendaItem.objects.select_related("meeting").get(pk=agenda_item_id)
    meeting = lock_meeting(item.meeting_id)
    if meeting.state not in OPEN_STATES:
        raise MeetingStateRejected(
            _("Die Sitzung „%(meeting)s“ ist beendet.") % {"meeting": meeting}
        )
    acting = acting_person_id(user=user, meeting=meeting, person_id=person_id, action=action)
    return item, meeting, acting


@transaction.atomic
def conflict_declare(
    *, agenda_item_id: int, user: Any, person_id: int | None = None, reason: str = ""
) -> ConflictDeclaration:
    """Declare a conflict of interest on the item: a member for themself, the chair for anyone
    of the body. The person is excluded from debate and vote on the item. Declaring twice
    returns the first declaration.

    Raises PermissionDenied for non-members or a member acting for someone else,
    MeetingStateRejected for a closed or cancelled meeting, ConflictRejected for a person of
    another body, AgendaItem.DoesNotExist for an unknown item."""
    item, meeting, acting = _conflict_target(
        agenda_item_id, user, person_id, _("Befangenheit erklären")
    )
    try:
        person = person_of_body(meeting, acting)
    except Person.DoesNotExist:
        raise ConflictRejected(
            _("Diese Person gehört nicht zur Körperschaft der Sitzung.")
        ) from None
    declaration, created = ConflictDeclaration.objects.get_or_create(
        agenda_item=item, person=person, defaults={"reason": reason[:500], "declared_by": user}
    )
    if not created:
        return declaration
    audit_record(
        actor=user,
        action="conflict.declare",
        obj=declaration,
        after={"person_id": person.pk, "agenda_item_id": item.pk, "reason": reason[:500]},
        message=_("%(person)s ist befangen bei %(item)s") % {"person": person, "item": item},
        body_id=meeting.body_id,
        meeting_id=meeting.pk,
    )
    send_event_on_commit(
        meeting_group(meeting.pk),
        events.conflict_changed(item, person.pk, person.name, "conflict.declared"),
    )
    return declaration


@transaction.atomic
def conflict_withdraw(
    *, agenda_item_id: int, user: Any, person_id: int | None = None
) -> ConflictDeclaration:
    """Withdraw a declared conflict of interest on the item: a member for themself, the chair
    for anyone. The person takes part in debate again and is eligible in polls opened from now
    on. Returns the withdrawn declaration (no longer stored; the audit trail keeps it).

    Raises PermissionDenied for non-members or a member acting for someone else,
    MeetingStateRejected for a closed or cancelled meeting, ConflictRejected if the person has
    declared no conflict on the item, AgendaItem.DoesNotExist for an unknown item, and
    whatever a `conflict_withdrawing` receiver raises (PollRejected while a poll on the item
    is open)."""
    item, meeting, acting = _conflict_target(
        agenda_item_id, user, person_id, _("Befangenheit zurückziehen")
    )
    declaration = (
        ConflictDeclaration.objects.select_for_update()
        .select_related("person")
        .filter(agenda_item=item, person_id=acting)
        .first()
    )
    if declaration is None:
        raise ConflictRejected(
            _("Für diese Person ist bei „%(item)s“ keine Befangenheit erklärt.") % {"item": item}
        )
    person = declaration.person
    conflict_withdrawing.send(
        sender=ConflictDeclaration, meeting=meeting, agenda_item=item, person_id=person.pk
    )
    audit_record(
        actor=user,
        action="conflict.withdraw",
        obj=declaration,
        before={"person_id": person.pk, "agenda_item_id": item.pk, "reason": declaration.reason},
        after=None,
        message=_("%(person)s ist bei %(item)s nicht mehr befangen")
        % {"person": person, "item": item},
        body_id=meeting.body_id,
        meeting_id=meeting.pk,
    )
    # A queryset delete keeps the instance's pk for the caller's reply.
    ConflictDeclaration.objects.filter(pk=declaration.pk).delete()
    send_event_on_commit(
        meeting_group(meeting.pk),
        events.conflict_changed(item, person.pk, person.name, "conflict.withdrawn"),
    )
    return declaration
