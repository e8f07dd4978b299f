"""ServiceStage applications (`/v3/{project_id}/cas/applications`, PDF 004 §4.2)."""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi

from ._common import Description, Labels, Name, ResourceId
from ._lifecycle import ResourceArgs, RestProvider, RestResource
from ._lookup import LookupResult, get_all, output_of, project_path, the_one
from ._resource_types import ApplicationTyping


class ApplicationArgs(ResourceArgs):
    """The arguments of an application.

    Source: PDF 004 §4.2.1, 表4-81 (create request body); §4.2.3, 表4-93 (modify request body).
    """

    name: Name
    """Application name: 2 to 64 characters; letters, digits, hyphens (-) and underscores (_),
    starting with a letter and ending with a letter or digit. Can be changed later."""
    description: Description | None = None
    """Application description, at most 128 characters."""
    enterprise_project_id: ResourceId | None = None
    """Enterprise project ID. Can be changed later (the modify body takes it, 表4-93)."""
    labels: Labels | None = None
    """Tags, with which the Tag Management Service can filter resources (表4-82). An application
    may have at most 20; this package uses one for its ownership marker, so at most 19 here. The
    document notes that the CN East-2 region supports this parameter."""


class ApplicationProvider(RestProvider[ApplicationArgs]):
    args_model = ApplicationArgs
    noun = "application"
    collection_path = "/v3/{project_id}/cas/applications"
    id_fields = ("application_id",)
    list_key = "applications"
    marker_labels = "labels"
    computed = ("project_id", "creator", "create_time", "update_time", "component_count")


class Application(ApplicationTyping, RestResource, module="servicestage", name="Application"):
    """A business system made of components."""

    provider_class: ClassVar[Any] = ApplicationProvider

    application_id: pulumi.Output[str]
    """The application ID the service assigned, its `id` (表4-83)."""
    project_id: pulumi.Output[str]
    """The project ID the application belongs to (表4-83)."""
    creator: pulumi.Output[str]
    """Who created the application (表4-83)."""
    create_time: pulumi.Output[int]
    """When the application was created: an integer timestamp, in milliseconds since the epoch
    in the document's examples (表4-83)."""
    update_time: pulumi.Output[int]
    """When the application was last modified: an integer timestamp, in milliseconds since the
    epoch in the document's examples (表4-83)."""
    component_count: pulumi.Output[int]
    """How many components are deployed in the application (表4-101; the create answer, 表4-83,
    does not have it)."""


class ApplicationInfo(LookupResult):
    id: str
    name: str
    description: str | None = None
    enterprise_project_id: str | None = None
    labels: list[dict[str, str]] | None = None
    creator: str | None = None
    component_count: int | None = None
    create_time: int | None = None
    update_time: int | None = None


def get_applications(*, name: str | None = None) -> list[ApplicationInfo]:
    """The project's applications (§4.2.2), optionally only the one called `name`."""
    path = project_path(ApplicationProvider.collection_path)
    found = (ApplicationInfo.from_api(item) for item in get_all(path, "applications"))
    return [application for application in found if name in (None, application.name)]


def get_application(*, name: str) -> ApplicationInfo:
    """The application called `name`; an error when there is none."""
    return the_one(get_applications(name=name), f"application named {name!r}")


def get_application_output(*, name: pulumi.Input[str]) -> pulumi.Output[ApplicationInfo]:
    """`get_application`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_application, name=name)


def get_applications_output(
    *, name: pulumi.Input[str] | None = None
) -> pulumi.Output[list[ApplicationInfo]]:
    """`get_applications`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_applications, name=name)
