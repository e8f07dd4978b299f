"""ASM (Application Service Mesh) grayscale releases, ``/v2/meshes/{mesh_id}/...releases``.

A release is a grayscale version of one workload (Deployment) of a mesh's service, running next
to the original version. Its phase moves over time on the emulator's clock, each step taking as
long as a deploy job (`JobBackend.default_duration`):

========================  =====================================================================
create (POST)             ``Creating``, then ``Running``
change version (PUT)      ``Updating``, then ``Running``
cancel / end (DELETE)     ``Canceling`` / ``Ending``, then the release is gone (404)
planned failure           the step ends in ``Failed`` instead, with ``status.message`` saying why
========================  =====================================================================

The reference documents neither the phase names, nor the ``action`` values of a delete (taken
as ``cancel``: the original version takes all traffic back; ``end``: the grayscale version takes
it all), nor a PUT body (taken as the Release object, of which only ``spec.version`` and
``spec.grayDeployments`` may change), nor ``status.message``; these are the emulator's choices.
Meshes are not modelled: any mesh id is accepted. A namespace's release names are unique, and a
workload is in at most one release at a time (409 ``ASM.01010003``).

The paths carry no project: API Gateway scopes them by ``X-Project-Id`` or the token (see
`auth.CredentialStore.authenticate`). Errors are ASM's ``{"errorCode", "errorMsg"}``.

Control routes, without authentication, to make coming steps fail:

=======  ======================================================  ================================
POST     /_emulator/projects/{project_id}/asm/release-failures   body ``{"operation": "create",
                                                                 "message": "...",
                                                                 "release_name": null}``
GET      /_emulator/projects/{project_id}/asm/release-failures   ``{"failures": [...]}``
DELETE   /_emulator/projects/{project_id}/asm/release-failures   drop the planned failures; 204
=======  ======================================================  ================================

In Python: ``emulator.area(AsmBackend).plan_failure("create", message=...)``; and
``ended_releases()`` tells which version took all traffic when each release went.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import (
    ASM_INVALID_REQUEST,
    ASM_RESOURCE_EXISTS,
    ASM_RESOURCE_NOT_FOUND,
    CONTROL_REQUEST_INVALID,
)
from .server import ApiCall, ApiResponse, Route, describe_validation_error
from .servicestage.models import ServiceStageBackend

# The name rule of the GET page: 4 to 64 characters, lower-case letters, digits and hyphens,
# starting with a letter and not ending with a hyphen.
RELEASE_NAME_PATTERN = r"^[a-z][a-z0-9-]{2,62}[a-z0-9]$"
API_VERSION = "asm/v2"


class ReleasePhase(str, Enum):
    CREATING = "Creating"
    UPDATING = "Updating"
    RUNNING = "Running"
    CANCELING = "Canceling"
    ENDING = "Ending"
    FAILED = "Failed"


class ReleaseOperation(str, Enum):
    """What a step of a release does; failures are planned per operation."""

    CREATE = "create"
    UPDATE = "update"
    CANCEL = "cancel"
    END = "end"


_PHASE_DURING = {
    ReleaseOperation.CREATE: ReleasePhase.CREATING,
    ReleaseOperation.UPDATE: ReleasePhase.UPDATING,
    ReleaseOperation.CANCEL: ReleasePhase.CANCELING,
    ReleaseOperation.END: ReleasePhase.ENDING,
}
_ENDING_OPERATIONS = frozenset({ReleaseOperation.CANCEL, ReleaseOperation.END})


class _WireObject(BaseModel):
    """A JSON object of a request: types are checked strictly, unknown fields are dropped."""

    model_config = ConfigDict(strict=True, extra="ignore", populate_by_name=True)


class GrayWorkload(_WireObject):
    cluster_id: str = Field(alias="clusterID", min_length=1)
    #: A Kubernetes Deployment, kept as sent.
    template: dict[str, Any]


class ReleaseSpec(_WireObject):
    service_name: str = Field(alias="serviceName", min_length=1)
    cluster_id: str = Field(alias="clusterID", min_length=1)
    deployment_name: str = Field(alias="deploymentName", min_length=1)
    version: str = Field(min_length=1)
    type: str | None = None
    gray_deployments: list[GrayWorkload] = Field(alias="grayDeployments", min_length=1)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class ReleaseMetadata(_WireObject):
    name: str = Field(pattern=RELEASE_NAME_PATTERN)
    mesh_id: str | None = Field(None, alias="meshID")
    namespace: str | None = None


class ReleaseRequest(_WireObject):
    """The body of a create or a version change."""

    kind: Literal["Release"] | None = None
    api_version: Literal["asm/v2"] | None = Field(None, alias="apiVersion")
    metadata: ReleaseMetadata
    spec: ReleaseSpec


@dataclass(frozen=True)
class EndedRelease:
    """A release that is gone, and which version took all traffic when it ended."""

    uid: str
    name: str
    deployment_name: str
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
class _Step:
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
    step: _Step | None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        status: dict[str, Any] = {
            "phase": self.phase.value,
            "startTime": _rfc3339(self.start_time),
            "updateTime": _rfc3339(self.update_time),
            "deployment": self._original_workload(),
            "grayDeployments": [self._gray_workload(gray) for gray in self.spec.gray_deployments],
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
        workload = copy.deepcopy(gray.template)
        workload.setdefault("apiVersion", "apps/v1")
        workload.setdefault("kind", "Deployment")
        metadata = workload.setdefault("metadata", {})
        if isinstance(metadata, dict):
            metadata.setdefault("name", f"{self.spec.deployment_name}-{self.spec.version}")
            metadata["namespace"] = self.namespace
        return workload


def _rfc3339(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class AsmBackend:
    """ASM's grayscale releases in one project. Methods are named after the API operations.

    It shares the project's lock, clock and step duration with the core backend; every method
    first moves each release along its phases up to now.
    """

    def __init__(self, core: ServiceStageBackend):
        self._core = core
        self._releases: dict[str, Release] = {}
        self._failures: list[PlannedFailure] = []
        self._ended: list[EndedRelease] = []

    def reset(self) -> None:
        """Forget every release, ended release and planned failure."""
        with self._core.current_state():
            self._releases.clear()
            self._failures.clear()
            self._ended.clear()

    # Releases

    def create_release(self, mesh_id: str, namespace: str, request: ReleaseRequest) -> Release:
        with self._core.current_state():
            self._settle()
            _check_path_matches(request.metadata, mesh_id, namespace)
            for other in self._in_namespace(mesh_id, namespace):
                if other.name == request.metadata.name:
                    raise ASM_RESOURCE_EXISTS.error(f"release {other.name} already exists")
                if (other.spec.cluster_id, other.spec.deployment_name) == (
                    request.spec.cluster_id,
                    request.spec.deployment_name,
                ):
                    raise ASM_RESOURCE_EXISTS.error(
                        f"workload {other.spec.deployment_name} is already in release {other.name}"
                    )
            now = self._core.now()
            release = Release(
                uid=str(uuid.uuid4()),
                mesh_id=mesh_id,
                namespace=namespace,
                name=request.metadata.name,
                spec=request.spec,
                start_time=now,
                update_time=now,
                phase=ReleasePhase.CREATING,
                step=None,
            )
            self._start(release, ReleaseOperation.CREATE)
            self._releases[release.uid] = release
            return release

    def list_releases(self, mesh_id: str) -> list[Release]:
        with self._core.current_state():
            self._settle()
            found = [release for release in self._releases.values() if release.mesh_id == mesh_id]
            return sorted(found, key=lambda release: release.start_time)

    def show_release(self, mesh_id: str, namespace: str, release_id: str) -> Release:
        with self._core.current_state():
            self._settle()
            return self._release(mesh_id, namespace, release_id)

    def update_release(
        self, mesh_id: str, namespace: str, release_id: str, request: ReleaseRequest
    ) -> Release:
        """Change the grayscale version: `spec.version` and `spec.grayDeployments`."""
        with self._core.current_state():
            self._settle()
            release = self._release(mesh_id, namespace, release_id)
            _check_path_matches(request.metadata, mesh_id, namespace)
            if release.phase not in (ReleasePhase.RUNNING, ReleasePhase.FAILED):
                raise ASM_INVALID_REQUEST.error(
                    f"release {release.name} is {release.phase.value}; "
                    "its version can change once it is Running"
                )
            if request.metadata.name != release.name:
                raise ASM_INVALID_REQUEST.error("metadata.name cannot be modified")
            current, wanted = release.spec.to_dict(), request.spec.to_dict()
            for key in ("serviceName", "clusterID", "deploymentName", "type"):
                if wanted.get(key) != current.get(key):
                    raise ASM_INVALID_REQUEST.error(f"spec.{key} cannot be modified")
            release.spec = request.spec
            self._start(release, ReleaseOperation.UPDATE)
            return release

    def delete_release(
        self, mesh_id: str, namespace: str, release_id: str, action: ReleaseOperation
    ) -> None:
        """Cancel or end a release: it is gone once its traffic has moved."""
        if action not in _ENDING_OPERATIONS:
            raise ValueError(f"{action.value} does not end a release")
        with self._core.current_state():
            self._settle()
            release = self._release(mesh_id, namespace, release_id)
            if release.step is not None and release.step.operation in _ENDING_OPERATIONS:
                if release.step.operation is action:
                    return
                raise ASM_INVALID_REQUEST.error(
                    f"release {release.name} is already {release.phase.value}"
                )
            self._start(release, action)

    # Controls for tests

    def plan_failure(
        self,
        operation: ReleaseOperation | str,
        *,
        message: str = "the grayscale workload did not become ready",
        release_name: str | None = None,
    ) -> None:
        """Make the next `operation` step (of the release called `release_name`) fail."""
        with self._core.current_state():
            self._failures.append(
                PlannedFailure(ReleaseOperation(operation), message, release_name)
            )

    def planned_failures(self) -> list[PlannedFailure]:
        with self._core.current_state():
            return list(self._failures)

    def clear_failures(self) -> None:
        with self._core.current_state():
            self._failures.clear()

    def ended_releases(self) -> list[EndedRelease]:
        """The releases cancelled or ended so far, oldest first."""
        with self._core.current_state():
            self._settle()
            return list(self._ended)

    # Helpers

    def _start(self, release: Release, operation: ReleaseOperation) -> None:
        now = self._core.now()
        release.phase = _PHASE_DURING[operation]
        release.update_time = now
        release.message = None
        release.step = _Step(
            operation=operation,
            ends_at=now + self._core.jobs.default_duration,
            failure=self._take_failure(operation, release.name),
        )

    def _take_failure(self, operation: ReleaseOperation, release_name: str) -> str | None:
        for index, planned in enumerate(self._failures):
            if planned.applies_to(operation, release_name):
                return self._failures.pop(index).message
        return None

    def _settle(self) -> None:
        now = self._core.now()
        for release in list(self._releases.values()):
            step = release.step
            if step is None or now < step.ends_at:
                continue
            release.step = None
            release.update_time = step.ends_at
            if step.failure is not None:
                release.phase = ReleasePhase.FAILED
                release.message = step.failure
            elif step.operation in _ENDING_OPERATIONS:
                del self._releases[release.uid]
                self._ended.append(
                    EndedRelease(
                        uid=release.uid,
                        name=release.name,
                        deployment_name=release.spec.deployment_name,
                        action=step.operation,
                        serving_version=(
                            "grayscale" if step.operation is ReleaseOperation.END else "original"
                        ),
                    )
                )
            else:
                release.phase = ReleasePhase.RUNNING

    def _release(self, mesh_id: str, namespace: str, release_id: str) -> Release:
        release = self._releases.get(release_id)
        if release is None or (release.mesh_id, release.namespace) != (mesh_id, namespace):
            raise ASM_RESOURCE_NOT_FOUND.error(f"release {release_id} not found")
        return release

    def _in_namespace(self, mesh_id: str, namespace: str) -> list[Release]:
        return [
            release
            for release in self._releases.values()
            if (release.mesh_id, release.namespace) == (mesh_id, namespace)
        ]


def _check_path_matches(metadata: ReleaseMetadata, mesh_id: str, namespace: str) -> None:
    if metadata.mesh_id not in (None, mesh_id):
        raise ASM_INVALID_REQUEST.error(f"metadata.meshID {metadata.mesh_id} is not the path's")
    if metadata.namespace not in (None, namespace):
        raise ASM_INVALID_REQUEST.error(
            f"metadata.namespace {metadata.namespace} is not the path's"
        )


class _FailureRequest(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    operation: ReleaseOperation
    message: str = "the grayscale workload did not become ready"
    release_name: str | None = None


class AsmApi:
    """ASM's grayscale-release operations, and the controls that plan failures."""

    def __init__(self, backend_for: Callable[[str], AsmBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        releases = "/v2/meshes/<mesh_id>/namespaces/<namespace>/releases"
        control = "/_emulator/projects/<project_id>/asm/release-failures"

        def control_route(method: str, handler: Callable[[ApiCall], ApiResponse]) -> Route:
            return Route(method, control, handler, authenticated=False, counted=False)

        return [
            Route("POST", releases, self.create_release),
            Route("GET", "/v2/meshes/<mesh_id>/releases", self.list_releases),
            Route("GET", f"{releases}/<release_id>", self.show_release),
            Route("PUT", f"{releases}/<release_id>", self.update_release),
            Route("DELETE", f"{releases}/<release_id>", self.delete_release),
            control_route("POST", self.plan_failure),
            control_route("GET", self.list_failures),
            control_route("DELETE", self.clear_failures),
        ]

    def create_release(self, call: ApiCall) -> ApiResponse:
        release = self._backend(call).create_release(
            call.path_params["mesh_id"], call.path_params["namespace"], _parse_release(call)
        )
        return ApiResponse(200, release.to_dict())

    def list_releases(self, call: ApiCall) -> ApiResponse:
        releases = self._backend(call).list_releases(call.path_params["mesh_id"])
        items = [release.to_dict() for release in releases]
        return ApiResponse(200, {"kind": "ReleaseList", "apiVersion": API_VERSION, "items": items})

    def show_release(self, call: ApiCall) -> ApiResponse:
        release = self._backend(call).show_release(*_release_path(call))
        return ApiResponse(200, release.to_dict())

    def update_release(self, call: ApiCall) -> ApiResponse:
        release = self._backend(call).update_release(*_release_path(call), _parse_release(call))
        return ApiResponse(200, release.to_dict())

    def delete_release(self, call: ApiCall) -> ApiResponse:
        action = call.query.get("action")
        if action not in (ReleaseOperation.CANCEL.value, ReleaseOperation.END.value):
            raise ASM_INVALID_REQUEST.error(
                f"query parameter action must be cancel or end, not {action!r}"
            )
        self._backend(call).delete_release(*_release_path(call), ReleaseOperation(action))
        return ApiResponse(200)

    def plan_failure(self, call: ApiCall) -> ApiResponse:
        try:
            request = _FailureRequest.model_validate_json(call.body or b"{}")
        except ValidationError as error:
            raise CONTROL_REQUEST_INVALID.error(describe_validation_error(error)) from None
        self._control_backend(call).plan_failure(
            request.operation, message=request.message, release_name=request.release_name
        )
        return self.list_failures(call)

    def list_failures(self, call: ApiCall) -> ApiResponse:
        planned = self._control_backend(call).planned_failures()
        return ApiResponse(200, {"failures": [failure.to_dict() for failure in planned]})

    def clear_failures(self, call: ApiCall) -> ApiResponse:
        self._control_backend(call).clear_failures()
        return ApiResponse(204)

    def _backend(self, call: ApiCall) -> AsmBackend:
        return self._backend_for(call.project_id)

    def _control_backend(self, call: ApiCall) -> AsmBackend:
        try:
            return self._backend_for(call.project_id)
        except KeyError:
            raise CONTROL_REQUEST_INVALID.error(f"no project {call.project_id}") from None


def _release_path(call: ApiCall) -> tuple[str, str, str]:
    params = call.path_params
    return params["mesh_id"], params["namespace"], params["release_id"]


def _parse_release(call: ApiCall) -> ReleaseRequest:
    if not call.body.strip():
        raise ASM_INVALID_REQUEST.error("request body is required")
    try:
        return ReleaseRequest.model_validate_json(call.body)
    except ValidationError as error:
        raise ASM_INVALID_REQUEST.error(describe_validation_error(error)) from None
