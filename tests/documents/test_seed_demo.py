"""`manage.py seed_demo`: the demo town Musterstadt."""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db.models import Max

from documents.models import Consultation, File, Paper
from ratsinfo.models import Body, Location, Membership, Organization, Person, User
from ratsinfo.visibility import visible
from sessions.models import AgendaItem, Meeting, Minutes
from tests.factories import BodyFactory

# A fixed reference date in the past, so every publication date has been reached.
TODAY = "2026-03-01"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--today", TODAY, *args, stdout=out)
    return out.getvalue()


def stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def council() -> Organization:
    return Organization.objects.get(classification="Rat")


@pytest.mark.django_db
def test_council_has_32_members_in_five_factions_and_the_mayor_as_chair() -> None:
    seed("--verbosity", "0")

    memberships = Membership.objects.filter(organization=council())
    mayor = memberships.get(on_behalf_of=None)
    assert memberships.count() == 33
    assert council().statutory_members == 33
    assert (mayor.role, mayor.voting_right) == ("Vorsitzende", True)
    assert mayor.person.form_of_address == "Bürgermeisterin"
    factions = Organization.objects.filter(organization_type=Organization.Type.FACTION)
    assert factions.count() == 5
    seats = Counter(memberships.exclude(on_behalf_of=None).values_list("on_behalf_of", flat=True))
    assert sum(seats.values()) == 32
    assert set(seats) == set(factions.values_list("pk", flat=True))
    assert Membership.objects.filter(role__startswith="Fraktionsvorsitzende").count() == 5


@pytest.mark.django_db
def test_committees_are_staffed_from_factions_with_non_voting_citizens() -> None:
    seed("--verbosity", "0")

    committees = Organization.objects.filter(classification="Ausschuss")
    assert committees.count() == 4
    for committee in committees:
        roles = list(committee.memberships.values_list("role", flat=True))
        assert any(role.startswith("Vorsitzende") for role in roles)
        assert any(role.startswith("Stellvertretende") for role in roles)
    citizens = Membership.objects.filter(role__startswith="Sachkundige")
    assert citizens.count() >= 3
    assert not citizens.filter(voting_right=True).exists()
    assert Organization.objects.filter(
        organization_type=Organization.Type.ADMINISTRATION, name__startswith="Fachbereich 3"
    ).exists()
    assert Body.objects.get().location.street_address == "Marktplatz 1"


@pytest.mark.django_db
def test_thirteen_meetings_held_cancelled_invited_and_in_preparation() -> None:
    seed("--verbosity", "0")

    states = Counter(Meeting.objects.values_list("state", flat=True))
    assert sum(states.values()) == 13
    assert states[Meeting.State.COMPLETED] == 8
    assert states[Meeting.State.CANCELLED] == 1
    assert states[Meeting.State.INVITED] == 3
    preparing = Meeting.objects.get(state=Meeting.State.SCHEDULED)
    assert preparing.published_at is None
    assert preparing.start == Meeting.objects.aggregate(last=Max("start"))["last"]
    council_next = Meeting.objects.filter(
        organizations=council(), state__in=[Meeting.State.INVITED, Meeting.State.SCHEDULED]
    ).earliest("start")
    # The council's next meeting is invited, so that the demo can run it live.
    assert council_next.state == Meeting.State.INVITED
    for meeting in Meeting.objects.filter(state=Meeting.State.INVITED):
        invitation = meeting.files.get(role=File.Role.INVITATION)
        assert meeting.published_at is not None
        assert pypdf.PdfReader(invitation.content.open("rb")).pages


@pytest.mark.django_db
def test_agendas_have_a_public_and_a_non_public_part_and_results_when_held() -> None:
    seed("--verbosity", "0")

    for meeting in Meeting.objects.all():
        items = list(meeting.agenda_items.order_by("order"))
        assert [i.number for i in items[:3]] == ["Ö 1", "Ö 2", "Ö 3"]
        assert items[0].name.startswith("Eröffnung")
        assert items[1].name.startswith("Genehmigung der Niederschrift")
        private = [i for i in items if not i.public]
        assert private and all(i.number.startswith("N ") for i in private)
        assert all(i.number.startswith("Ö ") for i in items if i.public)
        if meeting.state == Meeting.State.COMPLETED:
            assert all(i.result for i in items)
    results = set(AgendaItem.objects.values_list("result", flat=True))
    assert "einstimmig beschlossen" in results
    assert "zur Kenntnis genommen" in results
    assert any(
        re.fullmatch(r"mehrheitlich \w+ \(Ja \d+, Nein \d+, Enthaltung \d+\)", r) for r in results
    )


