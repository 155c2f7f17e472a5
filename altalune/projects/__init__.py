"""The Altalune project repository: projects, their partitions, chatbot configs.

Each project owns a partition ``{table}_p{id}`` of every table in
PARTITIONED_TABLES and one chatbot config. ``create_project`` makes all of it
in one transaction; ``sync`` fills in whatever an older project lacks.
"""

from altalune.projects.chatbot import DEFAULT_MODULES_CONFIG
from altalune.projects.errors import ProjectError
from altalune.projects.models import (
    ChatbotConfig,
    CreatedProject,
    Partition,
    Project,
    SyncResult,
)
from altalune.projects.repository import (
    chatbot_config,
    create_project,
    ensure_default_config,
    list_projects,
    sync,
)
from altalune.projects.tables import PARTITIONED_TABLES, partition_name
from altalune.projects.validation import ENVIRONMENTS

__all__ = [
    "DEFAULT_MODULES_CONFIG",
    "ENVIRONMENTS",
    "PARTITIONED_TABLES",
    "ChatbotConfig",
    "CreatedProject",
    "Partition",
    "Project",
    "ProjectError",
    "SyncResult",
    "chatbot_config",
    "create_project",
    "ensure_default_config",
    "list_projects",
    "partition_name",
    "sync",
]
