"""Authorizations that let ServiceStage reach Git repositories (API reference §5.1 to §5.6).

An authorization is known by its name and holds credentials for one Git host: a personal access
token, a user name and password, or an OAuth grant. The real service checks the credentials with
the Git host when it creates an authorization; the emulator checks them against the accounts
registered with `RepoAuthorizationBackend.add_account` (or the control route
``POST /_emulator/projects/{project_id}/git-accounts``, body ``{"repo_type", "user", "token"}``
or ``{..., "password"}``; 204), and stands in for the browser step of OAuth with `grant_oauth`.
Credentials are never shown again.

Repository types per kind of authorization follow the official SDK's model docs, which list more
than the reference: personal tokens for github, gitlab and gitee; passwords for github, bitbucket
and devcloud; OAuth for github, gitlab, gitee and bitbucket.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from urllib.parse import quote, urlencode, urlsplit

from pydantic import Field, model_validator

from ..errors import (
    CONTROL_REQUEST_INVALID,
    OAUTH_CODE_OR_STATE_INVALID,
    REPO_AUTHORIZATION_INVALID,
    REPO_PARAMETER_INVALID,
    REPO_RESOURCE_EXISTS,
    REPOSITORY_NOT_IMPLEMENTED,
)
from ..server import ApiCall, ApiResponse, Route
from .models import ServiceStageBackend
from .request_parsing import RequestBody, parse_body

# The reference gives no rule; this is the one Huawei's Terraform provider enforces.
NAME_PATTERN = r"^[A-Za-z0-9_.-]{4,63}$"


@dataclass(frozen=True)
class GitHost:
    """A public Git service: where its web pages, API and OAuth consent page are."""

    web: str
    api: str
    authorize: str
    oauth_scope: str


GIT_HOSTS = {
    "github": GitHost(
        "https://github.com",
        "https://api.github.com",
        "https://github.com/login/oauth/authorize",
        "read:user repo write:repo_hook",
    ),
    "gitlab": GitHost(
        "https://gitlab.com",
        "https://gitlab.com/api/v4",
        "https://gitlab.com/oauth/authorize",
        "api read_user",
    ),
    "gitee": GitHost(
        "https://gitee.com",
        "https://gitee.com/api/v5",
        "https://gitee.com/oauth/authorize",
        "user_info projects hook",
    ),
    "bitbucket": GitHost(
        "https://bitbucket.org",
        "https://api.bitbucket.org",
        "https://bitbucket.org/site/oauth2/authorize",
        "account repository webhook",
    ),
    "devcloud": GitHost(
        "https://codehub.devcloud.huaweicloud.com",
        "https://codehub.devcloud.huaweicloud.com",
        "https://codehub.devcloud.huaweicloud.com/oauth/authorize",
        "api",
    ),
}
PERSONAL_REPO_TYPES = ("github", "gitlab", "gitee")
PASSWORD_REPO_TYPES = ("github", "bitbucket", "devcloud")
OAUTH_REPO_TYPES = ("github", "gitlab", "gitee", "bitbucket")

_CONSOLE = {None: "https://console.huaweicloud.com", "intl": "https://console-intl.huaweicloud.com"}


class AuthorizationStatus(IntEnum):
    """`status` of an authorization (§5.1, table 5-4)."""

    NORMAL = 0
    EXPIRED = 1
    UNAUTHENTICATED = 2


@dataclass
class GitAccount:
    """A user of a Git host and the credentials that host accepts for them."""

    repo_type: str
    user: str
    token: str | None
    password: str | None


@dataclass
class Authorization:
    name: str
    repo_type: str
    repo_host: str
    repo_home: str
    repo_user: str
    avatar: str
    token_type: str
    create_time: int
    update_time: int
    status: AuthorizationStatus
    tag: str | None
    #: The account whose credentials it holds; None for an OAuth grant.
    account: GitAccount | None

    def to_dict(self, *, with_tag: bool) -> dict[str, object]:
        # The SDK's models name the avatar `avartar`, as does the reference's password example.
        shown: dict[str, object] = {
            "name": self.name,
            "repo_type": self.repo_type,
            "repo_host": self.repo_host,
            "repo_home": self.repo_home,
            "repo_user": self.repo_user,
            "avartar": self.avatar,
            "token_type": self.token_type,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "status": int(self.status),
        }
        if with_tag:
            shown["tag"] = self.tag
        return shown


@dataclass(frozen=True)
class _OAuthRequest:
    repo_type: str
    tag: str | None


@dataclass(frozen=True)
class _OAuthGrant:
    """A user's consent at the Git host, answering the redirect URL issued with `state`."""

    state: str
    user: str


