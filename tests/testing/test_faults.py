"""The fault-injecting proxy, in front of a real emulator: what each fault does on the wire."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import httpx
import pytest

from pulumi_servicestage.client.errors import APIStatusError
from pulumi_servicestage.client.http import ApiClient, RetryPolicy
from pulumi_servicestage.client.signing import AkSkAuth
from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_KEY,
    Emulator,
)
from pulumi_servicestage.testing.faults import FAULTS, FaultMix, FaultName, FaultProxy, ProxyEvent

ENVIRONMENTS = f"/v3/{DEFAULT_PROJECT_ID}/cas/environments"
APPLICATIONS = f"/v3/{DEFAULT_PROJECT_ID}/cas/applications"
DISCONNECTED = (httpx.RemoteProtocolError, httpx.ReadError)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Emulator, str]]:
    emulator = Emulator(job_seconds=0.2)
    with emulator.serve() as url:
        yield emulator, url


@pytest.fixture
def emulator(served: tuple[Emulator, str]) -> Emulator:
    """The module's emulator, emptied."""
    served[0].reset()
    return served[0]


@pytest.fixture
def upstream(served: tuple[Emulator, str], emulator: Emulator) -> str:
    """The URL of the emulator, which is emptied first like `emulator`."""
    return served[1]


@contextmanager
def signed_client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=base_url, auth=AkSkAuth(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY), timeout=5.0
    ) as client:
        yield client


@contextmanager
def proxied(upstream: str, mix: FaultMix, seed: int = 0) -> Iterator[tuple[FaultProxy, str]]:
    proxy = FaultProxy(upstream, mix=mix, seed=seed)
    with proxy.serve() as url:
        yield proxy, url


def application_names(emulator: Emulator) -> list[str]:
    return [application.name for application in emulator.backend().list_applications().items]


def outcomes(url: str, requests: int) -> list[int | str]:
    """The status of each of `requests` signed GETs from one thread, or "dropped"."""
    seen: list[int | str] = []
    with signed_client(url) as client:
        for _ in range(requests):
            try:
                seen.append(client.get(ENVIRONMENTS).status_code)
            except DISCONNECTED:
                seen.append("dropped")
    return seen


def test_without_faults_signed_requests_pass_through_with_their_host(
    emulator: Emulator, upstream: str
) -> None:
    with proxied(upstream, FaultMix.none()) as (proxy, url):
        # The proxy's port differs from the emulator's, so the signed Host differs too: the
        # emulator accepts the signature only if the proxy kept Host as the client sent it.
        api = ApiClient(
            url,
            auth=AkSkAuth(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY),
            retry=RetryPolicy(max_retries=0),
        )
        try:
            created = api.post(APPLICATIONS, {"name": "shop"})
            listed = api.get(ENVIRONMENTS, params={"limit": 5})
        finally:
            api.close()

    assert created["name"] == "shop"
    assert listed["count"] == 0
    assert application_names(emulator) == ["shop"]
    assert proxy.events == [
        ProxyEvent("POST", APPLICATIONS, None, 200),
        ProxyEvent("GET", ENVIRONMENTS, None, 200),
    ]


def test_an_unsigned_request_is_refused_by_the_emulator_not_the_proxy(upstream: str) -> None:
    with proxied(upstream, FaultMix.none()) as (_, url):
        response = httpx.get(url + ENVIRONMENTS)

    assert response.status_code == 401
    assert response.json()["error_code"].startswith("APIGW.")


def test_server_errors_answer_in_the_shape_of_their_service(
    emulator: Emulator, upstream: str
) -> None:
    with (
        proxied(upstream, FaultMix.only("server_error"), seed=3) as (proxy, url),
        signed_client(url) as client,
    ):
        responses = [client.get(ENVIRONMENTS) for _ in range(16)]

    assert {response.status_code for response in responses} == {500, 502, 503, 504}
    for response in responses:
        body = response.json()
        assert int(response.headers["Content-Length"]) == len(response.content)
        if response.status_code in (500, 503):
            assert body.keys() == {"error_code", "error_msg"}
            assert body["error_code"] == "SVCSTG.00100500"
        else:
            assert body.keys() == {"error_code", "error_msg", "request_id"}
            assert body["error_code"] == "APIGW.0201"
            assert int(body["request_id"], 16) >= 0
    assert [event.status for event in proxy.events] == [r.status_code for r in responses]
    assert emulator.request_counts() == {}


