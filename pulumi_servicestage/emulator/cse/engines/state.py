"""One project's engines, the jobs that create and delete them, and the jobs planned to fail or
hang, with how the API shows them."""

from __future__ import annotations

import ipaddress
import itertools
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from ..access import EngineAccess
from .schemas import FLAVORS_BY_NAME, EngineOperation, EngineRequest, Flavor, PlannedOutcome

#: Where an engine's own APIs are served, under the emulator's address (see `cse`).
ENGINE_PATH = "/_engines/{project_id}/{engine_id}"
# The version a new engine runs, which is the latest (表6-46 example: 2.3.1 of 2.3.3).
_VERSIONS = {"CSE": "1.3.0", "CSE2": "2.3.3"}
# 表6-30 example: an on-demand engine is due at the end of 2099.
_ON_DEMAND_DUE_TO_MS = 4102415999000


class EngineStatus(str, Enum):
    """The values of ``status`` the emulator reaches (CSE's current detail page lists them with
    Unavailable, Upgrading, Modifying and their failures, which no operation here leads to)."""

    CREATING = "Creating"
    AVAILABLE = "Available"
    CREATE_FAILED = "CreateFailed"
    DELETING = "Deleting"
    DELETE_FAILED = "DeleteFailed"


# Created: its addresses and nodes exist. Serving: they answer. Deletable: 表11-2
# SVCSTG.00501117 asks to wait for "available, unavailable, create failed and the like".
_CREATED = frozenset({EngineStatus.AVAILABLE, EngineStatus.DELETING, EngineStatus.DELETE_FAILED})
_SERVING = frozenset({EngineStatus.AVAILABLE, EngineStatus.DELETE_FAILED})
_DELETABLE = frozenset(
    {EngineStatus.AVAILABLE, EngineStatus.CREATE_FAILED, EngineStatus.DELETE_FAILED}
)


class JobStatus(str, Enum):
    """表6-64 ``status``, also a stage's and a task's. Timeout never happens: a job planned to
    hang stays Executing."""

    INIT = "Init"
    EXECUTING = "Executing"
    ERROR = "Error"
    FINISHED = "Finished"


@dataclass(frozen=True)
class Stage:
    """A processing stage of a job (表6-65 TaskSteps) and the one task it runs (表6-67)."""

    name: str
    description: str
    task_name: str
    task_description: str


# Named after 表6-64's example (resourcePrepare, TenantTaskExecutor).
STAGES: dict[EngineOperation, tuple[Stage, ...]] = {
    EngineOperation.CREATE: (
        Stage("resourcePrepare", "资源准备", "TenantTaskExecutor", "租户处理"),
        Stage("engineDeploy", "引擎部署", "EngineDeployTaskExecutor", "部署引擎"),
        Stage("engineCheck", "引擎检查", "HealthCheckTaskExecutor", "健康检查"),
    ),
    EngineOperation.DELETE: (
        Stage("resourcePrepare", "资源准备", "TenantTaskExecutor", "租户处理"),
        Stage("engineUndeploy", "引擎卸载", "EngineUndeployTaskExecutor", "卸载引擎"),
        Stage("resourceRelease", "资源释放", "ResourceReleaseTaskExecutor", "释放资源"),
    ),
}
# The stage that does the work: a planned failure or hang stops there.
WORKING_STAGE = 1
DEFAULT_FAILURE_MESSAGES = {
    EngineOperation.CREATE: "engine deploy failed: the engine nodes did not become ready",
    EngineOperation.DELETE: "engine undeploy failed: the engine resources could not be released",
}


@dataclass(frozen=True)
class PlannedJob:
    """A coming create or delete job that is to fail (with `message` in its log) or hang."""

    operation: EngineOperation
    outcome: PlannedOutcome
    message: str
    engine_name: str | None = None

    def applies_to(self, operation: EngineOperation, engine_name: str) -> bool:
        return operation is self.operation and self.engine_name in (None, engine_name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation.value,
            "outcome": self.outcome.value,
            "message": self.message,
            "engine_name": self.engine_name,
        }


