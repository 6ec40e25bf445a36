"""Text extraction ends every file, good or bad, in a state with a reason
(documents/extraction/). Every file is built here; none is checked in."""

from __future__ import annotations

import os
from pathlib import Path

import pypdf
import pytest

from documents.extraction import DONE, FAILED, NEEDS_OCR, extract, ocr
from documents.extraction.pdf import broken_reason, password_reason
from documents.sniffing import detect_type
from tests.documents import builders

OCR_MISSING = (
    "Die Datei enthält gescannte Seiten ohne Text. Für die Texterkennung (OCR) muss ocrmypdf "
    "mit dem deutschen Sprachpaket installiert sein (Debian: ocrmypdf tesseract-ocr-deu)."
)


@pytest.fixture(autouse=True)
def _no_ocr(monkeypatch):
    """Tests do not depend on whether the machine has ocrmypdf."""
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run(path: Path, progress=None):
    return extract(path=path, mime=detect_type(path).mime, progress=progress)


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_text_is_read_per_page(tmp_path):
    path = write(
        tmp_path,
        "vorlage.pdf",
        builders.text_pdf(
            ["Radweg Lindenallee Ausbau", "Kostenschätzung Straßenbau", "Beschlussvorschlag"]
        ),
    )
    calls = []

    result = run(path, progress=lambda done, total: calls.append((done, total)))

    assert result.state == DONE
    assert result.page_count == 3
    assert "Lindenallee" in result.pages[0]
    assert "Kostenschätzung Straßenbau" in result.pages[1]
    assert "Beschlussvorschlag" in result.pages[2]
    assert result.reason == ""
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_scanned_pdf_needs_ocr_with_explanation_when_ocrmypdf_is_missing(tmp_path):
    path = write(tmp_path, "scan.pdf", builders.scanned_pdf(page_count=3))

    result = run(path)

    assert result.state == NEEDS_OCR
    assert result.page_count == 3
    assert result.reason == OCR_MISSING


def test_blank_pages_count_as_scanned(tmp_path):
    writer = pypdf.PdfWriter()
    for _ in range(5):
        writer.add_blank_page(width=595, height=842)
    path = tmp_path / "leer.pdf"
    writer.write(path)

    assert run(path).state == NEEDS_OCR


def test_scanned_pdf_is_read_through_ocr_when_ocrmypdf_is_installed(tmp_path, monkeypatch):
    path = write(tmp_path, "scan.pdf", builders.scanned_pdf(page_count=2))
    original = path.read_bytes()
    calls = []

    def fake_ocr(*, executable, source, target):
        calls.append((executable, source))
        target.write_bytes(builders.text_pdf(["Erkannter Text Seite eins", "Seite zwei erkannt"]))

    monkeypatch.setattr(ocr.shutil, "which", lambda name: "/usr/bin/ocrmypdf")
    monkeypatch.setattr(ocr, "ocr_pdf", fake_ocr)

    result = run(path)

    assert result.state == DONE
    assert "Erkannter Text" in result.pages[0]
    assert calls == [("/usr/bin/ocrmypdf", path)]
    assert path.read_bytes() == original


