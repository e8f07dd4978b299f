"""Git repository authorizations: /v1/{project_id}/git/auths (reference §5.1 to §5.6)."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from emulator_support import error_of, ok

from pulumi_servicestage.emulator import DEFAULT_PROJECT_ID, Emulator
from pulumi_servicestage.emulator.servicestage.repo_authorizations.backend import (
    RepoAuthorizationBackend,
)

AUTHS = f"/v1/{DEFAULT_PROJECT_ID}/git/auths"
TOKEN = "ghp_7QoYcNLFahSXSbhhuT8R5xHLKe0000006"


@pytest.fixture
def git(emulator: Emulator) -> RepoAuthorizationBackend:
    """The emulator's Git hosts, knowing tom-repo's GitHub token and bucket-ljn's password."""
    backend = emulator.area(RepoAuthorizationBackend)
    backend.add_account("github", "tom-repo", token=TOKEN)
    backend.add_account("bitbucket", "bucket-ljn", password="pa55word")
    return backend


def listed(client: httpx.Client) -> dict[str, Any]:
    result: dict[str, Any] = ok(client.get(AUTHS))
    return result


def test_create_personal_auth(client: httpx.Client, git: RepoAuthorizationBackend) -> None:
    body = {"name": "token1", "token": TOKEN, "host": "https://github.com/tom-repo"}

    created = ok(client.post(f"{AUTHS}/github/personal", json=body))

    assert created == {
        "authorization": {
            "name": "token1",
            "repo_type": "github",
            "repo_host": "https://api.github.com",
            "repo_home": "https://github.com/tom-repo",
            "repo_user": "tom-repo",
            "avartar": created["authorization"]["avartar"],
            "token_type": "personal",
            "create_time": created["authorization"]["create_time"],
            "update_time": created["authorization"]["create_time"],
            "status": 0,
        }
    }
    assert TOKEN not in str(listed(client)), "credentials are never shown again"


def test_create_personal_auth__self_hosted(
    client: httpx.Client, git: RepoAuthorizationBackend
) -> None:
    git.add_account("gitlab", "dev", token="glpat-1")
    body = {"name": "gitlab-internal", "token": "glpat-1", "host": "https://10.0.0.8:8080/gitlab/"}

    created = ok(client.post(f"{AUTHS}/gitlab/personal", json=body))["authorization"]

    assert created["repo_host"] == "https://10.0.0.8:8080/gitlab"
    assert created["repo_home"] == "https://10.0.0.8:8080/gitlab/dev"


def test_create_personal_auth__enterprise_host_named_like_the_public_one(
    client: httpx.Client, git: RepoAuthorizationBackend
) -> None:
    body = {"name": "enterprise", "token": TOKEN, "host": "https://github.company.com"}

    created = ok(client.post(f"{AUTHS}/github/personal", json=body))["authorization"]

    assert created["repo_host"] == "https://github.company.com"


def test_create_personal_auth__credentials_rejected_by_the_git_host(
    client: httpx.Client, git: RepoAuthorizationBackend
) -> None:
    body = {"name": "token1", "token": "ghp_wrong"}

    code, _ = error_of(client.post(f"{AUTHS}/github/personal", json=body), 400)

    assert code == "SVCSTG.REPO.0451"
    assert listed(client) == {"authorizations": [], "count": 0}


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("bitbucket/personal", "SVCSTG.REPO.0401"),
        ("svn/personal", "SVCSTG.REPO.0401"),
        ("gitee/password", "SVCSTG.REPO.0401"),
    ],
)
def test_create__repository_type_not_supported_by_the_kind(
    client: httpx.Client, git: RepoAuthorizationBackend, path: str, code: str
) -> None:
    body = {"name": "auth1", "token": TOKEN, "user": "u", "password": "p"}

    assert error_of(client.post(f"{AUTHS}/{path}", json=body), 400)[0] == code


