"""ASM grayscale releases (`/v2/meshes/{mesh_id}/namespaces/{namespace}/releases`).

A release runs a grayscale version of one workload (Kubernetes Deployment) of a mesh service next
to the original version. ASM works on it in the background: create waits until the release's
phase is ``Running``, and a change of `version` or `gray_deployments` is sent with PUT and waited
for in the same way. A release whose phase becomes ``Failed`` while it is being created is ended
again (cancelled), so nothing is left behind.

Delete ends the release with `delete_action`: ``cancel`` gives all traffic back to the original
version, ``end`` gives it all to the grayscale version; it waits until the release is gone.

ASM's paths carry no project: requests name it in the ``X-Project-Id`` header, and errors come
as ``errorCode``/``errorMsg``, which the client reads like ServiceStage's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import quote

import pulumi
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from ._common import ResourceId, matching
from ._lifecycle import Created, ObjectRef, ResourceArgs, RestProvider, RestResource
from ._lookup import LookupResult, output_of, program_clients
from ._resource_types import GrayscaleReleaseTyping
from .client.errors import APIConnectionError, APIStatusError, NotFoundError, ServiceStageError
from .jobs import polls, transient

KIND = "Release"
API_VERSION = "asm/v2"
RUNNING = "running"
FAILED = "failed"

# The rule of the API reference (ReleaseMetadata.name).
ReleaseName = Annotated[
    str,
    matching(
        r"[a-z][a-z0-9-]{2,62}[a-z0-9]",
        "name must be 4 to 64 lower-case letters, digits or hyphens (-), starting with a letter "
        "and not ending with a hyphen",
    ),
]
# The other names are Kubernetes object names, whose rules the cluster enforces.
NamespaceName = Annotated[
    str,
    matching(
        r"(?=.{1,63}\Z)[a-z0-9]([-a-z0-9]*[a-z0-9])?",
        "namespace must be a Kubernetes namespace name: 1 to 63 lower-case letters, digits or "
        "hyphens (-), starting and ending with a letter or digit",
    ),
]
ServiceName = Annotated[
    str,
    matching(
        r"(?=.{1,63}\Z)[a-z]([-a-z0-9]*[a-z0-9])?",
        "service_name must be a Kubernetes service name: 1 to 63 lower-case letters, digits or "
        "hyphens (-), starting with a letter and ending with a letter or digit",
    ),
]
DeploymentName = Annotated[
    str,
    matching(
        r"(?=.{1,253}\Z)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*",
        "deployment_name must be a Kubernetes workload name: at most 253 lower-case letters, "
        "digits, hyphens (-) or dots (.), starting and ending with a letter or digit",
    ),
]
# ASM tells the versions apart by the pods' `version` label, so a version is a label value.
Version = Annotated[
    str,
    matching(
        r"(?=.{1,63}\Z)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?",
        "version must be a Kubernetes label value: 1 to 63 letters, digits, hyphens (-), "
        "underscores (_) or dots (.), starting and ending with a letter or digit",
    ),
]
NonEmpty = Annotated[str, Field(min_length=1)]


def _is_deployment(template: dict[str, Any]) -> dict[str, Any]:
    kind = template.get("kind", "Deployment")
    if kind != "Deployment":
        raise PydanticCustomError(
            "deployment_kind",
            "template must be a Kubernetes Deployment (kind Deployment), not {kind}",
            {"kind": kind},
        )
    return template


class GrayDeployment(BaseModel):
    """A grayscale workload: the Deployment to run the grayscale version with, and its cluster.

    Source: 002 GrayWorkload table (`spec.grayDeployments`).
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    cluster_id: ResourceId
    """ID of the cluster where the grayscale workload resides (`clusterID`)."""
    template: Annotated[dict[str, Any], AfterValidator(_is_deployment)]
    """The grayscale workload: a Kubernetes Deployment object (`kind` Deployment, or left out),
    as Kubernetes' Deployment reference describes it. Whole numbers in it are sent as integers
    (the engine hands every number over as a float)."""


