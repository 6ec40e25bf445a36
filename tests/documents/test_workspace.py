"""A member's workspace: next meetings of their committees, their committees, the papers on
those agendas and their latest notes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ratsinfo.models import Body, Organization, User
from sessions.models import Meeting
from tests.documents.conftest import CANARY, MeetingScenario, build_meeting
from tests.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def workspace(client: Client) -> str:
    response = client.get(reverse("workspace"))
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client: Client, db: None) -> None:
    response = client.get(reverse("workspace"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('workspace')}"


def test_member_sees_the_next_meetings_of_their_committees(
    client_for: Any,
    body: Body,
    committee: Organization,
    other_committee: Organization,
    member: User,
) -> None:
    mine = MeetingFactory(body=body, name="Bauausschuss im Mai", organizations=[committee])
    MeetingFactory(body=body, name="Sozialausschuss im Mai", organizations=[other_committee])
    MeetingFactory(
        body=body,
        name="Bauausschuss im Vorjahr",
        organizations=[committee],
        start=timezone.now() - datetime.timedelta(days=300),
    )
    MeetingFactory(
        body=body,
        name="Bauausschuss abgesagt",
        organizations=[committee],
        state=Meeting.State.CANCELLED,
    )

    content = workspace(client_for(member))

    assert "Meine nächsten Sitzungen" in content
    assert "Bauausschuss im Mai" in content
    assert reverse("meeting-detail", args=[mine.pk]) in content
    assert "Sozialausschuss im Mai" not in content
    assert "Bauausschuss im Vorjahr" not in content
    assert "Bauausschuss abgesagt" in content
    assert "abgesagt</span>" in content


def test_meeting_of_two_of_my_committees_is_listed_once(
    client_for: Any, body: Body, committee: Organization, council: Organization, member: User
) -> None:
    MembershipFactory(person=member.person, organization=council)
    MeetingFactory(body=body, name="Gemeinsame Sitzung", organizations=[committee, council])

    assert workspace(client_for(member)).count("Gemeinsame Sitzung</a>") == 1


def test_member_sees_their_committees_with_role(
    client_for: Any, body: Body, committee: Organization, council: Organization, member: User
) -> None:
    MembershipFactory(person=member.person, organization=council, role="Vorsitzende")
    MembershipFactory(
        person=member.person,
        organization=OrganizationFactory(body=body, name="Ehemaliger Ausschuss"),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
        start_date=timezone.localdate() - datetime.timedelta(days=100),
    )

    content = workspace(client_for(member))

    assert "Meine Gremien" in content
    assert "Bauausschuss</a> – Mitglied" in content
    assert "Rat der Stadt</a> – Vorsitzende" in content
    assert "Ehemaliger Ausschuss" not in content


def test_papers_of_the_next_meetings_include_non_public_ones_marked(
    client_for: Any, scenario: MeetingScenario, member: User
) -> None:
    content = workspace(client_for(member))

    table = content.split("Vorlagen der nächsten Sitzungen", 1)[1]
    assert "<caption>" in table
    assert '<th scope="col">' in table
    assert "2026/0100" in table
    assert f"Ankauf Flurstück {CANARY}" in table
    assert "nichtöffentlich" in table


def test_papers_the_member_may_not_see_are_left_out(
    client_for: Any,
    body: Body,
    committee: Organization,
    other_committee: Organization,
    member: User,
) -> None:
    meeting = MeetingFactory(body=body, organizations=[committee])
    secret = PaperFactory(body=body, name=f"Fremde Sache {CANARY}", public=False)
    ConsultationFactory(
        paper=secret,
        agenda_item=AgendaItemFactory(meeting=meeting),
        organizations=[other_committee],
    )
    draft = PaperFactory(body=body, name=f"Entwurf {CANARY}", published_at=None)
    ConsultationFactory(paper=draft, agenda_item=AgendaItemFactory(meeting=meeting))

    assert CANARY not in workspace(client_for(member))


def test_member_sees_their_latest_notes_with_links(
    client_for: Any, scenario: MeetingScenario, member: User, other_member: User
) -> None:
    NoteFactory(author=member, paper=scenario.public_paper, text="Kosten nachfragen")
    NoteFactory(
        author=member, paper=None, agenda_item=scenario.public_item, text="Wortmeldung vorbereiten"
    )
    NoteFactory(author=other_member, paper=scenario.public_paper, text="Fremde Notiz")

    content = workspace(client_for(member))

    assert "Kosten nachfragen" in content
    assert "Wortmeldung vorbereiten" in content
    assert "Fremde Notiz" not in content
    assert reverse("paper-detail", args=[scenario.public_paper.pk]) + "#notiz" in content
    meeting_url = reverse("meeting-detail", args=[scenario.meeting.pk])
    assert f"{meeting_url}#top-{scenario.public_item.pk}" in content


def test_clerk_without_a_person_gets_an_explanation(client_for: Any, clerk: User) -> None:
    content = workspace(client_for(clerk))

    assert "Ihr Zugang ist mit keiner Person verbunden" in content
    assert "Meine nächsten Sitzungen" not in content
    assert "Meine Notizen" in content


def test_member_without_committees_sees_empty_states(client_for: Any, body: Body) -> None:
    user = UserFactory(person=PersonFactory(body=body))

    content = workspace(client_for(user))

    assert "Sie gehören zurzeit keinem Gremium an." in content
    assert "Für Ihre Gremien sind zurzeit keine Sitzungen angesetzt." in content


@pytest.mark.parametrize("rows", [1, 12])
def test_workspace_costs_constant_queries(
    client_for: Any,
    body: Body,
    committee: Organization,
    member: User,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(member)
    for row in range(rows):
        scenario = build_meeting(body, committee, references=(f"A/{row}", f"B/{row}"))
        NoteFactory(author=member, paper=scenario.public_paper)
        NoteFactory(author=member, paper=None, agenda_item=scenario.non_public_item)

    # Session, user, rights; body, notes, memberships, meetings, their organizations, papers.
    with django_assert_max_num_queries(9):
        workspace(client)
