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

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any, ClassVar, Literal

import pulumi
from pulumi.dynamic import (
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)
from pulumi.runtime import rpc
from pydantic import Field, SecretStr

from ._common import Description, Name
from ._lifecycle import (
    ObjectRef,
    ResourceArgs,
    RestProvider,
    RestResource,
)
from ._lookup import LookupResult, get_all, get_one, project_path
from .client.errors import ServiceStageError

ConfigurationType = Literal["yaml", "properties"]

GROUPS_PATH = "/v3/{project_id}/cas/config-groups"
CONFIGS_PATH = "/v3/{project_id}/cas/configs"
_SECRET_FIELD = "content"

# -- configuration groups (§4.5.1, §4.5.12, §4.5.13) ---------------------------------------------


class ConfigurationGroupArgs(ResourceArgs):
    name: Name
    description: Annotated[str, Field(max_length=256)] | None = None


class ConfigurationGroupProvider(RestProvider[ConfigurationGroupArgs]):
    args_model = ConfigurationGroupArgs
    noun = "configuration group"
    collection_path = GROUPS_PATH
    id_fields = ("config_group_id",)
    # The service cannot modify a group, so each of its arguments needs a new one.
    replace_on = frozenset({"name", "description"})
    computed = ("project_id", "creator", "create_time")

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        result = super().diff(id_, olds, news)
        replaces = list(result.replaces or [])
        # Names are unique in a project: a new group keeping the name needs the old one gone.
        keeps_name = bool(replaces) and "name" not in replaces
        return DiffResult(
            changes=result.changes, replaces=replaces, delete_before_replace=keeps_name
        )

    def _update_object(self, ref: ObjectRef, args: ConfigurationGroupArgs) -> None:
        # Reached only by adoption: every argument change of a managed group is a replacement.
        current = self._fetch(ref)
        raise ServiceStageError(
            f"adopt_id {ref.resource_id()!r}: the configuration group is named "
            f"{current.get('name')!r} with description {current.get('description')!r}, which "
            "the arguments do not match, and a group cannot be modified; set the arguments to "
            "its values"
        )


class ConfigurationGroup(RestResource, module="servicestage", name="ConfigurationGroup"):
    """A group of configuration files. Its id is the ``config_group_id``."""

    provider_class: ClassVar[Any] = ConfigurationGroupProvider

    config_group_id: pulumi.Output[str]
    name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    project_id: pulumi.Output[str]
    creator: pulumi.Output[str]
    create_time: pulumi.Output[int]


# -- configuration files (§4.5.3, §4.5.6, §4.5.7, §4.5.8) ------------------------------------------


class ConfigurationArgs(ResourceArgs):
    config_group_id: str = Field(min_length=1)
    name: Name
    content: str
    type: ConfigurationType
    sensitive: bool = False
    description: Description | None = None


class ConfigurationProvider(RestProvider[ConfigurationArgs]):
    args_model = ConfigurationArgs
    noun = "configuration file"
    collection_path = CONFIGS_PATH
    id_fields = ("config_id",)
    # The modify operation takes no name. It does take the group, and the reference's example
    # hints that it may move the file, but Huawei's own Terraform provider treats the group as
    # fixed; a new file is right whichever the service does.
    replace_on = frozenset({"config_group_id", "name"})
    create_only = frozenset({"name"})
    computed = ("version", "project_id", "creator", "create_time", "update_time", "components")

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        checked = super().check(olds, news)
        if checked.failures or news.get("sensitive") is not None:
            return checked
        # The default goes into the checked inputs, so that an unset `sensitive` compares equal
        # to the `false` in the state, and a file made sensitive out of band shows up as drift.
        return CheckResult({**news, "sensitive": False}, checked.failures)

    def update_body(self, args: ConfigurationArgs) -> dict[str, Any]:
        # Leaving the description out keeps the old one; only an empty one clears it.
        return {"description": "", **super().update_body(args)}

    def create(self, props: dict[str, Any]) -> CreateResult:
        with _content_kept_out_of_errors(props):
            created = super().create(props)
        return CreateResult(created.id, _sealed(created.outs or {}))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        with _content_kept_out_of_errors(news, olds):
            updated = super().update(id_, olds, news)
        return UpdateResult(_sealed(updated.outs or {}))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with _content_kept_out_of_errors(props):
            found = super().read(id_, props)
        inputs = None if found.inputs is None else _sealed(found.inputs)
        return ReadResult(found.id, _sealed(found.outs or {}), inputs)


