"""Options and helpers shared by every command group.

Settings flags are accepted both on a group and on its commands
(``app migrate -c x.yaml status`` and ``app migrate status -c x.yaml``); the
value given last on the command line wins. They are collected in the root
context and resolved into :class:`~altalune.config.Settings` once, on use.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import click

from altalune.config import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])

_FLAGS = "altalune.flags"


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    # Unset flags arrive as None, and unset switches as False: neither may
    # override what was given elsewhere on the command line.
    if value not in (None, False) and param.name is not None:
        ctx.find_root().meta.setdefault(_FLAGS, {})[param.name] = value
    return value


def _verbose(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.find_root().meta["altalune.verbose"] = True
        logging.getLogger("altalune").setLevel(logging.DEBUG)
    return value


_SOURCE_OPTIONS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (
        ("-c", "--config"),
        {
            "type": click.Path(dir_okay=False, path_type=Path),
            "help": "Config file (default: ./config.yaml when it exists).",
        },
    ),
    (
        ("--dir", "migrations_dir"),
        {
            "type": click.Path(file_okay=False, path_type=Path),
            "help": "Migrations directory [env GOOSE_MIGRATION_DIR].",
        },
    ),
]

_DATABASE_OPTIONS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (
        ("--database-url",),
        {
            "metavar": "URL",
            "help": "PostgreSQL URL or key=value string "
            "[env GOOSE_DBSTRING, DATABASE_URL].",
        },
    ),
    (
        ("--table",),
        {"help": "Version table, optionally schema.table [env GOOSE_TABLE]."},
    ),
    (
        ("--connect-timeout",),
        {
            "type": click.FloatRange(min=0, min_open=True),
            "metavar": "SECONDS",
            "help": "Bound each connection attempt (default 10).",
        },
    ),
    (
        ("--wait",),
        {
            "type": click.FloatRange(min=0),
            "metavar": "SECONDS",
            "help": "Keep retrying to connect for up to SECONDS.",
        },
    ),
]


def remembered(
    options: list[tuple[tuple[str, ...], dict[str, Any]]],
) -> Callable[[F], F]:
    """Decorate with *options*, in order, each remembered in the root context."""

    def decorate(f: F) -> F:
        for names, attrs in reversed(options):
            f = click.option(*names, callback=_remember, expose_value=False, **attrs)(f)
        return f

    return decorate


def source_options(f: F) -> F:
    """-c/--config, --dir and -v: what commands that read files take."""
    f = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        callback=_verbose,
        expose_value=False,
        help="Log each statement to stderr; show tracebacks.",
    )(f)
    return remembered(_SOURCE_OPTIONS)(f)


def database_options(f: F) -> F:
    """Everything source_options takes, plus how to reach the database."""
    return source_options(remembered(_DATABASE_OPTIONS)(f))


def settings(ctx: click.Context) -> Settings:
    """The settings of this invocation, resolved once."""
    root = ctx.find_root()
    if "altalune.settings" not in root.meta:
        flags = dict(root.meta.get(_FLAGS, {}))
        root.meta["altalune.settings"] = load_settings(flags, os.environ)
    resolved: Settings = root.meta["altalune.settings"]
    return resolved


def flag(ctx: click.Context, name: str, default: Any = None) -> Any:
    """A remembered flag's value, wherever on the command line it was given."""
    return ctx.find_root().meta.get(_FLAGS, {}).get(name, default)


def echo_json(document: object) -> None:
    click.echo(json.dumps(document, indent=2, default=str))


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON document."
)


class Duration(click.ParamType[float]):
    """Seconds, written as a number (``90``) or a Go duration (``1m30s``, ``500ms``)."""

    name = "duration"
    _UNITS: ClassVar[dict[str, float]] = {
        "ns": 1e-9,
        "us": 1e-6,
        "\u00b5s": 1e-6,
        "ms": 1e-3,
        "s": 1,
        "m": 60,
        "h": 3600,
    }
    _PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|ms|s|m|h)")

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, (int, float)):
            return float(value)
        text = str(value).strip()
        try:
            return float(text)
        except ValueError:
            pass
        parts = self._PART.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            self.fail(
                f"{value!r} is not a duration; expected e.g. 90, 90s, 1m30s or 500ms",
                param,
                ctx,
            )
        return sum(float(n) * self._UNITS[u] for n, u in parts)


DURATION = Duration()


_EMBEDDED = "altalune.embedded_url"


def database_url(ctx: click.Context) -> str:
    """The configured database URL, else the embedded server's.

    With no URL given by flag, environment or config file, the embedded
    server in ``.altalune/pgdata`` is started, or adopted when it already
    runs, for the life of this command. When the command ends, even by
    Ctrl-C or SIGTERM, it is stopped again unless ``app db start`` started
    it or another altalune process still uses it. A command killed outright
    leaves it running unused; the next command adopts it and stops it.
    """
    configured = settings(ctx).database_url
    if configured is not None:
        return configured

    root = ctx.find_root()
    if _EMBEDDED not in root.meta:
        from altalune import embedded

        data_dir = embedded.default_data_dir()
        root.meta[_EMBEDDED] = embedded.attach(data_dir)
        root.call_on_close(lambda: _release_embedded(data_dir))
    url: str = root.meta[_EMBEDDED]
    return url


def _release_embedded(data_dir: Path) -> None:
    from altalune import embedded
    from altalune.errors import DatabaseError

    # This runs while the command unwinds, maybe from another error: a
    # failure to stop must not hide that one, and the next run stops it.
    try:
        embedded.detach(data_dir)
    except DatabaseError as exc:
        logging.getLogger(__name__).warning(
            "could not stop the embedded server: %s", exc
        )
