"""Payloads of the live events of a meeting (DESIGN.md §5), built here and nowhere else.

Every event that concerns one agenda item carries `agenda_item_id` and `item_public`, so that
`redact_for_viewer` can strip what a viewer may not see from a broadcast to the whole group.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from django.utils.translation import gettext as _

from sessions.models import AgendaItem, Attendance, Meeting, SpeakerRequest


class LiveItem(TypedDict):
    id: int
    number: str
    name: str
    public: bool


class AttendanceSummary(TypedDict):
    present: int
    absent: int
    excused: int


class Speaker(TypedDict):
    id: int
    person_id: int
    name: str
    kind: str
    state: str


class AgendaCurrentEvent(TypedDict):
    type: Literal["agenda.current"]
    meeting_id: int
    agenda_item_id: int | None
    item_public: bool
    item: LiveItem | None


class AttendanceChangedEvent(TypedDict):
    type: Literal["attendance.changed"]
    meeting_id: int
    person_id: int
    name: str
    status: str
    summary: AttendanceSummary


ConflictEventType = Literal["conflict.declared", "conflict.withdrawn"]


class ConflictEvent(TypedDict):
    # conflict.withdrawn: the declaration is gone, the person takes part again.
    type: ConflictEventType
    meeting_id: int
    agenda_item_id: int
    item_public: bool
    person_id: int
    name: str


class ConflictInfo(TypedDict):
    """A declaration as the chair's console lists it."""

    id: int
    agenda_item_id: int
    item_number: str
    person_id: int
    name: str
    reason: str


class SpeakersChangedEvent(TypedDict):
    type: Literal["speakers.changed"]
    meeting_id: int
    agenda_item_id: int
    item_public: bool
    speakers: list[Speaker]


class MeetingStateEvent(TypedDict):
    type: Literal["meeting.state"]
    meeting_id: int
    state: str


def live_item(item: AgendaItem | None) -> LiveItem | None:
    if item is None:
        return None
    return {"id": item.pk, "number": item.number, "name": item.name, "public": item.public}


def agenda_current(meeting: Meeting, item: AgendaItem | None) -> AgendaCurrentEvent:
    return {
        "type": "agenda.current",
        "meeting_id": meeting.pk,
        "agenda_item_id": item.pk if item else None,
        "item_public": item.public if item else True,
        "item": live_item(item),
    }


def attendance_changed(
    attendance: Attendance, summary: AttendanceSummary
) -> AttendanceChangedEvent:
    return {
        "type": "attendance.changed",
        "meeting_id": attendance.meeting_id,
        "person_id": attendance.person_id,
        "name": attendance.person.name,
        "status": attendance.status,
        "summary": summary,
    }


def conflict_changed(
    item: AgendaItem, person_id: int, name: str, kind: ConflictEventType
) -> ConflictEvent:
    return {
        "type": kind,
        "meeting_id": item.meeting_id,
        "agenda_item_id": item.pk,
        "item_public": item.public,
        "person_id": person_id,
        "name": name,
    }


def speaker(request: SpeakerRequest) -> Speaker:
    return {
        "id": request.pk,
        "person_id": request.person_id,
        "name": request.person.name,
        "kind": request.kind,
        "state": request.state,
    }


def speakers_changed(item: AgendaItem, speakers: list[Speaker]) -> SpeakersChangedEvent:
    return {
        "type": "speakers.changed",
        "meeting_id": item.meeting_id,
        "agenda_item_id": item.pk,
        "item_public": item.public,
        "speakers": speakers,
    }


def meeting_state(meeting: Meeting) -> MeetingStateEvent:
    return {"type": "meeting.state", "meeting_id": meeting.pk, "state": meeting.state}


def non_public_item_label() -> str:
    return _("nicht öffentlicher Tagesordnungspunkt")


# Keys that would reveal what happens on a non-public item, per event type; they are replaced
# for viewers who may not see the item. Event types of higher apps register their own.
REDACTED_KEYS: dict[str, dict[str, Any]] = {
    "speakers.changed": {"speakers": []},
    "conflict.declared": {"person_id": 0, "name": ""},
    "conflict.withdrawn": {"person_id": 0, "name": ""},
}


def redact_for_viewer(event: dict[str, Any], *, visible_item_ids: frozenset[int]) -> dict[str, Any]:
    """`event` as a viewer sees it who may see exactly the items `visible_item_ids`: on any
    other non-public item the title becomes "nicht öffentlicher Tagesordnungspunkt" and
    names, speakers and poll details are dropped. Public items pass unchanged."""
    item_id = event.get("agenda_item_id")
    if item_id is None or event.get("item_public", True) or item_id in visible_item_ids:
        return event
    redacted = {**event, **REDACTED_KEYS.get(str(event.get("type")), {})}
    if event.get("item"):
        redacted["item"] = {**event["item"], "name": non_public_item_label()}
    return redacted
