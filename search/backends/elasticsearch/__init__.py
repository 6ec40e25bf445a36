"""Elasticsearch backend (DESIGN.md §6): one index of entries with a German analyzer,
highlighting and aggregations, built with the DSL that ships with the official client.

- Index: `settings.ELASTICSEARCH_INDEX` names an alias. `rebuild()` fills a fresh index
  "<alias>-<timestamp>" (reached through the alias "<alias>-rebuild" meanwhile) and then moves
  the alias in one atomic step, so searches keep working on the old index; while a rebuild
  runs, `index()` and `remove()` write through both aliases.
- Visibility: Elasticsearch cannot ask the database, so each document carries its audience
  (`ratsinfo.visibility.audience`: public, or organizations whose members see it, or bodies
  whose clerks see it), and every search filters on the user's rights inside the query, so
  totals, facets and highlights never count or show what the user may not see. An object whose
  publication lies ahead is indexed for clerks only, and a job indexes it again at that moment.
- Pages: a file's pages are nested documents; the query asks for the best matching page
  (`inner_hits`) and its highlight, so a file hit names its page without sending its text.

`mapping` holds the analyzer, the document mapping and the bulk actions, `queries` the request
body of a search, `responses` the reading of its answer; this module talks to the server.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers

from ratsinfo.jobs import job_enqueue
from ratsinfo.visibility import Audience, audience_principal, audiences
from search import entries as entry_builders
from search.backends.base import FACETS, Progress, Results, SearchRequest
from search.backends.elasticsearch.mapping import index_actions, index_definition
from search.backends.elasticsearch.queries import build_search, searchable
from search.backends.elasticsearch.responses import results_from
from search.entries import EntryData
from search.errors import SearchUnavailable
from search.indexing import JOB as INDEX_JOB

logger = logging.getLogger(__name__)

BATCH = 500
SEARCH_TIMEOUT_SECONDS = 5
BULK_TIMEOUT_SECONDS = 120

USER_UNAVAILABLE = gettext_lazy(
    "Die Suche ist im Moment nicht erreichbar. Bitte versuchen Sie es in einigen Minuten "
    "noch einmal. Bleibt die Störung, informieren Sie bitte die Verwaltung."
)
USER_NOT_BUILT = gettext_lazy(
    "Der Suchindex wird gerade eingerichtet. Bitte versuchen Sie es in einigen Minuten noch einmal."
)


def audiences_for(batch: Iterable[EntryData]) -> dict[tuple[str, int], Audience]:
    """The audience of every entry, computed per kind in a bounded number of queries."""
    by_kind: dict[str, list[int]] = {}
    for data in batch:
        by_kind.setdefault(data.kind, []).append(data.object_id)
    found: dict[tuple[str, int], Audience] = {}
    now = timezone.now()
    for kind, ids in by_kind.items():
        for pk, seen_by in audiences(entry_builders.MODELS[kind], ids, now=now).items():
            found[(kind, int(pk))] = seen_by
    return found


def _safe_url(url: str) -> str:
    """The URL without credentials, for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme else "(leer)"


def make_client(url: str) -> Elasticsearch:
    """A client for `url` (credentials may be part of it); connects on first use."""
    # A reader waits at most a few seconds for a server that hangs; a refused connection is
    # tried once more (another node, or a restart just finishing).
    options: dict[str, Any] = {"request_timeout": SEARCH_TIMEOUT_SECONDS, "max_retries": 1}
    if settings.ELASTICSEARCH_CA_CERTS:
        options["ca_certs"] = settings.ELASTICSEARCH_CA_CERTS
    return Elasticsearch(url, **options)


