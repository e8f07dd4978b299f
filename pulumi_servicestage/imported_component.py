"""Components made from a workload that already runs in CCE (PDF 004 §4.3.2,
``POST /v3/{project_id}/cas/applications/{application_id}/components`` with ``create_mode``
"import").

The import shares the create's path but not its body: it names the workload instead of describing
what to deploy (no source, runtime, resources or instance count), and answers only the component's
id (``instance_id``), with the job that takes the workload over in the component's
``status.last_job_id``. Once imported, the component is modified with the ordinary modify, whose
body describes the whole component; this resource sends back what the service shows, with its own
arguments applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import pulumi
from pydantic import Field, field_validator

from ._common import Name, ResourceId
from ._lifecycle import (
    LOCAL_FIELDS,
    Created,
    ObjectRef,
    ResourceArgs,
    RestProvider,
    RestResource,
    args_name,
    equivalent,
    is_unknown,
    without_owner_label,
)
from ._resource_types import ImportedComponentTyping
from .client.errors import ServiceStageError
from .component import (
    ComponentProvider,
    component_failure,
    component_running_job,
    running_replica,
    scale_around_modify,
    scale_component,
)
from .component_spec import (
    ComponentSpec,
    ComponentVersion,
    ExternalAccess,
    Label,
    ReferResource,
)

# "Runtime: fixed to Docker" (table 4-158), spelt as in the reference's example request.
IMPORT_RUNTIME_STACK = {
    "name": "Docker",
    "type": "Docker",
    "version": "",
    "deploy_mode": "container",
}
# Arguments the modify body takes; the others name the workload and need a new import.
_MODIFIABLE = ("description", "labels", "version", "external_accesses", "refer_resources")
# Fields of the modify body (the component spec, less the create-only environment).
_MODIFY_BODY_FIELDS = tuple(
    field.alias or name
    for name, field in ComponentSpec.model_fields.items()
    if name != "environment_id"
)


class ImportedComponentArgs(ResourceArgs):
    """The arguments of an `ImportedComponent`: the import body, less the fixed `create_mode`
    ("import") and `runtime_stack` (Docker), plus the application and an instance count.

    Source: PDF 004 §4.3.2, 表4-156 (path parameters) and 表4-158 (request body).
    """

    application_id: ResourceId
    """ID of the application to create the component in (path parameter). Changing it imports
    the workload anew, deleting the old component first."""
    environment_id: ResourceId
    """ID of the environment the component runs in; mandatory. Changing it imports the
    workload anew, deleting the old component first."""
    name: Name
    """Component name: 2 to 64 characters; letters, digits, hyphens (-) and underscores (_),
    starting with a letter and ending with a letter or digit. Changing it imports the workload
    anew, deleting the old component first."""
    workload_name: str = Field(min_length=1)
    """Name of the workload, already created in CCE, that the component takes over (a workload
    can be imported once). Changing it imports that other workload, deleting the old component
    first."""
    workload_kind: Literal["deployment", "statefulset"]
    """Workload type: `deployment` (stateless workload) or `statefulset` (stateful workload).
    Changing it imports the workload anew, deleting the old component first."""
    version: ComponentVersion
    """Component version: at most 32 characters, matching `^([0-9]+)(.[0-9]+){2,3}$` (e.g.
    2024.0506.16306). Changes in place (component modify)."""
    refer_resources: list[ReferResource]
    """Bound resources (表4-160: `id`, `type` and `parameters.namespace`, 表4-161); must
    include the `cce` cluster the workload runs in, whose namespace defaults to `default`. A
    workload that is to be gray-released as a microservice must also bind a ServiceComb (`cse`)
    or Nacos (`nacos`) engine. A move to another cluster or namespace imports anew; other
    changes are made in place."""
    labels: list[Label] | None = None
    """Labels (表4-159: `key` and `value`); for container deployment the workload can be
    queried by them. Changes in place."""
    description: str | None = Field(default=None, max_length=128)
    """Description: at most 128 characters. Changes in place."""
    external_accesses: list[ExternalAccess] | None = None
    """External access (表4-162): `protocol` (http or https), `address` and `forward_port`.
    Changes in place; the service's GET does not show them (表4-226 has no such row), so a
    change made outside this resource goes unnoticed."""
    # Not part of the import: the workload keeps its count until this asks for another.
    replica: int | None = Field(default=None, ge=1)
    """Number of instances, at least 1: not part of the import body, which keeps the workload's
    count. When set, the component is scaled to it after the import and whenever it changes,
    with the scale task (表4-262)."""

    @field_validator("refer_resources")
    @classmethod
    def _names_the_cluster(cls, resources: list[ReferResource]) -> list[ReferResource]:
        if not any(resource.type == "cce" for resource in resources):
            raise ValueError("refer_resources must include the cce cluster the workload runs in")
        return resources


class ImportedComponentProvider(RestProvider[ImportedComponentArgs]):
    args_model = ImportedComponentArgs
    noun = "imported component"
    collection_path = ComponentProvider.collection_path
    id_fields = ("application_id", "component_id")
    created_id_key = "instance_id"
    list_key = "components"
    marker_labels = "labels"
    replace_on = frozenset(
        {"application_id", "environment_id", "name", "workload_name", "workload_kind"}
    )
    computed = ("status",)
    # GET's table 4-226 lists workload_name, and a refresh compares it where the service shows
    # it; where an answer lacks it, the known name is kept. GET shows no external_accesses
    # (neither table 4-226 nor the SDK's ShowComponentInfoResponse has the row).
    write_only = frozenset({"workload_name", "external_accesses"})
    delete_is_asynchronous = True
    # The name is unique in the application, and a workload can be imported only once.
    replace_deletes_first = True
    modify_runs_a_job = True

    def extra_replaces(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """A new import when the workload's cluster or namespace moves."""
        new_cluster = _cluster_of(news.get("refer_resources"))
        if new_cluster is not None and new_cluster != _cluster_of(olds.get("refer_resources")):
            return ["refer_resources"]
        return []

    def adoption_conflicts(
        self, ref: ObjectRef, args: ImportedComponentArgs, server: Mapping[str, Any]
    ) -> list[str]:
        """A component of another name, environment, kind or cluster cannot be adopted: the
        modify cannot change those, and a refresh would then replace the component, deleting it
        first. (The service may not show the kind; then it cannot be checked.)"""
        shown_cluster = _cluster_of(server.get("refer_resources"))
        wanted_cluster = _cluster_of(args.model_dump(mode="json")["refer_resources"])
        shown = {
            "name": server.get("name"),
            "environment_id": server.get("environment_id"),
            "workload_kind": server.get("workload_kind"),
            "cluster/namespace": "/".join(shown_cluster) if shown_cluster else None,
        }
        wanted = {
            "name": args.name,
            "environment_id": args.environment_id,
            "workload_kind": args.workload_kind,
            "cluster/namespace": "/".join(wanted_cluster) if wanted_cluster else None,
        }
        return [
            f"its {field} is {shown[field]!r}, the arguments say {wanted[field]!r}"
            for field in shown
            if shown[field] is not None and shown[field] != wanted[field]
        ]

    def create_body(self, args: ImportedComponentArgs) -> dict[str, Any]:
        body = self.request_body(args, exclude=LOCAL_FIELDS | {"application_id", "replica"})
        return {"create_mode": "import", "runtime_stack": IMPORT_RUNTIME_STACK, **body}

    def settle_create(self, created: Created, args: ImportedComponentArgs) -> None:
        # The import answers no job: the component's status names the one that takes the
        # workload over.
        server = self.read_object(created.ref)
        job_id = created.job_id or (server.get("status") or {}).get("last_job_id")
        if job_id:
            self.wait_for_job(
                str(job_id), f"import workload {args.workload_name!r}", args, "create"
            )
        if args.replica is not None:
            self.apply_update(created.ref, args, self.read_object(created.ref), None)

    def keep_failed_create(
        self, ref: ObjectRef, args: ImportedComponentArgs, failure: ServiceStageError
    ) -> str | None:
        # Unlike a failed create, this component is not deleted again: deleting it could delete
        # the workload it took over, which existed before this resource did.
        return (
            f"The component {ref.resource_id()} was left in place, since deleting it could "
            "delete the workload"
        )

    def running_job(self, ref: ObjectRef, server: Mapping[str, Any]) -> str | None:
        return component_running_job(server)

    def failure_of(self, server: Mapping[str, Any]) -> str | None:
        return component_failure(server)

    def update_applied(
        self, ref: ObjectRef, args: ImportedComponentArgs, server: Mapping[str, Any]
    ) -> bool:
        return not self._modify_needed(ref, args, server) and args.replica in (
            None,
            running_replica(server, ref),
        )

    def apply_update(
        self,
        ref: ObjectRef,
        args: ImportedComponentArgs,
        server: Mapping[str, Any],
        olds: Mapping[str, Any] | None,
    ) -> None:
        # A field GET does not show (external_accesses) can differ from the previous inputs
        # while the service's view, which keeps the known value, looks the same.
        changed = olds is not None and not equivalent(
            {key: olds.get(key) for key in _MODIFIABLE}, _modifiable(args)
        )
        scale_around_modify(
            running=running_replica(server, ref),
            wanted=args.replica,
            modify=(
                (lambda replica: self._modify(ref, args, server, replica))
                if changed or self._modify_needed(ref, args, server)
                else None
            ),
            scale=lambda replica: scale_component(ref, replica, args),
        )

    def _modify_needed(
        self, ref: ObjectRef, args: ImportedComponentArgs, server: Mapping[str, Any]
    ) -> bool:
        wanted = _modifiable(args)
        current = {
            key: value
            for key, value in self.server_inputs(server, wanted, ref).items()
            if key in wanted
        }
        return not equivalent(current, wanted)

    def _modify(
        self,
        ref: ObjectRef,
        args: ImportedComponentArgs,
        server: Mapping[str, Any],
        replica: int,
    ) -> None:
        # The modify body describes the whole component: what the service shows, with this
        # resource's arguments (and its ownership marker) applied.
        shown = without_owner_label(server, self.marker_labels)
        body = {key: shown[key] for key in _MODIFY_BODY_FIELDS if shown.get(key) is not None}
        body.update(
            self.request_body(args, exclude=set(type(args).model_fields) - set(_MODIFIABLE))
        )
        body["replica"] = replica
        answer = self.client().put(self.item_path(ref), body, repeatable=False) or {}
        job_id = answer.get("job_id") if isinstance(answer, dict) else None
        if job_id:
            self.wait_for_job(str(job_id), f"modify {self.noun} {args_name(args)}", args, "update")


