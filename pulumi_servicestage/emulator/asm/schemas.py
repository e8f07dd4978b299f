"""The request bodies of ASM's release operations, in ASM's camelCase, and of the control that
plans failures; and the documented rules the emulator enforces on them (`RULES`)."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..rules import Rule

# The name rule of the GET page: 4 to 64 characters, lower-case letters, digits and hyphens,
# starting with a letter and not ending with a hyphen.
RELEASE_NAME_PATTERN = r"^[a-z][a-z0-9-]{2,62}[a-z0-9]$"
# The release form when the body names none: the user guide's "Canary Release (also called
# grayscale release)" (asm_01_0035), the first form the console offers (asm_01_0036); the API
# pages document `type` without values.
DEFAULT_RELEASE_TYPE = "canary"

RELEASE_NAME = Rule(
    "metadata.name",
    "required; 4 to 64 lower-case letters, digits or -, starting with a letter and not ending "
    "with -",
    "002 / asm-get ReleaseMetadata",
)
RULES: tuple[Rule, ...] = (
    Rule("metadata, spec", "required", "asm-create Table 3"),
    Rule("kind, apiVersion", "Release and asm/v2 when given", "asm-create Table 3; 002"),
    RELEASE_NAME,
    Rule(
        "spec.serviceName, clusterID, deploymentName, version, type; grayDeployments[]",
        "strings; an array of {clusterID, template: an object}, all optional (no page prints "
        "their Mandatory flags)",
        "002 / asm-get ReleaseSpec, GrayWorkload",
    ),
)


class ReleaseOperation(str, Enum):
    """What a step of a release does: a create, a version change (update), or the ``action`` of
    a delete (cancel, end); failures are planned per operation."""

    CREATE = "create"
    UPDATE = "update"
    CANCEL = "cancel"
    END = "end"


class _WireObject(BaseModel):
    """A JSON object of a request: types are checked strictly, unknown fields are dropped."""

    model_config = ConfigDict(
        strict=True, extra="ignore", populate_by_name=True, allow_inf_nan=False
    )


class GrayWorkload(_WireObject):
    cluster_id: str | None = Field(None, alias="clusterID")
    #: A Kubernetes Deployment, kept as sent.
    template: dict[str, Any] | None = None


class ReleaseSpec(_WireObject):
    service_name: str | None = Field(None, alias="serviceName")
    cluster_id: str | None = Field(None, alias="clusterID")
    deployment_name: str | None = Field(None, alias="deploymentName")
    version: str | None = None
    type: str | None = None
    gray_deployments: list[GrayWorkload] | None = Field(None, alias="grayDeployments")

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class ReleaseMetadata(_WireObject):
    name: str
    mesh_id: str | None = Field(None, alias="meshID")
    namespace: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not re.fullmatch(RELEASE_NAME_PATTERN, name):
            raise RELEASE_NAME.broken()
        return name


class ReleaseRequest(_WireObject):
    """The body of a create or a version change."""

    kind: Literal["Release"] | None = None
    api_version: Literal["asm/v2"] | None = Field(None, alias="apiVersion")
    metadata: ReleaseMetadata
    spec: ReleaseSpec


class FailureRequest(BaseModel):
    """The body that plans a failure (a control route): unknown fields are refused."""

    model_config = ConfigDict(strict=True, extra="forbid")
    operation: ReleaseOperation
    message: str = "the grayscale workload did not become ready"
    release_name: str | None = None
