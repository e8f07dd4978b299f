"""Custom runtime stacks (API reference §4.4.3 to §4.4.7) and the built-in base images (§4.4.2).

A custom stack starts unreleased (status ``Disable``); releasing it (``Supported``) lets new
components run on it. The stacks are kept here and join the core backend's catalogue as a stack
source, so the list of §4.4.1 shows them (``system`` 0) and component creation finds them.

Where the reference and the live service differ, the emulator follows the live service as
Terraform's provider drives it: the release action is ``POST .../runtimestacks/action`` (the
reference gives the collection path, which is served too, told apart by its ``action`` field),
and type and deploy mode cannot be modified.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from ..errors import (
    CANNOT_OPERATE_IN_CURRENT_STATUS,
    INSTANCE_NOT_FOUND,
    NAME_EXISTS,
    PARAMETER_INVALID,
)
from ..server import ApiCall, ApiResponse, Route
from .models import CatalogueStack, ServiceStageBackend
from .request_parsing import RequestBody, parse_body

# The status of a custom stack that is not released (§4.4.3 response example).
RUNTIME_STACK_UNRELEASED = "Disable"

# Base images of the emulator's region (cn-north-4), in the form of the §4.4.2 example.
_IMAGE_REGISTRY = "swr.cn-north-4.myhuaweicloud.com/op_svc_cse"
INNER_IMAGES = (
    ("Java", f"{_IMAGE_REGISTRY}/openjdk-x86_64:8-1.3.6"),
    ("Java", f"{_IMAGE_REGISTRY}/openjdk-x86_64:11-1.3.6"),
    ("Java", f"{_IMAGE_REGISTRY}/openjdk-x86_64:17-1.3.6"),
    ("Tomcat", f"{_IMAGE_REGISTRY}/tomcat-x86_64:8-1.3.6"),
    ("Nodejs", f"{_IMAGE_REGISTRY}/nodejs-x86_64:16-1.3.6"),
    ("Python", f"{_IMAGE_REGISTRY}/python-x86_64:3.9-1.3.6"),
    ("Php", f"{_IMAGE_REGISTRY}/php-x86_64:7.4-1.3.6"),
)


class StackSpec(RequestBody):
    """What a stack is made of (§4.4.3, table 4-292); `parameters` locate its packages."""

    os: str | None = None
    sdk: str | None = None
    parameters: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"os": self.os, "sdk": self.sdk, "parameters": self.parameters}


class _RuntimeStackBody(RequestBody):
    """The create and modify bodies (§4.4.3 table 4-291, §4.4.5 table 4-301)."""

    name: str = Field(min_length=1)
    # "Only virtualmachine is supported for now", "only Java and Tomcat for now".
    deploy_mode: Literal["virtualmachine"]
    type: Literal["Java", "Tomcat"]
    version: str = Field(min_length=1)
    spec: StackSpec | None = None
    description: str | None = None


class _StackRef(RequestBody):
    id: str = Field(min_length=1)


class _ReleaseParameters(RequestBody):
    runtimestacks: list[_StackRef] = Field(min_length=1)


class _ReleaseAction(RequestBody):
    """§4.4.7, tables 4-309 to 4-311."""

    action: Literal["Supported", "Disable"]
    parameters: _ReleaseParameters


@dataclass
class CustomRuntimeStack:
    id: str
    name: str
    type: str
    version: str
    deploy_mode: str
    spec: StackSpec
    description: str | None
    status: str
    creator: str
    create_time: int
    update_time: int

    def to_dict(self, *, project_id: str, component_count: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "project_id": project_id,
            "deploy_mode": self.deploy_mode,
            "type": self.type,
            "version": self.version,
            "description": self.description,
            "spec": self.spec.to_dict(),
            "system": 0,
            "status": self.status,
            "creator": self.creator,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "component_count": component_count,
        }


class RuntimeStackBackend:
    """The custom stacks of one project. Methods are named after the operations they serve and
    answer the stacks as the API shows them."""

    def __init__(self, core: ServiceStageBackend):
        self._core = core
        self._stacks: dict[str, CustomRuntimeStack] = {}
        core.add_runtime_stack_source(self._catalogue_entries)

    def reset(self) -> None:
        with self._core.current_state():
            self._stacks.clear()

    def create_runtime_stack(
        self,
        *,
        name: str,
        type: str,
        version: str,
        deploy_mode: str,
        creator: str,
        spec: StackSpec | None = None,
        description: str | None = None,
    ) -> dict[str, Any]:
        with self._core.current_state():
            self._check_name_free(name)
            now = self._core.now_ms()
            stack = CustomRuntimeStack(
                id=str(uuid.uuid4()),
                name=name,
                type=type,
                version=version,
                deploy_mode=deploy_mode,
                spec=spec or StackSpec(),
                description=description,
                status=RUNTIME_STACK_UNRELEASED,
                creator=creator,
                create_time=now,
                update_time=now,
            )
            self._stacks[stack.id] = stack
            return self._shown(stack)

    def show_runtime_stack(self, runtime_stack_id: str) -> dict[str, Any]:
        """Any stack of the catalogue, built in or custom."""
        with self._core.current_state():
            for stack in self._core.runtime_stacks():
                if stack.id == runtime_stack_id:
                    return self._shown(stack)
            raise INSTANCE_NOT_FOUND.error(f"runtime stack {runtime_stack_id}")

    def modify_runtime_stack(
        self,
        runtime_stack_id: str,
        *,
        name: str,
        type: str,
        version: str,
        deploy_mode: str,
        spec: StackSpec | None = None,
        description: str | None = None,
    ) -> dict[str, Any]:
        """Replace a custom stack's name, version, spec and description; absent ones are cleared."""
        with self._core.current_state():
            stack = self._custom_stack(runtime_stack_id, "modified")
            for field_name, requested, current in (
                ("type", type, stack.type),
                ("deploy_mode", deploy_mode, stack.deploy_mode),
            ):
                if requested != current:
                    raise PARAMETER_INVALID.error(
                        f"{field_name}: cannot be modified (is {current!r}); create a new stack"
                    )
            self._check_name_free(name, ignoring=stack)
            stack.name = name
            stack.version = version
            stack.spec = spec or StackSpec()
            stack.description = description
            stack.update_time = self._core.now_ms()
            return self._shown(stack)

    def delete_runtime_stack(self, runtime_stack_id: str) -> None:
        with self._core.current_state():
            stack = self._custom_stack(runtime_stack_id, "deleted")
            users = self._core.count_components_on(stack)
            if users:
                raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                    f"runtime stack {stack.name} is used by {users} component(s)"
                )
            del self._stacks[stack.id]

    def change_runtime_stack_release(self, action: str, runtime_stack_ids: Iterable[str]) -> None:
        """Release (``Supported``) or withdraw (``Disable``) stacks, all of them or none.

        The action is named after the status it gives the stacks.
        """
        with self._core.current_state():
            operation = "released" if action == "Supported" else "withdrawn"
            stacks = [self._custom_stack(stack_id, operation) for stack_id in runtime_stack_ids]
            now = self._core.now_ms()
            for stack in stacks:
                if stack.status != action:
                    stack.status = action
                    stack.update_time = now

    def list_inner_images(self) -> list[dict[str, str]]:
        return [{"type": stack_type, "url": url} for stack_type, url in INNER_IMAGES]

    def _catalogue_entries(self) -> list[CatalogueStack]:
        return list(self._stacks.values())

    def _shown(self, stack: CatalogueStack) -> dict[str, Any]:
        return stack.to_dict(
            project_id=self._core.project_id,
            component_count=self._core.count_components_on(stack),
        )

    def _custom_stack(self, runtime_stack_id: str, operation: str) -> CustomRuntimeStack:
        stack = self._stacks.get(runtime_stack_id)
        if stack is not None:
            return stack
        if any(built_in.id == runtime_stack_id for built_in in self._core.runtime_stacks()):
            raise PARAMETER_INVALID.error(
                f"runtime stack {runtime_stack_id} is a system stack; only custom stacks can be "
                f"{operation}"
            )
        raise INSTANCE_NOT_FOUND.error(f"runtime stack {runtime_stack_id}")

    def _check_name_free(self, name: str, *, ignoring: CustomRuntimeStack | None = None) -> None:
        # Components name their stack by name, type, version and deploy mode; a unique name
        # keeps custom stacks apart from each other and from the system ones.
        for stack in self._core.runtime_stacks():
            if stack is not ignoring and stack.name == name:
                raise NAME_EXISTS.error(f"runtime stack {name} already exists")


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
        if _is_release_action(call.body):
            return self.change_runtime_stack_release(call)
        body = parse_body(_RuntimeStackBody, call)
        stack = self._backend(call).create_runtime_stack(
            **body.model_dump(exclude={"spec"}), spec=body.spec, creator=call.user_name
        )
        return ApiResponse(200, stack)

    def show_runtime_stack(self, call: ApiCall) -> ApiResponse:
        stack = self._backend(call).show_runtime_stack(call.path_params["runtimestack_id"])
        return ApiResponse(200, stack)

    def modify_runtime_stack(self, call: ApiCall) -> ApiResponse:
        body = parse_body(_RuntimeStackBody, call)
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
        body = parse_body(_ReleaseAction, call)
        self._backend(call).change_runtime_stack_release(
            body.action, [stack.id for stack in body.parameters.runtimestacks]
        )
        return ApiResponse(204)

    def _backend(self, call: ApiCall) -> RuntimeStackBackend:
        return self._backend_for(call.project_id)


def _is_release_action(body: bytes) -> bool:
    """Whether a POST on the collection is §4.4.7's release action rather than a create."""
    try:
        decoded = json.loads(body or b"null")
    except ValueError:
        return False
    return isinstance(decoded, dict) and "action" in decoded and "name" not in decoded
