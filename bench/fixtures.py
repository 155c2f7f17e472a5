"""Databases the read-only workloads start from."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.context import Context
from bench.generate import write_floor_script, write_migrations
from bench.server import psql


@dataclass(frozen=True)
class UpToDate:
    count: int
    database: str
    migrations: Path


@contextmanager
def up_to_date(ctx: Context, count: int) -> Iterator[UpToDate]:
    """A fresh database with *count* migrations applied, rows as goose leaves them.

    psql applies them, so that reading commands can be measured before (and
    independently of) the runner's own ``up``.
    """
    work = ctx.scratch / f"up-to-date-{count}"
    migrations = work / "migrations"
    floor = write_floor_script(work / "floor.sql", write_migrations(migrations, count))

    with ctx.server.fresh_database() as database:
        ctx.run(psql(ctx.server.url(database), "-f", str(floor)))
        yield UpToDate(count, database, migrations)
