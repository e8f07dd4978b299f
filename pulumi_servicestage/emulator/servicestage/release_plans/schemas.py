"""The create and edit body of release tasks: the task's settings and its components, each a
component specification with its batch and placement."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from ..schemas import ComponentSpec, RequestBody


class PlanComponent(ComponentSpec):
    """An entry of a release task: a component's specification, its batch and where it goes.

    Fields the core component model does not know are kept, so the task shows back what it was
    given.
    """

    model_config = ConfigDict(strict=True, extra="allow")

    seq: int = Field(ge=1)
    application_id: str = Field(min_length=1)
    component_id: str | None = None
    workload_name: str | None = None
    create_mode: str | None = None

    def component_spec(self) -> ComponentSpec:
        """The part the component operations take."""
        placement = {"seq", "application_id", "component_id", "workload_name", "create_mode"}
        return ComponentSpec.model_validate(self.model_dump(exclude_unset=True, exclude=placement))


class ReleasePlanBody(RequestBody):
    """The create and edit body (edit page, Table 3)."""

    name: str = Field(min_length=1)
    desc: str | None = None
    fail_strategy: Literal["continue", "stop"] | None = None
    components: list[PlanComponent] = Field(min_length=1)
