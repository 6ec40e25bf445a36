"""The Elasticsearch backend without a server (DESIGN.md §6): the mapping it creates, the exact
request bodies it sends for each kind of search, the audience each document carries (checked
against the visibility rule itself), how a response becomes `Results`, and what index, remove
and rebuild send. A fake transport node stands in for the server: the real client serialises
every request, the node records it and answers with a canned response."""

from __future__ import annotations

import datetime
import json
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node import NodeApiResponse
from elasticsearch import Elasticsearch

from documents.models import Paper
from ratsinfo.models import Body, Job, Organization
from ratsinfo.visibility import (
    ANONYMOUS,
    Audience,
    Principal,
    audience,
    audience_principal,
    audiences,
    can_see,
    principal_for,
)
from search import stemming
from search.backends.base import FACETS, FacetValue, Filters, Hit, SearchRequest
from search.backends.elasticsearch import ElasticsearchBackend
from search.backends.elasticsearch.mapping import document_source, index_definition
from search.backends.elasticsearch.queries import build_search
from search.backends.elasticsearch.responses import results_from
from search.entries import PAGE_SEPARATOR, entries_for
from search.errors import SearchUnavailable
from search.indexing import JOB as INDEX_JOB
from search.query import parse
from tests.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    FileFactory,
    MeetingFactory,
    PaperFactory,
    UserFactory,
)
from tests.ratsinfo.test_visibility import SCENARIOS, World

ALIAS = "ratsinfo"
GERMAN = {
    "type": "text",
    "analyzer": "ratsinfo_german",
    "index_options": "offsets",
}
HIGHLIGHT_TAGS = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html"}


def body_for(text: str, principal: Principal = ANONYMOUS, **request: Any) -> dict[str, Any]:
    search = build_search(SearchRequest(query=parse(text), **request), principal, index=ALIAS)
    return search.to_dict()


def clause(*terms: dict[str, Any], pages: dict[str, Any]) -> dict[str, Any]:
    return {
        "bool": {
            "should": [*terms, {"nested": {"path": "pages", "score_mode": "max", "query": pages}}],
            "minimum_should_match": 1,
        }
    }


def word(field: str, text: str, boost: float | None = None) -> dict[str, Any]:
    query: dict[str, Any] = {"query": text, "operator": "and"}
    if boost is not None:
        query["boost"] = boost
    return {"match": {field: query}}


def phrase(field: str, text: str, boost: float | None = None) -> dict[str, Any]:
    query: dict[str, Any] = {"query": text}
    if boost is not None:
        query["boost"] = boost
    return {"match_phrase": {field: query}}


def word_clause(text: str) -> dict[str, Any]:
    return clause(word("title", text, 3), word("text", text), pages=word("pages.text", text))


def best_page(*page_queries: dict[str, Any]) -> dict[str, Any]:
    query = (
        page_queries[0]
        if len(page_queries) == 1
        else {"bool": {"should": list(page_queries), "minimum_should_match": 1}}
    )
    return {
        "nested": {
            "path": "pages",
            "score_mode": "none",
            "query": query,
            "inner_hits": {
                "name": "page",
                "size": 1,
                "_source": False,
                "highlight": {
                    **HIGHLIGHT_TAGS,
                    "fields": {"pages.text": {"fragment_size": 200, "number_of_fragments": 1}},
                },
            },
        }
    }


PUBLIC_ONLY = {"bool": {"should": [{"term": {"audience.public": True}}], "minimum_should_match": 1}}


# --- The index: mapping and analysis ----------------------------------------------------------


def test_german_analyzer_lowercases_drops_stop_words_folds_umlauts_and_stems_lightly():
    settings = index_definition("ratsinfo-1").to_dict()["settings"]

    analysis = settings["analysis"]
    assert analysis["analyzer"] == {
        "ratsinfo_german": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [
                "lowercase",
                "ratsinfo_german_stop",
                "german_normalization",
                "ratsinfo_german_stemmer",
            ],
        }
    }
    assert analysis["filter"]["ratsinfo_german_stemmer"] == {
        "type": "stemmer",
        "language": "light_german",
    }


def test_stop_words_are_the_list_every_backend_ignores():
    settings = index_definition("ratsinfo-1").to_dict()["settings"]

    stop = settings["analysis"]["filter"]["ratsinfo_german_stop"]
    assert stop["type"] == "stop"
    assert set(stop["stopwords"]) == stemming.STOPWORDS


