"""The release tasks of one project, what their latest execution and rollback did to each
component, and how the API shows a task."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ...jobs import ExecutionStatus
from ..schemas import ComponentSpec, answered_spellings
from ..state import hide_credentials
from .schemas import DEFAULT_CUSTOM_METRIC, DEFAULT_PROBE, PlanComponent


class PlanStatus(str, Enum):
    """Release task statuses: the list page's enum, plus the two of a task at work."""

    CREATED = "CREATED"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    PARTIALLY_FAILED = "PARTIALLY_FAILED"
    ABORTED = "ABORTED"
    ROLLBACKING = "ROLLBACKING"
    ROLLBACK_SUCCEED = "ROLLBACK_SUCCEED"
    ROLLBACK_FAILED = "ROLLBACK_FAILED"


# An entry's release records the status of its jobs as the jobs API spells it.
SUCCEEDED, FAILED = ExecutionStatus.SUCCEEDED.value, ExecutionStatus.FAILED.value
# What 000's example shows for an entry that set no probe or custom metric.
_DEFAULTS = {
    "liveness_probe": DEFAULT_PROBE,
    "readiness_probe": DEFAULT_PROBE,
    "startup_probe": DEFAULT_PROBE,
    "custom_metric": DEFAULT_CUSTOM_METRIC,
}


@dataclass
class ComponentRelease:
    """What the latest execution, and the rollback after it, did to one entry's component."""

    version: str
    start_time: int
    component_id: str | None = None
    created_component: bool = False
    # The specification an upgrade replaced, which a rollback restores.
    previous_spec: ComponentSpec | None = None
    job_id: str | None = None
    # Set once the job has ended, or at once when the component operation was refused.
    job_status: str | None = None
    end_time: int = 0
    fail_message: str | None = None
    rollback_job_id: str | None = None
    rollback_job_status: str | None = None
    rollback_start_time: int = 0
    rollback_end_time: int = 0
    rollback_fail_message: str | None = None

    @property
    def ended(self) -> bool:
        return self.job_status is not None

    @property
    def succeeded(self) -> bool:
        return self.job_status == SUCCEEDED

    @property
    def changed_component(self) -> bool:
        """Whether a job worked on the component, so that a rollback has something to undo."""
        return self.job_id is not None


@dataclass
class PlanEntry:
    spec: PlanComponent
    component_id: str | None
    #: The entry's application: as sent, or the application of the component it names.
    application_id: str
    release: ComponentRelease | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def to_dict(self) -> dict[str, Any]:
        """The entry as GET shows it: as sent, without credentials, with the default probes
        and custom metric of 000's example where it set none, and its application."""
        shown = self.spec.model_dump(
            mode="json", by_alias=True, exclude_unset=True, exclude={"component_id"}
        )
        answered_spellings(hide_credentials(shown))
        for key, default in _DEFAULTS.items():
            if shown.get(key) is None:
                shown[key] = copy.deepcopy(default)
        shown["application_id"] = self.application_id
        if self.component_id is not None:
            shown["component_id"] = shown["id"] = self.component_id
        return shown


@dataclass
class ReleasePlan:
    id: str
    name: str
    desc: str
    fail_strategy: str
    entries: list[PlanEntry]
    creator: str
    create_time: int
    sequence: int
    status: PlanStatus = PlanStatus.CREATED
    modify_time: int = 0
    execute_time: int = 0
    #: The `seq` of the batch being released.
    batch: int | None = None
    abort_requested: bool = False

    @property
    def action(self) -> str:
        return "upgrade" if all(entry.component_id for entry in self.entries) else "create"

    @property
    def batches(self) -> list[int]:
        return sorted({entry.spec.seq for entry in self.entries})

    def entries_in(self, seq: int) -> list[PlanEntry]:
        return [entry for entry in self.entries if entry.spec.seq == seq]

    def to_summary(self) -> dict[str, Any]:
        """A task as the list shows it."""
        return {
            "id": self.id,
            "name": self.name,
            "action": self.action,
            "status": self.status.value,
            "create_time": self.create_time,
            "modify_time": self.modify_time,
            "execute_time": self.execute_time,
            "creator": self.creator,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.to_summary(),
            # 000 Table 3; lanes are not emulated, so a task has none.
            "swimlane_id": None,
            "desc": self.desc,
            "fail_strategy": self.fail_strategy,
            "components": [entry.to_dict() for entry in self.entries],
        }
