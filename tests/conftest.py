"""Fixtures shared by the provider and example tests: a served emulator on real time and one on
virtual time per session. Tests run on virtual time unless marked `real_time`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from pulumi_servicestage.client import clock
from pulumi_servicestage.emulator import (
    Emulator,
)
from pulumi_servicestage.emulator.servicestage.backend import ServiceStageBackend
from pulumi_servicestage.emulator.servicestage.schemas import ComponentSpec
from pulumi_servicestage.testing import VirtualClock, container_component

JOB_SECONDS = 0.3


@dataclass
class LiveEmulator:
    """A served emulator, and the virtual clock it runs on (None: real time)."""

    emulator: Emulator
    url: str
    clock: VirtualClock | None = None

    @property
    def backend(self) -> ServiceStageBackend:
        return self.emulator.backend()

    def stack_config(self) -> dict[str, str]:
        """Stack configuration that points the providers at this emulator."""
        return Emulator.stack_config(self.url)

    def now(self) -> float:
        """Seconds on the clock the emulator's jobs run on."""
        return time.monotonic() if self.clock is None else self.clock.now()

    def let_pass(self, seconds: float) -> None:
        """Let `seconds` pass for the emulator's jobs: slept in real time, advanced in virtual."""
        if self.clock is None:
            time.sleep(seconds)
        else:
            self.clock.advance(seconds)

    def until(self, condition: Callable[[], bool], *, within: float = 20 * JOB_SECONDS) -> None:
        """Let time pass in small steps until `condition()` holds."""
        deadline = self.now() + within
        while not condition():
            assert self.now() < deadline, "the emulator never got there"
            self.let_pass(JOB_SECONDS / 5)


@pytest.fixture(scope="session")
def served_emulator() -> Iterator[LiveEmulator]:
    """An emulator on real time, for tests that drive the real provider host."""
    emulator = Emulator(job_seconds=JOB_SECONDS)
    with emulator.serve() as url:
        yield LiveEmulator(emulator, url)


@pytest.fixture(scope="session")
def virtual_emulator() -> Iterator[LiveEmulator]:
    """An emulator on a virtual clock, for tests of logic run in this process."""
    virtual = VirtualClock()
    emulator = Emulator(job_seconds=JOB_SECONDS, clock=virtual.wall)
    with emulator.serve() as url:
        yield LiveEmulator(emulator, url, virtual)


@pytest.fixture
def live(request: pytest.FixtureRequest) -> Iterator[LiveEmulator]:
    """The session's emulator, emptied, with short jobs: on virtual time, made the package's
    clock for the test, unless the test is marked `real_time`."""
    real = request.node.get_closest_marker("real_time") is not None
    chosen: LiveEmulator = request.getfixturevalue(
        "served_emulator" if real else "virtual_emulator"
    )
    chosen.emulator.reset()
    chosen.emulator.jobs.default_duration = JOB_SECONDS
    if chosen.clock is None:
        yield chosen
        return
    with clock.use(chosen.clock):
        yield chosen


@pytest.fixture
def job_seconds() -> float:
    return JOB_SECONDS


@pytest.fixture
def deployed_component(live: LiveEmulator) -> dict[str, str]:
    """A RUNNING container component of the live emulator: its application_id and component_id."""
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    application = live.backend.create_application(name="shop", creator="tests")
    spec = ComponentSpec.model_validate(container_component(environment.id, replica=2))
    component = live.backend.create_component(application.id, spec, creator="tests")
    live.until(lambda: not live.backend.show_component(application.id, component.id).job_running)
    return {"application_id": application.id, "component_id": component.id}
