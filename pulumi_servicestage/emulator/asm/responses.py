"""ASM's HTTP API: reads paths, queries and bodies, calls the backend, shapes answers; and the
control routes that plan failures."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from ..errors import ASM_INVALID_REQUEST, CONTROL_REQUEST_INVALID, controlled
from ..server import ApiCall, ApiResponse, Route, describe_validation_error
from .backend import AsmBackend
from .schemas import FailureRequest, ReleaseOperation, ReleaseRequest
from .state import API_VERSION


class AsmApi:
    """ASM's grayscale-release operations, and the controls that plan failures."""

    def __init__(self, backend_for: Callable[[str], AsmBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        releases = "/v2/meshes/<mesh_id>/namespaces/<namespace>/releases"
        control = "/_emulator/projects/<project_id>/asm/release-failures"

        def control_route(method: str, handler: Callable[[ApiCall], ApiResponse]) -> Route:
            return Route(
                method,
                control,
                handler,
                authenticated=False,
                counted=False,
                invalid=CONTROL_REQUEST_INVALID.error,
            )

        def route(method: str, rule: str, handler: Callable[[ApiCall], ApiResponse]) -> Route:
            return Route(method, rule, handler, invalid=ASM_INVALID_REQUEST.error)

        return [
            route("POST", releases, self.create_release),
            route("GET", "/v2/meshes/<mesh_id>/releases", self.list_releases),
            route("GET", f"{releases}/<release_id>", self.show_release),
            route("PUT", f"{releases}/<release_id>", self.update_release),
            route("DELETE", f"{releases}/<release_id>", self.delete_release),
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
            request = FailureRequest.model_validate_json(call.body or b"{}")
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
        return controlled(self._backend_for, call.project_id)


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
