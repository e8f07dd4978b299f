"""The rules of repository authorizations in one project: credentials checked against the
registered Git accounts, the OAuth exchange, unique names, and expiry when an account is revoked."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import quote, urlencode, urlsplit

from ...errors import (
    OAUTH_CODE_OR_STATE_INVALID,
    REPO_AUTHORIZATION_INVALID,
    REPO_RESOURCE_EXISTS,
    REPOSITORY_NOT_IMPLEMENTED,
)
from ..backend import ServiceStageBackend
from .state import (
    GIT_HOSTS,
    Authorization,
    AuthorizationStatus,
    GitAccount,
    GitHost,
    OAuthGrant,
    OAuthRequest,
)

PERSONAL_REPO_TYPES = ("github", "gitlab", "gitee")
PASSWORD_REPO_TYPES = ("github", "bitbucket", "devcloud")
OAUTH_REPO_TYPES = ("github", "gitlab", "gitee", "bitbucket")
# Where the Git host sends the user back after consent, by the `tag` of the request.
_CONSOLE = {None: "https://console.huaweicloud.com", "intl": "https://console-intl.huaweicloud.com"}


class RepoAuthorizationBackend:
    """The repository authorizations of one project, plus the Git accounts tests registered."""

    def __init__(self, core: ServiceStageBackend):
        self._core = core
        self._authorizations: dict[str, Authorization] = {}
        self._accounts: list[GitAccount] = []
        self._pending_oauth: dict[str, OAuthRequest] = {}
        self._granted_oauth: dict[str, OAuthGrant] = {}

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
            self._granted_oauth[code] = OAuthGrant(state, user)
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
            self._pending_oauth[state] = OAuthRequest(repo_type, tag)
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
                or requested != OAuthRequest(repo_type, tag)
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
        with self._core.current_state():
            self._check_name_free(name)
            account = self._account(repo_type, lambda found: found.token == token)
            # A host on the public service means the public service; any other is self-hosted,
            # and shown as given (table 5-17 gives the address no rule). Hosts are compared
            # whole: https://github.company.com is a GitHub Enterprise server.
            public_hosts = {urlsplit(git_host.web).netloc, urlsplit(git_host.api).netloc}
            repo_host = (
                git_host.api if host is None or _netloc(host) in public_hosts else host.rstrip("/")
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


def _netloc(host: str) -> str | None:
    """The host part of an http(s) URL, lower case; None for anything that does not parse as
    one ("github.com", "http://[": an unclosed IPv6 address)."""
    try:
        return urlsplit(host).netloc.lower() if host.startswith(("https://", "http://")) else None
    except ValueError:
        return None
