"""Reads of the core app, filtered by the visibility rule."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ratsinfo.models import LegislativeTerm, Location, Membership, Organization, Person, User
from ratsinfo.visibility import principal_for, visible

# Classifications (lower case) of the elected council itself, as OParl imports spell them.
COUNCIL_CLASSIFICATIONS = frozenset(
    {
        "rat",
        "gemeinderat",
        "stadtrat",
        "kreistag",
        "stadtverordnetenversammlung",
        "gemeindevertretung",
        "stadtvertretung",
        "bürgerschaft",
    }
)
# Role words (lower case) that mark who leads an organization or deputises for its lead.
_LEAD_WORDS = ("vorsitz", "bürgermeister", "präsident", "vorsteher", "sprecher")
_DEPUTY_WORD = "stellv"
_CITIZEN_WORD = "sachkundig"


def user_list_for_staff(*, user: Any) -> QuerySet[User]:
    """Logins a staff user may look at: every login for administrators; for clerks their own,
    the clerks of their bodies and the logins linked to persons of their bodies."""
    principal = principal_for(user)
    if principal.is_admin:
        return User.objects.all()
    if not principal.clerk_body_ids:
        return User.objects.filter(pk__in=[user.pk] if user.pk else [])
    # A subquery, not a join on clerk_of: a join would list a login once per shared body.
    related = User.objects.filter(
        Q(person__body__in=principal.clerk_body_ids) | Q(clerk_of__in=principal.clerk_body_ids)
    ).values("pk")
    return User.objects.filter(Q(pk=user.pk) | Q(pk__in=related))


def _current_q(day: datetime.date) -> Q:
    """A membership (or organization) runs on `day`: open or started, not yet ended."""
    return (Q(start_date__isnull=True) | Q(start_date__lte=day)) & (
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


def _memberships(user: Any) -> QuerySet[Membership]:
    """Memberships the user may see, of persons and organizations the user may see."""
    return visible(
        user,
        Membership.objects.filter(
            person__in=visible(user, Person.objects.all()),
            organization__in=visible(user, Organization.objects.all()),
        ),
    )


def _faction(membership: Membership) -> Organization | None:
    faction = membership.on_behalf_of
    return faction if faction is not None and not faction.deleted else None


def role_rank(role: str) -> int:
    """Sort key of a membership role: lead (0), deputy lead (1), member (2), substitute (3)."""
    text = role.casefold()
    deputy = _DEPUTY_WORD in text
    if any(word in text for word in _LEAD_WORDS):
        return 1 if deputy else 0
    return 3 if deputy else 2


# Organizations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationGroup:
    title: str
    organizations: list[Organization]


def organization_get_for_user(*, user: Any, organization_id: int) -> Organization:
    """The organization, if the user may see it. Raises Http404 otherwise (deleted ones too)."""
    organization = (
        visible(user, Organization.objects.filter(pk=organization_id))
        .select_related("sub_organization_of")
        .first()
    )
    if organization is None:
        raise Http404
    return organization


def organization_list_grouped(
    *, user: Any, today: datetime.date | None = None
) -> list[OrganizationGroup]:
    """The organizations the user may see, each with `member_count` (current memberships),
    grouped: council, committees, other boards, factions, other organizations, dissolved."""
    day = today or timezone.localdate()
    counts = (
        _memberships(user)
        .filter(_current_q(day), organization=OuterRef("pk"))
        .order_by()
        .values("organization")
        .annotate(count=Count("pk"))
        .values("count")
    )
    organizations = (
        visible(user, Organization.objects.all())
        .annotate(
            member_count=Coalesce(
                Subquery(counts, output_field=IntegerField()), Value(0), output_field=IntegerField()
            )
        )
        .order_by("name", "pk")
    )
    groups: dict[str, list[Organization]] = {key: [] for key in _GROUP_TITLES}
    for organization in organizations:
        groups[_group_key(organization, day)].append(organization)
    return [
        OrganizationGroup(title=str(title), organizations=groups[key])
        for key, title in _GROUP_TITLES.items()
        if groups[key]
    ]


_GROUP_TITLES = {
    "council": _("Rat"),
    "committees": _("Ausschüsse"),
    "boards": _("Weitere Gremien"),
    "factions": _("Fraktionen"),
    "others": _("Weitere Organisationen"),
    "dissolved": _("Aufgelöste Gremien und Organisationen"),
}


def _group_key(organization: Organization, day: datetime.date) -> str:
    if organization.end_date is not None and organization.end_date < day:
        return "dissolved"
    kind = organization.organization_type
    classification = organization.classification.casefold()
    if kind == Organization.Type.FACTION:
        return "factions"
    if kind != Organization.Type.BOARD:
        return "others"
    if classification in COUNCIL_CLASSIFICATIONS:
        return "council"
    if "ausschuss" in classification or (
        not classification and "ausschuss" in organization.name.casefold()
    ):
        return "committees"
    return "boards"


@dataclass(frozen=True)
class MemberEntry:
    membership: Membership
    faction: Organization | None


@dataclass(frozen=True)
class OrganizationMembers:
    # Lead first, then deputies, members and substitutes; each group by family name.
    members: list[MemberEntry] = field(default_factory=list)
    # Sachkundige Bürgerinnen und Bürger: appointed, not elected, listed apart.
    citizens: list[MemberEntry] = field(default_factory=list)


def _membership_order(membership: Membership) -> tuple[int, str]:
    rank = role_rank(membership.role)
    # Deputies are numbered ("1. stellvertretende Bürgermeisterin"); members go by name.
    return rank, membership.role.casefold() if rank < 2 else ""


def membership_list_for_organization(
    *, user: Any, organization_id: int, today: datetime.date | None = None
) -> OrganizationMembers:
    """The organization's current memberships the user may see, in the order of the page."""
    memberships = (
        _memberships(user)
        .filter(_current_q(today or timezone.localdate()), organization_id=organization_id)
        .select_related("person", "on_behalf_of")
        .order_by("person__family_name", "person__given_name", "person__name", "pk")
    )
    result = OrganizationMembers()
    for membership in sorted(memberships, key=_membership_order):
        entry = MemberEntry(membership=membership, faction=_faction(membership))
        group = result.citizens if _CITIZEN_WORD in membership.role.casefold() else result.members
        group.append(entry)
    return result


