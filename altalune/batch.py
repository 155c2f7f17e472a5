"""Statements grouped into queries, the way back from an error position to a
file line, and the deadline a command runs under.

A transactional migration is sent as ``s1\\n;\\ns2\\n;\\n...``: the parser
refuses any statement that ends inside a string, quoted name, dollar quote
or block comment, so each one is lexically complete and the ``;`` after it
can only end it (or add an empty command, which PostgreSQL ignores). The
newline before the ``;`` ends a trailing ``--`` comment.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg

from altalune.errors import DatabaseError
from altalune.parser import Statement

# Big enough that the round trips of a large file stay few (400 for 100 MB),
# small enough that the query text, its encoding and its statements stay
# around a megabyte whatever the file's size.
CHUNK_SIZE = 250_000
_SEPARATOR = "\n;\n"


@dataclass
class Chunk:
    """Consecutive statements of one file, sent as one query."""

    index: int
    statements: list[Statement] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    size: int = 0
    last: bool = False

    def add(self, statement: Statement) -> None:
        self.statements.append(statement)
        self.offsets.append(self.size)
        self.size += len(statement.text) + len(_SEPARATOR)

    def text(self) -> str:
        return "".join(s.text + _SEPARATOR for s in self.statements)

    def line_at(self, position: str | None, head: int) -> int | None:
        """The file line of a 1-based character position in the query sent,
        which had *head* characters before this chunk's text; None when the
        position is missing or falls after the statements.
        """
        if position is None:
            return None
        index = int(position) - 1 - head
        if not 0 <= index < self.size:
            return None

        found = bisect.bisect_right(self.offsets, index) - 1
        return _line_within(self.statements[found], index - self.offsets[found])


def chunks(statements: Iterable[Statement], size: int = CHUNK_SIZE) -> Iterator[Chunk]:
    """Group statements into chunks of about *size* characters.

    A chunk is yielded once the next statement is known to exist, so the
    last one can be marked: it carries the version row and COMMIT.
    """
    chunk = Chunk(0)
    for statement in statements:
        if chunk.size >= size:
            yield chunk
            chunk = Chunk(chunk.index + 1)
        chunk.add(statement)
    chunk.last = True
    yield chunk


def line_of(statement: Statement, position: str | None) -> int:
    """The file line of a 1-based position within one statement's text."""
    if position is None:
        return statement.line
    return _line_within(statement, int(position) - 1)


def _line_within(statement: Statement, index: int) -> int:
    # Past the text means the ';' we added: the error is at the statement's end.
    index = max(0, min(index, len(statement.text)))
    return statement.line + statement.text.count("\n", 0, index)


class Deadline:
    """One time limit for a whole command, like goose's ``-timeout``.

    At the limit a timer thread cancels the query running on the connection;
    the flag lets the runner tell that cancel from any other and refuse to
    start new work.
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.expired = False
        # goose reads a zero -timeout as no limit at all.
        self._end = time.monotonic() + seconds if seconds else None
        self._timer: threading.Timer | None = None

    def arm(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        if self._end is None:
            return
        remaining = self._end - time.monotonic()
        if remaining <= 0:
            self.expired = True
            return
        self._timer = threading.Timer(remaining, self._expire, args=(conn,))
        self._timer.daemon = True
        self._timer.start()

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def message(self, doing: str) -> str:
        return f"timed out after {self.seconds:g}s {doing}"

    @contextmanager
    def reporting(self, doing: str) -> Iterator[None]:
        """Report a database error the deadline's cancel caused as a timeout."""
        try:
            yield
        except DatabaseError:
            if self.expired:
                raise DatabaseError(self.message(doing)) from None
            raise

    def _expire(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        self.expired = True
        try:
            conn.cancel_safe()
        except psycopg.Error:
            # The connection is gone; the main thread meets that on its own.
            return
