"""CSE's HTTP API: the engine-management routes and the routes of what each engine serves."""

from __future__ import annotations

from collections.abc import Callable

from ..server import Route
from .backend import CseBackend
from .engines.responses import EngineApi
from .servicecomb.responses import ServiceCombApi


class CseApi:
    def __init__(self, backend_for: Callable[[str], CseBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        engines = EngineApi(lambda project_id: self._backend_for(project_id).engines)
        servicecomb = ServiceCombApi(lambda project_id: self._backend_for(project_id).servicecomb)
        return [*engines.routes(), *servicecomb.routes()]
