"""The PostgreSQL server under test: fresh databases, their URLs, and psql.

Every URL turns TLS and GSS encryption off, for altalune and psql alike, so
that both pay the same connection cost and the proxy sees plain protocol.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import LiteralString
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

_PLAIN = {"sslmode": "disable", "gssencmode": "disable"}


class Server:
    """An admin URL, and what the benchmarks derive from it."""

    def __init__(self, admin_url: str) -> None:
        parts = urlsplit(admin_url)
        if parts.scheme not in ("postgres", "postgresql") or not parts.hostname:
            raise ValueError(f"expected a postgresql://host/... URL, got {admin_url!r}")
        self.admin_url = admin_url
        self.host = parts.hostname
        self.port = parts.port or 5432

    def url(self, database: str, *, port: int | None = None) -> str:
        """A URL of *database*, through the proxy listening on *port* if given."""
        parts = urlsplit(self.admin_url)
        credentials, at, address = parts.netloc.rpartition("@")
        if port is not None:
            address = f"127.0.0.1:{port}"
        netloc = credentials + at + address
        return urlunsplit((parts.scheme, netloc, f"/{database}", urlencode(_PLAIN), ""))

    def version(self) -> str:
        with psycopg.connect(self.admin_url, connect_timeout=5) as conn:
            row = conn.execute("SELECT current_setting('server_version')").fetchone()
        return f"PostgreSQL {row[0] if row else '?'}"

    def scalar(self, database: str, query: LiteralString) -> object:
        """The first value *query* returns in *database*, asked directly."""
        with psycopg.connect(self.url(database), connect_timeout=5) as conn:
            row = conn.execute(query).fetchone()
        return row[0] if row else None

    def execute(
        self, database: str, statement: LiteralString, params: Sequence[object]
    ) -> None:
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(statement, params)

    @contextmanager
    def fresh_database(self) -> Iterator[str]:
        """The name of a new empty database, dropped on exit."""
        name = f"altalune_bench_{uuid.uuid4().hex[:10]}"
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield name
        finally:
            self._admin(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )

    def _admin(self, statement: sql.Composed) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)


def psql(url: str, *options: str) -> list[str]:
    """A psql command line that reads no psqlrc, stays quiet and stops at errors."""
    binary = shutil.which("psql")
    if binary is None:
        raise FileNotFoundError("psql is not on PATH; the reference runs need it")
    return [binary, "-X", "-q", "-v", "ON_ERROR_STOP=1", *options, url]