class RepoAuthorizationBackend:
    """The repository authorizations of one project, plus the Git accounts tests registered."""

    def __init__(self, core: ServiceStageBackend):
        self._core = core
        self._authorizations: dict[str, Authorization] = {}
        self._accounts: list[GitAccount] = []
        self._pending_oauth: dict[str, _OAuthRequest] = {}
        self._granted_oauth: dict[str, _OAuthGrant] = {}

    def reset(self) -> None:
        with self._core.current_state():
            self._authorizations.clear()
            self._accounts.clear()
            self._pending_oauth.clear()
            self._granted_oauth.clear()

    # What the Git hosts know (test controls)

    def add_account(
        self, repo_type: str, user: str, *, token: str | None = None, password: str | None = None
    ) -> GitAccount:
        """Make a Git host accept `token` or `password` for `user`."""
        if repo_type not in GIT_HOSTS:
            raise ValueError(f"repo_type must be one of {', '.join(GIT_HOSTS)}")
        if not user or not (token or password):
            raise ValueError("an account needs a user and a token or a password")
        account = GitAccount(repo_type, user, token, password)
        with self._core.current_state():
            self._accounts.append(account)
        return account

    def revoke_account(self, repo_type: str, user: str) -> None:
        """The Git host stops accepting the user's credentials: their authorizations expire."""
        with self._core.current_state():
            revoked = [a for a in self._accounts if (a.repo_type, a.user) == (repo_type, user)]
            for account in revoked:
                self._accounts.remove(account)
            for authorization in self._authorizations.values():
                if authorization.account in revoked:
                    authorization.status = AuthorizationStatus.EXPIRED
                    authorization.update_time = self._core.now_ms()

    def grant_oauth(self, state: str, *, user: str) -> str:
        """What the browser does: `user` consents at the Git host; returns the redirect's code."""
        with self._core.current_state():
            if state not in self._pending_oauth:
                raise ValueError(f"no OAuth redirect URL was issued with state {state!r}")
            code = secrets.token_hex(10)
            self._granted_oauth[code] = _OAuthGrant(state, user)
            return code

    # The API (§5)

    def list_authorizations(self) -> list[Authorization]:
        with self._core.current_state():
            return sorted(self._authorizations.values(), key=lambda found: found.create_time)

    def oauth_redirect_url(self, repo_type: str, *, tag: str | None = None) -> str:
        """The Git host's consent page, with a one-time state for `create_oauth` (§5.2)."""
        host = self._git_host(repo_type, OAUTH_REPO_TYPES)
        with self._core.current_state():
            state = "$2a$10$" + secrets.token_urlsafe(40)
            self._pending_oauth[state] = _OAuthRequest(repo_type, tag)
        console = _CONSOLE.get(tag, _CONSOLE[None])
        query = {
            "client_id": "servicestage-emulator",
            "redirect_uri": f"{console}/servicestage/oauth?repo_type={repo_type}",
            "state": state,
            "scope": host.oauth_scope,
        }
        return f"{host.authorize}?{urlencode(query, quote_via=quote)}"

    def create_oauth(
        self, repo_type: str, *, name: str, code: str, state: str, tag: str | None = None
    ) -> Authorization:
        """Create an authorization from the code and state the consent redirect carried (§5.3)."""
        host = self._git_host(repo_type, OAUTH_REPO_TYPES)
        with self._core.current_state():
            self._check_name_free(name)
            granted = self._granted_oauth.get(code)
            requested = self._pending_oauth.get(state)
            if (
                granted is None
                or granted.state != state
                or requested != _OAuthRequest(repo_type, tag)
            ):
                raise OAUTH_CODE_OR_STATE_INVALID.error(
                    "get a new redirect URL and authorize again; a state can be used once"
                )
            del self._pending_oauth[state], self._granted_oauth[code]
            return self._add(name, repo_type, host.api, granted.user, "oauth", None, tag)

    def create_personal_auth(
        self, repo_type: str, *, name: str, token: str, host: str | None = None
    ) -> Authorization:
        """Create an authorization holding a personal access token (§5.4)."""
        git_host = self._git_host(repo_type, PERSONAL_REPO_TYPES)
        if host is not None and not _is_http_url(host):
            raise REPO_PARAMETER_INVALID.error("host: must be an http(s) URL")
        with self._core.current_state():
            self._check_name_free(name)
            account = self._account(repo_type, lambda found: found.token == token)
            # A host on the public service means the public service; any other is self-hosted.
            # Hosts are compared whole: https://github.company.com is a GitHub Enterprise server.
            public_hosts = {urlsplit(git_host.web).netloc, urlsplit(git_host.api).netloc}
            repo_host = (
                git_host.api
                if host is None or urlsplit(host).netloc.lower() in public_hosts
                else host.rstrip("/")
            )
            return self._add(name, repo_type, repo_host, account.user, "personal", account, None)

    def create_password_auth(
        self, repo_type: str, *, name: str, user: str, password: str
    ) -> Authorization:
        """Create an authorization holding a user name and password (§5.5)."""
        git_host = self._git_host(repo_type, PASSWORD_REPO_TYPES)
        with self._core.current_state():
            self._check_name_free(name)
            account = self._account(
                repo_type, lambda found: (found.user, found.password) == (user, password)
            )
            return self._add(name, repo_type, git_host.api, user, "password", account, None)

    def delete_authorization(self, name: str) -> None:
        """Delete by name; a name that is not there is already deleted (§5.6 documents no 404)."""
        with self._core.current_state():
            self._authorizations.pop(name, None)

    def _add(
        self,
        name: str,
        repo_type: str,
        repo_host: str,
        user: str,
        token_type: str,
        account: GitAccount | None,
        tag: str | None,
    ) -> Authorization:
        web = GIT_HOSTS[repo_type].web
        home = repo_host if repo_host != GIT_HOSTS[repo_type].api else web
        now = self._core.now_ms()
        authorization = Authorization(
            name=name,
            repo_type=repo_type,
            repo_host=repo_host,
            repo_home=f"{home}/{user}",
            repo_user=user,
            avatar=f"{web}/{user}.png",
            token_type=token_type,
            create_time=now,
            update_time=now,
            status=AuthorizationStatus.NORMAL,
            tag=tag,
            account=account,
        )
        self._authorizations[name] = authorization
        return authorization

    @staticmethod
    def _git_host(repo_type: str, supported: tuple[str, ...]) -> GitHost:
        if repo_type not in supported:
            raise REPOSITORY_NOT_IMPLEMENTED.error(
                f"repo_type {repo_type!r}: this kind of authorization supports "
                + ", ".join(supported)
            )
        return GIT_HOSTS[repo_type]

    def _check_name_free(self, name: str) -> None:
        if name in self._authorizations:
            raise REPO_RESOURCE_EXISTS.error(f"an authorization named {name} exists")

    def _account(self, repo_type: str, accepts: Callable[[GitAccount], bool]) -> GitAccount:
        for account in self._accounts:
            if account.repo_type == repo_type and accepts(account):
                return account
        raise REPO_AUTHORIZATION_INVALID.error(f"{repo_type} rejected the credentials")