def _modifiable(args: ImportedComponentArgs) -> dict[str, Any]:
    return args.model_dump(mode="json", by_alias=True, exclude_none=True, include=set(_MODIFIABLE))


def _cluster_of(resources: Any) -> tuple[str, str] | None:
    """The cce cluster and namespace among `refer_resources`; None while not known."""
    if not isinstance(resources, list):
        return None
    for resource in resources:
        if not isinstance(resource, dict) or is_unknown(resource.get("type")):
            return None
        if resource.get("type") == "cce":
            cluster, parameters = resource.get("id"), resource.get("parameters") or {}
            if not isinstance(parameters, dict):
                return None  # unknown in a preview, or not a mapping at all
            namespace = parameters.get("namespace") or "default"
            if is_unknown(cluster) or is_unknown(namespace):
                return None
            return str(cluster), str(namespace)
    return None


class ImportedComponent(
    ImportedComponentTyping, RestResource, module="servicestage", name="ImportedComponent"
):
    """A component that takes over a workload already running in a CCE cluster.

    `refer_resources` must name the cluster (type ``cce``, ``parameters.namespace`` defaulting to
    ``default``); a workload can be imported once. The description, labels, version, external
    accesses and other bound resources change in place, `replica` (optional) scales the workload,
    and the rest (the workload, its kind, cluster or namespace, the name, application and
    environment) imports anew, deleting the old component first.

    Deleting this resource deletes the component; the API reference does not say whether the
    service then removes the CCE workload too (its console asks), so protect the resource, or set
    ``retain_on_delete``, where the workload must outlive it. For the same reason an import whose
    job fails is left in place rather than deleted, and the error says how to take it over.

    Its id is ``<application_id>/<component_id>``.
    """

    provider_class: ClassVar[Any] = ImportedComponentProvider

    component_id: pulumi.Output[str]
    """ID of the component the import created: the import answer's `instance_id` (表4-163,
    "component instance ID"); the resource's id is ``<application_id>/<component_id>``."""
    status: pulumi.Output[dict[str, Any]]
    """The component's status as the service shows it (表4-257): `component_status` (e.g.
    RUNNING, UPGRADING, FAILED), `available_replica` and `replica` (available and total
    instances), `fail_detail`, `last_job_id` (after the import, the job that takes the workload
    over), `create_time`, `update_time`, `creator` and `artifact` (表4-258)."""