class Configuration(RestResource, module="servicestage", name="Configuration"):
    """A configuration file in a group. Its id is the ``config_id``; ``content`` is secret."""

    provider_class: ClassVar[Any] = ConfigurationProvider
    secret_paths = (_SECRET_FIELD,)

    config_id: pulumi.Output[str]
    config_group_id: pulumi.Output[str]
    name: pulumi.Output[str]
    content: pulumi.Output[str]
    type: pulumi.Output[str]
    sensitive: pulumi.Output[bool]
    description: pulumi.Output[str | None]
    version: pulumi.Output[str]
    project_id: pulumi.Output[str]
    creator: pulumi.Output[str]
    create_time: pulumi.Output[int]
    update_time: pulumi.Output[int]
    components: pulumi.Output[list[dict[str, str]]]

    def __init__(
        self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **args: Any
    ) -> None:
        # A `get` has no secret argument for the engine to take the secrecy from.
        always_secret = pulumi.ResourceOptions(additional_secret_outputs=[_SECRET_FIELD])
        super().__init__(resource_name, pulumi.ResourceOptions.merge(opts, always_secret), **args)


def _sealed(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with the content wrapped as a secret, so that the state keeps it encrypted."""
    sealed = dict(values)
    if sealed.get(_SECRET_FIELD) is not None:
        sealed[_SECRET_FIELD] = rpc.wrap_rpc_secret(sealed[_SECRET_FIELD])
    return sealed


_REDACTED = "[secret content]"
# Shorter lines ("a=1") are too common in ordinary text to be told apart from quoted content.
_MIN_QUOTED_LINE = 6


@contextmanager
def _content_kept_out_of_errors(*property_sets: Mapping[str, Any]) -> Iterator[None]:
    """Re-raise an error that quotes file content (itself or an error it chains) without it.

    Error messages, with the errors they chain, reach the CLI and CI logs; a service echoing a
    line of a file must not put a secret there. Such an error is replaced by one with the
    content cut out of its message and nothing chained.
    """
    try:
        yield
    except Exception as error:
        fragments = _quotable(props.get(_SECRET_FIELD) for props in property_sets)
        if not any(fragment in str(link) for link in _chain(error) for fragment in fragments):
            raise
        message = str(error)
        for fragment in fragments:
            message = message.replace(fragment, _REDACTED)
        raise ServiceStageError(message) from None


def _quotable(contents: Iterable[Any]) -> list[str]:
    """How an error could quote the contents: whole, escaped, or a line; longest first."""
    fragments: set[str] = set()
    for content in contents:
        if isinstance(content, str) and content:
            fragments.add(content)
            fragments.add(repr(content)[1:-1])
            fragments.update(
                line.strip()
                for line in content.splitlines()
                if len(line.strip()) >= _MIN_QUOTED_LINE
            )
    return sorted(fragments, key=len, reverse=True)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


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


def get_configuration_histories(config_id: str) -> list[ConfigurationHistoryInfo]:
    """Every version of a configuration file, the current one included, newest first (§4.5.9)."""
    path = f"{project_path(CONFIGS_PATH)}/{config_id}/histories"
    return [ConfigurationHistoryInfo.from_api(item) for item in get_all(path, "histories")]


def get_configuration_history(config_id: str, config_history_id: str) -> ConfigurationHistoryInfo:
    """One version of a configuration file (§4.5.10)."""
    path = f"{project_path(CONFIGS_PATH)}/{config_id}/histories/{config_history_id}"
    return ConfigurationHistoryInfo.from_api(get_one(path))