def test_throttling_answers_429_with_retry_after(emulator: Emulator, upstream: str) -> None:
    mix = replace(FaultMix.only("throttle"), retry_after_seconds=2.5)
    with proxied(upstream, mix) as (_, url), signed_client(url) as client:
        response = client.post(APPLICATIONS, json={"name": "shop"})

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2.5"
    body = response.json()
    assert body["error_code"] == "APIGW.0308"
    assert body["error_msg"].startswith("The throttling threshold has been reached")
    assert body["request_id"] == response.headers["X-Request-Id"]
    assert application_names(emulator) == []


def test_throttling_defaults_to_one_second_and_reaches_the_client_as_an_api_error(
    upstream: str,
) -> None:
    with proxied(upstream, FaultMix.only("throttle")) as (_, url):
        api = ApiClient(
            url,
            auth=AkSkAuth(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY),
            retry=RetryPolicy(max_retries=0),
        )
        try:
            with pytest.raises(APIStatusError) as raised:
                api.get(ENVIRONMENTS)
        finally:
            api.close()

    assert raised.value.status_code == 429
    assert raised.value.error_code == "APIGW.0308"


def test_drop_before_disconnects_and_the_service_never_sees_the_request(
    emulator: Emulator, upstream: str
) -> None:
    with (
        proxied(upstream, FaultMix.only("drop_before")) as (proxy, url),
        signed_client(url) as client,
        pytest.raises(DISCONNECTED),
    ):
        client.post(APPLICATIONS, json={"name": "shop"})

    assert application_names(emulator) == []
    assert emulator.request_counts() == {}
    assert proxy.events == [ProxyEvent("POST", APPLICATIONS, "drop_before", None)]


def test_drop_after_disconnects_once_the_service_has_acted(
    emulator: Emulator, upstream: str
) -> None:
    with (
        proxied(upstream, FaultMix.only("drop_after")) as (proxy, url),
        signed_client(url) as client,
        pytest.raises(DISCONNECTED),
    ):
        client.post(APPLICATIONS, json={"name": "shop"})

    assert application_names(emulator) == ["shop"]
    assert proxy.events == [ProxyEvent("POST", APPLICATIONS, "drop_after", None)]


def test_bad_gateway_after_answers_502_once_the_service_has_acted(
    emulator: Emulator, upstream: str
) -> None:
    with (
        proxied(upstream, FaultMix.only("bad_gateway_after")) as (proxy, url),
        signed_client(url) as client,
    ):
        response = client.post(APPLICATIONS, json={"name": "shop"})

    assert response.status_code == 502
    assert response.json()["error_code"] == "APIGW.0201"
    assert application_names(emulator) == ["shop"]
    assert proxy.events == [ProxyEvent("POST", APPLICATIONS, "bad_gateway_after", 502)]


def test_control_routes_are_never_faulted(emulator: Emulator, upstream: str) -> None:
    every_fault = FaultMix(0.2, 0.2, 0.2, 0.2, 0.2)
    with proxied(upstream, every_fault) as (proxy, url), httpx.Client(base_url=url) as client:
        statuses = [client.post("/_emulator/reset").status_code for _ in range(10)]
        settings = client.put("/_emulator/jobs/settings", json={"default_duration": 0.5})
        stats = client.get("/_emulator/stats", params={"verbose": "1"})

    assert statuses == [204] * 10
    assert settings.json() == {"default_duration": 0.5}
    assert stats.status_code == 200
    assert emulator.jobs.default_duration == 0.5
    assert {event.fault for event in proxy.events} == {None}
    assert proxy.events[-1] == ProxyEvent("GET", "/_emulator/stats", None, 200)


