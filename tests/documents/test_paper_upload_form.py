"""The clerk's upload form on the paper page, and the text extraction state of each file, shown
to clerks only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from documents.models import ExtractionState, File, Paper
from ratsinfo.models import Body, Job, Organization, User
from tests.documents import builders
from tests.factories import ConsultationFactory, FileFactory, PaperFactory

pytestmark = pytest.mark.django_db

UPLOAD_SECTION = "Datei hochladen"


@pytest.fixture
def paper(body: Body, committee: Organization) -> Paper:
    paper = PaperFactory(body=body, reference="2026/0147", name="Radweg Lindenallee")
    ConsultationFactory(paper=paper, organizations=[committee])
    return paper


def detail_url(paper: Paper) -> str:
    return reverse("paper-detail", args=[paper.pk])


def upload_url(paper: Paper) -> str:
    return reverse("paper-file-upload", args=[paper.pk])


def paper_page(client: Client, paper: Paper) -> str:
    response = client.get(detail_url(paper))
    assert response.status_code == 200
    return response.content.decode()


def pdf_upload(filename: str = "vorlage.pdf", text: str = "Sachverhalt") -> SimpleUploadedFile:
    return SimpleUploadedFile(filename, builders.text_pdf([text]), content_type="application/pdf")


def post_upload(client: Client, paper: Paper, **fields: Any) -> HttpResponse:
    data: dict[str, Any] = {"content": pdf_upload(), "name": "", "role": "auxiliary"}
    data["public"] = "on"
    data.update(fields)
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(upload_url(paper), data)  # type: ignore[return-value]


def messages_of(response: HttpResponse) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


# --- who sees the form -----------------------------------------------------------------------


def test_clerk_sees_the_upload_form_with_its_fields_and_limit(
    client_for: Any, clerk: User, paper: Paper, settings: Any
) -> None:
    settings.FILE_UPLOAD_MAX_BYTES = 20 * 1024 * 1024

    content = paper_page(client_for(clerk), paper)

    assert UPLOAD_SECTION in content
    assert f'action="{upload_url(paper)}"' in content
    assert 'enctype="multipart/form-data"' in content
    assert '<label for="id_content">Datei</label>' in content
    assert "Titel" in content
    assert '<option value="main">Hauptdokument</option>' in content
    assert '<option value="auxiliary" selected>Anlage</option>' in content
    assert 'name="public" id="id_public"' in content and " checked>" in content
    assert "<legend" in content
    assert "Hochladen" in content
    assert "Höchstens 20,0\xa0MB" in content or "Höchstens 20,0 MB" in content


def test_member_does_not_see_the_upload_form(client_for: Any, member: User, paper: Paper) -> None:
    content = paper_page(client_for(member), paper)

    assert UPLOAD_SECTION not in content
    assert upload_url(paper) not in content


def test_anonymous_visitor_does_not_see_the_upload_form(client: Client, paper: Paper) -> None:
    content = paper_page(client, paper)

    assert UPLOAD_SECTION not in content
    assert upload_url(paper) not in content


# --- uploading -------------------------------------------------------------------------------


def test_upload_through_the_form_stores_the_file_queues_its_text_and_says_so(
    client_for: Any, clerk: User, paper: Paper
) -> None:
    response = post_upload(client_for(clerk), paper, name="Lageplan", role="main")

    assert response.status_code == 302
    assert response["Location"] == detail_url(paper) + "#dateien"
    file = File.objects.get(paper=paper)
    assert (file.name, file.role, file.public) == ("Lageplan", File.Role.MAIN, True)
    assert Job.objects.filter(state="queued", payload={"file_id": file.pk}).count() == 1
    assert messages_of(response) == [
        "„Lageplan“ wurde hochgeladen; der Text wird im Hintergrund gelesen."
    ]


def test_upload_without_title_is_named_after_the_file_and_unticked_box_makes_it_non_public(
    client_for: Any, clerk: User, paper: Paper
) -> None:
    response = post_upload(
        client_for(clerk), paper, content=pdf_upload("Kostenaufstellung.pdf"), public=None
    )

    file = File.objects.get(paper=paper)
    assert (file.name, file.public) == ("Kostenaufstellung.pdf", False)
    assert "„Kostenaufstellung.pdf“ wurde hochgeladen" in messages_of(response)[0]


def test_the_message_is_shown_on_the_paper_page_after_the_redirect(
    client_for: Any, clerk: User, paper: Paper
) -> None:
    client = client_for(clerk)
    post_upload(client, paper, name="Lageplan")

    content = paper_page(client, paper)

    assert "„Lageplan“ wurde hochgeladen; der Text wird im Hintergrund gelesen." in content


def test_duplicate_upload_is_refused_with_a_message_and_the_file_stays_single(
    client_for: Any, clerk: User, paper: Paper
) -> None:
    client = client_for(clerk)
    post_upload(client, paper, content=pdf_upload("a.pdf", "Einmal reicht"))

    response = post_upload(client, paper, content=pdf_upload("b.pdf", "Einmal reicht"))

    assert response.status_code == 302
    assert response["Location"] == detail_url(paper) + "#dateien"
    assert File.objects.filter(paper=paper).count() == 1
    assert any("bereits an der Vorlage angehängt" in text for text in messages_of(response))


def test_upload_over_the_limit_is_refused_and_nothing_is_stored(
    client_for: Any, clerk: User, paper: Paper, settings: Any
) -> None:
    settings.FILE_UPLOAD_MAX_BYTES = 100

    response = post_upload(client_for(clerk), paper)

    assert response.status_code == 302
    assert not File.objects.exists()
    assert not Job.objects.exists()
    [message] = messages_of(response)
    assert "höchstens" in message


def test_error_message_is_announced_as_an_alert_on_the_paper_page(
    client_for: Any, clerk: User, paper: Paper, settings: Any
) -> None:
    settings.FILE_UPLOAD_MAX_BYTES = 100
    client = client_for(clerk)
    post_upload(client, paper)

    content = paper_page(client, paper)

    alert = content.split('role="alert"', 1)[1].split("</ul>", 1)[0]
    assert "höchstens" in alert


def test_missing_file_asks_for_one_and_stores_nothing(
    client_for: Any, clerk: User, paper: Paper
) -> None:
    response = post_upload(client_for(clerk), paper, content=None)

    assert response.status_code == 302
    assert messages_of(response) == ["Bitte wählen Sie eine Datei aus."]
    assert not File.objects.exists()


def test_member_post_is_forbidden_and_stores_nothing(
    client_for: Any, member: User, paper: Paper
) -> None:
    response = post_upload(client_for(member), paper)

    assert response.status_code == 403
    assert not File.objects.exists()
    assert not Job.objects.exists()


def test_anonymous_post_is_sent_to_the_login(client: Client, paper: Paper) -> None:
    response = post_upload(client, paper)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not File.objects.exists()


def test_upload_to_a_paper_the_user_cannot_see_is_not_found(
    client_for: Any, clerk: User, other_member: User, body: Body, committee: Organization
) -> None:
    secret = PaperFactory(body=body, public=False)
    ConsultationFactory(paper=secret, organizations=[committee])

    response = post_upload(client_for(other_member), secret)

    assert response.status_code == 404
    assert not File.objects.exists()


def test_upload_page_accepts_only_post(client_for: Any, clerk: User, paper: Paper) -> None:
    response = client_for(clerk).get(upload_url(paper))

    assert response.status_code == 405


def test_upload_without_csrf_token_is_refused(clerk: User, paper: Paper) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)

    response = post_upload(client, paper)

    assert response.status_code == 403
    assert not File.objects.exists()


def test_upload_with_the_form_csrf_token_is_accepted(clerk: User, paper: Paper) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    paper_page(client, paper)

    response = post_upload(client, paper, csrfmiddlewaretoken=client.cookies["csrftoken"].value)

    assert response.status_code == 302
    assert File.objects.filter(paper=paper).count() == 1


# --- extraction states -----------------------------------------------------------------------


def _files_in_every_state(paper: Paper) -> None:
    FileFactory(paper=paper, extraction_state=ExtractionState.PENDING)
    FileFactory(paper=paper, extraction_state=ExtractionState.RUNNING, pages_done=12, page_count=80)
    FileFactory(paper=paper, extraction_state=ExtractionState.DONE, page_count=3)
    FileFactory(
        paper=paper,
        extraction_state=ExtractionState.NEEDS_OCR,
        extraction_reason="Nur Bilder, kein Text: ocrmypdf ist nicht installiert.",
    )
    FileFactory(
        paper=paper,
        extraction_state=ExtractionState.FAILED,
        extraction_reason="Die PDF-Datei ist beschädigt.",
    )


STATE_TEXTS = [
    "wartet auf Texterkennung",
    "Text wird gelesen (Seite 12 von 80)",
    "Text erkannt, 3 Seiten",
    "Texterkennung (OCR) nötig",
    "Nur Bilder, kein Text: ocrmypdf ist nicht installiert.",
    "nicht lesbar",
    "Die PDF-Datei ist beschädigt.",
]


def test_clerk_sees_each_files_extraction_state_and_reason(
    client_for: Any, clerk: User, paper: Paper
) -> None:
    _files_in_every_state(paper)

    content = paper_page(client_for(clerk), paper)

    for text in STATE_TEXTS:
        assert text in content, text


def test_a_single_page_is_counted_in_the_singular(
    client_for: Any, clerk: User, paper: Paper
) -> None:
    FileFactory(paper=paper, extraction_state=ExtractionState.DONE, page_count=1)

    assert "Text erkannt, 1 Seite<" in paper_page(client_for(clerk), paper)


def test_running_without_page_count_says_only_that_the_text_is_read(
    client_for: Any, clerk: User, paper: Paper
) -> None:
    FileFactory(paper=paper, extraction_state=ExtractionState.RUNNING, page_count=None)

    content = paper_page(client_for(clerk), paper)

    assert "Text wird gelesen" in content
    assert "(Seite" not in content


def test_member_and_anonymous_never_see_states_or_reasons(
    client: Client, client_for: Any, member: User, paper: Paper
) -> None:
    _files_in_every_state(paper)

    for content in (paper_page(client_for(member), paper), paper_page(client, paper)):
        for text in STATE_TEXTS:
            assert text not in content, text
        assert "file__extraction" not in content


# --- query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("files", [2, 30])
def test_clerk_paper_page_costs_constant_queries(
    client_for: Any, clerk: User, paper: Paper, files: int, django_assert_max_num_queries: Any
) -> None:
    client = client_for(clerk)
    FileFactory(paper=paper, role=File.Role.MAIN, extraction_state=ExtractionState.DONE)
    for number in range(files):
        FileFactory(
            paper=paper,
            extraction_state=ExtractionState.FAILED if number % 2 else ExtractionState.RUNNING,
            extraction_reason="beschädigt",
            page_count=10,
        )

    # Session, user, rights; paper, consultations with their two kinds of organizations,
    # files (states included), persons, originator and leading organizations, three kinds of
    # related papers; the clerk's note. The upload form and the states add none.
    with django_assert_max_num_queries(15):
        paper_page(client, paper)
