"""The rules of plugins in one project: what an environment must manage to install one, one
plugin of a kind per environment, and the jobs that install, restart, redeploy and remove them."""

from __future__ import annotations

import uuid
from functools import partial

from ...errors import (
    CANNOT_OPERATE_IN_CURRENT_STATUS,
    INSTANCE_NOT_FOUND,
    NAME_EXISTS,
    PARAMETER_INVALID,
)
from ...jobs import ExecutionStatus, JobOperation
from ..backend import ServiceStageBackend
from ..state import Environment
from .state import CATALOG, STATUS_WHILE_JOB_RUNS, Plugin, PluginKind, PluginStatus

_ACTIONS = {
    "restart": JobOperation.RESTART_PLUGIN,
    "redeploy": JobOperation.REDEPLOY_PLUGIN,
}


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
        plugin.status = STATUS_WHILE_JOB_RUNS[operation]
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
