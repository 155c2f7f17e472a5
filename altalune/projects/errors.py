"""Errors of the project repository."""

from __future__ import annotations

from altalune.errors import AltaluneError


class ProjectError(AltaluneError):
    """A project request that cannot be carried out as asked.

    Bad input (a duplicate or overlong name, an unknown environment), an
    unknown public id, or a schema whose migrations have not run yet.
    """