class ElasticsearchBackend:
    """The search protocol (`search.backends.base.Backend`) on an Elasticsearch server."""

    name = "elasticsearch"

    def __init__(
        self, *, url: str, index: str | None = None, client: Elasticsearch | None = None
    ) -> None:
        self.url = url
        self._index = index
        self._client = client

    @property
    def alias(self) -> str:
        """Searched and written through; read on use, so tests can point it elsewhere."""
        return self._index or settings.ELASTICSEARCH_INDEX

    @property
    def rebuild_alias(self) -> str:
        """Held by the index a rebuild is filling: writes go there too."""
        return f"{self.alias}-rebuild"

    @property
    def client(self) -> Elasticsearch:
        if self._client is None:
            self._client = make_client(self.url)
        return self._client

    # --- errors ---

    @contextmanager
    def _unavailable(self) -> Iterator[None]:
        """Turns a failing server into `SearchUnavailable` with a message the user can act on;
        what failed goes to the log for the operator."""
        try:
            yield
        except NotFoundError as exc:
            detail = (
                f"Elasticsearch unter {_safe_url(self.url)} kennt den Suchindex "
                f"„{self.alias}“ nicht ({exc.message}). Bauen Sie ihn mit "
                "`manage.py rebuild_index` auf."
            )
            logger.error("%s", detail)
            raise SearchUnavailable(str(USER_NOT_BUILT), detail=detail) from exc
        except (ApiError, TransportError) as exc:
            detail = (
                f"Elasticsearch unter {_safe_url(self.url)} ist nicht erreichbar oder lehnt "
                f"die Anfrage ab ({type(exc).__name__}: {exc}). Prüfen Sie, ob der Dienst "
                "läuft und ob ELASTICSEARCH_URL (Adresse, Zugangsdaten) stimmt."
            )
            logger.error("%s", detail)
            raise SearchUnavailable(str(USER_UNAVAILABLE), detail=detail) from exc

    # --- the protocol ---

    def search(self, request: SearchRequest, *, user: Any) -> Results:
        notices = request.query.notices
        if searchable(request.query).is_empty:
            return Results(hits=[], total=0, facets={f: [] for f in FACETS}, notices=notices)
        principal = audience_principal(user)
        search = build_search(request, principal, index=self.alias)
        with self._unavailable():
            response = self.client.search(index=self.alias, body=search.to_dict())
        return results_from(response.body, user=user, notices=notices)

    def index(self, objs: Iterable[models.Model]) -> None:
        found, gone = entry_builders.entries_for(objs)
        targets = self._write_targets()
        if not targets:
            logger.warning(
                "Elasticsearch: Suchindex „%s“ fehlt, %d Einträge nicht indexiert; "
                "`manage.py rebuild_index` baut ihn auf.",
                self.alias,
                len(found) + len(gone),
            )
            return
        seen_by = audiences_for(found)
        actions: list[dict[str, Any]] = []
        for target in targets:
            actions += index_actions(found, gone, index=target, audience_of=seen_by)
        # Refreshed at once: a paper made non-public must vanish from the next search.
        self._bulk(actions, refresh=True)
        _schedule_changes(seen_by)

    def remove(self, objs: Iterable[models.Model]) -> None:
        keys = [key for key in map(entry_builders.key_of, objs) if key]
        targets = self._write_targets()
        actions: list[dict[str, Any]] = []
        for target in targets:
            actions += index_actions([], keys, index=target, audience_of={})
        if actions:
            self._bulk(actions, refresh=True)

    def rebuild(self, *, progress: Progress | None = None) -> int:
        client = self.client.options(request_timeout=BULK_TIMEOUT_SECONDS)
        name = f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"
        with self._unavailable():
            self._drop_abandoned_rebuilds(client)
            definition = index_definition(name).to_dict()
            # No refreshes while filling: nobody searches the new index yet.
            definition["settings"]["refresh_interval"] = "-1"
            client.indices.create(
                index=name,
                settings=definition["settings"],
                mappings=definition["mappings"],
                aliases={self.rebuild_alias: {}},
            )
        try:
            done = self._fill(progress=progress)
            with self._unavailable():
                client.indices.put_settings(index=name, settings={"refresh_interval": None})
                client.indices.refresh(index=name)
                self._swap(client, name)
        except BaseException:
            try:
                client.indices.delete(index=name, ignore_unavailable=True)
            except (ApiError, TransportError):
                logger.warning("Elasticsearch: unfertiger Index %s blieb stehen.", name)
            raise
        return done

    # --- helpers ---

    def _write_targets(self) -> list[str]:
        """The alias and, while a rebuild runs, the rebuild's alias: those that exist."""
        with self._unavailable():
            response = self.client.indices.get_alias(index=f"{self.alias}-*")
        present = {name for info in response.body.values() for name in info.get("aliases", {})}
        return [name for name in (self.alias, self.rebuild_alias) if name in present]

    def _bulk(self, actions: list[dict[str, Any]], *, refresh: bool = False) -> None:
        if not actions:
            return
        failures = []
        # Writes go through aliases only: a write racing a rebuild's deletion of the old index
        # fails instead of creating an index with a guessed mapping.
        options: dict[str, Any] = {"require_alias": True}
        if refresh:
            options["refresh"] = True
        with self._unavailable():
            for ok, item in helpers.streaming_bulk(
                self.client.options(request_timeout=BULK_TIMEOUT_SECONDS),
                actions,
                chunk_size=BATCH,
                raise_on_error=False,
                **options,
            ):
                if not ok and not _harmless(item):
                    failures.append(item)
        if failures:
            raise RuntimeError(
                f"Elasticsearch hat {len(failures)} Einträge abgelehnt, z. B. {failures[0]}"
            )

    def _fill(self, *, progress: Progress | None) -> int:
        total = entry_builders.count_all()
        done = 0
        batch: list[EntryData] = []

        def flush() -> None:
            nonlocal done
            seen_by = audiences_for(batch)
            # `create`: what index() wrote meanwhile is newer than this batch; keep it.
            actions = index_actions(
                batch, [], index=self.rebuild_alias, audience_of=seen_by, op="create"
            )
            self._bulk(actions)
            _schedule_changes(seen_by)
            done += len(batch)
            batch.clear()
            if progress is not None:
                progress(done, max(done, total))

        for data in entry_builders.iter_all(batch_size=BATCH):
            batch.append(data)
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
        if progress is not None:
            progress(done, done)
        return done

    def _drop_abandoned_rebuilds(self, client: Elasticsearch) -> None:
        try:
            stale = client.indices.get_alias(name=self.rebuild_alias).body
        except NotFoundError:
            return
        for index_name in stale:
            logger.warning("Elasticsearch: abgebrochener Neuaufbau %s wird gelöscht.", index_name)
            client.indices.delete(index=index_name, ignore_unavailable=True)

    def _swap(self, client: Elasticsearch, name: str) -> None:
        """Point the alias at `name` in one step, then drop the indices it left."""
        actions: list[dict[str, Any]] = [
            {"remove": {"index": name, "alias": self.rebuild_alias}},
            {"add": {"index": name, "alias": self.alias}},
        ]
        old: list[str] = []
        if client.indices.exists_alias(name=self.alias):
            old = sorted(client.indices.get_alias(name=self.alias).body)
            actions[:0] = [{"remove": {"index": i, "alias": self.alias}} for i in old]
        elif client.indices.exists(index=self.alias):
            # An index that took the alias's name (created by hand, or by a write before the
            # first rebuild): it must go for the alias to take its place.
            actions.append({"remove_index": {"index": self.alias}})
        client.indices.update_aliases(actions=actions)
        for index_name in old:
            if index_name != name:
                client.indices.delete(index=index_name, ignore_unavailable=True)


def _schedule_changes(seen_by: Mapping[tuple[str, int], Audience]) -> None:
    """Index again at the moment an audience widens (a publication date ahead). Runs on the
    job queue (`manage.py run_worker`), through the same job that retries failed indexing."""
    for (kind, object_id), audience in seen_by.items():
        if audience.changes_at is None:
            continue
        at = audience.changes_at
        job_enqueue(
            name=INDEX_JOB,
            payload={"keys": [[kind, object_id]]},
            run_after=at,
            dedupe_key=f"{INDEX_JOB}:{kind}:{object_id}@{at.isoformat()}",
        )


def _harmless(item: Mapping[str, Any]) -> bool:
    """Deleting what is not there, or a rebuild's `create` losing to a newer write."""
    ((op, result),) = item.items()
    status = result.get("status")
    return (op == "delete" and status == 404) or (op == "create" and status == 409)
