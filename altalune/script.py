"""The SQL text each step sends, built once for running it and for showing it.

The executor sends these strings and ``--dry-run`` prints them, so a preview
is exactly what a run would send: a transactional step as ``BEGIN;``, its
statements joined by ``\\n;\\n`` (see batch.py), its version row and
checksum, ``COMMIT;``; a ``NO TRANSACTION`` step as one query per statement,
then one query holding both rows, which PostgreSQL runs as one implicit
transaction so that they commit together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from altalune.batch import Chunk, chunks
from altalune.parser import Direction, SQLParser, Statement
from altalune.source import read_lines

if TYPE_CHECKING:
    from psycopg.abc import AdaptContext

    from altalune.checksums import ChecksumTable
    from altalune.plan import Step
    from altalune.store import VersionTable

BEGIN = "BEGIN;\n"
COMMIT = "COMMIT;"


@dataclass(frozen=True, slots=True)
class Query:
    """One query of a transactional step; *head* characters precede the
    chunk's statements in *text*, which error positions must skip."""

    chunk: Chunk
    text: str
    head: int


def statements(step: Step, env: Mapping[str, str] | None) -> Iterator[Statement]:
    """The statements of the step's file in its direction, read lazily."""
    path = step.file.path
    parser = SQLParser(step.direction, env=env, path=str(path))
    return parser.statements(read_lines(path))


def record_sql(
    step: Step,
    table: VersionTable,
    checksums: ChecksumTable,
    context: AdaptContext | None,
) -> str:
    """The version row and checksum writes of a step, "" when it records nothing."""
    if not step.record:
        return ""
    version = step.file.version
    if step.direction is Direction.UP:
        queries = [
            table.insert_sql(version),
            checksums.record_sql(version, step.file.name, step.sha256),
        ]
    else:
        queries = [table.delete_sql(version), checksums.forget_sql(version)]
    return "".join(query.as_string(context) + ";\n" for query in queries)


def transaction_queries(
    statements: Iterable[Statement], record: str
) -> Iterator[Query]:
    """BEGIN, the statements, the record and COMMIT, in chunks of about a MB."""
    head = BEGIN
    for chunk in chunks(statements):
        tail = record + COMMIT if chunk.last else ""
        yield Query(chunk, head + chunk.text() + tail, len(head))
        head = ""
