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
    less those that differ between the two (`ComponentSpec`, `ReleaseComponentSpec`).

    Source: 003 Table 3; PDF 004 §4.3.1, 表4-123 and §4.3.5, 表4-188; 000 Table 4.
    """

    name: Name
    """Component name: 2 to 64 characters; letters, digits, hyphens (-) and underscores (_),
    starting with a letter and ending with a letter or digit. It cannot be modified."""
    labels: list[Label] | None = None
    """Labels of the component (Table 4). A container-deployed component's workload can be
    queried by label; on a VM-deployed component, a label naming its microservice enables graceful
    startup and shutdown. 表4-123 notes that the CN East 2 region supports labels."""
    runtime_stack: RuntimeStack
    """Runtime (technology stack) of the component (Table 30), as returned by the API for
    querying technology stacks. It cannot be modified."""
    # Optional in the create body (table 4-123: 否) and in a release task's component (000
    # Table 4); absent from the modify body (Table 3).
    environment_id: ResourceId | None = None
    """ID of the environment the component is deployed in, as returned by the API for obtaining
    all environments. Optional; only the create body has this row, the modify body (Table 3,
    表4-188) has none. (表4-123)"""
    description: str | None = Field(default=None, max_length=128)
    """Description of the component: at most 128 characters."""
    source: Source
    """Source of the component's code or software package (Table 31)."""
    # Table 4-123 makes build mandatory for container deployment without an image, yet its own CCE
    # example deploys a package without one; the service is left to decide.
    build: Build | None = None
    """How the component is built (Table 32). The create body (表4-123) and 000 Table 4 make it
    mandatory for container deployment that uses no image; this package leaves that check to the
    service."""
    limit_cpu: Quantity | None = None
    """Maximum CPU the component may use, in cores (0 or more)."""
    limit_memory: Quantity | None = None
    """Maximum memory the component may use, in GiB (0 or more)."""
    request_cpu: Quantity | None = None
    """CPU requested for the component, in cores (0 or more)."""
    request_memory: Quantity | None = None
    """Memory requested for the component, in GiB (0 or more)."""
    version: ComponentVersion
    """Component version number: at most 32 characters, matching ^([0-9]+)(.[0-9]+){2,3}$,
    e.g. 2023.0323.15181."""
    envs: list[EnvVar] | None = None
    """Environment variables of the component (Table 28)."""
    # The tables give no bound; a component runs at least one instance. Mandatory in the
    # tables, yet a yaml-mode component (workload_content) may leave the count to its workload,
    # as Huawei's Terraform provider's acceptance test does.
    replica: Annotated[int, _within(1)] | None = None
    """Number of instances, at least 1. Mandatory in the tables, and can be modified only when
    the scaling function is used; this package lets it be left out only when workload_content
    gives the workload."""
    storages: list[Storage] | None = None
    """Storage volumes mounted into the component (Table 5)."""
    deploy_strategy: DeployStrategy | None = None
    """How the component is deployed and upgraded: in one batch, rolling, or by gray (dark
    launch) release (Table 8)."""
    command: Command | None = None
    """Startup command of the container (Table 12)."""
    post_start: Lifecycle | None = None
    """Processing after the container starts: an HTTP request or a command (Table 13)."""
    pre_stop: Lifecycle | None = None
    """Processing before the container stops: an HTTP request or a command (Table 13)."""
    mesher: Mesher | None = None
    """Multi-language access to the service mesh (Table 14). Mandatory when the technology stack
    is Node.js and a CSE engine is bound (a refer_resources entry of type cse)."""
    timezone: str | None = None
    """Time zone the component runs in, e.g. Asia/Shanghai."""
    jvm_opts: str | None = None
    """JVM parameters, e.g. -Xms256m -Xmx1024m; separate several by spaces. Left out, the
    default value is used."""
    tomcat_opts: TomcatOpts | None = None
    """Tomcat parameters (Table 15); they take effect with the Tomcat technology stack."""
    dns_policy: Literal["Default", "ClusterFirst", "ClusterFirstWithHostNet", "None"] | None = None
    """DNS policy: Default inherits the domain name resolution configuration of the node the pod
    runs on; ClusterFirst adds (appends) domain name resolution configuration;
    ClusterFirstWithHostNet takes effect only for pods running in hostNetwork mode; None replaces
    the domain name resolution policy."""
    dns_config: DnsConfig | None = None
    """DNS configuration (Table 17)."""
    workload_kind: Literal["deployment", "statefulset", "daemonset"] | None = None
    """Workload type: deployment (stateless), statefulset (stateful) or daemonset. The Chinese
    tables (表4-123, 表4-188) list deployment and statefulset only."""
    security_context: SecurityContext | None = None
    """Security policy of the container (Table 19)."""
    logs: list[Log] | None = None
    """Log collection (Table 21)."""
    custom_metric: CustomMetric | None = None
    """Custom metrics monitoring (Table 22)."""
    liveness_probe: Probe | None = None
    """Liveness probe of the component (Table 25)."""
    readiness_probe: Probe | None = None
    """Service (readiness) probe of the component (Table 25)."""
    startup_probe: Probe | None = None
    """Startup probe of the component (Table 25). In 003 Table 3 and 000 Table 4; the Chinese
    create and modify tables have no such row."""
    external_accesses: list[ExternalAccess] | None = None
    """External access (Table 34)."""
    tolerations: list[Toleration] | None = None
    """Toleration policies for node taints (Table 36)."""
    container_name: NonEmpty | None = None
    """Container name; must not be empty."""
    update_strategy: UpdateStrategy | None = None
    """Component upgrade strategy (Table 37). Its max_unavailable and max_surge can be set only
    when workload_kind is deployment (or left out)."""
    multi_containers: list[MultiContainer] | None = None
    """Multi-container configuration (Table 38); in multi-container mode, only images are
    supported as the containers' source."""
    workload_content: str | None = None
    """Workload content; the tables say no more. When it is given, this package lets replica be
    left out, the workload then giving the instance count."""
    configs: list[ConfigMount] | None = None
    """Unified component configuration to mount (Table 39)."""
    # Not a row of 000 Table 4, but in its example response ("config_mode": "ui").
    config_mode: Literal["ui", "yaml", "template"] | None = None
    """Workload configuration mode: ui, yaml or template. A row of 003 Table 3 only; 000 returns
    it in its example response."""
    enable_sermant_injection: bool | None = None
    """Whether to enable Sermant."""
    enable_sermant_spring_register: bool | None = None
    """Whether Spring Cloud Huawei microservices are registered with registry centers through
    Sermant."""
    enable_sermant_dubbo_register: bool | None = None
    """Whether Dubbo microservices are registered with registry centers through Sermant."""
    enable_sermant_config: bool | None = None
    """Whether to enable the Sermant dynamic configuration plug-in."""
    cell_id: ResourceId | None = None
    """ID of the deployment cell."""
    swimlane_id: ResourceId | None = None
    """ID of the lane (swimlane)."""
    # The one camelCase name on the wire; the argument is named like all the others.
    sermant_agent_inject_action_flag: bool | None = Field(
        default=None, alias="sermantAgentInjectActionFlag"
    )
    """Whether JDK 17 and JDK 21 automatically get the JVM options --add-opens
    java.base/X=ALL-UNNAMED for X in java.lang, java.net, java.math, sun.net.www and
    sun.net.www.protocol.http, plus -Dnet.bytebuddy.experimental=true on JDK 21."""
    sys_config: dict[str, str] | None = None
    """Configuration items of the component, deployed with a compressed package in the VM
    environment (key-value pairs)."""
    image_pull_secrets: list[str] | None = None
    """Image pull secrets."""
    auto_lts_config: AutoLtsConfig | None = None
    """Automatic LTS (Log Tank Service) configuration (Table 35)."""
    # Table 42 is printed on the modify page without a row pointing at it; the release-plan page
    # (Table 4) lists it as this top-level field, "mandatory when an encryption key is configured".
    config_encryption: ConfigEncryption | None = None
    """Encryption key configuration (Table 42). Mandatory when an encryption key is configured
    for a single-container component; 003 prints Table 42 but no Table 3 row. (000 Table 4)"""

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
    """Table 3 request body (create and modify), plus environment_id of the create body.

    Source: 003 Table 3; PDF 004 §4.3.1, 表4-123 (create) and §4.3.5, 表4-188 (modify).
    """

    host_aliases: list[HostAlias] | None = None
    """Host aliases: IP addresses and their host names (Table 16)."""
    # The installed SDK types these as one {az, node, component} object; every table, and the
    # service's own release-plan example, has a list of Table 23 rules (as other SDK builds do).
    affinity: list[Affinity] | None = None
    """Affinity scheduling rules (Table 23)."""
    anti_affinity: list[Affinity] | None = None
    """Anti-affinity scheduling rules (Table 23)."""
    # Mandatory in the create body (table 4-123), optional in the modify body.
    refer_resources: list[ReferResource]
    """Resources bound to the component (Table 26). Mandatory in the create body (表4-123),
    optional in the modify body (Table 3, 表4-188); this package always requires it."""
    template_source: TemplateSource | None = None
    """Source of the component template package (Table 40). A row of 003 Table 3 only."""
    input_values: dict[str, str] | None = None
    """Input information for the template package, as key-value pairs. A row of 003 Table 3
    only."""

    def bound_resource_types(self) -> set[str]:
        return {resource.type for resource in self.refer_resources}


