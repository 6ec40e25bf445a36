"""Writes of the speaker list of an agenda item (Redeliste).

Members put themselves on the list and withdraw; the chair adds anyone of the body, calls the
next speaker and removes requests. Points of order (Geschäftsordnungsanträge) are called
before every ordinary request. Each change broadcasts the item's whole open list.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ratsinfo.events import meeting_group, send_event_on_commit
from ratsinfo.models import Person
from ratsinfo.visibility import is_clerk_of
from sessions import events
from sessions.errors import SpeakerRejected
from sessions.live import acting_person_id, lock_meeting, require_chair, require_running
from sessions.models import AgendaItem, SpeakerRequest
from sessions.selectors import speaker_list, speaker_rank

Kind = SpeakerRequest.Kind
SpeakerState = SpeakerRequest.State


def _lock_item(agenda_item_id: int) -> AgendaItem:
    # The meeting row first, then the item: the same order as every other live service, so
    # two services never wait on each other's locks.
    item = AgendaItem.objects.only("meeting_id").get(pk=agenda_item_id)
    lock_meeting(item.meeting_id)
    return AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)


def _broadcast(item: AgendaItem) -> None:
    speakers = speaker_list(agenda_item_id=item.pk)
    send_event_on_commit(meeting_group(item.meeting_id), events.speakers_changed(item, speakers))


@transaction.atomic
def speaker_add(
    *, agenda_item_id: int, user: Any, person_id: int | None = None, kind: str = Kind.NORMAL
) -> SpeakerRequest:
    """Put a person on the item's speaker list: a member themself, the chair anyone of the
    body. Asking again while waiting returns the waiting request.

    Raises PermissionDenied for non-members or a member asking for someone else,
    MeetingStateRejected unless the meeting runs, SpeakerRejected for an unknown kind, a
    person of another body or one conflicted on the item."""
    item = _lock_item(agenda_item_id)
    meeting = item.meeting
    require_running(meeting)
    if kind not in Kind.values:
        raise SpeakerRejected(_("Unbekannte Art der Wortmeldung „%(k)s“.") % {"k": kind})
    acting = acting_person_id(
        user=user, meeting=meeting, person_id=person_id, action=_("sich zu Wort melden")
    )
    person = Person.objects.filter(pk=acting, body_id=meeting.body_id).first()
    if person is None:
        raise SpeakerRejected(_("Diese Person gehört nicht zur Körperschaft der Sitzung."))
    if item.conflicts.filter(person=person).exists():
        raise SpeakerRejected(
            _(
                "%(person)s ist bei diesem Tagesordnungspunkt befangen und nimmt an der Beratung "
                "nicht teil."
            )
            % {"person": person}
        )
    waiting = SpeakerRequest.objects.filter(
        agenda_item=item, person=person, kind=kind, state=SpeakerState.WAITING
    ).first()
    if waiting is not None:
        return waiting
    last = SpeakerRequest.objects.filter(agenda_item=item).aggregate(m=Max("order"))["m"]
    request = SpeakerRequest.objects.create(
        agenda_item=item, person=person, kind=kind, order=(last or 0) + 1
    )
    _broadcast(item)
    return request


@transaction.atomic
def speaker_next(*, agenda_item_id: int, user: Any) -> SpeakerRequest | None:
    """End the current speech and call the next waiting request, points of order first;
    None when nobody waits.

    Raises PermissionDenied for anyone but the chair, MeetingStateRejected unless the meeting
    runs."""
    item = _lock_item(agenda_item_id)
    require_chair(user, item.meeting)
    require_running(item.meeting)
    now = timezone.now()
    SpeakerRequest.objects.filter(agenda_item=item, state=SpeakerState.SPEAKING).update(
        state=SpeakerState.DONE, ended_at=now
    )
    following = (
        SpeakerRequest.objects.filter(agenda_item=item, state=SpeakerState.WAITING)
        .annotate(rank=speaker_rank())
        .order_by("rank", "order")
        .first()
    )
    if following is not None:
        following.state = SpeakerState.SPEAKING
        following.started_at = now
        following.save(update_fields=["state", "started_at"])
    _broadcast(item)
    return following


@transaction.atomic
def speaker_remove(*, speaker_id: int, user: Any) -> SpeakerRequest:
    """Take a request off the list: the chair any, a member only their own waiting one. A
    current speech ends instead.

    Raises PermissionDenied for anyone else, SpeakerRejected for a request already done."""
    found = SpeakerRequest.objects.only("agenda_item_id").get(pk=speaker_id)
    item = _lock_item(found.agenda_item_id)
    request = SpeakerRequest.objects.select_for_update().get(pk=speaker_id)
    chair = is_clerk_of(user, item.meeting.body_id)
    own = request.person_id == getattr(user, "person_id", None)
    if not chair and not (own and request.state == SpeakerState.WAITING):
        raise PermissionDenied(
            _("Nur die Sitzungsleitung darf fremde Wortmeldungen von der Redeliste nehmen.")
        )
    if request.state == SpeakerState.WAITING:
        request.state = SpeakerState.REMOVED
    elif request.state == SpeakerState.SPEAKING:
        request.state = SpeakerState.DONE
        request.ended_at = timezone.now()
    else:
        raise SpeakerRejected(_("Diese Wortmeldung ist bereits erledigt."))
    request.save(update_fields=["state", "ended_at"])
    _broadcast(item)
    return request
