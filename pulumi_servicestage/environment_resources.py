"""Cloud resources an environment manages (`.../environments/{environment_id}/resources`, §4.1.6).

The service keeps one list per environment, and its modify operation replaces that list whole.
This resource manages a *part* of it: the resources it declares. Every change reads the current
list, applies only this resource's difference and writes the list back, so resources that were
there before, or that someone else adds, stay. Which declared resources this resource put into
the list (or took over with ``adopt_id``) is recorded in the ``owned_resources`` output, and
only those are ever taken out again.

The read-modify-write is serialized per environment inside the provider host, which serves
every resource of a deployment; writers outside the deployment can still race with it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal
from urllib.parse import quote

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, UpdateResult
from pydantic import BaseModel, ConfigDict, field_validator

from . import _runtime
from ._common import ResourceId, is_id_segment
from ._lifecycle import (
    LOCAL_FIELDS,
    ResourceArgs,
    RestResource,
    ServiceStageProvider,
    may_differ,
    parse_arguments,
)
from ._lookup import LookupResult, get_one, output_of, project_path
from ._resource_types import EnvironmentResourcesTyping
from .client.errors import AmbiguousWriteError, NotFoundError, ServiceStageError

# Tables 4-30 (what the modify operation takes) and 4-41 (what the query may show), together:
# a list read back must be writable again.
ResourceType = Literal[
    "eip", "elb", "cce", "ecs", "as", "cse", "dcs", "rds", "nacos", "ms_gateway", "subnet", "acl"
]

_Key = tuple[str, str]


class ManagedResource(BaseModel):
    """One cloud resource: its id and type identify it; the name is informational.

    Source: PDF 004 §4.1.6, 表4-30 (modify request body); §4.1.8, 表4-41 (query answer).
    """

    model_config = ConfigDict(extra="forbid")

    id: ResourceId
    """Resource ID. Mandatory; the document asks that it be correct before the call, so that
    the call works."""
    type: ResourceType
    """Resource type: `eip` (Elastic IP), `elb` (Elastic Load Balance), `cce` (Cloud Container
    Engine), `ecs` (Elastic Cloud Server), `as` (Auto Scaling group), `cse` (microservice
    engine), `dcs` (Distributed Cache Service) or `rds` (cloud database), as the modify body
    lists them. The query also answers `nacos` (registry and configuration center),
    `ms_gateway` (application gateway), `subnet` and `acl` (network ACL) (表4-41), which are
    accepted too so that a list read back can be written again."""
    name: str | None = None
    """Resource name. Optional and informational: the resource is identified by its id and
    type; when given, it is written into the service's entry for the resource."""

    @property
    def key(self) -> _Key:
        return self.type, self.id


class EnvironmentResourcesArgs(ResourceArgs):
    """The arguments of an environment's managed resources.

    Source: PDF 004 §4.1.6, 表4-27 (path parameters) and 表4-29 (modify request body).
    """

    environment_id: ResourceId
    """ID of the environment whose resources are managed (a path parameter). Changing it
    replaces this resource."""
    resources: list[ManagedResource]
    """The cloud resources to put under the environment (表4-30), each type and id once, in any
    order. The service's modify operation replaces its whole list; this package writes the list
    back with only its own difference, and takes out only the resources it put in (see
    `owned_resources`)."""

    @field_validator("resources")
    @classmethod
    def _each_declared_once(cls, resources: list[ManagedResource]) -> list[ManagedResource]:
        seen: set[_Key] = set()
        for resource in resources:
            if resource.key in seen:
                raise ValueError(
                    f"{resource.type} {resource.id} is listed more than once; list each "
                    "resource once"
                )
            seen.add(resource.key)
        return resources


_locks_guard = threading.Lock()
_environment_locks: dict[str, threading.Lock] = {}


def _environment_lock(environment_id: str) -> threading.Lock:
    """The lock that serializes this process's read-modify-writes of one environment's list."""
    with _locks_guard:
        return _environment_locks.setdefault(environment_id, threading.Lock())