class ReleaseComponentSpec(ComponentFields):
    """A release task's component (000 Table 4): the component's rows, with the host aliases,
    affinities and bound resources of the release-task page, and the StatefulSet service.

    000 Table 4 has no ``template_source`` or ``input_values`` rows: those belong to the new
    release management's template sources (``servicestage-release-task-new-*`` pages,
    ``sources[].template_source``), a different API, so a release task's component has neither.

    Source: 000 Table 4 (components of a release task).
    """

    host_aliases: list[ReleaseHostAlias] | None = None
    """Host aliases: IP addresses and their host names, spelt hostname here (000 Table 17)."""
    affinity: list[AffinityRule] | None = None
    """Affinity scheduling rules (000 Table 24)."""
    anti_affinity: list[AffinityRule] | None = None
    """Anti-affinity scheduling rules (000 Table 24)."""
    # 000 has no Mandatory column; the component create body's (table 4-123) stands in: an entry
    # without a component_id creates its component.
    refer_resources: list[ReleaseReferResource]
    """Resources bound to the component (000 Table 27). 000 prints no Mandatory column; this
    package requires it, as the component create body (表4-123) does."""
    # "Service name / Port configured for the inter-instance discovery of a StatefulSet".
    service_name: NonEmpty | None = None
    """Name of the service configured for the inter-instance discovery of a StatefulSet; must
    not be empty."""
    ports: list[ServicePort] | None = None
    """Ports configured for the inter-instance discovery of a StatefulSet (000 Table 38)."""

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
    """Table 4 labels; the character rules come from the create body's table 4-124.

    Source: 003 Table 4; PDF 004 表4-124 (create), 表4-189 (modify); 000 Table 5.
    """

    key: LabelKey
    """Label name: 1 to 36 letters, digits, underscores (_), hyphens (-) or Chinese characters.
    It must not be app, casid or version, which the system sets (they make creating and deploying
    the component fail), nor pulumi-owner, which this package keeps for its ownership marker."""
    value: LabelValue
    """Label value: 0 to 43 letters, digits, underscores (_), dots (.), hyphens (-) or Chinese
    characters."""

    def _violations(self) -> Iterator[_Violation]:
        if self.key in ("app", "casid", "version"):
            yield "key", "key must not be app, casid or version: the system sets those labels"
        if self.key == OWNER_LABEL:
            yield "key", f"key {OWNER_LABEL} is reserved for the ownership marker"


