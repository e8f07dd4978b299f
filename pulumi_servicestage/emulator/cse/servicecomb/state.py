"""What an engine holds: its microservices, their schemas and instances, the dependencies its
consumers found, its configuration items and the tokens it issued; and how the API shows them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ...errors import ApiError, ErrorCode

#: The environment of a microservice registered without one (表7-29, "默认值development").
DEFAULT_ENVIRONMENT = "development"
#: The heartbeat of an instance registered without a health check: the documents' examples
#: (push, every 30 s, 3 times).
DEFAULT_HEARTBEAT_SECONDS = 30
DEFAULT_HEARTBEAT_TIMES = 3
#: The shortest heartbeat interval; shorter ones are registered as this (表7-34, 表7-81).
MIN_HEARTBEAT_SECONDS = 5


@dataclass(frozen=True)
class ServiceKey:
    """What names a microservice apart from its version; consumers depend on providers by it."""

    environment: str
    app_id: str
    service_name: str


@dataclass
class Microservice:
    service_id: str
    key: ServiceKey
    version: str
    description: str | None
    level: str | None
    register_by: str | None
    schema_ids: list[str]
    status: str
    timestamp: int
    mod_timestamp: int
    framework: dict[str, Any] | None
    paths: list[dict[str, Any]] | None
    properties: dict[str, Any] | None
    #: The tags given at creation (表7-28); instance queries filter by their keys.
    tags: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "serviceId": self.service_id,
            "environment": self.key.environment,
            "appId": self.key.app_id,
            "serviceName": self.key.service_name,
            "version": self.version,
            "description": self.description,
            "level": self.level,
            "registerBy": self.register_by,
            "schemas": self.schema_ids or None,
            "status": self.status,
            "timestamp": str(self.timestamp),
            "modTimestamp": str(self.mod_timestamp),
            "framework": self.framework,
            "paths": self.paths,
            "properties": self.properties,
        }
        # As the examples show a service: fields never set are left out.
        return {name: value for name, value in shown.items() if value is not None}


@dataclass
class Schema:
    content: str
    summary: str | None


@dataclass(frozen=True)
class Heartbeat:
    """An instance's health check as registered (表7-34): ``interval`` already raised to the
    minimum."""

    mode: str
    port: int | None
    interval: int
    times: int

    def lifetime(self) -> float | None:
        """How long the instance stays without a heartbeat: `times` more intervals after the one
        it missed (ServiceComb's lease, interval * (times + 1)); None for ``pull``, whose health
        the registry would check itself on the instance's port, which the emulator cannot
        reach."""
        if self.mode != "push":
            return None
        return float(self.interval * (max(self.times, 0) + 1))

    def to_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"mode": self.mode, "interval": self.interval, "times": self.times}
        if self.port is not None:
            shown["port"] = self.port
        return shown


@dataclass
class Instance:
    instance_id: str
    service_id: str
    version: str
    host_name: str
    endpoints: list[str]
    status: str
    properties: dict[str, Any] | None
    heartbeat: Heartbeat
    data_center_info: dict[str, Any] | None
    timestamp: int
    mod_timestamp: int
    #: When the registry last heard from the instance (registration or heartbeat), unrounded.
    last_heartbeat: float

    def expires_at(self) -> float | None:
        lifetime = self.heartbeat.lifetime()
        return None if lifetime is None else self.last_heartbeat + lifetime

    def to_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "instanceId": self.instance_id,
            "serviceId": self.service_id,
            "endpoints": self.endpoints,
            "hostName": self.host_name,
            "status": self.status,
            "properties": self.properties,
            "healthCheck": self.heartbeat.to_dict(),
            "dataCenterInfo": self.data_center_info,
            "timestamp": str(self.timestamp),
            "modTimestamp": str(self.mod_timestamp),
            "version": self.version,
        }
        return {name: value for name, value in shown.items() if value is not None}


def instances_revision(instances: list[Instance]) -> str:
    """The revision of a set of instances as a batch query reports it (表7-143): it changes
    whenever an instance comes, goes or changes."""
    shown = sorted((instance.to_dict() for instance in instances), key=lambda d: d["instanceId"])
    return hashlib.sha1(json.dumps(shown, sort_keys=True).encode()).hexdigest()


@dataclass
class FoundInstances:
    """One answer section of a batch query (表7-140), for either services or instances."""

    updated: list[tuple[int, str, list[Instance]]] = field(default_factory=list)
    not_modified: list[int] = field(default_factory=list)
    failed: list[tuple[int, ApiError]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        if self.updated:
            shown["updated"] = [
                {
                    "index": index,
                    "rev": rev,
                    "instances": [instance.to_dict() for instance in instances],
                }
                for index, rev, instances in self.updated
            ]
        if self.not_modified:
            shown["notModified"] = self.not_modified
        if self.failed:
            # Entries failing for the same reason share one error (表7-141: indexes and error).
            by_error: dict[str, tuple[list[int], dict[str, Any]]] = {}
            for index, error in self.failed:
                key = json.dumps(error.body, sort_keys=True)
                by_error.setdefault(key, ([], error.body))[0].append(index)
            shown["failed"] = [
                {"indexes": indexes, "error": body} for indexes, body in by_error.values()
            ]
        return shown


@dataclass
class KeyValue:
    """A configuration item (表6-6, 表7-162): unique by key and labels."""

    id: str
    key: str
    value: str
    value_type: str
    status: str
    labels: dict[str, str]
    create_time: int
    update_time: int
    create_revision: int
    update_revision: int

    def to_dict(self) -> dict[str, Any]:
        """As the configuration center shows it; revisions spelled as the examples and the SDK's
        GetKieConfigs (the tables print create_version and update_version)."""
        return {
            "id": self.id,
            "key": self.key,
            "value": self.value,
            "value_type": self.value_type,
            "status": self.status,
            "labels": dict(self.labels),
            "create_time": self.create_time,
            "update_time": self.update_time,
            "create_revision": self.create_revision,
            "update_revision": self.update_revision,
        }

    def to_export_dict(self) -> dict[str, Any]:
        """As an export file holds it (表6-15), which an import reads back."""
        return {
            "id": self.id,
            "key": self.key,
            "labels": dict(self.labels),
            "value": self.value,
            "status": self.status,
            "value_type": self.value_type,
        }


@dataclass(frozen=True)
class ImportFailure:
    """An item of an import file that was not imported (表6-7), with the 表11-3 row that says
    why."""

    key: str
    labels: dict[str, str]
    code: ErrorCode
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "labels": self.labels,
            "error_code": self.code.code,
            "error_message": f"{self.code.message} {self.detail}",
        }


@dataclass(frozen=True)
class EngineToken:
    """A token an engine issued (§7.2.1)."""

    engine_id: str
    expires_at: float
