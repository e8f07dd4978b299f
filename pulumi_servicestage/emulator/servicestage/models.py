"""ServiceStage's state and business rules for one project: environments, applications and their
configurations, components, runtime stacks, and the deploy jobs' effects on components."""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from typing import Any, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import (
    APPLICATION_NOT_EMPTY,
    APPLICATION_NOT_FOUND,
    CANNOT_OPERATE_IN_CURRENT_STATUS,
    COMPONENT_NOT_FOUND,
    ENVIRONMENT_IN_USE,
    ENVIRONMENT_NAME_USED,
    ENVIRONMENT_NOT_FOUND,
    NAME_EXISTS,
    PARAMETER_INVALID,
    RUNTIME_NOT_SUPPORTED,
)
from ..jobs import ExecutionStatus, JobBackend, JobOperation

# Names of environments, applications and components (API reference §4.1.1, §4.2.1, §4.3.1).
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,62}[A-Za-z0-9]$"
# Verbatim from the reference, unescaped dot included: the service accepts "1a2b3".
VERSION_PATTERN = r"^([0-9]+)(.[0-9]+){2,3}$"
_LABEL_KEY_PATTERN = r"^[0-9A-Za-z_\-\u4e00-\u9fa5]{1,36}$"
_RESERVED_LABEL_KEYS = frozenset({"app", "casid", "version"})
MAX_LABELS = 20
DEFAULT_ENTERPRISE_PROJECT_ID = "0"
# The reference gives no default environment type; "mixed" accepts components of either kind.
DEFAULT_DEPLOY_MODE = "mixed"


class _WireObject(BaseModel):
    """A JSON object from a request: types are checked strictly, unknown fields are dropped."""

    model_config = ConfigDict(strict=True, extra="ignore")


class _NestedObject(BaseModel):
    """A nested JSON object: known fields are checked, unknown ones are kept and echoed back."""

    model_config = ConfigDict(strict=True, extra="allow")


class ResourceLabel(_WireObject):
    """A label of an environment or application."""

    key: str = Field(pattern=_LABEL_KEY_PATTERN)
    value: str = Field(pattern=r"^[0-9A-Za-z_.\-\u4e00-\u9fa5]{2,43}$")


class ConfigurationVariable(_WireObject):
    """An environment variable of an application's configuration for one environment."""

    name: str = Field(pattern=r"^[A-Za-z_-][A-Za-z0-9_.-]{0,63}$")
    value: str


class ComponentLabel(_WireObject):
    key: str = Field(pattern=_LABEL_KEY_PATTERN)
    value: str = Field(pattern=r"^[0-9A-Za-z_.\-\u4e00-\u9fa5]{0,43}$")

    @field_validator("key")
    @classmethod
    def _not_reserved(cls, key: str) -> str:
        if key in _RESERVED_LABEL_KEYS:
            raise ValueError(f"{key!r} is reserved (app, casid and version are set by the service)")
        return key


class RuntimeStackRef(_WireObject):
    name: str
    type: Literal["Java", "Tomcat", "Nodejs", "Php", "Docker", "Python"]
    version: str
    deploy_mode: Literal["container", "virtualmachine"]


class Source(_NestedObject):
    kind: Literal["code", "package", "image"]
    url: str | None = None
    storage: str | None = None

    @model_validator(mode="after")
    def _artifact_located(self) -> Source:
        if self.kind != "code" and not (self.url and self.storage):
            raise ValueError(f"url and storage are required when kind is {self.kind}")
        return self


class Build(_NestedObject):
    parameters: dict[str, Any] | None = None


class ValueFrom(_NestedObject):
    reference_type: Literal["configMapKey", "secretKey"]
    name: str
    key: str | None = None
    optional: bool | None = None


class EnvVariable(_NestedObject):
    name: str = Field(min_length=1)
    value: str | None = None
    value_from: ValueFrom | None = None


class StorageParameters(_NestedObject):
    path: str | None = None
    name: str | None = None
    default_mode: int | None = None
    medium: str | None = None


class Mount(_NestedObject):
    path: str
    sub_path: str
    read_only: bool


class Storage(_NestedObject):
    type: Literal["HostPath", "EmptyDir", "ConfigMap", "Secret", "PersistentVolumeClaim"]
    name: str
    parameters: StorageParameters
    mounts: list[Mount]


class RollingRelease(_NestedObject):
    batches: int = Field(ge=1)


