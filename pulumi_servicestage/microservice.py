"""Microservices in an engine's service registry (`/v4/default/registry/microservices`, PDF 004
§7.3), the contracts (schemas) they declare (§7.4), and the instances registered for them (§7.5).

A microservice's static information is written once: only its properties can be modified
(§7.3.6), every other argument replaces it. Deleting one that still has instances is refused
(400013) unless `force_delete` is set, which deletes it with its instances (§7.3.2 `force`).

An instance lives as long as the registry hears from it. A `push` instance (the registry's
default: a heartbeat every 30 s, 3 tries) is deregistered once its heartbeats (§7.5.7) stop for
its interval times its tries plus one; this resource registers the instance and does not send
heartbeats, which are the running process's (or its sidecar's) job. Use it for instances that
something else keeps alive, or with `health_check.mode` `pull` (the registry checks the
instance on its port) for a static registration, such as a service outside the engine's VPC.
A refresh of an instance the registry has dropped shows it gone, and the next `pulumi up`
registers it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import quote

import pulumi
from pydantic import BaseModel, ConfigDict, Field

from ._engine_api import ENGINE_PROJECT, EngineObjectArgs, EngineObjectProvider, engine_api
from ._lifecycle import LOCAL_FIELDS, Created, ObjectRef, RestResource, comparable
from ._lookup import LookupResult, output_of, program_clients
from ._resource_types import (
    MicroserviceInstanceTyping,
    MicroserviceSchemaTyping,
    MicroserviceTyping,
)

_REGISTRY = "/v4/{project_id}/registry/microservices"
# 表7-65: a schema id is 1 to 160 letters, digits, _, - or ., starting and ending with a letter
# or digit.
SCHEMA_ID = r"^[a-zA-Z0-9]+$|^[a-zA-Z0-9][a-zA-Z0-9_\-.]*[a-zA-Z0-9]$"


class _RegistryInput(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Framework(_RegistryInput):
    """The development framework of a microservice.

    Source: PDF 004 §7.3.4, 表7-30 (Framework).
    """

    name: str | None = None
    """Framework name, e.g. `ServiceComb-Java-Chassis` or `Spring-Cloud`; `UNKNOWN` when left
    out."""
    version: str | None = None
    """Framework version."""


class ServicePath(_RegistryInput):
    """A route of a microservice.

    Source: PDF 004 §7.3.4, 表7-31 (ServicePath).
    """

    path: str | None = Field(default=None, alias="Path")
    """The route's address."""
    property: dict[str, str] | None = Field(default=None, alias="Property")
    """Properties of the route, any keys and values."""


class MicroserviceArgs(EngineObjectArgs):
    """The arguments of a microservice's static information.

    Source: PDF 004 §7.3.4, 表7-29 (MicroService); §7.3.6, 表7-52 (properties).
    """

    service_name: str = Field(
        alias="serviceName",
        min_length=1,
        max_length=128,
        pattern=r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][a-zA-Z0-9_\-.]*[a-zA-Z0-9]$",
    )
    """Microservice name, unique in its application: 1 to 128 letters, digits, `_`, `-` or
    `.`, starting and ending with a letter or digit."""
    app_id: str | None = Field(
        default=None,
        alias="appId",
        min_length=1,
        max_length=160,
        pattern=r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][a-zA-Z0-9_\-.]*[a-zA-Z0-9]$",
    )
    """The application the microservice belongs to: 1 to 160 characters of the same kind;
    `default` when left out."""
    version: str | None = Field(default=None, max_length=64, pattern=r"^[0-9]+(\.[0-9]+)*$")
    r"""Microservice version, numbers separated by dots, at most 64 characters (e.g. `1.0.0`;
    表7-29 prints `^[0-9]$|^[0-9]+(\.[0-9]+)$`, yet its examples give 1.0.0)."""
    environment: Literal["development", "testing", "acceptance", "production"] | None = None
    """The environment the microservice is in (`development` when left out). In development,
    testing and acceptance its schemas can be added and changed; in production they cannot."""
    description: str | None = Field(default=None, max_length=256)
    """Description, at most 256 characters."""
    level: Literal["FRONT", "MIDDLE", "BACK"] | None = None
    """The microservice's layer: FRONT, MIDDLE or BACK."""
    schemas: list[Annotated[str, Field(max_length=160, pattern=SCHEMA_ID)]] | None = Field(
        default=None, max_length=100
    )
    """IDs of the contracts (schemas) the microservice offers, at most 100; their content is
    written by `MicroserviceSchema`."""
    framework: Framework | None = None
    """The development framework (表7-30)."""
    paths: list[ServicePath] | None = None
    """The microservice's routes (表7-31)."""
    properties: dict[str, str] | None = None
    """Extended properties, any keys and values; the only information modified in place
    (§7.3.6)."""
    force_delete: bool = False
    """Package option, not an API field: delete the microservice even while instances are
    registered for it, with them (§7.3.2 `force=true`). When false, such a delete is refused
    (400013) until its instances are gone."""


