"""ServiceStage configuration management (`/v3/{project_id}/cas/config-groups` and `/configs`,
PDF 004 §4.5): groups, configuration files and lookups; imports of zip packages are in
`configuration_import`.

A configuration file's `content` is secret wherever it is kept: the program marks the argument
secret, the resource asks the engine to keep the output secret (also for a `get`, where no
argument marks it), the provider returns it wrapped as a secret, and errors never quote it.

A group cannot be modified (the service has no such operation), so changing its name or
description creates a new group. A file can be modified except for its name and group.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

import pulumi
from pydantic import Field, SecretStr

from ._common import Description, Name, ResourceId
from ._lifecycle import ObjectRef, ResourceArgs, RestProvider, RestResource
from ._lookup import LookupResult, get_all, get_one, output_of, project_path
from ._resource_types import ConfigurationGroupTyping, ConfigurationTyping

ConfigurationType = Literal["yaml", "properties"]

GROUPS_PATH = "/v3/{project_id}/cas/config-groups"
CONFIGS_PATH = "/v3/{project_id}/cas/configs"
_SECRET_FIELD = "content"

# -- configuration groups (§4.5.1, §4.5.12, §4.5.13) ---------------------------------------------


class ConfigurationGroupArgs(ResourceArgs):
    """The arguments of a configuration group.

    Source: PDF 004 §4.5.1, 表4-314 (create request body).
    """

    name: Name
    """Configuration group name: 2 to 64 characters; upper- or lower-case letters, digits,
    hyphens (-) and underscores (_), starting with a letter and ending with a letter or digit.
    Unique in the project. The service cannot modify a group, so changing it creates a new
    one."""
    description: Annotated[str, Field(max_length=256)] | None = None
    """Configuration group description, at most 256 characters. The service cannot modify a
    group, so changing it creates a new one."""


class ConfigurationGroupProvider(RestProvider[ConfigurationGroupArgs]):
    args_model = ConfigurationGroupArgs
    noun = "configuration group"
    collection_path = GROUPS_PATH
    id_fields = ("config_group_id",)
    list_key = "config_groups"
    list_filters = ("name",)
    # The service cannot modify a group, so each of its arguments needs a new one.
    replace_on = frozenset({"name", "description"})
    computed = ("project_id", "creator", "create_time")

    def deletes_before_replacing(self, replaces: list[str]) -> bool:
        # Names are unique in a project: a new group keeping the name needs the old one gone.
        return "name" not in replaces

    def adoption_conflicts(
        self, ref: ObjectRef, args: ConfigurationGroupArgs, server: Mapping[str, Any]
    ) -> list[str]:
        # A group cannot be modified: any difference in what the arguments set is one adoption
        # cannot apply.
        wanted = self.wanted_inputs(args)
        return [
            f"{field} is {server.get(field)!r}, the arguments say {wanted[field]!r}"
            for field in ("name", "description")
            if field in wanted and server.get(field) != wanted[field]
        ]

    def update_applied(
        self, ref: ObjectRef, args: ConfigurationGroupArgs, server: Mapping[str, Any]
    ) -> bool:
        return not self.adoption_conflicts(ref, args, server)


class ConfigurationGroup(
    ConfigurationGroupTyping, RestResource, module="servicestage", name="ConfigurationGroup"
):
    """A group of configuration files. Its id is the ``config_group_id``."""

    provider_class: ClassVar[Any] = ConfigurationGroupProvider

    config_group_id: pulumi.Output[str]
    """The configuration group ID the service assigned, its `id` (表4-315)."""
    project_id: pulumi.Output[str]
    """The project ID the group belongs to (表4-315)."""
    creator: pulumi.Output[str]
    """Who created the group (表4-315)."""
    create_time: pulumi.Output[int]
    """When the group was created: an integer timestamp, in milliseconds since the epoch in the
    document's examples (表4-315)."""


# -- configuration files (§4.5.3, §4.5.6, §4.5.7, §4.5.8) ------------------------------------------


class ConfigurationArgs(ResourceArgs):
    """The arguments of a configuration file.

    Source: PDF 004 §4.5.3, 表4-323 (create request body); §4.5.8, 表4-344 (modify request body).
    """

    config_group_id: ResourceId
    """ID of the configuration group the file belongs to. Mandatory. Changing it creates a new
    file in the new group."""
    name: Name
    """Configuration file name: 2 to 64 characters; letters, digits, underscores (_) or hyphens
    (-), starting with a letter and ending with a letter or digit. Unique within its group. The
    modify body takes no name, so changing it creates a new file."""
    content: str
    """Content of the configuration file. Mandatory; can be changed later. This package keeps
    it secret (masked in previews, encrypted in the state) and never quotes it in errors."""
    type: ConfigurationType
    """Format of the file: `yaml` or `properties`. Mandatory; can be changed later."""
    sensitive: bool = False
    """Whether the file's content is encrypted: `true` encrypts it, `false` does not. Mandatory
    on create and optional on modify; this package sends `false` when it is left out."""
    description: Description | None = None
    """Configuration file description, at most 128 characters. Left out, an update clears it
    (this package sends an empty one, since the service keeps the old description otherwise)."""


