"""Papers, consultations and files: database constraints, soft deletion and names."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from documents.models import ExtractionState, File, FilePage, Paper, file_upload_path
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    ConsultationFactory,
    FileFactory,
    MeetingFactory,
    PaperFactory,
)

pytestmark = pytest.mark.django_db


# --- paper references ------------------------------------------------------------------------


def test_duplicate_paper_reference_in_one_body_is_rejected(body):
    PaperFactory(body=body, reference="2026/0147")

    with pytest.raises(IntegrityError), transaction.atomic():
        PaperFactory(body=body, reference="2026/0147")


def test_same_paper_reference_in_another_body_is_allowed(body):
    PaperFactory(body=body, reference="2026/0147")

    other = PaperFactory(body=BodyFactory(), reference="2026/0147")

    assert other.pk is not None


def test_paper_reference_is_free_again_after_soft_deletion(body):
    first = PaperFactory(body=body, reference="2026/0147")
    Paper.objects.filter(pk=first.pk).update(deleted=True)

    second = PaperFactory(body=body, reference="2026/0147")

    assert second.pk != first.pk


# --- file owners and roles -------------------------------------------------------------------


def test_file_with_two_owners_is_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        FileFactory(paper=PaperFactory(), meeting=MeetingFactory())


def test_file_without_owner_is_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        FileFactory(paper=None, role=File.Role.INVITATION)


def _only_owner(kind: str) -> dict[str, Any]:
    if kind == "paper":
        return {"paper": PaperFactory()}
    if kind == "meeting":
        return {"paper": None, "meeting": MeetingFactory()}
    return {"paper": None, "agenda_item": AgendaItemFactory()}


@pytest.mark.parametrize(
    ("owner", "role"),
    [
        ("paper", File.Role.MAIN),
        ("paper", File.Role.AUXILIARY),
        ("meeting", File.Role.INVITATION),
        ("meeting", File.Role.RESULTS_PROTOCOL),
        ("meeting", File.Role.VERBATIM_PROTOCOL),
        ("agenda_item", File.Role.RESOLUTION),
    ],
)
def test_file_with_exactly_one_owner_is_accepted(owner, role):
    file = FileFactory(role=role, **_only_owner(owner))

    assert file.pk is not None


@pytest.mark.parametrize(
    "role",
    [
        File.Role.INVITATION,
        File.Role.RESULTS_PROTOCOL,
        File.Role.VERBATIM_PROTOCOL,
        File.Role.RESOLUTION,
    ],
)
def test_paper_file_with_a_meeting_role_is_rejected(role):
    with pytest.raises(IntegrityError), transaction.atomic():
        FileFactory(paper=PaperFactory(), role=role)


def test_second_main_file_of_a_paper_is_rejected():
    paper = PaperFactory()
    FileFactory(paper=paper, role=File.Role.MAIN)

    with pytest.raises(IntegrityError), transaction.atomic():
        FileFactory(paper=paper, role=File.Role.MAIN)


def test_main_file_may_be_replaced_after_soft_deletion():
    paper = PaperFactory()
    first = FileFactory(paper=paper, role=File.Role.MAIN)
    File.objects.filter(pk=first.pk).update(deleted=True)

    second = FileFactory(paper=paper, role=File.Role.MAIN)

    assert second.pk != first.pk


def test_paper_may_have_many_attachments_beside_its_main_file():
    paper = PaperFactory()
    FileFactory(paper=paper, role=File.Role.MAIN)
    FileFactory(paper=paper, role=File.Role.AUXILIARY)
    FileFactory(paper=paper, role=File.Role.AUXILIARY)

    assert paper.files.count() == 3


def test_upload_path_is_content_addressed_and_hides_the_file_name():
    file = File(sha256="ab" + "c" * 62)

    path = file_upload_path(file, "Kündigung Mustermann.pdf")

    assert path == f"files/ab/ab{'c' * 62}"


# --- soft deletion ---------------------------------------------------------------------------


def test_paper_files_hide_deleted_files():
    paper = PaperFactory()
    FileFactory(paper=paper, deleted=True)
    alive = FileFactory(paper=paper)

    assert list(paper.files.all()) == [alive]


def test_default_manager_hides_deleted_papers(body):
    deleted = PaperFactory(body=body, deleted=True)

    assert deleted not in Paper.objects.all()
    assert deleted in Paper.all_objects.all()


def test_paper_consultations_hide_deleted_consultations():
    paper = PaperFactory()
    ConsultationFactory(paper=paper, deleted=True)
    alive = ConsultationFactory(paper=paper)

    assert list(paper.consultations.all()) == [alive]


# --- consultations ---------------------------------------------------------------------------


def test_consultation_meeting_is_the_meeting_of_its_agenda_item():
    item = AgendaItemFactory()

    consultation = ConsultationFactory(agenda_item=item)

    assert consultation.meeting == item.meeting


def test_consultation_without_agenda_item_has_no_meeting():
    assert ConsultationFactory(agenda_item=None).meeting is None


def test_agenda_item_has_at_most_one_consultation():
    item = AgendaItemFactory()
    ConsultationFactory(agenda_item=item)

    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationFactory(agenda_item=item)


# --- names -----------------------------------------------------------------------------------


def test_paper_str_is_reference_and_subject():
    paper = PaperFactory(reference="2026/0147", name="Neubau Feuerwache")

    assert str(paper) == "2026/0147 Neubau Feuerwache"


def test_consultation_str_is_reference_and_role():
    consultation = ConsultationFactory(paper__reference="2026/0147", role="Vorberatung")

    assert str(consultation) == "2026/0147 – Vorberatung"


def test_file_str_is_its_title():
    assert str(FileFactory(name="Lageplan")) == "Lageplan"


def test_file_without_title_is_named_by_its_file_name():
    assert str(FileFactory(name="", file_name="lageplan.pdf")) == "lageplan.pdf"


# --- extraction state and pages --------------------------------------------------------------


def test_new_file_waits_for_extraction():
    file = FileFactory()

    assert (file.extraction_state, file.page_count, file.pages_done) == (
        ExtractionState.PENDING,
        None,
        0,
    )


def test_unknown_extraction_state_is_rejected():
    file = FileFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        File.objects.filter(pk=file.pk).update(extraction_state="vielleicht")


def test_page_number_is_unique_per_file():
    file = FileFactory()
    FilePage.objects.create(file=file, number=1, text="a")

    with pytest.raises(IntegrityError), transaction.atomic():
        FilePage.objects.create(file=file, number=1, text="b")


def test_page_numbers_start_at_one():
    with pytest.raises(IntegrityError), transaction.atomic():
        FilePage.objects.create(file=FileFactory(), number=0, text="")
