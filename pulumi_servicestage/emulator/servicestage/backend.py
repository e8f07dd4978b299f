"""ServiceStage's business rules for one project: the core operations on environments,
applications, components and their tasks, how deploy jobs change components, and the paging of
list operations."""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import Any, Generic, Protocol, TypeVar

from ..errors import (
    APPLICATION_NOT_EMPTY,
    APPLICATION_NOT_FOUND,
    CANNOT_OPERATE_IN_CURRENT_STATUS,
    COMPONENT_ACTION_NOT_DEFINED,
    COMPONENT_IN_RELEASING,
    COMPONENT_NOT_FOUND,
    ENVIRONMENT_IN_USE,
    ENVIRONMENT_NAME_USED,
    ENVIRONMENT_NOT_FOUND,
    NAME_EXISTS,
    PARAMETER_INVALID,
    RUNTIME_NOT_SUPPORTED,
)
from ..jobs import ExecutionStatus, JobBackend, JobOperation
from .schemas import (
    NAME_FIXED,
    REFER_RESOURCES_TO_CREATE,
    REPLICA_BY_SCALING,
    RUNTIME_STACK_FIXED,
    SCALE_HOSTS,
    ActionParameters,
    ComponentImport,
    ComponentSpec,
    ConfigurationVariable,
    ManagedResource,
    ResourceLabel,
    RuntimeStackRef,
    Source,
)
from .state import (
    ONE_BATCH_RELEASE,
    RUNTIME_STACK_SUPPORTED,
    STATUS_WHILE_JOB_RUNS,
    Application,
    ApplicationConfiguration,
    CatalogueStack,
    Component,
    ComponentStatus,
    DeployRecord,
    Environment,
    ImportedWorkload,
    built_in_runtime_stacks,
)

DEFAULT_ENTERPRISE_PROJECT_ID = "0"
# The reference gives no default environment type; "mixed" accepts components of either kind.
DEFAULT_DEPLOY_MODE = "mixed"
# Compute resources of the other kind of environment (PDF 004 §12.1.2.6, table 12-37: ecs and as
# for virtual machines, cce for containers).
_FOREIGN_COMPUTE_TYPES = {
    "container": frozenset({"ecs", "as"}),
    "virtualmachine": frozenset({"cce"}),
}
# A gray release abandoned midway ends as ROLLBACKED.
_ROLLED_BACK = ExecutionStatus.ROLLBACKED.value
_FAIL_DETAILS = {
    JobOperation.CREATE_COMPONENT: "create_failed",
    JobOperation.IMPORT_COMPONENT: "create_failed",
    JobOperation.DELETE_COMPONENT: "delete_failed",
}


class ComponentActionType(str, Enum):
    """Component tasks (§4.3.8 table 4-261 and the SDK's ComponentActionType; the newer English
    page adds rollback_current, sync_workload and sync_import)."""

    START = "start"
    STOP = "stop"
    RESTART = "restart"
    SCALE = "scale"
    ROLLBACK = "rollback"
    ROLLBACK_CURRENT = "rollback_current"
    CONTINUE_DEPLOY = "continue_deploy"
    CHECK_GRAY_RELEASE = "check_gray_release"
    MODIFY_GRAY_RULE = "modify_gray_rule"
    SYNC_WORKLOAD = "sync_workload"
    SYNC_IMPORT = "sync_import"


@dataclass(frozen=True)
class _ActionRule:
    """How the emulator runs one kind of component task."""

    operation: JobOperation
    #: The component statuses the task may start from.
    starts_from: frozenset[ComponentStatus]
    #: Whether the task steers a gray release that waits for the user (and needs one).
    steers_gray_release: bool = False


