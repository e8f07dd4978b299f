"""Fixtures shared by the provider and example tests: one threaded emulator per session."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_REGION,
    DEFAULT_SECRET_KEY,
    Emulator,
)
from pulumi_servicestage.emulator.servicestage.models import ComponentSpec, ServiceStageBackend
from pulumi_servicestage.testing import container_component

JOB_SECONDS = 0.3


@dataclass
class LiveEmulator:
    emulator: Emulator
    url: str

    @property
    def backend(self) -> ServiceStageBackend:
        return self.emulator.backend()

    def stack_config(self) -> dict[str, str]:
        """Stack configuration that points the providers at this emulator."""
        return {
            "servicestage:region": DEFAULT_REGION,
            "servicestage:projectId": DEFAULT_PROJECT_ID,
            "servicestage:accessKey": DEFAULT_ACCESS_KEY,
            "servicestage:secretKey": DEFAULT_SECRET_KEY,
            "servicestage:endpoint": self.url,
        }


@pytest.fixture(scope="session")
def served_emulator() -> Iterator[LiveEmulator]:
    emulator = Emulator(job_seconds=JOB_SECONDS)
    with emulator.serve() as url:
        yield LiveEmulator(emulator, url)


@pytest.fixture
def live(served_emulator: LiveEmulator) -> LiveEmulator:
    """The session's emulator, emptied, with short jobs."""
    served_emulator.emulator.reset()
    served_emulator.emulator.jobs.default_duration = JOB_SECONDS
    return served_emulator


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
    deadline = time.monotonic() + 20 * JOB_SECONDS
    while live.backend.show_component(application.id, component.id).job_running:
        assert time.monotonic() < deadline, "the deploy job did not end"
        time.sleep(JOB_SECONDS / 5)
    return {"application_id": application.id, "component_id": component.id}
