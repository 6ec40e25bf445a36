"""The Atom feed of newly published papers and minutes: public content only, whoever asks."""

from __future__ import annotations

import datetime
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ratsinfo.models import Body, Organization, User
from tests.factories import (
    ConsultationFactory,
    MeetingFactory,
    MinutesFactory,
    NoteFactory,
    PaperFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client: Client) -> ElementTree.Element:
    response = client.get(reverse("feed-atom"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)  # noqa: S314 - our own feed, not input


def entry_titles(root: ElementTree.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title", "") for entry in root.iter(f"{ATOM}entry")]


def test_feed_is_atom_with_a_german_title(client: Client, body: Body) -> None:
    root = feed(client)

    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Stadt Musterstadt: neue Vorlagen und Niederschriften"


def test_feed_lists_a_published_public_paper_with_a_link(client: Client, body: Body) -> None:
    paper = PaperFactory(body=body, reference="2026/0815", name="Radweg Lindenallee")

    root = feed(client)

    assert entry_titles(root) == ["Vorlage 2026/0815: Radweg Lindenallee"]
    link = next(root.iter(f"{ATOM}entry")).find(f"{ATOM}link")
    assert link is not None
    assert link.get("href", "").endswith(reverse("paper-detail", args=[paper.pk]))


def test_feed_lists_published_minutes(client: Client, body: Body) -> None:
    meeting = MeetingFactory(body=body, name="Sitzung des Rates")
    MinutesFactory(meeting=meeting)

    titles = entry_titles(feed(client))

    assert len(titles) == 1
    assert titles[0].startswith("Niederschrift: Sitzung des Rates")


def test_feed_orders_entries_by_publication_newest_first(client: Client, body: Body) -> None:
    now = timezone.now()
    PaperFactory(body=body, reference="2026/0001", published_at=now - datetime.timedelta(days=3))
    MinutesFactory(
        meeting=MeetingFactory(body=body, name="Ratssitzung"),
        published_at=now - datetime.timedelta(days=2),
    )
    PaperFactory(body=body, reference="2026/0002", published_at=now - datetime.timedelta(days=1))

    titles = entry_titles(feed(client))

    assert [title.split(":")[0] for title in titles] == [
        "Vorlage 2026/0002",
        "Niederschrift",
        "Vorlage 2026/0001",
    ]


def test_feed_omits_non_public_and_unpublished_content_even_for_members(
    client_for: Any, body: Body, committee: Organization, member: User
) -> None:
    secret = PaperFactory(body=body, name="Grundstücksankauf Kanarienvogel", public=False)
    ConsultationFactory(paper=secret, organizations=[committee])
    PaperFactory(body=body, name="Entwurf Kanarienvogel", published_at=None)
    MinutesFactory(
        meeting=MeetingFactory(body=body, name="Kanarienvogel-Sitzung"), published_at=None
    )

    response = client_for(member).get(reverse("feed-atom"))

    assert "Kanarienvogel" not in response.content.decode()


def test_feed_contains_no_note_text(client_for: Any, body: Body, member: User) -> None:
    paper = PaperFactory(body=body)
    NoteFactory(author=member, paper=paper, text="Meine geheime Randbemerkung")

    response = client_for(member).get(reverse("feed-atom"))

    assert paper.reference in response.content.decode()
    assert "Randbemerkung" not in response.content.decode()


def test_feed_holds_at_most_50_entries(client: Client, body: Body) -> None:
    for _ in range(55):
        PaperFactory(body=body)

    assert len(entry_titles(feed(client))) == 50


def test_home_page_announces_the_feed(client: Client, body: Body) -> None:
    content = client.get(reverse("home")).content.decode()

    assert (
        f'<link rel="alternate" type="application/atom+xml" href="{reverse("feed-atom")}"'
        in content
    )


@pytest.mark.parametrize("rows", [2, 30])
def test_feed_costs_constant_queries(
    client: Client, body: Body, rows: int, django_assert_max_num_queries: Any
) -> None:
    for _ in range(rows):
        PaperFactory(body=body)
        MinutesFactory(meeting=MeetingFactory(body=body))

    # Body, papers, minutes with their meetings.
    with django_assert_max_num_queries(3):
        feed(client)