def test_create__repository_type_in_the_reference_s_capitals(
    client: httpx.Client, git: RepoAuthorizationBackend
) -> None:
    created = ok(client.post(f"{AUTHS}/GitHub/personal", json={"name": "t0k1", "token": TOKEN}))

    assert created["authorization"]["repo_type"] == "github"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"name": "token1"}, "token: Field required"),
        ({"token": TOKEN}, "name: Field required"),
        ({"name": 7, "token": TOKEN}, "name: Input should be a valid string"),
    ],
)
def test_create_personal_auth__invalid_body(
    client: httpx.Client, git: RepoAuthorizationBackend, body: dict[str, Any], detail: str
) -> None:
    code, message = error_of(client.post(f"{AUTHS}/github/personal", json=body), 400)

    assert code == "SVCSTG.REPO.0400"
    assert detail in message


@pytest.mark.parametrize("host", ["github.com", "http://[", "https://git.example.com:99999"])
def test_create_personal_auth__any_host_is_taken(
    client: httpx.Client, git: RepoAuthorizationBackend, host: str
) -> None:
    # 004 表5-17 gives name and host (the repository's address) no rules: a host that is not an
    # http(s) URL names a self-hosted repository as given.
    body = {"name": "ab", "token": TOKEN, "host": host}

    created = ok(client.post(f"{AUTHS}/github/personal", json=body))["authorization"]

    assert created["repo_host"] == host


def test_create__name_taken(client: httpx.Client, git: RepoAuthorizationBackend) -> None:
    ok(client.post(f"{AUTHS}/github/personal", json={"name": "shared", "token": TOKEN}))
    body = {"name": "shared", "user": "bucket-ljn", "password": "pa55word"}

    code, _ = error_of(client.post(f"{AUTHS}/bitbucket/password", json=body), 400)

    assert code == "SVCSTG.REPO.0403"


def test_create_password_auth(client: httpx.Client, git: RepoAuthorizationBackend) -> None:
    body = {"name": "pass1", "user": "bucket-ljn", "password": "pa55word"}

    created = ok(client.post(f"{AUTHS}/bitbucket/password", json=body))["authorization"]

    assert (created["repo_user"], created["token_type"], created["repo_host"]) == (
        "bucket-ljn",
        "password",
        "https://api.bitbucket.org",
    )
    assert "pa55word" not in str(listed(client))


