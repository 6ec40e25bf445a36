"""Text extraction from stored files. `extract` never raises for bad input: every file ends in
a state (done, needs_ocr, failed) with a reason a clerk can act on."""

from __future__ import annotations

import logging
from pathlib import Path

from django.utils.translation import gettext as _

from documents import sniffing
from documents.extraction.docx import extract_docx
from documents.extraction.odt import extract_odt
from documents.extraction.pdf import extract_pdf
from documents.extraction.result import (
    DONE,
    FAILED,
    NEEDS_OCR,
    ExtractionResult,
    Progress,
    failed,
)
from documents.extraction.text import extract_text_file

__all__ = ["DONE", "FAILED", "NEEDS_OCR", "ExtractionResult", "Progress", "extract"]

logger = logging.getLogger(__name__)

EXTRACTORS = {
    sniffing.PDF: extract_pdf,
    sniffing.DOCX: extract_docx,
    sniffing.ODT: extract_odt,
    sniffing.TEXT: extract_text_file,
}
IMAGES = {sniffing.PNG, sniffing.JPEG, sniffing.TIFF}


def empty_reason() -> str:
    return _("Die Datei ist leer. Bitte laden Sie die vollständige Datei erneut hoch.")


def extract(*, path: Path, mime: str, progress: Progress | None = None) -> ExtractionResult:
    """The text of the file at `path`, whose type `mime` was sniffed from its content."""
    try:
        if path.stat().st_size == 0:
            return failed(empty_reason())
        extractor = EXTRACTORS.get(mime)
        if extractor is not None:
            return extractor(path=path, progress=progress)
        label = sniffing.TYPES.get(mime, sniffing.TYPES[sniffing.OCTET_STREAM]).label
        if mime in IMAGES:
            return ExtractionResult(
                state=NEEDS_OCR,
                reason=_(
                    "Die Datei ist ein Bild (%(type)s) ohne Textebene; ihr Text ist nicht "
                    "durchsuchbar. Bitte scannen Sie das Dokument als durchsuchbares PDF oder "
                    "laden Sie ein PDF mit Text hoch."
                )
                % {"type": label},
            )
        return failed(
            _(
                "Aus Dateien dieses Typs (%(type)s) wird kein Text gelesen; die Datei ist "
                "gespeichert, aber nicht durchsuchbar. Lesbar sind PDF, DOCX, ODT und Text. "
                "Bitte wandeln Sie die Datei in PDF um, wenn ihr Text gefunden werden soll."
            )
            % {"type": label}
        )
    except FileNotFoundError:
        return failed(missing_reason())
    except Exception:  # the worker must survive any file; the reason says what to do
        logger.exception("Text extraction of %s (%s) failed", path, mime)
        return failed(
            _(
                "Der Text der Datei konnte wegen eines unerwarteten Fehlers nicht gelesen "
                "werden. Bitte laden Sie die Datei erneut hoch oder wandeln Sie sie in PDF um."
            )
        )


def missing_reason() -> str:
    return _(
        "Die gespeicherte Datei wurde nicht gefunden. Bitte laden Sie sie erneut hoch; "
        "besteht das Problem weiter, wenden Sie sich an die Systembetreuung."
    )
