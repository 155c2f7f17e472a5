"""``app migrate``: goose's commands over the configured database.

A bare ``app migrate`` means ``up``. Results (status table, version,
summaries, ``--json``) go to stdout; progress lines and errors to stderr.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from altalune.cli import files
from altalune.cli.common import (
    DURATION,
    database_options,
    database_url,
    echo_json,
    flag,
    json_option,
    remembered,
    settings,
)
from altalune.cli.documents import preview_document, run_document, status_document
from altalune.errors import EXIT_PENDING
from altalune.results import RunResult, format_status, format_summary, format_version

if TYPE_CHECKING:
    from altalune.preview import Preview
    from altalune.runner import Runner

F = TypeVar("F", bound=Callable[..., Any])

logger = logging.getLogger(__name__)


def run_options(f: F) -> F:
    """The flags that shape a run, accepted on the group and on each command."""
    return database_options(remembered(_RUN_OPTIONS)(f))


_RUN_OPTIONS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (
        ("--allow-missing",),
        {"is_flag": True, "help": "Apply missing (out-of-order) migrations."},
    ),
    (
        ("--no-versioning",),
        {
            "is_flag": True,
            "help": "Run the files without reading or writing the version table.",
        },
    ),
    (("--no-lock",), {"is_flag": True, "help": "Do not take the migration lock."}),
    (
        ("--skip-sync",),
        {"is_flag": True, "help": "Do not sync project partitions after applying."},
    ),
    (
        ("--timeout",),
        {"type": DURATION, "help": "Bound the whole command (e.g. 90s, 1h13m)."},
    ),
    (
        ("--lock-timeout",),
        {
            "type": DURATION,
            "help": "How long to wait for the migration lock (default 5m).",
        },
    ),
]

_DRY_RUN: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (
        ("--dry-run",),
        {
            "is_flag": True,
            "help": "Print the plan and the exact SQL; change nothing.",
        },
    ),
]

# The commands a dry run can preview, as named on the command line.
_APPLYING = {"up", "up-by-one", "up-to", "down", "down-to", "redo", "reset"}


def _runner(ctx: click.Context) -> Runner:
    # Imported here so that commands which need no database never load psycopg.
    from altalune.runner import Options, Runner

    config = settings(ctx)
    options = Options(
        database_url=database_url(ctx),
        migrations_dir=config.migrations_dir,
        table=config.table,
        allow_missing=bool(flag(ctx, "allow_missing")),
        no_versioning=bool(flag(ctx, "no_versioning")),
        lock=not flag(ctx, "no_lock"),
        lock_timeout=config.lock_timeout,
        timeout=flag(ctx, "timeout"),
        connect_timeout=config.connect_timeout,
        wait=config.wait,
        env=os.environ,
        dry_run=bool(flag(ctx, "dry_run")),
    )
    return Runner(options)


@click.group(invoke_without_command=True)
@run_options
@remembered(_DRY_RUN)
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Apply, roll back and inspect goose-format migrations.

    Without a COMMAND, applies every pending migration (up).
    """
    command = ctx.invoked_subcommand
    if flag(ctx, "dry_run") and command is not None and command not in _APPLYING:
        raise click.UsageError(f"--dry-run does not apply to {command}", ctx)
    if command is None:
        ctx.invoke(up)


def _report(ctx: click.Context, result: RunResult, as_json: bool) -> None:
    if result.preview is not None:
        _report_preview(result.preview, result.current_version, as_json)
        return
    synced = _sync(ctx) if result.applied and _syncs(ctx) else None
    if as_json:
        document = run_document(result)
        if synced is not None:
            document["sync"] = synced
        echo_json(document)
        return
    for line in format_summary(result):
        click.echo(line)


def _report_preview(preview: Preview, current_version: int, as_json: bool) -> None:
    """Show a dry run, then fail as the run would have failed."""
    from altalune.preview import preview_text

    if as_json:
        echo_json(preview_document(preview, current_version))
    else:
        for piece in preview_text(preview, current_version):
            click.echo(piece, nl=False)
    if preview.failure is not None:
        raise preview.failure


def _syncs(ctx: click.Context) -> bool:
    command = ctx.info_name or "up"
    return command in {"up", "up-to", "up-by-one", "migrate"} and not flag(
        ctx, "skip_sync"
    )


def _sync(ctx: click.Context) -> dict[str, Any]:
    """Give every project what the migrations just added: partitions, configs."""
    from altalune import projects
    from altalune.cli.project import sync_document, sync_lines
    from altalune.db import connection

    config = settings(ctx)
    with connection(database_url(ctx), connect_timeout=config.connect_timeout) as conn:
        result = projects.sync(conn)
    if result.changed:
        for line in sync_lines(result):
            logger.info("%s", line)
    return sync_document(result)


def _applying(name: str, help: str) -> Callable[[F], click.Command]:
    """A command that applies or rolls back migrations and reports the run."""

    def decorate(f: F) -> click.Command:
        f = json_option(f)
        f = remembered(_DRY_RUN)(f)
        f = run_options(f)
        return migrate.command(name, help=help)(click.pass_context(f))

    return decorate


@_applying("up", "Apply every pending migration.")
def up(ctx: click.Context, as_json: bool = False) -> None:
    _report(ctx, _runner(ctx).up(), as_json)


@_applying("up-by-one", "Apply the next pending migration.")
def up_by_one(ctx: click.Context, as_json: bool) -> None:
    _report(ctx, _runner(ctx).up_by_one(), as_json)


@_applying("up-to", "Apply pending migrations up to VERSION.")
@click.argument("version", type=click.IntRange(min=0))
def up_to(ctx: click.Context, version: int, as_json: bool) -> None:
    _report(ctx, _runner(ctx).up_to(version), as_json)


@_applying("down", "Roll back the current version.")
def down(ctx: click.Context, as_json: bool) -> None:
    _report(ctx, _runner(ctx).down(), as_json)


@_applying("down-to", "Roll back until the current version is VERSION or lower.")
@click.argument("version", type=click.IntRange(min=0))
def down_to(ctx: click.Context, version: int, as_json: bool) -> None:
    _report(ctx, _runner(ctx).down_to(version), as_json)


@_applying("redo", "Roll back the current version and apply it again.")
def redo(ctx: click.Context, as_json: bool) -> None:
    _report(ctx, _runner(ctx).redo(), as_json)


@_applying("reset", "Roll back every applied migration.")
def reset(ctx: click.Context, as_json: bool) -> None:
    _report(ctx, _runner(ctx).reset(), as_json)


@migrate.command()
@click.option(
    "--exit-code", is_flag=True, help="Exit with 3 when migrations are pending."
)
@json_option
@run_options
@click.pass_context
def status(ctx: click.Context, exit_code: bool, as_json: bool) -> None:
    """List every migration as applied or pending."""
    result = _runner(ctx).status()
    if as_json:
        echo_json(status_document(result))
    else:
        for line in format_status(result):
            click.echo(line)
    if exit_code and any(not row.applied for row in result.rows):
        ctx.exit(EXIT_PENDING)


@migrate.command()
@json_option
@run_options
@click.pass_context
def version(ctx: click.Context, as_json: bool) -> None:
    """Print the current version of the database."""
    result = _runner(ctx).version()
    if as_json:
        echo_json({"current_version": result.version})
    else:
        click.echo(format_version(result))


for _command in (files.create, files.fix, files.validate, files.parse):
    migrate.add_command(_command)