class Storage(_Input):
    """Table 5 storages.

    Source: 003 Table 5; PDF 004 表4-125 (create), 表4-190 (modify); 000 Table 6.
    """

    type: Literal["HostPath", "EmptyDir", "ConfigMap", "Secret", "PersistentVolumeClaim"]
    """Data storage type: HostPath (a host path on the local disk), EmptyDir (a temporary
    directory on the local disk), ConfigMap (a configuration item), Secret (a secret) or
    PersistentVolumeClaim (cloud storage)."""
    name: NonEmpty
    """Name of the storage disk; must not be empty."""
    parameters: StorageParameters
    """Parameters of the storage type (Table 6): path is mandatory for HostPath, name for
    ConfigMap, Secret and PersistentVolumeClaim."""
    mounts: list[Mount]
    """Paths the data storage is mounted at (Table 7)."""

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
    """Table 6 component_storage_parameters.

    Source: 003 Table 6; PDF 004 表4-126 (create), 表4-191 (modify); 000 Table 7.
    """

    path: NonEmpty | None = None
    """Host path, for HostPath storage; mandatory when the storage type is HostPath."""
    name: NonEmpty | None = None
    """Name of the configuration item, secret or PVC, for ConfigMap, Secret or
    PersistentVolumeClaim storage respectively; mandatory for those storage types."""
    # A file mode, sent in decimal (Table 6: "Example: 384", i.e. 0600); Kubernetes takes 0 to 0777.
    default_mode: Annotated[int, _within(0, 0o777)] | None = None
    """Mount permission, in decimal, e.g. 384 (octal 0600); 0 to 511 (octal 0777). For ConfigMap
    and Secret storage."""
    medium: str | None = None
    """Storage medium, for EmptyDir storage: left out, the default disk medium is used; memory
    enables memory storage."""


class Mount(_Input):
    """Table 7 mounts.

    Source: 003 Table 7; PDF 004 表4-127 (create), 表4-192 (modify); 000 Table 8.
    """

    path: NonEmpty
    """Mount path: where the data storage is mounted in the application, e.g. /tmp. (表4-127)"""
    sub_path: str
    """Subpath of the mount path."""
    read_only: bool
    """Whether the mount is read-only. true: the application can only read the storage; false:
    read-write, but data newly written is not migrated with the application and is lost when
    the application is migrated. (表4-127)"""


class DeployStrategy(_Input):
    """Table 8 deploy_strategy.

    Source: 003 Table 8; PDF 004 表4-128 (create), 表4-193 (modify); 000 Table 9.
    """

    type: Literal["OneBatchRelease", "RollingRelease", "GrayRelease"]
    """Deployment type: OneBatchRelease (single-batch upgrade), RollingRelease (rolling
    deployment and upgrade) or GrayRelease (gray, or dark launch, upgrade)."""
    rolling_release: RollingRelease | None = None
    """Rolling deployment parameters (Table 9); mandatory when type is RollingRelease."""
    gray_release: GrayRelease | None = None
    """Gray release (dark launch) parameters (Table 10); mandatory when type is GrayRelease."""

    def _violations(self) -> Iterator[_Violation]:
        if self.type == "RollingRelease":
            yield from _required_when(self, ["rolling_release"], "type is 'RollingRelease'")
        elif self.type == "GrayRelease":
            yield from _required_when(self, ["gray_release"], "type is 'GrayRelease'")


class RollingRelease(_Input):
    """Table 9 rolling_release.

    Source: 003 Table 9; PDF 004 表4-129 (create), 表4-194 (modify); 000 Table 10.
    """

    batches: Annotated[int, _within(1)]
    """Number of batches the deployment is split into; at least 1."""


