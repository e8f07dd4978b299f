"""Waiting for the jobs a write starts, whatever service runs them.

A job kind (`DeployJobs`: ServiceStage's deployment jobs, `GET /v3/{project_id}/cas/jobs/{id}`;
`EngineJobs`: a CSE engine's jobs, §6.3.6) says where a job is read and how its answer reads;
`JobWaiter` polls any of them the same way, each look chosen from what the last one showed
(`PollPace`), and asks the request budget for it with that urgency (`client.budget.priority`):
every wait of the process goes through its APIs' budgets, which let the due looks go together
within the budget, likeliest ends first.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

from .client import budget
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


@dataclass(frozen=True)
class PollPace:
    """Seconds until the next look at a job, from what the last look showed.

    The first look comes `first_look` seconds after the wait starts: a job just started has
    not ended yet, and a look at once would only show its first task starting.

    A job ends when its last task does. While that task runs (or nothing tells which task
    runs), looks come often: `final_least` seconds apart at first, the gap growing by
    `final_growth` per second the task has run and never shorter than `final_job_share` of the
    time the whole wait has lasted, up to `final_most`: a few seconds late on a job of minutes
    costs little. While an earlier task runs, the job cannot end before the later ones have run
    too, so looks come rarely: after `early_share` of the time the task has run so far (a task
    that has run long is likely to run longer), from `early_least` (just after a task ended,
    when the next may be short) up to `early_most`.

    How long a task has run counts from the first look that saw it running, on this process's
    clock: the service's timestamps come from another clock. With the defaults a job of three
    equal tasks of 5 s in all costs 5 looks and is noticed within 0.2 s of its end; jobs of 1 to
    60 s whose last task takes a tenth to a quarter of them are noticed under 2 s late, and a
    5-minute job costs at most about 11.5 looks a minute. `tests/test_jobs.py` holds the pace to
    these figures on a virtual clock; `bench/job_wait.py` measures them against the emulator.
    """

    first_look: float = 0.3
    final_least: float = 0.4
    final_growth: float = 0.03
    final_job_share: float = 0.015
    final_most: float = 10.0
    early_share: float = 0.16
    early_least: float = 2.0
    early_most: float = 30.0

    def next_look(self, job: Job | None, *, task_running_for: float, waited: float) -> float:
        """Seconds until the next look, after `job` was seen (None: it could not be read) when
        its running task had run `task_running_for` seconds and the wait had lasted `waited`."""
        if job is None or job.running_task is None or job.last_task_running:
            growing = self.final_least + self.final_growth * task_running_for
            return min(self.final_most, max(growing, self.final_job_share * waited))
        return min(self.early_most, max(self.early_least, self.early_share * task_running_for))


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
    #: The task (or stage) running now, by whatever tells it from the others; None when the
    #: answer shows none (a job not started yet, or a service that lists no tasks).
    running_task: str | None = None
    #: Whether the task running now is the job's last: once it ends, so does the job.
    last_task_running: bool = False


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

        ordered = sorted(tasks, key=lambda task: _number(task.get("task_index")))
        running_task, last_task_running = _progress(
            [
                (
                    str(task.get("task_id") or index),
                    str(task.get("task_status") or "").upper() in _TASK_DONE_STATES,
                )
                for index, task in enumerate(ordered)
            ]
        )
        return Job(
            job_id=job_id,
            status=status,
            ended=status == SUCCEEDED or status in FAILED_STATES,
            succeeded=status == SUCCEEDED,
            failing=tasks_in(lambda task_status: task_status in FAILED_STATES),
            unfinished=tasks_in(lambda task_status: task_status != SUCCEEDED),
            payload=payload,
            running_task=running_task,
            last_task_running=last_task_running,
        )


# Task states (表4-369) after which a task no longer holds the job up.
_TASK_DONE_STATES = frozenset({SUCCEEDED, "SKIPPED"})


def _progress(tasks: list[tuple[str, bool]]) -> tuple[str | None, bool]:
    """The running task of tasks in their order, given as (key, whether done), and whether it is
    the last: the first not done. Once all are done the job is about to end: its last task is
    taken to be still running."""
    if not tasks:
        return None, False
    running = next((index for index, (_, done) in enumerate(tasks) if not done), len(tasks) - 1)
    return tasks[running][0], running == len(tasks) - 1


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else float("inf")


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
        running_task, last_task_running = _progress(
            [
                (
                    str(stage.get("id") or stage.get("taskName") or index),
                    str(stage.get("status") or "").lower() == ENGINE_JOB_FINISHED,
                )
                for index, stage in enumerate(stages)
            ]
        )
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
            running_task=running_task,
            last_task_running=last_task_running,
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

    Each look is paced by `pace` from what the last one showed, and sent with that pace as its
    priority among requests waiting for the same budget: a look at a job in its last task goes
    before one at a job in an early task. `sleep` and `clock` are injectable so tests run
    without waiting.
    """

    # A job id returned by a write is sometimes not readable for a moment.
    NOT_FOUND_GRACE_SECONDS = 10.0

    def __init__(
        self,
        client: ApiClient,
        kind: JobKind,
        *,
        pace: PollPace | None = None,
        sleep: Callable[[float], None] = pause,
        clock: Callable[[], float] = now,
    ) -> None:
        self._client = client
        self._kind = kind
        self._pace = pace or PollPace()
        self._sleep = sleep
        self._clock = clock

    def wait(self, job_id: str, *, description: str, timeout: float) -> Job:
        """Wait for `job_id`; `description` says what the job does, for error messages."""
        path = self._kind.path(job_id)
        started = self._clock()
        deadline = started + timeout
        # When each task was first seen running (None: no task shown), for how long it has run.
        running_since: dict[str | None, float] = {}
        last: Job | None = None
        # The first look knows nothing yet, and a job just started is in its first task: under a
        # short budget it goes after every look at a job seen further on.
        gap = self._pace.early_most
        self._sleep(min(self._pace.first_look, timeout))
        while True:
            try:
                with budget.priority(gap):
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
            looked = self._clock()
            if last is not None:
                _report(description, last)
                if last.succeeded:
                    return last
                if last.ended:
                    raise self._failed(last, description)
            task = None if last is None else last.running_task
            gap = self._pace.next_look(
                last,
                task_running_for=looked - running_since.setdefault(task, looked),
                waited=looked - started,
            )
            remaining = deadline - looked
            if remaining <= 0:
                raise self._timed_out(job_id, last, description, timeout)
            # The last look comes at the deadline rather than one gap before it.
            self._sleep(min(gap, remaining))

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


