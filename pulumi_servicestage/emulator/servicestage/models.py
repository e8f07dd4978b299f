"""ServiceStage's state and business rules for one project: environments, applications and their
configurations, components (with their tasks, imports and release records), runtime stacks, and
the deploy jobs' effects on components."""

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
    COMPONENT_ACTION_NOT_DEFINED,
    COMPONENT_IN_RELEASING,
    COMPONENT_NOT_FOUND,
    ENVIRONMENT_IN_USE,
    ENVIRONMENT_NAME_USED,
    ENVIRONMENT_NOT_FOUND,
    NAME_EXISTS,
    PARAMETER_INVALID,
    RUNTIME_NOT_SUPPORTED,
)
from ..jobs import ExecutionStatus, JobBackend, JobOperation, iso_millis

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


# What an environment can manage: the types the modify operation lists (§4.1.6, table 4-30) and
# the ones the query of managed resources may show (§4.1.8, table 4-41), which must be accepted
# back when a client sends the current list again with one change.
ManagedResourceType = Literal[
    "eip", "elb", "cce", "ecs", "as", "cse", "dcs", "rds", "nacos", "ms_gateway", "subnet", "acl"
]
# Compute resources of the other kind of environment (PDF 004 §12.1.2.6, table 12-37: ecs and as
# for virtual machines, cce for containers).
_FOREIGN_COMPUTE_TYPES = {
    "container": frozenset({"ecs", "as"}),
    "virtualmachine": frozenset({"cce"}),
}


class ManagedResource(_WireObject):
    """A cloud resource that an environment manages (§4.1.6, tables 4-30 and 4-32)."""

    id: str = Field(min_length=1)
    type: ManagedResourceType
    name: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.type, self.id

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "name": self.name}


class ComponentLabel(_WireObject):
    # Table 4-124 allows "Chinese characters" without naming a block: the whole CJK Unified
    # Ideographs block is taken, past the \u9fa5 that environment and application labels stop at.
    key: str = Field(pattern=r"^[0-9A-Za-z_\-\u4e00-\u9fff]{1,36}$")
    value: str = Field(pattern=r"^[0-9A-Za-z_.\-\u4e00-\u9fff]{0,43}$")

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
    # The SDK sends the English table's upper-case spellings, the Chinese tables print lower case;
    # the service is taken to accept both.
    type: Literal["WEIGHT", "CONTENT", "weight", "content"]
    first_batch_weight: int | None = Field(None, ge=0, le=100)
    first_batch_replica: int | None = Field(None, ge=0)
    remaining_batch: int | None = Field(None, ge=0)
    deployment_mode: int | None = None
    replica_surge_mode: (
        Literal["MIRROR", "EXTRA", "NOSURGE", "mirror", "extra", "no_surge"] | None
    ) = None
    rule_match_mode: Literal["all", "any"] | None = None
    rules: list[dict[str, Any]] | None = None

    @model_validator(mode="after")
    def _complete_for_its_type(self) -> GrayRelease:
        needed = {
            "weight": ("first_batch_weight", "first_batch_replica", "remaining_batch"),
            "content": ("replica_surge_mode", "rule_match_mode", "rules"),
        }[self.type.lower()]
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
    # nacos per the import body's table 4-160; gaussdb, dms_rocketmq and css_es per the English
    # modify page's Table 26.
    type: Literal[
        "vpc", "eip", "elb", "cce", "ecs", "as", "cse", "nacos", "dcs", "rds", "gaussdb",
        "dms_rocketmq", "css_es",
    ]  # fmt: skip
    parameters: dict[str, Any] | None = None


class ExternalAccess(_NestedObject):
    protocol: Literal["http", "https"] | None = None
    address: str | None = None
    forward_port: int | None = Field(None, ge=1, le=65535)


Affinity = dict[str, Any] | list[dict[str, Any]]


class ConfigEncryption(_NestedObject):
    key_id: str


