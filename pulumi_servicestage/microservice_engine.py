"""CSE exclusive microservice engines (`/v2/{project_id}/enginemgr/engines`, PDF 004 §6.3).

An engine is created and deleted by a job (§6.3.6) that the provider waits for, failing at once
with the failing task's log when the job ends in Error or Timeout. §6.3 has no modify operation,
so every argument forces a replacement; the old engine is deleted first, since names are unique
in a project. The administrator's password (`auth_cred.pwd`) is sent on create only, never shown
by the service, kept secret in the state and out of every message and id.

An engine's jobs live under it (`.../engines/{engine_id}/jobs/{job_id}`), so the job handle this
provider gives the lifecycle is ``<engine_id>/<job_id>``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

import pulumi
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from . import _runtime
from ._engine_api import component_address
from ._lifecycle import (
    LOCAL_FIELDS,
    Created,
    ObjectRef,
    ResourceArgs,
    RestProvider,
    RestResource,
    comparable,
)
from ._lookup import LookupResult, output_of, program_clients, project_path, the_one
from ._resource_types import MicroserviceEngineTyping
from .jobs import EngineJobs, JobWaiter

#: The header that names an engine's enterprise project (表6-37); the body has no such field.
ENTERPRISE_PROJECT_HEADER = "X-Enterprise-Project-ID"

# 表6-38: a letter first, then letters, digits and hyphens, not ending with a hyphen, 3 to 24.
_ENGINE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]")
# Statuses of an engine whose job is still at work; the documents list none, the official
# SDK's and the console's words are these.
_BUSY_STATUS = re.compile(r".*ing")


class _EngineInput(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class EngineAuthConfig(_EngineInput):
    """Which interfaces of the engine check credentials.

    Source: PDF 004 §6.3.3, 表6-39 (authConfig).
    """

    console_auth_enabled: bool = Field(alias="consoleAuthEnabled")
    """Whether the engine's console asks for credentials."""
    sdk_auth_enabled: bool = Field(alias="sdkAuthEnabled")
    """Whether the engine's programming interfaces (its service registry and configuration
    center) ask for credentials; when true, `consoleAuthEnabled` must be true as well."""

    @model_validator(mode="after")
    def _console_with_sdk(self) -> EngineAuthConfig:
        if self.sdk_auth_enabled and not self.console_auth_enabled:
            raise ValueError("consoleAuthEnabled must be true when sdkAuthEnabled is true")
        return self


class EngineAdminCredentials(_EngineInput):
    """The credentials of an engine with security authentication.

    Source: PDF 004 §6.3.3, 表6-40 (auth_cred).
    """

    pwd: str = Field(min_length=1)
    """The password of the engine's `root` account, with which programs obtain the engine's
    token (§7.2.1). Secret; the service never shows it."""


class MicroserviceEngineArgs(ResourceArgs):
    """The arguments of an exclusive microservice engine.

    Source: PDF 004 §6.3.3, 表6-38 (create request body); the enterprise project is the
    X-Enterprise-Project-ID header of 表6-37.
    """

    name: str
    """Engine name: 3 to 24 characters, letters, digits and hyphens (-), starting with a letter
    and not ending with a hyphen; it must not be `default`."""
    description: str | None = Field(default=None, max_length=255)
    """Engine description, 0 to 255 characters."""
    flavor: Literal["cse.s1.small2", "cse.s1.medium2", "cse.s1.large2", "cse.s1.xlarge2"]
    """Engine flavor: `cse.s1.small2` (high availability, 100 instances), `cse.s1.medium2`
    (200), `cse.s1.large2` (500) or `cse.s1.xlarge2` (2000); `get_engine_flavors()` lists the
    region's."""
    az_list: list[Annotated[str, Field(min_length=1)]] = Field(
        alias="azList", min_length=1, max_length=3
    )
    """Availability zones of the region to deploy the engine in: 1 to 3 (表11-2,
    SVCSTG.00501105: "the number of AZ name levels is 1 to 3", read as 1 to 3 zones)."""
    auth_type: Literal["RBAC", "NONE"] = Field(alias="authType")
    """Authentication: `RBAC` (security authentication: programs need the token of §7.2.1,
    obtained with `auth_cred`) or `NONE`."""
    auth_config: EngineAuthConfig | None = Field(default=None, alias="authConfig")
    """RBAC settings; when left out, the programming interfaces' authentication is on
    (表6-39)."""
    auth_cred: EngineAdminCredentials | None = None
    """Mandatory with `auth_type` `RBAC`: the password of the engine's `root` account
    (表6-40). Secret."""
    vpc: str = Field(min_length=1)
    """Name of the VPC the engine is in."""
    vpc_id: str = Field(alias="vpcId", min_length=1, max_length=64)
    """ID of that VPC, at most 64 characters."""
    network_id: str = Field(alias="networkId", min_length=1)
    """ID of the engine's subnet."""
    subnet_cidr: str = Field(alias="subnetCidr", min_length=1)
    """CIDR block of the engine's subnet, e.g. `192.168.0.0/24`."""
    public_ip_id: str | None = Field(default=None, alias="publicIpId")
    """ID of the EIP through which the engine is reached from the internet."""
    spec_type: Literal["CSE", "CSE2"] = Field(default="CSE2", alias="specType")
    """Deployment type: `CSE` for a 1.x engine, `CSE2` for a 2.x engine (the default here)."""
    payment: Literal["1"] = "1"
    """Billing mode, the fixed value `1` (pay per use)."""
    inputs: dict[str, str] | None = None
    """Additional parameters of the engine, e.g. `{"nodeFlavor": "s6.large.2"}`."""
    enterprise_project_id: str | None = Field(default=None, alias="enterpriseProjectId")
    """Enterprise project of the engine (the X-Enterprise-Project-ID header); `0`, the default
    project, when left out."""

    @field_validator("name")
    @classmethod
    def _documented_name(cls, name: str) -> str:
        if not _ENGINE_NAME.fullmatch(name) or name == "default":
            raise ValueError(
                "name must be 3 to 24 letters, digits or hyphens, start with a letter, not end "
                "with a hyphen, and not be 'default'"
            )
        return name

    @model_validator(mode="after")
    def _credentials_with_rbac(self) -> MicroserviceEngineArgs:
        if self.auth_type == "RBAC" and self.auth_cred is None:
            raise ValueError("auth_cred is required when auth_type is 'RBAC' (表6-40)")
        return self


