"""What a file is, decided from its bytes (never from its name), and a name safe to store."""

from __future__ import annotations

import os
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

HEAD_BYTES = 8192
PDF_MAGIC_WINDOW = 1024
SAFE_NAME_MAX_LENGTH = 200
FALLBACK_NAME = "datei"

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
TEXT = "text/plain"
OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class DetectedType:
    mime: str
    label: str
    extension: str


TYPES = {
    PDF: DetectedType(PDF, "PDF", "pdf"),
    DOCX: DetectedType(DOCX, "Word (DOCX)", "docx"),
    XLSX: DetectedType(XLSX, "Excel (XLSX)", "xlsx"),
    PPTX: DetectedType(PPTX, "PowerPoint (PPTX)", "pptx"),
    ODT: DetectedType(ODT, "OpenDocument-Text (ODT)", "odt"),
    PNG: DetectedType(PNG, "PNG-Bild", "png"),
    JPEG: DetectedType(JPEG, "JPEG-Bild", "jpg"),
    TIFF: DetectedType(TIFF, "TIFF-Bild", "tif"),
    TEXT: DetectedType(TEXT, "Text", "txt"),
    OCTET_STREAM: DetectedType(OCTET_STREAM, "unbekannter Dateityp", "bin"),
}

# Office Open XML packages differ only in the part that holds the main content.
OOXML_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}


def detect_type(source: Path | str | IO[bytes]) -> DetectedType:
    """The type of a file (a path or a seekable binary file object) judged by its content."""
    if isinstance(source, Path | str):
        with open(source, "rb") as handle:
            return _detect(handle)
    position = source.tell()
    try:
        return _detect(source)
    finally:
        source.seek(position)


def _detect(handle: IO[bytes]) -> DetectedType:
    handle.seek(0)
    head = handle.read(HEAD_BYTES)
    if b"%PDF-" in head[:PDF_MAGIC_WINDOW]:
        return TYPES[PDF]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return TYPES[PNG]
    if head.startswith(b"\xff\xd8\xff"):
        return TYPES[JPEG]
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TYPES[TIFF]
    if head.startswith(b"PK\x03\x04"):
        return TYPES[_zip_type(handle)]
    if head and _is_text(handle):
        return TYPES[TEXT]
    return TYPES[OCTET_STREAM]


def _zip_type(handle: IO[bytes]) -> str:
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" in names:
                for part, mime in OOXML_MAIN_PARTS.items():
                    if part in names:
                        return mime
            # ODF requires `mimetype` as the first, uncompressed entry.
            first = entries[0] if entries else None
            if first and first.filename == "mimetype" and first.file_size < 200:
                return ODT if archive.read(first).strip() == ODT.encode() else OCTET_STREAM
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        # A damaged archive is no document type we know; extraction reports it as unreadable.
        return OCTET_STREAM
    return OCTET_STREAM


def _is_text(handle: IO[bytes]) -> bool:
    """No NUL bytes and decodable as UTF-8 or Windows-1252, judged on the first megabyte."""
    handle.seek(0)
    sample = handle.read(1024 * 1024)
    if b"\x00" in sample:
        return False
    try:
        # A multi-byte character may be cut at the end of the sample.
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as error:
        if error.start >= len(sample) - 3 and len(sample) == 1024 * 1024:
            return True
    try:
        decoded = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False
    controls = sum(1 for char in decoded if ord(char) < 32 and char not in "\t\n\r\f")
    return controls <= len(decoded) // 100


def safe_file_name(name: str) -> str:
    """A file name without directories, control characters or leading dots, NFC-normalised,
    at most SAFE_NAME_MAX_LENGTH characters with its extension kept; "datei" if nothing is left."""
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if not name:
        return FALLBACK_NAME
    if len(name) > SAFE_NAME_MAX_LENGTH:
        stem, extension = os.path.splitext(name)
        if len(extension) > 20:
            extension = ""
        name = stem[: SAFE_NAME_MAX_LENGTH - len(extension)].rstrip() + extension
    return name
