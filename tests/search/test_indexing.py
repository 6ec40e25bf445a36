"""The indexing pipeline (search.indexing, search.signals): every save, deletion and relation
change of what the index holds reaches the backend once the transaction commits; nothing of a
rolled-back transaction does; a failing backend never undoes a save and its work is retried
from the job queue.

`committed()` runs the block's commit hooks at its end, as the real commit would; the backend
is the one this installation uses."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import connection, models, transaction

from documents.extraction import ExtractionResult
from documents.models import ExtractionState, File, Paper
from documents.services import _file_extraction_save
from ratsinfo.jobs import job_run_one
from ratsinfo.models import Job, Organization
from search import indexing
from search.backends import get_backend
from search.backends.base import Backend, Filters, Hit
from tests.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    FileFactory,
    LocationFactory,
    MeetingFactory,
    MembershipFactory,
    MinutesFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
)
from tests.search.conftest import all_hits, found, key

pytestmark = pytest.mark.django_db

Committed = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Committed:
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _empty_index(db: None) -> None:
    """An index outside the database (Elasticsearch) keeps what earlier tests wrote."""
    get_backend().rebuild()


@pytest.fixture
def backend(db: None) -> Backend:
    return get_backend()


class Recorder:
    """Stands in for the backend and records what it is asked to index."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.indexed: list[set[tuple[str, int]]] = []
        self.fail = fail

    def index(self, objs: Iterable[models.Model]) -> None:
        from search.entries import key_of

        self.indexed.append({k for o in objs if (k := key_of(o))})
        if self.fail is not None:
            raise self.fail


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(indexing, "get_backend", lambda: recorder)
    return recorder


def _hit(backend: Backend, text: str, user: Any, obj: models.Model) -> Hit:
    (hit,) = [h for h in all_hits(backend, text, user) if (h.kind, h.object_id) == key(obj)]
    return hit


# --- Saves ------------------------------------------------------------------------------------


def test_saved_paper_is_found(
    backend: Backend, committed: Committed, body: Any, citizen: Any
) -> None:
    with committed():
        paper = PaperFactory(body=body, name="Kanalsanierung Nordstraße")

    assert key(paper) in found(backend, "Kanalsanierung", citizen)


def test_renamed_paper_is_found_by_its_new_word_only(
    backend: Backend, committed: Committed, body: Any, citizen: Any
) -> None:
    with committed():
        paper = PaperFactory(body=body, name="Kanalsanierung Nordstraße")

    with committed():
        paper.name = "Kanalsanierung Südstraße"
        paper.save()

    assert key(paper) in found(backend, "Südstraße", citizen)
    assert key(paper) not in found(backend, "Nordstraße", citizen)


def test_saved_file_is_found_by_its_text(
    backend: Backend, committed: Committed, body: Any, citizen: Any
) -> None:
    with committed():
        file = FileFactory(paper__body=body, text="Gutachten zur Brückenprüfung")

    assert key(file) in found(backend, "Brückenprüfung", citizen)


def test_saved_meeting_is_found(
    backend: Backend, committed: Committed, body: Any, committee: Organization, citizen: Any
) -> None:
    with committed():
        meeting = MeetingFactory(
            body=body, name="Sondersitzung Hochwasser", organizations=[committee]
        )

    assert key(meeting) in found(backend, "Hochwasser", citizen)


def test_saved_agenda_item_is_found_by_its_resolution(
    backend: Backend, committed: Committed, body: Any, citizen: Any
) -> None:
    with committed():
        item = AgendaItemFactory(
            meeting__body=body, resolution_text="Der Rat beschließt die Deichverstärkung."
        )

    assert key(item) in found(backend, "Deichverstärkung", citizen)


def test_saved_minutes_are_found(
    backend: Backend, committed: Committed, body: Any, citizen: Any
) -> None:
    with committed():
        minutes = MinutesFactory(
            meeting__body=body, introduction="Begrüßung der Gäste aus Partnerstadt"
        )

    assert key(minutes) in found(backend, "Partnerstadt", citizen)


def test_saved_organization_is_found(
    backend: Backend, committed: Committed, body: Any, citizen: Any
) -> None:
    with committed():
        organization = OrganizationFactory(body=body, name="Jugendhilfeausschuss")

    assert key(organization) in found(backend, "Jugendhilfeausschuss", citizen)


