"""The one HTTP layer every service client goes through: retries, error mapping and pages."""

from __future__ import annotations

import email.utils
import random
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from . import clock
from .budget import ApiBudgets
from .errors import (
    AmbiguousWriteError,
    APIConnectionError,
    APITimeoutError,
    ServiceStageError,
    status_error_from_response,
)
from .trust import verification

JSON_CONTENT_TYPE = "application/json;charset=utf8"

# Methods the server cannot have acted on twice if we send them again: reads, and writes whose
# repetition leaves the same result (a PUT sends the whole object, a DELETE removes it once).
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_IDEMPOTENT_METHODS = _SAFE_METHODS | {"PUT", "DELETE"}

# Transport failures that happen before the request left this machine: retrying them is safe for
# every write, because the server never saw the first attempt.
_NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)

# Answers of a gateway or service that failed after it may have passed the request on, or acted
# on it: 503 alone says the request was refused before any processing.
_AMBIGUOUS_STATUSES = frozenset({500, 502, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before sending a request again.

    Reads and idempotent writes (PUT, DELETE) are retried on 429, any 5xx and any transport
    error. A POST is retried only when the server cannot have acted on it: 429 and 503 (refused
    before processing) and connection failures before the request was sent. A POST that may have
    been carried out (500, 502, 504, or a connection lost after sending) is reported as
    ambiguous instead, so that the caller looks at the service before creating anything twice.
    """

    max_retries: int = 5
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def should_retry_status(
        self, method: str, status_code: int, *, repeatable: bool | None = None
    ) -> bool:
        """Whether to send again after `status_code`; `repeatable` says whether the write may
        arrive twice (default: reads, PUT and DELETE may, POST may not)."""
        if status_code == 429:
            return True
        if _repeatable(method, repeatable):
            return status_code >= 500
        return status_code == 503

    def should_retry_error(
        self, method: str, error: httpx.TransportError, *, repeatable: bool | None = None
    ) -> bool:
        return _repeatable(method, repeatable) or isinstance(error, _NOT_SENT_ERRORS)

    def delay(self, attempt: int, retry_after: str | None, *, now: float | None = None) -> float:
        """Seconds to sleep before retry number `attempt` (0-based)."""
        hinted = _parse_retry_after(retry_after, now=time.time() if now is None else now)
        if hinted is not None and 0 <= hinted <= self.max_retry_after:
            return hinted
        backoff: float = min(self.max_delay, self.initial_delay * 2.0**attempt)
        # Full-range jitter would sometimes retry at once; keep at least three quarters of it.
        return backoff * (1 - 0.25 * random.random())


def _repeatable(method: str, repeatable: bool | None) -> bool:
    return method in _SAFE_METHODS or (
        method in _IDEMPOTENT_METHODS if repeatable is None else repeatable
    )


def may_have_acted(failure: httpx.TransportError | int) -> bool:
    """Whether a write that failed so (a transport error or a status) may have been carried out."""
    if isinstance(failure, int):
        return failure in _AMBIGUOUS_STATUSES
    return not isinstance(failure, _NOT_SENT_ERRORS)


def _parse_retry_after(value: str | None, *, now: float) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).timestamp() - now
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Multipart:
    """A ``multipart/form-data`` body: text fields, and files as (file name, bytes, media type)."""

    fields: Mapping[str, str]
    files: Mapping[str, tuple[str, bytes, str]]


# Connections kept open to one endpoint: as many as the provider host runs calls at once by
# default (`_host.DEFAULT_HOST_WORKERS`), so that a deployment waiting on many jobs reuses its
# connections instead of opening one per request beyond httpx's default 20. Connections open at
# once are not capped: each provider call sends one request at a time, so the host's own limit
# (`servicestage:hostWorkers`, at most 1024) bounds them, and a cap below it made requests queue
# in httpcore's pool, which rescans its queue at every change (the host's CPU for 256 components
# created at once: 3.9 to 4.3 s with a cap of 100, 3.8 to 3.9 s without).
_CONNECTIONS = httpx.Limits(max_connections=None, max_keepalive_connections=64)


class ApiClient:
    """JSON-over-HTTPS client of one service endpoint.

    Thread-safe: one instance is shared by all provider calls running in the provider host.
    `headers` go on every request, besides the JSON content headers; `verify` is httpx's (True,
    or an SSL context trusting a private CA: `trusting`); `auth` None sends no credentials (an
    engine without security authentication); `hints` say what to do about an error status, when
    the cloud APIs' (`errors.HINTS`) do not fit; every attempt first takes a token of the budget
    of its API among `budgets`, shared with every other client of the endpoint and credential.
    Paths are given from the endpoint's root (``/v3/...``).
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = clock.pause,
        headers: Mapping[str, str] | None = None,
        verify: ssl.SSLContext | bool = True,
        hints: Mapping[int, str] | None = None,
        budgets: ApiBudgets | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._hints = hints
        self._budgets = budgets
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        # Requests go to `base_url + path`, which spares httpx joining a relative path to a base
        # URL (parsing both again) at every request.
        self._http = httpx.Client(
            auth=auth,
            transport=transport,
            timeout=timeout,
            verify=verification(verify),
            limits=_CONNECTIONS,
            headers={
                "Content-Type": JSON_CONTENT_TYPE,
                "Accept": "application/json",
                **(headers or {}),
            },
        )
        self._request_count = 0
        self._count_lock = threading.Lock()

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self._request_count

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        multipart: Multipart | None = None,
        repeatable: bool | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send a request and return its decoded JSON body (None when the body is empty).

        The body is `json`, or a `multipart` form (file uploads), or none; `headers` go on this
        request besides the client's own. A write that may have
        been carried out without the answer saying so is sent again only if it is `repeatable`
        (by default PUT and DELETE are, POST is not); otherwise it raises `AmbiguousWriteError`.
        A DELETE that finds its object gone after a retry has done its work and returns None.
        """
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        writes = method not in _SAFE_METHODS
        ambiguous = False
        attempt = 0
        budget = None if self._budgets is None else self._budgets.of(method, path)
        while True:
            failure: ServiceStageError
            if budget is not None:
                budget.take()
            try:
                response = self._send(method, path, clean_params, json, multipart, headers)
            except httpx.TransportError as error:
                ambiguous = ambiguous or (writes and may_have_acted(error))
                retry = self.retry.should_retry_error(method, error, repeatable=repeatable)
                failure = _connection_error(method, self.base_url + path, error)
                hint = None
            else:
                if budget is not None:
                    if response.status_code == 429:
                        retry_after = _parse_retry_after(
                            response.headers.get("Retry-After"), now=clock.wall()
                        )
                        budget.throttled(retry_after)
                    else:
                        budget.answered()
                if response.is_success:
                    return _decode(response)
                if method == "DELETE" and attempt > 0 and response.status_code == 404:
                    return None
                ambiguous = ambiguous or (writes and may_have_acted(response.status_code))
                retry = self.retry.should_retry_status(
                    method, response.status_code, repeatable=repeatable
                )
                failure = status_error_from_response(response, self._hints)
                hint = response.headers.get("Retry-After")
            if retry and attempt < self.retry.max_retries:
                self._sleep(self.retry.delay(attempt, hint))
                attempt += 1
                continue
            if ambiguous:
                raise AmbiguousWriteError(method, path, failure) from failure
            raise failure

    def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any],
        json: Any,
        multipart: Multipart | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        with self._count_lock:
            self._request_count += 1
        if multipart is not None:
            # httpx takes the boundary from an explicit Content-Type, which must replace the
            # client's JSON one.
            content_type = f"multipart/form-data; boundary={uuid.uuid4().hex}"
            return self._http.request(
                method,
                self.base_url + path,
                params=params or None,
                data=dict(multipart.fields),
                files=dict(multipart.files),
                headers={**(headers or {}), "Content-Type": content_type},
            )
        return self._http.request(
            method,
            self.base_url + path,
            params=params or None,
            json=json if json is not None else None,
            headers=headers,
        )

    def get(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        return self.request("GET", path, params=params, headers=headers)

    def post(
        self,
        path: str,
        json: Any = None,
        *,
        params: Mapping[str, Any] | None = None,
        multipart: Multipart | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        return self.request(
            "POST", path, json=json, params=params, multipart=multipart, headers=headers
        )

    def put(
        self,
        path: str,
        json: Any = None,
        *,
        params: Mapping[str, Any] | None = None,
        repeatable: bool = True,
    ) -> Any:
        """PUT `json`; `repeatable` False for a modify that starts a job, which a second
        arrival would run again."""
        return self.request("PUT", path, json=json, params=params, repeatable=repeatable)

    def delete(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        return self.request("DELETE", path, params=params, headers=headers)

    def paginate(
        self,
        path: str,
        items_key: str,
        *,
        params: Mapping[str, Any] | None = None,
        page_size: int = 100,
    ) -> Iterator[dict[str, Any]]:
        """Yield every item of a `limit`/`offset` list, fetching pages as they are consumed.

        ServiceStage lists answer ``{"count": total, "<items_key>": [...]}`` (CSE's say
        ``total``); paging stops at that total, or at the first short page for APIs that omit it.
        """
        offset = 0
        while True:
            page = self.get(path, params={**(params or {}), "limit": page_size, "offset": offset})
            items = (page or {}).get(items_key) or []
            yield from items
            offset += len(items)
            total = (page or {}).get("count", (page or {}).get("total"))
            if len(items) < page_size or (isinstance(total, int) and offset >= total):
                return


def _connection_error(method: str, url: str, error: httpx.TransportError) -> APIConnectionError:
    request = httpx.Request(method, url)
    kind = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    failure = kind(request, error)
    failure.__cause__ = error
    return failure


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text
