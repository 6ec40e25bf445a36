"""The visibility rule (DESIGN.md §3): who sees which object, who may edit it, and what it costs.

The matrix below states, for every kind of object that can be hidden, which personas see it.
Both `visible()` and `can_see()` are checked against the same table, so they cannot drift apart.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from documents.models import File, Paper
from ratsinfo.models import Body, Location, Organization, User
from ratsinfo.visibility import (
    ANONYMOUS,
    can_see,
    editable,
    forget_principal,
    is_clerk_of,
    principal_for,
    visibility_q,
    visible,
)
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    ConsultationFactory,
    FileFactory,
    LocationFactory,
    MeetingFactory,
    MembershipFactory,
    PaperFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ONE_DAY = datetime.timedelta(days=1)

# --- personas --------------------------------------------------------------------------------

PERSONAS = (
    "citizen",
    "member",
    "other_member",
    "former_member",
    "future_member",
    "clerk",
    "other_clerk",
    "admin",
    "inactive",
)
EVERYONE = frozenset(PERSONAS)
# Current members of the committee the object belongs to, and the body's staff.
INSIDERS = frozenset({"member", "clerk", "admin"})
STAFF = frozenset({"clerk", "admin"})
ADMIN_ONLY = frozenset({"admin"})


@pytest.fixture
def other_body(db: None) -> Body:
    return BodyFactory(name="Gemeinde Nachbarort")


@pytest.fixture
def former_member(committee: Organization) -> User:
    """Was in the building committee until yesterday."""
    yesterday = timezone.localdate() - ONE_DAY
    membership = MembershipFactory(
        organization=committee,
        person__body=committee.body,
        start_date=yesterday - datetime.timedelta(days=365),
        end_date=yesterday,
    )
    return UserFactory(username="ehemalig", person=membership.person)


@pytest.fixture
def future_member(committee: Organization) -> User:
    """Joins the building committee tomorrow."""
    membership = MembershipFactory(
        organization=committee,
        person__body=committee.body,
        start_date=timezone.localdate() + ONE_DAY,
    )
    return UserFactory(username="kuenftig", person=membership.person)


@pytest.fixture
def other_clerk(other_body: Body) -> User:
    """Clerk of the neighbouring body only."""
    return UserFactory(username="sitzungsdienst-nachbarort", is_staff=True, clerk_of=[other_body])


@pytest.fixture
def inactive(committee: Organization) -> User:
    """A deactivated login that is still member and clerk on paper: it counts for nothing."""
    membership = MembershipFactory(organization=committee, person__body=committee.body)
    return UserFactory(
        username="deaktiviert",
        person=membership.person,
        clerk_of=[committee.body],
        is_active=False,
    )


def persona(request: pytest.FixtureRequest, name: str) -> Any:
    return request.getfixturevalue(name)


# --- the objects -----------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    body: Body
    committee: Organization
    other_committee: Organization
    other_body: Body


@pytest.fixture
def world(
    body: Body, committee: Organization, other_committee: Organization, other_body: Body
) -> World:
    return World(body, committee, other_committee, other_body)


def _meeting(w: World, **kwargs: Any) -> Any:
    return MeetingFactory(body=w.body, organizations=[w.committee], **kwargs)


def _non_public_paper_consulted_by(organization: Organization, **kwargs: Any) -> Any:
    paper = PaperFactory(body=organization.body, public=False, **kwargs)
    ConsultationFactory(paper=paper, organizations=[organization])
    return paper


def _non_public_paper(w: World, **kwargs: Any) -> Any:
    return _non_public_paper_consulted_by(w.committee, **kwargs)


def _with_live_consultation(paper: Paper, organization: Organization) -> Paper:
    ConsultationFactory(paper=paper, organizations=[organization])
    return paper


def _tomorrow() -> datetime.datetime:
    return timezone.now() + ONE_DAY


def _deleted(obj: Any) -> Any:
    type(obj).all_objects.filter(pk=obj.pk).update(deleted=True)
    obj.refresh_from_db()
    return obj


Builder = Callable[[World], Any]

SCENARIOS: dict[str, tuple[Builder, frozenset[str]]] = {
    # Core objects without a public flag: everyone sees them until they are deleted.
    "organization": (lambda w: w.committee, EVERYONE),
    "deleted_organization": (lambda w: _deleted(w.other_committee), ADMIN_ONLY),
    "location": (lambda w: LocationFactory(), EVERYONE),
    "membership": (
        lambda w: MembershipFactory(organization=w.committee, person__body=w.body),
        EVERYONE,
    ),
    # Meetings: published means published_at is set and reached.
    "published_meeting": (lambda w: _meeting(w), EVERYONE),
    "unpublished_meeting": (lambda w: _meeting(w, published_at=None), STAFF),
    "meeting_published_tomorrow": (lambda w: _meeting(w, published_at=_tomorrow()), STAFF),
    "unpublished_meeting_of_the_other_body": (
        lambda w: MeetingFactory(body=w.other_body, published_at=None),
        frozenset({"other_clerk", "admin"}),
    ),
    "deleted_meeting": (lambda w: _deleted(_meeting(w)), ADMIN_ONLY),
    # Agenda items hang on their meeting; non-public ones belong to the meeting's committees.
    "public_agenda_item_of_published_meeting": (
        lambda w: AgendaItemFactory(meeting=_meeting(w)),
        EVERYONE,
    ),
    "non_public_agenda_item_of_published_meeting": (
        lambda w: AgendaItemFactory(meeting=_meeting(w), public=False),
        INSIDERS,
    ),
    "public_agenda_item_of_unpublished_meeting": (
        lambda w: AgendaItemFactory(meeting=_meeting(w, published_at=None)),
        STAFF,
    ),
    "non_public_agenda_item_of_unpublished_meeting": (
        lambda w: AgendaItemFactory(meeting=_meeting(w, published_at=None), public=False),
        STAFF,
    ),
    "public_agenda_item_of_meeting_published_tomorrow": (
        lambda w: AgendaItemFactory(meeting=_meeting(w, published_at=_tomorrow())),
        STAFF,
    ),
    "deleted_agenda_item": (
        lambda w: _deleted(AgendaItemFactory(meeting=_meeting(w))),
        ADMIN_ONLY,
    ),
    "agenda_item_of_deleted_meeting": (
        lambda w: AgendaItemFactory(meeting=_deleted(_meeting(w))),
        ADMIN_ONLY,
    ),
    # Papers: non-public ones belong to the organizations that consult, originate or direct them.
    "public_paper": (lambda w: PaperFactory(body=w.body), EVERYONE),
    "non_public_paper_consulted_by_the_committee": (lambda w: _non_public_paper(w), INSIDERS),
    "non_public_paper_originated_by_the_committee": (
        lambda w: PaperFactory(body=w.body, public=False, originator_organizations=[w.committee]),
        INSIDERS,
    ),
    "non_public_paper_under_direction_of_the_committee": (
        lambda w: PaperFactory(body=w.body, public=False, under_direction_of=[w.committee]),
        INSIDERS,
    ),
    "non_public_paper_of_no_organization": (
        lambda w: PaperFactory(body=w.body, public=False),
        STAFF,
    ),
    "non_public_paper_whose_consultation_was_deleted": (
        lambda w: _deleted(_non_public_paper(w).consultations.get()).paper,
        STAFF,
    ),
    "non_public_paper_whose_committee_consultation_was_deleted_beside_a_live_one": (
        lambda w: _with_live_consultation(
            _deleted(_non_public_paper(w).consultations.get()).paper, w.other_committee
        ),
        frozenset({"other_member", "clerk", "admin"}),
    ),
    "non_public_paper_of_a_deleted_committee": (
        lambda w: _non_public_paper_consulted_by(_deleted(w.committee)),
        STAFF,
    ),
    "draft_paper": (lambda w: PaperFactory(body=w.body, published_at=None), STAFF),
    "draft_non_public_paper_consulted_by_the_committee": (
        lambda w: _non_public_paper(w, published_at=None),
        STAFF,
    ),
    "paper_published_tomorrow": (
        lambda w: PaperFactory(body=w.body, published_at=_tomorrow()),
        STAFF,
    ),
    "draft_paper_of_the_other_body": (
        lambda w: PaperFactory(body=w.other_body, published_at=None),
        frozenset({"other_clerk", "admin"}),
    ),
    "deleted_paper": (lambda w: _deleted(PaperFactory(body=w.body)), ADMIN_ONLY),
    # Files need a visible owner and, when non-public, membership in the owner's committees.
    "public_file_of_public_paper": (
        lambda w: FileFactory(paper=PaperFactory(body=w.body)),
        EVERYONE,
    ),
    "public_file_of_non_public_paper": (
        lambda w: FileFactory(paper=_non_public_paper(w)),
        INSIDERS,
    ),
    "non_public_file_of_public_paper_consulted_by_the_committee": (
        lambda w: FileFactory(
            paper=ConsultationFactory(paper__body=w.body, organizations=[w.committee]).paper,
            public=False,
        ),
        INSIDERS,
    ),
    "non_public_file_of_public_paper_of_no_organization": (
        lambda w: FileFactory(paper=PaperFactory(body=w.body), public=False),
        STAFF,
    ),
    "public_file_of_draft_paper": (
        lambda w: FileFactory(paper=PaperFactory(body=w.body, published_at=None)),
        STAFF,
    ),
    "invitation_of_published_meeting": (
        lambda w: FileFactory(paper=None, meeting=_meeting(w), role=File.Role.INVITATION),
        EVERYONE,
    ),
    "invitation_of_unpublished_meeting": (
        lambda w: FileFactory(
            paper=None, meeting=_meeting(w, published_at=None), role=File.Role.INVITATION
        ),
        STAFF,
    ),
    "resolution_file_of_public_agenda_item": (
        lambda w: FileFactory(
            paper=None,
            agenda_item=AgendaItemFactory(meeting=_meeting(w)),
            role=File.Role.RESOLUTION,
        ),
        EVERYONE,
    ),
    "resolution_file_of_non_public_agenda_item": (
        lambda w: FileFactory(
            paper=None,
            agenda_item=AgendaItemFactory(meeting=_meeting(w), public=False),
            role=File.Role.RESOLUTION,
        ),
        INSIDERS,
    ),
    "deleted_file": (
        lambda w: _deleted(FileFactory(paper=PaperFactory(body=w.body))),
        ADMIN_ONLY,
    ),
    "file_of_deleted_paper": (
        lambda w: FileFactory(paper=_deleted(PaperFactory(body=w.body))),
        ADMIN_ONLY,
    ),
    # Consultations need their paper and, when set, their agenda item to be visible.
    "consultation_of_public_paper_at_public_agenda_item": (
        lambda w: ConsultationFactory(
            paper__body=w.body, agenda_item=AgendaItemFactory(meeting=_meeting(w))
        ),
        EVERYONE,
    ),
    "consultation_of_public_paper_at_non_public_agenda_item": (
        lambda w: ConsultationFactory(
            paper__body=w.body,
            agenda_item=AgendaItemFactory(meeting=_meeting(w), public=False),
        ),
        INSIDERS,
    ),
    "consultation_of_public_paper_at_agenda_item_of_unpublished_meeting": (
        lambda w: ConsultationFactory(
            paper__body=w.body,
            agenda_item=AgendaItemFactory(meeting=_meeting(w, published_at=None)),
        ),
        STAFF,
    ),
    "consultation_of_non_public_paper_by_the_committee": (
        lambda w: ConsultationFactory(
            paper__body=w.body, paper__public=False, organizations=[w.committee]
        ),
        INSIDERS,
    ),
    "consultation_of_deleted_paper": (
        lambda w: ConsultationFactory(paper=_deleted(PaperFactory(body=w.body))),
        ADMIN_ONLY,
    ),
}

MATRIX = [
    pytest.param(
        scenario,
        name,
        name in seen_by,
        id=f"{scenario}-{name}-{'sees' if name in seen_by else 'not'}",
    )
    for scenario, (_build, seen_by) in SCENARIOS.items()
    for name in PERSONAS
]


@pytest.mark.parametrize(("scenario", "persona_name", "expected"), MATRIX)
def test_visible_follows_the_rule(request, world, scenario, persona_name, expected):
    user = persona(request, persona_name)
    obj = SCENARIOS[scenario][0](world)

    rows = visible(user, type(obj).all_objects.all())

    assert (obj in list(rows)) is expected


@pytest.mark.parametrize(("scenario", "persona_name", "expected"), MATRIX)
def test_can_see_follows_the_rule(request, world, scenario, persona_name, expected):
    user = persona(request, persona_name)
    obj = SCENARIOS[scenario][0](world)

    assert can_see(user, obj) is expected


# --- deleted rows and administrators ---------------------------------------------------------


def test_visible_returns_the_queryset_unchanged_for_admin(admin):
    queryset = Paper.all_objects.all()

    assert visible(admin, queryset) is queryset


def test_default_manager_hides_deleted_papers_even_from_admin(admin, body):
    paper = _deleted(PaperFactory(body=body))

    assert paper not in visible(admin, Paper.objects.all())


def test_deleted_paper_hidden_from_clerk_even_on_all_objects(clerk, body):
    paper = _deleted(PaperFactory(body=body))

    assert paper not in visible(clerk, Paper.all_objects.all())


def test_visible_lists_a_paper_with_several_member_routes_once(member, committee, body):
    paper = PaperFactory(
        body=body,
        public=False,
        originator_organizations=[committee],
        under_direction_of=[committee],
    )
    ConsultationFactory(paper=paper, organizations=[committee])
    ConsultationFactory(paper=paper, organizations=[committee])

    assert list(visible(member, Paper.objects.all())) == [paper]


def test_visibility_q_selects_what_visible_selects(member, committee, body):
    PaperFactory(body=body)
    _non_public_paper_consulted_by(committee)
    PaperFactory(body=body, public=False)
    PaperFactory(body=body, published_at=None)

    by_q = set(Paper.objects.filter(visibility_q(Paper, member)))

    assert by_q == set(visible(member, Paper.objects.all()))
    assert len(by_q) == 2


def test_visibility_q_is_empty_for_admin(admin):
    assert visibility_q(Paper, admin) == visibility_q(File, admin)
    assert not visibility_q(Paper, admin)


def test_membership_of_a_deleted_person_grants_nothing(committee, body):
    membership = MembershipFactory(organization=committee, person__body=body)
    user = UserFactory(person=_deleted(membership.person))
    paper = _non_public_paper_consulted_by(committee)

    assert not can_see(user, paper)


def test_deleted_membership_grants_nothing(committee, body):
    membership = _deleted(MembershipFactory(organization=committee, person__body=body))
    user = UserFactory(person=membership.person)
    paper = _non_public_paper_consulted_by(committee)

    assert not can_see(user, paper)


def test_clerk_of_a_deleted_body_has_no_clerk_rights(body):
    clerk = UserFactory(is_staff=True, clerk_of=[body])
    _deleted(body)
    paper = PaperFactory(body=body, published_at=None)

    assert not can_see(clerk, paper)


# --- the principal ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona_name", ["citizen", "inactive"])
def test_anonymous_and_inactive_users_get_the_anonymous_principal(request, persona_name):
    user = persona(request, persona_name)

    assert principal_for(user) is ANONYMOUS


def test_principal_of_clerk_who_is_also_member_has_both_roles(committee, body):
    membership = MembershipFactory(organization=committee, person__body=body)
    user = UserFactory(person=membership.person, clerk_of=[body])

    principal = principal_for(user)

    assert principal.clerk_body_ids == {body.pk}
    assert principal.member_organization_ids == {committee.pk}
    assert not principal.is_admin


def test_principal_is_cached_on_the_user_object(member, django_assert_num_queries):
    first = principal_for(member)

    with django_assert_num_queries(0):
        second = principal_for(member)

    assert second is first


def test_principal_is_computed_in_one_query(member, django_assert_num_queries):
    with django_assert_num_queries(1):
        principal_for(member)


def test_principal_is_not_shared_between_user_objects(member):
    principal_for(member)
    fresh = User.objects.get(pk=member.pk)

    assert not hasattr(fresh, "_ratsinfo_principal")


def test_cached_principal_ignores_a_new_membership(member, other_committee, body):
    paper = _non_public_paper_consulted_by(other_committee)
    assert not can_see(member, paper)

    MembershipFactory(organization=other_committee, person=member.person)

    assert not can_see(member, paper)


def test_forget_principal_drops_the_cached_rights(member, other_committee, body):
    paper = _non_public_paper_consulted_by(other_committee)
    assert not can_see(member, paper)
    MembershipFactory(organization=other_committee, person=member.person)

    forget_principal(member)

    assert can_see(member, paper)


def test_forget_principal_on_a_user_without_cache_does_nothing(member):
    forget_principal(member)

    assert not hasattr(member, "_ratsinfo_principal")


def test_principal_for_another_day_is_computed_and_not_cached(former_member, committee):
    two_days_ago = timezone.localdate() - 2 * ONE_DAY

    then = principal_for(former_member, today=two_days_ago)

    assert then.member_organization_ids == {committee.pk}
    assert not hasattr(former_member, "_ratsinfo_principal")
    assert principal_for(former_member).member_organization_ids == frozenset()


# --- query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("paper_count", [1, 30])
def test_listing_papers_costs_two_queries_for_a_member(
    member, committee, body, paper_count, django_assert_max_num_queries
):
    for index in range(paper_count):
        if index % 2:
            _non_public_paper_consulted_by(committee)
        else:
            PaperFactory(body=body)
    user = User.objects.get(pk=member.pk)

    with django_assert_max_num_queries(2):
        papers = list(visible(user, Paper.objects.all()))

    assert len(papers) == paper_count


def test_can_see_costs_no_query_for_admin(admin, body, django_assert_num_queries):
    paper = PaperFactory(body=body, public=False)

    with django_assert_num_queries(0):
        assert can_see(admin, paper)


def test_can_see_costs_one_query_once_the_principal_is_known(
    member, body, django_assert_num_queries
):
    paper = PaperFactory(body=body)
    principal_for(member)

    with django_assert_num_queries(1):
        assert can_see(member, paper)


def test_anonymous_visible_needs_no_principal_query(body, django_assert_num_queries):
    PaperFactory(body=body)

    with django_assert_num_queries(1):
        assert len(list(visible(AnonymousUser(), Paper.objects.all()))) == 1


# --- editable --------------------------------------------------------------------------------


EDIT_SCENARIOS: dict[str, tuple[Builder, frozenset[str]]] = {
    "paper_of_the_body": (lambda w: PaperFactory(body=w.body), STAFF),
    "draft_non_public_paper_of_the_body": (
        lambda w: PaperFactory(body=w.body, public=False, published_at=None),
        STAFF,
    ),
    "deleted_paper_of_the_body": (lambda w: _deleted(PaperFactory(body=w.body)), STAFF),
    "paper_of_the_other_body": (
        lambda w: PaperFactory(body=w.other_body),
        frozenset({"other_clerk", "admin"}),
    ),
    "the_body_itself": (lambda w: w.body, STAFF),
    "organization_of_the_body": (lambda w: w.committee, STAFF),
    "person_of_the_body": (lambda w: PersonFactory(body=w.body), STAFF),
    "membership_in_the_body": (
        lambda w: MembershipFactory(organization=w.committee, person__body=w.body),
        STAFF,
    ),
    "meeting_of_the_body": (lambda w: _meeting(w), STAFF),
    "agenda_item_of_the_body": (lambda w: AgendaItemFactory(meeting=_meeting(w)), STAFF),
    "consultation_of_the_body": (lambda w: ConsultationFactory(paper__body=w.body), STAFF),
    "file_of_a_meeting_of_the_body": (
        lambda w: FileFactory(paper=None, meeting=_meeting(w), role=File.Role.INVITATION),
        STAFF,
    ),
    "file_of_an_agenda_item_of_the_other_body": (
        lambda w: FileFactory(
            paper=None,
            agenda_item=AgendaItemFactory(meeting__body=w.other_body),
            role=File.Role.RESOLUTION,
        ),
        frozenset({"other_clerk", "admin"}),
    ),
    # Locations are shared between bodies: any clerk maintains them.
    "location": (lambda w: LocationFactory(), frozenset({"clerk", "other_clerk", "admin"})),
}

EDIT_PERSONAS = ("citizen", "member", "clerk", "other_clerk", "admin", "inactive")


@pytest.mark.parametrize(
    ("scenario", "persona_name", "expected"),
    [
        pytest.param(
            scenario,
            name,
            name in editors,
            id=f"{scenario}-{name}-{'edits' if name in editors else 'not'}",
        )
        for scenario, (_build, editors) in EDIT_SCENARIOS.items()
        for name in EDIT_PERSONAS
    ],
)
def test_editable_follows_the_rule(request, world, scenario, persona_name, expected):
    user = persona(request, persona_name)
    obj = EDIT_SCENARIOS[scenario][0](world)

    rows = editable(user, type(obj).all_objects.all())

    assert (obj in list(rows)) is expected


def test_editable_returns_the_queryset_unchanged_for_admin(admin):
    queryset = Location.all_objects.all()

    assert editable(admin, queryset) is queryset


@pytest.mark.parametrize(
    ("persona_name", "which_body", "expected"),
    [
        ("admin", "body", True),
        ("admin", "other_body", True),
        ("admin", None, True),
        ("clerk", "body", True),
        ("clerk", "other_body", False),
        ("clerk", None, False),
        ("other_clerk", "body", False),
        ("member", "body", False),
        ("citizen", "body", False),
        ("inactive", "body", False),
    ],
)
def test_is_clerk_of(request, persona_name, which_body, expected):
    user = persona(request, persona_name)
    body_id = request.getfixturevalue(which_body).pk if which_body else None

    assert is_clerk_of(user, body_id) is expected
