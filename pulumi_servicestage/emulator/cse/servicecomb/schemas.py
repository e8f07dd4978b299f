"""The request bodies of what an engine serves, in each API's own spelling, and the documented
rules the emulator enforces on them: `REGISTRY_RULES` (§7.2 to §7.6) and `CONFIG_RULES` (§6.2 and
§7.7)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ...rules import Rule

# The printed patterns of 表7-29 (names) and 表7-65 (schema ids); the version's, printed
# ^[0-9]$|^[0-9]+(\.[0-9]+)$ yet with 1.0.0 in every example, is read as dot-separated numbers.
_NAME_PATTERN = re.compile(r"[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9_\-.]*[a-zA-Z0-9]")
_VERSION_PATTERN = re.compile(r"[0-9]+(\.[0-9]+)*")
_SCHEMA_ID_PATTERN = re.compile(r"[a-zA-Z0-9]{1,160}|[a-zA-Z0-9][a-zA-Z0-9_\-.]{0,158}[a-zA-Z0-9]")
TAG_PATTERN = re.compile(r"[a-zA-Z][a-zA-Z0-9_-]{0,63}")
# 表11-3, SVCSTG.00400649: keys of digits, letters and -_.:[] (the row counts six characters and
# prints five; the dot is taken), up to 2048; values up to 131072 characters.
KEY_PATTERN = re.compile(r"[a-zA-Z0-9_.:\[\]-]{1,2048}")
MAX_VALUE_LENGTH = 131072

SERVICE_NAME = Rule(
    "service.serviceName",
    "required; 1 to 128 letters, digits, _, - or ., starting and ending with a letter or digit",
    "004 表7-29",
)
APP_ID = Rule(
    "service.appId",
    "1 to 160 letters, digits, _, - or ., starting and ending with a letter or digit",
    "004 表7-29",
)
VERSION = Rule("service.version", "1 to 64 characters: numbers joined by dots", "004 表7-29")
SERVICE_ID = Rule("service.serviceId", "1 to 64 characters", "004 表7-29")
DESCRIPTION = Rule("service.description", "at most 256 characters", "004 表7-29")
SCHEMA_IDS = Rule(
    "service.schemas; schema_id of a schema modified",
    "at most 100 ids, each 1 to 160 letters, digits, _, - or ., starting and ending with a "
    "letter or digit",
    "004 表7-8, 表7-65",
)
RULE_PATTERN = Rule("rules[].pattern", "1 to 64 characters", "004 表7-32")
TAGS = Rule(
    "tags (query)",
    "comma-separated tags, each a letter then up to 63 letters, digits, _ or -",
    "004 表7-87, 表7-100, 表7-123",
)
BATCH_FIND = Rule(
    "instances/action: type, services, instances",
    "type query; services or instances, at least one",
    "004 表7-132, 表7-134",
)
KV_KEY = Rule(
    "key",
    "required; 1 to 2048 digits, letters, -, _, ., :, [ or ]",
    "004 表7-160; 表11-3 SVCSTG.00400649",
)
KV_VALUE = Rule("value", "at most 131072 characters", "004 表11-3 SVCSTG.00400649")

REGISTRY_RULES: tuple[Rule, ...] = (
    Rule(
        "every field",
        "type, mandatory flag and enum values as the tables print them; where they differ, what "
        "any of them allows",
        "004 表7-1 to 表7-153",
    ),
    SERVICE_NAME,
    APP_ID,
    VERSION,
    SERVICE_ID,
    DESCRIPTION,
    SCHEMA_IDS,
    RULE_PATTERN,
    TAGS,
    BATCH_FIND,
    Rule(
        "existence: type and its fields",
        "microservice with appId, serviceName and version; or schema with serviceId and schemaId",
        "004 表7-53",
    ),
    Rule("force", "true or false", "004 表7-14, 表7-40"),
    Rule("withSchema, noSelf, sameDomain", "0 or 1", "004 表7-71, 表7-150"),
    Rule(
        "instance status (query value)",
        "UP, OUTOFSERVICE, STARTING, DOWN or TESTING",
        "004 表7-114",
    ),
)
CONFIG_RULES: tuple[Rule, ...] = (
    Rule(
        "every field",
        "type, mandatory flag and enum values as the tables print them",
        "004 表6-2 to 表6-13, 表7-158 to 表7-191",
    ),
    KV_KEY,
    KV_VALUE,
    Rule("label (query)", "{key}:{value}", "004 表6-2, 表6-11, 表7-179"),
    Rule("revision (query)", "an integer", "004 表7-179"),
    Rule("import: override", "required; force, skip or abort", "004 表6-2"),
    Rule(
        "import: upload_file",
        'a file named *.json holding {"data": [items]}, multipart/form-data',
        "004 表6-4; 表11-3 SVCSTG.00400650, SVCSTG.00400651",
    ),
    Rule(
        "import: data[].key, data[].value",
        "non-empty strings",
        "004 表11-3 SVCSTG.00400652",
    ),
    Rule("export: ids", "required; a list of ids (empty: every item)", "004 表6-13"),
)


def _checked(rule: Rule, check: Callable[[Any], bool]) -> AfterValidator:
    """A validator that refuses a value breaking `rule`, naming the rule and its tables."""

    def validate(value: Any) -> Any:
        if not check(value):
            raise rule.broken()
        return value

    return AfterValidator(validate)


def _matching(pattern: re.Pattern[str], max_length: int) -> Callable[[str], bool]:
    return lambda text: len(text) <= max_length and pattern.fullmatch(text) is not None


ServiceName = Annotated[str, _checked(SERVICE_NAME, _matching(_NAME_PATTERN, 128))]
AppId = Annotated[str, _checked(APP_ID, _matching(_NAME_PATTERN, 160))]
Version = Annotated[str, _checked(VERSION, _matching(_VERSION_PATTERN, 64))]
ServiceId = Annotated[str, _checked(SERVICE_ID, lambda text: 1 <= len(text) <= 64)]
Description = Annotated[str, _checked(DESCRIPTION, lambda text: len(text) <= 256)]
SchemaIds = Annotated[
    list[str],
    _checked(
        SCHEMA_IDS,
        lambda ids: len(ids) <= 100 and all(is_schema_id(schema_id) for schema_id in ids),
    ),
]
Environment = Literal["", "development", "testing", "acceptance", "production"]
InstanceStatus = Literal["UP", "DOWN", "STARTING", "OUTOFSERVICE"]
#: The statuses an instance can be set to (表7-114 adds TESTING).
SETTABLE_INSTANCE_STATUSES = ("UP", "OUTOFSERVICE", "STARTING", "DOWN", "TESTING")
ValueType = Literal["text", "yaml", "json", "properties", "ini", "xml"]
VALUE_TYPES: tuple[str, ...] = ("text", "yaml", "json", "properties", "ini", "xml")
Override = Literal["force", "skip", "abort"]


def is_schema_id(text: str) -> bool:
    return _matching(_SCHEMA_ID_PATTERN, 160)(text)


def is_kv_key(text: str) -> bool:
    return KEY_PATTERN.fullmatch(text) is not None


class _Wire(BaseModel):
    """A JSON object of a request: types are checked strictly, unknown fields are dropped."""

    model_config = ConfigDict(
        strict=True, extra="ignore", populate_by_name=True, allow_inf_nan=False
    )


# -- Registry (§7.2 to §7.6) -----------------------------------------------------------------------


class TokenRequest(_Wire):
    """表7-1."""

    name: str
    password: str


class Framework(_Wire):
    """表7-30."""

    name: str | None = None
    version: str | None = None


class ServicePath(_Wire):
    """表7-31 (capitalised as printed)."""

    path: str | None = Field(None, alias="Path")
    property: dict[str, Any] | None = Field(None, alias="Property")


class MicroServiceBody(_Wire):
    """表7-29; ``properties`` as 表7-153 shows them. The timestamps are the registry's own."""

    service_id: ServiceId | None = Field(None, alias="serviceId")
    environment: Environment | None = None
    app_id: AppId | None = Field(None, alias="appId")
    service_name: ServiceName = Field(alias="serviceName")
    version: Version | None = None
    description: Description | None = None
    level: Literal["FRONT", "MIDDLE", "BACK"] | None = None
    register_by: Literal["SDK", "PLATFORM", "SIDECAR", "UNKNOWN"] | None = Field(
        None, alias="registerBy"
    )
    schemas: SchemaIds | None = None
    status: Literal["UP", "DOWN"] | None = None
    timestamp: str | None = None
    mod_timestamp: str | None = Field(None, alias="modTimestamp")
    framework: Framework | None = None
    paths: list[ServicePath] | None = None
    properties: dict[str, Any] | None = None


