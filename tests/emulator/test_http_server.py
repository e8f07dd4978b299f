"""The WSGI app and the threaded server: routing, headers, errors, concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from emulator_support import CAS, component_body, components_path, error_of, issue_token, ok

from pulumi_servicestage.client.signing import AkSkAuth
from pulumi_servicestage.emulator import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, Emulator
from pulumi_servicestage.emulator.servicestage.backend import ServiceStageBackend

CLIENTS = 40


def test_response_headers(client: httpx.Client) -> None:
    first = client.get(f"{CAS}/environments")
    second = client.get(f"{CAS}/environments")

    assert first.headers["Content-Type"] == "application/json;charset=utf8"
    assert len(first.headers["X-Request-Id"]) == 32
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]


def test_unknown_api(client: httpx.Client) -> None:
    response = client.get(f"{CAS}/pipelines")

    code, message = error_of(response, 404)
    assert code == "APIGW.0101"
    assert message == "The API does not exist or has not been published in the environment."
    assert response.json()["request_id"] == response.headers["X-Request-Id"]


def test_unknown_method(client: httpx.Client) -> None:
    response = client.patch(f"{CAS}/environments", json={})

    assert error_of(response, 404)[0] == "APIGW.0101"


def test_internal_error(
    client: httpx.Client, backend: ServiceStageBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_: Any) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(backend, "list_applications", broken)

    response = client.get(f"{CAS}/applications")

    assert error_of(response, 500) == ("SVCSTG.00100500", "service internal error")


def test_threaded_server(live_emulator: tuple[Emulator, str]) -> None:
    emulator, url = live_emulator
    with httpx.Client(base_url=url) as http:
        http.headers["X-Auth-Token"] = issue_token(http)
        environment = ok(http.post(f"{CAS}/environments", json={"name": "dev", "vpc_id": "v"}))
        application = ok(http.post(f"{CAS}/applications", json={"name": "shop"}))

    def deploy(index: int) -> str:
        # A client of its own per thread, as separate processes would have.
        with httpx.Client(
            base_url=url, auth=AkSkAuth(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY)
        ) as own:
            body = component_body(environment["id"], name=f"component-{index}")
            created = ok(own.post(components_path(application), json=body))
            ok(own.get(f"{CAS}/jobs/{created['job_id']}"))
            return str(created["component_id"])

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        component_ids = list(pool.map(deploy, range(CLIENTS)))

    assert len(set(component_ids)) == CLIENTS
    assert emulator.backend().list_components().count == CLIENTS
    counts = emulator.request_counts()
    assert counts["POST /v3/{project_id}/cas/applications/{application_id}/components"] == CLIENTS
    assert counts["GET /v3/{project_id}/cas/jobs/{job_id}"] == CLIENTS


def test_threaded_server__signed_query_as_sent(live_emulator: tuple[Emulator, str]) -> None:
    _, url = live_emulator
    auth = AkSkAuth(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY)
    with httpx.Client(base_url=url, auth=auth) as http:
        ok(http.post(f"{CAS}/environments", json={"name": "env-1", "vpc_id": "v"}))
        # The signature covers the query exactly as it went over the wire.
        listed = ok(http.get(f"{CAS}/environments", params={"name": "env-1", "order": "asc"}))
        unicode = ok(http.get(f"{CAS}/environments", params={"name": "环境 1/2"}))

    assert listed["count"] == 1
    assert unicode["count"] == 0
