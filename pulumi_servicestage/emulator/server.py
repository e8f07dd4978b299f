"""The emulator's HTTP plumbing: routing, the auth check, request ids, error rendering, serving."""

from __future__ import annotations

import itertools
import json
import logging
import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from werkzeug.datastructures import Headers, MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .errors import (
    API_NOT_FOUND,
    CONTROL_REQUEST_INVALID,
    PARAMETER_INVALID,
    SERVICE_INTERNAL_ERROR,
    THROTTLED,
    ApiError,
)
from .jobs import JobBackend, JobOperation, Outcome

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from .auth import CredentialStore, Principal

JSON_CONTENT_TYPE = "application/json;charset=utf8"
# How often the serving thread looks for a shutdown request; short, so tests stop servers quickly.
_SHUTDOWN_POLL_SECONDS = 0.05
# The largest request body: what AK/SK signing supports (004 §3.2, "12MB"); larger ones are
# answered with the route's 400 before anything reads them.
MAX_BODY_BYTES = 12 * 1024 * 1024
# The deepest nesting of arrays and objects a JSON body may have. No document bounds it; the
# documented bodies nest 8 deep at most (a Kubernetes Deployment in an ASM release, about 15),
# and every parser has a limit (pydantic's is about 200, Python's json module recurses).
MAX_JSON_DEPTH = 64

logger = logging.getLogger(__name__)

_Model = TypeVar("_Model", bound=BaseModel)


@dataclass(frozen=True)
class ApiCall:
    """What a handler gets to see of a request."""

    path_params: Mapping[str, str]
    query: MultiDict[str, str]
    body: bytes
    principal: Principal | None
    base_url: str
    #: The request's ``Content-Type`` (with its parameters, e.g. a multipart boundary).
    content_type: str = ""
    #: The request's headers, for the APIs that read their own (a CSE engine's
    #: ``Authorization``, ``x-engine-id``, ``X-ConsumerId``).
    headers: Headers = field(default_factory=Headers)

    @property
    def project_id(self) -> str:
        """The project in the path, or for paths without one (ASM's) the project the auth
        check scoped the request to."""
        if "project_id" in self.path_params:
            return self.path_params["project_id"]
        assert self.principal is not None, "only authenticated routes have a project"
        return self.principal.project_id

    @property
    def user_name(self) -> str:
        assert self.principal is not None, "only authenticated routes have a principal"
        return self.principal.user_name


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


Handler = Callable[[ApiCall], ApiResponse]


@dataclass(frozen=True)
class Route:
    """One API operation: method, werkzeug rule, handler, and how the gateway treats it.

    `authenticated` routes need a token or signature for the ``<project_id>`` in their path, or,
    where the path has none, for the project of the ``X-Project-Id`` header or the token's scope;
    `counted` routes show up in the request statistics (the control routes do not); `invalid`
    builds the route's answer to a body it cannot read (too large, nested too deep): the
    service's own 400.
    """

    method: str
    rule: str
    handler: Handler
    authenticated: bool = True
    counted: bool = True
    invalid: Callable[[str], ApiError] = PARAMETER_INVALID.error

    @property
    def template(self) -> str:
        """The path as the API reference writes it, e.g. ``/v3/{project_id}/cas/environments``."""
        return self.rule.replace("<", "{").replace(">", "}")

    @property
    def api(self) -> str:
        """The API as API Gateway counts it, e.g. ``GET /v3/{project_id}/cas/environments``."""
        return f"{self.method} {self.template}"


