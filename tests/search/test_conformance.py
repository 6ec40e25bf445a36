"""The behaviour every search backend shares (DESIGN.md §6), run once per available backend:
the database's own (SQLite FTS5 or PostgreSQL) and Elasticsearch when ELASTICSEARCH_URL is set.
A backend passes when it passes every case here, with no case skipped for it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from search.backends.base import Backend, Filters, Results
from tests.search.conftest import (
    Town,
    all_hits,
    expected_facets,
    facet_counts,
    found,
    hit_keys,
    key,
    search,
)

pytestmark = pytest.mark.django_db


# --- Language ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "attribute"),
    [
        ("Bebauungsplans", "zoning_plan"),
        ("Schulen", "school"),
        ("Spielplätze", "playground"),
    ],
)
def test_inflected_form_finds_base_form(
    backend: Backend, indexed_town: Town, citizen: Any, query: str, attribute: str
) -> None:
    hits = found(backend, query, citizen)

    assert key(getattr(indexed_town, attribute)) in hits


@pytest.mark.parametrize("query", ["bebauungsplan", "BEBAUUNGSPLAN", "BeBaUuNgSpLaN"])
def test_search_is_case_insensitive(
    backend: Backend, indexed_town: Town, citizen: Any, query: str
) -> None:
    hits = found(backend, query, citizen)

    assert key(indexed_town.zoning_plan) in hits


@pytest.mark.parametrize("query", ["Mühlenbach", "mühlenbach", "MÜHLENBACH"])
def test_umlauts_match_in_any_case(
    backend: Backend, indexed_town: Town, citizen: Any, query: str
) -> None:
    hits = found(backend, query, citizen)

    assert key(indexed_town.zoning_plan) in hits


def test_word_with_sharp_s_and_umlaut_is_found(
    backend: Backend, indexed_town: Town, citizen: Any
) -> None:
    hits = found(backend, "Lärmschutzwand", citizen)

    assert key(indexed_town.noise_report) in hits


# --- Query syntax -----------------------------------------------------------------------------


def test_quoted_phrase_matches_words_in_that_order(
    backend: Backend, indexed_town: Town, citizen: Any
) -> None:
    forward = found(backend, '"Radweg Lindenallee"', citizen)
    backward = found(backend, '"Lindenallee Radweg"', citizen)

    assert key(indexed_town.item) in forward
    assert key(indexed_town.lane_lighting) not in forward
    assert key(indexed_town.lane_lighting) in backward
    assert key(indexed_town.item) not in backward


def test_minus_word_excludes_entries_with_it(
    backend: Backend, indexed_town: Town, citizen: Any
) -> None:
    hits = found(backend, "Spielplatz -Sanierung", citizen)

    assert key(indexed_town.playground) in hits
    assert key(indexed_town.playground_renovation) not in hits


def test_or_accepts_either_word(backend: Backend, indexed_town: Town, citizen: Any) -> None:
    hits = found(backend, "Feuerwehr OR Friedhof", citizen)

    assert {key(indexed_town.fire_brigade), key(indexed_town.cemetery)} <= hits


def test_several_words_must_all_match(backend: Backend, indexed_town: Town, citizen: Any) -> None:
    both = found(backend, "Spielplatz Stadtpark", citizen)
    unrelated = found(backend, "Feuerwehr Friedhof", citizen)

    assert key(indexed_town.playground) in both
    assert key(indexed_town.playground_renovation) not in both
    assert unrelated == set()


# --- Files and pages --------------------------------------------------------------------------


def test_word_on_third_page_finds_file_with_that_page(
    backend: Backend, indexed_town: Town, citizen: Any
) -> None:
    hits = [h for h in all_hits(backend, "Lärmschutzwand", citizen) if h.kind == "file"]

    assert [(h.object_id, h.page) for h in hits] == [(indexed_town.noise_report.pk, 3)]


def test_file_hit_snippet_marks_the_word(
    backend: Backend, indexed_town: Town, citizen: Any
) -> None:
    (hit,) = [h for h in all_hits(backend, "Lärmschutzwand", citizen) if h.kind == "file"]

    assert "<mark>" in hit.snippet
    assert "lärmschutzwand" in hit.snippet.lower()


def test_file_hit_names_its_paper_in_context(
    backend: Backend, indexed_town: Town, citizen: Any
) -> None:
    (hit,) = [h for h in all_hits(backend, "Lärmschutzwand", citizen) if h.kind == "file"]

    assert indexed_town.zoning_plan.reference in hit.context


# --- Ranking and order ------------------------------------------------------------------------


def test_title_match_ranks_above_text_match(
    backend: Backend, indexed_town: Town, citizen: Any
) -> None:
    results = search(backend, "Stadtbibliothek", citizen)

    assert hit_keys(results)[:2] == [key(indexed_town.library), key(indexed_town.room_plan)]


def _dates(results: Results) -> list[datetime.datetime]:
    assert all(hit.date is not None for hit in results.hits)
    return [hit.date for hit in results.hits if hit.date is not None]


def test_sort_by_date_newest_first(backend: Backend, indexed_town: Town, citizen: Any) -> None:
    results = search(backend, "Haushalt", citizen, sort="date_desc", per_page=50)

    dates = _dates(results)
    assert len(dates) == 7
    assert dates == sorted(dates, reverse=True)
    assert hit_keys(results)[0] == key(indexed_town.budgets[-1])


def test_sort_by_date_oldest_first(backend: Backend, indexed_town: Town, citizen: Any) -> None:
    results = search(backend, "Haushalt", citizen, sort="date_asc", per_page=50)

    dates = _dates(results)
    assert len(dates) == 7
    assert dates == sorted(dates)
    assert hit_keys(results)[0] == key(indexed_town.budgets[0])


# --- Pagination -------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["relevance", "date_desc", "date_asc"])
def test_pages_are_disjoint_and_total_is_stable(
    backend: Backend, indexed_town: Town, citizen: Any, sort: str
) -> None:
    pages = [search(backend, "Haushalt", citizen, sort=sort, page=n, per_page=3) for n in (1, 2, 3)]

    keys = [hit_keys(p) for p in pages]
    assert [p.total for p in pages] == [7, 7, 7]
    assert [len(k) for k in keys] == [3, 3, 1]
    assert len(set(keys[0]) | set(keys[1]) | set(keys[2])) == 7


def test_page_beyond_the_last_is_empty_with_total(
    backend: Backend, indexed_town: Town, citizen: Any
) -> None:
    results = search(backend, "Haushalt", citizen, page=99, per_page=3)

    assert results.hits == []
    assert results.total == 7


# --- Facets and filters -----------------------------------------------------------------------


def test_facet_counts_equal_hits_per_value(
    backend: Backend, indexed_town: Town, citizen: Any
) -> None:
    results = search(backend, "Haushalt", citizen, per_page=50)

    assert results.total == len(results.hits) == 7
    assert facet_counts(results) == expected_facets(hit_keys(results))


@pytest.mark.parametrize(
    ("facet", "value"),
    [
        ("kind", lambda town: "file"),
        ("organization", lambda town: str(town.committee.pk)),
        ("paper_type", lambda town: "Mitteilung"),
        ("year", lambda town: "2024"),
        ("file_type", lambda town: "DOCX"),
    ],
)
def test_filter_keeps_only_matching_entries_and_facets_follow(
    backend: Backend, indexed_town: Town, citizen: Any, facet: str, value: Any
) -> None:
    selected = value(indexed_town)
    unfiltered = search(backend, "Haushalt", citizen, per_page=50)

    results = search(
        backend,
        "Haushalt",
        citizen,
        per_page=50,
        filters=Filters(**{facet: frozenset({selected})}),
    )

    expected = expected_facets(hit_keys(results))
    assert 0 < results.total < unfiltered.total
    assert results.total == len(results.hits)
    assert expected[facet][selected] == results.total, "a hit lacks the selected value"
    counts = facet_counts(results)
    assert counts[facet][selected] == results.total
    for other in counts:
        if other != facet:
            assert counts[other] == expected[other], other


def test_filters_of_two_facets_combine(backend: Backend, indexed_town: Town, citizen: Any) -> None:
    results = search(
        backend,
        "Haushalt",
        citizen,
        filters=Filters(kind=frozenset({"paper"}), paper_type=frozenset({"Mitteilung"})),
    )

    assert set(hit_keys(results)) == {
        key(indexed_town.budgets[1]),
        key(indexed_town.budgets[3]),
    }


def test_filter_by_unknown_value_finds_nothing(
    backend: Backend, indexed_town: Town, citizen: Any
) -> None:
    results = search(
        backend, "Haushalt", citizen, filters=Filters(organization=frozenset({"keine-zahl"}))
    )

    assert (results.total, results.hits) == (0, [])


def test_published_after_keeps_only_newer_entries(
    backend: Backend, indexed_town: Town, citizen: Any
) -> None:
    since = timezone.now() - datetime.timedelta(days=1)

    results = search(backend, "Haushalt", citizen, published_after=since)

    assert hit_keys(results) == [key(indexed_town.budgets[-1])]
    assert results.total == 1


# --- Keeping the index current ----------------------------------------------------------------


def test_index_after_edit_finds_new_word_and_not_old(
    backend: Backend, indexed_town: Town, citizen: Any
) -> None:
    cemetery = indexed_town.cemetery
    cemetery.name = "Erweiterung Friedhof Baumbestattung"
    cemetery.save()

    backend.index([cemetery])

    assert key(cemetery) in found(backend, "Baumbestattung", citizen)
    assert key(cemetery) not in found(backend, "Urnenwand", citizen)


def test_remove_drops_the_entry(backend: Backend, indexed_town: Town, admin: Any) -> None:
    backend.remove([indexed_town.fire_brigade])

    assert key(indexed_town.fire_brigade) not in found(backend, "Feuerwehr", admin)


def test_soft_deleted_object_is_removed_on_index(
    backend: Backend, indexed_town: Town, admin: Any
) -> None:
    fire_brigade = indexed_town.fire_brigade
    fire_brigade.deleted = True
    fire_brigade.save()

    backend.index([fire_brigade])

    assert key(fire_brigade) not in found(backend, "Feuerwehr", admin)


def test_paper_made_non_public_disappears_for_citizens_at_once(
    backend: Backend,
    indexed_town: Town,
    citizen: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    playground = indexed_town.playground
    assert key(playground) in found(backend, "Stadtpark", citizen)

    with django_capture_on_commit_callbacks(execute=True):
        playground.public = False
        playground.save()

    assert key(playground) not in found(backend, "Stadtpark", citizen)


def test_agenda_items_of_deleted_meeting_are_hidden(
    backend: Backend,
    indexed_town: Town,
    citizen: Any,
    clerk: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    meeting = indexed_town.meeting

    with django_capture_on_commit_callbacks(execute=True):
        meeting.deleted = True
        meeting.save()

    assert key(indexed_town.item) not in found(backend, "Lindenallee", citizen)
    assert key(indexed_town.item) not in found(backend, "Lindenallee", clerk)


# --- Input that must never break a search -----------------------------------------------------

BAD_INPUT = [
    "",
    "   ",
    "x" * 10_000,
    "Haushalt " * 2_000,
    '"Radweg Lindenallee',
    'Radweg "',
    '"""',
    "der die und",
    "-",
    "-Haushalt",
    "OR",
    "Haushalt OR",
    "OR OR OR",
    "'; DROP TABLE search_entry; --",
    "1 OR 1=1",
    "Haushalt' OR '1'='1",
    "title:foo AND bar*",
    "NEAR(a b)",
    "a^3 ~2 {x}",
    "(Haushalt",
    "Haushalt)",
    "* ? : \\ / + ! & | ~",
    "Haushalt\x00",
    "\x00",
    "\u200b",
    "Haus\u200bhalt",
    "\x1b[31mrot",
    "𝕳𝖆𝖚𝖘𝖍𝖆𝖑𝖙 🏛️",
    "<script>alert(1)</script>",
    "%_%",
    "Straße\\",
]


@pytest.mark.parametrize("query", BAD_INPUT, ids=lambda q: repr(q[:30]))
def test_odd_input_never_raises(
    backend: Backend, indexed_town: Town, citizen: Any, query: str
) -> None:
    results = search(backend, query, citizen)

    assert results.total >= len(results.hits)
    assert all("<script>" not in hit.snippet for hit in results.hits)


def test_store_is_intact_after_odd_input(
    backend: Backend, indexed_town: Town, admin: Any, citizen: Any
) -> None:
    before = found(backend, "Haushalt", admin)

    for query in BAD_INPUT:
        search(backend, query, citizen)

    assert found(backend, "Haushalt", admin) == before
    assert len(before) == 7


def test_only_negations_find_nothing(backend: Backend, indexed_town: Town, citizen: Any) -> None:
    results = search(backend, "-Haushalt -Spielplatz", citizen)

    assert (results.total, results.hits) == (0, [])
