"""ServiceStage release tasks (`/v3/{project_id}/cas/release-plans`, old release management).

A release task deploys components batch by batch: each component carries its release batch
(`seq`) and its full specification (the models of `Component`). Creating the resource creates the
task and, unless `execute` is false, executes it and waits until the task has ended and every
component's job in `deploy-info` has finished. An update edits the task (PUT) and executes it
again the same way; a change of the provider settings alone (`timeouts`, `rollback_on_failure`,
`abort_on_timeout`, `execute` turned off) touches nothing. Deleting the resource deletes the task
(the components it deployed stay), waiting while the service refuses because a release is running.

A release in which a component fails raises an error naming each failed component with its
`fail_message`, and, under `fail_strategy` `stop`, the batch that stopped the release. With
`rollback_on_failure` the task is then rolled back, with `abort_on_timeout` a release still running
when the wait runs out is aborted; both are waited on, within the same timeout again.

A create whose release fails never loses track of the task: when nothing was changed, or the
rollback undid it, the task is deleted again; otherwise it is kept, as the record of what it
released, and the error names it and the components it changed, and says how to take it over
with `adopt_id` (executing it again then upgrades the components it created instead of creating
them twice).

Assumptions where the stored pages are silent:

* The create page (POST .../release-plans) is not stored. Its body is taken to be the edit body
  (name, desc, fail_strategy, components, where the component table is the one GET shows), as
  the get and edit pages show the same task object; the new task's id is read from the answer's
  `id` (the task as GET shows it) or, failing that, from the one task of that name.
* An entry's `component_id` names the component it upgrades; an entry without one makes the
  release create the component in `application_id`, and the task records the new id in the
  entry's `component_id`, which every later edit sends back (the edit page marks it mandatory).
* A release has ended when the task's status is SUCCESS, FAILED, PARTIALLY_FAILED, ABORTED,
  ROLLBACK_SUCCEED or ROLLBACK_FAILED (the list page's enum but CREATED), its execution time has
  changed or it was seen busy since the execute call, and no job in deploy-info is still running.

The lookup `get_release_plans()` is defined here too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import pulumi
from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError
from typing_extensions import Self

from ._common import ResourceId
from ._lifecycle import (
    LOCAL_FIELDS,
    Created,
    ObjectRef,
    ResourceArgs,
    RestProvider,
    RestResource,
    comparable,
    equivalent,
    post_once,
)
from ._lookup import LookupResult, get_one, output_of, project_path
from ._resource_types import ReleasePlanTyping
from .client.errors import APIStatusError, ServiceStageError
from .component import shown_as_declared
from .component_spec import CREDENTIAL_PATHS, SECRET_PATHS, ReleaseComponentSpec
from .jobs import FAILED_STATES, SUCCEEDED, polls

#: Task statuses after a release (list page enum); CREATED is a task not executed since its edit.
RELEASE_ENDED = frozenset(
    {"SUCCESS", "FAILED", "PARTIALLY_FAILED", "ABORTED", "ROLLBACK_SUCCEED", "ROLLBACK_FAILED"}
)
ROLLBACK_SUCCEEDED = "ROLLBACK_SUCCEED"
ROLLBACK_ENDED = frozenset({ROLLBACK_SUCCEEDED, "ROLLBACK_FAILED"})
_JOB_ENDED = FAILED_STATES | {SUCCEEDED}

#: Arguments that steer the provider: they are not part of the task.
RELEASE_SETTINGS = frozenset({"execute", "rollback_on_failure", "abort_on_timeout"})
#: Arguments that make up the task; a change of any of them is an edit.
TASK_FIELDS = ("name", "description", "fail_strategy", "components")

# A release task's component has no template_source (see ReleaseComponentSpec).
RELEASE_SECRET_PATHS = tuple(
    f"components.*.{path}" for path in SECRET_PATHS if not path.startswith("template_source.")
)
RELEASE_CREDENTIAL_PATHS = tuple(
    f"components.*.{path}" for path in CREDENTIAL_PATHS if not path.startswith("template_source.")
)


class ReleaseComponent(ReleaseComponentSpec):
    """A component of a release task: its full specification, its batch and where it goes.

    Source: 000 Table 4; servicestage-release-plan-update.md Table 4 (Mandatory column).
    """

    seq: int = Field(ge=1)
    """Release batch; mandatory, at least 1. Batches are released in ascending order."""
    application_id: ResourceId
    """ID of the application the component belongs to, or is created in. Not a row of 000
    Table 4, but part of each component of its example response; a task lists each component
    (application and name) once."""
    component_id: ResourceId | None = Field(default=None)
    """Application component ID: the component the release upgrades. Left out, the release
    creates the component in `application_id`, and the task records the new ID, which every
    later edit sends back (the edit page marks the field mandatory)."""
    workload_name: str | None = None
    """Workload name; optional (the tables say no more)."""
    create_mode: str | None = Field(default=None)
    """Component creation mode. Left out (the default), the release creates and deploys the
    component; the tables list no values."""


class ReleasePlanArgs(ResourceArgs):
    """The arguments of a `ReleasePlan`: the release task and how to carry out its release.

    Source: 000 Table 3; servicestage-release-plan-update.md Table 3 (edit body).
    """

    name: str = Field(min_length=1)
    """Release task name; mandatory (the tables give no other rule). Changing it edits the task
    and executes it again."""
    description: str | None = None
    """Description of the release task, sent as `desc`. Changing it edits the task and
    executes it again."""
    fail_strategy: Literal["continue", "stop"] | None = Field(default=None)
    """Failure strategy: after a batch in which a component failed, `stop` the release, or
    `continue` with the other batches. Changing it edits the task and executes it again."""
    components: list[ReleaseComponent] = Field(min_length=1)
    """Component list, released batch by batch (`seq`); mandatory, at least one, and each
    component (application and name) once. Changing it edits the task and executes it again
    (000 Table 4)."""
    # The settings default to None, not to their meaning, so that leaving one out and setting
    # it to its default do not differ.
    execute: bool | None = Field(default=None)
    """Package option, not an API field: whether creating or changing the task executes it
    (POST .../execute) and waits until the release has ended, failing unless it released every
    component; true when left out. Turning it off changes nothing on the service; turning it on
    again executes the task."""
    rollback_on_failure: bool | None = Field(default=None)
    """Package option, not an API field: roll the task back (POST .../rollback) when its
    release fails, or was aborted before releasing everything, and wait for the rollback within
    the same timeout; the deployment still fails. Off when left out."""
    abort_on_timeout: bool | None = Field(default=None)
    """Package option, not an API field: abort a release still running when the wait
    (`timeouts.create` or `timeouts.update`) runs out (POST .../abort), and wait for the abort
    within the same timeout again; the deployment fails unless the release turns out complete.
    Off when left out."""

    @property
    def executes(self) -> bool:
        return self.execute is not False

    @model_validator(mode="after")
    def _each_component_once(self) -> Self:
        first_at: dict[tuple[str, str], int] = {}
        errors = []
        for index, component in enumerate(self.components):
            first = first_at.setdefault((component.application_id, component.name), index)
            if first != index:
                errors.append(
                    InitErrorDetails(
                        type=PydanticCustomError(
                            "release_rule",
                            "component {name} of application {application} is already "
                            "components[{first}]: a release task lists each component once",
                            {
                                "name": component.name,
                                "application": component.application_id,
                                "first": first,
                            },
                        ),
                        loc=("components", index, "name"),
                        input=component.name,
                    )
                )
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self


@dataclass(frozen=True)
class ReleaseState:
    """A task (GET) and its components' jobs (deploy-info), read one after the other."""

    plan: Mapping[str, Any]
    #: The deploy-info entries, normalised (see `_deployment`).
    deployments: list[dict[str, Any]]

    @classmethod
    def from_api(cls, plan: Mapping[str, Any], deploy_info: Mapping[str, Any]) -> ReleaseState:
        application_ids: dict[tuple[Any, int | None], str | None] = {}
        for entry in plan.get("components") or []:
            key = (entry.get("name"), _as_int(entry.get("seq")))
            # Two entries of one name in one batch (in two applications) cannot be told apart.
            application_ids[key] = None if key in application_ids else entry.get("application_id")
        deployments = [
            _deployment(raw, application_ids) for raw in deploy_info.get("components") or []
        ]
        return cls(plan, deployments)

    @property
    def status(self) -> str:
        return str(self.plan.get("status") or "UNKNOWN")

    @property
    def title(self) -> str:
        return f"release task {self.plan.get('name')!r} ({self.plan.get('id')})"

    def jobs_running(self) -> list[dict[str, Any]]:
        return [d for d in self.deployments if d["job_id"] and not _job_ended(d["job_status"])]

    def rollbacks_running(self) -> list[dict[str, Any]]:
        return [
            d
            for d in self.deployments
            if d["rollback_job_id"] and not _job_ended(d["rollback_job_status"])
        ]

    def failed(self) -> list[dict[str, Any]]:
        return [d for d in self.deployments if _job_failed(d["job_status"])]

    def not_released(self) -> list[dict[str, Any]]:
        return [d for d in self.deployments if not d["job_id"] and not d["job_status"]]

    def changed(self) -> list[dict[str, Any]]:
        """Components a job of the latest release worked on."""
        return [d for d in self.deployments if d["job_id"]]

    @property
    def released_all(self) -> bool:
        return self.status == "SUCCESS" and all(
            str(d["job_status"] or "").upper() == SUCCEEDED for d in self.deployments
        )

    def server_view(self) -> dict[str, Any]:
        """The task with the argument names of this resource, and `deploy_info`."""
        return {**self.plan, "description": self.plan.get("desc"), "deploy_info": self.deployments}


