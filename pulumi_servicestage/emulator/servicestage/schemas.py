"""The request bodies of ServiceStage's core operations, as pydantic models with the
reference's validation rules: environments, applications and their configurations, component
specifications, imports and tasks."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Names of environments, applications and components (API reference §4.1.1, §4.2.1, §4.3.1).
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,62}[A-Za-z0-9]$"
# Verbatim from the reference, unescaped dot included: the service accepts "1a2b3".
VERSION_PATTERN = r"^([0-9]+)(.[0-9]+){2,3}$"
_LABEL_KEY_PATTERN = r"^[0-9A-Za-z_\-\u4e00-\u9fa5]{1,36}$"
_RESERVED_LABEL_KEYS = frozenset({"app", "casid", "version"})
MAX_LABELS = 20


class RequestBody(BaseModel):
    """A request body, or an object in one: types are checked strictly, unknown fields are
    ignored as services do."""

    model_config = ConfigDict(strict=True, extra="ignore")


class _NestedObject(BaseModel):
    """A nested JSON object: known fields are checked, unknown ones are kept and echoed back."""

    model_config = ConfigDict(strict=True, extra="allow")


class ResourceLabel(RequestBody):
    """A label of an environment or application."""

    key: str = Field(pattern=_LABEL_KEY_PATTERN)
    value: str = Field(pattern=r"^[0-9A-Za-z_.\-\u4e00-\u9fa5]{2,43}$")


class ConfigurationVariable(RequestBody):
    """An environment variable of an application's configuration for one environment."""

    name: str = Field(pattern=r"^[A-Za-z_-][A-Za-z0-9_.-]{0,63}$")
    value: str


# What an environment can manage: the types the modify operation lists (§4.1.6, table 4-30) and
# the ones the query of managed resources may show (§4.1.8, table 4-41), which must be accepted
# back when a client sends the current list again with one change.
ManagedResourceType = Literal[
    "eip", "elb", "cce", "ecs", "as", "cse", "dcs", "rds", "nacos", "ms_gateway", "subnet", "acl"
]


class ManagedResource(RequestBody):
    """A cloud resource that an environment manages (§4.1.6, tables 4-30 and 4-32)."""

    id: str = Field(min_length=1)
    type: ManagedResourceType
    name: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.type, self.id

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "name": self.name}


class EnvironmentCreate(RequestBody):
    name: str = Field(pattern=NAME_PATTERN)
    vpc_id: str = Field(min_length=1)
    deploy_mode: Literal["virtualmachine", "container", "mixed"] | None = None
    description: str | None = Field(None, max_length=128)
    enterprise_project_id: str | None = None
    labels: list[ResourceLabel] | None = Field(None, max_length=MAX_LABELS)


class EnvironmentModify(RequestBody):
    name: str = Field(pattern=NAME_PATTERN)
    description: str | None = Field(None, max_length=128)
    labels: list[ResourceLabel] | None = Field(None, max_length=MAX_LABELS)
    # Not modifiable; accepted so that a request repeating the current values still succeeds.
    vpc_id: str | None = None
    deploy_mode: str | None = None
    enterprise_project_id: str | None = None


class ApplicationCreate(RequestBody):
    name: str = Field(pattern=NAME_PATTERN)
    description: str | None = Field(None, max_length=128)
    enterprise_project_id: str | None = None
    labels: list[ResourceLabel] | None = Field(None, max_length=MAX_LABELS)


class ApplicationModify(RequestBody):
    name: str | None = Field(None, pattern=NAME_PATTERN)
    description: str | None = Field(None, max_length=128)
    enterprise_project_id: str | None = None
    labels: list[ResourceLabel] | None = Field(None, max_length=MAX_LABELS)


class EnvironmentResourcesModify(RequestBody):
    resources: list[ManagedResource]


class _ConfigurationEnv(RequestBody):
    env: list[ConfigurationVariable]


class ConfigurationModify(RequestBody):
    environment_id: str = Field(min_length=1)
    configuration: _ConfigurationEnv


class ComponentLabel(RequestBody):
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


class RuntimeStackRef(RequestBody):
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


class ComponentSpec(RequestBody):
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


class ComponentImport(RequestBody):
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


class ActionParameters(RequestBody):
    """`parameters` of a component task (table 4-262)."""

    replica: int | None = Field(default=None, ge=0)
    version: str | None = None
    hosts: list[str] | None = None


class ComponentAction(RequestBody):
    # Checked by the backend, which answers an undefined action with its own error code.
    action: str
    parameters: ActionParameters | None = None