class ConfigurationProvider(RestProvider[ConfigurationArgs]):
    args_model = ConfigurationArgs
    noun = "configuration file"
    collection_path = CONFIGS_PATH
    id_fields = ("config_id",)
    list_key = "configs"
    list_filters = ("name", "config_group_id")
    # A file's name is unique within its group.
    natural_key = ("name", "config_group_id")
    # The modify operation takes no name. It does take the group, and the reference's example
    # hints that it may move the file, but Huawei's own Terraform provider treats the group as
    # fixed; a new file is right whichever the service does.
    replace_on = frozenset({"config_group_id", "name"})
    create_only = frozenset({"name"})
    computed = ("version", "project_id", "creator", "create_time", "update_time", "components")
    secret_fields = (_SECRET_FIELD,)
    secret_paths = (_SECRET_FIELD,)

    def update_body(self, args: ConfigurationArgs) -> dict[str, Any]:
        # Leaving the description out keeps the old one; only an empty one clears it.
        return {"description": "", **super().update_body(args)}


class Configuration(ConfigurationTyping, RestResource, module="servicestage", name="Configuration"):
    """A configuration file in a group. Its id is the ``config_id``; ``content`` is secret."""

    provider_class: ClassVar[Any] = ConfigurationProvider

    config_id: pulumi.Output[str]
    """The configuration file ID the service assigned, its `id` (表4-338)."""
    version: pulumi.Output[str]
    """Version number of the file: `v1` when created and `v2` after a modification in the
    document's examples (表4-338)."""
    project_id: pulumi.Output[str]
    """The project ID the file belongs to (表4-338)."""
    creator: pulumi.Output[str]
    """Who created the file (表4-338)."""
    create_time: pulumi.Output[int]
    """When the file was created: an integer timestamp, in milliseconds since the epoch in the
    document's examples (表4-338)."""
    update_time: pulumi.Output[int]
    """When the file was last modified: an integer timestamp, in milliseconds since the epoch in
    the document's examples (表4-338)."""
    components: pulumi.Output[list[dict[str, str]]]
    """The components the file is bound to, each with its `application_id`, `component_id`,
    `component_name` and `environment_id` (表4-338, 表4-339)."""


# -- lookups (§4.5.2, §4.5.5, §4.5.9, §4.5.10) -----------------------------------------------------


class ConfigurationGroupInfo(LookupResult):
    id: str
    name: str
    description: str | None = None
    project_id: str | None = None
    creator: str | None = None
    create_time: int | None = None


class ConfigurationInfo(LookupResult):
    """A configuration file; `content` is a `pydantic.SecretStr` so it is never printed."""

    id: str
    name: str
    config_group_id: str
    type: str | None = None
    content: SecretStr | None = None
    version: str | None = None
    sensitive: bool | None = None
    description: str | None = None
    creator: str | None = None
    components: list[dict[str, str]] | None = None
    create_time: int | None = None
    update_time: int | None = None


class ConfigurationHistoryInfo(LookupResult):
    """One version of a configuration file; `content` is a `pydantic.SecretStr`."""

    config_history_id: str
    config_id: str
    version: str
    type: str | None = None
    content: SecretStr | None = None
    sensitive: bool | None = None
    description: str | None = None
    config_name: str | None = None
    group_id: str | None = None
    creator: str | None = None
    components: list[dict[str, str]] | None = None
    create_time: int | None = None


def get_configuration_groups(*, name: str | None = None) -> list[ConfigurationGroupInfo]:
    """The project's configuration groups (§4.5.2), optionally only the one called `name`."""
    path = project_path(GROUPS_PATH)
    return [
        ConfigurationGroupInfo.from_api(item) for item in get_all(path, "config_groups", name=name)
    ]


def get_configuration_groups_output(
    *, name: pulumi.Input[str] | None = None
) -> pulumi.Output[list[ConfigurationGroupInfo]]:
    """`get_configuration_groups`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_configuration_groups, name=name)


def get_configurations(
    *,
    config_group_id: str | None = None,
    name: str | None = None,
    component_id: str | None = None,
) -> list[ConfigurationInfo]:
    """The project's configuration files (§4.5.5): those of a group, named `name`, or bound to
    a component, as asked. Wrap a file's content with ``pulumi.Output.secret`` to use it."""
    path = project_path(CONFIGS_PATH)
    found = get_all(
        path, "configs", config_group_id=config_group_id, name=name, component_id=component_id
    )
    return [ConfigurationInfo.from_api(item) for item in found]


def get_configurations_output(
    *,
    config_group_id: pulumi.Input[str] | None = None,
    name: pulumi.Input[str] | None = None,
    component_id: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[ConfigurationInfo]]:
    """`get_configurations`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(
        get_configurations, config_group_id=config_group_id, name=name, component_id=component_id
    )


def get_configuration_histories(config_id: str) -> list[ConfigurationHistoryInfo]:
    """Every version of a configuration file, the current one included, newest first (§4.5.9)."""
    path = project_path(f"{CONFIGS_PATH}/{{config_id}}/histories", config_id=config_id)
    return [ConfigurationHistoryInfo.from_api(item) for item in get_all(path, "histories")]


def get_configuration_histories_output(
    config_id: pulumi.Input[str],
) -> pulumi.Output[list[ConfigurationHistoryInfo]]:
    """`get_configuration_histories`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_configuration_histories, config_id)


def get_configuration_history(config_id: str, config_history_id: str) -> ConfigurationHistoryInfo:
    """One version of a configuration file (§4.5.10)."""
    path = project_path(
        f"{CONFIGS_PATH}/{{config_id}}/histories/{{config_history_id}}",
        config_id=config_id,
        config_history_id=config_history_id,
    )
    return ConfigurationHistoryInfo.from_api(get_one(path))


def get_configuration_history_output(
    config_id: pulumi.Input[str], config_history_id: pulumi.Input[str]
) -> pulumi.Output[ConfigurationHistoryInfo]:
    """`get_configuration_history`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_configuration_history, config_id, config_history_id)
