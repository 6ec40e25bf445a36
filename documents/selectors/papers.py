"""Reads of papers and files, filtered by the visibility rule."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from documents.models import Paper
from ratsinfo.visibility import visible


def paper_list_recent(*, user: Any, limit: int = 10) -> QuerySet[Paper]:
    """The most recently published papers the user may see."""
    return visible(user, Paper.objects.all()).order_by("-published_at", "-pk")[:limit]