class MultiContainer(_NestedObject):
    """A container beside the main one (English modify page, Table 38)."""

    container_name: str
    source: Source
    limit_cpu: float | None = Field(None, ge=0)
    limit_memory: float | None = Field(None, ge=0)
    request_cpu: float | None = Field(None, ge=0)
    request_memory: float | None = Field(None, ge=0)
    envs: list[EnvVariable] | None = None
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    command: Command | None = None
    post_start: Lifecycle | None = None
    pre_stop: Lifecycle | None = None
    logs: list[LogCollection] | None = None
    storages: list[Storage] | None = None
    security_context: SecurityContext | None = None
    config_encryption: ConfigEncryption | None = None


class ConfigMount(_NestedObject):
    conifg_id: str  # sic, as Table 39 spells it
    mount_path: str


class TemplateSource(_NestedObject):
    storage: Literal["devcloud", "obs", "http", "devcloud_repository"]
    url: str


class AutoLtsConfig(_NestedObject):
    enable: bool
    lts_log_path: list[str] | None = None


class ComponentSpec(_WireObject):
    """A component's configuration, as sent to create or modify it and as shown back.

    Fields follow the reference (§4.3.1, §4.3.5), the English modify page (whose Table 3 adds
    ``startup_probe`` and the fields from ``tolerations`` on) and the official SDK's
    ``ComponentCreate``; the ones the reference marks mandatory for creation only
    (``environment_id``, ``refer_resources``) are checked by the backend.
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
    multi_containers: list[MultiContainer] | None = None
    workload_content: str | None = None
    configs: list[ConfigMount] | None = None
    config_mode: Literal["ui", "yaml", "template"] | None = None
    enable_sermant_injection: bool | None = None
    enable_sermant_spring_register: bool | None = None
    enable_sermant_dubbo_register: bool | None = None
    enable_sermant_config: bool | None = None
    cell_id: str | None = None
    sermantAgentInjectActionFlag: bool | None = None
    sys_config: dict[str, str] | None = None
    template_source: TemplateSource | None = None
    input_values: dict[str, str] | None = None
    auto_lts_config: AutoLtsConfig | None = None
    # Table 4 of the release-plan page; the modify page prints its Table 42 without a row for it.
    config_encryption: ConfigEncryption | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True, exclude={"environment_id"})


class ComponentImport(_WireObject):
    """The body that makes a component of a workload already running in CCE (§4.3.2)."""

    create_mode: Literal["import"]
    name: str = Field(pattern=NAME_PATTERN)
    workload_name: str = Field(min_length=1)
    workload_kind: Literal["deployment", "statefulset"]
    runtime_stack: RuntimeStackRef
    environment_id: str = Field(min_length=1)
    version: str = Field(pattern=VERSION_PATTERN, max_length=32)
    refer_resources: list[ReferResource]
    labels: list[ComponentLabel] | None = None
    description: str | None = Field(None, max_length=128)
    external_accesses: list[ExternalAccess] | None = None


class ComponentActionType(str, Enum):
    """Component tasks (§4.3.8 table 4-261 and the SDK's ComponentActionType; the newer English
    page adds rollback_current, sync_workload and sync_import)."""

    START = "start"
    STOP = "stop"
    RESTART = "restart"
    SCALE = "scale"
    ROLLBACK = "rollback"
    ROLLBACK_CURRENT = "rollback_current"
    CONTINUE_DEPLOY = "continue_deploy"
    CHECK_GRAY_RELEASE = "check_gray_release"
    MODIFY_GRAY_RULE = "modify_gray_rule"
    SYNC_WORKLOAD = "sync_workload"
    SYNC_IMPORT = "sync_import"


class ActionParameters(_WireObject):
    """`parameters` of a component task (table 4-262)."""

    replica: int | None = Field(default=None, ge=0)
    version: str | None = None
    hosts: list[str] | None = None


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
    JobOperation.IMPORT_COMPONENT: ComponentStatus.INITIALIZING,
    JobOperation.MODIFY_COMPONENT: ComponentStatus.UPGRADING,
    JobOperation.DELETE_COMPONENT: ComponentStatus.DELETING,
    JobOperation.START_COMPONENT: ComponentStatus.STARTING,
    JobOperation.STOP_COMPONENT: ComponentStatus.STOPPING,
    JobOperation.RESTART_COMPONENT: ComponentStatus.RESTARTING,
    # The status enum has no state of its own for these; they all change the running workload.
    JobOperation.SCALE_COMPONENT: ComponentStatus.UPGRADING,
    JobOperation.ROLLBACK_COMPONENT: ComponentStatus.UPGRADING,
    JobOperation.CONTINUE_DEPLOY: ComponentStatus.UPGRADING,
    JobOperation.CHECK_GRAY_RELEASE: ComponentStatus.UPGRADING,
    JobOperation.MODIFY_GRAY_RULE: ComponentStatus.UPGRADING,
    JobOperation.SYNC_WORKLOAD: ComponentStatus.UPGRADING,
    JobOperation.SYNC_IMPORT: ComponentStatus.UPGRADING,
}
_FAIL_DETAILS = {
    JobOperation.CREATE_COMPONENT: "create_failed",
    JobOperation.IMPORT_COMPONENT: "create_failed",
    JobOperation.DELETE_COMPONENT: "delete_failed",
}
# Deploy types of a release (§4.3.9, table 4-268); a component without a strategy deploys at once.
ONE_BATCH_RELEASE, GRAY_RELEASE = "OneBatchRelease", "GrayRelease"
# Record statuses are those of jobs; a gray release abandoned midway ends as ROLLBACKED.
_RECORD_OPEN = ExecutionStatus.RUNNING.value
_ROLLED_BACK = ExecutionStatus.ROLLBACKED.value
# Jobs that belong to a paused gray release and leave it open when they succeed.
_GRAY_RELEASE_STEPS = frozenset({JobOperation.CHECK_GRAY_RELEASE, JobOperation.MODIFY_GRAY_RULE})


@dataclass(frozen=True)
class _ActionRule:
    """How the emulator runs one kind of component task."""

    operation: JobOperation
    #: The component statuses the task may start from.
    starts_from: frozenset[ComponentStatus]
    #: Whether the task steers a gray release that waits for the user (and needs one).
    steers_gray_release: bool = False


_UP = frozenset({ComponentStatus.RUNNING, ComponentStatus.FAILED})
_AT_REST = frozenset({ComponentStatus.RUNNING, ComponentStatus.STOPPED, ComponentStatus.FAILED})
_ACTION_RULES = {
    ComponentActionType.START: _ActionRule(
        JobOperation.START_COMPONENT, frozenset({ComponentStatus.STOPPED, ComponentStatus.FAILED})
    ),
    ComponentActionType.STOP: _ActionRule(JobOperation.STOP_COMPONENT, _UP),
    ComponentActionType.RESTART: _ActionRule(JobOperation.RESTART_COMPONENT, _UP),
    ComponentActionType.SCALE: _ActionRule(JobOperation.SCALE_COMPONENT, _UP),
    ComponentActionType.ROLLBACK: _ActionRule(JobOperation.ROLLBACK_COMPONENT, _UP),
    ComponentActionType.ROLLBACK_CURRENT: _ActionRule(JobOperation.ROLLBACK_COMPONENT, _UP),
    ComponentActionType.CONTINUE_DEPLOY: _ActionRule(
        JobOperation.CONTINUE_DEPLOY, frozenset({ComponentStatus.RUNNING}), True
    ),
    ComponentActionType.CHECK_GRAY_RELEASE: _ActionRule(
        JobOperation.CHECK_GRAY_RELEASE, frozenset({ComponentStatus.RUNNING}), True
    ),
    ComponentActionType.MODIFY_GRAY_RULE: _ActionRule(
        JobOperation.MODIFY_GRAY_RULE, frozenset({ComponentStatus.RUNNING}), True
    ),
    ComponentActionType.SYNC_WORKLOAD: _ActionRule(JobOperation.SYNC_WORKLOAD, _AT_REST),
    ComponentActionType.SYNC_IMPORT: _ActionRule(JobOperation.SYNC_IMPORT, _AT_REST),
}
_ROLLBACKS = frozenset({ComponentActionType.ROLLBACK, ComponentActionType.ROLLBACK_CURRENT})


def _labels_to_dict(labels: Iterable[BaseModel]) -> list[dict[str, Any]]:
    return [label.model_dump() for label in labels]


# The status of a released stack, the only kind new components may use (§4.4.1, table 4-283).
RUNTIME_STACK_SUPPORTED = "Supported"


class CatalogueStack(Protocol):
    """A runtime stack of the project's catalogue (§4.4.1): built in, or custom (§4.4.3).

    Custom stacks live in their own area (`.runtime_stacks`) and join the catalogue through
    `ServiceStageBackend.add_runtime_stack_source`, so that components can run on them.
    """

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def deploy_mode(self) -> str: ...
    @property
    def status(self) -> str: ...

    def to_dict(self, *, project_id: str, component_count: int) -> dict[str, Any]: ...


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

    @property
    def status(self) -> str:
        return RUNTIME_STACK_SUPPORTED

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
            "status": self.status,
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
    resources: list[ManagedResource] = field(default_factory=list)

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
            shown["resources"] = [resource.to_dict() for resource in self.resources]
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


@dataclass(frozen=True)
class ImportedWorkload:
    """Where an imported component's workload runs in CCE."""

    cluster_id: str
    namespace: str
    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name} of cluster {self.cluster_id}"


