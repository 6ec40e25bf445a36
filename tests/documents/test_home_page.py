"""The landing page links into the portal: next meetings, recent papers, recent minutes, the
calendar and the feed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ratsinfo.models import Body, Organization, User
from tests.factories import (
    ConsultationFactory,
    LocationFactory,
    MeetingFactory,
    MinutesFactory,
    PaperFactory,
)

pytestmark = pytest.mark.django_db


def home(client: Client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_next_meetings_link_to_their_pages(client: Client, body: Body) -> None:
    meeting = MeetingFactory(body=body, name="Sitzung des Rates")

    content = home(client)

    assert (
        f'<a href="{reverse("meeting-detail", args=[meeting.pk])}">Sitzung des Rates</a>' in content
    )


def test_recent_papers_link_to_their_pages(client: Client, body: Body) -> None:
    paper = PaperFactory(body=body, name="Radweg Lindenallee")

    content = home(client)

    assert f'<a href="{reverse("paper-detail", args=[paper.pk])}">Radweg Lindenallee</a>' in content
    assert f'href="{reverse("paper-list")}"' in content


def test_recently_published_minutes_are_listed_with_links(client: Client, body: Body) -> None:
    meeting = MeetingFactory(body=body, name="Sitzung des Bauausschusses")
    MinutesFactory(meeting=meeting)
    MinutesFactory(meeting=MeetingFactory(body=body, name="Klausur im Entwurf"), published_at=None)

    content = home(client)

    assert "Zuletzt veröffentlichte Niederschriften" in content
    assert "Niederschrift: Sitzung des Bauausschusses" in content
    assert reverse("minutes-detail", args=[meeting.pk]) in content
    assert "Niederschrift: Klausur im Entwurf" not in content


def test_home_shows_an_empty_state_for_minutes(client: Client, body: Body) -> None:
    assert "Es wurden noch keine Niederschriften veröffentlicht." in home(client)


def test_home_links_to_the_calendar_and_has_a_search_box(client: Client, body: Body) -> None:
    content = home(client)

    assert f'href="{reverse("meeting-calendar")}"' in content
    assert f'role="search" method="get" action="{reverse("search")}"' in content
    assert 'type="search" id="start-suche" name="q"' in content


def test_workspace_link_only_for_logged_in_users(
    client: Client, client_for: Any, body: Body, member: User
) -> None:
    assert reverse("workspace") not in home(client)
    assert reverse("workspace") in home(client_for(member))


@pytest.mark.parametrize("rows", [2, 30])
def test_home_costs_constant_queries_with_minutes(
    client_for: Any,
    body: Body,
    committee: Organization,
    member: User,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(member)
    for _ in range(rows):
        meeting = MeetingFactory(body=body, organizations=[committee], location=LocationFactory())
        MinutesFactory(meeting=meeting)
        paper = PaperFactory(body=body, public=False)
        ConsultationFactory(paper=paper, organizations=[committee])

    # Session, user, rights; body, meetings, their organizations, papers, minutes.
    with django_assert_max_num_queries(8):
        home(client)