def _deployment(
    raw: Mapping[str, Any], application_ids: Mapping[tuple[Any, int | None], str | None]
) -> dict[str, Any]:
    seq = _as_int(raw.get("seq"))
    return {
        "name": raw.get("name"),
        "seq": seq,
        "application_id": application_ids.get((raw.get("name"), seq)),
        "component_id": raw.get("id"),
        "version": raw.get("version"),
        "job_id": raw.get("job_id"),
        "job_status": raw.get("job_status"),
        "status": raw.get("status"),
        "fail_message": raw.get("fail_message"),
        "start_time": raw.get("start_time"),
        "end_time": raw.get("end_time"),
        "rollback_job_id": raw.get("rollback_job_id"),
        "rollback_job_status": raw.get("rollback_job_status"),
        "rollback_fail_message": raw.get("rollback_fail_message"),
    }


def _as_int(value: Any) -> int | None:
    # deploy-info documents `seq` as a String, while its example sends a number.
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _job_ended(status: Any) -> bool:
    return str(status or "").upper() in _JOB_ENDED


def _job_failed(status: Any) -> bool:
    return str(status or "").upper() in FAILED_STATES


def _label(deployment: Mapping[str, Any]) -> str:
    return f"{deployment['name']!r} (batch {deployment['seq']})"


