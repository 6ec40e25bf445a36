"""PostgreSQL only: a short weighted tsvector to rank matches by (a no-op on SQLite)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# `search_vector` (0003) holds the whole text and is what the GIN index finds matches in.
# `rank_vector` holds the title and the opening of the text (a file's name and first page:
# its subject) and is what matches are ranked by. A file's whole vector is several kilobytes
# and stored out of line, and reading it back for every match of a common word was most of the
# time of a search; the short one stays in the row (STORAGE MAIN). Same weights and the same
# characters read as spaces as 0003; `search.backends.postgres.RANK_TEXT_CHARS` is the length
# of the opening.
FORWARD = [
    """
    ALTER TABLE search_entry ADD COLUMN rank_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('german'::regconfig, translate(title, '/.-~+@:<', '        ')), 'A')
        || setweight(
            to_tsvector('german'::regconfig, translate(left(text, 1500), '/.-~+@:<', '        ')),
            'B'
        )
    ) STORED
    """,
    "ALTER TABLE search_entry ALTER COLUMN rank_vector SET STORAGE MAIN",
]
BACKWARD = ["ALTER TABLE search_entry DROP COLUMN IF EXISTS rank_vector"]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_postgres_tsvector")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
