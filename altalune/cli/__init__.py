"""The ``altalune`` command line (``./bin/app``).

This package is the only place that prints, exits or configures logging.
Every :class:`~altalune.errors.AltaluneError` becomes one line on stderr and
its exit code; a traceback is shown only with ``-v``.
"""

from __future__ import annotations

import importlib
import logging
import signal
import sys
import traceback
from types import FrameType
from typing import Any

import click

from altalune.db import mask_url
from altalune.errors import (
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    EXIT_USAGE,
    AltaluneError,
    Terminated,
)


class _LazyGroup(click.Group):
    """A group whose commands are imported only when one of them runs.

    Start-up is most of a short command's time; listing the commands in
    ``--help`` takes their one-line help from here instead of importing them.
    """

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.lazy)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return None
        module, _ = self.lazy[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), cmd_name)
        return command

    def format_commands(
        self, ctx: click.Context, formatter: click.HelpFormatter
    ) -> None:
        with formatter.section("Commands"):
            formatter.write_dl(
                [(name, self.lazy[name][1]) for name in self.list_commands(ctx)]
            )


@click.group(
    cls=_LazyGroup,
    lazy={
        "db": (
            "altalune.cli.db",
            "Start, stop and locate the embedded PostgreSQL server.",
        ),
        "migrate": ("altalune.cli.migrate", "Apply, roll back and inspect migrations."),
        "project": ("altalune.cli.project", "Create, list and sync Altalune projects."),
    },
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="altalune", message="altalune %(version)s")
def app() -> None:
    """Run goose-format PostgreSQL migrations and manage Altalune projects."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated(EXIT_TERMINATED)


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is at the time of each record.

    A StreamHandler would keep the stream of the first run, which in-process
    callers (tests, embedding applications) may have replaced or closed.
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(mask_url(self.format(record)) + "\n")
        except Exception:
            self.handleError(record)


def _configure_logging(verbose: bool) -> None:
    # Replacing the handlers keeps repeated in-process runs from printing
    # each line once per run.
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger("altalune")
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False

    # psycopg warns of errors it ignores while cleaning up after the one on
    # its way to the user; Python's last-resort handler would print them
    # next to that one-line error. Only -v shows them.
    driver = logging.getLogger("psycopg")
    driver.handlers = [handler if verbose else logging.NullHandler()]
    driver.propagate = False


def run(command: click.Group, args: list[str] | None = None) -> int:
    """Run *command* as a program and return its exit code."""
    argv = sys.argv[1:] if args is None else args
    verbose = "-v" in argv or "--verbose" in argv
    _configure_logging(verbose)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        result = command.main(args=args, standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt as exc:
        click.echo("interrupted", err=True)
        return getattr(exc, "exit_code", EXIT_INTERRUPTED)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else command.name
        click.echo(f"{where}: {exc.format_message()}", err=True)
        return EXIT_USAGE
    except click.Abort:
        click.echo("aborted", err=True)
        return 1
    except AltaluneError as exc:
        if verbose:
            click.echo(mask_url(traceback.format_exc()), err=True, nl=False)
        click.echo(f"error: {mask_url(str(exc))}", err=True)
        return exc.exit_code
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run(app))