_UP = frozenset({ComponentStatus.RUNNING, ComponentStatus.FAILED})
_AT_REST = frozenset({ComponentStatus.RUNNING, ComponentStatus.STOPPED, ComponentStatus.FAILED})
_ACTION_RULES = {
    ComponentActionType.START: _ActionRule(
        JobOperation.START_COMPONENT, frozenset({ComponentStatus.STOPPED, ComponentStatus.FAILED})
    ),
    ComponentActionType.STOP: _ActionRule(JobOperation.STOP_COMPONENT, _UP),
    ComponentActionType.RESTART: _ActionRule(JobOperation.RESTART_COMPONENT, _UP),
    ComponentActionType.SCALE: _ActionRule(JobOperation.SCALE_COMPONENT, _UP),
    ComponentActionType.ROLLBACK: _ActionRule(JobOperation.ROLLBACK_COMPONENT, _UP),
    ComponentActionType.ROLLBACK_CURRENT: _ActionRule(JobOperation.ROLLBACK_COMPONENT, _UP),
    ComponentActionType.CONTINUE_DEPLOY: _ActionRule(
        JobOperation.CONTINUE_DEPLOY, frozenset({ComponentStatus.RUNNING}), True
    ),
    ComponentActionType.CHECK_GRAY_RELEASE: _ActionRule(
        JobOperation.CHECK_GRAY_RELEASE, frozenset({ComponentStatus.RUNNING}), True
    ),
    ComponentActionType.MODIFY_GRAY_RULE: _ActionRule(
        JobOperation.MODIFY_GRAY_RULE, frozenset({ComponentStatus.RUNNING}), True
    ),
    ComponentActionType.SYNC_WORKLOAD: _ActionRule(JobOperation.SYNC_WORKLOAD, _AT_REST),
    ComponentActionType.SYNC_IMPORT: _ActionRule(JobOperation.SYNC_IMPORT, _AT_REST),
}
_ROLLBACKS = frozenset({ComponentActionType.ROLLBACK, ComponentActionType.ROLLBACK_CURRENT})


