"""IAM token auth: a fixed token, and password-obtained tokens cached, refreshed and retried."""

from __future__ import annotations

import json
import pickle
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from pulumi_servicestage.client.auth import IamPasswordAuth, TokenAuth
from pulumi_servicestage.client.errors import (
    APIStatusError,
    ConfigurationError,
    ServiceStageError,
)

IAM_ENDPOINT = "https://iam.cn-north-4.myhuaweicloud.com"
SERVICE_URL = "https://servicestage.cn-north-4.myhuaweicloud.com/v2/p/cas/applications"
PASSWORD = "pa55-w0rd!secret"
START = datetime(2024, 4, 16, 9, 0, tzinfo=timezone.utc)
TOKEN_LIFETIME = timedelta(hours=24)

EXPIRED_TOKEN = {
    "error_code": "APIGW.0301",
    "error_msg": "Incorrect IAM authentication information: token expires, expires_at: ...",
}
COMPONENT_GONE = {"error_code": "SVCSTG.00100401", "error_msg": "component not found"}


class FakeClock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class FakeIam:
    """IAM's token endpoint, handing out tok-1, tok-2, ... valid for TOKEN_LIFETIME."""

    def __init__(self, *, issued_at: datetime = START, delay: float = 0.0) -> None:
        self.requests: list[httpx.Request] = []
        self._issued_at = issued_at
        self._delay = delay
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
            number = len(self.requests)
        time.sleep(self._delay)
        expires_at = self._issued_at + TOKEN_LIFETIME
        body = {
            "token": {
                "methods": ["password"],
                "issued_at": self._issued_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "expires_at": expires_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "project": {"id": "0ab1c2d3e4f5", "name": "cn-north-4"},
            }
        }
        return httpx.Response(201, headers={"X-Subject-Token": f"tok-{number}"}, json=body)

    @property
    def bodies(self) -> list[Any]:
        return [json.loads(request.content) for request in self.requests]


class FakeService:
    """A service recording the token of each request and answering from a script."""

    def __init__(self, answer: Callable[[str], httpx.Response] | None = None) -> None:
        self.tokens: list[str] = []
        self._answer = answer or (lambda token: httpx.Response(200, json={}))
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.tokens.append(request.headers["X-Auth-Token"])
        return self._answer(request.headers["X-Auth-Token"])


def password_auth(
    iam: FakeIam, clock: FakeClock | None = None, **overrides: Any
) -> IamPasswordAuth:
    options: dict[str, Any] = {
        "iam_endpoint": IAM_ENDPOINT,
        "user_name": "deployer",
        "password": PASSWORD,
        "domain_name": "example-account",
        "project_id": "0ab1c2d3e4f5",
        "transport": httpx.MockTransport(iam),
        "clock": clock or FakeClock(),
        **overrides,
    }
    return IamPasswordAuth(**options)


def service_client(auth: httpx.Auth, service: FakeService) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(service), auth=auth)


# --- TokenAuth -----------------------------------------------------------------------------------


def test_token_auth__sets_header() -> None:
    service = FakeService()
    with service_client(TokenAuth("user-token"), service) as client:
        client.get(SERVICE_URL)
        client.post(SERVICE_URL, json={})
    assert service.tokens == ["user-token", "user-token"]


def test_token_auth__keeps_token_out_of_repr_and_pickles() -> None:
    auth = TokenAuth("user-token")
    assert "user-token" not in repr(auth)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(auth)


# --- IamPasswordAuth -----------------------------------------------------------------------------


def test_iam_password_auth__token_request() -> None:
    iam = FakeIam()
    with service_client(password_auth(iam, iam_endpoint=IAM_ENDPOINT + "/"), FakeService()) as c:
        c.get(SERVICE_URL)
    (request,) = iam.requests
    assert (request.method, str(request.url)) == ("POST", f"{IAM_ENDPOINT}/v3/auth/tokens")
    assert request.headers["Content-Type"] == "application/json"
    assert iam.bodies == [
        {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": "deployer",
                            "password": PASSWORD,
                            "domain": {"name": "example-account"},
                        }
                    },
                },
                "scope": {"project": {"id": "0ab1c2d3e4f5"}},
            }
        }
    ]


def test_iam_password_auth__token_request__scoped_by_project_name() -> None:
    iam = FakeIam()
    auth = password_auth(iam, project_id=None, project_name="cn-north-4")
    with service_client(auth, FakeService()) as client:
        client.get(SERVICE_URL)
    assert iam.bodies[0]["auth"]["scope"] == {"project": {"name": "cn-north-4"}}


@pytest.mark.parametrize(
    "project",
    [{}, {"project_id": "0ab1c2d3e4f5", "project_name": "cn-north-4"}],
    ids=["neither", "both"],
)
def test_iam_password_auth__needs_exactly_one_project(project: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError, match="project"):
        password_auth(FakeIam(), **{"project_id": None, **project})


def test_iam_password_auth__caches_token() -> None:
    iam, service = FakeIam(), FakeService()
    with service_client(password_auth(iam), service) as client:
        for _ in range(10):
            client.get(SERVICE_URL)
    assert len(iam.requests) == 1
    assert service.tokens == ["tok-1"] * 10


def test_iam_password_auth__refreshes_near_expiry() -> None:
    iam, service, clock = FakeIam(), FakeService(), FakeClock()
    with service_client(password_auth(iam, clock), service) as client:
        client.get(SERVICE_URL)
        clock.now = START + TOKEN_LIFETIME - timedelta(minutes=5, seconds=1)
        client.get(SERVICE_URL)
        clock.now = START + TOKEN_LIFETIME - timedelta(minutes=5)
        client.get(SERVICE_URL)
        client.get(SERVICE_URL)
    assert service.tokens == ["tok-1", "tok-1", "tok-2", "tok-2"]


