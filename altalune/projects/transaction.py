"""The transactions of the project repository: one lock, few round trips.

A transaction opens in a pipeline (BEGIN, the lock and the first queries in
one round trip) and ends with a simple-protocol batch that carries the DDL,
the inserts and its own COMMIT (a second round trip).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Final, TypeAlias

import psycopg
from psycopg import errors, sql
from psycopg.pq import TransactionStatus
from psycopg.rows import tuple_row

from altalune.db import first_line
from altalune.errors import AltaluneError, DatabaseError
from altalune.projects.errors import ProjectError

Connection: TypeAlias = "psycopg.Connection[Any]"

# Creating a partition locks its parent and, for the foreign key, the projects
# table, which a session that has just inserted a project also holds. Without
# one lock taken before the first write, two creates (or a create and a sync)
# deadlock or race on CREATE TABLE IF NOT EXISTS. The key is "altalune" in
# ASCII, far from goose's 4097083626 migration lock.
LOCK_ID: Final = int.from_bytes(b"altalune", "big")

_BEGIN = sql.SQL("BEGIN")
_LOCK = sql.SQL("SELECT pg_advisory_xact_lock({})")
_COMMIT = sql.SQL("COMMIT")


@contextmanager
def locked_pipeline(conn: Connection) -> Iterator[None]:
    """Open a transaction holding LOCK_ID; queries sent inside share its round trip.

    Their results are available once the block exits; the transaction stays
    open until a batch commits it or :func:`translated` rolls it back.
    """
    with conn.pipeline():
        conn.execute(_BEGIN)
        conn.execute(_LOCK.format(sql.Literal(LOCK_ID)))
        yield


def commit_batch(
    conn: Connection, statements: Sequence[sql.Composable], *, begin: bool
) -> psycopg.Cursor[tuple[Any, ...]]:
    """Run *statements* and COMMIT in one simple-protocol round trip.

    With *begin*, the batch opens its own transaction and takes LOCK_ID
    first; otherwise it ends the one :func:`locked_pipeline` opened.
    """
    head = [_BEGIN, _LOCK.format(sql.Literal(LOCK_ID))] if begin else []
    batch = sql.SQL(";\n").join([*head, *statements, _COMMIT])
    # Without parameters psycopg sends the simple protocol, which is what lets
    # many statements travel in one message.
    return tuples(conn).execute(batch)


def tuples(conn: Connection) -> psycopg.Cursor[tuple[Any, ...]]:
    """A cursor of plain tuples, whatever row factory the connection has."""
    return conn.cursor(row_factory=tuple_row)


@contextmanager
def translated(
    conn: Connection, unique: Mapping[str, str] | None = None
) -> Iterator[None]:
    """Roll back on any error and turn database errors into AltaluneErrors.

    *unique* maps a unique constraint's name to the message its violation
    gives, e.g. a duplicate project name.
    """
    try:
        yield
    except psycopg.Error as exc:
        _rollback(conn)
        raise _error_for(exc, unique or {}) from None
    except Exception:
        _rollback(conn)
        raise


def _rollback(conn: Connection) -> None:
    if conn.closed:
        return
    try:
        conn.rollback()
    except psycopg.Error:
        # The error on its way to the user says more than this one; closing
        # the connection ends the transaction anyway.
        return


def _error_for(exc: psycopg.Error, unique: Mapping[str, str]) -> AltaluneError:
    primary = exc.diag.message_primary or first_line(exc)
    if isinstance(exc, errors.UniqueViolation) and exc.diag.constraint_name in unique:
        return ProjectError(unique[exc.diag.constraint_name or ""])
    if isinstance(exc, errors.UndefinedTable):
        return ProjectError(f"{primary}; run 'app migrate up' first")
    if isinstance(exc, errors.IntegrityError | errors.DataError):
        return ProjectError(primary)
    return DatabaseError(first_line(exc))


def require_idle(conn: Connection) -> None:
    """Refuse a connection that is not in autocommit mode or is in a transaction.

    The repository opens and commits its own transactions; inside a caller's
    transaction its COMMIT would end the caller's work too.
    """
    if not conn.autocommit or conn.info.transaction_status != TransactionStatus.IDLE:
        raise ValueError(
            "the project repository needs an autocommit connection "
            "outside any transaction"
        )
