"""The Git hosts, the accounts tests register with them, and one project's repository
authorizations and OAuth exchanges in progress, with how the API shows an authorization."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


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
class OAuthRequest:
    repo_type: str
    tag: str | None


@dataclass(frozen=True)
class OAuthGrant:
    """A user's consent at the Git host, answering the redirect URL issued with `state`."""

    state: str
    user: str
