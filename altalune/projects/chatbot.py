"""The chatbot configuration every project starts with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from psycopg import sql
from psycopg.types.json import Jsonb

# Written into altalune_chatbot_configs.modules_config for each new project.
# Read-only: copy it before changing anything in it.
DEFAULT_MODULES_CONFIG: Final[dict[str, Any]] = {
    "llm": {"enabled": False, "model": "", "temperature": 0.7, "maxToolCalls": 5},
    "mcpServer": {"enabled": False, "urls": [], "structuredOutputs": []},
    "widget": {
        "enabled": False,
        "cors": {
            "allowedOrigins": [],
            "allowedHeaders": ["Content-Type"],
            "credentials": False,
        },
    },
    "prompt": {"enabled": True, "systemPrompt": "You are a helpful assistant."},
}

# The join on the projects table skips a project deleted since it was planned,
# and ON CONFLICT keeps the one-config-per-project rule without an error.
_INSERT_DEFAULTS = sql.SQL(
    "INSERT INTO {configs} (public_id, project_id, modules_config)\n"
    "SELECT v.public_id, v.project_id, {modules_config}\n"
    "FROM (VALUES {rows}) AS v (public_id, project_id)\n"
    "JOIN {projects} AS p ON p.id = v.project_id\n"
    "ON CONFLICT (project_id) DO NOTHING\n"
    "RETURNING public_id, project_id, modules_config"
)


def insert_default_configs(
    configs: sql.Composable,
    projects: sql.Composable,
    rows: Sequence[tuple[str, int]],
) -> sql.Composed:
    """One INSERT of the default config for each (public_id, project_id) row.

    Values are literals because the statement travels in a simple-protocol
    batch, which takes no parameters.
    """
    values = sql.SQL(", ").join(
        sql.SQL("({}, {}::bigint)").format(sql.Literal(public_id), sql.Literal(project))
        for public_id, project in rows
    )
    return _INSERT_DEFAULTS.format(
        configs=configs,
        projects=projects,
        rows=values,
        modules_config=sql.Literal(Jsonb(DEFAULT_MODULES_CONFIG)),
    )