class GrayRelease(_Input):
    """Table 10 gray_release (000 Table 11, tables 4-130/4-195).

    Source: 003 Table 10; PDF 004 表4-130 (create), 表4-195 (modify); 000 Table 11.
    """

    # The English tables spell the values upper case, the Chinese ones lower case (weight,
    # no_surge, ...); the SDK's docstrings have WEIGHT/CONTENT, MIRROR/EXTRA/NOSURGE and all/any.
    # Every spelling is accepted and sent as given.
    type: Literal["WEIGHT", "CONTENT", "weight", "content"]
    """Gray (dark launch) policy: WEIGHT upgrades by share of the traffic, CONTENT grays by
    request content. The Chinese tables spell them weight and content; either spelling is
    accepted and sent as given."""
    # Marked "Yes" in Table 10 but described as "mandatory when type is WEIGHT".
    first_batch_weight: Percentage | None = None  # a share of the traffic, in percent
    """Share of the traffic sent to the first gray batch, in percent (0 to 100). Mandatory when
    type is WEIGHT."""
    # A first batch holds at least one gray instance; remaining_batch is 0 when it holds them all.
    first_batch_replica: Annotated[int, _within(1)] | None = None
    """Number of instances in the first gray batch, at least 1. Mandatory when type is WEIGHT."""
    remaining_batch: Count | None = None
    """Number of batches (0 or more) in which the remaining instances are rolled out once the
    first batch has succeeded: 5 remaining instances in 3 batches are upgraded 2:2:1. Mandatory
    when type is WEIGHT."""
    deployment_mode: Literal[1, 3, 4, 6] | None = None  # 6 (shared ELB) is SDK-only
    """Deployment model, by what is upstream: 1 a microservice gateway, 3 a microservice, 4 a
    load balancer (ELB). 6 (shared ELB) is also accepted; only the SDK names it."""
    replica_surge_mode: (
        Literal["MIRROR", "EXTRA", "NOSURGE", "mirror", "extra", "no_surge"] | None
    ) = None
    """How gray instances are added: MIRROR (blue-green), EXTRA (canary, add then remove) or
    NOSURGE (canary, remove then add); mirror, extra and no_surge in the Chinese tables.
    Mandatory when type is CONTENT."""
    rule_match_mode: Literal["all", "any", "ALL", "ANY"] | None = None
    """When the gray rules take effect: ALL when all conditions are met, ANY when any one is;
    all and any in the Chinese tables and the SDK. Mandatory when type is CONTENT."""
    rules: list[GrayRule] | None = None  # "Object" in the tables, a list in the SDK
    """Gray rules (Table 11); mandatory when type is CONTENT. The tables type it Object; it is
    sent as a list, as the SDK has it."""

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
    lower case in the Chinese ones and the SDK's docstrings.

    Source: 003 Table 11; PDF 004 表4-131 (create), 表4-196 (modify); 000 Table 12.
    """

    type: Literal["header", "HEADER"]
    """Match type: only HEADER (a request header) is supported; header in the Chinese
    tables."""
    key: NonEmpty  # a header name
    """Parameter name: the request header to match; must not be empty."""
    value: str
    """Condition value."""
    condition: Literal["equal", "match", "in", "EQUAL", "MATCH", "IN"]
    """Condition type: EQUAL (equal), MATCH (match) or IN (enumeration); equal, match and in in
    the Chinese tables and the SDK."""


class Command(_Input):
    """Table 12 command.

    Source: 003 Table 12; PDF 004 表4-132 (create), 表4-197 (modify); 000 Table 13.
    """

    command: list[str] | None = None
    """Run command: the command that controls how the container runs."""
    args: list[str] | None = None
    """Run arguments: the parameters of the command that controls how the container runs, e.g.
    -port=8080. The tables say several parameters are separated by line breaks."""


class Lifecycle(_Input):
    """Table 13 component_lifecycle.

    Source: 003 Table 13; PDF 004 表4-133 (create), 表4-198 (modify); 000 Table 14.
    """

    type: Literal["http", "command"]
    """Processing method: http (an HTTP request) or command (a command line)."""
    scheme: Literal["HTTP", "HTTPS"] | None = None
    """HTTP request type: HTTP or HTTPS. Valid, and accepted, only when type is http."""
    host: str | None = None
    """Custom IP address to send the request to; the pod IP address when left out. Valid, and
    accepted, only when type is http."""
    port: Port | None = None
    """Port, 1 to 65535. Valid, and accepted, only when type is http."""
    path: str | None = None
    """Request path. Valid, and accepted, only when type is http."""
    command: list[str] | None = None
    """Command list. Valid, and accepted, only when type is command."""

    def _violations(self) -> Iterator[_Violation]:
        if self.type == "http":
            yield from _only_when(self, ["command"], "type is 'command'")
        else:
            yield from _only_when(self, ["scheme", "host", "port", "path"], "type is 'http'")


class Mesher(_Input):
    """Table 14 mesher.

    Source: 003 Table 14; PDF 004 表4-134 (create), 表4-199 (modify); 000 Table 15.
    """

    port: Port
    """Port the process listens on, 1 to 65535."""


class TomcatOpts(_Input):
    """Table 15 tomcat_opt.

    Source: 003 Table 15; PDF 004 表4-135 (create), 表4-200 (modify); 000 Table 16.
    """

    server_xml: str
    """Custom Tomcat server.xml configuration (the tables describe only its ports). The
    listening port configured in server.xml is the one that applies: keep it the same as any
    listening port set before for public network access. The custom configuration may conflict
    with existing ports: check that its ports are free."""


class HostAlias(_Input):
    """Table 16 host_aliases (tables 4-136/4-201); GET spells the list hostname (table 4-239).

    Source: 003 Table 16; PDF 004 表4-136 (create), 表4-201 (modify).
    """

    ip: NonEmpty
    """IP address the host aliases stand for; must not be empty."""
    hostnames: list[str]
    """Host aliases of the IP address."""


class ReleaseHostAlias(_Input):
    """000 Table 17 host_aliases of a release task's component: spelt hostname there.

    000 prints no Mandatory column; Table 16's "Yes" is for ``hostnames``, a field of another
    name, so the list is optional here and the service left to decide.

    Source: 000 Table 17.
    """

    ip: NonEmpty
    """IP address the host aliases stand for; must not be empty."""
    hostname: list[str] | None = None
    """Host aliases of the IP address: spelt hostname on this page (hostnames in the component
    tables); optional here."""


class DnsConfig(_Input):
    """Table 17 dns_config.

    Source: 003 Table 17; PDF 004 表4-137 (create), 表4-202 (modify); 000 Table 18.
    """

    nameservers: list[str] | None = None
    """IP addresses of the pod's DNS servers."""
    searches: list[str] | None = None
    """DNS search domains used to look up host names in the pod."""
    options: list[DnsOption] | None = None
    """DNS options (Table 18), each with a name (mandatory) and a value (optional). They are
    merged into the options generated from the DNS policy; duplicate entries are deleted."""


class DnsOption(_Input):
    """Table 18 options.

    Source: 003 Table 18; PDF 004 表4-138 (create), 表4-203 (modify); 000 Table 19.
    """

    name: NonEmpty
    """Name of the option ("operation name" in the tables); must not be empty."""
    value: str | None = None
    """Value of the option ("operation value" in the tables)."""


class SecurityContext(_Input):
    """Table 19 security_context.

    Source: 003 Table 19; PDF 004 表4-139 (create), 表4-204 (modify); 000 Table 20.
    """

    # User and group ids are not negative (Table 19: "set the user ID to 0" for root).
    run_as_user: Annotated[int, _within(0)] | None = None
    """ID of the user the container runs as, with that user's permissions: 0 to run as root.
    Not negative."""
    run_as_group: Annotated[int, _within(0)] | None = None
    """ID of the group that the processes in all containers run as. Not negative."""
    capabilities: Capabilities | None = None
    """Capability set: Linux permissions added to or removed from the running user
    (Table 20)."""


class Capabilities(_Input):
    """Table 20 capabilities.

    Source: 003 Table 20; PDF 004 表4-140 (create), 表4-205 (modify); 000 Table 21.
    """

    add: list[str] | None = None
    """Linux permissions (capabilities) granted to the running user."""
    drop: list[str] | None = None
    """Linux permissions (capabilities) removed from the running user."""