def test_saved_person_is_found(
    backend: Backend, committed: Committed, body: Any, citizen: Any
) -> None:
    with committed():
        person = PersonFactory(body=body, given_name="Henrike", family_name="Zwiebelmeier")

    assert key(person) in found(backend, "Zwiebelmeier", citizen)


# --- Extraction -------------------------------------------------------------------------------


def _extracted(file: File, pages: list[str]) -> None:
    result = ExtractionResult(state=ExtractionState.DONE, pages=pages, page_count=len(pages))
    _file_extraction_save(file_id=file.pk, mime="application/pdf", result=result)


def test_finished_extraction_makes_page_text_searchable(
    backend: Backend, committed: Committed, body: Any, citizen: Any
) -> None:
    with committed():
        file = FileFactory(paper__body=body, name="Gutachten")
    assert key(file) not in found(backend, "Brückenprüfung", citizen)

    with committed():
        _extracted(file, ["Einleitung", "Ergebnis der Brückenprüfung", "Anhang"])

    assert _hit(backend, "Brückenprüfung", citizen, file).page == 2


def test_new_extraction_replaces_the_old_text(
    backend: Backend, committed: Committed, body: Any, citizen: Any
) -> None:
    with committed():
        file = FileFactory(paper__body=body, name="Gutachten")
        _extracted(file, ["Ergebnis der Brückenprüfung"])

    with committed():
        _extracted(file, ["Ergebnis der Tunnelprüfung"])

    assert key(file) in found(backend, "Tunnelprüfung", citizen)
    assert key(file) not in found(backend, "Brückenprüfung", citizen)


# --- Relations --------------------------------------------------------------------------------


def _organizations_of(backend: Backend, text: str, obj: models.Model, admin: Any) -> set[int]:
    """The organizations whose facet filter keeps `obj` among the hits of `text`."""
    organizations = Organization.objects.values_list("pk", flat=True)
    return {
        pk
        for pk in organizations
        if key(obj)
        in found(backend, text, admin, filters=Filters(organization=frozenset({str(pk)})))
    }


def test_consultation_adds_its_committee_to_the_paper_facet(
    backend: Backend, committed: Committed, body: Any, committee: Organization, admin: Any
) -> None:
    with committed():
        paper = PaperFactory(body=body, name="Kanalsanierung")

    with committed():
        ConsultationFactory(paper=paper, organizations=[committee])

    assert _organizations_of(backend, "Kanalsanierung", paper, admin) == {committee.pk}


def test_committee_added_from_its_own_side_reaches_the_paper_facet(
    backend: Backend, committed: Committed, body: Any, committee: Organization, admin: Any
) -> None:
    with committed():
        paper = PaperFactory(body=body, name="Kanalsanierung")
        consultation = ConsultationFactory(paper=paper)

    with committed():
        committee.consultations.add(consultation)

    assert _organizations_of(backend, "Kanalsanierung", paper, admin) == {committee.pk}


def test_deleted_consultation_takes_its_committee_from_the_facet(
    backend: Backend, committed: Committed, body: Any, committee: Organization, admin: Any
) -> None:
    with committed():
        paper = PaperFactory(body=body, name="Kanalsanierung")
        consultation = ConsultationFactory(paper=paper, organizations=[committee])

    with committed():
        consultation.delete()

    assert _organizations_of(backend, "Kanalsanierung", paper, admin) == set()


def test_meeting_organizations_reach_agenda_items_and_files(
    backend: Backend,
    committed: Committed,
    body: Any,
    committee: Organization,
    other_committee: Organization,
    admin: Any,
) -> None:
    with committed():
        meeting = MeetingFactory(body=body, organizations=[committee])
        item = AgendaItemFactory(meeting=meeting, name="Deichverstärkung")
        file = FileFactory(paper=None, meeting=meeting, role="invitation", text="Deichverstärkung")

    with committed():
        meeting.organizations.add(other_committee)

    expected = {committee.pk, other_committee.pk}
    assert _organizations_of(backend, "Deichverstärkung", item, admin) == expected
    assert _organizations_of(backend, "Deichverstärkung", file, admin) == expected


