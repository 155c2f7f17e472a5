"""Dry runs: the plan and the exact SQL of a command, none of it sent.

A dry run reads the version table as the run would, plans, and checks every
file it would run, so it fails where the run would fail. It takes no lock:
it changes nothing, so it neither waits for a deploy in progress nor holds
one up. A missing version table reads as the new one the run would make,
and the DDL that makes it leads the preview.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from altalune.plan import Plan, Step
from altalune.results import RunResult
from altalune.script import BEGIN, COMMIT, record_sql, statements, transaction_queries
from altalune.source import MigrationFile
from altalune.store import History
from altalune.validation import validate

if TYPE_CHECKING:
    from psycopg import sql

    from altalune.errors import AltaluneError
    from altalune.session import Session

logger = logging.getLogger(__name__)

# What each command decides from the files and the version table (None
# without versioning).
Decide = Callable[[list[MigrationFile], History | None], Plan]


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """A checked step and its version-row SQL, as the run would send them."""

    step: Step
    record: str


@dataclass(frozen=True)
class Preview:
    """What a dry run found.

    ``setup`` is the DDL the run would send before the steps, in one
    transaction when it creates the version table (``creates_version_table``).
    ``failure`` is the error the run would raise once its steps ran; a dry
    run hands it back so that the plan can be shown first.
    """

    steps: tuple[PlannedStep, ...]
    env: Mapping[str, str] | None
    versioned: bool = True
    setup: tuple[str, ...] = ()
    creates_version_table: bool = False
    failure: AltaluneError | None = None


def preview(
    files: list[MigrationFile],
    decide: Decide,
    session: Session | None,
    *,
    env: Mapping[str, str] | None,
    create: bool,
) -> RunResult:
    """Plan and check as the run would; *session* is None without versioning."""
    if session is None:
        plan = decide(files, None)
        steps = validate(plan.steps, env=env)
        planned = tuple(PlannedStep(step, "") for step in steps)
        return _result(plan, Preview(planned, env, False, failure=plan.failure))

    recorded = session.recorded(create=create, defer=True)
    plan = decide(files, recorded.history)
    steps = validate(plan.steps, env=env)
    table, checksums, conn = session.table, session.checksums, session.conn
    planned = tuple(
        PlannedStep(step, record_sql(step, table, checksums, conn)) for step in steps
    )

    setup: list[sql.Composed] = []
    if session.deferred:
        setup = [table.create_sql(), table.insert_sql(0), *checksums.setup_sql()]
    elif recorded.checksums is None and _records(steps):
        setup = [checksums.create_sql()]
    texts = tuple(query.as_string(conn) for query in setup)
    found = Preview(planned, env, True, texts, session.deferred, plan.failure)
    return _result(plan, found)


def preview_text(preview: Preview, current_version: int) -> Iterator[str]:
    """The dry run as SQL a reader can follow, in pieces to write one after
    the other: the setup, then each step under a comment naming it."""
    yield "-- dry run: none of this was sent to the database\n"
    if preview.setup:
        yield from _setup_text(preview)
    for planned in preview.steps:
        step = planned.step
        mode = "transaction" if step.use_tx else "no transaction"
        yield f"\n-- {step.direction.value} {step.file.name} ({mode})\n"
        texts = statements(step, preview.env)
        if step.use_tx:
            for query in transaction_queries(texts, planned.record):
                yield query.text
            yield "\n"
            continue
        for statement in texts:
            yield statement.text + "\n"
        yield planned.record

    which = "version" if preview.versioned else "file version"
    yield f"\n-- {which} after this run: {current_version}\n"


def _setup_text(preview: Preview) -> Iterator[str]:
    if preview.creates_version_table:
        yield f"\n-- create the version table and its checksum table\n{BEGIN}"
    else:
        yield "\n-- create the checksum table\n"
    for query in preview.setup:
        yield query + ";\n"
    if preview.creates_version_table:
        yield COMMIT + "\n"


def _records(steps: Sequence[Step]) -> bool:
    return any(step.record for step in steps)


def _result(plan: Plan, preview: Preview) -> RunResult:
    # The run logs its message before raising its failure; so does the
    # preview, whose caller raises the failure once the plan is shown.
    if plan.failure is not None and plan.message:
        logger.info("%s", plan.message)
    return RunResult((), plan.current_version, plan.message, preview)
