"""The tables Altalune partitions by project, and how partitions are named."""

from __future__ import annotations

PROJECTS_TABLE = "altalune_projects"
CHATBOT_CONFIGS_TABLE = "altalune_chatbot_configs"

# Every table LIST-partitioned by project_id. Each project owns one partition of
# each, created with the project and by sync; a new table is one more line here.
PARTITIONED_TABLES: tuple[str, ...] = (
    "altalune_project_api_keys",
    "altalune_example_employees",
    CHATBOT_CONFIGS_TABLE,
)

# The catalog query that finds missing partitions builds the same names in SQL.
PARTITION_SUFFIX = "_p"


def partition_name(table: str, project_id: int) -> str:
    """The name of the partition of *table* that holds *project_id*'s rows."""
    return f"{table}{PARTITION_SUFFIX}{project_id}"