def test_text_fields_use_the_german_analyzer_and_pages_are_nested():
    properties = index_definition("ratsinfo-1").to_dict()["mappings"]["properties"]

    assert properties["title"] == GERMAN
    assert properties["text"] == GERMAN
    assert properties["pages"] == {"type": "nested", "properties": {"text": GERMAN}}


def test_facet_sort_and_audience_fields_are_exact_values():
    mappings = index_definition("ratsinfo-1").to_dict()["mappings"]
    properties = mappings["properties"]

    assert mappings["dynamic"] == "strict"
    assert {name: properties[name]["type"] for name in properties} == {
        "kind": "keyword",
        "object_id": "long",
        "body_id": "integer",
        "title": "text",
        "text": "text",
        "pages": "nested",
        "context": "keyword",
        "url": "keyword",
        "date": "date",
        "year": "integer",
        "published_at": "date",
        "paper_type": "keyword",
        "file_type": "keyword",
        "organization_ids": "integer",
        "audience": "object",
    }
    assert properties["audience"]["properties"] == {
        "public": {"type": "boolean"},
        "organization_ids": {"type": "integer"},
        "body_ids": {"type": "integer"},
    }
    for shown_only in ("context", "url"):
        assert properties[shown_only] == {"type": "keyword", "index": False, "doc_values": False}


def test_index_has_one_shard_and_room_for_the_longest_file(settings):
    settings.EXTRACTION_MAX_PAGES = 20_000

    index_settings = index_definition("ratsinfo-1").to_dict()["settings"]

    assert index_settings["number_of_shards"] == 1
    assert index_settings["auto_expand_replicas"] == "0-1"
    assert index_settings["mapping.nested_objects.limit"] == 20_000


# --- The request bodies ------------------------------------------------------------------------


def test_single_word_sends_the_complete_request():
    body = body_for("Spielplatz")

    assert body == {
        "query": {
            "bool": {
                "must": [word_clause("spielplatz")],
                "should": [best_page(word("pages.text", "spielplatz"))],
                "filter": [PUBLIC_ONLY],
            }
        },
        "sort": [
            {"_score": "desc"},
            {"date": {"order": "desc", "missing": "_last"}},
            {"kind": "asc"},
            {"object_id": "asc"},
        ],
        "_source": {"includes": ["kind", "object_id", "title", "url", "context", "date"]},
        "from": 0,
        "size": 20,
        "track_total_hits": True,
        "highlight": {
            **HIGHLIGHT_TAGS,
            "fields": {
                "text": {"fragment_size": 200, "number_of_fragments": 1, "no_match_size": 200},
                "title": {"number_of_fragments": 0},
            },
        },
        "aggs": {
            "kind": {"terms": {"field": "kind", "size": 7}},
            "organization": {"terms": {"field": "organization_ids", "size": 200}},
            "paper_type": {"terms": {"field": "paper_type", "size": 50}},
            "year": {"terms": {"field": "year", "size": 200}},
            "file_type": {"terms": {"field": "file_type", "size": 50}},
        },
    }


def test_phrase_is_a_match_phrase_in_title_text_and_pages():
    body = body_for('"Radweg Lindenallee"')

    assert body["query"]["bool"]["must"] == [
        clause(
            phrase("title", "radweg lindenallee", 3),
            phrase("text", "radweg lindenallee"),
            pages=phrase("pages.text", "radweg lindenallee"),
        )
    ]


def test_minus_word_goes_to_must_not_and_is_not_looked_for_on_pages():
    body = body_for("Spielplatz -Sanierung")

    query = body["query"]["bool"]
    assert query["must"] == [word_clause("spielplatz")]
    assert query["must_not"] == [word_clause("sanierung")]
    assert query["should"] == [best_page(word("pages.text", "spielplatz"))]


def test_or_makes_one_clause_of_either_word():
    body = body_for("Feuerwehr OR Friedhof")

    assert body["query"]["bool"]["must"] == [
        clause(
            word("title", "feuerwehr", 3),
            word("text", "feuerwehr"),
            word("title", "friedhof", 3),
            word("text", "friedhof"),
            pages={
                "bool": {
                    "should": [word("pages.text", "feuerwehr"), word("pages.text", "friedhof")],
                    "minimum_should_match": 1,
                }
            },
        )
    ]


def test_several_words_are_one_required_clause_each():
    body = body_for("Spielplatz Stadtpark")

    assert body["query"]["bool"]["must"] == [word_clause("spielplatz"), word_clause("stadtpark")]
    assert body["query"]["bool"]["should"] == [
        best_page(word("pages.text", "spielplatz"), word("pages.text", "stadtpark"))
    ]


