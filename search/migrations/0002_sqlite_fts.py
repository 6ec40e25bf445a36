"""SQLite only: the FTS5 table over search entries (a no-op on other databases).

The table holds the entries' title and text as stemmed token streams (FTS5 has no German
stemmer; `search.backends.sqlite` stems in Python); its rowid is `search_entry.id`. It starts
empty: `manage.py rebuild_index` fills it.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_entry_fts USING fts5("
    "title, text, tokenize = 'unicode61 remove_diacritics 2')"
)
DROP = "DROP TABLE IF EXISTS search_entry_fts"


def create_fts(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop_fts(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create_fts, drop_fts)]