@pytest.mark.django_db
def test_held_meetings_have_minutes_published_after_approval_except_the_latest() -> None:
    seed("--verbosity", "0")

    held = list(Meeting.objects.filter(state=Meeting.State.COMPLETED).order_by("start"))
    minutes = {m.meeting_id: m for m in Minutes.objects.all()}
    assert set(minutes) == {m.pk for m in held}
    latest = minutes[held[-1].pk]
    assert latest.published_at is None
    published = [m for m in minutes.values() if m.published_at is not None]
    assert published
    for m in published:
        assert m.approved_on is not None and m.published_at.date() > m.approved_on
        assert m.published_at.date() <= datetime.date.fromisoformat(TODAY)
        assert "Beschlussfähigkeit" in m.introduction


@pytest.mark.django_db
def test_non_public_items_are_hidden_from_citizens_but_shown_to_committee_members() -> None:
    seed("--verbosity", "0")
    member = User.objects.get(username="ratsmitglied")
    their_boards = set(
        Membership.objects.filter(person=member.person).values_list("organization", flat=True)
    )
    private = AgendaItem.objects.filter(public=False, meeting__published_at__isnull=False)
    theirs = private.filter(meeting__organizations__in=their_boards).distinct()
    committee_items = theirs.filter(meeting__organizations__classification="Ausschuss")

    assert private.exists()
    assert not visible(AnonymousUser(), AgendaItem.objects.filter(public=False)).exists()
    assert committee_items.exists()
    assert set(visible(member, theirs)) == set(theirs)
    assert visible(AnonymousUser(), AgendaItem.objects.filter(public=True)).exists()


@pytest.mark.django_db
def test_consultations_lead_from_committee_preparation_to_council_decision() -> None:
    seed("--verbosity", "0")

    chains = 0
    for paper in Paper.objects.prefetch_related("consultations__organizations"):
        steps = sorted(
            paper.consultations.select_related("agenda_item__meeting"),
            key=lambda c: c.agenda_item.meeting.start,
        )
        assert all(c.agenda_item is not None for c in steps)
        if len(steps) < 2:
            continue
        chains += 1
        *preparing, deciding = steps
        assert all((c.role, c.authoritative) == ("Vorberatung", False) for c in preparing)
        assert all(c.organizations.get().classification == "Ausschuss" for c in preparing)
        assert (deciding.role, deciding.authoritative) == ("Entscheidung", True)
        assert deciding.organizations.get() == council()
    assert chains >= 20


@pytest.mark.django_db
def test_sixty_papers_with_references_types_drafts_and_answered_questions() -> None:
    seed("--verbosity", "0")

    papers = Paper.objects.all()
    references = list(papers.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == 60
    assert all(re.fullmatch(r"\d{4}/\d{4}", r) for r in references)
    types = Counter(papers.values_list("paper_type", flat=True))
    assert types.most_common(1)[0][0] == Paper.Type.RESOLUTION_DRAFT
    for kind in (Paper.Type.MOTION, Paper.Type.INQUIRY, Paper.Type.NOTICE):
        assert types[kind]
    assert papers.filter(published_at=None).count() == 2
    question = papers.filter(paper_type=Paper.Type.INQUIRY)[0]
    assert question.related_papers.get().paper_type == Paper.Type.NOTICE
    motion = papers.filter(paper_type=Paper.Type.MOTION)[0]
    assert motion.originator_organizations.get().organization_type == "Fraktion"
    assert motion.originator_persons.exists()
    private = papers.filter(public=False)
    assert private.exists()
    assert not Consultation.objects.filter(paper__in=private, agenda_item__public=True).exists()


@pytest.mark.django_db
def test_every_paper_has_a_multi_page_main_pdf_about_its_subject() -> None:
    seed("--verbosity", "0")

    for paper in Paper.objects.all():
        main = paper.files.get(role=File.Role.MAIN)
        data = main.content.open("rb").read()
        pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]
        words = re.findall(r"\w{7,}", paper.name)
        assert len(pages) >= 2
        assert paper.reference in pages[0]
        assert all(word in pages[0] for word in words)
        # Deep in the document too, where full-text search has to find it.
        assert any(word in " ".join(pages[1:]) for word in words)
        assert (main.size, main.mime_type, main.text) == (len(data), "application/pdf", "")
        assert "/" not in main.file_name and main.file_name.endswith(".pdf")


