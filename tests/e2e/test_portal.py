"""The portal as people use it: a citizen reads an agenda, opens a paper, downloads its file
and switches to English; a member sees non-public items and keeps a private note."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from documents.models import Note
from tests.e2e.conftest import Town, log_in

NOTE_LABEL = "Meine private Notiz (nur für Sie sichtbar)"


def agenda_entry(page: Page, name: str) -> Locator:
    """The innermost block of the page that holds the agenda item's name (its list entry or
    section), so that assertions and form fields stay within that item."""
    return page.locator("li, tr, article, section").filter(has_text=name).last


def test_citizen_follows_a_meeting_from_the_home_page(phone_page: Page, town: Town) -> None:
    phone_page.goto(reverse("home"))

    phone_page.locator(
        f"main a[href='{reverse('meeting-detail', args=[town.meeting.pk])}']"
    ).first.click()

    expect(phone_page).to_have_url(
        re.compile(re.escape(reverse("meeting-detail", args=[town.meeting.pk])) + "$")
    )
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text(town.meeting.name)


def test_citizen_reads_the_public_agenda_only(phone_page: Page, town: Town) -> None:
    phone_page.goto(reverse("meeting-detail", args=[town.meeting.pk]))

    expect(phone_page.locator("main")).to_contain_text(town.public_item.name)
    assert town.secret_item.name not in phone_page.content()


def test_citizen_opens_a_paper_from_the_agenda_and_downloads_its_main_file(
    desktop_page: Page, town: Town
) -> None:
    paper_url = reverse("paper-detail", args=[town.paper.pk])
    desktop_page.goto(reverse("meeting-detail", args=[town.meeting.pk]))

    desktop_page.locator(f"main a[href='{paper_url}']").first.click()
    expect(desktop_page).to_have_url(re.compile(re.escape(paper_url) + "$"))
    expect(desktop_page.get_by_role("heading", level=1)).to_contain_text(town.paper.name)
    with desktop_page.expect_download() as download_info:
        desktop_page.locator("main").get_by_role(
            "link", name=re.compile("^Herunterladen.*" + re.escape(town.main_file.name))
        ).click()

    download = download_info.value
    with town.main_file.content.open("rb") as stored:
        assert Path(download.path()).read_bytes() == stored.read()
    assert download.suggested_filename == town.main_file.file_name


def test_citizen_switches_the_language_to_english(phone_page: Page, town: Town) -> None:
    meeting_url = reverse("meeting-detail", args=[town.meeting.pk])
    phone_page.goto(meeting_url)
    expect(phone_page.locator("html")).to_have_attribute("lang", "de")

    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="English").click()

    expect(phone_page.locator("html")).to_have_attribute("lang", "en")
    expect(phone_page).to_have_url(re.compile(re.escape(meeting_url) + "$"))
    expect(phone_page.get_by_role("link", name="Skip to content")).to_be_attached()
    expect(phone_page.get_by_role("banner")).to_contain_text("Log in")
    expect(phone_page.locator("main")).to_contain_text(town.public_item.name)


def test_member_logs_in_and_sees_the_non_public_item_marked(tablet_page: Page, town: Town) -> None:
    log_in(tablet_page, town.member)

    tablet_page.goto(reverse("meeting-detail", args=[town.meeting.pk]))

    item = agenda_entry(tablet_page, town.secret_item.name)
    expect(item).to_be_visible()
    expect(item).to_contain_text("nichtöffentlich")
    expect(tablet_page.get_by_role("banner")).to_contain_text("Abmelden")


def test_member_note_is_kept_and_shown_to_nobody_else(tablet_page: Page, town: Town) -> None:
    text = "Nachfragen: Kosten der Ampel an der Kreuzung Bahnhofstraße?"
    meeting_url = reverse("meeting-detail", args=[town.meeting.pk])
    log_in(tablet_page, town.member)
    tablet_page.goto(meeting_url)

    item = agenda_entry(tablet_page, town.public_item.name)
    item.get_by_text("Notiz hinzufügen").click()
    item.get_by_label(NOTE_LABEL).fill(text)
    with tablet_page.expect_navigation():
        item.get_by_role("button", name=re.compile("speichern", re.IGNORECASE)).click()
    tablet_page.reload()

    reloaded_item = agenda_entry(tablet_page, town.public_item.name)
    expect(reloaded_item.get_by_label(NOTE_LABEL)).to_have_value(text)
    note = Note.objects.get(author=town.member)
    assert (note.agenda_item, note.text) == (town.public_item, text)

    with tablet_page.expect_navigation():
        tablet_page.get_by_role("banner").get_by_role("button", name="Abmelden").click()
    log_in(tablet_page, town.colleague)
    tablet_page.goto(meeting_url)

    colleague_item = agenda_entry(tablet_page, town.public_item.name)
    expect(colleague_item.get_by_text("Notiz hinzufügen")).to_be_visible()
    expect(colleague_item.get_by_label(NOTE_LABEL)).to_have_value("")
    assert text not in tablet_page.content()
