"""Reads for the search pages: a member's saved searches (each visible to its owner only) and
the names of organizations chosen as filters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404

from ratsinfo.models import Organization
from ratsinfo.visibility import visible
from search.models import SavedSearch


def saved_search_list_for_user(*, user: Any) -> list[SavedSearch]:
    """The user's saved searches by name (one query; none for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(SavedSearch.objects.filter(user=user).order_by("name", "pk"))


def saved_search_get_for_user(*, user: Any, saved_search_id: int) -> SavedSearch:
    """One of the user's saved searches. Raises Http404 for anyone else's and for unknown ids,
    so that nobody learns which ids exist."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("no saved search")
    found = SavedSearch.objects.filter(user=user, pk=saved_search_id).first()
    if found is None:
        raise Http404("no saved search")
    return found


def organization_names_for_user(*, user: Any, ids: Iterable[str]) -> dict[str, str]:
    """Names of the organizations with these ids (facet values) that the user may see; one
    query, none without ids."""
    numbers = {int(value) for value in ids if value.isascii() and value.isdigit()}
    if not numbers:
        return {}
    rows = visible(user, Organization.objects.filter(pk__in=numbers)).values_list("pk", "name")
    return {str(pk): name for pk, name in rows}
