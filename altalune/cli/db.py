"""``app db``: the embedded PostgreSQL server."""

from __future__ import annotations

import click


@click.group()
def db() -> None:
    """Start, stop and locate the embedded PostgreSQL server."""
