"""Plugins (addons) installed in an environment's CCE cluster (API reference §4.7).

Installing, restarting, redeploying and removing a plugin each answer with a job that runs on the
emulator's `JobBackend`, so tests can plan those jobs to fail or hang like component jobs. While a
job works on a plugin, the plugin shows what the job does and refuses other changes (409).

The reference asks for the CCE cluster and the engine bound to the environment, so both must be
among the environment's managed resources (§4.1.6); a plugin of a kind is installed once per
environment.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import Any

from pydantic import Field

from ..errors import (
    CANNOT_OPERATE_IN_CURRENT_STATUS,
    INSTANCE_NOT_FOUND,
    NAME_EXISTS,
    PARAMETER_INVALID,
)
from ..jobs import ExecutionStatus, JobOperation
from ..server import ApiCall, ApiResponse, Route
from .models import Environment, ServiceStageBackend
from .request_parsing import RequestBody, parse_body


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


_STATUS_WHILE_JOB_RUNS = {
    JobOperation.CREATE_PLUGIN: PluginStatus.INITIALIZING,
    JobOperation.RESTART_PLUGIN: PluginStatus.UPGRADING,
    JobOperation.REDEPLOY_PLUGIN: PluginStatus.UPGRADING,
    JobOperation.DELETE_PLUGIN: PluginStatus.DELETING,
}
_ACTIONS = {
    "restart": JobOperation.RESTART_PLUGIN,
    "redeploy": JobOperation.REDEPLOY_PLUGIN,
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
        return self.status in _STATUS_WHILE_JOB_RUNS.values()

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


class PluginBackend:
    """The plugins of one project, keyed by id; every method holds the project's state lock."""

    def __init__(self, core: ServiceStageBackend):
        self._core = core
        self._plugins: dict[str, Plugin] = {}

    def reset(self) -> None:
        with self._core.current_state():
            self._plugins.clear()

    def create_plugin(
        self, environment_id: str, *, name: str, cce_id: str, cse_id: str | None
    ) -> Plugin:
        """Register the plugin and start the job that installs it; see `Plugin.job_id`."""
        with self._core.current_state():
            environment = self._core.show_environment(environment_id)
            kind = CATALOG.get(name)
            if kind is None:
                raise PARAMETER_INVALID.error(
                    f"name: unknown plugin {name!r}, the environment offers: "
                    + ", ".join(sorted(CATALOG))
                )
            if kind.needs_cse and not cse_id:
                raise PARAMETER_INVALID.error(f"cse_id: required for the {name} plugin")
            self._check_managed_by(environment, cce_id=cce_id, cse_id=cse_id)
            if any(plugin.name == name for plugin in self._in(environment_id)):
                raise NAME_EXISTS.error(f"plugin {name} is already installed in {environment.name}")
            plugin = Plugin(
                id=str(uuid.uuid4()),
                environment_id=environment_id,
                name=name,
                version=kind.latest_version,
                cce_id=cce_id,
                cse_id=cse_id,
                status=PluginStatus.INITIALIZING,
                job_id="",
                create_time=self._core.now_ms(),
            )
            self._plugins[plugin.id] = plugin
            self._start_job(plugin, JobOperation.CREATE_PLUGIN)
            return plugin

    def list_plugins(self, environment_id: str) -> list[Plugin]:
        with self._core.current_state():
            self._core.show_environment(environment_id)
            return sorted(self._in(environment_id), key=lambda plugin: plugin.create_time)

    def show_plugin(self, environment_id: str, addon_id: str) -> Plugin:
        with self._core.current_state():
            return self._plugin(environment_id, addon_id)

    def list_plugin_metadata(self, environment_id: str) -> list[PluginKind]:
        with self._core.current_state():
            self._core.show_environment(environment_id)
            return list(CATALOG.values())

    def act_on_plugin(self, environment_id: str, addon_id: str, action: str) -> str:
        """Start a restart or redeploy job for the plugin; returns the job's id."""
        with self._core.current_state():
            plugin = self._plugin(environment_id, addon_id)
            operation = _ACTIONS.get(action)
            if operation is None:
                raise PARAMETER_INVALID.error(
                    f"action: must be one of {', '.join(_ACTIONS)}, not {action!r}"
                )
            self._check_no_job_running(plugin)
            return self._start_job(plugin, operation)

    def delete_plugin(self, environment_id: str, addon_id: str) -> str:
        """Start the job that removes the plugin; it disappears when the job succeeds."""
        with self._core.current_state():
            plugin = self._plugin(environment_id, addon_id)
            self._check_no_job_running(plugin)
            return self._start_job(plugin, JobOperation.DELETE_PLUGIN)

    def _start_job(self, plugin: Plugin, operation: JobOperation) -> str:
        job = self._core.jobs.start(
            project_id=self._core.project_id,
            operation=operation,
            component_name=plugin.name,
            # Plugins run in the environment's CCE cluster.
            deploy_mode="container",
            on_end=partial(self._finish_job, plugin, operation),
        )
        plugin.status = _STATUS_WHILE_JOB_RUNS[operation]
        plugin.job_id = job.id
        return job.id

    def _finish_job(
        self, plugin: Plugin, operation: JobOperation, status: ExecutionStatus, ended_at: float
    ) -> None:
        if status is not ExecutionStatus.SUCCEEDED:
            plugin.status = PluginStatus.FAILED
        elif operation is JobOperation.DELETE_PLUGIN:
            self._plugins.pop(plugin.id, None)
        else:
            plugin.status = PluginStatus.SUCCEEDED

    def _check_managed_by(
        self, environment: Environment, *, cce_id: str, cse_id: str | None
    ) -> None:
        managed = {
            (resource.type, resource.id)
            for resource in self._core.show_environment_resources(environment.id)
        }
        for field_name, resource_type, resource_id in (
            ("cce_id", "cce", cce_id),
            ("cse_id", "cse", cse_id),
        ):
            if resource_id is not None and (resource_type, resource_id) not in managed:
                raise PARAMETER_INVALID.error(
                    f"{field_name}: {resource_id} is not a {resource_type} resource of "
                    f"environment {environment.name}; add it to the environment's resources"
                )

    def _check_no_job_running(self, plugin: Plugin) -> None:
        if plugin.job_running:
            raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                f"plugin {plugin.name} is {plugin.status.value} (job {plugin.job_id})"
            )

    def _in(self, environment_id: str) -> list[Plugin]:
        return [
            plugin for plugin in self._plugins.values() if plugin.environment_id == environment_id
        ]

    def _plugin(self, environment_id: str, addon_id: str) -> Plugin:
        self._core.show_environment(environment_id)
        plugin = self._plugins.get(addon_id)
        if plugin is None or plugin.environment_id != environment_id:
            raise INSTANCE_NOT_FOUND.error(f"plugin {addon_id}")
        return plugin


