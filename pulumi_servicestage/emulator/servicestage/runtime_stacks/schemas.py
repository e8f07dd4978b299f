"""The request bodies of the custom runtime stack operations: create, modify and the release
action."""

from __future__ import annotations

from typing import Any, Literal

from ...rules import Rule
from ..schemas import RequestBody

RULES: tuple[Rule, ...] = (
    Rule(
        "name, deploy_mode, type, version",
        "required; deploy_mode virtualmachine (the only one supported for now); type Java or "
        "Tomcat",
        "004 表4-291, 表4-301",
    ),
    Rule(
        "release action: action, parameters.runtimestacks[].id",
        "required; action Supported or Disable",
        "004 表4-309 to 表4-311",
    ),
)


class StackSpec(RequestBody):
    """What a stack is made of (§4.4.3, table 4-292); `parameters` locate its packages."""

    os: str | None = None
    sdk: str | None = None
    parameters: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"os": self.os, "sdk": self.sdk, "parameters": self.parameters}


class RuntimeStackBody(RequestBody):
    """The create and modify bodies (§4.4.3 table 4-291, §4.4.5 table 4-301)."""

    name: str
    # "Only virtualmachine is supported for now", "only Java and Tomcat for now".
    deploy_mode: Literal["virtualmachine"]
    type: Literal["Java", "Tomcat"]
    version: str
    spec: StackSpec | None = None
    description: str | None = None


class _StackRef(RequestBody):
    id: str


class _ReleaseParameters(RequestBody):
    runtimestacks: list[_StackRef]


class ReleaseAction(RequestBody):
    """§4.4.7, tables 4-309 to 4-311."""

    action: Literal["Supported", "Disable"]
    parameters: _ReleaseParameters
