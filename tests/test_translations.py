"""The English catalogue (locale/en/LC_MESSAGES/django.po) is complete and is used.

German is the source language: the msgids are German, English comes from the .po. These tests
catch what `makemessages` alone does not: entries left empty or marked fuzzy (which gettext
ignores at run time), placeholders lost in translation, strings added to templates or code
without running `makemessages`, and German UI text on pages rendered in English.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ratsinfo.models import Body, Organization
from tests.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    MeetingFactory,
    MembershipFactory,
    MinutesFactory,
    PaperFactory,
)

BASE_DIR = Path(settings.BASE_DIR)
PO_FILE = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
TEMPLATE_DIR = BASE_DIR / "templates"
APP_DIRS = [
    BASE_DIR / name for name in ("ratsinfo", "sessions", "documents", "votes", "search", "api")
]


# --- a small .po reader (standard library only) ---------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        context = f" [{self.msgctxt}]" if self.msgctxt is not None else ""
        return f"line {self.line}: {self.msgid!r}{context}"


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, target
        if entry.line:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if target is not None and target[0] == "msgstr":
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue  # comments, references, previous msgids (#|), obsolete entries (#~)
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation without keyword"
            keyword, index = target
            if keyword == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, keyword, (getattr(entry, keyword) or "") + _unquote(line))
        else:
            match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(.*)", line)
            assert match, f"{path}:{number}: cannot read {raw!r}"
            keyword, index, value = match.group(1), int(match.group(2) or 0), match.group(3)
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()  # an entry without a blank line before it
            if not entry.line:
                entry.line = number
            target = (keyword, index)
            if keyword == "msgstr":
                entry.msgstr[index] = _unquote(value)
            else:
                setattr(entry, keyword, _unquote(value))
    finish()
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    entries = [entry for entry in parse_po(PO_FILE) if entry.msgid != ""]  # skip the header
    assert len(entries) > 100, "the English catalogue looks truncated"
    return entries


# --- (a) every entry is translated and used at run time ---------------------------------------


def test_no_entry_is_fuzzy(catalogue: list[Entry]) -> None:
    fuzzy = [entry.label for entry in catalogue if "fuzzy" in entry.flags]

    assert fuzzy == [], "fuzzy entries are ignored at run time; check and unflag:\n" + "\n".join(
        fuzzy
    )


def test_no_entry_is_untranslated(catalogue: list[Entry]) -> None:
    untranslated = []
    for entry in catalogue:
        expected = 2 if entry.msgid_plural is not None else 1
        strings = [entry.msgstr.get(index, "") for index in range(expected)]
        if not all(s.strip() for s in strings):
            untranslated.append(entry.label)

    assert untranslated == [], "untranslated entries:\n" + "\n".join(untranslated)


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{\{\s*[\w.]+\s*\}\}")


def test_translations_keep_the_placeholders(catalogue: list[Entry]) -> None:
    broken = []
    for entry in catalogue:
        wanted = sorted(_PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for index, text in entry.msgstr.items():
            if sorted(_PLACEHOLDER.findall(text)) != wanted:
                broken.append(f"{entry.label} msgstr[{index}]={text!r}")

    assert broken == [], "placeholders differ from the msgid:\n" + "\n".join(broken)


def test_msgid_and_context_are_unique(catalogue: list[Entry]) -> None:
    keys = [(entry.msgctxt, entry.msgid) for entry in catalogue]

    assert len(keys) == len(set(keys))


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
def test_msgfmt_accepts_the_catalogue(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(PO_FILE)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr
    assert "untranslated" not in result.stderr


# --- (b) the catalogue covers the strings marked in templates and code -------------------------

_TEMPLATE_TRANSLATE = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<msgid>.*?)(?P=q)"""
    r"""(?:\s+context\s+(?P<cq>["'])(?P<context>.*?)(?P=cq))?[^%]*%\}"""
)
_PYTHON_GETTEXT = re.compile(
    r"""\b(?:_|gettext|gettext_lazy)\(\s*(?P<q>["'])(?P<msgid>[^"'\\\n]*)(?P=q)\s*\)"""
)


