"""The official SDK's Git repository authorization operations (v2 ListAuthorizations,
ShowRedirectUrl, CreateOAuth, CreatePersonalAuth, CreatePasswordAuth, DeleteAuthorize) against
the threaded emulator. The SDK has no plugin (addon) operations, so plugins have none here."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkservicestage.v2 import (
    AccessPassword,
    AccessToken,
    CreateOAuthRequest,
    CreatePasswordAuthRequest,
    CreatePersonalAuthRequest,
    DeleteAuthorizeRequest,
    ListAuthorizationsRequest,
    OAuth,
    ServiceStageClient,
    ShowRedirectUrlRequest,
)
from test_official_sdk import unset_fields

from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_KEY,
    Emulator,
)
from pulumi_servicestage.emulator.servicestage.repo_authorizations.backend import (
    RepoAuthorizationBackend,
)

TOKEN = "ghp_7QoYcNLFahSXSbhhuT8R5xHLKe0000006"


@pytest.fixture
def git(live_emulator: tuple[Emulator, str]) -> RepoAuthorizationBackend:
    backend = live_emulator[0].area(RepoAuthorizationBackend)
    backend.add_account("github", "tom-repo", token=TOKEN)
    backend.add_account("bitbucket", "bucket-ljn", password="pa55word")
    return backend


@pytest.fixture
def sdk(live_emulator: tuple[Emulator, str]) -> Any:
    credentials = BasicCredentials(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_PROJECT_ID)
    return (
        ServiceStageClient.new_builder()
        .with_credentials(credentials)
        .with_endpoints([live_emulator[1]])
        .build()
    )


def test_repo_authorizations(sdk: Any, git: RepoAuthorizationBackend) -> None:
    personal = sdk.create_personal_auth(
        CreatePersonalAuthRequest(
            repo_type="github",
            body=AccessToken(name="token1", token=TOKEN, host="https://github.com/tom-repo"),
        )
    )
    password = sdk.create_password_auth(
        CreatePasswordAuthRequest(
            repo_type="bitbucket",
            body=AccessPassword(name="pass1", user="bucket-ljn", password="pa55word"),
        )
    )
    redirect = sdk.show_redirect_url(ShowRedirectUrlRequest(repo_type="github"))
    state = parse_qs(urlsplit(redirect.url).query)["state"][0]
    code = git.grant_oauth(state, user="tom-repo")
    oauth = sdk.create_o_auth(
        CreateOAuthRequest(repo_type="github", body=OAuth(name="auth1", code=code, state=state))
    )
    listed = sdk.list_authorizations(ListAuthorizationsRequest())
    sdk.delete_authorize(DeleteAuthorizeRequest(name="token1"))
    after_delete = sdk.list_authorizations(ListAuthorizationsRequest())

    for created in (personal, password, oauth):
        assert unset_fields(created) == set()
    assert (personal.authorization.repo_user, personal.authorization.token_type) == (
        "tom-repo",
        "personal",
    )
    assert password.authorization.repo_user == "bucket-ljn"
    assert oauth.authorization.token_type == "oauth"
    assert redirect.url.startswith("https://github.com/login/oauth/authorize?")
    assert listed.count == 3
    # `tag` is null unless the authorization was made for another site.
    assert unset_fields(listed) == {"authorizations[].tag"}
    assert [found.name for found in listed.authorizations] == ["token1", "pass1", "auth1"]
    assert all(found.avartar for found in listed.authorizations)
    assert [found.name for found in after_delete.authorizations] == ["pass1", "auth1"]


def test_repo_authorizations__errors_reach_the_sdk(sdk: Any, git: RepoAuthorizationBackend) -> None:
    with pytest.raises(ClientRequestException) as rejected:
        sdk.create_personal_auth(
            CreatePersonalAuthRequest(
                repo_type="github", body=AccessToken(name="token1", token="ghp_wrong")
            )
        )

    assert rejected.value.status_code == 400
    assert rejected.value.error_code == "SVCSTG.REPO.0451"
