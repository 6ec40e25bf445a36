"""PDF text per page with pypdf; scanned files go to OCR or are flagged."""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from documents.extraction import ocr
from documents.extraction.result import (
    DONE,
    NEEDS_OCR,
    ExtractionResult,
    Progress,
    clean_text,
    failed,
)

logger = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 5000
# A page with fewer characters than this (spaces not counted) has no usable text layer:
# scanners often add a page number or a stamp as text.
MIN_CHARACTERS_PER_PAGE = 20
SCANNED_SHARE = 0.8


def broken_reason() -> str:
    return _(
        "Die PDF-Datei ist beschädigt oder unvollständig (zum Beispiel beim Hochladen "
        "abgebrochen) und kann nicht gelesen werden. Bitte laden Sie die Datei erneut hoch "
        "oder speichern Sie sie neu als PDF."
    )


def password_reason() -> str:
    return _(
        "Die PDF-Datei ist mit einem Passwort geschützt. Bitte laden Sie eine Fassung ohne "
        "Kennwort hoch."
    )


def extract_pdf(*, path: Path, progress: Progress | None = None) -> ExtractionResult:
    result = _read_pages(path=path, progress=progress)
    if result.state != DONE or not _looks_scanned(result.pages):
        return result
    executable = ocr.ocr_executable()
    if executable is None:
        return ExtractionResult(
            state=NEEDS_OCR,
            pages=result.pages,
            page_count=result.page_count,
            reason=ocr.missing_reason(),
        )
    return _extract_with_ocr(executable=executable, path=path, scanned=result, progress=progress)


def _read_pages(*, path: Path, progress: Progress | None) -> ExtractionResult:
    try:
        reader = PdfReader(path, strict=False)
        # Many PDFs are "encrypted" only to restrict printing: the user password is empty.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            return failed(password_reason())
        page_count = len(reader.pages)
    except (FileNotDecryptedError, DependencyError, NotImplementedError) as error:
        logger.warning("PDF %s: encryption not supported: %s", path, error)
        return failed(password_reason())
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
    ) as error:
        # Broken input is expected here, so no traceback in the log.
        logger.warning("PDF %s cannot be opened: %r", path, error)
        return failed(broken_reason())
    except RecursionError:
        logger.warning("PDF %s has a cyclic structure", path)
        return failed(broken_reason())
    max_pages = getattr(settings, "EXTRACTION_MAX_PAGES", DEFAULT_MAX_PAGES)
    if page_count > max_pages:
        return failed(
            _(
                "Die PDF-Datei hat %(count)s Seiten; gelesen werden höchstens %(max)s. Die Datei "
                "ist gespeichert, aber ihr Text ist nicht durchsuchbar. Bitte teilen Sie sie in "
                "kleinere Dateien auf und laden Sie diese einzeln hoch."
            )
            % {"count": page_count, "max": max_pages},
            page_count=page_count,
        )
    if page_count == 0:
        return failed(broken_reason(), page_count=0)
    pages: list[str] = []
    unreadable: list[int] = []
    for number in range(1, page_count + 1):
        try:
            text = reader.pages[number - 1].extract_text() or ""
        except Exception as error:  # one bad page must not cost the others
            logger.warning("PDF %s: page %d unreadable: %r", path, number, error)
            text = ""
            unreadable.append(number)
        pages.append(clean_text(text))
        if progress:
            progress(number, page_count)
    if len(unreadable) == page_count:
        return failed(broken_reason(), page_count=page_count)
    reason = ""
    if unreadable:
        reason = ngettext(
            "Seite %(pages)s ist beschädigt; ihr Text fehlt. Alle anderen Seiten sind gelesen.",
            "Die Seiten %(pages)s sind beschädigt; ihr Text fehlt. Alle anderen Seiten sind "
            "gelesen.",
            len(unreadable),
        ) % {"pages": ", ".join(str(number) for number in unreadable[:20])}
    return ExtractionResult(state=DONE, pages=pages, page_count=page_count, reason=reason)


def _looks_scanned(pages: list[str]) -> bool:
    empty = sum(1 for text in pages if len("".join(text.split())) < MIN_CHARACTERS_PER_PAGE)
    return bool(pages) and empty >= SCANNED_SHARE * len(pages)


def _extract_with_ocr(
    *, executable: str, path: Path, scanned: ExtractionResult, progress: Progress | None
) -> ExtractionResult:
    handle, name = tempfile.mkstemp(prefix="ratsinfo-ocr-", suffix=".pdf")
    os.close(handle)
    target = Path(name)
    try:
        ocr.ocr_pdf(executable=executable, source=path, target=target)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        logger.warning("OCR of %s failed", path, exc_info=True)
        target.unlink(missing_ok=True)
        return ExtractionResult(
            state=NEEDS_OCR,
            pages=scanned.pages,
            page_count=scanned.page_count,
            reason=_(
                "Die Datei enthält gescannte Seiten ohne Text, und die Texterkennung (OCR) "
                "ist fehlgeschlagen. Bitte laden Sie eine bessere Scan-Fassung oder ein PDF "
                "mit Text hoch."
            ),
        )
    result = _read_pages(path=target, progress=progress)
    if result.state == DONE and _looks_scanned(result.pages):
        target.unlink(missing_ok=True)
        return ExtractionResult(
            state=NEEDS_OCR,
            pages=result.pages,
            page_count=result.page_count,
            reason=_(
                "Die Texterkennung (OCR) hat auf den gescannten Seiten kaum Text gefunden. "
                "Bitte prüfen Sie die Scan-Qualität oder laden Sie ein PDF mit Text hoch."
            ),
        )
    if result.state != DONE:
        target.unlink(missing_ok=True)
        return result
    return replace(result, searchable_pdf=target)
