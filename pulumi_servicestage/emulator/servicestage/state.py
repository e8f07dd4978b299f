"""The objects of ServiceStage's core in one project, and how the API shows them: environments,
applications and their configurations, components with their release records, and the runtime
stacks of the catalogue."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from pydantic import BaseModel

from ..jobs import ExecutionStatus, JobOperation, iso_millis
from .schemas import (
    SOURCE_CREDENTIALS,
    TEMPLATE_CREDENTIALS,
    ComponentSpec,
    ConfigurationVariable,
    ManagedResource,
    ResourceLabel,
    answered_spellings,
)


class ComponentStatus(str, Enum):
    """`status.component_status` values (API reference §4.3.3, table 4-171)."""

    INITIALIZING = "INITIALIZING"
    UPGRADING = "UPGRADING"
    FAILED = "FAILED"
    RUNNING = "RUNNING"
    DOWN = "DOWN"
    DELETING = "DELETING"
    DELETED = "DELETED"
    RESERVED = "RESERVED"
    STARTING = "STARTING"
    STOPPING = "STOPPING"
    STOPPED = "STOPPED"
    RESTARTING = "RESTARTING"
    PENDING = "PENDING"
    UNKNOWN = "UNKNOWN"
    PARTIALLY_FAILED = "PARTIALLY_FAILED"


# While a job works on a component, the component shows what the job is doing and refuses others.
STATUS_WHILE_JOB_RUNS = {
    JobOperation.CREATE_COMPONENT: ComponentStatus.INITIALIZING,
    JobOperation.IMPORT_COMPONENT: ComponentStatus.INITIALIZING,
    JobOperation.MODIFY_COMPONENT: ComponentStatus.UPGRADING,
    JobOperation.DELETE_COMPONENT: ComponentStatus.DELETING,
    JobOperation.START_COMPONENT: ComponentStatus.STARTING,
    JobOperation.STOP_COMPONENT: ComponentStatus.STOPPING,
    JobOperation.RESTART_COMPONENT: ComponentStatus.RESTARTING,
    # The status enum has no state of its own for these; they all change the running workload.
    JobOperation.SCALE_COMPONENT: ComponentStatus.UPGRADING,
    JobOperation.ROLLBACK_COMPONENT: ComponentStatus.UPGRADING,
    JobOperation.CONTINUE_DEPLOY: ComponentStatus.UPGRADING,
    JobOperation.CHECK_GRAY_RELEASE: ComponentStatus.UPGRADING,
    JobOperation.MODIFY_GRAY_RULE: ComponentStatus.UPGRADING,
    JobOperation.SYNC_WORKLOAD: ComponentStatus.UPGRADING,
    JobOperation.SYNC_IMPORT: ComponentStatus.UPGRADING,
}
# Deploy types of a release (§4.3.9, table 4-268); a component without a strategy deploys at once.
ONE_BATCH_RELEASE, GRAY_RELEASE = "OneBatchRelease", "GrayRelease"
# Record statuses are those of jobs: a release under way is RUNNING.
_RECORD_OPEN = ExecutionStatus.RUNNING.value
# Jobs that belong to a paused gray release and leave it open when they succeed.
_GRAY_RELEASE_STEPS = frozenset({JobOperation.CHECK_GRAY_RELEASE, JobOperation.MODIFY_GRAY_RULE})


def _labels_to_dict(labels: Iterable[BaseModel]) -> list[dict[str, Any]]:
    return [label.model_dump() for label in labels]


# The status of a released stack, the only kind new components may use (§4.4.1, table 4-283).
RUNTIME_STACK_SUPPORTED = "Supported"


class CatalogueStack(Protocol):
    """A runtime stack of the project's catalogue (§4.4.1): built in, or custom (§4.4.3).

    Custom stacks live in their own area (`.runtime_stacks`) and join the catalogue through
    `ServiceStageBackend.add_runtime_stack_source`, so that components can run on them.
    """

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def deploy_mode(self) -> str: ...
    @property
    def status(self) -> str: ...

    def to_dict(self, *, project_id: str, component_count: int) -> dict[str, Any]: ...


@dataclass
class RuntimeStack:
    """A built-in technology stack that components can run on (§4.4.1)."""

    id: str
    name: str
    type: str
    version: str
    deploy_mode: str
    sdk: str
    image: str | None

    @property
    def status(self) -> str:
        return RUNTIME_STACK_SUPPORTED

    def to_dict(self, *, project_id: str, component_count: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "project_id": project_id,
            "deploy_mode": self.deploy_mode,
            "type": self.type,
            "version": self.version,
            "spec": {
                "os": "Linux",
                "sdk": self.sdk,
                "parameters": {"image": self.image} if self.image else None,
            },
            "system": 1,
            "status": self.status,
            "create_time": _BUILT_IN_STACKS_CREATED,
            "update_time": _BUILT_IN_STACKS_CREATED,
            "component_count": component_count,
        }


_BUILT_IN_STACKS_CREATED = 1722416061588
# (name, type, deploy mode, version, SDK, base image). The OpenJDK entries are the reference's
# examples (§4.3.1, §4.3.5, §4.4.1); the others follow the same pattern.
_BUILT_IN_STACKS = (
    ("OpenJDK8", "Java", "container", "1.2.0", "OpenJDK-1.8.0_412", "openjdk:8-jre"),
    ("OpenJDK8", "Java", "virtualmachine", "1.2.0", "OpenJDK-1.8.0_412", None),
    ("OpenJDK8", "Java", "virtualmachine", "1.1.1", "OpenJDK-1.8.0_372", None),
    ("OpenJDK11", "Java", "container", "1.3.7", "OpenJDK-11.0.23", "openjdk:11-jre"),
    ("OpenJDK11", "Java", "virtualmachine", "1.3.7", "OpenJDK-11.0.23", None),
    ("OpenJDK17", "Java", "container", "1.3.7", "OpenJDK-17.0.11", "openjdk:17-jre"),
    ("Tomcat8", "Tomcat", "container", "1.2.0", "Tomcat-8.5.100", "tomcat:8.5-jre8"),
    ("Tomcat8", "Tomcat", "virtualmachine", "1.2.0", "Tomcat-8.5.100", None),
    ("Nodejs16", "Nodejs", "container", "1.2.0", "Node.js-16.20.2", "node:16"),
    ("Nodejs16", "Nodejs", "virtualmachine", "1.2.0", "Node.js-16.20.2", None),
    ("Python3", "Python", "container", "1.1.0", "Python-3.9.19", "python:3.9"),
    ("Php7", "Php", "container", "1.0.0", "PHP-7.4.33", "php:7.4-apache"),
    ("Docker", "Docker", "container", "1.0.0", "Docker", None),
)


def built_in_runtime_stacks(project_id: str) -> list[RuntimeStack]:
    return [
        RuntimeStack(
            id=str(
                uuid.uuid5(uuid.NAMESPACE_URL, f"servicestage:{project_id}:{name}:{mode}:{version}")
            ),
            name=name,
            type=stack_type,
            version=version,
            deploy_mode=mode,
            sdk=sdk,
            image=image,
        )
        for name, stack_type, mode, version, sdk, image in _BUILT_IN_STACKS
    ]


@dataclass
class Environment:
    id: str
    project_id: str
    name: str
    description: str
    enterprise_project_id: str
    vpc_id: str
    deploy_mode: str
    labels: list[ResourceLabel]
    creator: str
    create_time: int
    update_time: int
    sequence: int
    resources: list[ManagedResource] = field(default_factory=list)

    def to_dict(self, *, with_resources: bool = False) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "project_id": self.project_id,
            "enterprise_project_id": self.enterprise_project_id,
            "deploy_mode": self.deploy_mode,
            "vpc_id": self.vpc_id,
            "creator": self.creator,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "labels": _labels_to_dict(self.labels),
        }
        if with_resources:
            shown["resources"] = [resource.to_dict() for resource in self.resources]
        return shown


@dataclass
class ApplicationConfiguration:
    """An application's environment variables for one environment (§4.2.6)."""

    application_id: str
    environment_id: str
    env: list[ConfigurationVariable]

    def to_dict(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "environment_id": self.environment_id,
            "configuration": {"env": [variable.model_dump() for variable in self.env]},
        }


