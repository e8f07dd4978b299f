"""The rules of engine management in one project: unique names, the flavor catalogue, the jobs
that create and delete engines on the emulator's clock, planned failures and hangs, and what an
engine's own APIs need to know of it."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from ...servicestage.backend import ServiceStageBackend
from ..access import EngineAccess
from .errors import (
    ENGINE_CANNOT_BE_DELETED,
    ENGINE_NAME_EXISTS,
    ENGINE_NOT_FOUND,
    ENGINE_TYPE_INVALID,
    JOB_ID_INVALID,
    JOB_NOT_FOUND,
    REQUEST_PARAMETER_INVALID,
)
from .schemas import (
    ENGINE_TYPES,
    FLAVORS,
    SPEC_TYPES,
    EngineOperation,
    EngineRequest,
    Flavor,
    PlannedOutcome,
)
from .state import (
    DEFAULT_FAILURE_MESSAGES,
    STAGES,
    Engine,
    EngineJob,
    EngineStatus,
    PlannedJob,
)

# Job, task and CCE spec ids are integers (表6-64, 表6-67, 表6-49); the examples' are five digits.
_FIRST_NUMBER = 10001
# Without the header, "the enterprise project is default, with ID 0" (表6-37).
_DEFAULT_ENTERPRISE_ID = "0"
_DEFAULT_ENTERPRISE_NAME = "default"
# Job ids longer than this are no job's (and int() refuses numbers of more than 4300 digits).
_MAX_JOB_ID_DIGITS = 18


class EngineBackend:
    """The exclusive engines of one project. Methods are named after the API operations.

    It shares the project's lock, clock and job duration (`JobBackend.default_duration`) with
    the core backend; every method first applies the end of each job that has ended by now.
    """

    def __init__(self, core: ServiceStageBackend):
        self._core = core
        self._engines: dict[str, Engine] = {}
        self._plans: list[PlannedJob] = []
        self._numbers = itertools.count(_FIRST_NUMBER)

    def reset(self) -> None:
        """Forget every engine, job and plan."""
        with self._core.current_state():
            self._engines.clear()
            self._plans.clear()
            self._numbers = itertools.count(_FIRST_NUMBER)

    # Flavors and engines

    def list_flavors(self, spec_type: str | None) -> tuple[Flavor, ...]:
        """The catalogue; both engine versions offer every flavor (表6-38 ties none to one)."""
        if spec_type is not None and spec_type not in SPEC_TYPES:
            raise ENGINE_TYPE_INVALID.error(f"specType must be CSE or CSE2, not {spec_type!r}")
        return FLAVORS

    def create_engine(
        self, request: EngineRequest, *, user_name: str, enterprise_project_id: str | None = None
    ) -> Engine:
        """Start creating an engine; its create job is the engine's only job.

        Its enterprise project is `enterprise_project_id` (the X-Enterprise-Project-ID header
        of 表6-37), else the body's ``enterpriseProject`` (the SDK's), else the default one.
        """
        in_body = request.enterprise_project
        enterprise_id = enterprise_project_id or (in_body and in_body.id) or _DEFAULT_ENTERPRISE_ID
        enterprise_name = (in_body and in_body.name) or (
            _DEFAULT_ENTERPRISE_NAME if enterprise_id == _DEFAULT_ENTERPRISE_ID else ""
        )
        with self._core.current_state():
            self._settle()
            if any(engine.name == request.name for engine in self._engines.values()):
                raise ENGINE_NAME_EXISTS.error(f"engine name {request.name} is already used")
            engine = Engine(
                id=str(uuid.uuid4()),
                project_id=self._core.project_id,
                region=self._core.project_name,
                request=request,
                enterprise_project_id=enterprise_id,
                enterprise_project_name=enterprise_name,
                create_user=user_name,
                created_at=self._core.now(),
                cce_spec_id=next(self._numbers),
                cluster_id=str(uuid.uuid4()),
                node_ids=tuple(str(uuid.uuid4()) for _ in request.availability_zones),
            )
            self._start_job(engine, EngineOperation.CREATE, user_name)
            self._engines[engine.id] = engine
            return engine

    def list_engines(self, engine_type: str | None) -> list[Engine]:
        """The project's engines of `engine_type` (all of them are exclusive, CSE), newest
        first."""
        if engine_type is not None and engine_type not in ENGINE_TYPES:
            raise REQUEST_PARAMETER_INVALID.error(
                f"type must be CSE or CSE_SHARE, not {engine_type!r}"
            )
        with self._core.current_state():
            self._settle()
            if engine_type == "CSE_SHARE":
                return []
            # Engines are kept in the order they were created.
            return list(reversed(self._engines.values()))

    def show_engine(self, engine_id: str) -> Engine:
        with self._core.current_state():
            self._settle()
            return self._engine(engine_id)

    def delete_engine(self, engine_id: str, *, user_name: str) -> EngineJob:
        """Start deleting an engine: it is gone once its delete job has finished."""
        with self._core.current_state():
            self._settle()
            engine = self._engine(engine_id)
            if not engine.deletable:
                raise ENGINE_CANNOT_BE_DELETED.error(
                    f"engine {engine.name} is {engine.status.value}"
                )
            return self._start_job(engine, EngineOperation.DELETE, user_name)

    def show_engine_job(self, engine_id: str, job_id: str) -> dict[str, Any]:
        """The job as the API shows it now (表6-64)."""
        with self._core.current_state():
            self._settle()
            engine = self._engine(engine_id)
            if not (job_id.isascii() and job_id.isdigit()) or len(job_id) > _MAX_JOB_ID_DIGITS:
                raise JOB_ID_INVALID.error(f"job id {job_id!r} is not an integer")
            job = engine.jobs.get(int(job_id))
            if job is None:
                raise JOB_NOT_FOUND.error(f"engine {engine.name} has no job {job_id}")
            return job.to_dict(self._core.now())

    # What an engine's own APIs need to know (`access.EngineDirectory`)

    def engine_access(self, engine_id: str) -> EngineAccess | None:
        with self._core.current_state():
            self._settle()
            engine = self._engines.get(engine_id)
            return None if engine is None else engine.access()

    # Controls for tests

    def plan(
        self,
        operation: EngineOperation | str,
        outcome: PlannedOutcome | str = PlannedOutcome.FAILED,
        *,
        message: str | None = None,
        engine_name: str | None = None,
    ) -> None:
        """Make the next `operation` job (of the engine called `engine_name`) fail, with
        `message` in its failing task's log, or hang in its working stage."""
        kind = EngineOperation(operation)
        planned = PlannedJob(
            operation=kind,
            outcome=PlannedOutcome(outcome),
            message=message or DEFAULT_FAILURE_MESSAGES[kind],
            engine_name=engine_name,
        )
        with self._core.current_state():
            self._plans.append(planned)

    def planned(self) -> list[PlannedJob]:
        """Plans not yet taken by a job, in the order jobs will take them."""
        with self._core.current_state():
            return list(self._plans)

    def clear_plans(self) -> None:
        with self._core.current_state():
            self._plans.clear()

    # Helpers

    def _start_job(self, engine: Engine, operation: EngineOperation, user_name: str) -> EngineJob:
        job = EngineJob(
            id=next(self._numbers),
            engine_id=engine.id,
            engine_name=engine.name,
            operation=operation,
            create_user=user_name,
            started_at=self._core.now(),
            duration=self._core.jobs.default_duration,
            task_ids=tuple(next(self._numbers) for _ in STAGES[operation]),
            plan=self._take_plan(operation, engine.name),
        )
        engine.jobs[job.id] = job
        engine.pending = job
        engine.status = (
            EngineStatus.CREATING if operation is EngineOperation.CREATE else EngineStatus.DELETING
        )
        return job

    def _take_plan(self, operation: EngineOperation, engine_name: str) -> PlannedJob | None:
        for index, planned in enumerate(self._plans):
            if planned.applies_to(operation, engine_name):
                return self._plans.pop(index)
        return None

    def _settle(self) -> None:
        """Apply the end of every job that has ended by now to its engine."""
        now = self._core.now()
        for engine in list(self._engines.values()):
            job = engine.pending
            ends_at = None if job is None else job.ends_at
            if job is None or ends_at is None or now < ends_at:
                continue
            engine.pending = None
            if job.operation is EngineOperation.CREATE:
                engine.status = EngineStatus.CREATE_FAILED if job.failed else EngineStatus.AVAILABLE
            elif job.failed:
                engine.status = EngineStatus.DELETE_FAILED
            else:
                del self._engines[engine.id]

    def _engine(self, engine_id: str) -> Engine:
        engine = self._engines.get(engine_id)
        if engine is None:
            raise ENGINE_NOT_FOUND.error(f"engine {engine_id} not found")
        return engine
