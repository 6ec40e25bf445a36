"""Writes of the core app: roles and soft deletion."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ratsinfo.errors import DomainError
from ratsinfo.models import Body, User
from ratsinfo.visibility import forget_principal

CLERK_GROUP_NAME = "Sitzungsdienst"
# Apps whose data clerks maintain; labels only, so this module never imports higher apps.
CLERK_APP_LABELS = ("ratsinfo", "meetings", "documents", "votes")


def clerk_group_sync() -> Group:
    """Create or refresh the clerks' group with the model permissions of the council apps.

    Clerks manage council data but not logins or background jobs; those stay with
    administrators."""
    group, _created = Group.objects.get_or_create(name=CLERK_GROUP_NAME)
    permissions = (
        Permission.objects.filter(content_type__app_label__in=CLERK_APP_LABELS)
        .exclude(Q(content_type__model="user") & ~Q(codename="view_user"))
        # The background job queue is operations, left to administrators.
        .exclude(content_type__app_label="ratsinfo", content_type__model="job")
    )
    group.permissions.set(permissions)
    return group


@transaction.atomic
def clerk_grant(*, user: User, body: Body) -> User:
    """Make `user` a clerk (Sitzungsdienst) of `body`: admin access and edit rights there."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.clerk_of.add(body)
    user.groups.add(clerk_group_sync())
    forget_principal(user)
    return user


@transaction.atomic
def clerk_revoke(*, user: User, body: Body) -> User:
    """Remove `user` from the clerks of `body`; without any body left, admin access ends too."""
    user.clerk_of.remove(body)
    if not user.clerk_of.exists() and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
        user.groups.remove(*Group.objects.filter(name=CLERK_GROUP_NAME))
    forget_principal(user)
    return user


def object_soft_delete(*, obj: models.Model) -> None:
    """Mark `obj` deleted (OParl keeps deleted objects visible as `deleted: true` in the API)."""
    _set_deleted(obj=obj, deleted=True)


def object_restore(*, obj: models.Model) -> None:
    """Undo a soft deletion."""
    _set_deleted(obj=obj, deleted=False)


def _set_deleted(*, obj: Any, deleted: bool) -> None:
    obj.deleted = deleted
    try:
        with transaction.atomic():
            # `modified` moves with the flag: OParl clients synchronise on it.
            obj.save(update_fields=["deleted", "modified"])
    except IntegrityError as exc:
        obj.deleted = not deleted
        raise DomainError(
            _(
                "„%(obj)s“ kann nicht wiederhergestellt werden, weil inzwischen ein anderer "
                "Eintrag dieselbe Kennung verwendet. Ändern Sie zuerst eine der beiden Kennungen."
            )
            % {"obj": obj}
        ) from exc
