"""Pydantic models of the ServiceStage v3 component request body.

Tables are cited by their number on the English page "Modifying Component Information Based on the
Component ID" (PUT .../components/{component_id}); ``environment_id`` comes from the create body
(Chinese API reference, 4.3.1, table 4-123). A release task carries the same component with a few
rows of its own (seed 000, "Obtaining Information About a Release Task", Tables 4-42, cited as
"000 Table n"): `ReleaseComponentSpec`. Field names are the wire names. Where the tables, the
examples and the official SDK (``huaweicloudsdkservicestage.v3.model``) disagree, a comment says
which one was followed; where documents spell one value in two ways, both spellings are accepted
and sent as given.

Rules that tie several fields together ("mandatory when kind is package") are checked once the
fields themselves are valid, and each broken rule is reported at the path of the field that breaks
it, e.g. ``source.url``.

The tables give few bounds of their own. Where a number is a port, a count, a duration or an amount
of CPU or memory, the bound is the one its meaning imposes (Kubernetes, which runs the component,
refuses the rest); where a string names or locates something (a URL, a path, a name), it must not
be empty, and the ids of other objects (environments, clusters, bound resources...) are
``ResourceId``s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from typing_extensions import Self

from ._common import OWNER_LABEL, Name, ResourceId, matching

_Violation = tuple[str, str]
"""A broken rule: the dotted wire path of the offending field, relative to the model, and why."""


class _Input(BaseModel):
    """Base of the request models: unknown keys fail; aliased fields take their Python name too;
    NaN and infinities fail, since JSON cannot carry them."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)

    def _violations(self) -> Iterator[_Violation]:
        """Yield every cross-field rule of this model's table that the values break."""
        return iter(())

    @model_validator(mode="after")
    def _check_rules(self) -> Self:
        errors = [
            InitErrorDetails(
                type=PydanticCustomError("component_rule", message),
                loc=tuple(path.split(".")),
                input=_value_at(self, path),
            )
            for path, message in self._violations()
        ]
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self


def _value_at(model: BaseModel, path: str) -> Any:
    value: Any = model
    for key in path.split("."):
        by_wire_name = {
            field.alias or name: name for name, field in type(value).model_fields.items()
        }
        value = getattr(value, by_wire_name[key])
    return value


def _required_when(model: BaseModel, paths: Iterable[str], condition: str) -> Iterator[_Violation]:
    for path in paths:
        if _value_at(model, path) is None:
            yield path, f"{path} is required when {condition}"


def _only_when(model: BaseModel, paths: Iterable[str], condition: str) -> Iterator[_Violation]:
    for path in paths:
        if _value_at(model, path) is not None:
            yield path, f"{path} can be set only when {condition}"


def _count_or_percentage(value: int | str, info: ValidationInfo) -> int | str:
    valid = value >= 0 if isinstance(value, int) else re.fullmatch(r"[0-9]+%", value) is not None
    if not valid:
        raise PydanticCustomError(
            "pattern_rule",
            f"{info.field_name} must be an integer of 0 or more or a percentage such as '25%'",
        )
    return value


def _within(low: int, high: int | None = None) -> AfterValidator:
    """A bound on a number whose failure names the field and the bound."""
    rule = f"at least {low}" if high is None else f"from {low} to {high}"

    def check(value: float, info: ValidationInfo) -> float:
        if value < low or (high is not None and value > high):
            raise PydanticCustomError("range_rule", f"{info.field_name} must be {rule}")
        return value

    return AfterValidator(check)


def _not_empty(value: str, info: ValidationInfo) -> str:
    if not value:
        raise PydanticCustomError("length_rule", f"{info.field_name} must not be empty")
    return value


VERSION_PATTERN = r"^([0-9]+)(.[0-9]+){2,3}$"  # verbatim from Table 3, unescaped dot included
ComponentVersion = Annotated[
    str, Field(max_length=32), matching(VERSION_PATTERN, f"version must match {VERSION_PATTERN}")
]
PodCount = Annotated[int | str, AfterValidator(_count_or_percentage)]
Port = Annotated[int, _within(1, 65535)]
Seconds = Annotated[int, _within(0)]
Count = Annotated[int, _within(0)]
Percentage = Annotated[int, _within(0, 100)]
# CPU in cores, memory in GiB (Tables 3 and 38).
Quantity = Annotated[float, _within(0)]
NonEmpty = Annotated[str, AfterValidator(_not_empty)]


