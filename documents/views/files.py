"""File downloads: every file goes through the visibility rule, then out as the bytes stored."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import IO

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from documents.downloads import (
    RangeNotSatisfiable,
    byte_range,
    content_disposition,
    content_type_of,
    download_name,
    searchable_name,
    shown_inline,
)
from documents.selectors.files import file_get_for_user, file_version_get_for_editor

logger = logging.getLogger(__name__)


@require_safe
def file_download(request: HttpRequest, pk: int, filename: str) -> HttpResponseBase:
    file = file_get_for_user(user=request.user, file_id=pk)
    # `?durchsuchbar=1`: the copy with a text layer that OCR made of a scan.
    searchable = request.GET.get("durchsuchbar") == "1"
    if searchable and not file.searchable_content:
        raise Http404("no searchable copy")
    stored = file.searchable_content if searchable else file.content
    content_type = "application/pdf" if searchable else content_type_of(file)
    name = searchable_name(file) if searchable else download_name(file)
    # The checksum names the original's bytes; the searchable copy is identified by its own.
    etag = f"ocr-{file.sha256}" if searchable else file.sha256
    inline = request.GET.get("inline") == "1" and (searchable or shown_inline(file))
    try:
        stream = stored.open("rb")
        size = stored.size if searchable else (file.size or stored.size)
    except (FileNotFoundError, ValueError, OSError):
        logger.error("Datei %s (%s) fehlt im Speicher: %s", file.pk, file.file_name, stored.name)
        return render(request, "documents/file_missing.html", {"file": file}, status=404)
    response = _ranged_response(request, stream, size, etag)
    if response is None:
        response = FileResponse(stream, content_type=content_type)
    response["Content-Type"] = content_type
    response["Content-Disposition"] = content_disposition(name, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Accept-Ranges"] = "bytes"
    if file.sha256:
        # A replaced file gets a new checksum, so a client's partial copy is never mixed.
        response["ETag"] = f'"{etag}"'
    if request.user.is_authenticated:
        # What a member may see must not land in a shared cache.
        patch_cache_control(response, private=True)
    return response


CHUNK = 64 * 1024


def _ranged_response(
    request: HttpRequest, stream: IO[bytes], size: int, sha256: str
) -> HttpResponseBase | None:
    """A 206 answer with the requested bytes (browsers' PDF viewers fetch large files in
    pieces), a 416 for a range past the end, or None for the whole file."""
    header = request.headers.get("Range", "")
    if not header:
        return None
    if_range = request.headers.get("If-Range", "")
    if if_range and if_range.strip().strip('"') != sha256:
        # The client's copy is of another version: it gets the whole file.
        return None
    try:
        chosen = byte_range(header, size)
    except RangeNotSatisfiable:
        stream.close()
        refusal = HttpResponse(status=416)
        refusal["Content-Range"] = f"bytes */{size}"
        return refusal
    if chosen is None:
        return None
    first, last = chosen
    stream.seek(first)
    partial = StreamingHttpResponse(_read_slice(stream, last - first + 1), status=206)
    partial["Content-Length"] = str(last - first + 1)
    partial["Content-Range"] = f"bytes {first}-{last}/{size}"
    return partial


def _read_slice(stream: IO[bytes], length: int) -> Iterator[bytes]:
    try:
        while length > 0:
            chunk = stream.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        stream.close()


@require_safe
def file_version_download(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    """An earlier upload of a file, for the clerks who may edit it (the admin links here)."""
    version = file_version_get_for_editor(user=request.user, file_id=pk, number=number)
    try:
        stream = version.content.open("rb")
    except (FileNotFoundError, ValueError, OSError):
        logger.error("Fassung %s von Datei %s fehlt im Speicher", number, pk)
        return render(request, "documents/file_missing.html", {"file": version}, status=404)
    response = FileResponse(stream, content_type=version.mime_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition(version.file_name, inline=False)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True)
    return response
