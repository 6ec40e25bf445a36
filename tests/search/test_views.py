"""The search page /suche/: results with snippets and page links, facets, sort, pages, help
when nothing is found, and never an error page whatever the query string holds."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import ExtractionState, File, FilePage, Paper
from ratsinfo.models import Body, Organization, User
from search import views
from search.backends import get_backend
from search.backends.base import Results, SearchRequest
from search.entries import PAGE_SEPARATOR
from search.errors import SearchError
from tests.factories import ConsultationFactory, FileFactory, PaperFactory

pytestmark = pytest.mark.django_db

CANARY = "Kanarienvogelnest"


@dataclass(frozen=True)
class Place:
    zoning_paper: Paper
    market_paper: Paper
    market_file: File
    secret_paper: Paper


def attach(paper: Paper, name: str, pages: list[str], **fields: Any) -> File:
    """A file with finished text extraction, one FilePage per page."""
    file = FileFactory(
        paper=paper,
        name=name,
        file_name=f"{name.lower().replace(' ', '-')}.pdf",
        text=PAGE_SEPARATOR.join(pages),
        page_count=len(pages),
        pages_done=len(pages),
        extraction_state=ExtractionState.DONE,
        **fields,
    )
    FilePage.objects.bulk_create(
        [FilePage(file=file, number=n, text=text) for n, text in enumerate(pages, start=1)]
    )
    return file


@pytest.fixture
def place(body: Body, committee: Organization, other_committee: Organization) -> Place:
    """A paper with the word in its title, a paper whose attachment has it on page 2 only, and
    a non-public paper of the committee with it and the canary word."""
    zoning = PaperFactory(
        body=body,
        name="Bebauungsplan Nr. 7 Gewerbegebiet Nord",
        reference="2026/0007",
        date=datetime.date(2024, 5, 2),
        paper_type=Paper.Type.RESOLUTION_DRAFT,
    )
    ConsultationFactory(paper=zoning, organizations=[committee])
    market = PaperFactory(
        body=body,
        name="Neugestaltung des Marktplatzes",
        reference="2026/0100",
        date=datetime.date(2026, 2, 10),
        paper_type=Paper.Type.MOTION,
    )
    ConsultationFactory(paper=market, organizations=[other_committee])
    market_file = attach(
        market,
        "Begründung",
        [
            "Einleitung: Der Platz vor dem Rathaus soll neu gestaltet werden.",
            "Der Bebauungsplan Nr. 12 erlaubt Bäume und Bänke <script>alert(1)</script>.",
        ],
    )
    secret = PaperFactory(
        body=body,
        name=f"Bebauungsplan {CANARY}",
        reference="2026/9001",
        public=False,
        paper_type=Paper.Type.STATEMENT,
    )
    ConsultationFactory(paper=secret, organizations=[committee])
    get_backend().rebuild()
    return Place(zoning, market, market_file, secret)


def get(client: Client, **params: Any) -> Any:
    return client.get(reverse("search"), params)


def page_text(response: Any) -> str:
    return str(response.content.decode())


def hit_titles(content: str) -> list[str]:
    return re.findall(r'class="search-hit__title"><a href="[^"]*">([^<]*)</a>', content)


def test_empty_query_explains_the_search_without_an_error(client: Client, body: Body) -> None:
    response = get(client)

    assert response.status_code == 200
    content = page_text(response)
    assert "Geben Sie oben einen oder mehrere Begriffe ein." in content
    assert "Treffer" not in content.split('id="inhalt"')[1].split("So suchen Sie")[0]


def test_search_box_shows_the_operators_in_its_placeholder_and_help(
    client: Client, body: Body
) -> None:
    content = page_text(get(client))

    assert '<label class="search-form__label" for="suche-begriff">Suchbegriff</label>' in content
    assert (
        'placeholder="z. B. Bebauungsplan, &quot;Neubau Kita&quot;, -Haushalt, Schule OR Kita"'
        in content
    )
    assert "<summary>So suchen Sie</summary>" in content


def test_inflected_word_finds_the_paper_and_the_attachment_page(
    client: Client, place: Place
) -> None:
    response = get(client, q="Bebauungsplans")

    assert response.status_code == 200
    content = page_text(response)
    assert "2 Treffer" in content
    assert sorted(hit_titles(content)) == sorted(
        ["2026/0007 Bebauungsplan Nr. 7 Gewerbegebiet Nord", "Begründung"]
    )
    assert "Anlage zu Vorlage 2026/0100: Neugestaltung des Marktplatzes" in content
    assert "<mark>" in content
    assert "inline=1#page=2" in content
    assert "Seite 2 öffnen" in content


def test_snippet_keeps_only_the_marks_as_html(client: Client, place: Place) -> None:
    content = page_text(get(client, q="Bebauungsplan Bänke"))

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_titles_are_escaped(client: Client, body: Body) -> None:
    PaperFactory(body=body, name="<b>Spielplatz</b> am Teich")
    get_backend().rebuild()

    content = page_text(get(client, q="Spielplatz"))

    assert "<b>Spielplatz</b>" not in content
    assert "&lt;b&gt;Spielplatz&lt;/b&gt;" in content


def test_citizen_neither_sees_nor_counts_non_public_matches(client: Client, place: Place) -> None:
    content = page_text(get(client, q="Bebauungsplan"))

    assert CANARY not in content
    assert "2 Treffer" in content
    assert "Stellungnahme" not in content


def test_member_finds_the_non_public_paper_of_their_committee(
    client_for: Any, place: Place, member: User
) -> None:
    content = page_text(get(client_for(member), q=CANARY))

    assert "1 Treffer" in content
    assert CANARY in content


def test_facets_list_values_with_counts_as_links(client: Client, place: Place) -> None:
    content = page_text(get(client, q="Bebauungsplan"))

    assert 'id="eingrenzen"' in content
    for title in ("Art", "Gremium", "Vorlagenart", "Jahr", "Dateityp"):
        assert f'class="facet__title">{title}</h3>' in content
    kind_link = re.search(r'<a class="facet__link" href="([^"]*art=paper[^"]*)">', content)
    assert kind_link is not None
    assert "Bauausschuss" in content
    assert "Sozialausschuss" in content


def test_choosing_a_facet_value_narrows_the_results_and_can_be_removed(
    client: Client, place: Place
) -> None:
    content = page_text(get(client, q="Bebauungsplan", art="paper"))

    assert "1 Treffer" in content
    assert hit_titles(content) == ["2026/0007 Bebauungsplan Nr. 7 Gewerbegebiet Nord"]
    assert "Gewählte Filter" in content
    chip = re.search(r'<a class="search-chip" href="([^"]*)">', content)
    assert chip is not None
    assert "art=" not in chip.group(1)
    assert "q=Bebauungsplan" in chip.group(1)
    # The chosen value stays listed as chosen, with a link that removes it.
    assert "facet__link--selected" in content


def test_values_of_one_facet_add_up_and_other_facets_narrow(
    client: Client, place: Place, committee: Organization
) -> None:
    both = page_text(get(client, q="Bebauungsplan", art=["paper", "file"]))
    narrowed = page_text(
        get(client, q="Bebauungsplan", art=["paper", "file"], gremium=str(committee.pk))
    )

    assert "2 Treffer" in both
    assert hit_titles(narrowed) == ["2026/0007 Bebauungsplan Nr. 7 Gewerbegebiet Nord"]


def test_a_new_query_keeps_the_chosen_filters(client: Client, place: Place) -> None:
    content = page_text(get(client, q="Bebauungsplan", art="paper", sortierung="neueste"))

    assert '<input type="hidden" name="art" value="paper">' in content
    assert '<input type="hidden" name="sortierung" value="neueste">' in content


def test_sort_by_date_both_ways(client: Client, place: Place) -> None:
    newest = hit_titles(page_text(get(client, q="Bebauungsplan", sortierung="neueste")))
    oldest = hit_titles(page_text(get(client, q="Bebauungsplan", sortierung="aelteste")))

    assert newest == ["Begründung", "2026/0007 Bebauungsplan Nr. 7 Gewerbegebiet Nord"]
    assert oldest == list(reversed(newest))


def test_sort_links_mark_the_current_order(client: Client, place: Place) -> None:
    content = page_text(get(client, q="Bebauungsplan", sortierung="aelteste"))

    assert re.search(r'sortierung=aelteste" aria-current="true">Älteste zuerst</a>', content)
    assert '">Relevanz</a>' in content


@pytest.fixture
def many(body: Body) -> list[Paper]:
    papers: list[Paper] = [
        PaperFactory(body=body, name=f"Spielplatz Nummer {n}", reference=f"2025/{n:04d}")
        for n in range(1, 46)
    ]
    get_backend().rebuild()
    return papers


def test_pages_are_linked_with_the_current_one_marked(client: Client, many: list[Paper]) -> None:
    content = page_text(get(client, q="Spielplatz"))

    assert "45 Treffer" in content
    assert "Seite 1 von 3" in content
    assert len(hit_titles(content)) == 20
    assert 'aria-label="Seiten der Trefferliste"' in content
    assert re.search(r'href="[^"]*q=Spielplatz"[^>]*aria-current="page">', content)
    assert 'rel="next" href="/suche/?q=Spielplatz&amp;seite=2"' in content
    assert 'rel="prev"' not in content


def test_last_page_has_a_previous_link_and_the_rest(client: Client, many: list[Paper]) -> None:
    content = page_text(get(client, q="Spielplatz", seite="3"))

    assert len(hit_titles(content)) == 5
    assert 'rel="prev" href="/suche/?q=Spielplatz&amp;seite=2"' in content
    assert 'rel="next"' not in content
    assert '<ol class="search-hits" start="41">' in content


def test_page_beyond_the_last_shows_the_last(client: Client, many: list[Paper]) -> None:
    response = get(client, q="Spielplatz", seite="99999")

    assert response.status_code == 200
    content = page_text(response)
    assert "Seite 3 von 3" in content
    assert len(hit_titles(content)) == 5


def test_no_results_offers_spelling_single_words_and_filter_removal(
    client: Client, place: Place
) -> None:
    content = page_text(get(client, q="Bebauungsplan Zyxwvu", art="meeting"))

    assert "0 Treffer" in content
    assert "Keine Treffer für „Bebauungsplan Zyxwvu“" in content
    assert "Prüfen Sie die Schreibweise" in content
    assert 'href="/suche/?q=bebauungsplan&amp;art=meeting">bebauungsplan</a>' in content
    assert 'href="/suche/?q=zyxwvu&amp;art=meeting">zyxwvu</a>' in content
    assert "Entfernen Sie Filter:" in content
    assert 'href="/suche/?q=Bebauungsplan+Zyxwvu">' in content


def test_stop_words_alone_are_explained(client: Client, body: Body) -> None:
    response = get(client, q="der die und")

    assert response.status_code == 200
    assert "nur aus sehr häufigen Wörtern" in page_text(response)


def test_exclusions_alone_are_explained(client: Client, body: Body) -> None:
    assert "Ihre Suche schließt nur Wörter aus" in page_text(get(client, q="-Haushalt"))


def test_punctuation_alone_is_explained(client: Client, body: Body) -> None:
    assert "Ihre Suche enthält keine Wörter" in page_text(get(client, q="!!! ??? ---"))


BAD_INPUTS: dict[str, dict[str, Any]] = {
    "very long query": {"q": "Bebauungsplan " * 800},
    "unbalanced quotes": {"q": '"Bebauungsplan Nr'},
    "control characters": {"q": "\x00Bebau\x01ungsplan\x1b[31m\u200b"},
    "sql": {"q": "'; DROP TABLE search_entry; --"},
    "sql union": {"q": "x' UNION SELECT password FROM ratsinfo_user --"},
    "lucene": {"q": 'title:(Bebauungsplan AND "x")^2~ * ?a [1 TO 5] {a} \\ /re/'},
    "fts5 syntax": {"q": 'NEAR(Bebauungsplan Markt, 2) OR "  - ^Bebauungsplan* AND NOT'},
    "only OR": {"q": "OR OR OR"},
    "html": {"q": "<script>alert(1)</script>"},
    "page not a number": {"q": "Bebauungsplan", "seite": "abc"},
    "page huge": {"q": "Bebauungsplan", "seite": "99999"},
    "page enormous": {"q": "Bebauungsplan", "seite": "1" + "0" * 40},
    "page negative": {"q": "Bebauungsplan", "seite": "-1"},
    "page zero": {"q": "Bebauungsplan", "seite": "0"},
    "page unicode digits": {"q": "Bebauungsplan", "seite": "²"},
    "unknown kind": {"q": "Bebauungsplan", "art": "rakete"},
    "organization not a number": {"q": "Bebauungsplan", "gremium": "abc"},
    "organization unicode digits": {"q": "Bebauungsplan", "gremium": "²³"},
    "organization unknown": {"q": "Bebauungsplan", "gremium": "999999"},
    "year odd": {"q": "Bebauungsplan", "jahr": ["20x6", "99999", "1900"]},
    "paper type unknown": {"q": "Bebauungsplan", "vorlagenart": "Unbekannt"},
    "file type syntax": {"q": "Bebauungsplan", "dateityp": "PDF' OR 1=1"},
    "many values": {"q": "Bebauungsplan", "jahr": [str(y) for y in range(1900, 2000)]},
    "unknown sort": {"q": "Bebauungsplan", "sortierung": "DROP"},
    "empty with filters": {"q": "", "art": "paper", "seite": "3"},
}


@pytest.mark.parametrize("params", list(BAD_INPUTS.values()), ids=list(BAD_INPUTS))
def test_bad_input_never_gives_an_error_page(
    client: Client, place: Place, params: dict[str, Any]
) -> None:
    response = get(client, **params)

    assert response.status_code == 200
    content = page_text(response)
    assert "<h1>Suche</h1>" in content
    assert CANARY not in content


def test_very_long_query_is_cut_with_a_notice(client: Client, place: Place) -> None:
    content = page_text(get(client, q="Bebauungsplan " + "x" * 10_000))

    assert "Ihre Suche war sehr lang" in content
    shown = re.search(r'id="suche-begriff" name="q" value="([^"]*)"', content)
    assert shown is not None
    assert len(shown.group(1)) == 500


def test_unbalanced_quote_is_read_to_the_end_with_a_notice(client: Client, place: Place) -> None:
    content = page_text(get(client, q='"Bebauungsplan Nr'))

    assert "Anführungszeichen war nicht geschlossen" in content


def test_invalid_parameters_are_ignored_with_a_notice(client: Client, place: Place) -> None:
    content = page_text(get(client, q="Bebauungsplan", seite="abc", art="rakete"))

    assert "war ungültig und wurde nicht berücksichtigt" in content
    assert "2 Treffer" in content


def test_unknown_but_well_formed_filter_is_shown_and_removable(
    client: Client, place: Place
) -> None:
    content = page_text(get(client, q="Bebauungsplan", gremium="999999"))

    assert "0 Treffer" in content
    assert "Gremium: Gremium Nr. 999999" in content


def test_unavailable_search_service_gives_its_message_with_503(
    client: Client, body: Body, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Down:
        name = "down"

        def search(self, request: SearchRequest, *, user: Any) -> Results:
            raise SearchError("Der Suchdienst ist gerade nicht erreichbar.")

    monkeypatch.setattr(views, "get_backend", lambda: Down())

    response = get(client, q="Bebauungsplan")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    content = page_text(response)
    assert "Der Suchdienst ist gerade nicht erreichbar." in content
    assert "Die Suche ist gerade nicht möglich" in content


def test_anonymous_visitor_is_offered_the_login_to_save(client: Client, place: Place) -> None:
    content = page_text(get(client, q="Bebauungsplan"))

    assert "Anmelden, um die Suche zu speichern" in content
    assert reverse("saved-search-create") not in content


def test_member_gets_the_save_form(client_for: Any, place: Place, member: User) -> None:
    content = page_text(get(client_for(member), q="Bebauungsplan", art="paper"))

    assert f'action="{reverse("saved-search-create")}"' in content
    assert "csrfmiddlewaretoken" in content
    assert 'name="filters" value="art=paper"' in content
    assert '<summary class="search-save__summary">Suche speichern</summary>' in content


def test_header_has_a_search_box_except_on_the_search_and_start_pages(
    client: Client, body: Body
) -> None:
    papers = page_text(client.get(reverse("paper-list")))
    search_page = page_text(get(client, q="x"))
    home = page_text(client.get(reverse("home")))

    assert 'class="site-search" role="search" method="get" action="/suche/"' in papers
    assert 'class="site-search"' not in search_page
    assert 'class="site-search"' not in home
    assert 'id="start-suche" name="q"' in home


def test_search_page_costs_few_queries_whatever_the_number_of_hits(
    client: Client, body: Body, committee: Organization, django_assert_max_num_queries: Any
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = get(client, q="Spielplatz", gremium=str(committee.pk), art="paper")
        assert response.status_code == 200
        return len(queries)

    for n in range(3):
        paper = PaperFactory(body=body, name=f"Spielplatz {n}")
        ConsultationFactory(paper=paper, organizations=[committee])
    get_backend().rebuild()
    few = count()
    for n in range(40):
        paper = PaperFactory(body=body, name=f"Spielplatz groß {n}")
        ConsultationFactory(paper=paper, organizations=[committee])
        attach(paper, f"Anlage {n}", ["Spielplatz", "Spielplatz am Teich"])
    get_backend().rebuild()

    assert count() == few
    with django_assert_max_num_queries(20):
        get(client, q="Spielplatz")


def test_member_search_page_costs_few_queries(
    client_for: Any, place: Place, member: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(member)
    with django_assert_max_num_queries(25):
        response = get(client, q="Bebauungsplan", gremium="999999")
    assert response.status_code == 200


def test_view_passes_the_parsed_request_to_the_backend(
    client: Client, body: Body, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[SearchRequest, Any]] = []

    class Spy:
        name = "spy"

        def search(self, request: SearchRequest, *, user: Any) -> Results:
            seen.append((request, user))
            return Results(hits=[], total=0)

    monkeypatch.setattr(views, "get_backend", lambda: Spy())

    get(client, q="Schule OR Kita -Haushalt", art="paper", jahr="2026", sortierung="neueste")

    request, user = seen[0]
    assert request.query.normalized() == "schule OR kita -haushalt"
    assert request.filters.kind == frozenset({"paper"})
    assert request.filters.year == frozenset({"2026"})
    assert request.sort == "date_desc"
    assert request.page == 1
    assert isinstance(user, AnonymousUser)