class GrayRelease(_NestedObject):
    type: Literal["weight", "content"]
    first_batch_weight: int | None = Field(None, ge=0, le=100)
    first_batch_replica: int | None = Field(None, ge=0)
    remaining_batch: int | None = Field(None, ge=0)
    deployment_mode: int | None = None
    replica_surge_mode: Literal["mirror", "extra", "no_surge"] | None = None
    rule_match_mode: Literal["all", "any"] | None = None
    rules: list[dict[str, Any]] | None = None

    @model_validator(mode="after")
    def _complete_for_its_type(self) -> GrayRelease:
        needed = {
            "weight": ("first_batch_weight", "first_batch_replica", "remaining_batch"),
            "content": ("replica_surge_mode", "rule_match_mode", "rules"),
        }[self.type]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{', '.join(missing)} required when type is {self.type}")
        return self


class DeployStrategy(_NestedObject):
    type: Literal["OneBatchRelease", "RollingRelease", "GrayRelease"]
    rolling_release: RollingRelease | None = None
    gray_release: GrayRelease | None = None

    @model_validator(mode="after")
    def _has_its_parameters(self) -> DeployStrategy:
        if self.type == "RollingRelease" and self.rolling_release is None:
            raise ValueError("rolling_release is required when type is RollingRelease")
        if self.type == "GrayRelease" and self.gray_release is None:
            raise ValueError("gray_release is required when type is GrayRelease")
        return self


class Command(_NestedObject):
    command: list[str] | None = None
    args: list[str] | None = None


class Lifecycle(_NestedObject):
    type: Literal["http", "command"]
    scheme: Literal["HTTP", "HTTPS"] | None = None
    host: str | None = None
    port: int | None = Field(None, ge=1, le=65535)
    path: str | None = None
    command: list[str] | None = None


class Mesher(_NestedObject):
    port: int = Field(ge=1, le=65535)


class TomcatOptions(_NestedObject):
    server_xml: str | None = None


class HostAlias(_NestedObject):
    ip: str
    hostnames: list[str]


class DnsConfig(_NestedObject):
    nameservers: list[str] | None = None
    searches: list[str] | None = None
    options: list[dict[str, Any]] | None = None


class SecurityContext(_NestedObject):
    run_as_user: int | None = None
    run_as_group: int | None = None
    capabilities: dict[str, Any] | None = None


class LogCollection(_NestedObject):
    log_path: str
    rotate: str
    host_path: str
    host_extend_path: Literal[
        "None", "PodUID", "PodName", "PodUID/ContainerName", "PodName/ContainerName"
    ]


class CustomMetric(_NestedObject):
    path: str
    port: int = Field(ge=1, le=65535)
    dimensions: str


class Probe(_NestedObject):
    type: Literal["http", "tcp", "command"]
    delay: int = Field(ge=0)
    timeout: int = Field(ge=0)
    scheme: Literal["HTTP", "HTTPS"] | None = None
    host: str | None = None
    port: int | None = Field(None, ge=1, le=65535)
    path: str | None = None
    command: list[str] | None = None


class ReferResource(_NestedObject):
    id: str = Field(min_length=1)
    type: Literal["vpc", "eip", "elb", "cce", "ecs", "as", "cse", "dcs", "rds"]
    parameters: dict[str, Any] | None = None


class ExternalAccess(_NestedObject):
    protocol: Literal["http", "https"] | None = None
    address: str | None = None
    forward_port: int | None = Field(None, ge=1, le=65535)


Affinity = dict[str, Any] | list[dict[str, Any]]


