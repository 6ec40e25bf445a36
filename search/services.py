"""Writes of the search app: a member's saved searches (create, rename, notification on or
off, delete). Each is the user's own: another user's id is answered with Http404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from search import notifications
from search.errors import SavedSearchRejected
from search.models import SavedSearch
from search.params import filters_querystring, params_from_querystring
from search.query import MAX_QUERY_CHARS, parse

# Enough for every topic a member follows; a limit keeps the nightly run and the list short.
MAX_SAVED_SEARCHES = 50
NAME_MAX_LENGTH = 200
FILTERS_MAX_LENGTH = 1000


def _owned_for_update(*, user: Any, saved_search_id: int) -> SavedSearch:
    found = SavedSearch.objects.select_for_update().filter(user=user, pk=saved_search_id).first()
    if found is None:
        raise Http404("no saved search")
    return found


def _clean_name(name: str, *, fallback: str = "") -> str:
    name = " ".join(name.split()) or " ".join(fallback.split())
    if not name:
        raise SavedSearchRejected(_("Bitte geben Sie der Suche einen Namen."))
    if len(name) > NAME_MAX_LENGTH:
        raise SavedSearchRejected(
            _("Der Name darf höchstens %(max)d Zeichen haben.") % {"max": NAME_MAX_LENGTH}
        )
    return name


@transaction.atomic
def saved_search_create(
    *, user: Any, name: str, query: str, filters: str = "", notify: bool = True
) -> SavedSearch:
    """Save a search (query plus the search page's facet and sort parameters) for the user.
    Matches published from now on are mailed to them while `notify` is on.

    Raises PermissionDenied for anonymous users, SavedSearchRejected without a query to
    search for, with too many filters, for a search saved already and beyond
    MAX_SAVED_SEARCHES."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Nur angemeldete Personen können Suchen speichern."))
    query = " ".join(query.split())[:MAX_QUERY_CHARS]
    if parse(query).is_empty:
        raise SavedSearchRejected(_("Eine Suche ohne Suchbegriff kann nicht gespeichert werden."))
    params = params_from_querystring(query, filters)
    canonical = filters_querystring(params.filters, params.sort)
    if len(canonical) > FILTERS_MAX_LENGTH:
        raise SavedSearchRejected(
            _(
                "Die Suche hat zu viele Filter, um gespeichert zu werden. "
                "Bitte entfernen Sie einige."
            )
        )
    name = _clean_name(name, fallback=query)
    # The user's row is the lock: two saves at once cannot both pass the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    mine = SavedSearch.objects.filter(user=user)
    same = mine.filter(query=query, filters=canonical).first()
    if same is not None:
        raise SavedSearchRejected(
            _("Diese Suche haben Sie bereits gespeichert: „%(name)s“.") % {"name": same.name}
        )
    if mine.count() >= MAX_SAVED_SEARCHES:
        raise SavedSearchRejected(
            _(
                "Sie haben bereits %(max)d gespeicherte Suchen, mehr sind nicht möglich. "
                "Bitte löschen Sie zuerst eine, die Sie nicht mehr brauchen."
            )
            % {"max": MAX_SAVED_SEARCHES}
        )
    saved = SavedSearch.objects.create(
        user=user,
        name=name,
        query=query,
        filters=canonical,
        notify=notify,
        # Only what is published from now on is news.
        notified_until=timezone.now(),
    )
    if notify:
        notifications.notify_job_ensure_scheduled()
    return saved


@transaction.atomic
def saved_search_rename(*, user: Any, saved_search_id: int, name: str) -> SavedSearch:
    """Give one of the user's saved searches a new name.

    Raises Http404 for another user's search, SavedSearchRejected for an empty or long name."""
    saved = _owned_for_update(user=user, saved_search_id=saved_search_id)
    saved.name = _clean_name(name)
    saved.save(update_fields=["name"])
    return saved


@transaction.atomic
def saved_search_set_notify(*, user: Any, saved_search_id: int, notify: bool) -> SavedSearch:
    """Switch the e-mail about new matches on or off. Switched on again, it reports what is
    published from now on, not everything published while it was off.

    Raises Http404 for another user's search."""
    saved = _owned_for_update(user=user, saved_search_id=saved_search_id)
    if saved.notify == notify:
        return saved
    saved.notify = notify
    fields = ["notify"]
    if notify:
        saved.notified_until = timezone.now()
        fields.append("notified_until")
        notifications.notify_job_ensure_scheduled()
    saved.save(update_fields=fields)
    return saved


@transaction.atomic
def saved_search_delete(*, user: Any, saved_search_id: int) -> str:
    """Delete one of the user's saved searches; returns its name for the confirmation.

    Raises Http404 for another user's search."""
    saved = _owned_for_update(user=user, saved_search_id=saved_search_id)
    name = saved.name
    saved.delete()
    return name