class ComponentFields(_Input):
    """The rows a component's body and a release task's component share: Table 3 (000 Table 4),
    less those that differ between the two (`ComponentSpec`, `ReleaseComponentSpec`)."""

    name: Name
    labels: list[Label] | None = None
    runtime_stack: RuntimeStack
    # Optional in the create body (table 4-123: 否) and in a release task's component (000
    # Table 4); absent from the modify body (Table 3).
    environment_id: ResourceId | None = None
    description: str | None = Field(default=None, max_length=128)
    source: Source
    # Table 4-123 makes build mandatory for container deployment without an image, yet its own CCE
    # example deploys a package without one; the service is left to decide.
    build: Build | None = None
    limit_cpu: Quantity | None = None
    limit_memory: Quantity | None = None
    request_cpu: Quantity | None = None
    request_memory: Quantity | None = None
    version: ComponentVersion
    envs: list[EnvVar] | None = None
    # The tables give no bound; a component runs at least one instance. Mandatory in the
    # tables, yet a yaml-mode component (workload_content) may leave the count to its workload,
    # as Huawei's Terraform provider's acceptance test does.
    replica: Annotated[int, _within(1)] | None = None
    storages: list[Storage] | None = None
    deploy_strategy: DeployStrategy | None = None
    command: Command | None = None
    post_start: Lifecycle | None = None
    pre_stop: Lifecycle | None = None
    mesher: Mesher | None = None
    timezone: str | None = None
    jvm_opts: str | None = None
    tomcat_opts: TomcatOpts | None = None
    dns_policy: Literal["Default", "ClusterFirst", "ClusterFirstWithHostNet", "None"] | None = None
    dns_config: DnsConfig | None = None
    workload_kind: Literal["deployment", "statefulset", "daemonset"] | None = None
    security_context: SecurityContext | None = None
    logs: list[Log] | None = None
    custom_metric: CustomMetric | None = None
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    external_accesses: list[ExternalAccess] | None = None
    tolerations: list[Toleration] | None = None
    container_name: NonEmpty | None = None
    update_strategy: UpdateStrategy | None = None
    multi_containers: list[MultiContainer] | None = None
    workload_content: str | None = None
    configs: list[ConfigMount] | None = None
    # Not a row of 000 Table 4, but in its example response ("config_mode": "ui").
    config_mode: Literal["ui", "yaml", "template"] | None = None
    enable_sermant_injection: bool | None = None
    enable_sermant_spring_register: bool | None = None
    enable_sermant_dubbo_register: bool | None = None
    enable_sermant_config: bool | None = None
    cell_id: ResourceId | None = None
    swimlane_id: ResourceId | None = None
    # Named as on the wire: top-level fields are also the resource's argument and output names.
    sermantAgentInjectActionFlag: bool | None = None
    sys_config: dict[str, str] | None = None
    image_pull_secrets: list[str] | None = None
    auto_lts_config: AutoLtsConfig | None = None
    # Table 42 is printed on the modify page without a row pointing at it; the release-plan page
    # (Table 4) lists it as this top-level field, "mandatory when an encryption key is configured".
    config_encryption: ConfigEncryption | None = None

    def bound_resource_types(self) -> set[str]:
        """The types of the resources the component binds (its `refer_resources`)."""
        raise NotImplementedError

    def _violations(self) -> Iterator[_Violation]:
        if self.replica is None and self.workload_content is None:
            yield "replica", "replica is required unless workload_content gives the workload"
        if self.runtime_stack.type == "Nodejs" and "cse" in self.bound_resource_types():
            yield from _required_when(
                self, ["mesher"], "runtime_stack.type is 'Nodejs' and a cse engine is bound"
            )
        if self.update_strategy is not None and self.workload_kind not in (None, "deployment"):
            yield from _only_when(
                self,
                ["update_strategy.max_unavailable", "update_strategy.max_surge"],
                "workload_kind is 'deployment'",
            )


class ComponentSpec(ComponentFields):
    """Table 3 request body (create and modify), plus environment_id of the create body."""

    host_aliases: list[HostAlias] | None = None
    # The installed SDK types these as one {az, node, component} object; every table, and the
    # service's own release-plan example, has a list of Table 23 rules (as other SDK builds do).
    affinity: list[Affinity] | None = None
    anti_affinity: list[Affinity] | None = None
    # Mandatory in the create body (table 4-123), optional in the modify body.
    refer_resources: list[ReferResource]
    template_source: TemplateSource | None = None
    input_values: dict[str, str] | None = None

    def bound_resource_types(self) -> set[str]:
        return {resource.type for resource in self.refer_resources}


