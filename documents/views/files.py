"""File downloads: every file goes through the visibility rule, then out as the bytes stored."""

from __future__ import annotations

import logging

from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from documents.downloads import (
    content_disposition,
    content_type_of,
    download_name,
    shown_inline,
)
from documents.selectors.files import file_get_for_user

logger = logging.getLogger(__name__)


@require_safe
def file_download(request: HttpRequest, pk: int, filename: str) -> HttpResponseBase:
    file = file_get_for_user(user=request.user, file_id=pk)
    inline = request.GET.get("inline") == "1" and shown_inline(file)
    try:
        stream = file.content.open("rb")
    except (FileNotFoundError, ValueError, OSError):
        logger.error(
            "Datei %s (%s) fehlt im Speicher: %s", file.pk, file.file_name, file.content.name
        )
        return render(request, "documents/file_missing.html", {"file": file}, status=404)
    response = FileResponse(stream, content_type=content_type_of(file))
    response["Content-Disposition"] = content_disposition(download_name(file), inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    if request.user.is_authenticated:
        # What a member may see must not land in a shared cache.
        patch_cache_control(response, private=True)
    return response
