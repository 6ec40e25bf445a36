"""Keeping the index current: changed objects are collected during a transaction and indexed
once it commits (DESIGN.md §5: search subscribes, domain apps never import it). If indexing
fails after the commit, the keys go to the job queue and are retried; the save itself is never
undone by search."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from ratsinfo.jobs import job_enqueue, register
from search import entries
from search.backends import get_backend

logger = logging.getLogger(__name__)

JOB = "search.index"
# Keys indexed per backend call: bounds memory when a seeder saves thousands of objects.
CHUNK = 500

_local = threading.local()


def _pending() -> dict[tuple[str, int], None]:
    pending: dict[tuple[str, int], None] | None = getattr(_local, "pending", None)
    if pending is None:
        pending = {}
        _local.pending = pending
    return pending


def enabled() -> bool:
    return not getattr(_local, "paused", False)


class paused:
    """Within this block saves are not indexed (seeders, which rebuild the index at the end)."""

    def __enter__(self) -> None:
        _local.paused = True

    def __exit__(self, *exc: object) -> None:
        _local.paused = False


def queue(objs: Iterable[models.Model]) -> None:
    """Index these objects (and what embeds them) after the current transaction commits."""
    if not enabled():
        return
    keys = [
        key
        for obj in objs
        for item in (obj, *entries.dependents(obj))
        if (key := entries.key_of(item)) is not None
    ]
    if not keys:
        return
    connection = transaction.get_connection()
    pending = _pending()
    if not _flush_scheduled(connection):
        # Whatever is still pending was queued in a transaction that rolled back (its flush
        # went with it): none of it happened, so none of it is indexed.
        pending.clear()
    pending.update(dict.fromkeys(keys))
    # Registered on every call, not once per transaction: a savepoint that rolls back drops the
    # hooks registered within it. Only the first flush finds anything to do. robust: a failure
    # after the commit must never turn a saved change into an error page.
    transaction.on_commit(flush, robust=True)
    if connection.in_atomic_block:
        _local.hooks = connection.run_on_commit


def _flush_scheduled(connection: Any) -> bool:
    """Whether a flush waits for the current transaction's commit (checked without walking
    the hooks on every save: a seeder saves thousands of objects in one transaction)."""
    hooks = getattr(_local, "hooks", None)
    if hooks is None:
        return False
    if hooks is connection.run_on_commit:
        return True
    # Django replaced its list of commit hooks: the transaction committed or rolled back, or a
    # savepoint rolled back (which keeps the hooks registered before it).
    if any(func is flush for _savepoints, func, _robust in connection.run_on_commit):
        _local.hooks = connection.run_on_commit
        return True
    _local.hooks = None
    return False


def flush() -> None:
    _local.hooks = None
    pending = _pending()
    if not pending:
        return
    keys = list(pending)
    pending.clear()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        try:
            # A savepoint inside a transaction (tests, nested commits): a database error while
            # indexing must leave the connection usable for queueing the retry.
            with transaction.atomic():
                index_keys(chunk)
        except Exception:
            logger.exception("Search indexing failed; queued for retry: %d objects", len(chunk))
            job_enqueue(name=JOB, payload={"keys": [list(k) for k in chunk]})


def index_keys(keys: Iterable[tuple[str, int]]) -> None:
    """Index (or remove) the objects behind these keys, as they are in the database now."""
    objs: list[models.Model] = []
    for kind, object_id in keys:
        model = entries.MODELS.get(kind)
        if model is not None:
            # An unsaved stand-in is enough: the backend refetches by key.
            objs.append(model(pk=object_id))
    get_backend().index(objs)


@register(JOB)
def _index_job(payload: dict[str, Any], progress: Any) -> None:
    index_keys((str(kind), int(pk)) for kind, pk in payload["keys"])