class ComponentSpec(_WireObject):
    """A component's configuration, as sent to create or modify it and as shown back.

    Fields follow the reference (§4.3.1, §4.3.5) and the official SDK's ``ComponentCreate``; the
    ones the reference marks mandatory for creation only (``environment_id``,
    ``refer_resources``) are checked by the backend.
    """

    name: str = Field(pattern=NAME_PATTERN)
    runtime_stack: RuntimeStackRef
    source: Source
    version: str = Field(pattern=VERSION_PATTERN, max_length=32)
    replica: int = Field(ge=0)
    environment_id: str | None = None
    description: str | None = Field(None, max_length=128)
    labels: list[ComponentLabel] | None = None
    build: Build | None = None
    limit_cpu: float | None = Field(None, ge=0)
    limit_memory: float | None = Field(None, ge=0)
    request_cpu: float | None = Field(None, ge=0)
    request_memory: float | None = Field(None, ge=0)
    envs: list[EnvVariable] | None = None
    storages: list[Storage] | None = None
    deploy_strategy: DeployStrategy | None = None
    command: Command | None = None
    post_start: Lifecycle | None = None
    pre_stop: Lifecycle | None = None
    mesher: Mesher | None = None
    timezone: str | None = None
    jvm_opts: str | None = None
    tomcat_opts: TomcatOptions | None = None
    host_aliases: list[HostAlias] | None = None
    dns_policy: Literal["Default", "ClusterFirst", "ClusterFirstWithHostNet", "None"] | None = None
    dns_config: DnsConfig | None = None
    workload_kind: Literal["deployment", "statefulset", "daemonset"] | None = None
    security_context: SecurityContext | None = None
    logs: list[LogCollection] | None = None
    custom_metric: CustomMetric | None = None
    # The reference documents a list of rules; the SDK sends an object with az/node/component.
    affinity: Affinity | None = None
    anti_affinity: Affinity | None = None
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    refer_resources: list[ReferResource] | None = None
    external_accesses: list[ExternalAccess] | None = None
    swimlane_id: str | None = None
    container_name: str | None = None
    image_pull_secrets: list[str] | None = None
    tolerations: list[dict[str, Any]] | None = None
    update_strategy: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True, exclude={"environment_id"})


class ComponentStatus(str, Enum):
    """`status.component_status` values (API reference §4.3.3, table 4-171)."""

    INITIALIZING = "INITIALIZING"
    UPGRADING = "UPGRADING"
    FAILED = "FAILED"
    RUNNING = "RUNNING"
    DOWN = "DOWN"
    DELETING = "DELETING"
    DELETED = "DELETED"
    RESERVED = "RESERVED"
    STARTING = "STARTING"
    STOPPING = "STOPPING"
    STOPPED = "STOPPED"
    RESTARTING = "RESTARTING"
    PENDING = "PENDING"
    UNKNOWN = "UNKNOWN"
    PARTIALLY_FAILED = "PARTIALLY_FAILED"


# While a job works on a component, the component shows what the job is doing and refuses others.
_STATUS_WHILE_JOB_RUNS = {
    JobOperation.CREATE_COMPONENT: ComponentStatus.INITIALIZING,
    JobOperation.MODIFY_COMPONENT: ComponentStatus.UPGRADING,
    JobOperation.DELETE_COMPONENT: ComponentStatus.DELETING,
}
_FAIL_DETAILS = {
    JobOperation.CREATE_COMPONENT: "create_failed",
    JobOperation.DELETE_COMPONENT: "delete_failed",
}


def _labels_to_dict(labels: Iterable[BaseModel]) -> list[dict[str, Any]]:
    return [label.model_dump() for label in labels]


@dataclass
class RuntimeStack:
    """A built-in technology stack that components can run on (§4.4.1)."""

    id: str
    name: str
    type: str
    version: str
    deploy_mode: str
    sdk: str
    image: str | None

    def matches(self, ref: RuntimeStackRef) -> bool:
        return (ref.name, ref.type, ref.version, ref.deploy_mode) == (
            self.name,
            self.type,
            self.version,
            self.deploy_mode,
        )

    def to_dict(self, *, project_id: str, component_count: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "project_id": project_id,
            "deploy_mode": self.deploy_mode,
            "type": self.type,
            "version": self.version,
            "spec": {
                "os": "Linux",
                "sdk": self.sdk,
                "parameters": {"image": self.image} if self.image else None,
            },
            "system": 1,
            "status": "Supported",
            "create_time": _BUILT_IN_STACKS_CREATED,
            "update_time": _BUILT_IN_STACKS_CREATED,
            "component_count": component_count,
        }