@dataclass
class Application:
    id: str
    project_id: str
    name: str
    description: str
    enterprise_project_id: str
    labels: list[ResourceLabel]
    creator: str
    create_time: int
    update_time: int
    sequence: int
    components: dict[str, Component] = field(default_factory=dict)
    configurations: dict[str, ApplicationConfiguration] = field(default_factory=dict)

    def to_dict(self, *, with_component_count: bool = True) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "creator": self.creator,
            "project_id": self.project_id,
            "enterprise_project_id": self.enterprise_project_id,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "labels": _labels_to_dict(self.labels),
        }
        if with_component_count:
            shown["component_count"] = len(self.components)
        return shown


@dataclass(frozen=True)
class ImportedWorkload:
    """Where an imported component's workload runs in CCE."""

    cluster_id: str
    namespace: str
    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name} of cluster {self.cluster_id}"


@dataclass
class DeployRecord:
    """One release of a component's configuration (§4.3.9): its deploy, import, upgrade or
    rollback, and the jobs that carried it out (a gray release needs more than one).

    Times are epoch milliseconds; `end_time` stays None while the release is under way, which
    for a gray upgrade lasts until continue_deploy or a rollback ends it.
    """

    component_id: str
    spec: ComponentSpec
    deploy_type: str
    begin_time: int
    sequence: int
    job_ids: list[str]
    status: str = _RECORD_OPEN
    end_time: int | None = None
    current_used: bool = True

    # What the list's order_by values (create_time, name, update_time) sort records by.
    @property
    def name(self) -> str:
        return self.spec.version

    @property
    def create_time(self) -> int:
        return self.begin_time

    @property
    def update_time(self) -> int:
        return self.begin_time if self.end_time is None else self.end_time

    def job_ended(self, operation: JobOperation, status: ExecutionStatus, ended_at: int) -> None:
        """Close the release, unless the job leaves a gray release waiting for the user."""
        waits = operation in _GRAY_RELEASE_STEPS or (
            operation is JobOperation.MODIFY_COMPONENT and self.deploy_type == GRAY_RELEASE
        )
        if status is not ExecutionStatus.SUCCEEDED or not waits:
            self.close(status.value, ended_at)

    def close(self, status: str, at: int) -> None:
        self.status = status
        self.end_time = at

    def to_dict(self) -> dict[str, Any]:
        plan = _release_plan(self.spec, self.deploy_type)
        return {
            "begin_time": iso_millis(self.begin_time / 1000),
            "end_time": None if self.end_time is None else iso_millis(self.end_time / 1000),
            "description": None,
            "instance_id": self.component_id,
            "version": self.spec.version,
            "current_used": self.current_used,
            "status": self.status,
            "deploy_type": self.deploy_type,
            "jobs": [
                {
                    "sequence": index,
                    "deploy_type": self.deploy_type,
                    "job_id": job_id,
                    "job_info": plan,
                }
                for index, job_id in enumerate(self.job_ids, start=1)
            ],
        }