def _labels(deployments: list[dict[str, Any]]) -> str:
    return ", ".join(_label(d) for d in deployments)


def failure_text(state: ReleaseState) -> str:
    """Why a release that ended did not release every component: each failed component with
    its job's message, and what the fail strategy left unreleased."""
    failed = state.failed()
    parts = [f"{state.title} ended {state.status}"]
    parts += [
        f"component {_label(d)} failed: {d['fail_message'] or d['job_status']}" for d in failed
    ]
    skipped = state.not_released()
    strategy = state.plan.get("fail_strategy")
    if failed and skipped and strategy == "stop":
        stopped_at = min((d["seq"] for d in failed if d["seq"] is not None), default="?")
        parts.append(
            f"with fail_strategy 'stop', batch {stopped_at} stopped the release; "
            f"not released: {_labels(skipped)}"
        )
    elif skipped:
        parts.append(f"not released: {_labels(skipped)}")
    elif failed and strategy == "continue":
        parts.append("with fail_strategy 'continue', the release went on with the other batches")
    return "; ".join(parts)


def still_running_text(state: ReleaseState, timeout: float, operation: str) -> str:
    """What a release still running after `timeout` seconds is doing, and which timeout of the
    resource (`operation`) waits longer."""
    running = ", ".join(
        f"{_label(d)} (job {d['job_id']}, {d['job_status']})" for d in state.jobs_running()
    )
    waiting = state.not_released()
    return (
        f"{state.title} was still {state.status} after {timeout:g} s"
        + (f"; running: {running}" if running else "")
        + (f"; not released yet: {_labels(waiting)}" if waiting else "")
        + f"; raise this resource's `timeouts.{operation}` to wait longer"
    )


