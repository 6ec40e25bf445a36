"""The live meeting in the browser: a clerk runs it from the console, two members vote on
their tablets, the room screen and the public view follow over the websocket; every live
screen passes axe-core at desktop and 10-inch tablet sizes.

pytest-django's live server speaks WSGI only, so these tests start daphne (the project's ASGI
server) in a thread of the test process: it then shares the test database (SQLite's shared
in-memory database, or the PostgreSQL test database) and serves the real ASGI application,
websockets included.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from sessions.models import AgendaItem
from tests.e2e.conftest import PHONE, Town, log_in
from tests.e2e.page_checks import assert_accessible, assert_no_horizontal_scroll

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
TABLET_PORTRAIT: ViewportSize = {"width": 800, "height": 1280}
LIVE_TIMEOUT_MS = 10_000

_server_url: str | None = None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start_daphne() -> str:
    # Twisted's reactor runs once per process, so one server serves every test of the run.
    from channels.routing import ProtocolTypeRouter
    from daphne.server import Server
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from ratsinfo.asgi import application, django_asgi_app

    app = ProtocolTypeRouter(
        {"http": ASGIStaticFilesHandler(django_asgi_app), "websocket": application}
    )
    port = _free_port()
    server = Server(
        application=app,
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        signal_handlers=False,
        verbosity=0,
    )
    threading.Thread(target=server.run, name="daphne", daemon=True).start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("daphne did not start listening within 10 s")


@pytest.fixture
def asgi_server(transactional_db: None) -> str:
    """The URL of daphne serving the project's ASGI application (HTTP and websockets)."""
    global _server_url
    if _server_url is None:
        _server_url = _start_daphne()
    return _server_url