class GrayscaleReleaseArgs(ResourceArgs):
    """The arguments of a `GrayscaleRelease`: ASM's Release object, flattened.

    Source: 002 (path parameters, ReleaseMetadata and ReleaseSpec tables); asm-release-create.md
    Tables 3-4.
    """

    mesh_id: ResourceId
    """ID of the mesh the release belongs to (path parameter, and `metadata.meshID`). Changing
    it creates the release anew, deleting the old one first."""
    namespace: NamespaceName
    """Namespace of the release (path parameter, and `metadata.namespace`): a Kubernetes
    namespace name, 1 to 63 lower-case letters, digits or hyphens (-), starting and ending with
    a letter or digit. Changing it creates the release anew, deleting the old one first."""
    name: ReleaseName
    """Release task name (`metadata.name`): 4 to 64 characters; lower-case letters, digits and
    hyphens (-), starting with a lower-case letter and not ending with a hyphen. Changing it
    creates the release anew, deleting the old one first."""
    service_name: ServiceName
    """Name of the mesh service the release is for (`spec.serviceName`): a Kubernetes service
    name, 1 to 63 lower-case letters, digits or hyphens (-), starting with a letter and ending
    with a letter or digit. Changing it creates the release anew, deleting the old one first."""
    cluster_id: ResourceId
    """ID of the cluster of the release (`spec.clusterID`). Changing it creates the release
    anew, deleting the old one first."""
    deployment_name: DeploymentName
    """Name of the workload (Kubernetes Deployment) the release is for (`spec.deploymentName`):
    at most 253 lower-case letters, digits, hyphens (-) or dots (.), starting and ending with a
    letter or digit. Changing it creates the release anew, deleting the old one first."""
    version: Version
    """Version of the release (`spec.version`, "mesh version"): a Kubernetes label value, 1 to
    63 letters, digits, hyphens, underscores or dots, starting and ending with a letter or
    digit, since ASM tells the versions apart by the pods' `version` label. Changing it updates
    the release in place (PUT) and waits until it runs that version."""
    type: NonEmpty | None = None
    """Type of the release task (`spec.type`); the documents list no values. Sent only when
    set; changing it creates the release anew, deleting the old one first."""
    gray_deployments: Annotated[list[GrayDeployment], Field(min_length=1)]
    """Grayscale workload templates (`spec.grayDeployments`), at least one. Changing them
    updates the release in place (PUT) and waits until its phase is Running again."""
    delete_action: Literal["cancel", "end"] | None = Field(default=None)
    """How deleting the resource ends the release: `cancel` (the default) gives all traffic back
    to the original version, `end` gives it all to the grayscale version. Sent only then, as the
    DELETE request's `action` (the page does not print its values); changing it sends nothing
    (asm-release-delete.md)."""


class ReleaseFailedError(ServiceStageError):
    """The release's phase became ``Failed`` while it was being created, changed or ended."""


class ReleaseTimeoutError(ServiceStageError):
    """The release had not reached the awaited phase when the wait's time limit ran out."""


