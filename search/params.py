"""The search page's query string, read and written in one place: `?q=…&art=…&gremium=…&
vorlagenart=…&jahr=…&dateityp=…&sortierung=…&seite=…`. Reading never fails: a value that
cannot be a facet value, sort order or page is dropped and `dropped` says so. Saved searches
store the facet and sort part of the same query string (`SavedSearch.filters`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl

from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode

from search.backends.base import FACETS, Filters, Sort
from search.models import Kind
from search.query import MAX_QUERY_CHARS

# Facet name (search.backends.base.FACETS) -> its parameter in the query string.
FACET_PARAMS = {
    "kind": "art",
    "organization": "gremium",
    "paper_type": "vorlagenart",
    "year": "jahr",
    "file_type": "dateityp",
}
SORT_PARAM = "sortierung"
PAGE_PARAM = "seite"
# Sort order -> its value in the query string; relevance is the default and left out.
SORT_VALUES: dict[Sort, str] = {"relevance": "", "date_desc": "neueste", "date_asc": "aelteste"}
SORTS_BY_VALUE: dict[str, Sort] = {value: sort for sort, value in SORT_VALUES.items() if value}

NO_FILTERS = Filters()
# Pages beyond this are never asked of a backend: a huge OFFSET only costs the database.
MAX_PAGE = 500
# More values per facet than anyone clicks: the rest of a forged URL is dropped.
MAX_VALUES_PER_FACET = 20

# What a value of each facet can look like; anything else is no value of it.
_VALUE_SHAPES = {
    "kind": re.compile("|".join(re.escape(k) for k in Kind.values)),
    "organization": re.compile(r"[0-9]{1,12}"),
    # Imported papers bring their own types ("Vorlage", "Antrag (Fraktion)"): words, not syntax.
    "paper_type": re.compile(r"[\w .,()/-]{1,100}"),
    "year": re.compile(r"[0-9]{4}"),
    "file_type": re.compile(r"[A-Za-z0-9.+-]{1,20}"),
}


@dataclass(frozen=True)
class SearchParams:
    # As typed (the parser cuts it and says so); `query` is the form shown back to the user.
    raw_query: str = ""
    filters: Filters = NO_FILTERS
    sort: Sort = "relevance"
    page: int = 1
    # Something in the query string was not understood and left out.
    dropped: bool = False

    @property
    def query(self) -> str:
        """The query for the search box and links: cut like the parser cuts it, control
        characters (which HTML cannot carry) replaced by spaces."""
        text = self.raw_query[:MAX_QUERY_CHARS]
        return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)

    @property
    def has_filters(self) -> bool:
        return any(self.filters.get(facet) for facet in FACETS)

    def hidden_fields(self) -> list[tuple[str, str]]:
        """(name, value) of the facet and sort parameters: hidden inputs keep them when the
        search box changes only the query."""
        return parse_qsl(filters_querystring(self.filters, self.sort))

    def url(self) -> str:
        return search_url(query=self.query, filters=self.filters, sort=self.sort, page=self.page)

    def with_page(self, page: int) -> SearchParams:
        return replace(self, page=page)

    def with_sort(self, sort: Sort) -> SearchParams:
        return replace(self, sort=sort, page=1)

    def with_query(self, query: str) -> SearchParams:
        return replace(self, raw_query=query, page=1)

    def toggled(self, facet: str, value: str) -> SearchParams:
        """The same search with `value` of `facet` selected, or deselected if it was."""
        values = self.filters.get(facet)
        values = values - {value} if value in values else values | {value}
        return replace(self, filters=replace(self.filters, **{facet: values}), page=1)

    def without_filters(self) -> SearchParams:
        return replace(self, filters=NO_FILTERS, page=1)


def params_from(data: QueryDict) -> SearchParams:
    """The search parameters of a query string; never raises, whatever it holds."""
    dropped = False
    selections: dict[str, frozenset[str]] = {}
    for facet, name in FACET_PARAMS.items():
        shape = _VALUE_SHAPES[facet]
        values = [v.strip() for v in data.getlist(name)]
        kept = {v for v in values if shape.fullmatch(v)}
        dropped |= len(kept) < len({v for v in values if v})
        if len(kept) > MAX_VALUES_PER_FACET:
            kept = set(sorted(kept)[:MAX_VALUES_PER_FACET])
            dropped = True
        selections[facet] = frozenset(kept)
    sort_value = data.get(SORT_PARAM, "") or ""
    sort: Sort = SORTS_BY_VALUE.get(sort_value, "relevance")
    dropped |= bool(sort_value) and sort_value not in SORTS_BY_VALUE
    page_value = (data.get(PAGE_PARAM, "") or "").strip()
    page = 1
    if page_value:
        if page_value.isascii() and page_value.isdigit() and int(page_value) >= 1:
            # Past the last page the view shows the last one; MAX_PAGE only bounds the work.
            page = min(int(page_value), MAX_PAGE)
        else:
            dropped = True
    return SearchParams(
        raw_query=data.get("q", "") or "",
        filters=Filters(**selections),
        sort=sort,
        page=page,
        dropped=dropped,
    )


def filters_querystring(filters: Filters, sort: Sort = "relevance") -> str:
    """The facet and sort part of a search page URL (`SavedSearch.filters`), values sorted so
    that the same selection always gives the same string."""
    pairs: list[tuple[str, str]] = []
    for facet in FACETS:
        pairs += [(FACET_PARAMS[facet], value) for value in sorted(filters.get(facet))]
    if SORT_VALUES[sort]:
        pairs.append((SORT_PARAM, SORT_VALUES[sort]))
    return urlencode(pairs)


def search_url(
    *, query: str, filters: Filters = NO_FILTERS, sort: Sort = "relevance", page: int = 1
) -> str:
    """The search page's URL for these parameters (path only)."""
    parts = [urlencode({"q": query})]
    rest = filters_querystring(filters, sort)
    if rest:
        parts.append(rest)
    if page > 1:
        parts.append(urlencode({PAGE_PARAM: page}))
    return reverse("search") + "?" + "&".join(parts)


def params_from_querystring(query: str, querystring: str) -> SearchParams:
    """The parameters of a saved search: its query and its stored facet and sort string."""
    return replace(params_from(QueryDict(querystring)), raw_query=query, page=1)


def selected_pairs(filters: Filters) -> list[tuple[str, str]]:
    """(facet, value) of every selected facet value, in the page's facet order."""
    return [(facet, value) for facet in FACETS for value in sorted(filters.get(facet))]
