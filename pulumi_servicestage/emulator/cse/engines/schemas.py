"""The request of engine management (004 §6.3) in CSE's camelCase, the flavor catalogue, the
control body that plans jobs, and the documented rules the emulator enforces on them (`RULES`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ...errors import ApiError
from ...rules import Rule
from ...server import describe_validation_error
from .errors import (
    AVAILABILITY_ZONES_INVALID,
    ENGINE_TYPE_INVALID,
    FLAVOR_INVALID,
    PAYMENT_INVALID,
    REQUEST_PARAMETER_INVALID,
    CseErrorCode,
)


@dataclass(frozen=True)
class Flavor:
    """An engine flavor of 表6-38, and the instances (and microservices) it takes."""

    name: str
    description: str
    instance_limit: int


FLAVORS: tuple[Flavor, ...] = (
    Flavor("cse.s1.small2", "高可用100实例引擎", 100),
    Flavor("cse.s1.medium2", "高可用200实例引擎", 200),
    Flavor("cse.s1.large2", "高可用500实例引擎", 500),
    Flavor("cse.s1.xlarge2", "高可用2000实例引擎", 2000),
)
FLAVORS_BY_NAME = {flavor.name: flavor for flavor in FLAVORS}
#: ``specType``: a 1.x engine (CSE) or a 2.x one (CSE2).
SPEC_TYPES = ("CSE", "CSE2")
#: The list's ``type`` query: exclusive engines (CSE, the only kind these APIs create) or the
#: shared one (CSE_SHARE).
ENGINE_TYPES = ("CSE", "CSE_SHARE")
AUTH_TYPES = ("RBAC", "NONE")
ON_DEMAND_PAYMENT = "1"

_NAME_PATTERN = r"[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]"
_RESERVED_NAME = "default"
_MAX_DESCRIPTION = 255
_MAX_VPC_ID = 64
_MAX_AVAILABILITY_ZONES = 3

NAME = Rule(
    "name",
    "required; 3 to 24 letters, digits or -, starting with a letter, not ending with -, and not "
    "default",
    "004 表6-38",
)
DESCRIPTION = Rule("description", "at most 255 characters", "004 表6-38")
PAYMENT = Rule("payment", "required; 1", "004 表6-38; 表11-2 SVCSTG.00501103")
FLAVOR = Rule(
    "flavor",
    "required; cse.s1.small2, cse.s1.medium2, cse.s1.large2 or cse.s1.xlarge2",
    "004 表6-38; 表11-2 SVCSTG.00501104",
)
AVAILABILITY_ZONES = Rule(
    "azList", "required; 1 to 3 availability zones", "004 表6-38; 表11-2 SVCSTG.00501105"
)
AUTH_TYPE = Rule("authType", "required; RBAC or NONE", "004 表6-38")
AUTH_CONFIG = Rule(
    "authConfig",
    "consoleAuthEnabled and sdkAuthEnabled required; consoleAuthEnabled true when "
    "sdkAuthEnabled is",
    "004 表6-39",
)
AUTH_CRED = Rule("auth_cred.pwd", "required when authType is RBAC", "004 表6-38, 表6-40")
VPC_ID = Rule("vpcId", "required; at most 64 characters", "004 表6-38")
SPEC_TYPE = Rule("specType", "required; CSE or CSE2", "004 表6-38; 表11-2 SVCSTG.00501134")
RULES: tuple[Rule, ...] = (
    NAME,
    DESCRIPTION,
    PAYMENT,
    FLAVOR,
    AVAILABILITY_ZONES,
    AUTH_TYPE,
    AUTH_CONFIG,
    AUTH_CRED,
    Rule("vpc, networkId, subnetCidr", "required", "004 表6-38"),
    VPC_ID,
    SPEC_TYPE,
    Rule(
        "flavors query: specType (or spec_type, the SDK's spelling)",
        "CSE or CSE2 when given",
        "004 表6-20; 表11-2 SVCSTG.00501134; SDK ListFlavorsRequest",
    ),
    Rule("list query: type", "CSE or CSE_SHARE when given", "004 表6-27"),
)

# The rules whose breach 表11-2 gives a code of its own; any other is SVCSTG.00500400.
_CODE_BY_FIELD: dict[str, CseErrorCode] = {
    "payment": PAYMENT_INVALID,
    "flavor": FLAVOR_INVALID,
    "azList": AVAILABILITY_ZONES_INVALID,
    "specType": ENGINE_TYPE_INVALID,
}


class EngineOperation(str, Enum):
    """What an engine job does; its ``type`` on the wire is `job_type` (表6-64)."""

    CREATE = "create"
    DELETE = "delete"

    @property
    def job_type(self) -> str:
        return self.value.capitalize()


class PlannedOutcome(str, Enum):
    """How a planned job ends: failing in its working stage, or never leaving it."""

    FAILED = "FAILED"
    HANG = "HANG"


class _WireObject(BaseModel):
    """A JSON object of a request: types are checked strictly, unknown fields are dropped."""

    model_config = ConfigDict(strict=True, extra="ignore", allow_inf_nan=False)


class AuthConfig(_WireObject):
    console_auth_enabled: bool = Field(alias="consoleAuthEnabled")
    sdk_auth_enabled: bool = Field(alias="sdkAuthEnabled")

    @model_validator(mode="after")
    def _console_with_sdk(self) -> AuthConfig:
        if self.sdk_auth_enabled and not self.console_auth_enabled:
            raise AUTH_CONFIG.broken()
        return self


class AuthCred(_WireObject):
    pwd: str


class EnterpriseProject(_WireObject):
    """The SDK's ``enterpriseProject`` (EngineCreateReqEnterpriseProject); 表6-38 has none."""

    id: str | None = None
    name: str | None = None


