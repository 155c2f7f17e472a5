"""Partition DDL, the query that finds what sync must create, and its batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from psycopg import sql

from altalune.projects.catalog import Catalog
from altalune.projects.models import Partition
from altalune.projects.tables import (
    CHATBOT_CONFIGS_TABLE,
    PARTITION_SUFFIX,
    PROJECTS_TABLE,
)

# Each new partition holds about five locks until its transaction commits
# (the table, its indexes, its TOAST table), and each config inserted into a
# partition about four. The server's lock table has room for
# max_locks_per_transaction (64) times max_connections (100) of them, shared
# by every session: a sync of a few thousand partitions in one transaction
# would fail with "out of shared memory".
CHANGES_PER_TRANSACTION = 200

_CREATE_PARTITION = sql.SQL(
    "CREATE TABLE IF NOT EXISTS {partition} PARTITION OF {parent} FOR VALUES IN ({key})"
)

# Rows are (project id, position of the table in the arrays, from 1); the
# position is NULL for a project without its chatbot config.
_MISSING_PARTITIONS = sql.SQL(
    "SELECT p.id, t.position\n"
    "FROM {projects} AS p\n"
    "CROSS JOIN unnest(%s::text[], %s::text[])"
    " WITH ORDINALITY AS t (name, schema, position)\n"
    "WHERE NOT EXISTS (\n"
    "  SELECT FROM pg_class AS c\n"
    "  JOIN pg_namespace AS n ON n.oid = c.relnamespace\n"
    "  WHERE n.nspname = t.schema AND c.relname = t.name || {suffix} || p.id\n"
    ")"
)
_MISSING_CONFIGS = sql.SQL(
    "SELECT p.id, NULL\n"
    "FROM {projects} AS p\n"
    "WHERE NOT EXISTS (SELECT FROM {configs} AS c WHERE c.project_id = p.id)"
)


@dataclass(frozen=True, slots=True)
class Missing:
    """Partitions and default chatbot configs (by project id) to create."""

    partitions: tuple[Partition, ...] = ()
    configs: tuple[int, ...] = ()

    def __len__(self) -> int:
        return len(self.partitions) + len(self.configs)


def create_partition(catalog: Catalog, partition: Partition) -> sql.Composed:
    """CREATE TABLE IF NOT EXISTS for *partition*, in its parent's schema."""
    schema = catalog.schema(partition.table)
    return _CREATE_PARTITION.format(
        partition=sql.Identifier(schema, partition.name),
        parent=sql.Identifier(schema, partition.table),
        key=sql.Literal(partition.project_id),
    )


def missing_query(catalog: Catalog) -> tuple[sql.Composed, list[list[str]]]:
    """The one query that finds every missing partition and chatbot config."""
    tables = catalog.partitioned
    projects = catalog.table(PROJECTS_TABLE)
    arms = [
        _MISSING_PARTITIONS.format(
            projects=projects, suffix=sql.Literal(PARTITION_SUFFIX)
        )
    ]
    # The configs table cannot be named in the query before its migration ran.
    if catalog.has(CHATBOT_CONFIGS_TABLE):
        configs = catalog.table(CHATBOT_CONFIGS_TABLE)
        arms.append(_MISSING_CONFIGS.format(projects=projects, configs=configs))

    query = sql.SQL("\nUNION ALL\n").join(arms) + sql.SQL("\nORDER BY 1, 2")
    return query, [list(tables), [catalog.schema(t) for t in tables]]


def missing_from(catalog: Catalog, rows: Iterable[tuple[int, int | None]]) -> Missing:
    """Read the rows of :func:`missing_query`."""
    tables = catalog.partitioned
    partitions: list[Partition] = []
    configs: list[int] = []
    for project_id, position in rows:
        if position is None:
            configs.append(project_id)
        else:
            partitions.append(Partition(project_id, tables[position - 1]))
    return Missing(tuple(partitions), tuple(configs))


def batches(missing: Missing, size: int = CHANGES_PER_TRANSACTION) -> Iterator[Missing]:
    """Split *missing* into transactions of about *size* changes each.

    A project's partitions and its config stay in one transaction, so that
    the config never waits for a partition committed later.
    """
    by_project: dict[int, list[Partition]] = {}
    for partition in missing.partitions:
        by_project.setdefault(partition.project_id, []).append(partition)
    with_config = set(missing.configs)

    partitions: list[Partition] = []
    configs: list[int] = []
    for project_id in sorted(by_project.keys() | with_config):
        partitions += by_project.get(project_id, [])
        if project_id in with_config:
            configs.append(project_id)
        if len(partitions) + len(configs) >= size:
            yield Missing(tuple(partitions), tuple(configs))
            partitions, configs = [], []
    if partitions or configs:
        yield Missing(tuple(partitions), tuple(configs))