_API_FIELDS = frozenset(MicroserviceEngineArgs.model_fields) - LOCAL_FIELDS


class MicroserviceEngineProvider(RestProvider[MicroserviceEngineArgs]):
    args_model = MicroserviceEngineArgs
    noun = "microservice engine"
    service = "cse"
    collection_path = "/v2/{project_id}/enginemgr/engines"
    id_fields = ("engine_id",)
    list_key = "data"
    replace_on = _API_FIELDS
    replace_deletes_first = True
    delete_is_asynchronous = True
    write_only = frozenset({"auth_cred"})
    secret_fields = ("auth_cred",)
    secret_paths = ("auth_cred",)
    computed = (
        "status",
        "version",
        "service_center_address",
        "config_center_address",
        "create_time",
    )

    def create_body(self, args: MicroserviceEngineArgs) -> dict[str, Any]:
        body = super().create_body(args)
        body.pop("enterpriseProjectId", None)
        return body

    def send_create(self, args: MicroserviceEngineArgs) -> Created:
        headers = _enterprise_project(args.enterprise_project_id)
        answer = self.client().post(self.collection(args), self.create_body(args), headers=headers)
        engine_id = str((answer or {}).get("id") or "")
        if not engine_id:
            return super().send_create(args)  # its error names what the answer lacked
        return Created(self.ref_for_new(args, engine_id), _job_handle(engine_id, answer))

    def send_delete(self, ref: ObjectRef, state: Mapping[str, Any] | None) -> str | None:
        answer = self.client().delete(self.item_path(ref))
        return _job_handle(ref.parts["engine_id"], answer)

    def wait_for_job(
        self, job_id: str, description: str, args: ResourceArgs, operation: str
    ) -> None:
        engine_id, _, job = job_id.rpartition("/")
        clients = _runtime.clients()
        jobs = EngineJobs(
            clients.settings.project_id, engine_id, vanishes_when_done=operation == "delete"
        )
        JobWaiter(clients.cse, jobs).wait(
            job, description=description, timeout=args.timeout(operation)
        )

    def running_job(self, ref: ObjectRef, server: Mapping[str, Any]) -> str | None:
        status = str(server.get("status") or "")
        if _BUSY_STATUS.fullmatch(status.lower()):
            return _job_handle(ref.parts["engine_id"], {"jobId": server.get("latestJobId")})
        return None

    def failure_of(self, server: Mapping[str, Any]) -> str | None:
        status = str(server.get("status") or "")
        return f"is {status}" if status.lower().endswith("failed") else None

    def adoption_conflicts(
        self, ref: ObjectRef, args: MicroserviceEngineArgs, server: Mapping[str, Any]
    ) -> list[str]:
        # No argument can change on an existing engine: every difference is a conflict.
        wanted = self.wanted_inputs(args)
        current = self.server_inputs(server, wanted, ref)
        return [
            f"{field} is {current.get(field)!r}, the arguments say {wanted[field]!r}"
            for field in sorted(wanted)
            if field not in self.write_only
            and comparable(current.get(field)) != comparable(wanted[field])
        ]

    def server_inputs(
        self, server: Mapping[str, Any], known: Mapping[str, Any], ref: ObjectRef
    ) -> dict[str, Any]:
        # The detail shows the network and zones under `reference` (表6-48).
        reference = server.get("reference")
        shown = {**server, **(reference if isinstance(reference, dict) else {})}
        return super().server_inputs(shown, known, ref)

    def computed_outputs(self, server: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "status": server.get("status"),
            "version": server.get("version"),
            "service_center_address": component_address(server, "serviceCenter"),
            "config_center_address": component_address(server, "kie"),
            "create_time": server.get("createTime"),
        }


