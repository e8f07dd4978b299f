"""ServiceStage environments (`/v3/{project_id}/cas/environments`, PDF 004 §4.1)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import pulumi

from ._common import Description, Labels, Name, ResourceId
from ._lifecycle import ResourceArgs, RestProvider, RestResource
from ._lookup import LookupResult, get_all, output_of, project_path, the_one
from ._resource_types import EnvironmentTyping


class EnvironmentArgs(ResourceArgs):
    """The arguments of an environment.

    Source: PDF 004 §4.1.1, 表4-3 (create request body); §4.1.4, 表4-17 (modify request body).
    """

    name: Name
    """Environment name: 2 to 64 characters; letters, digits, hyphens (-) and underscores (_),
    starting with a letter and ending with a letter or digit; letters are not case-sensitive.
    Can be changed later (the modify body takes it)."""
    vpc_id: ResourceId
    """ID of the Virtual Private Cloud (VPC) the environment is in. Mandatory. The modify body
    does not take it, so changing it replaces the environment."""
    deploy_mode: Literal["virtualmachine", "container", "mixed"] | None = None
    """Environment type: `virtualmachine` (virtual machines), `container` (Kubernetes) or
    `mixed` (virtual machines and Kubernetes). The document states no default. The modify body
    does not take it, so changing it replaces the environment."""
    description: Description | None = None
    """Environment description, at most 128 characters."""
    enterprise_project_id: ResourceId | None = None
    """Enterprise project ID. The modify body does not take it, so changing it replaces the
    environment."""
    labels: Labels | None = None
    """Tags, with which the Tag Management Service can filter resources (表4-4). An environment
    may have at most 20; this package uses one for its ownership marker, so at most 19 here. The
    document notes that the CN East-2 region supports this parameter."""


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


class Environment(EnvironmentTyping, RestResource, module="servicestage", name="Environment"):
    """A set of compute, network and middleware resources that components are deployed to."""

    provider_class: ClassVar[Any] = EnvironmentProvider

    environment_id: pulumi.Output[str]
    """The environment ID the service assigned, its `id` (表4-5)."""
    project_id: pulumi.Output[str]
    """The project ID the environment belongs to (表4-5)."""
    creator: pulumi.Output[str]
    """Who created the environment (表4-5)."""
    create_time: pulumi.Output[int]
    """When the environment was created: an integer timestamp, in milliseconds since the epoch
    in the document's examples (表4-5)."""
    update_time: pulumi.Output[int]
    """When the environment was last modified: an integer timestamp, in milliseconds since the
    epoch in the document's examples (表4-5)."""


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
