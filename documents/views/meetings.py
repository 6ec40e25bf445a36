"""The meeting page: header, downloads, the agenda with papers, files and results."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from documents.selectors.meetings import meeting_page_for_user
from documents.selectors.notes import note_map_for_user


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = meeting_page_for_user(user=request.user, meeting_id=pk)
    entries = page.agenda.entries
    notes = note_map_for_user(user=request.user, agenda_item_ids=[e.item.pk for e in entries])
    for entry in entries:
        entry.note = notes.agenda_items.get(entry.item.pk)
    return render(request, "documents/meeting_detail.html", {"page": page})
