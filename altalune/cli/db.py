"""``app db``: the embedded PostgreSQL server in ``.altalune/pgdata``.

``migrate`` and ``project`` start that server themselves when no database is
configured, and stop it when they end. ``app db start`` starts it to stay up,
for other tools or a series of commands, until ``app db stop``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from altalune.cli.common import echo_json, json_option
from altalune.db import mask_url
from altalune.errors import DatabaseError

if TYPE_CHECKING:
    from altalune.embedded import Status


@click.group()
def db() -> None:
    """Start, stop and locate the embedded PostgreSQL server."""


@db.command()
@json_option
def start(as_json: bool) -> None:
    """Start the server (initializing it on first use) and keep it up."""
    from altalune import embedded

    data_dir = embedded.default_data_dir()
    embedded.start(data_dir)
    _show(embedded.status(data_dir), as_json)


@db.command()
@json_option
def stop(as_json: bool) -> None:
    """Stop the server, whoever started it."""
    from altalune import embedded

    pid = embedded.stop(embedded.default_data_dir())
    if as_json:
        echo_json({"stopped": pid is not None, "pid": pid})
    elif pid is None:
        click.echo("the embedded server is not running")
    else:
        click.echo(f"stopped the embedded server (pid {pid})")


@db.command()
@json_option
def status(as_json: bool) -> None:
    """Show the data directory, the server's state and its URL."""
    from altalune import embedded

    _show(embedded.status(embedded.default_data_dir()), as_json)


@db.command()
@click.option("--show-password", is_flag=True, help="Print the password in clear.")
def url(show_password: bool) -> None:
    """Print the URL of the running server (password masked)."""
    from altalune import embedded

    found = embedded.status(embedded.default_data_dir())
    if found.url is None:
        raise DatabaseError(
            f"the embedded server is not running ({found.state}); "
            "start it with: app db start"
        )
    click.echo(found.url if show_password else mask_url(found.url))


def _show(found: Status, as_json: bool) -> None:
    if as_json:
        echo_json(_document(found))
        return
    # The flags about who uses the server say nothing when none runs.
    for label, value in _document(found).items():
        if value is None or (found.pid is None and isinstance(value, bool)):
            continue
        click.echo(f"{label + ':':<10} {_text(value)}")


def _document(found: Status) -> dict[str, object]:
    return {
        "data_dir": str(found.data_dir),
        "version": found.version,
        "state": found.state,
        "pid": found.pid,
        "kept": found.kept,
        "in_use": found.in_use,
        "orphaned": found.orphaned,
        "url": mask_url(found.url) if found.url else None,
    }


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