def test_stop_words_alone_are_left_out_of_the_query():
    body = body_for("der Spielplatz OR die")

    assert body["query"]["bool"]["must"] == [word_clause("spielplatz")]


def test_facet_filters_are_filters_of_the_query():
    filters = Filters(
        kind=frozenset({"paper", "file"}),
        organization=frozenset({"12", "3"}),
        paper_type=frozenset({"Mitteilung"}),
        year=frozenset({"2024"}),
        file_type=frozenset({"PDF"}),
    )

    body = body_for("Haushalt", filters=filters)

    assert body["query"]["bool"]["filter"] == [
        {"terms": {"kind": ["file", "paper"]}},
        {"terms": {"paper_type": ["Mitteilung"]}},
        {"terms": {"file_type": ["PDF"]}},
        {"terms": {"organization_ids": [3, 12]}},
        {"terms": {"year": [2024]}},
        PUBLIC_ONLY,
    ]


def test_filter_by_a_value_that_is_no_number_selects_nothing():
    body = body_for("Haushalt", filters=Filters(organization=frozenset({"keine-zahl"})))

    assert body["query"]["bool"]["filter"][0] == {"terms": {"organization_ids": []}}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "date_desc",
            [
                {"date": {"order": "desc", "missing": "_last"}},
                {"_score": "desc"},
                {"kind": "asc"},
                {"object_id": "asc"},
            ],
        ),
        (
            "date_asc",
            [
                {"date": {"order": "asc", "missing": "_last"}},
                {"_score": "desc"},
                {"kind": "asc"},
                {"object_id": "asc"},
            ],
        ),
    ],
)
def test_date_sort_orders_by_date_then_score_then_a_unique_key(sort, expected):
    assert body_for("Haushalt", sort=sort)["sort"] == expected


def test_page_two_starts_after_the_first_page():
    body = body_for("Haushalt", page=2, per_page=20)

    assert (body["from"], body["size"]) == (20, 20)


def test_page_past_the_result_window_asks_for_totals_and_facets_only():
    body = body_for("Haushalt", page=600, per_page=20)

    assert (body["from"], body["size"]) == (0, 0)
    assert body["track_total_hits"] is True
    assert set(body["aggs"]) == set(FACETS)


def test_published_after_keeps_only_later_publications():
    since = datetime.datetime(2026, 3, 5, 18, 0, tzinfo=datetime.UTC)

    body = body_for("Haushalt", published_after=since)

    assert body["query"]["bool"]["filter"] == [
        {"range": {"published_at": {"gt": "2026-03-05T18:00:00+00:00"}}},
        PUBLIC_ONLY,
    ]


@pytest.mark.django_db
def test_anonymous_reader_sees_public_documents_only(citizen):
    body = body_for("Haushalt", audience_principal(citizen))

    assert body["query"]["bool"]["filter"] == [PUBLIC_ONLY]


@pytest.mark.django_db
def test_member_also_sees_documents_of_their_organizations(member, committee):
    body = body_for("Haushalt", audience_principal(member))

    assert body["query"]["bool"]["filter"] == [
        {
            "bool": {
                "should": [
                    {"term": {"audience.public": True}},
                    {"terms": {"audience.organization_ids": [committee.pk]}},
                ],
                "minimum_should_match": 1,
            }
        }
    ]


@pytest.mark.django_db
def test_clerk_also_sees_documents_of_their_body(clerk, body):
    request_body = body_for("Haushalt", audience_principal(clerk))

    assert request_body["query"]["bool"]["filter"] == [
        {
            "bool": {
                "should": [
                    {"term": {"audience.public": True}},
                    {"terms": {"audience.body_ids": [body.pk]}},
                ],
                "minimum_should_match": 1,
            }
        }
    ]


@pytest.mark.django_db
def test_admin_search_has_no_audience_filter(admin):
    body = body_for("Haushalt", audience_principal(admin))

    assert "filter" not in body["query"]["bool"]


@pytest.mark.django_db
def test_membership_in_a_deleted_organization_opens_nothing(member, committee):
    Organization.all_objects.filter(pk=committee.pk).update(deleted=True)

    principal = audience_principal(member)

    assert principal_for(member).member_organization_ids == {committee.pk}
    assert principal.member_organization_ids == frozenset()


# --- The audience of a document, by the rule ---------------------------------------------------


@pytest.mark.django_db
def test_public_paper_is_for_everyone(body):
    paper = PaperFactory(body=body)

    assert audience(paper) == Audience(public=True)


