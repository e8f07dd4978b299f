"""Custom runtime stacks (`/v3/{project_id}/cas/runtimestacks`, PDF 004 §4.4).

A custom stack brings its own JDK or Tomcat package to components deployed on virtual machines.
The service creates it unreleased; `released=True` releases it (§4.4.7) so that components can
choose it, `released=False` withdraws it, and leaving `released` out leaves the release state
alone. Refresh reads the release state back from the stack's `status`.

The lookups `get_runtime_stacks()` (§4.4.1, built-in and custom stacks) and `get_inner_images()`
(§4.4.2, the base images builds use) are defined here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

import pulumi
from pydantic import BaseModel, ConfigDict, Field

from . import _runtime
from ._lifecycle import (
    LOCAL_FIELDS,
    Created,
    ObjectRef,
    ResourceArgs,
    RestProvider,
    RestResource,
    equivalent,
    post_once,
)
from ._lookup import LookupResult, get_one, output_of, project_path
from ._resource_types import RuntimeStackTyping

# Stack statuses (§4.4.1, table 4-283); the release action (§4.4.7) is named after the status it
# sets.
RELEASED = "Supported"
UNRELEASED = "Disable"

_RELEASE_FIELD = "released"


class RuntimeStackSpec(BaseModel):
    """What a stack is made of (§4.4.3, table 4-292).

    Source: PDF 004 §4.4.3, 表4-292 (create request body); §4.4.5, 表4-302 (modify body).
    """

    model_config = ConfigDict(extra="forbid")

    os: str | None = None
    """Operating system of the stack. Optional."""
    sdk: str | None = None
    """Toolkit (SDK) of the stack. Optional."""
    #: Where its packages are, e.g. ``{"jdk_url": "obs://bucket/jdk-8u412-linux.tar.gz"}``.
    parameters: dict[str, str] | None = None
    """Image parameters of the stack, name to value: where its packages are (the responses call
    them image addresses, 表4-294). Optional; the document's examples set `jdk_url` to a
    package in OBS."""


class RuntimeStackArgs(ResourceArgs):
    """The arguments of a custom runtime stack.

    Source: PDF 004 §4.4.3, 表4-291 (create request body); §4.4.5, 表4-301 (modify request body).
    """

    name: Annotated[str, Field(min_length=1)]
    """Stack name. Mandatory; the document states no rule for it (here: not empty). Can be
    changed later."""
    # The service supports only these for custom stacks ("目前仅支持", §4.4.3 table 4-291).
    type: Literal["Java", "Tomcat"]
    """Stack type; for custom stacks the service currently supports only `Java` and `Tomcat`.
    Changing it replaces the stack."""
    deploy_mode: Literal["virtualmachine"]
    """Deployment type; the service currently supports only `virtualmachine` (deployment on
    virtual machines). Changing it replaces the stack."""
    version: Annotated[str, Field(min_length=1)]
    """Version number of the stack. Mandatory; the document states no format (here: not
    empty). Can be changed later."""
    spec: RuntimeStackSpec | None = None
    """Parameters of the stack: operating system, toolkit and image parameters (表4-292).
    Optional; the modify body is sent whole, so leaving it out clears it."""
    description: str | None = None
    """Stack description. Optional; the modify body is sent whole, so leaving it out clears
    it."""
    released: bool | None = None
    """Package option, not an API field: whether the stack is released, so that components can
    use it. `True` releases it and `False` withdraws it through the release action, which sets
    its status to `Supported` or `Disable` (§4.4.7, 表4-309); left out, the release state is not
    managed (a new stack starts unreleased). Refresh reads it back from the status."""


class RuntimeStackProvider(RestProvider[RuntimeStackArgs]):
    args_model = RuntimeStackArgs
    noun = "runtime stack"
    collection_path = "/v3/{project_id}/cas/runtimestacks"
    id_fields = ("runtime_stack_id",)
    # The modify operation refuses other values for these (Terraform's provider, which the live
    # service tests, forces a new stack for them too).
    replace_on = frozenset({"type", "deploy_mode"})
    computed = ("status", "creator", "project_id", "component_count", "create_time", "update_time")
    # Stack names are unique, and a replacement keeps the name.
    replace_deletes_first = True

    def create_body(self, args: RuntimeStackArgs) -> dict[str, Any]:
        return self.request_body(args, exclude=LOCAL_FIELDS | {_RELEASE_FIELD})

    def update_body(self, args: RuntimeStackArgs) -> dict[str, Any]:
        # The modify body repeats the create body (§4.4.5), type and deploy mode included.
        return self.create_body(args)

    def list_objects(self, args: RuntimeStackArgs) -> list[dict[str, Any]]:
        # The list (§4.4.1) has no paging: one answer holds every stack.
        answer = self.client().get(self.collection(args)) or {}
        return list(answer.get("runtime_stacks") or answer.get("runtimestacks") or [])

    def settle_create(self, created: Created, args: RuntimeStackArgs) -> None:
        if args.released:
            self._set_released(created.ref, released=True)

    def adoption_conflicts(
        self, ref: ObjectRef, args: RuntimeStackArgs, server: Mapping[str, Any]
    ) -> list[str]:
        if server.get("system") == 1:
            return [
                "it is a system runtime stack, which only the service manages (refer to it "
                "with get_runtime_stacks() instead)"
            ]
        return super().adoption_conflicts(ref, args, server)

    def update_applied(
        self, ref: ObjectRef, args: RuntimeStackArgs, server: Mapping[str, Any]
    ) -> bool:
        return not self._modify_needed(args, server) and args.released in (
            None,
            server.get(_RELEASE_FIELD),
        )

    def apply_update(
        self,
        ref: ObjectRef,
        args: RuntimeStackArgs,
        server: Mapping[str, Any],
        olds: Mapping[str, Any] | None,
    ) -> None:
        """Modify the stack if its fields differ, then release or withdraw it if asked to."""
        if self._modify_needed(args, server):
            self.send_update(ref, args)
        if args.released is not None and server.get(_RELEASE_FIELD) != args.released:
            self._set_released(ref, released=args.released)

    def _modify_needed(self, args: RuntimeStackArgs, server: Mapping[str, Any]) -> bool:
        # The modify body is complete (an optional field left out is cleared), so it is
        # compared with everything the service shows, not only with the fields the user set.
        body_fields = [f for f in self.input_fields() if f not in LOCAL_FIELDS | {_RELEASE_FIELD}]
        shown = {field: server.get(field) for field in body_fields}
        return not equivalent(shown, self.update_body(args))

    def _set_released(self, ref: ObjectRef, *, released: bool) -> None:
        # Setting a stack's release state twice leaves it as once: an unheard answer is
        # simply asked again.
        project_id = _runtime.clients().settings.project_id
        action_path = self.collection_path.format(project_id=project_id) + "/action"
        body = {
            "action": RELEASED if released else UNRELEASED,
            "parameters": {"runtimestacks": [{"id": ref.resource_id()}]},
        }
        post_once(
            lambda: self.client().post(action_path, body),
            lambda: self.read_object(ref).get(_RELEASE_FIELD) == released,
        )

    def read_object(self, ref: ObjectRef) -> dict[str, Any]:
        server = super().read_object(ref)
        return {**server, _RELEASE_FIELD: server.get("status") == RELEASED}


class RuntimeStack(RuntimeStackTyping, RestResource, module="servicestage", name="RuntimeStack"):
    """A custom technology stack for components on virtual machines; its id is the stack's id.

    Components run on it once it is released: pass its `name`, `type`, `version` and
    `deploy_mode` as a component's `runtime_stack`.
    """

    provider_class: ClassVar[Any] = RuntimeStackProvider

    runtime_stack_id: pulumi.Output[str]
    """The stack ID the service assigned, its `id` (表4-293)."""
    status: pulumi.Output[str]
    """Stack status: `Supported` (enabled), `Deprecated` (deprecated) or `Disable` (not
    enabled); a new custom stack is `Disable` in the document's examples (表4-297)."""
    creator: pulumi.Output[str]
    """Who created the stack (表4-297)."""
    project_id: pulumi.Output[str]
    """The tenant project ID the stack belongs to (表4-297)."""
    component_count: pulumi.Output[int]
    """How many components are associated with the stack (表4-297)."""
    create_time: pulumi.Output[int]
    """When the stack was created: an integer timestamp, in milliseconds since the epoch in the
    document's examples (表4-297)."""
    update_time: pulumi.Output[int]
    """When the stack was last modified: an integer timestamp, in milliseconds since the epoch
    in the document's examples (表4-297)."""