@dataclass
class DeployRecord:
    """One release of a component's configuration (§4.3.9): its deploy, import, upgrade or
    rollback, and the jobs that carried it out (a gray release needs more than one).

    Times are epoch milliseconds; `end_time` stays None while the release is under way, which
    for a gray upgrade lasts until continue_deploy or a rollback ends it.
    """

    component_id: str
    spec: ComponentSpec
    deploy_type: str
    begin_time: int
    sequence: int
    job_ids: list[str]
    status: str = _RECORD_OPEN
    end_time: int | None = None
    current_used: bool = True

    # What the list's order_by values (create_time, name, update_time) sort records by.
    @property
    def name(self) -> str:
        return self.spec.version

    @property
    def create_time(self) -> int:
        return self.begin_time

    @property
    def update_time(self) -> int:
        return self.begin_time if self.end_time is None else self.end_time

    def job_ended(self, operation: JobOperation, status: ExecutionStatus, ended_at: int) -> None:
        """Close the release, unless the job leaves a gray release waiting for the user."""
        waits = operation in _GRAY_RELEASE_STEPS or (
            operation is JobOperation.MODIFY_COMPONENT and self.deploy_type == GRAY_RELEASE
        )
        if status is not ExecutionStatus.SUCCEEDED or not waits:
            self.close(status.value, ended_at)

    def close(self, status: str, at: int) -> None:
        self.status = status
        self.end_time = at

    def to_dict(self) -> dict[str, Any]:
        plan = _release_plan(self.spec, self.deploy_type)
        return {
            "begin_time": iso_millis(self.begin_time / 1000),
            "end_time": None if self.end_time is None else iso_millis(self.end_time / 1000),
            "description": None,
            "instance_id": self.component_id,
            "version": self.spec.version,
            "current_used": self.current_used,
            "status": self.status,
            "deploy_type": self.deploy_type,
            "jobs": [
                {
                    "sequence": index,
                    "deploy_type": self.deploy_type,
                    "job_id": job_id,
                    "job_info": plan,
                }
                for index, job_id in enumerate(self.job_ids, start=1)
            ],
        }


