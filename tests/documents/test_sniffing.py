"""The type of a file comes from its bytes, and its stored name is safe (documents/sniffing.py)."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest

from documents.sniffing import (
    DOCX,
    OCTET_STREAM,
    ODT,
    PDF,
    PNG,
    TEXT,
    detect_type,
    safe_file_name,
)
from tests.documents import builders


def sniff(data: bytes) -> str:
    return detect_type(io.BytesIO(data)).mime


def test_pdf_is_recognised_by_its_header():
    assert sniff(builders.text_pdf(["Hallo"])) == PDF


def test_pdf_header_after_leading_junk_within_1024_bytes_counts():
    assert sniff(b"\r\n" * 100 + b"%PDF-1.4\n") == PDF


def test_png_named_pdf_is_a_png(tmp_path):
    path = tmp_path / "vorlage.pdf"
    path.write_bytes(builders.png_bytes())

    detected = detect_type(path)

    assert (detected.mime, detected.extension) == (PNG, "png")


def test_jpeg_and_tiff_magic():
    assert sniff(b"\xff\xd8\xff\xe0" + b"\0" * 20) == "image/jpeg"
    assert sniff(b"II*\x00" + b"\0" * 20) == "image/tiff"


def test_docx_is_a_zip_with_document_part_and_content_types(tmp_path):
    path = builders.docx_document(tmp_path / "anlage.bin")

    assert detect_type(path).mime == DOCX


def test_zip_without_word_parts_is_not_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")

    assert sniff(buffer.getvalue()) == OCTET_STREAM


def test_odt_is_recognised_by_its_mimetype_entry(tmp_path):
    path = builders.odt_document(tmp_path / "antrag.zip")

    assert detect_type(path).mime == ODT


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_german_plain_text_is_text(encoding):
    assert sniff("Sehr geehrte Damen und Herren, Grüße aus Köln".encode(encoding)) == TEXT


def test_bytes_with_nul_are_not_text():
    assert sniff(b"abc\x00def") == OCTET_STREAM


def test_empty_file_is_octet_stream():
    assert sniff(b"") == OCTET_STREAM


def test_truncated_zip_is_octet_stream(tmp_path):
    data = builders.docx_document(tmp_path / "a.docx").read_bytes()

    assert sniff(data[:100]) == OCTET_STREAM


def test_detection_leaves_the_file_position_alone():
    handle = io.BytesIO(b"%PDF-1.7\n")
    handle.seek(3)

    detect_type(handle)

    assert handle.tell() == 3


def test_safe_name_strips_directories_of_both_kinds_and_keeps_umlauts():
    assert safe_file_name("..\\..\\etc/Ämter\\Übersicht Größe.pdf") == "Übersicht Größe.pdf"


def test_safe_name_is_nfc_normalised():
    decomposed = unicodedata.normalize("NFD", "Bürgerhaus.pdf")

    assert safe_file_name(decomposed) == unicodedata.normalize("NFC", "Bürgerhaus.pdf")


def test_safe_name_drops_control_characters_and_leading_dots():
    assert safe_file_name("..\x00\x1b.versteckt\n.docx") == "versteckt.docx"


def test_safe_name_is_limited_and_keeps_the_extension():
    name = safe_file_name("ä" * 500 + ".pdf")

    assert len(name) == 200
    assert name.endswith("ä.pdf")


@pytest.mark.parametrize("name", ["", "   ", "../", "...", "a/b/"])
def test_safe_name_falls_back_for_nothing_left(name):
    assert safe_file_name(name) == "datei"
