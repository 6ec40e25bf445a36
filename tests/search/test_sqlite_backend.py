"""The SQLite backend (search.backends.sqlite): German stemming over FTS5, the query syntax,
bm25 ranking, snippets with pages, facets and the visibility rule inside the query."""

from __future__ import annotations

import datetime
import itertools
import re
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from documents.models import File, FilePage, Paper
from ratsinfo.models import Body, Organization
from search.backends.base import Filters, Results, SearchRequest
from search.backends.sqlite import FTS_TABLE, SqliteBackend, match_expression
from search.entries import PAGE_SEPARATOR
from search.models import Entry
from search.query import parse
from tests.factories import AgendaItemFactory, ConsultationFactory, FileFactory, PaperFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="the SQLite FTS5 backend needs SQLite; on PostgreSQL its own backend is tested",
    ),
]


@pytest.fixture
def backend() -> SqliteBackend:
    return SqliteBackend()


def search(backend: SqliteBackend, text: str, user: Any, **request: Any) -> Results:
    return backend.search(SearchRequest(query=parse(text), **request), user=user)


def titles(results: Results) -> list[str]:
    """Hit titles without the papers' references ("T7 Haushalt" -> "Haushalt")."""
    return [REFERENCE.sub("", hit.title) for hit in results.hits]


REFERENCE = re.compile(r"^T\d+ ")
_references = itertools.count(1)


def paper(body: Body, name: str, **fields: Any) -> Paper:
    created: Paper = PaperFactory(body=body, name=name, reference=f"T{next(_references)}", **fields)
    return created


def attach(owner: Paper, name: str, pages: list[str], **fields: Any) -> File:
    """A file with extracted pages, as documents.services stores them."""
    file: File = FileFactory(paper=owner, name=name, text=PAGE_SEPARATOR.join(pages), **fields)
    FilePage.objects.bulk_create(
        [FilePage(file=file, number=n, text=text) for n, text in enumerate(pages, start=1)]
    )
    return file


def day(year: int, month: int = 6, day_of_month: int = 1) -> datetime.date:
    return datetime.date(year, month, day_of_month)


# --- index structure --------------------------------------------------------------------------


def test_migration_created_the_fts_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = %s", [FTS_TABLE])
        assert cursor.fetchall() == [(FTS_TABLE,)]


def test_rebuild_returns_the_number_of_entries(backend: SqliteBackend, body: Body) -> None:
    paper(body, "Bebauungsplan Nord")
    paper(body, "Haushalt 2026")

    count = backend.rebuild()

    assert count == Entry.objects.count() >= 2


def test_rebuild_reports_progress(backend: SqliteBackend, body: Body) -> None:
    paper(body, "Bebauungsplan Nord")
    reported: list[tuple[int, int]] = []

    backend.rebuild(progress=lambda done, total: reported.append((done, total)))

    assert reported[-1][0] == reported[-1][1] == Entry.objects.count()


# --- language ---------------------------------------------------------------------------------


