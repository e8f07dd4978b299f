"""The plugins the service offers and those installed in one project's environments, and how
the API shows them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from ...jobs import JobOperation


@dataclass(frozen=True)
class PluginKind:
    """A plugin the service offers (`addons-metadata`, §4.7.3)."""

    name: str
    latest_version: str
    #: Whether the plugin is bound to a microservice engine, so `cse_id` is required.
    needs_cse: bool


# The reference documents one plugin, with the version of its examples.
CATALOG = {kind.name: kind for kind in (PluginKind("sermantInjector", "1.3.1.0", needs_cse=True),)}


class PluginStatus(str, Enum):
    """`status` values of a plugin (§4.7.4, table 4-385)."""

    INITIALIZING = "INITIALIZING"
    UPGRADING = "UPGRADING"
    FAILED = "FAILED"
    SUCCEEDED = "SUCCEEDED"
    DELETING = "DELETING"


# While a job works on a plugin, the plugin shows what the job does and refuses other changes.
STATUS_WHILE_JOB_RUNS = {
    JobOperation.CREATE_PLUGIN: PluginStatus.INITIALIZING,
    JobOperation.RESTART_PLUGIN: PluginStatus.UPGRADING,
    JobOperation.REDEPLOY_PLUGIN: PluginStatus.UPGRADING,
    JobOperation.DELETE_PLUGIN: PluginStatus.DELETING,
}


@dataclass
class Plugin:
    id: str
    environment_id: str
    name: str
    version: str
    cce_id: str
    cse_id: str | None
    status: PluginStatus
    job_id: str
    create_time: int

    @property
    def job_running(self) -> bool:
        return self.status in STATUS_WHILE_JOB_RUNS.values()

    def to_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "status": self.status.value,
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "cce_id": self.cce_id,
            "job_id": self.job_id,
            "environment_id": self.environment_id,
        }
        if self.cse_id is not None:
            shown["cse_id"] = self.cse_id
        return shown
