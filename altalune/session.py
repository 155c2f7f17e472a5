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
from altalune.checksums import ChecksumTable, Recorded
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
        self.checksums = ChecksumTable(table)
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
        with self.deadline.reporting("waiting for the migration lock"):
            acquire(self.conn, timeout=self.options.lock_timeout, key=LOCK_ID)
        self._locked = True

    def read(self) -> Recorded | None:
        """The version rows and their checksums, creating nothing; None when
        the version table is missing.

        One query when both tables exist. A database goose created has no
        checksum table, which costs a second query to tell apart from one
        without a version table.
        """
        recorded = self.checksums.read(self.conn)
        if recorded is not None:
            return recorded
        history = self.table.read(self.conn)
        return None if history is None else Recorded(history, None)

    def recorded(self, *, create: bool, defer: bool = False) -> Recorded:
        """Read both tables; create them under the lock when they are missing.

        Without *create*, a missing table is an error, as in goose's reset.
        With *defer*, a missing table reads as the new one goose would make
        (row 0 alone) and :meth:`create_deferred_table` makes it: a command
        refused while planning then leaves the database as it found it.
        """
        with self.deadline.reporting("reading the version table"):
            recorded = self.read()
            if recorded is None and create and defer:
                self._deferred = True
                return Recorded(History([Row(1, 0, True, None)]), {})
            if recorded is None and create:
                # Someone may have created it while this runner waited.
                self.lock()
                recorded = self.read()
                if recorded is None:
                    also = self.checksums.setup_sql()
                    history = self.table.create(self.conn, also=also)
                    recorded = Recorded(history, {})
        if recorded is None:
            raise DatabaseError(
                f"failed to get status of migrations: version table {self.table} "
                "does not exist; run up first"
            )
        return recorded

    def history(self, *, create: bool, defer: bool = False) -> History:
        return self.recorded(create=create, defer=defer).history

    @property
    def deferred(self) -> bool:
        """Whether the version table was only pretended and is still to make."""
        return self._deferred

    def create_deferred_table(self) -> None:
        """Make the version table that :meth:`history` only pretended to read."""
        if self._deferred:
            self._deferred = False
            self.history(create=True)

    def ensure_checksums(self, recorded: Recorded) -> None:
        """Create the checksum table on a database goose created.

        The caller holds the lock unless locking is off, when IF NOT EXISTS
        lets a concurrent creator win quietly.
        """
        if recorded.checksums is None:
            self.checksums.create(self.conn)

    def executor(self) -> Executor:
        return Executor(
            self.conn, self.table, env=self.options.env, deadline=self.deadline
        )
