"""Health check, and the public pages of organizations and persons.

The page of a single organization lists its meetings, so it lives in `sessions/views.py`.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ratsinfo.models import Person
from ratsinfo.selectors import (
    contact_get_public,
    faction_list_current,
    faction_list_for_memberships,
    legislative_term_current,
    membership_list_for_person,
    organization_list_grouped,
    person_get_for_user,
    person_list_current,
)
from ratsinfo.timeline import timeline_build


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def organization_list(request: HttpRequest) -> HttpResponse:
    context = {"groups": organization_list_grouped(user=request.user)}
    return render(request, "ratsinfo/organization_list.html", context)


def person_list(request: HttpRequest) -> HttpResponse:
    factions = list(faction_list_current(user=request.user))
    raw = request.GET.get("fraktion", "").strip()
    faction = next((f for f in factions if raw and str(f.pk) == raw), None)
    problem = None
    if raw and faction is None:
        problem = _("Die gewählte Fraktion wurde nicht gefunden. Angezeigt werden alle Personen.")
    context = {
        "entries": person_list_current(
            user=request.user, faction_id=faction.pk if faction else None
        ),
        "factions": factions,
        "faction": faction,
        "problem": problem,
    }
    return render(request, "ratsinfo/person_list.html", context)


def _display_name(person: Person) -> str:
    """The name with the academic titles that it does not already carry."""
    titles = [str(title) for title in person.title if str(title) not in person.name]
    return " ".join([*titles, person.name])


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for_user(user=request.user, person_id=pk)
    today = timezone.localdate()
    memberships = membership_list_for_person(user=request.user, person_id=person.pk)
    timeline = timeline_build(
        memberships=memberships,
        term=legislative_term_current(user=request.user, body_id=person.body_id, today=today),
        today=today,
    )
    current = [bar for bar in timeline.bars if bar.current] if timeline else []
    context = {
        "person": person,
        "contact": contact_get_public(person=person),
        "display_name": _display_name(person),
        "timeline": timeline,
        "current": current,
        "factions": faction_list_for_memberships(memberships=[bar.membership for bar in current]),
    }
    return render(request, "ratsinfo/person_detail.html", context)