def test_a_chunked_request_body_is_forwarded_whole(emulator: Emulator, upstream: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"default_duration":'
        yield b" 0.75}"

    with proxied(upstream, FaultMix.none()) as (_, url):
        response = httpx.put(url + "/_emulator/jobs/settings", content=chunks())

    assert response.status_code == 200
    assert emulator.jobs.default_duration == 0.75


def test_connections_are_kept_alive_until_a_drop_closes_one(upstream: str) -> None:
    def client_address(client: httpx.Client) -> object:
        # While the answer's connection is still open: the client's end of it.
        response = client.get(ENVIRONMENTS)
        assert response.status_code == 200
        return response.extensions["network_stream"].get_extra_info("client_addr")

    with proxied(upstream, FaultMix.none()) as (proxy, url), signed_client(url) as client:
        first, second = client_address(client), client_address(client)
        proxy.mix = FaultMix.only("drop_before")
        with pytest.raises(DISCONNECTED):
            client.get(ENVIRONMENTS)
        proxy.mix = FaultMix.none()
        third = client_address(client)

    assert first == second
    assert third != first


def test_one_client_thread_meets_the_same_faults_for_the_same_seed(upstream: str) -> None:
    runs = []
    for seed in (11, 11, 12):
        with proxied(upstream, FaultMix(), seed=seed) as (proxy, url):
            seen = outcomes(url, 60)
        runs.append((seen, [event.fault for event in proxy.events]))

    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    seen, faults = runs[0]
    assert set(faults) > {None, "server_error", "throttle"}
    for outcome, fault in zip(seen, faults, strict=True):
        if fault is None:
            assert outcome == 200
        elif fault.startswith("drop"):
            assert outcome == "dropped"
        else:
            assert outcome in (429, 500, 502, 503, 504)


def test_events_counts_and_clear(upstream: str) -> None:
    half_and_half = replace(FaultMix.none(), server_error=0.5, throttle=0.5)
    with proxied(upstream, half_and_half) as (proxy, url):
        seen = outcomes(url, 20)
        counts = proxy.counts()
        events = proxy.events
        proxy.clear()
        outcomes(url, 1)

        assert len(proxy.events) == 1

    assert list(counts) == list(FAULTS)
    assert counts["server_error"] + counts["throttle"] == 20
    assert counts["throttle"] == seen.count(429)
    assert counts["drop_before"] == counts["drop_after"] == counts["bad_gateway_after"] == 0
    assert [event.status for event in events] == seen
    assert all(event.method == "GET" and event.path == ENVIRONMENTS for event in events)


def test_an_unreachable_upstream_answers_502() -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        closed_port = placeholder.getsockname()[1]

    with proxied(f"http://127.0.0.1:{closed_port}", FaultMix.none()) as (proxy, url):
        response = httpx.get(url + ENVIRONMENTS)

    assert response.status_code == 502
    assert response.json()["error_code"] == "APIGW.0201"
    assert proxy.events == [ProxyEvent("GET", ENVIRONMENTS, None, 502)]


def test_leaving_serve_closes_the_port_and_open_connections(upstream: str) -> None:
    with signed_client("") as client:
        with proxied(upstream, FaultMix.none()) as (_, url):
            port = int(url.rsplit(":", 1)[1])
            assert client.get(url + ENVIRONMENTS).status_code == 200
            # The client keeps its connection open; serve must not wait for it to go away.
            started = time.monotonic()
        stop_seconds = time.monotonic() - started

        # The kept-alive connection was closed, so the client has to connect anew, and cannot.
        with pytest.raises(httpx.ConnectError):
            client.get(url + ENVIRONMENTS)

    assert stop_seconds < 1.0
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
        pass
    assert not [t for t in threading.enumerate() if t.name.startswith("fault-proxy")]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"server_error": 0.6, "throttle": 0.6}, "more than 1"),
        ({"drop_before": -0.1}, "within"),
        ({"retry_after_seconds": -1.0}, "negative"),
    ],
)
def test_impossible_mixes_are_refused(fields: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultMix(**fields)


def test_a_mix_gives_each_fault_its_own_share_of_draws() -> None:
    mix = FaultMix(0.1, 0.2, 0.3, 0.2, 0.1)
    draws = [(index + 0.5) / 1000 for index in range(1000)]

    picked = [mix.pick(draw) for draw in draws]

    expected: dict[FaultName | None, int] = {
        "server_error": 100,
        "throttle": 200,
        "drop_before": 300,
        "drop_after": 200,
        "bad_gateway_after": 100,
        None: 100,
    }
    assert {fault: picked.count(fault) for fault in expected} == expected
    assert {FaultMix.none().pick(draw) for draw in draws} == {None}
    assert {FaultMix.only("throttle").pick(draw) for draw in draws} == {"throttle"}