@dataclass
class EngineJob:
    """A create or delete job. Its stages share its duration in equal slots, one after the
    other; its state at any instant follows from its start and its plan."""

    id: int
    engine_id: str
    engine_name: str
    operation: EngineOperation
    create_user: str
    started_at: float
    duration: float
    #: One task id per stage.
    task_ids: tuple[int, ...]
    #: None for a job that succeeds.
    plan: PlannedJob | None

    @property
    def stages(self) -> tuple[Stage, ...]:
        return STAGES[self.operation]

    @property
    def ends_at(self) -> float | None:
        """When the job ends; None for one that hangs."""
        if self.plan is None:
            return self.started_at + self.duration
        if self.plan.outcome is PlannedOutcome.HANG:
            return None
        return self._slot_end(WORKING_STAGE)

    @property
    def failed(self) -> bool:
        """Whether the job ends in Error (once it ends)."""
        return self.plan is not None and self.plan.outcome is PlannedOutcome.FAILED

    def status(self, now: float) -> JobStatus:
        ends_at = self.ends_at
        if ends_at is None or now < ends_at:
            return JobStatus.EXECUTING
        return JobStatus.ERROR if self.failed else JobStatus.FINISHED

    def to_dict(self, now: float) -> dict[str, Any]:
        status = self.status(now)
        ends_at = self.ends_at
        return {
            "id": self.id,
            "engineId": self.engine_id,
            "type": self.operation.job_type,
            "description": "",
            "status": status.value,
            "scheduling": int(status is JobStatus.EXECUTING),
            "createUser": self.create_user,
            "startTime": _ms(self.started_at),
            "endTime": 0 if status is JobStatus.EXECUTING or ends_at is None else _ms(ends_at),
            "context": "",
            "tasks": [self._stage_dict(index, now) for index in range(len(self.stages))],
        }

    def _slot_start(self, index: int) -> float:
        return self.started_at + self.duration * index / len(self.stages)

    def _slot_end(self, index: int) -> float:
        return self._slot_start(index + 1)

    def _stage_state(self, index: int, now: float) -> tuple[JobStatus, float | None, float | None]:
        """The stage's status, and when it started and ended (None: not yet)."""
        start, end = self._slot_start(index), self._slot_end(index)
        stops_here = self.plan is not None and index == WORKING_STAGE
        if (self.plan is not None and index > WORKING_STAGE) or now < start:
            return JobStatus.INIT, None, None
        if now < end or (stops_here and not self.failed):
            return JobStatus.EXECUTING, start, None
        return (JobStatus.ERROR if stops_here else JobStatus.FINISHED), start, end

    def _stage_dict(self, index: int, now: float) -> dict[str, Any]:
        stage = self.stages[index]
        status, started, ended = self._stage_state(index, now)
        slot_ms = _ms(self.duration / len(self.stages))
        task = {
            "jobId": self.id,
            "id": self.task_ids[index],
            "type": self.operation.job_type,
            "assigned": "",
            "taskName": stage.task_name,
            "engineName": self.engine_name,
            "taskOrder": 0,
            "status": status.value,
            "startTime": _ms_or_zero(started),
            "endTime": _ms_or_zero(ended),
            "createTime": _ms(self.started_at),
            "updateTime": _ms(next(t for t in (ended, started, self.started_at) if t is not None)),
            "timeout": -1,
            "log": self.plan.message if self.plan and status is JobStatus.ERROR else "",
            "output": "{}",
            "taskExecutorBrief": {"duration": slot_ms, "description": stage.task_description},
        }
        return {
            "taskName": stage.name,
            "taskNames": [stage.task_name],
            "status": status.value,
            "startTime": _ms_or_zero(started),
            "endTime": _ms_or_zero(ended),
            "taskExecutorBrief": {"duration": slot_ms, "description": stage.description},
            "tasks": [task],
        }


