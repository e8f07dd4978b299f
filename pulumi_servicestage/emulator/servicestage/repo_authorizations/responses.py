"""The repository authorizations' HTTP API: reads paths, queries and bodies, calls the backend,
shapes answers; and the control route that registers Git accounts."""

from __future__ import annotations

from collections.abc import Callable

from ...errors import CONTROL_REQUEST_INVALID, REPO_PARAMETER_INVALID
from ...server import ApiCall, ApiResponse, Route
from ..request_parsing import parse_body
from .backend import RepoAuthorizationBackend
from .schemas import GitAccountCreate, OAuthCreate, PasswordAuthCreate, PersonalAuthCreate


class RepoAuthorizationApi:
    """The repository authorization operations (§5.1 to §5.6) and the Git-account control."""

    def __init__(self, backend_for: Callable[[str], RepoAuthorizationBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        auths = "/v1/<project_id>/git/auths"

        def route(method: str, rule: str, handler: Callable[[ApiCall], ApiResponse]) -> Route:
            return Route(method, rule, handler, invalid=REPO_PARAMETER_INVALID.error)

        return [
            route("GET", auths, self.list_authorizations),
            route("GET", f"{auths}/<repo_type>/redirect", self.show_redirect_url),
            route("POST", f"{auths}/<repo_type>/oauth", self.create_oauth),
            route("POST", f"{auths}/<repo_type>/personal", self.create_personal_auth),
            route("POST", f"{auths}/<repo_type>/password", self.create_password_auth),
            route("DELETE", f"{auths}/<name>", self.delete_authorization),
            Route(
                "POST",
                "/_emulator/projects/<project_id>/git-accounts",
                self.add_account,
                authenticated=False,
                counted=False,
                invalid=CONTROL_REQUEST_INVALID.error,
            ),
        ]

    def list_authorizations(self, call: ApiCall) -> ApiResponse:
        found = self._backend(call).list_authorizations()
        authorizations = [authorization.to_dict(with_tag=True) for authorization in found]
        return ApiResponse(200, {"authorizations": authorizations, "count": len(authorizations)})

    def show_redirect_url(self, call: ApiCall) -> ApiResponse:
        url = self._backend(call).oauth_redirect_url(_repo_type(call), tag=call.query.get("tag"))
        return ApiResponse(200, {"url": url})

    def create_oauth(self, call: ApiCall) -> ApiResponse:
        body = parse_body(OAuthCreate, call, invalid=REPO_PARAMETER_INVALID)
        created = self._backend(call).create_oauth(
            _repo_type(call),
            name=body.name,
            code=body.code,
            state=body.state,
            tag=call.query.get("tag"),
        )
        return ApiResponse(200, {"authorization": created.to_dict(with_tag=False)})

    def create_personal_auth(self, call: ApiCall) -> ApiResponse:
        body = parse_body(PersonalAuthCreate, call, invalid=REPO_PARAMETER_INVALID)
        created = self._backend(call).create_personal_auth(
            _repo_type(call), name=body.name, token=body.token, host=body.host
        )
        return ApiResponse(200, {"authorization": created.to_dict(with_tag=False)})

    def create_password_auth(self, call: ApiCall) -> ApiResponse:
        body = parse_body(PasswordAuthCreate, call, invalid=REPO_PARAMETER_INVALID)
        assert body.user is not None and body.password is not None, "checked by the model"
        created = self._backend(call).create_password_auth(
            _repo_type(call), name=body.name, user=body.user, password=body.password
        )
        return ApiResponse(200, {"authorization": created.to_dict(with_tag=False)})

    def delete_authorization(self, call: ApiCall) -> ApiResponse:
        self._backend(call).delete_authorization(call.path_params["name"])
        return ApiResponse(204)

    def add_account(self, call: ApiCall) -> ApiResponse:
        body = parse_body(GitAccountCreate, call, invalid=CONTROL_REQUEST_INVALID)
        try:
            backend = self._backend(call)
        except KeyError:
            raise CONTROL_REQUEST_INVALID.error(f"unknown project {call.project_id}") from None
        try:
            backend.add_account(body.repo_type, body.user, token=body.token, password=body.password)
        except ValueError as error:
            raise CONTROL_REQUEST_INVALID.error(str(error)) from None
        return ApiResponse(204)

    def _backend(self, call: ApiCall) -> RepoAuthorizationBackend:
        return self._backend_for(call.project_id)


def _repo_type(call: ApiCall) -> str:
    # The reference spells the types GitHub, BitBucket, GitLab in its tables and lower case in
    # its examples and answers; the service takes either.
    return call.path_params["repo_type"].lower()
