"""Reads of the core app, filtered by the visibility rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ratsinfo.models import User
from ratsinfo.visibility import principal_for


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
