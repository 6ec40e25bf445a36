"""Reads of meetings and agendas, filtered by the visibility rule."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from ratsinfo.models import Organization
from ratsinfo.visibility import is_clerk_of, principal_for, visible
from sessions.events import AttendanceSummary, ConflictInfo, Speaker, speaker
from sessions.models import AgendaItem, Attendance, ConflictDeclaration, Meeting, SpeakerRequest

# How far back the iCalendar feeds reach; everything after it, future meetings included, is in.
FEED_PAST = datetime.timedelta(days=365)


def _with_organizations(user: Any, meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    organizations = visible(user, Organization.objects.all()).order_by("name")
    return meetings.select_related("location").prefetch_related(
        Prefetch("organizations", queryset=organizations)
    )


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def meeting_list_upcoming(
    *, user: Any, limit: int = 10, organization_id: int | None = None
) -> QuerySet[Meeting]:
    """The next meetings the user may see, soonest first, with their organizations; cancelled
    ones left out. With `organization_id`, only that organization's meetings."""
    meetings = Meeting.objects.filter(start__gte=timezone.now()).exclude(
        state=Meeting.State.CANCELLED
    )
    if organization_id is not None:
        meetings = meetings.filter(organizations=organization_id)
    return (
        visible(user, meetings)
        .select_related("location")
        .prefetch_related("organizations")
        .order_by("start")[:limit]
    )


def meeting_list_for_month(
    *, user: Any, year: int, month: int, organization_id: int | None = None
) -> QuerySet[Meeting]:
    """The meetings the user may see that start in the month (local time), cancelled ones
    included, in order of their start, with location and organizations."""
    first = datetime.date(year, month, 1)
    following = (first + datetime.timedelta(days=31)).replace(day=1)
    meetings = Meeting.objects.filter(
        start__gte=_start_of_day(first), start__lt=_start_of_day(following)
    )
    if organization_id is not None:
        meetings = meetings.filter(organizations=organization_id)
    return _with_organizations(user, visible(user, meetings)).order_by("start", "pk")


def meeting_list_for_user(
    *,
    user: Any,
    upcoming: bool,
    organization_id: int | None = None,
    year: int | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Meeting]:
    """The meetings the user may see, from today on (soonest first, undated ones last) or
    before today (latest first), optionally of one organization or one year."""
    boundary = _start_of_day(today or timezone.localdate())
    meetings = Meeting.objects.all()
    if organization_id is not None:
        meetings = meetings.filter(organizations=organization_id)
    if year is not None:
        meetings = meetings.filter(
            start__gte=_start_of_day(datetime.date(year, 1, 1)),
            start__lt=_start_of_day(datetime.date(year + 1, 1, 1)),
        )
    if upcoming:
        meetings = meetings.filter(Q(start__gte=boundary) | Q(start__isnull=True)).order_by(
            F("start").asc(nulls_last=True), "pk"
        )
    else:
        meetings = meetings.filter(start__lt=boundary).order_by("-start", "-pk")
    return _with_organizations(user, visible(user, meetings))


def meeting_years_for_user(*, user: Any) -> list[int]:
    """The years (local time) in which the user may see at least one meeting, latest first."""
    moments = visible(user, Meeting.objects.filter(start__isnull=False)).datetimes(
        "start", "year", order="DESC"
    )
    return [moment.year for moment in moments]


