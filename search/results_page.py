"""What the search page shows besides the hits' own text: facet links with counts, the chosen
filters with links that remove them, sort links, page links, and the help for a search
without results. Every link is a plain GET URL (no script needed), built by `search.params`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.models import Paper
from search.backends.base import FACETS, FacetValue, Hit, Sort
from search.models import Kind
from search.params import SearchParams, selected_pairs
from search.query import ParsedQuery

PER_PAGE = 20
# Facet values shown at once; the rest open under "Alle … anzeigen".
FACET_VISIBLE = 8
# Page links on either side of the current page.
PAGE_WINDOW = 2

FACET_TITLES = {
    "kind": gettext_lazy("Art"),
    "organization": gettext_lazy("Gremium"),
    "paper_type": gettext_lazy("Vorlagenart"),
    "year": gettext_lazy("Jahr"),
    "file_type": gettext_lazy("Dateityp"),
}
SORT_LABELS: dict[Sort, Promise] = {
    "relevance": gettext_lazy("Relevanz"),
    "date_desc": gettext_lazy("Neueste zuerst"),
    "date_asc": gettext_lazy("Älteste zuerst"),
}


@dataclass(frozen=True)
class HitView:
    kind_label: str
    title: str
    url: str
    context: str
    date: datetime.datetime | None
    # Escaped by the backend, matches in <mark>: the only HTML the page takes from a backend.
    snippet: SafeString
    page: int | None
    page_url: str


@dataclass(frozen=True)
class FacetLink:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass(frozen=True)
class FacetBlock:
    name: str
    title: str
    links: list[FacetLink]
    more: list[FacetLink] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.links) + len(self.more)


@dataclass(frozen=True)
class SelectedFilter:
    facet_title: str
    label: str
    remove_url: str


@dataclass(frozen=True)
class SortLink:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class PageLink:
    # None for the gap ("…") between distant page numbers.
    number: int | None
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    number: int
    num_pages: int
    links: list[PageLink]
    previous_url: str = ""
    next_url: str = ""


def kind_label(kind: str) -> str:
    return str(Kind(kind).label) if kind in Kind.values else kind


def hit_views(hits: list[Hit]) -> list[HitView]:
    views = []
    for hit in hits:
        page_url = ""
        if hit.page:
            # Browsers' PDF viewers open at `#page=N`; `inline=1` shows the file instead of
            # saving it.
            joiner = "&" if "?" in hit.url else "?"
            page_url = f"{hit.url}{joiner}inline=1#page={hit.page}"
        views.append(
            HitView(
                kind_label=kind_label(hit.kind),
                title=hit.title,
                url=hit.url,
                context=hit.context,
                date=hit.date,
                snippet=mark_safe(hit.snippet),  # noqa: S308  # escaped by the backend (Hit.snippet)
                page=hit.page,
                page_url=page_url,
            )
        )
    return views


def value_label(facet: str, value: str, *, known: dict[str, str]) -> str:
    """A facet value's label: the backend's, else one derived from the value itself."""
    if value in known:
        return known[value]
    if facet == "kind":
        return kind_label(value)
    if facet == "paper_type":
        return str(dict(Paper.Type.choices).get(value, value))
    if facet == "organization":
        return _("Gremium Nr. %(id)s") % {"id": value}
    return value


def facet_labels(
    facets: dict[str, list[FacetValue]], organization_names: dict[str, str]
) -> dict[str, dict[str, str]]:
    labels = {name: {v.value: v.label for v in facets.get(name, [])} for name in FACETS}
    labels["organization"] = {**organization_names, **labels["organization"]}
    return labels


def facet_blocks(
    params: SearchParams,
    facets: dict[str, list[FacetValue]],
    labels: dict[str, dict[str, str]],
) -> list[FacetBlock]:
    """One block per facet that has values; chosen values come first and stay listed (with 0)
    even when nothing matches them any more."""
    blocks = []
    for name in FACETS:
        chosen = params.filters.get(name)
        values = list(facets.get(name, []))
        present = {v.value for v in values}
        values += [
            FacetValue(v, value_label(name, v, known=labels[name]), 0)
            for v in sorted(chosen - present)
        ]
        if not values:
            continue
        links = [
            FacetLink(
                value=v.value,
                label=v.label,
                count=v.count,
                selected=v.value in chosen,
                url=params.toggled(name, v.value).url(),
            )
            for v in values
        ]
        first = [link for link in links if link.selected]
        rest = [link for link in links if not link.selected]
        shown = max(FACET_VISIBLE - len(first), 0)
        blocks.append(
            FacetBlock(
                name=name,
                title=str(FACET_TITLES[name]),
                links=first + rest[:shown],
                more=rest[shown:],
            )
        )
    return blocks


def selected_filters(
    params: SearchParams, labels: dict[str, dict[str, str]]
) -> list[SelectedFilter]:
    return [
        SelectedFilter(
            facet_title=str(FACET_TITLES[facet]),
            label=value_label(facet, value, known=labels[facet]),
            remove_url=params.toggled(facet, value).url(),
        )
        for facet, value in selected_pairs(params.filters)
    ]


def sort_links(params: SearchParams) -> list[SortLink]:
    return [
        SortLink(label=str(label), url=params.with_sort(sort).url(), current=sort == params.sort)
        for sort, label in SORT_LABELS.items()
    ]


def num_pages(total: int, per_page: int = PER_PAGE) -> int:
    return max((total + per_page - 1) // per_page, 1)


def pagination(params: SearchParams, total: int, per_page: int = PER_PAGE) -> Pagination | None:
    """Page links: the first, the last and a window around the current page, with gaps."""
    last = num_pages(total, per_page)
    if last <= 1:
        return None
    current = min(params.page, last)
    numbers = sorted(
        {1, last, *range(max(current - PAGE_WINDOW, 1), min(current + PAGE_WINDOW, last) + 1)}
    )
    links: list[PageLink] = []
    previous = 0
    for number in numbers:
        if number - previous > 1:
            links.append(PageLink(None))
        links.append(
            PageLink(number, url=params.with_page(number).url(), current=number == current)
        )
        previous = number
    return Pagination(
        number=current,
        num_pages=last,
        links=links,
        previous_url=params.with_page(current - 1).url() if current > 1 else "",
        next_url=params.with_page(current + 1).url() if current < last else "",
    )


def single_word_links(params: SearchParams, parsed: ParsedQuery) -> list[tuple[str, str]]:
    """(word, URL) for each word of a search of several words: one of them alone may match."""
    words = list(dict.fromkeys(parsed.words()))
    if len(words) < 2:
        return []
    return [(word, params.with_query(word).url()) for word in words]


def filter_summary(params: SearchParams, labels: dict[str, dict[str, str]]) -> list[str]:
    """The chosen filters and a sort order other than relevance, in words ("Art: Vorlage")."""
    parts = [
        f"{FACET_TITLES[facet]}: {value_label(facet, value, known=labels[facet])}"
        for facet, value in selected_pairs(params.filters)
    ]
    if params.sort != "relevance":
        parts.append(f"{_('Sortierung')}: {SORT_LABELS[params.sort]}")
    return parts