class Log(_Input):
    """Table 21 logs.

    Source: 003 Table 21; PDF 004 表4-141 (create), 表4-206 (modify); 000 Table 22.
    """

    log_path: NonEmpty
    """Log path in the container; must not be empty."""
    rotate: str
    """Interval at which logs are dumped (rotated); the tables give no values or format."""
    host_path: NonEmpty
    """Host path the logs are mounted at; must not be empty."""
    host_extend_path: Literal[
        "None", "PodUID", "PodName", "PodUID/ContainerName", "PodName/ContainerName"
    ]
    """Host extension path, which tells apart the mounts of different containers under the same
    host path: None (no extension), PodUID (the pod ID), PodName (the pod name),
    PodUID/ContainerName (the pod ID and container name) or PodName/ContainerName (the pod name
    and container name)."""


class CustomMetric(_Input):
    """Table 22 custom_metric.

    Source: 003 Table 22; PDF 004 表4-142 (create), 表4-207 (modify); 000 Table 23.
    """

    path: NonEmpty
    """Path the metrics are collected from, e.g. /metrics; must not be empty."""
    port: Port
    """Port the metrics are collected from, e.g. 9090; 1 to 65535."""
    dimensions: str
    """Monitoring dimensions, e.g. cpu_usage,mem_usage."""


class AffinityRule(_Input):
    """A scheduling rule as tables 4-143/4-208 and 000 Table 24 have it; kind, condition and
    match_expressions are mandatory per table 4-143.

    Source: PDF 004 表4-143 (create), 表4-208 (modify); 003 Table 23; 000 Table 24.
    """

    kind: Literal["node", "pod"]
    """Affinity type: node (node affinity) or pod (pod affinity). Mandatory in the Chinese
    tables, optional in 003 Table 23."""
    condition: Literal["required", "preferred"]
    """Whether the rule must be met: required (it must be met) or preferred (it is met as far as
    possible). Mandatory in the Chinese tables, optional in 003 Table 23."""
    match_expressions: list[MatchExpression]
    """Match conditions of the rule (Table 24, 表4-144, 000 Table 25)."""
    # Tables 4-143/4-208 (create, modify) and 4-246 (GET) type it Integer, "取值范围0~100"; the
    # English Table 23 and 000 Table 24 print String, "an integer ranging from 1 to 100". An
    # integer or a numeric string is accepted and the integer sent, as GET shows it (and as the
    # Terraform provider, tested against the service, sends it). The range is the wider one.
    weight: Annotated[int, _within(0, 100)] | None = None
    """Affinity weight, 0 to 100 (the Chinese tables; 003 and 000 say 1 to 100). It must be 100
    (or left out) when condition is required, and is mandatory when condition is preferred. An
    integer or a numeric string is accepted; the integer is sent."""

    def _violations(self) -> Iterator[_Violation]:
        # "The value is 100 when condition is set to required. Enter an integer ranging from 1
        # to 100 when condition is set to preferred." (Table 23, 000 Table 24)
        if self.condition == "required" and self.weight not in (None, 100):
            yield "weight", "weight must be 100 when condition is 'required'"
        if self.condition == "preferred":
            yield from _required_when(self, ["weight"], "condition is 'preferred'")


class Affinity(AffinityRule):
    """Table 23 component_affinity: a rule with the topology key only this table has.

    Source: 003 Table 23; PDF 004 表4-143 (create), 表4-208 (modify).
    """

    topology_key: str | None = None
    """Topology key of the rule. Only 003 Table 23 has this row."""


class MatchExpression(_Input):
    """Table 24 match_expressions.

    Source: 003 Table 24; PDF 004 表4-144 (create), 表4-209 (modify); 000 Table 25.
    """

    key: NonEmpty
    """Key of the label to match; must not be empty."""
    operation: NonEmpty
    """Match condition (operator); the tables list no values. Must not be empty."""
    # Mandatory in Table 24, though the Exists and DoesNotExist operations take no value: left
    # out, it is sent empty, as Huawei's Terraform provider sends it.
    value: str = ""
    """Value of the label to match. Mandatory in the tables; left out, it is sent empty."""


class Probe(_Input):
    """Table 25 component_probe.

    Source: 003 Table 25; PDF 004 表4-145 (create), 表4-210 (modify); 000 Table 26.
    """

    type: Literal["http", "tcp", "command"]
    """Probe type: http, tcp or command."""
    delay: Seconds
    """How long after startup probing begins; the tables give no unit (this package types it as
    seconds, 0 or more)."""
    timeout: Seconds
    """Probe timeout; the tables give no unit (this package types it as seconds, 0 or more)."""
    scheme: Literal["HTTP", "HTTPS"] | None = None
    """Request type: HTTP or HTTPS. Valid, and accepted, only when type is http."""
    host: str | None = None
    """Custom IP address to probe; the pod IP address when left out. Valid, and accepted, only
    when type is http."""
    port: Port | None = None
    """Port number, 1 to 65535. Valid, and accepted, only when type is http or tcp."""
    path: str | None = None
    """Request path. Valid, and accepted, only when type is http."""
    command: list[str] | None = None
    """Command list. Valid, and accepted, only when type is command."""

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
    """Table 26 refer_resources.

    Source: 003 Table 26; PDF 004 表4-146 (create), 表4-211 (modify).
    """

    id: ResourceId
    """ID of the bound resource."""
    type: ResourceType
    """Resource type: vpc (Virtual Private Cloud), eip (elastic IP), elb (elastic load balancer),
    cce (Cloud Container Engine), ecs (Elastic Cloud Server), as (Auto Scaling group), cse
    (ServiceComb microservice engine), nacos (registry/configuration center), dcs (Distributed
    Cache Service), rds (cloud database), gaussdb, dms_rocketmq or css_es (Elasticsearch). Only
    003 lists nacos, gaussdb, dms_rocketmq and css_es."""
    # Table 26 calls this mandatory for cce, but the create example binds a cce without it and
    # the SDK documents namespace "default" as the default; the service is left to decide.
    parameters: ReferResourceParameters | None = None
    """Resource parameters (Table 27). 003 and 表4-211 make them mandatory when type is cce
    (表4-146 states no condition); this package leaves that check to the service."""