def test_iam_password_auth__expiry_follows_token_lifetime_not_iam_clock() -> None:
    # IAM's clock is four years behind ours: expires_at is long past by our clock, yet the token
    # has its full day to live.
    iam, service = FakeIam(issued_at=START - timedelta(days=4 * 365)), FakeService()
    with service_client(password_auth(iam), service) as client:
        client.get(SERVICE_URL)
        client.get(SERVICE_URL)
    assert service.tokens == ["tok-1", "tok-1"]


@pytest.mark.parametrize(
    "rejection",
    [
        httpx.Response(401, json=EXPIRED_TOKEN),
        httpx.Response(401, json={"error_code": "APIG.0301", "error_msg": "decrypt token fail"}),
        httpx.Response(401, text="Unauthorized"),
    ],
    ids=["apigw-token-expired", "apig-decrypt-failed", "no-error-code"],
)
def test_iam_password_auth__retries_once_with_new_token_on_401(rejection: httpx.Response) -> None:
    iam = FakeIam()
    service = FakeService(lambda token: rejection if token == "tok-1" else httpx.Response(200))
    with service_client(password_auth(iam), service) as client:
        response = client.post(SERVICE_URL, json={"name": "web"})
        client.get(SERVICE_URL)
    assert response.status_code == 200
    assert service.tokens == ["tok-1", "tok-2", "tok-2"]
    assert len(iam.requests) == 2


def test_iam_password_auth__retry_resends_body() -> None:
    iam, bodies = FakeIam(), []

    def service(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        rejected = request.headers["X-Auth-Token"] == "tok-1"
        return httpx.Response(401, json=EXPIRED_TOKEN) if rejected else httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(service), auth=password_auth(iam)) as client:
        client.post(SERVICE_URL, json={"name": "web"})
    assert bodies == [b'{"name":"web"}', b'{"name":"web"}']


def test_iam_password_auth__keeps_token_on_service_401() -> None:
    iam = FakeIam()
    service = FakeService(lambda token: httpx.Response(401, json=COMPONENT_GONE))
    with service_client(password_auth(iam), service) as client:
        response = client.get(SERVICE_URL)
    assert response.status_code == 401
    assert service.tokens == ["tok-1"]
    assert len(iam.requests) == 1


def test_iam_password_auth__retries_only_once() -> None:
    iam = FakeIam()
    service = FakeService(lambda token: httpx.Response(401, json=EXPIRED_TOKEN))
    with service_client(password_auth(iam), service) as client:
        response = client.get(SERVICE_URL)
    assert response.status_code == 401
    assert service.tokens == ["tok-1", "tok-2"]


def test_iam_password_auth__requests_rejected_together_share_one_new_token() -> None:
    iam = FakeIam()
    auth = password_auth(iam)
    first_flow = auth.sync_auth_flow(httpx.Request("GET", SERVICE_URL))
    second_flow = auth.sync_auth_flow(httpx.Request("GET", SERVICE_URL))
    first, second = next(first_flow), next(second_flow)
    first_tokens = [first.headers["X-Auth-Token"], second.headers["X-Auth-Token"]]

    # The flows resend the same request objects, with the token replaced.
    first_flow.send(httpx.Response(401, json=EXPIRED_TOKEN, request=first))
    second_flow.send(httpx.Response(401, json=EXPIRED_TOKEN, request=second))

    assert first_tokens == ["tok-1", "tok-1"]
    assert [first.headers["X-Auth-Token"], second.headers["X-Auth-Token"]] == ["tok-2", "tok-2"]
    assert len(iam.requests) == 2


def test_iam_password_auth__threads_share_one_token_request() -> None:
    # IAM answers slowly, so every thread asks for a token while the first request is in flight.
    iam, service = FakeIam(delay=0.05), FakeService()
    thread_count = 16
    start = threading.Barrier(thread_count)
    errors: list[BaseException] = []

    with service_client(password_auth(iam), service) as client:

        def call() -> None:
            start.wait()
            try:
                client.get(SERVICE_URL).raise_for_status()
            except BaseException as error:  # reported below; an exception would end the thread
                errors.append(error)

        threads = [threading.Thread(target=call) for _ in range(thread_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert len(iam.requests) == 1
    assert service.tokens == ["tok-1"] * thread_count


def test_iam_password_auth__raises_iam_errors() -> None:
    def wrong_password(request: httpx.Request) -> httpx.Response:
        body = {"error_msg": "The username or password is wrong.", "error_code": "IAM.0004"}
        return httpx.Response(401, json=body, headers={"X-Request-Id": "req-1"})

    auth = password_auth(FakeIam(), transport=httpx.MockTransport(wrong_password))
    service = FakeService()
    with service_client(auth, service) as client, pytest.raises(APIStatusError) as caught:
        client.get(SERVICE_URL)
    error = caught.value
    assert (error.status_code, error.error_code, error.request_id) == (401, "IAM.0004", "req-1")
    assert (error.method, error.path) == ("POST", "/v3/auth/tokens")
    assert service.tokens == []


def test_iam_password_auth__rejects_answer_without_token() -> None:
    def no_token(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, json={"token": {}})

    auth = password_auth(FakeIam(), transport=httpx.MockTransport(no_token))
    with (
        service_client(auth, FakeService()) as client,
        pytest.raises(ServiceStageError, match="X-Subject-Token"),
    ):
        client.get(SERVICE_URL)


def test_iam_password_auth__keeps_password_out_of_repr_and_pickles() -> None:
    auth = password_auth(FakeIam())
    assert PASSWORD not in repr(auth)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(auth)