class _Listed(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def create_time(self) -> int: ...
    @property
    def update_time(self) -> int: ...
    @property
    def sequence(self) -> int: ...


_Item = TypeVar("_Item", bound=_Listed)


@dataclass(frozen=True)
class Page(Generic[_Item]):
    """One page of a list and the number of items on all pages."""

    items: list[_Item]
    count: int


_ORDER_KEYS = ("create_time", "name", "update_time")


def page_of(
    items: Iterable[_Item], *, order_by: str, order: str, limit: int | None, offset: int
) -> Page[_Item]:
    """Sort as asked and cut out a page; `limit` None or 0 means all remaining items."""
    # Values outside the documented enums fall back to the defaults, as the reference says. The
    # creation sequence breaks ties between objects created within the same millisecond.
    key = order_by if order_by in _ORDER_KEYS else "create_time"
    ordered = sorted(
        items, key=lambda item: (getattr(item, key), item.sequence), reverse=order != "asc"
    )
    end = None if not limit else offset + limit
    return Page(items=ordered[offset:end], count=len(ordered))


class ServiceStageBackend:
    """ServiceStage in one project. Methods are named after the API operations they serve.

    All methods hold the emulator's state lock, and first apply the effects of every deploy job
    that has ended by now, so what they return is current.
    """

    def __init__(
        self,
        *,
        project_id: str,
        jobs: JobBackend,
        clock: Callable[[], float],
        lock: threading.RLock,
        project_name: str = "",
    ):
        self.project_id = project_id
        #: The project's name, which is its region's (cn-north-4).
        self.project_name = project_name
        self._jobs = jobs
        self._clock = clock
        self._lock = lock
        self._environments: dict[str, Environment] = {}
        self._applications: dict[str, Application] = {}
        self._runtime_stacks = built_in_runtime_stacks(project_id)
        self._runtime_stack_sources: list[Callable[[], Iterable[CatalogueStack]]] = []
        self._sequence = itertools.count()

    def reset(self) -> None:
        """Forget every environment, application and component of the project."""
        with self._lock:
            self._environments.clear()
            self._applications.clear()

    # Environments (§4.1)

    def create_environment(
        self,
        *,
        name: str,
        vpc_id: str,
        creator: str,
        deploy_mode: str | None = None,
        description: str | None = None,
        enterprise_project_id: str | None = None,
        labels: list[ResourceLabel] | None = None,
    ) -> Environment:
        with self.current_state():
            self._check_environment_name_free(name)
            now = self.now_ms()
            environment = Environment(
                id=str(uuid.uuid4()),
                project_id=self.project_id,
                name=name,
                description=description or "",
                enterprise_project_id=enterprise_project_id or DEFAULT_ENTERPRISE_PROJECT_ID,
                vpc_id=vpc_id,
                deploy_mode=deploy_mode or DEFAULT_DEPLOY_MODE,
                labels=labels or [],
                creator=creator,
                create_time=now,
                update_time=now,
                sequence=self.next_sequence(),
            )
            self._environments[environment.id] = environment
            return environment

    def list_environments(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        order_by: str = "create_time",
        order: str = "desc",
        name: str | None = None,
        environment_id: str | None = None,
        enterprise_project_id: str | None = None,
    ) -> Page[Environment]:
        with self.current_state():
            matching = [
                environment
                for environment in self._environments.values()
                if name in (None, environment.name)
                and environment_id in (None, environment.id)
                and enterprise_project_id in (None, environment.enterprise_project_id)
            ]
            return page_of(matching, order_by=order_by, order=order, limit=limit, offset=offset)

    def show_environment(self, environment_id: str) -> Environment:
        with self.current_state():
            return self._environment(environment_id)

    def modify_environment(
        self,
        environment_id: str,
        *,
        name: str,
        description: str | None = None,
        labels: list[ResourceLabel] | None = None,
        vpc_id: str | None = None,
        deploy_mode: str | None = None,
        enterprise_project_id: str | None = None,
    ) -> Environment:
        """Rename or relabel an environment; its VPC, type and enterprise project are fixed."""
        with self.current_state():
            environment = self._environment(environment_id)
            _check_unchanged("vpc_id", vpc_id, environment.vpc_id)
            _check_unchanged("deploy_mode", deploy_mode, environment.deploy_mode)
            _check_unchanged(
                "enterprise_project_id", enterprise_project_id, environment.enterprise_project_id
            )
            self._check_environment_name_free(name, ignoring=environment)
            environment.name = name
            if description is not None:
                environment.description = description
            if labels is not None:
                environment.labels = labels
            environment.update_time = self.now_ms()
            return environment

    def delete_environment(self, environment_id: str) -> None:
        with self.current_state():
            environment = self._environment(environment_id)
            if any(component.environment is environment for component in self._components()):
                raise ENVIRONMENT_IN_USE.error(f"components are deployed in {environment.name}")
            del self._environments[environment_id]
            for application in self._applications.values():
                application.configurations.pop(environment_id, None)

    def show_environment_resources(self, environment_id: str) -> list[ManagedResource]:
        with self.current_state():
            return list(self._environment(environment_id).resources)

    def modify_environment_resources(
        self, environment_id: str, resources: list[ManagedResource]
    ) -> list[ManagedResource]:
        """Make `resources` the environment's whole list of managed resources.

        A resource sent without a name keeps the name the environment knows it by.
        """
        with self.current_state():
            environment = self._environment(environment_id)
            foreign = _FOREIGN_COMPUTE_TYPES.get(environment.deploy_mode, frozenset())
            known_names = {resource.key: resource.name for resource in environment.resources}
            seen: set[tuple[str, str]] = set()
            for index, resource in enumerate(resources):
                if resource.key in seen:
                    raise PARAMETER_INVALID.error(
                        f"resources[{index}]: {resource.type} {resource.id} is listed twice"
                    )
                seen.add(resource.key)
                if resource.type in foreign:
                    raise PARAMETER_INVALID.error(
                        f"resources[{index}].type: {resource.type} resources cannot be managed "
                        f"by the {environment.deploy_mode} environment {environment.name}"
                    )
            environment.resources = [
                resource
                if resource.name is not None
                else resource.model_copy(update={"name": known_names.get(resource.key)})
                for resource in resources
            ]
            environment.update_time = self.now_ms()
            return list(environment.resources)

    # Applications (§4.2)

    def create_application(
        self,
        *,
        name: str,
        creator: str,
        description: str | None = None,
        enterprise_project_id: str | None = None,
        labels: list[ResourceLabel] | None = None,
    ) -> Application:
        with self.current_state():
            self._check_application_name_free(name)
            now = self.now_ms()
            application = Application(
                id=str(uuid.uuid4()),
                project_id=self.project_id,
                name=name,
                description=description or "",
                enterprise_project_id=enterprise_project_id or DEFAULT_ENTERPRISE_PROJECT_ID,
                labels=labels or [],
                creator=creator,
                create_time=now,
                update_time=now,
                sequence=self.next_sequence(),
            )
            self._applications[application.id] = application
            return application

    def list_applications(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        order_by: str = "create_time",
        order: str = "desc",
    ) -> Page[Application]:
        with self.current_state():
            return page_of(
                self._applications.values(),
                order_by=order_by,
                order=order,
                limit=limit,
                offset=offset,
            )

    def show_application(self, application_id: str) -> Application:
        with self.current_state():
            return self._application(application_id)

    def modify_application(
        self,
        application_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        enterprise_project_id: str | None = None,
        labels: list[ResourceLabel] | None = None,
    ) -> Application:
        """Change the fields given; the others keep their values."""
        with self.current_state():
            application = self._application(application_id)
            if name is not None:
                self._check_application_name_free(name, ignoring=application)
                application.name = name
            if description is not None:
                application.description = description
            if enterprise_project_id is not None:
                application.enterprise_project_id = enterprise_project_id
            if labels is not None:
                application.labels = labels
            application.update_time = self.now_ms()
            return application

    def delete_application(self, application_id: str) -> None:
        with self.current_state():
            application = self._application(application_id)
            if application.components:
                names = ", ".join(
                    sorted(component.name for component in application.components.values())
                )
                raise APPLICATION_NOT_EMPTY.error(f"delete its components first: {names}")
            del self._applications[application_id]

    def show_application_configuration(
        self, application_id: str, *, environment_id: str | None = None
    ) -> list[ApplicationConfiguration]:
        with self.current_state():
            configurations = self._application(application_id).configurations
            return [
                configuration
                for configuration in configurations.values()
                if environment_id in (None, configuration.environment_id)
            ]

    def modify_application_configuration(
        self, application_id: str, *, environment_id: str, env: list[ConfigurationVariable]
    ) -> ApplicationConfiguration:
        """Replace the application's variables for one environment."""
        with self.current_state():
            application = self._application(application_id)
            self._environment(environment_id)
            names = [variable.name for variable in env]
            duplicates = sorted({name for name in names if names.count(name) > 1})
            if duplicates:
                raise PARAMETER_INVALID.error(
                    "configuration.env: variable names must be unique, repeated: "
                    + ", ".join(duplicates)
                )
            configuration = ApplicationConfiguration(application.id, environment_id, list(env))
            application.configurations[environment_id] = configuration
            return configuration

    def delete_application_configuration(self, application_id: str, *, environment_id: str) -> None:
        with self.current_state():
            self._application(application_id).configurations.pop(environment_id, None)

    # Components (§4.3)

    def create_component(
        self, application_id: str, spec: ComponentSpec, *, creator: str
    ) -> Component:
        """Create a component and start the job that deploys it; see `Component.last_job_id`.

        `environment_id` is optional (表4-123): a component created without one belongs to no
        environment. It deploys onto the resources its refer_resources name, no environment's
        deploy mode constrains it nor does it keep one in use, and GET shows environment_id
        null (the variables CAS_ENVIRONMENT_ID and CAS_ENVIRONMENT_NAME empty).
        """
        if spec.refer_resources is None:
            raise PARAMETER_INVALID.error(REFER_RESOURCES_TO_CREATE.message())
        with self.current_state():
            application = self._application(application_id)
            environment = (
                self._environment(spec.environment_id) if spec.environment_id is not None else None
            )
            stack = self._runtime_stack(spec.runtime_stack)
            if environment is not None and environment.deploy_mode not in (
                stack.deploy_mode,
                "mixed",
            ):
                raise PARAMETER_INVALID.error(
                    f"runtime_stack.deploy_mode: {stack.deploy_mode} components cannot be deployed "
                    f"in the {environment.deploy_mode} environment {environment.name}"
                )
            self._check_component_name_free(application, spec.name)
            now = self.now_ms()
            component = Component(
                id=str(uuid.uuid4()),
                application=application,
                environment=environment,
                stack=stack,
                spec=spec,
                creator=creator,
                create_time=now,
                update_time=now,
                sequence=self.next_sequence(),
                status=ComponentStatus.INITIALIZING,
                project_name=self.project_name,
            )
            application.components[component.id] = component
            self._start_job(component, JobOperation.CREATE_COMPONENT)
            self._open_record(component)
            return component

    def list_components(
        self,
        *,
        application_id: str | None = None,
        application_name: str | None = None,
        component_name: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        order_by: str = "create_time",
        order: str = "desc",
    ) -> Page[Component]:
        """Components of one application, or of the project filtered by names."""
        with self.current_state():
            components: Iterable[Component] = (
                self._components()
                if application_id is None
                else self._application(application_id).components.values()
            )
            matching = [
                component
                for component in components
                if application_name in (None, component.application.name)
                and component_name in (None, component.name)
            ]
            return page_of(matching, order_by=order_by, order=order, limit=limit, offset=offset)

    def show_component(self, application_id: str, component_id: str) -> Component:
        with self.current_state():
            return self._component(application_id, component_id)

    def find_component(self, component_id: str) -> Component:
        """A component of any application of the project, by its id."""
        with self.current_state():
            for component in self._components():
                if component.id == component_id:
                    return component
            raise COMPONENT_NOT_FOUND.error(component_id)

    def modify_component(self, application_id: str, component_id: str, spec: ComponentSpec) -> str:
        """Replace a component's configuration and start the upgrade job; returns its id.

        The name, runtime stack and instance count cannot change (003 Table 3; the instance count
        only through scaling). The modify tables have no environment_id, so one sent is ignored;
        ``refer_resources`` keeps its value when left out.
        """
        with self.current_state():
            component = self._component(application_id, component_id)
            self._check_no_job_running(component)
            self._check_no_release_paused(component)
            if spec.name != component.name:
                raise PARAMETER_INVALID.error(NAME_FIXED.message())
            if spec.runtime_stack != component.spec.runtime_stack:
                raise PARAMETER_INVALID.error(RUNTIME_STACK_FIXED.message())
            if spec.replica != component.spec.replica:
                raise PARAMETER_INVALID.error(REPLICA_BY_SCALING.message())
            spec = spec.model_copy(update={"environment_id": component.spec.environment_id})
            if spec.refer_resources is None:
                spec = spec.model_copy(update={"refer_resources": component.spec.refer_resources})
            component.spec = spec
            component.status = ComponentStatus.UPGRADING
            component.fail_detail = None
            component.update_time = self.now_ms()
            job_id = self._start_job(component, JobOperation.MODIFY_COMPONENT)
            self._open_record(component)
            return job_id

    def delete_component(self, application_id: str, component_id: str) -> str:
        """Start the job that deletes a component; it disappears when the job succeeds."""
        with self.current_state():
            component = self._component(application_id, component_id)
            self._check_no_job_running(component)
            component.status = ComponentStatus.DELETING
            component.update_time = self.now_ms()
            return self._start_job(component, JobOperation.DELETE_COMPONENT)

    # Component tasks (§4.3.8), release records (§4.3.9) and imports of CCE workloads (§4.3.2)

    def import_component(
        self, application_id: str, request: ComponentImport, *, creator: str
    ) -> Component:
        """Make a component of a workload that runs in CCE, and start the job that takes it over.

        The emulator has no CCE to read the workload from, so the component shows the workload's
        name as its image and one instance (until it is scaled).
        """
        cluster = next((item for item in request.refer_resources if item.type == "cce"), None)
        if cluster is None:
            raise PARAMETER_INVALID.error(
                "refer_resources: the cce cluster the workload runs in is required"
            )
        if (request.runtime_stack.type, request.runtime_stack.deploy_mode) != (
            "Docker",
            "container",
        ):
            raise PARAMETER_INVALID.error(
                "runtime_stack: an imported workload runs on the Docker stack "
                "(type Docker, deploy_mode container)"
            )
        workload = ImportedWorkload(
            cluster_id=cluster.id,
            namespace=(cluster.parameters and cluster.parameters.namespace) or "default",
            kind=request.workload_kind,
            name=request.workload_name,
        )
        with self.current_state():
            application = self._application(application_id)
            environment = self._environment(request.environment_id)
            if environment.deploy_mode == "virtualmachine":
                raise PARAMETER_INVALID.error(
                    f"environment_id: the virtualmachine environment {environment.name} "
                    "cannot hold CCE workloads"
                )
            self._check_component_name_free(application, request.name)
            for other in self._components():
                if other.workload == workload:
                    raise NAME_EXISTS.error(
                        f"the {workload} is already component {other.name} of "
                        f"{other.application.name}"
                    )
            optional = {
                name: getattr(request, name)
                for name in ("labels", "description", "external_accesses")
                if getattr(request, name) is not None
            }
            spec = ComponentSpec(
                name=request.name,
                runtime_stack=request.runtime_stack,
                source=Source.model_validate(
                    {"kind": "image", "storage": "swr", "url": request.workload_name}
                ),
                version=request.version,
                replica=1,
                environment_id=environment.id,
                workload_kind=request.workload_kind,
                refer_resources=request.refer_resources,
                **optional,
            )
            now = self.now_ms()
            component = Component(
                id=str(uuid.uuid4()),
                application=application,
                environment=environment,
                stack=self._docker_stack(),
                spec=spec,
                creator=creator,
                create_time=now,
                update_time=now,
                sequence=self.next_sequence(),
                status=ComponentStatus.INITIALIZING,
                workload=workload,
                project_name=self.project_name,
            )
            application.components[component.id] = component
            self._start_job(component, JobOperation.IMPORT_COMPONENT)
            self._open_record(component)
            return component

    def run_component_action(
        self, application_id: str, component_id: str, action: str, parameters: ActionParameters
    ) -> str:
        """Start a component task and return the id of its job; see `ComponentActionType`.

        A new instance count (scale) or configuration (rollbacks) shows at once, as a modify's
        does. When the job succeeds the component is STOPPED after a stop and RUNNING after any
        other task; a gray upgrade's release stays open until continue_deploy or a rollback.
        """
        try:
            kind = ComponentActionType(action)
        except ValueError:
            defined = ", ".join(item.value for item in ComponentActionType)
            raise COMPONENT_ACTION_NOT_DEFINED.error(
                f"{action!r}; the defined actions are {defined}"
            ) from None
        rule = _ACTION_RULES[kind]
        with self.current_state():
            component = self._component(application_id, component_id)
            self._check_no_job_running(component)
            paused = component.paused_release
            if rule.steers_gray_release and paused is None:
                raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                    f"{kind.value}: no gray release of component {component.name} waits to go on"
                )
            if not rule.steers_gray_release and kind not in _ROLLBACKS:
                self._check_no_release_paused(component)
            if component.status not in rule.starts_from:
                needed = " or ".join(sorted(status.value for status in rule.starts_from))
                raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                    f"{kind.value}: component {component.name} is {component.status.value}, "
                    f"and {kind.value} needs it {needed}"
                )
            replica: int | None = None
            source: DeployRecord | None = None
            if kind is ComponentActionType.SCALE:
                replica = _scaled_replica(component, parameters)
            elif kind in _ROLLBACKS:
                source = _rollback_source(component, kind, parameters)
            elif kind is ComponentActionType.SYNC_WORKLOAD and (
                component.stack.deploy_mode != "container"
            ):
                raise PARAMETER_INVALID.error(
                    f"action: component {component.name} runs on virtual machines, not as a "
                    "CCE workload"
                )
            elif kind is ComponentActionType.SYNC_IMPORT and component.workload is None:
                raise PARAMETER_INVALID.error(
                    f"action: component {component.name} was not imported from CCE"
                )

            if replica is not None:
                component.spec = component.spec.model_copy(update={"replica": replica})
            if source is not None:
                # A rollback restores the release's configuration, not its instance count.
                update = {"replica": component.spec.replica}
                component.spec = source.spec.model_copy(update=update)
            component.fail_detail = None
            component.update_time = self.now_ms()
            job_id = self._start_job(component, rule.operation)
            if source is not None:
                if paused is not None:
                    paused.close(_ROLLED_BACK, self.now_ms())
                self._open_record(component, deploy_type=ONE_BATCH_RELEASE)
            elif paused is not None:
                paused.job_ids.append(job_id)
            return job_id

    def list_component_records(
        self,
        application_id: str,
        component_id: str,
        *,
        limit: int | None = None,
        offset: int = 0,
        order_by: str = "create_time",
        order: str = "desc",
    ) -> Page[DeployRecord]:
        """The releases of a component; `order_by` name sorts them by version."""
        with self.current_state():
            records = self._component(application_id, component_id).records
            return page_of(records, order_by=order_by, order=order, limit=limit, offset=offset)

    # Runtime stacks (§4.4.1) and deploy jobs (§4.6.1)

    def list_runtime_stacks(self) -> list[dict[str, Any]]:
        """Built-in and custom stacks alike, released or not (§4.4.1 lists both kinds)."""
        with self.current_state():
            return [
                stack.to_dict(
                    project_id=self.project_id, component_count=self.count_components_on(stack)
                )
                for stack in self.runtime_stacks()
            ]

    def runtime_stacks(self) -> list[CatalogueStack]:
        """The catalogue: the built-in stacks, then those the other areas add."""
        with self._lock:
            added = [stack for source in self._runtime_stack_sources for stack in source()]
            return [*self._runtime_stacks, *added]

    def add_runtime_stack_source(self, source: Callable[[], Iterable[CatalogueStack]]) -> None:
        """Add the stacks `source` returns (read at each use) to the catalogue."""
        with self._lock:
            self._runtime_stack_sources.append(source)

    def count_components_on(self, stack: CatalogueStack) -> int:
        with self.current_state():
            return sum(component.stack is stack for component in self._components())

    def show_job_info(
        self, job_id: str, *, limit: int | None = None, offset: int = 0, descending: bool = False
    ) -> dict[str, Any]:
        """The job and a page of its tasks, as they stand now."""
        with self.current_state():
            job = self._jobs.show(self.project_id, job_id)
            return job.to_dict(self._clock(), limit=limit, offset=offset, descending=descending)

    # Helpers, shared with the other service areas of the project (`..areas`)

    @contextmanager
    def current_state(self) -> Iterator[None]:
        """Hold the state lock, with the effects of every job that has ended by now applied."""
        with self._lock:
            self._jobs.settle()
            yield

    def _start_job(self, component: Component, operation: JobOperation) -> str:
        job = self._jobs.start(
            project_id=self.project_id,
            operation=operation,
            component_name=component.name,
            deploy_mode=component.stack.deploy_mode,
            on_end=partial(self._finish_job, component, operation),
        )
        component.status = STATUS_WHILE_JOB_RUNS[operation]
        component.last_job_id = job.id
        return job.id

    def _finish_job(
        self,
        component: Component,
        operation: JobOperation,
        status: ExecutionStatus,
        ended_at: float,
    ) -> None:
        component.update_time = int(ended_at * 1000)
        record = component.record_of_job(component.last_job_id)
        if record is not None:
            record.job_ended(operation, status, component.update_time)
        if status is not ExecutionStatus.SUCCEEDED:
            component.status = ComponentStatus.FAILED
            component.fail_detail = _FAIL_DETAILS.get(operation)
            component.available_replica = 0
        elif operation is JobOperation.DELETE_COMPONENT:
            del component.application.components[component.id]
        elif operation is JobOperation.STOP_COMPONENT:
            component.status = ComponentStatus.STOPPED
            component.available_replica = 0
        else:
            component.status = ComponentStatus.RUNNING
            component.available_replica = component.spec.instances

    def _open_record(self, component: Component, *, deploy_type: str | None = None) -> None:
        """Record the release that the component's newly started job carries out."""
        for record in component.records:
            record.current_used = False
        strategy = component.spec.deploy_strategy
        component.records.append(
            DeployRecord(
                component_id=component.id,
                spec=component.spec,
                deploy_type=deploy_type or (strategy.type if strategy else ONE_BATCH_RELEASE),
                begin_time=self.now_ms(),
                sequence=self.next_sequence(),
                job_ids=[component.last_job_id],
            )
        )

    def _check_no_job_running(self, component: Component) -> None:
        if component.job_running:
            raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                f"component {component.name} is {component.status.value}"
                f" (job {component.last_job_id})"
            )

    def _check_no_release_paused(self, component: Component) -> None:
        paused = component.paused_release
        if paused is not None:
            raise COMPONENT_IN_RELEASING.error(
                f"the gray release of component {component.name} to version "
                f"{paused.spec.version} waits for continue_deploy or a rollback"
            )

    def _check_component_name_free(self, application: Application, name: str) -> None:
        taken = {component.name.lower() for component in application.components.values()}
        if name.lower() in taken:
            raise NAME_EXISTS.error(f"component {name} already exists in {application.name}")

    def _check_environment_name_free(
        self, name: str, *, ignoring: Environment | None = None
    ) -> None:
        # Environment names are compared without regard to case (§4.1.1).
        for environment in self._environments.values():
            if environment is not ignoring and environment.name.lower() == name.lower():
                raise ENVIRONMENT_NAME_USED.error(name)

    def _check_application_name_free(
        self, name: str, *, ignoring: Application | None = None
    ) -> None:
        for application in self._applications.values():
            if application is not ignoring and application.name == name:
                raise NAME_EXISTS.error(f"application {name} already exists")

    def _environment(self, environment_id: str) -> Environment:
        environment = self._environments.get(environment_id)
        if environment is None:
            raise ENVIRONMENT_NOT_FOUND.error(environment_id)
        return environment

    def _application(self, application_id: str) -> Application:
        application = self._applications.get(application_id)
        if application is None:
            raise APPLICATION_NOT_FOUND.error(application_id)
        return application

    def _component(self, application_id: str, component_id: str) -> Component:
        component = self._application(application_id).components.get(component_id)
        if component is None:
            raise COMPONENT_NOT_FOUND.error(component_id)
        return component

    def _components(self) -> Iterator[Component]:
        for application in self._applications.values():
            yield from application.components.values()

    def _runtime_stack(self, ref: RuntimeStackRef) -> CatalogueStack:
        wanted = (ref.name, ref.type, ref.version, ref.deploy_mode)
        for stack in self.runtime_stacks():
            if (stack.name, stack.type, stack.version, stack.deploy_mode) == wanted and (
                stack.status == RUNTIME_STACK_SUPPORTED
            ):
                return stack
        raise RUNTIME_NOT_SUPPORTED.error(
            f"{ref.name} {ref.version} ({ref.type}, {ref.deploy_mode}); "
            "GET /v3/{project_id}/cas/runtimestacks lists the stacks, and those with status "
            f"{RUNTIME_STACK_SUPPORTED} can be used"
        )

    def _docker_stack(self) -> CatalogueStack:
        """The stack of imported workloads, whose image already holds everything they run."""
        for stack in self.runtime_stacks():
            if (stack.type, stack.deploy_mode, stack.status) == (
                "Docker",
                "container",
                RUNTIME_STACK_SUPPORTED,
            ):
                return stack
        raise RUNTIME_NOT_SUPPORTED.error("no Docker stack for containers is supported")

    def now_ms(self) -> int:
        return int(self._clock() * 1000)

    def now(self) -> float:
        """The emulator's clock in epoch seconds, unrounded, for timing steps exactly."""
        return self._clock()

    def next_sequence(self) -> int:
        """Creation order across the project's objects; breaks ties between equal timestamps."""
        return next(self._sequence)

    @property
    def jobs(self) -> JobBackend:
        return self._jobs


