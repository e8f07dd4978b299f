"""The request bodies of ServiceStage's core operations as pydantic models, and the documented
rules the emulator enforces on them (`RULES`).

The component body follows the English modify page (seed 003, Tables 3 to 42) and the Chinese
reference's create and modify tables (004 §4.3.1 表4-123 to 表4-154, §4.3.5 表4-188 to
表4-219): one model per table, named in its docstring, with every field those tables document,
typed as they print it. Where the documents disagree, the models accept what any of them allows
(every spelling, every type, the laxer mandatory flag) and keep the spelling the official SDK
reads (see the README's table of spellings). Beyond the fields' types, mandatory flags and enum
values, the emulator enforces the rules of `RULES` and no other; unknown top-level fields are
ignored and unknown nested ones kept as sent, as services do.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import yaml
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..rules import Rule

# Names of environments, applications and components (004 表4-3, 表4-81; 003 Table 3).
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,62}[A-Za-z0-9]$"
# Verbatim from the reference, unescaped dot included: the service accepts "1a2b3".
VERSION_PATTERN = r"^([0-9]+)(.[0-9]+){2,3}$"
_LABEL_KEY_PATTERN = r"^[0-9A-Za-z_\-\u4e00-\u9fa5]{1,36}$"
_RESERVED_LABEL_KEYS = frozenset({"app", "casid", "version"})
# 表4-124 allows "Chinese characters" without naming a block: the whole CJK Unified Ideographs
# block is taken, past the \u9fa5 that environment and application labels stop at.
_COMPONENT_LABEL_KEY_PATTERN = r"^[0-9A-Za-z_\-\u4e00-\u9fff]{1,36}$"
_COMPONENT_LABEL_VALUE_PATTERN = r"^[0-9A-Za-z_.\-\u4e00-\u9fff]{0,43}$"
_COMMIT_ID_PATTERN = r"^[a-z0-9].{7,39}$"
MAX_LABELS = 20

# -- The rules ------------------------------------------------------------------------------------

_T3 = "003 Table 3; 004 表4-123, 表4-188"
STRUCTURE = Rule(
    "every field",
    "type, mandatory flag and enum values as the tables print them; where they differ, what any "
    "of them allows",
    "003 Tables 3-42; 004 表4-123 to 表4-154, 表4-188 to 表4-219",
)
NAME = Rule(
    "name",
    "2 to 64 letters, digits, - or _, starting with a letter and ending with a letter or digit",
    _T3,
)
DESCRIPTION = Rule("description", "at most 128 characters", _T3)
VERSION = Rule("version", f"at most 32 characters matching {VERSION_PATTERN}", _T3)
REFER_RESOURCES_TO_CREATE = Rule("refer_resources", "required to create a component", "004 表4-123")
LABEL_KEY = Rule(
    "labels[].key",
    "on create, 1 to 36 digits, letters, _, - or Chinese characters, and not app, casid or version",
    "004 表4-124",
)
LABEL_VALUE = Rule(
    "labels[].value",
    "on create, 0 to 43 digits, letters, _, ., - or Chinese characters",
    "004 表4-124",
)
VM_STACK_TYPES = Rule(
    "runtime_stack.type",
    "Java, Tomcat or Nodejs when deploy_mode is virtualmachine",
    "003 Table 30; 004 表4-150; 000 Table 31",
)
SOURCE_ARTIFACT = Rule(
    "source.url, source.storage",
    "required when kind is package or image",
    "003 Table 31; 004 表4-151; 000 Table 32",
)
SOURCE_HTTP = Rule(
    "source.http_command, http_headers, http_username, http_password",
    "when storage is http: http_command, and http_headers or http_username with http_password "
    "(each row says mandatory for http, and names the two authentications as alternatives)",
    "003 Table 31; 000 Table 32",
)
COMMIT_ID = Rule(
    "source.commit_id",
    "8 to 40 characters, starting with a lower-case letter or a digit",
    "003 Table 31; 004 表4-151; 000 Table 32",
)
STORAGE_PATH = Rule(
    "storages[].parameters.path",
    "required when type is HostPath",
    "003 Table 6; 004 表4-126",
)
STORAGE_NAME = Rule(
    "storages[].parameters.name",
    "required when type is ConfigMap, Secret or PersistentVolumeClaim",
    "003 Table 6; 004 表4-126",
)
ROLLING_RELEASE = Rule(
    "deploy_strategy.rolling_release",
    "required when type is RollingRelease",
    "003 Table 8; 004 表4-128",
)
GRAY_RELEASE = Rule(
    "deploy_strategy.gray_release",
    "required when type is GrayRelease",
    "003 Table 8; 004 表4-128",
)
GRAY_BY_WEIGHT = Rule(
    "deploy_strategy.gray_release.first_batch_weight, first_batch_replica, remaining_batch",
    "required when type is WEIGHT",
    "003 Table 10; 004 表4-130",
)
GRAY_BY_CONTENT = Rule(
    "deploy_strategy.gray_release.replica_surge_mode, rule_match_mode, rules",
    "required when type is CONTENT",
    "003 Table 10; 004 表4-130",
)
REPLICA = Rule(
    "replica",
    "required, unless workload_content gives the workload: its spec.replicas (else 1, Kubernetes' "
    "default) is then the count",
    "003 Table 3; 004 表4-123 (Mandatory); Huawei's Terraform provider's acceptance test of a "
    "yaml-mode component, which sends none",
)
MESHER = Rule(
    "mesher",
    "required when runtime_stack.type is Nodejs and refer_resources bind a cse engine",
    _T3,
)
AFFINITY_WEIGHT = Rule(
    "affinity[].weight, anti_affinity[].weight",
    "an integer from 0 to 100, or a string of one",
    "004 表4-143, 表4-208 (Integer, 0-100); 003 Table 23 (String, 1-100 or 100)",
)
VOLUME_CLASS = Rule(
    "refer_resources[].parameters.class",
    "csi-sfsturbo with type efs, csi-obs with obs, csi-nas with sfs, csi-disk with evs",
    "003 Table 27; 000 Table 28",
)
MULTI_CONTAINER_IMAGES = Rule(
    "multi_containers[].source.kind", "image: containers run images only", "003 Table 38"
)
TOLERATION_KEY = Rule("tolerations[].key", "required when operator is Equal", "003 Table 36")
TOLERATION_VALUE = Rule("tolerations[].value", "not given when operator is Exists", "003 Table 36")
TOLERATION_SECONDS = Rule(
    "tolerations[].toleration_seconds", "given only when effect is NoExecute", "003 Table 36"
)
SURGE_FOR_DEPLOYMENTS = Rule(
    "update_strategy.max_unavailable, max_surge",
    "given only when workload_kind is deployment (or not given)",
    "003 Table 37",
)
PROGRESS_DEADLINE = Rule(
    "update_strategy.progress_deadline_seconds",
    "greater than min_ready_seconds (0 when not given)",
    "003 Table 37",
)
NAME_FIXED = Rule("name", "cannot be modified", "003 Table 3")
RUNTIME_STACK_FIXED = Rule("runtime_stack", "cannot be modified", "003 Table 3")
REPLICA_BY_SCALING = Rule(
    "replica", "changes only by scaling (component task scale)", "003 Table 3; 004 表4-188"
)
SCALE_HOSTS = Rule(
    "parameters.hosts",
    "required to scale a component deployed on virtual machines",
    "004 表4-262",
)

#: The rules of the component body (create, modify) and of component tasks, in README order.
RULES: tuple[Rule, ...] = (
    STRUCTURE,
    NAME,
    DESCRIPTION,
    VERSION,
    REFER_RESOURCES_TO_CREATE,
    REPLICA,
    LABEL_KEY,
    LABEL_VALUE,
    VM_STACK_TYPES,
    SOURCE_ARTIFACT,
    SOURCE_HTTP,
    COMMIT_ID,
    STORAGE_PATH,
    STORAGE_NAME,
    ROLLING_RELEASE,
    GRAY_RELEASE,
    GRAY_BY_WEIGHT,
    GRAY_BY_CONTENT,
    MESHER,
    AFFINITY_WEIGHT,
    VOLUME_CLASS,
    MULTI_CONTAINER_IMAGES,
    TOLERATION_KEY,
    TOLERATION_VALUE,
    TOLERATION_SECONDS,
    SURGE_FOR_DEPLOYMENTS,
    PROGRESS_DEADLINE,
    NAME_FIXED,
    RUNTIME_STACK_FIXED,
    REPLICA_BY_SCALING,
    SCALE_HOSTS,
)

# What the other core operations enforce: their fields' pydantic constraints below.
OTHER_RULES: tuple[Rule, ...] = (
    Rule(
        "environments: name",
        "2 to 64 letters, digits, - or _, starting with a letter and ending with a letter or "
        "digit; unique regardless of case",
        "004 表4-3, 表4-17",
    ),
    Rule("environments: vpc_id", "required to create", "004 表4-3"),
    Rule(
        "environments: deploy_mode",
        "virtualmachine, container or mixed; cannot be modified, nor can vpc_id",
        "004 表4-3",
    ),
    Rule("environments, applications: description", "at most 128 characters", "004 表4-3, 表4-81"),
    Rule(
        "environments, applications: labels",
        "at most 20; key 1 to 36 digits, letters, _, - or Chinese characters; value 2 to 43 "
        "digits, letters, _, ., - or Chinese characters",
        "004 表4-3, 表4-4, 表4-17, 表4-18, 表4-81, 表4-82",
    ),
    Rule(
        "environments: resources[].type",
        "one of the types the modify operation or the query of resources lists; compute "
        "resources of the other deploy mode refused",
        "004 表4-30, 表4-41; 表12-37",
    ),
    Rule("applications: name", "as environments' names", "004 表4-81"),
    Rule(
        "application configuration: env[].name",
        "1 to 64 letters, digits, _, - or ., starting with a letter, _ or -; unique",
        "004 表4-114",
    ),
    Rule(
        "component import: create_mode, workload_kind",
        "import; deployment or statefulset",
        "004 表4-158",
    ),
)

# The values the documents spell two ways, and the spelling answers use (README: spellings):
# what the SDK's docstrings give (DeployStrategyGrayRelease, ...Rules); without an SDK model,
# Kubernetes' own (a taint effect) or the spelling most tables print (header). Requests keep
# what they sent; `answered_spellings` rewrites what GET shows.
_GRAY_ANSWERS = {
    "type": {"weight": "WEIGHT", "content": "CONTENT"},
    "replica_surge_mode": {"mirror": "MIRROR", "extra": "EXTRA", "no_surge": "NOSURGE"},
    "rule_match_mode": {"ALL": "all", "ANY": "any"},
}
_GRAY_RULE_ANSWERS = {
    "type": {"HEADER": "header"},
    "condition": {"EQUAL": "equal", "MATCH": "match", "IN": "in"},
}
_TOLERATION_ANSWERS = {"effect": {"NoScheduler": "NoSchedule"}}


def answered_spellings(shown: dict[str, Any]) -> dict[str, Any]:
    """`shown` (a component as GET shows it) with each value the documents spell two ways in
    the spelling the SDK reads."""

    def respell(item: Any, answers: dict[str, dict[str, str]]) -> None:
        if isinstance(item, dict):
            for key, spellings in answers.items():
                if isinstance(item.get(key), str):
                    item[key] = spellings.get(item[key], item[key])

    strategy = shown.get("deploy_strategy")
    gray = strategy.get("gray_release") if isinstance(strategy, dict) else None
    if isinstance(gray, dict):
        respell(gray, _GRAY_ANSWERS)
        rules = gray.get("rules")
        for rule in rules if isinstance(rules, list) else [rules]:
            respell(rule, _GRAY_RULE_ANSWERS)
    for toleration in shown.get("tolerations") or []:
        respell(toleration, _TOLERATION_ANSWERS)
    return shown


# -- Base models ----------------------------------------------------------------------------------


class RequestBody(BaseModel):
    """A request body, or an object in one: types are checked strictly (no infinite numbers),
    unknown fields are ignored as services do."""

    model_config = ConfigDict(strict=True, extra="ignore", allow_inf_nan=False)


class _NestedObject(BaseModel):
    """A nested JSON object: known fields are checked, unknown ones are kept and echoed back."""

    model_config = ConfigDict(strict=True, extra="allow", allow_inf_nan=False)


# -- Environments and applications (§4.1, §4.2) ---------------------------------------------------


class ResourceLabel(RequestBody):
    """A label of an environment or application (004 表4-4, 表4-82)."""

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


# -- The component body: one model per table ------------------------------------------------------


class Label(RequestBody):
    """003 Table 4, 004 表4-189 labels (modify: no rules on the values)."""

    key: str
    value: str


class CreateLabel(Label):
    """004 表4-124 labels (create), with the create table's rules."""

    @field_validator("key")
    @classmethod
    def _key(cls, key: str) -> str:
        if not re.fullmatch(_COMPONENT_LABEL_KEY_PATTERN, key) or key in _RESERVED_LABEL_KEYS:
            raise LABEL_KEY.broken()
        return key

    @field_validator("value")
    @classmethod
    def _value(cls, value: str) -> str:
        if not re.fullmatch(_COMPONENT_LABEL_VALUE_PATTERN, value):
            raise LABEL_VALUE.broken()
        return value


