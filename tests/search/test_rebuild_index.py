"""`manage.py rebuild_index`: empties the index and fills it from every live object, saying
how far it is and how many entries it wrote; running it again changes nothing."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from documents.models import Paper
from search.backends import backend_name, get_backend
from search.entries import MODELS
from tests.factories import AgendaItemFactory, MeetingFactory, PaperFactory
from tests.search.conftest import Town, found, key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_index(db: None) -> None:
    """An index outside the database (Elasticsearch) keeps what earlier tests wrote."""
    get_backend().rebuild()


def rebuild(*args: str) -> str:
    out = StringIO()
    call_command("rebuild_index", *args, stdout=out)
    return out.getvalue()


def _live_objects() -> int:
    return sum(model._default_manager.count() for model in MODELS.values())


def test_rebuild_announces_backend_and_reports_the_count(town: Town) -> None:
    output = rebuild()

    lines = output.splitlines()
    assert lines[0].startswith(f"Suchindex wird neu aufgebaut ({backend_name()})")
    assert re.fullmatch(rf"Fertig: {_live_objects()} Einträge in \d+\.\d s indexiert\.", lines[-1])


def test_rebuild_prints_progress_up_to_all_entries(town: Town) -> None:
    total = _live_objects()

    output = rebuild()

    progress = [line for line in output.splitlines() if line.startswith("Einträge:")]
    assert progress
    assert progress[-1] == f"Einträge: {total}/{total} (100 %)"
    assert "\r" not in output


def test_rebuild_is_quiet_at_verbosity_zero(town: Town) -> None:
    output = rebuild("--verbosity", "0")

    assert output == ""


def test_rebuild_counts_only_live_entries(town: Town, body: Any) -> None:
    PaperFactory(body=body, deleted=True)
    deleted_meeting = MeetingFactory(body=body, deleted=True)
    AgendaItemFactory(meeting=deleted_meeting)
    # The agenda item is not deleted itself, but hangs on a deleted meeting.
    live = _live_objects() - 1

    output = rebuild()

    assert f"Fertig: {live} Einträge" in output
    assert f"Einträge: {live}/{live} (100 %)" in output


def test_rebuild_makes_unindexed_objects_searchable(town: Town, citizen: Any) -> None:
    assert found(get_backend(), "Bebauungsplan", citizen) == set()

    rebuild()

    assert key(town.zoning_plan) in found(get_backend(), "Bebauungsplan", citizen)


def test_rebuild_drops_entries_of_objects_gone_without_signals(town: Town, admin: Any) -> None:
    rebuild()
    Paper.all_objects.filter(pk=town.fire_brigade.pk).update(deleted=True)

    rebuild()

    assert key(town.fire_brigade) not in found(get_backend(), "Feuerwehr", admin)


def test_rebuild_twice_gives_the_same_index(town: Town, admin: Any) -> None:
    first = rebuild().splitlines()[-1].split(" in ")[0]
    before = {q: found(get_backend(), q, admin) for q in ("Haushalt", "Lärmschutzwand", "Radweg")}

    second = rebuild().splitlines()[-1].split(" in ")[0]

    after = {q: found(get_backend(), q, admin) for q in ("Haushalt", "Lärmschutzwand", "Radweg")}
    assert first == second
    assert before == after
    assert all(after.values())


def test_rebuild_with_named_backend(town: Town) -> None:
    output = rebuild("--backend", backend_name())

    assert f"({backend_name()})" in output.splitlines()[0]