def _check_unchanged(field_name: str, requested: object | None, current: object) -> None:
    if requested is not None and requested != current:
        raise PARAMETER_INVALID.error(f"{field_name}: cannot be modified")


def _scaled_replica(component: Component, parameters: ActionParameters) -> int:
    if parameters.replica is None:
        raise PARAMETER_INVALID.error("parameters.replica: required to scale")
    if component.stack.deploy_mode == "virtualmachine" and not parameters.hosts:
        raise PARAMETER_INVALID.error(SCALE_HOSTS.message())
    return parameters.replica


def _rollback_source(
    component: Component, kind: ComponentActionType, parameters: ActionParameters
) -> DeployRecord:
    """The earlier successful release a rollback restores, latest first."""
    earlier = [
        record
        for record in reversed(component.records)
        if record.status == ExecutionStatus.SUCCEEDED.value and not record.current_used
    ]
    if kind is ComponentActionType.ROLLBACK_CURRENT:
        if not earlier:
            raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                f"rollback_current: component {component.name} has no earlier successful "
                "release to go back to"
            )
        return earlier[0]
    if parameters.version is None:
        raise PARAMETER_INVALID.error(
            "parameters.version: required to roll back (rollback_current needs none)"
        )
    for record in earlier:
        if record.spec.version == parameters.version:
            return record
    raise PARAMETER_INVALID.error(
        f"parameters.version: component {component.name} has no earlier successful release of "
        f"version {parameters.version}"
    )
