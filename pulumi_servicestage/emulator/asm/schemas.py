"""The request bodies of ASM's release operations, in ASM's camelCase, and of the control that
plans failures."""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# The name rule of the GET page: 4 to 64 characters, lower-case letters, digits and hyphens,
# starting with a letter and not ending with a hyphen.
RELEASE_NAME_PATTERN = r"^[a-z][a-z0-9-]{2,62}[a-z0-9]$"


class ReleaseOperation(str, Enum):
    """What a step of a release does: a create, a version change (update), or the ``action`` of
    a delete (cancel, end); failures are planned per operation."""

    CREATE = "create"
    UPDATE = "update"
    CANCEL = "cancel"
    END = "end"


class _WireObject(BaseModel):
    """A JSON object of a request: types are checked strictly, unknown fields are dropped."""

    model_config = ConfigDict(strict=True, extra="ignore", populate_by_name=True)


class GrayWorkload(_WireObject):
    cluster_id: str = Field(alias="clusterID", min_length=1)
    #: A Kubernetes Deployment, kept as sent.
    template: dict[str, Any]


class ReleaseSpec(_WireObject):
    service_name: str = Field(alias="serviceName", min_length=1)
    cluster_id: str = Field(alias="clusterID", min_length=1)
    deployment_name: str = Field(alias="deploymentName", min_length=1)
    version: str = Field(min_length=1)
    type: str | None = None
    gray_deployments: list[GrayWorkload] = Field(alias="grayDeployments", min_length=1)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class ReleaseMetadata(_WireObject):
    name: str = Field(pattern=RELEASE_NAME_PATTERN)
    mesh_id: str | None = Field(None, alias="meshID")
    namespace: str | None = None


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
