"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

The browser is Debian's /usr/bin/chromium (DESIGN.md §9), never one downloaded by a test tool;
axe-core comes from package-lock.json. `make test` installs both. Without them the tests skip
with the fix in the reason, except under CI=true, where a missing tool fails the run.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from pytest_django.live_server_helper import LiveServer

from documents.models import ExtractionState, File, Paper
from ratsinfo.models import Body, Organization, User
from ratsinfo.services import clerk_grant
from sessions.models import AgendaItem, Meeting, Minutes
from tests.e2e.page_checks import AXE_SCRIPT
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    ConsultationFactory,
    FileFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    PaperFactory,
    UserFactory,
)

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"

# No sandbox because tests run as root on CI; the rest keeps Chromium off the network, which
# these machines close (its background requests would otherwise fail, many at a time).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PHONE: ViewportSize = {"width": 360, "height": 800}
TABLET: ViewportSize = {"width": 768, "height": 1024}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# The password tests/factories.py gives every user.
PASSWORD = "geheim-123"


def _missing_tools() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (Debian package chromium)")
    if not AXE_SCRIPT.exists():
        missing.append(f"{AXE_SCRIPT.relative_to(settings.BASE_DIR)} (npm ci)")
    return missing


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for all browser tests, closed when they are done."""
    missing = _missing_tools()
    if missing:
        reason = f"browser tests need {', '.join(missing)}: `make test` installs them"
        if IN_CI:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API keeps an asyncio event loop running in this thread while it is
    # started, so Django's async-safety check would refuse every ORM call the tests make here
    # (factories, assertions) with SynchronousOnlyOperation, although nothing runs concurrently.
    # The flag is set only while the browser is up (package scope), so the rest of the suite
    # keeps the check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_page(
    browser: Browser, live_server: LiveServer
) -> Iterator[Callable[[ViewportSize], Page]]:
    """Opens a fresh browser profile (no cookies) at a viewport size, German by default, with
    relative URLs resolved against the live server."""
    contexts = []

    def open_at(viewport: ViewportSize) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="de-DE",
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_at
    for context in contexts:
        context.close()


@pytest.fixture
def phone_page(open_page: Callable[[ViewportSize], Page]) -> Page:
    return open_page(PHONE)


@pytest.fixture
def tablet_page(open_page: Callable[[ViewportSize], Page]) -> Page:
    return open_page(TABLET)


@pytest.fixture
def desktop_page(open_page: Callable[[ViewportSize], Page]) -> Page:
    return open_page(DESKTOP)


def log_in(page: Page, user: User, password: str = PASSWORD) -> None:
    """Logs in through the real login form, as a person would."""
    page.goto("/anmelden/")
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Anmelden").click()
    assert "/anmelden/" not in page.url, f"login as {user} failed: still on {page.url}"


@dataclass
class Town:
    """What the browser tests navigate: an upcoming committee meeting with a public and a
    non-public agenda item, a paper on the public item with its main file and a scanned
    attachment still needing OCR, a past meeting with published minutes, two members of the
    committee and a clerk (Sitzungsdienst) of the body."""

    body: Body
    committee: Organization
    meeting: Meeting
    public_item: AgendaItem
    secret_item: AgendaItem
    paper: Paper
    main_file: File
    past_meeting: Meeting
    minutes: Minutes
    member: User
    colleague: User
    clerk: User


@pytest.fixture
def town(transactional_db: None) -> Town:
    body = BodyFactory(name="Stadt Musterstadt", short_name="Musterstadt")
    committee = OrganizationFactory(body=body, name="Bauausschuss")
    member_person = MembershipFactory(
        organization=committee,
        person__body=body,
        person__given_name="Erika",
        person__family_name="Mustermann",
        person__name="Erika Mustermann",
    ).person
    colleague_person = MembershipFactory(organization=committee, person__body=body).person
    member = UserFactory(username="mitglied", person=member_person)
    colleague = UserFactory(username="kollegin", person=colleague_person)

    meeting = MeetingFactory(
        body=body, name="Sitzung des Bauausschusses", organizations=[committee]
    )
    public_item = AgendaItemFactory(
        meeting=meeting, order=1, number="Ö 1", name="Radweg an der Hauptstraße", public=True
    )
    secret_item = AgendaItemFactory(
        meeting=meeting, order=2, number="N 1", name="Grundstücksankauf Flur 7", public=False
    )
    paper = PaperFactory(
        body=body,
        name="Bau eines Radwegs an der Hauptstraße",
        reference="2026/0042",
        under_direction_of=[committee],
    )
    ConsultationFactory(paper=paper, agenda_item=public_item, organizations=[committee])
    main_file = FileFactory(
        paper=paper,
        role=File.Role.MAIN,
        name="Beschlussvorlage Radweg",
        file_name="beschlussvorlage-radweg.pdf",
    )
    FileFactory(
        paper=paper,
        name="Lageplan (Scan)",
        file_name="lageplan-scan.pdf",
        extraction_state=ExtractionState.NEEDS_OCR,
        extraction_reason="Die Datei enthält nur Bilder; für ihren Text ist OCR nötig.",
    )
    clerk = clerk_grant(user=UserFactory(username="sitzungsdienst"), body=body)

    past_meeting = MeetingFactory(
        body=body,
        name="Sitzung des Bauausschusses im Januar",
        organizations=[committee],
        state=Meeting.State.COMPLETED,
        start=timezone.now() - datetime.timedelta(days=60),
    )
    AgendaItemFactory(
        meeting=past_meeting,
        order=1,
        number="Ö 1",
        name="Sanierung der Grundschule",
        result="einstimmig beschlossen",
    )
    minutes = Minutes.objects.create(
        meeting=past_meeting,
        introduction="Die Vorsitzende eröffnet die Sitzung und stellt die Beschlussfähigkeit fest.",
        recorder="Max Protokoll",
        approved_on=timezone.localdate() - datetime.timedelta(days=30),
        published_at=timezone.now() - datetime.timedelta(days=29),
    )
    return Town(
        body=body,
        committee=committee,
        meeting=meeting,
        public_item=public_item,
        secret_item=secret_item,
        paper=paper,
        main_file=main_file,
        past_meeting=past_meeting,
        minutes=minutes,
        member=member,
        colleague=colleague,
        clerk=clerk,
    )
