"""Reads for the first render of the live screens (chair console, member tablet, room screen,
public view): the live state of `votes.selectors.meeting_live_state` plus what only a page
needs (the agenda with its papers, the roll of members). Each screen authorizes in its getter;
the websocket then keeps the page current."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.selectors.meetings import AgendaEntry, agenda_for_user
from ratsinfo.models import Membership
from sessions.models import Attendance, Meeting
from sessions.selectors import LiveViewer, live_viewer_get
from votes.selectors import LiveState, meeting_live_state


@dataclass(frozen=True)
class RollEntry:
    """A member of one of the meeting's organizations, with their recorded attendance."""

    person_id: int
    name: str
    voting_right: bool
    status: str


@dataclass
class LiveScreen:
    meeting: Meeting
    viewer: LiveViewer
    state: LiveState
    # The title of the poll behind `state["last_result"]` (a label where the viewer may not
    # see its item).
    result_title: str = ""
    agenda: list[AgendaEntry] = field(default_factory=list)
    roll: list[RollEntry] = field(default_factory=list)


def _screen(*, meeting_id: int, user: Any) -> LiveScreen:
    viewer = live_viewer_get(meeting_id=meeting_id, user=user)
    meeting = Meeting.objects.select_related("location").get(pk=meeting_id)
    state = meeting_live_state(meeting_id=meeting_id, user=user)
    last = state["last_result"]
    return LiveScreen(
        meeting=meeting,
        viewer=viewer,
        state=state,
        # Already redacted: a non-public item's poll is named only as such.
        result_title=last["poll"]["title"] if last is not None else "",
    )


def live_public_get(*, meeting_id: int, user: Any) -> LiveScreen:
    """The room screen and the public live view: for anyone who may see the meeting.
    Raises Http404 otherwise."""
    return _screen(meeting_id=meeting_id, user=user)


def live_tablet_get(*, meeting_id: int, user: Any) -> LiveScreen:
    """The member tablet, with the agenda items and their papers the member may see.
    Raises Http404 if the meeting is not visible, PermissionDenied for non-members."""
    screen = _screen(meeting_id=meeting_id, user=user)
    if not screen.viewer.is_member:
        raise PermissionDenied(
            _("Die Tablet-Ansicht ist für die Mitglieder der Gremien dieser Sitzung.")
        )
    screen.agenda = agenda_for_user(user=user, meeting=screen.meeting).entries
    return screen


def live_console_get(*, meeting_id: int, user: Any) -> LiveScreen:
    """The chair's console: agenda and roll with attendance (conflicts and draft polls are in
    its live state).
    Raises Http404 if the meeting is not visible, PermissionDenied unless `user` is a clerk of
    the meeting's body."""
    screen = _screen(meeting_id=meeting_id, user=user)
    if not screen.viewer.is_chair:
        raise PermissionDenied(
            _("Nur die Sitzungsleitung oder der Sitzungsdienst darf diese Sitzung führen.")
        )
    meeting = screen.meeting
    screen.agenda = agenda_for_user(user=user, meeting=meeting, with_files=False).entries
    screen.roll = meeting_roll(meeting=meeting)
    return screen


def meeting_roll(*, meeting: Meeting, day: datetime.date | None = None) -> list[RollEntry]:
    """The current members of the meeting's organizations, by name, one entry per person
    (voting right wins), with their attendance status ("" when none is recorded)."""
    if day is None:
        day = timezone.localdate(meeting.start) if meeting.start else timezone.localdate()
    rows = (
        Membership.objects.filter(
            organization__in=meeting.organizations.all(), person__deleted=False
        )
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=day))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("person")
        .order_by("person__family_name", "person__name", "person_id", "-voting_right")
    )
    statuses = dict(Attendance.objects.filter(meeting=meeting).values_list("person_id", "status"))
    roll: dict[int, RollEntry] = {}
    for row in rows:
        if row.person_id in roll:
            continue
        roll[row.person_id] = RollEntry(
            person_id=row.person_id,
            name=row.person.name,
            voting_right=row.voting_right,
            status=statuses.get(row.person_id, ""),
        )
    return list(roll.values())