class _PluginCreate(RequestBody):
    name: str = Field(min_length=1)
    cce_id: str = Field(min_length=1)
    cse_id: str | None = None


class _PluginAction(RequestBody):
    action: str


class PluginApi:
    """The plugin operations (§4.7.1 to §4.7.6), one handler each."""

    def __init__(self, backend_for: Callable[[str], PluginBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        environment = "/v3/<project_id>/cas/environments/<environment_id>"
        addon = f"{environment}/addons/<addon_id>"
        return [
            Route("POST", f"{environment}/addons", self.create_plugin),
            Route("GET", f"{environment}/addons", self.list_plugins),
            Route("GET", f"{environment}/addons-metadata", self.list_plugin_metadata),
            Route("GET", addon, self.show_plugin),
            Route("POST", f"{addon}/action", self.act_on_plugin),
            Route("DELETE", addon, self.delete_plugin),
        ]

    def create_plugin(self, call: ApiCall) -> ApiResponse:
        body = parse_body(_PluginCreate, call)
        plugin = self._backend(call).create_plugin(
            call.path_params["environment_id"],
            name=body.name,
            cce_id=body.cce_id,
            cse_id=body.cse_id,
        )
        return ApiResponse(200, {"job_id": plugin.job_id, "id": plugin.id})

    def list_plugins(self, call: ApiCall) -> ApiResponse:
        plugins = self._backend(call).list_plugins(call.path_params["environment_id"])
        return ApiResponse(200, {"addons": [plugin.to_dict() for plugin in plugins]})

    def list_plugin_metadata(self, call: ApiCall) -> ApiResponse:
        kinds = self._backend(call).list_plugin_metadata(call.path_params["environment_id"])
        addons = [{"name": kind.name, "latest_version": kind.latest_version} for kind in kinds]
        return ApiResponse(200, {"addons": addons})

    def show_plugin(self, call: ApiCall) -> ApiResponse:
        # The reference's table wraps the plugin in `addons`, its example does not; the example
        # is what the service sends.
        plugin = self._backend(call).show_plugin(
            call.path_params["environment_id"], call.path_params["addon_id"]
        )
        return ApiResponse(200, plugin.to_dict())

    def act_on_plugin(self, call: ApiCall) -> ApiResponse:
        body = parse_body(_PluginAction, call)
        job_id = self._backend(call).act_on_plugin(
            call.path_params["environment_id"], call.path_params["addon_id"], body.action
        )
        return ApiResponse(200, {"job_id": job_id})

    def delete_plugin(self, call: ApiCall) -> ApiResponse:
        job_id = self._backend(call).delete_plugin(
            call.path_params["environment_id"], call.path_params["addon_id"]
        )
        return ApiResponse(200, {"job_id": job_id})

    def _backend(self, call: ApiCall) -> PluginBackend:
        return self._backend_for(call.project_id)