@dataclass
class Engine:
    """An exclusive engine; `jobs` holds every job it has run, `pending` the one not yet
    applied to its status."""

    id: str
    project_id: str
    region: str
    request: EngineRequest
    enterprise_project_id: str
    enterprise_project_name: str
    create_user: str
    created_at: float
    cce_spec_id: int
    cluster_id: str
    #: One node (virtual machine) per availability zone.
    node_ids: tuple[str, ...]
    status: EngineStatus = EngineStatus.CREATING
    jobs: dict[int, EngineJob] = field(default_factory=dict)
    pending: EngineJob | None = None

    @property
    def name(self) -> str:
        return self.request.name

    @property
    def latest_job_id(self) -> int:
        return max(self.jobs)

    @property
    def deletable(self) -> bool:
        return self.status in _DELETABLE

    @property
    def flavor(self) -> Flavor:
        return FLAVORS_BY_NAME[self.request.flavor]

    def access(self) -> EngineAccess:
        rbac = self.request.rbac_enabled
        cred = self.request.auth_cred
        return EngineAccess(
            engine_id=self.id,
            serving=self.status in _SERVING,
            rbac_enabled=rbac,
            admin_password=cred.pwd if rbac and cred is not None else None,
        )

    def summary(self, base_url: str) -> dict[str, Any]:
        """The engine as the list shows it (表6-30 EngineInfo)."""
        limit = self.flavor.instance_limit
        external = self._external_entrypoint(base_url)
        return {
            **self._identity(),
            "status": self.status.value,
            "externalAddress": external["externalAddress"],
            "serviceEndpoint": external["serviceEndpoint"],
            "publicAddress": external["publicAddress"],
            "publicServiceEndpoint": external["publicServiceEndpoint"],
            "totalInstance": limit,
            "usedInstance": 0,
            "availableInstance": limit,
            **self._versions(),
            "createTime": _ms(self.created_at),
            "dueTo": _ON_DEMAND_DUE_TO_MS,
            **self._latest(),
            "specType": self.request.spec_type,
            "reference": self._reference(),
        }

    def detail(self, base_url: str) -> dict[str, Any]:
        """The engine as its detail shows it (表6-46)."""
        external = self._external_entrypoint(base_url)
        return {
            **self._identity(),
            "projectId": self.project_id,
            "beDefault": False,
            "authConfig": self._auth_config(),
            "status": self.status.value,
            "cceSpec": self._cce_spec(),
            "externalEntrypoint": external,
            "publicAddress": external["publicAddress"],
            **self._versions(),
            "createTime": _ms(self.created_at),
            "createUser": self.create_user,
            **self._latest(),
            "specType": self.request.spec_type,
            "reference": self._reference(),
            "vmIds": list(self.node_ids) if self.status in _CREATED else [],
        }

    def _identity(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "enterpriseProjectId": self.enterprise_project_id,
            "enterpriseProjectName": self.enterprise_project_name,
            "type": "CSE",
            "description": self.request.description or "",
            "flavor": self.request.flavor,
            "payment": self.request.payment,
            "authType": self.request.auth_type,
        }

    def _versions(self) -> dict[str, str]:
        version = _VERSIONS[self.request.spec_type]
        return {"version": version, "latestVersion": version}

    def _latest(self) -> dict[str, Any]:
        return {
            "latestJobId": self.latest_job_id,
            "engineAdditionalActions": ["Delete"] if self.deletable else [],
        }

    def _auth_config(self) -> dict[str, bool]:
        config = self.request.auth_config
        if config is None:
            # Left out, security authentication is on for both (表6-39) when RBAC is chosen.
            enabled = self.request.auth_type == "RBAC"
            return {"consoleAuthEnabled": enabled, "sdkAuthEnabled": enabled}
        return {
            "consoleAuthEnabled": config.console_auth_enabled,
            "sdkAuthEnabled": config.sdk_auth_enabled,
        }

    def _external_entrypoint(self, base_url: str) -> dict[str, Any]:
        """表6-52: the engine's addresses, once it is created; public ones with an EIP."""
        created = self.status in _CREATED
        public = created and self.request.public_ip_id is not None
        host = urlsplit(base_url).hostname or ""
        address = base_url + ENGINE_PATH.format(project_id=self.project_id, engine_id=self.id)
        return {
            "externalAddress": host if created else "",
            "publicAddress": host if public else "",
            "serviceEndpoint": _endpoints(address if created else ""),
            "publicServiceEndpoint": _endpoints(address if public else ""),
        }

    def _reference(self) -> dict[str, Any]:
        request = self.request
        limit = self.flavor.instance_limit
        return {
            "vpc": request.vpc,
            "vpcId": request.vpc_id,
            "azList": list(request.availability_zones),
            "networkId": request.network_id,
            "subnetCidr": request.subnet_cidr,
            "subnetCidrV6": "",
            "subnetGateway": _host(request.subnet_cidr, 0),
            "publicIpId": request.public_ip_id,
            "serviceLimit": limit,
            "instanceLimit": limit,
            "inputs": dict(request.inputs or {}),
        }

    def _cce_spec(self) -> dict[str, Any]:
        """表6-49: the CCE cluster the engine runs on, with its nodes once created."""
        zones = self.request.availability_zones
        nodes = [
            {
                "id": node_id,
                "az": zone,
                "ip": _host(self.request.subnet_cidr, 1 + index),
                "label": "",
                "status": "Active",
            }
            for index, (node_id, zone) in enumerate(zip(self.node_ids, zones, strict=True))
        ]
        return {
            "id": self.cce_spec_id,
            "engineId": self.id,
            "specType": "CCE",
            "cluster": None,
            "clusterId": self.cluster_id,
            "clusterNodes": {"clusterNodes": nodes if self.status in _CREATED else []},
            "flavor": None,
            "region": self.region,
            "version": "",
            "extendParam": "",
        }


def _endpoints(address: str) -> dict[str, Any]:
    """表6-53 Endpoint: the service center's and the configuration center's (kie) entry points,
    both at the engine's address."""

    def entry() -> dict[str, str]:
        return {
            "masterEntrypoint": address,
            "masterEntrypointIpv6": "",
            "slaveEntrypoint": "",
            "slaveEntrypointIpv6": "",
            "type": "REGISTRY",
        }

    return {"serviceCenter": entry(), "kie": entry()}


def _host(subnet_cidr: str, index: int) -> str:
    """The subnet's host address at `index` (0: its gateway); "" when there is none."""
    try:
        network = ipaddress.ip_network(subnet_cidr, strict=False)
    except ValueError:
        return ""
    return str(next(itertools.islice(network.hosts(), index, None), ""))


def _ms(epoch_seconds: float) -> int:
    return round(epoch_seconds * 1000)


def _ms_or_zero(epoch_seconds: float | None) -> int:
    return 0 if epoch_seconds is None else _ms(epoch_seconds)