ReadT = TypeVar("ReadT")


@dataclass
class _Read:
    started: float
    done: threading.Event
    answer: Any = None
    error: BaseException | None = None


class SharedReads:
    """Reads that many waits can share: one list call answering every wait for objects of the
    same collection to be gone, instead of one read of each object.

    A wait asks for an answer read no earlier than `since` (its previous look, or the write it
    waits on). The latest read of the key serves it if that read started at or after `since`,
    joining it while it is still under way; otherwise the wait starts a new read, which serves
    those who ask after it.
    """

    def __init__(self, clock: Callable[[], float] = now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._latest: dict[Hashable, _Read] = {}
        self._waits: Counter[Hashable] = Counter()

    @contextmanager
    def waiting(self, key: Hashable) -> Iterator[None]:
        """Count a wait on `key` while the block runs (see `others_waiting`)."""
        with self._lock:
            self._waits[key] += 1
        try:
            yield
        finally:
            with self._lock:
                self._waits[key] -= 1
                if not self._waits[key]:
                    del self._waits[key]
                    self._latest.pop(key, None)

    def others_waiting(self, key: Hashable) -> bool:
        """Whether a wait besides the caller's is counted on `key`: only then is sharing worth
        a list call instead of one object's read."""
        with self._lock:
            return self._waits[key] > 1

    def read(self, key: Hashable, fetch: Callable[[], ReadT], *, since: float) -> ReadT:
        with self._lock:
            latest = self._latest.get(key)
            mine = latest is None or latest.started < since
            if mine:
                latest = self._latest[key] = _Read(self._clock(), threading.Event())
        assert latest is not None
        if mine:
            try:
                latest.answer = fetch()
            except BaseException as error:
                latest.error = error
                raise
            finally:
                latest.done.set()
        else:
            latest.done.wait()
            if latest.error is not None:
                raise latest.error
        answer: ReadT = latest.answer
        return answer


#: The reads every wait of this process shares.
SHARED_READS = SharedReads()