class StorageParameters(_NestedObject):
    """003 Table 6 component_storage_parameters."""

    path: str | None = None
    name: str | None = None
    default_mode: int | None = None
    medium: str | None = None


class Mount(_NestedObject):
    """003 Table 7 mounts."""

    path: str
    sub_path: str
    read_only: bool


class Storage(_NestedObject):
    """003 Table 5 storages."""

    type: Literal["HostPath", "EmptyDir", "ConfigMap", "Secret", "PersistentVolumeClaim"]
    name: str
    parameters: StorageParameters
    mounts: list[Mount]

    @model_validator(mode="after")
    def _parameters_of_type(self) -> Storage:
        if self.type == "HostPath" and self.parameters.path is None:
            raise STORAGE_PATH.broken()
        if self.type in ("ConfigMap", "Secret", "PersistentVolumeClaim") and (
            self.parameters.name is None
        ):
            raise STORAGE_NAME.broken()
        return self


class RollingRelease(_NestedObject):
    """003 Table 9 rolling_release."""

    batches: int


class GrayRule(_NestedObject):
    """003 Table 11 gray_rules."""

    type: Literal["HEADER", "header"]
    key: str
    value: str
    condition: Literal["EQUAL", "MATCH", "IN", "equal", "match", "in"]


class GrayRelease(_NestedObject):
    """003 Table 10 gray_release (004 表4-130 spells the values in lower case)."""

    type: Literal["WEIGHT", "CONTENT", "weight", "content"]
    first_batch_weight: int | None = None
    first_batch_replica: int | None = None
    remaining_batch: int | None = None
    # 1, 3 and 4 in every table; the SDK's docstring adds 6 (a shared ELB).
    deployment_mode: Literal[1, 3, 4, 6] | None = None
    replica_surge_mode: (
        Literal["MIRROR", "EXTRA", "NOSURGE", "mirror", "extra", "no_surge"] | None
    ) = None
    rule_match_mode: Literal["ALL", "ANY", "all", "any"] | None = None
    # Every table types it Object; the SDK sends a list of rules.
    rules: list[GrayRule] | GrayRule | None = None

    @model_validator(mode="after")
    def _complete_for_its_type(self) -> GrayRelease:
        if self.type.upper() == "WEIGHT" and None in (
            self.first_batch_weight,
            self.first_batch_replica,
            self.remaining_batch,
        ):
            raise GRAY_BY_WEIGHT.broken()
        if self.type.upper() == "CONTENT" and None in (
            self.replica_surge_mode,
            self.rule_match_mode,
            self.rules,
        ):
            raise GRAY_BY_CONTENT.broken()
        return self


