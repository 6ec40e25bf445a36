"""The one protocol every search backend implements (DESIGN.md §6)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from django.db import models

from search.query import ParsedQuery

Sort = Literal["relevance", "date_desc", "date_asc"]
# Called with (done, total) while rebuilding.
Progress = Callable[[int, int], None]

# Facet names, in the order the search page shows them.
FACETS = ("kind", "organization", "paper_type", "year", "file_type")


@dataclass(frozen=True)
class Filters:
    """Facet selections; an empty set means "no restriction". Values are the facet values as
    strings (organization ids and years too), exactly as `FacetValue.value` gives them."""

    kind: frozenset[str] = frozenset()
    organization: frozenset[str] = frozenset()
    paper_type: frozenset[str] = frozenset()
    year: frozenset[str] = frozenset()
    file_type: frozenset[str] = frozenset()

    def get(self, facet: str) -> frozenset[str]:
        value: frozenset[str] = getattr(self, facet)
        return value


@dataclass(frozen=True)
class SearchRequest:
    query: ParsedQuery
    filters: Filters = Filters()
    sort: Sort = "relevance"
    page: int = 1  # 1-based
    per_page: int = 20
    # Only entries published after this moment (saved-search notifications).
    published_after: datetime.datetime | None = None


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    url: str
    context: str
    date: datetime.datetime | None
    # HTML-safe: the text is escaped and only the matches are wrapped in <mark>…</mark>.
    snippet: str
    # For files: the page the snippet is on (1-based), when it could be found.
    page: int | None = None
    score: float = 0.0


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class Results:
    hits: list[Hit]
    total: int
    # Facet name (see FACETS) -> values with counts, most frequent first (year: newest first).
    # Counted over every visible match, regardless of the page shown.
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    notices: tuple[str, ...] = ()


class Backend(Protocol):
    name: str

    def index(self, objs: Iterable[models.Model]) -> None:
        """Add or replace the entries of these objects (deleted ones are removed)."""

    def remove(self, objs: Iterable[models.Model]) -> None:
        """Remove the entries of these objects."""

    def search(self, request: SearchRequest, *, user: Any) -> Results:
        """Matches `user` may see, with facets and snippets counted over those alone."""

    def rebuild(self, *, progress: Progress | None = None) -> int:
        """Drop everything and index every object again; returns the number of entries."""
