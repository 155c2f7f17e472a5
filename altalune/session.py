"""One command's time on the database: its connection, lock and deadline.

Everything a command does runs on this one connection: the session
advisory lock belongs to it, and the migrations run on it, so the lock
covers them all and ends with the connection at the latest.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from altalune import db
from altalune.apply import Executor
from altalune.batch import Deadline
from altalune.errors import DatabaseError
from altalune.lock import LOCK_ID, acquire, release
from altalune.store import History, Row

if TYPE_CHECKING:
    import psycopg

    from altalune.runner import Options
    from altalune.store import VersionTable


class Session:
    """Connect on enter; release the lock and close on exit, whatever happened."""

    def __init__(self, options: Options, table: VersionTable) -> None:
        self.options = options
        self.table = table
        self.deadline = Deadline(options.timeout)
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._locked = False
        self._deferred = False

    def __enter__(self) -> Session:
        options = self.options
        self._conn = db.connect(
            options.database_url,
            connect_timeout=options.connect_timeout,
            wait=options.wait,
        )
        self.deadline.arm(self._conn)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        conn = self.conn
        self.deadline.disarm()
        try:
            if self._locked:
                release(conn, key=LOCK_ID)
        finally:
            conn.close()

    @property
    def conn(self) -> psycopg.Connection[tuple[object, ...]]:
        if self._conn is None:
            raise RuntimeError("the session is not open")
        return self._conn

    def lock(self) -> None:
        """Take the migration lock unless disabled or already held."""
        if self._locked or not self.options.lock:
            return
        try:
            acquire(self.conn, timeout=self.options.lock_timeout, key=LOCK_ID)
        except DatabaseError:
            if self.deadline.expired:
                raise DatabaseError(
                    self.deadline.message("waiting for the migration lock")
                ) from None
            raise
        self._locked = True

    def history(self, *, create: bool, defer: bool = False) -> History:
        """Read the version table; create it under the lock when it is missing.

        Without *create*, a missing table is an error, as in goose's reset.
        With *defer*, a missing table reads as the new one goose would make
        (row 0 alone) and :meth:`create_deferred_table` makes it: a command
        refused while planning then leaves the database as it found it.
        """
        try:
            history = self.table.read(self.conn)
            if history is None and create and defer:
                self._deferred = True
                return History([Row(1, 0, True, None)])
            if history is None and create:
                # Someone may have created it while this session waited.
                self.lock()
                history = self.table.read(self.conn)
                if history is None:
                    history = self.table.create(self.conn)
        except DatabaseError:
            if self.deadline.expired:
                raise DatabaseError(
                    self.deadline.message("reading the version table")
                ) from None
            raise
        if history is None:
            raise DatabaseError(
                f"failed to get status of migrations: version table {self.table} "
                "does not exist; run up first"
            )
        return history

    def create_deferred_table(self) -> None:
        """Make the version table that :meth:`history` only pretended to read."""
        if self._deferred:
            self._deferred = False
            self.history(create=True)

    def executor(self) -> Executor:
        return Executor(
            self.conn, self.table, env=self.options.env, deadline=self.deadline
        )
