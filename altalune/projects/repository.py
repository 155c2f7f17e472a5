"""Altalune projects: create, list, sync, and their chatbot configs.

Every function takes an autocommit connection (``altalune.db.connect`` gives
one) and runs its own transactions. Writers serialize on one advisory lock
(see :mod:`altalune.projects.transaction`) and cost a bounded number of round
trips: two to create a project, a few per sync whatever the project count.
"""

from __future__ import annotations

import logging
from dataclasses import fields

from psycopg import sql
from psycopg.rows import class_row

from altalune.projects.catalog import (
    CATALOG_PARAMS,
    CATALOG_QUERY,
    Catalog,
    catalog_from,
)
from altalune.projects.chatbot import insert_default_configs
from altalune.projects.errors import ProjectError
from altalune.projects.ids import new_public_id
from altalune.projects.models import (
    ChatbotConfig,
    CreatedProject,
    Partition,
    Project,
    SyncResult,
)
from altalune.projects.partitions import (
    Missing,
    batches,
    create_partition,
    missing_from,
    missing_query,
)
from altalune.projects.tables import CHATBOT_CONFIGS_TABLE, PROJECTS_TABLE
from altalune.projects.transaction import (
    Connection,
    commit_batch,
    locked_pipeline,
    require_idle,
    translated,
    tuples,
)
from altalune.projects.validation import (
    DEFAULT_ENVIRONMENT,
    DEFAULT_TIMEZONE,
    check_project,
)

logger = logging.getLogger(__name__)

_COLUMNS = sql.SQL(", ").join(sql.Identifier(f.name) for f in fields(Project))
_INSERT_PROJECT = sql.SQL(
    "INSERT INTO {projects} (public_id, name, description, timezone, environment)\n"
    "VALUES (%s, %s, %s, %s, %s)\n"
    "RETURNING {columns}"
).format(projects=sql.Identifier(PROJECTS_TABLE), columns=_COLUMNS)
_LIST_PROJECTS = sql.SQL("SELECT {columns} FROM {projects} ORDER BY id").format(
    projects=sql.Identifier(PROJECTS_TABLE), columns=_COLUMNS
)
_PROJECT_EXISTS = sql.SQL("SELECT id FROM {projects} WHERE id = %s").format(
    projects=sql.Identifier(PROJECTS_TABLE)
)
_CONFIG_OF_PROJECT = sql.SQL(
    "SELECT c.public_id, p.id, c.modules_config\n"
    "FROM {projects} AS p\n"
    "LEFT JOIN {configs} AS c ON c.project_id = p.id\n"
    "WHERE p.{key} = %s"
)
_NAME_CONSTRAINT = "ux_altalune_projects_name"


def create_project(
    conn: Connection,
    name: str,
    *,
    description: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    environment: str = DEFAULT_ENVIRONMENT,
) -> CreatedProject:
    """Create a project, its partitions and its default chatbot config, or nothing.

    A partitioned table whose migration has not run yet is skipped; sync
    gives the project its partition once it has.
    """
    new = check_project(name, description, timezone, environment)
    require_idle(conn)
    duplicate = {_NAME_CONSTRAINT: f"a project named {name!r} already exists"}
    values = (new_public_id(), new.name, new.description, new.timezone, new.environment)

    with translated(conn, duplicate):
        rows = conn.cursor(row_factory=class_row(Project))
        with locked_pipeline(conn):
            rows.execute(_INSERT_PROJECT, values)
            found = tuples(conn).execute(CATALOG_QUERY, CATALOG_PARAMS)
        project = rows.fetchone()
        assert project is not None, "INSERT RETURNING gave no row"
        catalog = catalog_from(found.fetchall())

        chatbot = catalog.has(CHATBOT_CONFIGS_TABLE)
        todo = Missing(
            tuple(Partition(project.id, table) for table in catalog.partitioned),
            (project.id,) if chatbot else (),
        )
        configs = _create(conn, catalog, todo, begin=False)

    return CreatedProject(project, todo.partitions, configs[0] if configs else None)


def list_projects(conn: Connection) -> list[Project]:
    """Every project, oldest first."""
    with translated(conn):
        return (
            conn.cursor(row_factory=class_row(Project))
            .execute(_LIST_PROJECTS)
            .fetchall()
        )


