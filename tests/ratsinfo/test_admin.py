"""The admin: every model reachable, clerks confined to their body, soft deletion instead of
hard deletion, clerk roles through the services, constant query counts on the big lists."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.models import Consultation, File, Note, Paper
from ratsinfo import services
from ratsinfo.models import (
    Body,
    LegislativeTerm,
    Location,
    Membership,
    Organization,
    Person,
    User,
)
from sessions.models import AgendaItem, Meeting, Minutes
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    LocationFactory,
    MeetingFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

COUNCIL_MODELS: list[type[models.Model]] = [
    Body,
    LegislativeTerm,
    Organization,
    Person,
    Membership,
    Location,
    Meeting,
    AgendaItem,
    Minutes,
    Paper,
    Consultation,
    File,
]


@pytest.fixture
def clerk(clerk: User, body: Body) -> User:
    """The clerk persona with the rights the service grants in production."""
    return services.clerk_grant(user=clerk, body=body)


@pytest.fixture
def other_body(db: None) -> Body:
    return BodyFactory(name="Gemeinde Nachbarort")


def admin_url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def post_action(client: Client, model: type[models.Model], action: str, *objs: Any) -> Any:
    # Actions apply to the rows of the filtered list; deleted rows are listed on request.
    return client.post(
        admin_url(model, "changelist") + "?geloescht=alle",
        {"action": action, "_selected_action": [obj.pk for obj in objs]},
        follow=True,
    )


@pytest.mark.parametrize("app_label", ["ratsinfo", "meetings", "documents"])
def test_every_model_is_registered(app_label: str) -> None:
    unregistered = [
        model.__name__
        for model in apps.get_app_config(app_label).get_models()
        if not admin.site.is_registered(model) and model is not Note
    ]

    assert unregistered == []


def test_private_notes_stay_out_of_the_admin() -> None:
    # Members' notes are seen by their author only, never by clerks or administrators.
    assert not admin.site.is_registered(Note)


@pytest.mark.parametrize("model", [*COUNCIL_MODELS, User], ids=lambda m: m.__name__)
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_admin_opens_every_list_and_add_page(
    client_for: Any, admin: User, body: Body, model: type[models.Model], view: str
) -> None:
    response = client_for(admin).get(admin_url(model, view))

    assert response.status_code == 200


@pytest.mark.parametrize("model", COUNCIL_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_clerk_opens_every_list_and_add_page(
    client_for: Any, clerk: User, model: type[models.Model], view: str
) -> None:
    response = client_for(clerk).get(admin_url(model, view))

    assert response.status_code == 200


def test_clerk_may_view_but_not_add_logins(client_for: Any, clerk: User) -> None:
    client = client_for(clerk)

    assert client.get(admin_url(User, "changelist")).status_code == 200
    assert client.get(admin_url(User, "add")).status_code == 403


def test_council_member_without_staff_access_is_sent_to_the_admin_login(
    client_for: Any, member: User
) -> None:
    response = client_for(member).get(admin_url(Paper, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_clerk_lists_only_their_own_bodys_papers(
    client_for: Any, clerk: User, body: Body, other_body: Body
) -> None:
    PaperFactory(body=body, name="Eigene Vorlage Spielplatz")
    PaperFactory(body=other_body, name="Fremde Vorlage Kläranlage")

    content = client_for(clerk).get(admin_url(Paper, "changelist")).content.decode()

    assert "Eigene Vorlage Spielplatz" in content
    assert "Fremde Vorlage Kläranlage" not in content
    assert other_body.name not in content


def test_clerk_lists_only_their_own_bodys_meetings(
    client_for: Any, clerk: User, body: Body, other_body: Body
) -> None:
    MeetingFactory(body=body, name="Eigene Ratssitzung")
    MeetingFactory(body=other_body, name="Fremde Ratssitzung", published_at=None)

    content = client_for(clerk).get(admin_url(Meeting, "changelist")).content.decode()

    assert "Eigene Ratssitzung" in content
    assert "Fremde Ratssitzung" not in content


def test_clerk_cannot_open_another_bodys_paper(
    client_for: Any, clerk: User, other_body: Body
) -> None:
    paper = PaperFactory(body=other_body)

    response = client_for(clerk).get(admin_url(Paper, "change", paper.pk))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_clerk_chooses_only_among_their_own_bodies_and_committees(
    client_for: Any, clerk: User, body: Body, committee: Organization, other_body: Body
) -> None:
    OrganizationFactory(body=other_body, name="Fremder Ausschuss")

    form = client_for(clerk).get(admin_url(Meeting, "add")).context["adminform"].form

    assert list(form.fields["body"].queryset) == [body]
    assert list(form.fields["organizations"].queryset) == [committee]


def test_autocomplete_offers_only_live_committees_of_the_clerks_body(
    client_for: Any, clerk: User, body: Body, committee: Organization, other_body: Body
) -> None:
    OrganizationFactory(body=other_body, name="Ausschuss Nachbarort")
    OrganizationFactory(body=body, name="Ausschuss aufgelöst", deleted=True)
    params = {
        "app_label": "meetings",
        "model_name": "meeting",
        "field_name": "organizations",
        "term": "Ausschuss",
    }

    response = client_for(clerk).get(reverse("admin:autocomplete"), params)

    assert [result["text"] for result in response.json()["results"]] == ["Bauausschuss"]


def test_clerk_sees_logins_of_their_body_only(
    client_for: Any, clerk: User, body: Body, other_body: Body
) -> None:
    UserFactory(username="ratsmitglied-hier", person=PersonFactory(body=body))
    UserFactory(username="ratsmitglied-dort", person=PersonFactory(body=other_body))

    content = client_for(clerk).get(admin_url(User, "changelist")).content.decode()

    assert "ratsmitglied-hier" in content
    assert "ratsmitglied-dort" not in content


def test_hard_deletion_is_not_offered(client_for: Any, admin: User) -> None:
    paper = PaperFactory()
    client = client_for(admin)

    changelist = client.get(admin_url(Paper, "changelist"))
    delete_page = client.get(admin_url(Paper, "delete", paper.pk))

    assert "delete_selected" not in changelist.context["action_form"].fields["action"].choices
    assert delete_page.status_code == 403
    assert Paper.objects.filter(pk=paper.pk).exists()


def test_soft_delete_hides_the_paper_and_restore_brings_it_back(
    client_for: Any, clerk: User, body: Body
) -> None:
    paper = PaperFactory(body=body, name="Bebauungsplan Mühlenweg")
    client = client_for(clerk)

    response = post_action(client, Paper, "mark_deleted", paper)

    paper.refresh_from_db()
    assert paper.deleted
    assert "1 Eintrag wurde als gelöscht markiert." in response.content.decode()
    assert (
        "Bebauungsplan Mühlenweg" not in client.get(admin_url(Paper, "changelist")).content.decode()
    )
    deleted_list = client.get(admin_url(Paper, "changelist"), {"geloescht": "ja"})
    assert "Bebauungsplan Mühlenweg" in deleted_list.content.decode()

    post_action(client, Paper, "restore", paper)

    paper.refresh_from_db()
    assert not paper.deleted
    assert "Bebauungsplan Mühlenweg" in client.get(admin_url(Paper, "changelist")).content.decode()


def test_restore_conflict_is_reported_and_leaves_data_intact(
    client_for: Any, clerk: User, body: Body
) -> None:
    old = PaperFactory(body=body, reference="2026/0100", name="Alte Fassung", deleted=True)
    new = PaperFactory(body=body, reference="2026/0100", name="Neue Fassung")

    response = post_action(client_for(clerk), Paper, "restore", old)

    content = response.content.decode()
    assert "kann nicht wiederhergestellt werden" in content
    assert 'class="error"' in content
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.deleted
    assert not new.deleted
    assert (old.reference, new.reference) == ("2026/0100", "2026/0100")


def test_deleting_an_agenda_item_inline_marks_it_deleted(
    client_for: Any, admin: User, body: Body, committee: Organization
) -> None:
    meeting = MeetingFactory(body=body, organizations=[committee])
    item = AgendaItemFactory(meeting=meeting, order=1, number="Ö 1", name="Eröffnung")
    client = client_for(admin)
    start = timezone.localtime(meeting.start)
    data = {
        "body": body.pk,
        "name": meeting.name,
        "state": meeting.state,
        "start_0": start.strftime("%d.%m.%Y"),
        "start_1": start.strftime("%H:%M:%S"),
        "organizations": [committee.pk],
        "keyword": "[]",
        "agenda_items-TOTAL_FORMS": "1",
        "agenda_items-INITIAL_FORMS": "1",
        "agenda_items-MIN_NUM_FORMS": "0",
        "agenda_items-MAX_NUM_FORMS": "1000",
        "agenda_items-0-id": item.pk,
        "agenda_items-0-meeting": meeting.pk,
        "agenda_items-0-order": "1",
        "agenda_items-0-number": "Ö 1",
        "agenda_items-0-name": "Eröffnung",
        "agenda_items-0-public": "on",
        "agenda_items-0-DELETE": "on",
        "files-TOTAL_FORMS": "0",
        "files-INITIAL_FORMS": "0",
        "files-MIN_NUM_FORMS": "0",
        "files-MAX_NUM_FORMS": "1000",
    }

    response = client.post(admin_url(Meeting, "change", meeting.pk), data)

    assert response.status_code == 302, response.context["errors"]
    assert AgendaItem.all_objects.get(pk=item.pk).deleted


def test_granting_a_body_in_the_user_form_makes_a_clerk(
    client_for: Any, admin: User, body: Body
) -> None:
    user = UserFactory(username="neu-im-sitzungsdienst")
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": joined.strftime("%d.%m.%Y"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "clerk_of": [body.pk],
    }

    response = client_for(admin).post(admin_url(User, "change", user.pk), data)

    assert response.status_code == 302, response.context["errors"]
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.clerk_of.all()) == [body]
    assert user.groups.filter(name=services.CLERK_GROUP_NAME).exists()
    assert Group.objects.get(name=services.CLERK_GROUP_NAME).permissions.exists()


def test_uploaded_file_gets_name_size_type_and_checksum(
    client_for: Any, clerk: User, body: Body
) -> None:
    paper = PaperFactory(body=body)
    payload = b"%PDF-1.4\n% Lageplan\n%%EOF\n"
    data = {
        "name": "Lageplan",
        "role": File.Role.AUXILIARY,
        "content": SimpleUploadedFile("lageplan.pdf", payload, content_type="application/pdf"),
        "public": "on",
        "order": "0",
        "paper": paper.pk,
        "keyword": "[]",
    }

    response = client_for(clerk).post(admin_url(File, "add"), data)

    assert response.status_code == 302, response.context["errors"]
    stored = File.objects.get(paper=paper)
    assert stored.file_name == "lageplan.pdf"
    assert stored.size == len(payload)
    assert stored.mime_type == "application/pdf"
    assert stored.sha256 == hashlib.sha256(payload).hexdigest()
    assert stored.content.read() == payload


def test_file_without_owner_is_rejected(client_for: Any, clerk: User) -> None:
    data = {
        "name": "Lageplan",
        "role": File.Role.AUXILIARY,
        "content": SimpleUploadedFile("lageplan.pdf", b"%PDF-1.4", content_type="application/pdf"),
        "order": "0",
        "keyword": "[]",
    }

    response = client_for(clerk).post(admin_url(File, "add"), data)

    assert response.status_code == 200
    assert not File.all_objects.exists()


def test_paper_changelist_costs_constant_queries(
    client_for: Any, clerk: User, body: Body, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        PaperFactory(body=body)
    client = client_for(clerk)

    with django_assert_max_num_queries(11):
        response = client.get(admin_url(Paper, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 30


def test_meeting_changelist_costs_constant_queries(
    client_for: Any,
    clerk: User,
    body: Body,
    committee: Organization,
    council: Organization,
    django_assert_max_num_queries: Any,
) -> None:
    for day in range(30):
        MeetingFactory(
            body=body,
            organizations=[committee, council],
            location=LocationFactory(),
            start=timezone.now() + datetime.timedelta(days=day),
        )
    client = client_for(clerk)

    with django_assert_max_num_queries(13):
        response = client.get(admin_url(Meeting, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 30