class ReleaseComponentSpec(ComponentFields):
    """A release task's component (000 Table 4): the component's rows, with the host aliases,
    affinities and bound resources of the release-task page, and the StatefulSet service.

    000 Table 4 has no ``template_source`` or ``input_values`` rows: those belong to the new
    release management's template sources (``servicestage-release-task-new-*`` pages,
    ``sources[].template_source``), a different API, so a release task's component has neither.
    """

    host_aliases: list[ReleaseHostAlias] | None = None
    affinity: list[AffinityRule] | None = None
    anti_affinity: list[AffinityRule] | None = None
    # 000 has no Mandatory column; the component create body's (table 4-123) stands in: an entry
    # without a component_id creates its component.
    refer_resources: list[ReleaseReferResource]
    # "Service name / Port configured for the inter-instance discovery of a StatefulSet".
    service_name: NonEmpty | None = None
    ports: list[ServicePort] | None = None

    def bound_resource_types(self) -> set[str]:
        return {resource.type for resource in self.refer_resources}


LabelKey = Annotated[
    str,
    matching(
        r"[0-9A-Za-z_\-\u4e00-\u9fff]{1,36}",
        "key must be 1 to 36 letters, digits, underscores (_), hyphens (-) or Chinese characters",
    ),
]
LabelValue = Annotated[
    str,
    matching(
        r"[0-9A-Za-z_.\-\u4e00-\u9fff]{0,43}",
        "value must be up to 43 letters, digits, underscores (_), dots (.), hyphens (-) "
        "or Chinese characters",
    ),
]


class Label(_Input):
    """Table 4 labels; the character rules come from the create body's table 4-124."""

    key: LabelKey
    value: LabelValue

    def _violations(self) -> Iterator[_Violation]:
        if self.key in ("app", "casid", "version"):
            yield "key", "key must not be app, casid or version: the system sets those labels"
        if self.key == OWNER_LABEL:
            yield "key", f"key {OWNER_LABEL} is reserved for the ownership marker"


class Storage(_Input):
    """Table 5 storages."""

    type: Literal["HostPath", "EmptyDir", "ConfigMap", "Secret", "PersistentVolumeClaim"]
    name: NonEmpty
    parameters: StorageParameters
    mounts: list[Mount]

    def _violations(self) -> Iterator[_Violation]:
        # Table 6 (and 4-126) says which types a parameter "is applicable to", and makes path
        # and name mandatory for theirs; it forbids none elsewhere, so neither does this.
        for parameter, types in _STORAGE_TYPES_REQUIRING.items():
            if self.type in types:
                condition = "type is " + " or ".join(repr(kind) for kind in types)
                yield from _required_when(self, [f"parameters.{parameter}"], condition)


_STORAGE_TYPES_REQUIRING = {  # Table 6: "mandatory when type is set to ..."
    "path": ("HostPath",),
    "name": ("ConfigMap", "Secret", "PersistentVolumeClaim"),
}


class StorageParameters(_Input):
    """Table 6 component_storage_parameters."""

    path: NonEmpty | None = None
    name: NonEmpty | None = None
    # A file mode, sent in decimal (Table 6: "Example: 384", i.e. 0600); Kubernetes takes 0 to 0777.
    default_mode: Annotated[int, _within(0, 0o777)] | None = None
    medium: str | None = None


class Mount(_Input):
    """Table 7 mounts."""

    path: NonEmpty
    sub_path: str
    read_only: bool


class DeployStrategy(_Input):
    """Table 8 deploy_strategy."""

    type: Literal["OneBatchRelease", "RollingRelease", "GrayRelease"]
    rolling_release: RollingRelease | None = None
    gray_release: GrayRelease | None = None

    def _violations(self) -> Iterator[_Violation]:
        if self.type == "RollingRelease":
            yield from _required_when(self, ["rolling_release"], "type is 'RollingRelease'")
        elif self.type == "GrayRelease":
            yield from _required_when(self, ["gray_release"], "type is 'GrayRelease'")


class RollingRelease(_Input):
    """Table 9 rolling_release."""

    batches: Annotated[int, _within(1)]


