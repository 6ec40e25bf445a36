"""Publishing minutes: only clerks of the body and administrators, once, in one locked step."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from ratsinfo.models import Body, User
from ratsinfo.services import clerk_grant, object_soft_delete
from sessions.errors import MinutesPublishRejected
from sessions.models import Minutes
from sessions.services import minutes_publish
from tests.factories import BodyFactory, MeetingFactory, MinutesFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(body: Body) -> Minutes:
    return MinutesFactory(meeting=MeetingFactory(body=body), published_at=None)


def test_clerk_publishes_minutes_now(draft: Minutes, clerk: User) -> None:
    now = timezone.now()

    minutes_publish(minutes=draft, user=clerk, now=now)

    draft.refresh_from_db()
    assert draft.published_at == now


def test_administrator_publishes_minutes(draft: Minutes, admin: User) -> None:
    minutes_publish(minutes=draft, user=admin)

    draft.refresh_from_db()
    assert draft.published_at is not None
    assert draft.published_at <= timezone.now()


def test_publishing_returns_and_updates_the_given_object(draft: Minutes, clerk: User) -> None:
    published = minutes_publish(minutes=draft, user=clerk)

    assert published.published_at is not None
    assert draft.published_at == published.published_at


@pytest.mark.parametrize("persona", ["member", "other_member", "citizen"])
def test_others_may_not_publish(
    draft: Minutes, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied, match="Sitzungsdienst"):
        minutes_publish(minutes=draft, user=user)

    draft.refresh_from_db()
    assert draft.published_at is None


def test_clerk_of_another_body_may_not_publish(draft: Minutes) -> None:
    stranger = clerk_grant(user=UserFactory(), body=BodyFactory())

    with pytest.raises(PermissionDenied):
        minutes_publish(minutes=draft, user=stranger)


def test_anonymous_user_may_not_publish(draft: Minutes) -> None:
    with pytest.raises(PermissionDenied):
        minutes_publish(minutes=draft, user=AnonymousUser())


def test_published_minutes_cannot_be_published_again(draft: Minutes, clerk: User) -> None:
    first = timezone.now() - datetime.timedelta(days=2)
    minutes_publish(minutes=draft, user=clerk, now=first)

    with pytest.raises(MinutesPublishRejected, match="bereits"):
        minutes_publish(minutes=draft, user=clerk)

    draft.refresh_from_db()
    assert draft.published_at == first


def test_minutes_scheduled_for_later_can_be_published_now(draft: Minutes, clerk: User) -> None:
    Minutes.objects.filter(pk=draft.pk).update(
        published_at=timezone.now() + datetime.timedelta(days=3)
    )
    now = timezone.now()

    minutes_publish(minutes=draft, user=clerk, now=now)

    draft.refresh_from_db()
    assert draft.published_at == now


def test_deleted_minutes_cannot_be_published(draft: Minutes, clerk: User) -> None:
    object_soft_delete(obj=draft)

    with pytest.raises(MinutesPublishRejected, match="gelöscht"):
        minutes_publish(minutes=draft, user=clerk)


def test_admin_action_publishes_selected_minutes(
    draft: Minutes, clerk: User, client_for: Any
) -> None:
    client = client_for(clerk)

    response = client.post(
        reverse("admin:meetings_minutes_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.published_at is not None
    assert "1 Niederschrift wurde veröffentlicht." in response.content.decode()


def test_admin_action_reports_minutes_already_published(
    draft: Minutes, clerk: User, client_for: Any
) -> None:
    minutes_publish(minutes=draft, user=clerk)
    client = client_for(clerk)

    response = client.post(
        reverse("admin:meetings_minutes_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert "bereits seit" in response.content.decode()
