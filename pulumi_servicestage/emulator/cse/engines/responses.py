"""Engine management's HTTP API (004 §6.3): reads paths, queries and bodies, calls the backend,
shapes answers; and the control routes that plan engine jobs."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from ...errors import CONTROL_REQUEST_INVALID, controlled
from ...server import ApiCall, ApiResponse, Route, describe_validation_error
from .backend import EngineBackend
from .errors import REQUEST_PARAMETER_INVALID
from .schemas import JobPlanRequest, parse_engine_request

# Query integers longer than this are refused before int() reads them.
_MAX_QUERY_DIGITS = 18


class EngineApi:
    """Flavors, engines and their jobs, and the controls that plan jobs to fail or hang."""

    def __init__(self, backend_for: Callable[[str], EngineBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        base = "/v2/<project_id>/enginemgr"
        engine = f"{base}/engines/<engine_id>"
        control = "/_emulator/projects/<project_id>/cse/engine-job-plans"

        def route(method: str, rule: str, handler: Callable[[ApiCall], ApiResponse]) -> Route:
            return Route(method, rule, handler, invalid=REQUEST_PARAMETER_INVALID.error)

        def control_route(method: str, handler: Callable[[ApiCall], ApiResponse]) -> Route:
            return Route(
                method,
                control,
                handler,
                authenticated=False,
                counted=False,
                invalid=CONTROL_REQUEST_INVALID.error,
            )

        return [
            route("GET", f"{base}/flavors", self.list_flavors),
            route("GET", f"{base}/engines", self.list_engines),
            route("POST", f"{base}/engines", self.create_engine),
            route("GET", engine, self.show_engine),
            route("DELETE", engine, self.delete_engine),
            route("GET", f"{engine}/jobs/<job_id>", self.show_engine_job),
            control_route("POST", self.plan_job),
            control_route("GET", self.list_job_plans),
            control_route("DELETE", self.clear_job_plans),
        ]

    def list_flavors(self, call: ApiCall) -> ApiResponse:
        # 表6-20 spells the query specType; the SDK's ListFlavorsRequest sends spec_type.
        spec_type = call.query.get("specType", call.query.get("spec_type"))
        flavors = self._backend(call).list_flavors(spec_type)
        data = [{"flavor": flavor.name, "description": flavor.description} for flavor in flavors]
        return ApiResponse(200, {"total": len(data), "data": data})

    def list_engines(self, call: ApiCall) -> ApiResponse:
        engines = self._backend(call).list_engines(call.query.get("type"))
        offset = _count_query(call, "offset") or 0
        limit = _count_query(call, "limit")
        page = engines[offset:] if limit is None else engines[offset : offset + limit]
        data = [engine.summary(call.base_url) for engine in page]
        return ApiResponse(200, {"total": len(engines), "data": data})

    def create_engine(self, call: ApiCall) -> ApiResponse:
        request = parse_engine_request(call.body)
        engine = self._backend(call).create_engine(
            request,
            user_name=call.user_name,
            enterprise_project_id=call.headers.get("X-Enterprise-Project-ID") or None,
        )
        return ApiResponse(
            200, {"id": engine.id, "name": engine.name, "jobId": engine.latest_job_id}
        )

    def show_engine(self, call: ApiCall) -> ApiResponse:
        engine = self._backend(call).show_engine(call.path_params["engine_id"])
        return ApiResponse(200, engine.detail(call.base_url))

    def delete_engine(self, call: ApiCall) -> ApiResponse:
        job = self._backend(call).delete_engine(
            call.path_params["engine_id"], user_name=call.user_name
        )
        return ApiResponse(200, {"id": job.engine_id, "name": job.engine_name, "jobId": job.id})

    def show_engine_job(self, call: ApiCall) -> ApiResponse:
        params = call.path_params
        job = self._backend(call).show_engine_job(params["engine_id"], params["job_id"])
        return ApiResponse(200, job)

    def plan_job(self, call: ApiCall) -> ApiResponse:
        try:
            request = JobPlanRequest.model_validate_json(call.body or b"{}")
        except ValidationError as error:
            raise CONTROL_REQUEST_INVALID.error(describe_validation_error(error)) from None
        self._control_backend(call).plan(
            request.operation,
            request.outcome,
            message=request.message,
            engine_name=request.engine_name,
        )
        return self.list_job_plans(call)

    def list_job_plans(self, call: ApiCall) -> ApiResponse:
        planned = self._control_backend(call).planned()
        return ApiResponse(200, {"plans": [plan.to_dict() for plan in planned]})

    def clear_job_plans(self, call: ApiCall) -> ApiResponse:
        self._control_backend(call).clear_plans()
        return ApiResponse(204)

    def _backend(self, call: ApiCall) -> EngineBackend:
        return self._backend_for(call.project_id)

    def _control_backend(self, call: ApiCall) -> EngineBackend:
        return controlled(self._backend_for, call.project_id)


def _count_query(call: ApiCall, name: str) -> int | None:
    """A non-negative integer query parameter (表6-27 offset, limit); None when absent or
    empty."""
    raw = call.query.get(name)
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > _MAX_QUERY_DIGITS:
        raise REQUEST_PARAMETER_INVALID.error(f"{name} must be an integer of 0 or more")
    return int(raw)