class GrayRelease(_Input):
    """Table 10 gray_release (000 Table 11, tables 4-130/4-195)."""

    # The English tables spell the values upper case, the Chinese ones lower case (weight,
    # no_surge, ...); the SDK's docstrings have WEIGHT/CONTENT, MIRROR/EXTRA/NOSURGE and all/any.
    # Every spelling is accepted and sent as given.
    type: Literal["WEIGHT", "CONTENT", "weight", "content"]
    # Marked "Yes" in Table 10 but described as "mandatory when type is WEIGHT".
    first_batch_weight: Percentage | None = None  # a share of the traffic, in percent
    # A first batch holds at least one gray instance; remaining_batch is 0 when it holds them all.
    first_batch_replica: Annotated[int, _within(1)] | None = None
    remaining_batch: Count | None = None
    deployment_mode: Literal[1, 3, 4, 6] | None = None  # 6 (shared ELB) is SDK-only
    replica_surge_mode: (
        Literal["MIRROR", "EXTRA", "NOSURGE", "mirror", "extra", "no_surge"] | None
    ) = None
    rule_match_mode: Literal["all", "any", "ALL", "ANY"] | None = None
    rules: list[GrayRule] | None = None  # "Object" in the tables, a list in the SDK

    def _violations(self) -> Iterator[_Violation]:
        if self.type.upper() == "WEIGHT":
            yield from _required_when(
                self,
                ["first_batch_weight", "first_batch_replica", "remaining_batch"],
                f"type is {self.type!r}",
            )
        else:
            yield from _required_when(
                self, ["replica_surge_mode", "rule_match_mode", "rules"], f"type is {self.type!r}"
            )


class GrayRule(_Input):
    """Table 11 gray_rules (000 Table 12, tables 4-131/4-196): upper case in the English tables,
    lower case in the Chinese ones and the SDK's docstrings."""

    type: Literal["header", "HEADER"]
    key: NonEmpty  # a header name
    value: str
    condition: Literal["equal", "match", "in", "EQUAL", "MATCH", "IN"]


class Command(_Input):
    """Table 12 command."""

    command: list[str] | None = None
    args: list[str] | None = None


class Lifecycle(_Input):
    """Table 13 component_lifecycle."""

    type: Literal["http", "command"]
    scheme: Literal["HTTP", "HTTPS"] | None = None
    host: str | None = None
    port: Port | None = None
    path: str | None = None
    command: list[str] | None = None

    def _violations(self) -> Iterator[_Violation]:
        if self.type == "http":
            yield from _only_when(self, ["command"], "type is 'command'")
        else:
            yield from _only_when(self, ["scheme", "host", "port", "path"], "type is 'http'")


class Mesher(_Input):
    """Table 14 mesher."""

    port: Port


class TomcatOpts(_Input):
    """Table 15 tomcat_opt."""

    server_xml: str


class HostAlias(_Input):
    """Table 16 host_aliases (tables 4-136/4-201); GET spells the list hostname (table 4-239)."""

    ip: NonEmpty
    hostnames: list[str]


class ReleaseHostAlias(_Input):
    """000 Table 17 host_aliases of a release task's component: spelt hostname there.

    000 prints no Mandatory column; Table 16's "Yes" is for ``hostnames``, a field of another
    name, so the list is optional here and the service left to decide.
    """

    ip: NonEmpty
    hostname: list[str] | None = None


class DnsConfig(_Input):
    """Table 17 dns_config."""

    nameservers: list[str] | None = None
    searches: list[str] | None = None
    options: list[DnsOption] | None = None


class DnsOption(_Input):
    """Table 18 options."""

    name: NonEmpty
    value: str | None = None


class SecurityContext(_Input):
    """Table 19 security_context."""

    # User and group ids are not negative (Table 19: "set the user ID to 0" for root).
    run_as_user: Annotated[int, _within(0)] | None = None
    run_as_group: Annotated[int, _within(0)] | None = None
    capabilities: Capabilities | None = None


class Capabilities(_Input):
    """Table 20 capabilities."""

    add: list[str] | None = None
    drop: list[str] | None = None


class Log(_Input):
    """Table 21 logs."""

    log_path: NonEmpty
    rotate: str
    host_path: NonEmpty
    host_extend_path: Literal[
        "None", "PodUID", "PodName", "PodUID/ContainerName", "PodName/ContainerName"
    ]


class CustomMetric(_Input):
    """Table 22 custom_metric."""

    path: NonEmpty
    port: Port
    dimensions: str


