"""The one HTTP layer every service client goes through: retries, error mapping and pages."""

from __future__ import annotations

import email.utils
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .errors import APIConnectionError, APITimeoutError, status_error_from_response

JSON_CONTENT_TYPE = "application/json;charset=utf8"

# Methods the server cannot have acted on twice if we send them again.
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Transport failures that happen before the request left this machine: retrying them is safe for
# writes too, because the server never saw the first attempt.
_NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before sending a request again.

    Reads (GET) are retried on 429, any 5xx and any transport error. Writes are retried only when
    the server cannot have acted on them: 429 and 503 (refused before processing) and connection
    failures before the request was sent. A 500 after a POST may mean the object exists, so it is
    raised to the caller instead of risking a duplicate.
    """

    max_retries: int = 5
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def should_retry_status(self, method: str, status_code: int) -> bool:
        if status_code == 429:
            return True
        if method in _SAFE_METHODS:
            return status_code >= 500
        return status_code == 503

    def should_retry_error(self, method: str, error: httpx.TransportError) -> bool:
        return method in _SAFE_METHODS or isinstance(error, _NOT_SENT_ERRORS)

    def delay(self, attempt: int, retry_after: str | None, *, now: float | None = None) -> float:
        """Seconds to sleep before retry number `attempt` (0-based)."""
        hinted = _parse_retry_after(retry_after, now=time.time() if now is None else now)
        if hinted is not None and 0 <= hinted <= self.max_retry_after:
            return hinted
        backoff: float = min(self.max_delay, self.initial_delay * 2.0**attempt)
        # Full-range jitter would sometimes retry at once; keep at least three quarters of it.
        return backoff * (1 - 0.25 * random.random())


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


class ApiClient:
    """JSON-over-HTTPS client of one service endpoint.

    Thread-safe: one instance is shared by all provider calls running in the provider host.
    `headers` go on every request, besides the JSON content headers.
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=auth,
            transport=transport,
            timeout=timeout,
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
    ) -> Any:
        """Send a request and return its decoded JSON body (None when the body is empty).

        The body is `json`, or a `multipart` form (file uploads), or none.
        """
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        attempt = 0
        while True:
            try:
                response = self._send(method, path, clean_params, json, multipart)
            except httpx.TransportError as error:
                if attempt < self.retry.max_retries and self.retry.should_retry_error(
                    method, error
                ):
                    self._sleep(self.retry.delay(attempt, None))
                    attempt += 1
                    continue
                request = httpx.Request(method, self.base_url + path)
                if isinstance(error, httpx.TimeoutException):
                    raise APITimeoutError(request, error) from error
                raise APIConnectionError(request, error) from error
            if response.is_success:
                return _decode(response)
            if attempt < self.retry.max_retries and self.retry.should_retry_status(
                method, response.status_code
            ):
                self._sleep(self.retry.delay(attempt, response.headers.get("Retry-After")))
                attempt += 1
                continue
            raise status_error_from_response(response)

    def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any],
        json: Any,
        multipart: Multipart | None = None,
    ) -> httpx.Response:
        with self._count_lock:
            self._request_count += 1
        if multipart is not None:
            # httpx takes the boundary from an explicit Content-Type, which must replace the
            # client's JSON one.
            content_type = f"multipart/form-data; boundary={uuid.uuid4().hex}"
            return self._http.request(
                method,
                path,
                params=params or None,
                data=dict(multipart.fields),
                files=dict(multipart.files),
                headers={"Content-Type": content_type},
            )
        return self._http.request(
            method, path, params=params or None, json=json if json is not None else None
        )

    def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(
        self,
        path: str,
        json: Any = None,
        *,
        params: Mapping[str, Any] | None = None,
        multipart: Multipart | None = None,
    ) -> Any:
        return self.request("POST", path, json=json, params=params, multipart=multipart)

    def put(self, path: str, json: Any = None, *, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("PUT", path, json=json, params=params)

    def delete(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("DELETE", path, params=params)

    def paginate(
        self,
        path: str,
        items_key: str,
        *,
        params: Mapping[str, Any] | None = None,
        page_size: int = 100,
    ) -> Iterator[dict[str, Any]]:
        """Yield every item of a `limit`/`offset` list, fetching pages as they are consumed.

        ServiceStage lists answer ``{"count": total, "<items_key>": [...]}``; paging stops at
        `count`, or at the first short page for APIs that omit it.
        """
        offset = 0
        while True:
            page = self.get(path, params={**(params or {}), "limit": page_size, "offset": offset})
            items = (page or {}).get(items_key) or []
            yield from items
            offset += len(items)
            total = (page or {}).get("count")
            if len(items) < page_size or (isinstance(total, int) and offset >= total):
                return


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text
