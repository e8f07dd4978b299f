"""Exceptions raised by the API client.

ServiceStageError
├── ConfigurationError        a setting is missing or malformed
├── APIConnectionError        the request never got an HTTP answer
│   └── APITimeoutError
├── APIStatusError            the service answered with 4xx/5xx
│   └── NotFoundError         the object is gone (404, or ServiceStage's 401 + SVCSTG.00100401)
└── AmbiguousWriteError       a write may have been carried out although no answer said so
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx


class ServiceStageError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigurationError(ServiceStageError):
    """A required setting is missing or malformed; the message names the key to set."""


class APIConnectionError(ServiceStageError):
    def __init__(self, request: httpx.Request, cause: Exception) -> None:
        self.request = request
        self.method = request.method
        self.url = str(request.url)
        hint = ""
        if "CERTIFICATE_VERIFY_FAILED" in str(cause):
            hint = (
                "; its certificate is not signed by a CA this machine trusts (for a CSE engine's "
                "own address, set stack config `servicestage:engineCaBundle` to its CA bundle)"
            )
        super().__init__(
            f"{request.method} {request.url}: could not reach the service: {cause}{hint}"
        )


class APITimeoutError(APIConnectionError):
    pass


class APIStatusError(ServiceStageError):
    """The service answered with an error status.

    The message is one line, so it reads well in `pulumi up` output:
    ``404 SVCSTG.00100404 component not found (GET /v3/p/cas/.../components/c, request 1f2e)``
    """

    def __init__(
        self,
        *,
        status_code: int,
        method: str,
        path: str,
        error_code: str | None,
        error_msg: str | None,
        request_id: str | None,
        body: Any = None,
        hints: Mapping[int, str] | None = None,
    ) -> None:
        self.status_code = status_code
        self.method = method
        self.path = path
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.body = body
        where = f"{method} {path}" + (f", request {request_id}" if request_id else "")
        what = " ".join(part for part in (error_code, error_msg) if part) or "no error details"
        hint = (hints or HINTS).get(status_code, "") if type(self) is APIStatusError else ""
        super().__init__(f"{status_code} {what} ({where}){hint}")


class NotFoundError(APIStatusError):
    """The addressed object does not exist (any more)."""


class AmbiguousWriteError(ServiceStageError):
    """A write may have reached the service, yet no answer tells whether it was carried out.

    The connection broke after the request was sent, or a gateway answered 500, 502 or 504 for a
    service that may have acted before it failed. `cause` is the last failure seen (after the
    retries of an idempotent write, possibly a refusal that the first, unheard attempt caused).
    Callers decide by reading the service, never by sending a POST again blindly.
    """

    def __init__(self, method: str, path: str, cause: ServiceStageError) -> None:
        self.method = method
        self.path = path
        self.cause = cause
        super().__init__(
            f"{method} {path}: the service may or may not have carried this out ({cause})"
        )


# What to do about the refusals whose cause is the deployment's own settings.
HINTS = {
    401: "; check the credentials: servicestage:accessKey and servicestage:secretKey (or a token, "
    "or an IAM user; README, Configuration) and servicestage:projectId",
    403: "; the credentials lack the IAM permission for this operation",
}

# ServiceStage answers 401 with this code when a component or application was deleted behind our
# back; users of the Terraform provider observed it (it is documented as "application not empty"
# under 409, but the live service reuses it).
_GONE_ERROR_CODES_ON_401 = frozenset({"SVCSTG.00100401"})
# CSE answers 400 for an engine that does not exist (PDF 004 §11.3, 表11-2 "Failed to find the
# engine instance"), also for the job of an engine whose delete has ended; an engine's registry
# for a microservice, a schema or an instance that does not exist (§11.4: 400012, 400016,
# 400017).
_GONE_ERROR_CODES_ON_400 = frozenset({"SVCSTG.00501116", "400012", "400016", "400017"})


def _error_fields(body: Any) -> tuple[str | None, str | None]:
    if not isinstance(body, dict):
        return None, None
    # ServiceStage and CSE use error_code/error_msg; ASM and some gateways use errorCode/errorMsg;
    # ServiceComb nests them as errorCode/errorMessage.
    code = body.get("error_code") or body.get("errorCode")
    message = body.get("error_msg") or body.get("errorMsg") or body.get("errorMessage")
    nested = body.get("error")
    if code is None and message is None and isinstance(nested, dict):
        # IAM answers in Keystone's shape: {"error": {"code": 401, "title": ..., "message": ...}}.
        code, message = _error_fields(nested)
        if message is None and nested.get("message") is not None:
            title = nested.get("title")
            message = f"{title}: {nested['message']}" if title else str(nested["message"])
        return code, message
    return (str(code) if code is not None else None, str(message) if message is not None else None)


def status_error_from_response(
    response: httpx.Response, hints: Mapping[int, str] | None = None
) -> APIStatusError:
    """Build the exception for an error response, classifying "gone" answers as NotFoundError;
    `hints` say what to do about a status (by default `HINTS`, the cloud APIs')."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    error_code, error_msg = _error_fields(body)
    if error_msg is None and isinstance(body, str) and body.strip():
        error_msg = body.strip()[:300]
    request_id = response.headers.get("X-Request-Id") or response.headers.get("X-Trace-Id")
    gone = (
        response.status_code == 404
        or (response.status_code == 401 and error_code in _GONE_ERROR_CODES_ON_401)
        or (response.status_code == 400 and error_code in _GONE_ERROR_CODES_ON_400)
    )
    cls = NotFoundError if gone else APIStatusError
    return cls(
        status_code=response.status_code,
        method=response.request.method,
        path=response.request.url.raw_path.decode("ascii", "replace"),
        error_code=error_code,
        error_msg=error_msg,
        request_id=request_id,
        body=body,
        hints=hints,
    )
