"""Organization pages: the grouped list and an organization's page with its members and next
meetings."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ratsinfo.models import Body, Organization
from ratsinfo.selectors import role_rank
from ratsinfo.services import object_soft_delete
from tests.factories import (
    LocationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
)
from tests.ratsinfo.people import LAST_YEAR, TODAY, TWO_YEARS_AGO, page, person

pytestmark = pytest.mark.django_db

# Organization list -----------------------------------------------------------------------------


def test_organizations_are_grouped_by_kind_with_member_counts(
    client: Client,
    body: Body,
    council: Organization,
    committee: Organization,
    faction: Organization,
) -> None:
    OrganizationFactory(body=body, name="Seniorenbeirat", classification="Beirat")
    OrganizationFactory(
        body=body, name="Stadtwerke GmbH", organization_type=Organization.Type.INSTITUTION
    )
    MembershipFactory(organization=committee, person__body=body)
    MembershipFactory(organization=committee, person__body=body)
    MembershipFactory(organization=committee, person__body=body, end_date=LAST_YEAR)

    content = page(client, reverse("organization-list"))

    order = ["Rat</h2>", "Rat der Stadt", "Ausschüsse</h2>", "Bauausschuss", "2 Mitglieder"]
    order += ["Weitere Gremien</h2>", "Seniorenbeirat", "Fraktionen</h2>", "Fraktion Grüne"]
    order += ["Weitere Organisationen</h2>", "Stadtwerke GmbH"]
    positions = [content.index(text) for text in order]
    assert positions == sorted(positions)
    assert "0 Mitglieder" in content


def test_organization_list_leaves_out_deleted_organizations_and_lists_dissolved_ones_last(
    client: Client, body: Body, committee: Organization
) -> None:
    object_soft_delete(obj=OrganizationFactory(body=body, name="Gelöschter Ausschuss"))
    OrganizationFactory(
        body=body, name="Alter Ausschuss", start_date=TWO_YEARS_AGO, end_date=LAST_YEAR
    )

    content = page(client, reverse("organization-list"))

    assert "Gelöschter Ausschuss" not in content
    assert (
        content.index("Bauausschuss")
        < content.index("Aufgelöste Gremien")
        < content.index("Alter Ausschuss")
    )


@pytest.mark.parametrize("rows", [3, 40])
def test_organization_list_costs_constant_queries(
    client: Client, body: Body, rows: int, django_assert_max_num_queries: Any
) -> None:
    for _ in range(rows):
        organization = OrganizationFactory(body=body)
        MembershipFactory(organization=organization, person__body=body)

    # Site body, organizations with their member counts.
    with django_assert_max_num_queries(2):
        page(client, reverse("organization-list"))


# Organization detail ---------------------------------------------------------------------------


def test_organization_page_lists_chair_first_then_deputies_in_order_then_members(
    client: Client, body: Body, committee: Organization, faction: Organization
) -> None:
    for given, family, role in [
        ("Anna", "Albers", "Mitglied"),
        ("Zoe", "Zander", "Vorsitzende"),
        ("Dora", "Adler", "2. stellvertretende Vorsitzende"),
        ("Bernd", "Berg", "1. stellvertretender Vorsitzender"),
        ("Carla", "Claus", "Stellvertretendes Mitglied"),
    ]:
        MembershipFactory(
            organization=committee,
            person=person(body, given, family),
            role=role,
            on_behalf_of=faction,
        )

    content = page(client, reverse("organization-detail", args=[committee.pk]))

    names = ["Zoe Zander", "Bernd Berg", "Dora Adler", "Anna Albers", "Carla Claus"]
    positions = [content.index(name) for name in names]
    assert positions == sorted(positions)
    assert f'<a href="/gremien/{faction.pk}/">Fraktion Grüne</a>' in content


def test_organization_page_excludes_ended_and_future_memberships(
    client: Client, body: Body, committee: Organization
) -> None:
    MembershipFactory(organization=committee, person=person(body, "Aktuell", "Mitglied"))
    MembershipFactory(
        organization=committee,
        person=person(body, "Frühere", "Vorsitzende"),
        role="Vorsitzende",
        start_date=TWO_YEARS_AGO,
        end_date=LAST_YEAR,
    )
    MembershipFactory(
        organization=committee,
        person=person(body, "Künftiges", "Mitglied"),
        start_date=TODAY + datetime.timedelta(days=30),
    )

    content = page(client, reverse("organization-detail", args=[committee.pk]))

    assert "Aktuell Mitglied" in content
    assert "Frühere Vorsitzende" not in content
    assert "Künftiges Mitglied" not in content


def test_organization_page_lists_sachkundige_buerger_separately(
    client: Client, body: Body, committee: Organization
) -> None:
    MembershipFactory(organization=committee, person=person(body, "Rita", "Rätin"))
    MembershipFactory(
        organization=committee,
        person=person(body, "Bruno", "Bürger"),
        role="Sachkundiger Bürger",
        voting_right=False,
    )

    response = client.get(reverse("organization-detail", args=[committee.pk]))

    members = response.context["members"]
    assert [e.membership.person.name for e in members.members] == ["Rita Rätin"]
    assert [e.membership.person.name for e in members.citizens] == ["Bruno Bürger"]
    content = response.content.decode()
    assert content.index("Sachkundige Bürgerinnen und Bürger</h2>") < content.index("Bruno Bürger")
    assert "beratend, ohne Stimmrecht" in content
    assert "stimmberechtigt" in content


def test_organization_page_links_persons_feed_and_calendar(
    client: Client, body: Body, committee: Organization
) -> None:
    membership = MembershipFactory(organization=committee, person__body=body)

    content = page(client, reverse("organization-detail", args=[committee.pk]))

    assert f'href="/personen/{membership.person.pk}/"' in content
    assert f'href="/gremien/{committee.pk}/kalender.ics"' in content
    assert f'href="/sitzungen/?gremium={committee.pk}"' in content


def test_organization_page_shows_next_visible_meetings(
    client: Client, body: Body, committee: Organization, other_committee: Organization
) -> None:
    meeting = MeetingFactory(body=body, name="Nächste Bausitzung", organizations=[committee])
    MeetingFactory(
        body=body, name="Bau in Vorbereitung", organizations=[committee], published_at=None
    )
    MeetingFactory(body=body, name="Sozialsitzung", organizations=[other_committee])

    content = page(client, reverse("organization-detail", args=[committee.pk]))

    assert f'<a href="/sitzungen/{meeting.pk}/">Nächste Bausitzung</a>' in content
    assert "Bau in Vorbereitung" not in content
    assert "Sozialsitzung" not in content


def test_deleted_organization_is_not_found(client: Client, committee: Organization) -> None:
    object_soft_delete(obj=committee)

    response = client.get(reverse("organization-detail", args=[committee.pk]))

    assert response.status_code == 404
    assert "Bauausschuss" not in response.content.decode()


@pytest.mark.parametrize("rows", [3, 40])
def test_organization_page_costs_constant_queries(
    client: Client,
    body: Body,
    committee: Organization,
    faction: Organization,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(rows):
        MembershipFactory(organization=committee, person__body=body, on_behalf_of=faction)
        MembershipFactory(organization=committee, person__body=body, role="Sachkundige Bürgerin")
        MeetingFactory(body=body, organizations=[committee], location=LocationFactory())

    # Site body, organization, memberships, meetings, their organizations.
    with django_assert_max_num_queries(5):
        page(client, reverse("organization-detail", args=[committee.pk]))


@pytest.mark.parametrize(
    ("role", "rank"),
    [
        ("Vorsitzender", 0),
        ("Bürgermeisterin", 0),
        ("Fraktionsvorsitzende", 0),
        ("1. stellvertretende Vorsitzende", 1),
        ("Stellv. Bürgermeister", 1),
        ("Mitglied", 2),
        ("", 2),
        ("Stellvertretendes Mitglied", 3),
    ],
)
def test_role_rank_puts_leads_before_deputies_before_members(role: str, rank: int) -> None:
    assert role_rank(role) == rank