@pytest.mark.django_db
def test_non_public_paper_is_for_its_committee_and_the_clerks(body, committee):
    paper = PaperFactory(body=body, public=False)
    ConsultationFactory(paper=paper, organizations=[committee])

    assert audience(paper) == Audience(
        public=False, organization_ids=frozenset({committee.pk}), body_ids=frozenset({body.pk})
    )


@pytest.mark.django_db
def test_non_public_agenda_item_of_a_public_meeting_is_for_the_meetings_committees(
    body, committee, council
):
    meeting = MeetingFactory(body=body, organizations=[committee, council])
    item = AgendaItemFactory(meeting=meeting, public=False)

    assert audience(item) == Audience(
        public=False,
        organization_ids=frozenset({committee.pk, council.pk}),
        body_ids=frozenset({body.pk}),
    )


@pytest.mark.django_db
def test_unpublished_paper_is_for_the_clerks_only(body, committee):
    paper = PaperFactory(body=body, published_at=None, originator_organizations=[committee])

    assert audience(paper) == Audience(public=False, body_ids=frozenset({body.pk}))


@pytest.mark.django_db
def test_paper_published_tomorrow_says_when_its_audience_widens(body):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    paper = PaperFactory(body=body, published_at=tomorrow)

    assert audience(paper) == Audience(
        public=False, body_ids=frozenset({body.pk}), changes_at=tomorrow
    )


@pytest.mark.django_db
def test_file_of_a_meeting_published_tomorrow_widens_with_the_meeting(body, committee):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    meeting = MeetingFactory(body=body, organizations=[committee], published_at=tomorrow)
    file = FileFactory(paper=None, agenda_item=AgendaItemFactory(meeting=meeting))

    assert audience(file).changes_at == tomorrow


@pytest.mark.django_db
def test_public_file_of_a_non_public_paper_is_for_the_papers_committee(body, committee):
    paper = PaperFactory(body=body, public=False)
    ConsultationFactory(paper=paper, organizations=[committee])
    file = FileFactory(paper=paper)

    assert audience(file) == Audience(
        public=False, organization_ids=frozenset({committee.pk}), body_ids=frozenset({body.pk})
    )


@pytest.mark.django_db
def test_deleted_paper_is_for_nobody_but_administrators(body):
    paper = PaperFactory(body=body)
    Paper.all_objects.filter(pk=paper.pk).update(deleted=True)

    assert audience(paper) == Audience(public=False)


@pytest.mark.django_db
def test_audiences_of_many_papers_cost_queries_per_organization_not_per_paper(
    body, committee, council, django_assert_max_num_queries
):
    papers = []
    for n in range(30):
        paper = PaperFactory(body=body, public=n % 2 == 0)
        ConsultationFactory(paper=paper, organizations=[committee if n % 3 else council])
        papers.append(paper)

    # public + 1 per path (3 organization paths, 1 body path, 1 publication path) + one per
    # candidate organization (2) and body (1)
    with django_assert_max_num_queries(9):
        found = audiences(Paper, [p.pk for p in papers])

    assert [found[p.pk].public for p in papers] == [n % 2 == 0 for n in range(30)]


# The personas of the visibility matrix that differ in rights (the others differ in how their
# principal is computed, which `principal_for` is tested for).
AUDIENCE_PERSONAS = ("citizen", "member", "other_member", "clerk", "other_clerk", "admin")


@pytest.fixture
def other_body(db: None) -> Body:
    from tests.factories import BodyFactory

    return BodyFactory(name="Gemeinde Nachbarort")


@pytest.fixture
def other_clerk(other_body: Body) -> Any:
    return UserFactory(username="sitzungsdienst-nachbarort", clerk_of=[other_body])


@pytest.fixture
def world(body, committee, other_committee, other_body) -> World:
    return World(body, committee, other_committee, other_body)


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_audience_admits_exactly_whom_the_rule_admits(request, world, scenario):
    users = {name: request.getfixturevalue(name) for name in AUDIENCE_PERSONAS}
    build, _seen_by = SCENARIOS[scenario]
    obj = build(world)

    stored = audience(obj)

    admitted = {name for name, user in users.items() if stored.admits(audience_principal(user))}
    assert admitted == {name for name, user in users.items() if can_see(user, obj)}


# --- Reading a response ------------------------------------------------------------------------


