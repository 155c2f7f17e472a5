"""Altalune projects: creating many against a psql script doing the same, and
syncing them all after a new partitioned table appears, in a bounded number
of round trips rather than one or more per project.

Everything that knows the project API lives in ``bench/project_driver.py``;
this module only sets databases up and measures the driver as a child.
"""

from __future__ import annotations

import shutil
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
    syncing = (
        f"sync {count} projects after a new partitioned table, round trips",
        BOUNDED,
    )
    if not ctx.app.has("migrate", "up") or not _library_present(ctx):
        return Outcome(missing([creating, syncing]))

    outcome = Outcome(notes=[_NOTE])
    outcome.rows += guarded([creating], partial(_create, ctx, *creating))
    outcome.rows += guarded([syncing], partial(_sync, ctx, *syncing, outcome))
    return outcome


_NOTE = (
    "projects: create runs create_project once per project in one Python process; "
    "the reference is one psql session doing, per project and in one transaction, "
    "the project row, its partition of each partitioned table and its default "
    "chatbot config; sync round trips are the Query and Sync messages the proxy saw"
)


def _library_present(ctx: Context) -> bool:
    probe = [str(ctx.app.python), "-c", "import altalune.projects"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def _driver(ctx: Context, *arguments: str) -> list[str]:
    return [str(ctx.app.python), str(DRIVER), *arguments]


def _migrate(ctx: Context, database: str, directory: Path, *flags: str) -> None:
    ctx.run(ctx.app.migrate(ctx.server.url(database), directory, "up", *flags))


def _create(ctx: Context, workload: str, target: Target | None) -> list[Row]:
    count = ctx.settings.projects
    script = ctx.scratch / "projects.sql"
    ctx.run(_driver(ctx, "reference", str(count), str(script)))

    def prepare(database: str) -> None:
        _migrate(ctx, database, MIGRATIONS)

    def library(url: str) -> list[str]:
        return _driver(ctx, "create", url, str(count))

    def floor(url: str) -> list[str]:
        return psql(url, "-f", str(script))

    def check(database: str) -> None:
        ctx.expect(database, _PROJECTS, count)
        ctx.expect(database, _CONFIGS, count)
        ctx.expect(database, _ALL_PARTITIONS, True)

    mine, theirs = interleave(
        ctx.settings.repetitions,
        partial(ctx.run_fresh, library, prepare=prepare, check=check),
        partial(ctx.run_fresh, floor, prepare=prepare, check=check),
    )
    return [compare(workload, median_seconds(mine), median_seconds(theirs), target)]


def _sync(
    ctx: Context, workload: str, target: Target | None, outcome: Outcome
) -> list[Row]:
    count = ctx.settings.projects
    before, after = _split_migrations(ctx.scratch / "projects-migrations")

    with ctx.server.fresh_database() as database, ctx.proxy() as proxy:
        _migrate(ctx, database, before)
        ctx.run(_driver(ctx, "create", ctx.server.url(database), str(count)))
        _migrate(ctx, database, after, "--skip-sync")
        ctx.expect(database, _CONFIGS, 0)

        proxy.reset()
        sample = ctx.run(
            _driver(ctx, "sync", ctx.server.url(database, port=proxy.port))
        )
        round_trips = proxy.round_trips
        ctx.expect(database, _CONFIGS, count)
        ctx.expect(database, _ALL_PARTITIONS, True)

    outcome.notes.append(
        f"sync: {round_trips} round trips for {count} projects, "
        f"{sample.seconds:.3f} s through the proxy"
    )
    row = Row(workload, round_trips, count, round_trips / count, target, "round trips")
    return [row]


def _split_migrations(work: Path) -> tuple[Path, Path]:
    """Two directories: the migrations before the newest partitioned table, and all.

    Projects created in between lack that table's partition and config,
    which is what sync has to fill in.
    """
    files = sorted(MIGRATIONS.glob("*.sql"))
    partitioned = [f for f in files if "PARTITION BY LIST" in f.read_text()]
    if not partitioned:
        raise WrongResult(f"no migration in {MIGRATIONS} creates a partitioned table")

    before, after = work / "before", work / "after"
    _copy(files[: files.index(partitioned[-1])], before)
    _copy(files, after)
    return before, after


def _copy(files: list[Path], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for file in files:
        shutil.copy(file, directory / file.name)