def test_meeting_added_from_the_organization_side_reaches_agenda_items(
    backend: Backend,
    committed: Committed,
    body: Any,
    committee: Organization,
    other_committee: Organization,
    admin: Any,
) -> None:
    with committed():
        meeting = MeetingFactory(body=body, organizations=[committee])
        item = AgendaItemFactory(meeting=meeting, name="Deichverstärkung")

    with committed():
        other_committee.meetings.add(meeting)

    assert _organizations_of(backend, "Deichverstärkung", item, admin) == {
        committee.pk,
        other_committee.pk,
    }


def test_organization_clearing_its_meetings_leaves_their_agenda_items(
    backend: Backend,
    committed: Committed,
    body: Any,
    committee: Organization,
    other_committee: Organization,
    admin: Any,
) -> None:
    with committed():
        meeting = MeetingFactory(body=body, organizations=[committee, other_committee])
        item = AgendaItemFactory(meeting=meeting, name="Deichverstärkung")

    with committed():
        other_committee.meetings.clear()

    assert _organizations_of(backend, "Deichverstärkung", item, admin) == {committee.pk}


def test_membership_adds_the_organization_to_the_person_facet(
    backend: Backend, committed: Committed, body: Any, committee: Organization, admin: Any
) -> None:
    with committed():
        person = PersonFactory(body=body, family_name="Zwiebelmeier")

    with committed():
        MembershipFactory(person=person, organization=committee)

    assert _organizations_of(backend, "Zwiebelmeier", person, admin) == {committee.pk}


# --- What embeds what -------------------------------------------------------------------------


def test_renamed_paper_renames_the_context_of_its_files(
    backend: Backend, committed: Committed, body: Any, citizen: Any
) -> None:
    with committed():
        paper = PaperFactory(body=body, name="Kanalsanierung Nordstraße")
        file = FileFactory(paper=paper, text="Gutachten zur Brückenprüfung")

    with committed():
        paper.name = "Kanalsanierung Südstraße"
        paper.save()

    assert "Südstraße" in _hit(backend, "Brückenprüfung", citizen, file).context


def test_renamed_meeting_renames_the_context_of_its_agenda_items(
    backend: Backend, committed: Committed, body: Any, citizen: Any
) -> None:
    with committed():
        meeting = MeetingFactory(body=body, name="Sitzung des Bauausschusses")
        item = AgendaItemFactory(meeting=meeting, name="Deichverstärkung")

    with committed():
        meeting.name = "Sondersitzung des Bauausschusses"
        meeting.save()

    assert "Sondersitzung" in _hit(backend, "Deichverstärkung", citizen, item).context


def test_changed_location_is_found_in_its_meetings(
    backend: Backend, committed: Committed, body: Any, citizen: Any
) -> None:
    with committed():
        location = LocationFactory(room="Ratssaal")
        meeting = MeetingFactory(body=body, location=location)

    with committed():
        location.room = "Spiegelsaal"
        location.save()

    assert key(meeting) in found(backend, "Spiegelsaal", citizen)


# --- Deletion ---------------------------------------------------------------------------------


def test_soft_deleted_paper_is_removed(
    backend: Backend, committed: Committed, body: Any, admin: Any
) -> None:
    with committed():
        paper = PaperFactory(body=body, name="Kanalsanierung")

    with committed():
        paper.deleted = True
        paper.save()

    assert key(paper) not in found(backend, "Kanalsanierung", admin)


def test_hard_deleted_paper_is_removed_with_its_files(
    backend: Backend, committed: Committed, body: Any, admin: Any
) -> None:
    with committed():
        paper = PaperFactory(body=body, name="Kanalsanierung")
        file = FileFactory(paper=paper, text="Kanalsanierung Gutachten")
    keys = {key(paper), key(file)}

    with committed():
        paper.delete()

    assert keys & found(backend, "Kanalsanierung", admin) == set()


def test_soft_deleted_meeting_removes_its_agenda_items_and_minutes(
    backend: Backend, committed: Committed, body: Any, admin: Any
) -> None:
    with committed():
        meeting = MeetingFactory(body=body, name="Sitzung Deichverstärkung")
        item = AgendaItemFactory(meeting=meeting, name="Deichverstärkung")
        minutes = MinutesFactory(meeting=meeting, introduction="Deichverstärkung")

    with committed():
        meeting.deleted = True
        meeting.save()

    hits = found(backend, "Deichverstärkung", admin)
    assert {key(meeting), key(item), key(minutes)} & hits == set()


