"""Persona fixtures (DESIGN.md §10) and the database matrix switch."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from ratsinfo.models import Body, Organization, User
from tests.factories import BodyFactory, MembershipFactory, OrganizationFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    reason = (
        "needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test "
        "(.ci/run does)"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Every test writes uploads to its own folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """Factories set a password for every user; the production hasher would cost 0.2 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def body(db: None) -> Body:
    return BodyFactory(name="Stadt Musterstadt")


@pytest.fixture
def council(body: Body) -> Organization:
    return OrganizationFactory(body=body, name="Rat der Stadt", classification="Rat")


@pytest.fixture
def committee(body: Body) -> Organization:
    return OrganizationFactory(body=body, name="Bauausschuss")


@pytest.fixture
def other_committee(body: Body) -> Organization:
    return OrganizationFactory(body=body, name="Sozialausschuss")


@pytest.fixture
def citizen() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture
def member(committee: Organization) -> User:
    """A council member with a current membership in the building committee."""
    membership = MembershipFactory(organization=committee, person__body=committee.body)
    return UserFactory(username="mitglied", person=membership.person)


@pytest.fixture
def other_member(other_committee: Organization) -> User:
    """A member of another committee only."""
    membership = MembershipFactory(organization=other_committee, person__body=other_committee.body)
    return UserFactory(username="anderes-mitglied", person=membership.person)


@pytest.fixture
def clerk(body: Body) -> User:
    """A clerk (Sitzungsdienst) of the body, with the admin permissions the role brings."""
    from ratsinfo.services import clerk_grant

    return clerk_grant(user=UserFactory(username="sitzungsdienst"), body=body)


@pytest.fixture
def admin(db: None) -> User:
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for() -> Any:
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


class LiveEvents:
    """The live events that reached a Channels group, read from a fresh in-memory layer."""

    def __init__(self, layer: Any, loop: Any) -> None:
        self.layer = layer
        self.loop = loop
        self.channel = loop.run_until_complete(layer.new_channel())

    def subscribe(self, group: str) -> LiveEvents:
        self.loop.run_until_complete(self.layer.group_add(group, self.channel))
        return self

    def drain(self) -> list[dict[str, Any]]:
        import asyncio

        async def receive_all() -> list[dict[str, Any]]:
            received = []
            while True:
                try:
                    received.append(await asyncio.wait_for(self.layer.receive(self.channel), 0.05))
                except TimeoutError:
                    return received

        return self.loop.run_until_complete(receive_all())

    def types(self) -> list[str]:
        return [event["type"] for event in self.drain()]


@pytest.fixture
def live_events(settings: Any) -> Iterator[LiveEvents]:
    """A fresh in-memory channel layer and one subscriber on it (`.subscribe(group)`)."""
    import asyncio

    from channels.layers import channel_layers, get_channel_layer

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    loop = asyncio.new_event_loop()
    yield LiveEvents(get_channel_layer(), loop)
    loop.close()
    channel_layers.backends.clear()
