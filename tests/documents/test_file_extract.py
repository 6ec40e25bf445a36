"""The extraction service: pages and state are written once per run, the stored bytes never
change, and no file can stop the worker (documents/services.py: file_extract)."""

from __future__ import annotations

import hashlib
import os

import pytest
from django.core.files.base import ContentFile

from documents.extraction import ocr
from documents.models import ExtractionState, File, FilePage
from documents.services import file_extract
from tests.documents import builders
from tests.factories import FileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_ocr(monkeypatch):
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)


def stored_file(data: bytes, file_name: str = "vorlage.pdf", **fields: object) -> File:
    return FileFactory(
        content=ContentFile(data, name=file_name),
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        **fields,
    )


def disk_sha256(file: File) -> str:
    with open(file.content.path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_pages_are_written_one_row_per_page():
    file = stored_file(
        builders.text_pdf(["Ausbau Radweg Lindenallee", "Kosten für den Straßenbau"])
    )

    result = file_extract(file_id=file.pk)

    file.refresh_from_db()
    assert result.state == "done"
    assert file.extraction_state == ExtractionState.DONE
    assert (file.page_count, file.pages_done, file.extraction_reason) == (2, 2, "")
    assert file.extracted_at is not None
    pages = list(file.pages.order_by("number").values_list("number", "text"))
    assert [number for number, _text in pages] == [1, 2]
    assert "Lindenallee" in pages[0][1]
    assert "Straßenbau" in pages[1][1]
    assert "Lindenallee" in file.text
    assert "Straßenbau" in file.text


def test_running_twice_gives_the_same_rows():
    file = stored_file(
        builders.text_pdf(
            ["Seite eins mit genug Text", "Seite zwei mit genug Text", "Seite drei mit genug Text"]
        )
    )

    file_extract(file_id=file.pk)
    first = list(FilePage.objects.filter(file=file).values_list("number", "text"))
    file_extract(file_id=file.pk)

    assert list(FilePage.objects.filter(file=file).values_list("number", "text")) == first
    assert FilePage.objects.filter(file=file).count() == 3


def test_stored_bytes_are_never_changed():
    file = stored_file(builders.scanned_pdf(page_count=2), file_name="scan.pdf")
    before = disk_sha256(file)

    file_extract(file_id=file.pk)

    file.refresh_from_db()
    assert disk_sha256(file) == before == file.sha256
    assert file.extraction_state == ExtractionState.NEEDS_OCR
    assert "ocrmypdf" in file.extraction_reason


def test_missing_bytes_on_disk_fail_with_a_reason():
    file = stored_file(builders.text_pdf(["Text"]))
    os.remove(file.content.path)

    result = file_extract(file_id=file.pk)

    file.refresh_from_db()
    assert result.state == "failed"
    assert file.extraction_state == ExtractionState.FAILED
    assert "nicht gefunden" in file.extraction_reason
    assert not file.pages.exists()


def test_a_failed_run_clears_pages_of_an_earlier_one():
    file = stored_file(builders.text_pdf(["Alter Text"]))
    file_extract(file_id=file.pk)
    os.remove(file.content.path)

    file_extract(file_id=file.pk)

    file.refresh_from_db()
    assert (file.text, file.pages.count()) == ("", 0)


def test_type_is_taken_from_the_content_not_the_name():
    file = stored_file(builders.png_bytes(), file_name="vorlage.pdf", mime_type="application/pdf")

    file_extract(file_id=file.pk)

    file.refresh_from_db()
    assert file.mime_type == "image/png"
    assert file.extraction_state == ExtractionState.NEEDS_OCR


def test_zero_byte_upload_is_stored_and_flagged_empty():
    file = stored_file(b"", file_name="leer.pdf")

    file_extract(file_id=file.pk)

    file.refresh_from_db()
    assert file.extraction_state == ExtractionState.FAILED
    assert file.extraction_reason.startswith("Die Datei ist leer.")
    assert file.content.size == 0


def test_zip_bomb_fails_alone_and_the_next_file_is_still_read(tmp_path):
    bomb = builders.docx_zip_bomb(tmp_path / "bombe.docx", megabytes=300).read_bytes()
    bad = stored_file(bomb, file_name="bombe.docx")
    good = stored_file(
        builders.text_pdf(["Haushaltssatzung der Stadt für 2026"]), file_name="satzung.pdf"
    )

    file_extract(file_id=bad.pk)
    file_extract(file_id=good.pk)

    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.extraction_state == ExtractionState.FAILED
    assert "ZIP-Bombe" in bad.extraction_reason
    assert good.extraction_state == ExtractionState.DONE


def test_progress_is_passed_on_and_recorded():
    file = stored_file(builders.long_pdf(40))
    calls = []

    file_extract(file_id=file.pk, progress=lambda done, total: calls.append((done, total)))

    file.refresh_from_db()
    assert calls[-1] == (40, 40)
    assert (file.pages_done, file.page_count) == (40, 40)


def test_docx_is_one_page_without_page_count(tmp_path):
    data = builders.docx_document(tmp_path / "a.docx").read_bytes()
    file = stored_file(data, file_name="anlage.docx")

    file_extract(file_id=file.pk)

    file.refresh_from_db()
    assert file.page_count is None
    assert list(file.pages.values_list("number", flat=True)) == [1]
    assert "Fußzeile" in file.text


def test_unknown_file_raises_does_not_exist():
    with pytest.raises(File.DoesNotExist):
        file_extract(file_id=999_999)


def test_queue_handler_extracts_the_file_of_its_payload():
    tasks = pytest.importorskip("documents.tasks")
    file = stored_file(builders.text_pdf(["Bebauungsplan Nr. 12 Gewerbegebiet Nord"]))
    calls = []

    tasks.extract_file({"file_id": file.pk}, lambda done, total: calls.append((done, total)))

    file.refresh_from_db()
    assert file.extraction_state == ExtractionState.DONE
    assert calls == [(1, 1)]
