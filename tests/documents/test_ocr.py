"""Scanned paper becomes searchable text: the real ocrmypdf with tesseract's German model
(Debian packages, installed by `make test`)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from documents.extraction import DONE, extract
from documents.models import ExtractionState, File
from documents.services import file_upload
from ratsinfo.models import Body, User
from tests.factories import PaperFactory

LINES = ["Stadt Musterstadt", "Beschluss des Rates", "Bebauungsplan Nr. 47", "Satzung beschlossen"]


def _ocr_available() -> bool:
    if shutil.which("ocrmypdf") is None or shutil.which("tesseract") is None:
        return False
    langs = subprocess.run(  # noqa: S603 - fixed program and arguments
        [shutil.which("tesseract") or "tesseract", "--list-langs"],
        capture_output=True,
        text=True,
        check=False,
    )
    return "deu" in langs.stdout.split()


@pytest.fixture(autouse=True)
def _require_ocr() -> None:
    if _ocr_available():
        return
    message = "needs ocrmypdf and tesseract-ocr-deu (make test installs them)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def scanned_page() -> bytes:
    """A page as a scanner makes it: an A4 image at 200 dpi, no text layer."""
    image = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=56)
    for index, line in enumerate(LINES):
        draw.text((150, 150 + index * 140), line, fill=0, font=font)
    png = io.BytesIO()
    image.save(png, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(png.getvalue()), x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


def test_scanned_pdf_is_read_by_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_page())

    result = extract(path=path, mime="application/pdf")
    assert result.searchable_pdf is not None
    result.searchable_pdf.unlink()

    assert result.state == DONE
    assert result.page_count == 1
    for line in LINES:
        assert line in result.pages[0]


@pytest.mark.django_db
def test_uploaded_scan_becomes_text_of_page_one_and_keeps_its_bytes(
    clerk: User, body: Body
) -> None:
    scan = scanned_page()
    paper = PaperFactory(body=body)
    file = file_upload(user=clerk, paper=paper, upload=SimpleUploadedFile("scan.pdf", scan))

    call_command("run_worker", "--once", "--verbosity", "0", stdout=io.StringIO())

    file = File.objects.get(pk=file.pk)
    assert file.extraction_state == ExtractionState.DONE
    assert "Bebauungsplan Nr. 47" in file.pages.get(number=1).text
    with file.content.open("rb") as stored:
        assert stored.read() == scan


@pytest.mark.django_db
def test_ocr_adds_a_searchable_copy_and_the_original_stays(
    client: Any, clerk: User, body: Body
) -> None:
    scan = scanned_page()
    paper = PaperFactory(body=body)
    file = file_upload(
        user=clerk, paper=paper, upload=SimpleUploadedFile("Scan Bürgerantrag.pdf", scan)
    )

    call_command("run_worker", "--once", "--verbosity", "0", stdout=io.StringIO())

    file = File.objects.get(pk=file.pk)
    url = reverse("file-download", args=[file.pk, file.file_name])
    original = client.get(url)
    searchable = client.get(url + "?durchsuchbar=1")
    assert b"".join(original.streaming_content) == scan
    copy = b"".join(searchable.streaming_content)
    assert copy != scan and copy.startswith(b"%PDF")
    assert "Bebauungsplan" in (PdfReader(io.BytesIO(copy)).pages[0].extract_text() or "")
    assert "durchsuchbar" in searchable["Content-Disposition"]
    assert (
        "Durchsuchbare Fassung"
        in client.get(reverse("paper-detail", args=[paper.pk])).content.decode()
    )


@pytest.mark.django_db
def test_files_without_ocr_have_no_searchable_copy(client: Any, clerk: User, body: Body) -> None:
    paper = PaperFactory(body=body)
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 6, "Beschlussvorlage mit Textebene, die keine Texterkennung braucht. " * 5)
    file = file_upload(
        user=clerk, paper=paper, upload=SimpleUploadedFile("t.pdf", bytes(pdf.output()))
    )

    call_command("run_worker", "--once", "--verbosity", "0", stdout=io.StringIO())

    url = reverse("file-download", args=[file.pk, file.file_name])
    assert client.get(url + "?durchsuchbar=1").status_code == 404
