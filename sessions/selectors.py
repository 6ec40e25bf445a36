"""Reads of meetings and agendas, filtered by the visibility rule."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ratsinfo.models import Organization
from ratsinfo.visibility import visible
from sessions.models import AgendaItem, Meeting

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