class AccessRule(_Wire):
    """A black or white list rule (表7-32): checked, not applied to discovery."""

    rule_id: str | None = Field(None, alias="ruleId")
    rule_type: Literal["WHITE", "BLACK"] | None = Field(None, alias="ruleType")
    attribute: str | None = None
    pattern: Annotated[str, _checked(RULE_PATTERN, lambda text: 1 <= len(text) <= 64)] | None = None
    description: str | None = None
    timestamp: str | None = None
    mod_timestamp: str | None = Field(None, alias="modTimestamp")


class HealthCheck(_Wire):
    """表7-34, 表7-81."""

    mode: Literal["push", "pull"]
    port: int | None = None
    interval: int
    times: int


class DataCenterInfo(_Wire):
    """表7-35, 表7-82."""

    name: str
    region: str
    available_zone: str = Field(alias="availableZone")


class InstanceBody(_Wire):
    """表7-33 and 表7-80 (endpoints mandatory in the first, optional in the second)."""

    instance_id: str | None = Field(None, alias="instanceId")
    service_id: str | None = Field(None, alias="serviceId")
    version: str | None = None
    host_name: str = Field(alias="hostName")
    endpoints: list[str] | None = None
    status: InstanceStatus | None = None
    properties: dict[str, Any] | None = None
    health_check: HealthCheck | None = Field(None, alias="healthCheck")
    data_center_info: DataCenterInfo | None = Field(None, alias="dataCenterInfo")
    timestamp: str | None = None
    mod_timestamp: str | None = Field(None, alias="modTimestamp")


