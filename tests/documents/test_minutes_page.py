"""The minutes page (Niederschrift): published minutes for everyone who may see the meeting,
unpublished ones for clerks with a banner, non-public results only for those allowed."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ratsinfo.models import Body, Organization, User
from sessions.models import Minutes
from tests.documents.conftest import CANARY, MeetingScenario, build_meeting
from tests.factories import AgendaItemFactory, MeetingFactory, MinutesFactory

pytestmark = pytest.mark.django_db


def minutes_url(minutes: Minutes) -> str:
    return reverse("minutes-detail", args=[minutes.meeting_id])


def get_page(client: Client, minutes: Minutes) -> str:
    response = client.get(minutes_url(minutes))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def recorded(scenario: MeetingScenario) -> MeetingScenario:
    scenario.public_item.result = "einstimmig beschlossen"
    scenario.public_item.resolution_text = "Der Radweg wird ausgebaut."
    scenario.public_item.save()
    scenario.non_public_item.result = f"vertagt wegen {CANARY}"
    scenario.non_public_item.resolution_text = f"Beschluss über {CANARY}"
    scenario.non_public_item.save()
    return scenario


def test_published_minutes_show_framing_and_public_results(
    client: Client, recorded: MeetingScenario
) -> None:
    minutes = MinutesFactory(
        meeting=recorded.meeting, recorder="Petra Protokoll", approved_on=datetime.date(2026, 4, 2)
    )

    content = get_page(client, minutes)

    assert "Niederschrift" in content
    assert "Sitzung des Bauausschusses" in content
    assert "stellt die Beschlussfähigkeit fest" in content
    assert "Die Vorsitzende schließt die Sitzung." in content
    assert "Petra Protokoll" in content
    assert "2. April 2026" in content
    assert "Ö 1" in content
    assert "einstimmig beschlossen" in content
    assert "Der Radweg wird ausgebaut." in content
    assert "noch nicht veröffentlicht" not in content


def test_non_public_results_are_hidden_from_anonymous_visitors(
    client: Client, recorded: MeetingScenario
) -> None:
    content = get_page(client, MinutesFactory(meeting=recorded.meeting))

    assert CANARY not in content
    assert "Nichtöffentlicher Teil" not in content


def test_non_public_results_are_hidden_from_another_committee(
    client_for: Any, recorded: MeetingScenario, other_member: User
) -> None:
    content = get_page(client_for(other_member), MinutesFactory(meeting=recorded.meeting))

    assert CANARY not in content


def test_members_see_non_public_results_under_their_own_heading(
    client_for: Any, recorded: MeetingScenario, member: User
) -> None:
    content = get_page(client_for(member), MinutesFactory(meeting=recorded.meeting))

    non_public_part = content.split("Nichtöffentlicher Teil", 1)[1]
    assert f"vertagt wegen {CANARY}" in non_public_part
    assert f"Beschluss über {CANARY}" in non_public_part
    assert "nichtöffentlich" in non_public_part


def test_unpublished_minutes_are_not_found_for_anonymous_visitors(
    client: Client, recorded: MeetingScenario
) -> None:
    minutes = MinutesFactory(meeting=recorded.meeting, published_at=None)

    response = client.get(minutes_url(minutes))

    assert response.status_code == 404
    assert "Petra Protokoll" not in response.content.decode()


def test_unpublished_minutes_are_not_found_for_members(
    client_for: Any, recorded: MeetingScenario, member: User
) -> None:
    minutes = MinutesFactory(meeting=recorded.meeting, published_at=None)

    assert client_for(member).get(minutes_url(minutes)).status_code == 404


def test_clerk_sees_unpublished_minutes_with_a_banner(
    client_for: Any, recorded: MeetingScenario, clerk: User
) -> None:
    minutes = MinutesFactory(meeting=recorded.meeting, published_at=None)

    content = get_page(client_for(clerk), minutes)

    assert "Diese Niederschrift ist noch nicht veröffentlicht." in content
    assert "einstimmig beschlossen" in content


def test_minutes_of_an_unpublished_meeting_are_not_found(client: Client, body: Body) -> None:
    minutes = MinutesFactory(meeting=MeetingFactory(body=body, published_at=None))

    assert client.get(minutes_url(minutes)).status_code == 404


def test_meeting_without_minutes_is_not_found(client: Client, body: Body) -> None:
    meeting = MeetingFactory(body=body)

    assert client.get(reverse("minutes-detail", args=[meeting.pk])).status_code == 404


@pytest.mark.parametrize("rows", [2, 30])
def test_minutes_page_costs_constant_queries(
    client_for: Any,
    body: Body,
    committee: Organization,
    member: User,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(member)
    meeting = build_meeting(body, committee).meeting
    for order in range(3, rows + 3):
        AgendaItemFactory(meeting=meeting, order=order, public=order % 2 == 0, result="ja")
    minutes = MinutesFactory(meeting=meeting)

    # Session, user, rights; body, minutes with meeting, organizations, items, consultations.
    with django_assert_max_num_queries(8):
        get_page(client, minutes)
