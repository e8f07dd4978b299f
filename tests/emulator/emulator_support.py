"""What the emulator tests share besides fixtures: paths, bodies, tokens and response checks.

A module of its own, not conftest, so that test modules import it by a name no other folder of
tests uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from pulumi_servicestage.emulator import (
    DEFAULT_DOMAIN_NAME,
    DEFAULT_PASSWORD,
    DEFAULT_PROJECT_ID,
    DEFAULT_REGION,
    DEFAULT_USER_NAME,
    Emulator,
)

JOB_SECONDS = 0.2


CAS = f"/v3/{DEFAULT_PROJECT_ID}/cas"


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


CreateComponent = Callable[..., dict[str, Any]]


def components_path(application: dict[str, Any]) -> str:
    return f"{CAS}/applications/{application['id']}/components"
