"""ServiceStage environments (`/v3/{project_id}/cas/environments`, PDF 004 §4.1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal, overload

import pulumi

from ._common import Description, Labels, Name, ResourceId
from ._lifecycle import ResourceArgs, RestProvider, RestResource
from ._lookup import LookupResult, get_all, output_of, project_path, the_one

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._inputs import EnvironmentInputs


class EnvironmentArgs(ResourceArgs):
    name: Name
    vpc_id: ResourceId
    deploy_mode: Literal["virtualmachine", "container", "mixed"] | None = None
    description: Description | None = None
    enterprise_project_id: ResourceId | None = None
    labels: Labels | None = None


class EnvironmentProvider(RestProvider[EnvironmentArgs]):
    args_model = EnvironmentArgs
    noun = "environment"
    collection_path = "/v3/{project_id}/cas/environments"
    id_fields = ("environment_id",)
    list_key = "environments"
    list_filters = ("name",)
    marker_labels = "labels"
    replace_on = frozenset({"vpc_id", "deploy_mode", "enterprise_project_id"})
    create_only = replace_on
    computed = ("project_id", "creator", "create_time", "update_time")


class Environment(RestResource, module="servicestage", name="Environment"):
    """A set of compute, network and middleware resources that components are deployed to."""

    provider_class: ClassVar[Any] = EnvironmentProvider

    environment_id: pulumi.Output[str]
    name: pulumi.Output[str]
    vpc_id: pulumi.Output[str]
    deploy_mode: pulumi.Output[str | None]
    description: pulumi.Output[str | None]
    enterprise_project_id: pulumi.Output[str | None]
    labels: pulumi.Output[list[dict[str, str]] | None]
    project_id: pulumi.Output[str]
    creator: pulumi.Output[str]
    create_time: pulumi.Output[int]
    update_time: pulumi.Output[int]

    if TYPE_CHECKING:

        @overload
        def __init__(
            self,
            resource_name: str,
            args_or_opts: EnvironmentArgs,
            opts: pulumi.ResourceOptions | None = None,
        ) -> None: ...

        @overload
        def __init__(
            self,
            resource_name: str,
            args_or_opts: pulumi.ResourceOptions | None = None,
            **args: Unpack[EnvironmentInputs],
        ) -> None: ...

        def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None: ...


class EnvironmentInfo(LookupResult):
    id: str
    name: str
    vpc_id: str
    deploy_mode: str | None = None
    description: str | None = None
    enterprise_project_id: str | None = None
    labels: list[dict[str, str]] | None = None
    creator: str | None = None
    create_time: int | None = None
    update_time: int | None = None


def get_environments(*, name: str | None = None) -> list[EnvironmentInfo]:
    """The project's environments, optionally only the one called `name` (§4.1.2)."""
    path = project_path(EnvironmentProvider.collection_path)
    return [EnvironmentInfo.from_api(item) for item in get_all(path, "environments", name=name)]


def get_environment(*, name: str) -> EnvironmentInfo:
    """The environment called `name`; an error when there is none."""
    return the_one(get_environments(name=name), f"environment named {name!r}")


def get_environment_output(*, name: pulumi.Input[str]) -> pulumi.Output[EnvironmentInfo]:
    """`get_environment`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_environment, name=name)


def get_environments_output(
    *, name: pulumi.Input[str] | None = None
) -> pulumi.Output[list[EnvironmentInfo]]:
    """`get_environments`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_environments, name=name)
