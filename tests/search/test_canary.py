"""The canary (DESIGN.md §3): a word planted only in what citizens and members of other
committees may not see — a non-public paper, a non-public attachment, a public attachment of a
non-public paper, a non-public agenda item's resolution, an unpublished paper and unpublished
minutes — never reaches them through search: not as a hit, a total, a facet count, a snippet,
a title or a context. Members of the right committee and clerks do find it, which proves the
canary is really indexed."""

from __future__ import annotations

import re
from typing import Any

import pytest

from search.backends import get_backend
from search.backends.base import Backend, Hit
from tests.search.conftest import (
    CANARY,
    CANARY_PAPER_TYPE,
    CANARY_YEAR,
    SECRET_REFERENCE,
    SHARED,
    UNPUBLISHED_REFERENCE,
    Town,
    all_hits,
    expected_facets,
    facet_counts,
    found,
    key,
    search,
)

pytestmark = pytest.mark.django_db

PROBES = [
    CANARY,
    CANARY.lower(),
    CANARY.upper(),
    "Kanarienvogelnester",
    "Kanarienvogelnests",
    "Kanarienvogel",
    "Kanarien*",
    f"{CANARY}*",
    f'"{CANARY}"',
    f"{CANARY} OR Haushalt",
    f"Haushalt OR {CANARY}",
    SHARED,
    f"{SHARED} {CANARY}",
    SECRET_REFERENCE,
    UNPUBLISHED_REFERENCE,
    "9001",
    "Grundstücksverkauf",
    "Kaufvertrag",
    "Kaufpreis",
    "Lageplan",
    "Personalangelegenheit",
    "Entwurf",
    "Bericht",
]
OUTSIDERS = ["citizen", "other_member"]


def _texts(hit: Hit) -> str:
    return " ".join((hit.title, hit.context, hit.snippet, hit.url)).lower()


@pytest.mark.parametrize("viewer", OUTSIDERS)
@pytest.mark.parametrize("probe", PROBES)
def test_outsider_search_reveals_no_canary(
    backend: Backend,
    indexed_town: Town,
    request: pytest.FixtureRequest,
    viewer: str,
    probe: str,
) -> None:
    user = request.getfixturevalue(viewer)

    results = search(backend, probe, user, per_page=50)

    revealed = {
        indexed_town.canaries[k] for k in found(backend, probe, user) if k in indexed_town.canaries
    }
    assert revealed == set()
    assert not [hit for hit in results.hits if CANARY.lower() in _texts(hit)]
    assert results.total == len(results.hits)
    assert facet_counts(results) == expected_facets(
        (hit.kind, hit.object_id) for hit in results.hits
    )
    years = {value.value for value in results.facets.get("year", [])}
    types = {value.value for value in results.facets.get("paper_type", [])}
    assert CANARY_YEAR not in years
    assert CANARY_PAPER_TYPE not in types


@pytest.mark.parametrize("viewer", OUTSIDERS)
def test_outsider_counts_only_the_public_paper_of_the_shared_word(
    backend: Backend, indexed_town: Town, request: pytest.FixtureRequest, viewer: str
) -> None:
    user = request.getfixturevalue(viewer)

    results = search(backend, SHARED, user)

    assert [(hit.kind, hit.object_id) for hit in results.hits] == [key(indexed_town.bypass)]
    assert results.total == 1
    counts = facet_counts(results)
    assert counts["kind"] == {"paper": 1}
    assert counts["organization"] == {str(indexed_town.committee.pk): 1}
    assert counts["year"] == {"2025": 1}
    assert counts["paper_type"] == {"Beschlussvorlage": 1}
    assert counts["file_type"] == {}


@pytest.mark.parametrize("viewer", OUTSIDERS)
def test_outsider_finds_nothing_with_the_canary_word(
    backend: Backend, indexed_town: Town, request: pytest.FixtureRequest, viewer: str
) -> None:
    user = request.getfixturevalue(viewer)

    results = search(backend, CANARY, user)

    assert (results.total, results.hits) == (0, [])
    assert all(values == [] for values in results.facets.values())


def test_member_of_the_committee_finds_the_non_public_canaries(
    backend: Backend, indexed_town: Town, member: Any
) -> None:
    hits = all_hits(backend, CANARY, member)

    keys = {(h.kind, h.object_id) for h in hits}
    # The attachment holds the canary only in its context (its paper's name).
    assert indexed_town.non_public_canaries - {key(indexed_town.file_of_secret_paper)} <= keys
    assert keys <= indexed_town.non_public_canaries
    assert any(CANARY.lower() in hit.snippet.lower() for hit in hits)


def test_member_of_the_committee_finds_the_attachment_of_the_non_public_paper(
    backend: Backend, indexed_town: Town, member: Any
) -> None:
    hits = found(backend, "Lageplan", member)

    assert key(indexed_town.file_of_secret_paper) in hits


def test_member_of_the_committee_finds_the_secret_reference(
    backend: Backend, indexed_town: Town, member: Any
) -> None:
    hits = found(backend, SECRET_REFERENCE, member)

    assert key(indexed_town.secret_paper) in hits


def test_member_does_not_find_unpublished_canaries(
    backend: Backend, indexed_town: Town, member: Any
) -> None:
    hits = found(backend, CANARY, member)

    assert key(indexed_town.unpublished_paper) not in hits
    assert key(indexed_town.unpublished_minutes) not in hits


def test_clerk_finds_every_canary(backend: Backend, indexed_town: Town, clerk: Any) -> None:
    hits = found(backend, CANARY, clerk) | found(backend, "Lageplan", clerk)

    assert set(indexed_town.canaries) <= hits


def test_clerk_counts_every_canary_in_facets(
    backend: Backend, indexed_town: Town, clerk: Any
) -> None:
    results = search(backend, SHARED, clerk, per_page=50)

    counts = facet_counts(results)
    assert results.total == 6
    assert counts["year"][CANARY_YEAR] == 4
    assert counts["paper_type"][CANARY_PAPER_TYPE] == 2


# --- The HTTP search page ---------------------------------------------------------------------


@pytest.fixture
def configured_town(town: Town) -> Town:
    """The town indexed by the backend the search page uses."""
    get_backend().rebuild()
    return town


PAGE_PROBES = [CANARY, "Kanarienvogelnester", SHARED, SECRET_REFERENCE, "Lageplan", "Kaufpreis"]


@pytest.mark.parametrize("viewer", OUTSIDERS)
@pytest.mark.parametrize("probe", PAGE_PROBES)
def test_search_page_reveals_no_canary(
    configured_town: Town,
    request: pytest.FixtureRequest,
    client_for: Any,
    viewer: str,
    probe: str,
) -> None:
    user = None if viewer == "citizen" else request.getfixturevalue(viewer)

    response = client_for(user).get("/suche/", {"q": probe})

    assert response.status_code == 200
    # The page repeats what was typed; everything else must be free of the canary.
    page = re.sub(re.escape(probe), "", response.content.decode(), flags=re.IGNORECASE)
    assert CANARY.lower() not in page.lower()
    assert SECRET_REFERENCE not in page
    assert UNPUBLISHED_REFERENCE not in page


def test_search_page_shows_the_canary_to_the_clerk(
    configured_town: Town, client_for: Any, clerk: Any
) -> None:
    response = client_for(clerk).get("/suche/", {"q": SHARED})

    assert response.status_code == 200
    assert CANARY in response.content.decode()
