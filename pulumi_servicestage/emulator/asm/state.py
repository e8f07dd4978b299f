"""ASM's grayscale releases in one project, the steps they take, the failures planned for those
steps and the releases that ended, with how the API shows them."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Literal

from .schemas import GrayWorkload, ReleaseOperation, ReleaseSpec

API_VERSION = "asm/v2"


class ReleasePhase(str, Enum):
    CREATING = "Creating"
    UPDATING = "Updating"
    RUNNING = "Running"
    CANCELING = "Canceling"
    ENDING = "Ending"
    FAILED = "Failed"


@dataclass(frozen=True)
class EndedRelease:
    """A release that is gone, and which version took all traffic when it ended."""

    uid: str
    name: str
    deployment_name: str | None
    action: ReleaseOperation
    serving_version: Literal["original", "grayscale"]


@dataclass(frozen=True)
class PlannedFailure:
    """A coming step of a release that is to end in ``Failed``."""

    operation: ReleaseOperation
    message: str
    release_name: str | None = None

    def applies_to(self, operation: ReleaseOperation, release_name: str) -> bool:
        return operation is self.operation and self.release_name in (None, release_name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation.value,
            "message": self.message,
            "release_name": self.release_name,
        }


@dataclass
class Step:
    """The step a release is taking: it ends at `ends_at`, failing when `failure` is set."""

    operation: ReleaseOperation
    ends_at: float
    failure: str | None


@dataclass
class Release:
    uid: str
    mesh_id: str
    namespace: str
    name: str
    spec: ReleaseSpec
    start_time: float
    update_time: float
    phase: ReleasePhase
    step: Step | None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        status: dict[str, Any] = {
            "phase": self.phase.value,
            "startTime": _rfc3339(self.start_time),
            "updateTime": _rfc3339(self.update_time),
            "deployment": self._original_workload(),
            "grayDeployments": [
                self._gray_workload(gray) for gray in self.spec.gray_deployments or []
            ],
        }
        if self.message is not None:
            status["message"] = self.message
        return {
            "kind": "Release",
            "apiVersion": API_VERSION,
            "metadata": {
                "meshID": self.mesh_id,
                "name": self.name,
                "uid": self.uid,
                "namespace": self.namespace,
            },
            "spec": self.spec.to_dict(),
            "status": status,
        }

    def _original_workload(self) -> dict[str, Any]:
        return {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": self.spec.deployment_name, "namespace": self.namespace},
        }

    def _gray_workload(self, gray: GrayWorkload) -> dict[str, Any]:
        workload = copy.deepcopy(gray.template or {})
        workload.setdefault("apiVersion", "apps/v1")
        workload.setdefault("kind", "Deployment")
        metadata = workload.setdefault("metadata", {})
        if isinstance(metadata, dict):
            metadata.setdefault("name", f"{self.spec.deployment_name}-{self.spec.version}")
            metadata["namespace"] = self.namespace
        return workload


def _rfc3339(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
