"""How files leave the site: which types the browser may show itself, and the download
headers (RFC 6266)."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from documents.models import File

# Only these are shown in the browser; anything else (HTML, SVG, scripts) is always downloaded,
# so that an uploaded file can never run as a page of this site.
INLINE_TYPES = frozenset(
    {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain"}
)
FALLBACK_TYPE = "application/octet-stream"
_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def content_type_of(file: File) -> str:
    """The stored type, or the neutral binary type when none was recorded."""
    return file.mime_type.strip().lower() or FALLBACK_TYPE


def shown_inline(file: File) -> bool:
    """Whether the browser may show the file itself (its PDF viewer, an image)."""
    return content_type_of(file) in INLINE_TYPES


def download_name(file: File) -> str:
    """The name a download is saved under, safe as the last part of a URL path."""
    # A slash would end the path segment; an empty name would not match the route at all.
    name = file.file_name.replace("/", "_").replace("\\", "_").strip()
    return name or f"datei-{file.pk}"


def searchable_name(file: File) -> str:
    """The download name of the searchable copy OCR made: „Scan (durchsuchbar).pdf“."""
    stem, dot, _extension = download_name(file).rpartition(".")
    return f"{stem if dot else download_name(file)} (durchsuchbar).pdf"


def content_disposition(filename: str, *, inline: bool) -> str:
    """The header of RFC 6266: an ASCII `filename` for old clients and the exact name in UTF-8
    as `filename*` (RFC 5987), so „Stellungnahme Bürgerverein.pdf“ keeps its umlaut."""
    disposition = "inline" if inline else "attachment"
    ascii_name = ascii_filename(filename)
    header = f'{disposition}; filename="{ascii_name}"'
    if ascii_name != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def ascii_filename(filename: str) -> str:
    """A plain ASCII stand-in for a file name: umlauts spelled out, other marks dropped,
    quotes, backslashes and control characters replaced."""
    decomposed = unicodedata.normalize("NFKD", filename.translate(_TRANSLITERATION))
    ascii_name = decomposed.encode("ascii", "ignore").decode("ascii")
    cleaned = "".join(
        "_" if char in '"\\' or not char.isprintable() else char for char in ascii_name
    )
    # rpartition: without a dot, the whole name lands in `extension`.
    stem, dot, extension = cleaned.strip().rpartition(".")
    if not dot:
        return extension or "datei"
    return f"{stem.strip() or 'datei'}.{extension}"


class RangeNotSatisfiable(Exception):
    """The client asked for bytes beyond the end of the file (answered with 416)."""


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one byte range `Range: bytes=…` asks for, as (first, last) inclusive, or None when
    the whole file is to be sent: no header, another unit, several ranges or a malformed one
    (RFC 9110 §14.2 lets a server ignore those). Raises RangeNotSatisfiable for a range that
    starts past the end."""
    unit, _eq, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or not spec or "," in spec:
        return None
    first_text, dash, last_text = spec.strip().partition("-")
    if not dash:
        return None
    try:
        if first_text == "":
            # A suffix range: the last N bytes.
            suffix = int(last_text)
            if suffix <= 0:
                raise RangeNotSatisfiable
            return max(0, size - suffix), size - 1
        first = int(first_text)
        last = int(last_text) if last_text else size - 1
    except ValueError:
        return None
    if first >= size:
        raise RangeNotSatisfiable
    if first < 0 or last < first:
        return None
    return first, min(last, size - 1)