@pytest.mark.django_db
def test_docx_attachments_open_and_contain_a_cost_table() -> None:
    seed("--verbosity", "0")

    attachments = File.objects.filter(mime_type__contains="wordprocessingml")
    assert attachments.count() >= 10
    for attachment in attachments:
        document = docx.Document(attachment.content.open("rb"))
        assert document.tables
        assert document.sections[0].footer.paragraphs[0].text.startswith("Anlage zur Vorlage")
        assert attachment.role == File.Role.AUXILIARY


@pytest.mark.django_db
def test_same_seed_and_date_give_byte_identical_files() -> None:
    def fingerprint() -> list[tuple[str, str]]:
        return sorted(File.objects.values_list("file_name", "sha256"))

    seed("--verbosity", "0", "--seed", "7")
    first = fingerprint()
    Body.all_objects.all().delete()
    Location.objects.all().delete()
    User.objects.all().delete()
    seed("--verbosity", "0", "--seed", "7")

    assert fingerprint() == first
    assert len(first) > 60


@pytest.mark.django_db(transaction=True)
def test_second_run_changes_nothing_and_prints_the_logins_again() -> None:
    first = seed()
    models = (Body, Person, Membership, Meeting, AgendaItem, Paper, Consultation, File, User)

    def snapshot() -> list[tuple[int, Any]]:
        return [
            (m._base_manager.count(), m._base_manager.aggregate(last=Max(_changed(m)))["last"])
            for m in models
        ]

    before = snapshot()
    second = seed()

    assert snapshot() == before
    assert "Vorlagen: 60/60 (100 %)" in first
    assert "Die Demo-Stadt Musterstadt ist bereits angelegt – nichts geändert." in second
    for output in (first, second):
        assert "http://127.0.0.1:8000/admin/" in output
        assert "ratsmitglied / Passwort demo-ratsmitglied" in output


def _changed(model: Any) -> str:
    return "last_login" if model is User else "modified"


@pytest.mark.django_db(transaction=True)
def test_refuses_a_database_with_other_data_and_touches_nothing() -> None:
    BodyFactory(name="Gemeinde Anderswo")

    with pytest.raises(CommandError, match="leere Datenbank"):
        seed()

    assert Body.objects.get().name == "Gemeinde Anderswo"
    assert not Person.objects.exists()
    assert not User.objects.exists()
    assert stored_files() == []


@pytest.mark.django_db(transaction=True)
def test_failure_midway_leaves_no_rows_and_no_files(monkeypatch: pytest.MonkeyPatch) -> None:
    from documents.demo import files

    rendered = 0
    real_paper_pdf = files.paper_pdf

    def paper_pdf_failing_on_the_tenth(*args: Any, **kwargs: Any) -> bytes:
        nonlocal rendered
        rendered += 1
        if rendered == 10:
            raise RuntimeError("Drucker klemmt")
        return real_paper_pdf(*args, **kwargs)

    monkeypatch.setattr(files, "paper_pdf", paper_pdf_failing_on_the_tenth)

    with pytest.raises(RuntimeError, match="Drucker klemmt"):
        seed("--verbosity", "0")

    assert rendered == 10
    for model in (Body, Location, Person, Meeting, AgendaItem, Paper, File, User):
        assert not model._base_manager.exists()
    assert stored_files() == []


@pytest.mark.django_db
def test_large_town_with_small_overrides_creates_the_requested_papers() -> None:
    output = seed("--size", "large", "--papers", "150", "--years", "2", "--verbosity", "0")

    assert output == ""
    assert Paper.objects.count() == 150
    assert Meeting.objects.count() > 100
    assert Meeting.objects.filter(state=Meeting.State.SCHEDULED, published_at=None).exists()
    assert File.objects.filter(paper__isnull=False, role=File.Role.MAIN).count() == 150


@pytest.mark.django_db
def test_years_need_the_large_size() -> None:
    with pytest.raises(CommandError, match="--size large"):
        seed("--years", "2")
