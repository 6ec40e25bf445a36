"""Reads of private notes. A note is shown to its author only, and only while the author may
still see what it is about."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from documents.models import Note, Paper
from ratsinfo.visibility import visible
from sessions.models import AgendaItem


@dataclass(frozen=True)
class NoteMap:
    """The user's notes on the papers and agenda items of one page, by target id."""

    papers: dict[int, Note] = field(default_factory=dict)
    agenda_items: dict[int, Note] = field(default_factory=dict)


def note_map_for_user(
    *,
    user: Any,
    paper_ids: Iterable[int] = (),
    agenda_item_ids: Iterable[int] = (),
) -> NoteMap:
    """The user's notes on the given targets (one query; none for anonymous users). The caller
    passes ids of targets it has already shown to the user, so visibility is not checked again."""
    paper_ids = list(paper_ids)
    agenda_item_ids = list(agenda_item_ids)
    if not getattr(user, "is_authenticated", False) or not (paper_ids or agenda_item_ids):
        return NoteMap()
    notes = Note.objects.filter(author=user).filter(
        Q(paper_id__in=paper_ids) | Q(agenda_item_id__in=agenda_item_ids)
    )
    result = NoteMap()
    for note in notes:
        if note.paper_id is not None:
            result.papers[note.paper_id] = note
        elif note.agenda_item_id is not None:
            result.agenda_items[note.agenda_item_id] = note
    return result


def note_list_for_user(*, user: Any, limit: int = 10) -> list[Note]:
    """The user's most recently changed notes on papers and agenda items they can still see,
    with their targets (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    visible_papers = visible(user, Paper.objects.all()).values("pk")
    visible_items = visible(user, AgendaItem.objects.all()).values("pk")
    notes = (
        Note.objects.filter(author=user)
        .filter(Q(paper__in=visible_papers) | Q(agenda_item__in=visible_items))
        .select_related("paper", "agenda_item__meeting")
        .order_by("-modified", "-pk")
    )
    return list(notes[:limit])
