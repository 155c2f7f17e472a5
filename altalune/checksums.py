"""Checksums of applied files, in a table beside goose's version table.

goose records only a version number, so a file edited after it was applied
goes unnoticed. altalune keeps the SHA-256 of every file it applies in
``<version table>_checksums``, in the version table's schema, and leaves
goose's own table exactly as goose writes it: goose keeps working on the
same database and simply ignores the extra table.

A checksum row names the id of the version row written with it. When goose
rolls a version back and applies it again, the new version row has a new
id, so the old checksum stops counting instead of reporting a false edit:
that application simply has no checksum.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from altalune.db import describe_error
from altalune.errors import DatabaseError, SourceError
from altalune.store import History, Row, VersionTable, display_name, fetch_table

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql

SUFFIX = "_checksums"

_CREATE = (
    "CREATE TABLE IF NOT EXISTS {checksums} (\n"
    "\tversion_id bigint PRIMARY KEY,\n"
    "\tversion_row_id bigint NOT NULL,\n"
    "\tfile_name text NOT NULL,\n"
    "\tsha256 text NOT NULL,\n"
    "\tapplied_at timestamptz NOT NULL DEFAULT now()\n"
    ")"
)
# max(id) is the version row inserted just before, in the same transaction.
_RECORD = (
    "INSERT INTO {checksums} (version_id, version_row_id, file_name, sha256)\n"
    "SELECT {version}, max(id), {name}, {sha256} FROM {table}"
    " WHERE version_id={version}\n"
    "ON CONFLICT (version_id) DO UPDATE SET version_row_id = excluded.version_row_id,"
    "\n\tfile_name = excluded.file_name, sha256 = excluded.sha256, applied_at = now()"
)
_FORGET = "DELETE FROM {checksums} WHERE version_id={version}"
_CLEAR = "DELETE FROM {checksums}"
_READ = (
    "SELECT v.id, v.version_id, v.is_applied, v.tstamp, c.file_name, c.sha256"
    " FROM {table} AS v LEFT JOIN {checksums} AS c"
    " ON c.version_id = v.version_id AND c.version_row_id = v.id"
    " ORDER BY v.id DESC"
)


@dataclass(frozen=True, slots=True)
class Checksum:
    """What was recorded when a version was applied."""

    file_name: str
    sha256: str


@dataclass(frozen=True)
class Recorded:
    """The version table's rows and the checksums that still count for them.

    ``checksums`` is None when the checksum table does not exist: goose
    created the database and altalune has applied nothing to it yet.
    """

    history: History
    checksums: Mapping[int, Checksum] | None


class ChecksumTable:
    """``<name>_checksums`` beside the version table ``<schema>.<name>``."""

    def __init__(self, table: VersionTable) -> None:
        self.table = table
        *schema, name = table.parts
        self.parts = (*schema, name + SUFFIX)

    def __str__(self) -> str:
        return display_name(self.parts)

    def create_sql(self) -> sql.Composed:
        return self._compose(_CREATE)

    def record_sql(self, version: int, file_name: str, sha256: str) -> sql.Composed:
        """Record a file's checksum against the version row just written."""
        from psycopg import sql

        return self._compose(
            _RECORD,
            version,
            name=sql.Literal(file_name),
            sha256=sql.Literal(sha256),
        )

    def forget_sql(self, version: int) -> sql.Composed:
        return self._compose(_FORGET, version)

    def setup_sql(self) -> list[sql.Composed]:
        """What runs with the creation of the version table.

        Rows left from a version table dropped since would name row ids the
        new table hands out again, so they go.
        """
        return [self.create_sql(), self._compose(_CLEAR)]

    def create(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        import psycopg

        try:
            conn.execute(self.create_sql())
        except psycopg.Error as exc:
            raise DatabaseError(
                f"cannot create checksum table {self}: {describe_error(exc)}"
            ) from None

    def read(self, conn: psycopg.Connection[tuple[object, ...]]) -> Recorded | None:
        """Both tables in one query; None when either of them is missing."""
        query = self._compose(_READ)
        rows = fetch_table(conn, query, _joined, what=f"version table {self.table}")
        if rows is None:
            return None

        checksums = {row.version: found for row, found in rows if found is not None}
        return Recorded(History(row for row, _ in rows), checksums)

    def _compose(
        self, template: str, version: int | None = None, **values: sql.Composable
    ) -> sql.Composed:
        from psycopg import sql

        if version is not None:
            values["version"] = sql.Literal(version)
        return sql.SQL(template).format(
            checksums=sql.Identifier(*self.parts),
            table=self.table.identifier(),
            **values,
        )


def _joined(
    row_id: int,
    version: int,
    applied: bool,
    tstamp: datetime | None,
    file_name: str | None,
    sha256: str | None,
) -> tuple[Row, Checksum | None]:
    row = Row(row_id, version, applied, tstamp)
    if file_name is None or sha256 is None:
        return row, None
    return row, Checksum(file_name, sha256)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks so that size does not matter."""
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError as exc:
        raise SourceError(
            f"{path}: cannot read migration file: {exc.strerror}"
        ) from None
