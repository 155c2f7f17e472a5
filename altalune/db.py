"""Connections to PostgreSQL.

psycopg is imported inside the functions that need it, so that commands
which never touch a database start without loading the driver.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from altalune.errors import DatabaseError

if TYPE_CHECKING:
    import psycopg

logger = logging.getLogger(__name__)

APPLICATION_NAME = "altalune"

# The URI query parameters libpq understands; pgx passes any other one to the
# server as a run-time setting (?search_path=app), so those become options=-c.
_LIBPQ_PARAMS = frozenset(
    """host hostaddr port dbname user password passfile require_auth channel_binding
    connect_timeout client_encoding options application_name fallback_application_name
    keepalives keepalives_idle keepalives_interval keepalives_count tcp_user_timeout
    replication gssencmode sslmode sslnegotiation requiressl sslcompression sslcert
    sslkey sslkeylogfile sslpassword sslcertmode sslrootcert sslcrl sslcrldir sslsni
    requirepeer ssl_min_protocol_version ssl_max_protocol_version krbsrvname gsslib
    gssdelegation service target_session_attrs load_balance_hosts
    min_protocol_version max_protocol_version oauth_issuer oauth_client_id
    oauth_client_secret oauth_scope""".split()
)

_PASSWORD_IN_URL = re.compile(r"(?P<head>://[^/:@?#]*:)(?P<secret>[^@/?#]*)(?=@)")
_PASSWORD_PARAM = re.compile(
    r"(?P<head>\bpassword\s*=\s*)(?P<secret>'(?:[^'\\]|\\.)*'|\S+)"
)
_MASK = "xxxxx"


def mask_url(text: str) -> str:
    """Hide every password in *text*, a URL, a key=value string or a message."""
    text = _PASSWORD_IN_URL.sub(lambda m: m["head"] + _MASK, text)
    return _PASSWORD_PARAM.sub(lambda m: m["head"] + _MASK, text)


def normalize_url(url: str) -> str:
    """Turn server settings given as URI parameters into libpq ``options``."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    settings = [(k, v) for k, v in params if k not in _LIBPQ_PARAMS]
    if not settings:
        return url

    kept = [(k, v) for k, v in params if k in _LIBPQ_PARAMS]
    options = [v for k, v in kept if k == "options"]
    kept = [(k, v) for k, v in kept if k != "options"]
    # libpq splits options at unescaped spaces, so spaces in values are escaped.
    options += [f"-c {k}={v.replace(' ', chr(92) + ' ')}" for k, v in settings]
    kept.append(("options", " ".join(options)))
    # libpq decodes percent escapes only, so a space must not become "+".
    return urlunsplit(parts._replace(query=urlencode(kept, quote_via=quote)))


def connect(
    url: str, *, connect_timeout: float = 10, wait: float = 0
) -> psycopg.Connection[tuple[object, ...]]:
    """Open an autocommit connection, retrying for up to *wait* seconds.

    Errors come back as :class:`DatabaseError` with any password masked.
    """
    import psycopg

    deadline = time.monotonic() + wait
    while True:
        try:
            return psycopg.connect(
                normalize_url(url),
                autocommit=True,
                application_name=APPLICATION_NAME,
                connect_timeout=max(1, round(connect_timeout)),
            )
        except psycopg.OperationalError as exc:
            if time.monotonic() >= deadline:
                raise DatabaseError(describe_connect_error(url, exc)) from None
            logger.info("waiting for the database: %s", mask_url(first_line(exc)))
            time.sleep(1)
        except psycopg.ProgrammingError as exc:
            raise DatabaseError(
                f"invalid database url {mask_url(url)!r}: {mask_url(first_line(exc))}"
            ) from None


def describe_connect_error(url: str, exc: Exception) -> str:
    message = first_line(exc)
    hint = ""
    if "does not exist" in message and "database" in message:
        hint = " (create it first, e.g. with createdb, or fix the database name)"
    return f"cannot connect to {mask_url(url)}: {mask_url(message)}{hint}"


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def connection(
    url: str, *, connect_timeout: float = 10, wait: float = 0
) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A connection closed on exit, whatever happens."""
    conn = connect(url, connect_timeout=connect_timeout, wait=wait)
    try:
        yield conn
    finally:
        conn.close()


def describe_error(exc: psycopg.Error) -> str:
    """One line for a failed query: SQLSTATE and message, then detail and hint."""
    message = exc.diag.message_primary
    if not exc.sqlstate or message is None:
        return mask_url(first_line(exc))

    text = f"{exc.sqlstate} {message}"
    if exc.diag.message_detail:
        text += f"; detail: {exc.diag.message_detail}"
    if exc.diag.message_hint:
        text += f"; hint: {exc.diag.message_hint}"
    return " ".join(text.split("\n"))


def execute_script(conn: psycopg.Connection[tuple[object, ...]], text: str) -> None:
    """Run trusted migration text exactly as written, as goose does.

    This is the one place where the text of migration files becomes a
    query. Without a params argument psycopg sends it with the simple query
    protocol, like pgx for goose: several commands may share the string, and
    ``%`` or ``$1`` in it reach the server untouched. The text comes from the
    project's own files and is never built from outside input.
    """
    conn.execute(text)