# --- Transactions and failures ----------------------------------------------------------------


def test_rolled_back_transaction_indexes_nothing(
    backend: Backend, committed: Committed, body: Any, admin: Any
) -> None:
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        PaperFactory(body=body, name="Geisterwort")
        raise RuntimeError

    assert found(backend, "Geisterwort", admin) == set()


def test_rolled_back_edit_keeps_the_indexed_text(
    backend: Backend, committed: Committed, body: Any, citizen: Any
) -> None:
    with committed():
        paper = PaperFactory(body=body, name="Kanalsanierung Nordstraße")

    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        paper.name = "Kanalsanierung Südstraße"
        paper.save()
        raise RuntimeError

    assert key(paper) in found(backend, "Nordstraße", citizen)
    assert key(paper) not in found(backend, "Südstraße", citizen)


def test_next_commit_does_not_index_what_was_rolled_back(
    recorder: Recorder, committed: Committed, body: Any
) -> None:
    with indexing.paused():
        rolled_back, saved = PaperFactory(body=body), PaperFactory(body=body)
    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back.name = "Geisterwort"
        rolled_back.save()
        raise RuntimeError

    with committed():
        saved.name = "Kanalsanierung"
        saved.save()

    assert recorder.indexed == [{key(saved)}]


def test_many_saves_in_one_transaction_are_indexed_in_one_call(
    recorder: Recorder, committed: Committed, body: Any
) -> None:
    with committed():
        papers = [PaperFactory(body=body) for _ in range(5)]
        for paper in papers:
            paper.name += " geändert"
            paper.save()

    assert recorder.indexed == [{key(p) for p in papers}]


def test_paused_indexing_indexes_nothing(
    recorder: Recorder, committed: Committed, body: Any
) -> None:
    with committed(), indexing.paused():
        PaperFactory(body=body)

    assert recorder.indexed == []


def test_indexing_failure_keeps_the_save_and_queues_a_retry(
    monkeypatch: pytest.MonkeyPatch, committed: Committed, body: Any
) -> None:
    broken = Recorder(fail=RuntimeError("Suchindex nicht erreichbar"))
    monkeypatch.setattr(indexing, "get_backend", lambda: broken)

    with committed():
        paper = PaperFactory(body=body, name="Wiederholungsversuch")

    assert Paper.objects.filter(pk=paper.pk, name="Wiederholungsversuch").exists()
    (job,) = Job.objects.filter(name=indexing.JOB)
    assert job.state == Job.State.QUEUED
    assert ["paper", paper.pk] in job.payload["keys"]


def test_database_error_while_indexing_still_queues_a_retry(
    monkeypatch: pytest.MonkeyPatch, committed: Committed, body: Any
) -> None:
    class BrokenSql:
        def index(self, objs: Iterable[models.Model]) -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT no_such_column FROM no_such_table")

    monkeypatch.setattr(indexing, "get_backend", lambda: BrokenSql())

    with committed():
        paper = PaperFactory(body=body, name="Wiederholungsversuch")

    assert Paper.objects.filter(pk=paper.pk).exists()
    assert Job.objects.filter(name=indexing.JOB).count() == 1


def test_retry_job_indexes_what_failed(
    monkeypatch: pytest.MonkeyPatch, committed: Committed, body: Any, citizen: Any
) -> None:
    broken = Recorder(fail=RuntimeError("Suchindex nicht erreichbar"))
    with monkeypatch.context() as patch:
        patch.setattr(indexing, "get_backend", lambda: broken)
        with committed():
            paper = PaperFactory(body=body, name="Wiederholungsversuch")

    ran = job_run_one(worker_id="test", lease=datetime.timedelta(minutes=1))

    assert ran
    assert Job.objects.get(name=indexing.JOB).state == Job.State.DONE
    assert key(paper) in found(get_backend(), "Wiederholungsversuch", citizen)


def test_retry_of_an_object_deleted_meanwhile_removes_it(
    backend: Backend, committed: Committed, body: Any, admin: Any
) -> None:
    with committed():
        paper = PaperFactory(body=body, name="Kanalsanierung")
    Paper.all_objects.filter(pk=paper.pk).update(deleted=True)

    indexing.index_keys([key(paper)])

    assert key(paper) not in found(backend, "Kanalsanierung", admin)
