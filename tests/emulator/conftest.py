"""Fixtures for the emulator tests: an emulator on a virtual clock, HTTP clients, seeded
objects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from emulator_support import (
    CAS,
    JOB_SECONDS,
    CreateComponent,
    component_body,
    components_path,
    in_process_client,
    issue_token,
    ok,
)

from pulumi_servicestage.emulator import Emulator
from pulumi_servicestage.emulator.servicestage.backend import ServiceStageBackend
from pulumi_servicestage.testing import VirtualClock


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def emulator(clock: VirtualClock) -> Emulator:
    return Emulator(job_seconds=JOB_SECONDS, clock=clock.wall)


@pytest.fixture
def backend(emulator: Emulator) -> ServiceStageBackend:
    return emulator.backend()


@pytest.fixture
def anonymous(emulator: Emulator) -> Iterator[httpx.Client]:
    """An in-process client that sends no credentials."""
    with in_process_client(emulator) as http:
        yield http


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    """An in-process client authenticated with a token from the emulator's IAM."""
    with in_process_client(emulator) as http:
        http.headers["X-Auth-Token"] = issue_token(http)
        yield http


@pytest.fixture
def live_emulator() -> Iterator[tuple[Emulator, str]]:
    """An emulator on the real clock, served by the threaded server; yields it and its URL."""
    emulator = Emulator(job_seconds=JOB_SECONDS)
    with emulator.serve() as url:
        yield emulator, url


@pytest.fixture
def environment(client: httpx.Client) -> dict[str, Any]:
    body = {
        "name": "dev-env",
        "vpc_id": "0c72428b-cd6c-4283-a560-210d3edb49f7",
        "deploy_mode": "container",
    }
    result: dict[str, Any] = ok(client.post(f"{CAS}/environments", json=body))
    return result


@pytest.fixture
def application(client: httpx.Client) -> dict[str, Any]:
    result: dict[str, Any] = ok(client.post(f"{CAS}/applications", json={"name": "shop"}))
    return result


@pytest.fixture
def create_component(
    client: httpx.Client, environment: dict[str, Any], application: dict[str, Any]
) -> CreateComponent:
    """Create a component in `application`/`environment`; returns ``{"job_id", "component_id"}``."""

    def create(**overrides: Any) -> dict[str, Any]:
        body = component_body(environment["id"], **overrides)
        result: dict[str, Any] = ok(client.post(components_path(application), json=body))
        return result

    return create


@pytest.fixture
def running_component(
    create_component: CreateComponent, clock: VirtualClock, application: dict[str, Any]
) -> dict[str, Any]:
    """A component whose deploy job has succeeded; has ``component_id``, ``job_id``, ``path``."""
    created = create_component()
    clock.advance(JOB_SECONDS)
    path = f"{CAS}/applications/{application['id']}/components/{created['component_id']}"
    return {**created, "path": path}
