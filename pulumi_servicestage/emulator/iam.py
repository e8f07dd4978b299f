"""IAM's token API, ``POST /v3/auth/tokens`` with the password method, as the emulator serves it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from .auth import CredentialStore, IssuedToken, format_iam_time
from .errors import ApiError, keystone_error
from .server import ApiCall, ApiResponse, Route, describe_validation_error


class _Request(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class _Domain(_Request):
    id: str | None = None
    name: str | None = None


class _User(_Request):
    name: str
    password: str
    domain: _Domain


class _Password(_Request):
    user: _User


class _Identity(_Request):
    methods: list[str]
    password: _Password | None = None


class _Project(_Request):
    id: str | None = None
    name: str | None = None


class _Scope(_Request):
    project: _Project | None = None


class _Auth(_Request):
    identity: _Identity
    scope: _Scope | None = None


class _TokenRequest(_Request):
    auth: _Auth


def _invalid_input(detail: str) -> ApiError:
    return keystone_error(400, "Bad Request", f"Invalid input: {detail}")


class IamApi:
    """Issues tokens to the emulator's IAM users; ServiceStage accepts them as ``X-Auth-Token``."""

    def __init__(self, credentials: CredentialStore, *, region: str):
        self._credentials = credentials
        self._region = region

    def routes(self) -> list[Route]:
        return [
            Route(
                "POST",
                "/v3/auth/tokens",
                self.create_token,
                authenticated=False,
                invalid=_invalid_input,
            )
        ]

    def create_token(self, call: ApiCall) -> ApiResponse:
        """Answer 201 with the token in ``X-Subject-Token`` and its details in the body."""
        try:
            request = _TokenRequest.model_validate_json(call.body or b"{}")
        except ValidationError as error:
            message = f"Invalid input for field: {describe_validation_error(error)}"
            raise keystone_error(400, "Bad Request", message) from None
        identity = request.auth.identity
        if identity.methods != ["password"] or identity.password is None:
            raise keystone_error(
                400,
                "Bad Request",
                "Invalid input for field 'identity': only the password method is supported",
            )
        user = identity.password.user
        project = request.auth.scope.project if request.auth.scope else None
        token = self._credentials.issue_token(
            user_name=user.name,
            password=user.password,
            domain_name=user.domain.name,
            domain_id=user.domain.id,
            project_id=project.id if project else None,
            project_name=project.name if project else None,
        )
        catalog = [] if "nocatalog" in call.query else self._catalog(call.base_url)
        return ApiResponse(
            201, self._token_body(token, catalog), headers={"X-Subject-Token": token.value}
        )

    def _token_body(self, token: IssuedToken, catalog: list[dict[str, Any]]) -> dict[str, Any]:
        domain = {"id": self._credentials.domain_id, "name": self._credentials.domain_name}
        details: dict[str, Any] = {
            "expires_at": format_iam_time(token.expires_at),
            "issued_at": format_iam_time(token.issued_at),
            "methods": ["password"],
            "catalog": catalog,
            "roles": [{"id": "0", "name": "te_admin"}],
            "user": {
                "domain": domain,
                "id": token.user.id,
                "name": token.user.name,
                "password_expires_at": "",
            },
        }
        if token.project is not None:
            details["project"] = {
                "domain": domain,
                "id": token.project.id,
                "name": token.project.name,
            }
        else:
            details["domain"] = domain
        return {"token": details}

    def _catalog(self, base_url: str) -> list[dict[str, Any]]:
        """Both services this emulator offers, at the URL the caller reached it with."""
        return [
            {
                "id": service_type,
                "name": name,
                "type": service_type,
                "endpoints": [
                    {
                        "id": f"{service_type}-{self._region}",
                        "interface": "public",
                        "region": self._region,
                        "region_id": self._region,
                        "url": base_url,
                    }
                ],
            }
            for name, service_type in (("iam", "identity"), ("servicestage", "servicestage"))
        ]
