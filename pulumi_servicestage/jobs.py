"""Waiting for the jobs a write starts, whatever service runs them.

A job kind (`DeployJobs`: ServiceStage's deployment jobs, `GET /v3/{project_id}/cas/jobs/{id}`;
`EngineJobs`: a CSE engine's jobs, §6.3.6) says where a job is read and how its answer reads;
`JobWaiter` polls any of them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from .client.clock import now, pause
from .client.errors import APIConnectionError, APIStatusError, NotFoundError, ServiceStageError
from .client.http import ApiClient

SUCCEEDED = "SUCCEEDED"
# Every end state but success; anything else the service reports means "still going".
FAILED_STATES = frozenset({"FAILED", "CANCELLED", "PARTIALLY_FAILED", "ROLLBACKED", "UNKNOWN"})


@dataclass(frozen=True)
class PollSchedule:
    """Seconds between polls: frequent while a short job may end, then backing off.

    Most component jobs end within seconds, so the first `fast_polls` come every `initial`
    seconds (a finished short job is noticed within about that long); after that the interval
    grows by `factor` per poll up to `maximum`, which bounds the calls a long job costs
    (60 / maximum per minute). The defaults notice a job that ends within 10 s at most 2 s late
    (half a second at the median), and spend 10 calls a minute on a 5-minute job, 7.5 in the
    long run: the Terraform provider's fixed 10 s interval notices jobs 5 s late on average.
    `bench/job_wait.py` measures these figures and models Terraform's beside them.
    """

    initial: float = 0.5
    fast_polls: int = 6
    factor: float = 1.25
    maximum: float = 8.0

    def intervals(self) -> Iterator[float]:
        for _ in range(self.fast_polls):
            yield self.initial
        interval = self.initial
        while True:
            interval = min(self.maximum, interval * self.factor)
            yield interval


def transient(error: ServiceStageError) -> bool:
    """Whether a failed read may succeed if tried again later: throttling, a server error or no
    connection, as opposed to a refusal that repeats (authentication, a bad request)."""
    if isinstance(error, APIStatusError):
        return error.status_code == 429 or error.status_code >= 500
    return isinstance(error, APIConnectionError)


class JobError(ServiceStageError):
    def __init__(self, message: str, *, job_id: str, description: str, payload: Any) -> None:
        self.job_id = job_id
        self.description = description
        self.payload = payload
        super().__init__(message)


class JobFailedError(JobError):
    """The job ended in a state other than SUCCEEDED."""


class JobTimeoutError(JobError):
    """The job was still running when the wait's time limit ran out."""


@dataclass(frozen=True)
class Job:
    """A job answer as the waiter judges it, whatever the service's vocabulary."""

    job_id: str
    #: The service's own word for the job's state (`SUCCEEDED`, `Finished`, ...).
    status: str
    ended: bool
    succeeded: bool
    #: The failed tasks, each with the service's message, for the error of a failed job.
    failing: list[str]
    #: The tasks not yet done, for the error of a job that outlasted its wait.
    unfinished: list[str]
    payload: dict[str, Any]


class JobKind(Protocol):
    """Where a service's job is read and how its answer reads."""

    #: Whether a job that can no longer be read has ended well: the job of a delete that went
    #: with the object it deleted.
    @property
    def vanishes_when_done(self) -> bool: ...

    def path(self, job_id: str) -> str: ...

    def read(self, job_id: str, payload: dict[str, Any]) -> Job: ...


@dataclass(frozen=True)
class DeployJobs:
    """ServiceStage's deployment jobs (PDF 004 §4.6): `job.execution_status` and `tasks`."""

    project_id: str
    vanishes_when_done: bool = False

    def path(self, job_id: str) -> str:
        return f"/v3/{self.project_id}/cas/jobs/{quote(job_id, safe='')}"

    def read(self, job_id: str, payload: dict[str, Any]) -> Job:
        job = payload.get("job") or {}
        status = str(job.get("execution_status") or "UNKNOWN").upper()
        tasks = list(payload.get("tasks") or [])

        def tasks_in(predicate: Callable[[str], bool]) -> list[str]:
            return [
                _describe_task(task)
                for task in tasks
                if predicate(str(task.get("task_status") or "").upper())
            ]

        return Job(
            job_id=job_id,
            status=status,
            ended=status == SUCCEEDED or status in FAILED_STATES,
            succeeded=status == SUCCEEDED,
            failing=tasks_in(lambda task_status: task_status in FAILED_STATES),
            unfinished=tasks_in(lambda task_status: task_status != SUCCEEDED),
            payload=payload,
        )


# A CSE engine job's states (PDF 004 §6.3.6, 表6-64): Init, Executing, then Finished, or Error or
# Timeout; its stages (表6-65) and their tasks (表6-67) use the same words.
ENGINE_JOB_FINISHED = "finished"
ENGINE_JOB_FAILED = frozenset({"error", "timeout"})


@dataclass(frozen=True)
class EngineJobs:
    """The jobs of one CSE exclusive microservice engine (create, delete, ...). Once a delete
    has ended, the engine's jobs are gone with it (`vanishes_when_done` for a delete's)."""

    project_id: str
    engine_id: str
    vanishes_when_done: bool = False

    def path(self, job_id: str) -> str:
        engine = quote(self.engine_id, safe="")
        return f"/v2/{self.project_id}/enginemgr/engines/{engine}/jobs/{quote(job_id, safe='')}"

    def read(self, job_id: str, payload: dict[str, Any]) -> Job:
        status = str(payload.get("status") or "Init")
        stages = [stage for stage in payload.get("tasks") or [] if isinstance(stage, dict)]
        steps = [
            step for stage in stages for step in stage.get("tasks") or [] if isinstance(step, dict)
        ]
        failing = [_describe_step(step) for step in steps if _engine_failed(step)]
        failing = failing or [_describe_step(stage) for stage in stages if _engine_failed(stage)]
        return Job(
            job_id=job_id,
            status=status,
            ended=status.lower() == ENGINE_JOB_FINISHED or status.lower() in ENGINE_JOB_FAILED,
            succeeded=status.lower() == ENGINE_JOB_FINISHED,
            failing=failing,
            unfinished=[
                _describe_step(stage)
                for stage in stages
                if str(stage.get("status") or "").lower() != ENGINE_JOB_FINISHED
            ],
            payload=payload,
        )


