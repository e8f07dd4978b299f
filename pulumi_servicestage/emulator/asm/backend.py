"""The rules of ASM's grayscale releases in one project: unique names and workloads, the phases
each step moves a release through on the emulator's clock, and planned failures."""

from __future__ import annotations

import uuid

from ..errors import ASM_INVALID_REQUEST, ASM_RESOURCE_EXISTS, ASM_RESOURCE_NOT_FOUND
from ..servicestage.backend import ServiceStageBackend
from .schemas import DEFAULT_RELEASE_TYPE, ReleaseOperation, ReleaseRequest, ReleaseSpec
from .state import EndedRelease, PlannedFailure, Release, ReleasePhase, Step

_PHASE_DURING = {
    ReleaseOperation.CREATE: ReleasePhase.CREATING,
    ReleaseOperation.UPDATE: ReleasePhase.UPDATING,
    ReleaseOperation.CANCEL: ReleasePhase.CANCELING,
    ReleaseOperation.END: ReleasePhase.ENDING,
}
_ENDING_OPERATIONS = frozenset({ReleaseOperation.CANCEL, ReleaseOperation.END})


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
            for other in self._in_namespace(mesh_id, namespace):
                if other.name == request.metadata.name:
                    raise ASM_RESOURCE_EXISTS.error(f"release {other.name} already exists")
                if request.spec.deployment_name is not None and (
                    other.spec.cluster_id,
                    other.spec.deployment_name,
                ) == (request.spec.cluster_id, request.spec.deployment_name):
                    raise ASM_RESOURCE_EXISTS.error(
                        f"workload {other.spec.deployment_name} is already in release {other.name}"
                    )
            now = self._core.now()
            release = Release(
                uid=str(uuid.uuid4()),
                mesh_id=mesh_id,
                namespace=namespace,
                name=request.metadata.name,
                spec=_with_type(request, DEFAULT_RELEASE_TYPE),
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
            if release.phase not in (ReleasePhase.RUNNING, ReleasePhase.FAILED):
                raise ASM_INVALID_REQUEST.error(
                    f"release {release.name} is {release.phase.value}; "
                    "its version can change once it is Running"
                )
            if request.metadata.name != release.name:
                raise ASM_INVALID_REQUEST.error("metadata.name cannot be modified")
            spec = _with_type(request, release.spec.type or DEFAULT_RELEASE_TYPE)
            current, wanted = release.spec.to_dict(), spec.to_dict()
            for key in ("serviceName", "clusterID", "deploymentName", "type"):
                if wanted.get(key) != current.get(key):
                    raise ASM_INVALID_REQUEST.error(f"spec.{key} cannot be modified")
            release.spec = spec
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
        release.step = Step(
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


def _with_type(request: ReleaseRequest, default: str) -> ReleaseSpec:
    """The request's spec, with `default` as its type when it names none."""
    if request.spec.type is not None:
        return request.spec
    return request.spec.model_copy(update={"type": default})
