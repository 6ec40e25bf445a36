"""Which backend serves this installation: Elasticsearch when `ELASTICSEARCH_URL` is set,
otherwise the database's own full-text search."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import connection

from search.backends.base import Backend


@cache
def _backend(name: str) -> Backend:
    if name == "elasticsearch":
        from search.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(url=settings.ELASTICSEARCH_URL)
    if name == "postgres":
        from search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from search.backends.sqlite import SqliteBackend

    return SqliteBackend()


def backend_name() -> str:
    if getattr(settings, "ELASTICSEARCH_URL", ""):
        return "elasticsearch"
    return "postgres" if connection.vendor == "postgresql" else "sqlite"


def get_backend(name: str | None = None) -> Backend:
    """The configured backend, or the named one (tests, `rebuild_index --backend`)."""
    return _backend(name or backend_name())
