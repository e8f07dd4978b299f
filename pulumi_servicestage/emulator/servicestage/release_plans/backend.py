"""The rules of release tasks in one project: batches released in order through the core
backend, fail strategies, abort, rollback, and the deploy information of the latest execution."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from pydantic import ValidationError

from ...errors import (
    CANNOT_OPERATE_IN_CURRENT_STATUS,
    COMPONENT_IN_RELEASING,
    PARAMETER_INVALID,
    RELEASE_CANNOT_DELETE,
    RELEASE_NOT_FOUND,
    ApiError,
)
from ...jobs import ExecutionStatus
from ...server import describe_validation_error
from ..backend import ServiceStageBackend
from ..schemas import REFER_RESOURCES_TO_CREATE
from ..state import ComponentStatus
from .schemas import PlanComponent, ReleasePlanBody
from .state import FAILED, SUCCEEDED, ComponentRelease, PlanEntry, PlanStatus, ReleasePlan

_BUSY = frozenset({PlanStatus.RUNNING, PlanStatus.ROLLBACKING})
_ROLLBACK_FROM = frozenset(
    {
        PlanStatus.SUCCESS,
        PlanStatus.FAILED,
        PlanStatus.PARTIALLY_FAILED,
        PlanStatus.ABORTED,
        PlanStatus.ROLLBACK_FAILED,
    }
)


class ReleasePlanBackend:
    """The release tasks of one project, released through its core backend."""

    def __init__(self, core: ServiceStageBackend):
        self._core = core
        self._plans: dict[str, ReleasePlan] = {}

    def reset(self) -> None:
        with self._core.current_state():
            self._plans.clear()

    def create_release_plan(self, body: ReleasePlanBody, *, creator: str) -> ReleasePlan:
        with self._core.current_state():
            plan = ReleasePlan(
                id=str(uuid.uuid4()),
                name=body.name,
                desc=body.desc or "",
                fail_strategy=body.fail_strategy or "stop",
                entries=self._checked_entries(body.components),
                creator=creator,
                create_time=self._core.now_ms(),
                sequence=self._core.next_sequence(),
            )
            self._plans[plan.id] = plan
            return plan

    def list_release_plans(self) -> list[ReleasePlan]:
        """Every task, the newest first."""
        with self._core.current_state():
            return sorted(
                self._plans.values(),
                key=lambda plan: (plan.create_time, plan.sequence),
                reverse=True,
            )

    def show_release_plan(self, plan_id: str) -> ReleasePlan:
        with self._core.current_state():
            return self._plan(plan_id)

    def modify_release_plan(self, plan_id: str, body: ReleasePlanBody) -> ReleasePlan:
        """Replace the task's entries and settings; it is CREATED again, ready to execute."""
        with self._core.current_state():
            plan = self._plan(plan_id)
            self._check_idle(plan, "edited")
            plan.entries = self._checked_entries(body.components)
            plan.name = body.name
            if body.desc is not None:
                plan.desc = body.desc
            if body.fail_strategy is not None:
                plan.fail_strategy = body.fail_strategy
            plan.status = PlanStatus.CREATED
            plan.modify_time = self._core.now_ms()
            return plan

    def delete_release_plan(self, plan_id: str) -> None:
        with self._core.current_state():
            plan = self._plan(plan_id)
            if plan.status in _BUSY:
                raise RELEASE_CANNOT_DELETE.error(
                    f"release task {plan.name} is {plan.status.value}"
                )
            del self._plans[plan_id]

    def show_deploy_info(self, plan_id: str) -> dict[str, Any]:
        """Each entry's component and the state of the jobs of the latest execution."""
        with self._core.current_state():
            plan = self._plan(plan_id)
            return {"id": plan.id, "components": [self._deploy_info(e) for e in plan.entries]}

    def execute_release_plan(self, plan_id: str) -> None:
        """Start releasing the first batch; the others follow as batches end."""
        with self._core.current_state():
            plan = self._plan(plan_id)
            self._check_idle(plan, "executed")
            busy = self._components_in_other_releases(plan)
            named = {entry.component_id: entry.name for entry in plan.entries}
            clashing = sorted(named[component_id] for component_id in busy if component_id in named)
            if clashing:
                raise COMPONENT_IN_RELEASING.error(
                    f"{', '.join(clashing)} already in another running release task"
                )
            for entry in plan.entries:
                entry.release = None
            plan.status = PlanStatus.RUNNING
            plan.abort_requested = False
            plan.execute_time = self._core.now_ms()
            if plan.batches:
                self._start_batch(plan, plan.batches[0])
            else:
                self._finish(plan)  # nothing to release

    def abort_release_plan(self, plan_id: str) -> None:
        """Start no further batch; the task is ABORTED once the running batch has ended."""
        with self._core.current_state():
            plan = self._plan(plan_id)
            if plan.status is not PlanStatus.RUNNING:
                raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                    f"release task {plan.name} is {plan.status.value}, not RUNNING"
                )
            plan.abort_requested = True

    def rollback_release_plan(self, plan_id: str) -> None:
        """Undo what the latest execution did to each component, all components at once."""
        with self._core.current_state():
            plan = self._plan(plan_id)
            if plan.status not in _ROLLBACK_FROM:
                raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                    f"release task {plan.name} is {plan.status.value}: there is no ended "
                    "release to roll back"
                )
            plan.status = PlanStatus.ROLLBACKING
            # Components a previous rollback already restored are left alone.
            undo = [
                (entry, entry.release)
                for entry in plan.entries
                if entry.release
                and entry.release.changed_component
                and entry.release.rollback_job_status != SUCCEEDED
            ]
            for _, release in undo:
                release.rollback_job_id = release.rollback_job_status = None
                release.rollback_fail_message = None
                release.rollback_start_time = self._core.now_ms()
                release.rollback_end_time = 0
            for entry, release in undo:
                self._roll_back(plan, entry, release)
            self._rollback_progressed(plan)

    # Releasing

    def _start_batch(self, plan: ReleasePlan, seq: int) -> None:
        plan.batch = seq
        for entry in plan.entries_in(seq):
            self._release(plan, entry)
        self._batch_progressed(plan)

    def _release(self, plan: ReleasePlan, entry: PlanEntry) -> None:
        release = entry.release = ComponentRelease(
            version=entry.spec.version,
            start_time=self._now_ms(),
            component_id=entry.component_id,
        )
        application_id = entry.application_id
        spec = entry.spec.component_spec()
        try:
            if entry.component_id is None:
                component = self._core.create_component(application_id, spec, creator=plan.creator)
                entry.component_id = release.component_id = component.id
                release.created_component = True
                job_id = component.last_job_id
            else:
                current = self._core.show_component(application_id, entry.component_id)
                release.previous_spec = current.spec
                job_id = self._core.modify_component(application_id, entry.component_id, spec)
        except ApiError as refused:
            release.job_status = FAILED
            release.end_time = self._now_ms()
            release.fail_message = _error_message(refused)
            return
        release.job_id = job_id
        self._core.jobs.when_ended(job_id, partial(self._component_released, plan, release))

    def _component_released(
        self,
        plan: ReleasePlan,
        release: ComponentRelease,
        status: ExecutionStatus,
        ended_at: float,
    ) -> None:
        release.job_status = status.value
        release.end_time = int(ended_at * 1000)
        if status is not ExecutionStatus.SUCCEEDED and release.job_id is not None:
            release.fail_message = self._core.jobs.show(
                self._core.project_id, release.job_id
            ).failure_message
        self._batch_progressed(plan)

    def _batch_progressed(self, plan: ReleasePlan) -> None:
        if plan.status is not PlanStatus.RUNNING or plan.batch is None:
            return
        releases = [entry.release for entry in plan.entries_in(plan.batch)]
        if not all(release and release.ended for release in releases):
            return
        failed = any(release and not release.succeeded for release in releases)
        later = [seq for seq in plan.batches if seq > plan.batch]
        stopped = failed and plan.fail_strategy == "stop"
        if later and not stopped and not plan.abort_requested:
            self._start_batch(plan, later[0])
        else:
            self._finish(plan)

    def _finish(self, plan: ReleasePlan) -> None:
        released = [entry for entry in plan.entries if entry.release and entry.release.succeeded]
        if len(released) == len(plan.entries):
            plan.status = PlanStatus.SUCCESS
        elif plan.abort_requested:
            plan.status = PlanStatus.ABORTED
        elif released:
            plan.status = PlanStatus.PARTIALLY_FAILED
        else:
            plan.status = PlanStatus.FAILED
        plan.batch = None

    # Rolling back

    def _roll_back(self, plan: ReleasePlan, entry: PlanEntry, release: ComponentRelease) -> None:
        application_id = entry.application_id
        component_id = release.component_id
        assert component_id is not None, "a component with a job has an id"
        try:
            if release.created_component:
                job_id = self._core.delete_component(application_id, component_id)
            else:
                assert release.previous_spec is not None, "an upgrade keeps what it replaced"
                job_id = self._core.modify_component(
                    application_id, component_id, release.previous_spec
                )
        except ApiError as refused:
            release.rollback_end_time = self._now_ms()
            if release.created_component and refused.status == 404:
                # Already gone: the creation is undone.
                release.rollback_job_status = SUCCEEDED
                entry.component_id = None
            else:
                release.rollback_job_status = FAILED
                release.rollback_fail_message = _error_message(refused)
            return
        release.rollback_job_id = job_id
        self._core.jobs.when_ended(
            job_id, partial(self._component_rolled_back, plan, entry, release)
        )

    def _component_rolled_back(
        self,
        plan: ReleasePlan,
        entry: PlanEntry,
        release: ComponentRelease,
        status: ExecutionStatus,
        ended_at: float,
    ) -> None:
        release.rollback_job_status = status.value
        release.rollback_end_time = int(ended_at * 1000)
        if status is ExecutionStatus.SUCCEEDED and release.created_component:
            # The component is gone; executing the task again creates it anew.
            entry.component_id = None
        elif status is not ExecutionStatus.SUCCEEDED and release.rollback_job_id is not None:
            release.rollback_fail_message = self._core.jobs.show(
                self._core.project_id, release.rollback_job_id
            ).failure_message
        self._rollback_progressed(plan)

    def _rollback_progressed(self, plan: ReleasePlan) -> None:
        if plan.status is not PlanStatus.ROLLBACKING:
            return
        undone = [
            entry.release
            for entry in plan.entries
            if entry.release and entry.release.changed_component
        ]
        if any(release.rollback_job_status is None for release in undone):
            return
        all_undone = all(release.rollback_job_status == SUCCEEDED for release in undone)
        plan.status = PlanStatus.ROLLBACK_SUCCEED if all_undone else PlanStatus.ROLLBACK_FAILED

    # Shown state

    def _deploy_info(self, entry: PlanEntry) -> dict[str, Any]:
        release = entry.release
        component_id = release.component_id if release else entry.component_id
        shown: dict[str, Any] = {
            "job_id": None,
            "status": self._component_status(entry.application_id, component_id),
            "job_status": None,
            "name": entry.name,
            "id": component_id,
            "seq": entry.spec.seq,
            "version": entry.spec.version,
            "rollback_job_id": None,
            "start_time": 0,
            "end_time": 0,
            "rollback_job_status": None,
            "rollback_start_time": 0,
            "rollback_end_time": 0,
            "fail_message": None,
            "rollback_fail_message": None,
        }
        if release is None:
            return shown
        return {
            **shown,
            "job_id": release.job_id,
            "job_status": release.job_status or self._job_status(release.job_id),
            "version": release.version,
            "start_time": release.start_time,
            "end_time": release.end_time,
            "fail_message": release.fail_message,
            "rollback_job_id": release.rollback_job_id,
            "rollback_job_status": (
                release.rollback_job_status or self._job_status(release.rollback_job_id)
            ),
            "rollback_start_time": release.rollback_start_time,
            "rollback_end_time": release.rollback_end_time,
            "rollback_fail_message": release.rollback_fail_message,
        }

    def _job_status(self, job_id: str | None) -> str | None:
        if job_id is None:
            return None
        status: str = self._core.show_job_info(job_id)["job"]["execution_status"]
        return status

    def _component_status(self, application_id: str, component_id: str | None) -> str | None:
        if component_id is None:
            return None
        try:
            return self._core.show_component(application_id, component_id).status.value
        except ApiError:
            return ComponentStatus.DELETED.value

    # Checks and lookups

    def _checked_entries(self, components: list[PlanComponent]) -> list[PlanEntry]:
        """The entries of a create or edit body, each with its application found; see `RULES`
        in `.schemas` for what an entry needs."""
        entries: list[PlanEntry] = []
        seen: set[tuple[str, str]] = set()
        for index, spec in enumerate(components):
            where = f"components[{index}]"
            try:
                spec.component_spec()
            except ValidationError as error:
                raise PARAMETER_INVALID.error(
                    f"{where}.{describe_validation_error(error)}"
                ) from None
            if spec.environment_id is not None:
                self._core.show_environment(spec.environment_id)
            if spec.component_id is None:
                if spec.application_id is None:
                    raise PARAMETER_INVALID.error(
                        f"{where}.application_id: required when the release creates the "
                        "component (no component_id)"
                    )
                self._core.show_application(spec.application_id)
                if spec.refer_resources is None:
                    raise PARAMETER_INVALID.error(
                        f"{where}.{REFER_RESOURCES_TO_CREATE.message()}, when the release "
                        "creates the component (no component_id)"
                    )
                application_id = spec.application_id
            else:
                if spec.application_id is not None:
                    component = self._core.show_component(spec.application_id, spec.component_id)
                else:
                    component = self._core.find_component(spec.component_id)
                if component.name != spec.name:
                    raise PARAMETER_INVALID.error(
                        f"{where}.name: component {spec.component_id} is called {component.name}"
                    )
                application_id = component.application.id
            if (application_id, spec.name) in seen:
                raise PARAMETER_INVALID.error(
                    f"{where}.name: component {spec.name} of application {application_id} "
                    "is already in the release task"
                )
            seen.add((application_id, spec.name))
            entries.append(PlanEntry(spec, spec.component_id, application_id))
        return entries

    def _components_in_other_releases(self, plan: ReleasePlan) -> set[str]:
        return {
            entry.component_id
            for other in self._plans.values()
            if other is not plan and other.status in _BUSY
            for entry in other.entries
            if entry.component_id is not None
        }

    def _check_idle(self, plan: ReleasePlan, action: str) -> None:
        if plan.status in _BUSY:
            raise CANNOT_OPERATE_IN_CURRENT_STATUS.error(
                f"release task {plan.name} is {plan.status.value} and cannot be {action}"
            )

    def _now_ms(self) -> int:
        # During a job's effect, the moment it ended: the next batch starts then.
        return int(self._core.jobs.now() * 1000)

    def _plan(self, plan_id: str) -> ReleasePlan:
        plan = self._plans.get(plan_id)
        if plan is None:
            raise RELEASE_NOT_FOUND.error(plan_id)
        return plan


def _error_message(error: ApiError) -> str:
    return str(error.body.get("error_msg") or error)
