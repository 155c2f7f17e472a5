"""status and version on an up-to-date database. Their cost should not grow
with the number of migrations, least of all once every query crosses a network.
"""

from __future__ import annotations

from contextlib import ExitStack
from functools import partial

from bench.context import Context
from bench.fixtures import UpToDate, up_to_date
from bench.proxy import LatencyProxy
from bench.results import Case, Outcome, Row, Target, compare, guarded, missing
from bench.server import psql
from bench.timing import MeasureError, interleave, median_seconds

INDEPENDENT = Target("<= 1.25x (independent of N)", 1.25)

# What goose itself asks for: the whole version table in one query.
_LIST = "SELECT version_id, is_applied from goose_db_version ORDER BY id DESC"


def measure(ctx: Context) -> Outcome:
    large = ctx.settings.migrations
    small = max(1, large // 10)
    outcome = Outcome(notes=[_NOTE])

    with ExitStack() as stack:
        many = stack.enter_context(up_to_date(ctx, large))
        few = stack.enter_context(up_to_date(ctx, small))
        proxy = stack.enter_context(ctx.proxy())
        for command in ("status", "version"):
            _measure_command(ctx, command, many, few, proxy, outcome)
    return outcome


def _measure_command(
    ctx: Context,
    command: str,
    many: UpToDate,
    few: UpToDate,
    proxy: LatencyProxy,
    outcome: Outcome,
) -> None:
    paths = (("loopback", None), ("proxy", proxy))
    if not ctx.app.has("migrate", command):
        for path, _ in paths:
            outcome.rows += missing(_cases(command, path, many, few))
        return

    for path, through in paths:
        cases = _cases(command, path, many, few)
        compare_counts = partial(
            _compare_counts, ctx, command, cases, many, few, through
        )
        outcome.rows += guarded(cases, compare_counts)
    outcome.notes.append(_round_trips(ctx, command, many, few, proxy))


_NOTE = (
    "status, version: the reference of the 'vs N' rows is the same command on a "
    "database with a tenth of the migrations; the 'one psql query' rows compare "
    "with a psql session that reads the whole version table once"
)


def _cases(command: str, path: str, many: UpToDate, few: UpToDate) -> list[Case]:
    return [
        (f"{command} N={many.count} vs N={few.count}, {path}", INDEPENDENT),
        (f"{command} N={many.count}, {path}, vs one psql query", None),
    ]


def _compare_counts(
    ctx: Context,
    command: str,
    cases: list[Case],
    many: UpToDate,
    few: UpToDate,
    proxy: LatencyProxy | None,
) -> list[Row]:
    port = proxy.port if proxy else None
    large, small, floor = interleave(
        ctx.settings.short_repetitions,
        partial(ctx.run, _read(ctx, command, many, port)),
        partial(ctx.run, _read(ctx, command, few, port)),
        partial(ctx.run, psql(ctx.server.url(many.database, port=port), "-c", _LIST)),
    )
    (independence, target), (versus_psql, _) = cases
    return [
        compare(independence, median_seconds(large), median_seconds(small), target),
        compare(versus_psql, median_seconds(large), median_seconds(floor), None),
    ]


def _read(
    ctx: Context, command: str, prepared: UpToDate, port: int | None
) -> list[str]:
    url = ctx.server.url(prepared.database, port=port)
    return ctx.app.migrate(url, prepared.migrations, command)


def _round_trips(
    ctx: Context, command: str, many: UpToDate, few: UpToDate, proxy: LatencyProxy
) -> str:
    """How many round trips *command* asks for, for many and for few migrations."""
    counts = []
    for prepared in (many, few):
        proxy.reset()
        try:
            ctx.run(_read(ctx, command, prepared, proxy.port))
        except MeasureError as exc:
            return f"{command} through the proxy: round trips not counted ({exc})"
        counts.append(proxy.round_trips)
    return (
        f"{command} through the proxy: {counts[0]} round trips at N={many.count}, "
        f"{counts[1]} at N={few.count}"
    )
