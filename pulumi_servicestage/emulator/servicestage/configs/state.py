"""The configuration groups, files and file versions of one project, and how the API shows
them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ConfigGroup:
    id: str
    project_id: str
    name: str
    description: str
    creator: str
    create_time: int
    sequence: int
    files: dict[str, ConfigFile] = field(default_factory=dict)

    @property
    def update_time(self) -> int:
        # Groups cannot be modified; `order_by=update_time` sorts them by creation.
        return self.create_time

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "project_id": self.project_id,
            "name": self.name,
            "description": self.description,
            "creator": self.creator,
            "create_time": self.create_time,
        }


@dataclass
class ConfigVersion:
    """One entry of a file's history: the file as one create, modify or import left it."""

    id: str
    config_id: str
    group_id: str
    config_name: str
    version: int
    type: str
    content: str
    description: str
    sensitive: bool
    creator: str
    create_time: int
    sequence: int

    @property
    def name(self) -> str:
        return self.config_name

    @property
    def update_time(self) -> int:
        return self.create_time

    def to_dict(self) -> dict[str, Any]:
        return {
            "config_history_id": self.id,
            "config_id": self.config_id,
            "content": self.content,
            "type": self.type,
            "version": f"v{self.version}",
            "create_time": self.create_time,
            "components": [],
            "creator": self.creator,
            "group_id": self.group_id,
            "config_name": self.config_name,
            "description": self.description,
            "sensitive": self.sensitive,
        }


@dataclass
class ConfigFile:
    id: str
    project_id: str
    group: ConfigGroup
    name: str
    type: str
    content: str
    description: str
    sensitive: bool
    creator: str
    create_time: int
    update_time: int
    sequence: int
    version: int = 0
    history: dict[str, ConfigVersion] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "config_group_id": self.group.id,
            "name": self.name,
            "description": self.description,
            "type": self.type,
            "content": self.content,
            "version": f"v{self.version}",
            "project_id": self.project_id,
            "sensitive": self.sensitive,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "components": [],
            "creator": self.creator,
        }
