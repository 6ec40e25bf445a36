"""Core services: clerk roles and soft deletion."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from documents.models import Paper
from ratsinfo.errors import DomainError
from ratsinfo.models import User
from ratsinfo.services import (
    CLERK_GROUP_NAME,
    clerk_grant,
    clerk_group_sync,
    clerk_revoke,
    object_restore,
    object_soft_delete,
)
from ratsinfo.visibility import can_see, principal_for
from tests.factories import BodyFactory, PaperFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    """Permissions are cached on the user object; a fresh copy sees the current state."""
    return User.objects.get(pk=user.pk)


# --- clerk_grant -----------------------------------------------------------------------------


def test_clerk_grant_gives_admin_access(body):
    user = UserFactory()

    clerk_grant(user=user, body=body)

    assert _fresh(user).is_staff


def test_clerk_grant_makes_the_user_clerk_of_the_body(body):
    user = UserFactory()

    clerk_grant(user=user, body=body)

    assert list(_fresh(user).clerk_of.all()) == [body]


def test_clerk_grant_puts_the_user_in_the_clerks_group(body):
    user = UserFactory()

    clerk_grant(user=user, body=body)

    assert list(_fresh(user).groups.values_list("name", flat=True)) == ["Sitzungsdienst"]


@pytest.mark.parametrize(
    "permission",
    [
        "ratsinfo.add_body",
        "ratsinfo.change_organization",
        "ratsinfo.delete_membership",
        "ratsinfo.change_person",
        "ratsinfo.view_user",
        "meetings.add_meeting",
        "meetings.change_agendaitem",
        "documents.add_paper",
        "documents.change_file",
        "documents.delete_consultation",
    ],
)
def test_clerk_may_maintain_council_data(body, permission):
    user = UserFactory()

    clerk_grant(user=user, body=body)

    assert _fresh(user).has_perm(permission)


@pytest.mark.parametrize(
    "permission",
    [
        "ratsinfo.add_user",
        "ratsinfo.change_user",
        "ratsinfo.delete_user",
        "auth.change_group",
        "auth.change_permission",
        "sessions.delete_session",
    ],
)
def test_clerk_may_not_manage_logins_or_roles(body, permission):
    user = UserFactory()

    clerk_grant(user=user, body=body)

    assert not _fresh(user).has_perm(permission)


def test_clerk_grant_twice_keeps_one_assignment(body):
    user = UserFactory()

    clerk_grant(user=user, body=body)
    clerk_grant(user=user, body=body)

    assert _fresh(user).clerk_of.count() == 1
    assert Group.objects.filter(name=CLERK_GROUP_NAME).count() == 1


def test_clerk_grant_takes_effect_on_a_cached_principal(body):
    user = UserFactory()
    draft = PaperFactory(body=body, published_at=None)
    assert not can_see(user, draft)

    clerk_grant(user=user, body=body)

    assert can_see(user, draft)


def test_clerk_group_sync_picks_up_permissions_of_new_models(body):
    group = clerk_group_sync()
    group.permissions.clear()

    clerk_group_sync()

    assert group.permissions.filter(codename="change_paper").exists()


# --- clerk_revoke ----------------------------------------------------------------------------


def test_clerk_revoke_removes_the_body(body):
    user = UserFactory()
    clerk_grant(user=user, body=body)

    clerk_revoke(user=user, body=body)

    assert not _fresh(user).clerk_of.exists()


def test_clerk_revoke_of_the_last_body_ends_admin_access(body):
    user = UserFactory()
    clerk_grant(user=user, body=body)

    clerk_revoke(user=user, body=body)

    fresh = _fresh(user)
    assert not fresh.is_staff
    assert not fresh.groups.exists()
    assert not fresh.has_perm("documents.change_paper")


def test_clerk_revoke_keeps_admin_access_while_another_body_remains(body):
    user = UserFactory()
    other = BodyFactory()
    clerk_grant(user=user, body=body)
    clerk_grant(user=user, body=other)

    clerk_revoke(user=user, body=body)

    fresh = _fresh(user)
    assert fresh.is_staff
    assert list(fresh.clerk_of.all()) == [other]
    assert fresh.has_perm("documents.change_paper")


def test_clerk_revoke_leaves_a_superuser_staff(body, admin):
    clerk_grant(user=admin, body=body)

    clerk_revoke(user=admin, body=body)

    assert _fresh(admin).is_staff


def test_clerk_revoke_takes_effect_on_a_cached_principal(body, clerk):
    draft = PaperFactory(body=body, published_at=None)
    assert can_see(clerk, draft)

    clerk_revoke(user=clerk, body=body)

    assert not can_see(clerk, draft)
    assert principal_for(clerk).clerk_body_ids == frozenset()


# --- soft deletion ---------------------------------------------------------------------------


def _paper_modified_long_ago(**kwargs) -> Paper:
    paper = PaperFactory(**kwargs)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Paper.all_objects.filter(pk=paper.pk).update(modified=long_ago)
    paper.refresh_from_db()
    return paper


def test_soft_delete_marks_the_row_deleted(body):
    paper = PaperFactory(body=body)

    object_soft_delete(obj=paper)

    assert Paper.all_objects.get(pk=paper.pk).deleted
    assert not Paper.objects.filter(pk=paper.pk).exists()


def test_soft_delete_moves_modified(body):
    paper = _paper_modified_long_ago(body=body)
    before = paper.modified

    object_soft_delete(obj=paper)

    assert Paper.all_objects.get(pk=paper.pk).modified > before


def test_soft_delete_writes_only_the_flag_and_the_timestamp(body):
    paper = PaperFactory(body=body, name="Alt")
    paper.name = "Ungespeicherte Änderung"

    object_soft_delete(obj=paper)

    assert Paper.all_objects.get(pk=paper.pk).name == "Alt"


def test_restore_brings_the_row_back(body):
    paper = PaperFactory(body=body)
    object_soft_delete(obj=paper)

    object_restore(obj=paper)

    assert Paper.objects.filter(pk=paper.pk).exists()


def test_restore_moves_modified(body):
    paper = _paper_modified_long_ago(body=body, deleted=True)
    before = paper.modified

    object_restore(obj=paper)

    assert Paper.objects.get(pk=paper.pk).modified > before


def test_restore_of_a_taken_reference_raises_a_german_domain_error(body):
    old = PaperFactory(body=body, reference="2026/0147", name="Feuerwache")
    object_soft_delete(obj=old)
    PaperFactory(body=body, reference="2026/0147")

    with pytest.raises(DomainError) as caught:
        object_restore(obj=old)

    assert "kann nicht wiederhergestellt werden" in caught.value.message
    assert "2026/0147 Feuerwache" in caught.value.message


def test_failed_restore_leaves_both_rows_unchanged(body):
    old = _paper_modified_long_ago(body=body, reference="2026/0147", deleted=True)
    new = _paper_modified_long_ago(body=body, reference="2026/0147")
    rows_before = list(Paper.all_objects.order_by("pk").values("pk", "deleted", "modified"))

    with pytest.raises(DomainError):
        object_restore(obj=old)

    assert list(Paper.all_objects.order_by("pk").values("pk", "deleted", "modified")) == (
        rows_before
    )
    assert old.deleted is True
    assert new.pk != old.pk


def test_failed_restore_keeps_the_surrounding_transaction_usable(body):
    old = PaperFactory(body=body, reference="2026/0147", deleted=True)
    PaperFactory(body=body, reference="2026/0147")
    with pytest.raises(DomainError):
        object_restore(obj=old)

    assert Paper.objects.filter(body=body).count() == 1
