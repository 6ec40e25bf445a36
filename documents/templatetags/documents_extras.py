"""Template filters of the public pages: file addresses and sizes."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from documents.downloads import download_name, shown_inline
from documents.models import File

register = template.Library()

KILOBYTE = 1000
MEGABYTE = 1000 * 1000


@register.filter
def file_url(file: File) -> str:
    """The download address of a file, ending in its file name."""
    return reverse("file-download", args=[file.pk, download_name(file)])


@register.filter
def file_viewable(file: File) -> bool:
    """Whether the page offers „Anzeigen“ (the browser shows the file itself)."""
    return shown_inline(file)


@register.filter
def file_size(size: int | None) -> str:
    """A size in bytes as people read it: „850 kB“, „1,4 MB“ (SI units, as browsers show)."""
    if not size:
        return ""
    if size < KILOBYTE:
        return _("%(size)s Byte") % {"size": size}
    if size < MEGABYTE:
        return _("%(size)s kB") % {"size": number_format(max(1, round(size / KILOBYTE)))}
    megabytes = (Decimal(size) / MEGABYTE).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return _("%(size)s MB") % {"size": number_format(megabytes, decimal_pos=1)}


@register.filter
def file_kind(file: File) -> str:
    """A short name of the file type („PDF“, „DOCX“), from the stored type or the name."""
    known = {
        "application/pdf": "PDF",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
        "application/msword": "DOC",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
        "application/vnd.ms-excel": "XLS",
        "application/vnd.oasis.opendocument.text": "ODT",
        "image/png": "PNG",
        "image/jpeg": "JPEG",
        "text/plain": _("Text"),
    }
    kind = known.get(file.mime_type.strip().lower())
    if kind:
        return kind
    _stem, dot, extension = file.file_name.rpartition(".")
    return extension.upper() if dot and extension else _("Datei")