def _release_plan(spec: ComponentSpec, deploy_type: str) -> dict[str, Any]:
    """A record's `job_info` (table 4-270): how the release spreads over batches."""
    source = spec.source.model_dump()
    plan: dict[str, Any] = {
        "deploy_type": deploy_type,
        "source_url": source.get("url") or source.get("repo_url"),
        "replica": spec.replica,
        "first_batch_weight": None,
        "first_batch_replica": spec.replica,
        "remaining_batch": 0,
    }
    strategy = spec.deploy_strategy
    if deploy_type == GRAY_RELEASE and strategy and strategy.gray_release:
        gray = strategy.gray_release
        plan["first_batch_weight"] = gray.first_batch_weight
        plan["first_batch_replica"] = gray.first_batch_replica
        plan["remaining_batch"] = gray.remaining_batch
    elif deploy_type == "RollingRelease" and strategy and strategy.rolling_release:
        batches = strategy.rolling_release.batches
        plan["first_batch_replica"] = -(-spec.replica // batches)
        plan["remaining_batch"] = batches - 1
    return plan


@dataclass
class Component:
    id: str
    application: Application
    environment: Environment
    stack: CatalogueStack
    spec: ComponentSpec
    creator: str
    create_time: int
    update_time: int
    sequence: int
    status: ComponentStatus
    last_job_id: str = ""
    available_replica: int = 0
    fail_detail: str | None = None
    records: list[DeployRecord] = field(default_factory=list)
    #: The CCE workload the component was made from by an import (§4.3.2), if it was.
    workload: ImportedWorkload | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def job_running(self) -> bool:
        return self.status in _STATUS_WHILE_JOB_RUNS.values()

    @property
    def paused_release(self) -> DeployRecord | None:
        """The gray release whose first batch is out and that waits for the user's next step."""
        latest = self.records[-1] if self.records else None
        if latest is None or latest.end_time is not None or self.job_running:
            return None
        return latest

    def record_of_job(self, job_id: str) -> DeployRecord | None:
        return next((record for record in self.records if job_id in record.job_ids), None)

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
        self._runtime_stack_sources: list[Callable[[], Iterable[CatalogueStack]]] = []
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

    def show_environment_resources(self, environment_id: str) -> list[ManagedResource]:
        with self.current_state():
            return list(self._environment(environment_id).resources)

    def modify_environment_resources(
        self, environment_id: str, resources: list[ManagedResource]
    ) -> list[ManagedResource]:
        """Make `resources` the environment's whole list of managed resources.

        A resource sent without a name keeps the name the environment knows it by.
        """
        with self.current_state():
            environment = self._environment(environment_id)
            foreign = _FOREIGN_COMPUTE_TYPES.get(environment.deploy_mode, frozenset())
            known_names = {resource.key: resource.name for resource in environment.resources}
            seen: set[tuple[str, str]] = set()
            for index, resource in enumerate(resources):
                if resource.key in seen:
                    raise PARAMETER_INVALID.error(
                        f"resources[{index}]: {resource.type} {resource.id} is listed twice"
                    )
                seen.add(resource.key)
                if resource.type in foreign:
                    raise PARAMETER_INVALID.error(
                        f"resources[{index}].type: {resource.type} resources cannot be managed "
                        f"by the {environment.deploy_mode} environment {environment.name}"
                    )
            environment.resources = [
                resource
                if resource.name is not None
                else resource.model_copy(update={"name": known_names.get(resource.key)})
                for resource in resources
            ]
            environment.update_time = self.now_ms()
            return list(environment.resources)

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
            self._check_component_name_free(application, spec.name)
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
            self._open_record(component)
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
            self._check_no_release_paused(component)
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
            job_id = self._start_job(component, JobOperation.MODIFY_COMPONENT)
            self._open_record(component)
            return job_id

    def delete_component(self, application_id: str, component_id: str) -> str:
        """Start the job that deletes a component; it disappears when the job succeeds."""
        with self.current_state():
            component = self._component(application_id, component_id)
            self._check_no_job_running(component)
            component.status = ComponentStatus.DELETING
            component.update_time = self.now_ms()
            return self._start_job(component, JobOperation.DELETE_COMPONENT)

    # Component tasks (§4.3.8), release records (§4.3.9) and imports of CCE workloads (§4.3.2)

    def import_component(
        self, application_id: str, request: ComponentImport, *, creator: str
    ) -> Component:
        """Make a component of a workload that runs in CCE, and start the job that takes it over.

        The emulator has no CCE to read the workload from, so the component shows the workload's
        name as its image and one instance (until it is scaled).
        """
        cluster = next((item for item in request.refer_resources if item.type == "cce"), None)
        if cluster is None:
            raise PARAMETER_INVALID.error(
                "refer_resources: the cce cluster the workload runs in is required"
            )
        if (request.runtime_stack.type, request.runtime_stack.deploy_mode) != (
            "Docker",
            "container",
        ):
            raise PARAMETER_INVALID.error(
                "runtime_stack: an imported workload runs on the Docker stack "
                "(type Docker, deploy_mode container)"
            )
        workload = ImportedWorkload(
            cluster_id=cluster.id,
            namespace=str((cluster.parameters or {}).get("namespace") or "default"),
            kind=request.workload_kind,
            name=request.workload_name,
        )
        with self.current_state():
            application = self._application(application_id)
            environment = self._environment(request.environment_id)
            if environment.deploy_mode == "virtualmachine":
                raise PARAMETER_INVALID.error(
                    f"environment_id: the virtualmachine environment {environment.name} "
                    "cannot hold CCE workloads"
                )
            self._check_component_name_free(application, request.name)
            for other in self._components():
                if other.workload == workload:
                    raise NAME_EXISTS.error(
                        f"the {workload} is already component {other.name} of "
                        f"{other.application.name}"
                    )
            optional = {
                name: getattr(request, name)
                for name in ("labels", "description", "external_accesses")
                if getattr(request, name) is not None
            }
            spec = ComponentSpec(
                name=request.name,
                runtime_stack=request.runtime_stack,
                source=Source(kind="image", storage="swr", url=request.workload_name),
                version=request.version,
                replica=1,
                environment_id=environment.id,
                workload_kind=request.workload_kind,
                refer_resources=request.refer_resources,
                **optional,
            )
            now = self.now_ms()
            component = Component(
                id=str(uuid.uuid4()),
                application=application,
                environment=environment,
                stack=self._docker_stack(),
                spec=spec,
                creator=creator,
                create_time=now,
                update_time=now,
                sequence=self.next_sequence(),
                status=ComponentStatus.INITIALIZING,
                workload=workload,
            )
            application.components[component.id] = component
            self._start_job(component, JobOperation.IMPORT_COMPONENT)
            self._open_record(component)
            return component

    def run_component_action(
        self, application_id: str, component_id: str, action: str, parameters: ActionParameters
    ) -> str:
        """Start a component task and return the id of its job; see `ComponentActionType`.

        A new instance count (scale) or configuration (rollbacks) shows at once, as a modify's
        does. When the job succeeds the component is STOPPED after a stop and RUNNING after any
        other task; a gray upgrade's release stays open until continue_deploy or a rollback.
        """
        try:
            kind = ComponentActionType(action)
        except ValueError:
            defined = ", ".join(item.value for item in ComponentActionType)
            raise COMPONENT_ACTION_NOT_DEFINED.error(
                f"{action!r}; the defined actions are {defined}"
            ) from None
        rule = _ACTION_RULES[kind]
        with self.current_state():
            component = self._component(application_id, component_id)
            self._check_no_job_running(component)
            paused = component.paused_release
            if rule.steers_gray_release and paused is None:
                raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                    f"{kind.value}: no gray release of component {component.name} waits to go on"
                )
            if not rule.steers_gray_release and kind not in _ROLLBACKS:
                self._check_no_release_paused(component)
            if component.status not in rule.starts_from:
                needed = " or ".join(sorted(status.value for status in rule.starts_from))
                raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                    f"{kind.value}: component {component.name} is {component.status.value}, "
                    f"and {kind.value} needs it {needed}"
                )
            replica: int | None = None
            source: DeployRecord | None = None
            if kind is ComponentActionType.SCALE:
                replica = _scaled_replica(component, parameters)
            elif kind in _ROLLBACKS:
                source = _rollback_source(component, kind, parameters)
            elif kind is ComponentActionType.SYNC_WORKLOAD and (
                component.stack.deploy_mode != "container"
            ):
                raise PARAMETER_INVALID.error(
                    f"action: component {component.name} runs on virtual machines, not as a "
                    "CCE workload"
                )
            elif kind is ComponentActionType.SYNC_IMPORT and component.workload is None:
                raise PARAMETER_INVALID.error(
                    f"action: component {component.name} was not imported from CCE"
                )

            if replica is not None:
                component.spec = component.spec.model_copy(update={"replica": replica})
            if source is not None:
                # A rollback restores the release's configuration, not its instance count.
                update = {"replica": component.spec.replica}
                component.spec = source.spec.model_copy(update=update)
            component.fail_detail = None
            component.update_time = self.now_ms()
            job_id = self._start_job(component, rule.operation)
            if source is not None:
                if paused is not None:
                    paused.close(_ROLLED_BACK, self.now_ms())
                self._open_record(component, deploy_type=ONE_BATCH_RELEASE)
            elif paused is not None:
                paused.job_ids.append(job_id)
            return job_id

    def list_component_records(
        self,
        application_id: str,
        component_id: str,
        *,
        limit: int | None = None,
        offset: int = 0,
        order_by: str = "create_time",
        order: str = "desc",
    ) -> Page[DeployRecord]:
        """The releases of a component; `order_by` name sorts them by version."""
        with self.current_state():
            records = self._component(application_id, component_id).records
            return page_of(records, order_by=order_by, order=order, limit=limit, offset=offset)

    # Runtime stacks (§4.4.1) and deploy jobs (§4.6.1)

    def list_runtime_stacks(self) -> list[dict[str, Any]]:
        """Built-in and custom stacks alike, released or not (§4.4.1 lists both kinds)."""
        with self.current_state():
            return [
                stack.to_dict(
                    project_id=self.project_id, component_count=self.count_components_on(stack)
                )
                for stack in self.runtime_stacks()
            ]

    def runtime_stacks(self) -> list[CatalogueStack]:
        """The catalogue: the built-in stacks, then those the other areas add."""
        with self._lock:
            added = [stack for source in self._runtime_stack_sources for stack in source()]
            return [*self._runtime_stacks, *added]

    def add_runtime_stack_source(self, source: Callable[[], Iterable[CatalogueStack]]) -> None:
        """Add the stacks `source` returns (read at each use) to the catalogue."""
        with self._lock:
            self._runtime_stack_sources.append(source)

    def count_components_on(self, stack: CatalogueStack) -> int:
        with self.current_state():
            return sum(component.stack is stack for component in self._components())

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
        record = component.record_of_job(component.last_job_id)
        if record is not None:
            record.job_ended(operation, status, component.update_time)
        if status is not ExecutionStatus.SUCCEEDED:
            component.status = ComponentStatus.FAILED
            component.fail_detail = _FAIL_DETAILS.get(operation)
            component.available_replica = 0
        elif operation is JobOperation.DELETE_COMPONENT:
            del component.application.components[component.id]
        elif operation is JobOperation.STOP_COMPONENT:
            component.status = ComponentStatus.STOPPED
            component.available_replica = 0
        else:
            component.status = ComponentStatus.RUNNING
            component.available_replica = component.spec.replica

    def _open_record(self, component: Component, *, deploy_type: str | None = None) -> None:
        """Record the release that the component's newly started job carries out."""
        for record in component.records:
            record.current_used = False
        strategy = component.spec.deploy_strategy
        component.records.append(
            DeployRecord(
                component_id=component.id,
                spec=component.spec,
                deploy_type=deploy_type or (strategy.type if strategy else ONE_BATCH_RELEASE),
                begin_time=self.now_ms(),
                sequence=self.next_sequence(),
                job_ids=[component.last_job_id],
            )
        )

    def _check_no_job_running(self, component: Component) -> None:
        if component.job_running:
            raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                f"component {component.name} is {component.status.value}"
                f" (job {component.last_job_id})"
            )

    def _check_no_release_paused(self, component: Component) -> None:
        paused = component.paused_release
        if paused is not None:
            raise COMPONENT_IN_RELEASING.error(
                f"the gray release of component {component.name} to version "
                f"{paused.spec.version} waits for continue_deploy or a rollback"
            )

    def _check_component_name_free(self, application: Application, name: str) -> None:
        taken = {component.name.lower() for component in application.components.values()}
        if name.lower() in taken:
            raise NAME_EXISTS.error(f"component {name} already exists in {application.name}")

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

    def _runtime_stack(self, ref: RuntimeStackRef) -> CatalogueStack:
        wanted = (ref.name, ref.type, ref.version, ref.deploy_mode)
        for stack in self.runtime_stacks():
            if (stack.name, stack.type, stack.version, stack.deploy_mode) == wanted and (
                stack.status == RUNTIME_STACK_SUPPORTED
            ):
                return stack
        raise RUNTIME_NOT_SUPPORTED.error(
            f"{ref.name} {ref.version} ({ref.type}, {ref.deploy_mode}); "
            "GET /v3/{project_id}/cas/runtimestacks lists the stacks, and those with status "
            f"{RUNTIME_STACK_SUPPORTED} can be used"
        )

    def _docker_stack(self) -> CatalogueStack:
        """The stack of imported workloads, whose image already holds everything they run."""
        for stack in self.runtime_stacks():
            if (stack.type, stack.deploy_mode, stack.status) == (
                "Docker",
                "container",
                RUNTIME_STACK_SUPPORTED,
            ):
                return stack
        raise RUNTIME_NOT_SUPPORTED.error("no Docker stack for containers is supported")

    def now_ms(self) -> int:
        return int(self._clock() * 1000)

    def now(self) -> float:
        """The emulator's clock in epoch seconds, unrounded, for timing steps exactly."""
        return self._clock()

    def next_sequence(self) -> int:
        """Creation order across the project's objects; breaks ties between equal timestamps."""
        return next(self._sequence)

    @property
    def jobs(self) -> JobBackend:
        return self._jobs