def _is_http_url(host: str) -> bool:
    """Whether `host` (table 5-17: the repository's address) is an http(s) URL that parses and
    names a host; "http://[" (an unclosed IPv6 address) or a port past 65535 does not parse."""
    if not host.startswith(("https://", "http://")):
        return False
    try:
        parts = urlsplit(host)
        hostname, _port = parts.hostname, parts.port  # `port` raises for a malformed one
    except ValueError:
        return False
    return bool(hostname)


class _AuthorizationBody(RequestBody):
    name: str = Field(pattern=NAME_PATTERN)


class _OAuthCreate(_AuthorizationBody):
    code: str = Field(min_length=1)
    state: str = Field(min_length=1)


class _PersonalAuthCreate(_AuthorizationBody):
    token: str = Field(min_length=1)
    host: str | None = None


class _PasswordAuthCreate(_AuthorizationBody):
    """The reference and the SDK send {name, user, password}; Huawei's Terraform provider sends
    {name, token} with the token base64("user:password"). Both are in use, so both are taken."""

    user: str | None = Field(None, min_length=1)
    password: str | None = Field(None, min_length=1)
    token: str | None = None

    @model_validator(mode="after")
    def _credentials_given(self) -> _PasswordAuthCreate:
        if self.token is not None and self.user is None and self.password is None:
            try:
                user, separator, password = (
                    base64.b64decode(self.token, validate=True).decode("utf-8").partition(":")
                )
            except (binascii.Error, UnicodeDecodeError):
                user, separator, password = "", "", ""
            if not (user and separator and password):
                raise ValueError("token must be base64 of 'user:password'")
            self.user, self.password = user, password
        if not (self.user and self.password):
            raise ValueError("user and password are required")
        return self


