"""German stemming and stop words (search.stemming), and the snippets built on them
(search.snippets), which every backend shares."""

from __future__ import annotations

import pytest

from search import snippets, stemming
from search.entries import PAGE_SEPARATOR


@pytest.mark.parametrize(
    ("inflected", "base"),
    [
        ("Bebauungsplans", "Bebauungsplan"),
        ("Bebauungspläne", "Bebauungsplan"),
        ("Häuser", "Haus"),
        ("Hauses", "Haus"),
        ("Schulen", "Schule"),
        ("Spielplätze", "Spielplatz"),
    ],
)
def test_inflected_forms_share_the_stem_of_their_base_form(inflected: str, base: str) -> None:
    assert stemming.stem(inflected) == stemming.stem(base)


def test_stem_folds_case() -> None:
    assert stemming.stem("BEBAUUNGSPLAN") == stemming.stem("bebauungsplan") == "bebauungsplan"


def test_stem_folds_umlauts_and_sharp_s() -> None:
    assert stemming.stem("Straße") == stemming.stem("STRASSE")
    assert stemming.stem("Mühlenbach") == stemming.stem("muhlenbach")


def test_tokens_are_the_stems_in_order_with_stop_words_kept() -> None:
    assert stemming.tokens("Der Rat beschließt die Bebauungspläne.") == [
        "der",
        "rat",
        "beschliesst",
        "die",
        "bebauungsplan",
    ]


def test_tokens_split_on_punctuation_and_underscores() -> None:
    assert stemming.tokens("2026/0012 a_b Bau-Plan") == ["2026", "0012", "a", "b", "bau", "plan"]


@pytest.mark.parametrize("word", ["der", "Die", "UND", "über", "Über", "nicht", "daß"])
def test_common_words_are_stop_words(word: str) -> None:
    assert stemming.is_stopword(word)


@pytest.mark.parametrize("word", ["Rat", "Haus", "Bebauungsplan", "2026"])
def test_content_words_are_not_stop_words(word: str) -> None:
    assert not stemming.is_stopword(word)


def test_stop_word_list_is_snowballs_german_list() -> None:
    assert len(stemming.STOPWORDS) == 231


# --- snippets ---------------------------------------------------------------------------------


def test_snippet_marks_inflected_forms_of_the_query_words() -> None:
    snippet = snippets.snippet("Neue Häuser am Bebauungsplan Nord", ["haus", "Bebauungsplans"])

    assert snippet.html == "Neue <mark>Häuser</mark> am <mark>Bebauungsplan</mark> Nord"


def test_snippet_escapes_the_text() -> None:
    snippet = snippets.snippet('<script>alert("x")</script> Haus & Hof', ["Haus"])

    assert "<script>" not in snippet.html
    assert "&lt;script&gt;" in snippet.html
    assert "<mark>Haus</mark> &amp; Hof" in snippet.html


def test_snippet_does_not_mark_stop_words() -> None:
    snippet = snippets.snippet("Der Rat und die Stadt", ["der", "Rat"])

    assert snippet.html == "Der <mark>Rat</mark> und die Stadt"


def test_snippet_of_a_long_text_is_a_window_around_the_densest_matches() -> None:
    text = "Haus am Anfang. " + "Füllwort " * 60 + "Haus und Garten. " + "Füllwort " * 60

    snippet = snippets.snippet(text, ["Haus", "Garten"])

    assert "<mark>Haus</mark> und <mark>Garten</mark>" in snippet.html
    assert snippet.html.startswith("… ")
    assert snippet.html.endswith(" …")
    assert len(snippet.html) < snippets.SNIPPET_CHARS + 60


def test_snippet_cuts_at_word_boundaries() -> None:
    text = "Anfangswort " * 30 + "Haus " + "Endwort " * 30

    snippet = snippets.snippet(text, ["Haus"])

    words = snippet.html.removeprefix("… ").removesuffix(" …").split()
    assert set(words) <= {"Anfangswort", "<mark>Haus</mark>", "Endwort"}


def test_snippet_without_a_match_shows_the_beginning() -> None:
    snippet = snippets.snippet("Erste Worte. " + "mehr " * 80, ["Haus"])

    assert snippet.html.startswith("Erste Worte.")
    assert snippet.html.endswith(" …")
    assert snippet.page is None


def test_snippet_of_a_paged_text_names_the_page_of_the_match() -> None:
    text = PAGE_SEPARATOR.join(["plan.pdf", "Einleitung", "Verkehr", "Die Lärmschutzwand"])

    snippet = snippets.snippet(text, ["Lärmschutzwand"], paged=True)

    assert snippet.page == 3
    assert snippet.html == "Die <mark>Lärmschutzwand</mark>"


def test_snippet_prefers_a_page_to_the_file_name() -> None:
    text = PAGE_SEPARATOR.join(["haushalt.pdf", "Vorwort", "Der Haushalt 2026"])

    snippet = snippets.snippet(text, ["Haushalt"], paged=True)

    assert snippet.page == 2


def test_snippet_stays_on_its_page() -> None:
    text = PAGE_SEPARATOR.join(["a.pdf", "Seite eins " * 30, "Haus auf Seite zwei"])

    snippet = snippets.snippet(text, ["Haus"], paged=True)

    assert "eins" not in snippet.html


def test_page_at_counts_the_separators_before_the_offset() -> None:
    text = PAGE_SEPARATOR.join(["name.pdf", "eins", "zwei"])

    assert snippets.page_at(text, 0) is None
    assert snippets.page_at(text, text.index("eins")) == 1
    assert snippets.page_at(text, text.index("zwei")) == 2
    assert snippets.page_at("ohne Seiten", 5) is None


def test_page_of_fragment_finds_a_marked_fragment_again() -> None:
    text = PAGE_SEPARATOR.join(["name.pdf", "Einleitung", "Die <b>Lärmschutzwand</b> wird hoch"])

    fragment = "… Die &lt;b&gt;<mark>Lärmschutzwand</mark>&lt;/b&gt; wird …"

    assert snippets.page_of_fragment(text, fragment) == 2
    assert snippets.page_of_fragment(text, "<em>nirgends</em>") is None


def test_highlight_marks_every_match_of_the_whole_text() -> None:
    assert (
        snippets.highlight("Häuser & Bebauungspläne", ["Haus", "Bebauungsplan"])
        == "<mark>Häuser</mark> &amp; <mark>Bebauungspläne</mark>"
    )