class CreateServiceRequest(_Wire):
    """表7-28."""

    service: MicroServiceBody
    rules: list[AccessRule] | None = None
    instances: list[InstanceBody] | None = None
    tags: dict[str, Any] | None = None


class DeleteServicesRequest(_Wire):
    """表7-42."""

    service_ids: list[str] = Field(alias="serviceIds")


class PropertiesRequest(_Wire):
    """表7-49 (a service's, required) and 表7-110 (an instance's, optional)."""

    properties: dict[str, Any] | None = None


class SchemaRequest(_Wire):
    """表7-67."""

    content: str = Field(alias="schema")
    summary: str | None = None


class RegisterInstanceRequest(_Wire):
    """表7-79."""

    instance: InstanceBody


class DependencyKey(_Wire):
    """表7-136 (the example sends an empty environment)."""

    environment: str
    app_id: str = Field(alias="appId")
    service_name: str = Field(alias="serviceName")


class FindService(_Wire):
    """表7-135."""

    service: DependencyKey
    rev: str | None = None


class HeartbeatSetElement(_Wire):
    """表7-138."""

    service_id: str | None = Field(None, alias="serviceId")
    instance_id: str | None = Field(None, alias="instanceId")


class FindInstance(_Wire):
    """表7-137."""

    instance: HeartbeatSetElement | None = None
    rev: str | None = None


class BatchFindRequest(_Wire):
    """表7-134: services or instances, at least one."""

    services: list[FindService] | None = None
    instances: list[FindInstance] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> BatchFindRequest:
        if self.services is None and self.instances is None:
            raise BATCH_FIND.broken()
        return self


# -- Configuration (§6.2 and §7.7) -----------------------------------------------------------------

KvKey = Annotated[str, _checked(KV_KEY, is_kv_key)]
KvValue = Annotated[str, _checked(KV_VALUE, lambda text: len(text) <= MAX_VALUE_LENGTH)]


class KvCreateRequest(_Wire):
    """表7-160. No document names the values of ``status``; it is kept as sent."""

    key: KvKey
    value: KvValue | None = None
    labels: dict[str, str] | None = None
    status: str | None = None
    value_type: ValueType | None = None


class KvModifyRequest(_Wire):
    """表7-167."""

    value: KvValue
    status: str | None = None


class KvIdsRequest(_Wire):
    """表6-13 (export) and 表7-191 (delete several)."""

    ids: list[str]


@dataclass(frozen=True)
class ImportItem:
    """One configuration item of an import file that reads as one."""

    key: str
    value: str
    labels: dict[str, str]
    status: str | None
    value_type: str | None


def parse_labels(texts: list[str]) -> dict[str, str] | None:
    """``{key}:{value}`` query labels as a map, or None when one does not read so."""
    labels: dict[str, str] = {}
    for text in texts:
        key, colon, value = text.partition(":")
        if not colon or not key:
            return None
        labels[key] = value
    return labels