class RuntimeStackInfo(LookupResult):
    """A stack as §4.4.1 lists it; `system` is 1 for built-in stacks and 0 for custom ones."""

    id: str
    name: str
    type: str
    version: str
    deploy_mode: str
    status: str | None = None
    system: int | None = None
    spec: dict[str, Any] | None = None
    description: str | None = None
    creator: str | None = None
    component_count: int | None = None
    create_time: int | None = None
    update_time: int | None = None

    def component_runtime_stack(self) -> dict[str, str]:
        """The stack as a component's `runtime_stack` argument names it."""
        return {
            "name": self.name,
            "type": self.type,
            "version": self.version,
            "deploy_mode": self.deploy_mode,
        }


def get_runtime_stacks(
    *,
    name: str | None = None,
    type: str | None = None,
    version: str | None = None,
    deploy_mode: str | None = None,
    status: str | None = None,
) -> list[RuntimeStackInfo]:
    """The project's runtime stacks, built in and custom (§4.4.1), filtered by the given fields.

    The operation has no filters of its own, so the filtering happens here; e.g.
    ``get_runtime_stacks(type="Java", deploy_mode="container", status="Supported")``.
    """
    answer = get_one(project_path(RuntimeStackProvider.collection_path))
    wanted = {
        "name": name,
        "type": type,
        "version": version,
        "deploy_mode": deploy_mode,
        "status": status,
    }
    stacks = (RuntimeStackInfo.from_api(item) for item in answer.get("runtime_stacks") or [])
    return [
        stack
        for stack in stacks
        if all(value in (None, getattr(stack, key)) for key, value in wanted.items())
    ]


