"""The request body of a search: the parsed query as a bool query over title, text and file
pages, facet filters, the user's audience, sort, page, highlighting and aggregations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from elasticsearch.dsl import Q, Query, Search

from ratsinfo.visibility import Principal
from search import stemming
from search.backends.base import SearchRequest
from search.models import Kind
from search.query import Clause, ParsedQuery, Term

# Facet name -> (document field, most values counted). Every facet counts over all matches.
FACET_FIELDS = {
    "kind": ("kind", len(Kind.choices)),
    "organization": ("organization_ids", 200),
    "paper_type": ("paper_type", 50),
    "year": ("year", 200),
    "file_type": ("file_type", 50),
}
# Returned with each hit; the texts stay on the server.
SOURCE_FIELDS = ["kind", "object_id", "title", "url", "context", "date"]
MAX_PER_PAGE = 100
# Elasticsearch's default index.max_result_window: deeper pages are refused by the server.
MAX_RESULT_WINDOW = 10_000
SNIPPET_CHARS = 200
TITLE_BOOST = 3
HIGHLIGHT = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html"}
PAGE_HITS = "page"


def audience_query(principal: Principal) -> Query | None:
    """The user's rights as a filter, meaning what `Audience.admits` means; None for
    administrators, who see everything."""
    if principal.is_admin:
        return None
    should: list[dict[str, Any]] = [{"term": {"audience.public": True}}]
    if principal.member_organization_ids:
        ids = sorted(principal.member_organization_ids)
        should.append({"terms": {"audience.organization_ids": ids}})
    if principal.clerk_body_ids:
        should.append({"terms": {"audience.body_ids": sorted(principal.clerk_body_ids)}})
    return Q({"bool": {"should": should, "minimum_should_match": 1}})


def _meaningful(term: Term) -> bool:
    """The term has a word the index keeps (not a stop word, not "_" alone)."""
    parts = (part for word in term.words for part in stemming.words(word))
    return any(not stemming.is_stopword(part) for part in parts)


def searchable(query: ParsedQuery) -> ParsedQuery:
    """The query without terms the index has no token for (stop words alone), and without
    clauses left empty by that: as in the database backends, "der Spielplatz" searches
    "Spielplatz" (a match query without tokens would match nothing and fail the search)."""
    clauses = []
    for clause in query.clauses:
        terms = tuple(t for t in clause.terms if _meaningful(t))
        if terms:
            clauses.append(Clause(terms, negated=clause.negated))
    return ParsedQuery(raw=query.raw, clauses=tuple(clauses), notices=query.notices)


def _term_query(term: Term, field: str, boost: float | None = None) -> dict[str, Any]:
    text = " ".join(term.words)
    body: dict[str, Any] = {"query": text}
    if term.is_phrase:
        kind = "match_phrase"
    else:
        kind = "match"
        # One word can still give several tokens; all of them must be there.
        body["operator"] = "and"
    if boost is not None:
        body["boost"] = boost
    return {kind: {field: body}}


def _any_of(queries: list[dict[str, Any]]) -> dict[str, Any]:
    if len(queries) == 1:
        return queries[0]
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def _clause_query(terms: Iterable[Term]) -> dict[str, Any]:
    """Any of the terms, in the title, the text or on one page of a file."""
    terms = list(terms)
    should: list[dict[str, Any]] = []
    for term in terms:
        should.append(_term_query(term, "title", TITLE_BOOST))
        should.append(_term_query(term, "text"))
    pages = _any_of([_term_query(term, "pages.text") for term in terms])
    should.append({"nested": {"path": "pages", "score_mode": "max", "query": pages}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _best_page_query(query: ParsedQuery) -> dict[str, Any]:
    """Finds the best-scoring page of a file for the query's words and highlights it. It never
    decides whether a file matches and adds nothing to its score (`score_mode: none`)."""
    terms = [term for clause in query.positive for term in clause.terms]
    return {
        "nested": {
            "path": "pages",
            "score_mode": "none",
            "query": _any_of([_term_query(term, "pages.text") for term in terms]),
            "inner_hits": {
                "name": PAGE_HITS,
                "size": 1,
                "_source": False,
                "highlight": {
                    **HIGHLIGHT,
                    "fields": {
                        "pages.text": {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1}
                    },
                },
            },
        }
    }


def filter_queries(request: SearchRequest, principal: Principal) -> list[Query]:
    """Facet selections, the publication window and the user's audience: filters that do not
    score. An unknown value (an organization id that is no number) selects nothing."""
    filters: list[Query] = []
    selected = request.filters
    for facet, values in (
        ("kind", selected.kind),
        ("paper_type", selected.paper_type),
        ("file_type", selected.file_type),
    ):
        if values:
            filters.append(Q({"terms": {facet: sorted(values)}}))
    for field, values in (
        ("organization_ids", selected.organization),
        ("year", selected.year),
    ):
        if values:
            numbers = sorted(int(v) for v in values if v.isdigit())
            filters.append(Q({"terms": {field: numbers}}))
    if request.published_after is not None:
        after = request.published_after.isoformat()
        filters.append(Q({"range": {"published_at": {"gt": after}}}))
    restriction = audience_query(principal)
    if restriction is not None:
        filters.append(restriction)
    return filters


def _sort(sort: str) -> list[Any]:
    by_date = {"date": {"order": "asc" if sort == "date_asc" else "desc", "missing": "_last"}}
    # kind and object_id last: equal scores and dates still come in one stable order, so that
    # pages are disjoint.
    tail: list[Any] = [{"kind": "asc"}, {"object_id": "asc"}]
    if sort == "relevance":
        return [{"_score": "desc"}, by_date, *tail]
    return [by_date, {"_score": "desc"}, *tail]


def build_search(request: SearchRequest, principal: Principal, *, index: str) -> Search[Any]:
    """The complete request body for a search (tests assert it with `.to_dict()`); the
    query must have a positive clause left after `searchable()`."""
    query = searchable(request.query)
    per_page = max(1, min(request.per_page, MAX_PER_PAGE))
    start = (max(1, request.page) - 1) * per_page
    # Past the server's window there are no hits to fetch; totals and facets still come.
    size = per_page if start + per_page <= MAX_RESULT_WINDOW else 0
    start = start if size else 0
    bool_query: dict[str, Any] = {
        "must": [_clause_query(c.terms) for c in query.positive],
        "should": [_best_page_query(query)],
    }
    filters = filter_queries(request, principal)
    if filters:
        bool_query["filter"] = [f.to_dict() for f in filters]
    if query.negative:
        bool_query["must_not"] = [_clause_query(c.terms) for c in query.negative]
    search = (
        Search(index=index)
        .query(Q({"bool": bool_query}))
        .sort(*_sort(request.sort))
        .source(includes=SOURCE_FIELDS)
        .extra(from_=start, size=size, track_total_hits=True)
        .highlight_options(**HIGHLIGHT)
        .highlight(
            "text",
            fragment_size=SNIPPET_CHARS,
            number_of_fragments=1,
            no_match_size=SNIPPET_CHARS,
        )
        .highlight("title", number_of_fragments=0)
    )
    for facet, (field, size_limit) in FACET_FIELDS.items():
        search.aggs.bucket(facet, "terms", field=field, size=size_limit)
    return search
