"""What the tests of an engine's own APIs share: a fake directory of engines, the ServiceComb
part served alone (with IAM for the CSE endpoint's gateway check), paths and error bodies."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import httpx

from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_DOMAIN_ID,
    DEFAULT_DOMAIN_NAME,
    DEFAULT_PASSWORD,
    DEFAULT_PROJECT_ID,
    DEFAULT_REGION,
    DEFAULT_SECRET_KEY,
    DEFAULT_USER_NAME,
)
from pulumi_servicestage.emulator.auth import CredentialStore
from pulumi_servicestage.emulator.cse.access import EngineAccess
from pulumi_servicestage.emulator.cse.servicecomb.backend import ServiceCombBackend
from pulumi_servicestage.emulator.cse.servicecomb.responses import ServiceCombApi
from pulumi_servicestage.emulator.iam import IamApi
from pulumi_servicestage.emulator.jobs import JobBackend
from pulumi_servicestage.emulator.server import RequestStats, WsgiApp
from pulumi_servicestage.emulator.servicestage.backend import ServiceStageBackend
from pulumi_servicestage.testing import VirtualClock

ENGINE_ID = "3f1f2c3e-8e5b-4a58-9c0b-3a8f6bd4e111"
RBAC_ENGINE_ID = "7c2d4b6a-1e3f-4a5b-8c9d-0e1f2a3b4c55"
ADMIN_PASSWORD = "Engine@2024"


def engine_base(engine_id: str = ENGINE_ID, project_id: str = DEFAULT_PROJECT_ID) -> str:
    """An engine's own address, as its detail reports it."""
    return f"/_engines/{project_id}/{engine_id}"


def registry_path(engine_id: str = ENGINE_ID) -> str:
    return f"{engine_base(engine_id)}/v4/default/registry"


def kv_path(engine_id: str = ENGINE_ID) -> str:
    return f"{engine_base(engine_id)}/v1/default/kie/kv"


@dataclass
class FakeEngines:
    """An `access.EngineDirectory` whose engines tests add, stop and remove."""

    engines: dict[str, EngineAccess] = field(default_factory=dict)

    def engine_access(self, engine_id: str) -> EngineAccess | None:
        return self.engines.get(engine_id)

    def add(self, engine_id: str, *, rbac: bool = False, serving: bool = True) -> None:
        self.engines[engine_id] = EngineAccess(
            engine_id=engine_id,
            serving=serving,
            rbac_enabled=rbac,
            admin_password=ADMIN_PASSWORD if rbac else None,
        )


@dataclass
class ServiceCombAlone:
    """The ServiceComb part served alone, over WSGI in process: an anonymous client (engines'
    own addresses need no gateway credentials), the app itself, and the state behind it."""

    http: httpx.Client
    app: WsgiApp
    backend: ServiceCombBackend
    engines: FakeEngines

    def token(self, engine_id: str = RBAC_ENGINE_ID) -> str:
        response = self.http.post(
            f"{engine_base(engine_id)}/v4/token",
            json={"name": "root", "password": ADMIN_PASSWORD},
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        return token

    def iam_token(self) -> str:
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": DEFAULT_USER_NAME,
                            "password": DEFAULT_PASSWORD,
                            "domain": {"name": DEFAULT_DOMAIN_NAME},
                        }
                    },
                },
                "scope": {"project": {"name": DEFAULT_REGION}},
            }
        }
        response = self.http.post("/v3/auth/tokens", json=body)
        assert response.status_code == 201, response.text
        return response.headers["X-Subject-Token"]


def serve_alone(clock: VirtualClock) -> ServiceCombAlone:
    """A ServiceCombBackend of the default project on `clock`, with engines `ENGINE_ID` (open)
    and `RBAC_ENGINE_ID` (security authentication) serving."""
    lock = threading.RLock()
    jobs = JobBackend(default_duration=1.0, clock=clock.wall, lock=lock)
    core = ServiceStageBackend(
        project_id=DEFAULT_PROJECT_ID,
        project_name=DEFAULT_REGION,
        jobs=jobs,
        clock=clock.wall,
        lock=lock,
    )
    engines = FakeEngines()
    engines.add(ENGINE_ID)
    engines.add(RBAC_ENGINE_ID, rbac=True)
    backend = ServiceCombBackend(core, engines=engines)

    def backend_for(project_id: str) -> ServiceCombBackend:
        if project_id != DEFAULT_PROJECT_ID:
            raise KeyError(project_id)
        return backend

    credentials = CredentialStore(
        domain_id=DEFAULT_DOMAIN_ID, domain_name=DEFAULT_DOMAIN_NAME, clock=clock.wall
    )
    credentials.add_project(DEFAULT_PROJECT_ID, DEFAULT_REGION)
    credentials.add_user(DEFAULT_USER_NAME, DEFAULT_PASSWORD)
    credentials.add_access_key(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, user_name=DEFAULT_USER_NAME)
    routes = [
        *IamApi(credentials, region=DEFAULT_REGION).routes(),
        *ServiceCombApi(backend_for).routes(),
    ]
    app = WsgiApp(routes, credentials=credentials, stats=RequestStats(clock.wall))
    http = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://cse.emulator")
    return ServiceCombAlone(http=http, app=app, backend=backend, engines=engines)


def registry_error(response: httpx.Response, status: int = 400) -> tuple[str, str]:
    """The ServiceComb error code and detail of a registry error (表7-11: errorCode,
    errorMessage, detail)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"errorCode", "errorMessage", "detail"}, body
    return body["errorCode"], body["detail"]


def kv_error(response: httpx.Response, status: int = 400) -> tuple[str, str]:
    """The code and message of a configuration-center error (表7-163: error_code,
    error_message)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error_code", "error_message"}, body
    return body["error_code"], body["error_message"]


def cse_config_error(response: httpx.Response, status: int = 400) -> tuple[str, str]:
    """The code and detail of a §6.2 error (表6-8's fields, error_message spelled error_msg as
    the SDK reads it)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error_code", "error_msg", "detail"}, body
    return body["error_code"], body["detail"]


def registry_code(response: httpx.Response, status: int = 400) -> str:
    return registry_error(response, status)[0]


def kv_code(response: httpx.Response, status: int = 400) -> str:
    return kv_error(response, status)[0]


def cse_config_code(response: httpx.Response, status: int = 400) -> str:
    return cse_config_error(response, status)[0]
