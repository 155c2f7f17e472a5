"""The migration commands of goose's CLI, as a library.

Every command follows the same order: connect, take the migration lock,
read the version table (the lock makes that reading current), plan,
validate every file the plan will run, then run them one by one. Results
come back as dataclasses; progress goes to logging; nothing is printed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from altalune.drift import compare
from altalune.errors import AltaluneError, Interrupted, SourceError
from altalune.lock import DEFAULT_TIMEOUT as DEFAULT_LOCK_TIMEOUT
from altalune.plan import (
    Plan,
    plan_down,
    plan_down_to,
    plan_down_unversioned,
    plan_redo,
    plan_redo_unversioned,
    plan_reset,
    plan_up,
    plan_up_unversioned,
)
from altalune.preview import Decide, preview
from altalune.results import (
    Applied,
    DriftReport,
    RunResult,
    StatusResult,
    StatusRow,
    VersionResult,
    format_ansic,
    format_status,
    format_summary,
    format_version,
)
from altalune.source import MAX_VERSION, MigrationFile, collect
from altalune.store import DEFAULT_TABLE, History, Row, VersionTable
from altalune.validation import validate

if TYPE_CHECKING:
    from altalune.session import Session

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Options:
    """How to reach the database and which goose flags are in effect.

    Durations are in seconds. ``timeout`` bounds the whole command (goose's
    ``-timeout``), None for no limit; ``lock_timeout`` bounds the wait for
    another holder of the migration lock; ``wait`` retries the first
    connection that long. ``env`` feeds ``-- +goose ENVSUB ON`` sections; None
    means no variables at all. ``dry_run`` makes the applying commands plan,
    check and render their SQL without sending any of it.
    """

    database_url: str
    migrations_dir: Path
    table: str = DEFAULT_TABLE
    allow_missing: bool = False
    no_versioning: bool = False
    lock: bool = True
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    timeout: float | None = None
    connect_timeout: float = 10.0
    wait: float = 0.0
    env: Mapping[str, str] | None = None
    dry_run: bool = False


class Runner:
    """goose's legacy CLI commands over one connection per call."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.table = VersionTable(options.table)

    def up(self) -> RunResult:
        return self._up(MAX_VERSION, by_one=False)

    def up_by_one(self) -> RunResult:
        return self._up(MAX_VERSION, by_one=True)

    def up_to(self, version: int) -> RunResult:
        return self._up(version, by_one=False)

    def down(self) -> RunResult:
        def decide(files: list[MigrationFile], history: History | None) -> Plan:
            if history is None:
                return plan_down_unversioned(files, target=files[-1].version - 1)
            return plan_down(files, history)

        return self._run(decide)

    def down_to(self, version: int) -> RunResult:
        def decide(files: list[MigrationFile], history: History | None) -> Plan:
            if history is None:
                return plan_down_unversioned(files, target=version)
            return plan_down_to(files, history, version)

        return self._run(decide)

    def redo(self) -> RunResult:
        def decide(files: list[MigrationFile], history: History | None) -> Plan:
            if history is None:
                return plan_redo_unversioned(files)
            return plan_redo(files, history)

        return self._run(decide)

    def reset(self) -> RunResult:
        def decide(files: list[MigrationFile], history: History | None) -> Plan:
            if history is None:
                return plan_down_unversioned(files, target=0)
            return plan_reset(files, history)

        # goose's reset reads the table without creating it.
        return self._run(decide, create=False)

    def status(self) -> StatusResult:
        files = collect(self.options.migrations_dir)
        if self.options.no_versioning:
            rows = tuple(StatusRow(f.version, f.name, False, None) for f in files)
            return StatusResult(rows, files[-1].version, versioned=False)

        with self._session() as session:
            recorded = session.recorded(create=True)
        history = recorded.history
        latest = history.latest_by_tstamp()
        checked = compare(files, recorded)
        rows = tuple(
            _status_row(f, latest.get(f.version), checked.states.get(f.version))
            for f in files
        )
        unfiled = checked.report.applied_without_file
        return StatusResult(
            rows,
            history.current(),
            applied_without_file=unfiled,
            checksummed=recorded.checksums is not None,
        )

    def drift(self) -> DriftReport:
        """Compare the applied files with their checksums, only reading: with
        no version table, nothing is applied and nothing has drifted."""
        files = collect(self.options.migrations_dir)
        with self._session() as session:
            recorded = session.read()
        return DriftReport() if recorded is None else compare(files, recorded).report

    def version(self) -> VersionResult:
        if self.options.no_versioning:
            files = collect(self.options.migrations_dir)
            return VersionResult(files[-1].version, versioned=False)

        with self._session() as session:
            history = session.history(create=True)
        return VersionResult(history.current())

    def _up(self, target: int, *, by_one: bool) -> RunResult:
        options = self.options

        def decide(files: list[MigrationFile], history: History | None) -> Plan:
            if history is None:
                return plan_up_unversioned(files, target=target, by_one=by_one)
            return plan_up(
                files,
                history,
                target=target,
                allow_missing=options.allow_missing,
                by_one=by_one,
            )

        return self._run(decide, target=target)

    def _run(
        self, decide: Decide, *, target: int | None = None, create: bool = True
    ) -> RunResult:
        files = self._files(target)
        if self.options.dry_run:
            return self._preview(files, decide, create)
        applied: list[Applied] = []
        with self._session() as session:
            try:
                session.lock()
                recorded = None
                if not self.options.no_versioning:
                    recorded = session.recorded(create=create, defer=True)
                try:
                    plan = decide(files, recorded.history if recorded else None)
                except AltaluneError:
                    # goose makes the table before it finds nothing to do.
                    session.create_deferred_table()
                    raise
                steps = validate(plan.steps, env=self.options.env)
                session.create_deferred_table()
                if recorded is not None and any(step.record for step in steps):
                    session.ensure_checksums(recorded)
                executor = session.executor()
                for step in steps:
                    applied.append(executor.run(step))
            except KeyboardInterrupt as exc:
                code = getattr(exc, "exit_code", 130)
                raise Interrupted(_interrupted(applied), code) from None

        if plan.failure is not None:
            if plan.message:
                logger.info("%s", plan.message)
            raise plan.failure
        return RunResult(tuple(applied), plan.current_version, plan.message)

    def _preview(
        self, files: list[MigrationFile], decide: Decide, create: bool
    ) -> RunResult:
        options = self.options
        if options.no_versioning:
            return preview(files, decide, None, env=options.env, create=create)
        with self._session() as session:
            return preview(files, decide, session, env=options.env, create=create)

    def _files(self, target: int | None) -> list[MigrationFile]:
        """goose's collection, which keeps only files up to an up-to target."""
        directory = self.options.migrations_dir
        files = collect(directory)
        if target is not None:
            files = [f for f in files if f.version <= target]
            if not files:
                raise SourceError(
                    f"no migration files found in {directory} with version <= {target}"
                )
        return files

    def _session(self) -> Session:
        # The database modules load psycopg; commands that never connect
        # (create, fix, validate) should not pay for it.
        from altalune.session import Session

        return Session(self.options, self.table)


def _status_row(
    migration: MigrationFile, row: Row | None, checksum: str | None
) -> StatusRow:
    if row is not None and row.applied:
        name = migration.name
        return StatusRow(migration.version, name, True, row.tstamp, checksum)
    return StatusRow(migration.version, migration.name, False, None)


def _interrupted(applied: list[Applied]) -> str:
    if not applied:
        return "interrupted before any migration ran"
    return f"interrupted after applying {applied[-1].name}"


__all__ = [
    "Applied",
    "Options",
    "RunResult",
    "Runner",
    "StatusResult",
    "StatusRow",
    "VersionResult",
    "format_ansic",
    "format_status",
    "format_summary",
    "format_version",
]