_BUILT_IN_STACKS_CREATED = 1722416061588
# (name, type, deploy mode, version, SDK, base image). The OpenJDK entries are the reference's
# examples (§4.3.1, §4.3.5, §4.4.1); the others follow the same pattern.
_BUILT_IN_STACKS = (
    ("OpenJDK8", "Java", "container", "1.2.0", "OpenJDK-1.8.0_412", "openjdk:8-jre"),
    ("OpenJDK8", "Java", "virtualmachine", "1.2.0", "OpenJDK-1.8.0_412", None),
    ("OpenJDK8", "Java", "virtualmachine", "1.1.1", "OpenJDK-1.8.0_372", None),
    ("OpenJDK11", "Java", "container", "1.3.7", "OpenJDK-11.0.23", "openjdk:11-jre"),
    ("OpenJDK11", "Java", "virtualmachine", "1.3.7", "OpenJDK-11.0.23", None),
    ("OpenJDK17", "Java", "container", "1.3.7", "OpenJDK-17.0.11", "openjdk:17-jre"),
    ("Tomcat8", "Tomcat", "container", "1.2.0", "Tomcat-8.5.100", "tomcat:8.5-jre8"),
    ("Tomcat8", "Tomcat", "virtualmachine", "1.2.0", "Tomcat-8.5.100", None),
    ("Nodejs16", "Nodejs", "container", "1.2.0", "Node.js-16.20.2", "node:16"),
    ("Nodejs16", "Nodejs", "virtualmachine", "1.2.0", "Node.js-16.20.2", None),
    ("Python3", "Python", "container", "1.1.0", "Python-3.9.19", "python:3.9"),
    ("Php7", "Php", "container", "1.0.0", "PHP-7.4.33", "php:7.4-apache"),
    ("Docker", "Docker", "container", "1.0.0", "Docker", None),
)


def built_in_runtime_stacks(project_id: str) -> list[RuntimeStack]:
    return [
        RuntimeStack(
            id=str(
                uuid.uuid5(uuid.NAMESPACE_URL, f"servicestage:{project_id}:{name}:{mode}:{version}")
            ),
            name=name,
            type=stack_type,
            version=version,
            deploy_mode=mode,
            sdk=sdk,
            image=image,
        )
        for name, stack_type, mode, version, sdk, image in _BUILT_IN_STACKS
    ]


@dataclass
class Environment:
    id: str
    project_id: str
    name: str
    description: str
    enterprise_project_id: str
    vpc_id: str
    deploy_mode: str
    labels: list[ResourceLabel]
    creator: str
    create_time: int
    update_time: int
    sequence: int

    @property
    def resources(self) -> list[dict[str, Any]]:
        # Resources are managed through CCE, ECS, ELB... which the emulator does not have.
        return []

    def to_dict(self, *, with_resources: bool = False) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "project_id": self.project_id,
            "enterprise_project_id": self.enterprise_project_id,
            "deploy_mode": self.deploy_mode,
            "vpc_id": self.vpc_id,
            "creator": self.creator,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "labels": _labels_to_dict(self.labels),
        }
        if with_resources:
            shown["resources"] = self.resources
        return shown


@dataclass
class ApplicationConfiguration:
    """An application's environment variables for one environment (§4.2.6)."""

    application_id: str
    environment_id: str
    env: list[ConfigurationVariable]

    def to_dict(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "environment_id": self.environment_id,
            "configuration": {"env": [variable.model_dump() for variable in self.env]},
        }


@dataclass
class Application:
    id: str
    project_id: str
    name: str
    description: str
    enterprise_project_id: str
    labels: list[ResourceLabel]
    creator: str
    create_time: int
    update_time: int
    sequence: int
    components: dict[str, Component] = field(default_factory=dict)
    configurations: dict[str, ApplicationConfiguration] = field(default_factory=dict)

    def to_dict(self, *, with_component_count: bool = True) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "creator": self.creator,
            "project_id": self.project_id,
            "enterprise_project_id": self.enterprise_project_id,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "labels": _labels_to_dict(self.labels),
        }
        if with_component_count:
            shown["component_count"] = len(self.components)
        return shown