def test_ocr_command_uses_german_and_skips_pages_with_text(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(ocr.subprocess, "run", lambda args, **kwargs: seen.append(args))

    ocr.ocr_pdf(executable="/usr/bin/ocrmypdf", source=tmp_path / "a.pdf", target=tmp_path / "b")

    assert seen[0][:4] == ["/usr/bin/ocrmypdf", "-l", "deu", "--skip-text"]


def test_truncated_pdf_fails_with_a_reason_and_no_traceback(tmp_path):
    data = builders.text_pdf(["Erste Seite " * 10, "Zweite Seite " * 10])
    path = write(tmp_path, "abgebrochen.pdf", data[: len(data) // 2])

    result = run(path)

    assert result.state == FAILED
    assert result.reason == broken_reason()
    assert "Traceback" not in result.reason
    assert "erneut hoch" in result.reason


def test_garbage_after_pdf_header_fails(tmp_path):
    path = write(tmp_path, "kaputt.pdf", b"%PDF-1.7\n" + os.urandom(4000))

    result = run(path)

    assert (result.state, result.reason) == (FAILED, broken_reason())


def test_pdf_with_user_password_fails_with_password_message(tmp_path):
    path = write(tmp_path, "geheim.pdf", builders.encrypted_pdf(user_password="geheim"))

    result = run(path)

    assert result.state == FAILED
    assert result.reason == (
        "Die PDF-Datei ist mit einem Passwort geschützt. Bitte laden Sie eine Fassung ohne "
        "Kennwort hoch."
    )
    assert result.reason == password_reason()


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path):
    path = write(tmp_path, "gesperrt.pdf", builders.encrypted_pdf(user_password=""))

    result = run(path)

    assert result.state == DONE
    assert "Vertrauliche Kostenschätzung" in result.pages[0]


def test_pdf_with_thousands_of_pages_is_read_with_progress(tmp_path):
    path = write(tmp_path, "haushalt.pdf", builders.long_pdf(3000))
    calls = []

    result = run(path, progress=lambda done, total: calls.append((done, total)))

    assert result.state == DONE
    assert result.page_count == 3000
    assert len(result.pages) == 3000
    assert "Teilergebnisplan" in result.pages[2999]
    assert len(calls) == 3000
    assert calls[-1] == (3000, 3000)


def test_pdf_beyond_the_page_limit_fails_with_a_clear_reason(tmp_path, settings):
    settings.EXTRACTION_MAX_PAGES = 100
    path = write(tmp_path, "zu-lang.pdf", builders.long_pdf(101))

    result = run(path)

    assert result.state == FAILED
    assert result.page_count == 101
    assert "101 Seiten" in result.reason
    assert "höchstens 100" in result.reason


def test_one_unreadable_page_does_not_cost_the_others(tmp_path, monkeypatch):
    path = write(tmp_path, "teils.pdf", builders.text_pdf(["Seite eins " * 5, "Seite zwei " * 5]))
    real_extract_text = pypdf.PageObject.extract_text
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("kaputter Inhaltsstrom")
        return real_extract_text(self, *args, **kwargs)

    monkeypatch.setattr(pypdf.PageObject, "extract_text", flaky)

    result = run(path)

    assert result.state == DONE
    assert result.pages[0] == ""
    assert "Seite zwei" in result.pages[1]
    assert result.reason.startswith("Seite 1 ist beschädigt")


# --- DOCX and ODT -----------------------------------------------------------------------------


def test_docx_paragraphs_table_header_and_footer_are_read_in_order(tmp_path):
    path = builders.docx_document(tmp_path / "anlage.docx")

    result = run(path)

    assert result.state == DONE
    assert result.page_count is None
    assert len(result.pages) == 1
    text = result.pages[0]
    for expected in (
        "Kopfzeile Stadt Musterstadt",
        "Beschlussvorlage Radweg",
        "Der Ausschuss beschließt den Ausbau.",
        "Asphalt\t12.500 €",
        "Fußzeile Seite 1",
    ):
        assert expected in text
    assert text.index("Ausbau.") < text.index("Asphalt") < text.index("Schlussabsatz")


def test_docx_zip_bomb_fails_before_parsing(tmp_path, monkeypatch):
    import docx

    path = builders.docx_zip_bomb(tmp_path / "bombe.docx", megabytes=300)
    monkeypatch.setattr(docx, "Document", lambda *a, **k: pytest.fail("parsed a zip bomb"))

    result = run(path)

    assert result.state == FAILED
    assert "ZIP-Bombe" in result.reason


def test_docx_with_broken_document_part_fails(tmp_path):
    import zipfile

    path = tmp_path / "kaputt.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", builders.DOCX_CONTENT_TYPES)
        archive.writestr("word/document.xml", "<w:document")

    result = run(path)

    assert result.state == FAILED
    assert "DOCX" in result.reason


def test_odt_headings_and_paragraphs_are_read(tmp_path):
    path = builders.odt_document(tmp_path / "antrag.odt")

    result = run(path)

    assert result.state == DONE
    assert result.pages == [
        "Antrag der Fraktion\nDie Verwaltung wird beauftragt,  zu prüfen.\nErster Punkt"
    ]


def test_odt_with_doctype_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "entity.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            '<!DOCTYPE x [<!ENTITY a "aaaa">]><x xmlns:text="t">&a;&a;</x>',
        )

    result = run(path)

    assert result.state == FAILED


# --- text, images, empty ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_plain_text_is_decoded(tmp_path, encoding):
    path = write(tmp_path, "notiz.txt", "Grüße aus der Straßenmeisterei".encode(encoding))

    result = run(path)

    assert (result.state, result.pages) == (DONE, ["Grüße aus der Straßenmeisterei"])


def test_png_named_pdf_is_treated_as_an_image(tmp_path):
    path = write(tmp_path, "vorlage.pdf", builders.png_bytes())

    result = run(path)

    assert result.state == NEEDS_OCR
    assert "Bild" in result.reason


def test_unknown_binary_fails_with_advice(tmp_path):
    path = write(tmp_path, "daten.pdf", b"\x00\x01\x02" * 100)

    result = run(path)

    assert result.state == FAILED
    assert "in PDF um" in result.reason


def test_empty_file_fails_as_empty(tmp_path):
    path = write(tmp_path, "leer.pdf", b"")

    result = run(path)

    assert result.state == FAILED
    assert result.reason.startswith("Die Datei ist leer.")


def test_unexpected_error_is_caught_at_the_boundary(tmp_path, monkeypatch):
    from documents import extraction

    def explode(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(extraction.EXTRACTORS, "text/plain", explode)
    path = write(tmp_path, "a.txt", b"Hallo Welt")

    result = run(path)

    assert result.state == FAILED
    assert "boom" not in result.reason
    assert "erneut hoch" in result.reason
