"""A clerk's upload, end to end: stored byte for byte, queued, and read by the worker into
pages, whatever kind of file it is; refusals leave nothing behind."""

from __future__ import annotations

import datetime
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from documents.errors import FileRejected
from documents.models import ExtractionState, File, FilePage, Paper
from documents.services import file_upload
from ratsinfo.jobs import job_claim
from ratsinfo.models import Body, Job, User
from tests.documents import builders
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(body: Body) -> Paper:
    return PaperFactory(body=body, reference="2026/0147")


@pytest.fixture
def no_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    # The OCR extra is optional; these tests describe a machine without it.
    monkeypatch.setattr("documents.extraction.ocr.shutil.which", lambda name: None)


def upload(user: User, paper: Paper, filename: str, payload: bytes, **fields: Any) -> File:
    return file_upload(
        user=user, paper=paper, upload=SimpleUploadedFile(filename, payload), **fields
    )


def run_worker() -> None:
    call_command("run_worker", "--once", "--verbosity", "0", stdout=io.StringIO())


def stored_bytes(file: File) -> bytes:
    with file.content.open("rb") as stream:
        return stream.read()


def test_pdf_docx_and_scan_become_readable_pages_without_further_action(
    clerk: User, paper: Paper, tmp_path: Path, no_ocr: None
) -> None:
    pdf = builders.text_pdf(["Sachverhalt zum Bebauungsplan", "Finanzielle Auswirkungen"])
    docx = builders.docx_document(tmp_path / "anlage.docx").read_bytes()
    scan = builders.scanned_pdf(page_count=2)
    files = [
        upload(clerk, paper, "vorlage.pdf", pdf, role=File.Role.MAIN),
        upload(clerk, paper, "Kostenaufstellung.docx", docx),
        upload(clerk, paper, "unterschrieben.pdf", scan),
    ]
    assert Job.objects.filter(state="queued").count() == 3

    run_worker()

    main, attachment, scanned = (File.objects.get(pk=f.pk) for f in files)
    assert main.extraction_state == ExtractionState.DONE
    assert [p.number for p in main.pages.order_by("number")] == [1, 2]
    assert "Bebauungsplan" in main.pages.get(number=1).text
    assert "Finanzielle Auswirkungen" in main.pages.get(number=2).text
    assert attachment.extraction_state == ExtractionState.DONE
    assert attachment.text.strip()
    assert scanned.extraction_state == ExtractionState.NEEDS_OCR
    assert "ocrmypdf" in scanned.extraction_reason
    assert [stored_bytes(f) for f in (main, attachment, scanned)] == [pdf, docx, scan]
    assert Job.objects.filter(state="done").count() == 3


def test_upload_records_checksum_size_safe_name_and_type_from_content(
    clerk: User, paper: Paper
) -> None:
    png = builders.png_bytes()

    file = upload(clerk, paper, "../../Übersicht Lageplan.pdf", png, name="Lageplan")

    assert file.sha256 == hashlib.sha256(png).hexdigest()
    assert file.size == len(png)
    assert file.file_name == "Übersicht Lageplan.pdf"
    assert file.mime_type == "image/png"
    assert file.extraction_state == ExtractionState.PENDING
    assert stored_bytes(file) == png


def test_same_file_twice_on_one_paper_is_refused_and_nothing_is_added(
    clerk: User, paper: Paper
) -> None:
    pdf = builders.text_pdf(["Einmal reicht"])
    first = upload(clerk, paper, "a.pdf", pdf)

    with pytest.raises(FileRejected, match="bereits an der Vorlage"):
        upload(clerk, paper, "b.pdf", pdf)

    assert list(File.objects.filter(paper=paper)) == [first]
    assert Job.objects.count() == 1


def test_upload_over_the_limit_is_refused_with_both_sizes(
    clerk: User, paper: Paper, settings: Any
) -> None:
    settings.FILE_UPLOAD_MAX_BYTES = 1000

    with pytest.raises(FileRejected, match="höchstens") as refused:
        upload(clerk, paper, "gross.pdf", b"%PDF-1.4\n" + b"0" * 5000)

    assert "KB" in refused.value.message or "Bytes" in refused.value.message
    assert not File.objects.exists()
    assert not Job.objects.exists()


def test_second_main_document_is_refused(clerk: User, paper: Paper) -> None:
    upload(clerk, paper, "vorlage.pdf", builders.text_pdf(["Erste Fassung"]), role="main")

    with pytest.raises(FileRejected, match="Hauptdokument"):
        upload(clerk, paper, "neu.pdf", builders.text_pdf(["Zweite Fassung"]), role="main")


def test_members_cannot_upload(member: User, paper: Paper) -> None:
    with pytest.raises(PermissionDenied):
        upload(member, paper, "x.pdf", builders.text_pdf(["Nicht erlaubt"]))

    assert not File.objects.exists()


def test_empty_upload_is_stored_and_flagged_not_lost(clerk: User, paper: Paper) -> None:
    file = upload(clerk, paper, "leer.pdf", b"")

    run_worker()

    file.refresh_from_db()
    assert file.extraction_state == ExtractionState.FAILED
    assert "leer" in file.extraction_reason
    assert stored_bytes(file) == b""


def test_work_of_a_worker_that_died_is_done_once_by_the_next(clerk: User, paper: Paper) -> None:
    files = [
        upload(
            clerk,
            paper,
            f"teil-{n}.pdf",
            builders.text_pdf(
                [f"Teil {n} des Haushaltsplans 2027 mit Erläuterungen zu den Produktbereichen"]
            ),
        )
        for n in range(3)
    ]
    # A worker takes the first job and dies before finishing: its lease runs out at once.
    orphan = job_claim(worker_id="gestorben", lease=datetime.timedelta(seconds=0))
    assert orphan is not None

    run_worker()

    for file in files:
        file.refresh_from_db()
        assert file.extraction_state == ExtractionState.DONE
        assert FilePage.objects.filter(file=file).count() == 1
    assert Job.objects.filter(state="done").count() == 3


def test_clerk_sees_the_page_being_read_in_the_file_list(
    client_for: Any, clerk: User, paper: Paper
) -> None:
    file = upload(clerk, paper, "haushalt.pdf", builders.text_pdf(["Haushaltsplan 2027"]))
    File.objects.filter(pk=file.pk).update(
        extraction_state=ExtractionState.RUNNING, pages_done=12, page_count=80
    )

    page = client_for(clerk).get("/admin/documents/file/").content.decode()

    assert "liest Seite 12 von 80" in page
