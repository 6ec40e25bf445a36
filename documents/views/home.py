"""The landing page: next meetings, recently published papers and minutes."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from documents.selectors.minutes import minutes_list_recent
from documents.selectors.papers import paper_list_recent
from sessions.selectors import meeting_list_upcoming


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "meetings": meeting_list_upcoming(user=request.user, limit=8),
        "papers": paper_list_recent(user=request.user, limit=8),
        "minutes_list": minutes_list_recent(user=request.user, limit=5),
    }
    return render(request, "home.html", context)
