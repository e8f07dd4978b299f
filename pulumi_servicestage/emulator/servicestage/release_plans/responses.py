"""The release tasks' HTTP API: reads paths and bodies, calls the backend, shapes answers."""

from __future__ import annotations

from collections.abc import Callable

from ...server import ApiCall, ApiResponse, Route
from ..request_parsing import parse_body
from ..schemas import RELEASE_TASK_CONTEXT
from .backend import ReleasePlanBackend
from .schemas import ReleasePlanBody


class ReleasePlanApi:
    """The old release management operations (Create, Edit, Delete, List, Get, Deploy-info,
    Execute, Rollback, Abort)."""

    def __init__(self, backend_for: Callable[[str], ReleasePlanBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        plans = "/v3/<project_id>/cas/release-plans"
        plan = f"{plans}/<release_plan_id>"
        return [
            Route("POST", plans, self.create_release_plan),
            Route("GET", plans, self.list_release_plans),
            Route("GET", plan, self.show_release_plan),
            Route("PUT", plan, self.modify_release_plan),
            Route("DELETE", plan, self.delete_release_plan),
            Route("GET", f"{plan}/deploy-info", self.show_deploy_info),
            Route("POST", f"{plan}/execute", self.execute_release_plan),
            Route("POST", f"{plan}/rollback", self.rollback_release_plan),
            Route("POST", f"{plan}/abort", self.abort_release_plan),
        ]

    def create_release_plan(self, call: ApiCall) -> ApiResponse:
        plan = self._backend(call).create_release_plan(_parse_plan(call), creator=call.user_name)
        return ApiResponse(200, plan.to_dict())

    def list_release_plans(self, call: ApiCall) -> ApiResponse:
        plans = self._backend(call).list_release_plans()
        return ApiResponse(
            200, {"release_plans": [plan.to_summary() for plan in plans], "count": len(plans)}
        )

    def show_release_plan(self, call: ApiCall) -> ApiResponse:
        return ApiResponse(200, self._backend(call).show_release_plan(_plan_id(call)).to_dict())

    def modify_release_plan(self, call: ApiCall) -> ApiResponse:
        plan = self._backend(call).modify_release_plan(_plan_id(call), _parse_plan(call))
        return ApiResponse(200, plan.to_dict())

    def delete_release_plan(self, call: ApiCall) -> ApiResponse:
        self._backend(call).delete_release_plan(_plan_id(call))
        return ApiResponse(200)

    def show_deploy_info(self, call: ApiCall) -> ApiResponse:
        return ApiResponse(200, self._backend(call).show_deploy_info(_plan_id(call)))

    def execute_release_plan(self, call: ApiCall) -> ApiResponse:
        self._backend(call).execute_release_plan(_plan_id(call))
        return ApiResponse(200)

    def rollback_release_plan(self, call: ApiCall) -> ApiResponse:
        self._backend(call).rollback_release_plan(_plan_id(call))
        return ApiResponse(200)

    def abort_release_plan(self, call: ApiCall) -> ApiResponse:
        self._backend(call).abort_release_plan(_plan_id(call))
        return ApiResponse(200)

    def _backend(self, call: ApiCall) -> ReleasePlanBackend:
        return self._backend_for(call.project_id)


def _plan_id(call: ApiCall) -> str:
    return call.path_params["release_plan_id"]


def _parse_plan(call: ApiCall) -> ReleasePlanBody:
    # Entries' refer_resources take release tasks' types (000 Table 27).
    return parse_body(ReleasePlanBody, call, context=RELEASE_TASK_CONTEXT)