class DeployStrategy(_NestedObject):
    """003 Table 8 deploy_strategy."""

    type: Literal["OneBatchRelease", "RollingRelease", "GrayRelease"]
    rolling_release: RollingRelease | None = None
    gray_release: GrayRelease | None = None

    @model_validator(mode="after")
    def _has_its_parameters(self) -> DeployStrategy:
        if self.type == "RollingRelease" and self.rolling_release is None:
            raise ROLLING_RELEASE.broken()
        if self.type == "GrayRelease" and self.gray_release is None:
            raise GRAY_RELEASE.broken()
        return self


class Command(_NestedObject):
    """003 Table 12 command."""

    command: list[str] | None = None
    args: list[str] | None = None


class Lifecycle(_NestedObject):
    """003 Table 13 component_lifecycle."""

    type: Literal["http", "command"]
    scheme: Literal["HTTP", "HTTPS"] | None = None
    host: str | None = None
    port: int | None = None
    path: str | None = None
    command: list[str] | None = None


class Mesher(_NestedObject):
    """003 Table 14 mesher."""

    port: int


class TomcatOptions(_NestedObject):
    """003 Table 15 tomcat_opt."""

    server_xml: str


class HostAlias(_NestedObject):
    """003 Table 16 host_aliases; 000 Table 17 and 004 表4-239 spell the list `hostname`."""

    ip: str
    hostnames: list[str] = Field(validation_alias=AliasChoices("hostnames", "hostname"))


