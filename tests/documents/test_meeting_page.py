"""The meeting page: header, downloads, agenda with papers, files and results; the non-public
part only for those the visibility rule lets see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ratsinfo.models import Body, Organization, User
from sessions.models import Meeting
from tests.documents.conftest import CANARY, MeetingScenario, build_meeting
from tests.factories import AgendaItemFactory, MeetingFactory, MinutesFactory

pytestmark = pytest.mark.django_db


def page(client: Client, meeting: Meeting) -> str:
    response = client.get(reverse("meeting-detail", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_public_items_are_listed_with_number_name_and_paper(
    client: Client, scenario: MeetingScenario
) -> None:
    content = page(client, scenario.meeting)

    assert "<h1>Sitzung des Bauausschusses" in content
    assert "Öffentlicher Teil" in content
    assert "Ö 1" in content
    assert "Radweg Lindenallee" in content
    assert "2026/0100" in content
    assert reverse("paper-detail", args=[scenario.public_paper.pk]) in content
    assert "Beschlussvorlage Radweg" in content


def test_anonymous_visitor_sees_nothing_of_the_non_public_part(
    client: Client, scenario: MeetingScenario
) -> None:
    content = page(client, scenario.meeting)

    assert scenario.non_public_item.name not in content
    assert CANARY not in content
    assert "2026/0101" not in content
    assert "Nichtöffentlicher Teil" not in content
    assert "nichtöffentlich" not in content


def test_member_of_another_committee_sees_nothing_of_the_non_public_part(
    client_for: Any, scenario: MeetingScenario, other_member: User
) -> None:
    content = page(client_for(other_member), scenario.meeting)

    assert scenario.non_public_item.name not in content
    assert CANARY not in content
    assert "Nichtöffentlicher Teil" not in content


@pytest.mark.parametrize("persona", ["member", "clerk"])
def test_members_and_clerks_see_the_non_public_part_marked(
    client_for: Any, scenario: MeetingScenario, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)

    content = page(client_for(user), scenario.meeting)

    assert "Nichtöffentlicher Teil" in content
    assert scenario.non_public_item.name in content
    assert f"Ankauf Flurstück {CANARY}" in content
    assert f"Gutachten {CANARY}" in content
    non_public_part = content.split("Nichtöffentlicher Teil", 1)[1]
    assert "nichtöffentlich" in non_public_part
    assert content.index("Radweg Lindenallee") < content.index(scenario.non_public_item.name)


def test_unpublished_meeting_is_not_found_for_anonymous_visitors(
    client: Client, body: Body, committee: Organization
) -> None:
    meeting = MeetingFactory(body=body, name="Klausur in Vorbereitung", published_at=None)

    response = client.get(reverse("meeting-detail", args=[meeting.pk]))

    assert response.status_code == 404
    assert "Klausur in Vorbereitung" not in response.content.decode()


def test_unpublished_meeting_is_shown_to_the_clerk(
    client_for: Any, body: Body, clerk: User
) -> None:
    meeting = MeetingFactory(body=body, name="Klausur in Vorbereitung", published_at=None)

    assert "Klausur in Vorbereitung" in page(client_for(clerk), meeting)


def test_cancelled_meeting_is_marked_in_words(client: Client, body: Body) -> None:
    meeting = MeetingFactory(body=body, state=Meeting.State.CANCELLED)

    content = page(client, meeting)

    assert "Diese Sitzung ist abgesagt." in content
    assert "abgesagt</span>" in content


def test_header_has_place_organizations_calendar_link_and_downloads(
    client: Client, scenario: MeetingScenario, committee: Organization
) -> None:
    content = page(client, scenario.meeting)

    assert "Ratssaal" in content
    assert "Marktplatz 1" in content
    assert "12345 Musterstadt" in content
    assert reverse("organization-detail", args=[committee.pk]) in content
    assert reverse("meeting-ical", args=[scenario.meeting.pk]) in content
    assert "Unterlagen zur Sitzung" in content
    assert "Einladung" in content
    invitation_url = reverse(
        "file-download", args=[scenario.invitation.pk, scenario.invitation.file_name]
    )
    assert f'href="{invitation_url}?inline=1"' in content
    assert f'href="{invitation_url}"' in content


def test_result_and_resolution_text_appear_once_recorded(
    client: Client, scenario: MeetingScenario
) -> None:
    item = scenario.public_item
    item.result = "einstimmig beschlossen"
    item.resolution_text = "Der Ausschuss beschließt den Ausbau."
    item.save()

    content = page(client, scenario.meeting)

    assert "einstimmig beschlossen" in content
    assert "Der Ausschuss beschließt den Ausbau." in content


def test_items_without_number_are_numbered_by_position(client: Client, body: Body) -> None:
    meeting = MeetingFactory(body=body)
    AgendaItemFactory(meeting=meeting, order=5, number="", name="Eröffnung")

    assert 'agenda-item__number">1</span>' in page(client, meeting)


def test_link_to_published_minutes(client: Client, scenario: MeetingScenario) -> None:
    MinutesFactory(meeting=scenario.meeting)

    assert reverse("minutes-detail", args=[scenario.meeting.pk]) in page(client, scenario.meeting)


def test_no_link_to_unpublished_minutes_for_the_public(
    client: Client, scenario: MeetingScenario
) -> None:
    MinutesFactory(meeting=scenario.meeting, published_at=None)

    assert reverse("minutes-detail", args=[scenario.meeting.pk]) not in page(
        client, scenario.meeting
    )


def test_logged_in_member_gets_a_note_field_per_visible_item(
    client_for: Any, scenario: MeetingScenario, member: User
) -> None:
    content = page(client_for(member), scenario.meeting)

    assert content.count("Meine private Notiz (nur für Sie sichtbar)") == 2
    assert reverse("note-save", args=["top", scenario.public_item.pk]) in content
    assert reverse("note-save", args=["top", scenario.non_public_item.pk]) in content


def test_anonymous_visitor_gets_no_note_field(client: Client, scenario: MeetingScenario) -> None:
    assert "Meine private Notiz" not in page(client, scenario.meeting)


def test_page_loads_its_stylesheet(client: Client, scenario: MeetingScenario) -> None:
    assert "css/documents.css" in page(client, scenario.meeting)


def _many_meetings(body: Body, committee: Organization, rows: int) -> Meeting:
    meeting = build_meeting(body, committee).meeting
    for order in range(3, rows + 3):
        AgendaItemFactory(meeting=meeting, order=order, public=order % 2 == 0)
    return meeting


@pytest.mark.parametrize("rows", [2, 30])
def test_meeting_page_costs_constant_queries_for_anonymous_visitors(
    client: Client,
    body: Body,
    committee: Organization,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    meeting = _many_meetings(body, committee, rows)

    # Body, meeting, organizations, meeting files, items, consultations, item and paper files,
    # minutes.
    with django_assert_max_num_queries(8):
        page(client, meeting)


@pytest.mark.parametrize("rows", [2, 30])
def test_meeting_page_costs_constant_queries_for_members(
    client_for: Any,
    body: Body,
    committee: Organization,
    member: User,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(member)
    meeting = _many_meetings(body, committee, rows)

    # Session, user, rights, then the page's eight queries and the member's notes.
    with django_assert_max_num_queries(12):
        page(client, meeting)