def hide_credentials(shown: dict[str, Any]) -> dict[str, Any]:
    """`shown` (a component as the API shows it) without the credentials of its sources: the
    main one, each container's, and the template package's. The documents do not say the
    service echoes them, so it is taken not to (README: the local emulator)."""
    sources = [shown.get("source")]
    sources += [
        container.get("source")
        for container in shown.get("multi_containers") or []
        if isinstance(container, dict)
    ]
    for source in sources:
        if isinstance(source, dict):
            for key in SOURCE_CREDENTIALS:
                source.pop(key, None)
    template = shown.get("template_source")
    if isinstance(template, dict):
        for key in TEMPLATE_CREDENTIALS:
            template.pop(key, None)
    return shown


# The variables the service adds to a component's `envs`, in the order 004 §8.3's example shows
# them: these before the component's own variables, `_VARIABLES_AFTER` after them.
_VARIABLES_BEFORE = (
    "PAAS_PROJECT_ID",
    "CAS_APP_ID",
    "PAAS_CLUSTER_ID",
    "CAS_APPLICATION_ID",
    "CAS_INSTANCE_VERSION",
    "CAS_COMPONENT_ID",
    "CAS_INSTANCE_NAME",
    "CAS_COMPONENT_NAME",
    "PAAS_NAMESPACE",
    "PAAS_APP_NAME",
    "PAAS_PROJECT_NAME",
    "CAS_INSTANCE_ID",
    "CAS_ENVIRONMENT_NAME",
    "AOM_DISCOVERY_RULE_VERSION",
    "CAS_ENVIRONMENT_ID",
)
_VARIABLES_AFTER = ("PAAS_REGION_NAME", "CAS_APPLICATION_NAME")
SERVICE_VARIABLES = frozenset((*_VARIABLES_BEFORE, *_VARIABLES_AFTER))
# 004 §4.3.7's example: a component that names no workload kind is a Deployment.
DEFAULT_WORKLOAD_KIND = "deployment"


