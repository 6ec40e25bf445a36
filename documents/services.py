"""Writes of the documents app: members' private notes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from documents.errors import NoteRejected
from documents.models import Note, Paper
from ratsinfo.visibility import can_see
from sessions.models import AgendaItem

NOTE_MAX_LENGTH = 20_000


@transaction.atomic
def note_save(
    *,
    user: Any,
    paper: Paper | None = None,
    agenda_item: AgendaItem | None = None,
    text: str,
) -> Note | None:
    """Create, replace or (with empty text) delete the user's private note on a paper or an
    agenda item. Returns the note, or None when it was deleted.

    Raises PermissionDenied for anonymous users and for targets the user may not see, and
    NoteRejected for a note longer than NOTE_MAX_LENGTH characters or without exactly one target.
    """
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Nur angemeldete Personen können Notizen speichern."))
    target: Paper | AgendaItem
    if paper is not None and agenda_item is None:
        target = paper
    elif agenda_item is not None and paper is None:
        target = agenda_item
    else:
        raise NoteRejected(_("Eine Notiz gehört entweder zu einer Vorlage oder zu einem TOP."))
    if not can_see(user, target):
        raise PermissionDenied(_("Sie können diesen Eintrag nicht sehen."))
    # Browsers send line breaks as CR LF; the limit counts what is stored and shown.
    text = text.replace("\r\n", "\n")
    if len(text) > NOTE_MAX_LENGTH:
        raise NoteRejected(
            _(
                "Die Notiz ist zu lang: höchstens %(max)s Zeichen sind möglich, Ihr Text hat "
                "%(length)s. Ihre bisherige Notiz bleibt unverändert."
            )
            % {
                "max": number_format(NOTE_MAX_LENGTH, force_grouping=True),
                "length": number_format(len(text), force_grouping=True),
            }
        )
    target_filter = {"author": user, "paper": paper, "agenda_item": agenda_item}
    if not text.strip():
        Note.objects.filter(**target_filter).delete()
        return None
    # update_or_create retries as an update when another tab created the note first.
    note, _created = Note.objects.update_or_create(**target_filter, defaults={"text": text})
    return note
