"""File downloads: through the visibility rule, with honest headers, and a clear page when the
bytes are gone."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from documents.downloads import ascii_filename, content_disposition
from documents.models import File
from ratsinfo.models import Body, Organization, User
from ratsinfo.services import object_soft_delete
from tests.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    FileFactory,
    MeetingFactory,
    PaperFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% Radweg Lindenallee\n%%EOF\n"


def download_url(file: File, **query: str) -> str:
    url = reverse("file-download", args=[file.pk, file.file_name])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def public_file(body: Body) -> File:
    return FileFactory(
        paper=PaperFactory(body=body),
        file_name="vorlage.pdf",
        content=ContentFile(PDF, name="vorlage.pdf"),
        size=len(PDF),
    )


def test_public_file_is_downloaded_with_its_bytes_and_headers(
    client: Client, public_file: File
) -> None:
    response = client.get(download_url(public_file))

    assert response.status_code == 200
    assert body_of(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="vorlage.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(PDF))


def test_inline_parameter_opens_the_file_in_the_browser(client: Client, public_file: File) -> None:
    response = client.get(download_url(public_file, inline="1"))

    assert response["Content-Disposition"] == 'inline; filename="vorlage.pdf"'


def test_umlaut_filename_is_sent_in_rfc_6266_form(client: Client, body: Body) -> None:
    file = FileFactory(paper=PaperFactory(body=body), file_name="Stellungnahme Bürgerverein.pdf")

    response = client.get(download_url(file))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="Stellungnahme Buergerverein.pdf"; '
        "filename*=UTF-8''Stellungnahme%20B%C3%BCrgerverein.pdf"
    )


def test_html_file_is_never_shown_inline(client: Client, body: Body) -> None:
    file = FileFactory(paper=PaperFactory(body=body), file_name="x.html", mime_type="text/html")

    response = client.get(download_url(file, inline="1"))

    assert response["Content-Type"] == "text/html"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_missing_type_falls_back_to_octet_stream(client: Client, body: Body) -> None:
    file = FileFactory(paper=PaperFactory(body=body), file_name="daten.bin", mime_type="")

    response = client.get(download_url(file))

    assert response["Content-Type"] == "application/octet-stream"


def test_non_public_file_is_not_found_for_anonymous_visitors(
    client: Client, body: Body, committee: Organization
) -> None:
    paper = PaperFactory(body=body)
    ConsultationFactory(paper=paper, organizations=[committee])
    file = FileFactory(paper=paper, public=False, name="Vertrauliche Anlage")

    response = client.get(download_url(file))

    assert response.status_code == 404
    assert "Vertrauliche Anlage" not in response.content.decode()


def test_non_public_file_is_downloaded_by_a_member_and_not_cached_publicly(
    client_for: Any, body: Body, committee: Organization, member: User
) -> None:
    paper = PaperFactory(body=body)
    ConsultationFactory(paper=paper, organizations=[committee])
    file = FileFactory(paper=paper, public=False)

    response = client_for(member).get(download_url(file))

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_file_on_a_non_public_agenda_item_is_not_found_for_another_committee(
    client_for: Any, body: Body, committee: Organization, other_member: User
) -> None:
    meeting = MeetingFactory(body=body, organizations=[committee])
    item = AgendaItemFactory(meeting=meeting, public=False)
    file = FileFactory(paper=None, agenda_item=item, role=File.Role.RESOLUTION)

    response = client_for(other_member).get(download_url(file))

    assert response.status_code == 404


def test_file_of_an_unpublished_paper_is_not_found(client: Client, body: Body) -> None:
    file = FileFactory(paper=PaperFactory(body=body, published_at=None))

    assert client.get(download_url(file)).status_code == 404


def test_deleted_file_is_not_found(client: Client, public_file: File) -> None:
    object_soft_delete(obj=public_file)

    assert client.get(download_url(public_file)).status_code == 404


def test_unknown_file_is_not_found(client: Client, db: None) -> None:
    assert client.get("/dateien/4711/vorlage.pdf").status_code == 404


def test_missing_bytes_give_a_clear_not_found_page_and_a_log_entry(
    client: Client, public_file: File, caplog: pytest.LogCaptureFixture
) -> None:
    stored_name = public_file.content.name
    assert stored_name
    public_file.content.storage.delete(stored_name)

    with caplog.at_level(logging.ERROR, logger="documents.views.files"):
        response = client.get(download_url(public_file))

    assert response.status_code == 404
    content = response.content.decode()
    assert "Datei nicht verfügbar" in content
    assert "Der Fehler wurde protokolliert." in content
    assert any(str(public_file.pk) in record.getMessage() for record in caplog.records)


def test_post_is_not_allowed(client: Client, public_file: File) -> None:
    assert client.post(download_url(public_file)).status_code == 405


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("vorlage.pdf", 'attachment; filename="vorlage.pdf"'),
        (
            'Zitat "A".pdf',
            "attachment; filename=\"Zitat _A_.pdf\"; filename*=UTF-8''Zitat%20%22A%22.pdf",
        ),
        ("Straße.pdf", "attachment; filename=\"Strasse.pdf\"; filename*=UTF-8''Stra%C3%9Fe.pdf"),
    ],
)
def test_content_disposition_quotes_safely(name: str, expected: str) -> None:
    assert content_disposition(name, inline=False) == expected


def test_ascii_filename_never_comes_out_empty() -> None:
    assert ascii_filename("会議.pdf") == "datei.pdf"
    assert ascii_filename("会議") == "datei"


# Range requests: browsers' PDF viewers fetch large files piece by piece -----------------------


def test_range_request_returns_the_asked_bytes_with_206(client: Client, public_file: File) -> None:
    response = client.get(download_url(public_file), HTTP_RANGE="bytes=5-12")

    assert response.status_code == 206
    assert body_of(response) == PDF[5:13]
    assert response["Content-Range"] == f"bytes 5-12/{len(PDF)}"
    assert response["Content-Length"] == "8"
    assert response["Content-Type"] == "application/pdf"


def test_open_ended_and_suffix_ranges(client: Client, public_file: File) -> None:
    tail = client.get(download_url(public_file), HTTP_RANGE="bytes=10-")
    last = client.get(download_url(public_file), HTTP_RANGE="bytes=-6")

    assert body_of(tail) == PDF[10:]
    assert body_of(last) == PDF[-6:]
    assert last["Content-Range"] == f"bytes {len(PDF) - 6}-{len(PDF) - 1}/{len(PDF)}"


def test_range_past_the_end_is_refused_with_416(client: Client, public_file: File) -> None:
    response = client.get(download_url(public_file), HTTP_RANGE=f"bytes={len(PDF) + 10}-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(PDF)}"


@pytest.mark.parametrize("header", ["bytes=0-3,8-9", "pages=1-2", "bytes=abc", "bytes=9-3"])
def test_unusable_ranges_get_the_whole_file(client: Client, public_file: File, header: str) -> None:
    response = client.get(download_url(public_file), HTTP_RANGE=header)

    assert response.status_code == 200
    assert body_of(response) == PDF
    assert response["Accept-Ranges"] == "bytes"


def test_if_range_of_another_version_gets_the_whole_file(client: Client, public_file: File) -> None:
    current = client.get(
        download_url(public_file), HTTP_RANGE="bytes=0-3", HTTP_IF_RANGE=f'"{public_file.sha256}"'
    )
    stale = client.get(download_url(public_file), HTTP_RANGE="bytes=0-3", HTTP_IF_RANGE='"0000"')

    assert current.status_code == 206
    assert stale.status_code == 200
    assert body_of(stale) == PDF


def test_range_on_a_non_public_file_is_still_not_found(client: Client, body: Body) -> None:
    secret = FileFactory(paper=PaperFactory(body=body, public=False), file_name="geheim.pdf")

    response = client.get(download_url(secret), HTTP_RANGE="bytes=0-3")

    assert response.status_code == 404
