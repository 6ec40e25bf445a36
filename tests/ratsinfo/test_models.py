"""Core models: database constraints, soft deletion and how each object names itself."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from ratsinfo.models import LegislativeTerm, Location, Membership, Organization
from tests.factories import (
    BodyFactory,
    LegislativeTermFactory,
    LocationFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 5, 1)
DAY_BEFORE = datetime.date(2026, 4, 30)


# --- date ranges -----------------------------------------------------------------------------

RANGED_FACTORIES: dict[str, Any] = {
    "membership": MembershipFactory,
    "legislative_term": LegislativeTermFactory,
    "organization": OrganizationFactory,
}


@pytest.mark.parametrize("kind", RANGED_FACTORIES)
def test_end_date_before_start_date_is_rejected(kind):
    factory = RANGED_FACTORIES[kind]

    with pytest.raises(IntegrityError), transaction.atomic():
        factory(start_date=START, end_date=DAY_BEFORE)


@pytest.mark.parametrize("kind", RANGED_FACTORIES)
def test_end_date_on_the_start_day_is_allowed(kind):
    obj = RANGED_FACTORIES[kind](start_date=START, end_date=START)

    assert obj.end_date == obj.start_date


@pytest.mark.parametrize("kind", RANGED_FACTORIES)
def test_open_ended_range_is_allowed(kind):
    obj = RANGED_FACTORIES[kind](start_date=START, end_date=None)

    assert obj.end_date is None


def test_end_date_before_start_date_is_rejected_on_raw_update():
    term = LegislativeTermFactory(start_date=START, end_date=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        LegislativeTerm.objects.filter(pk=term.pk).update(end_date=DAY_BEFORE)


# --- organization names ----------------------------------------------------------------------


def test_duplicate_organization_name_in_one_body_is_rejected(body):
    OrganizationFactory(body=body, name="Bauausschuss")

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(body=body, name="Bauausschuss")


def test_same_organization_name_in_another_body_is_allowed(body):
    OrganizationFactory(body=body, name="Bauausschuss")

    other = OrganizationFactory(body=BodyFactory(), name="Bauausschuss")

    assert other.pk is not None


def test_organization_name_is_free_again_after_soft_deletion(body):
    first = OrganizationFactory(body=body, name="Bauausschuss")
    Organization.objects.filter(pk=first.pk).update(deleted=True)

    second = OrganizationFactory(body=body, name="Bauausschuss")

    assert second.pk != first.pk


# --- soft deletion ---------------------------------------------------------------------------


def test_default_manager_hides_deleted_rows(body):
    deleted = OrganizationFactory(body=body, deleted=True)
    alive = OrganizationFactory(body=body)

    assert list(Organization.objects.filter(body=body)) == [alive]
    assert deleted not in Organization.objects.all()


def test_all_objects_shows_deleted_rows(body):
    deleted = OrganizationFactory(body=body, deleted=True)

    assert deleted in Organization.all_objects.all()


def test_reverse_relation_hides_deleted_rows(body):
    OrganizationFactory(body=body, deleted=True)
    alive = OrganizationFactory(body=body)

    assert list(body.organizations.all()) == [alive]


def test_forward_relation_reaches_a_deleted_target(body):
    """Related objects are fetched with the base manager, so a row never loses its parent."""
    organization = OrganizationFactory(body=body)
    membership = MembershipFactory(organization=organization, person__body=body)
    Organization.objects.filter(pk=organization.pk).update(deleted=True)

    fetched = Membership.objects.get(pk=membership.pk)

    assert fetched.organization == organization


def test_new_objects_are_not_deleted(body):
    assert body.deleted is False


# --- names -----------------------------------------------------------------------------------


def test_body_str_is_its_name():
    assert str(BodyFactory(name="Stadt Musterstadt")) == "Stadt Musterstadt"


def test_legislative_term_str_is_its_name():
    assert str(LegislativeTermFactory(name="Wahlperiode 2024–2029")) == "Wahlperiode 2024–2029"


def test_organization_str_is_its_name():
    assert str(OrganizationFactory(name="Bauausschuss")) == "Bauausschuss"


def test_person_str_is_its_name():
    assert str(PersonFactory(name="Dr. Erika Mustermann")) == "Dr. Erika Mustermann"


def test_membership_str_names_person_organization_and_role(body):
    membership = MembershipFactory(
        person=PersonFactory(body=body, name="Erika Mustermann"),
        organization=OrganizationFactory(body=body, name="Bauausschuss"),
        role="Vorsitz",
    )

    assert str(membership) == "Erika Mustermann – Bauausschuss (Vorsitz)"


def test_location_str_joins_the_parts_that_are_set():
    location = LocationFactory(
        description="Rathaus", room="Saal 1", street_address="Marktplatz 1", locality="Musterstadt"
    )

    assert str(location) == "Rathaus, Saal 1, Marktplatz 1, Musterstadt"


def test_location_without_any_part_is_named_by_its_id():
    location = Location.objects.create()

    assert str(location) == f"#{location.pk}"


def test_user_str_is_the_full_name():
    user = UserFactory(first_name="Erika", last_name="Mustermann")

    assert str(user) == "Erika Mustermann"


def test_user_without_a_name_is_named_by_username():
    assert str(UserFactory(username="sitzungsdienst")) == "sitzungsdienst"