class EnvironmentResourcesProvider(ServiceStageProvider):
    """Manages the declared part of an environment's resource list (see the module docstring).

    Not a `RestProvider`: the object is a part of a list, not a REST object, and which entries it
    owns depends on what was there before it. Every write replaces the whole list and is
    idempotent, so one that may not have been carried out is judged by reading the list again.
    """

    args_model = EnvironmentResourcesArgs
    noun = "environment resources"
    collection_path = "/v3/{project_id}/cas/environments"

    @classmethod
    def output_only_fields(cls) -> tuple[str, ...]:
        return ("owned_resources",)

    def extra_checks(
        self, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        adopt_id, environment_id = news.get("adopt_id"), news.get("environment_id")
        # Compared only once both are known: a preview may not know the environment yet.
        known = isinstance(adopt_id, str) and isinstance(environment_id, str)
        if known and adopt_id != environment_id:
            return {}, [
                (
                    "adopt_id",
                    f"must be the environment_id, {environment_id!r}: the resources of an "
                    "environment are identified by the environment",
                )
            ]
        return {}, []

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # A set: the order the resources are declared in is no change.
        olds, news = _in_key_order(olds), _in_key_order(news)
        changed = [
            field
            for field in ("environment_id", "resources")
            if may_differ(olds.get(field), news.get(field))
        ]
        replaces = [field for field in changed if field == "environment_id"]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = parse_arguments(EnvironmentResourcesArgs, props, self.noun)
        environment_id = args.environment_id
        with _environment_lock(environment_id):
            try:
                current = self._current(environment_id)
            except NotFoundError:
                if args.adopt_id is None:
                    raise
                raise ServiceStageError(
                    f"adopt_id {args.adopt_id!r}: no such environment"
                ) from None
            present = {_key(item) for item in current}
            added = {resource.key for resource in args.resources if resource.key not in present}
            self._write_if_changed(environment_id, current, args.resources, removing=set())
        owned = {resource.key for resource in args.resources} if args.adopt_id else added
        return CreateResult(environment_id, self._outputs_of(args, owned))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args = parse_arguments(EnvironmentResourcesArgs, news, self.noun)
        _check_id(id_)
        previously_owned = set(_keys(olds.get("owned_resources")))
        declared = {resource.key for resource in args.resources}
        with _environment_lock(id_):
            current = self._current(id_)
            present = {_key(item) for item in current}
            self._write_if_changed(
                id_, current, args.resources, removing=previously_owned - declared
            )
        still_owned = previously_owned & declared & present
        added = declared - present
        return UpdateResult(self._outputs_of(args, still_owned | added))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        _check_id(id_)
        owned = set(_keys(props.get("owned_resources")))
        if not owned:
            return
        with _environment_lock(id_):
            try:
                current = self._current(id_)
            except NotFoundError:
                return
            self._write_if_changed(id_, current, [], removing=owned)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        _check_id(id_)
        try:
            current = self._current(id_)
        except NotFoundError:
            return ReadResult(None, {})
        by_key = {_key(item): item for item in current}
        declared = props.get("resources")
        if not isinstance(declared, list):
            # A `get`: nothing is declared, so the whole list is what there is to see.
            resources = [_wire(item) for item in current]
        else:
            resources = [
                _as_declared(by_key[key], wanted)
                for wanted in declared
                if isinstance(wanted, Mapping) and (key := _key(wanted)) in by_key
            ]
        inputs = {
            "environment_id": id_,
            "resources": resources,
            **{key: value for key, value in props.items() if key in LOCAL_FIELDS},
        }
        owned = [key for key in _keys(props.get("owned_resources")) if key in by_key]
        return ReadResult(id_, {**inputs, "owned_resources": _key_dicts(owned)}, inputs)

    # -- the list ---------------------------------------------------------------------------------

    def _path(self, environment_id: str) -> str:
        project_id = quote(_runtime.clients().settings.project_id, safe="")
        environments = self.collection_path.format(project_id=project_id)
        return f"{environments}/{quote(environment_id, safe='')}/resources"

    def _current(self, environment_id: str) -> list[dict[str, Any]]:
        answer = _runtime.clients().servicestage.get(self._path(environment_id)) or {}
        return [_wire(item) for item in answer.get("resources") or []]

    def _write_if_changed(
        self,
        environment_id: str,
        current: list[dict[str, Any]],
        declared: Iterable[ManagedResource],
        *,
        removing: set[_Key],
    ) -> None:
        """Write `current` with `removing` taken out and `declared` put in, if that differs."""
        wanted = {resource.key: resource for resource in declared}
        result = []
        for item in current:
            key = _key(item)
            if key in removing:
                continue
            declaration = wanted.pop(key, None)
            if declaration is not None and declaration.name is not None:
                item = {**item, "name": declaration.name}
            result.append(item)
        result.extend(_wire(resource.model_dump()) for resource in wanted.values())
        if result == current:
            return
        try:
            _runtime.clients().servicestage.put(self._path(environment_id), {"resources": result})
        except AmbiguousWriteError:
            # The list may have been written: it is, if it reads back as intended.
            if self._current(environment_id) != result:
                raise

    def _outputs_of(self, args: EnvironmentResourcesArgs, owned: set[_Key]) -> dict[str, Any]:
        in_declared_order = [resource.key for resource in args.resources if resource.key in owned]
        return {
            **args.model_dump(mode="json", exclude_none=True),
            "owned_resources": _key_dicts(in_declared_order),
        }


def _check_id(environment_id: str) -> None:
    if not is_id_segment(environment_id):
        raise ServiceStageError(
            f"invalid environment resources id {environment_id!r}: expected an environment id"
        )


def _key(item: Mapping[str, Any]) -> _Key:
    return str(item.get("type")), str(item.get("id"))


def _keys(items: Any) -> list[_Key]:
    listed = items if isinstance(items, list) else []
    return [_key(item) for item in listed if isinstance(item, Mapping)]


def _key_dicts(keys: Iterable[_Key]) -> list[dict[str, str]]:
    return [{"type": resource_type, "id": resource_id} for resource_type, resource_id in keys]


def _wire(item: Mapping[str, Any]) -> dict[str, Any]:
    """A resource as the modify operation takes it: id, type and the name when there is one."""
    shown = {"id": item.get("id"), "type": item.get("type")}
    if item.get("name") is not None:
        shown["name"] = item["name"]
    return shown


def _as_declared(server: Mapping[str, Any], declared: Mapping[str, Any]) -> dict[str, Any]:
    """The service's entry, with the name only where the declaration has one."""
    shown = {"id": server["id"], "type": server["type"]}
    if declared.get("name") is not None and server.get("name") is not None:
        shown["name"] = server["name"]
    return shown


def _in_key_order(props: dict[str, Any]) -> dict[str, Any]:
    resources = props.get("resources")
    if not isinstance(resources, list) or not all(_is_known_resource(item) for item in resources):
        return props
    return {**props, "resources": sorted(resources, key=_key)}


def _is_known_resource(item: Any) -> bool:
    return isinstance(item, dict) and all(isinstance(item.get(k), str) for k in ("type", "id"))


class EnvironmentResources(
    EnvironmentResourcesTyping, RestResource, module="servicestage", name="EnvironmentResources"
):
    """Cloud resources (CCE clusters, ECS servers, ELBs, ...) put under an environment.

    Its id is the environment id. Changing ``environment_id`` replaces it; changing
    ``resources`` adds and removes only the difference.
    """

    provider_class: ClassVar[Any] = EnvironmentResourcesProvider

    owned_resources: pulumi.Output[list[dict[str, str]]]
    """Package output, not an API field: the `type` and `id` of each declared resource that
    this resource put into the environment's list (or took over with `adopt_id`); only these
    are ever taken out again, on update or delete."""


class EnvironmentResourceInfo(LookupResult):
    id: str
    type: str
    name: str | None = None


def get_environment_resources(environment_id: str) -> list[EnvironmentResourceInfo]:
    """Every cloud resource the environment manages (§4.1.8)."""
    path = project_path(
        f"{EnvironmentResourcesProvider.collection_path}/{{environment_id}}/resources",
        environment_id=environment_id,
    )
    answer = get_one(path)
    return [EnvironmentResourceInfo.from_api(item) for item in answer.get("resources") or []]


def get_environment_resources_output(
    environment_id: pulumi.Input[str],
) -> pulumi.Output[list[EnvironmentResourceInfo]]:
    """`get_environment_resources`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_environment_resources, environment_id)
