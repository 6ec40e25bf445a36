"""Appending to the audit trail (DESIGN.md §4). Services call `audit_record` inside their
transaction, so the event commits or rolls back with the change it describes."""

from __future__ import annotations

from typing import Any

from django.db import models

from ratsinfo.models import AuditEvent


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    message: str,
    before: Any = None,
    after: Any = None,
    body_id: int | None,
    meeting_id: int | None = None,
) -> AuditEvent:
    """Append one audit event: `actor` (a user, anonymous or None for the system) did `action`
    (a code such as "poll.open") on `obj` of body `body_id`, changing it from `before` to
    `after`."""
    event = audit_build(
        actor=actor,
        action=action,
        obj=obj,
        message=message,
        before=before,
        after=after,
        body_id=body_id,
        meeting_id=meeting_id,
    )
    event.save()
    return event


def audit_build(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    message: str,
    before: Any = None,
    after: Any = None,
    body_id: int | None,
    meeting_id: int | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """The unsaved event `audit_record` would append, for services that write many at once
    (`AuditEvent.objects.bulk_create`, in the same transaction as the changes). Such services
    may pass `object_repr`, `str(obj)` as they already know it, to spare a query per event."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor=user,
        actor_name=(user.get_full_name() or user.get_username()) if user is not None else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=(str(obj) if object_repr is None else object_repr)[:255],
        body_id=body_id,
        meeting_id=meeting_id,
        before=before,
        after=after,
        message=message,
    )