def _check_unchanged(field_name: str, requested: object | None, current: object) -> None:
    if requested is not None and requested != current:
        raise PARAMETER_INVALID.error(f"{field_name}: cannot be modified")


def _scaled_replica(component: Component, parameters: ActionParameters) -> int:
    if parameters.replica is None:
        raise PARAMETER_INVALID.error("parameters.replica: required to scale")
    if component.stack.deploy_mode == "virtualmachine" and not parameters.hosts:
        raise PARAMETER_INVALID.error(
            "parameters.hosts: required to scale a component deployed on virtual machines"
        )
    return parameters.replica


def _rollback_source(
    component: Component, kind: ComponentActionType, parameters: ActionParameters
) -> DeployRecord:
    """The earlier successful release a rollback restores, latest first."""
    earlier = [
        record
        for record in reversed(component.records)
        if record.status == ExecutionStatus.SUCCEEDED.value and not record.current_used
    ]
    if kind is ComponentActionType.ROLLBACK_CURRENT:
        if not earlier:
            raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                f"rollback_current: component {component.name} has no earlier successful "
                "release to go back to"
            )
        return earlier[0]
    if parameters.version is None:
        raise PARAMETER_INVALID.error(
            "parameters.version: required to roll back (rollback_current needs none)"
        )
    for record in earlier:
        if record.spec.version == parameters.version:
            return record
    raise PARAMETER_INVALID.error(
        f"parameters.version: component {component.name} has no earlier successful release of "
        f"version {parameters.version}"
    )
