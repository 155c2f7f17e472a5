"""``app project``: Altalune projects, their partitions and chatbot configs.

Results go to stdout, as text or with ``--json`` as one JSON document; errors
are one line on stderr. The repository is imported inside each command so
that ``app --help`` never loads psycopg.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from altalune.cli.common import (
    database_options,
    database_url,
    echo_json,
    json_option,
    settings,
)

if TYPE_CHECKING:
    import psycopg

    from altalune.projects import (
        ChatbotConfig,
        CreatedProject,
        Project,
        SyncResult,
    )

_LIST_COLUMNS = ("ID", "PUBLIC ID", "NAME", "ENVIRONMENT", "TIMEZONE", "CREATED AT")


@contextmanager
def _connection(ctx: click.Context) -> Iterator[psycopg.Connection[Any]]:
    from altalune.db import connection

    config = settings(ctx)
    url = database_url(ctx)
    with connection(
        url, connect_timeout=config.connect_timeout, wait=config.wait
    ) as conn:
        yield conn


@click.group()
@database_options
def project() -> None:
    """Create, list and sync Altalune projects."""


@project.command()
@click.option("--name", required=True, help="Unique name, at most 50 characters.")
@click.option("--description", help="At most 100 characters.")
@click.option("--timezone", default="UTC", show_default=True, help="IANA time zone.")
@click.option(
    "--environment",
    default="sandbox",
    show_default=True,
    metavar="sandbox|live",
    help="The project's environment.",
)
@json_option
@database_options
@click.pass_context
def create(
    ctx: click.Context,
    name: str,
    description: str | None,
    timezone: str,
    environment: str,
    as_json: bool,
) -> None:
    """Create a project with its partitions and default chatbot config."""
    from altalune.projects import create_project

    with _connection(ctx) as conn:
        created = create_project(
            conn,
            name,
            description=description,
            timezone=timezone,
            environment=environment,
        )

    if as_json:
        echo_json(_created_document(created))
        return
    for line in _created_lines(created):
        click.echo(line)


@project.command("list")
@json_option
@database_options
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """List every project, oldest first."""
    from altalune.projects import list_projects

    with _connection(ctx) as conn:
        projects = list_projects(conn)

    if as_json:
        echo_json([_project_document(p) for p in projects])
        return
    if not projects:
        click.echo("no projects", err=True)
        return
    rows = [
        (str(p.id), p.public_id, p.name, p.environment, p.timezone, str(p.created_at))
        for p in projects
    ]
    for line in _table([_LIST_COLUMNS, *rows]):
        click.echo(line)


@project.command()
@json_option
@database_options
@click.pass_context
def sync(ctx: click.Context, as_json: bool) -> None:
    """Create the partitions and default chatbot configs that projects lack."""
    from altalune.projects import ProjectError
    from altalune.projects import sync as sync_projects

    with _connection(ctx) as conn:
        result = sync_projects(conn)
    if not result.ready:
        raise ProjectError(
            "relation \"altalune_projects\" does not exist; run 'app migrate up' first"
        )

    if as_json:
        echo_json(sync_document(result))
        return
    for line in sync_lines(result):
        click.echo(line)


@project.command()
@click.argument("public_id")
@json_option
@database_options
@click.pass_context
def config(ctx: click.Context, public_id: str, as_json: bool) -> None:
    """Show the chatbot config of the project PUBLIC_ID."""
    from altalune.projects import chatbot_config

    with _connection(ctx) as conn:
        found = chatbot_config(conn, public_id)

    if as_json:
        echo_json(_config_document(found))
        return
    click.echo(f"public_id:       {found.public_id}")
    click.echo(f"project_id:      {found.project_id}")
    click.echo("modules_config:  " + json.dumps(found.modules_config, indent=2))


def sync_document(result: SyncResult) -> dict[str, Any]:
    """What a sync created, as the JSON that ``--json`` prints."""
    return {
        "partitions": [p.name for p in result.partitions],
        "chatbot_configs": [
            {"public_id": c.public_id, "project_id": c.project_id}
            for c in result.chatbot_configs
        ],
    }


def sync_lines(result: SyncResult) -> list[str]:
    """What a sync created, one line per partition and config, then a total."""
    lines = [f"created partition {p.name}" for p in result.partitions]
    lines += [
        f"created chatbot config {c.public_id} for project {c.project_id}"
        for c in result.chatbot_configs
    ]
    if not result.changed:
        return ["sync: every project has its partitions and chatbot config"]
    lines.append(
        f"sync: created {_count(len(result.partitions), 'partition')} and "
        f"{_count(len(result.chatbot_configs), 'chatbot config')}"
    )
    return lines


def _created_lines(created: CreatedProject) -> list[str]:
    project, config = created.project, created.chatbot_config
    partitions = ", ".join(p.name for p in created.partitions) or "none"
    return [
        f"id:              {project.id}",
        f"public_id:       {project.public_id}",
        f"name:            {project.name}",
        f"environment:     {project.environment}",
        f"timezone:        {project.timezone}",
        f"partitions:      {partitions}",
        f"chatbot_config:  {config.public_id if config else 'none'}",
    ]


def _project_document(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "public_id": project.public_id,
        "name": project.name,
        "description": project.description,
        "timezone": project.timezone,
        "environment": project.environment,
        "is_default": project.is_default,
        "created_at": project.created_at.isoformat(),
        "updated_at": project.updated_at.isoformat(),
    }


def _created_document(created: CreatedProject) -> dict[str, Any]:
    config = created.chatbot_config
    return {
        **_project_document(created.project),
        "partitions": [p.name for p in created.partitions],
        "chatbot_config": _config_document(config) if config else None,
    }


def _config_document(config: ChatbotConfig) -> dict[str, Any]:
    return {
        "public_id": config.public_id,
        "project_id": config.project_id,
        "modules_config": config.modules_config,
    }


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
