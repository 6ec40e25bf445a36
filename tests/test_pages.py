"""The landing page, login and logout, the error pages and the language switch."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views import defaults

from ratsinfo.models import Body, Organization, User
from tests.factories import (
    ConsultationFactory,
    LocationFactory,
    MeetingFactory,
    PaperFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_home_is_german_by_default(client: Client, body: Body) -> None:
    response = client.get(reverse("home"))

    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="de">' in content
    assert "Nächste Sitzungen" in content
    assert "Zuletzt veröffentlichte Vorlagen" in content
    assert "Zum Inhalt springen" in content
    assert body.name in content


def test_language_switch_gives_english(client: Client, body: Body) -> None:
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True
    )

    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Upcoming meetings" in content
    assert "Nächste Sitzungen" not in content


def test_english_browser_still_gets_german_until_the_visitor_switches(
    client: Client, body: Body
) -> None:
    german = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()

    assert '<html lang="de">' in german
    assert '<html lang="en">' in english


def test_unknown_language_cookie_falls_back_to_german(client: Client, body: Body) -> None:
    client.cookies["django_language"] = "xx"

    assert '<html lang="de">' in client.get(reverse("home")).content.decode()


def test_home_shows_empty_states_without_data(client: Client, body: Body) -> None:
    content = client.get(reverse("home")).content.decode()

    assert "Zurzeit sind keine Sitzungen angekündigt." in content
    assert "Es wurden noch keine Vorlagen veröffentlicht." in content


def test_upcoming_published_meeting_is_listed_with_committee_and_location(
    client: Client, body: Body, committee: Organization
) -> None:
    location = LocationFactory(description="Rathaus", room="Ratssaal")
    start = timezone.make_aware(datetime.datetime(2099, 3, 5, 18, 0))
    MeetingFactory(
        body=body,
        name="Sitzung des Bauausschusses",
        organizations=[committee],
        start=start,
        location=location,
    )

    content = client.get(reverse("home")).content.decode()

    assert "Sitzung des Bauausschusses" in content
    assert "Bauausschuss" in content
    assert "Ratssaal" in content
    assert "5. März 2099" in content
    assert "18:00 Uhr" in content


def test_unpublished_meeting_is_not_listed(client: Client, body: Body) -> None:
    MeetingFactory(body=body, name="Vorbesprechung in Vorbereitung", published_at=None)

    content = client.get(reverse("home")).content.decode()

    assert "Vorbesprechung in Vorbereitung" not in content


def test_non_public_paper_is_hidden_from_anonymous_visitors(
    client: Client, body: Body, committee: Organization
) -> None:
    paper = PaperFactory(body=body, name="Grundstücksankauf Nord", public=False)
    ConsultationFactory(paper=paper, organizations=[committee])
    PaperFactory(body=body, name="Radweg Lindenallee", reference="2026/0815")

    content = client.get(reverse("home")).content.decode()

    assert "Grundstücksankauf Nord" not in content
    assert "Radweg Lindenallee" in content
    assert "2026/0815" in content
    assert "Beschlussvorlage" in content


def test_non_public_paper_is_listed_for_a_member_of_the_consulting_committee(
    client_for: Any, body: Body, committee: Organization, member: User
) -> None:
    paper = PaperFactory(body=body, name="Grundstücksankauf Nord", public=False)
    ConsultationFactory(paper=paper, organizations=[committee])

    content = client_for(member).get(reverse("home")).content.decode()

    assert "Grundstücksankauf Nord" in content
    assert "nichtöffentlich" in content


def test_login_page_has_labelled_fields(client: Client, db: None) -> None:
    content = client.get(reverse("login")).content.decode()

    assert '<label for="id_username">Benutzername</label>' in content
    assert '<label for="id_password">Passwort</label>' in content


def test_login_with_username_and_password_then_logout(client: Client, member: User) -> None:
    response = client.post(
        reverse("login"), {"username": "mitglied", "password": "geheim-123"}, follow=True
    )

    assert response.context["user"] == member
    assert "Angemeldet als" in response.content.decode()

    response = client.post(reverse("logout"), follow=True)

    assert not response.context["user"].is_authenticated
    assert "_auth_user_id" not in client.session


def test_failed_login_is_announced(client: Client, member: User) -> None:
    response = client.post(reverse("login"), {"username": "mitglied", "password": "falsch"})

    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "Die Anmeldung hat nicht geklappt." in content
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post(client_for: Any, member: User) -> None:
    client = client_for(member)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert "_auth_user_id" in client.session


def test_not_found_page_is_german(client: Client, db: None) -> None:
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    content = response.content.decode()
    assert '<html lang="de">' in content
    assert "Seite nicht gefunden" in content
    assert "Zur Startseite" in content


def test_not_found_page_does_not_reveal_the_object(rf: RequestFactory, db: None) -> None:
    request = rf.get("/vorlagen/4711/")
    request.user = AnonymousUser()

    response = defaults.page_not_found(
        request, Http404("Vorlage „Grundstücksankauf Nord“ ist nichtöffentlich")
    )

    assert response.status_code == 404
    assert "Grundstücksankauf" not in response.content.decode()
    assert "nichtöffentlich" not in response.content.decode()


def test_forbidden_page_offers_login(rf: RequestFactory, db: None) -> None:
    request = rf.get("/vertraulich/")
    request.user = AnonymousUser()

    response = defaults.permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    content = response.content.decode()
    assert "Kein Zugriff" in content
    assert "Melden Sie sich an" in content


def test_server_error_page_renders_without_a_request_context(rf: RequestFactory) -> None:
    response = defaults.server_error(rf.get("/"))

    assert response.status_code == 500
    content = response.content.decode()
    assert "Ein Fehler ist aufgetreten" in content
    assert "Zur Startseite" in content


def test_healthz_reports_ok(client: Client, db: None) -> None:
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize("rows", [2, 40])
def test_home_costs_constant_queries_for_anonymous_visitors(
    client: Client,
    body: Body,
    committee: Organization,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(rows):
        MeetingFactory(body=body, organizations=[committee], location=LocationFactory())
        PaperFactory(body=body)

    # Body, meetings, their organizations, papers, minutes.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("home"))

    assert response.status_code == 200


@pytest.mark.parametrize("rows", [2, 40])
def test_home_costs_constant_queries_for_members(
    client_for: Any,
    body: Body,
    committee: Organization,
    member: User,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(member)
    for _ in range(rows):
        MeetingFactory(body=body, organizations=[committee], location=LocationFactory())
        paper = PaperFactory(body=body, public=False)
        ConsultationFactory(paper=paper, organizations=[committee])

    # Session, user, the user's rights (one query), then the five queries of the page.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("home"))

    assert response.status_code == 200


def test_staff_see_a_link_to_the_admin(client_for: Any, db: None) -> None:
    staff = UserFactory(is_staff=True, is_superuser=True)

    content = client_for(staff).get(reverse("home")).content.decode()

    assert reverse("admin:index") in content