def _enterprise_project(enterprise_project_id: str | None) -> dict[str, str] | None:
    return {ENTERPRISE_PROJECT_HEADER: enterprise_project_id} if enterprise_project_id else None


def _job_handle(engine_id: str, answer: Any) -> str | None:
    job_id = answer.get("jobId") if isinstance(answer, dict) else None
    return f"{engine_id}/{job_id}" if job_id not in (None, "") else None


class MicroserviceEngine(
    MicroserviceEngineTyping, RestResource, module="servicestage", name="MicroserviceEngine"
):
    """A CSE exclusive microservice engine: the service registry and configuration center that
    ServiceComb and Spring Cloud components register with.

    Its id is the engine's id (``engine_id``). Every argument forces a replacement (§6.3 has no
    modify); ``auth_cred`` is secret.
    """

    provider_class: ClassVar[Any] = MicroserviceEngineProvider

    engine_id: pulumi.Output[str]
    """The engine's ID the service assigned (表6-41 `id`), also the resource's id."""
    status: pulumi.Output[str]
    """The engine's status as the detail shows it (表6-46), e.g. `Available` once created."""
    version: pulumi.Output[str | None]
    """The engine's current version (表6-46)."""
    service_center_address: pulumi.Output[str | None]
    """The in-VPC main address of the engine's service registry (表6-53 `serviceCenter`,
    表6-54 `masterEndpoint`): what the `Microservice` resources and components register with."""
    config_center_address: pulumi.Output[str | None]
    """The in-VPC main address of the engine's configuration center (表6-53 `kie`, 表6-54
    `masterEndpoint`): where `ConfigItem`s are kept."""
    create_time: pulumi.Output[int | None]
    """When the engine was created (表6-46), in milliseconds since the epoch in the examples."""


class EngineFlavor(LookupResult):
    flavor: str
    description: str | None = None


class MicroserviceEngineInfo(LookupResult):
    id: str
    name: str
    flavor: str | None = None
    status: str | None = None
    auth_type: str | None = Field(default=None, alias="authType")
    spec_type: str | None = Field(default=None, alias="specType")
    version: str | None = None
    description: str | None = None
    enterprise_project_id: str | None = Field(default=None, alias="enterpriseProjectId")
    create_time: int | None = Field(default=None, alias="createTime")
    latest_job_id: int | None = Field(default=None, alias="latestJobId")


def get_engine_flavors(*, spec_type: str = "CSE2") -> list[EngineFlavor]:
    """The engine flavors the region offers for `spec_type` (`CSE2`: 2.x engines; §6.3.1)."""
    path = project_path("/v2/{project_id}/enginemgr/flavors")
    answer = program_clients().cse.get(path, params={"specType": spec_type}) or {}
    return [EngineFlavor.from_api(item) for item in answer.get("data") or []]


def get_engine_flavors_output(
    *, spec_type: pulumi.Input[str] = "CSE2"
) -> pulumi.Output[list[EngineFlavor]]:
    """`get_engine_flavors`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_engine_flavors, spec_type=spec_type)


def get_microservice_engines(*, name: str | None = None) -> list[MicroserviceEngineInfo]:
    """The project's exclusive engines (§6.3.2), optionally only the one called `name`."""
    path = project_path(MicroserviceEngineProvider.collection_path)
    found = program_clients().cse.paginate(path, "data", params={"type": "CSE"})
    engines = (MicroserviceEngineInfo.from_api(item) for item in found)
    return [engine for engine in engines if name in (None, engine.name)]


def get_microservice_engines_output(
    *, name: pulumi.Input[str] | None = None
) -> pulumi.Output[list[MicroserviceEngineInfo]]:
    """`get_microservice_engines`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_microservice_engines, name=name)


def get_microservice_engine(*, name: str) -> MicroserviceEngineInfo:
    """The engine called `name`; an error when there is none."""
    return the_one(get_microservice_engines(name=name), f"microservice engine named {name!r}")


def get_microservice_engine_output(
    *, name: pulumi.Input[str]
) -> pulumi.Output[MicroserviceEngineInfo]:
    """`get_microservice_engine`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_microservice_engine, name=name)
