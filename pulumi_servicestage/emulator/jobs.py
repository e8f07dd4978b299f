"""Deploy jobs: planned outcomes, progress computed from elapsed time, effects applied at the end.

A job is a fixed list of tasks that share its duration and run one after the other: in equal
slots, or in slots of the relative lengths its plan gives (`task_weights`).
Nothing runs in the background: every read computes the state from the clock, and `settle()`
(called under the emulator's state lock before any request reads state) hands each job that has
ended since the last look to its `on_end` callback, exactly once.
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from .errors import JOB_NOT_FOUND


class ExecutionStatus(str, Enum):
    """`job.execution_status` values (API reference §4.6.1, table 4-368)."""

    SUBMITTED = "SUBMITTED"
    SCHEDULED = "SCHEDULED"
    RUNNING = "RUNNING"
    FAILED = "FAILED"
    SUCCEEDED = "SUCCEEDED"
    CANCELLED = "CANCELLED"
    PARTIALLY_FAILED = "PARTIALLY_FAILED"
    ROLLBACKING = "ROLLBACKING"
    ROLLBACKED = "ROLLBACKED"
    UNKNOWN = "UNKNOWN"


class TaskStatus(str, Enum):
    """`tasks[].task_status` values (API reference §4.6.1, table 4-369)."""

    SUBMITTED = "SUBMITTED"
    SCHEDULED = "SCHEDULED"
    RUNNING = "RUNNING"
    FAILED = "FAILED"
    SUCCEEDED = "SUCCEEDED"
    CANCELLED = "CANCELLED"
    PARTIALLY_FAILED = "PARTIALLY_FAILED"
    SKIPPED = "SKIPPED"
    ROLLBACKING = "ROLLBACKING"
    ROLLBACKED = "ROLLBACKED"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class TaskTemplate:
    step: str
    task_type: str


class JobOperation(str, Enum):
    """The API call that started a job; plans can be aimed at one of them."""

    CREATE_COMPONENT = "create_component"
    MODIFY_COMPONENT = "modify_component"
    DELETE_COMPONENT = "delete_component"
    CREATE_PLUGIN = "create_plugin"
    DELETE_PLUGIN = "delete_plugin"
    RESTART_PLUGIN = "restart_plugin"
    REDEPLOY_PLUGIN = "redeploy_plugin"
    # Component actions (§4.3.8; rollback_current is a ROLLBACK_COMPONENT too) and CCE imports.
    START_COMPONENT = "start_component"
    STOP_COMPONENT = "stop_component"
    RESTART_COMPONENT = "restart_component"
    SCALE_COMPONENT = "scale_component"
    ROLLBACK_COMPONENT = "rollback_component"
    CONTINUE_DEPLOY = "continue_deploy"
    CHECK_GRAY_RELEASE = "check_gray_release"
    MODIFY_GRAY_RULE = "modify_gray_rule"
    SYNC_WORKLOAD = "sync_workload"
    SYNC_IMPORT = "sync_import"
    IMPORT_COMPONENT = "import_component"

    @property
    def job_type(self) -> str:
        # The reference's example shows an upgrade task inside a PROVISION job.
        deleting = (JobOperation.DELETE_COMPONENT, JobOperation.DELETE_PLUGIN)
        if self in deleting:
            return "DEPROVISION"
        return "DAILY_OPERATION" if self in _COMPONENT_ACTIONS else "PROVISION"

    @property
    def tasks(self) -> tuple[TaskTemplate, ...]:
        return _TASKS[self]

    def task_names(self, deploy_mode: str) -> list[str]:
        prefix = _VM_PREFIX if deploy_mode == "virtualmachine" else _CONTAINER_PREFIX
        return [prefix + task.step for task in self.tasks]


# Steps named after the reference's example job (VMAPP_CONTEXT_PREPARE_01, VMAPP_UPGRADE_002); the
# second step is the one that does the work, so planned failures and hangs stop there by default.
_TASKS: dict[JobOperation, tuple[TaskTemplate, ...]] = {
    JobOperation.CREATE_COMPONENT: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("DEPLOY_002", "DEPLOY"),
        TaskTemplate("HEALTH_CHECK_003", "CHECK"),
    ),
    JobOperation.MODIFY_COMPONENT: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("UPGRADE_002", "UPGRADE"),
        TaskTemplate("HEALTH_CHECK_003", "CHECK"),
    ),
    JobOperation.DELETE_COMPONENT: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("DELETE_002", "DELETE"),
    ),
    JobOperation.CREATE_PLUGIN: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("INSTALL_002", "INSTALL"),
        TaskTemplate("HEALTH_CHECK_003", "CHECK"),
    ),
    JobOperation.DELETE_PLUGIN: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("UNINSTALL_002", "UNINSTALL"),
    ),
    JobOperation.RESTART_PLUGIN: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("RESTART_002", "RESTART"),
        TaskTemplate("HEALTH_CHECK_003", "CHECK"),
    ),
    JobOperation.REDEPLOY_PLUGIN: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("REDEPLOY_002", "REDEPLOY"),
        TaskTemplate("HEALTH_CHECK_003", "CHECK"),
    ),
    JobOperation.START_COMPONENT: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("START_002", "START"),
        TaskTemplate("HEALTH_CHECK_003", "CHECK"),
    ),
    JobOperation.STOP_COMPONENT: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("STOP_002", "STOP"),
    ),
    JobOperation.RESTART_COMPONENT: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("RESTART_002", "RESTART"),
        TaskTemplate("HEALTH_CHECK_003", "CHECK"),
    ),
    JobOperation.SCALE_COMPONENT: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("SCALE_002", "SCALE"),
        TaskTemplate("HEALTH_CHECK_003", "CHECK"),
    ),
    JobOperation.ROLLBACK_COMPONENT: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("ROLLBACK_002", "ROLLBACK"),
        TaskTemplate("HEALTH_CHECK_003", "CHECK"),
    ),
    JobOperation.CONTINUE_DEPLOY: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("UPGRADE_REMAINING_002", "UPGRADE"),
        TaskTemplate("HEALTH_CHECK_003", "CHECK"),
    ),
    JobOperation.CHECK_GRAY_RELEASE: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("CHECK_GRAY_RULE_002", "CHECK"),
    ),
    JobOperation.MODIFY_GRAY_RULE: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("MODIFY_GRAY_RULE_002", "UPGRADE"),
    ),
    JobOperation.SYNC_WORKLOAD: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("SYNC_WORKLOAD_002", "SYNC"),
    ),
    JobOperation.SYNC_IMPORT: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("SYNC_IMPORT_002", "SYNC"),
    ),
    JobOperation.IMPORT_COMPONENT: (
        TaskTemplate("CONTEXT_PREPARE_01", "PREPARE"),
        TaskTemplate("IMPORT_WORKLOAD_002", "IMPORT"),
        TaskTemplate("HEALTH_CHECK_003", "CHECK"),
    ),
}
_COMPONENT_ACTIONS = frozenset(
    {
        JobOperation.START_COMPONENT,
        JobOperation.STOP_COMPONENT,
        JobOperation.RESTART_COMPONENT,
        JobOperation.SCALE_COMPONENT,
        JobOperation.ROLLBACK_COMPONENT,
        JobOperation.CONTINUE_DEPLOY,
        JobOperation.CHECK_GRAY_RELEASE,
        JobOperation.MODIFY_GRAY_RULE,
        JobOperation.SYNC_WORKLOAD,
        JobOperation.SYNC_IMPORT,
    }
)
_WORKING_TASK = 1
# What a failing task says when its plan gives no message.
_FAILURE_MESSAGES = {
    JobOperation.CREATE_COMPONENT: "deploy failed: instances did not become ready in time",
    JobOperation.MODIFY_COMPONENT: "upgrade failed: instances did not become ready in time",
    JobOperation.DELETE_COMPONENT: "delete failed: the workload could not be removed",
    JobOperation.CREATE_PLUGIN: "install failed: the plugin workload did not become ready",
    JobOperation.DELETE_PLUGIN: "uninstall failed: the plugin workload could not be removed",
    JobOperation.RESTART_PLUGIN: "restart failed: the plugin workload did not become ready",
    JobOperation.REDEPLOY_PLUGIN: "redeploy failed: the plugin workload did not become ready",
    JobOperation.START_COMPONENT: "start failed: instances did not become ready in time",
    JobOperation.STOP_COMPONENT: "stop failed: instances could not be stopped",
    JobOperation.RESTART_COMPONENT: "restart failed: instances did not become ready in time",
    JobOperation.SCALE_COMPONENT: "scale failed: new instances did not become ready in time",
    JobOperation.ROLLBACK_COMPONENT: "rollback failed: instances did not become ready in time",
    JobOperation.CONTINUE_DEPLOY: "upgrade failed: instances did not become ready in time",
    JobOperation.CHECK_GRAY_RELEASE: "gray rule check failed: the gray instances are unhealthy",
    JobOperation.MODIFY_GRAY_RULE: "gray rule update failed: the route could not be changed",
    JobOperation.SYNC_WORKLOAD: "sync failed: the workload could not be read",
    JobOperation.SYNC_IMPORT: "sync failed: the imported workload could not be read",
    JobOperation.IMPORT_COMPONENT: "import failed: the workload was not found in the cluster",
}
_VM_PREFIX, _CONTAINER_PREFIX = "VMAPP_", "CCEAPP_"
# Bounds of the controls (the emulator's own; no document covers them): a job lasts at most a
# day, and one plan call queues at most this many outcomes.
MAX_JOB_SECONDS = 86_400.0
MAX_PLAN_COUNT = 10_000


def _check_duration(name: str, seconds: float) -> None:
    if seconds < 0:
        raise ValueError(f"{name} must not be negative")
    if not seconds <= MAX_JOB_SECONDS:  # also refuses NaN
        raise ValueError(f"{name} must be at most {MAX_JOB_SECONDS:g} seconds")


def _step(task_name: str) -> str:
    for prefix in (_VM_PREFIX, _CONTAINER_PREFIX):
        if task_name.startswith(prefix):
            return task_name[len(prefix) :]
    return task_name


class Outcome(str, Enum):
    """How a planned job ends."""

    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    HANG = "HANG"


@dataclass(frozen=True)
class JobPlan:
    """The outcome planned for one upcoming job, optionally only for some operation or component.

    `stop_at_task` names the task that fails (FAILED) or never finishes (HANG), either in full
    (``CCEAPP_DEPLOY_002``) or without its platform prefix (``DEPLOY_002``); a plan naming a task
    applies only to jobs that have it. `duration` overrides the default job duration.
    `task_weights` are the relative lengths of the job's tasks, in order (``(1, 8, 1)``: a long
    middle task); a plan with weights applies only to jobs with that many tasks.
    """

    outcome: Outcome = Outcome.SUCCEEDED
    duration: float | None = None
    stop_at_task: str | None = None
    message: str | None = None
    operation: JobOperation | None = None
    component_name: str | None = None
    task_weights: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.duration is not None:
            _check_duration("duration", self.duration)
        if self.task_weights is not None and (
            not self.task_weights or not all(0 < weight < math.inf for weight in self.task_weights)
        ):
            raise ValueError("task_weights must be positive numbers, one per task")
        if self.stop_at_task is not None:
            operations = [self.operation] if self.operation else list(JobOperation)
            steps = {task.step for operation in operations for task in operation.tasks}
            if _step(self.stop_at_task) not in steps:
                known = ", ".join(sorted(steps))
                raise ValueError(f"stop_at_task {self.stop_at_task!r} names none of: {known}")

    def applies_to(self, operation: JobOperation, component_name: str, tasks: list[str]) -> bool:
        return (
            self.operation in (None, operation)
            and self.component_name in (None, component_name)
            and (self.stop_at_task is None or self._stop_index(tasks) is not None)
            and (self.task_weights is None or len(self.task_weights) == len(tasks))
        )

    def stop_index(self, tasks: list[str]) -> int:
        if self.stop_at_task is None:
            return _WORKING_TASK
        index = self._stop_index(tasks)
        assert index is not None, "applies_to() checked that the job has this task"
        return index

    def _stop_index(self, tasks: list[str]) -> int | None:
        wanted = self.stop_at_task
        return next((i for i, name in enumerate(tasks) if wanted in (name, _step(name))), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "duration": self.duration,
            "stop_at_task": self.stop_at_task,
            "message": self.message,
            "operation": self.operation.value if self.operation else None,
            "component_name": self.component_name,
            "task_weights": None if self.task_weights is None else list(self.task_weights),
        }


JobEndCallback = Callable[[ExecutionStatus, float], None]


@dataclass
class Job:
    """One deploy job; its state at any instant follows from its plan and its start time."""

    id: str
    project_id: str
    operation: JobOperation
    task_names: list[str]
    task_ids: list[str]
    started_at: float
    duration: float
    outcome: Outcome
    stop_index: int
    failure_message: str
    on_end: JobEndCallback
    #: Relative lengths of the tasks' slots; equal when None.
    task_weights: tuple[float, ...] | None = None

    @property
    def ends_at(self) -> float | None:
        """When the job reaches its end state; None for a job that hangs."""
        if self.outcome is Outcome.HANG:
            return None
        if self.outcome is Outcome.FAILED:
            return self._slot_end(self.stop_index)
        return self.started_at + self.duration

    def execution_status(self, now: float) -> ExecutionStatus:
        ends_at = self.ends_at
        if ends_at is None or now < ends_at:
            return ExecutionStatus.RUNNING
        if self.outcome is Outcome.FAILED:
            return ExecutionStatus.FAILED
        return ExecutionStatus.SUCCEEDED

    def to_dict(
        self, now: float, *, limit: int | None, offset: int, descending: bool
    ) -> dict[str, Any]:
        tasks = [self._task_dict(index, now) for index in range(len(self.task_names))]
        if descending:
            tasks.reverse()
        page = tasks[offset:] if limit is None else tasks[offset : offset + limit]
        return {
            "job": {
                "execution_status": self.execution_status(now).value,
                "job_id": self.id,
                "job_type": self.operation.job_type,
                "project_id": self.project_id,
                "rollback_enabled": False,
            },
            "tasks": page,
            "task_count": len(tasks),
        }

    def _slot_start(self, index: int) -> float:
        weights = self.task_weights or (1.0,) * len(self.task_names)
        return self.started_at + self.duration * sum(weights[:index]) / sum(weights)

    def _slot_end(self, index: int) -> float:
        return self._slot_start(index + 1)

    def _task_state(self, index: int, now: float) -> tuple[TaskStatus, float, float]:
        """The task's status, when it was created (started) and when its status last changed."""
        start, end = self._slot_start(index), self._slot_end(index)
        stops_here = self.outcome is not Outcome.SUCCEEDED and index == self.stop_index
        if self.outcome is not Outcome.SUCCEEDED and index > self.stop_index:
            stopped_at = self._slot_end(self.stop_index)
            if self.outcome is Outcome.FAILED and now >= stopped_at:
                return TaskStatus.SKIPPED, self.started_at, stopped_at
            return TaskStatus.SUBMITTED, self.started_at, self.started_at
        if now < start:
            return TaskStatus.SUBMITTED, self.started_at, self.started_at
        if now < end or (stops_here and self.outcome is Outcome.HANG):
            return TaskStatus.RUNNING, start, start
        if stops_here:
            return TaskStatus.FAILED, start, end
        return TaskStatus.SUCCEEDED, start, end

    def _task_dict(self, index: int, now: float) -> dict[str, Any]:
        status, created_at, updated_at = self._task_state(index, now)
        return {
            "task_id": self.task_ids[index],
            "task_index": index + 1,
            "task_name": self.task_names[index],
            "task_type": self.operation.tasks[index].task_type,
            "task_status": status.value,
            "created_at": iso_millis(created_at),
            "update_at": iso_millis(updated_at),
            "messages": self.failure_message if status is TaskStatus.FAILED else "{}",
        }