class EngineRequest(_WireObject):
    """The body of a create (表6-38, and the SDK's EngineCreateReq for enterpriseProject)."""

    name: str
    description: str | None = None
    payment: str
    flavor: str
    availability_zones: list[str] = Field(alias="azList")
    auth_type: str = Field(alias="authType")
    auth_config: AuthConfig | None = Field(None, alias="authConfig")
    vpc: str
    vpc_id: str = Field(alias="vpcId")
    network_id: str = Field(alias="networkId")
    subnet_cidr: str = Field(alias="subnetCidr")
    public_ip_id: str | None = Field(None, alias="publicIpId")
    spec_type: str = Field(alias="specType")
    auth_cred: AuthCred | None = None
    inputs: dict[str, str] | None = None
    enterprise_project: EnterpriseProject | None = Field(None, alias="enterpriseProject")

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not re.fullmatch(_NAME_PATTERN, name) or name == _RESERVED_NAME:
            raise NAME.broken()
        return name

    @field_validator("description")
    @classmethod
    def _description(cls, description: str | None) -> str | None:
        if description is not None and len(description) > _MAX_DESCRIPTION:
            raise DESCRIPTION.broken()
        return description

    @field_validator("payment")
    @classmethod
    def _payment(cls, payment: str) -> str:
        if payment != ON_DEMAND_PAYMENT:
            raise PAYMENT.broken()
        return payment

    @field_validator("flavor")
    @classmethod
    def _flavor(cls, flavor: str) -> str:
        if flavor not in FLAVORS_BY_NAME:
            raise FLAVOR.broken()
        return flavor

    @field_validator("availability_zones")
    @classmethod
    def _availability_zones(cls, zones: list[str]) -> list[str]:
        if not 1 <= len(zones) <= _MAX_AVAILABILITY_ZONES:
            raise AVAILABILITY_ZONES.broken()
        return zones

    @field_validator("auth_type")
    @classmethod
    def _auth_type(cls, auth_type: str) -> str:
        if auth_type not in AUTH_TYPES:
            raise AUTH_TYPE.broken()
        return auth_type

    @field_validator("vpc_id")
    @classmethod
    def _vpc_id(cls, vpc_id: str) -> str:
        if len(vpc_id) > _MAX_VPC_ID:
            raise VPC_ID.broken()
        return vpc_id

    @field_validator("spec_type")
    @classmethod
    def _spec_type(cls, spec_type: str) -> str:
        if spec_type not in SPEC_TYPES:
            raise SPEC_TYPE.broken()
        return spec_type

    @model_validator(mode="after")
    def _password_with_rbac(self) -> EngineRequest:
        if self.auth_type == "RBAC" and self.auth_cred is None:
            raise AUTH_CRED.broken()
        return self

    @property
    def rbac_enabled(self) -> bool:
        """Whether the engine's APIs ask for a token: security authentication with its
        programmatic part on, which it is when authConfig is left out (表6-38)."""
        if self.auth_type != "RBAC":
            return False
        return self.auth_config is None or self.auth_config.sdk_auth_enabled


def parse_engine_request(body: bytes) -> EngineRequest:
    """The body of a create, or the 表11-2 error for the first rule it breaks."""
    if not body.strip():
        raise REQUEST_PARAMETER_INVALID.error("request body is required")
    try:
        return EngineRequest.model_validate_json(body)
    except ValidationError as error:
        raise _request_error(error) from None


def _request_error(error: ValidationError) -> ApiError:
    location = error.errors(include_url=False)[0]["loc"]
    field = str(location[0]) if location else ""
    code = _CODE_BY_FIELD.get(field, REQUEST_PARAMETER_INVALID)
    return code.error(describe_validation_error(error))


class JobPlanRequest(BaseModel):
    """The body that plans an engine job (a control route): unknown fields are refused."""

    model_config = ConfigDict(strict=True, extra="forbid")
    operation: EngineOperation
    outcome: PlannedOutcome = PlannedOutcome.FAILED
    message: str | None = None
    engine_name: str | None = None
