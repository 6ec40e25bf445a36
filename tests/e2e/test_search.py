"""Search as people use it: a citizen types an inflected word in the header box, finds the
attachment page that holds it and a paper with it in its title, narrows the results to papers
and opens one; a member saves the search and finds it on the saved-searches page."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from documents.models import ExtractionState, File, FilePage, Paper
from search.backends import get_backend
from search.entries import PAGE_SEPARATOR
from search.models import SavedSearch
from tests.e2e.conftest import Town, log_in
from tests.factories import FileFactory, PaperFactory


@dataclass(frozen=True)
class Zoning:
    paper: Paper
    attachment_owner: Paper
    attachment: File


@pytest.fixture
def zoning(town: Town) -> Zoning:
    """A paper whose attachment mentions "Bebauungsplan" on page 2 only, and a paper with the
    word in its title."""
    market = PaperFactory(
        body=town.body, name="Neugestaltung des Marktplatzes", reference="2026/0100"
    )
    pages = [
        "Einleitung: Der Platz vor dem Rathaus soll neu gestaltet werden.",
        "Der Bebauungsplan Nr. 12 erlaubt Bäume, Bänke und einen Brunnen.",
    ]
    attachment = FileFactory(
        paper=market,
        name="Begründung zur Neugestaltung",
        file_name="begruendung.pdf",
        text=PAGE_SEPARATOR.join(pages),
        page_count=2,
        pages_done=2,
        extraction_state=ExtractionState.DONE,
    )
    FilePage.objects.bulk_create(
        [FilePage(file=attachment, number=n, text=t) for n, t in enumerate(pages, start=1)]
    )
    zoning_paper = PaperFactory(
        body=town.body, name="Bebauungsplan Nr. 7 Gewerbegebiet Nord", reference="2026/0007"
    )
    get_backend().rebuild()
    return Zoning(paper=zoning_paper, attachment_owner=market, attachment=attachment)


def test_citizen_finds_an_attachment_page_filters_by_type_and_opens_the_paper(
    phone_page: Page, zoning: Zoning
) -> None:
    page = phone_page
    page.goto(reverse("paper-list"))
    page.locator("header").get_by_role("searchbox", name="Suchbegriff").fill("Bebauungsplans")
    page.locator("header").get_by_role("button", name="Suchen").click()

    expect(page.get_by_role("heading", level=2, name=re.compile("^2 Treffer"))).to_be_visible()
    file_hit = page.locator(".search-hit").filter(has_text=zoning.attachment.name)
    expect(file_hit).to_contain_text("Anlage zu Vorlage 2026/0100: Neugestaltung des Marktplatzes")
    expect(file_hit.locator("mark").first).to_have_text(re.compile("Bebauungsplan", re.I))
    page_link = file_hit.get_by_role("link", name=re.compile("^Seite 2 öffnen"))
    href = page_link.get_attribute("href")
    assert href is not None
    assert href.endswith("inline=1#page=2")
    pdf = page.request.get(href.split("#")[0])
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"

    page.locator("#eingrenzen").get_by_role("link", name=re.compile("^Vorlage\\b")).click()

    expect(page.get_by_role("heading", level=2, name=re.compile("^1 Treffer"))).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("Filter entfernen: Art: Vorlage"))
    ).to_be_visible()
    page.locator(".search-hit").get_by_role("link", name=re.compile(zoning.paper.name)).click()

    expect(page).to_have_url(
        re.compile(re.escape(reverse("paper-detail", args=[zoning.paper.pk])) + "$")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(zoning.paper.name)


def test_citizen_gets_help_when_nothing_matches(desktop_page: Page, zoning: Zoning) -> None:
    desktop_page.goto(reverse("search") + "?q=Bebauungsplan+Zyxwvu")

    expect(desktop_page.get_by_role("heading", name="Keine Treffer für „Bebauungsplan Zyxwvu“"))
    desktop_page.get_by_role("link", name="bebauungsplan", exact=True).click()

    expect(
        desktop_page.get_by_role("heading", level=2, name=re.compile("^2 Treffer"))
    ).to_be_visible()


def test_member_saves_a_search_and_finds_it_again(desktop_page: Page, town: Town) -> None:
    log_in(desktop_page, town.member)
    desktop_page.goto(reverse("search") + "?q=Radweg")

    desktop_page.get_by_text("Suche speichern", exact=True).first.click()
    desktop_page.get_by_label("Name der Suche").fill("Radwege im Blick")
    desktop_page.locator("#speichern").get_by_role("button", name="Suche speichern").click()

    expect(desktop_page).to_have_url(re.compile(re.escape(reverse("saved-search-list")) + "$"))
    expect(desktop_page.locator("main")).to_contain_text(
        "Die Suche „Radwege im Blick“ wurde gespeichert."
    )
    assert SavedSearch.objects.get(user=town.member).query == "Radweg"
    desktop_page.get_by_role("link", name=re.compile("^Radwege im Blick")).click()
    expect(desktop_page.get_by_role("searchbox", name="Suchbegriff")).to_have_value("Radweg")
