"""Saving a private note from the form under a paper or an agenda item."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import services
from documents.errors import NoteRejected
from documents.models import Paper
from documents.selectors.meetings import agenda_item_get_for_user
from documents.selectors.papers import paper_get_for_user
from sessions.models import AgendaItem


@require_POST
def note_save(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    paper: Paper | None = None
    item: AgendaItem | None = None
    if kind == "vorlage":
        paper = paper_get_for_user(user=request.user, paper_id=pk)
        fallback = reverse("paper-detail", args=[paper.pk]) + "#notiz"
    elif kind == "top":
        item = agenda_item_get_for_user(user=request.user, agenda_item_id=pk)
        fallback = reverse("meeting-detail", args=[item.meeting_id]) + f"#top-{item.pk}"
    else:
        raise Http404("unknown note kind")
    try:
        note = services.note_save(
            user=request.user, paper=paper, agenda_item=item, text=request.POST.get("text", "")
        )
    except NoteRejected as exc:
        messages.error(request, exc.message)
    else:
        if note is None:
            messages.success(request, _("Ihre Notiz wurde gelöscht."))
        else:
            messages.success(request, _("Ihre Notiz wurde gespeichert."))
    return HttpResponseRedirect(_next_url(request, fallback))


def _next_url(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
