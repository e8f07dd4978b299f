"""The custom runtime stacks of one project and the built-in base images, and how the API shows
them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .schemas import StackSpec

# The status of a custom stack that is not released (§4.4.3 response example).
RUNTIME_STACK_UNRELEASED = "Disable"

# Base images of the emulator's region (cn-north-4), in the form of the §4.4.2 example.
_IMAGE_REGISTRY = "swr.cn-north-4.myhuaweicloud.com/op_svc_cse"
INNER_IMAGES = (
    ("Java", f"{_IMAGE_REGISTRY}/openjdk-x86_64:8-1.3.6"),
    ("Java", f"{_IMAGE_REGISTRY}/openjdk-x86_64:11-1.3.6"),
    ("Java", f"{_IMAGE_REGISTRY}/openjdk-x86_64:17-1.3.6"),
    ("Tomcat", f"{_IMAGE_REGISTRY}/tomcat-x86_64:8-1.3.6"),
    ("Nodejs", f"{_IMAGE_REGISTRY}/nodejs-x86_64:16-1.3.6"),
    ("Python", f"{_IMAGE_REGISTRY}/python-x86_64:3.9-1.3.6"),
    ("Php", f"{_IMAGE_REGISTRY}/php-x86_64:7.4-1.3.6"),
)


@dataclass
class CustomRuntimeStack:
    id: str
    name: str
    type: str
    version: str
    deploy_mode: str
    spec: StackSpec
    description: str | None
    status: str
    creator: str
    create_time: int
    update_time: int

    def to_dict(self, *, project_id: str, component_count: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "project_id": project_id,
            "deploy_mode": self.deploy_mode,
            "type": self.type,
            "version": self.version,
            "description": self.description,
            "spec": self.spec.to_dict(),
            "system": 0,
            "status": self.status,
            "creator": self.creator,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "component_count": component_count,
        }
