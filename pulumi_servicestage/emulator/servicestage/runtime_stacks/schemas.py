"""The request bodies of the custom runtime stack operations: create, modify and the release
action."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ..schemas import RequestBody


class StackSpec(RequestBody):
    """What a stack is made of (§4.4.3, table 4-292); `parameters` locate its packages."""

    os: str | None = None
    sdk: str | None = None
    parameters: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"os": self.os, "sdk": self.sdk, "parameters": self.parameters}


class RuntimeStackBody(RequestBody):
    """The create and modify bodies (§4.4.3 table 4-291, §4.4.5 table 4-301)."""

    name: str = Field(min_length=1)
    # "Only virtualmachine is supported for now", "only Java and Tomcat for now".
    deploy_mode: Literal["virtualmachine"]
    type: Literal["Java", "Tomcat"]
    version: str = Field(min_length=1)
    spec: StackSpec | None = None
    description: str | None = None


class _StackRef(RequestBody):
    id: str = Field(min_length=1)


class _ReleaseParameters(RequestBody):
    runtimestacks: list[_StackRef] = Field(min_length=1)


class ReleaseAction(RequestBody):
    """§4.4.7, tables 4-309 to 4-311."""

    action: Literal["Supported", "Disable"]
    parameters: _ReleaseParameters
