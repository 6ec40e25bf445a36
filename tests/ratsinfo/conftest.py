from __future__ import annotations

import pytest

from ratsinfo.models import Body, Organization
from tests.factories import OrganizationFactory


@pytest.fixture
def faction(body: Body) -> Organization:
    return OrganizationFactory(
        body=body, name="Fraktion Grüne", organization_type=Organization.Type.FACTION
    )
