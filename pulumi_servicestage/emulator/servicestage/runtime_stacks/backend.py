"""The rules of custom runtime stacks in one project: unique names, what may change, releasing
and withdrawing, and their place in the core backend's catalogue."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from ...errors import (
    CANNOT_OPERATE_IN_CURRENT_STATUS,
    INSTANCE_NOT_FOUND,
    NAME_EXISTS,
    PARAMETER_INVALID,
)
from ..backend import ServiceStageBackend
from ..state import CatalogueStack
from .schemas import StackSpec
from .state import INNER_IMAGES, RUNTIME_STACK_UNRELEASED, CustomRuntimeStack


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
