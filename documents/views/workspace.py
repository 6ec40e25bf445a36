"""A member's workspace: their next meetings, committees, papers and notes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from documents.selectors.workspace import workspace_for_user


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    context = {"workspace": workspace_for_user(user=request.user)}
    return render(request, "documents/workspace.html", context)
