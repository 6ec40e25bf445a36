"""Every page costs the same number of queries in a small town and in a much larger one.

Both towns come from the demo generator (`seed_demo`), the second through its large-town path,
so the pages see realistic data: long agendas, papers with several consultations and files,
minutes, members with several committees."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import Paper
from ratsinfo.models import Organization, Person, User
from sessions.models import Meeting, Minutes

TODAY = "2026-03-01"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _busiest_meeting() -> Meeting:
    return Meeting.objects.annotate(n=Count("agenda_items")).order_by("-n", "pk")[0]


def _richest_paper() -> Paper:
    return (
        Paper.objects.filter(public=True)
        .annotate(n=Count("consultations", distinct=True) + Count("files", distinct=True))
        .order_by("-n", "pk")[0]
    )


def _largest_committee() -> Organization:
    return Organization.objects.annotate(n=Count("memberships")).order_by("-n", "pk")[0]


def _busiest_person() -> Person:
    return Person.objects.annotate(n=Count("memberships")).order_by("-n", "pk")[0]


PAGES: dict[str, Callable[[], str]] = {
    "home": lambda: reverse("home"),
    "calendar": lambda: reverse("meeting-calendar") + "?monat=2026-02",
    "meeting list": lambda: reverse("meeting-list"),
    "meeting": lambda: reverse("meeting-detail", args=[_busiest_meeting().pk]),
    "minutes": lambda: reverse(
        "minutes-detail", args=[Minutes.objects.filter(published_at__isnull=False)[0].meeting_id]
    ),
    "paper list": lambda: reverse("paper-list"),
    "paper": lambda: reverse("paper-detail", args=[_richest_paper().pk]),
    "organization list": lambda: reverse("organization-list"),
    "organization": lambda: reverse("organization-detail", args=[_largest_committee().pk]),
    "person list": lambda: reverse("person-list"),
    "person": lambda: reverse("person-detail", args=[_busiest_person().pk]),
    "workspace": lambda: reverse("workspace"),
    "atom feed": lambda: reverse("feed-atom"),
}


def _count_queries(*, member: bool) -> dict[str, int]:
    client = Client()
    if member:
        client.force_login(User.objects.get(username="ratsmitglied"))
    counts = {}
    for name, url in PAGES.items():
        if name == "workspace" and not member:
            continue
        path = url()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (name, path)
        counts[name] = len(queries)
    return counts


def _seed(*args: str) -> None:
    call_command("seed_demo", "--today", TODAY, "--verbosity", "0", *args, stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("member", [False, True], ids=["citizen", "member"])
def test_every_page_costs_the_same_queries_in_a_small_and_a_large_town(member: bool) -> None:
    _seed()
    small = _count_queries(member=member)
    call_command("flush", "--noinput", verbosity=0)

    _seed("--size", "large", "--papers", "400", "--years", "3")
    assert Paper.objects.count() == 400
    large = _count_queries(member=member)

    print(f"queries per page ({'member' if member else 'citizen'}): {large}")
    assert large == small
