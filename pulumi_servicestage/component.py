"""ServiceStage components (`/v3/{project_id}/cas/applications/{application_id}/components`).

Create, modify and delete are asynchronous: create and modify answer with a deployment job that
is waited on; delete answers at once and the component disappears later, so delete waits until a
read says it is gone. A create whose job fails or times out deletes the half-made component.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi

from ._lifecycle import ResourceArgs, RestProvider, RestResource
from ._lookup import LookupResult, get_all, project_path
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


class ComponentInfo(LookupResult):
    id: str
    name: str
    application_id: str
    environment_id: str | None = None
    version: str | None = None
    status: dict[str, Any] | None = None
    runtime_stack: dict[str, Any] | None = None
    source: dict[str, Any] | None = None
    labels: dict[str, str] | list[dict[str, str]] | None = None


def get_components(application_id: str, *, name: str | None = None) -> list[ComponentInfo]:
    """The components of an application (§4.3.3), optionally only the one called `name`."""
    path = project_path(ComponentProvider.collection_path, application_id=application_id)
    found = (ComponentInfo.from_api(item) for item in get_all(path, "components"))
    return [component for component in found if name in (None, component.name)]