@dataclass
class Component:
    id: str
    application: Application
    environment: Environment
    stack: RuntimeStack
    spec: ComponentSpec
    creator: str
    create_time: int
    update_time: int
    sequence: int
    status: ComponentStatus
    last_job_id: str = ""
    available_replica: int = 0
    fail_detail: str | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def job_running(self) -> bool:
        return self.status in _STATUS_WHILE_JOB_RUNS.values()

    def to_dict(self) -> dict[str, Any]:
        """The full component, as `GET .../components/{component_id}` shows it (§4.3.7)."""
        return {
            **self.spec.to_dict(),
            "id": self.id,
            "description": self.spec.description or "",
            "labels": _labels_to_dict(self.spec.labels or []),
            "environment_id": self.environment.id,
            "application_id": self.application.id,
            "status": self._status_dict(),
        }

    def to_summary(self) -> dict[str, Any]:
        """A component as the list operations show it (§4.3.3, §4.3.4)."""
        return {
            "id": self.id,
            "name": self.name,
            "labels": _labels_to_dict(self.spec.labels or []),
            "status": self._status_dict(),
            "runtime_stack": self.spec.runtime_stack.model_dump(),
            "application_name": self.application.name,
            "application_id": self.application.id,
            "environment_name": self.environment.name,
            "environment_id": self.environment.id,
            "version": self.spec.version,
            "source": self.spec.source.model_dump(mode="json", exclude_unset=True),
            "creator": self.creator,
            "platform_type": "cce" if self.stack.deploy_mode == "container" else "ecs",
            "external_accesses": (
                [access.model_dump(exclude_unset=True) for access in self.spec.external_accesses]
                if self.spec.external_accesses is not None
                else None
            ),
        }

    def _status_dict(self) -> dict[str, Any]:
        source = self.spec.source
        artifact = {"type": source.kind, "url": source.url} if source.kind != "code" else None
        return {
            "component_status": self.status.value,
            "available_replica": self.available_replica,
            "replica": self.spec.replica,
            "fail_detail": self.fail_detail,
            "last_job_id": self.last_job_id,
            "creator": self.creator,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "artifact": artifact,
        }


