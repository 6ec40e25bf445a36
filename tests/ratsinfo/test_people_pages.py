"""Person pages: the list of current members, a person's page with contact data and the
timeline of memberships."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ratsinfo.models import Body, Organization, User
from ratsinfo.services import object_soft_delete
from ratsinfo.timeline import timeline_build
from tests.factories import (
    LegislativeTermFactory,
    LocationFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
)
from tests.ratsinfo.people import LAST_YEAR, TODAY, TWO_YEARS_AGO, page, person

pytestmark = pytest.mark.django_db

# Person list -----------------------------------------------------------------------------------


def test_person_list_shows_current_members_alphabetically(
    client: Client, body: Body, committee: Organization
) -> None:
    MembershipFactory(organization=committee, person=person(body, "Zoe", "Zander"))
    MembershipFactory(organization=committee, person=person(body, "Anna", "Albers"))
    MembershipFactory(
        organization=committee,
        person=person(body, "Erwin", "Ehemalig"),
        start_date=TWO_YEARS_AGO,
        end_date=LAST_YEAR,
    )
    person(body, "Ohne", "Mandat")

    content = page(client, reverse("person-list"))

    assert content.index("Anna Albers") < content.index("Zoe Zander")
    assert "Erwin Ehemalig" not in content
    assert "Ohne Mandat" not in content
    assert "2 Personen" in content


def test_person_list_filters_by_faction_membership_or_on_behalf_of(
    client: Client, body: Body, council: Organization, faction: Organization
) -> None:
    in_faction = person(body, "Frieda", "Fraktion")
    MembershipFactory(organization=faction, person=in_faction)
    MembershipFactory(organization=council, person=in_faction)
    MembershipFactory(
        organization=council, person=person(body, "Sven", "Sachkundig"), on_behalf_of=faction
    )
    MembershipFactory(organization=council, person=person(body, "Paul", "Parteilos"))

    content = page(client, reverse("person-list"), fraktion=faction.pk)

    assert "Frieda Fraktion" in content
    assert "Sven Sachkundig" in content
    assert "Paul Parteilos" not in content
    assert f'<option value="{faction.pk}" selected>Fraktion Grüne</option>' in content


@pytest.mark.parametrize("value", ["xyz", "999999"])
def test_person_list_with_unknown_faction_shows_everyone_with_a_message(
    client: Client, body: Body, council: Organization, value: str
) -> None:
    MembershipFactory(organization=council, person=person(body, "Paul", "Parteilos"))

    content = page(client, reverse("person-list"), fraktion=value)

    assert "Die gewählte Fraktion wurde nicht gefunden." in content
    assert "Paul Parteilos" in content


def test_person_list_leaves_out_deleted_persons(
    client: Client, body: Body, council: Organization
) -> None:
    membership = MembershipFactory(organization=council, person=person(body, "Del", "Eted"))
    object_soft_delete(obj=membership.person)

    assert "Del Eted" not in page(client, reverse("person-list"))


@pytest.mark.parametrize("rows", [3, 40])
def test_person_list_costs_constant_queries(
    client: Client,
    body: Body,
    council: Organization,
    faction: Organization,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(rows):
        membership = MembershipFactory(organization=council, person__body=body)
        MembershipFactory(organization=faction, person=membership.person)

    # Site body, factions for the filter, persons, their memberships.
    with django_assert_max_num_queries(4):
        page(client, reverse("person-list"))
    with django_assert_max_num_queries(4):
        page(client, reverse("person-list"), fraktion=faction.pk)


# Person detail ---------------------------------------------------------------------------------


def test_person_page_shows_form_of_address_title_and_faction(
    client: Client, body: Body, council: Organization, faction: Organization
) -> None:
    someone = person(body, "Erika", "Muster", form_of_address="Frau", title=["Dr."])
    MembershipFactory(organization=council, person=someone, on_behalf_of=faction)

    content = page(client, reverse("person-detail", args=[someone.pk]))

    assert '<span class="person-address">Frau</span> Dr. Erika Muster</h1>' in content
    assert f'<a href="/gremien/{faction.pk}/">Fraktion Grüne</a>' in content


def test_person_page_does_not_repeat_a_title_the_name_carries(client: Client, body: Body) -> None:
    someone = PersonFactory(body=body, name="Dr. Erika Muster", title=["Dr."])

    content = page(client, reverse("person-detail", args=[someone.pk]))

    assert "Dr. Dr." not in content
    assert "Dr. Erika Muster</h1>" in content


def test_person_page_hides_contact_data_without_consent(client: Client, body: Body) -> None:
    someone = person(
        body,
        "Erika",
        "Muster",
        phone=["0123 45678"],
        email=["erika@example.org"],
        location=LocationFactory(street_address="Lindenallee 7"),
        contact_public=False,
    )

    content = page(client, reverse("person-detail", args=[someone.pk]))

    assert "0123 45678" not in content
    assert "erika@example.org" not in content
    assert "Lindenallee 7" not in content
    assert "Es sind keine Kontaktdaten veröffentlicht." in content


def test_person_page_shows_contact_data_with_consent(client: Client, body: Body) -> None:
    someone = person(
        body,
        "Erika",
        "Muster",
        phone=["0123 45678"],
        email=["erika@example.org"],
        location=LocationFactory(street_address="Lindenallee 7"),
        contact_public=True,
    )

    content = page(client, reverse("person-detail", args=[someone.pk]))

    assert '<a href="tel:012345678">0123 45678</a>' in content
    assert '<a href="mailto:erika@example.org">erika@example.org</a>' in content
    assert "Lindenallee 7" in content


def test_person_timeline_contains_past_memberships(
    client: Client, body: Body, council: Organization, committee: Organization
) -> None:
    someone = person(body, "Erika", "Muster")
    LegislativeTermFactory(
        body=body, name="Wahlperiode 2024–2029", start_date=LAST_YEAR, end_date=None
    )
    MembershipFactory(organization=council, person=someone, start_date=LAST_YEAR)
    MembershipFactory(
        organization=committee,
        person=someone,
        role="Vorsitzende",
        start_date=TWO_YEARS_AGO,
        end_date=LAST_YEAR,
    )

    response = client.get(reverse("person-detail", args=[someone.pk]))

    timeline = response.context["timeline"]
    assert [(bar.membership.organization.name, bar.current) for bar in timeline.bars] == [
        ("Bauausschuss", False),
        ("Rat der Stadt", True),
    ]
    content = response.content.decode()
    assert '<div class="timeline" aria-hidden="true">' in content
    assert "<caption>Alle Mitgliedschaften</caption>" in content
    assert content.count('class="timeline__bar timeline__bar--current"') == 1
    assert "Wahlperiode 2024–2029" in content
    current_table = content[: content.index("Mitgliedschaften im Zeitverlauf")]
    assert "Bauausschuss" not in current_table


def test_person_without_memberships_is_still_shown(client: Client, body: Body) -> None:
    someone = person(body, "Ohne", "Mandat")

    content = page(client, reverse("person-detail", args=[someone.pk]))

    assert "Ohne Mandat" in content
    assert "Zurzeit keine Mitgliedschaft in einem Gremium." in content


def test_deleted_person_is_not_found(client: Client, body: Body) -> None:
    someone = person(body, "Del", "Eted")
    object_soft_delete(obj=someone)

    response = client.get(reverse("person-detail", args=[someone.pk]))

    assert response.status_code == 404
    assert "Eted" not in response.content.decode()


@pytest.mark.parametrize("rows", [3, 40])
def test_person_page_costs_constant_queries(
    client: Client, body: Body, faction: Organization, rows: int, django_assert_max_num_queries: Any
) -> None:
    someone = person(body, "Erika", "Muster", contact_public=True, location=LocationFactory())
    LegislativeTermFactory(body=body)
    for index in range(rows):
        MembershipFactory(
            organization=OrganizationFactory(body=body),
            person=someone,
            on_behalf_of=faction,
            start_date=TWO_YEARS_AGO + datetime.timedelta(days=index),
            end_date=LAST_YEAR if index % 2 else None,
        )

    # Site body, person with address, memberships, legislative term.
    with django_assert_max_num_queries(4):
        page(client, reverse("person-detail", args=[someone.pk]))


@pytest.mark.parametrize("rows", [3, 40])
def test_person_page_costs_constant_queries_for_members(
    client_for: Any,
    body: Body,
    committee: Organization,
    member: User,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(member)
    someone = member.person
    assert someone is not None
    for _ in range(rows):
        MembershipFactory(organization=OrganizationFactory(body=body), person=someone)

    # Session, user, the user's rights, then the four queries of the page.
    with django_assert_max_num_queries(7):
        page(client, reverse("person-detail", args=[someone.pk]))


# Timeline --------------------------------------------------------------------------------------


def test_timeline_places_bars_on_an_axis_spanning_term_and_memberships(body: Body) -> None:
    term = LegislativeTermFactory(
        body=body, start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2025, 12, 31)
    )
    first = MembershipFactory(
        person__body=body,
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 12, 31),
    )
    second = MembershipFactory(
        person__body=body, start_date=datetime.date(2025, 1, 1), end_date=None
    )

    timeline = timeline_build(
        memberships=[first, second], term=term, today=datetime.date(2025, 12, 31)
    )

    assert timeline is not None
    assert (timeline.start, timeline.end) == (
        datetime.date(2024, 1, 1),
        datetime.date(2025, 12, 31),
    )
    assert [(bar.offset, bar.width) for bar in timeline.bars] == [
        ("0.000%", "50.068%"),
        ("50.068%", "49.932%"),
    ]
    assert [tick.year for tick in timeline.ticks] == [2025]
    assert timeline.term_span == ("0.000%", "100.000%")


def test_timeline_of_no_memberships_is_none() -> None:
    assert timeline_build(memberships=[], term=None, today=TODAY) is None