def canned_response(committee_id: int, deleted_org_id: int) -> dict[str, Any]:
    return {
        "took": 3,
        "timed_out": False,
        "hits": {
            "total": {"value": 42, "relation": "eq"},
            "max_score": 7.5,
            "hits": [
                {
                    "_index": "ratsinfo-20260305",
                    "_id": "paper-7",
                    "_score": 7.5,
                    "_source": {
                        "kind": "paper",
                        "object_id": 7,
                        "title": "Neuer Spielplatz im Stadtpark",
                        "url": "/vorlagen/7/",
                        "context": "Anfrage",
                        "date": "2025-07-01T12:00:00+02:00",
                    },
                    "highlight": {
                        "text": ["2025/0040 Anfrage"],
                        "title": ["Neuer <mark>Spielplatz</mark> im Stadtpark"],
                    },
                },
                {
                    "_index": "ratsinfo-20260305",
                    "_id": "file-9",
                    "_score": 2.25,
                    "_source": {
                        "kind": "file",
                        "object_id": 9,
                        "title": "Schallgutachten",
                        "url": "/dateien/9/schallgutachten.pdf",
                        "context": "Anlage zu Vorlage 2025/0012: Bebauungsplan Mühlenbach",
                        "date": None,
                    },
                    "highlight": {"text": ["schallgutachten.pdf"]},
                    "inner_hits": {
                        "page": {
                            "hits": {
                                "total": {"value": 1, "relation": "eq"},
                                "hits": [
                                    {
                                        "_id": "file-9",
                                        "_nested": {"field": "pages", "offset": 2},
                                        "_score": 1.9,
                                        "highlight": {
                                            "pages.text": [
                                                "Die <mark>Lärmschutzwand</mark> entlang der\n"
                                                "Bahnstrecke &lt;3&gt; m"
                                            ]
                                        },
                                    }
                                ],
                            }
                        }
                    },
                },
                {
                    "_index": "ratsinfo-20260305",
                    "_id": "organization-5",
                    "_score": None,
                    "_source": {
                        "kind": "organization",
                        "object_id": 5,
                        "title": "Spielplatzkommission",
                        "url": "/gremien/5/",
                        "context": "Gremium",
                    },
                    "highlight": {"title": ["<mark>Spielplatzkommission</mark>"]},
                },
            ],
        },
        "aggregations": {
            "kind": {
                "doc_count_error_upper_bound": 0,
                "sum_other_doc_count": 0,
                "buckets": [
                    {"key": "paper", "doc_count": 30},
                    {"key": "file", "doc_count": 12},
                ],
            },
            "organization": {
                "buckets": [
                    {"key": committee_id, "doc_count": 20},
                    {"key": deleted_org_id, "doc_count": 3},
                ]
            },
            "paper_type": {
                "buckets": [
                    {"key": "Mitteilung", "doc_count": 10},
                    {"key": "Anfrage", "doc_count": 10},
                ]
            },
            "year": {
                "buckets": [
                    {"key": 2024, "doc_count": 5},
                    {"key": 2026, "doc_count": 5},
                    {"key": 2025, "doc_count": 9},
                ]
            },
            "file_type": {"buckets": [{"key": "PDF", "doc_count": 12}]},
        },
    }


@pytest.fixture
def response_results(committee, other_committee, citizen):
    Organization.all_objects.filter(pk=other_committee.pk).update(deleted=True)
    return results_from(
        canned_response(committee.pk, other_committee.pk), user=citizen, notices=("Hinweis",)
    )


@pytest.mark.django_db
def test_response_gives_total_and_hits_in_order(response_results):
    assert response_results.total == 42
    assert response_results.notices == ("Hinweis",)
    assert response_results.hits[0] == Hit(
        kind="paper",
        object_id=7,
        title="Neuer Spielplatz im Stadtpark",
        url="/vorlagen/7/",
        context="Anfrage",
        date=datetime.datetime(2025, 7, 1, 10, 0, tzinfo=datetime.UTC),
        snippet="2025/0040 Anfrage",
        page=None,
        score=7.5,
    )
    assert [(h.kind, h.object_id) for h in response_results.hits] == [
        ("paper", 7),
        ("file", 9),
        ("organization", 5),
    ]


@pytest.mark.django_db
def test_file_hit_takes_snippet_and_page_from_its_best_page(response_results):
    file_hit = response_results.hits[1]

    assert file_hit.page == 3
    assert file_hit.snippet == "Die <mark>Lärmschutzwand</mark> entlang der Bahnstrecke &lt;3&gt; m"
    assert file_hit.date is None
    assert file_hit.score == 2.25


@pytest.mark.django_db
def test_hit_without_text_shows_its_highlighted_title(response_results):
    organization_hit = response_results.hits[2]

    assert organization_hit.snippet == "<mark>Spielplatzkommission</mark>"
    assert organization_hit.score == 0.0