class RequestStats:
    """What the API operations received and answered: requests per operation, keyed
    ``"METHOD /path/{template}"``; the most any operation received within one second of the
    emulator's clock; and the answers by status, for a benchmark's report of the emulator's own
    rate and errors."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        # Per operation: the second it was last called in and its calls in that second.
        self._this_second: dict[str, tuple[int, int]] = {}
        self._peaks: dict[str, int] = {}
        self._statuses: Counter[int] = Counter()

    def record(self, route: Route) -> None:
        api = route.api
        second = int(self._now())
        with self._lock:
            self._counts[api] += 1
            last_second, calls = self._this_second.get(api, (second, 0))
            calls = calls + 1 if last_second == second else 1
            self._this_second[api] = (second, calls)
            self._peaks[api] = max(self._peaks.get(api, 0), calls)

    def answered(self, status: int) -> None:
        with self._lock:
            self._statuses[status] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._counts.items()))

    def peaks(self) -> dict[str, int]:
        """The most requests each operation received within one second (of the clock's)."""
        with self._lock:
            return dict(sorted(self._peaks.items()))

    def statuses(self) -> dict[int, int]:
        """How many answers of the operations had each status."""
        with self._lock:
            return dict(sorted(self._statuses.items()))

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()
            self._this_second.clear()
            self._peaks.clear()
            self._statuses.clear()


class RequestQuota:
    """API Gateway's request throttling, when the emulator is told to throttle: at most `rate`
    requests per second per API and credential (a sliding second on the emulator's clock);
    beyond it, 429 ``APIGW.0308`` with a Retry-After of the time until a request is allowed."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._sent: dict[tuple[str, str], list[float]] = {}
        self.rate: float | None = None
        #: 429s answered, for benchmarks and tests.
        self.refused = 0

    def reset(self) -> None:
        with self._lock:
            self.rate = None
            self.refused = 0
            self._sent.clear()

    def count(self, user: str, api: str) -> None:
        with self._lock:
            if self.rate is None:
                return
            now = self._now()
            recent = [at for at in self._sent.get((user, api), []) if now - at < 1.0]
            if len(recent) >= self.rate:
                self.refused += 1
                retry_after = max(1, int(1.0 - (now - recent[0]) + 0.999))
                raise THROTTLED.error(
                    f"{api} allows {self.rate:g} requests per second"
                ).with_headers({"Retry-After": str(retry_after)})
            self._sent[(user, api)] = [*recent, now]


class WsgiApp:
    """Routes a request, authenticates it, calls its handler and renders the answer or error.

    Every response carries an ``X-Request-Id``; error bodies are rendered here and nowhere else.
    """

    def __init__(
        self,
        routes: Iterable[Route],
        *,
        credentials: CredentialStore,
        stats: RequestStats,
        quota: RequestQuota | None = None,
    ):
        self._quota = quota
        self._routes = {f"{route.method} {route.rule}": route for route in routes}
        rules = [
            Rule(route.rule, methods=[route.method], endpoint=key)
            for key, route in self._routes.items()
        ]
        self._map = Map(rules, merge_slashes=False)
        self._credentials = credentials
        self._stats = stats

    @property
    def routes(self) -> list[Route]:
        """Every route the app serves, API and control alike."""
        return list(self._routes.values())

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        request_id = uuid.uuid4().hex
        route = None
        try:
            route, params = self._route(request)
            answer = self._answer(request, route, params)
        except ApiError as error:
            answer = ApiResponse(error.status, error.render(request_id), headers=error.headers)
        except Exception:
            logger.exception("emulator failed to answer %s %s", request.method, request.path)
            internal = SERVICE_INTERNAL_ERROR.error()
            answer = ApiResponse(internal.status, internal.render(request_id))
        if route is not None and route.counted:
            self._stats.answered(answer.status)
        return _to_response(answer, request_id)(environ, start_response)

    def _route(self, request: Request) -> tuple[Route, Mapping[str, str]]:
        """The route of the request and its path parameters."""
        try:
            endpoint, params = self._map.bind_to_environ(request.environ).match()
        except (NotFound, MethodNotAllowed):
            raise API_NOT_FOUND.error() from None
        return self._routes[endpoint], params

    def _answer(self, request: Request, route: Route, params: Mapping[str, str]) -> ApiResponse:
        if route.counted:
            self._stats.record(route)
        body = _read_body(request, route)
        principal = None
        if route.authenticated:
            principal = self._credentials.authenticate(
                request.environ, body, project_id=params.get("project_id")
            )
            if self._quota is not None:
                self._quota.count(principal.user_name, route.api)
        content_type = request.content_type or ""
        if not content_type.startswith("multipart/") and json_depth(body) > MAX_JSON_DEPTH:
            raise route.invalid(
                f"request body is nested more than {MAX_JSON_DEPTH} arrays or objects deep"
            )
        call = ApiCall(
            path_params=params,
            query=request.args,
            body=body,
            principal=principal,
            base_url=request.host_url.rstrip("/"),
            content_type=content_type,
            headers=request.headers,
        )
        return route.handler(call)


def _read_body(request: Request, route: Route) -> bytes:
    """The request's body, refused with the route's 400 when larger than `MAX_BODY_BYTES`."""
    too_large = f"request body is larger than {MAX_BODY_BYTES} bytes (12 MB)"
    declared = request.content_length
    if declared is not None and declared > MAX_BODY_BYTES:
        raise route.invalid(too_large)
    body = request.stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise route.invalid(too_large)
    return body


# A string runs to its closing quote or, unterminated, to the end: every match attempt succeeds,
# so the scan stays linear whatever the body (a failed match would be retried at each quote).
_JSON_STRING = re.compile(rb'"(?:[^"\\]+|\\.|\\\Z)*(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(body: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (brackets inside strings do not
    count), read without parsing it: a body nested 50,000 deep must not reach a recursive
    parser."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    return max(itertools.accumulate(_DEPTH_STEP[byte] for byte in brackets))


def _to_response(answer: ApiResponse, request_id: str) -> Response:
    headers = {"X-Request-Id": request_id, **answer.headers}
    payload = "" if answer.body is None else json.dumps(answer.body, ensure_ascii=False)
    return Response(payload, status=answer.status, headers=headers, content_type=JSON_CONTENT_TYPE)


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without the access log line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextmanager
def serve_in_thread(
    app: WSGIApplication, *, host: str, port: int, tls: tuple[str, str] | None = None
) -> Iterator[str]:
    """Serve `app` from a daemon thread with werkzeug's threaded server; yield its base URL.

    Port 0 picks a free port. Each connection gets its own thread, so many clients can call at
    once; the state they share is guarded by the backends' lock. `tls` (certificate and key PEM
    files) serves HTTPS, as the real services and engines do.
    """
    server = make_server(
        host, port, app, threaded=True, request_handler=_QuietRequestHandler, ssl_context=tls
    )
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": _SHUTDOWN_POLL_SECONDS},
        name="servicestage-emulator",
        daemon=True,
    )
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://{host}:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _JobSettings(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)
    default_duration: float


class _JobPlanRequest(BaseModel):
    """A plan's fields; `JobBackend.plan` bounds them (count, duration)."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)
    outcome: Outcome = Outcome.SUCCEEDED
    count: int = 1
    duration: float | None = None
    stop_at_task: str | None = None
    message: str | None = None
    operation: JobOperation | None = None
    component_name: str | None = None
    task_weights: list[float] | None = None


