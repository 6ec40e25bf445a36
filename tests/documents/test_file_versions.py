"""Replacing a file keeps every earlier upload, with who and when, for the clerks."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.errors import FileRejected
from documents.models import ExtractionState, File, FileVersion, Paper
from documents.services import file_replace, file_upload
from ratsinfo.models import Body, Job, User
from tests.documents import builders
from tests.factories import FileFactory, PaperFactory

pytestmark = pytest.mark.django_db

FIRST = builders.text_pdf(["Erste Fassung der Beschlussvorlage zum Radverkehrskonzept"])
SECOND = builders.text_pdf(["Zweite Fassung der Beschlussvorlage mit geänderten Kosten"])


@pytest.fixture
def paper(body: Body) -> Paper:
    return PaperFactory(body=body)


def uploaded(name: str, payload: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, payload)


def read(field: Any) -> bytes:
    with field.open("rb") as stream:
        return stream.read()


def test_first_upload_is_version_one_with_its_uploader(clerk: User, paper: Paper) -> None:
    file = file_upload(user=clerk, paper=paper, upload=uploaded("v.pdf", FIRST))

    version = file.versions.get()
    assert (version.number, version.uploaded_by, version.sha256) == (
        1,
        clerk,
        hashlib.sha256(FIRST).hexdigest(),
    )


def test_replacing_keeps_the_old_bytes_and_reads_the_new_text(clerk: User, paper: Paper) -> None:
    file = file_upload(user=clerk, paper=paper, upload=uploaded("v.pdf", FIRST))
    Job.objects.all().delete()

    replaced = file_replace(user=clerk, file=file, upload=uploaded("v2.pdf", SECOND))

    assert read(replaced.content) == SECOND
    assert replaced.sha256 == hashlib.sha256(SECOND).hexdigest()
    assert replaced.extraction_state == ExtractionState.PENDING
    old, new = replaced.versions.order_by("number")
    assert read(old.content) == FIRST
    assert (new.number, new.uploaded_by, new.file_name) == (2, clerk, "v2.pdf")
    assert Job.objects.filter(payload={"file_id": file.pk}).count() == 1


def test_same_bytes_again_change_nothing(clerk: User, paper: Paper) -> None:
    file = file_upload(user=clerk, paper=paper, upload=uploaded("v.pdf", FIRST))

    with pytest.raises(FileRejected, match="identisch"):
        file_replace(user=clerk, file=file, upload=uploaded("v.pdf", FIRST))

    assert file.versions.count() == 1


def test_members_cannot_replace_files(clerk: User, member: User, paper: Paper) -> None:
    file = file_upload(user=clerk, paper=paper, upload=uploaded("v.pdf", FIRST))

    with pytest.raises(PermissionDenied):
        file_replace(user=member, file=file, upload=uploaded("v2.pdf", SECOND))

    file.refresh_from_db()
    assert read(file.content) == FIRST


def test_file_from_before_versions_gets_its_first_upload_recorded(
    clerk: User, paper: Paper
) -> None:
    legacy = FileFactory(paper=paper)
    before = read(legacy.content)

    file_replace(user=clerk, file=legacy, upload=uploaded("neu.pdf", SECOND))

    first, second = legacy.versions.order_by("number")
    assert first.uploaded_by is None and read(first.content) == before
    assert second.uploaded_by == clerk


def test_replacing_in_the_admin_keeps_the_earlier_version(
    client_for: Any, clerk: User, paper: Paper
) -> None:
    file = file_upload(user=clerk, paper=paper, upload=uploaded("v.pdf", FIRST), name="Vorlage")
    data = {
        "name": "Vorlage",
        "role": File.Role.AUXILIARY,
        "content": uploaded("v2.pdf", SECOND),
        "public": "on",
        "order": "0",
        "paper": paper.pk,
        "keyword": "[]",
        "versions-TOTAL_FORMS": "1",
        "versions-INITIAL_FORMS": "1",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
        "versions-0-id": file.versions.get().pk,
        "versions-0-file": file.pk,
    }

    response = client_for(clerk).post(reverse("admin:documents_file_change", args=[file.pk]), data)

    assert response.status_code == 302, response.context and response.context.get("errors")
    file.refresh_from_db()
    assert read(file.content) == SECOND
    assert [read(v.content) for v in file.versions.order_by("number")] == [FIRST, SECOND]


def test_earlier_version_is_downloadable_by_clerks_only(
    client_for: Any, clerk: User, member: User, paper: Paper
) -> None:
    file = file_upload(user=clerk, paper=paper, upload=uploaded("v.pdf", FIRST))
    file_replace(user=clerk, file=file, upload=uploaded("v2.pdf", SECOND))
    url = reverse("file-version-download", args=[file.pk, 1])

    as_clerk = client_for(clerk).get(url)

    assert as_clerk.status_code == 200
    assert b"".join(as_clerk.streaming_content) == FIRST
    assert client_for(member).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 404
    assert FileVersion.objects.count() == 2