class AffinityRule(_Input):
    """A scheduling rule as tables 4-143/4-208 and 000 Table 24 have it; kind, condition and
    match_expressions are mandatory per table 4-143."""

    kind: Literal["node", "pod"]
    condition: Literal["required", "preferred"]
    match_expressions: list[MatchExpression]
    # Tables 4-143/4-208 (create, modify) and 4-246 (GET) type it Integer, "取值范围0~100"; the
    # English Table 23 and 000 Table 24 print String, "an integer ranging from 1 to 100". An
    # integer or a numeric string is accepted and the integer sent, as GET shows it (and as the
    # Terraform provider, tested against the service, sends it). The range is the wider one.
    weight: Annotated[int, _within(0, 100)] | None = None

    def _violations(self) -> Iterator[_Violation]:
        # "The value is 100 when condition is set to required. Enter an integer ranging from 1
        # to 100 when condition is set to preferred." (Table 23, 000 Table 24)
        if self.condition == "required" and self.weight not in (None, 100):
            yield "weight", "weight must be 100 when condition is 'required'"
        if self.condition == "preferred":
            yield from _required_when(self, ["weight"], "condition is 'preferred'")


class Affinity(AffinityRule):
    """Table 23 component_affinity: a rule with the topology key only this table has."""

    topology_key: str | None = None


class MatchExpression(_Input):
    """Table 24 match_expressions."""

    key: NonEmpty
    operation: NonEmpty
    # Mandatory in Table 24, though the Exists and DoesNotExist operations take no value: left
    # out, it is sent empty, as Huawei's Terraform provider sends it.
    value: str = ""


class Probe(_Input):
    """Table 25 component_probe."""

    type: Literal["http", "tcp", "command"]
    delay: Seconds
    timeout: Seconds
    scheme: Literal["HTTP", "HTTPS"] | None = None
    host: str | None = None
    port: Port | None = None
    path: str | None = None
    command: list[str] | None = None

    def _violations(self) -> Iterator[_Violation]:
        if self.type != "http":
            yield from _only_when(self, ["scheme", "host", "path"], "type is 'http'")
        if self.type == "command":
            yield from _only_when(self, ["port"], "type is 'http' or 'tcp'")
        else:
            yield from _only_when(self, ["command"], "type is 'command'")


ResourceType = Literal[
    "vpc", "eip", "elb", "cce", "ecs", "as", "cse", "nacos", "dcs", "rds", "gaussdb",
    "dms_rocketmq", "css_es",
]  # fmt: skip
# 000 Table 27, the release task's own table: Table 26's types but as, plus customServer and pvc.
ReleaseResourceType = Literal[
    "vpc", "eip", "elb", "cce", "ecs", "cse", "nacos", "dcs", "rds", "gaussdb", "dms_rocketmq",
    "css_es", "customServer", "pvc",
]  # fmt: skip


class ReferResource(_Input):
    """Table 26 refer_resources."""

    id: ResourceId
    type: ResourceType
    # Table 26 calls this mandatory for cce, but the create example binds a cce without it and
    # the SDK documents namespace "default" as the default; the service is left to decide.
    parameters: ReferResourceParameters | None = None


class ReleaseReferResource(_Input):
    """000 Table 27 refer_resources of a release task's component (no condition on parameters)."""

    id: ResourceId
    type: ReleaseResourceType
    parameters: ReferResourceParameters | None = None


_VOLUME_CLASSES = {"efs": "csi-sfsturbo", "obs": "csi-obs", "sfs": "csi-nas", "evs": "csi-disk"}


class ReferResourceParameters(_Input):
    """Table 27 refer_resource_parameter."""

    namespace: str | None = None
    name: str | None = None
    capacity: Annotated[int, _within(1)] | None = None  # in GB
    # The table lists efs/obs/sfs/evs for volumes, but the service itself returns
    # "VirtualMachine" for a cce resource (release-plan example), so this is not an enum.
    type: str | None = None
    class_: Literal["csi-sfsturbo", "csi-obs", "csi-nas", "csi-disk"] | None = Field(
        default=None, alias="class"
    )
    obs_volume_type: str | None = None
    access_mode: Literal["ReadWriteOnce", "ReadWriteMany"] | None = None
    available_zone: str | None = Field(default=None, alias="availableZone")
    volume_type: str | None = None

    def _violations(self) -> Iterator[_Violation]:
        fixed = _VOLUME_CLASSES.get(self.type or "")
        if fixed is not None and self.class_ not in (None, fixed):
            yield "class", f"class must be {fixed!r} when type is {self.type!r}"


class EnvVar(_Input):
    """Table 28 envs."""

    name: NonEmpty
    value: str | None = None
    value_from: ValueFrom | None = None


class ValueFrom(_Input):
    """Table 29 value_from."""

    reference_type: Literal["configMapKey", "secretKey"]
    name: NonEmpty
    key: str | None = None
    optional: bool | None = None