class DnsOption(_NestedObject):
    """003 Table 18 options."""

    name: str
    value: str | None = None


class DnsConfig(_NestedObject):
    """003 Table 17 dns_config."""

    nameservers: list[str] | None = None
    searches: list[str] | None = None
    options: list[DnsOption] | None = None


class Capabilities(_NestedObject):
    """003 Table 20 capabilities."""

    add: list[str] | None = None
    drop: list[str] | None = None


class SecurityContext(_NestedObject):
    """003 Table 19 security_context."""

    run_as_user: int | None = None
    run_as_group: int | None = None
    capabilities: Capabilities | None = None


class LogCollection(_NestedObject):
    """003 Table 21 logs."""

    log_path: str
    rotate: str
    host_path: str
    host_extend_path: Literal[
        "None", "PodUID", "PodName", "PodUID/ContainerName", "PodName/ContainerName"
    ]


class CustomMetric(_NestedObject):
    """003 Table 22 custom_metric."""

    path: str
    port: int
    dimensions: str


def replicas_of_workload(content: str) -> int:
    """The instance count a workload's YAML (or JSON) gives, as Kubernetes reads it."""
    try:
        workload = yaml.safe_load(content)
    except yaml.YAMLError:
        return 1
    spec = workload.get("spec") if isinstance(workload, dict) else None
    replicas = spec.get("replicas") if isinstance(spec, dict) else None
    return replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else 1


