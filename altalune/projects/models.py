"""What the project repository returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from altalune.projects.tables import partition_name


@dataclass(frozen=True, slots=True)
class Project:
    """A row of altalune_projects."""

    id: int
    public_id: str
    name: str
    description: str | None
    timezone: str
    environment: str
    is_default: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, order=True)
class Partition:
    """The partition of a partitioned table that holds one project's rows."""

    project_id: int
    table: str

    @property
    def name(self) -> str:
        return partition_name(self.table, self.project_id)


@dataclass(frozen=True, slots=True)
class ChatbotConfig:
    """A project's chatbot configuration."""

    public_id: str
    project_id: int
    modules_config: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CreatedProject:
    """A new project with what was created alongside it.

    ``chatbot_config`` is None when the chatbot migration has not run yet;
    sync creates the config once it has.
    """

    project: Project
    partitions: tuple[Partition, ...]
    chatbot_config: ChatbotConfig | None


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What a sync created.

    ``ready`` is False when the database has no altalune_projects table (its
    migrations have not run); nothing was looked at or created then.
    """

    partitions: tuple[Partition, ...] = ()
    chatbot_configs: tuple[ChatbotConfig, ...] = ()
    ready: bool = True

    @property
    def changed(self) -> bool:
        return bool(self.partitions or self.chatbot_configs)