class GrayscaleReleaseProvider(RestProvider[GrayscaleReleaseArgs]):
    args_model = GrayscaleReleaseArgs
    noun = "grayscale release"
    service = "asm"
    collection_path = "/v2/meshes/{mesh_id}/namespaces/{namespace}/releases"
    id_fields = ("mesh_id", "namespace", "release_id")
    # Only the grayscale version (its number and workloads) can change in place.
    replace_on = frozenset(
        {"mesh_id", "namespace", "name", "service_name", "cluster_id", "deployment_name", "type"}
    )
    computed = ("phase", "start_time", "update_time")
    # Chosen by the user for the delete and never sent to ASM: refresh keeps it.
    write_only = frozenset({"delete_action"})
    # A replacement keeps the workload, which can be in only one release at a time.
    replace_deletes_first = True

    # -- bodies and answers ------------------------------------------------------------------------

    def create_body(self, args: GrayscaleReleaseArgs) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "serviceName": args.service_name,
            "clusterID": args.cluster_id,
            "deploymentName": args.deployment_name,
            "version": args.version,
            "grayDeployments": [
                {"clusterID": gray.cluster_id, "template": whole_numbers_as_ints(gray.template)}
                for gray in args.gray_deployments
            ],
        }
        if args.type is not None:
            spec["type"] = args.type
        return {
            "kind": KIND,
            "apiVersion": API_VERSION,
            "metadata": {"name": args.name, "meshID": args.mesh_id, "namespace": args.namespace},
            "spec": spec,
        }

    def update_body(self, args: GrayscaleReleaseArgs) -> dict[str, Any]:
        return self.create_body(args)

    def computed_outputs(self, server: Mapping[str, Any]) -> dict[str, Any]:
        status = server.get("status") or {}
        return {
            "phase": status.get("phase"),
            "start_time": status.get("startTime"),
            "update_time": status.get("updateTime"),
        }

    def server_inputs(
        self, server: Mapping[str, Any], known: Mapping[str, Any], ref: ObjectRef
    ) -> dict[str, Any]:
        return super().server_inputs(release_fields(server), known, ref)

    def inputs_differ(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], *, ignoring: Iterable[str] = ()
    ) -> bool:
        # The delete action is used only when the release ends; changing it needs no request.
        return super().inputs_differ(olds, news, ignoring={*ignoring, "delete_action"})

    # -- requests ----------------------------------------------------------------------------------

    def send_create(self, args: GrayscaleReleaseArgs) -> Created:
        answer = self.client().post(self.collection(args), self.create_body(args))
        return Created(self.ref_for_new(args, self._created_uid(answer, args)))

    def list_objects(self, args: GrayscaleReleaseArgs) -> list[dict[str, Any]]:
        mesh = quote(args.mesh_id, safe="")
        return list((self.client().get(f"/v2/meshes/{mesh}/releases") or {}).get("items") or [])

    def listed_id(self, listed: Mapping[str, Any]) -> str | None:
        uid = (listed.get("metadata") or {}).get("uid")
        return str(uid) if uid else None

    def matches_natural_key(self, listed: Mapping[str, Any], args: GrayscaleReleaseArgs) -> bool:
        # Release names are unique in a namespace.
        metadata = listed.get("metadata") or {}
        return (metadata.get("namespace"), metadata.get("name")) == (args.namespace, args.name)

    def matches_create(
        self, server: Mapping[str, Any], args: GrayscaleReleaseArgs, ref: ObjectRef
    ) -> bool:
        # The create body is ASM's Release object, not the arguments: compare them all.
        return self.update_applied(ref, args, server)

    def settle_create(self, created: Created, args: GrayscaleReleaseArgs) -> None:
        self._wait_until_running(created.ref, args, step="create it", timeout_name="create")

    def apply_update(
        self,
        ref: ObjectRef,
        args: GrayscaleReleaseArgs,
        server: Mapping[str, Any],
        olds: Mapping[str, Any] | None,
    ) -> None:
        self.client().put(self.item_path(ref), self.update_body(args))
        self._wait_until_running(
            ref, args, step=f"change it to version {args.version!r}", timeout_name="update"
        )

    def send_delete(self, ref: ObjectRef, state: Mapping[str, Any] | None) -> str | None:
        """End the release with its `delete_action`, and wait until it is gone.

        The object of a failed create (no `state`) is cancelled: all traffic stays with the
        original version, which never stopped serving.
        """
        action = "end" if (state or {}).get("delete_action") == "end" else "cancel"
        timeout = _timeouts_of(state).timeout("delete")
        self.client().delete(self.item_path(ref), params={"action": action})
        self._wait(
            ref,
            step=f"{action} it",
            timeout=timeout,
            timeout_name="delete",
            settled=lambda release: release is None,
        )
        return None

    def _created_uid(self, answer: Any, args: GrayscaleReleaseArgs) -> str:
        uid = (answer.get("metadata") or {}).get("uid") if isinstance(answer, dict) else None
        if uid:
            return str(uid)
        # The create page's answer is not stored: should it lack the uid, the name finds the
        # release, as release names are unique in a namespace.
        named = [
            str(self.listed_id(item))
            for item in self.list_objects(args)
            if self.matches_natural_key(item, args) and self.listed_id(item)
        ]
        if len(named) == 1:
            return named[0]
        raise ServiceStageError(
            f"ASM created the grayscale release {args.name!r} in namespace {args.namespace!r}, "
            "but its answer has no `metadata.uid` and the mesh's list does not tell it either: "
            f"take it over by setting adopt_id to '{args.mesh_id}/{args.namespace}/<uid>' "
            "(get_grayscale_releases finds the uid), or delete it"
        )

    # -- waiting -----------------------------------------------------------------------------------

    def _wait_until_running(
        self, ref: ObjectRef, args: GrayscaleReleaseArgs, *, step: str, timeout_name: str
    ) -> None:
        self._wait(
            ref,
            step=step,
            timeout=args.timeout(timeout_name),
            timeout_name=timeout_name,
            settled=lambda release: runs_version(release, args.version),
        )

    def _wait(
        self,
        ref: ObjectRef,
        *,
        step: str,
        timeout: float,
        timeout_name: str,
        settled: Callable[[Mapping[str, Any] | None], bool],
    ) -> None:
        """Poll the release until `settled` (given None once it is gone) says the `step` is done.

        Raises ReleaseFailedError when the phase becomes Failed, ReleaseTimeoutError when
        `timeout` seconds pass first.
        """
        release: dict[str, Any] | None = None
        for _ in polls(timeout):
            try:
                release = self.read_object(ref)
            except NotFoundError:
                release = None
            except (APIConnectionError, APIStatusError) as unreadable:
                if not transient(unreadable):
                    raise
                continue  # ASM goes on meanwhile; look again at the next poll
            if step_done(release, settled(release), step=step, release_id=ref.resource_id()):
                return
        raise ReleaseTimeoutError(
            still_going_text(
                release,
                release_id=ref.resource_id(),
                step=step,
                timeout=timeout,
                timeout_name=timeout_name,
            )
        )


