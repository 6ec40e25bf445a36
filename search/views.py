"""The search page, and members' saved searches (list, save, rename, notification, delete)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from search import results_page, services
from search.backends import get_backend
from search.backends.base import Results, SearchRequest
from search.errors import SavedSearchRejected, SearchError
from search.forms import SavedSearchCreateForm, SavedSearchRenameForm
from search.params import (
    SearchParams,
    filters_querystring,
    params_from,
    params_from_querystring,
)
from search.query import ParsedQuery, parse
from search.selectors import (
    organization_names_for_user,
    saved_search_get_for_user,
    saved_search_list_for_user,
)
from search.stemming import is_stopword

# Seconds after which a client may try again when the search service is down.
RETRY_AFTER_SECONDS = 60


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    params = params_from(request.GET)
    parsed = parse(params.raw_query)
    notices = list(parsed.notices)
    if params.dropped:
        notices.append(
            _(
                "Ein Teil der Suchadresse (ein Filter, die Sortierung oder die Seitenzahl) war "
                "ungültig und wurde nicht berücksichtigt."
            )
        )
    context: dict[str, Any] = {"params": params, "notices": notices, "state": "results"}
    if not params.query.strip():
        context["state"] = "empty"
    elif parsed.is_empty:
        context["state"] = "negated_only" if parsed.negative else "no_words"
    elif all(is_stopword(word) for word in parsed.words()):
        context["state"] = "stopwords"
        context["stopwords"] = list(dict.fromkeys(parsed.words()))
    else:
        try:
            params, results = _search(request.user, params, parsed, notices)
        except SearchError as exc:
            context.update(state="error", error=exc.message)
            response = render(request, "search/search.html", context, status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        context.update(_results_context(request, params, parsed, results))
    return render(request, "search/search.html", context)


def _search(
    user: Any, params: SearchParams, parsed: ParsedQuery, notices: list[str]
) -> tuple[SearchParams, Results]:
    backend = get_backend()

    def run(page: int) -> Results:
        request = SearchRequest(
            query=parsed,
            filters=params.filters,
            sort=params.sort,
            page=page,
            per_page=results_page.PER_PAGE,
        )
        return backend.search(request, user=user)

    results = run(params.page)
    last = results_page.num_pages(results.total)
    if results.total and params.page > last:
        notices.append(
            _("Die Seite %(page)d gibt es nicht; gezeigt wird die letzte Seite, %(last)d.")
            % {"page": params.page, "last": last}
        )
        params = params.with_page(last)
        results = run(last)
    notices.extend(results.notices)
    return params, results


def _results_context(
    request: HttpRequest, params: SearchParams, parsed: ParsedQuery, results: Results
) -> dict[str, Any]:
    present = {v.value for v in results.facets.get("organization", [])}
    missing = params.filters.organization - present
    names = organization_names_for_user(user=request.user, ids=missing) if missing else {}
    labels = results_page.facet_labels(results.facets, names)
    context: dict[str, Any] = {
        "params": params,
        "total": results.total,
        "hits": results_page.hit_views(results.hits),
        "first_number": (params.page - 1) * results_page.PER_PAGE + 1,
        "facets": results_page.facet_blocks(params, results.facets, labels),
        "selected": results_page.selected_filters(params, labels),
        "remove_all_url": params.without_filters().url(),
        "sort_links": results_page.sort_links(params),
        "pagination": results_page.pagination(params, results.total),
        "single_words": results_page.single_word_links(params, parsed) if not results.total else [],
    }
    if request.user.is_authenticated:
        context["save_form"] = SavedSearchCreateForm(
            initial={
                "name": params.query[: services.NAME_MAX_LENGTH],
                "q": params.query,
                "filters": filters_querystring(params.filters, params.sort),
                "notify": True,
            }
        )
    return context


@require_safe
def saved_search_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    searches = saved_search_list_for_user(user=request.user)
    params = {saved.pk: params_from_querystring(saved.query, saved.filters) for saved in searches}
    organization_ids = {v for p in params.values() for v in p.filters.organization}
    names = organization_names_for_user(user=request.user, ids=organization_ids)
    labels = results_page.facet_labels({}, names)
    items = [
        {
            "saved": saved,
            "url": params[saved.pk].url(),
            "filters": results_page.filter_summary(params[saved.pk], labels),
            "rename_form": SavedSearchRenameForm(
                initial={"name": saved.name}, prefix=f"s{saved.pk}"
            ),
        }
        for saved in searches
    ]
    context = {
        "items": items,
        "limit": services.MAX_SAVED_SEARCHES,
        "has_email": bool(getattr(request.user, "email", "")),
    }
    return render(request, "search/saved_search_list.html", context)


@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    form = SavedSearchCreateForm(request.POST)
    back = params_from_querystring(request.POST.get("q", ""), request.POST.get("filters", "")).url()
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return HttpResponseRedirect(back)
    try:
        saved = services.saved_search_create(
            user=request.user,
            name=form.cleaned_data["name"],
            query=form.cleaned_data["q"],
            filters=form.cleaned_data["filters"],
            notify=form.cleaned_data["notify"],
        )
    except SavedSearchRejected as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(back)
    messages.success(request, _("Die Suche „%(name)s“ wurde gespeichert.") % {"name": saved.name})
    return HttpResponseRedirect(reverse("saved-search-list"))


@require_POST
def saved_search_rename(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("saved-search-list"))
    saved = saved_search_get_for_user(user=request.user, saved_search_id=pk)
    form = SavedSearchRenameForm(request.POST, prefix=f"s{saved.pk}")
    if not form.is_valid():
        messages.error(request, str(next(iter(form.errors.values()))[0]))
    else:
        try:
            services.saved_search_rename(
                user=request.user, saved_search_id=pk, name=form.cleaned_data["name"]
            )
        except SavedSearchRejected as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Der Name wurde geändert."))
    return HttpResponseRedirect(reverse("saved-search-list") + f"#suche-{pk}")


@require_POST
def saved_search_notify(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("saved-search-list"))
    notify = request.POST.get("notify") == "1"
    saved = services.saved_search_set_notify(user=request.user, saved_search_id=pk, notify=notify)
    if saved.notify:
        text = _("Sie werden über neue Treffer für „%(name)s“ per E-Mail benachrichtigt.")
    else:
        text = _("Die Benachrichtigung für „%(name)s“ ist ausgeschaltet.")
    messages.success(request, text % {"name": saved.name})
    return HttpResponseRedirect(reverse("saved-search-list") + f"#suche-{pk}")


@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("saved-search-list"))
    name = services.saved_search_delete(user=request.user, saved_search_id=pk)
    messages.success(
        request, _("Die gespeicherte Suche „%(name)s“ wurde gelöscht.") % {"name": name}
    )
    return HttpResponseRedirect(reverse("saved-search-list"))