@pytest.mark.django_db
def test_facets_carry_labels_and_the_database_backends_order(response_results, committee):
    facets = response_results.facets

    assert list(facets) == list(FACETS)
    assert facets["kind"] == [
        FacetValue("paper", "Vorlage", 30),
        FacetValue("file", "Datei", 12),
    ]
    assert facets["paper_type"] == [
        FacetValue("Anfrage", "Anfrage", 10),
        FacetValue("Mitteilung", "Mitteilung", 10),
    ]
    assert facets["year"] == [
        FacetValue("2026", "2026", 5),
        FacetValue("2025", "2025", 9),
        FacetValue("2024", "2024", 5),
    ]
    assert facets["file_type"] == [FacetValue("PDF", "PDF", 12)]
    # The deleted organization is not visible to the reader: no name, no entry.
    assert facets["organization"] == [FacetValue(str(committee.pk), "Bauausschuss", 20)]


# --- Talking to a (fake) server ----------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, list[str]]
    body: Any


Handler = Callable[[Request], tuple[int, Any]]


@dataclass
class FakeServer:
    """Answers requests by (method, path pattern); records every request."""

    routes: list[tuple[str, re.Pattern[str], Handler]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def on(self, method: str, pattern: str, handler: Handler | Any, status: int = 200) -> None:
        answer = handler if callable(handler) else (lambda _r, b=handler, s=status: (s, b))
        self.routes.insert(0, (method, re.compile(pattern), answer))

    def handle(self, method: str, target: str, body: bytes | None) -> tuple[int, Any]:
        parts = urlsplit(target)
        request = Request(method, parts.path, parse_qs(parts.query), _decode(body))
        self.requests.append(request)
        for route_method, pattern, handler in self.routes:
            if route_method == method and pattern.fullmatch(parts.path):
                return handler(request)
        return 404, {"error": {"type": "index_not_found_exception", "reason": parts.path}}

    def sent(self, method: str, pattern: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]


def _decode(body: bytes | None) -> Any:
    if not body:
        return None
    text = body.decode()
    if text.endswith("\n"):  # newline-delimited JSON (_bulk)
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


class FakeNode(BaseNode):
    server: FakeServer

    def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
        status, answer = self.server.handle(method, target, body)
        meta = ApiResponseMeta(
            status=status,
            http_version="1.1",
            headers=HttpHeaders(
                {"content-type": "application/json", "x-elastic-product": "Elasticsearch"}
            ),
            duration=0.0,
            node=self.config,
        )
        return NodeApiResponse(meta, json.dumps(answer).encode() if answer is not None else b"")


def bulk_answer(request: Request) -> tuple[int, Any]:
    """Every action succeeds, except deleting what is not there."""
    items = []
    lines = iter(request.body)
    for line in lines:
        ((op, meta),) = line.items()
        if op != "delete":
            next(lines)  # the document
        status = 404 if op == "delete" and meta["_id"].endswith("-404") else 201
        items.append({op: {"_index": meta["_index"], "_id": meta["_id"], "status": status}})
    return 200, {"took": 1, "errors": False, "items": items}


@pytest.fixture
def server() -> FakeServer:
    fake = FakeServer()
    fake.on("PUT", "/_bulk", bulk_answer)
    fake.on("POST", "/_bulk", bulk_answer)
    fake.on("GET", f"/{ALIAS}-\\*/_alias", {"ratsinfo-1": {"aliases": {ALIAS: {}}}})
    return fake


@pytest.fixture
def es_backend(server: FakeServer) -> ElasticsearchBackend:
    node_class = type("Node", (FakeNode,), {"server": server})
    client = Elasticsearch("http://es.test:9200", node_class=node_class)
    return ElasticsearchBackend(url="http://es.test:9200", index=ALIAS, client=client)


def bulk_lines(server: FakeServer) -> list[dict[str, Any]]:
    return [line for request in server.sent("PUT", "/_bulk") for line in request.body]


@pytest.mark.django_db
def test_search_sends_the_built_body_and_reads_the_answer(es_backend, server, committee, citizen):
    answer = canned_response(committee.pk, committee.pk)
    server.on("POST", f"/{ALIAS}/_search", answer)
    request = SearchRequest(query=parse("Spielplatz"))

    results = es_backend.search(request, user=citizen)

    (sent,) = server.sent("POST", f"/{ALIAS}/_search")
    assert sent.body == build_search(request, ANONYMOUS, index=ALIAS).to_dict()
    assert results.total == 42
    assert [h.object_id for h in results.hits] == [7, 9, 5]


@pytest.mark.django_db
def test_search_of_stop_words_alone_asks_the_server_nothing(es_backend, server, citizen):
    results = es_backend.search(SearchRequest(query=parse("der die und")), user=citizen)

    assert (results.total, results.hits) == (0, [])
    assert set(results.facets) == set(FACETS)
    assert server.requests == []


@pytest.mark.django_db
def test_index_writes_each_entry_with_its_audience_and_refreshes(
    es_backend, server, body, committee
):
    paper = PaperFactory(body=body, public=False, name="Grundstücksverkauf")
    ConsultationFactory(paper=paper, organizations=[committee])

    es_backend.index([paper])

    (bulk,) = server.sent("PUT", "/_bulk")
    assert bulk.params == {"refresh": ["true"], "require_alias": ["true"]}
    action, source = bulk.body
    assert action == {"index": {"_index": ALIAS, "_id": f"paper-{paper.pk}"}}
    assert source["title"] == f"{paper.reference} Grundstücksverkauf"
    assert source["organization_ids"] == [committee.pk]
    assert source["audience"] == {
        "public": False,
        "organization_ids": [committee.pk],
        "body_ids": [body.pk],
    }


@pytest.mark.django_db
def test_index_deletes_the_entry_of_a_soft_deleted_object(es_backend, server, body):
    paper = PaperFactory(body=body)
    Paper.all_objects.filter(pk=paper.pk).update(deleted=True)

    es_backend.index([paper])

    assert bulk_lines(server) == [{"delete": {"_index": ALIAS, "_id": f"paper-{paper.pk}"}}]


@pytest.mark.django_db
def test_index_during_a_rebuild_writes_to_both_indices(es_backend, server, body):
    server.on(
        "GET",
        f"/{ALIAS}-\\*/_alias",
        {
            "ratsinfo-1": {"aliases": {ALIAS: {}}},
            "ratsinfo-2": {"aliases": {f"{ALIAS}-rebuild": {}}},
            "ratsinfo-other-1": {"aliases": {"ratsinfo-other": {}}},
        },
    )
    paper = PaperFactory(body=body)

    es_backend.index([paper])

    written = [line["index"]["_index"] for line in bulk_lines(server) if "index" in line]
    assert written == [ALIAS, f"{ALIAS}-rebuild"]


@pytest.mark.django_db
def test_index_without_an_index_on_the_server_writes_nothing(es_backend, server, body, caplog):
    server.on("GET", f"/{ALIAS}-\\*/_alias", {})

    es_backend.index([PaperFactory(body=body)])

    assert server.sent("PUT", "/_bulk") == []
    assert "rebuild_index" in caplog.text


@pytest.mark.django_db
def test_index_of_a_paper_published_later_queues_indexing_at_that_moment(es_backend, server, body):
    later = timezone.now() + datetime.timedelta(days=3)
    paper = PaperFactory(body=body, published_at=later)

    es_backend.index([paper])
    es_backend.index([paper])

    (job,) = Job.objects.filter(name=INDEX_JOB)
    assert job.run_after == later
    assert job.payload == {"keys": [["paper", paper.pk]]}
    (_action, source) = bulk_lines(server)[-2:]
    assert source["audience"] == {"public": False, "organization_ids": [], "body_ids": [body.pk]}


@pytest.mark.django_db
def test_remove_deletes_by_id_and_tolerates_what_is_not_there(es_backend, server):
    es_backend.remove([Paper(pk=12), Paper(pk=404)])

    assert bulk_lines(server) == [
        {"delete": {"_index": ALIAS, "_id": "paper-12"}},
        {"delete": {"_index": ALIAS, "_id": "paper-404"}},
    ]


@pytest.mark.django_db
def test_rebuild_fills_a_fresh_index_and_then_moves_the_alias(es_backend, server, body, committee):
    public = PaperFactory(body=body)
    secret = PaperFactory(body=body, public=False)
    ConsultationFactory(paper=secret, organizations=[committee])
    server.on("GET", f"/_alias/{ALIAS}-rebuild", {"error": "missing"}, status=404)
    server.on("PUT", f"/{ALIAS}-\\d+", {"acknowledged": True})
    server.on("PUT", f"/{ALIAS}-\\d+/_settings", {"acknowledged": True})
    server.on("POST", f"/{ALIAS}-\\d+/_refresh", {})
    server.on("HEAD", f"/_alias/{ALIAS}", {})
    server.on("GET", f"/_alias/{ALIAS}", {"ratsinfo-old": {"aliases": {ALIAS: {}}}})
    server.on("POST", "/_aliases", {"acknowledged": True})
    server.on("DELETE", "/ratsinfo-old", {"acknowledged": True})
    progress: list[tuple[int, int]] = []

    count = es_backend.rebuild(progress=lambda done, total: progress.append((done, total)))

    (create,) = server.sent("PUT", f"/{ALIAS}-\\d+")
    name = create.path.lstrip("/")
    expected = index_definition(name).to_dict()
    assert create.body["mappings"] == expected["mappings"]
    assert create.body["settings"] == {**expected["settings"], "refresh_interval": "-1"}
    assert create.body["aliases"] == {f"{ALIAS}-rebuild": {}}
    actions = [line for line in bulk_lines(server) if "create" in line]
    assert {a["create"]["_id"] for a in actions} >= {f"paper-{public.pk}", f"paper-{secret.pk}"}
    assert {a["create"]["_index"] for a in actions} == {f"{ALIAS}-rebuild"}
    assert count == len(actions)
    assert progress[-1] == (count, count)
    (settings_request,) = server.sent("PUT", f"/{name}/_settings")
    assert settings_request.body == {"refresh_interval": None}
    (swap,) = server.sent("POST", "/_aliases")
    assert swap.body == {
        "actions": [
            {"remove": {"index": "ratsinfo-old", "alias": ALIAS}},
            {"remove": {"index": name, "alias": f"{ALIAS}-rebuild"}},
            {"add": {"index": name, "alias": ALIAS}},
        ]
    }
    assert server.sent("DELETE", "/ratsinfo-old")


@pytest.mark.django_db
def test_failed_rebuild_drops_its_unfinished_index(es_backend, server, body):
    PaperFactory(body=body)
    server.on("GET", f"/_alias/{ALIAS}-rebuild", {"error": "missing"}, status=404)
    server.on("PUT", f"/{ALIAS}-\\d+", {"acknowledged": True})
    server.on("PUT", "/_bulk", {"error": {"type": "circuit_breaking_exception"}}, status=500)
    server.on("DELETE", f"/{ALIAS}-\\d+", {"acknowledged": True})

    with pytest.raises(SearchUnavailable):
        es_backend.rebuild()

    (create,) = server.sent("PUT", f"/{ALIAS}-\\d+")
    assert server.sent("DELETE", create.path)
    assert server.sent("POST", "/_aliases") == []


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.django_db
def test_unreachable_server_gives_a_clear_german_message(citizen, caplog):
    url = f"http://ratsinfo:geheimes-passwort@127.0.0.1:{closed_port()}"
    unreachable = ElasticsearchBackend(url=url, index=ALIAS)

    with pytest.raises(SearchUnavailable) as raised:
        unreachable.search(SearchRequest(query=parse("Haushalt")), user=citizen)

    assert raised.value.message.startswith("Die Suche ist im Moment nicht erreichbar.")
    assert "ELASTICSEARCH_URL" in raised.value.detail
    assert "geheimes-passwort" not in raised.value.detail + caplog.text
    assert "127.0.0.1" in raised.value.detail


@pytest.mark.django_db
def test_missing_index_tells_the_user_the_search_is_being_set_up(es_backend, server, citizen):
    with pytest.raises(SearchUnavailable) as raised:
        es_backend.search(SearchRequest(query=parse("Haushalt")), user=citizen)

    assert raised.value.message.startswith("Der Suchindex wird gerade eingerichtet.")
    assert "rebuild_index" in raised.value.detail


# --- Documents ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_file_document_keeps_its_name_as_text_and_each_page_as_a_nested_page(body):
    from documents.models import FilePage

    file = FileFactory(paper=PaperFactory(body=body), file_name="gutachten.pdf")
    FilePage.objects.bulk_create(
        [FilePage(file=file, number=n, text=t) for n, t in ((1, "Anlass"), (2, "Lärmschutz"))]
    )
    (data,), _gone = entries_for([file])

    source = document_source(data, Audience(public=True))

    assert data.text == PAGE_SEPARATOR.join(["gutachten.pdf", "Anlass", "Lärmschutz"])
    assert source["text"] == "gutachten.pdf"
    assert source["pages"] == [{"text": "Anlass"}, {"text": "Lärmschutz"}]
    assert source["file_type"] == "PDF"
    assert source["audience"] == {"public": True, "organization_ids": [], "body_ids": []}


@pytest.mark.django_db
def test_paper_document_has_no_pages(body):
    (data,), _gone = entries_for([PaperFactory(body=body)])

    source = document_source(data, Audience(public=True))

    assert source["pages"] == []
    assert source["text"] == data.text
