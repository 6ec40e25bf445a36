"""Every page type, at phone and desktop width: no serious or critical axe-core violation
(WCAG 2.1 A/AA); at phone width also touch-sized targets and no sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils.timezone import now
from playwright.sync_api import Page, ViewportSize

from search.models import SavedSearch
from tests.e2e.conftest import PHONE, VIEWPORTS, Town, log_in
from tests.e2e.page_checks import (
    assert_accessible,
    assert_no_horizontal_scroll,
    assert_touch_targets,
)


@dataclass(frozen=True)
class PageType:
    path: Callable[[Town], str]
    as_member: bool = False
    as_clerk: bool = False
    status: int = 200


PAGE_TYPES = {
    "home": PageType(lambda town: reverse("home")),
    "login": PageType(lambda town: reverse("login")),
    "meeting-calendar": PageType(lambda town: reverse("meeting-calendar")),
    "meeting-list": PageType(lambda town: reverse("meeting-list")),
    "meeting-detail": PageType(lambda town: reverse("meeting-detail", args=[town.meeting.pk])),
    # Members see the non-public items and a note form on every item.
    "meeting-detail-member": PageType(
        lambda town: reverse("meeting-detail", args=[town.meeting.pk]), as_member=True
    ),
    "paper-list": PageType(lambda town: reverse("paper-list")),
    "paper-detail": PageType(lambda town: reverse("paper-detail", args=[town.paper.pk])),
    "paper-detail-member": PageType(
        lambda town: reverse("paper-detail", args=[town.paper.pk]), as_member=True
    ),
    # Clerks see the upload form and each file's text extraction state.
    "paper-detail-clerk": PageType(
        lambda town: reverse("paper-detail", args=[town.paper.pk]), as_clerk=True
    ),
    "organization-list": PageType(lambda town: reverse("organization-list")),
    "organization-detail": PageType(
        lambda town: reverse("organization-detail", args=[town.committee.pk])
    ),
    "person-list": PageType(lambda town: reverse("person-list")),
    "person-detail": PageType(
        lambda town: reverse("person-detail", args=[town.member.person.pk])  # type: ignore[union-attr]
    ),
    "minutes-detail": PageType(lambda town: reverse("minutes-detail", args=[town.past_meeting.pk])),
    "workspace": PageType(lambda town: reverse("workspace"), as_member=True),
    # Search: results with facets, sort and a snippet; the member's save form; the help when
    # nothing matches; the saved searches with their forms.
    "search": PageType(lambda town: reverse("search") + "?q=Radweg"),
    "search-member": PageType(lambda town: reverse("search") + "?q=Radweg", as_member=True),
    "search-no-results": PageType(lambda town: reverse("search") + "?q=Radweg+Zyxwvu&art=paper"),
    "search-empty": PageType(lambda town: reverse("search")),
    "saved-search-list": PageType(lambda town: _saved_search_list(town), as_member=True),
    "not-found": PageType(lambda town: "/diese-seite-gibt-es-nicht/", status=404),
}


def _saved_search_list(town: Town) -> str:
    SavedSearch.objects.create(
        user=town.member, name="Radwege", query="Radweg", filters="art=paper", notified_until=now()
    )
    return reverse("saved-search-list")


def _visit(
    open_page: Callable[[ViewportSize], Page], viewport: ViewportSize, town: Town, name: str
) -> Page:
    page_type = PAGE_TYPES[name]
    page = open_page(viewport)
    if page_type.as_member:
        log_in(page, town.member)
    if page_type.as_clerk:
        log_in(page, town.clerk)
    response = page.goto(page_type.path(town))
    assert response is not None
    assert response.status == page_type.status, f"{name}: HTTP {response.status} at {page.url}"
    # Collapsed parts (note forms, filters) are checked too: axe skips what is hidden.
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    return page


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_page_has_no_serious_accessibility_violations(
    open_page: Callable[[ViewportSize], Page], town: Town, name: str, viewport: str
) -> None:
    page = _visit(open_page, VIEWPORTS[viewport], town, name)

    assert_accessible(page)


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_page_does_not_scroll_sideways_on_a_phone(
    open_page: Callable[[ViewportSize], Page], town: Town, name: str
) -> None:
    page = _visit(open_page, PHONE, town, name)

    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_page_targets_are_touch_sized_on_a_phone(
    open_page: Callable[[ViewportSize], Page], town: Town, name: str
) -> None:
    page = _visit(open_page, PHONE, town, name)

    assert_touch_targets(page)


def test_stylesheet_is_served_and_applied(phone_page: Page, town: Town) -> None:
    phone_page.goto(reverse("home"))

    rules = phone_page.evaluate(
        "() => [...document.styleSheets].reduce((n, sheet) => n + sheet.cssRules.length, 0)"
    )
    skip_link_top = phone_page.evaluate(
        "() => document.querySelector('.skip-link').getBoundingClientRect().bottom"
    )
    assert rules > 0
    # The stylesheet moves the skip link out of sight until it gets focus.
    assert skip_link_top <= 0
