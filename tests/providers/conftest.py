"""Providers driven through the real dynamic provider host, against a threaded emulator."""

from __future__ import annotations

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
from pulumi_servicestage.emulator.servicestage.models import ServiceStageBackend
from pulumi_servicestage.testing import ProviderHost

JOB_SECONDS = 0.3


@dataclass
class LiveEmulator:
    emulator: Emulator
    url: str

    @property
    def backend(self) -> ServiceStageBackend:
        return self.emulator.backend()

    def stack_config(self) -> dict[str, str]:
        return {
            "servicestage:region": DEFAULT_REGION,
            "servicestage:projectId": DEFAULT_PROJECT_ID,
            "servicestage:accessKey": DEFAULT_ACCESS_KEY,
            "servicestage:secretKey": DEFAULT_SECRET_KEY,
            "servicestage:endpoint": self.url,
        }


@pytest.fixture(scope="session")
def live() -> Iterator[LiveEmulator]:
    emulator = Emulator(job_seconds=JOB_SECONDS)
    with emulator.serve() as url:
        yield LiveEmulator(emulator, url)


@pytest.fixture
def job_seconds() -> float:
    return JOB_SECONDS


@pytest.fixture(autouse=True)
def fresh_emulator(live: LiveEmulator) -> None:
    live.emulator.reset()
    live.emulator.jobs.default_duration = JOB_SECONDS


@pytest.fixture(scope="session")
def host(live: LiveEmulator) -> Iterator[ProviderHost]:
    with ProviderHost() as running:
        running.configure(
            live.stack_config(),
            secret_keys=["servicestage:accessKey", "servicestage:secretKey"],
        )
        yield running