class _Listed(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def create_time(self) -> int: ...
    @property
    def update_time(self) -> int: ...
    @property
    def sequence(self) -> int: ...


_Item = TypeVar("_Item", bound=_Listed)


@dataclass(frozen=True)
class Page(Generic[_Item]):
    """One page of a list and the number of items on all pages."""

    items: list[_Item]
    count: int


_ORDER_KEYS = ("create_time", "name", "update_time")


def page_of(
    items: Iterable[_Item], *, order_by: str, order: str, limit: int | None, offset: int
) -> Page[_Item]:
    """Sort as asked and cut out a page; `limit` None or 0 means all remaining items."""
    # Values outside the documented enums fall back to the defaults, as the reference says. The
    # creation sequence breaks ties between objects created within the same millisecond.
    key = order_by if order_by in _ORDER_KEYS else "create_time"
    ordered = sorted(
        items, key=lambda item: (getattr(item, key), item.sequence), reverse=order != "asc"
    )
    end = None if not limit else offset + limit
    return Page(items=ordered[offset:end], count=len(ordered))


class ServiceStageBackend:
    """ServiceStage in one project. Methods are named after the API operations they serve.

    All methods hold the emulator's state lock, and first apply the effects of every deploy job
    that has ended by now, so what they return is current.
    """

    def __init__(
        self,
        *,
        project_id: str,
        jobs: JobBackend,
        clock: Callable[[], float],
        lock: threading.RLock,
    ):
        self.project_id = project_id
        self._jobs = jobs
        self._clock = clock
        self._lock = lock
        self._environments: dict[str, Environment] = {}
        self._applications: dict[str, Application] = {}
        self._runtime_stacks = built_in_runtime_stacks(project_id)
        self._sequence = itertools.count()

    def reset(self) -> None:
        """Forget every environment, application and component of the project."""
        with self._lock:
            self._environments.clear()
            self._applications.clear()

    # Environments (§4.1)

    def create_environment(
        self,
        *,
        name: str,
        vpc_id: str,
        creator: str,
        deploy_mode: str | None = None,
        description: str | None = None,
        enterprise_project_id: str | None = None,
        labels: list[ResourceLabel] | None = None,
    ) -> Environment:
        with self.current_state():
            self._check_environment_name_free(name)
            now = self.now_ms()
            environment = Environment(
                id=str(uuid.uuid4()),
                project_id=self.project_id,
                name=name,
                description=description or "",
                enterprise_project_id=enterprise_project_id or DEFAULT_ENTERPRISE_PROJECT_ID,
                vpc_id=vpc_id,
                deploy_mode=deploy_mode or DEFAULT_DEPLOY_MODE,
                labels=labels or [],
                creator=creator,
                create_time=now,
                update_time=now,
                sequence=self.next_sequence(),
            )
            self._environments[environment.id] = environment
            return environment

    def list_environments(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        order_by: str = "create_time",
        order: str = "desc",
        name: str | None = None,
        environment_id: str | None = None,
        enterprise_project_id: str | None = None,
    ) -> Page[Environment]:
        with self.current_state():
            matching = [
                environment
                for environment in self._environments.values()
                if name in (None, environment.name)
                and environment_id in (None, environment.id)
                and enterprise_project_id in (None, environment.enterprise_project_id)
            ]
            return page_of(matching, order_by=order_by, order=order, limit=limit, offset=offset)

    def show_environment(self, environment_id: str) -> Environment:
        with self.current_state():
            return self._environment(environment_id)

    def modify_environment(
        self,
        environment_id: str,
        *,
        name: str,
        description: str | None = None,
        labels: list[ResourceLabel] | None = None,
        vpc_id: str | None = None,
        deploy_mode: str | None = None,
        enterprise_project_id: str | None = None,
    ) -> Environment:
        """Rename or relabel an environment; its VPC, type and enterprise project are fixed."""
        with self.current_state():
            environment = self._environment(environment_id)
            _check_unchanged("vpc_id", vpc_id, environment.vpc_id)
            _check_unchanged("deploy_mode", deploy_mode, environment.deploy_mode)
            _check_unchanged(
                "enterprise_project_id", enterprise_project_id, environment.enterprise_project_id
            )
            self._check_environment_name_free(name, ignoring=environment)
            environment.name = name
            if description is not None:
                environment.description = description
            if labels is not None:
                environment.labels = labels
            environment.update_time = self.now_ms()
            return environment

    def delete_environment(self, environment_id: str) -> None:
        with self.current_state():
            environment = self._environment(environment_id)
            if any(component.environment is environment for component in self._components()):
                raise ENVIRONMENT_IN_USE.error(f"components are deployed in {environment.name}")
            del self._environments[environment_id]
            for application in self._applications.values():
                application.configurations.pop(environment_id, None)

    def show_environment_resources(self, environment_id: str) -> list[dict[str, Any]]:
        with self.current_state():
            return self._environment(environment_id).resources

    # Applications (§4.2)

    def create_application(
        self,
        *,
        name: str,
        creator: str,
        description: str | None = None,
        enterprise_project_id: str | None = None,
        labels: list[ResourceLabel] | None = None,
    ) -> Application:
        with self.current_state():
            self._check_application_name_free(name)
            now = self.now_ms()
            application = Application(
                id=str(uuid.uuid4()),
                project_id=self.project_id,
                name=name,
                description=description or "",
                enterprise_project_id=enterprise_project_id or DEFAULT_ENTERPRISE_PROJECT_ID,
                labels=labels or [],
                creator=creator,
                create_time=now,
                update_time=now,
                sequence=self.next_sequence(),
            )
            self._applications[application.id] = application
            return application

    def list_applications(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        order_by: str = "create_time",
        order: str = "desc",
    ) -> Page[Application]:
        with self.current_state():
            return page_of(
                self._applications.values(),
                order_by=order_by,
                order=order,
                limit=limit,
                offset=offset,
            )

    def show_application(self, application_id: str) -> Application:
        with self.current_state():
            return self._application(application_id)

    def modify_application(
        self,
        application_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        enterprise_project_id: str | None = None,
        labels: list[ResourceLabel] | None = None,
    ) -> Application:
        """Change the fields given; the others keep their values."""
        with self.current_state():
            application = self._application(application_id)
            if name is not None:
                self._check_application_name_free(name, ignoring=application)
                application.name = name
            if description is not None:
                application.description = description
            if enterprise_project_id is not None:
                application.enterprise_project_id = enterprise_project_id
            if labels is not None:
                application.labels = labels
            application.update_time = self.now_ms()
            return application

    def delete_application(self, application_id: str) -> None:
        with self.current_state():
            application = self._application(application_id)
            if application.components:
                names = ", ".join(
                    sorted(component.name for component in application.components.values())
                )
                raise APPLICATION_NOT_EMPTY.error(f"delete its components first: {names}")
            del self._applications[application_id]

    def show_application_configuration(
        self, application_id: str, *, environment_id: str | None = None
    ) -> list[ApplicationConfiguration]:
        with self.current_state():
            configurations = self._application(application_id).configurations
            return [
                configuration
                for configuration in configurations.values()
                if environment_id in (None, configuration.environment_id)
            ]

    def modify_application_configuration(
        self, application_id: str, *, environment_id: str, env: list[ConfigurationVariable]
    ) -> ApplicationConfiguration:
        """Replace the application's variables for one environment."""
        with self.current_state():
            application = self._application(application_id)
            self._environment(environment_id)
            names = [variable.name for variable in env]
            duplicates = sorted({name for name in names if names.count(name) > 1})
            if duplicates:
                raise PARAMETER_INVALID.error(
                    "configuration.env: variable names must be unique, repeated: "
                    + ", ".join(duplicates)
                )
            configuration = ApplicationConfiguration(application.id, environment_id, list(env))
            application.configurations[environment_id] = configuration
            return configuration

    def delete_application_configuration(self, application_id: str, *, environment_id: str) -> None:
        with self.current_state():
            self._application(application_id).configurations.pop(environment_id, None)

    # Components (§4.3)

    def create_component(
        self, application_id: str, spec: ComponentSpec, *, creator: str
    ) -> Component:
        """Create a component and start the job that deploys it; see `Component.last_job_id`."""
        if spec.environment_id is None:
            raise PARAMETER_INVALID.error("environment_id: Field required")
        if spec.refer_resources is None:
            raise PARAMETER_INVALID.error("refer_resources: Field required")
        with self.current_state():
            application = self._application(application_id)
            environment = self._environment(spec.environment_id)
            stack = self._runtime_stack(spec.runtime_stack)
            if environment.deploy_mode not in (stack.deploy_mode, "mixed"):
                raise PARAMETER_INVALID.error(
                    f"runtime_stack.deploy_mode: {stack.deploy_mode} components cannot be deployed "
                    f"in the {environment.deploy_mode} environment {environment.name}"
                )
            taken = {component.name.lower() for component in application.components.values()}
            if spec.name.lower() in taken:
                raise NAME_EXISTS.error(
                    f"component {spec.name} already exists in {application.name}"
                )
            now = self.now_ms()
            component = Component(
                id=str(uuid.uuid4()),
                application=application,
                environment=environment,
                stack=stack,
                spec=spec,
                creator=creator,
                create_time=now,
                update_time=now,
                sequence=self.next_sequence(),
                status=ComponentStatus.INITIALIZING,
            )
            application.components[component.id] = component
            self._start_job(component, JobOperation.CREATE_COMPONENT)
            return component

    def list_components(
        self,
        *,
        application_id: str | None = None,
        application_name: str | None = None,
        component_name: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        order_by: str = "create_time",
        order: str = "desc",
    ) -> Page[Component]:
        """Components of one application, or of the project filtered by names."""
        with self.current_state():
            components: Iterable[Component] = (
                self._components()
                if application_id is None
                else self._application(application_id).components.values()
            )
            matching = [
                component
                for component in components
                if application_name in (None, component.application.name)
                and component_name in (None, component.name)
            ]
            return page_of(matching, order_by=order_by, order=order, limit=limit, offset=offset)

    def show_component(self, application_id: str, component_id: str) -> Component:
        with self.current_state():
            return self._component(application_id, component_id)

    def modify_component(self, application_id: str, component_id: str, spec: ComponentSpec) -> str:
        """Replace a component's configuration and start the upgrade job; returns its id.

        The name, runtime stack, environment and instance count cannot change (the instance count
        only through scaling); ``refer_resources`` keeps its value when left out.
        """
        with self.current_state():
            component = self._component(application_id, component_id)
            self._check_no_job_running(component)
            _check_unchanged("name", spec.name, component.name)
            _check_unchanged("runtime_stack", spec.runtime_stack, component.spec.runtime_stack)
            _check_unchanged("environment_id", spec.environment_id, component.environment.id)
            if spec.replica != component.spec.replica:
                raise PARAMETER_INVALID.error(
                    "replica: cannot be modified here, scale the component instead"
                )
            if spec.refer_resources is None:
                spec = spec.model_copy(update={"refer_resources": component.spec.refer_resources})
            component.spec = spec
            component.status = ComponentStatus.UPGRADING
            component.fail_detail = None
            component.update_time = self.now_ms()
            return self._start_job(component, JobOperation.MODIFY_COMPONENT)

    def delete_component(self, application_id: str, component_id: str) -> str:
        """Start the job that deletes a component; it disappears when the job succeeds."""
        with self.current_state():
            component = self._component(application_id, component_id)
            self._check_no_job_running(component)
            component.status = ComponentStatus.DELETING
            component.update_time = self.now_ms()
            return self._start_job(component, JobOperation.DELETE_COMPONENT)

    # Runtime stacks (§4.4.1) and deploy jobs (§4.6.1)

    def list_runtime_stacks(self) -> list[dict[str, Any]]:
        with self.current_state():
            components = list(self._components())
            return [
                stack.to_dict(
                    project_id=self.project_id,
                    component_count=sum(component.stack is stack for component in components),
                )
                for stack in self._runtime_stacks
            ]

    def show_job_info(
        self, job_id: str, *, limit: int | None = None, offset: int = 0, descending: bool = False
    ) -> dict[str, Any]:
        """The job and a page of its tasks, as they stand now."""
        with self.current_state():
            job = self._jobs.show(self.project_id, job_id)
            return job.to_dict(self._clock(), limit=limit, offset=offset, descending=descending)

    # Helpers, shared with the other service areas of the project (`..areas`)

    @contextmanager
    def current_state(self) -> Iterator[None]:
        """Hold the state lock, with the effects of every job that has ended by now applied."""
        with self._lock:
            self._jobs.settle()
            yield

    def _start_job(self, component: Component, operation: JobOperation) -> str:
        job = self._jobs.start(
            project_id=self.project_id,
            operation=operation,
            component_name=component.name,
            deploy_mode=component.stack.deploy_mode,
            on_end=partial(self._finish_job, component, operation),
        )
        component.status = _STATUS_WHILE_JOB_RUNS[operation]
        component.last_job_id = job.id
        return job.id

    def _finish_job(
        self,
        component: Component,
        operation: JobOperation,
        status: ExecutionStatus,
        ended_at: float,
    ) -> None:
        component.update_time = int(ended_at * 1000)
        if status is not ExecutionStatus.SUCCEEDED:
            component.status = ComponentStatus.FAILED
            component.fail_detail = _FAIL_DETAILS.get(operation)
            component.available_replica = 0
        elif operation is JobOperation.DELETE_COMPONENT:
            del component.application.components[component.id]
        else:
            component.status = ComponentStatus.RUNNING
            component.available_replica = component.spec.replica

    def _check_no_job_running(self, component: Component) -> None:
        if component.job_running:
            raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                f"component {component.name} is {component.status.value}"
                f" (job {component.last_job_id})"
            )

    def _check_environment_name_free(
        self, name: str, *, ignoring: Environment | None = None
    ) -> None:
        # Environment names are compared without regard to case (§4.1.1).
        for environment in self._environments.values():
            if environment is not ignoring and environment.name.lower() == name.lower():
                raise ENVIRONMENT_NAME_USED.error(name)

    def _check_application_name_free(
        self, name: str, *, ignoring: Application | None = None
    ) -> None:
        for application in self._applications.values():
            if application is not ignoring and application.name == name:
                raise NAME_EXISTS.error(f"application {name} already exists")

    def _environment(self, environment_id: str) -> Environment:
        environment = self._environments.get(environment_id)
        if environment is None:
            raise ENVIRONMENT_NOT_FOUND.error(environment_id)
        return environment

    def _application(self, application_id: str) -> Application:
        application = self._applications.get(application_id)
        if application is None:
            raise APPLICATION_NOT_FOUND.error(application_id)
        return application

    def _component(self, application_id: str, component_id: str) -> Component:
        component = self._application(application_id).components.get(component_id)
        if component is None:
            raise COMPONENT_NOT_FOUND.error(component_id)
        return component

    def _components(self) -> Iterator[Component]:
        for application in self._applications.values():
            yield from application.components.values()

    def _runtime_stack(self, ref: RuntimeStackRef) -> RuntimeStack:
        for stack in self._runtime_stacks:
            if stack.matches(ref):
                return stack
        raise RUNTIME_NOT_SUPPORTED.error(
            f"{ref.name} {ref.version} ({ref.type}, {ref.deploy_mode}); "
            "GET /v3/{project_id}/cas/runtimestacks lists the supported ones"
        )

    def now_ms(self) -> int:
        return int(self._clock() * 1000)

    def next_sequence(self) -> int:
        """Creation order across the project's objects; breaks ties between equal timestamps."""
        return next(self._sequence)

    @property
    def jobs(self) -> JobBackend:
        return self._jobs


def _check_unchanged(field_name: str, requested: object | None, current: object) -> None:
    if requested is not None and requested != current:
        raise PARAMETER_INVALID.error(f"{field_name}: cannot be modified")