class MatchExpression(_NestedObject):
    """003 Table 24 match_expressions."""

    key: str
    operation: str
    value: str


class _Affinity(_NestedObject):
    """The fields of 000 Table 24 component_affinity (optional, as 003 Table 23 prints them)."""

    kind: Literal["node", "pod"] | None = None
    condition: Literal["required", "preferred"] | None = None
    match_expressions: list[MatchExpression] | None = None
    weight: int | str | None = None

    @field_validator("weight")
    @classmethod
    def _weight(cls, weight: int | str | None) -> int | str | None:
        if weight is None:
            return None
        number = weight if isinstance(weight, int) else _digits(weight)
        if number is None or not 0 <= number <= 100:
            raise AFFINITY_WEIGHT.broken()
        return weight


def _digits(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else None


class ComponentAffinity(_Affinity):
    """003 Table 23 component_affinity."""

    topology_key: str | None = None


# The object the SDK's ComponentAffinity models (and 004 §8.3's example sends): az and node
# names, and components; the tables document a list of `ComponentAffinity` instead.
SdkAffinity = dict[Literal["az", "node", "component"], list[Any]]


class Probe(_NestedObject):
    """003 Table 25 component_probe."""

    type: Literal["http", "tcp", "command"]
    delay: int
    timeout: int
    scheme: Literal["HTTP", "HTTPS"] | None = None
    host: str | None = None
    port: int | None = None
    path: str | None = None
    command: list[str] | None = None


# 003 Table 26 (a superset of 004 表4-146's); release tasks' entries have 000 Table 27's.
COMPONENT_REFER_TYPES = frozenset(
    {
        "vpc", "eip", "elb", "cce", "ecs", "as", "cse", "nacos", "dcs", "rds", "gaussdb",
        "dms_rocketmq", "css_es",
    }
)  # fmt: skip
RELEASE_TASK_REFER_TYPES = frozenset(
    {
        "vpc", "eip", "elb", "cce", "ecs", "dcs", "rds", "cse", "nacos", "customServer", "pvc",
        "gaussdb", "dms_rocketmq", "css_es",
    }
)  # fmt: skip
#: Validation context under which refer_resources take release tasks' types (000 Table 27).
RELEASE_TASK_CONTEXT = {"refer_types": RELEASE_TASK_REFER_TYPES}
_VOLUME_CLASSES = {
    "efs": "csi-sfsturbo",
    "obs": "csi-obs",
    "sfs": "csi-nas",
    "evs": "csi-disk",
}


class ReferResourceParameters(_NestedObject):
    """003 Table 27 refer_resource_parameter (004 表4-147: namespace only)."""

    namespace: str | None = None
    name: str | None = None
    capacity: int | None = None
    # The table lists volume types (efs, obs, sfs, evs), but 000's example (cce: VirtualMachine)
    # and 004 §8.3's (cce: VirtualMachine, ARM64) show other values in it: not an enum.
    type: str | None = None
    # `class` is a keyword in Python.
    class_: Literal["csi-sfsturbo", "csi-obs", "csi-nas", "csi-disk"] | None = Field(
        None, alias="class"
    )
    obs_volume_type: str | None = None
    access_mode: Literal["ReadWriteOnce", "ReadWriteMany"] | None = None
    availableZone: str | None = None
    volume_type: str | None = None

    @model_validator(mode="after")
    def _class_of_type(self) -> ReferResourceParameters:
        wanted = _VOLUME_CLASSES.get(self.type or "")
        if self.class_ is not None and wanted is not None and self.class_ != wanted:
            raise VOLUME_CLASS.broken()
        return self


class ReferResource(_NestedObject):
    """003 Table 26 refer_resources (000 Table 27 in a release task)."""

    id: str
    type: str
    parameters: ReferResourceParameters | None = None

    @field_validator("type")
    @classmethod
    def _type(cls, value: str, info: ValidationInfo) -> str:
        allowed = (info.context or {}).get("refer_types", COMPONENT_REFER_TYPES)
        if value not in allowed:
            raise ValueError(f"Input should be one of {', '.join(sorted(allowed))}")
        return value


class ValueFrom(_NestedObject):
    """003 Table 29 value_from."""

    reference_type: Literal["configMapKey", "secretKey"]
    name: str
    key: str | None = None
    optional: bool | None = None


class EnvVariable(_NestedObject):
    """003 Table 28 envs."""

    name: str
    value: str | None = None
    value_from: ValueFrom | None = None


class RuntimeStackRef(RequestBody):
    """003 Table 30 runtime_stack (the one stack a component runs on, compared as a whole)."""

    name: str
    type: Literal["Java", "Tomcat", "Nodejs", "Php", "Docker", "Python"]
    version: str
    deploy_mode: Literal["container", "virtualmachine"]

    @model_validator(mode="after")
    def _type_for_mode(self) -> RuntimeStackRef:
        if self.deploy_mode == "virtualmachine" and self.type not in ("Java", "Tomcat", "Nodejs"):
            raise VM_STACK_TYPES.broken()
        return self


#: Source fields that carry credentials: stored, used, never shown back.
SOURCE_CREDENTIALS = ("http_password", "http_headers")


class Source(_NestedObject):
    """003 Table 31 source (000 Table 32; 004 表4-151 adds codearts)."""

    kind: Literal["code", "package", "image"]
    version: str | None = None
    url: str | None = None
    storage: Literal["devcloud", "obs", "http", "swr", "codearts"] | None = None
    auth: Literal["iam", "none"] | None = None
    repo_auth: str | None = None
    repo_namespace: str | None = Field(
        None, validation_alias=AliasChoices("repo_namespace", "repo_name_space")
    )
    repo_ref: str | None = None
    # The component tables spell GitHub, BitBucket, GitLab; the Git authorization tables (004
    # 表5-14, 表5-19) github, gitlab, bitbucket; the SDK types a plain string.
    repo_type: Literal["GitHub", "BitBucket", "GitLab", "github", "bitbucket", "gitlab"] | None = (
        None
    )
    web_url: str | None = None
    repo_url: str | None = None
    commit_id: str | None = None
    http_username: str | None = None
    http_password: str | None = None
    http_command: str | None = None
    http_headers: dict[str, str] | None = None

    @field_validator("commit_id")
    @classmethod
    def _commit_id(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(_COMMIT_ID_PATTERN, value, re.DOTALL):
            raise COMMIT_ID.broken()
        return value

    @model_validator(mode="after")
    def _located(self) -> Source:
        if self.kind in ("package", "image") and (self.url is None or self.storage is None):
            raise SOURCE_ARTIFACT.broken()
        if self.storage == "http" and (
            self.http_command is None
            or (self.http_headers is None and None in (self.http_username, self.http_password))
        ):
            raise SOURCE_HTTP.broken()
        return self


class BuildParameters(_NestedObject):
    """003 Table 33 parameters (004 表4-256 spells artifact_name_space)."""

    build_cmd: str | None = None
    dockerfile_path: str | None = None
    artifact_namespace: str | None = Field(
        None, validation_alias=AliasChoices("artifact_namespace", "artifact_name_space")
    )
    cluster_id: str
    node_label_selector: dict[str, str] | None = None
    environment_id: str | None = None


class Build(_NestedObject):
    """003 Table 32 build."""

    parameters: BuildParameters | None = None


class ExternalAccess(_NestedObject):
    """003 Table 34 external_accesses."""

    # The tables list http and https; the live service answers them upper case (Huawei's
    # Terraform provider's acceptance tests read HTTP back), so a client may send them so.
    protocol: Literal["http", "https", "HTTP", "HTTPS"] | None = None
    address: str | None = None
    forward_port: int | None = None


class AutoLtsConfig(_NestedObject):
    """003 Table 35 auto_lts_config."""

    enable: bool
    lts_log_path: list[str] | None = None


class Toleration(_NestedObject):
    """003 Table 36 tolerations (Kubernetes' taint effect NoSchedule is printed NoScheduler)."""

    key: str | None = None
    operator: Literal["Equal", "Exists"] | None = None
    value: str | None = None
    effect: Literal["NoScheduler", "NoSchedule", "PreferNoSchedule", "NoExecute"] | None = None
    toleration_seconds: int | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Toleration:
        if self.operator == "Equal" and self.key is None:
            raise TOLERATION_KEY.broken()
        if self.operator == "Exists" and self.value is not None:
            raise TOLERATION_VALUE.broken()
        if self.toleration_seconds is not None and self.effect != "NoExecute":
            raise TOLERATION_SECONDS.broken()
        return self


class UpdateStrategy(_NestedObject):
    """003 Table 37 update_strategy."""

    type: Literal["RollingUpdate", "Recreate"] | None = None
    max_unavailable: int | str | None = None
    max_surge: int | str | None = None
    termination_period_seconds: int | None = None
    min_ready_seconds: int | None = None
    progress_deadline_seconds: int | None = None
    revision_history_limit: int | None = None

    @model_validator(mode="after")
    def _deadline_after_ready(self) -> UpdateStrategy:
        ready = self.min_ready_seconds or 0
        if self.progress_deadline_seconds is not None and self.progress_deadline_seconds <= ready:
            raise PROGRESS_DEADLINE.broken()
        return self


class ConfigEncryption(_NestedObject):
    """003 Table 42 (000 Table 42) config_encryption."""

    key_id: str


class MultiContainer(_NestedObject):
    """003 Table 38 multi_containers (000 Table 37 adds config_encryption)."""

    container_name: str
    source: Source
    limit_cpu: float | None = None
    limit_memory: float | None = None
    request_cpu: float | None = None
    request_memory: float | None = None
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

    @model_validator(mode="after")
    def _runs_an_image(self) -> MultiContainer:
        if self.source.kind != "image":
            raise MULTI_CONTAINER_IMAGES.broken()
        return self


class ConfigMount(_NestedObject):
    """003 Table 39 configs."""

    conifg_id: str  # sic, as Table 39 spells it
    mount_path: str


class HttpHeader(_NestedObject):
    """003 Table 41 http_headers."""

    key: str
    value: str


#: Template source fields that carry credentials (003 Table 40).
TEMPLATE_CREDENTIALS = ("http_password", "http_headers")


class TemplateSource(_NestedObject):
    """003 Table 40 template_source."""

    storage: Literal["devcloud", "obs", "http", "devcloud_repository"]
    url: str
    http_username: str | None = None
    http_password: str | None = None
    http_headers: list[HttpHeader] | None = None


class ComponentFields(RequestBody):
    """What the component body (003 Table 3) and a release task's entry (000 Table 4) share."""

    name: str
    runtime_stack: RuntimeStackRef
    source: Source
    version: str
    replica: int | None = None
    environment_id: str | None = None
    description: str | None = None
    build: Build | None = None
    limit_cpu: float | None = None
    limit_memory: float | None = None
    request_cpu: float | None = None
    request_memory: float | None = None
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
    dns_policy: Literal["Default", "ClusterFirst", "ClusterFirstWithHostNet", "None"] | None = None
    dns_config: DnsConfig | None = None
    # 003 Table 3 and 000 Table 4 list daemonset; 004's tables stop at statefulset.
    workload_kind: Literal["deployment", "statefulset", "daemonset"] | None = None
    security_context: SecurityContext | None = None
    logs: list[LogCollection] | None = None
    # 004 表4-226 (GET) spells it custom_metrics; the SDK reads custom_metric.
    custom_metric: CustomMetric | None = Field(
        None, validation_alias=AliasChoices("custom_metric", "custom_metrics")
    )
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    external_accesses: list[ExternalAccess] | None = None
    tolerations: list[Toleration] | None = None
    container_name: str | None = None
    update_strategy: UpdateStrategy | None = None
    multi_containers: list[MultiContainer] | None = None
    workload_content: str | None = None
    configs: list[ConfigMount] | None = None
    enable_sermant_injection: bool | None = None
    enable_sermant_spring_register: bool | None = None
    enable_sermant_dubbo_register: bool | None = None
    enable_sermant_config: bool | None = None
    cell_id: str | None = None
    swimlane_id: str | None = None
    sermantAgentInjectActionFlag: bool | None = None
    sys_config: dict[str, str] | None = None
    image_pull_secrets: list[str] | None = None
    auto_lts_config: AutoLtsConfig | None = None
    # 000 Tables 4 and 42; 003 prints Table 42 without a row of Table 3 pointing at it.
    config_encryption: ConfigEncryption | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not re.fullmatch(NAME_PATTERN, name):
            raise NAME.broken()
        return name

    @field_validator("version")
    @classmethod
    def _version(cls, version: str) -> str:
        if len(version) > 32 or not re.fullmatch(VERSION_PATTERN, version):
            raise VERSION.broken()
        return version

    @field_validator("description")
    @classmethod
    def _description(cls, description: str | None) -> str | None:
        if description is not None and len(description) > 128:
            raise DESCRIPTION.broken()
        return description

    @model_validator(mode="after")
    def _whole_body_rules(self) -> ComponentFields:
        if self.replica is None:
            if self.workload_content is None:
                raise REPLICA.broken()
            self.replica = replicas_of_workload(self.workload_content)
        cse_bound = any(
            getattr(resource, "type", None) == "cse" for resource in self.refer_resources_given()
        )
        if self.runtime_stack.type == "Nodejs" and cse_bound and self.mesher is None:
            raise MESHER.broken()
        strategy = self.update_strategy
        if (
            strategy is not None
            and (strategy.max_surge is not None or strategy.max_unavailable is not None)
            and self.workload_kind not in (None, "deployment")
        ):
            raise SURGE_FOR_DEPLOYMENTS.broken()
        return self

    @property
    def instances(self) -> int:
        """The instance count: sent, or read from the workload (`_whole_body_rules`)."""
        return self.replica if self.replica is not None else 1

    def refer_resources_given(self) -> list[Any]:
        return list(getattr(self, "refer_resources", None) or [])


class ComponentSpec(ComponentFields):
    """A component's configuration: the modify body (003 Table 3, 004 表4-188), as stored and
    shown back; `ComponentCreate` adds the create table's rules."""

    labels: list[Label] | None = None
    host_aliases: list[HostAlias] | None = None
    # The tables document a list of rules; the SDK (and 004 §8.3's example) an object.
    affinity: list[ComponentAffinity] | SdkAffinity | None = None
    anti_affinity: list[ComponentAffinity] | SdkAffinity | None = None
    refer_resources: list[ReferResource] | None = None
    config_mode: Literal["ui", "yaml", "template"] | None = None
    template_source: TemplateSource | None = None
    input_values: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The configuration in wire form, as sent (credentials included: callers hide them)."""
        return self.model_dump(
            mode="json", by_alias=True, exclude_unset=True, exclude={"environment_id"}
        )


class ComponentCreate(ComponentSpec):
    """The create body (004 §4.3.1 表4-123): refer_resources is required, labels have rules.

    `environment_id` is optional (表4-123): a component created without one belongs to no
    environment (see `servicestage.backend.ServiceStageBackend.create_component`).
    """

    labels: list[CreateLabel] | None = None  # type: ignore[assignment]

    @model_validator(mode="after")
    def _refers_to_resources(self) -> ComponentCreate:
        if self.refer_resources is None:
            raise REFER_RESOURCES_TO_CREATE.broken()
        return self


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
    labels: list[CreateLabel] | None = None
    description: str | None = Field(None, max_length=128)
    external_accesses: list[ExternalAccess] | None = None


class CreateModePeek(BaseModel):
    """Only the `create_mode` of a component body, which makes it an import when "import"."""

    model_config = ConfigDict(extra="ignore")
    create_mode: Any = None


class ActionParameters(RequestBody):
    """`parameters` of a component task (表4-262)."""

    replica: int | None = None
    version: str | None = None
    hosts: list[str] | None = None


class ComponentAction(RequestBody):
    # Checked by the backend, which answers an undefined action with its own error code.
    action: str
    parameters: ActionParameters | None = None
