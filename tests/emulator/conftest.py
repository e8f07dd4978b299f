"""Fixtures for the emulator tests: an emulator on a fake clock, HTTP clients, seeded objects."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from pulumi_servicestage.emulator import (
    DEFAULT_DOMAIN_NAME,
    DEFAULT_PASSWORD,
    DEFAULT_PROJECT_ID,
    DEFAULT_REGION,
    DEFAULT_USER_NAME,
    Emulator,
)
from pulumi_servicestage.emulator.servicestage.backend import ServiceStageBackend

JOB_SECONDS = 0.2
CAS = f"/v3/{DEFAULT_PROJECT_ID}/cas"


class FakeClock:
    """Epoch seconds that move only when a test says so; starts at the real time."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def token_request(
    *,
    user: str = DEFAULT_USER_NAME,
    password: str = DEFAULT_PASSWORD,
    domain: str = DEFAULT_DOMAIN_NAME,
    project: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {"name": user, "password": password, "domain": {"name": domain}}
                },
            },
            "scope": {"project": project or {"name": DEFAULT_REGION}},
        }
    }


def issue_token(http: httpx.Client, **scope: Any) -> str:
    response = http.post("/v3/auth/tokens", json=token_request(**scope))
    assert response.status_code == 201, response.text
    return response.headers["X-Subject-Token"]


def in_process_client(emulator: Emulator) -> httpx.Client:
    transport = httpx.WSGITransport(app=emulator.wsgi_app)
    return httpx.Client(transport=transport, base_url="http://servicestage.emulator")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> Emulator:
    return Emulator(job_seconds=JOB_SECONDS, clock=clock)


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


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def error_of(response: httpx.Response, status: int) -> tuple[str, str]:
    """The error code and message of an error answer with the given status."""
    assert response.status_code == status, response.text
    body = response.json()
    return body["error_code"], body["error_msg"]


def component_body(environment_id: str, /, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "web",
        "runtime_stack": {
            "name": "OpenJDK8",
            "type": "Java",
            "version": "1.2.0",
            "deploy_mode": "container",
        },
        "source": {
            "kind": "package",
            "url": "obs://bucket0001/weather-1.0.0.jar",
            "storage": "obs",
        },
        "version": "2023.1102.17105",
        "replica": 2,
        "environment_id": environment_id,
        "refer_resources": [{"id": "fd92bfab-73b3-11ee-90f0-0255ac1001b3", "type": "cce"}],
        "limit_cpu": 0.25,
        "limit_memory": 0.5,
        "labels": [{"key": "com-key", "value": "com-value"}],
    }
    body.update(overrides)
    return body


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


CreateComponent = Callable[..., dict[str, Any]]


def components_path(application: dict[str, Any]) -> str:
    return f"{CAS}/applications/{application['id']}/components"


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
    create_component: CreateComponent, clock: FakeClock, application: dict[str, Any]
) -> dict[str, Any]:
    """A component whose deploy job has succeeded; has ``component_id``, ``job_id``, ``path``."""
    created = create_component()
    clock.advance(JOB_SECONDS)
    path = f"{CAS}/applications/{application['id']}/components/{created['component_id']}"
    return {**created, "path": path}
