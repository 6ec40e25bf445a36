"""What the PostgreSQL backend adds to the conformance suite: the german configuration, the
weighted tsvector and its GIN index, ts_headline snippets with pages, and the visibility rule
inside the query. Objects are indexed by calling the backend (tests run in a transaction, so
on_commit indexing never fires)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents.models import ExtractionState, File, FilePage, Paper
from ratsinfo.models import Body, Organization
from search.backends import database
from search.backends.base import Filters, Results, SearchRequest
from search.backends.postgres import GLUE, RANK_TEXT_CHARS, PostgresBackend
from search.entries import PAGE_SEPARATOR
from search.models import Entry
from search.query import parse
from tests.factories import ConsultationFactory, FileFactory, PaperFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

FILLER = "Die Prüfung der Kasse ergab keine Beanstandungen. " * 20


@pytest.fixture
def backend() -> PostgresBackend:
    return PostgresBackend()


def _paper(body: Body, name: str, **fields: Any) -> Paper:
    paper: Paper = PaperFactory(body=body, name=name, **fields)
    return paper


def _file(paper: Paper, name: str, pages: list[str], **fields: Any) -> File:
    file: File = FileFactory(
        paper=paper,
        name=name,
        text=PAGE_SEPARATOR.join(pages),
        page_count=len(pages),
        extraction_state=ExtractionState.DONE,
        **fields,
    )
    FilePage.objects.bulk_create(
        [FilePage(file=file, number=n, text=t) for n, t in enumerate(pages, start=1)]
    )
    return file


def _search(backend: PostgresBackend, text: str, user: Any, **request: Any) -> Results:
    return backend.search(SearchRequest(query=parse(text), **request), user=user)


def _titles(results: Results) -> list[str]:
    return [hit.title for hit in results.hits]


# --- Language and syntax ----------------------------------------------------------------------


def test_inflected_query_finds_base_form(backend, body, citizen) -> None:
    paper = _paper(body, "Bebauungsplan Am Mühlenbach")
    backend.rebuild()

    results = _search(backend, "Bebauungsplans", citizen)

    assert [hit.object_id for hit in results.hits] == [paper.pk]


def test_base_form_finds_inflected_text(backend, body, citizen) -> None:
    _paper(body, "Änderung des Bebauungsplans Nr. 12")
    backend.rebuild()

    assert _search(backend, "Bebauungsplan", citizen).total == 1


def test_phrase_needs_its_words_in_order(backend, body, citizen) -> None:
    _paper(body, "Radweg an der Lindenallee")
    _paper(body, "Lindenallee ohne Radweg")
    backend.rebuild()

    results = _search(backend, '"Radweg an der Lindenallee"', citizen)

    assert [t.split(" ", 1)[1] for t in _titles(results)] == ["Radweg an der Lindenallee"]


def test_minus_word_excludes(backend, body, citizen) -> None:
    _paper(body, "Spielplatz Stadtpark")
    _paper(body, "Sanierung Spielplatz Lindenhof")
    backend.rebuild()

    results = _search(backend, "Spielplatz -Sanierung", citizen)

    assert [t.split(" ", 1)[1] for t in _titles(results)] == ["Spielplatz Stadtpark"]


def test_or_binds_tighter_than_the_words_around_it(backend, body, citizen) -> None:
    # "Schule Turnhalle OR Mensa" means Schule and (Turnhalle or Mensa); websearch_to_tsquery
    # on the whole string would read (Schule and Turnhalle) or Mensa.
    _paper(body, "Schule Turnhalle")
    _paper(body, "Schule Mensa")
    _paper(body, "Mensa im Rathaus")
    backend.rebuild()

    results = _search(backend, "Schule Turnhalle OR Mensa", citizen)

    assert sorted(t.split(" ", 1)[1] for t in _titles(results)) == [
        "Schule Mensa",
        "Schule Turnhalle",
    ]


def test_reference_number_is_found_whole_and_in_parts(backend, body, citizen) -> None:
    _paper(body, "Haushalt", reference="2019/9001")
    backend.rebuild()

    assert _search(backend, "2019/9001", citizen).total == 1
    assert _search(backend, "9001", citizen).total == 1


@pytest.mark.parametrize("query", ["der die und", "-Haushalt", "", "OR"])
def test_nothing_searchable_gives_empty_results(backend, body, citizen, query) -> None:
    _paper(body, "Haushalt und die Satzung der Stadt")
    backend.rebuild()

    results = _search(backend, query, citizen)

    assert (results.hits, results.total) == ([], 0)
    assert all(values == [] for values in results.facets.values())


# --- Ranking and snippets ---------------------------------------------------------------------


def test_title_match_ranks_above_text_match(backend, body, citizen) -> None:
    in_text = _paper(body, "Raumprogramm der Schule")
    _file(in_text, "Anlage", ["Mitbenutzung der Stadtbibliothek am Nachmittag"])
    in_title = _paper(body, "Erweiterung der Stadtbibliothek")
    backend.rebuild()

    results = _search(backend, "Stadtbibliothek", citizen)

    assert [(h.kind, h.object_id) for h in results.hits] == [
        ("paper", in_title.pk),
        ("file", File.objects.get().pk),
    ]
    assert results.hits[0].score > results.hits[1].score


def test_snippet_escapes_html_and_marks_the_match(backend, body, citizen) -> None:
    paper = _paper(body, "Vorlage")
    _file(paper, "Anlage", ['Die <script>alert("x")</script> Lärmschutzwand & mehr'])
    backend.rebuild()

    (hit,) = _search(backend, "Lärmschutzwand", citizen).hits

    assert "<mark>Lärmschutzwand</mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "&amp;" in hit.snippet


def test_markers_in_the_text_cannot_forge_marks(backend, body, citizen) -> None:
    paper = _paper(body, "Vorlage")
    _file(paper, "Anlage", ["\ue000frei\ue001 und Lärmschutzwand"])
    backend.rebuild()

    (hit,) = _search(backend, "Lärmschutzwand", citizen).hits

    assert hit.snippet.count("<mark>") == 1
    assert "<mark>Lärmschutzwand</mark>" in hit.snippet


def test_file_hit_names_the_page_of_its_snippet(backend, body, citizen) -> None:
    paper = _paper(body, "Vorlage")
    _file(
        paper,
        "Schallgutachten",
        ["Anlass der Planung", "Verkehrszählung", "Die Lärmschutzwand wird drei Meter hoch."],
    )
    backend.rebuild()

    (hit,) = _search(backend, "Lärmschutzwand", citizen).hits

    assert (hit.kind, hit.page) == ("file", 3)


def test_text_after_a_script_tag_is_searchable_and_paged(backend, body, citizen) -> None:
    # PostgreSQL's parser would skip everything after "<script>" up to "</script>".
    paper = _paper(body, "Vorlage")
    _file(paper, "Anlage", ["Deckblatt", "Beispiel <script> und Lärmschutzwand"])
    backend.rebuild()

    (hit,) = _search(backend, "Lärmschutzwand", citizen).hits

    assert hit.page == 2


def test_reference_is_shown_with_its_slash(backend, body, citizen) -> None:
    paper = _paper(body, "Vorlage")
    _file(paper, "Anlage", ["Siehe Vorlage 2019/9001 zum Haushalt"])
    backend.rebuild()

    (hit,) = _search(backend, "2019/9001", citizen, filters=Filters(kind=frozenset({"file"}))).hits

    assert "<mark>2019</mark>/<mark>9001</mark>" in hit.snippet


# --- Facets and pages -------------------------------------------------------------------------


def test_facets_equal_the_shared_reference_counts(backend, body, committee, citizen) -> None:
    for year in (2023, 2024, 2024):
        paper = _paper(body, "Haushalt", date=datetime.date(year, 3, 1))
        ConsultationFactory(paper=paper, organizations=[committee])
    _file(paper, "Haushaltsplan", ["Haushalt der Stadt"])
    backend.rebuild()

    results = _search(backend, "Haushalt", citizen)

    tsquery = "'haushalt'"
    matched = Entry.objects.extra(where=["search_vector @@ %s::tsquery"], params=[tsquery]).filter(
        database.visible_entries_q(citizen)
    )
    assert results.facets == database.facet_counts(matched, user=citizen)
    assert results.total == 4


def test_pages_are_disjoint_and_sorted_by_date(backend, body, citizen) -> None:
    for day in range(1, 8):
        _paper(body, "Haushalt", date=datetime.date(2025, 1, day))
    backend.rebuild()

    pages = [
        _search(backend, "Haushalt", citizen, sort="date_desc", page=n, per_page=3)
        for n in (1, 2, 3)
    ]

    dates = [hit.date for page in pages for hit in page.hits if hit.date is not None]
    assert [len(p.hits) for p in pages] == [3, 3, 1]
    assert len(dates) == 7
    assert dates == sorted(dates, reverse=True)
    assert {p.total for p in pages} == {7}


def test_absurd_page_numbers_do_not_raise(backend, body, citizen) -> None:
    _paper(body, "Haushalt")
    backend.rebuild()

    far = _search(backend, "Haushalt", citizen, page=10**30)
    negative = _search(backend, "Haushalt", citizen, page=-5, per_page=-1)

    assert (far.hits, far.total) == ([], 1)
    assert (len(negative.hits), negative.total) == (1, 1)


# --- Visibility -------------------------------------------------------------------------------


@pytest.fixture
def secret_town(body: Body, committee: Organization) -> dict[str, Paper]:
    public = _paper(body, "Ortsumgehung öffentlich")
    secret = _paper(body, "Ortsumgehung Grundstück", public=False)
    ConsultationFactory(paper=secret, organizations=[committee])
    unpublished = _paper(
        body, "Ortsumgehung Entwurf", published_at=timezone.now() + datetime.timedelta(days=3)
    )
    return {"public": public, "secret": secret, "unpublished": unpublished}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("citizen", {"public"}),
        ("other_member", {"public"}),
        ("member", {"public", "secret"}),
        ("clerk", {"public", "secret", "unpublished"}),
    ],
)
def test_visibility_decides_hits_total_and_facets(
    backend, secret_town, request, persona, expected
) -> None:
    user = request.getfixturevalue(persona)
    backend.rebuild()

    results = _search(backend, "Ortsumgehung", user)

    ids = {paper.pk for name, paper in secret_town.items() if name in expected}
    assert {hit.object_id for hit in results.hits} == ids
    assert results.total == len(ids)
    assert sum(value.count for value in results.facets["kind"]) == len(ids)


# --- Index ------------------------------------------------------------------------------------


def test_gin_index_exists_on_the_weighted_vector() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'search_entry' "
            "AND indexname = 'search_entry_search_vector'"
        )
        (definition,) = cursor.fetchone()

    assert "USING gin (search_vector)" in definition


def test_index_and_snippets_split_text_at_the_same_characters() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d "
            "JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
            "WHERE d.adrelid = 'search_entry'::regclass"
        )
        expressions = dict(cursor.fetchall())

    assert set(expressions) == {"search_vector", "rank_vector"}
    assert all(e.count(f"'{GLUE}'") == 2 for e in expressions.values())
    assert f'left"(text, {RANK_TEXT_CHARS})' in expressions["rank_vector"]


def test_word_deep_in_a_long_file_is_found_on_its_page(backend, body, citizen) -> None:
    paper = _paper(body, "Vorlage")
    filler = "Die Verwaltung berichtet über den Stand der Arbeiten. " * 200
    _file(paper, "Bericht", [filler, filler, filler + " Die Lärmschutzwand kommt."])
    backend.rebuild()

    (hit,) = _search(backend, "Lärmschutzwand", citizen).hits

    assert (hit.page, "<mark>Lärmschutzwand</mark>" in hit.snippet) == (3, True)


def test_search_statement_uses_the_gin_index(backend, body, citizen) -> None:
    _paper(body, "Haushalt")
    backend.rebuild()
    # Enough rows that reading them all costs more than asking the index.
    Entry.objects.bulk_create(
        Entry(kind="person", object_id=n, title=f"Person {n} Kassenprüfer", text=FILLER, url="/")
        for n in range(100_000, 110_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('search_entry_search_vector'::regclass)")
        cursor.execute("ANALYZE search_entry")

    with CaptureQueriesContext(connection) as captured:
        _search(backend, "Haushalt", citizen)

    (statement,) = [q["sql"] for q in captured.captured_queries if "MATERIALIZED" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + statement)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_entry_search_vector" in plan