class RuntimeStack(_Input):
    """Table 30 runtime_stack."""

    name: NonEmpty
    type: Literal["Java", "Tomcat", "Nodejs", "Php", "Docker", "Python"]
    version: str  # may be empty: an imported component's Docker stack has none (table 4-158)
    deploy_mode: Literal["container", "virtualmachine"]

    def _violations(self) -> Iterator[_Violation]:
        if self.deploy_mode == "virtualmachine" and self.type not in ("Java", "Tomcat", "Nodejs"):
            yield "type", "type must be Java, Tomcat or Nodejs when deploy_mode is 'virtualmachine'"


# The tables spell GitHub/BitBucket/GitLab, the Git API examples github/gitlab/bitbucket, and the
# SDK types a plain string: both spellings pass through unchanged.
RepoType = Literal["GitHub", "BitBucket", "GitLab", "github", "bitbucket", "gitlab"]
CommitId = Annotated[
    str,
    matching(
        r"[a-z0-9].{7,39}",
        "commit_id must be 8 to 40 characters starting with a lowercase letter or digit",
    ),
]


class Source(_Input):
    """Table 31 source."""

    kind: Literal["code", "package", "image"]
    version: str | None = None
    url: NonEmpty | None = None
    # Tables 4-151/4-216 name CodeArts (软件开发生产线codearts) where the English tables have
    # devcloud ("CodeArts release repository"); both are accepted and sent as given.
    storage: Literal["devcloud", "obs", "http", "swr", "codearts"] | None = None
    auth: Literal["iam", "none"] | None = None
    repo_auth: str | None = None
    repo_namespace: str | None = None  # "repo_name_space" in table 4-151 only; SDK: repo_namespace
    repo_ref: str | None = None
    repo_type: RepoType | None = None
    web_url: NonEmpty | None = None
    repo_url: NonEmpty | None = None
    commit_id: CommitId | None = None
    http_username: str | None = None
    http_password: str | None = None
    http_command: NonEmpty | None = None  # the package's address
    http_headers: dict[str, str] | None = None

    def _violations(self) -> Iterator[_Violation]:
        # Table 31 (000 Table 32, tables 4-151/4-216) ties url and storage to package and image;
        # it makes none of the repository fields mandatory for code.
        if self.kind != "code":
            yield from _required_when(self, ["url", "storage"], f"kind is {self.kind!r}")
        if self.storage == "http":
            # Table 31 marks username, password and headers all mandatory for http, while naming
            # them as alternatives (username/password, or custom headers): one of the two is needed.
            yield from _required_when(self, ["http_command"], "storage is 'http'")
            if self.http_headers is None:
                yield from _required_when(
                    self,
                    ["http_username", "http_password"],
                    "storage is 'http' and no http_headers are given",
                )


class Build(_Input):
    """Table 32 build."""

    parameters: BuildParameters | None = None


