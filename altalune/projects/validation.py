"""Checks on project fields, made before anything is sent to the database."""

from __future__ import annotations

from dataclasses import dataclass

from altalune.projects.errors import ProjectError

ENVIRONMENTS: tuple[str, ...] = ("sandbox", "live")
DEFAULT_ENVIRONMENT = "sandbox"
DEFAULT_TIMEZONE = "UTC"

# The column widths of altalune_projects, in characters.
_WIDTHS = {"name": 50, "description": 100, "timezone": 50}


@dataclass(frozen=True, slots=True)
class NewProject:
    """The fields of a project about to be created, already checked."""

    name: str
    description: str | None
    timezone: str
    environment: str


def check_project(
    name: str, description: str | None, timezone: str, environment: str
) -> NewProject:
    """Return the fields as a NewProject, or raise ProjectError saying what is wrong."""
    _check_text("name", name, required=True)
    if description is not None:
        _check_text("description", description, required=False)
    _check_text("timezone", timezone, required=True)
    if environment not in ENVIRONMENTS:
        raise ProjectError(
            f"unknown environment {environment!r}; expected one of "
            + ", ".join(ENVIRONMENTS)
        )
    return NewProject(name, description, timezone, environment)


def _check_text(field: str, value: str, *, required: bool) -> None:
    if required and not value.strip():
        raise ProjectError(f"project {field} must not be empty")
    width = _WIDTHS[field]
    if len(value) > width:
        raise ProjectError(
            f"project {field} {value!r} is {len(value)} characters long; "
            f"expected at most {width}"
        )
