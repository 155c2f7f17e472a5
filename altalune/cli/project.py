"""``app project``: Altalune projects, their partitions and chatbot configs."""

from __future__ import annotations

import click


@click.group()
def project() -> None:
    """Create, list and sync Altalune projects."""