class BuildParameters(_Input):
    """Table 33 parameters; table 4-152 types the whole as Map<String, Object>, so keys beyond
    the documented ones (``use_public_cluster``, ``cluster_namespace``, ... which the console
    and Terraform send) pass through as given."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, allow_inf_nan=False)

    build_cmd: str | None = None
    dockerfile_path: str | None = None
    artifact_namespace: str | None = None
    cluster_id: ResourceId
    node_label_selector: dict[str, str] | None = None
    environment_id: ResourceId | None = None


class ExternalAccess(_Input):
    """Table 34 external_accesses."""

    # Table 34 lists http and https; the service answers them upper case (Terraform's
    # acceptance tests read HTTP back), and either spelling is the same protocol.
    protocol: Literal["http", "https", "HTTP", "HTTPS"] | None = None
    address: str | None = None
    forward_port: Port | None = None


class AutoLtsConfig(_Input):
    """Table 35 auto_lts_config."""

    enable: bool
    lts_log_path: list[str] | None = None


class Toleration(_Input):
    """Table 36 tolerations."""

    key: str | None = None
    operator: Literal["Equal", "Exists"] | None = None
    # "value is mandatory for Equal", yet "a blank value matches every taint of the key": the key
    # must be present, and may be "".
    value: str | None = None
    # Table 36 (and 000 Table 36) prints "NoScheduler" while describing the Kubernetes effect
    # NoSchedule: both spellings are accepted and sent as given.
    effect: Literal["NoSchedule", "NoScheduler", "PreferNoSchedule", "NoExecute"] | None = None
    toleration_seconds: int | None = None

    def _violations(self) -> Iterator[_Violation]:
        if self.operator == "Equal":
            yield from _required_when(self, ["key", "value"], "operator is 'Equal'")
        elif self.operator == "Exists" and self.value is not None:
            yield "value", "value must not be set when operator is 'Exists'"
        if self.effect != "NoExecute":
            yield from _only_when(self, ["toleration_seconds"], "effect is 'NoExecute'")


class UpdateStrategy(_Input):
    """Table 37 update_strategy."""

    type: Literal["RollingUpdate", "Recreate"] | None = None
    max_unavailable: PodCount | None = None
    max_surge: PodCount | None = None
    termination_period_seconds: Seconds | None = None
    min_ready_seconds: Seconds | None = None
    progress_deadline_seconds: Seconds | None = None
    revision_history_limit: Count | None = None

    def _violations(self) -> Iterator[_Violation]:
        deadline, min_ready = self.progress_deadline_seconds, self.min_ready_seconds or 0
        if deadline is not None and deadline <= min_ready:  # min_ready_seconds defaults to 0
            yield (
                "progress_deadline_seconds",
                f"progress_deadline_seconds must be greater than min_ready_seconds ({min_ready})",
            )


class MultiContainer(_Input):
    """Table 38 multi_containers; config_encryption per the release-plan page (Table 37 there)."""

    container_name: NonEmpty
    source: Source
    limit_cpu: Quantity | None = None
    limit_memory: Quantity | None = None
    request_cpu: Quantity | None = None
    request_memory: Quantity | None = None
    envs: list[EnvVar] | None = None
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    command: Command | None = None
    post_start: Lifecycle | None = None
    pre_stop: Lifecycle | None = None
    logs: list[Log] | None = None
    storages: list[Storage] | None = None
    security_context: SecurityContext | None = None
    config_encryption: ConfigEncryption | None = None

    def _violations(self) -> Iterator[_Violation]:
        if self.source.kind != "image":
            yield "source.kind", "source.kind must be 'image': multi_containers take only images"


def _port_text(value: Any) -> Any:
    """A port given as a number (the engine sends numbers as floats) as the String the table
    types it."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return str(int(value))
    return value


def _port_number_text(value: str, info: ValidationInfo) -> str:
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 65535:
        raise PydanticCustomError(
            "range_rule", f"{info.field_name} must be a port number from 1 to 65535"
        )
    return value


def _port_number_or_name(value: str, info: ValidationInfo) -> str:
    if value.isascii() and value.isdigit():
        return _port_number_text(value, info)
    return _not_empty(value, info)


# 000 Table 38 types both ports as String: a number is accepted and sent as its text. A port is
# a number from 1 to 65535; a container port may also be named.
PortText = Annotated[str, BeforeValidator(_port_text), AfterValidator(_port_number_text)]
ContainerPortText = Annotated[
    str, BeforeValidator(_port_text), AfterValidator(_port_number_or_name)
]


class ServicePort(_Input):
    """000 Table 38 ports: "Port configured for the inter-instance discovery of a StatefulSet"."""

    name: str | None = None
    port: PortText | None = None
    target_port: ContainerPortText | None = None


class ConfigMount(_Input):
    """Table 39 configs."""

    conifg_id: ResourceId  # sic: spelt so in Table 39 and in the release-plan page alike
    mount_path: NonEmpty


class TemplateSource(_Input):
    """Table 40 template_source."""

    storage: Literal["devcloud", "obs", "http", "devcloud_repository"]
    url: NonEmpty
    http_username: str | None = None
    http_password: str | None = None
    http_headers: list[HttpHeader] | None = None

    def _violations(self) -> Iterator[_Violation]:
        if self.storage != "http":
            yield from _only_when(
                self, ["http_username", "http_password", "http_headers"], "storage is 'http'"
            )


class HttpHeader(_Input):
    """Table 41 http_headers."""

    key: NonEmpty
    value: str


class ConfigEncryption(_Input):
    """Table 42 config_encryption."""

    key_id: ResourceId  # the id of a DEW key


CREDENTIAL_PATHS: tuple[str, ...] = (
    "source.http_password",
    "source.http_headers",
    "multi_containers.*.source.http_password",
    "multi_containers.*.source.http_headers",
    "template_source.http_password",
    "template_source.http_headers",
)
"""Dotted wire paths of the fields that carry credentials; ``*`` stands for every list item.

The headers are listed because Tables 31 and 40 offer custom headers as the alternative to a
username and password. The service never shows them again.
"""

