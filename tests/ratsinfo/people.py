"""Shared arrangements of the organization and person page tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client
from django.utils import timezone

from ratsinfo.models import Body, Person
from tests.factories import PersonFactory

TODAY = timezone.localdate()
LAST_YEAR = TODAY - datetime.timedelta(days=365)
TWO_YEARS_AGO = TODAY - datetime.timedelta(days=730)


def page(client: Client, url: str, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def person(body: Body, given: str, family: str, **fields: Any) -> Person:
    return PersonFactory(
        body=body, given_name=given, family_name=family, name=f"{given} {family}", **fields
    )