def get_runtime_stacks_output(
    *,
    name: pulumi.Input[str] | None = None,
    type: pulumi.Input[str] | None = None,
    version: pulumi.Input[str] | None = None,
    deploy_mode: pulumi.Input[str] | None = None,
    status: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[RuntimeStackInfo]]:
    """`get_runtime_stacks`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(
        get_runtime_stacks,
        name=name,
        type=type,
        version=version,
        deploy_mode=deploy_mode,
        status=status,
    )


class InnerImageInfo(LookupResult):
    """A base image that builds of one stack type use (§4.4.2)."""

    type: str
    url: str


def get_inner_images(*, type: str | None = None) -> list[InnerImageInfo]:
    """The built-in base images (§4.4.2), optionally only those of one stack type (e.g. Java)."""
    answer = get_one(project_path("/v3/{project_id}/cas/innerimages"))
    # Table 4-287 names the list `runtime_stacks`, the reference's example `runtimestacks`.
    listed = answer.get("runtime_stacks") or answer.get("runtimestacks") or []
    images = (InnerImageInfo.from_api(item) for item in listed)
    return [image for image in images if type in (None, image.type)]


def get_inner_images_output(
    *, type: pulumi.Input[str] | None = None
) -> pulumi.Output[list[InnerImageInfo]]:
    """`get_inner_images`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_inner_images, type=type)
