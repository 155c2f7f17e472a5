"""Altalune projects: creating many against a psql script doing the same, and
syncing them all after a new partitioned table appears, in a bounded number
of round trips rather than one or more per project.

Everything that knows the project API lives in ``bench/project_driver.py``;
this module only sets databases up and measures the driver as a child.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench.app import ROOT
from bench.context import Context, WrongResult
from bench.results import Case, Outcome, Row, Target, compare, guarded, missing
from bench.server import psql
from bench.timing import Sample, interleave, median_seconds

CREATE = Target("<= 1.3x psql", 1.3)
BOUNDED = Target("<= 0.05 per project (bounded)", 0.05)

DRIVER = Path(__file__).resolve().parent.parent / "project_driver.py"
MIGRATIONS = ROOT / "database" / "migrations"

_PROJECTS = "SELECT count(*) FROM altalune_projects"
_CONFIGS = "SELECT count(*) FROM altalune_chatbot_configs"
# Every project has a partition of every partitioned table.
_ALL_PARTITIONS = (
    "SELECT count(*) = (SELECT count(*) FROM pg_partitioned_table)"
    " * (SELECT count(*) FROM altalune_projects)"
    " FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid"
    " WHERE c.relkind = 'r'"
)


def measure(ctx: Context) -> Outcome:
    count = ctx.settings.projects
    cases: list[Case] = [
        (f"create {count} projects (library, one process)", CREATE),
        (f"sync {count} projects after a new partitioned table, round trips", BOUNDED),
    ]
    commands_present = all(ctx.app.has("migrate", c) for c in ("up", "down-to"))
    if not commands_present or not _library_present(ctx):
        return Outcome(missing(cases))

    outcome = Outcome(notes=[_NOTE])
    outcome.rows += guarded(cases, partial(_create_then_sync, ctx, cases, outcome))
    return outcome


_NOTE = (
    "projects: create runs create_project once per project in one Python process; "
    "the reference is one psql session doing, per project and in one transaction, "
    "the project row, its partition of each partitioned table and its default "
    "chatbot config. Sync runs on the projects just created, after the newest "
    "partitioned table was rolled back and applied again (so no project has a "
    "partition of it); its round trips are the Query and Sync messages the proxy saw"
)


def _library_present(ctx: Context) -> bool:
    probe = [str(ctx.app.python), "-c", "import altalune.projects"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def _driver(ctx: Context, *arguments: str) -> list[str]:
    return [str(ctx.app.python), str(DRIVER), *arguments]


def _migrate(ctx: Context, database: str, *command: str) -> None:
    ctx.run(ctx.app.migrate(ctx.server.url(database), MIGRATIONS, *command))


def _create_then_sync(ctx: Context, cases: list[Case], outcome: Outcome) -> list[Row]:
    count = ctx.settings.projects
    script = ctx.scratch / "projects.sql"
    ctx.run(_driver(ctx, "reference", str(count), str(script)))
    syncs: list[tuple[int, Sample]] = []

    def prepare(database: str) -> None:
        _migrate(ctx, database, "up")

    def library(url: str) -> list[str]:
        return _driver(ctx, "create", url, str(count))

    def floor(url: str) -> list[str]:
        return psql(url, "-f", str(script))

    def check(database: str) -> None:
        ctx.expect(database, _PROJECTS, count)
        ctx.expect(database, _CONFIGS, count)
        ctx.expect(database, _ALL_PARTITIONS, True)

    def check_then_sync(database: str) -> None:
        check(database)
        syncs.append(_sync_after_new_table(ctx, database, check))

    mine, theirs = interleave(
        ctx.settings.large_repetitions,
        partial(ctx.run_fresh, library, prepare=prepare, after=check_then_sync),
        partial(ctx.run_fresh, floor, prepare=prepare, after=check),
    )

    (creating, create_target), (syncing, sync_target) = cases
    round_trips, sample = syncs[-1]
    outcome.notes.append(
        f"sync: {round_trips} round trips for {count} projects, "
        f"{sample.seconds:.3f} s through the proxy"
    )
    return [
        compare(creating, median_seconds(mine), median_seconds(theirs), create_target),
        Row(
            syncing, round_trips, count, round_trips / count, sync_target, "round trips"
        ),
    ]


def _sync_after_new_table(
    ctx: Context, database: str, check: Callable[[str], None]
) -> tuple[int, Sample]:
    """Make the newest partitioned table appear anew, then sync through the proxy."""
    _migrate(ctx, database, "down-to", str(_version_before_newest_partitioned_table()))
    _migrate(ctx, database, "up", "--skip-sync")
    ctx.expect(database, _CONFIGS, 0)

    with ctx.proxy() as proxy:
        sample = ctx.run(
            _driver(ctx, "sync", ctx.server.url(database, port=proxy.port))
        )
        round_trips = proxy.round_trips
    check(database)
    return round_trips, sample


def _version_before_newest_partitioned_table() -> int:
    files = sorted(MIGRATIONS.glob("*.sql"), key=_version)
    partitioned = [f for f in files if "PARTITION BY LIST" in f.read_text()]
    if not partitioned:
        raise WrongResult(f"no migration in {MIGRATIONS} creates a partitioned table")
    index = files.index(partitioned[-1])
    return _version(files[index - 1]) if index else 0


def _version(path: Path) -> int:
    return int(path.name.split("_", 1)[0])
