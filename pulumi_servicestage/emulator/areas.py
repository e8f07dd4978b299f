"""The service areas the emulator serves beyond ServiceStage's core objects.

Each area keeps its state for one project in a backend built on top of that project's core
`ServiceStageBackend` (whose lock, clock, jobs and objects it shares), and serves it through an
API object whose `routes()` read requests and call the backend, in the spirit of moto. Adding an
area is one `Area(...)` line in `AREAS`; `Emulator.area(BackendClass, project_id)` returns its
state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from .asm import AsmApi, AsmBackend
from .server import Route
from .servicestage.configs import ConfigsApi, ConfigsBackend
from .servicestage.models import ServiceStageBackend
from .servicestage.plugins import PluginApi, PluginBackend
from .servicestage.release_plans import ReleasePlanApi, ReleasePlanBackend
from .servicestage.repo_authorizations import RepoAuthorizationApi, RepoAuthorizationBackend
from .servicestage.runtime_stacks import RuntimeStackApi, RuntimeStackBackend


class AreaBackend(Protocol):
    def reset(self) -> None:
        """Forget every object of the area (the emulator's reset)."""


class AreaApi(Protocol):
    def routes(self) -> list[Route]: ...


BackendT = TypeVar("BackendT", bound=AreaBackend)


@dataclass(frozen=True)
class Area(Generic[BackendT]):
    #: Builds one project's state of the area from the project's core backend.
    backend: Callable[[ServiceStageBackend], BackendT]
    #: Builds the area's HTTP API from a function that finds a project's state.
    api: Callable[[Callable[[str], BackendT]], AreaApi]


AREAS: tuple[Area[Any], ...] = (
    Area(AsmBackend, AsmApi),
    Area(ConfigsBackend, ConfigsApi),
    Area(PluginBackend, PluginApi),
    Area(ReleasePlanBackend, ReleasePlanApi),
    Area(RepoAuthorizationBackend, RepoAuthorizationApi),
    Area(RuntimeStackBackend, RuntimeStackApi),
)