NOT_SHOWN_PATHS: tuple[str, ...] = (
    # Rows of Table 3 that neither GET's table 4-226 nor the SDK's ShowComponentInfoResponse
    # has: workload_content and external_accesses are in the same PDF's create and modify bodies
    # (tables 4-123, 4-188), the others are newer than that PDF (the English modify page only).
    "workload_content",
    "external_accesses",
    "startup_probe",
    "tolerations",
    "container_name",
    "update_strategy",
    "multi_containers",
    "configs",
    "config_mode",
    "enable_sermant_injection",
    "enable_sermant_spring_register",
    "enable_sermant_dubbo_register",
    "enable_sermant_config",
    "cell_id",
    "sermantAgentInjectActionFlag",
    "sys_config",
    "image_pull_secrets",
    "template_source",
    "input_values",
    "auto_lts_config",
    "config_encryption",
    # Table 4-254 (GET's source) has no http_* row, and its commit_id is returned "only when the
    # request carries the query parameter version" (table 4-224), which a refresh does not send.
    "source.http_username",
    "source.http_command",
    "source.commit_id",
    # Table 4-246 has no topology_key, table 4-250 no parameter but namespace.
    "affinity.*.topology_key",
    "anti_affinity.*.topology_key",
    *(
        f"refer_resources.*.parameters.{name}"
        for name in (
            "name",
            "capacity",
            "type",
            "class",
            "obs_volume_type",
            "access_mode",
            "availableZone",
            "volume_type",
        )
    ),
)
"""Dotted wire paths of the request fields no document of GET .../components/{id} shows."""

WRITE_ONLY_PATHS: tuple[str, ...] = (*CREDENTIAL_PATHS, *NOT_SHOWN_PATHS)
"""What the service may not show again: the credentials, and the fields GET's tables lack.

Where the service shows one of them after all, refresh compares it as usual; where it does not,
refresh keeps the known value (`_lifecycle.project`) instead of reporting it gone.
"""

GET_SPELLINGS: dict[str, str] = {
    "custom_metrics": "custom_metric",  # table 4-226 (the SDK's GET model: custom_metric)
    "host_aliases.*.hostname": "hostnames",  # table 4-239
    "build.parameters.artifact_name_space": "artifact_namespace",  # table 4-256
}
"""Where GET's tables spell a component's field otherwise than its body: the GET spelling (a
dotted path, ``*`` for every list item) and the body's name for the same field."""

VALUE_SPELLINGS: dict[str, tuple[frozenset[str], ...]] = {
    "deploy_strategy.gray_release.type": (
        frozenset({"WEIGHT", "weight"}),
        frozenset({"CONTENT", "content"}),
    ),
    "deploy_strategy.gray_release.replica_surge_mode": (
        frozenset({"MIRROR", "mirror"}),
        frozenset({"EXTRA", "extra"}),
        frozenset({"NOSURGE", "no_surge"}),
    ),
    "deploy_strategy.gray_release.rule_match_mode": (
        frozenset({"ALL", "all"}),
        frozenset({"ANY", "any"}),
    ),
    "deploy_strategy.gray_release.rules.*.type": (frozenset({"HEADER", "header"}),),
    "deploy_strategy.gray_release.rules.*.condition": (
        frozenset({"EQUAL", "equal"}),
        frozenset({"MATCH", "match"}),
        frozenset({"IN", "in"}),
    ),
    "tolerations.*.effect": (frozenset({"NoSchedule", "NoScheduler"}),),
    "external_accesses.*.protocol": (frozenset({"http", "HTTP"}), frozenset({"https", "HTTPS"})),
    "source.repo_type": (
        frozenset({"GitHub", "github"}),
        frozenset({"GitLab", "gitlab"}),
        frozenset({"BitBucket", "bitbucket"}),
    ),
}
"""The values documents spell in two ways (the English and the Chinese tables, the SDK, the
service's answers), by dotted wire path: each group is one value. A refresh that finds the other
spelling of a declared value keeps the declared one."""

SECRET_PATHS: tuple[str, ...] = (
    *CREDENTIAL_PATHS,
    "envs.*.value",
    "multi_containers.*.envs.*.value",
)
"""The credentials, and the values of environment variables, which often hold passwords."""


def to_request_body(spec: ComponentSpec) -> dict[str, Any]:
    """The JSON body of a create or modify call: wire names, unset fields left out.

    ``environment_id`` belongs to the create body; the modify body (Table 3) has no such field.
    """
    return spec.model_dump(mode="json", by_alias=True, exclude_none=True)


# Resolve the forward references now, while this module's names are at hand: models that extend
# these in other modules cannot see them.
ComponentSpec.model_rebuild()
ReleaseComponentSpec.model_rebuild()
