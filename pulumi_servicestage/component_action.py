"""Component tasks: start, stop, restart, scale or roll back a component, and steer its gray
releases (PDF 004 §4.3.8 and the newer English page,
``POST /v3/{project_id}/cas/applications/{application_id}/components/{component_id}/action``).

The service answers a task with a job, which is waited on. A `ComponentAction` stands for "this
task was run on that component": it runs the task when it is created and again whenever one of
its arguments changes, and deleting it leaves the component as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal
from urllib.parse import quote

import pulumi
from pulumi.dynamic import (
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError
from typing_extensions import Self

from . import _runtime
from ._common import ResourceId
from ._lifecycle import (
    DEFAULT_TIMEOUTS,
    RestResource,
    ServiceStageProvider,
    Timeouts,
    may_differ,
    parse_arguments,
    post_once,
)
from ._resource_types import ComponentActionTyping, ComponentRefreshTyping
from .client.errors import NotFoundError, ServiceStageError
from .client.http import ApiClient
from .component_spec import ComponentVersion
from .jobs import DeployJobs, Job, JobWaiter

COMPONENT_PATH = "/v3/{project_id}/cas/applications/{application_id}/components/{component_id}"

ActionName = Literal[
    "start",
    "stop",
    "restart",
    "scale",
    "rollback",
    "rollback_current",
    "continue_deploy",
    "check_gray_release",
    "modify_gray_rule",
    "sync_workload",
    "sync_import",
]

# The parameters each task takes (table 4-262), and whether it needs them. Tasks missing here take
# none: the reference documents parameters only for scaling and rolling back to a version.
_PARAMETERS_TAKEN: dict[str, dict[str, bool]] = {
    # hosts are "mandatory when scaling a component deployed on virtual machines"; whether the
    # component is one is known only to the service.
    "scale": {"replica": True, "hosts": False},
    "rollback": {"version": True},
}


class ActionParameters(BaseModel):
    """`parameters` of a task (table 4-262, the SDK's ComponentActionParameters).

    Source: PDF 004 §4.3.8, 表4-262.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    # A component runs at least one instance; stop is the task that takes it to none.
    replica: int | None = Field(default=None, ge=1)
    """Number of instances to scale the component to; mandatory for `scale`, and taken by no
    other task. At least 1: `stop` is the task that takes a component to no instances."""
    version: ComponentVersion | None = None
    """Version to roll back to (the SDK: "rollback to specified version"); mandatory for
    `rollback`, and taken by no other task. A component version: at most 32 characters,
    matching `^([0-9]+)(.[0-9]+){2,3}$`."""
    hosts: list[ResourceId] | None = Field(default=None, min_length=1)
    """IDs of the hosts to scale onto: mandatory when scaling a component deployed on virtual
    machines; taken by `scale` only, and at least one when given. Whether the component runs
    on virtual machines only the service knows, so it is not checked before the task is sent."""


class ComponentActionArgs(BaseModel):
    """The arguments of a `ComponentAction`.

    Source: PDF 004 §4.3.8, 表4-259 (path parameters) and 表4-261 (request body);
    servicestage-component-action.md (the actions the newer English page adds).
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    application_id: ResourceId
    """ID of the application the component belongs to (path parameter). Changing it runs the
    task on the other component (the resource is replaced)."""
    component_id: ResourceId
    """ID of the component to run the task on (path parameter). Changing it runs the task on
    that other component (the resource is replaced)."""
    action: ActionName
    """Task type: `start`, `stop`, `restart`, `scale`, `rollback` (to `parameters.version`),
    `continue_deploy` (continue a deployment), `check_gray_release` (check the gray release
    rules) or `modify_gray_rule` (modify them); the newer English page adds `rollback_current`
    (roll back to the previous version), `sync_workload` and `sync_import`, whose descriptions
    its stored copy cuts off. Changing it runs the task again."""
    parameters: ActionParameters | None = None
    """Task parameters (表4-262): `scale` takes `replica` (mandatory) and `hosts`, `rollback`
    takes `version` (mandatory), and the other tasks take none; a parameter a task does not take
    is an error. Changing them runs the task again."""
    triggers: list[Any] | None = None
    """Package option, not an API field: any values, never sent; a change of them runs the task
    again although `action` and `parameters` are unchanged."""
    timeouts: Timeouts | None = None
    """Package option, not an API field: seconds to wait for the task's job, `create` for the
    first run and `update` for later ones (1,200 each when unset); a job still running then fails
    the deployment. `delete` is not used: deleting the resource sends nothing."""

    @model_validator(mode="after")
    def _parameters_fit_the_action(self) -> Self:
        given = self.parameters or ActionParameters()
        taken = _PARAMETERS_TAKEN.get(self.action, {})
        errors: list[InitErrorDetails] = []
        for name in ActionParameters.model_fields:
            value = getattr(given, name)
            path = f"parameters.{name}"
            if name not in taken and value is not None:
                users = " or ".join(
                    repr(action) for action, names in _PARAMETERS_TAKEN.items() if name in names
                )
                message = f"{path} can be set only when action is {users}"
            elif taken.get(name) and value is None:
                message = f"{path} is required when action is {self.action!r}"
            else:
                continue
            errors.append(
                InitErrorDetails(
                    type=PydanticCustomError("action_parameters", message),
                    loc=("parameters", name),
                    input=value,
                )
            )
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    def request_body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", include={"action", "parameters"}, exclude_none=True)

    def timeout(self, operation: Literal["create", "update"]) -> float:
        chosen = getattr(self.timeouts, operation, None) if self.timeouts else None
        return float(chosen or getattr(DEFAULT_TIMEOUTS, operation))


# Arguments whose change is a different component: the task is run on the new one.
_REPLACED_ON = frozenset({"application_id", "component_id"})
# Arguments that only steer the provider: changing them does not run the task again.
_LOCAL = frozenset({"timeouts"})
_COMPUTED = ("job_id", "job_status")


def _run_again_on_change(
    model: type[BaseModel], olds: Mapping[str, Any], news: Mapping[str, Any]
) -> DiffResult:
    """A task resource's diff: any change of an argument but the local ones runs it again, on
    another component when the component changed."""
    changed = [
        name
        for name in model.model_fields
        if name not in _LOCAL and may_differ(olds.get(name), news.get(name))
    ]
    return DiffResult(
        changes=bool(changed),
        replaces=[name for name in changed if name in _REPLACED_ON],
        delete_before_replace=False,
    )


def run_component_action(
    application_id: str,
    component_id: str,
    body: Mapping[str, Any],
    *,
    description: str,
    timeout: float,
) -> Job:
    """Send a component task and wait for its job; raises `JobFailedError`/`JobTimeoutError`.

    `description` says what the task does, for error messages ("scale component 'web' to 3").
    A task whose answer was lost is not sent twice: the component's last job tells whether it
    started (a task always starts a job, §4.3.8), and that job is waited for.
    """
    clients = _runtime.clients()
    project_id = clients.settings.project_id
    component_path = COMPONENT_PATH.format(
        project_id=quote(project_id, safe=""),
        application_id=quote(application_id, safe=""),
        component_id=quote(component_id, safe=""),
    )
    client = clients.servicestage
    before = _last_job_id(client, component_path)

    def started() -> bool:
        return _last_job_id(client, component_path) != before

    answer = post_once(lambda: client.post(f"{component_path}/action", dict(body)), started)
    job_id = answer.get("job_id") if isinstance(answer, dict) else None
    if answer is None:
        job_id = _last_job_id(client, component_path)
    if not job_id:
        raise ServiceStageError(
            f"the service accepted the task ({description}) but named no job to follow "
            f"(answer keys: {', '.join(sorted(answer)) if isinstance(answer, dict) else '-'})"
        )
    waiter = JobWaiter(client, DeployJobs(project_id))
    return waiter.wait(str(job_id), description=description, timeout=timeout)


def _refuse_import(props: dict[str, Any], what: str) -> None:
    """A read with no recorded state (`pulumi import`, `.get`) has nothing to read: a task run
    is not an object the service keeps."""
    if not any(name in props for name in ("application_id", "component_id")):
        raise ServiceStageError(
            f"{what} is not an object the service keeps, so it cannot be imported or read by "
            "id; declare it in the program, and it runs on the next `pulumi up`"
        )


def _last_job_id(client: ApiClient, component_path: str) -> str | None:
    status = (client.get(component_path) or {}).get("status") or {}
    job_id = status.get("last_job_id") if isinstance(status, dict) else None
    return str(job_id) if job_id else None


class ComponentActionProvider(ServiceStageProvider):
    """Runs a component task on create and update; delete and a vanished job change nothing."""

    args_model = ComponentActionArgs

    @classmethod
    def output_only_fields(cls) -> tuple[str, ...]:
        return _COMPUTED

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return _run_again_on_change(ComponentActionArgs, olds, news)

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = _parse(props)
        job = self._run(args, "create")
        # The first run's job names the resource; `job_id` follows the latest run.
        return CreateResult(job.job_id, _outputs(args, job.job_id, job.status))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args = _parse(news)
        job = self._run(args, "update")
        return UpdateResult(_outputs(args, job.job_id, job.status))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh the job's status; a task that has run stays run, even once its job is purged."""
        _refuse_import(props, "a component task run")
        inputs = {name: props[name] for name in ComponentActionArgs.model_fields if name in props}
        outs = {**props}
        job_id = props.get("job_id")
        if job_id:
            clients = _runtime.clients()
            jobs = DeployJobs(clients.settings.project_id)
            try:
                answer = clients.servicestage.get(jobs.path(str(job_id)))
            except NotFoundError:
                answer = None
            if isinstance(answer, dict):
                outs["job_status"] = jobs.read(str(job_id), answer).status
        return ReadResult(id_, outs, inputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to undo: a task has no inverse the service could run (see `ComponentAction`)."""

    def _run(self, args: ComponentActionArgs, operation: Literal["create", "update"]) -> Job:
        parameters = args.parameters.model_dump(exclude_none=True) if args.parameters else {}
        shown = ", ".join(f"{key}={value}" for key, value in parameters.items())
        description = f"{args.action} component {args.component_id}" + (
            f" ({shown})" if shown else ""
        )
        return run_component_action(
            args.application_id,
            args.component_id,
            args.request_body(),
            description=description,
            timeout=args.timeout(operation),
        )


def _parse(props: Mapping[str, Any]) -> ComponentActionArgs:
    return parse_arguments(ComponentActionArgs, props, "component action")


def _outputs(args: ComponentActionArgs, job_id: str, job_status: str) -> dict[str, Any]:
    return {
        **args.model_dump(mode="json", exclude_none=True),
        "job_id": job_id,
        "job_status": job_status,
    }


class ComponentAction(
    ComponentActionTyping, RestResource, module="servicestage", name="ComponentAction"
):
    """A task run on a component: start, stop, restart, scale, rollback, rollback_current,
    continue_deploy, check_gray_release, modify_gray_rule, sync_workload or sync_import.

    The task runs when the resource is created, and runs again on every update: a change of
    `action`, `parameters` or `triggers` (a change of `application_id` or `component_id` runs it on
    the other component). `scale` needs ``parameters.replica`` (and ``parameters.hosts`` for a
    component deployed on virtual machines), `rollback` needs ``parameters.version``; the other
    tasks take no parameters. The wait for the task's job is bounded by ``timeouts.create`` and
    ``timeouts.update`` (20 minutes by default); a job that fails fails the deployment.

    Deleting the resource does nothing to the component: a stop is not followed by a start, nor a
    scale by a scale back, because the state before the task is not the provider's to restore.

    The id is the job id of the first run; ``job_id`` and ``job_status`` describe the latest one.
    """

    provider_class: ClassVar[Any] = ComponentActionProvider

    job_id: pulumi.Output[str]
    """ID of the job of the latest run, as the task's answer names it (表4-263 `job_id`), or
    the component's `status.last_job_id` when that answer was lost; the resource's id is the
    first run's job."""
    job_status: pulumi.Output[str]
    """Execution status of that job (表4-368 `execution_status`, upper case): SUBMITTED,
    SCHEDULED, RUNNING, FAILED, SUCCEEDED, CANCELLED, PARTIALLY_FAILED, ROLLBACKING, ROLLBACKED
    or UNKNOWN. A run fails the deployment unless its job succeeds, so after a run it is
    SUCCEEDED; a refresh reads it again while the service still has the job."""


# -- refreshing a component (§4.3.10) ----------------------------------------------------------


class ComponentRefreshArgs(BaseModel):
    """The arguments of a `ComponentRefresh`.

    Source: PDF 004 §4.3.10, 表4-271 (path parameters).
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    application_id: ResourceId
    """ID of the application the component belongs to (path parameter). Changing it refreshes
    the other component (the resource is replaced)."""
    component_id: ResourceId
    """ID of the component whose status and access information the service refreshes (path
    parameter of ``PUT .../components/{component_id}/refresh``, which takes no body and answers
    `message` "OK", 表4-273). Changing it refreshes that other component (the resource is
    replaced)."""
    triggers: list[Any] | None = None
    """Package option, not an API field: any values, never sent; a change of them refreshes the
    component again."""


class ComponentRefreshProvider(ServiceStageProvider):
    """Asks the service to refresh a component's status and access information (§4.3.10,
    ``PUT .../components/{component_id}/refresh``, no body, answered ``{"message": "OK"}``) on
    create and on every change of `triggers`; delete leaves the component as it is."""

    args_model = ComponentRefreshArgs

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return _run_again_on_change(ComponentRefreshArgs, olds, news)

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = parse_arguments(ComponentRefreshArgs, props, "component refresh")
        _refresh(args)
        outputs = args.model_dump(mode="json", exclude_none=True)
        return CreateResult(f"{args.application_id}/{args.component_id}", outputs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args = parse_arguments(ComponentRefreshArgs, news, "component refresh")
        _refresh(args)
        return UpdateResult(args.model_dump(mode="json", exclude_none=True))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """A refresh that was done stays done; once its component is gone, so is it."""
        _refuse_import(props, "a component refresh")
        inputs = {name: props[name] for name in ComponentRefreshArgs.model_fields if name in props}
        application_id, _, component_id = id_.partition("/")
        clients = _runtime.clients()
        path = COMPONENT_PATH.format(
            project_id=quote(clients.settings.project_id, safe=""),
            application_id=quote(application_id, safe=""),
            component_id=quote(component_id, safe=""),
        )
        try:
            clients.servicestage.get(path)
        except NotFoundError:
            return ReadResult(None, {})
        return ReadResult(id_, dict(props), inputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to undo: a refresh changes nothing the user declared."""


def _refresh(args: ComponentRefreshArgs) -> None:
    clients = _runtime.clients()
    path = COMPONENT_PATH.format(
        project_id=quote(clients.settings.project_id, safe=""),
        application_id=quote(args.application_id, safe=""),
        component_id=quote(args.component_id, safe=""),
    )
    # A PUT without a body, idempotent: the client may send it again after a lost answer.
    clients.servicestage.put(f"{path}/refresh", None)


class ComponentRefresh(
    ComponentRefreshTyping, RestResource, module="servicestage", name="ComponentRefresh"
):
    """Refreshes a component's status and access information (§4.3.10): when the resource is
    created, and again whenever ``triggers`` change. Deleting it does nothing to the component.

    The id is ``<application_id>/<component_id>``.
    """

    provider_class: ClassVar[Any] = ComponentRefreshProvider
