"""Reads of meetings and agendas, filtered by the visibility rule."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ratsinfo.visibility import visible
from sessions.models import Meeting


def meeting_list_upcoming(*, user: Any, limit: int = 10) -> QuerySet[Meeting]:
    """The next meetings the user may see, soonest first, with their organizations."""
    meetings = Meeting.objects.filter(start__gte=timezone.now()).exclude(
        state=Meeting.State.CANCELLED
    )
    return (
        visible(user, meetings)
        .select_related("location")
        .prefetch_related("organizations")
        .order_by("start")[:limit]
    )