class ReleaseError(ServiceStageError):
    """A release (or the abort or rollback after it) did not release every component."""

    def __init__(self, message: str, state: ReleaseState) -> None:
        self.state = state
        super().__init__(message)


class _StillGoing(Exception):
    def __init__(self, state: ReleaseState) -> None:
        self.state = state


def run_ended(before: ReleaseState) -> Callable[[ReleaseState], bool]:
    """Whether the release that an execute call started after `before` has ended.

    An ended status on its own may still be the previous release's, until the execution time has
    changed or the task was seen busy.
    """
    seen_busy = False

    def ended(state: ReleaseState) -> bool:
        nonlocal seen_busy
        if state.status not in RELEASE_ENDED:
            seen_busy = True
            return False
        started = seen_busy or state.plan.get("execute_time") != before.plan.get("execute_time")
        return started and not state.jobs_running()

    return ended


def abort_ended(state: ReleaseState) -> bool:
    """Whether an abort has ended: the task ended and no job of it still runs."""
    return state.status in RELEASE_ENDED and not state.jobs_running()


def rollback_ended(state: ReleaseState) -> bool:
    """Whether a rollback has ended: the task's rollback ended and no rollback job still runs."""
    return state.status in ROLLBACK_ENDED and not state.rollbacks_running()


