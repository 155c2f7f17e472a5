"""Applying N migrations, against psql running the same transactions in one
session: the floor any runner pays on the loopback, and the one a runner that
sends a migration in one round trip beats once the network has latency.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from bench.context import Context
from bench.generate import ROWS_PER_MIGRATION, write_floor_script, write_migrations
from bench.results import Outcome, Row, Target, compare, guarded, missing
from bench.server import psql
from bench.timing import interleave, median_seconds

LOOPBACK = Target("<= 1.1x psql floor", 1.1)
THROUGH_PROXY = Target(">= 3x faster than psql floor", 1 / 3)

_APPLIED = "SELECT count(*) FROM goose_db_version WHERE version_id > 0"


def measure(ctx: Context) -> Outcome:
    count = ctx.settings.migrations
    work = ctx.scratch / "apply"
    migrations = work / "migrations"
    floor = write_floor_script(work / "floor.sql", write_migrations(migrations, count))
    loopback = f"apply {count} migrations, loopback"
    proxied = f"apply {count} migrations, proxy +{ctx.settings.delay_ms:g} ms each way"

    cases = ((loopback, LOOPBACK), (proxied, THROUGH_PROXY))
    if not ctx.app.has("migrate", "up"):
        return Outcome(missing(cases))

    # Through the proxy psql pays a delayed round trip per statement, tens of
    # seconds a run, far from the target: that pair runs as a large workload.
    outcome = Outcome(notes=[_NOTE])
    settings = ctx.settings
    with ctx.proxy() as proxy:
        for case, port, repetitions in zip(
            cases,
            (None, proxy.port),
            (settings.repetitions, settings.large_repetitions),
            strict=True,
        ):
            side_by_side = partial(
                _side_by_side, ctx, *case, migrations, floor, port, repetitions
            )
            outcome.rows += guarded([case], side_by_side)
    return outcome


_NOTE = (
    "apply: each migration creates a table and an index and inserts "
    f"{ROWS_PER_MIGRATION} rows, one INSERT each; the reference is one psql session "
    "running the same statements, one transaction per migration with its version row"
)


def _side_by_side(
    ctx: Context,
    workload: str,
    target: Target,
    migrations: Path,
    floor: Path,
    port: int | None,
    repetitions: int,
) -> list[Row]:
    count = ctx.settings.migrations

    def up(url: str) -> list[str]:
        return ctx.app.migrate(url, migrations, "up")

    def replay(url: str) -> list[str]:
        return psql(url, "-f", str(floor))

    def check(database: str) -> None:
        ctx.expect(database, _APPLIED, count)

    mine, theirs = interleave(
        repetitions,
        partial(ctx.run_fresh, up, port=port, after=check),
        partial(ctx.run_fresh, replay, port=port, after=check),
    )
    return [compare(workload, median_seconds(mine), median_seconds(theirs), target)]