class ReleaseReferResource(_Input):
    """000 Table 27 refer_resources of a release task's component (no condition on parameters).

    Source: 000 Table 27.
    """

    id: ResourceId
    """ID of the bound resource."""
    type: ReleaseResourceType
    """Resource type: vpc, eip, elb, cce, ecs, dcs, rds, cse (ServiceComb engine), nacos
    (registry/configuration center), customServer, pvc, gaussdb, dms_rocketmq or css_es
    (Elasticsearch). Unlike the component tables, no as."""
    parameters: ReferResourceParameters | None = None
    """Resource parameters (000 Table 28); this page states no condition on them."""


_VOLUME_CLASSES = {"efs": "csi-sfsturbo", "obs": "csi-obs", "sfs": "csi-nas", "evs": "csi-disk"}


class ReferResourceParameters(_Input):
    """Table 27 refer_resource_parameter.

    Source: 003 Table 27; PDF 004 表4-147, 表4-212 (namespace only); 000 Table 28.
    """

    namespace: str | None = None
    """Namespace. For a cce resource the SDK documents default as the default namespace."""
    name: str | None = None
    """Resource name."""
    capacity: Annotated[int, _within(1)] | None = None  # in GB
    """Storage capacity, in GB (000 Table 28 says GiB); at least 1."""
    # The table lists efs/obs/sfs/evs for volumes, but the service itself returns
    # "VirtualMachine" for a cce resource (release-plan example), so this is not an enum.
    type: str | None = None
    """Volume declaration type: efs, obs, sfs or evs. Other values pass too: the service returns
    VirtualMachine for a cce resource."""
    class_: Literal["csi-sfsturbo", "csi-obs", "csi-nas", "csi-disk"] | None = Field(
        default=None, alias="class"
    )
    """Volume declaration subtype, sent as class; the type fixes it: csi-sfsturbo for efs,
    csi-obs for obs, csi-nas for sfs and csi-disk for evs."""
    obs_volume_type: str | None = None
    """OBS volume type; default STANDARD."""
    access_mode: Literal["ReadWriteOnce", "ReadWriteMany"] | None = None
    """Access mode of the storage volume: ReadWriteOnce (mounted read-write by a single node) or
    ReadWriteMany (mounted read-write by many nodes)."""
    available_zone: str | None = Field(default=None, alias="availableZone")
    """Availability zone (AZ), sent as availableZone."""
    volume_type: str | None = None
    """Volume type."""

    def _violations(self) -> Iterator[_Violation]:
        fixed = _VOLUME_CLASSES.get(self.type or "")
        if fixed is not None and self.class_ not in (None, fixed):
            yield "class", f"class must be {fixed!r} when type is {self.type!r}"


class EnvVar(_Input):
    """Table 28 envs.

    Source: 003 Table 28; 000 Table 29; PDF 004 §4.3.1, 表4-148 (create) and §4.3.5, 表4-213
    (modify).
    """

    name: NonEmpty
    """Variable name. Mandatory; must not be empty."""
    value: str | None = None
    """Variable value."""
    value_from: ValueFrom | None = None
    """Variable reference: the variable takes its value from a key of a configuration item or a
    secret. See Table 29."""


class ValueFrom(_Input):
    """Table 29 value_from.

    Source: 003 Table 29; 000 Table 30; PDF 004 §4.3.1, 表4-149 (create) and §4.3.5, 表4-214
    (modify).
    """

    reference_type: Literal["configMapKey", "secretKey"]
    """Reference type: configMapKey imports the value from a configuration item, secretKey from a
    secret. Mandatory."""
    name: NonEmpty
    """Name of the configuration item or secret. Mandatory."""
    key: str | None = None
    """Key of the configuration item or secret."""
    optional: bool | None = None
    """Whether the key of the configuration item or secret must exist, as the tables word it
    ("whether the key is mandatory"): true or false."""


class RuntimeStack(_Input):
    """Table 30 runtime_stack.

    Source: 003 Table 30; 000 Table 31; PDF 004 §4.3.1, 表4-150 (create) and §4.3.5, 表4-215
    (modify).
    """

    name: NonEmpty
    """Technology stack name, e.g. OpenJDK8, as returned by the API for querying technology
    stacks. Mandatory."""
    type: Literal["Java", "Tomcat", "Nodejs", "Php", "Docker", "Python"]
    """Technology stack type: Java, Tomcat, Nodejs, Php, Docker or Python. With deploy_mode
    virtualmachine only Java, Tomcat and Nodejs are supported; container deployment supports
    them all (000 Table 31 lists Java, Tomcat, Nodejs, Php and Docker for containers)."""
    version: str  # may be empty: an imported component's Docker stack has none (table 4-158)
    """Technology stack version, e.g. 1.2.0. Mandatory, but may be an empty string."""
    deploy_mode: Literal["container", "virtualmachine"]
    """Deployment mode: container (container deployment) or virtualmachine (VM deployment).
    Mandatory."""

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
    """Table 31 source.

    Source: 003 Table 31; 000 Table 32; PDF 004 §4.3.1, 表4-151 (create) and §4.3.5, 表4-216
    (modify).
    """

    kind: Literal["code", "package", "image"]
    """Kind of component source: code (source code), package (software package) or image
    (image package). Mandatory."""
    version: str | None = None
    """Version number."""
    url: NonEmpty | None = None
    """Package address, e.g. obs://bucket0001/weather-1.0.0.jar. Mandatory when kind is package
    or image."""
    # Tables 4-151/4-216 name CodeArts (软件开发生产线codearts) where the English tables have
    # devcloud ("CodeArts release repository"); both are accepted and sent as given.
    storage: Literal["devcloud", "obs", "http", "swr", "codearts"] | None = None
    """Storage mode: devcloud (CodeArts release repository), obs (OBS object storage), http
    (custom file address) or swr (SWR image or software repository); the Chinese tables name
    CodeArts as codearts. Mandatory when kind is package or image."""
    auth: Literal["iam", "none"] | None = None
    """Authentication mode: iam or none. Default: iam."""
    repo_auth: str | None = None
    """Authorization name, taken from the Git repository authorization list."""
    repo_namespace: str | None = None  # "repo_name_space" in table 4-151 only; SDK: repo_namespace
    """Namespace of the code repository."""
    repo_ref: str | None = None
    """Code branch or tag. Default: master."""
    repo_type: RepoType | None = None
    """Code repository type: GitHub, BitBucket or GitLab (the lower-case spellings of the Git
    APIs are accepted too and sent as given)."""
    web_url: NonEmpty | None = None
    """Code redirection URL, e.g. https://github.com/example/demo.git."""
    repo_url: NonEmpty | None = None
    """Code repository URL, e.g. https://github.com/example/demo.git."""
    commit_id: CommitId | None = None
    """ID of a commit in the code repository, the unique identifier by which a commit is
    referenced: 8 to 40 characters, starting with a lowercase letter or digit."""
    http_username: str | None = None
    """Username for username and password authentication at the custom file address. The
    table makes it mandatory when storage is http; this package requires it (with
    http_password) only when no http_headers are given."""
    http_password: str | None = None
    """Password for username and password authentication at the custom file address. The
    table makes it mandatory when storage is http; this package requires it (with
    http_username) only when no http_headers are given."""
    http_command: NonEmpty | None = None  # the package's address
    """Address of the custom software package. Mandatory when storage is http."""
    http_headers: dict[str, str] | None = None
    """Custom request headers, as key-value pairs, for fetching the package from the custom
    file address. The table makes them mandatory when storage is http; this package accepts
    them in place of http_username and http_password."""

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
    """Table 32 build.

    Source: 003 Table 32; 000 Table 33; PDF 004 §4.3.1, 表4-152 (create) and §4.3.5, 表4-217
    (modify).
    """

    parameters: BuildParameters | None = None
    """Build parameters, given only when a new build is created (there is no build ID yet).
    See Table 33."""


