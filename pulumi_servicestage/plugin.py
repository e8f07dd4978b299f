"""ServiceStage plugins (addons) of an environment
(`/v3/{project_id}/cas/environments/{environment_id}/addons`, PDF 004 §4.7).

A plugin is installed into the environment's CCE cluster by a job, and removed by another; both
are waited on, and a create whose job fails or times out removes the half-installed plugin. The
service has no modify operation, so every API argument forces a replacement. The plugin task API
(§4.7.5) is driven by two trigger arguments: changing `restart_trigger` or `redeploy_trigger` to a
new value runs that task and waits for its job, the way Terraform's `triggers` work.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import UpdateResult
from pydantic import Field, model_validator
from typing_extensions import Self

from ._common import raise_broken_rules
from ._lifecycle import ObjectRef, ResourceArgs, RestProvider, RestResource
from ._lookup import LookupResult, get_one, project_path
from .client.errors import ServiceStageError

# The plugin the reference documents, and what it needs: it mounts Sermant agents that connect
# to a ServiceComb engine, so it must know which one.
SERMANT_INJECTOR = "sermantInjector"

# Trigger argument -> the plugin task (§4.7.5 `action`) it runs; a redeploy goes first when both
# change, so the restart acts on the redeployed plugin.
_TASK_TRIGGERS = {"redeploy_trigger": "redeploy", "restart_trigger": "restart"}


class PluginArgs(ResourceArgs):
    environment_id: str = Field(min_length=1)
    name: str = Field(
        min_length=1,
        description="The plugin to install, e.g. sermantInjector; get_plugin_metadata() lists "
        "what an environment offers.",
    )
    cce_id: str = Field(min_length=1, description="The environment's CCE cluster to install in.")
    cse_id: str | None = Field(
        default=None,
        min_length=1,
        description="The environment's microservice engine; required for sermantInjector.",
    )
    restart_trigger: str | None = Field(
        default=None, description="Any value; changing it restarts the plugin."
    )
    redeploy_trigger: str | None = Field(
        default=None, description="Any value; changing it redeploys the plugin."
    )

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
    replace_on = frozenset({"environment_id", "name", "cce_id", "cse_id"})
    computed = ("version", "status")
    # The triggers never reach the service; refresh keeps them as they are.
    write_only = frozenset(_TASK_TRIGGERS)
    delete_is_asynchronous = True

    def replace_needs_delete_first(self) -> bool:
        # A plugin hooks into its CCE cluster; two of the same kind cannot run side by side.
        return True

    def create_body(self, args: PluginArgs) -> dict[str, Any]:
        body = super().create_body(args)
        return {key: value for key, value in body.items() if key not in _TASK_TRIGGERS}

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # Every API argument forces a replacement, so an in-place update can only be a trigger
        # (or a local setting such as `timeouts`) that changed.
        args = self._parse(news)
        ref = self._ref_from_id(id_)
        for trigger, task in _TASK_TRIGGERS.items():
            if news.get(trigger) is not None and olds.get(trigger) != news[trigger]:
                self._run_task(ref, args, task)
        return UpdateResult(self._outputs(args, ref, self._fetch(ref)))

    def _run_task(self, ref: ObjectRef, args: PluginArgs, task: str) -> None:
        answer = self._client().post(f"{self._item(ref)}/action", {"action": task}) or {}
        job_id = answer.get("job_id")
        if job_id:
            self._wait_for_job(str(job_id), f"{task} plugin {args.name!r}", args.timeout("update"))

    def _update_object(self, ref: ObjectRef, args: PluginArgs) -> None:
        """Reached only when adopting a plugin that differs from the arguments: the service
        cannot modify a plugin, so say what differs instead."""
        server = self._fetch(ref)
        differing = [
            f"{field} is {server.get(field)!r}, the arguments say {getattr(args, field)!r}"
            for field in sorted(self.replace_on)
            if field not in ref.parts and server.get(field) != getattr(args, field)
        ]
        raise ServiceStageError(
            f"adopt_id {ref.resource_id()!r}: {'; '.join(differing)}. Plugins cannot be "
            "modified: make the arguments match, or leave out adopt_id to install a new plugin"
        )


class Plugin(RestResource, module="servicestage", name="Plugin"):
    """A plugin (addon) installed in an environment's CCE cluster, such as sermantInjector.

    Its id is ``<environment_id>/<plugin_id>``.
    """

    provider_class: ClassVar[Any] = PluginProvider

    environment_id: pulumi.Output[str]
    plugin_id: pulumi.Output[str]
    name: pulumi.Output[str]
    cce_id: pulumi.Output[str]
    cse_id: pulumi.Output[str | None]
    restart_trigger: pulumi.Output[str | None]
    redeploy_trigger: pulumi.Output[str | None]
    version: pulumi.Output[str]
    status: pulumi.Output[str]


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


def get_plugin_metadata(environment_id: str) -> list[PluginMetadata]:
    """The plugins an environment offers and their latest versions (§4.7.3)."""
    path = project_path(
        "/v3/{project_id}/cas/environments/{environment_id}/addons-metadata",
        environment_id=environment_id,
    )
    return [PluginMetadata.from_api(item) for item in get_one(path).get("addons") or []]