_IDENTITY = ("environment", "appId", "serviceName", "version")


class MicroserviceProvider(EngineObjectProvider[MicroserviceArgs]):
    args_model = MicroserviceArgs
    noun = "microservice"
    collection_path = _REGISTRY
    id_fields = ("engine_id", "service_id")
    created_id_key = "serviceId"
    list_key = "services"
    replace_on = (
        frozenset(MicroserviceArgs.model_fields)
        - LOCAL_FIELDS
        - {
            "properties",
            "force_delete",
            "engine_password",
        }
    )
    replace_deletes_first = True
    write_only = EngineObjectProvider.write_only | {"force_delete"}

    def request_body(self, args: MicroserviceArgs, *, exclude: Any) -> dict[str, Any]:
        return super().request_body(args, exclude={*exclude, "force_delete"})

    def create_body(self, args: MicroserviceArgs) -> dict[str, Any]:
        return {"service": super().create_body(args)}

    def send_update(self, ref: ObjectRef, args: MicroserviceArgs) -> str | None:
        self.client().put(
            f"{self.item_path(ref)}/properties", {"properties": args.properties or {}}
        )
        return None

    def send_delete(self, ref: ObjectRef, state: Mapping[str, Any] | None) -> str | None:
        force = bool((state or self.call_inputs()).get("force_delete"))
        self.client().delete(self.item_path(ref), params={"force": str(force).lower()})
        return None

    def read_object(self, ref: ObjectRef) -> dict[str, Any]:
        answer = super().read_object(ref)
        service = answer.get("service")
        return dict(service) if isinstance(service, dict) else answer

    def listed_id(self, listed: Mapping[str, Any]) -> str | None:
        value = listed.get("serviceId")
        return str(value) if value else None

    def matches_natural_key(self, listed: Mapping[str, Any], args: MicroserviceArgs) -> bool:
        wanted = self.create_body(args)["service"]
        return all(
            comparable(listed.get(key)) == comparable(wanted[key])
            for key in _IDENTITY
            if key in wanted
        )


class Microservice(MicroserviceTyping, RestResource, module="servicestage", name="Microservice"):
    """A microservice's static information in an exclusive engine's service registry.

    Its id is ``<engine_id>/<service_id>``. Only ``properties`` change in place; everything
    else replaces it (the old one deleted first). ``force_delete`` deletes it with its
    instances.
    """

    provider_class: ClassVar[Any] = MicroserviceProvider

    service_id: pulumi.Output[str]
    """The microservice's ID in the registry (表7-36 `serviceId`)."""


