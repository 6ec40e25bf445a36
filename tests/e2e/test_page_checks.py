"""The page checks themselves: each catches what it is for, so a green run means something."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import PHONE
from tests.e2e.page_checks import (
    assert_accessible,
    assert_no_horizontal_scroll,
    assert_touch_targets,
)

GOOD_PAGE = """<!DOCTYPE html><html lang="de"><head><title>Gut</title></head><body>
<header><a href="/" style="display:inline-block;min-width:44px;min-height:44px">Start</a></header>
<main><h1>Gut</h1><p style="line-height:44px">Text mit <a href="/mehr">Verweis</a>.</p></main>
</body></html>"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def test_good_page_passes_every_check(phone: Page) -> None:
    phone.set_content(GOOD_PAGE)

    assert_accessible(phone)
    assert_touch_targets(phone)
    assert_no_horizontal_scroll(phone)


def test_accessibility_check_names_the_rule_and_the_element(phone: Page) -> None:
    phone.set_content(
        '<html lang="de"><title>x</title><main><p style="color:#bbb;background:#fff" '
        'id="blass">Kaum lesbar</p><input id="ohne-label"></main></html>'
    )

    with pytest.raises(AssertionError) as failure:
        assert_accessible(phone)

    message = str(failure.value)
    assert "color-contrast" in message
    assert "#blass" in message
    assert "label" in message


def test_touch_target_check_finds_a_small_button(phone: Page) -> None:
    phone.set_content(
        '<html lang="de"><main><button style="height:24px;width:24px">x</button></main></html>'
    )

    with pytest.raises(AssertionError, match="button"):
        assert_touch_targets(phone)


def test_sideways_scroll_check_finds_a_wide_element(phone: Page) -> None:
    phone.set_content('<html lang="de"><main><div style="width:600px">breit</div></main></html>')

    with pytest.raises(AssertionError, match="scrolls sideways"):
        assert_no_horizontal_scroll(phone)
