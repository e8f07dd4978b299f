"""ServiceStage applications (`/v3/{project_id}/cas/applications`, PDF 004 §4.2)."""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi

from ._common import Description, Labels, Name
from ._lifecycle import ResourceArgs, RestProvider, RestResource


class ApplicationArgs(ResourceArgs):
    name: Name
    description: Description | None = None
    enterprise_project_id: str | None = None
    labels: Labels | None = None


class ApplicationProvider(RestProvider[ApplicationArgs]):
    args_model = ApplicationArgs
    noun = "application"
    collection_path = "/v3/{project_id}/cas/applications"
    id_fields = ("application_id",)
    computed = ("project_id", "creator", "create_time", "update_time", "component_count")


class Application(RestResource, module="servicestage", name="Application"):
    """A business system made of components."""

    provider_class: ClassVar[Any] = ApplicationProvider

    application_id: pulumi.Output[str]
    name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    enterprise_project_id: pulumi.Output[str | None]
    labels: pulumi.Output[list[dict[str, str]] | None]
    project_id: pulumi.Output[str]
    creator: pulumi.Output[str]
    create_time: pulumi.Output[int]
    update_time: pulumi.Output[int]
    component_count: pulumi.Output[int]
