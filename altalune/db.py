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
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

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

# A password typed into a URL unescaped may hold '/', '?', '#' or '@', so it
# runs to the '@' that is followed by a host and no other '@'. A user name
# may hold '@' too (Azure's user@server). Hiding too much beats showing some.
_PASSWORD_IN_URL = re.compile(
    r"(?P<head>://[^\s/:?#]*:)(?P<secret>\S*?)(?=@[^\s@/?#]*+(?!@))"
)
_PASSWORD_IN_QUERY = re.compile(r"(?P<head>[?&]password=)(?P<secret>[^&#\s]*)")
_PASSWORD_PARAM = re.compile(
    r"(?P<head>(?<![\w?&])password\s*=\s*)(?P<secret>'(?:[^'\\]|\\.)*'|\S+)"
)
# A URL on its own may even have spaces in its password, which libpq refuses,
# quoting the password in its message.
_PASSWORD_IN_ONE_URL = re.compile(r"://[^\s/:?#]*:(?P<secret>.*?)(?=@[^\s@/?#]*+(?!@))")
_MASK = "xxxxx"


def mask_url(text: str) -> str:
    """Hide every password in *text*, a URL, a key=value string or a message."""
    for pattern in (_PASSWORD_IN_URL, _PASSWORD_IN_QUERY, _PASSWORD_PARAM):
        text = pattern.sub(lambda m: m["head"] + _MASK, text)
    return text


def _hide(text: str, url: str) -> str:
    """Mask *text*, and every spelling of a password *url* holds in it.

    libpq quotes the token it could not parse, which may be the password
    itself, with no ``password=`` or ``user:`` before it to recognise.
    Spellings shorter than four characters are left: hiding them would blot
    out parts of ordinary words.
    """
    text = mask_url(text)
    for pattern in (_PASSWORD_IN_ONE_URL, _PASSWORD_IN_QUERY, _PASSWORD_PARAM):
        for match in pattern.finditer(url):
            secret = match["secret"]
            for spelling in {secret, secret.strip("'"), unquote(secret)}:
                if len(spelling) >= 4:
                    text = text.replace(spelling, _MASK)
    return text


def normalize_url(url: str) -> str:
    """Read a URL as pgx, goose's driver, does, in the form libpq expects.

    Server settings given as URI parameters become libpq ``options``, and an
    ``@`` inside the user or password is escaped: pgx takes the user
    information up to the last ``@`` of the host part, libpq up to the first.
    """
    if "://" not in url:
        return url
    url = _escape_userinfo(url)
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


def _escape_userinfo(url: str) -> str:
    scheme, _, rest = url.partition("://")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    userinfo, at, _ = authority.rpartition("@")
    if not at or "@" not in userinfo:
        return url
    return f"{scheme}://{userinfo.replace('@', '%40')}{rest[len(userinfo) :]}"


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
            conn = psycopg.connect(
                normalize_url(url),
                autocommit=True,
                application_name=APPLICATION_NAME,
                connect_timeout=max(1, round(connect_timeout)),
            )
        except psycopg.OperationalError as exc:
            if time.monotonic() >= deadline:
                raise DatabaseError(describe_connect_error(url, exc)) from None
            logger.info("waiting for the database: %s", _hide(first_line(exc), url))
            time.sleep(1)
        except psycopg.ProgrammingError as exc:
            shown, reason = _hide(url, url), _hide(first_line(exc), url)
            raise DatabaseError(f"invalid database url {shown!r}: {reason}") from None
        else:
            _watch_client(conn)
            return conn


def _watch_client(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    """Make the server end this connection's query soon after this process dies.

    Otherwise a killed runner's migration runs on to its end, commit
    included, holding the migration lock all along. The setting is new in
    PostgreSQL 14 and refused on servers that cannot poll for a closed
    socket; a value the URL already set is kept.
    """
    import psycopg

    try:
        conn.execute(_WATCH_CLIENT)
    except psycopg.Error as exc:
        logger.debug("cannot watch for a closed connection: %s", first_line(exc))


_WATCH_CLIENT = """
SELECT set_config('client_connection_check_interval', '2s', false)
WHERE current_setting('client_connection_check_interval', true) = '0'
"""


def describe_connect_error(url: str, exc: Exception) -> str:
    message = first_line(exc)
    hint = ""
    if "does not exist" in message and "database" in message:
        hint = " (create it first, e.g. with createdb, or fix the database name)"
    return f"cannot connect to {_hide(url, url)}: {_hide(message, url)}{hint}"


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
