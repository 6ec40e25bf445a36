"""The minutes page (Niederschrift) of a meeting."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from documents.selectors.minutes import minutes_page_for_user


def minutes_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = minutes_page_for_user(user=request.user, meeting_id=pk)
    return render(request, "documents/minutes_detail.html", {"page": page})