class BuildParameters(_Input):
    """Table 33 parameters; table 4-152 types the whole as Map<String, Object>, so keys beyond
    the documented ones (``use_public_cluster``, ``cluster_namespace``, ... which the console
    and Terraform send) pass through as given.

    Source: 003 Table 33; 000 Table 34; PDF 004 §4.3.1, 表4-153 (create) and §4.3.5, 表4-218
    (modify).
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True, allow_inf_nan=False)

    build_cmd: str | None = None
    """Compilation command. By default ./build.sh when build.sh is in the root directory;
    otherwise it depends on the OS, e.g. mvn clean package for Java and Tomcat, npm build for
    Nodejs."""
    dockerfile_path: str | None = None
    """Address of the Dockerfile. Default: the root directory (./)."""
    artifact_namespace: str | None = None
    """Build archive organization. Default: cas_{project_id}. GET's table 4-256 spells it
    artifact_name_space."""
    cluster_id: ResourceId
    """ID of the cluster that runs the build. Mandatory."""
    node_label_selector: dict[str, str] | None = None
    """Node label selector: each key is a label key, its value the label value."""
    environment_id: ResourceId | None = None
    """Environment ID, as returned by the API for obtaining all environments."""


class ExternalAccess(_Input):
    """Table 34 external_accesses.

    Source: 003 Table 34; 000 Table 35; PDF 004 §4.3.1, 表4-154 (create) and §4.3.5, 表4-219
    (modify).
    """

    # Table 34 lists http and https; the service answers them upper case (Terraform's
    # acceptance tests read HTTP back), and either spelling is the same protocol.
    protocol: Literal["http", "https", "HTTP", "HTTPS"] | None = None
    """External access type: http or https (HTTP and HTTPS, as the service answers them, are
    accepted too and sent as given)."""
    address: str | None = None
    """External access address."""
    forward_port: Port | None = None
    """External access port, from 1 to 65535."""


class AutoLtsConfig(_Input):
    """Table 35 auto_lts_config.

    Source: 003 Table 35; 000 Table 41.
    """

    enable: bool
    """Whether automatic LTS configuration is enabled. Mandatory."""
    lts_log_path: list[str] | None = None
    """Log paths of the access configuration ("Access configuration log path" in the
    tables)."""


class Toleration(_Input):
    """Table 36 tolerations.

    Source: 003 Table 36; 000 Table 36.
    """

    key: str | None = None
    """Taint key. Mandatory when operator is Equal; with operator Exists, leaving the key out
    tolerates every taint."""
    operator: Literal["Equal", "Exists"] | None = None
    """Operator. Equal matches the nodes with the given taint key (mandatory) and value, a
    blank value matching every taint of that key; Exists matches the nodes with the given
    taint key, and no value may then be given."""
    # "value is mandatory for Equal", yet "a blank value matches every taint of the key": the key
    # must be present, and may be "".
    value: str | None = None
    """Taint value. Mandatory when operator is Equal (an empty string matches every taint of
    the key); must not be given when operator is Exists."""
    # Table 36 (and 000 Table 36) prints "NoScheduler" while describing the Kubernetes effect
    # NoSchedule: both spellings are accepted and sent as given.
    effect: Literal["NoSchedule", "NoScheduler", "PreferNoSchedule", "NoExecute"] | None = None
    """Taint effect to match: NoSchedule (printed NoScheduler in the tables), PreferNoSchedule
    or NoExecute, each matching only taints of that effect. When not set, every taint effect
    is matched."""
    toleration_seconds: int | None = None
    """Toleration time window (in seconds, by its name): within it, pods keep running on the
    tainted node; once it expires they are evicted. Can be set only when effect is
    NoExecute."""

    def _violations(self) -> Iterator[_Violation]:
        if self.operator == "Equal":
            yield from _required_when(self, ["key", "value"], "operator is 'Equal'")
        elif self.operator == "Exists" and self.value is not None:
            yield "value", "value must not be set when operator is 'Exists'"
        if self.effect != "NoExecute":
            yield from _only_when(self, ["toleration_seconds"], "effect is 'NoExecute'")


class UpdateStrategy(_Input):
    """Table 37 update_strategy.

    Source: 003 Table 37; 000 Table 39.
    """

    type: Literal["RollingUpdate", "Recreate"] | None = None
    """Component upgrade policy: RollingUpdate (default) creates new pods gradually, then
    deletes the old ones; Recreate deletes the old pods, then creates the new ones."""
    max_unavailable: PodCount | None = None
    """Maximum number of unavailable pods during an upgrade, relative to replica: an integer
    (a number of pods) or a percentage string such as "25%" (of all pods). Default: 25%. Can be
    set only when workload_kind is deployment."""
    max_surge: PodCount | None = None
    """Maximum surge: the number of pods allowed beyond replica during an upgrade, as an
    integer or a percentage string such as "25%". Default: 25%. Can be set only when
    workload_kind is deployment."""
    termination_period_seconds: Seconds | None = None
    """Scale-in time window, in seconds: the time for running commands before a workload
    stops. Default: 30."""
    min_ready_seconds: Seconds | None = None
    """Minimum ready time of a new pod, in seconds: a pod counts as available only once it has
    run this long without any container crashing. Default: 0."""
    progress_deadline_seconds: Seconds | None = None
    """Maximum upgrade duration: the seconds the system waits before reporting a component
    upgrade failure. When set, it must be greater than min_ready_seconds."""
    revision_history_limit: Count | None = None
    """Maximum number of old pods retained to allow rollback, as the tables word it.
    Default: 10."""

    def _violations(self) -> Iterator[_Violation]:
        deadline, min_ready = self.progress_deadline_seconds, self.min_ready_seconds or 0
        if deadline is not None and deadline <= min_ready:  # min_ready_seconds defaults to 0
            yield (
                "progress_deadline_seconds",
                f"progress_deadline_seconds must be greater than min_ready_seconds ({min_ready})",
            )


class MultiContainer(_Input):
    """Table 38 multi_containers; config_encryption per the release-plan page (Table 37 there).

    Source: 003 Table 38; 000 Table 37.
    """

    container_name: NonEmpty
    """Container name. Mandatory."""
    source: Source
    """Source of the container's software (Table 31). Mandatory; in multi-container mode only
    images are supported, so kind must be image."""
    limit_cpu: Quantity | None = None
    """Maximum CPU of the container, in cores."""
    limit_memory: Quantity | None = None
    """Maximum memory of the container, in GiB."""
    request_cpu: Quantity | None = None
    """Requested CPU of the container, in cores."""
    request_memory: Quantity | None = None
    """Requested memory of the container, in GiB."""
    envs: list[EnvVar] | None = None
    """Environment variables of the container. See Table 28."""
    liveness_probe: Probe | None = None
    """Container liveness probe. See Table 25."""
    readiness_probe: Probe | None = None
    """Container service (readiness) probe. See Table 25."""
    startup_probe: Probe | None = None
    """Container startup probe. See Table 25."""
    command: Command | None = None
    """Startup command of the container. See Table 12."""
    post_start: Lifecycle | None = None
    """Post-start processing. See Table 13."""
    pre_stop: Lifecycle | None = None
    """Pre-stop processing. See Table 13."""
    logs: list[Log] | None = None
    """Log collection. See Table 21."""
    storages: list[Storage] | None = None
    """Storage of the container. See Table 5."""
    security_context: SecurityContext | None = None
    """Security policy of the container. See Table 19."""
    config_encryption: ConfigEncryption | None = None
    """Encryption key of the container, a DEW key (Table 42): mandatory when an encryption key
    is configured for a multi-container component. (000 Table 37)"""

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
    """000 Table 38 ports: "Port configured for the inter-instance discovery of a StatefulSet".

    Source: 000 Table 38.
    """

    name: str | None = None
    """Port name."""
    port: PortText | None = None
    """Access port: a port number from 1 to 65535. The table types it as a String; a number is
    accepted and sent as its text."""
    target_port: ContainerPortText | None = None
    """Container port: a port number from 1 to 65535, or a port name. The table types it as a
    String; a number is accepted and sent as its text."""


class ConfigMount(_Input):
    """Table 39 configs.

    Source: 003 Table 39; 000 Table 40.
    """

    conifg_id: ResourceId  # sic: spelt so in Table 39 and in the release-plan page alike
    """Unified configuration ID (the wire name is spelt conifg_id in both tables). Mandatory."""
    mount_path: NonEmpty
    """Mount path of the configuration. Mandatory."""


class TemplateSource(_Input):
    """Table 40 template_source.

    Source: 003 Table 40.
    """

    storage: Literal["devcloud", "obs", "http", "devcloud_repository"]
    """Storage mode of the component template package: devcloud (CodeArts release
    repository), obs, http (custom file address) or devcloud_repository (CodeArts artifact).
    Mandatory."""
    url: NonEmpty
    """Address of the component template package. Mandatory, although the table also says it
    is valid only when storage is http."""
    http_username: str | None = None
    """Username, for username and password authentication. Valid only when storage is http
    (this package refuses it otherwise)."""
    http_password: str | None = None
    """Password, for username and password authentication. Valid only when storage is http
    (this package refuses it otherwise)."""
    http_headers: list[HttpHeader] | None = None
    """Request headers, for custom header authentication. Valid only when storage is http
    (this package refuses them otherwise). See Table 41."""

    def _violations(self) -> Iterator[_Violation]:
        if self.storage != "http":
            yield from _only_when(
                self, ["http_username", "http_password", "http_headers"], "storage is 'http'"
            )


class HttpHeader(_Input):
    """Table 41 http_headers.

    Source: 003 Table 41.
    """

    key: NonEmpty
    """Request header key. Mandatory."""
    value: str
    """Request header value. Mandatory."""


class ConfigEncryption(_Input):
    """Table 42 config_encryption.

    Source: 003 Table 42; 000 Table 42.
    """

    key_id: ResourceId  # the id of a DEW key
    """ID of the user's key in DEW. Mandatory."""


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
    "sermant_agent_inject_action_flag",
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
