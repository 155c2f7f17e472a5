"""Applying N migrations, against psql running the same transactions in one
session: the floor any runner pays on the loopback, and the one a runner that
sends a migration in one round trip beats once the network has latency.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from bench.context import Context, Step
from bench.generate import ROWS_PER_MIGRATION, write_floor_script, write_migrations
from bench.proxy import LatencyProxy
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

    cases = [(loopback, LOOPBACK), (proxied, THROUGH_PROXY)]
    if not ctx.app.has("migrate", "up"):
        return Outcome(missing(cases))

    outcome = Outcome(notes=[_NOTE])
    compare_on = partial(_side_by_side, ctx, migrations, floor, outcome)
    with ctx.proxy() as proxy:
        outcome.rows += guarded(
            cases[:1], partial(compare_on, *cases[0], None, ctx.settings.repetitions)
        )
        # Through the proxy psql pays a delayed round trip per statement, tens
        # of seconds a run, far from the target: that pair runs as a large one.
        outcome.rows += guarded(
            cases[1:],
            partial(compare_on, *cases[1], proxy, ctx.settings.large_repetitions),
        )
    return outcome


_NOTE = (
    "apply: each migration creates a table and an index and inserts "
    f"{ROWS_PER_MIGRATION} rows, one INSERT each; the reference is one psql session "
    "running the same statements, one transaction per migration with its version row"
)


def _side_by_side(
    ctx: Context,
    migrations: Path,
    floor: Path,
    outcome: Outcome,
    workload: str,
    target: Target,
    proxy: LatencyProxy | None,
    repetitions: int,
) -> list[Row]:
    count = ctx.settings.migrations
    port = proxy.port if proxy else None
    round_trips: dict[str, int] = {}

    def up(url: str) -> list[str]:
        return ctx.app.migrate(url, migrations, "up")

    def replay(url: str) -> list[str]:
        return psql(url, "-f", str(floor))

    def reset(database: str) -> None:
        if proxy is not None:
            proxy.reset()

    def verify(side: str) -> Step:
        def after(database: str) -> None:
            ctx.expect(database, _APPLIED, count)
            if proxy is not None:
                round_trips[side] = proxy.round_trips

        return after

    mine, theirs = interleave(
        repetitions,
        partial(ctx.run_fresh, up, port=port, prepare=reset, after=verify("altalune")),
        partial(ctx.run_fresh, replay, port=port, prepare=reset, after=verify("psql")),
    )
    if round_trips:
        outcome.notes.append(
            f"apply through the proxy: altalune asked for {round_trips['altalune']} "
            f"round trips, psql for {round_trips['psql']}"
        )
    return [compare(workload, median_seconds(mine), median_seconds(theirs), target)]