def _release_plan(spec: ComponentSpec, deploy_type: str) -> dict[str, Any]:
    """A record's `job_info` (table 4-270): how the release spreads over batches."""
    source = spec.source.model_dump()
    plan: dict[str, Any] = {
        "deploy_type": deploy_type,
        "source_url": source.get("url") or source.get("repo_url"),
        "replica": spec.instances,
        "first_batch_weight": None,
        "first_batch_replica": spec.instances,
        "remaining_batch": 0,
    }
    strategy = spec.deploy_strategy
    if deploy_type == GRAY_RELEASE and strategy and strategy.gray_release:
        gray = strategy.gray_release
        plan["first_batch_weight"] = gray.first_batch_weight
        plan["first_batch_replica"] = gray.first_batch_replica
        plan["remaining_batch"] = gray.remaining_batch
    elif deploy_type == "RollingRelease" and strategy and strategy.rolling_release:
        batches = strategy.rolling_release.batches
        plan["first_batch_replica"] = -(-spec.instances // batches)
        plan["remaining_batch"] = batches - 1
    return plan


@dataclass
class Component:
    id: str
    application: Application
    #: None for a component created without environment_id (004 表4-123 makes it optional).
    environment: Environment | None
    stack: CatalogueStack
    spec: ComponentSpec
    creator: str
    create_time: int
    update_time: int
    sequence: int
    status: ComponentStatus
    last_job_id: str = ""
    available_replica: int = 0
    fail_detail: str | None = None
    records: list[DeployRecord] = field(default_factory=list)
    #: The CCE workload the component was made from by an import (§4.3.2), if it was.
    workload: ImportedWorkload | None = None
    #: The project's name (its region), which the service shows in the component's variables.
    project_name: str = ""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def job_running(self) -> bool:
        return self.status in STATUS_WHILE_JOB_RUNS.values()

    @property
    def paused_release(self) -> DeployRecord | None:
        """The gray release whose first batch is out and that waits for the user's next step."""
        latest = self.records[-1] if self.records else None
        if latest is None or latest.end_time is not None or self.job_running:
            return None
        return latest

    def record_of_job(self, job_id: str) -> DeployRecord | None:
        return next((record for record in self.records if job_id in record.job_ids), None)

    @property
    def workload_name(self) -> str:
        """The workload the component runs as (表4-226): the imported one, or the instance name
        the service makes of the component's and environment's names and a suffix (004 §8.3:
        component etst1 in environment test_arm runs as etst1-test-arm-5xdhrd)."""
        if self.workload is not None:
            return self.workload.name
        parts = [self.name, *([self.environment.name] if self.environment else [])]
        suffix = self.id.replace("-", "")[:6]
        return "-".join([*parts, suffix]).lower().replace("_", "-")

    def to_dict(self) -> dict[str, Any]:
        """The full component, as `GET .../components/{component_id}` shows it (§4.3.7, 表4-226):
        what was sent, without credentials and without external_accesses (neither 表4-226 nor
        the SDK's ShowComponentInfoResponse has it; the list operations show it), with the
        workload kind and the service's variables filled in as 004's examples show."""
        shown = answered_spellings(hide_credentials(self.spec.to_dict()))
        shown.pop("external_accesses", None)
        return {
            **shown,
            "id": self.id,
            "description": self.spec.description or "",
            "labels": _labels_to_dict(self.spec.labels or []),
            "workload_kind": self.spec.workload_kind or DEFAULT_WORKLOAD_KIND,
            "workload_name": self.workload_name,
            "envs": self._envs(shown.get("envs") or []),
            "environment_id": self.environment.id if self.environment else None,
            "application_id": self.application.id,
            "status": self._status_dict(),
        }

    def _envs(self, own: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The component's variables between those the service adds (004 §8.3's example); a
        variable of the service's that a modify sent back (as read) is the service's."""
        values = self._service_variables()

        def service(names: tuple[str, ...]) -> list[dict[str, Any]]:
            return [{"name": name, "inner": False, "value": values[name]} for name in names]

        mine = [variable for variable in own if variable.get("name") not in SERVICE_VARIABLES]
        return [*service(_VARIABLES_BEFORE), *mine, *service(_VARIABLES_AFTER)]

    def _service_variables(self) -> dict[str, str]:
        cluster = next(
            (item for item in self.spec.refer_resources or [] if item.type == "cce"), None
        )
        namespace = ""
        if self.workload is not None:
            namespace = self.workload.namespace
        elif cluster is not None:
            namespace = (cluster.parameters and cluster.parameters.namespace) or "default"
        environment = self.environment
        return {
            "PAAS_PROJECT_ID": self.application.project_id,
            "CAS_APP_ID": self.id,
            "PAAS_CLUSTER_ID": cluster.id if cluster is not None else "",
            "CAS_APPLICATION_ID": self.application.id,
            "CAS_INSTANCE_VERSION": self.spec.version,
            # The example's component id differs from its instance id (the component_id the
            # create answered): the service's own component, derived here from the instance.
            "CAS_COMPONENT_ID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"servicestage:{self.id}")),
            "CAS_INSTANCE_NAME": self.workload_name,
            "CAS_COMPONENT_NAME": self.name,
            "PAAS_NAMESPACE": namespace,
            "PAAS_APP_NAME": self.name,
            "PAAS_PROJECT_NAME": self.project_name,
            "CAS_INSTANCE_ID": self.id,
            "CAS_ENVIRONMENT_NAME": environment.name if environment else "",
            "AOM_DISCOVERY_RULE_VERSION": "V1",
            "CAS_ENVIRONMENT_ID": environment.id if environment else "",
            "PAAS_REGION_NAME": self.project_name,
            "CAS_APPLICATION_NAME": self.application.name,
        }

    def to_summary(self) -> dict[str, Any]:
        """A component as the list operations show it (§4.3.3, §4.3.4)."""
        return {
            "id": self.id,
            "name": self.name,
            "labels": _labels_to_dict(self.spec.labels or []),
            "status": self._status_dict(),
            "runtime_stack": self.spec.runtime_stack.model_dump(),
            "application_name": self.application.name,
            "application_id": self.application.id,
            "environment_name": self.environment.name if self.environment else None,
            "environment_id": self.environment.id if self.environment else None,
            "version": self.spec.version,
            "source": hide_credentials(
                {"source": self.spec.source.model_dump(mode="json", exclude_unset=True)}
            )["source"],
            "creator": self.creator,
            "platform_type": "cce" if self.stack.deploy_mode == "container" else "ecs",
            "external_accesses": (
                [access.model_dump(exclude_unset=True) for access in self.spec.external_accesses]
                if self.spec.external_accesses is not None
                else None
            ),
        }

    def _status_dict(self) -> dict[str, Any]:
        source = self.spec.source
        artifact = {"type": source.kind, "url": source.url} if source.kind != "code" else None
        return {
            "component_status": self.status.value,
            "available_replica": self.available_replica,
            "replica": self.spec.replica,
            "fail_detail": self.fail_detail,
            "last_job_id": self.last_job_id,
            "creator": self.creator,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "artifact": artifact,
        }
