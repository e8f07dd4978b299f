"""One project's CSE state: its engines, and what each engine serves."""

from __future__ import annotations

from ..servicestage.backend import ServiceStageBackend
from .engines.backend import EngineBackend
from .servicecomb.backend import ServiceCombBackend


class CseBackend:
    def __init__(self, core: ServiceStageBackend):
        self.engines = EngineBackend(core)
        self.servicecomb = ServiceCombBackend(core, engines=self.engines)

    def reset(self) -> None:
        self.servicecomb.reset()
        self.engines.reset()
