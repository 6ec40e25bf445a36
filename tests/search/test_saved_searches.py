"""Saved searches: members save a search from the results page, rename it, switch its e-mail
on and off and delete it; the daily run mails each user the new matches they may see."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.models import Paper
from ratsinfo.jobs import job_run_one
from ratsinfo.models import Body, Job, Organization, User
from search import notifications
from search.backends import get_backend
from search.models import SavedSearch
from search.notifications import (
    JOB,
    NotificationsFailed,
    next_run_after,
    saved_searches_notify,
)
from search.services import MAX_SAVED_SEARCHES
from tests.factories import ConsultationFactory, PaperFactory, UserFactory

pytestmark = pytest.mark.django_db

CANARY = "Kanarienvogelnest"


def ago(**delta: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def saved_for(user: User, query: str = "Ortsumfahrung", **fields: Any) -> SavedSearch:
    fields.setdefault("name", query)
    fields.setdefault("notified_until", ago(hours=3))
    return SavedSearch.objects.create(user=user, query=query, **fields)


def csrf_client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_token(client: Client) -> str:
    content = client.get(reverse("search"), {"q": "Radweg"}).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    assert found is not None
    return found.group(1)


# --- saving from the results page -------------------------------------------------------------


def test_member_saves_the_search_with_its_filters(member: User) -> None:
    client = csrf_client(member)
    token = csrf_token(client)

    response = client.post(
        reverse("saved-search-create"),
        {
            "csrfmiddlewaretoken": token,
            "name": "Radwege",
            "q": "Radweg",
            "filters": "sortierung=neueste&art=paper&jahr=2026&unbekannt=1",
            "notify": "on",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("saved-search-list")
    saved = SavedSearch.objects.get(user=member)
    assert (saved.name, saved.query, saved.notify) == ("Radwege", "Radweg", True)
    assert saved.filters == "art=paper&jahr=2026&sortierung=neueste"
    assert abs(saved.notified_until - timezone.now()) < datetime.timedelta(minutes=1)
    listing = client.get(reverse("saved-search-list")).content.decode()
    assert "Die Suche „Radwege“ wurde gespeichert." in listing
    assert "Art: Vorlage; Jahr: 2026; Sortierung: Neueste zuerst" in listing
    assert 'href="/suche/?q=Radweg&amp;art=paper&amp;jahr=2026&amp;sortierung=neueste"' in listing


def test_saving_without_the_csrf_token_is_refused(member: User) -> None:
    client = csrf_client(member)

    response = client.post(reverse("saved-search-create"), {"name": "x", "q": "Radweg"})

    assert response.status_code == 403
    assert not SavedSearch.objects.exists()


def test_anonymous_visitor_cannot_save_and_is_sent_to_the_login(client: Client, db: None) -> None:
    response = client.post(
        reverse("saved-search-create"), {"name": "x", "q": "Radweg", "filters": "art=paper"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert "Radweg" in response["Location"]
    assert not SavedSearch.objects.exists()


def test_saving_needs_a_query_to_search_for(client_for: Any, member: User) -> None:
    client = client_for(member)

    response = client.post(
        reverse("saved-search-create"), {"name": "Nichts", "q": "-Haushalt"}, follow=True
    )

    assert not SavedSearch.objects.exists()
    assert "Eine Suche ohne Suchbegriff kann nicht gespeichert werden." in (
        response.content.decode()
    )


def test_saving_without_a_name_uses_the_query(client_for: Any, member: User) -> None:
    client_for(member).post(reverse("saved-search-create"), {"name": "  ", "q": " Radweg  Nord "})

    assert SavedSearch.objects.get(user=member).name == "Radweg Nord"


def test_saving_the_same_search_twice_is_refused(client_for: Any, member: User) -> None:
    client = client_for(member)
    data = {"name": "Radwege", "q": "Radweg", "filters": "art=paper"}
    client.post(reverse("saved-search-create"), data)

    response = client.post(reverse("saved-search-create"), {**data, "name": "Nochmal"}, follow=True)

    assert SavedSearch.objects.count() == 1
    assert "Diese Suche haben Sie bereits gespeichert: „Radwege“." in response.content.decode()


def test_saved_searches_are_limited_per_user(client_for: Any, member: User) -> None:
    for n in range(MAX_SAVED_SEARCHES):
        saved_for(member, query=f"Thema{n}")

    response = client_for(member).post(
        reverse("saved-search-create"), {"name": "Eine zu viel", "q": "Radweg"}, follow=True
    )

    assert SavedSearch.objects.filter(user=member).count() == MAX_SAVED_SEARCHES
    assert f"Sie haben bereits {MAX_SAVED_SEARCHES} gespeicherte Suchen" in (
        response.content.decode()
    )


def test_saving_queues_the_daily_notification_run_once(client_for: Any, member: User) -> None:
    client = client_for(member)
    client.post(reverse("saved-search-create"), {"name": "A", "q": "Radweg", "notify": "on"})
    client.post(reverse("saved-search-create"), {"name": "B", "q": "Spielplatz", "notify": "on"})

    jobs = Job.objects.filter(name=JOB)
    assert jobs.count() == 1
    assert timezone.localtime(jobs[0].run_after).hour == notifications.NOTIFY_HOUR


# --- the list page: rename, notification, delete ----------------------------------------------


def test_list_page_needs_a_login(client: Client, db: None) -> None:
    response = client.get(reverse("saved-search-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_list_shows_only_the_users_own_searches(
    client_for: Any, member: User, other_member: User
) -> None:
    saved_for(member, query="Radweg", name="Meine Radwege")
    saved_for(other_member, query="Friedhof", name="Fremde Friedhöfe")

    content = client_for(member).get(reverse("saved-search-list")).content.decode()

    assert "Meine Radwege" in content
    assert "Fremde Friedhöfe" not in content


def test_workspace_links_to_the_saved_searches(client_for: Any, member: User) -> None:
    content = client_for(member).get(reverse("workspace")).content.decode()

    assert f'href="{reverse("saved-search-list")}"' in content


def test_rename(client_for: Any, member: User) -> None:
    saved = saved_for(member, name="Alt")

    response = client_for(member).post(
        reverse("saved-search-rename", args=[saved.pk]), {f"s{saved.pk}-name": "  Neu  "}
    )

    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.name == "Neu"


def test_rename_to_nothing_keeps_the_name(client_for: Any, member: User) -> None:
    saved = saved_for(member, name="Alt")

    response = client_for(member).post(
        reverse("saved-search-rename", args=[saved.pk]), {f"s{saved.pk}-name": ""}, follow=True
    )

    saved.refresh_from_db()
    assert saved.name == "Alt"
    assert "Bitte geben Sie der Suche einen Namen." in response.content.decode()


def test_notification_off_and_on_again_starts_from_now(client_for: Any, member: User) -> None:
    saved = saved_for(member, notified_until=ago(days=30))
    client = client_for(member)

    client.post(reverse("saved-search-notify", args=[saved.pk]), {"notify": "0"})
    saved.refresh_from_db()
    assert not saved.notify

    client.post(reverse("saved-search-notify", args=[saved.pk]), {"notify": "1"})
    saved.refresh_from_db()
    assert saved.notify
    assert abs(saved.notified_until - timezone.now()) < datetime.timedelta(minutes=1)


def test_delete(client_for: Any, member: User) -> None:
    saved = saved_for(member, name="Weg damit")

    response = client_for(member).post(reverse("saved-search-delete", args=[saved.pk]), follow=True)

    assert not SavedSearch.objects.exists()
    assert "Die gespeicherte Suche „Weg damit“ wurde gelöscht." in response.content.decode()


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("saved-search-rename", {"name": "Gekapert"}),
        ("saved-search-notify", {"notify": "0"}),
        ("saved-search-delete", {}),
    ],
)
def test_another_users_search_is_not_found(
    client_for: Any, member: User, other_member: User, route: str, data: dict[str, str]
) -> None:
    theirs = saved_for(other_member, name="Fremd")
    data = {f"s{theirs.pk}-{k}" if k == "name" else k: v for k, v in data.items()}

    response = client_for(member).post(reverse(route, args=[theirs.pk]), data)

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.notify) == ("Fremd", True)


@pytest.mark.parametrize("route", ["saved-search-rename", "saved-search-notify"])
def test_unknown_id_is_not_found(client_for: Any, member: User, route: str) -> None:
    response = client_for(member).post(reverse(route, args=[987654]), {"notify": "1"})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "route", ["saved-search-rename", "saved-search-notify", "saved-search-delete"]
)
def test_anonymous_changes_are_sent_to_the_login(client: Client, member: User, route: str) -> None:
    saved = saved_for(member)

    response = client.post(reverse(route, args=[saved.pk]), {"notify": "0"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert SavedSearch.objects.filter(pk=saved.pk, notify=True).exists()


def test_changes_only_by_post(client_for: Any, member: User) -> None:
    saved = saved_for(member)
    client = client_for(member)

    assert client.get(reverse("saved-search-delete", args=[saved.pk])).status_code == 405
    assert client.get(reverse("saved-search-create")).status_code == 405
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


# --- notifications ----------------------------------------------------------------------------


@pytest.fixture
def citizen_user(db: None) -> User:
    """A login without a person: sees what the public sees."""
    return UserFactory(username="buergerin", email="buergerin@example.org")


def new_paper(body: Body, name: str, *, published: datetime.datetime, **fields: Any) -> Paper:
    paper: Paper = PaperFactory(body=body, name=name, published_at=published, **fields)
    return paper


def test_mails_only_new_matches_the_user_may_see(
    body: Body, committee: Organization, citizen_user: User
) -> None:
    saved = saved_for(citizen_user, name="Umfahrung")
    new_paper(body, "Ortsumfahrung Süd: Planfeststellung", published=ago(hours=1))
    new_paper(body, "Ortsumfahrung Nord: Vorentwurf", published=ago(days=2))
    secret = new_paper(
        body, f"Ortsumfahrung {CANARY}", published=ago(hours=1), public=False, reference="2026/9"
    )
    ConsultationFactory(paper=secret, organizations=[committee])
    get_backend().rebuild()
    now = timezone.now()

    report = saved_searches_notify(now=now)

    assert report.mails == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["buergerin@example.org"]
    assert message.subject == "Neue Treffer für Ihre gespeicherte Suche „Umfahrung“"
    assert "Ortsumfahrung Süd: Planfeststellung" in message.body
    assert "Vorentwurf" not in message.body
    assert CANARY not in message.body
    assert "1 neuer Treffer" in message.body
    assert "http://testserver/" not in message.body
    assert "/vorlagen/" in message.body
    assert "/suche/gespeichert/" in message.body
    saved.refresh_from_db()
    assert saved.notified_until == now


def test_member_is_mailed_the_non_public_match_of_their_committee(
    body: Body, committee: Organization, member: User
) -> None:
    member.email = "mitglied@example.org"
    member.save()
    saved_for(member, query=CANARY)
    secret = new_paper(body, f"Ortsumfahrung {CANARY}", published=ago(hours=1), public=False)
    ConsultationFactory(paper=secret, organizations=[committee])
    get_backend().rebuild()

    saved_searches_notify()

    assert len(mail.outbox) == 1
    assert CANARY in mail.outbox[0].body


def test_nothing_new_sends_nothing_but_moves_on(body: Body, citizen_user: User) -> None:
    saved = saved_for(citizen_user)
    new_paper(body, "Ortsumfahrung Nord", published=ago(days=2))
    get_backend().rebuild()
    now = timezone.now()

    saved_searches_notify(now=now)

    assert mail.outbox == []
    saved.refresh_from_db()
    assert saved.notified_until == now


def test_a_second_run_does_not_repeat_matches(body: Body, citizen_user: User) -> None:
    saved_for(citizen_user)
    new_paper(body, "Ortsumfahrung Süd", published=ago(hours=1))
    get_backend().rebuild()

    saved_searches_notify()
    saved_searches_notify()

    assert len(mail.outbox) == 1


def test_one_mail_per_user_for_all_their_searches(body: Body, citizen_user: User) -> None:
    saved_for(citizen_user, query="Ortsumfahrung")
    saved_for(citizen_user, query="Spielplatz")
    saved_for(citizen_user, query="Friedhof")
    new_paper(body, "Ortsumfahrung Süd", published=ago(hours=1))
    new_paper(body, "Spielplatz am Teich", published=ago(hours=1))
    get_backend().rebuild()

    saved_searches_notify()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Neue Treffer für 2 Ihrer gespeicherten Suchen"
    assert "Spielplatz am Teich" in mail.outbox[0].body
    assert "Friedhof" not in mail.outbox[0].body


def test_filters_of_the_saved_search_apply(body: Body, citizen_user: User) -> None:
    saved_for(citizen_user, filters="vorlagenart=Antrag")
    new_paper(body, "Ortsumfahrung Süd", published=ago(hours=1), paper_type=Paper.Type.MOTION)
    new_paper(body, "Ortsumfahrung West", published=ago(hours=1), paper_type=Paper.Type.INQUIRY)
    get_backend().rebuild()

    saved_searches_notify()

    assert "Ortsumfahrung Süd" in mail.outbox[0].body
    assert "Ortsumfahrung West" not in mail.outbox[0].body


def test_switched_off_inactive_and_mailless_users_get_nothing(body: Body) -> None:
    saved_for(UserFactory(email="aus@example.org"), notify=False)
    saved_for(UserFactory(email="inaktiv@example.org", is_active=False))
    mailless = saved_for(UserFactory(email=""))
    new_paper(body, "Ortsumfahrung Süd", published=ago(hours=1))
    get_backend().rebuild()

    saved_searches_notify()

    assert mail.outbox == []
    # Not reported yet: once the user has an address, the matches are still news.
    assert SavedSearch.objects.get(pk=mailless.pk).notified_until < ago(hours=2)


def test_failed_mail_is_reported_again_next_time(
    body: Body, citizen_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = saved_for(citizen_user)
    before = saved.notified_until
    new_paper(body, "Ortsumfahrung Süd", published=ago(hours=1))
    get_backend().rebuild()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("SMTP down")

    monkeypatch.setattr(notifications, "send_mail", broken)
    with pytest.raises(NotificationsFailed):
        saved_searches_notify()
    saved.refresh_from_db()
    assert saved.notified_until == before

    monkeypatch.undo()
    saved_searches_notify()
    assert len(mail.outbox) == 1


def test_many_matches_are_cut_with_a_link_to_all(body: Body, citizen_user: User) -> None:
    saved_for(citizen_user)
    for n in range(notifications.MAIL_HITS + 3):
        new_paper(body, f"Ortsumfahrung Abschnitt {n}", published=ago(hours=1))
    get_backend().rebuild()

    saved_searches_notify()

    body_text = mail.outbox[0].body
    assert f"{notifications.MAIL_HITS + 3} neue Treffer" in body_text
    assert "… und 3 weitere Treffer." in body_text
    assert "/suche/?q=Ortsumfahrung" in body_text


def test_command_sends_the_mails(body: Body, citizen_user: User) -> None:
    saved_for(citizen_user)
    new_paper(body, "Ortsumfahrung Süd", published=ago(hours=1))
    get_backend().rebuild()
    out = io.StringIO()

    call_command("notify_saved_searches", stdout=out)

    assert len(mail.outbox) == 1
    assert "1 gespeicherte Suchen geprüft, 1 E-Mails verschickt." in out.getvalue()


def test_command_schedules_the_daily_run_once(db: None) -> None:
    call_command("notify_saved_searches", "--schedule", stdout=io.StringIO())
    call_command("notify_saved_searches", "--schedule", stdout=io.StringIO())

    job = Job.objects.get(name=JOB)
    assert job.run_after == next_run_after(timezone.now())


def test_daily_job_mails_and_queues_the_next_run(body: Body, citizen_user: User) -> None:
    saved_for(citizen_user)
    new_paper(body, "Ortsumfahrung Süd", published=ago(hours=1))
    get_backend().rebuild()
    Job.objects.create(name=JOB, payload={}, dedupe_key=f"{JOB}:heute")

    assert job_run_one(worker_id="test", lease=datetime.timedelta(minutes=5))

    assert len(mail.outbox) == 1
    done = Job.objects.get(dedupe_key=f"{JOB}:heute")
    assert done.state == Job.State.DONE
    following = Job.objects.get(name=JOB, state=Job.State.QUEUED)
    assert following.run_after == next_run_after(timezone.now())


def test_next_run_is_the_next_six_oclock() -> None:
    def local(day: int, hour: int, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime(2026, 3, day, hour, minute))

    assert next_run_after(local(5, 5, 59)) == local(5, 6)
    assert next_run_after(local(5, 6)) == local(6, 6)
    assert next_run_after(local(5, 23)) == local(6, 6)
    # The day the clocks go forward (29 March 2026) still runs at six local time.
    assert next_run_after(local(28, 12)) == local(29, 6)
