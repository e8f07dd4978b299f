"""An engine's service registry (§7.3 to §7.6): microservices, their schemas and instances, the
heartbeats that keep instances registered, and the dependencies consumers record by looking up
providers. Methods are named after the API operations."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from ...errors import ApiError
from .errors import (
    INSTANCE_NOT_FOUND,
    INVALID_PARAMETERS,
    SCHEMA_NOT_FOUND,
    SCHEMA_NOT_MODIFIABLE,
    SERVICE_EXISTS,
    SERVICE_HAS_CONSUMERS,
    SERVICE_HAS_INSTANCES,
    SERVICE_NOT_FOUND,
    SERVICE_VERSION_NOT_FOUND,
    UNDEFINED_SCHEMA_ID,
)
from .schemas import BatchFindRequest, CreateServiceRequest, InstanceBody
from .state import (
    DEFAULT_ENVIRONMENT,
    DEFAULT_HEARTBEAT_SECONDS,
    DEFAULT_HEARTBEAT_TIMES,
    MIN_HEARTBEAT_SECONDS,
    FoundInstances,
    Heartbeat,
    Instance,
    Microservice,
    Schema,
    ServiceKey,
    instances_revision,
)

#: The application of a microservice registered without one, as in every example.
DEFAULT_APP_ID = "default"
#: The version of a microservice registered without one (the documents give none).
DEFAULT_VERSION = "0.0.1"
# 表7-30: the framework name defaults to UNKNOWN.
_DEFAULT_FRAMEWORK = "UNKNOWN"
_PRODUCTION = "production"


class Registry:
    """The microservices of one engine (under one project of its paths), on the backend's clock.

    The backend calls `expire_instances` before any other method, so an instance whose heartbeats
    stopped is gone as soon as its lease ends.
    """

    def __init__(self, clock: Callable[[], float]):
        self._clock = clock
        self._services: dict[str, Microservice] = {}
        self._schemas: dict[tuple[str, str], Schema] = {}
        self._instances: dict[tuple[str, str], Instance] = {}
        #: The providers each consumer looked up, by consumer service id (§7.6.1).
        self._dependencies: dict[str, set[ServiceKey]] = {}

    def expire_instances(self) -> None:
        """Deregister the instances whose lease has run out by now."""
        now = self._clock()
        for place, instance in list(self._instances.items()):
            expires_at = instance.expires_at()
            if expires_at is not None and now >= expires_at:
                del self._instances[place]

    # Microservices (§7.3)

    def create_service(self, request: CreateServiceRequest) -> str:
        """Register a microservice; the same one again (same environment, application, name and
        version) answers its id, as ServiceComb's service center does."""
        body = request.service
        key = ServiceKey(
            body.environment or DEFAULT_ENVIRONMENT,
            body.app_id or DEFAULT_APP_ID,
            body.service_name,
        )
        version = body.version or DEFAULT_VERSION
        existing = next(
            (s for s in self._services.values() if (s.key, s.version) == (key, version)), None
        )
        if existing is not None and body.service_id not in (None, existing.service_id):
            raise SERVICE_EXISTS.error(
                f"{_describe(key)} {version} is registered with serviceId {existing.service_id}"
            )
        if existing is None and body.service_id in self._services:
            raise SERVICE_EXISTS.error(f"serviceId {body.service_id} is taken")
        if existing is None:
            now = self._now()
            framework = body.framework.model_dump(exclude_none=True) if body.framework else None
            if framework is not None:
                framework.setdefault("name", _DEFAULT_FRAMEWORK)
            service = Microservice(
                service_id=body.service_id or secrets.token_hex(20),
                key=key,
                version=version,
                description=body.description,
                level=body.level,
                register_by=body.register_by,
                schema_ids=list(body.schemas or []),
                status=body.status or "UP",
                timestamp=now,
                mod_timestamp=now,
                framework=framework,
                paths=(
                    [path.model_dump(by_alias=True, exclude_none=True) for path in body.paths]
                    if body.paths is not None
                    else None
                ),
                properties=body.properties,
                tags=dict(request.tags or {}),
            )
            self._services[service.service_id] = service
            existing = service
        for instance in request.instances or []:
            self.register_instance(existing.service_id, instance)
        return existing.service_id

    def show_service(self, service_id: str) -> Microservice:
        return self._service(service_id)

    def list_services(self) -> list[Microservice]:
        return list(self._services.values())

    def delete_service(self, service_id: str, *, force: bool) -> None:
        """Delete a microservice with its schemas; with `force`, also its instances and the
        dependencies on it (表7-14), which otherwise keep it."""
        service = self._service(service_id)
        if not force:
            if self._instances_of(service_id):
                raise SERVICE_HAS_INSTANCES.error(
                    f"service {service_id} has instances; deregister them or delete with force=true"
                )
            consumers = self._consumers_of(service)
            if consumers:
                raise SERVICE_HAS_CONSUMERS.error(
                    f"services {', '.join(consumers)} depend on service {service_id}; delete "
                    "with force=true"
                )
        del self._services[service_id]
        for place in [place for place in self._schemas if place[0] == service_id]:
            del self._schemas[place]
        for place in [place for place in self._instances if place[0] == service_id]:
            del self._instances[place]
        self._dependencies.pop(service_id, None)
        if not any(other.key == service.key for other in self._services.values()):
            for providers in self._dependencies.values():
                providers.discard(service.key)

    def delete_services(self, service_ids: Iterable[str], *, force: bool) -> list[str]:
        """Delete each microservice as `delete_service` would; when one cannot be, the others
        are still deleted and the answer is ServiceComb's 400 naming each failure."""
        deleted: list[str] = []
        failures: list[str] = []
        for service_id in dict.fromkeys(service_ids):
            try:
                self.delete_service(service_id, force=force)
            except ApiError as error:
                failures.append(f"{service_id}: {error.body['detail']}")
            else:
                deleted.append(service_id)
        if failures:
            raise INVALID_PARAMETERS.error(f"Delete services failed. {'; '.join(failures)}")
        return deleted

    def update_service_properties(self, service_id: str, properties: dict[str, Any]) -> None:
        """Replace a microservice's properties (§7.3.6: the whole set each time)."""
        service = self._service(service_id)
        service.properties = properties
        service.mod_timestamp = self._now()

    def find_service_id(
        self, *, environment: str | None, app_id: str, service_name: str, version: str
    ) -> str:
        """§7.3.7 for type microservice."""
        key = ServiceKey(environment or DEFAULT_ENVIRONMENT, app_id, service_name)
        named = [service for service in self._services.values() if service.key == key]
        if not named:
            raise SERVICE_NOT_FOUND.error(f"{_describe(key)} does not exist")
        for service in named:
            if service.version == version:
                return service.service_id
        raise SERVICE_VERSION_NOT_FOUND.error(f"{_describe(key)} has no version {version}")

    # Schemas (§7.4)

    def show_schema(self, service_id: str, schema_id: str) -> Schema:
        self._service(service_id)
        schema = self._schemas.get((service_id, schema_id))
        if schema is None:
            raise SCHEMA_NOT_FOUND.error(f"service {service_id} has no schema {schema_id}")
        return schema

    def update_schema(
        self, service_id: str, schema_id: str, *, content: str, summary: str | None
    ) -> None:
        """Write a schema. A production microservice takes only the schemas it declared, once
        each (表7-29; §7.4.2's constraint); others declare the schemas they are given."""
        service = self._service(service_id)
        declared = schema_id in service.schema_ids
        if service.key.environment == _PRODUCTION:
            if not declared:
                raise UNDEFINED_SCHEMA_ID.error(
                    f"production service {service_id} does not declare schema {schema_id}"
                )
            if (service_id, schema_id) in self._schemas:
                raise SCHEMA_NOT_MODIFIABLE.error(
                    f"schema {schema_id} of production service {service_id} is already written"
                )
        elif not declared:
            service.schema_ids.append(schema_id)
            service.mod_timestamp = self._now()
        self._schemas[service_id, schema_id] = Schema(content, summary)

    def list_schemas(self, service_id: str) -> list[tuple[str, Schema | None]]:
        """Each schema a microservice declares, with its content once written."""
        service = self._service(service_id)
        return [
            (schema_id, self._schemas.get((service_id, schema_id)))
            for schema_id in service.schema_ids
        ]

    # Instances (§7.5)

    def register_instance(self, service_id: str, body: InstanceBody) -> str:
        """Register an instance: its own instanceId again, or without one the endpoints of a
        registered instance, overwrite that instance (§7.5.1)."""
        service = self._service(service_id)
        instance_id = body.instance_id
        if instance_id is None:
            endpoints = sorted(body.endpoints or [])
            same = next(
                (
                    instance
                    for instance in self._instances_of(service_id)
                    if endpoints and sorted(instance.endpoints) == endpoints
                ),
                None,
            )
            instance_id = same.instance_id if same is not None else uuid.uuid4().hex
        check = body.health_check
        heartbeat = (
            Heartbeat("push", None, DEFAULT_HEARTBEAT_SECONDS, DEFAULT_HEARTBEAT_TIMES)
            if check is None
            else Heartbeat(
                check.mode, check.port, max(check.interval, MIN_HEARTBEAT_SECONDS), check.times
            )
        )
        now = self._clock()
        earlier = self._instances.get((service_id, instance_id))
        self._instances[service_id, instance_id] = Instance(
            instance_id=instance_id,
            service_id=service_id,
            version=body.version or service.version,
            host_name=body.host_name,
            endpoints=list(body.endpoints or []),
            status=body.status or "UP",
            properties=body.properties,
            heartbeat=heartbeat,
            data_center_info=(
                body.data_center_info.model_dump(by_alias=True)
                if body.data_center_info is not None
                else None
            ),
            timestamp=earlier.timestamp if earlier is not None else int(now),
            mod_timestamp=int(now),
            last_heartbeat=now,
        )
        return instance_id

    def list_instances(
        self, service_id: str, *, tags: list[str], consumer_id: str | None
    ) -> list[Instance]:
        self._consumer(consumer_id)
        service = self._service(service_id)
        return self._instances_of(service_id) if _tagged(service, tags) else []

    def show_instance(
        self, service_id: str, instance_id: str, *, consumer_id: str | None = None
    ) -> Instance:
        self._consumer(consumer_id)
        self._service(service_id)
        instance = self._instances.get((service_id, instance_id))
        if instance is None:
            raise INSTANCE_NOT_FOUND.error(f"service {service_id} has no instance {instance_id}")
        return instance

    def delete_instance(self, service_id: str, instance_id: str) -> None:
        self.show_instance(service_id, instance_id)
        del self._instances[service_id, instance_id]

    def update_instance_properties(
        self, service_id: str, instance_id: str, properties: dict[str, Any] | None
    ) -> None:
        """Replace an instance's properties with the body's."""
        instance = self.show_instance(service_id, instance_id)
        instance.properties = properties
        instance.mod_timestamp = self._now()

    def update_instance_status(self, service_id: str, instance_id: str, status: str) -> None:
        instance = self.show_instance(service_id, instance_id)
        instance.status = status
        instance.mod_timestamp = self._now()

    def heartbeat(self, service_id: str, instance_id: str) -> None:
        """Renew an instance's lease (§7.5.7)."""
        self.show_instance(service_id, instance_id).last_heartbeat = self._clock()

    def find_instances(
        self,
        *,
        app_id: str,
        service_name: str,
        environment: str | None,
        tags: list[str],
        consumer_id: str | None,
    ) -> list[Instance]:
        """The instances of every version of a provider (§7.5.8); a consumer that names itself
        becomes one of the provider's consumers (§7.6.1)."""
        consumer = self._consumer(consumer_id)
        key = ServiceKey(environment or DEFAULT_ENVIRONMENT, app_id, service_name)
        providers = [service for service in self._services.values() if service.key == key]
        if not providers:
            raise SERVICE_NOT_FOUND.error(f"provider {_describe(key)} does not exist")
        if consumer is not None:
            self._dependencies.setdefault(consumer.service_id, set()).add(key)
        return [
            instance
            for provider in providers
            if _tagged(provider, tags)
            for instance in self._instances_of(provider.service_id)
        ]

    def batch_find(
        self, request: BatchFindRequest, *, consumer_id: str | None
    ) -> dict[str, FoundInstances]:
        """§7.5.9: each entry answered apart, as updated (with its revision), not modified (the
        revision the client holds) or failed."""
        self._consumer(consumer_id)
        found: dict[str, FoundInstances] = {}
        if request.services is not None:
            section = found["services"] = FoundInstances()
            for index, wanted in enumerate(request.services):
                try:
                    instances = self.find_instances(
                        app_id=wanted.service.app_id,
                        service_name=wanted.service.service_name,
                        environment=wanted.service.environment,
                        tags=[],
                        consumer_id=consumer_id,
                    )
                except ApiError as error:
                    section.failed.append((index, error))
                    continue
                _record(section, index, wanted.rev, instances)
        if request.instances is not None:
            section = found["instances"] = FoundInstances()
            for index, entry in enumerate(request.instances):
                element = entry.instance
                if element is None or element.service_id is None or element.instance_id is None:
                    section.failed.append(
                        (
                            index,
                            INVALID_PARAMETERS.error(
                                f"instances[{index}].instance: serviceId and instanceId name "
                                "the instance to find"
                            ),
                        )
                    )
                    continue
                try:
                    instance = self.show_instance(element.service_id, element.instance_id)
                except ApiError as error:
                    section.failed.append((index, error))
                    continue
                _record(section, index, entry.rev, [instance])
        return found

    # Dependencies (§7.6)

    def list_providers(self, consumer_id: str, *, include_self: bool) -> list[Microservice]:
        consumer = self._service(consumer_id)
        keys = self._dependencies.get(consumer.service_id, set())
        return [
            service
            for service in self._services.values()
            if service.key in keys and (include_self or service.service_id != consumer_id)
        ]

    # Helpers

    def _now(self) -> int:
        return int(self._clock())

    def _service(self, service_id: str) -> Microservice:
        service = self._services.get(service_id)
        if service is None:
            raise SERVICE_NOT_FOUND.error(f"service {service_id} does not exist")
        return service

    def _consumer(self, consumer_id: str | None) -> Microservice | None:
        """The service an ``X-ConsumerId`` header names, which must exist."""
        if not consumer_id:
            return None
        consumer = self._services.get(consumer_id)
        if consumer is None:
            raise SERVICE_NOT_FOUND.error(f"consumer {consumer_id} does not exist")
        return consumer

    def _instances_of(self, service_id: str) -> list[Instance]:
        return [instance for (owner, _), instance in self._instances.items() if owner == service_id]

    def _consumers_of(self, service: Microservice) -> list[str]:
        return [
            consumer_id
            for consumer_id, providers in self._dependencies.items()
            if consumer_id != service.service_id and service.key in providers
        ]


def _tagged(service: Microservice, tags: list[str]) -> bool:
    return all(tag in service.tags for tag in tags)


def _record(
    section: FoundInstances, index: int, client_rev: str | None, instances: list[Instance]
) -> None:
    rev = instances_revision(instances)
    if client_rev == rev:
        section.not_modified.append(index)
    else:
        section.updated.append((index, rev, instances))


def _describe(key: ServiceKey) -> str:
    return f"{key.environment}/{key.app_id}/{key.service_name}"
