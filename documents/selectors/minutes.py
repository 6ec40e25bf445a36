"""Reads for the minutes page and the lists of recently published minutes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from documents.selectors.meetings import (
    Agenda,
    agenda_for_user,
    meeting_organizations_for_user,
)
from ratsinfo.models import Organization
from ratsinfo.visibility import visible
from sessions.models import Minutes


@dataclass(frozen=True)
class MinutesPage:
    minutes: Minutes
    organizations: list[Organization]
    agenda: Agenda

    @property
    def is_published(self) -> bool:
        published_at = self.minutes.published_at
        return published_at is not None and published_at <= timezone.now()


def minutes_page_for_user(*, user: Any, meeting_id: int) -> MinutesPage:
    """The minutes of a meeting with the agenda items the user may see (four queries).
    Raises Http404 if the user may not see the minutes: unpublished minutes only clerks see."""
    minutes = (
        visible(user, Minutes.objects.filter(meeting_id=meeting_id))
        .select_related("meeting__location")
        .first()
    )
    if minutes is None:
        raise Http404("minutes not visible")
    meeting = minutes.meeting
    return MinutesPage(
        minutes=minutes,
        organizations=meeting_organizations_for_user(user=user, meeting=meeting),
        agenda=agenda_for_user(user=user, meeting=meeting, with_files=False),
    )


def minutes_list_recent(*, user: Any, limit: int = 10) -> QuerySet[Minutes]:
    """The most recently published minutes the user may see, with their meetings."""
    return (
        visible(user, Minutes.objects.filter(published_at__isnull=False))
        .select_related("meeting")
        .order_by("-published_at", "-pk")[:limit]
    )
