"""IAM token authentication: a token given by the user, or one obtained with a user's password.

Both set ``X-Auth-Token``. AK/SK request signing lives in :mod:`.signing`.
"""

from __future__ import annotations

import abc
import ssl
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, NoReturn, SupportsIndex

import httpx

from . import clock
from .errors import ConfigurationError, ServiceStageError, status_error_from_response
from .trust import verification

TOKEN_HEADER = "X-Auth-Token"

# IAM tokens live 24 hours; replace one this long before it runs out, so that a request that is
# slow to reach the service (or retried) does not arrive with a token that expired on the way.
REFRESH_MARGIN = timedelta(minutes=5)

_IAM_TIMEOUT_SECONDS = 30.0

# How long an engine's token is valid (PDF 004 §7.2.1, 表7-2: "有效期为12小时").
ENGINE_TOKEN_LIFETIME = timedelta(hours=12)
_ENGINE_TOKEN_HINTS = {
    401: "; the engine refused the password of its root account: check `engine_password`",
}


def utc_now() -> datetime:
    """The current time on the package's clock, timezone-aware in UTC (the default clock of the
    auth flows)."""
    return datetime.fromtimestamp(clock.wall(), timezone.utc)


class CredentialAuth(httpx.Auth):
    """Base of the auth flows that hold secrets.

    Credentials must never reach logs or Pulumi state: ``repr()`` names only the class, and
    pickling (which Pulumi uses to ship dynamic providers) fails loudly instead of copying the
    secrets. Build auth objects where they are used, from configuration, never ahead of time.
    """

    def __repr__(self) -> str:
        return f"<{type(self).__name__} (credentials hidden)>"

    def __reduce_ex__(self, protocol: SupportsIndex) -> NoReturn:
        raise TypeError(
            f"{type(self).__name__} holds credentials and cannot be pickled; "
            "build it from configuration in the process that sends the requests"
        )


class TokenAuth(CredentialAuth):
    """Sends a fixed IAM token, for example one from ``HW_AUTH_TOKEN``.

    The token is not refreshed: once it expires (24 hours after it was issued) the service answers
    401 and the user has to provide a new one.
    """

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[TOKEN_HEADER] = self._token
        yield request


@dataclass(frozen=True)
class _CachedToken:
    value: str = field(repr=False)
    refresh_at: datetime


