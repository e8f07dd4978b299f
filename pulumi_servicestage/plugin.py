"""ServiceStage plugins (addons) of an environment
(`/v3/{project_id}/cas/environments/{environment_id}/addons`, PDF 004 §4.7).

A plugin is installed into the environment's CCE cluster by a job, and removed by another; both
are waited on, and a create whose job fails or times out removes the half-installed plugin. The
service has no modify operation, so every API argument forces a replacement. The plugin task API
(§4.7.5) is driven by two trigger arguments: changing `restart_trigger` or `redeploy_trigger` to a
new value runs that task and waits for its job, the way Terraform's `triggers` work.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pulumi
from pydantic import Field, model_validator
from typing_extensions import Self

from ._common import ResourceId, raise_broken_rules
from ._lifecycle import ObjectRef, ResourceArgs, RestProvider, RestResource, post_once
from ._lookup import LookupResult, get_one, output_of, project_path
from ._resource_types import PluginTyping

# The plugin the reference documents, and what it needs: it mounts Sermant agents that connect
# to a ServiceComb engine, so it must know which one.
SERMANT_INJECTOR = "sermantInjector"

# Trigger argument -> the plugin task (§4.7.5 `action`) it runs; a redeploy goes first when both
# change, so the restart acts on the redeployed plugin.
_TASK_TRIGGERS = {"redeploy_trigger": "redeploy", "restart_trigger": "restart"}


# Plugin statuses (§4.7.4, table 4-385): while a job works on it, and after one failed.
_JOB_RUNNING_STATUSES = frozenset({"INITIALIZING", "UPGRADING", "DELETING"})
_FAILED_STATUS = "FAILED"


class PluginArgs(ResourceArgs):
    """The arguments of a plugin.

    Source: PDF 004 §4.7.1, 表4-370 (path parameters) and 表4-372 (create request body).
    """

    environment_id: ResourceId
    """ID of the environment to install the plugin in (a path parameter). Changing it replaces
    the plugin."""
    name: str = Field(min_length=1)
    """The plugin to install; get_plugin_metadata() lists what an environment offers. The
    document names one, `sermantInjector`: it mounts Sermant Agent automatically, so that
    applications join a ServiceComb engine without security authentication with no code change
    and use registry and discovery, full-link grayscale release, graceful start and stop and tag
    routing, but not microservice governance. Changing it replaces the plugin."""
    cce_id: ResourceId
    """ID of the CCE cluster bound to the environment, to install the plugin in. Mandatory; the
    queries of an environment's managed or created resources give it. Changing it replaces the
    plugin."""
    cse_id: ResourceId | None = Field(default=None)
    """ID of the microservice engine bound to the environment; mandatory when `name` is
    `sermantInjector`. Changing it replaces the plugin."""
    restart_trigger: str | None = Field(default=None)
    """Package option, not an API field: any value; changing it to a new value runs the
    plugin's `restart` task (§4.7.5, 表4-388) and waits for its job. It never reaches the
    service, and refresh keeps it as it is."""
    redeploy_trigger: str | None = Field(default=None)
    """Package option, not an API field: any value; changing it to a new value runs the
    plugin's `redeploy` task (§4.7.5, 表4-388) and waits for its job, before a restart that
    changes at the same time. It never reaches the service, and refresh keeps it as it is."""

    @model_validator(mode="after")
    def _engine_given_where_needed(self) -> Self:
        if self.name == SERMANT_INJECTOR and self.cse_id is None:
            raise_broken_rules(self, [("cse_id", f"cse_id is required when name is {self.name}")])
        return self


class PluginProvider(RestProvider[PluginArgs]):
    args_model = PluginArgs
    noun = "plugin"
    collection_path = "/v3/{project_id}/cas/environments/{environment_id}/addons"
    id_fields = ("environment_id", "plugin_id")
    list_key = "addons"
    replace_on = frozenset({"environment_id", "name", "cce_id", "cse_id"})
    computed = ("version", "status")
    # The triggers never reach the service; refresh keeps them as they are.
    write_only = frozenset(_TASK_TRIGGERS)
    delete_is_asynchronous = True
    # A plugin hooks into its CCE cluster; two of the same kind cannot run side by side.
    replace_deletes_first = True

    def create_body(self, args: PluginArgs) -> dict[str, Any]:
        body = super().create_body(args)
        return {key: value for key, value in body.items() if key not in _TASK_TRIGGERS}

    def list_objects(self, args: PluginArgs) -> list[dict[str, Any]]:
        # The list (§4.7.2) has no paging.
        return list((self.client().get(self.collection(args)) or {}).get("addons") or [])

    def running_job(self, ref: ObjectRef, server: Mapping[str, Any]) -> str | None:
        job_id = server.get("job_id")
        running = server.get("status") in _JOB_RUNNING_STATUSES
        return str(job_id) if running and job_id else None

    def failure_of(self, server: Mapping[str, Any]) -> str | None:
        return "is FAILED" if server.get("status") == _FAILED_STATUS else None

    def adoption_conflicts(
        self, ref: ObjectRef, args: PluginArgs, server: Mapping[str, Any]
    ) -> list[str]:
        # Plugins cannot be modified: every argument that differs is a conflict.
        return [
            f"{field} is {server.get(field)!r}, the arguments say {getattr(args, field)!r}"
            for field in sorted(self.replace_on)
            if field not in ref.parts and server.get(field) != getattr(args, field)
        ]

    def update_applied(self, ref: ObjectRef, args: PluginArgs, server: Mapping[str, Any]) -> bool:
        return not self.adoption_conflicts(ref, args, server)

    def apply_update(
        self,
        ref: ObjectRef,
        args: PluginArgs,
        server: Mapping[str, Any],
        olds: Mapping[str, Any] | None,
    ) -> None:
        # Every API argument forces a replacement, so an in-place update can only be a trigger
        # that changed; a redeploy goes first, so that a restart acts on the redeployed plugin.
        for trigger, task in _TASK_TRIGGERS.items():
            new_value = getattr(args, trigger)
            if new_value is not None and (olds or {}).get(trigger) != new_value:
                self._run_task(ref, args, task)
        if olds is None and self.failure_of(server):
            # Adopting a plugin whose install failed: a redeploy is the service's repair.
            self._run_task(ref, args, "redeploy")

    def _run_task(self, ref: ObjectRef, args: PluginArgs, task: str) -> None:
        before = self.read_object(ref).get("job_id")

        def started() -> bool:
            return self.read_object(ref).get("job_id") != before

        answer = post_once(
            lambda: self.client().post(f"{self.item_path(ref)}/action", {"action": task}),
            started,
        )
        job_id = answer.get("job_id") if isinstance(answer, dict) else None
        if answer is None:
            job_id = self.read_object(ref).get("job_id")
        if job_id:
            self.wait_for_job(str(job_id), f"{task} plugin {args.name!r}", args, "update")


class Plugin(PluginTyping, RestResource, module="servicestage", name="Plugin"):
    """A plugin (addon) installed in an environment's CCE cluster, such as sermantInjector.

    Its id is ``<environment_id>/<plugin_id>``.
    """

    provider_class: ClassVar[Any] = PluginProvider

    plugin_id: pulumi.Output[str]
    """The plugin ID the service assigned, its `id` (表4-373)."""
    version: pulumi.Output[str]
    """The installed plugin's version, e.g. `1.3.1.0` in the document's examples (表4-385)."""
    status: pulumi.Output[str]
    """Plugin status: `INITIALIZING`, `UPGRADING`, `FAILED`, `SUCCEEDED` or `DELETING`
    (表4-385; the list's table, 表4-377, spells `SUCCEDED`)."""


class PluginInfo(LookupResult):
    id: str
    name: str
    environment_id: str
    cce_id: str | None = None
    cse_id: str | None = None
    version: str | None = None
    status: str | None = None
    #: The last job the plugin ran.
    job_id: str | None = None


class PluginMetadata(LookupResult):
    name: str
    latest_version: str


def get_plugins(environment_id: str, *, name: str | None = None) -> list[PluginInfo]:
    """The plugins installed in an environment (§4.7.2), optionally only the one called `name`."""
    path = project_path(PluginProvider.collection_path, environment_id=environment_id)
    found = (PluginInfo.from_api(item) for item in get_one(path).get("addons") or [])
    return [plugin for plugin in found if name in (None, plugin.name)]


def get_plugins_output(
    environment_id: pulumi.Input[str], *, name: pulumi.Input[str] | None = None
) -> pulumi.Output[list[PluginInfo]]:
    """`get_plugins`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_plugins, environment_id, name=name)


def get_plugin_metadata(environment_id: str) -> list[PluginMetadata]:
    """The plugins an environment offers and their latest versions (§4.7.3)."""
    path = project_path(
        "/v3/{project_id}/cas/environments/{environment_id}/addons-metadata",
        environment_id=environment_id,
    )
    return [PluginMetadata.from_api(item) for item in get_one(path).get("addons") or []]


def get_plugin_metadata_output(
    environment_id: pulumi.Input[str],
) -> pulumi.Output[list[PluginMetadata]]:
    """`get_plugin_metadata`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_plugin_metadata, environment_id)
