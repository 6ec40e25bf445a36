"""SQLite only: the FTS5 table over search entries (a no-op on other databases)."""

from __future__ import annotations

from django.db import migrations

operations: list[migrations.operations.base.Operation] = []


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = operations