class CachingTokenAuth(CredentialAuth, abc.ABC):
    """Base of the flows that obtain a token, cache it, and replace it when it is about to run
    out or is rejected (that request is then sent once more, with the new token). One instance
    may be shared by many threads; they wait for a single token request instead of each making
    one. Subclasses say how a token is fetched, sent and rejected."""

    # The request may have to be sent a second time after a rejection.
    requires_request_body = True
    # The body of a 401 tells a rejected token apart from a service's own 401 answers.
    requires_response_body = True

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: _CachedToken | None = None

    @abc.abstractmethod
    def fetch_token(self) -> _CachedToken:
        """A new token, and when to replace it."""

    @abc.abstractmethod
    def attach(self, request: httpx.Request, token: str) -> None:
        """Put `token` on the request."""

    @abc.abstractmethod
    def rejects(self, response: httpx.Response) -> bool:
        """Whether the answer says the token was not accepted."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._valid_token()
        self.attach(request, token)
        response = yield request
        if self.rejects(response):
            self.attach(request, self._token_replacing(token))
            yield request

    def _valid_token(self) -> str:
        with self._lock:
            if self._cached is None or self._clock() >= self._cached.refresh_at:
                self._cached = self.fetch_token()
            return self._cached.value

    def _token_replacing(self, rejected: str) -> str:
        with self._lock:
            # Threads whose requests were rejected together must not each fetch a token: the
            # first one replaces it, the others find the replacement already cached.
            if self._cached is None or self._cached.value == rejected:
                self._cached = self.fetch_token()
            return self._cached.value


class IamPasswordAuth(CachingTokenAuth):
    """Obtains a project-scoped IAM token with a user's password and sends it as ``X-Auth-Token``.

    The token is fetched on first use with ``POST {iam_endpoint}/v3/auth/tokens``, cached, and
    replaced when less than :data:`REFRESH_MARGIN` of its lifetime is left, or when the gateway
    rejects it (401): that request is then sent once more with a new token. One instance may be
    shared by many threads; they wait for a single IAM call instead of each making one.

    IAM is called synchronously from inside the flow, so this is meant for ``httpx.Client``; an
    ``httpx.AsyncClient`` would block its event loop while a token is fetched. IAM errors are raised
    as :class:`~.errors.APIStatusError`.

    Args:
        iam_endpoint: base URL of IAM, e.g. ``https://iam.cn-north-4.myhuaweicloud.com``.
        user_name, password, domain_name: the IAM user and the account (domain) it belongs to.
        project_id, project_name: the project the token is scoped to; give exactly one. Project
            names are region names such as ``cn-north-4``.
        transport: how to reach IAM (tests pass an ``httpx.MockTransport``).
        clock: returns the current time; injectable for tests.
    """

    def __init__(
        self,
        *,
        iam_endpoint: str,
        user_name: str,
        password: str,
        domain_name: str,
        project_id: str | None = None,
        project_name: str | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        if bool(project_id) == bool(project_name):
            raise ConfigurationError(
                "IAM password authentication needs the project to scope the token to: "
                "give either a project ID or a project name, not both"
            )
        project = {"id": project_id} if project_id else {"name": project_name}
        self._token_url = iam_endpoint.rstrip("/") + "/v3/auth/tokens"
        self._token_request_body: dict[str, Any] = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": user_name,
                            "password": password,
                            "domain": {"name": domain_name},
                        }
                    },
                },
                "scope": {"project": project},
            }
        }
        super().__init__(clock)
        self._iam = httpx.Client(
            transport=transport, timeout=_IAM_TIMEOUT_SECONDS, verify=verification(True)
        )

    def attach(self, request: httpx.Request, token: str) -> None:
        request.headers[TOKEN_HEADER] = token

    def rejects(self, response: httpx.Response) -> bool:
        return _rejects_token(response)

    def fetch_token(self) -> _CachedToken:
        requested_at = self._clock()
        response = self._iam.post(self._token_url, json=self._token_request_body)
        if response.is_error:
            raise status_error_from_response(response)
        token = response.headers.get("X-Subject-Token")
        if not token:
            raise ServiceStageError(
                f"IAM answered POST {self._token_url} without an X-Subject-Token header"
            )
        lifetime = _token_lifetime(response)
        return _CachedToken(value=token, refresh_at=requested_at + lifetime - REFRESH_MARGIN)


class EngineTokenAuth(CachingTokenAuth):
    """Obtains a token of a CSE exclusive engine with security authentication (RBAC) and sends
    it as ``Authorization: Bearer`` to the engine's own address (PDF 004 §7.2.1).

    The token comes from ``POST {address}/v4/token`` with the engine account's name and
    password; it is valid for 12 hours (表7-2) and replaced :data:`REFRESH_MARGIN` before that,
    or when the engine answers 401. `verify` is httpx's: True, or an SSL context trusting the CA
    that signed the engine's certificate.
    """

    def __init__(
        self,
        *,
        address: str,
        user_name: str,
        password: str,
        verify: ssl.SSLContext | bool = True,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(clock)
        self._token_url = address.rstrip("/") + "/v4/token"
        self._credentials = {"name": user_name, "password": password}
        self._engine = httpx.Client(
            transport=transport, timeout=_IAM_TIMEOUT_SECONDS, verify=verification(verify)
        )

    def fetch_token(self) -> _CachedToken:
        requested_at = self._clock()
        response = self._engine.post(self._token_url, json=self._credentials)
        if response.is_error:
            raise status_error_from_response(response, _ENGINE_TOKEN_HINTS)
        token = response.json().get("token") if response.content else None
        if not isinstance(token, str) or not token:
            raise ServiceStageError(f"the engine answered POST {self._token_url} without a token")
        return _CachedToken(
            value=token, refresh_at=requested_at + ENGINE_TOKEN_LIFETIME - REFRESH_MARGIN
        )

    def attach(self, request: httpx.Request, token: str) -> None:
        request.headers["Authorization"] = f"Bearer {token}"

    def rejects(self, response: httpx.Response) -> bool:
        return response.status_code == 401


def _token_lifetime(response: httpx.Response) -> timedelta:
    """How long the token is valid, measured on IAM's clock.

    Applying the lifetime to our own clock, rather than comparing ``expires_at`` with it, keeps
    the cache right on machines whose clock is off.
    """
    try:
        details = response.json()["token"]
        expires_at = _parse_iam_time(details["expires_at"])
        issued_at = _parse_iam_time(details["issued_at"])
    except (ValueError, KeyError, TypeError) as error:
        raise ServiceStageError(
            f"IAM answered {response.request.method} {response.request.url} with a token "
            f"whose expiry could not be read: {error!r}"
        ) from error
    return expires_at - issued_at


def _parse_iam_time(value: str) -> datetime:
    # IAM writes "2020-01-05T09:05:22.701000Z"; Python 3.10 reads "Z" only as "+00:00".
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# The gateway checks the token before the service sees the request and answers with its own
# APIG/APIGW codes (e.g. APIGW.0301 "token expires"), or with no JSON at all. A 401 carrying the
# service's code is about the request: ServiceStage answers 401 SVCSTG.00100401 for a deleted
# object, and a new token would not change that.
def _rejects_token(response: httpx.Response) -> bool:
    if response.status_code != 401:
        return False
    error_code = status_error_from_response(response).error_code
    return error_code is None or error_code.startswith("APIG")