class SchemaArgs(EngineObjectArgs):
    """The arguments of a microservice's contract.

    Source: PDF 004 §7.4.2, 表7-60 (path parameters) and 表7-62 (request body).
    """

    service_id: str = Field(min_length=1)
    """ID of the microservice the contract belongs to (a `Microservice`'s `service_id`).
    Changing it replaces the contract."""
    schema_id: str = Field(max_length=160, pattern=SCHEMA_ID)
    """The contract's ID, one of the microservice's `schemas`. Changing it replaces the
    contract."""
    schema_content: str = Field(alias="schema", min_length=1)
    """The contract itself, e.g. an OpenAPI (Swagger) document as YAML or JSON text."""
    summary: str | None = None
    """A summary of the contract, e.g. its hash, which lets registries compare contracts
    without reading them."""


class MicroserviceSchemaProvider(EngineObjectProvider[SchemaArgs]):
    args_model = SchemaArgs
    noun = "microservice schema"
    collection_path = _REGISTRY + "/{service_id}/schemas"
    id_fields = ("engine_id", "service_id", "schema_id")
    replace_on = frozenset({"engine_id", "service_id", "schema_id"})

    def create_body(self, args: SchemaArgs) -> dict[str, Any]:
        return self.request_body(args, exclude={*LOCAL_FIELDS, "service_id", "schema_id"})

    def update_body(self, args: SchemaArgs) -> dict[str, Any]:
        return self.create_body(args)

    def send_create(self, args: SchemaArgs) -> Created:
        # §7.4.2: a contract is written with a PUT to its own path; there is no create.
        ref = self.ref_for_new(args, args.schema_id)
        self.client().put(self.item_path(ref), self.create_body(args))
        return Created(ref)

    def send_delete(self, ref: ObjectRef, state: Mapping[str, Any] | None) -> str | None:
        # §7.4 has no delete: a contract goes with its microservice. Forgetting it is all a
        # delete can do; the next write of the same id overwrites it.
        return None

    def read_object(self, ref: ObjectRef) -> dict[str, Any]:
        answer = super().read_object(ref)
        return {
            **answer,
            "service_id": ref.parts["service_id"],
            "schema_id": ref.parts["schema_id"],
        }


class MicroserviceSchema(
    MicroserviceSchemaTyping, RestResource, module="servicestage", name="MicroserviceSchema"
):
    """The content of one contract (schema) of a microservice in an engine's registry.

    Its id is ``<engine_id>/<service_id>/<schema_id>``. Writing it again changes it in place
    (a microservice in the `production` environment refuses changes); the registry has no
    delete for a contract: it goes with its microservice, and deleting this resource only
    forgets it.
    """

    provider_class: ClassVar[Any] = MicroserviceSchemaProvider


class HealthCheck(_RegistryInput):
    """How the registry knows an instance is alive.

    Source: PDF 004 §7.5.1, 表7-81 (HealthCheck; the same as 表7-34).
    """

    mode: Literal["push", "pull"]
    """`push`: the instance sends heartbeats (§7.5.7); `pull`: the registry checks it on
    `port`."""
    port: int | None = Field(default=None, ge=1, le=65535)
    """The port the registry checks in `pull` mode."""
    interval: int = Field(ge=1)
    """Seconds between heartbeats (or checks); a value under 5 counts as 5."""
    times: int = Field(ge=1)
    """How many heartbeats may be missed before the instance is dropped."""


class DataCenterInfo(_RegistryInput):
    """Where the instance runs.

    Source: PDF 004 §7.5.1, 表7-82 (DataCenterInfo; the same as 表7-35).
    """

    name: str
    """Name of the region."""
    region: str
    """The region."""
    available_zone: str = Field(alias="availableZone")
    """The availability zone."""


