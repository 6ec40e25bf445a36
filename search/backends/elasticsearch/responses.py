"""A search response body read into `Results`: hits with snippets (for files the best page
and its number), totals, and facets with labels."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from documents.models import Paper
from ratsinfo.models import Organization
from ratsinfo.visibility import visible
from search.backends.base import FACETS, FacetValue, Hit, Results
from search.backends.elasticsearch.queries import PAGE_HITS
from search.models import Kind


def _one_line(fragment: str) -> str:
    return " ".join(fragment.split())


def _first(highlight: Mapping[str, Any], field: str) -> str:
    fragments = highlight.get(field) or []
    return _one_line(str(fragments[0])) if fragments else ""


def _page_hit(raw_hit: Mapping[str, Any]) -> tuple[str, int | None]:
    """(snippet, page) from the best page of a file, or ("", None)."""
    inner = raw_hit.get("inner_hits", {}).get(PAGE_HITS, {}).get("hits", {}).get("hits", [])
    if not inner:
        return "", None
    best = inner[0]
    offset = best.get("_nested", {}).get("offset")
    page = int(offset) + 1 if offset is not None else None
    return _first(best.get("highlight", {}), "pages.text"), page


def hit_from(raw_hit: Mapping[str, Any]) -> Hit:
    source = raw_hit.get("_source", {})
    highlight = raw_hit.get("highlight", {})
    snippet, page = _page_hit(raw_hit)
    if not snippet:
        snippet = _first(highlight, "text") or _first(highlight, "title")
    date = source.get("date")
    score = raw_hit.get("_score")
    return Hit(
        kind=str(source["kind"]),
        object_id=int(source["object_id"]),
        title=str(source.get("title", "")),
        url=str(source.get("url", "")),
        context=str(source.get("context", "")),
        date=datetime.datetime.fromisoformat(date) if date else None,
        snippet=snippet,
        page=page,
        score=float(score) if score is not None else 0.0,
    )


def _by_count(values: list[FacetValue]) -> list[FacetValue]:
    return sorted(values, key=lambda f: (-f.count, f.label.lower()))


def facets_from(aggregations: Mapping[str, Any], *, user: Any) -> dict[str, list[FacetValue]]:
    """Facet values with labels, ordered as the database backends order them."""
    counts: dict[str, list[tuple[str, int]]] = {
        facet: [
            (str(bucket["key"]), int(bucket["doc_count"]))
            for bucket in aggregations.get(facet, {}).get("buckets", [])
        ]
        for facet in FACETS
    }
    kinds = dict(Kind.choices)
    types = dict(Paper.Type.choices)
    org_ids = [int(value) for value, _count in counts["organization"]]
    names: dict[int, str] = {}
    if org_ids:
        organizations = visible(user, Organization.objects.filter(pk__in=org_ids))
        names = dict(organizations.values_list("pk", "name"))
    return {
        "kind": _by_count([FacetValue(k, str(kinds.get(k, k)), n) for k, n in counts["kind"]]),
        "organization": _by_count(
            [FacetValue(v, names[int(v)], n) for v, n in counts["organization"] if int(v) in names]
        ),
        "paper_type": _by_count(
            [FacetValue(t, str(types.get(t, t)), n) for t, n in counts["paper_type"]]
        ),
        "year": sorted(
            (FacetValue(y, y, n) for y, n in counts["year"]), key=lambda f: f.value, reverse=True
        ),
        "file_type": _by_count([FacetValue(t, t, n) for t, n in counts["file_type"]]),
    }


def results_from(
    response: Mapping[str, Any], *, user: Any, notices: tuple[str, ...] = ()
) -> Results:
    """Results from a search response body."""
    hits = response.get("hits", {})
    total = hits.get("total", {})
    return Results(
        hits=[hit_from(raw) for raw in hits.get("hits", [])],
        total=int(total.get("value", 0) if isinstance(total, Mapping) else total),
        facets=facets_from(response.get("aggregations", {}), user=user),
        notices=notices,
    )
