"""Altalune projects: creating many against a psql script doing the same, and
syncing them all after a new partitioned table appears, in a bounded number
of round trips rather than one or more per project.

Everything that knows the project API lives in ``bench/project_driver.py``;
this module only sets databases up and measures the driver as a child.
"""

from __future__ import annotations

import subprocess
from functools import partial
from pathlib import Path

from bench.app import ROOT
from bench.context import Context, WrongResult
from bench.results import Outcome, Row, Target, compare, guarded, missing
from bench.server import psql
from bench.timing import interleave, median_seconds

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
    creating = (f"create {count} projects (library, one process)", CREATE)
    syncing = (f"sync {count} projects after a new partitioned table", BOUNDED)
    commands_present = all(ctx.app.has("migrate", c) for c in ("up", "up-to"))
    if not commands_present or not _library_present(ctx):
        return Outcome(missing([creating, syncing]))

    outcome = Outcome(notes=[_NOTE])
    outcome.rows += guarded([creating], partial(_create, ctx, *creating))
    outcome.rows += guarded([syncing], partial(_sync, ctx, *syncing, outcome))
    return outcome


_NOTE = (
    "projects: create runs create_project once per project in one Python process; "
    "the reference is one psql session doing, per project and in one transaction, "
    "the project row, its partition of each partitioned table and its default "
    "chatbot config. Sync starts from projects that have every partition but "
    "those of the newest partitioned table, whose migration runs after them; "
    "its round trips are the Query and Sync messages the proxy saw, against one "
    "per project"
)

# Projects as sync finds them: rows only; the first sync gives them partitions.
_INSERT_PROJECTS = (
    "INSERT INTO altalune_projects (public_id, name)"
    " SELECT 'bp' || lpad(i::text, 12, '0'), 'bench project ' || i"
    " FROM generate_series(1, %s) AS i"
)


def _library_present(ctx: Context) -> bool:
    probe = [str(ctx.app.python), "-c", "import altalune.projects"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def _driver(ctx: Context, *arguments: str) -> list[str]:
    return [str(ctx.app.python), str(DRIVER), *arguments]


def _migrate(ctx: Context, database: str, *command: str) -> None:
    ctx.run(ctx.app.migrate(ctx.server.url(database), MIGRATIONS, *command))


def _check(ctx: Context, database: str) -> None:
    count = ctx.settings.projects
    ctx.expect(database, _PROJECTS, count)
    ctx.expect(database, _CONFIGS, count)
    ctx.expect(database, _ALL_PARTITIONS, True)


def _create(ctx: Context, workload: str, target: Target | None) -> list[Row]:
    count = ctx.settings.projects
    script = ctx.scratch / "projects.sql"
    ctx.run(_driver(ctx, "reference", str(count), str(script)))

    def prepare(database: str) -> None:
        _migrate(ctx, database, "up")

    def library(url: str) -> list[str]:
        return _driver(ctx, "create", url, str(count))

    def floor(url: str) -> list[str]:
        return psql(url, "-f", str(script))

    check = partial(_check, ctx)
    mine, theirs = interleave(
        ctx.settings.large_repetitions,
        partial(ctx.run_fresh, library, prepare=prepare, after=check),
        partial(ctx.run_fresh, floor, prepare=prepare, after=check),
    )
    return [compare(workload, median_seconds(mine), median_seconds(theirs), target)]


def _sync(
    ctx: Context, workload: str, target: Target | None, outcome: Outcome
) -> list[Row]:
    count = ctx.settings.projects

    with ctx.server.fresh_database() as database:
        url = ctx.server.url(database)
        before = _version_before_newest_partitioned_table()
        _migrate(ctx, database, "up-to", str(before))
        ctx.server.execute(database, _INSERT_PROJECTS, [count])
        ctx.run(_driver(ctx, "sync", url))
        _migrate(ctx, database, "up", "--skip-sync")
        ctx.expect(database, _CONFIGS, 0)

        with ctx.proxy() as proxy:
            through_proxy = ctx.server.url(database, port=proxy.port)
            sample = ctx.run(_driver(ctx, "sync", through_proxy))
            round_trips = proxy.round_trips
        _check(ctx, database)

    outcome.notes.append(
        f"sync: {round_trips} round trips for {count} projects, "
        f"{sample.seconds:.3f} s through the proxy"
    )
    per_project = round_trips / count
    return [Row(workload, round_trips, count, per_project, target, "round trips")]


def _version_before_newest_partitioned_table() -> int:
    files = sorted(MIGRATIONS.glob("*.sql"), key=_version)
    partitioned = [f for f in files if "PARTITION BY LIST" in f.read_text()]
    if not partitioned:
        raise WrongResult(f"no migration in {MIGRATIONS} creates a partitioned table")
    index = files.index(partitioned[-1])
    return _version(files[index - 1]) if index else 0


def _version(path: Path) -> int:
    return int(path.name.split("_", 1)[0])
