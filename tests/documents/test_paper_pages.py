"""The paper list with its filters and the paper page with its consultation path, files and
related papers."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.models import File, Paper
from ratsinfo.models import Body, Organization, User
from tests.documents.conftest import CANARY, MeetingScenario
from tests.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    FileFactory,
    MeetingFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def get_page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def paper_page(client: Client, paper: Paper) -> str:
    return get_page(client, reverse("paper-detail", args=[paper.pk]))


def listed_references(content: str) -> list[str]:
    return re.findall(r'<span class="paper-reference">([^<]+)</span>', content)


# --- the list --------------------------------------------------------------------------------


def test_list_shows_visible_papers_newest_first_with_links(client: Client, body: Body) -> None:
    old = PaperFactory(body=body, reference="2025/0001", date=datetime.date(2025, 5, 1))
    new = PaperFactory(body=body, reference="2026/0002", date=datetime.date(2026, 2, 1))
    PaperFactory(body=body, reference="2026/0003", published_at=None)

    content = get_page(client, reverse("paper-list"))

    assert listed_references(content) == ["2026/0002", "2025/0001"]
    assert reverse("paper-detail", args=[new.pk]) in content
    assert reverse("paper-detail", args=[old.pk]) in content


def test_list_hides_non_public_papers_from_anonymous_visitors(
    client: Client, body: Body, committee: Organization
) -> None:
    paper = PaperFactory(body=body, name=f"Personalsache {CANARY}", public=False)
    ConsultationFactory(paper=paper, organizations=[committee])

    assert CANARY not in get_page(client, reverse("paper-list"))


def test_list_shows_non_public_papers_marked_to_members(
    client_for: Any, body: Body, committee: Organization, member: User
) -> None:
    paper = PaperFactory(body=body, name=f"Personalsache {CANARY}", public=False)
    ConsultationFactory(paper=paper, organizations=[committee])

    content = get_page(client_for(member), reverse("paper-list"))

    assert CANARY in content
    assert "nichtöffentlich" in content


def test_list_filters_by_type(client: Client, body: Body) -> None:
    PaperFactory(body=body, reference="2026/0001", paper_type=Paper.Type.MOTION)
    PaperFactory(body=body, reference="2026/0002", paper_type=Paper.Type.INQUIRY)

    content = get_page(client, reverse("paper-list") + "?typ=Antrag")

    assert listed_references(content) == ["2026/0001"]


def test_list_filters_by_organization(
    client: Client, body: Body, committee: Organization, other_committee: Organization
) -> None:
    consulted = PaperFactory(body=body, reference="2026/0001")
    ConsultationFactory(paper=consulted, organizations=[committee])
    PaperFactory(body=body, reference="2026/0002", originator_organizations=[committee])
    PaperFactory(body=body, reference="2026/0003", under_direction_of=[committee])
    elsewhere = PaperFactory(body=body, reference="2026/0004")
    ConsultationFactory(paper=elsewhere, organizations=[other_committee])

    content = get_page(client, reverse("paper-list") + f"?gremium={committee.pk}")

    assert sorted(listed_references(content)) == ["2026/0001", "2026/0002", "2026/0003"]


def test_organization_filter_does_not_reveal_a_non_public_consultation(
    client: Client, body: Body, committee: Organization
) -> None:
    paper = PaperFactory(body=body, reference="2026/0001")
    meeting = MeetingFactory(body=body, organizations=[committee])
    item = AgendaItemFactory(meeting=meeting, public=False)
    ConsultationFactory(paper=paper, agenda_item=item, organizations=[committee])

    content = get_page(client, reverse("paper-list") + f"?gremium={committee.pk}")

    assert listed_references(content) == []


def test_list_filters_by_year(client: Client, body: Body) -> None:
    PaperFactory(body=body, reference="2025/0001", date=datetime.date(2025, 5, 1))
    PaperFactory(body=body, reference="2026/0001", date=datetime.date(2026, 5, 1))

    content = get_page(client, reverse("paper-list") + "?jahr=2025")

    assert listed_references(content) == ["2025/0001"]
    assert '<option value="2026">2026</option>' in content


@pytest.mark.parametrize(
    "query",
    [
        "typ=Zauberspruch",
        "gremium=abc",
        "gremium=999999",
        "jahr=zwanzig",
        "jahr=99999999999999999999",
        "seite=-1",
        "seite=abc",
        "typ=%00",
    ],
)
def test_invalid_filters_give_a_message_never_an_error(
    client: Client, body: Body, query: str
) -> None:
    PaperFactory(body=body, reference="2026/0001")

    content = get_page(client, reverse("paper-list") + "?" + query)

    assert listed_references(content) == ["2026/0001"]
    if not query.startswith("seite"):
        assert "Ein Filter konnte nicht angewendet werden" in content


def test_non_public_organization_cannot_be_probed_through_the_filter(
    client: Client, body: Body
) -> None:
    deleted = OrganizationFactory(body=body, deleted=True)

    content = get_page(client, reverse("paper-list") + f"?gremium={deleted.pk}")

    assert "Dieses Gremium gibt es nicht." in content


def test_list_is_paginated_by_25(client: Client, body: Body) -> None:
    for number in range(30):
        PaperFactory(body=body, reference=f"2026/{number:04d}")

    first = get_page(client, reverse("paper-list") + "?typ=Beschlussvorlage")
    second = get_page(client, reverse("paper-list") + "?typ=Beschlussvorlage&seite=2")

    assert len(listed_references(first)) == 25
    assert len(listed_references(second)) == 5
    assert "Seite 1 von 2" in first
    assert "typ=Beschlussvorlage&amp;seite=2" in first


def test_list_filter_fields_are_labelled(client: Client, body: Body) -> None:
    content = get_page(client, reverse("paper-list"))

    for name in ("typ", "gremium", "jahr"):
        assert f'<label for="id_{name}">' in content


# --- the paper page --------------------------------------------------------------------------


def test_paper_page_shows_facts_and_originators(
    client: Client, body: Body, committee: Organization
) -> None:
    author = PersonFactory(body=body, name="Erika Musterfrau")
    paper = PaperFactory(
        body=body,
        name="Radweg Lindenallee",
        reference="2026/0815",
        paper_type=Paper.Type.MOTION,
        under_direction_of=[committee],
    )
    paper.originator_persons.add(author)

    content = paper_page(client, paper)

    assert "<h1>Radweg Lindenallee</h1>" in content
    assert "2026/0815" in content
    assert "Antrag" in content
    assert "1. März 2026" in content
    assert "Erika Musterfrau" in content
    assert "Federführend" in content
    assert "Bauausschuss" in content


def test_consultation_path_is_in_meeting_order_with_roles_and_results(
    client: Client, body: Body, committee: Organization, council: Organization
) -> None:
    paper = PaperFactory(body=body)
    now = timezone.now()
    council_meeting = MeetingFactory(
        body=body, organizations=[council], start=now + datetime.timedelta(days=30)
    )
    committee_meeting = MeetingFactory(
        body=body, organizations=[committee], start=now - datetime.timedelta(days=5)
    )
    decided = AgendaItemFactory(meeting=council_meeting, result="")
    advised = AgendaItemFactory(meeting=committee_meeting, result="einstimmig empfohlen")
    ConsultationFactory(
        paper=paper, agenda_item=decided, organizations=[council], role="Entscheidung"
    )
    ConsultationFactory(
        paper=paper,
        agenda_item=advised,
        organizations=[committee],
        role="Vorberatung",
        authoritative=False,
    )

    content = paper_page(client, paper)

    path = content.split("Beratungsfolge", 1)[1].split("Dokumente", 1)[0]
    assert path.index("Bauausschuss") < path.index("Rat der Stadt")
    assert path.index("Vorberatung") < path.index("Entscheidung")
    assert "einstimmig empfohlen" in path
    assert "noch offen" in path
    assert reverse("meeting-detail", args=[committee_meeting.pk]) in path


def test_consultation_under_a_non_public_item_is_hidden_from_the_public(
    client: Client, body: Body, committee: Organization
) -> None:
    paper = PaperFactory(body=body)
    meeting = MeetingFactory(body=body, organizations=[committee], name=f"Sitzung {CANARY}")
    item = AgendaItemFactory(meeting=meeting, public=False, result="abgelehnt")
    ConsultationFactory(paper=paper, agenda_item=item, organizations=[committee])

    content = paper_page(client, paper)

    assert CANARY not in content
    assert "abgelehnt" not in content


def test_non_public_file_of_a_public_paper_is_listed_only_for_members(
    client: Client, client_for: Any, scenario: MeetingScenario, member: User, other_member: User
) -> None:
    paper = scenario.public_paper

    anonymous = paper_page(client, paper)
    other = paper_page(client_for(other_member), paper)
    own = paper_page(client_for(member), paper)

    assert "Beschlussvorlage Radweg" in anonymous
    assert CANARY not in anonymous
    assert CANARY not in other
    assert f"Kostenschätzung {CANARY}" in own
    assert "nichtöffentlich" in own


def test_files_show_type_size_and_both_links(client: Client, body: Body) -> None:
    paper = PaperFactory(body=body)
    file = FileFactory(paper=paper, role=File.Role.MAIN, name="Vorlage", file_name="vorlage.pdf")
    File.objects.filter(pk=file.pk).update(size=1_450_000)

    content = paper_page(client, paper)

    url = reverse("file-download", args=[file.pk, "vorlage.pdf"])
    assert "Hauptdokument" in content
    assert "PDF" in content
    assert "1,5 MB" in content
    assert f'href="{url}?inline=1"' in content
    assert "Anzeigen" in content
    assert "Herunterladen" in content


def test_non_pdf_file_offers_no_inline_view(client: Client, body: Body) -> None:
    paper = PaperFactory(body=body)
    FileFactory(paper=paper, file_name="seite.html", mime_type="text/html")

    content = paper_page(client, paper)

    assert "?inline=1" not in content
    assert "Herunterladen" in content


def test_related_superordinated_and_subordinated_papers_are_linked(
    client: Client, body: Body, committee: Organization
) -> None:
    paper = PaperFactory(body=body)
    related = PaperFactory(body=body, name="Verwandter Antrag")
    parent = PaperFactory(body=body, name="Hauptvorlage")
    child = PaperFactory(body=body, name="Ergänzungsvorlage")
    hidden = PaperFactory(body=body, name=f"Entwurf {CANARY}", published_at=None)
    paper.related_papers.add(related, hidden)
    parent.subordinated_papers.add(paper)
    paper.subordinated_papers.add(child)

    content = paper_page(client, paper)

    assert "Verwandter Antrag" in content
    assert "Übergeordnete Vorlagen" in content
    assert "Hauptvorlage" in content
    assert "Ergänzungsvorlage" in content
    assert CANARY not in content


def test_unpublished_paper_is_not_found_for_the_public(client: Client, body: Body) -> None:
    paper = PaperFactory(body=body, name=f"Entwurf {CANARY}", published_at=None)

    response = client.get(reverse("paper-detail", args=[paper.pk]))

    assert response.status_code == 404
    assert CANARY not in response.content.decode()


def test_non_public_paper_is_not_found_for_another_committee(
    client_for: Any, body: Body, committee: Organization, other_member: User
) -> None:
    paper = PaperFactory(body=body, public=False)
    ConsultationFactory(paper=paper, organizations=[committee])

    response = client_for(other_member).get(reverse("paper-detail", args=[paper.pk]))

    assert response.status_code == 404


def test_note_field_only_for_logged_in_users(
    client: Client, client_for: Any, body: Body, member: User
) -> None:
    paper = PaperFactory(body=body)

    assert "Meine private Notiz" not in paper_page(client, paper)
    assert "Meine private Notiz (nur für Sie sichtbar)" in paper_page(client_for(member), paper)


# --- query counts ----------------------------------------------------------------------------


def _rich_paper(body: Body, committee: Organization, rows: int) -> Paper:
    paper = PaperFactory(body=body, under_direction_of=[committee])
    FileFactory(paper=paper, role=File.Role.MAIN)
    for _ in range(rows):
        paper.originator_persons.add(PersonFactory(body=body))
        meeting = MeetingFactory(body=body, organizations=[committee])
        ConsultationFactory(
            paper=paper,
            agenda_item=AgendaItemFactory(meeting=meeting, result="beschlossen"),
            organizations=[committee],
        )
        FileFactory(paper=paper)
        paper.related_papers.add(PaperFactory(body=body))
        paper.subordinated_papers.add(PaperFactory(body=body))
    return paper


@pytest.mark.parametrize("rows", [2, 20])
def test_paper_page_costs_constant_queries(
    client_for: Any,
    body: Body,
    committee: Organization,
    member: User,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(member)
    paper = _rich_paper(body, committee, rows)

    # Session, user, rights; body, paper, consultations with their two kinds of organizations,
    # files, persons, originator and leading organizations, three kinds of related papers;
    # the member's note.
    with django_assert_max_num_queries(16):
        paper_page(client, paper)


@pytest.mark.parametrize("rows", [2, 60])
def test_paper_list_costs_constant_queries(
    client_for: Any,
    body: Body,
    committee: Organization,
    member: User,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(member)
    for _ in range(rows):
        paper = PaperFactory(body=body, public=False)
        ConsultationFactory(paper=paper, organizations=[committee])

    # Session, user, rights; body, organizations, years, count, page.
    with django_assert_max_num_queries(8):
        get_page(client, reverse("paper-list") + f"?gremium={committee.pk}")
