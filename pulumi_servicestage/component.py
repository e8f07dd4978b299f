"""ServiceStage components (`/v3/{project_id}/cas/applications/{application_id}/components`).

Create, modify and delete are asynchronous: create and modify answer with a deployment job that
is waited on; delete answers at once and the component disappears later, so delete waits until a
read says it is gone. A create whose job fails or times out deletes the half-made component.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi

from ._lifecycle import ResourceArgs, RestProvider, RestResource
from .component_spec import SECRET_PATHS, ComponentSpec


class ComponentArgs(ResourceArgs, ComponentSpec):
    application_id: str


class ComponentProvider(RestProvider[ComponentArgs]):
    args_model = ComponentArgs
    noun = "component"
    collection_path = "/v3/{project_id}/cas/applications/{application_id}/components"
    id_fields = ("application_id", "component_id")
    created_id_key = "component_id"
    replace_on = frozenset({"name", "runtime_stack", "application_id", "environment_id"})
    create_only = frozenset({"environment_id"})
    computed = ("status",)
    write_only = frozenset(SECRET_PATHS)
    delete_is_asynchronous = True

    def replace_needs_delete_first(self) -> bool:
        # A name is unique within an application, and a replacement caused by another field
        # keeps it, so the old component has to go first.
        return True


class Component(RestResource, module="servicestage", name="Component"):
    """A deployable unit of an application, running in an environment.

    Its id is ``<application_id>/<component_id>``.
    """

    provider_class: ClassVar[Any] = ComponentProvider
    secret_paths = SECRET_PATHS

    application_id: pulumi.Output[str]
    component_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]
    name: pulumi.Output[str]
    version: pulumi.Output[str]
    replica: pulumi.Output[int]
    runtime_stack: pulumi.Output[dict[str, Any]]
    source: pulumi.Output[dict[str, Any]]
    status: pulumi.Output[dict[str, Any]]
