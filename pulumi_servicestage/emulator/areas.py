"""The service areas the emulator serves beyond ServiceStage's core objects.

Each area is a package laid out like the core (`servicestage`), one job per module, in the spirit
of moto: ``schemas`` (request bodies and their rules), ``state`` (objects and how the API shows
them), ``backend`` (the operations and their rules for one project, built on top of that
project's core `ServiceStageBackend`, whose lock, clock, jobs and objects it shares) and
``responses`` (an API object whose `routes()` read requests, call the backend and shape answers).
Adding an area is one `Area(...)` line in `AREAS`; `Emulator.area(BackendClass, project_id)`
returns its state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from .asm.backend import AsmBackend
from .asm.responses import AsmApi
from .cse.backend import CseBackend
from .cse.responses import CseApi
from .server import Route
from .servicestage.backend import ServiceStageBackend
from .servicestage.configs.backend import ConfigsBackend
from .servicestage.configs.responses import ConfigsApi
from .servicestage.plugins.backend import PluginBackend
from .servicestage.plugins.responses import PluginApi
from .servicestage.release_plans.backend import ReleasePlanBackend
from .servicestage.release_plans.responses import ReleasePlanApi
from .servicestage.repo_authorizations.backend import RepoAuthorizationBackend
from .servicestage.repo_authorizations.responses import RepoAuthorizationApi
from .servicestage.runtime_stacks.backend import RuntimeStackBackend
from .servicestage.runtime_stacks.responses import RuntimeStackApi


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
    Area(CseBackend, CseApi),
    Area(PluginBackend, PluginApi),
    Area(ReleasePlanBackend, ReleasePlanApi),
    Area(RepoAuthorizationBackend, RepoAuthorizationApi),
    Area(RuntimeStackBackend, RuntimeStackApi),
)
