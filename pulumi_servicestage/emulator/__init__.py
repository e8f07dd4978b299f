"""A local emulator of Huawei Cloud ServiceStage, ASM releases and IAM's token API.

It serves ServiceStage v3 (environments and their managed resources, applications and their
configuration, components with their actions, records and CCE imports, runtime stacks and
built-in images, configuration groups and files, plugins, deploy jobs, release tasks), the Git
repository authorizations, ASM's grayscale releases, and IAM's ``POST /v3/auth/tokens``. It checks
``X-Auth-Token`` or ``SDK-HMAC-SHA256`` signatures the way API Gateway does, and runs deploy jobs
and release phases over time. The official Python SDK (huaweicloudsdkservicestage) works against
it unchanged::

    emulator = Emulator(job_seconds=0.2)
    with emulator.serve() as url:  # threaded server on a free port
        ...
    # or in-process, without sockets:
    httpx.Client(transport=httpx.WSGITransport(app=emulator.wsgi_app), base_url="http://emulator")

From a shell, ``python -m pulumi_servicestage.emulator --port 8080 [-- pulumi up]``.

Credentials: requests signed with ``DEFAULT_ACCESS_KEY``/``DEFAULT_SECRET_KEY``, or carrying a
token that ``POST /v3/auth/tokens`` issued to ``DEFAULT_USER_NAME``/``DEFAULT_PASSWORD`` of account
``DEFAULT_DOMAIN_NAME`` for project ``DEFAULT_PROJECT_ID`` (named ``DEFAULT_REGION``).

Control routes, without authentication and left out of the statistics:

=======  =========================  =========================================================
POST     /_emulator/reset           forget every object, job, plan and count (keeps
                                    credentials and tokens); 204
GET      /_emulator/stats           ``{"requests": {"GET /v3/{project_id}/cas/environments": 3},
                                    "peak_per_second": {...}, "statuses": {"200": 3}}``: per
                                    API operation the requests and the most in one second,
                                    and the answers by status
GET      /_emulator/jobs/settings   ``{"default_duration": 2.0}`` (seconds)
PUT      /_emulator/jobs/settings   body ``{"default_duration": 0.2}``; answers the settings
GET      /_emulator/jobs/plans      ``{"plans": [...]}``: outcomes queued for coming jobs
POST     /_emulator/jobs/plans      queue a plan; body fields, all optional: ``outcome``
                                    (SUCCEEDED, FAILED, HANG), ``count``, ``duration``,
                                    ``stop_at_task`` (e.g. DEPLOY_002), ``message``,
                                    ``operation`` (a ``jobs.JobOperation`` value such as
                                    create_component, scale_component or
                                    import_component), ``component_name``,
                                    ``task_weights`` (relative task lengths, e.g.
                                    ``[1, 8, 1]``); answers the plans
DELETE   /_emulator/jobs/plans      drop the queued plans; 204
=======  =========================  =========================================================

Per project (``P`` stands for ``/_emulator/projects/{project_id}``):

- ``POST|GET|DELETE P/asm/release-failures``: make a coming step of ASM releases fail (body
  ``{"operation": ..., "message": ..., "release_name": ...}``, see `asm.responses.AsmApi`), list
  or drop those plans;
- ``POST P/git-accounts``: register an account on a Git host, which authorizations may then
  use (body ``{"repo_type": ..., "user": ..., "token": ..., "password": ...}``).

The same controls in Python: ``emulator.reset()``, ``emulator.request_counts()``,
``emulator.jobs.default_duration = 0.2``, ``emulator.jobs.plan("FAILED", ...)``,
``emulator.jobs.planned()``, ``emulator.jobs.clear_plans()``.

Layout, in the spirit of moto (one job per module): each emulated service is a package of
``schemas`` (the pydantic models of request bodies, with their rules), ``state`` (the objects,
and how the API shows them), ``backend`` (one project's operations and their business rules) and
``responses`` (the HTTP API: reads a request, calls the backend, shapes the answer). ServiceStage's
core objects (environments, applications, components, built-in runtime stacks and what deploy
jobs do to them) are the package `servicestage`; its other areas are subpackages of it
(``configs``, ``plugins``, ``release_plans``, ``repo_authorizations``, ``runtime_stacks``) and ASM
is `asm`; `areas.AREAS` lists every area but the core. Beside them: `servicestage.request_parsing`
(request bodies into models, list queries), `errors` (error codes and bodies), `jobs` (deploy jobs
over time), `auth` and `iam` (credentials, and IAM's token API), `server` (routing, the auth check,
error rendering, serving).

Where the reference leaves behaviour open, the emulator decides so: a project that is not the
caller's (unknown, another project's token, or an ``X-Project-Id`` header that differs from the
path) is refused with API Gateway's 403 ``APIGW.0302``; an environment created without
``deploy_mode`` is ``mixed``; application names are unique in a project (409 ``SVCSTG.00100413``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TypeVar

from .areas import AREAS, AreaBackend
from .auth import CredentialStore
from .iam import IamApi
from .jobs import JobBackend
from .server import ControlApi, RequestQuota, RequestStats, WsgiApp, serve_in_thread
from .servicestage.backend import ServiceStageBackend
from .servicestage.responses import ServiceStageApi

#: Requests per second the emulator's stack config allows each endpoint and credential.
EMULATOR_REQUEST_BUDGET = 1000

__all__ = [
    "DEFAULT_ACCESS_KEY",
    "DEFAULT_DOMAIN_ID",
    "DEFAULT_DOMAIN_NAME",
    "DEFAULT_JOB_SECONDS",
    "DEFAULT_PASSWORD",
    "DEFAULT_PROJECT_ID",
    "DEFAULT_REGION",
    "DEFAULT_SECRET_KEY",
    "DEFAULT_USER_NAME",
    "SECRET_CONFIG_KEYS",
    "Emulator",
]

DEFAULT_REGION = "cn-north-4"
DEFAULT_PROJECT_ID = "0b1e5c3a9d7f4e2a8c6b4d2f0a9e8c71"
DEFAULT_DOMAIN_ID = "7d3f1b9e5a2c4e6f8a0b2d4c6e8f0a13"
DEFAULT_DOMAIN_NAME = "emulator-account"
DEFAULT_USER_NAME = "emulator-user"
DEFAULT_PASSWORD = "Emulator@2024"
DEFAULT_ACCESS_KEY = "EMULATORACCESSKEY001"
DEFAULT_SECRET_KEY = "EmulatorSecretKey0123456789abcdefghijklm"
DEFAULT_JOB_SECONDS = 2.0
#: The keys of `Emulator.stack_config` that a stack keeps secret.
SECRET_CONFIG_KEYS = ("servicestage:accessKey", "servicestage:secretKey")

_AreaT = TypeVar("_AreaT", bound=AreaBackend)


class Emulator:
    """ServiceStage and IAM as one WSGI app, with state that tests can inspect and steer.

    Args:
        job_seconds: how long a deploy job takes unless a plan says otherwise.
        clock: returns the current time in epoch seconds; tests may pass a fake one to move
            jobs and token expiry forward without sleeping.
    """

    def __init__(
        self, *, job_seconds: float = DEFAULT_JOB_SECONDS, clock: Callable[[], float] = time.time
    ):
        self._clock = clock
        self._lock = threading.RLock()
        self.credentials = CredentialStore(
            domain_id=DEFAULT_DOMAIN_ID, domain_name=DEFAULT_DOMAIN_NAME, clock=clock
        )
        self.credentials.add_user(DEFAULT_USER_NAME, DEFAULT_PASSWORD)
        self.credentials.add_access_key(
            DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, user_name=DEFAULT_USER_NAME
        )
        self.jobs = JobBackend(default_duration=job_seconds, clock=clock, lock=self._lock)
        self._backends: dict[str, ServiceStageBackend] = {}
        self._area_backends: dict[tuple[int, str], AreaBackend] = {}
        self.add_project(DEFAULT_PROJECT_ID, DEFAULT_REGION)
        self._stats = RequestStats(clock)
        routes = [
            *IamApi(self.credentials, region=DEFAULT_REGION).routes(),
            *ServiceStageApi(self.backend).routes(),
            *(
                route
                for index, area in enumerate(AREAS)
                for route in area.api(partial(self._area_backend, index)).routes()
            ),
            *ControlApi(reset=self.reset, jobs=self.jobs, stats=self._stats).routes(),
        ]
        self.quota = RequestQuota(clock)
        self.wsgi_app = WsgiApp(
            routes, credentials=self.credentials, stats=self._stats, quota=self.quota
        )

    def throttle(self, rate: float | None) -> None:
        """Answer a credential's requests to an API beyond `rate` per second with API Gateway's
        429 ``APIGW.0308`` and a Retry-After, as Huawei Cloud's request throttling does; None
        (the default) throttles nothing."""
        self.quota.rate = rate

    def add_project(self, project_id: str, name: str) -> ServiceStageBackend:
        """Add a project to the account (IAM scopes tokens to it) and return its backend."""
        with self._lock:
            self.credentials.add_project(project_id, name)
            backend = ServiceStageBackend(
                project_id=project_id,
                project_name=name,
                jobs=self.jobs,
                clock=self._clock,
                lock=self._lock,
            )
            self._backends[project_id] = backend
            for index, area in enumerate(AREAS):
                self._area_backends[index, project_id] = area.backend(backend)
            return backend

    def backend(self, project_id: str = DEFAULT_PROJECT_ID) -> ServiceStageBackend:
        """The ServiceStage state of a project of the account."""
        with self._lock:
            return self._backends[project_id]

    def area(self, backend_type: type[_AreaT], project_id: str = DEFAULT_PROJECT_ID) -> _AreaT:
        """The state of one service area (`areas.AREAS`) in a project of the account."""
        with self._lock:
            for (_, project), area_backend in self._area_backends.items():
                if project == project_id and isinstance(area_backend, backend_type):
                    return area_backend
        raise KeyError(f"no {backend_type.__name__} in project {project_id}")

    def _area_backend(self, area_index: int, project_id: str) -> AreaBackend:
        with self._lock:
            return self._area_backends[area_index, project_id]

    def reset(self) -> None:
        """Forget every object, job, plan and request count, and throttle nothing; credentials and
        tokens stay valid."""
        with self._lock:
            self.jobs.reset()
            for backend in self._backends.values():
                backend.reset()
            for area_backend in self._area_backends.values():
                area_backend.reset()
            self._stats.clear()
            self.quota.reset()

    def request_counts(self) -> dict[str, int]:
        """Requests per API operation so far, keyed ``"GET /v3/{project_id}/cas/environments"``."""
        return self._stats.snapshot()

    def request_peaks(self) -> dict[str, int]:
        """The most requests each API operation received within one second of the emulator's
        clock, since the start or the last reset."""
        return self._stats.peaks()

    def answer_statuses(self) -> dict[int, int]:
        """How many of the API operations' answers had each HTTP status."""
        return self._stats.statuses()

    @contextmanager
    def serve(
        self, port: int = 0, host: str = "127.0.0.1", *, tls: tuple[str, str] | None = None
    ) -> Iterator[str]:
        """Serve on `host`:`port` (0: a free port) from a daemon thread; yield the base URL.
        With `tls` (certificate and key PEM files) it serves HTTPS."""
        with serve_in_thread(self.wsgi_app, host=host, port=port, tls=tls) as url:
            yield url

    @staticmethod
    def stack_config(base_url: str) -> dict[str, str]:
        """The ``servicestage:*`` stack config that points this package's providers at
        `base_url` (the keys of `SECRET_CONFIG_KEYS` are secrets). The emulator throttles no
        one, so the request budget, sized for Huawei Cloud's quotas, is lifted."""
        return {
            "servicestage:region": DEFAULT_REGION,
            "servicestage:projectId": DEFAULT_PROJECT_ID,
            "servicestage:accessKey": DEFAULT_ACCESS_KEY,
            "servicestage:secretKey": DEFAULT_SECRET_KEY,
            "servicestage:endpoint": base_url,
            "servicestage:maxRequestsPerSecond": str(EMULATOR_REQUEST_BUDGET),
        }

    @staticmethod
    def client_environment(base_url: str) -> dict[str, str]:
        """The ``HW_*`` variables that point this package's providers and examples at `base_url`."""
        return {
            "HW_REGION_NAME": DEFAULT_REGION,
            "HW_PROJECT_ID": DEFAULT_PROJECT_ID,
            "HW_ACCESS_KEY": DEFAULT_ACCESS_KEY,
            "HW_SECRET_KEY": DEFAULT_SECRET_KEY,
            "HW_SERVICESTAGE_ENDPOINT": base_url,
            "HW_IAM_ENDPOINT": base_url,
            "HW_MAX_REQUESTS_PER_SECOND": str(EMULATOR_REQUEST_BUDGET),
        }