def _marked_strings() -> Iterator[tuple[str, str | None, str]]:
    for path in sorted(TEMPLATE_DIR.rglob("*.html")) + sorted(TEMPLATE_DIR.rglob("*.txt")):
        for match in _TEMPLATE_TRANSLATE.finditer(path.read_text(encoding="utf-8")):
            where = str(path.relative_to(BASE_DIR))
            # makemessages stores a literal "%" of a {% translate %} string doubled, and the tag
            # looks it up that way.
            yield match.group("msgid").replace("%", "%%"), match.group("context"), where
    for app in APP_DIRS:
        for path in sorted(app.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for match in _PYTHON_GETTEXT.finditer(path.read_text(encoding="utf-8")):
                yield match.group("msgid"), None, str(path.relative_to(BASE_DIR))


def test_every_marked_string_is_in_the_catalogue(catalogue: list[Entry]) -> None:
    known = {(entry.msgctxt, entry.msgid) for entry in catalogue}
    marked = list(_marked_strings())
    assert len(marked) > 100, "the scan found too few strings; did the regexes break?"

    missing = sorted(
        {f"{where}: {msgid!r}" for msgid, context, where in marked if (context, msgid) not in known}
    )

    assert missing == [], (
        "strings missing from locale/en/LC_MESSAGES/django.po; run makemessages and translate:\n"
        + "\n".join(missing)
    )


# --- (c) pages rendered in English show no German UI text --------------------------------------


@pytest.fixture
def english_catalogue(settings: Any) -> None:
    """Compile the .mo if it is missing or older than the .po (`make test` compiles it too)."""
    if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
        call_command("compilemessages", locale=["en"], verbosity=0)
    # Reassigning LOCALE_PATHS makes Django drop translations it has already loaded.
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)


@pytest.fixture
def english(client: Client, english_catalogue: None) -> Client:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


@pytest.fixture
def portal(body: Body, committee: Organization) -> dict[str, str]:
    """One of each kind of page, with English-neutral data so that German on the page is UI."""
    membership = MembershipFactory(
        organization=committee, person__body=body, person__name="Erika Example", role="Chair"
    )
    meeting = MeetingFactory(body=body, name="Budget 2027", organizations=[committee])
    item = AgendaItemFactory(meeting=meeting, name="Cycle lanes")
    paper = PaperFactory(body=body, name="Cycle lane plan", reference="2026/0815")
    ConsultationFactory(paper=paper, organizations=[committee], agenda_item=item, role="")
    MinutesFactory(meeting=meeting, introduction="Opening.", closing="Closing.")
    return {
        "home": reverse("home"),
        "calendar": reverse("meeting-calendar"),
        "meeting list": reverse("meeting-list"),
        "meeting": reverse("meeting-detail", args=[meeting.pk]),
        "minutes": reverse("minutes-detail", args=[meeting.pk]),
        "paper list": reverse("paper-list"),
        "paper": reverse("paper-detail", args=[paper.pk]),
        "organization list": reverse("organization-list"),
        "organization": reverse("organization-detail", args=[committee.pk]),
        "person list": reverse("person-list"),
        "person": reverse("person-detail", args=[membership.person.pk]),
    }


NAVIGATION = {
    "Startseite": "Home",
    "Sitzungen": "Meetings",
    "Vorlagen": "Papers",
    "Gremien": "Committees",
    "Personen": "Persons",
    "Anmelden": "Log in",
}


@pytest.mark.parametrize(
    "url", ["/", "/sitzungen/", "/sitzungen/liste/", "/vorlagen/", "/gremien/", "/personen/"]
)
def test_navigation_is_english(english: Client, body: Body, url: str) -> None:
    response = english.get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    for german, english_word in NAVIGATION.items():
        assert not re.search(rf"\b{german}\b", content), f"{german!r} on {url}"
        assert english_word in content, f"{english_word!r} missing on {url}"


def test_pages_show_no_german_ui_text(
    english: Client, catalogue: list[Entry], portal: dict[str, str]
) -> None:
    # Every German UI phrase of more than one word that has a different English translation;
    # none of them may appear on a page rendered in English.
    german = {
        entry.msgid
        for entry in catalogue
        if " " in entry.msgid
        and not _PLACEHOLDER.search(entry.msgid)
        and entry.msgstr.get(0) != entry.msgid
    }
    leaks = []
    for name, url in portal.items():
        response = english.get(url)
        assert response.status_code == 200, f"{name}: {url}"
        content = response.content.decode()
        assert '<html lang="en">' in content
        leaks += [f"{name} ({url}): {phrase!r}" for phrase in sorted(german) if phrase in content]

    assert leaks == []


def test_german_stays_the_default(client: Client, body: Body, english_catalogue: None) -> None:
    content = client.get("/").content.decode()

    assert '<html lang="de">' in content
    assert "Startseite" in content
