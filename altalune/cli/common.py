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
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from altalune.config import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])

_FLAGS = "altalune.flags"


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None and param.name is not None:
        ctx.find_root().meta.setdefault(_FLAGS, {})[param.name] = value
    return value


def _flag(*names: str, **attrs: Any) -> Callable[[F], F]:
    return click.option(
        *names, callback=_remember, expose_value=False, is_eager=False, **attrs
    )


def _verbose(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.find_root().meta["altalune.verbose"] = True
        logging.getLogger("altalune").setLevel(logging.DEBUG)
    return value


def source_options(f: F) -> F:
    """-c/--config, --dir and -v: what commands that read files take."""
    f = _flag(
        "-c",
        "--config",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Config file (default: ./config.yaml when it exists).",
    )(f)
    f = _flag(
        "--dir",
        "migrations_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Migrations directory [env GOOSE_MIGRATION_DIR].",
    )(f)
    return click.option(
        "-v",
        "--verbose",
        is_flag=True,
        callback=_verbose,
        expose_value=False,
        help="Log each statement to stderr; show tracebacks.",
    )(f)


def database_options(f: F) -> F:
    """Everything source_options takes, plus how to reach the database."""
    f = source_options(f)
    f = _flag(
        "--database-url",
        help="PostgreSQL URL or key=value string [env GOOSE_DBSTRING, DATABASE_URL].",
    )(f)
    f = _flag("--table", help="Version table, optionally schema.table [env GOOSE_TABLE].")(f)
    f = _flag(
        "--connect-timeout",
        type=click.FloatRange(min=0, min_open=True),
        help="Seconds to wait for each connection attempt (default 10).",
    )(f)
    return _flag(
        "--wait",
        type=click.FloatRange(min=0),
        help="Keep retrying to connect for up to SECONDS.",
    )(f)


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


json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")


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
