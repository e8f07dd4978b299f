"""The one exception behind every error answer, and the Huawei Cloud error codes in use."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar


class ApiError(Exception):
    """An error answer: the HTTP status and the JSON body Huawei Cloud sends with it.

    Raised wherever the problem is found (backend, auth check, request parsing) and rendered by
    the WSGI app alone. API Gateway echoes the request id inside its error bodies; services do not,
    so `echo_request_id` says which kind of body this is.
    """

    def __init__(
        self,
        status: int,
        body: Mapping[str, Any],
        *,
        echo_request_id: bool = False,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(f"{status} {dict(body)}")
        self.status = status
        self.body = dict(body)
        self.echo_request_id = echo_request_id
        self.headers = dict(headers or {})

    def with_headers(self, headers: Mapping[str, str]) -> ApiError:
        """This error, answered with `headers` too (a 429's Retry-After)."""
        self.headers.update(headers)
        return self

    def render(self, request_id: str) -> dict[str, Any]:
        return {**self.body, "request_id": request_id} if self.echo_request_id else dict(self.body)


@dataclass(frozen=True)
class ErrorCode:
    """One row of an error-code table: `CODE.error(detail)` builds the exception to raise."""

    status: int
    code: str
    message: str
    from_gateway: bool = False

    def error(self, detail: str | None = None) -> ApiError:
        text = self.message if detail is None else f"{self.message}: {detail}"
        body = {"error_code": self.code, "error_msg": text}
        return ApiError(self.status, body, echo_request_id=self.from_gateway)


# ServiceStage (API reference §11.2).
PARAMETER_INVALID = ErrorCode(400, "SVCSTG.00100400", "parameter invalid")
COMPONENT_ACTION_NOT_DEFINED = ErrorCode(
    400, "SVCSTG.00100418", "component instance action not defined"
)
RUNTIME_NOT_SUPPORTED = ErrorCode(400, "SVCSTG.00100420", "runtime not supported")
ENVIRONMENT_NAME_USED = ErrorCode(400, "SVCSTG.00100449", "environment name is already used")
APPLICATION_NOT_FOUND = ErrorCode(404, "SVCSTG.00100403", "application not found")
COMPONENT_NOT_FOUND = ErrorCode(404, "SVCSTG.00100404", "component not found")
ENVIRONMENT_NOT_FOUND = ErrorCode(404, "SVCSTG.00100411", "environment not found")
JOB_NOT_FOUND = ErrorCode(404, "SVCSTG.00100429", "job not found")
APPLICATION_NOT_EMPTY = ErrorCode(409, "SVCSTG.00100401", "application not empty")
NAME_EXISTS = ErrorCode(409, "SVCSTG.00100413", "instance name exists")
CANNOT_OPERATE_IN_CURRENT_STATUS = ErrorCode(
    409, "SVCSTG.00100419", "can not operate in current status"
)
ENVIRONMENT_IN_USE = ErrorCode(409, "SVCSTG.00100426", "environment is in use")
COMPONENT_IN_RELEASING = ErrorCode(409, "SVCSTG.00100432", "component in releasing")
RELEASE_NOT_FOUND = ErrorCode(404, "SVCSTG.00100433", "application release not found")
RELEASE_CANNOT_DELETE = ErrorCode(409, "SVCSTG.00100435", "release can not delete")
SERVICE_INTERNAL_ERROR = ErrorCode(500, "SVCSTG.00100500", "service internal error")
# The reference names no code for a missing plugin (addon); this is the table's generic one.
INSTANCE_NOT_FOUND = ErrorCode(404, "SVCSTG.00100412", "instance not found")

# ServiceStage's Git repository APIs (/v1/{project_id}/git/..., §11.2 SVCSTG.REPO rows).
REPO_PARAMETER_INVALID = ErrorCode(400, "SVCSTG.REPO.0400", "parameter invalid")
REPOSITORY_NOT_IMPLEMENTED = ErrorCode(400, "SVCSTG.REPO.0401", "repository not implemented")
OAUTH_CODE_OR_STATE_INVALID = ErrorCode(400, "SVCSTG.REPO.0402", "oauth code or state invalid")
REPO_RESOURCE_EXISTS = ErrorCode(400, "SVCSTG.REPO.0403", "resource already exist")
REPO_AUTHORIZATION_INVALID = ErrorCode(400, "SVCSTG.REPO.0451", "repository authorization invalid")


@dataclass(frozen=True)
class AsmErrorCode(ErrorCode):
    """A row of ASM's error-code table; ASM spells the body's fields errorCode and errorMsg."""

    def error(self, detail: str | None = None) -> ApiError:
        text = self.message if detail is None else f"{self.message} {detail}"
        return ApiError(self.status, {"errorCode": self.code, "errorMsg": text})


# Application Service Mesh (ASM error-code page, 2026-06-25 version).
ASM_INVALID_REQUEST = AsmErrorCode(400, "ASM.01010001", "Invalid request.")
ASM_RESOURCE_NOT_FOUND = AsmErrorCode(404, "ASM.01010002", "Resource not found.")
ASM_RESOURCE_EXISTS = AsmErrorCode(409, "ASM.01010003", "The resource already exists.")

# API Gateway, which answers before the service sees the request (API signing guide, error codes).
API_NOT_FOUND = ErrorCode(
    404,
    "APIGW.0101",
    "The API does not exist or has not been published in the environment.",
    from_gateway=True,
)
IAM_AUTHENTICATION_INCORRECT = ErrorCode(
    401, "APIGW.0301", "Incorrect IAM authentication information", from_gateway=True
)
IAM_USER_NOT_AUTHORIZED = ErrorCode(
    403, "APIGW.0302", "The IAM user is not authorized to access the API.", from_gateway=True
)

# The emulator's own control routes (/_emulator/...).
CONTROL_REQUEST_INVALID = ErrorCode(400, "EMULATOR.0400", "control request invalid")

StateT = TypeVar("StateT")


def controlled(state_for: Callable[[str], StateT], project_id: str) -> StateT:
    """The project's state a control request addresses: 400 ``EMULATOR.0400`` for a project the
    emulator does not have (`state_for` raises KeyError)."""
    try:
        return state_for(project_id)
    except KeyError:
        raise CONTROL_REQUEST_INVALID.error(f"no project {project_id}") from None


def keystone_error(status: int, title: str, message: str) -> ApiError:
    """IAM's token API answers errors in the OpenStack Keystone shape, not with error_code."""
    return ApiError(status, {"error": {"code": status, "message": message, "title": title}})


# API Gateway's answer to a credential over its request quota for an API ("Request Throttling":
# 10 per second per API and user); the emulator sends it only when told to throttle.
THROTTLED = ErrorCode(
    429, "APIGW.0308", "The throttling threshold has been reached", from_gateway=True
)
