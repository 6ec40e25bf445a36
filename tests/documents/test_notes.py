"""Private notes: saved, changed and deleted by their author only, seen by nobody else, and
only on what the author may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from documents.errors import NoteRejected
from documents.models import Note, Paper
from documents.selectors.notes import note_list_for_user, note_map_for_user
from documents.services import note_save
from ratsinfo.models import Body, Organization, User
from tests.documents.conftest import MeetingScenario
from tests.factories import (
    ConsultationFactory,
    MembershipFactory,
    NoteFactory,
    PaperFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Fraktion vorher fragen: Kosten?"


def note_url(kind: str, pk: int) -> str:
    return reverse("note-save", args=[kind, pk])


# --- the service -----------------------------------------------------------------------------


def test_note_is_created_then_replaced_then_deleted_by_empty_text(body: Body, member: User) -> None:
    paper = PaperFactory(body=body)

    created = note_save(user=member, paper=paper, text="Erste Fassung")
    updated = note_save(user=member, paper=paper, text="Zweite Fassung")
    deleted = note_save(user=member, paper=paper, text="   \r\n ")

    assert created is not None and updated is not None
    assert created.pk == updated.pk
    assert updated.text == "Zweite Fassung"
    assert deleted is None
    assert not Note.objects.exists()


def test_empty_note_without_an_existing_one_stores_nothing(body: Body, member: User) -> None:
    assert note_save(user=member, paper=PaperFactory(body=body), text="") is None
    assert not Note.objects.exists()


def test_line_breaks_are_stored_as_newlines(body: Body, member: User) -> None:
    note = note_save(user=member, paper=PaperFactory(body=body), text="a\r\nb")

    assert note is not None and note.text == "a\nb"


def test_note_of_exactly_20000_characters_is_accepted(body: Body, member: User) -> None:
    note = note_save(user=member, paper=PaperFactory(body=body), text="x" * 20_000)

    assert note is not None


def test_note_longer_than_20000_characters_is_rejected_and_the_old_one_kept(
    body: Body, member: User
) -> None:
    paper = PaperFactory(body=body)
    note_save(user=member, paper=paper, text="bisher")

    with pytest.raises(NoteRejected, match=r"höchstens 20\.000 Zeichen"):
        note_save(user=member, paper=paper, text="x" * 20_001)

    assert Note.objects.get().text == "bisher"


def test_anonymous_users_cannot_save_notes(body: Body) -> None:
    with pytest.raises(PermissionDenied):
        note_save(user=AnonymousUser(), paper=PaperFactory(body=body), text="x")


def test_note_on_an_item_the_user_cannot_see_is_refused(
    scenario: MeetingScenario, other_member: User
) -> None:
    with pytest.raises(PermissionDenied):
        note_save(user=other_member, agenda_item=scenario.non_public_item, text="x")

    assert not Note.objects.exists()


def test_note_needs_exactly_one_target(body: Body, member: User, scenario: MeetingScenario) -> None:
    with pytest.raises(NoteRejected):
        note_save(user=member, text="x")
    with pytest.raises(NoteRejected):
        note_save(
            user=member, paper=scenario.public_paper, agenda_item=scenario.public_item, text="x"
        )


def test_note_map_finds_the_users_notes_in_one_query(
    scenario: MeetingScenario, member: User, other_member: User, django_assert_num_queries: Any
) -> None:
    on_paper = NoteFactory(author=member, paper=scenario.public_paper)
    on_item = NoteFactory(author=member, paper=None, agenda_item=scenario.public_item)
    NoteFactory(author=other_member, paper=None, agenda_item=scenario.public_item)

    with django_assert_num_queries(1):
        notes = note_map_for_user(
            user=member,
            paper_ids=[scenario.public_paper.pk],
            agenda_item_ids=[scenario.public_item.pk],
        )

    assert notes.papers == {scenario.public_paper.pk: on_paper}
    assert notes.agenda_items == {scenario.public_item.pk: on_item}


def test_note_map_costs_nothing_for_anonymous_visitors(
    scenario: MeetingScenario, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        notes = note_map_for_user(user=AnonymousUser(), paper_ids=[scenario.public_paper.pk])

    assert notes.papers == {}


def test_note_list_leaves_out_notes_on_what_the_user_can_no_longer_see(
    body: Body, member: User
) -> None:
    visible_paper = PaperFactory(body=body)
    withdrawn = PaperFactory(body=body, published_at=None)
    kept = NoteFactory(author=member, paper=visible_paper)
    NoteFactory(author=member, paper=withdrawn)
    NoteFactory(paper=visible_paper)

    assert note_list_for_user(user=member, limit=10) == [kept]


# --- the view --------------------------------------------------------------------------------


def test_posting_a_note_stores_it_and_returns_to_the_page_with_a_message(
    client_for: Any, scenario: MeetingScenario, member: User
) -> None:
    item = scenario.public_item
    page = reverse("meeting-detail", args=[item.meeting_id])

    response = client_for(member).post(
        note_url("top", item.pk), {"text": SECRET_NOTE, "next": f"{page}#top-{item.pk}"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{page}#top-{item.pk}"
    assert Note.objects.get(author=member, agenda_item=item).text == SECRET_NOTE


def test_saved_note_appears_on_the_page_with_a_success_message(
    client_for: Any, body: Body, member: User
) -> None:
    paper = PaperFactory(body=body)
    client = client_for(member)

    response = client.post(note_url("vorlage", paper.pk), {"text": SECRET_NOTE}, follow=True)

    content = response.content.decode()
    assert "Ihre Notiz wurde gespeichert." in content
    assert SECRET_NOTE in content


def test_posting_empty_text_deletes_the_note(client_for: Any, body: Body, member: User) -> None:
    paper = PaperFactory(body=body)
    NoteFactory(author=member, paper=paper)

    response = client_for(member).post(note_url("vorlage", paper.pk), {"text": ""}, follow=True)

    assert "Ihre Notiz wurde gelöscht." in response.content.decode()
    assert not Note.objects.exists()


def test_other_users_never_see_someones_note(
    client_for: Any, scenario: MeetingScenario, member: User, committee: Organization
) -> None:
    colleague = UserFactory(
        person=MembershipFactory(organization=committee, person__body=committee.body).person
    )
    NoteFactory(author=member, paper=None, agenda_item=scenario.public_item, text=SECRET_NOTE)
    NoteFactory(author=member, paper=scenario.public_paper, text=SECRET_NOTE)
    meeting_url = reverse("meeting-detail", args=[scenario.meeting.pk])
    paper_url = reverse("paper-detail", args=[scenario.public_paper.pk])

    for url in (meeting_url, paper_url, reverse("workspace"), reverse("home")):
        assert SECRET_NOTE not in client_for(colleague).get(url).content.decode()
    assert SECRET_NOTE in client_for(member).get(meeting_url).content.decode()
    assert SECRET_NOTE in client_for(member).get(paper_url).content.decode()


def test_note_on_an_item_the_user_cannot_see_is_not_found_and_not_stored(
    client_for: Any, scenario: MeetingScenario, other_member: User
) -> None:
    response = client_for(other_member).post(
        note_url("top", scenario.non_public_item.pk), {"text": "x"}
    )

    assert response.status_code == 404
    assert not Note.objects.exists()


def test_note_on_an_unpublished_paper_is_not_found(
    client_for: Any, body: Body, member: User
) -> None:
    paper = PaperFactory(body=body, published_at=None)

    response = client_for(member).post(note_url("vorlage", paper.pk), {"text": "x"})

    assert response.status_code == 404
    assert not Note.objects.exists()


def test_anonymous_post_is_refused(client: Client, body: Body) -> None:
    paper = PaperFactory(body=body)

    response = client.post(note_url("vorlage", paper.pk), {"text": "x"})

    assert response.status_code == 403
    assert not Note.objects.exists()


def test_unknown_kind_is_not_found(client_for: Any, body: Body, member: User) -> None:
    paper = PaperFactory(body=body)

    response = client_for(member).post(note_url("sitzung", paper.pk), {"text": "x"})

    assert response.status_code == 404


def test_get_is_not_allowed(client_for: Any, body: Body, member: User) -> None:
    paper = PaperFactory(body=body)

    assert client_for(member).get(note_url("vorlage", paper.pk)).status_code == 405


def test_csrf_token_is_required(body: Body, member: User) -> None:
    paper = PaperFactory(body=body)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(note_url("vorlage", paper.pk), {"text": "x"})

    assert response.status_code == 403
    assert not Note.objects.exists()


def test_form_with_its_csrf_token_is_accepted(body: Body, member: User) -> None:
    paper = PaperFactory(body=body)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(reverse("paper-detail", args=[paper.pk]))

    response = client.post(
        note_url("vorlage", paper.pk),
        {"text": "x", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )

    assert response.status_code == 302
    assert Note.objects.get().text == "x"


def test_too_long_note_gives_a_message_and_keeps_the_old_note(
    client_for: Any, body: Body, member: User
) -> None:
    paper = PaperFactory(body=body)
    NoteFactory(author=member, paper=paper, text="bisher")

    response = client_for(member).post(
        note_url("vorlage", paper.pk), {"text": "x" * 20_001}, follow=True
    )

    content = response.content.decode()
    assert "Die Notiz ist zu lang" in content
    assert "20.001" in content
    assert Note.objects.get().text == "bisher"


@pytest.mark.parametrize(
    "target", ["https://example.com/phish", "//example.com/x", "javascript:alert(1)"]
)
def test_foreign_next_address_is_ignored(
    client_for: Any, body: Body, member: User, target: str
) -> None:
    paper = PaperFactory(body=body)

    response = client_for(member).post(note_url("vorlage", paper.pk), {"text": "x", "next": target})

    assert response["Location"] == reverse("paper-detail", args=[paper.pk]) + "#notiz"


def test_note_on_a_non_public_paper_for_a_member(
    client_for: Any, body: Body, committee: Organization, member: User
) -> None:
    paper: Paper = PaperFactory(body=body, public=False)
    ConsultationFactory(paper=paper, organizations=[committee])

    response = client_for(member).post(note_url("vorlage", paper.pk), {"text": "vertraulich"})

    assert response.status_code == 302
    assert Note.objects.get(paper=paper).text == "vertraulich"