def _timeouts_of(state: Mapping[str, Any] | None) -> ResourceArgs:
    try:
        return ResourceArgs.model_validate({"timeouts": (state or {}).get("timeouts")})
    except ValidationError:
        return ResourceArgs()


def _phase(release: Mapping[str, Any]) -> str:
    return str((release.get("status") or {}).get("phase") or "")


def runs_version(release: Mapping[str, Any] | None, version: str) -> bool:
    """Whether `release` runs `version`: a release still running its former version has not
    taken a change up yet."""
    return (
        release is not None
        and _phase(release).lower() == RUNNING
        and (release.get("spec") or {}).get("version") == version
    )


def step_done(
    release: Mapping[str, Any] | None, settled: bool, *, step: str, release_id: str
) -> bool:
    """Whether ASM has done `step`, as one read of the release (None: it is gone) and the step's
    `settled` verdict on it show; False means look again.

    Raises ReleaseFailedError when the release is gone unsettled or its phase became Failed.
    """
    if settled:
        return True
    if release is None:
        raise ReleaseFailedError(
            f"grayscale release {release_id} disappeared while ASM was to {step}"
        )
    if _phase(release).lower() == FAILED:
        reason = (release.get("status") or {}).get("message") or "ASM gave no reason"
        raise ReleaseFailedError(
            f"grayscale release {release_id}: ASM could not {step}; its phase became "
            f"{_phase(release)}: {reason}"
        )
    return False


