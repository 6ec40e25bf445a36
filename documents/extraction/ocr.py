"""Optional OCR of scanned PDFs with ocrmypdf (extra `[ocr]`, Debian: ocrmypdf
tesseract-ocr-deu). Without it, scanned files are flagged instead of read."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

OCR_TIMEOUT_SECONDS = 30 * 60


def missing_reason() -> str:
    return _(
        "Die Datei enthält gescannte Seiten ohne Text. Für die Texterkennung (OCR) muss "
        "ocrmypdf mit dem deutschen Sprachpaket installiert sein (Debian: ocrmypdf "
        "tesseract-ocr-deu)."
    )


def ocr_executable() -> str | None:
    return shutil.which("ocrmypdf")


def ocr_pdf(*, executable: str, source: Path, target: Path) -> None:
    """Write a copy of `source` with a text layer to `target`; the source is left untouched.

    Raises subprocess.CalledProcessError or subprocess.TimeoutExpired."""
    timeout = getattr(settings, "EXTRACTION_OCR_TIMEOUT_SECONDS", OCR_TIMEOUT_SECONDS)
    # The arguments are a path found by shutil.which and two paths we chose; no shell.
    subprocess.run(  # noqa: S603
        [executable, "-l", "deu", "--skip-text", "--quiet", str(source), str(target)],
        check=True,
        capture_output=True,
        timeout=timeout,
    )
