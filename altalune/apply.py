"""Running checked steps on the database (GOOSE.md 5).

A transactional migration travels as one simple-protocol query,
``BEGIN;`` + its statements + its version row + ``COMMIT;``, split into
chunks of about a megabyte when the file is big, so a file is never held
whole. A ``NO TRANSACTION`` migration runs statement by statement in
autocommit. Either way a failure comes back as ``path:line: SQLSTATE
message``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import psycopg
from psycopg.pq import TransactionStatus

from altalune.batch import Chunk, Deadline, chunks, line_of
from altalune.checksums import ChecksumTable
from altalune.db import describe_error, execute_script
from altalune.errors import AltaluneError, DatabaseError, Interrupted, MigrationError
from altalune.goformat import go_duration
from altalune.parser import Statement
from altalune.results import Applied
from altalune.script import record_sql, statements, transaction_queries
from altalune.store import VersionTable

if TYPE_CHECKING:
    from collections.abc import Mapping

    from altalune.plan import Step

logger = logging.getLogger(__name__)

_QUERY_CANCELED = "57014"


class Executor:
    """Runs steps one at a time on one connection."""

    def __init__(
        self,
        conn: psycopg.Connection[tuple[object, ...]],
        table: VersionTable,
        *,
        env: Mapping[str, str] | None,
        deadline: Deadline,
    ) -> None:
        self.conn = conn
        self.table = table
        self.checksums = ChecksumTable(table)
        self.env = env
        self.deadline = deadline
        self._ran = 0
        self._done = False

    def run(self, step: Step) -> Applied:
        self._ran, self._done = 0, False
        if self.deadline.expired:
            raise MigrationError(
                self.deadline.message(f"before applying {step.file.path}")
            )

        started = time.monotonic()
        try:
            count = (
                self._in_transaction(step) if step.use_tx else self._autocommit(step)
            )
        except KeyboardInterrupt as exc:
            code = getattr(exc, "exit_code", 130)
            raise Interrupted(self._interrupted(step), code) from None
        elapsed = time.monotonic() - started

        label = "EMPTY" if count == 0 else "OK  "
        logger.info("%s %s (%s)", label, step.file.name, go_duration(elapsed))
        name = step.file.name
        return Applied(step.file.version, name, step.direction, elapsed, count == 0)

    def _in_transaction(self, step: Step) -> int:
        record = self._record_sql(step)
        count = 0
        try:
            for query in transaction_queries(self._statements(step), record):
                try:
                    execute_script(self.conn, query.text)
                except psycopg.Error as exc:
                    self._rollback()
                    raise self._transaction_error(
                        step, exc, query.chunk, query.head
                    ) from None
                count += len(query.chunk.statements)
        except BaseException:
            # An interrupt or an unreadable line can stop a half-sent file.
            self._rollback()
            raise
        self._done = True
        return count

    def _autocommit(self, step: Step) -> int:
        path = step.file.path
        for statement in self._statements(step):
            if self.deadline.expired:
                raise MigrationError(self.deadline.message(f"while applying {path}"))
            try:
                execute_script(self.conn, statement.text)
            except psycopg.Error as exc:
                place = f"{path}:{line_of(statement, exc.diag.statement_position)}"
                raise self._failure(place, exc, self._ran_note()) from None
            self._ran += 1

        record = self._record_sql(step)
        if record:
            try:
                execute_script(self.conn, record)
            except psycopg.Error as exc:
                place = f"{path}: cannot record version {step.file.version}"
                raise self._failure(place, exc, self._ran_note()) from None
        self._done = True
        return self._ran

    def _statements(self, step: Step) -> Iterator[Statement]:
        path = step.file.path
        for statement in statements(step, self.env):
            logger.debug("%s:%d: executing %s", path, statement.line, statement.text)
            yield statement

    def _record_sql(self, step: Step) -> str:
        return record_sql(step, self.table, self.checksums, self.conn)

    def _transaction_error(
        self, step: Step, exc: psycopg.Error, chunk: Chunk, head: int
    ) -> AltaluneError:
        """Say which statement failed, from the server's position or by replay."""
        path = step.file.path
        if self.deadline.expired:
            doing = f"while applying {path}; it was rolled back"
            return MigrationError(self.deadline.message(doing))
        if self.conn.broken or self.conn.closed:
            return DatabaseError(f"{path}: lost the connection: {describe_error(exc)}")

        position = exc.diag.statement_position
        line = chunk.line_at(position, head)
        if line is not None:
            return self._failure(f"{path}:{line}", exc, "")
        if position is not None:
            version = step.file.version
            return self._failure(f"{path}: cannot record version {version}", exc, "")

        if exc.sqlstate != _QUERY_CANCELED:
            line = self._replay(step, chunk.index, exc.sqlstate)
        return self._failure(f"{path}:{line}" if line else str(path), exc, "")

    def _replay(
        self, step: Step, failed_chunk: int, sqlstate: str | None
    ) -> int | None:
        """Find the failing statement by running the file again, one statement
        at a time from the failed chunk on, in a transaction always rolled back.
        """
        try:
            execute_script(self.conn, "BEGIN")
            for chunk in chunks(self._statements(step)):
                if chunk.index < failed_chunk:
                    execute_script(self.conn, chunk.text())
                    continue
                for statement in chunk.statements:
                    try:
                        execute_script(self.conn, statement.text)
                    except psycopg.Error as exc:
                        if exc.sqlstate != sqlstate:
                            return None
                        return line_of(statement, exc.diag.statement_position)
                return None
        except psycopg.Error:
            return None
        finally:
            self._rollback()
        return None

    def _failure(self, place: str, exc: psycopg.Error, note: str) -> AltaluneError:
        if self.deadline.expired:
            return MigrationError(self.deadline.message(f"at {place}{note}"))
        return MigrationError(f"{place}: {describe_error(exc)}{note}")

    def _ran_note(self) -> str:
        if self._ran == 0:
            return ""
        if self._ran == 1:
            return "; statement 1 of this file already ran and stays applied"
        return f"; statements 1-{self._ran} of this file already ran and stay applied"

    def _interrupted(self, step: Step) -> str:
        path = step.file.path
        if self._done:
            return f"interrupted after applying {path}"
        if step.use_tx:
            return f"interrupted while applying {path}; it was rolled back"
        return f"interrupted while applying {path}{self._ran_note()}"

    def _rollback(self) -> None:
        if self.conn.closed or self.conn.broken:
            return
        if self.conn.info.transaction_status == TransactionStatus.IDLE:
            return
        try:
            execute_script(self.conn, "ROLLBACK")
        except psycopg.Error as exc:
            logger.warning("rollback failed: %s", describe_error(exc))