class InstanceArgs(EngineObjectArgs):
    """The arguments of a microservice instance.

    Source: PDF 004 §7.5.1, 表7-80 (MicroServiceInstance).
    """

    service_id: str = Field(min_length=1)
    """ID of the microservice the instance belongs to. Changing it replaces the instance."""
    host_name: str = Field(alias="hostName", min_length=1)
    """The host the instance runs on."""
    endpoints: list[str] = Field(min_length=1)
    """Where the instance is reached, e.g. `rest://10.0.0.8:8080`."""
    version: str | None = None
    """The microservice version the instance runs."""
    status: Literal["UP", "DOWN", "STARTING", "OUTOFSERVICE"] | None = None
    """The instance's status (UP when left out); changed in place (§7.5.6)."""
    properties: dict[str, str] | None = None
    """Extended properties, any keys and values; changed in place (§7.5.5)."""
    health_check: HealthCheck | None = Field(default=None, alias="healthCheck")
    """How the registry knows the instance is alive (表7-81); when left out, push heartbeats
    every 30 s, 3 tries. This resource sends no heartbeats: see the module's docstring."""
    data_center_info: DataCenterInfo | None = Field(default=None, alias="dataCenterInfo")
    """Where the instance runs (表7-82)."""


class MicroserviceInstanceProvider(EngineObjectProvider[InstanceArgs]):
    args_model = InstanceArgs
    noun = "microservice instance"
    collection_path = _REGISTRY + "/{service_id}/instances"
    id_fields = ("engine_id", "service_id", "instance_id")
    created_id_key = "instanceId"
    replace_on = (
        frozenset(InstanceArgs.model_fields)
        - LOCAL_FIELDS
        - {
            "status",
            "properties",
            "engine_password",
        }
    )

    def create_body(self, args: InstanceArgs) -> dict[str, Any]:
        return {"instance": super().create_body(args)}

    def send_update(self, ref: ObjectRef, args: InstanceArgs) -> str | None:
        path = self.item_path(ref)
        self.client().put(f"{path}/properties", {"properties": args.properties or {}})
        self.client().put(f"{path}/status", params={"value": args.status or "UP"})
        return None

    def read_object(self, ref: ObjectRef) -> dict[str, Any]:
        answer = super().read_object(ref)
        instance = answer.get("instance")
        shown = dict(instance) if isinstance(instance, dict) else answer
        return {**shown, "service_id": ref.parts["service_id"]}


class MicroserviceInstance(
    MicroserviceInstanceTyping, RestResource, module="servicestage", name="MicroserviceInstance"
):
    """An instance registered for a microservice in an engine's registry.

    Its id is ``<engine_id>/<service_id>/<instance_id>``. Its status and properties change in
    place. The registry drops a `push` instance whose heartbeats stop; this resource sends none
    (see the module docstring): use `pull` health checks for static registrations.
    """

    provider_class: ClassVar[Any] = MicroserviceInstanceProvider

    instance_id: pulumi.Output[str]
    """The instance's ID in the registry (表7-84 `instanceId`)."""


class MicroserviceInfo(LookupResult):
    service_id: str = Field(alias="serviceId")
    service_name: str = Field(alias="serviceName")
    app_id: str | None = Field(default=None, alias="appId")
    version: str | None = None
    environment: str | None = None
    status: str | None = None


def get_microservices(
    *, engine_id: str, engine_password: str | None = None
) -> list[MicroserviceInfo]:
    """The microservices in an engine's registry (§7.3.3)."""
    client = engine_api(
        engine_id, "serviceCenter", password=engine_password, clients=program_clients()
    )
    answer = client.get(_REGISTRY.format(project_id=ENGINE_PROJECT)) or {}
    return [MicroserviceInfo.from_api(item) for item in answer.get("services") or []]