def test_create_password_auth__as_a_base64_token(
    client: httpx.Client, git: RepoAuthorizationBackend
) -> None:
    # The form Huawei's Terraform provider sends.
    token = base64.b64encode(b"bucket-ljn:pa55word").decode()

    created = ok(client.post(f"{AUTHS}/bitbucket/password", json={"name": "p4ss", "token": token}))

    assert created["authorization"]["repo_user"] == "bucket-ljn"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "pass1", "user": "bucket-ljn", "password": "wrong"}, 400, "SVCSTG.REPO.0451"),
        ({"name": "pass1", "user": "bucket-ljn"}, 400, "SVCSTG.REPO.0400"),
        ({"name": "pass1", "token": "not base64!"}, 400, "SVCSTG.REPO.0400"),
    ],
)
def test_create_password_auth__refused(
    client: httpx.Client,
    git: RepoAuthorizationBackend,
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    assert error_of(client.post(f"{AUTHS}/bitbucket/password", json=body), status)[0] == code


def test_list_authorizations(client: httpx.Client, git: RepoAuthorizationBackend) -> None:
    ok(client.post(f"{AUTHS}/github/personal", json={"name": "first", "token": TOKEN}))
    body = {"name": "second", "user": "bucket-ljn", "password": "pa55word"}
    ok(client.post(f"{AUTHS}/bitbucket/password", json=body))

    answer = listed(client)

    assert answer["count"] == 2
    assert [found["name"] for found in answer["authorizations"]] == ["first", "second"]
    assert answer["authorizations"][0]["tag"] is None


def test_revoked_credentials_expire_their_authorizations(
    client: httpx.Client, git: RepoAuthorizationBackend
) -> None:
    ok(client.post(f"{AUTHS}/github/personal", json={"name": "first", "token": TOKEN}))

    git.revoke_account("github", "tom-repo")

    assert listed(client)["authorizations"][0]["status"] == 1
    error_of(client.post(f"{AUTHS}/github/personal", json={"name": "again", "token": TOKEN}), 400)


def test_delete_authorization(client: httpx.Client, git: RepoAuthorizationBackend) -> None:
    ok(client.post(f"{AUTHS}/github/personal", json={"name": "first", "token": TOKEN}))

    ok(client.delete(f"{AUTHS}/first"), 204)
    ok(client.delete(f"{AUTHS}/first"), 204)

    assert listed(client)["count"] == 0


def test_oauth__redirect_url_consent_and_create(
    client: httpx.Client, git: RepoAuthorizationBackend
) -> None:
    url = ok(client.get(f"{AUTHS}/github/redirect"))["url"]
    query = parse_qs(urlsplit(url).query)
    state = query["state"][0]
    code = git.grant_oauth(state, user="tom-repo")

    created = ok(
        client.post(f"{AUTHS}/github/oauth", json={"name": "auth1", "code": code, "state": state})
    )
    replayed = client.post(
        f"{AUTHS}/github/oauth", json={"name": "auth2", "code": code, "state": state}
    )

    assert url.startswith("https://github.com/login/oauth/authorize?")
    assert query["redirect_uri"] == [
        "https://console.huaweicloud.com/servicestage/oauth?repo_type=github"
    ]
    assert created["authorization"]["token_type"] == "oauth"
    assert created["authorization"]["repo_user"] == "tom-repo"
    assert error_of(replayed, 400)[0] == "SVCSTG.REPO.0402", "a state is good for one use"


def test_oauth__international_site_tag(client: httpx.Client, git: RepoAuthorizationBackend) -> None:
    url = ok(client.get(f"{AUTHS}/gitlab/redirect", params={"tag": "intl"}))["url"]
    state = parse_qs(urlsplit(url).query)["state"][0]
    code = git.grant_oauth(state, user="dev")
    body = {"name": "auth1", "code": code, "state": state}

    without_tag = client.post(f"{AUTHS}/gitlab/oauth", json=body)
    created = ok(client.post(f"{AUTHS}/gitlab/oauth", json=body, params={"tag": "intl"}))

    assert "console-intl.huaweicloud.com" in parse_qs(urlsplit(url).query)["redirect_uri"][0]
    assert error_of(without_tag, 400)[0] == "SVCSTG.REPO.0402"
    assert created["authorization"]["repo_type"] == "gitlab"


def test_oauth__code_without_consent(client: httpx.Client, git: RepoAuthorizationBackend) -> None:
    url = ok(client.get(f"{AUTHS}/github/redirect"))["url"]
    state = parse_qs(urlsplit(url).query)["state"][0]
    body = {"name": "auth1", "code": "04bed2df009f3fc9c", "state": state}

    assert error_of(client.post(f"{AUTHS}/github/oauth", json=body), 400)[0] == "SVCSTG.REPO.0402"


def test_oauth__not_for_devcloud(client: httpx.Client) -> None:
    assert error_of(client.get(f"{AUTHS}/devcloud/redirect"), 400)[0] == "SVCSTG.REPO.0401"


def test_git_account_control_route(anonymous: httpx.Client, client: httpx.Client) -> None:
    account = {"repo_type": "gitee", "user": "li", "token": "gitee-1"}

    ok(anonymous.post(f"/_emulator/projects/{DEFAULT_PROJECT_ID}/git-accounts", json=account), 204)
    created = ok(client.post(f"{AUTHS}/gitee/personal", json={"name": "gitee", "token": "gitee-1"}))
    unknown_project = anonymous.post("/_emulator/projects/nope/git-accounts", json=account)
    no_credential = anonymous.post(
        f"/_emulator/projects/{DEFAULT_PROJECT_ID}/git-accounts",
        json={"repo_type": "gitee", "user": "li"},
    )

    assert created["authorization"]["repo_user"] == "li"
    assert error_of(unknown_project, 400)[0] == "EMULATOR.0400"
    assert "a user and a token or a password" in error_of(no_credential, 400)[1]
    assert "POST /_emulator/projects/{project_id}/git-accounts" not in str(
        anonymous.get("/_emulator/stats").json()
    ), "control routes are not counted"


def test_needs_authentication(anonymous: httpx.Client) -> None:
    assert error_of(anonymous.get(AUTHS), 401)[0] == "APIGW.0301"
