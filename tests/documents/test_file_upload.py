"""An upload in the admin keeps its bytes unchanged, takes its type from the content and gets a
safe file name (documents/admin.py: FileAdminForm)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import ExtractionState, File
from ratsinfo.models import Body, User
from tests.documents import builders
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


def upload(client: Any, body: Body, name: str, payload: bytes) -> File:
    paper = PaperFactory(body=body)
    data = {
        "name": "Anlage",
        "role": File.Role.AUXILIARY,
        "content": SimpleUploadedFile(name, payload, content_type="application/pdf"),
        "public": "on",
        "order": "0",
        "paper": paper.pk,
        "keyword": "[]",
    }
    response = client.post(reverse("admin:documents_file_add"), data)
    assert response.status_code == 302, response.context["errors"]
    return File.objects.get(paper=paper)


def test_file_name_loses_directories_and_keeps_umlauts(client_for: Any, clerk: User, body: Body):
    payload = builders.text_pdf(["Übersicht der Ämter und Zuständigkeiten"])

    stored = upload(client_for(clerk), body, "..\\Ämter\\Übersicht Zuständigkeiten.pdf", payload)

    assert stored.file_name == "Übersicht Zuständigkeiten.pdf"
    assert stored.content.read() == payload
    assert stored.sha256 == hashlib.sha256(payload).hexdigest()
    assert stored.extraction_state == ExtractionState.PENDING


def test_type_comes_from_the_content_not_the_extension(client_for: Any, clerk: User, body: Body):
    stored = upload(client_for(clerk), body, "lageplan.pdf", builders.png_bytes())

    assert stored.mime_type == "image/png"


def test_zero_byte_upload_is_stored(client_for: Any, clerk: User, body: Body):
    stored = upload(client_for(clerk), body, "leer.pdf", b"")

    assert (stored.size, stored.content.read()) == (0, b"")
    assert stored.mime_type == "application/octet-stream"
