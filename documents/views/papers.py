"""The paper list with its filters, and the paper page."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from documents.forms import FileUploadForm, PaperFilterForm
from documents.selectors.notes import note_map_for_user
from documents.selectors.papers import (
    paper_filter_organizations,
    paper_filter_years,
    paper_list_for_user,
    paper_page_for_user,
)

PAPERS_PER_PAGE = 25


def paper_list(request: HttpRequest) -> HttpResponse:
    organizations = [(org.pk, org.name) for org in paper_filter_organizations(user=request.user)]
    form = PaperFilterForm(
        request.GET, organizations=organizations, years=paper_filter_years(user=request.user)
    )
    form.is_valid()
    papers = paper_list_for_user(
        user=request.user,
        paper_type=form.cleaned_or_none("typ"),
        organization_id=form.cleaned_or_none("gremium"),
        year=form.cleaned_or_none("jahr"),
    )
    page = Paginator(papers, PAPERS_PER_PAGE).get_page(request.GET.get("seite"))
    filters = request.GET.copy()
    filters.pop("seite", None)
    context = {
        "form": form,
        "page_obj": page,
        "papers": page.object_list,
        "filter_query": filters.urlencode(),
        "filtered": any(form.cleaned_or_none(name) for name in ("typ", "gremium", "jahr")),
    }
    return render(request, "documents/paper_list.html", context)


def paper_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = paper_page_for_user(user=request.user, paper_id=pk)
    page.note = note_map_for_user(user=request.user, paper_ids=[page.paper.pk]).papers.get(
        page.paper.pk
    )
    context: dict[str, object] = {"page": page}
    if page.clerk_view:
        context["upload_form"] = FileUploadForm()
        context["upload_max_bytes"] = settings.FILE_UPLOAD_MAX_BYTES
    return render(request, "documents/paper_detail.html", context)
