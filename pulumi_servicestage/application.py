"""ServiceStage applications (`/v3/{project_id}/cas/applications`, PDF 004 §4.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, overload

import pulumi

from ._common import Description, Labels, Name, ResourceId
from ._lifecycle import ResourceArgs, RestProvider, RestResource
from ._lookup import LookupResult, get_all, output_of, project_path, the_one

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._inputs import ApplicationInputs


class ApplicationArgs(ResourceArgs):
    name: Name
    description: Description | None = None
    enterprise_project_id: ResourceId | None = None
    labels: Labels | None = None


class ApplicationProvider(RestProvider[ApplicationArgs]):
    args_model = ApplicationArgs
    noun = "application"
    collection_path = "/v3/{project_id}/cas/applications"
    id_fields = ("application_id",)
    list_key = "applications"
    marker_labels = "labels"
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

    if TYPE_CHECKING:

        @overload
        def __init__(
            self,
            resource_name: str,
            args_or_opts: ApplicationArgs,
            opts: pulumi.ResourceOptions | None = None,
        ) -> None: ...

        @overload
        def __init__(
            self,
            resource_name: str,
            args_or_opts: pulumi.ResourceOptions | None = None,
            **args: Unpack[ApplicationInputs],
        ) -> None: ...

        def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None: ...


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
