"""The create and edit body of release tasks: the task's settings and its components, each a
component specification with its batch and placement; and the documented rules the emulator
enforces on them (`RULES`).

The entries follow seed 000 (Tables 4 to 42, the GET page) with the Mandatory flags of the edit
page (rp-update Table 4) where it prints them, and of the component body (`..schemas`, whose
models and rules an entry shares) elsewhere. The create page is not stored: its body is taken to
be the edit body.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, ConfigDict, Field, field_validator

from ...rules import Rule
from ..schemas import (
    RELEASE_TASK_CONTEXT,
    ComponentFields,
    ComponentSpec,
    Label,
    ReferResource,
    RequestBody,
    SdkAffinity,
    _Affinity,
    _NestedObject,
)

RULES: tuple[Rule, ...] = (
    Rule(
        "name, components",
        "required (components: the list, possibly empty)",
        "rp-update Table 3",
    ),
    Rule("fail_strategy", "continue or stop", "rp-update Table 3; 000 Table 3"),
    Rule(
        "components[].seq, name, runtime_stack",
        "required",
        "rp-update Table 4",
    ),
    Rule(
        "components[]: every other field",
        "as the component body (its fields, types and rules), with 000's differences: "
        "refer_resources[].type adds customServer and pvc and has no as; host_aliases[] spells "
        "hostname; service_name and ports; affinity has no topology_key",
        "000 Tables 4-42; 003 Tables 3-42",
    ),
    Rule(
        "components[].refer_resources",
        "required when the entry names no component_id (the release creates the component)",
        "004 表4-123",
    ),
    Rule(
        "components[].application_id",
        "required when the entry names no component_id (the component is found by its id "
        "otherwise)",
        "000 Example Response",
    ),
)


class PlanHostAlias(_NestedObject):
    """000 Table 17 host_aliases: `hostname` (003 Table 16 spells it `hostnames`)."""

    ip: str
    hostname: list[str] = Field(
        alias="hostname",
        validation_alias=AliasChoices("hostname", "hostnames"),
        serialization_alias="hostnames",
    )


class PlanAffinity(_Affinity):
    """000 Table 24 component_affinity (no topology_key)."""


class Port(_NestedObject):
    """000 Table 38 ports (all strings, as printed)."""

    name: str | None = None
    port: str | None = None
    target_port: str | None = None


# The default objects 000's example shows for a probe and a custom metric the entry did not set;
# a client may send them back as read, and they mean "none".
DEFAULT_PROBE: dict[str, Any] = {
    "type": None,
    "delay": 0,
    "timeout": 0,
    "scheme": None,
    "host": None,
    "port": 0,
    "path": None,
    "command": None,
    "period_seconds": 0,
    "success_threshold": 0,
    "failure_threshold": 0,
    "http_headers": None,
}
DEFAULT_CUSTOM_METRIC: dict[str, Any] = {"path": None, "port": 0, "dimensions": None}
_PROBES = ("liveness_probe", "readiness_probe", "startup_probe")


class PlanComponent(ComponentFields):
    """An entry of a release task (000 Table 4): a component's specification, its batch and where
    it goes. Fields the tables do not know (a template_source...) are kept as sent."""

    model_config = ConfigDict(
        strict=True, extra="allow", allow_inf_nan=False, populate_by_name=True
    )

    seq: int
    component_id: str | None = None
    workload_name: str | None = None
    create_mode: str | None = None
    # Only 000's example shows it, on every entry.
    application_id: str | None = None
    labels: list[Label] | None = None
    host_aliases: list[PlanHostAlias] | None = None
    affinity: list[PlanAffinity] | SdkAffinity | None = None
    anti_affinity: list[PlanAffinity] | SdkAffinity | None = None
    # 000 Table 27's types when read under RELEASE_TASK_CONTEXT (as `ReleasePlanApi` does).
    refer_resources: list[ReferResource] | None = None
    service_name: str | None = None
    ports: list[Port] | None = None
    # 000's example shows it; Table 4 has no row for it.
    config_mode: Literal["ui", "yaml", "template"] | None = None

    @field_validator(*_PROBES, mode="before")
    @classmethod
    def _default_probe_is_none(cls, value: Any) -> Any:
        return None if value == DEFAULT_PROBE else value

    @field_validator("custom_metric", mode="before")
    @classmethod
    def _default_metric_is_none(cls, value: Any) -> Any:
        return None if value == DEFAULT_CUSTOM_METRIC else value

    def component_spec(self) -> ComponentSpec:
        """The part the component operations take, read with release tasks' refer types."""
        placement = {
            "seq",
            "application_id",
            "component_id",
            "workload_name",
            "create_mode",
            "service_name",
            "ports",
        }
        fields = self.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude=placement)
        return ComponentSpec.model_validate(fields, context=RELEASE_TASK_CONTEXT)


class ReleasePlanBody(RequestBody):
    """The create and edit body (rp-update Table 3)."""

    name: str
    desc: str | None = None
    fail_strategy: Literal["continue", "stop"] | None = None
    components: list[PlanComponent]