def _engine_failed(step: dict[str, Any]) -> bool:
    return str(step.get("status") or "").lower() in ENGINE_JOB_FAILED


def _describe_step(step: dict[str, Any]) -> str:
    name = step.get("taskName") or step.get("id") or "unnamed task"
    log = str(step.get("log") or "").strip()
    return f"{name} ({step.get('status') or '?'}{': ' + log if log else ''})"


def _describe_task(task: dict[str, Any]) -> str:
    name = task.get("task_name") or task.get("task_id") or "unnamed task"
    status = task.get("task_status") or "?"
    message = (task.get("messages") or "").strip()
    return f"{name} ({status}{': ' + message if message else ''})"


def polls(
    timeout: float,
    *,
    schedule: PollSchedule | None = None,
    sleep: Callable[[float], None] = pause,
    clock: Callable[[], float] = now,
) -> Iterator[None]:
    """The looks of a wait of `timeout` seconds: one per iteration of the caller's loop.

    The first look is at once; between looks it sleeps by `schedule`, the last look coming at
    the deadline rather than one interval before it. The iteration ends once a look finds the
    deadline passed, so the code after the caller's loop is the timeout.
    """
    deadline = clock() + timeout
    for interval in (schedule or PollSchedule()).intervals():
        yield
        remaining = deadline - clock()
        if remaining <= 0:
            return
        sleep(min(interval, remaining))


#: Who hears how a job waited for is doing: the provider plugin's engine log, for the resource
#: being served (`provider_server`); nobody in the dynamic provider host, which has no log.
PROGRESS: ContextVar[Callable[[str], None] | None] = ContextVar(
    "servicestage_job_progress", default=None
)


def _report(description: str, job: Job) -> None:
    hear = PROGRESS.get()
    if hear is None:
        return
    running = f"; unfinished: {', '.join(job.unfinished[:2])}" if job.unfinished else ""
    hear(f"{description}: job {job.job_id} {job.status}{running}")


def _gone(job_id: str, vanished: NotFoundError) -> Job:
    return Job(
        job_id=job_id,
        status="gone",
        ended=True,
        succeeded=True,
        failing=[],
        unfinished=[],
        payload=vanished.body if isinstance(vanished.body, dict) else {},
    )


class JobWaiter:
    """Polls one job until it ends, raising JobFailedError or JobTimeoutError.

    `sleep` and `clock` are injectable so tests run without waiting.
    """

    # A job id returned by a write is sometimes not readable for a moment.
    NOT_FOUND_GRACE_SECONDS = 10.0

    def __init__(
        self,
        client: ApiClient,
        kind: JobKind,
        *,
        schedule: PollSchedule | None = None,
        sleep: Callable[[float], None] = pause,
        clock: Callable[[], float] = now,
    ) -> None:
        self._client = client
        self._kind = kind
        self._schedule = schedule or PollSchedule()
        self._sleep = sleep
        self._clock = clock

    def wait(self, job_id: str, *, description: str, timeout: float) -> Job:
        """Wait for `job_id`; `description` says what the job does, for error messages."""
        path = self._kind.path(job_id)
        started = self._clock()
        last: Job | None = None
        for _ in polls(timeout, schedule=self._schedule, sleep=self._sleep, clock=self._clock):
            try:
                last = self._kind.read(job_id, self._client.get(path) or {})
            except NotFoundError as vanished:
                if self._kind.vanishes_when_done:
                    return _gone(job_id, vanished)
                if self._clock() - started > self.NOT_FOUND_GRACE_SECONDS:
                    raise
            except (APIConnectionError, APIStatusError) as unreadable:
                # The client has already retried this read; the job goes on meanwhile, so a
                # service that stays unreachable for a while only delays the answer, within
                # the wait's own time limit.
                if not transient(unreadable):
                    raise
            if last is not None:
                _report(description, last)
            if last is not None and last.succeeded:
                return last
            if last is not None and last.ended:
                raise self._failed(last, description)
        raise self._timed_out(job_id, last, description, timeout)

    @staticmethod
    def _failed(job: Job, description: str) -> JobFailedError:
        detail = "; ".join(job.failing) if job.failing else "no task reported an error"
        return JobFailedError(
            f"job {job.job_id} ({description}) ended {job.status}: {detail}",
            job_id=job.job_id,
            description=description,
            payload=job.payload,
        )

    @staticmethod
    def _timed_out(
        job_id: str, job: Job | None, description: str, timeout: float
    ) -> JobTimeoutError:
        state = "was never readable" if job is None else f"was still {job.status}"
        unfinished = (
            f"; unfinished tasks: {'; '.join(job.unfinished)}" if job and job.unfinished else ""
        )
        return JobTimeoutError(
            f"job {job_id} ({description}) {state} after {timeout:g} s{unfinished}; "
            "raise this resource's `timeouts` to wait longer",
            job_id=job_id,
            description=description,
            payload=None if job is None else job.payload,
        )