class _GitAccountCreate(RequestBody):
    repo_type: str
    user: str
    token: str | None = None
    password: str | None = None


class RepoAuthorizationApi:
    """The repository authorization operations (§5.1 to §5.6) and the Git-account control."""

    def __init__(self, backend_for: Callable[[str], RepoAuthorizationBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        auths = "/v1/<project_id>/git/auths"
        return [
            Route("GET", auths, self.list_authorizations),
            Route("GET", f"{auths}/<repo_type>/redirect", self.show_redirect_url),
            Route("POST", f"{auths}/<repo_type>/oauth", self.create_oauth),
            Route("POST", f"{auths}/<repo_type>/personal", self.create_personal_auth),
            Route("POST", f"{auths}/<repo_type>/password", self.create_password_auth),
            Route("DELETE", f"{auths}/<name>", self.delete_authorization),
            Route(
                "POST",
                "/_emulator/projects/<project_id>/git-accounts",
                self.add_account,
                authenticated=False,
                counted=False,
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
        body = parse_body(_OAuthCreate, call, invalid=REPO_PARAMETER_INVALID)
        created = self._backend(call).create_oauth(
            _repo_type(call),
            name=body.name,
            code=body.code,
            state=body.state,
            tag=call.query.get("tag"),
        )
        return ApiResponse(200, {"authorization": created.to_dict(with_tag=False)})

    def create_personal_auth(self, call: ApiCall) -> ApiResponse:
        body = parse_body(_PersonalAuthCreate, call, invalid=REPO_PARAMETER_INVALID)
        created = self._backend(call).create_personal_auth(
            _repo_type(call), name=body.name, token=body.token, host=body.host
        )
        return ApiResponse(200, {"authorization": created.to_dict(with_tag=False)})

    def create_password_auth(self, call: ApiCall) -> ApiResponse:
        body = parse_body(_PasswordAuthCreate, call, invalid=REPO_PARAMETER_INVALID)
        assert body.user is not None and body.password is not None, "checked by the model"
        created = self._backend(call).create_password_auth(
            _repo_type(call), name=body.name, user=body.user, password=body.password
        )
        return ApiResponse(200, {"authorization": created.to_dict(with_tag=False)})

    def delete_authorization(self, call: ApiCall) -> ApiResponse:
        self._backend(call).delete_authorization(call.path_params["name"])
        return ApiResponse(204)

    def add_account(self, call: ApiCall) -> ApiResponse:
        body = parse_body(_GitAccountCreate, call, invalid=CONTROL_REQUEST_INVALID)
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
