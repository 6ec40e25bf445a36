"""Reads for a member's workspace: their committees, their next meetings and the papers on
those meetings' agendas, and their latest notes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from documents.models import Consultation, Note
from documents.selectors.notes import note_list_for_user
from ratsinfo.models import Membership, Organization
from ratsinfo.visibility import visible
from sessions.models import Meeting


@dataclass(frozen=True)
class Workspace:
    has_person: bool
    memberships: list[Membership] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    consultations: list[Consultation] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def membership_list_current(*, person_id: int, day: datetime.date) -> list[Membership]:
    """The person's memberships running on `day`, in organizations that still exist."""
    memberships = (
        Membership.objects.filter(person_id=person_id, organization__deleted=False)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=day))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("organization")
        .order_by("organization__name", "pk")
    )
    return list(memberships)


def workspace_for_user(*, user: Any, meeting_limit: int = 10, note_limit: int = 10) -> Workspace:
    """The workspace of a logged-in user (five queries). Users without a linked person (clerks,
    administrators) get only their notes."""
    notes = note_list_for_user(user=user, limit=note_limit)
    if user.person_id is None:
        return Workspace(has_person=False, notes=notes)
    memberships = membership_list_current(person_id=user.person_id, day=timezone.localdate())
    organization_ids = sorted({membership.organization_id for membership in memberships})
    # A subquery, not a join: a meeting of two of the member's committees is listed once.
    held_by_mine = Meeting.objects.filter(organizations__in=organization_ids).values("pk")
    meetings = list(
        visible(user, Meeting.objects.filter(pk__in=held_by_mine, start__gte=timezone.now()))
        .select_related("location")
        .prefetch_related(
            Prefetch("organizations", queryset=visible(user, Organization.objects.all()))
        )
        .order_by("start", "pk")[:meeting_limit]
    )
    consultations = list(
        visible(
            user,
            Consultation.objects.filter(
                agenda_item__meeting_id__in=[meeting.pk for meeting in meetings]
            ),
        )
        .select_related("paper", "agenda_item__meeting")
        .order_by(
            "agenda_item__meeting__start", "agenda_item__meeting_id", "agenda_item__order", "pk"
        )
    )
    return Workspace(
        has_person=True,
        memberships=memberships,
        meetings=meetings,
        consultations=consultations,
        notes=notes,
    )
