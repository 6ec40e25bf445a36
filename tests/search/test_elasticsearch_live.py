"""The Elasticsearch backend against a real server (DESIGN.md §6, §9). Runs only when
ELASTICSEARCH_URL points at one (see docs/search.md for a single-node cluster);
CI does not need it. Each test works in an alias of its own and deletes its indices after.

The shared suites (test_conformance.py, test_canary.py) run against Elasticsearch too when the
variable is set; this module checks what only a server can show: the analyzer as the server
runs it, the alias swap of a rebuild, the page of a file hit, and publication jobs."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from documents.models import ExtractionState, FilePage, Paper
from ratsinfo.jobs import job_run_one
from ratsinfo.models import Job
from search.backends.base import Filters, SearchRequest
from search.backends.elasticsearch import ElasticsearchBackend
from search.entries import PAGE_SEPARATOR
from search.indexing import JOB as INDEX_JOB
from search.query import parse
from tests.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    FileFactory,
    MeetingFactory,
    PaperFactory,
)

pytestmark = [
    pytest.mark.skipif(
        not settings.ELASTICSEARCH_URL,
        reason="no Elasticsearch server: set ELASTICSEARCH_URL (docs/search.md)",
    ),
    pytest.mark.django_db,
]


@pytest.fixture
def es(settings: Any) -> Iterator[ElasticsearchBackend]:
    settings.ELASTICSEARCH_INDEX = f"ratsinfo-test-{uuid.uuid4().hex[:12]}"
    backend = ElasticsearchBackend(url=settings.ELASTICSEARCH_URL)
    yield backend
    backend.client.indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX}-*", ignore_unavailable=True, allow_no_indices=True
    )


def keys(backend: ElasticsearchBackend, text: str, user: Any, **request: Any) -> set[tuple]:
    results = backend.search(SearchRequest(query=parse(text), per_page=50, **request), user=user)
    return {(hit.kind, hit.object_id) for hit in results.hits}


def test_server_analyzes_german_as_the_mapping_says(es):
    es.rebuild()

    analyzed = es.client.indices.analyze(
        index=es.alias,
        analyzer="ratsinfo_german",
        text="Die Bebauungspläne des Spielplatzes an der Mühlenstraße",
    )

    tokens = [token["token"] for token in analyzed["tokens"]]
    assert "die" not in tokens and "der" not in tokens and "des" not in tokens
    assert tokens[0] == "bebauungsplan"
    assert "spielplatz" in tokens
    assert tokens[-1].startswith("muhlenstrass")


def test_each_reader_finds_what_the_rule_lets_them_see(
    es, body, committee, citizen, member, other_member, clerk, admin
):
    public = PaperFactory(body=body, name="Spielplatz Lindenhof")
    secret = PaperFactory(body=body, name="Spielplatz Grundstück", public=False)
    ConsultationFactory(paper=secret, organizations=[committee])
    draft = PaperFactory(body=body, name="Spielplatz Entwurf", published_at=None)
    es.rebuild()
    everyone = {("paper", public.pk)}

    assert keys(es, "Spielplatz", citizen) == everyone
    assert keys(es, "Spielplatz", other_member) == everyone
    assert keys(es, "Spielplatz", member) == everyone | {("paper", secret.pk)}
    assert keys(es, "Spielplatz", clerk) == everyone | {("paper", secret.pk), ("paper", draft.pk)}
    assert keys(es, "Spielplatz", admin) == keys(es, "Spielplatz", clerk)


def test_totals_and_facets_count_only_what_the_reader_sees(es, body, committee, citizen):
    PaperFactory(body=body, name="Ortsumgehung Planung", paper_type=Paper.Type.MOTION)
    secret = PaperFactory(
        body=body, name="Ortsumgehung Ankauf", public=False, paper_type=Paper.Type.STATEMENT
    )
    ConsultationFactory(paper=secret, organizations=[committee])
    es.rebuild()

    results = es.search(SearchRequest(query=parse("Ortsumgehung")), user=citizen)

    assert results.total == 1
    assert {v.value: v.count for v in results.facets["paper_type"]} == {Paper.Type.MOTION: 1}
    assert results.facets["organization"] == []


def test_file_hit_names_the_page_of_the_match_and_escapes_the_text(es, body, citizen):
    pages = ["Anlass", "Verkehr", "Die Lärmschutzwand <b>wird</b> drei Meter hoch."]
    file = FileFactory(
        paper=PaperFactory(body=body),
        name="Schallgutachten",
        text=PAGE_SEPARATOR.join(pages),
        extraction_state=ExtractionState.DONE,
    )
    FilePage.objects.bulk_create(
        [FilePage(file=file, number=n, text=t) for n, t in enumerate(pages, start=1)]
    )
    es.rebuild()

    results = es.search(
        SearchRequest(query=parse("Lärmschutzwände"), filters=Filters(kind=frozenset({"file"}))),
        user=citizen,
    )

    (hit,) = results.hits
    assert hit.page == 3
    assert "<mark>Lärmschutzwand</mark>" in hit.snippet
    # Escaped by the server's HTML encoder (which writes "/" as "&#x2F;").
    assert "&lt;b&gt;wird" in hit.snippet
    assert "<b>" not in hit.snippet


def test_rebuild_moves_the_alias_and_drops_the_old_index(es, body, citizen):
    paper = PaperFactory(body=body, name="Feuerwehrhaus")
    es.rebuild()
    (first,) = es.client.indices.get_alias(name=es.alias).body

    es.rebuild()

    (second,) = es.client.indices.get_alias(name=es.alias).body
    assert second != first
    assert not es.client.indices.exists(index=first)
    assert not es.client.indices.exists_alias(name=es.rebuild_alias)
    assert keys(es, "Feuerwehrhaus", citizen) == {("paper", paper.pk)}


def test_index_and_remove_take_effect_for_the_next_search(es, body, citizen):
    paper = PaperFactory(body=body, name="Friedhof Urnenwand")
    es.rebuild()

    Paper.objects.filter(pk=paper.pk).update(name="Friedhof Baumbestattung")
    es.index([paper])
    assert keys(es, "Baumbestattung", citizen) == {("paper", paper.pk)}
    assert keys(es, "Urnenwand", citizen) == set()

    es.remove([paper])
    assert keys(es, "Baumbestattung", citizen) == set()


def test_non_public_agenda_item_is_found_by_members_of_the_meeting_only(
    es, body, committee, citizen, member
):
    meeting = MeetingFactory(body=body, organizations=[committee])
    item = AgendaItemFactory(meeting=meeting, public=False, name="Personalangelegenheit Bauhof")
    es.rebuild()

    assert keys(es, "Bauhof", citizen) == set()
    assert keys(es, "Bauhof", member) == {("agenda_item", item.pk)}


def test_paper_published_later_becomes_public_when_its_job_runs(es, body, citizen, clerk):
    later = timezone.now() + datetime.timedelta(days=2)
    paper = PaperFactory(body=body, name="Haushaltssatzung", published_at=later)
    es.rebuild()
    assert keys(es, "Haushaltssatzung", citizen) == set()
    assert keys(es, "Haushaltssatzung", clerk) == {("paper", paper.pk)}
    (job,) = Job.objects.filter(name=INDEX_JOB)
    assert job.run_after == later

    # The publication moment arrives.
    past = timezone.now() - datetime.timedelta(seconds=1)
    Paper.objects.filter(pk=paper.pk).update(published_at=past)
    Job.objects.filter(pk=job.pk).update(run_after=past)
    assert job_run_one(worker_id="test", lease=datetime.timedelta(minutes=1))

    assert keys(es, "Haushaltssatzung", citizen) == {("paper", paper.pk)}