def _feed_queryset(user: Any, meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    items = visible(user, AgendaItem.objects.all()).order_by("order", "pk")
    return (
        visible(user, meetings.filter(start__isnull=False))
        .select_related("location")
        .prefetch_related(Prefetch("agenda_items", queryset=items, to_attr="visible_agenda_items"))
        .order_by("start", "pk")
    )


def meeting_list_for_feed(
    *, user: Any, organization_id: int | None = None, now: datetime.datetime | None = None
) -> list[Meeting]:
    """The dated meetings of the last twelve months and all future ones that the user may see,
    each with `visible_agenda_items` (the items the user may see, in agenda order)."""
    meetings = Meeting.objects.filter(start__gte=(now or timezone.now()) - FEED_PAST)
    if organization_id is not None:
        meetings = meetings.filter(organizations=organization_id)
    return list(_feed_queryset(user, meetings))


def meeting_get_for_feed(*, user: Any, meeting_id: int) -> Meeting:
    """One dated meeting the user may see, with `visible_agenda_items`, whenever it takes
    place. Raises Http404 if it is not visible to the user or has no date."""
    meeting = _feed_queryset(user, Meeting.objects.filter(pk=meeting_id)).first()
    if meeting is None:
        raise Http404
    return meeting


def organization_list_with_meetings(*, user: Any) -> QuerySet[Organization]:
    """The organizations that have at least one meeting the user may see, by name."""
    meetings = visible(user, Meeting.objects.all()).values("organizations")
    return visible(user, Organization.objects.filter(pk__in=meetings)).order_by("name")


# --- live meeting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveViewer:
    """What a live screen needs to know about its user, computed once per connection: who
    they are in the meeting and which of its agenda items they may see."""

    meeting_id: int
    body_id: int
    person_id: int | None
    is_chair: bool
    is_member: bool
    visible_item_ids: frozenset[int]


def meeting_get_for_live(*, meeting_id: int, user: Any) -> Meeting:
    """The meeting if `user` may see it. Raises Http404 otherwise."""
    meeting = visible(user, Meeting.objects.filter(pk=meeting_id)).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_member_person_id(*, meeting: Meeting, user: Any) -> int | None:
    """The user's person if they are a current member of one of the meeting's organizations
    (the people who may request to speak, declare a conflict and vote there), else None."""
    person_id: int | None = getattr(user, "person_id", None)
    if person_id is None:
        return None
    organization_ids = principal_for(user).member_organization_ids
    if not organization_ids:
        return None
    shares = meeting.organizations.filter(pk__in=organization_ids).exists()
    return person_id if shares else None


def live_viewer_get(*, meeting_id: int, user: Any) -> LiveViewer:
    """The viewer of a meeting's live screen. Raises Http404 if they may not see it."""
    meeting = meeting_get_for_live(meeting_id=meeting_id, user=user)
    items = visible(user, AgendaItem.objects.filter(meeting=meeting)).values_list("pk", flat=True)
    person_id = meeting_member_person_id(meeting=meeting, user=user)
    return LiveViewer(
        meeting_id=meeting.pk,
        body_id=meeting.body_id,
        person_id=getattr(user, "person_id", None),
        is_chair=is_clerk_of(user, meeting.body_id),
        is_member=person_id is not None,
        visible_item_ids=frozenset(items),
    )


def attendance_summary(*, meeting_id: int) -> AttendanceSummary:
    """How many people are recorded present, absent and excused."""
    counts = dict(
        Attendance.objects.filter(meeting_id=meeting_id)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "present": counts.get(Attendance.Status.PRESENT, 0),
        "absent": counts.get(Attendance.Status.ABSENT, 0),
        "excused": counts.get(Attendance.Status.EXCUSED, 0),
    }


def present_person_ids(*, meeting_id: int) -> frozenset[int]:
    """The persons recorded present right now."""
    rows = Attendance.objects.filter(meeting_id=meeting_id, status=Attendance.Status.PRESENT)
    return frozenset(rows.values_list("person_id", flat=True))


def conflicted_person_ids(*, agenda_item_id: int | None) -> frozenset[int]:
    """The persons who declared a conflict of interest on the item."""
    if agenda_item_id is None:
        return frozenset()
    rows = ConflictDeclaration.objects.filter(agenda_item_id=agenda_item_id)
    return frozenset(rows.values_list("person_id", flat=True))


def conflict_list(*, meeting_id: int) -> list[ConflictInfo]:
    """Every conflict of interest declared on the meeting's items, in agenda order, for the
    chair's console (it runs the whole meeting, so no visibility filter)."""
    rows = (
        ConflictDeclaration.objects.filter(agenda_item__meeting_id=meeting_id)
        .select_related("person", "agenda_item")
        .order_by("agenda_item__order", "agenda_item_id", "person__name", "pk")
    )
    return [
        {
            "id": row.pk,
            "agenda_item_id": row.agenda_item_id,
            "item_number": row.agenda_item.number,
            "person_id": row.person_id,
            "name": row.person.name,
            "reason": row.reason,
        }
        for row in rows
    ]


def conflicted_item_ids(*, meeting_id: int, person_id: int | None) -> list[int]:
    """The meeting's items on which the person declared a conflict of interest."""
    if person_id is None:
        return []
    rows = ConflictDeclaration.objects.filter(
        agenda_item__meeting_id=meeting_id, person_id=person_id
    ).order_by("agenda_item_id")
    return list(rows.values_list("agenda_item_id", flat=True))


def speaker_list(*, agenda_item_id: int) -> list[Speaker]:
    """The item's open speaker list: who speaks now, then who waits, points of order first."""
    requests = (
        SpeakerRequest.objects.filter(
            agenda_item_id=agenda_item_id,
            state__in=[SpeakerRequest.State.SPEAKING, SpeakerRequest.State.WAITING],
        )
        .select_related("person")
        .annotate(rank=speaker_rank())
        .order_by("rank", "order")
    )
    return [speaker(request) for request in requests]


def speaker_rank() -> Case:
    """Order of the speaker list: the current speaker, then points of order, then the rest."""
    return Case(
        When(state=SpeakerRequest.State.SPEAKING, then=Value(0)),
        When(kind=SpeakerRequest.Kind.POINT_OF_ORDER, then=Value(1)),
        default=Value(2),
    )