class ReleasePlanProvider(RestProvider[ReleasePlanArgs]):
    args_model = ReleasePlanArgs
    noun = "release task"
    collection_path = "/v3/{project_id}/cas/release-plans"
    id_fields = ("release_plan_id",)
    computed = (
        "status",
        "action",
        "creator",
        "create_time",
        "modify_time",
        "execute_time",
        "deploy_info",
    )
    write_only = frozenset(RELEASE_CREDENTIAL_PATHS)
    secret_fields = ("components",)
    secret_paths = RELEASE_SECRET_PATHS

    # -- requests ----------------------------------------------------------------------------------

    def create_body(self, args: ReleasePlanArgs) -> dict[str, Any]:
        return self._request_body(args, known_component_ids={})

    def _request_body(
        self, args: ReleasePlanArgs, *, known_component_ids: Mapping[tuple[str, str], str]
    ) -> dict[str, Any]:
        body = self.request_body(args, exclude=LOCAL_FIELDS | RELEASE_SETTINGS)
        if "description" in body:
            body["desc"] = body.pop("description")
        body["components"] = [
            _with_known_id(component, known_component_ids) for component in body["components"]
        ]
        return body

    def send_create(self, args: ReleasePlanArgs) -> Created:
        answer = self.client().post(self.collection(args), self.create_body(args))
        return Created(ObjectRef({"release_plan_id": self._created_id(answer, args)}))

    def list_objects(self, args: ReleasePlanArgs) -> list[dict[str, Any]]:
        # The list operation takes no paging or filter parameters.
        return list((self.client().get(self.collection(args)) or {}).get("release_plans") or [])

    def matches_create(
        self, server: Mapping[str, Any], args: ReleasePlanArgs, ref: ObjectRef
    ) -> bool:
        # Without labels, the task's own fields tell an unheard create's task from another one
        # of that name.
        return self._task_fields_match(server, args, ref)

    def settle_create(self, created: Created, args: ReleasePlanArgs) -> None:
        if args.executes:
            self._release(created.ref, args, "create")

    def keep_failed_create(
        self, ref: ObjectRef, args: ReleasePlanArgs, failure: ServiceStageError
    ) -> str | None:
        """A task whose failed release changed components is kept as the record of them;
        one that changed nothing, or was rolled back, is deleted."""
        try:
            state = self._state(ref)
        except ServiceStageError as unreadable:
            return (
                f"The release task {ref.resource_id()} is left as it is (its state could not be "
                f"read: {unreadable})"
            )
        if state.changed() and state.status != ROLLBACK_SUCCEEDED:
            return _kept_text(ref, state)
        return None

    def update_applied(
        self, ref: ObjectRef, args: ReleasePlanArgs, server: Mapping[str, Any]
    ) -> bool:
        state = self._state(ref)
        released = not args.executes or state.released_all
        return released and self._task_fields_match(state.server_view(), args, ref)

    def apply_update(
        self,
        ref: ObjectRef,
        args: ReleasePlanArgs,
        server: Mapping[str, Any],
        olds: Mapping[str, Any] | None,
    ) -> None:
        state = self._state(ref)
        if olds is None:
            # Adopting (or judging an update that may have been carried out): by the task.
            edited = not self._task_fields_match(state.server_view(), args, ref)
            release = edited or not state.released_all
        else:
            news = self.wanted_inputs(args)
            edited = any(
                comparable(olds.get(field)) != comparable(news.get(field)) for field in TASK_FIELDS
            )
            release = edited or olds.get("execute") is False
        if edited:
            self._edit(ref, args, state)
        if args.executes and release:
            self._release(ref, args, "create" if olds is None else "update")

    def read_object(self, ref: ObjectRef) -> dict[str, Any]:
        return self._state(ref).server_view()

    def server_inputs(
        self, server: Mapping[str, Any], known: Mapping[str, Any], ref: ObjectRef
    ) -> dict[str, Any]:
        # Each component as the service shows it, in the terms of its entry (what the service
        # adds to a component is not the user's); the projection then drops the fields the
        # service fills in that the entry does not set (000's example: probes, custom_metric,
        # workload_kind, config_mode, ...).
        components = server.get("components")
        if isinstance(components, list):
            server = {**server, "components": _entries_as_declared(components, known)}
        inputs = super().server_inputs(server, known, ref)
        settings = {key: known[key] for key in RELEASE_SETTINGS if key in known}
        return {**inputs, **settings}

    def _task_fields_match(
        self, server: Mapping[str, Any], args: ReleasePlanArgs, ref: ObjectRef
    ) -> bool:
        wanted = self.request_body(args, exclude=LOCAL_FIELDS | RELEASE_SETTINGS)
        current = self.server_inputs(server, wanted, ref)
        return equivalent(current, wanted)

    def _created_id(self, answer: Any, args: ReleasePlanArgs) -> str:
        own_id = answer.get("id") if isinstance(answer, dict) else None
        if own_id:
            return str(own_id)
        # The create page is not stored: should its answer lack the id, the name finds the task.
        named = [
            str(plan.get("id")) for plan in self.list_objects(args) if plan.get("name") == args.name
        ]
        if len(named) == 1:
            return named[0]
        raise ServiceStageError(
            f"the service created release task {args.name!r}, but its answer has no `id` "
            f"and {len(named)} release tasks have that name "
            f"({', '.join(named) or 'none'}): take the new one over by setting adopt_id to its "
            "id"
        )

    def _edit(self, ref: ObjectRef, args: ReleasePlanArgs, state: ReleaseState) -> None:
        # The task records the components its releases created: sending their ids back makes
        # the next release upgrade them rather than create them twice.
        known = {
            (str(entry.get("application_id")), str(entry.get("name"))): str(entry["component_id"])
            for entry in state.plan.get("components") or []
            if entry.get("component_id")
        }
        self.client().put(self.item_path(ref), self._request_body(args, known_component_ids=known))

    def _state(self, ref: ObjectRef) -> ReleaseState:
        client, item = self.client(), self.item_path(ref)
        plan = client.get(item) or {}
        deploy_info = client.get(f"{item}/deploy-info") or {}
        return ReleaseState.from_api(plan, deploy_info)

    # -- releasing ---------------------------------------------------------------------------------

    def _release(self, ref: ObjectRef, args: ReleasePlanArgs, operation: str) -> None:
        """Execute the task and wait for the release; raise ReleaseError unless all is released."""
        timeout = args.timeout(operation)
        before = self._state(ref)
        started = run_ended(before)
        post_once(
            lambda: self.client().post(f"{self.item_path(ref)}/execute"),
            lambda: _release_started(before, self._state(ref)),
        )
        try:
            state = self._wait(ref, started, timeout)
        except _StillGoing as going:
            state = going.state
            message = still_running_text(state, timeout, operation)
            if not args.abort_on_timeout:
                raise ReleaseError(message, state) from None
            state, outcome = self._abort(ref, timeout)
            if state.released_all:
                # The abort stops only later batches: the one running was the last and finished
                # the release (or the release ended before the abort came, which is refused).
                return
            message += outcome
            if not abort_ended(state):
                raise ReleaseError(message, state) from None
        else:
            if state.released_all:
                return
            message = failure_text(state)
        if args.rollback_on_failure:
            state, outcome = self._roll_back(ref, timeout)
            message += outcome
        raise ReleaseError(message, state)

    def _abort(self, ref: ObjectRef, timeout: float) -> tuple[ReleaseState, str]:
        try:
            post_once(
                lambda: self.client().post(f"{self.item_path(ref)}/abort"),
                lambda: self._state(ref).status == "ABORTED",
            )
        except APIStatusError as refused:
            return self._state(ref), f"; the abort was refused: {refused}"
        try:
            state = self._wait(ref, abort_ended, timeout)
        except _StillGoing as going:
            return going.state, (
                f"; it was aborted, but was still {going.state.status} {timeout:g} s later"
            )
        skipped = state.not_released()
        return state, f"; it was aborted and ended {state.status}" + (
            f", not released: {_labels(skipped)}" if skipped else ""
        )

    def _roll_back(self, ref: ObjectRef, timeout: float) -> tuple[ReleaseState, str]:
        try:
            post_once(
                lambda: self.client().post(f"{self.item_path(ref)}/rollback"),
                lambda: (
                    bool(self._state(ref).rollbacks_running())
                    or self._state(ref).status in ROLLBACK_ENDED
                ),
            )
        except APIStatusError as refused:
            return self._state(ref), f"; the rollback was refused: {refused}"
        try:
            state = self._wait(ref, rollback_ended, timeout)
        except _StillGoing as going:
            return going.state, (
                f"; the rollback was still {going.state.status} after {timeout:g} s"
            )
        if state.status == ROLLBACK_SUCCEEDED:
            return state, f"; it was rolled back ({state.status})"
        failures = "; ".join(
            f"{_label(d)}: {d['rollback_fail_message'] or d['rollback_job_status']}"
            for d in state.deployments
            if _job_failed(d["rollback_job_status"])
        )
        return state, f"; the rollback ended {state.status}: {failures}"

    def _wait(
        self, ref: ObjectRef, ended: Callable[[ReleaseState], bool], timeout: float
    ) -> ReleaseState:
        state = None
        for _ in polls(timeout):
            state = self._state(ref)
            if ended(state):
                return state
        assert state is not None, "polls() looks at least once"
        raise _StillGoing(state)


