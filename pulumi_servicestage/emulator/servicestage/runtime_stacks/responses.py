"""The custom runtime stacks' HTTP API: reads paths and bodies, tells a release action from a
create, calls the backend, shapes answers."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from ...server import ApiCall, ApiResponse, Route
from ..request_parsing import parse_body, peek_body
from .backend import RuntimeStackBackend
from .schemas import ReleaseAction, RuntimeStackBody


class RuntimeStackApi:
    """The operations of §4.4.2 to §4.4.7, one handler each."""

    def __init__(self, backend_for: Callable[[str], RuntimeStackBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        cas = "/v3/<project_id>/cas"
        stack = f"{cas}/runtimestacks/<runtimestack_id>"
        return [
            Route("GET", f"{cas}/innerimages", self.list_inner_images),
            Route("POST", f"{cas}/runtimestacks", self.create_runtime_stack),
            Route("POST", f"{cas}/runtimestacks/action", self.change_runtime_stack_release),
            Route("GET", stack, self.show_runtime_stack),
            Route("PUT", stack, self.modify_runtime_stack),
            Route("DELETE", stack, self.delete_runtime_stack),
        ]

    def list_inner_images(self, call: ApiCall) -> ApiResponse:
        # Table 4-287 and the live service (Terraform's acceptance test) use `runtime_stacks`;
        # the reference's example, not valid JSON, spells it `runtimestacks`.
        return ApiResponse(200, {"runtime_stacks": self._backend(call).list_inner_images()})

    def create_runtime_stack(self, call: ApiCall) -> ApiResponse:
        if _is_release_action(call):
            return self.change_runtime_stack_release(call)
        body = parse_body(RuntimeStackBody, call)
        stack = self._backend(call).create_runtime_stack(
            **body.model_dump(exclude={"spec"}), spec=body.spec, creator=call.user_name
        )
        return ApiResponse(200, stack)

    def show_runtime_stack(self, call: ApiCall) -> ApiResponse:
        stack = self._backend(call).show_runtime_stack(call.path_params["runtimestack_id"])
        return ApiResponse(200, stack)

    def modify_runtime_stack(self, call: ApiCall) -> ApiResponse:
        body = parse_body(RuntimeStackBody, call)
        stack = self._backend(call).modify_runtime_stack(
            call.path_params["runtimestack_id"],
            **body.model_dump(exclude={"spec"}),
            spec=body.spec,
        )
        return ApiResponse(200, stack)

    def delete_runtime_stack(self, call: ApiCall) -> ApiResponse:
        self._backend(call).delete_runtime_stack(call.path_params["runtimestack_id"])
        return ApiResponse(204)

    def change_runtime_stack_release(self, call: ApiCall) -> ApiResponse:
        body = parse_body(ReleaseAction, call)
        self._backend(call).change_runtime_stack_release(
            body.action, [stack.id for stack in body.parameters.runtimestacks]
        )
        return ApiResponse(204)

    def _backend(self, call: ApiCall) -> RuntimeStackBackend:
        return self._backend_for(call.project_id)


class _ActionPeek(BaseModel):
    """The keys that tell a release action (§4.4.7) from a create (§4.4.3)."""

    model_config = ConfigDict(extra="ignore")
    action: object = None
    name: object = None


def _is_release_action(call: ApiCall) -> bool:
    """Whether a POST on the collection is §4.4.7's release action rather than a create."""
    peeked = peek_body(_ActionPeek, call)
    fields = peeked.model_fields_set if peeked is not None else set()
    return "action" in fields and "name" not in fields