def sync(conn: Connection) -> SyncResult:
    """Create every partition and default chatbot config that a project lacks.

    One query finds all of them; they are created in batches of about
    CHANGES_PER_TRANSACTION, each one round trip and one transaction. A
    database without the projects table gives ``SyncResult(ready=False)``.
    """
    require_idle(conn)
    with translated(conn):
        with locked_pipeline(conn):
            found = tuples(conn).execute(CATALOG_QUERY, CATALOG_PARAMS)
        catalog = catalog_from(found.fetchall())
        if not catalog.has(PROJECTS_TABLE):
            conn.rollback()
            return SyncResult(ready=False)

        query, params = missing_query(catalog)
        missing = missing_from(catalog, tuples(conn).execute(query, params).fetchall())
        configs: list[ChatbotConfig] = []
        # An empty first batch still commits, which releases the lock.
        for index, batch in enumerate(list(batches(missing)) or [Missing()]):
            configs += _create(conn, catalog, batch, begin=index > 0)
            logger.debug("sync: committed %d changes", len(batch))

    return SyncResult(missing.partitions, tuple(configs))


def ensure_default_config(conn: Connection, project_id: int) -> ChatbotConfig:
    """Give a project its default chatbot config unless it has one; return its config.

    Idempotent: a second call changes nothing and returns the same config.
    """
    require_idle(conn)
    with translated(conn):
        with locked_pipeline(conn):
            found = tuples(conn).execute(CATALOG_QUERY, CATALOG_PARAMS)
            exists = tuples(conn).execute(_PROJECT_EXISTS, (project_id,))
        catalog = catalog_from(found.fetchall())
        if exists.fetchone() is None:
            raise ProjectError(f"no project with id {project_id}")
        _require_configs_table(catalog)

        partition = Partition(project_id, CHATBOT_CONFIGS_TABLE)
        _create(conn, catalog, Missing((partition,), (project_id,)), begin=False)
        return _config_of(conn, catalog, "id", project_id)


def chatbot_config(conn: Connection, public_id: str) -> ChatbotConfig:
    """The chatbot config of the project whose public id is *public_id*."""
    with translated(conn):
        found = tuples(conn).execute(CATALOG_QUERY, CATALOG_PARAMS)
        catalog = catalog_from(found.fetchall())
        _require_configs_table(catalog)
        return _config_of(conn, catalog, "public_id", public_id)


def _create(
    conn: Connection, catalog: Catalog, todo: Missing, *, begin: bool
) -> tuple[ChatbotConfig, ...]:
    """Create *todo* in one batch that commits; return the configs inserted."""
    statements = [create_partition(catalog, p) for p in todo.partitions]
    if todo.configs:
        rows = [(new_public_id(), project_id) for project_id in todo.configs]
        statements.append(
            insert_default_configs(
                catalog.table(CHATBOT_CONFIGS_TABLE),
                catalog.table(PROJECTS_TABLE),
                rows,
            )
        )

    cursor = commit_batch(conn, statements, begin=begin)
    if not todo.configs:
        return ()
    # The INSERT is the last statement before COMMIT.
    return tuple(ChatbotConfig(*row) for row in cursor.set_result(-2).fetchall())


def _config_of(
    conn: Connection, catalog: Catalog, key: str, value: object
) -> ChatbotConfig:
    query = _CONFIG_OF_PROJECT.format(
        projects=catalog.table(PROJECTS_TABLE),
        configs=catalog.table(CHATBOT_CONFIGS_TABLE),
        key=sql.Identifier(key),
    )
    row = tuples(conn).execute(query, (value,)).fetchone()
    if row is None:
        raise ProjectError(f"no project with {key.replace('_', ' ')} {value!r}")
    public_id, project_id, modules_config = row
    if public_id is None:
        raise ProjectError(
            f"project {value!r} has no chatbot config; run 'app project sync'"
        )
    return ChatbotConfig(public_id, project_id, modules_config)


def _require_configs_table(catalog: Catalog) -> None:
    if not catalog.has(PROJECTS_TABLE):
        raise ProjectError(
            f"relation \"{PROJECTS_TABLE}\" does not exist; run 'app migrate up' first"
        )
    if not catalog.has(CHATBOT_CONFIGS_TABLE):
        raise ProjectError(
            f'relation "{CHATBOT_CONFIGS_TABLE}" does not exist; '
            "run 'app migrate up' first"
        )