def _release_started(before: ReleaseState, now: ReleaseState) -> bool:
    """Whether an execute call whose answer was lost started a release after `before`."""
    return now.status not in RELEASE_ENDED or now.plan.get("execute_time") != before.plan.get(
        "execute_time"
    )


def _kept_text(ref: ObjectRef, state: ReleaseState) -> str:
    changed = ", ".join(
        f"{d['name']!r} ({_component_ref(d)}, job {d['job_status']})" for d in state.changed()
    )
    return (
        f"The release task {ref.resource_id()} is kept ({state.status}), as the record of the "
        f"components its release changed: {changed}. Executing it again once it is adopted "
        "upgrades the components it created instead of creating them twice; a Component "
        "resource takes one of them over with adopt_id '<application_id>/<component_id>'"
    )


def _entries_as_declared(shown: list[Any], known: Mapping[str, Any]) -> list[Any]:
    """The task's components as `shown_as_declared` puts them, each against the entry in the
    same place of the known `components` (when there are as many; the projection pairs them
    so too)."""
    declared = known.get("components")
    if not isinstance(declared, list) or len(declared) != len(shown):
        declared = [None] * len(shown)
    return [
        shown_as_declared(entry, wanted if isinstance(wanted, Mapping) else {})
        if isinstance(entry, Mapping)
        else entry
        for entry, wanted in zip(shown, declared, strict=True)
    ]