def get_microservices_output(
    *, engine_id: pulumi.Input[str], engine_password: pulumi.Input[str] | None = None
) -> pulumi.Output[list[MicroserviceInfo]]:
    """`get_microservices`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_microservices, engine_id=engine_id, engine_password=engine_password)


def get_microservice_instances(
    *, engine_id: str, service_id: str, engine_password: str | None = None
) -> list[dict[str, Any]]:
    """The instances registered for a microservice (§7.5.2), as the registry shows them."""
    client = engine_api(
        engine_id, "serviceCenter", password=engine_password, clients=program_clients()
    )
    path = f"{_REGISTRY.format(project_id=ENGINE_PROJECT)}/{quote(service_id, safe='')}/instances"
    answer = client.get(path) or {}
    return list(answer.get("instances") or [])


def get_microservice_instances_output(
    *,
    engine_id: pulumi.Input[str],
    service_id: pulumi.Input[str],
    engine_password: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[dict[str, Any]]]:
    """`get_microservice_instances`, taking other resources' outputs: an `Output` of it."""
    return output_of(
        get_microservice_instances,
        engine_id=engine_id,
        service_id=service_id,
        engine_password=engine_password,
    )


def get_microservice_schemas(
    *, engine_id: str, service_id: str, engine_password: str | None = None
) -> list[dict[str, Any]]:
    """The contracts of a microservice with their content (§7.4.3, `withSchema=1`)."""
    client = engine_api(
        engine_id, "serviceCenter", password=engine_password, clients=program_clients()
    )
    path = f"{_REGISTRY.format(project_id=ENGINE_PROJECT)}/{quote(service_id, safe='')}/schemas"
    answer = client.get(path, params={"withSchema": 1}) or {}
    return list(answer.get("schemas") or [])


def get_microservice_schemas_output(
    *,
    engine_id: pulumi.Input[str],
    service_id: pulumi.Input[str],
    engine_password: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[dict[str, Any]]]:
    """`get_microservice_schemas`, taking other resources' outputs: an `Output` of it."""
    return output_of(
        get_microservice_schemas,
        engine_id=engine_id,
        service_id=service_id,
        engine_password=engine_password,
    )


def find_microservice_instances(
    *,
    engine_id: str,
    consumer_id: str,
    app_id: str,
    service_name: str,
    engine_password: str | None = None,
) -> list[dict[str, Any]]:
    """The instances of the microservice `service_name` of `app_id`, as the consumer
    `consumer_id` discovers them (§7.5.8; the lookup records the consumer's dependency on it,
    which `get_microservice_providers` then shows)."""
    client = engine_api(
        engine_id, "serviceCenter", password=engine_password, clients=program_clients()
    )
    answer = (
        client.get(
            f"/v4/{ENGINE_PROJECT}/registry/instances",
            params={"appId": app_id, "serviceName": service_name},
            headers={"X-ConsumerId": consumer_id},
        )
        or {}
    )
    return list(answer.get("instances") or [])


def find_microservice_instances_output(
    *,
    engine_id: pulumi.Input[str],
    consumer_id: pulumi.Input[str],
    app_id: pulumi.Input[str],
    service_name: pulumi.Input[str],
    engine_password: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[dict[str, Any]]]:
    """`find_microservice_instances`, taking other resources' outputs: an `Output` of it."""
    return output_of(
        find_microservice_instances,
        engine_id=engine_id,
        consumer_id=consumer_id,
        app_id=app_id,
        service_name=service_name,
        engine_password=engine_password,
    )


def get_microservice_providers(
    *, engine_id: str, consumer_id: str, engine_password: str | None = None
) -> list[MicroserviceInfo]:
    """The microservices the consumer `consumer_id` depends on (§7.6.1)."""
    client = engine_api(
        engine_id, "serviceCenter", password=engine_password, clients=program_clients()
    )
    path = f"{_REGISTRY.format(project_id=ENGINE_PROJECT)}/{quote(consumer_id, safe='')}/providers"
    answer = client.get(path) or {}
    return [MicroserviceInfo.from_api(item) for item in answer.get("providers") or []]


def get_microservice_providers_output(
    *,
    engine_id: pulumi.Input[str],
    consumer_id: pulumi.Input[str],
    engine_password: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[MicroserviceInfo]]:
    """`get_microservice_providers`, taking other resources' outputs: an `Output` of it."""
    return output_of(
        get_microservice_providers,
        engine_id=engine_id,
        consumer_id=consumer_id,
        engine_password=engine_password,
    )
