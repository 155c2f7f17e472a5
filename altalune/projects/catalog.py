"""Which of the project tables exist in the database, and in which schema.

Names resolve through the connection's search_path, as the migrations that
created them did; everything built afterwards is schema-qualified, so that a
partition always lands beside its parent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from psycopg import sql

from altalune.projects.errors import ProjectError
from altalune.projects.tables import PARTITIONED_TABLES, PROJECTS_TABLE

CATALOG_QUERY = sql.SQL(
    "SELECT t.name, n.nspname, c.relkind\n"
    "FROM unnest(%s::text[]) AS t (name)\n"
    "JOIN pg_class AS c ON c.oid = to_regclass(quote_ident(t.name))\n"
    "JOIN pg_namespace AS n ON n.oid = c.relnamespace"
)
CATALOG_PARAMS = ([PROJECTS_TABLE, *PARTITIONED_TABLES],)

_PARTITIONED = "p"


@dataclass(frozen=True, slots=True)
class Catalog:
    """The schema of each project table found; a table not found is absent."""

    schemas: Mapping[str, str]

    def has(self, table: str) -> bool:
        return table in self.schemas

    def table(self, name: str) -> sql.Identifier:
        return sql.Identifier(self.schemas[name], name)

    def schema(self, name: str) -> str:
        return self.schemas[name]

    @property
    def partitioned(self) -> tuple[str, ...]:
        """The partitioned tables that exist, in PARTITIONED_TABLES order."""
        return tuple(t for t in PARTITIONED_TABLES if t in self.schemas)


def catalog_from(rows: Iterable[tuple[str, str, str]]) -> Catalog:
    """Build a Catalog from the rows of CATALOG_QUERY."""
    schemas: dict[str, str] = {}
    for name, schema, kind in rows:
        # Creating a partition of a plain table fails deep in a batch; say
        # what is wrong with the table instead.
        if name != PROJECTS_TABLE and kind != _PARTITIONED:
            raise ProjectError(
                f"table {schema}.{name} is not partitioned; "
                "expected PARTITION BY LIST (project_id)"
            )
        schemas[name] = schema
    return Catalog(schemas)