def _with_known_id(
    component: dict[str, Any], known_ids: Mapping[tuple[str, str], str]
) -> dict[str, Any]:
    known_id = known_ids.get((component["application_id"], component["name"]))
    if component.get("component_id") or known_id is None:
        return component
    return {**component, "component_id": known_id}


def _component_ref(deployment: Mapping[str, Any]) -> str:
    return f"{deployment['application_id'] or '?'}/{deployment['component_id'] or '?'}"


class ReleasePlan(ReleasePlanTyping, RestResource, module="servicestage", name="ReleasePlan"):
    """A release task: components released batch by batch, each with its full specification.

    Its id is the task's id (``release_plan_id``).
    """

    provider_class: ClassVar[Any] = ReleasePlanProvider

    release_plan_id: pulumi.Output[str]
    """The release task's ID the service assigned (000 Table 3 `id`), also the resource's id."""
    status: pulumi.Output[str]
    """Release task status (000 Table 3; values from the list page): SUCCESS, CREATED, FAILED,
    PARTIALLY_FAILED, ROLLBACK_FAILED, ROLLBACK_SUCCEED or ABORTED."""
    action: pulumi.Output[str]
    """Release task type (000 Table 3): clone, upgrade or create; the page gives no meanings."""
    creator: pulumi.Output[str]
    """Creator of the release task (000 Table 3)."""
    create_time: pulumi.Output[int]
    """Creation time (000 Table 3), an integer; the page's example gives epoch milliseconds."""
    modify_time: pulumi.Output[int]
    """Update time (000 Table 3), an integer; the page's example gives 0."""
    execute_time: pulumi.Output[int]
    """Execution time of the latest release (000 Table 3), an integer; the page's example gives
    epoch milliseconds."""
    deploy_info: pulumi.Output[list[dict[str, Any]]]
    """Per component, its latest release (001 Table 4, GET .../deploy-info): `name`, `seq`
    (release batch), `application_id` (from the task's entry of that name and batch),
    `component_id` (the table's `id`), `version`, `job_id`, `job_status`, `status` (component
    status), `fail_message`, `start_time` and `end_time`, and the rollback job's
    `rollback_job_id`, `rollback_job_status` and `rollback_fail_message`."""


class ReleasePlanInfo(LookupResult):
    id: str
    name: str
    action: str | None = None
    status: str | None = None
    create_time: int | None = None
    modify_time: int | None = None
    execute_time: int | None = None
    creator: str | None = None


def get_release_plans(*, name: str | None = None) -> list[ReleasePlanInfo]:
    """The project's release tasks, optionally only those called `name`.

    The list operation takes no paging or filter parameters, so the name is matched here.
    """
    answer = get_one(project_path(ReleasePlanProvider.collection_path))
    found = (ReleasePlanInfo.from_api(item) for item in answer.get("release_plans") or [])
    return [plan for plan in found if name in (None, plan.name)]


def get_release_plans_output(
    *, name: pulumi.Input[str] | None = None
) -> pulumi.Output[list[ReleasePlanInfo]]:
    """`get_release_plans`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_release_plans, name=name)