class ControlApi:
    """The ``/_emulator/...`` routes: reset, request counts, job duration and job plans."""

    def __init__(self, *, reset: Callable[[], None], jobs: JobBackend, stats: RequestStats):
        self._reset = reset
        self._jobs = jobs
        self._stats = stats

    def routes(self) -> list[Route]:
        def control(method: str, rule: str, handler: Handler) -> Route:
            return Route(
                method,
                rule,
                handler,
                authenticated=False,
                counted=False,
                invalid=CONTROL_REQUEST_INVALID.error,
            )

        return [
            control("POST", "/_emulator/reset", self.reset),
            control("GET", "/_emulator/stats", self.show_stats),
            control("GET", "/_emulator/jobs/settings", self.show_job_settings),
            control("PUT", "/_emulator/jobs/settings", self.update_job_settings),
            control("GET", "/_emulator/jobs/plans", self.list_job_plans),
            control("POST", "/_emulator/jobs/plans", self.add_job_plan),
            control("DELETE", "/_emulator/jobs/plans", self.clear_job_plans),
        ]

    def reset(self, call: ApiCall) -> ApiResponse:
        self._reset()
        return ApiResponse(204)

    def show_stats(self, call: ApiCall) -> ApiResponse:
        return ApiResponse(
            200,
            {
                "requests": self._stats.snapshot(),
                "peak_per_second": self._stats.peaks(),
                "statuses": {str(status): n for status, n in self._stats.statuses().items()},
            },
        )

    def show_job_settings(self, call: ApiCall) -> ApiResponse:
        return ApiResponse(200, {"default_duration": self._jobs.default_duration})

    def update_job_settings(self, call: ApiCall) -> ApiResponse:
        settings = _parse_control_body(_JobSettings, call.body)
        try:
            self._jobs.default_duration = settings.default_duration
        except ValueError as error:
            raise CONTROL_REQUEST_INVALID.error(str(error)) from None
        return self.show_job_settings(call)

    def list_job_plans(self, call: ApiCall) -> ApiResponse:
        return ApiResponse(200, {"plans": [plan.to_dict() for plan in self._jobs.planned()]})

    def add_job_plan(self, call: ApiCall) -> ApiResponse:
        request = _parse_control_body(_JobPlanRequest, call.body)
        try:
            self._jobs.plan(**request.model_dump())
        except ValueError as error:
            raise CONTROL_REQUEST_INVALID.error(str(error)) from None
        return self.list_job_plans(call)

    def clear_job_plans(self, call: ApiCall) -> ApiResponse:
        self._jobs.clear_plans()
        return ApiResponse(204)


def _parse_control_body(model: type[_Model], body: bytes) -> _Model:
    try:
        return model.model_validate_json(body or b"{}")
    except ValidationError as error:
        raise CONTROL_REQUEST_INVALID.error(describe_validation_error(error)) from None


def describe_validation_error(error: ValidationError) -> str:
    """The first problem pydantic found, as ``field.path: rule``."""
    first = error.errors(include_url=False)[0]
    location = "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"]
    ).lstrip(".")
    if first["type"] == "json_invalid":
        return "request body is not valid JSON"
    return f"{location}: {first['msg']}" if location else first["msg"]