@pytest.fixture
def open_live(browser: Browser, asgi_server: str) -> Iterator[Callable[[ViewportSize], Page]]:
    """Opens a fresh browser profile against the ASGI server, German, at a viewport size."""
    contexts = []

    def open_at(viewport: ViewportSize) -> Page:
        context = browser.new_context(base_url=asgi_server, viewport=viewport, locale="de-DE")
        context.set_default_timeout(LIVE_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_at
    for context in contexts:
        context.close()


def _live_url(town: Town, screen: str = "") -> str:
    return f"/sitzungen/{town.meeting.pk}/live/{screen}"


def _connected(page: Page) -> None:
    expect(page.locator("[data-region=connection]").first).to_have_text("Live verbunden")


def _open(open_live: Callable[[ViewportSize], Page], viewport: ViewportSize, url: str,
          user: Any = None) -> Page:  # fmt: skip
    page = open_live(viewport)
    if user is not None:
        log_in(page, user)
    page.goto(url)
    _connected(page)
    return page


def _roll_button(console: Page, name: str, status: str) -> Any:
    row = console.get_by_role("group", name=name, exact=True)
    return row.get_by_role("button", name=status, exact=True)


def _run_until_poll_open(console: Page, town: Town) -> None:
    console.get_by_role("button", name="Sitzung eröffnen").click()
    expect(console.locator("[data-region=meeting-state]")).to_have_text("läuft")
    item = console.locator(".live-agenda").get_by_role("button", name=re.compile("Radweg"))
    item.click()
    expect(item).to_have_attribute("aria-pressed", "true")
    for user in (town.member, town.colleague):
        button = _roll_button(console, user.person.name, "anwesend")  # type: ignore[union-attr]
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
    expect(console.locator(".live-attendance__text")).to_contain_text("2 anwesend")
    console.get_by_label("Gegenstand").fill("Bau des Radwegs beschließen")
    console.get_by_label("Art der Abstimmung").select_option("named")
    console.get_by_role("button", name="Abstimmung vorbereiten").click()
    console.get_by_role("button", name=re.compile("^Öffnen.*Bau des Radwegs")).click()
    expect(console.locator(".live-progress__text")).to_have_text("0 von 2 haben abgestimmt")
    expect(console.locator("[data-region=quorum]")).to_contain_text("Beschlussfähig")


def test_clerk_runs_a_vote_that_tablets_room_and_public_follow_live(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    console = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    room = _open(open_live, DESKTOP, _live_url(town, "saal/"))
    public = _open(open_live, PHONE, _live_url(town, "oeffentlich/"))
    tablet = _open(open_live, TABLET_PORTRAIT, _live_url(town), town.member)
    other_tablet = _open(open_live, DESKTOP, _live_url(town), town.colleague)

    _run_until_poll_open(console, town)

    for screen in (room, public, tablet, other_tablet):
        expect(screen.locator(".live-item")).to_contain_text("Radweg an der Hauptstraße")
        expect(screen.locator(".live-progress__text")).to_have_text("0 von 2 haben abgestimmt")
    tablet.get_by_role("button", name="Ja", exact=True).click()
    expect(tablet.locator("[data-region=my-vote]")).to_have_text(
        "Ihre Stimme „Ja“ wurde gespeichert."
    )
    expect(tablet.get_by_role("button", name="Ja", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    other_tablet.get_by_role("button", name="Ja", exact=True).click()
    expect(other_tablet.locator("[data-region=my-vote]")).to_have_text(
        "Ihre Stimme „Ja“ wurde gespeichert."
    )
    for screen in (room, public, console):
        expect(screen.locator(".live-progress__text")).to_have_text("2 von 2 haben abgestimmt")

    console.get_by_role("button", name="Abstimmung schließen").click()

    for screen in (room, public, tablet):
        result = screen.locator("[data-region=result]")
        expect(result.locator(".live-result__short")).to_contain_text("angenommen")
        expect(result.locator(".live-chart__row").first).to_contain_text("Ja")
        expect(result.locator(".live-chart__value").first).to_have_text("2")
        expect(result).to_contain_text("Erika Mustermann")
    for screen in (public, tablet):
        expect(screen.locator("[data-region=poll-idle]").first).to_be_visible()
    # The room screen, a projector that does not scroll, shows the result in place of the poll.
    expect(room.locator("[data-region=poll-idle]")).to_be_hidden()


def test_tablet_shows_the_own_vote_again_after_reloading(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    console = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    _run_until_poll_open(console, town)
    tablet = _open(open_live, TABLET_PORTRAIT, _live_url(town), town.member)
    tablet.get_by_role("button", name="Nein", exact=True).click()
    expect(tablet.locator("[data-region=my-vote]")).to_contain_text("„Nein“")

    tablet.reload()
    _connected(tablet)

    expect(tablet.locator("[data-region=my-vote]")).to_have_text("Ihre gespeicherte Stimme: „Nein“")
    tablet.get_by_role("button", name="Ja", exact=True).click()
    expect(tablet.locator("[data-region=my-vote]")).to_have_text(
        "Ihre Stimme wurde geändert. Es zählt jetzt „Ja“."
    )


def test_a_refused_action_is_explained_in_german(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    console = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    console.get_by_role("button", name="Sitzung eröffnen").click()
    expect(console.locator("[data-region=meeting-state]")).to_have_text("läuft")
    console.locator(".live-agenda").get_by_role("button", name=re.compile("Radweg")).click()
    console.get_by_label("Gegenstand").fill("Ohne Beschlussfähigkeit")
    console.get_by_role("button", name="Abstimmung vorbereiten").click()

    console.get_by_role("button", name=re.compile("^Öffnen.*Ohne Beschlussfähigkeit")).click()

    expect(console.locator("[data-region=feedback-error]")).to_contain_text("beschlussfähig")


@pytest.mark.parametrize("viewport", [DESKTOP, TABLET_PORTRAIT], ids=["1280x800", "800x1280"])
def test_live_screens_pass_axe_with_a_poll_result(
    open_live: Callable[[ViewportSize], Page], town: Town, viewport: ViewportSize
) -> None:
    console = _open(open_live, viewport, _live_url(town, "leitung/"), town.clerk)
    _run_until_poll_open(console, town)
    tablet = _open(open_live, viewport, _live_url(town), town.member)
    tablet.get_by_role("button", name="Ja", exact=True).click()
    expect(tablet.locator("[data-region=my-vote]")).to_contain_text("gespeichert")
    assert_accessible(tablet)
    assert_accessible(console)
    console.get_by_role("button", name="Abstimmung schließen").click()
    expect(console.locator("[data-region=result] .live-result__short")).to_be_visible()

    for page in (
        console,
        tablet,
        _open(open_live, viewport, _live_url(town, "saal/")),
        _open(open_live, viewport, _live_url(town, "oeffentlich/")),
    ):
        expect(page.locator("[data-region=result] .live-result__short")).to_be_visible()
        assert_accessible(page)


def test_public_view_fits_a_phone(open_live: Callable[[ViewportSize], Page], town: Town) -> None:
    public = _open(open_live, PHONE, _live_url(town, "oeffentlich/"))

    assert_no_horizontal_scroll(public)
    assert_accessible(public)


def _start_on_radweg(console: Page) -> None:
    console.get_by_role("button", name="Sitzung eröffnen").click()
    expect(console.locator("[data-region=meeting-state]")).to_have_text("läuft")
    item = console.locator(".live-agenda").get_by_role("button", name=re.compile("Radweg"))
    item.click()
    expect(item).to_have_attribute("aria-pressed", "true")


def test_a_draft_prepared_on_one_console_appears_on_a_second_one(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    first = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    second = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    public = _open(open_live, PHONE, _live_url(town, "oeffentlich/"))
    _start_on_radweg(first)
    first.get_by_role("button", name="Alle als anwesend erfassen").click()
    expect(second.locator(".live-attendance__text")).to_contain_text("2 anwesend")
    expect(first.locator("[data-region=feedback-ok]")).to_have_text(
        "Alle Mitglieder sind als anwesend erfasst."
    )

    first.get_by_label("Gegenstand").fill("Bau des Radwegs beschließen")
    first.get_by_role("button", name="Abstimmung vorbereiten").click()

    drafts = second.locator("[data-region=drafts]")
    expect(drafts).to_contain_text("Bau des Radwegs beschließen")
    expect(drafts).to_contain_text("Ö 1")
    expect(public.locator("#live")).not_to_contain_text("Bau des Radwegs")
    second.get_by_role("button", name=re.compile("^Öffnen.*Bau des Radwegs")).click()
    for screen in (first, second, public):
        expect(screen.locator(".live-progress__text")).to_have_text("0 von 2 haben abgestimmt")
    expect(first.locator("[data-region=drafts] li")).to_have_count(0)
    expect(first.locator("[data-drafts-none]")).to_be_visible()


def test_a_draft_discarded_on_one_console_leaves_the_other_one(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    first = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    second = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    _start_on_radweg(first)
    first.get_by_label("Gegenstand").fill("Radweg vertagen")
    first.get_by_role("button", name="Abstimmung vorbereiten").click()
    expect(second.locator("[data-region=drafts]")).to_contain_text("Radweg vertagen")

    second.get_by_role("button", name=re.compile("^Verwerfen.*Radweg vertagen")).click()

    expect(second.locator("[data-region=feedback-ok]")).to_have_text("Der Entwurf ist verworfen.")
    for console in (first, second):
        expect(console.locator("[data-region=drafts] li")).to_have_count(0)
        expect(console.locator("[data-drafts-none]")).to_be_visible()


def test_a_conflict_is_declared_and_withdrawn_on_the_tablet_and_removed_on_the_console(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    console = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    tablet = _open(open_live, TABLET_PORTRAIT, _live_url(town), town.member)
    _start_on_radweg(console)
    conflicts = console.locator("[data-region=conflicts]")

    tablet.get_by_label("Grund (freiwillig)").fill("Anliegerin")
    tablet.get_by_role("button", name="Befangenheit für diesen Punkt erklären").click()

    withdraw = tablet.get_by_role("button", name="Befangenheit zurückziehen")
    expect(withdraw).to_be_visible()
    expect(conflicts).to_contain_text("Erika Mustermann – Anliegerin")
    withdraw.click()
    expect(
        tablet.get_by_role("button", name="Befangenheit für diesen Punkt erklären")
    ).to_be_visible()
    expect(withdraw).to_be_hidden()
    expect(conflicts.locator("li")).to_have_count(0)

    colleague = town.colleague.person.name  # type: ignore[union-attr]
    console.locator("#befangen-person").select_option(label=colleague)
    console.get_by_role("button", name="Befangenheit erfassen").click()
    expect(conflicts).to_contain_text(colleague)
    assert_accessible(console)
    conflicts.get_by_role("button", name=re.compile(f"^Entfernen.*{colleague}, Ö 1")).click()
    expect(conflicts.locator("li")).to_have_count(0)
    expect(console.locator("[data-conflicts-none]")).to_be_visible()


def test_the_console_records_an_election_vote_for_a_member_without_a_tablet(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    console = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    _start_on_radweg(console)
    for user in (town.member, town.colleague):
        button = _roll_button(console, user.person.name, "anwesend")  # type: ignore[union-attr]
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
    console.get_by_label("Gegenstand").fill("Wahl der Radwegbeauftragten")
    console.get_by_label("Art der Abstimmung").select_option("election")
    console.get_by_label(re.compile("^Bewerberinnen und Bewerber")).fill("Anna Alt\nBernd Berg")
    console.get_by_role("button", name="Abstimmung vorbereiten").click()
    console.get_by_role("button", name=re.compile("^Öffnen.*Radwegbeauftragten")).click()
    expect(console.locator(".live-progress__text")).to_have_text("0 von 2 haben abgestimmt")
    proxy = console.locator("form[data-action='ballot.cast']")
    expect(proxy.get_by_role("button", name="Ja", exact=True)).to_be_hidden()

    proxy.get_by_label("Mitglied").select_option(label="Erika Mustermann")
    proxy.get_by_role("button", name="Bernd Berg").click()

    expect(console.locator("[data-region=feedback-ok]")).to_have_text(
        "Die Stimme ist für das Mitglied erfasst."
    )
    expect(console.locator(".live-progress__text")).to_have_text("1 von 2 haben abgestimmt")
    console.get_by_role("button", name="Abstimmung schließen").click()
    result = console.locator("[data-region=result]")
    expect(result.locator(".live-result__title")).to_have_text("Wahl der Radwegbeauftragten")
    expect(result).to_contain_text("Bernd Berg")
    # An election's result names no voters: nothing in its place, not the word "null".
    expect(result).not_to_contain_text("null")


def test_screens_show_the_called_item_as_it_is(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    console = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    room = _open(open_live, DESKTOP, _live_url(town, "saal/"))
    public = _open(open_live, PHONE, _live_url(town, "oeffentlich/"))
    tablet = _open(open_live, TABLET_PORTRAIT, _live_url(town), town.member)
    _start_on_radweg(console)

    # Drawn by the script from the event: no leftovers of its building blocks ("null").
    for screen in (console, room, public, tablet):
        expect(screen.locator(".live-item")).to_have_text("Ö 1 Radweg an der Hauptstraße")

    console.locator(".live-agenda").get_by_role("button", name=re.compile("^N 1")).click()

    for screen in (room, public):
        expect(screen.locator(".live-item")).to_have_text(
            "N 1 nicht öffentlicher Tagesordnungspunkt nichtöffentlich"
        )
    for screen in (console, tablet):
        expect(screen.locator(".live-item")).to_have_text(
            "N 1 Grundstücksankauf Flur 7 nichtöffentlich"
        )


def test_console_agenda_keeps_each_number_on_one_line(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    AgendaItem.objects.filter(pk=town.secret_item.pk).update(
        number="N 12",
        name="Grundstücksangelegenheit: Erwerb von Flächen im Bereich „Lindenhof“ für den "
        "Bau eines Regenrückhaltebeckens",
    )
    console = _open(open_live, TABLET_PORTRAIT, _live_url(town, "leitung/"), town.clerk)

    one_line = "n => n.offsetHeight < 1.5 * parseFloat(getComputedStyle(n).lineHeight)"
    for number in console.locator(".live-agenda .live-item__number").all():
        assert number.evaluate(one_line), f"{number.inner_text()!r} wraps"
    button = console.locator(".live-agenda").get_by_role("button", name=re.compile("^N 12"))
    number_box = button.locator(".live-item__number").bounding_box()
    badge_box = button.locator(".badge").bounding_box()
    assert number_box is not None and badge_box is not None
    assert number_box["x"] + number_box["width"] < badge_box["x"]


def test_room_screen_fits_item_result_and_speakers_on_a_720p_projector(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    console = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    room = _open(open_live, {"width": 1280, "height": 720}, _live_url(town, "saal/"))
    _run_until_poll_open(console, town)
    expect(room.locator(".live-progress__text")).to_be_in_viewport()
    console.get_by_role("button", name="Abstimmung schließen").click()
    console.locator("#redner-person").select_option(label="Erika Mustermann")
    console.get_by_role("button", name="Auf die Redeliste setzen").click()
    console.get_by_role("button", name="Nächste Wortmeldung aufrufen").click()

    expect(room.locator(".live-speakers__entry--speaking")).to_contain_text("Erika Mustermann")
    expect(room.locator("[data-region=result] .live-result__short")).to_be_visible()
    for part in (".live-item", "[data-region=result] .live-chart", "[data-region=speakers]"):
        expect(room.locator(part)).to_be_in_viewport(ratio=1)


def test_console_records_a_vote_only_for_a_chosen_member_and_never_over_a_tablet_vote(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    console = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    tablet = _open(open_live, TABLET_PORTRAIT, _live_url(town), town.member)
    _run_until_poll_open(console, town)
    tablet.get_by_role("button", name="Ja", exact=True).click()
    expect(tablet.locator("[data-region=my-vote]")).to_contain_text("„Ja“")
    proxy = console.locator("form[data-action='ballot.cast']")
    member = proxy.get_by_label("Mitglied")

    # Nobody is chosen until the clerk chooses: the form cannot be sent as it is.
    expect(member).to_have_value("")
    assert not proxy.evaluate("form => form.checkValidity()")

    member.select_option(label="Erika Mustermann")
    proxy.get_by_role("button", name="Nein", exact=True).click()
    expect(console.locator("[data-region=feedback-error]")).to_have_text(
        "Erika Mustermann hat bereits selbst abgestimmt. Diese Stimme kann nur das Mitglied ändern."
    )
    tablet.reload()
    _connected(tablet)
    expect(tablet.locator("[data-region=my-vote]")).to_have_text("Ihre gespeicherte Stimme: „Ja“")

    colleague = town.colleague.person.name  # type: ignore[union-attr]
    member.select_option(label=colleague)
    proxy.get_by_role("button", name="Enthaltung", exact=True).click()
    expect(console.locator("[data-region=feedback-ok]")).to_have_text(
        "Die Stimme ist für das Mitglied erfasst."
    )
    expect(console.locator(".live-progress__text")).to_have_text("2 von 2 haben abgestimmt")
    expect(member).to_have_value("")


CLOSE_QUESTION = "Sitzung wirklich schließen? Danach sind keine Änderungen mehr möglich."


def _close_meeting(console: Page) -> None:
    """Closes the meeting as the clerk does: the button asks, „Ja, Sitzung schließen“ closes."""
    console.get_by_role("button", name="Sitzung schließen", exact=True).click()
    console.get_by_role("group", name=CLOSE_QUESTION).get_by_role(
        "button", name="Ja, Sitzung schließen"
    ).click()
    expect(console.locator("[data-region=meeting-state]")).to_have_text("durchgeführt")


def test_closing_the_meeting_asks_first_and_can_be_cancelled(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    console = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    public = _open(open_live, PHONE, _live_url(town, "oeffentlich/"))
    _start_on_radweg(console)
    meeting_state = console.locator("[data-region=meeting-state]")
    close = console.get_by_role("button", name="Sitzung schließen", exact=True)
    question = console.get_by_role("group", name=CLOSE_QUESTION)
    expect(question).to_be_hidden()

    close.click()

    expect(question).to_be_visible()
    expect(question).to_be_focused()
    expect(close).to_have_attribute("aria-expanded", "true")
    expect(meeting_state).to_have_text("läuft")
    question.get_by_role("button", name="Abbrechen").click()
    expect(question).to_be_hidden()
    expect(close).to_be_focused()
    expect(close).to_have_attribute("aria-expanded", "false")

    close.click()
    expect(question).to_be_focused()
    console.keyboard.press("Escape")
    expect(question).to_be_hidden()
    expect(close).to_be_focused()
    expect(meeting_state).to_have_text("läuft")
    expect(public.locator("[data-region=meeting-state]")).to_have_text("läuft")

    _close_meeting(console)

    expect(console.locator("[data-region=feedback-ok]")).to_have_text(
        "Die Sitzung ist geschlossen."
    )
    expect(question).to_be_hidden()
    expect(close).to_be_hidden()
    expect(console.get_by_role("heading", name="Sitzung", exact=True)).to_be_focused()
    expect(public.locator("[data-region=meeting-state]")).to_have_text("durchgeführt")


def test_tablet_feedback_goes_when_the_item_the_poll_or_the_meeting_changes(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    console = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    tablet = _open(open_live, TABLET_PORTRAIT, _live_url(town), town.member)
    _start_on_radweg(console)
    console.get_by_role("button", name="Alle als anwesend erfassen").click()
    expect(console.locator(".live-attendance__text")).to_contain_text("2 anwesend")
    feedback = tablet.locator("[data-region=feedback-ok]")
    colleague = town.colleague.person.name  # type: ignore[union-attr]

    tablet.get_by_role("button", name="Geschäftsordnungsantrag", exact=True).click()
    expect(feedback).to_have_text("Ihr Geschäftsordnungsantrag steht auf der Redeliste.")
    # What others do on the same item leaves the answer to the member's own action.
    console.locator("#redner-person").select_option(label=colleague)
    console.get_by_role("button", name="Auf die Redeliste setzen").click()
    expect(tablet.locator("[data-region=speakers]")).to_contain_text(colleague)
    expect(feedback).to_have_text("Ihr Geschäftsordnungsantrag steht auf der Redeliste.")

    # A poll opens.
    console.get_by_label("Gegenstand").fill("Bau des Radwegs beschließen")
    console.get_by_role("button", name="Abstimmung vorbereiten").click()
    console.get_by_role("button", name=re.compile("^Öffnen.*Bau des Radwegs")).click()
    expect(tablet.locator(".live-progress__text")).to_have_text("0 von 2 haben abgestimmt")
    expect(feedback).to_be_empty()

    # The poll closes.
    tablet.get_by_role("button", name="Wortmeldung zurückziehen").click()
    expect(feedback).to_have_text("Ihre Wortmeldung ist zurückgezogen.")
    console.get_by_role("button", name="Abstimmung schließen").click()
    expect(tablet.locator("[data-region=poll-idle]")).to_be_visible()
    expect(feedback).to_be_empty()

    # The current item changes.
    tablet.get_by_role("button", name="Zu Wort melden").click()
    expect(feedback).to_have_text("Ihre Wortmeldung steht auf der Redeliste.")
    console.locator(".live-agenda").get_by_role("button", name=re.compile("^N 1")).click()
    expect(tablet.locator(".live-item")).to_contain_text("N 1")
    expect(feedback).to_be_empty()

    # The meeting closes.
    tablet.get_by_role("button", name="Geschäftsordnungsantrag", exact=True).click()
    expect(feedback).to_have_text("Ihr Geschäftsordnungsantrag steht auf der Redeliste.")
    _close_meeting(console)
    expect(tablet.locator("[data-region=meeting-state]")).to_have_text("durchgeführt")
    expect(feedback).to_be_empty()


def test_tablet_offers_speaking_and_conflicts_only_while_an_item_is_called(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    console = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    tablet = _open(open_live, TABLET_PORTRAIT, _live_url(town), town.member)
    speak = tablet.get_by_role("button", name="Zu Wort melden")
    order = tablet.get_by_role("button", name="Geschäftsordnungsantrag", exact=True)
    declare = tablet.get_by_role("button", name="Befangenheit für diesen Punkt erklären")
    not_running = (
        tablet.get_by_text("Wortmeldungen sind nur während der Sitzung möglich."),
        tablet.get_by_text("Befangenheit können Sie nur während der Sitzung erklären."),
    )
    no_item = (
        tablet.get_by_text(
            "Sie können sich zu Wort melden, sobald ein Tagesordnungspunkt aufgerufen ist."
        ),
        tablet.get_by_text(
            "Sie können sich für befangen erklären, sobald ein Tagesordnungspunkt aufgerufen ist."
        ),
    )

    def offers(controls: bool, hints: tuple[Any, ...]) -> None:
        for control in (speak, order, declare):
            if controls:
                expect(control).to_be_visible()
            else:
                expect(control).to_be_hidden()
        for hint in (*not_running, *no_item):
            if hint in hints:
                expect(hint).to_be_visible()
            else:
                expect(hint).to_be_hidden()

    offers(False, not_running)
    console.get_by_role("button", name="Sitzung eröffnen").click()
    expect(tablet.locator("[data-region=meeting-state]")).to_have_text("läuft")
    offers(False, no_item)
    tablet.reload()
    _connected(tablet)
    offers(False, no_item)

    item = console.locator(".live-agenda").get_by_role("button", name=re.compile("Radweg"))
    item.click()
    expect(tablet.locator(".live-item")).to_contain_text("Radweg")
    offers(True, ())

    console.locator(".live-agenda").get_by_role("button", name="Kein Punkt (Pause)").click()
    expect(tablet.locator(".live-item")).to_have_text(
        "Zurzeit wird kein Tagesordnungspunkt beraten."
    )
    offers(False, no_item)

    item.click()
    offers(True, ())
    _close_meeting(console)
    expect(tablet.locator("[data-region=meeting-state]")).to_have_text("durchgeführt")
    offers(False, not_running)
    tablet.reload()
    _connected(tablet)
    offers(False, not_running)


def test_console_speaker_and_conflict_forms_wait_for_a_chosen_person(
    open_live: Callable[[ViewportSize], Page], town: Town
) -> None:
    console = _open(open_live, DESKTOP, _live_url(town, "leitung/"), town.clerk)
    _start_on_radweg(console)
    speaker = console.locator("#redner-person")
    conflict = console.locator("#befangen-person")

    # Nobody is chosen until the clerk chooses: neither form can be sent as it is.
    for select in (speaker, conflict):
        expect(select).to_have_value("")
        expect(select.locator("option").first).to_have_text("Bitte wählen Sie die Person aus.")
        assert not select.evaluate("select => select.form.checkValidity()")
    console.get_by_role("button", name="Auf die Redeliste setzen").click()
    console.get_by_role("button", name="Befangenheit erfassen").click()
    expect(console.locator("[data-region=feedback-ok]")).not_to_contain_text("Redeliste")
    expect(console.locator("[data-region=feedback-ok]")).not_to_contain_text("Befangenheit")
    expect(console.locator("[data-region=speakers]")).to_have_text("Keine Wortmeldungen.")
    expect(console.locator("[data-conflicts-none]")).to_be_visible()

    speaker.select_option(label="Erika Mustermann")
    console.get_by_role("button", name="Auf die Redeliste setzen").click()
    expect(console.locator("[data-region=speakers]")).to_contain_text("Erika Mustermann")
    expect(speaker).to_have_value("")

    colleague = town.colleague.person.name  # type: ignore[union-attr]
    conflict.select_option(label=colleague)
    console.get_by_role("button", name="Befangenheit erfassen").click()
    expect(console.locator("[data-region=conflicts]")).to_contain_text(colleague)
    expect(conflict).to_have_value("")


@pytest.mark.parametrize("viewport", [DESKTOP, TABLET_PORTRAIT], ids=["1280x800", "800x1280"])
def test_live_screens_pass_axe_while_and_after_closing_the_meeting(
    open_live: Callable[[ViewportSize], Page], town: Town, viewport: ViewportSize
) -> None:
    console = _open(open_live, viewport, _live_url(town, "leitung/"), town.clerk)
    tablet = _open(open_live, viewport, _live_url(town), town.member)
    assert_accessible(tablet)
    _start_on_radweg(console)
    tablet.get_by_role("button", name="Zu Wort melden").click()
    expect(tablet.locator("[data-region=feedback-ok]")).not_to_be_empty()
    assert_accessible(tablet)

    console.get_by_role("button", name="Sitzung schließen", exact=True).click()
    expect(console.get_by_role("group", name=CLOSE_QUESTION)).to_be_focused()
    assert_accessible(console)
    console.get_by_role("button", name="Ja, Sitzung schließen").click()
    expect(console.locator("[data-region=meeting-state]")).to_have_text("durchgeführt")
    expect(
        tablet.get_by_text("Wortmeldungen sind nur während der Sitzung möglich.")
    ).to_be_visible()

    assert_accessible(console)
    assert_accessible(tablet)