def test_inflected_query_finds_the_base_form(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    paper(body, "Bebauungsplan Nord")
    backend.rebuild()

    assert titles(search(backend, "Bebauungsplans", citizen)) == ["Bebauungsplan Nord"]


def test_plural_with_umlaut_finds_the_singular(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    paper(body, "Sanierung Haus der Jugend")
    backend.rebuild()

    assert titles(search(backend, "Häuser", citizen)) == ["Sanierung Haus der Jugend"]


def test_query_of_stop_words_only_finds_nothing_without_error(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    paper(body, "Der Rat und die Stadt")
    backend.rebuild()

    results = search(backend, "der und die", citizen)

    assert results.total == 0
    assert results.hits == []


def test_stop_words_beside_content_words_are_ignored(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    paper(body, "Radweg am Bahnhof")
    backend.rebuild()

    assert titles(search(backend, "der Radweg", citizen)) == ["Radweg am Bahnhof"]


# --- query syntax -----------------------------------------------------------------------------


def test_phrase_matches_only_words_in_that_order(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    paper(body, "Radweg Lindenallee")
    paper(body, "Lindenallee ohne Radweg")
    backend.rebuild()

    assert titles(search(backend, '"Radweg Lindenallee"', citizen)) == ["Radweg Lindenallee"]


def test_phrase_with_a_stop_word_keeps_it(backend: SqliteBackend, body: Body, citizen: Any) -> None:
    paper(body, "Bericht der Stadt")
    paper(body, "Bericht Stadt")
    backend.rebuild()

    assert titles(search(backend, '"Bericht der Stadt"', citizen)) == ["Bericht der Stadt"]


def test_negated_word_excludes(backend: SqliteBackend, body: Body, citizen: Any) -> None:
    paper(body, "Neuer Spielplatz im Stadtpark")
    paper(body, "Sanierung Spielplatz Lindenhof")
    backend.rebuild()

    assert titles(search(backend, "Spielplatz -Sanierung", citizen)) == [
        "Neuer Spielplatz im Stadtpark"
    ]


def test_negated_phrase_excludes(backend: SqliteBackend, body: Body, citizen: Any) -> None:
    paper(body, "Spielplatz Stadtpark Nord")
    paper(body, "Spielplatz Nord Stadtpark")
    backend.rebuild()

    results = search(backend, 'Spielplatz -"Stadtpark Nord"', citizen)

    assert titles(results) == ["Spielplatz Nord Stadtpark"]


def test_or_accepts_either_word(backend: SqliteBackend, body: Body, citizen: Any) -> None:
    paper(body, "Fahrzeug Feuerwehr")
    paper(body, "Urnenwand Friedhof")
    paper(body, "Haushalt")
    backend.rebuild()

    results = search(backend, "Feuerwehr OR Friedhof", citizen)

    assert sorted(titles(results)) == ["Fahrzeug Feuerwehr", "Urnenwand Friedhof"]


def test_all_words_are_required(backend: SqliteBackend, body: Body, citizen: Any) -> None:
    paper(body, "Radweg Lindenallee")
    paper(body, "Radweg Bahnhof")
    backend.rebuild()

    assert titles(search(backend, "Radweg Bahnhof", citizen)) == ["Radweg Bahnhof"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "-Radweg",
        '"',
        '"" OR',
        "NEAR(Radweg Bahnhof)",
        "Radweg*",
        "title:Radweg",
        "^Radweg",
        "Radweg AND",
        "Radweg NOT Bahnhof",
        "(Radweg",
        "Radweg OR OR",
        "'; DROP TABLE search_entry; --",
        "\x00Radweg\u200b",
        "Radweg" * 200,
    ],
)
def test_any_input_is_searched_without_error(
    backend: SqliteBackend, body: Body, citizen: Any, query: str
) -> None:
    paper(body, "Radweg Bahnhof")
    backend.rebuild()

    results = search(backend, query, citizen)

    assert results.total == len(results.hits)


def test_empty_query_has_no_hits(backend: SqliteBackend, body: Body, citizen: Any) -> None:
    paper(body, "Radweg Bahnhof")
    backend.rebuild()

    results = search(backend, "", citizen)

    assert (results.total, results.hits) == (0, [])


def test_match_expression_quotes_every_token() -> None:
    expression = match_expression(parse('Häuser OR "Rat der Stadt" -Bahnhof NEAR'))

    assert expression == '(("haus" OR "rat der stadt") AND ("near")) NOT (("bahnhof"))'


# --- ranking, sorting, pages ------------------------------------------------------------------


def test_title_match_ranks_before_text_matches(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    school = paper(body, "Sanierung der Schule")
    attach(school, "Raumprogramm", ["Stadtbibliothek und Stadtbibliothek im Nachmittag"])
    paper(body, "Erweiterung der Stadtbibliothek")
    backend.rebuild()

    results = search(backend, "Stadtbibliothek", citizen)

    assert titles(results) == ["Erweiterung der Stadtbibliothek", "Raumprogramm"]
    assert results.hits[0].score > results.hits[1].score


def test_date_sorts_order_by_date(backend: SqliteBackend, body: Body, citizen: Any) -> None:
    for year in (2024, 2022, 2026):
        paper(body, f"Haushalt {year}", date=day(year))
    backend.rebuild()

    newest = search(backend, "Haushalt", citizen, sort="date_desc")
    oldest = search(backend, "Haushalt", citizen, sort="date_asc")

    assert titles(newest) == ["Haushalt 2026", "Haushalt 2024", "Haushalt 2022"]
    assert titles(oldest) == ["Haushalt 2022", "Haushalt 2024", "Haushalt 2026"]


def test_pages_split_the_hits_and_keep_the_total(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    for year in range(2020, 2025):
        paper(body, f"Haushalt {year}", date=day(year))
    backend.rebuild()

    pages = [
        search(backend, "Haushalt", citizen, sort="date_asc", page=n, per_page=2) for n in (1, 2, 3)
    ]

    assert [titles(p) for p in pages] == [
        ["Haushalt 2020", "Haushalt 2021"],
        ["Haushalt 2022", "Haushalt 2023"],
        ["Haushalt 2024"],
    ]
    assert {p.total for p in pages} == {5}


def test_relevance_pages_do_not_repeat_hits(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    for year in range(2020, 2025):
        paper(body, f"Haushalt {year}", date=day(year))
    backend.rebuild()

    pages = [search(backend, "Haushalt", citizen, page=n, per_page=2) for n in (1, 2, 3)]

    assert sorted(t for p in pages for t in titles(p)) == [
        f"Haushalt {y}" for y in range(2020, 2025)
    ]


def test_page_beyond_the_last_is_empty_with_the_total(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    paper(body, "Haushalt 2026")
    backend.rebuild()

    results = search(backend, "Haushalt", citizen, page=10**12, per_page=20)

    assert (results.hits, results.total) == ([], 1)


# --- snippets ---------------------------------------------------------------------------------


def test_snippet_is_escaped_and_marks_the_match(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    owner = paper(body, "Vorlage")
    attach(owner, "Anlage", ["<script>alert(1)</script> Der Bebauungsplan & die Häuser"])
    backend.rebuild()

    [hit] = search(backend, "Bebauungsplans Häuser", citizen).hits

    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit.snippet
    assert "<mark>Bebauungsplan</mark> &amp; die <mark>Häuser</mark>" in hit.snippet


def test_snippet_of_a_file_names_its_page(backend: SqliteBackend, body: Body, citizen: Any) -> None:
    owner = paper(body, "Vorlage")
    attach(
        owner,
        "Schallgutachten",
        ["Begründung der Planung", "Verkehrszählung", "Die Lärmschutzwand wird drei Meter hoch."],
    )
    backend.rebuild()

    [hit] = search(backend, "Lärmschutzwand", citizen).hits

    assert hit.kind == "file"
    assert hit.page == 3
    assert hit.snippet == "Die <mark>Lärmschutzwand</mark> wird drei Meter hoch."


def test_hits_of_other_kinds_have_no_page(backend: SqliteBackend, body: Body, citizen: Any) -> None:
    item = AgendaItemFactory(meeting__body=body, name="Radweg", resolution_text="Radweg gebaut")
    backend.rebuild()

    [hit] = search(
        backend, "Radweg", citizen, filters=Filters(kind=frozenset({"agenda_item"}))
    ).hits

    assert (hit.object_id, hit.page) == (item.pk, None)
    assert hit.snippet == "<mark>Radweg</mark> gebaut"


# --- facets -----------------------------------------------------------------------------------


def test_facets_count_every_match(
    backend: SqliteBackend, body: Body, citizen: Any, committee: Organization
) -> None:
    first = paper(body, "Haushalt 2025", date=day(2025), paper_type=Paper.Type.NOTICE)
    ConsultationFactory(paper=first, organizations=[committee])
    paper(body, "Haushalt 2026", date=day(2026), paper_type=Paper.Type.NOTICE)
    paper(body, "Haushalt 2026 Nachtrag", date=day(2026), paper_type=Paper.Type.MOTION)
    attach(first, "Rede zum Haushalt", ["Haushaltsrede"], date=day(2025))
    backend.rebuild()

    results = search(backend, "Haushalt", citizen, per_page=1)
    counts = {name: {v.value: v.count for v in values} for name, values in results.facets.items()}

    assert results.total == 4
    assert counts["kind"] == {"paper": 3, "file": 1}
    assert counts["paper_type"] == {"Mitteilung": 2, "Antrag": 1}
    assert counts["year"] == {"2026": 2, "2025": 2}
    assert counts["organization"] == {str(committee.pk): 2}
    assert counts["file_type"] == {"PDF": 1}


def test_filters_restrict_hits_and_total(backend: SqliteBackend, body: Body, citizen: Any) -> None:
    paper(body, "Haushalt 2025", date=day(2025))
    paper(body, "Haushalt 2026", date=day(2026))
    backend.rebuild()

    results = search(backend, "Haushalt", citizen, filters=Filters(year=frozenset({"2026"})))

    assert (titles(results), results.total) == (["Haushalt 2026"], 1)


def test_filter_with_malformed_values_finds_nothing(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    paper(body, "Haushalt 2025", date=day(2025))
    backend.rebuild()

    results = search(backend, "Haushalt", citizen, filters=Filters(year=frozenset({"x"})))

    assert (results.hits, results.total) == ([], 0)


def test_published_after_keeps_only_newer_entries(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    now = timezone.now()
    paper(body, "Haushalt alt", published_at=now - datetime.timedelta(days=30))
    paper(body, "Haushalt neu", published_at=now - datetime.timedelta(hours=1))
    backend.rebuild()

    results = search(backend, "Haushalt", citizen, published_after=now - datetime.timedelta(days=1))

    assert titles(results) == ["Haushalt neu"]


# --- visibility -------------------------------------------------------------------------------


@pytest.fixture
def secret(body: Body, committee: Organization) -> Paper:
    """A published, non-public paper consulted by the committee."""
    created = paper(body, "Grundstücksverkauf Kanarienvogelnest", public=False)
    ConsultationFactory(paper=created, organizations=[committee])
    paper(body, "Grundstücksverkauf Marktplatz")
    return created


def test_citizen_does_not_find_a_non_public_paper(
    backend: SqliteBackend, secret: Paper, citizen: Any
) -> None:
    backend.rebuild()

    results = search(backend, "Grundstücksverkauf", citizen)

    assert titles(results) == ["Grundstücksverkauf Marktplatz"]
    assert results.total == 1
    assert {v.value: v.count for v in results.facets["kind"]} == {"paper": 1}
    assert "Kanarienvogelnest" not in repr(results)


def test_member_of_its_organization_finds_a_non_public_paper(
    backend: SqliteBackend, secret: Paper, member: Any
) -> None:
    backend.rebuild()

    results = search(backend, "Kanarienvogelnest", member)

    assert [hit.object_id for hit in results.hits] == [secret.pk]


def test_member_of_another_organization_does_not_find_it(
    backend: SqliteBackend, secret: Paper, other_member: Any
) -> None:
    backend.rebuild()

    assert search(backend, "Kanarienvogelnest", other_member).total == 0


def test_clerk_finds_a_non_public_paper(backend: SqliteBackend, secret: Paper, clerk: Any) -> None:
    backend.rebuild()

    assert [hit.object_id for hit in search(backend, "Kanarienvogelnest", clerk).hits] == [
        secret.pk
    ]


def test_publication_later_than_now_hides_a_paper_until_then(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    paper(body, "Haushalt", published_at=timezone.now() + datetime.timedelta(days=1))
    backend.rebuild()

    assert search(backend, "Haushalt", citizen).total == 0


# --- keeping the index current ----------------------------------------------------------------


def test_index_replaces_the_entry_of_a_changed_object(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    changed = paper(body, "Radweg Bahnhof")
    backend.rebuild()
    changed.name = "Fußweg Bahnhof"
    changed.save()

    backend.index([changed])

    assert search(backend, "Radweg", citizen).total == 0
    assert titles(search(backend, "Fußweg", citizen)) == ["Fußweg Bahnhof"]


def test_index_adds_a_new_object(backend: SqliteBackend, body: Body, citizen: Any) -> None:
    backend.rebuild()
    added = paper(body, "Radweg Bahnhof")

    backend.index([added])

    assert titles(search(backend, "Radweg", citizen)) == ["Radweg Bahnhof"]


def test_index_removes_a_soft_deleted_object(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    deleted = paper(body, "Radweg Bahnhof")
    backend.rebuild()
    deleted.deleted = True
    deleted.save()

    backend.index([deleted])

    assert not Entry.objects.filter(kind="paper", object_id=deleted.pk).exists()
    assert search(backend, "Radweg", citizen).total == 0
    assert _fts_rows() == Entry.objects.count()


def test_remove_deletes_the_entry_and_its_index_row(
    backend: SqliteBackend, body: Body, citizen: Any
) -> None:
    removed = paper(body, "Radweg Bahnhof")
    backend.rebuild()

    backend.remove([removed])

    assert search(backend, "Radweg", citizen).total == 0
    assert _fts_rows() == Entry.objects.count()


def _fts_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}")  # noqa: S608 -- a constant table name
        count: int = cursor.fetchone()[0]
    return count
