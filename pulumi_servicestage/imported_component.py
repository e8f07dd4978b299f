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

from typing import Any, ClassVar, Literal

import pulumi
from pulumi.dynamic import DiffResult
from pydantic import Field, field_validator

from ._common import Name
from ._lifecycle import (
    LOCAL_FIELDS,
    ObjectRef,
    ResourceArgs,
    RestProvider,
    RestResource,
    args_name,
    comparable,
    is_unknown,
)
from .client.errors import NotFoundError, ServiceStageError
from .component import (
    ComponentProvider,
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
    application_id: str = Field(min_length=1)
    environment_id: str = Field(min_length=1)
    name: Name
    workload_name: str = Field(min_length=1)
    workload_kind: Literal["deployment", "statefulset"]
    version: ComponentVersion
    refer_resources: list[ReferResource]
    labels: list[Label] | None = None
    description: str | None = Field(default=None, max_length=128)
    external_accesses: list[ExternalAccess] | None = None
    # Not part of the import: the workload keeps its count until this asks for another.
    replica: int | None = Field(default=None, ge=1)

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
    replace_on = frozenset(
        {"application_id", "environment_id", "name", "workload_name", "workload_kind"}
    )
    computed = ("status",)
    # The service shows the component, not the workload it came from.
    write_only = frozenset({"workload_name"})
    delete_is_asynchronous = True

    def replace_needs_delete_first(self) -> bool:
        # The name is unique in the application, and a workload can be imported only once.
        return True

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """As the generic diff, and a new import when the workload's cluster or namespace moves."""
        result = super().diff(id_, olds, news)
        new_cluster = _cluster_of(news.get("refer_resources"))
        if new_cluster is not None and new_cluster != _cluster_of(olds.get("refer_resources")):
            result.replaces = [*(result.replaces or []), "refer_resources"]
            result.delete_before_replace = True
        return result

    def _adopt(self, ref: ObjectRef, args: ImportedComponentArgs) -> None:
        """As the generic adoption, refusing a component of another name, environment, kind or
        cluster: the modify cannot change those, and a refresh would then replace the component,
        deleting it first. (The service may not show the kind; then it cannot be checked.)"""
        try:
            server = self._fetch(ref)
        except NotFoundError:
            server = {}  # reported by the generic adoption
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
        differing = [
            f"its {field} is {shown[field]!r}, the arguments say {wanted[field]!r}"
            for field in shown
            if shown[field] is not None and shown[field] != wanted[field]
        ]
        if differing:
            raise ServiceStageError(
                f"adopt_id {ref.resource_id()!r}: {'; '.join(differing)}, which cannot be "
                "changed on an imported component; set the arguments to its values"
            )
        super()._adopt(ref, args)

    def create_body(self, args: ImportedComponentArgs) -> dict[str, Any]:
        body = self._body(args, exclude=LOCAL_FIELDS | {"application_id", "replica"})
        return {"create_mode": "import", "runtime_stack": IMPORT_RUNTIME_STACK, **body}

    def _create_object(self, args: ImportedComponentArgs) -> ObjectRef:
        answer = self._client().post(self._collection(args), self.create_body(args)) or {}
        own_id = answer.get(self.created_id_key) if isinstance(answer, dict) else None
        if not own_id:
            raise ServiceStageError(
                f"the service imported workload {args.workload_name!r} but its answer has no "
                f"`{self.created_id_key}`: {answer}"
            )
        ref = self._ref_for_new(args, str(own_id))
        try:
            job_id = (self._fetch(ref).get("status") or {}).get("last_job_id")
            if job_id:
                self._wait_for_job(
                    str(job_id), f"import workload {args.workload_name!r}", args.timeout("create")
                )
            if args.replica is not None:
                self._update_object(ref, args)
        except ServiceStageError as failure:
            # Unlike a failed create, this component is not deleted again: deleting it could
            # delete the workload it took over, which existed before this resource did.
            raise ServiceStageError(
                f"{failure}. The component {ref.resource_id()} was left in place, since deleting "
                "it could delete the workload; fix the cause, then take it over by setting "
                f"adopt_id={ref.resource_id()!r}, or delete it"
            ) from failure
        return ref

    def _update_object(self, ref: ObjectRef, args: ImportedComponentArgs) -> None:
        server = self._fetch(ref)
        wanted = _modifiable(args)
        current = {
            key: value
            for key, value in self._inputs_from_server(server, wanted, ref).items()
            if key in wanted
        }
        scale_around_modify(
            running=running_replica(server, ref),
            wanted=args.replica,
            modify=(
                (lambda replica: self._modify(ref, args, server, replica))
                if comparable(current) != comparable(wanted)
                else None
            ),
            scale=lambda replica: scale_component(ref, replica, args),
        )

    def _modify(
        self, ref: ObjectRef, args: ImportedComponentArgs, server: dict[str, Any], replica: int
    ) -> None:
        body = {key: server[key] for key in _MODIFY_BODY_FIELDS if server.get(key) is not None}
        body.update(_modifiable(args))
        body["replica"] = replica
        answer = self._client().put(self._item(ref), body) or {}
        job_id = answer.get("job_id") if isinstance(answer, dict) else None
        if job_id:
            self._wait_for_job(
                str(job_id), f"modify {self.noun} {args_name(args)}", args.timeout("update")
            )


def _modifiable(args: ImportedComponentArgs) -> dict[str, Any]:
    return args.model_dump(mode="json", by_alias=True, exclude_none=True, include=set(_MODIFIABLE))


def _cluster_of(resources: Any) -> tuple[str, str] | None:
    """The cce cluster and namespace among `refer_resources`; None while not known."""
    if not isinstance(resources, list):
        return None
    for resource in resources:
        if is_unknown(resource) or not isinstance(resource, dict):
            return None
        if resource.get("type") == "cce":
            parameters = resource.get("parameters") or {}
            return str(resource.get("id")), str(parameters.get("namespace") or "default")
    return None


class ImportedComponent(RestResource, module="servicestage", name="ImportedComponent"):
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

    application_id: pulumi.Output[str]
    component_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]
    name: pulumi.Output[str]
    workload_name: pulumi.Output[str]
    workload_kind: pulumi.Output[str]
    version: pulumi.Output[str]
    replica: pulumi.Output[int | None]
    status: pulumi.Output[dict[str, Any]]