# Persons ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonEntry:
    person: Person
    memberships: list[Membership]
    factions: list[Organization]


def faction_list_for_memberships(*, memberships: list[Membership]) -> list[Organization]:
    """The factions among the memberships' organizations and those they sit for, by name.
    Needs `organization` and `on_behalf_of` loaded."""
    found: dict[int, Organization] = {}
    for membership in memberships:
        if membership.organization.organization_type == Organization.Type.FACTION:
            found[membership.organization.pk] = membership.organization
        faction = _faction(membership)
        if faction is not None:
            found[faction.pk] = faction
    return sorted(found.values(), key=lambda organization: organization.name)


def faction_list_current(
    *, user: Any, today: datetime.date | None = None
) -> QuerySet[Organization]:
    """The factions the user may see that have not been dissolved, by name."""
    day = today or timezone.localdate()
    factions = Organization.objects.filter(organization_type=Organization.Type.FACTION).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )
    return visible(user, factions).order_by("name", "pk")


def person_list_current(
    *, user: Any, faction_id: int | None = None, today: datetime.date | None = None
) -> list[PersonEntry]:
    """The persons with a current membership the user may see, alphabetically, each with those
    memberships and the factions they sit for; with `faction_id`, only that faction's."""
    current = _memberships(user).filter(_current_q(today or timezone.localdate()))
    persons = Person.objects.filter(pk__in=current.values("person"))
    if faction_id is not None:
        persons = persons.filter(
            pk__in=current.filter(
                Q(organization_id=faction_id) | Q(on_behalf_of_id=faction_id)
            ).values("person")
        )
    shown = current.select_related("organization", "on_behalf_of").order_by(
        "organization__name", "pk"
    )
    persons = (
        visible(user, persons)
        .prefetch_related(Prefetch("memberships", queryset=shown, to_attr="current_memberships"))
        .order_by("family_name", "given_name", "name", "pk")
    )
    entries = []
    for person in persons:
        memberships: list[Membership] = getattr(person, "current_memberships", [])
        entries.append(
            PersonEntry(
                person=person,
                memberships=memberships,
                factions=faction_list_for_memberships(memberships=memberships),
            )
        )
    return entries


def person_get_for_user(*, user: Any, person_id: int) -> Person:
    """The person with the location of their contact address, if the user may see them.
    Raises Http404 otherwise (deleted ones too)."""
    person = visible(user, Person.objects.filter(pk=person_id)).select_related("location").first()
    if person is None:
        raise Http404
    return person


@dataclass(frozen=True)
class Contact:
    phones: list[str]
    emails: list[str]
    location: Location | None


def contact_get_public(*, person: Person) -> Contact | None:
    """The person's phone numbers, email addresses and address, only if they agreed to their
    publication (`contact_public`) and there is any; None otherwise."""
    if not person.contact_public:
        return None
    location = person.location if person.location and not person.location.deleted else None
    contact = Contact(
        phones=[str(phone) for phone in person.phone if phone],
        emails=[str(email) for email in person.email if email],
        location=location,
    )
    return contact if contact.phones or contact.emails or contact.location else None


def membership_list_for_person(*, user: Any, person_id: int) -> list[Membership]:
    """All memberships of the person the user may see, current and past, oldest first, with
    organization and faction."""
    memberships = (
        _memberships(user)
        .filter(person_id=person_id)
        .select_related("organization", "on_behalf_of")
        .order_by("start_date", "organization__name", "pk")
    )
    return list(memberships)


def legislative_term_current(
    *, user: Any, body_id: int, today: datetime.date | None = None
) -> LegislativeTerm | None:
    """The body's legislative term that runs today, else the latest that has begun."""
    day = today or timezone.localdate()
    terms = visible(user, LegislativeTerm.objects.filter(body_id=body_id)).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=day)
    )
    # One query: a running term sorts first, then the latest start.
    running = Case(
        When(Q(end_date__isnull=True) | Q(end_date__gte=day), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return terms.order_by(running, F("start_date").desc(nulls_last=True), "-pk").first()