def iso_millis(epoch_seconds: float) -> str:
    moment = datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class JobBackend:
    """All deploy jobs of the emulator, and the test controls that shape the next ones.

    Shares the emulator's state lock, so `on_end` callbacks run under it.
    """

    def __init__(
        self, *, default_duration: float, clock: Callable[[], float], lock: threading.RLock
    ):
        self._initial_duration = default_duration
        self._clock = clock
        self._lock = lock
        self.default_duration = default_duration
        self._jobs: dict[str, Job] = {}
        self._running: set[str] = set()
        # The running jobs that will end, as a heap by (end, start order): every request settles
        # the jobs ended by then, and looking through all running jobs each time made requests
        # slower the more jobs ran (3,000 running jobs added about 1.7 ms to each request).
        self._ends: list[tuple[float, int, Job]] = []
        self._start_order = itertools.count()
        self._plans: list[JobPlan] = []
        # Callbacks of other parties (a release task) waiting for a job's end, by job id.
        self._followers: dict[str, list[JobEndCallback]] = {}
        # While the end of a job takes effect: when it ended (see `now`).
        self._effect_time: float | None = None

    @property
    def default_duration(self) -> float:
        """Seconds an unplanned job (or a plan without a duration) takes from start to end."""
        return self._default_duration

    @default_duration.setter
    def default_duration(self, seconds: float) -> None:
        _check_duration("default_duration", seconds)
        self._default_duration = seconds

    def plan(
        self,
        outcome: Outcome | str = Outcome.SUCCEEDED,
        *,
        count: int = 1,
        duration: float | None = None,
        stop_at_task: str | None = None,
        message: str | None = None,
        operation: JobOperation | str | None = None,
        component_name: str | None = None,
        task_weights: tuple[float, ...] | None = None,
    ) -> None:
        """Queue the outcome of the next `count` jobs that match `operation` and `component_name`
        (and have as many tasks as `task_weights`, when given).

        Jobs take the first queued plan that applies to them; unplanned jobs succeed after
        `default_duration` seconds.
        """
        if not 1 <= count <= MAX_PLAN_COUNT:
            raise ValueError(f"count must be from 1 to {MAX_PLAN_COUNT}")
        planned = JobPlan(
            outcome=Outcome(outcome),
            duration=duration,
            stop_at_task=stop_at_task,
            message=message,
            operation=JobOperation(operation) if operation is not None else None,
            component_name=component_name,
            task_weights=None if task_weights is None else tuple(task_weights),
        )
        with self._lock:
            self._plans.extend([planned] * count)

    def planned(self) -> list[JobPlan]:
        """Plans not yet taken by a job, in the order jobs will take them."""
        with self._lock:
            return list(self._plans)

    def clear_plans(self) -> None:
        with self._lock:
            self._plans.clear()

    def reset(self) -> None:
        """Forget every job and plan, and restore the default duration the emulator started with."""
        with self._lock:
            self._jobs.clear()
            self._running.clear()
            self._ends.clear()
            self._plans.clear()
            self._followers.clear()
            self.default_duration = self._initial_duration

    def start(
        self,
        *,
        project_id: str,
        operation: JobOperation,
        component_name: str,
        deploy_mode: str,
        on_end: JobEndCallback,
    ) -> Job:
        """Start a job now; `on_end(status, ended_at)` runs once, when its end is first observed."""
        with self._lock:
            task_names = operation.task_names(deploy_mode)
            planned = self._take_plan(operation, component_name, task_names)
            job = Job(
                id=f"JOB{uuid.uuid4()}",
                project_id=project_id,
                operation=operation,
                task_names=task_names,
                task_ids=[f"Task-{uuid.uuid4()}" for _ in task_names],
                started_at=self.now(),
                duration=self.default_duration if planned.duration is None else planned.duration,
                outcome=planned.outcome,
                stop_index=planned.stop_index(task_names),
                failure_message=planned.message or _FAILURE_MESSAGES[operation],
                on_end=on_end,
                task_weights=planned.task_weights,
            )
            self._jobs[job.id] = job
            self._running.add(job.id)
            if job.ends_at is not None:
                heapq.heappush(self._ends, (job.ends_at, next(self._start_order), job))
            return job

    def now(self) -> float:
        """The current instant; while the end of a job takes effect, the moment it ended.

        So a job that another job's end starts (a release task's next batch) starts when the
        previous one ended, however late the emulator notices that end.
        """
        with self._lock:
            return self._clock() if self._effect_time is None else self._effect_time

    def settle(self) -> None:
        """Apply the effects of every job that has ended by now and was not yet seen ending.

        Jobs are settled in the order they ended. An effect may start jobs (which may have ended
        by now too, as they start when the previous job ended) and settle again, so the ended
        jobs leave the running list before any effect runs, and settling goes on until no ended
        job is left.
        """
        with self._lock:
            now = self._clock()
            while ended := self._ended_by(now):
                for job, ends_at in ended:
                    status = job.execution_status(now)
                    outer, self._effect_time = self._effect_time, ends_at
                    try:
                        job.on_end(status, ends_at)
                        for follower in self._followers.pop(job.id, []):
                            follower(status, ends_at)
                    finally:
                        self._effect_time = outer

    def _ended_by(self, now: float) -> list[tuple[Job, float]]:
        """Take the jobs ended by `now` out of the running ones: (job, end), in order of end,
        then of start."""
        ended: list[tuple[Job, float]] = []
        while self._ends and self._ends[0][0] <= now:
            ends_at, _, job = heapq.heappop(self._ends)
            self._running.discard(job.id)
            ended.append((job, ends_at))
        return ended

    def when_ended(self, job_id: str, callback: JobEndCallback) -> None:
        """Also run `callback(status, ended_at)` when the job's end is applied, after `on_end`."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.id not in self._running:
                raise ValueError(f"job {job_id} is not running")
            self._followers.setdefault(job_id, []).append(callback)

    def show(self, project_id: str, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.project_id != project_id:
                raise JOB_NOT_FOUND.error(job_id)
            return job

    def _take_plan(self, operation: JobOperation, component_name: str, tasks: list[str]) -> JobPlan:
        for index, planned in enumerate(self._plans):
            if planned.applies_to(operation, component_name, tasks):
                return self._plans.pop(index)
        return JobPlan()
