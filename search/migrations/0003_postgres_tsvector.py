"""PostgreSQL only: the weighted tsvector column and its GIN index (a no-op on SQLite)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# A stored generated column: PostgreSQL keeps it current on every INSERT and UPDATE of the
# row, so neither `store()` nor `bulk_store()` needs to know about it. Titles weigh A and the
# rest B, which ts_rank_cd turns into "a match in the title ranks first". The column is not
# on the Django model: only the PostgreSQL backend reads it, through raw SQL.
#
# PostgreSQL's parser reads "2019/0012", "12.5", "a@b.de", "Nr.5" or "Anlage-3" as one token
# (or as a signed number), where the query parser (search.query) sees several words; and a
# "<script>" in a text would hide everything up to "</script>". These characters become spaces
# first, so that index and query split text alike. `search.backends.postgres.GLUE` names the
# same characters.
FORWARD = [
    """
    ALTER TABLE search_entry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('german'::regconfig, translate(title, '/.-~+@:<', '        ')), 'A')
        || setweight(to_tsvector('german'::regconfig, translate(text, '/.-~+@:<', '        ')), 'B')
    ) STORED
    """,
    "CREATE INDEX search_entry_search_vector ON search_entry USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_search_vector",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS search_vector",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_sqlite_fts")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