def still_going_text(
    release: Mapping[str, Any] | None,
    *,
    release_id: str,
    step: str,
    timeout: float,
    timeout_name: str,
) -> str:
    """Why a wait on `step` gave up: the phase the release was last seen in."""
    phase = _phase(release) if release else ""
    return (
        f"grayscale release {release_id} was still {phase or 'without a phase'} {timeout:g} s "
        f"after ASM was asked to {step}; raise this resource's `timeouts.{timeout_name}` to wait "
        "longer"
    )


def release_fields(release: Mapping[str, Any]) -> dict[str, Any]:
    """ASM's Release object flattened to this package's field names."""
    metadata = release.get("metadata") or {}
    spec = release.get("spec") or {}
    return {
        "mesh_id": metadata.get("meshID"),
        "namespace": metadata.get("namespace"),
        "name": metadata.get("name"),
        "service_name": spec.get("serviceName"),
        "cluster_id": spec.get("clusterID"),
        "deployment_name": spec.get("deploymentName"),
        "version": spec.get("version"),
        "type": spec.get("type"),
        "gray_deployments": [
            {"cluster_id": gray.get("clusterID"), "template": gray.get("template")}
            for gray in spec.get("grayDeployments") or []
        ],
    }


def whole_numbers_as_ints(value: Any) -> Any:
    """`value` with floats that are whole numbers turned into ints, at any depth.

    The engine hands every number over as a float, and Kubernetes rejects `replicas: 2.0`.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: whole_numbers_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [whole_numbers_as_ints(item) for item in value]
    return value


class GrayscaleRelease(
    GrayscaleReleaseTyping, RestResource, module="servicestage", name="GrayscaleRelease"
):
    """An ASM grayscale release of a mesh service's workload.

    Its id is ``<mesh_id>/<namespace>/<release_id>``.
    """

    provider_class: ClassVar[Any] = GrayscaleReleaseProvider

    release_id: pulumi.Output[str]
    """ID of the release task (002 ReleaseMetadata `uid`): unique, generated by ASM when the
    task is created."""
    phase: pulumi.Output[str]
    """Phase of the release task (002 ReleaseStatus `phase`); the documents list no values.
    Create and update wait for Running, and a phase of Failed fails them."""
    start_time: pulumi.Output[str]
    """Start time of the release task (002 ReleaseStatus `startTime`), a string."""
    update_time: pulumi.Output[str]
    """Update time of the release task (002 ReleaseStatus `updateTime`), a string."""


class GrayscaleReleaseInfo(LookupResult):
    id: str
    mesh_id: str
    namespace: str
    name: str
    service_name: str | None = None
    cluster_id: str | None = None
    deployment_name: str | None = None
    version: str | None = None
    type: str | None = None
    gray_deployments: list[dict[str, Any]] | None = None
    phase: str | None = None
    start_time: str | None = None
    update_time: str | None = None


def get_grayscale_releases(
    mesh_id: str, *, namespace: str | None = None, name: str | None = None
) -> list[GrayscaleReleaseInfo]:
    """The grayscale releases of a mesh, optionally only those in `namespace` or called `name`."""
    answer = program_clients().asm.get(f"/v2/meshes/{quote(mesh_id, safe='')}/releases") or {}
    found = [
        GrayscaleReleaseInfo.from_api(
            {
                **release_fields(item),
                "id": (item.get("metadata") or {}).get("uid"),
                **GrayscaleReleaseProvider().computed_outputs(item),
            }
        )
        for item in answer.get("items") or []
    ]
    return [
        release
        for release in found
        if namespace in (None, release.namespace) and name in (None, release.name)
    ]


def get_grayscale_releases_output(
    mesh_id: pulumi.Input[str],
    *,
    namespace: pulumi.Input[str] | None = None,
    name: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[GrayscaleReleaseInfo]]:
    """`get_grayscale_releases`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_grayscale_releases, mesh_id, namespace=namespace, name=name)
