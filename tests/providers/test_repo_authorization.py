import pulumi
import pytest
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

from pulumi_servicestage.emulator.servicestage.repo_authorizations.backend import (
    RepoAuthorizationBackend,
)
from pulumi_servicestage.repo_authorization import (
    RepoAuthorization,
    RepoAuthorizationProvider,
    get_repo_authorizations,
)
from pulumi_servicestage.testing import (
    DiffChanges,
    ProviderCallError,
    ProviderMocks,
    revealed,
    strip_secrets,
)

PROVIDER = RepoAuthorizationProvider()
TOKEN = "ghp_7QoYcNLFahSXSbhhuT8R5xHLKe0000006"
NEW_TOKEN = "ghp_rotated0000000000000000000000007"
TOKEN_INPUTS = {
    "name": "github-tom",
    "repo_type": "github",
    "token": TOKEN,
    "host": "https://github.com/tom-repo",
}
PASSWORD_INPUTS = {
    "name": "bitbucket-ljn",
    "repo_type": "bitbucket",
    "user": "bucket-ljn",
    "password": "pa55word",
}


@pytest.fixture
def git(live):
    backend = live.emulator.area(RepoAuthorizationBackend)
    backend.add_account("github", "tom-repo", token=TOKEN)
    backend.add_account("github", "tom-repo", token=NEW_TOKEN)
    backend.add_account("bitbucket", "bucket-ljn", password="pa55word")
    return backend


def create(host, inputs):
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    return host.create(PROVIDER, checked.inputs)


def names(git):
    return [authorization.name for authorization in git.list_authorizations()]


def test_check__each_rule_reported_under_its_field(host):
    cases = [
        ({"name": "ab", "repo_type": "github", "token": "t"}, {"name"}),
        ({"name": "auth", "repo_type": "github"}, {"token"}),
        ({"name": "auth", "repo_type": "github", "token": "t", "user": "u"}, {"user"}),
        ({"name": "auth", "repo_type": "bitbucket", "token": "t"}, {"repo_type"}),
        ({"name": "auth", "repo_type": "gitee", "user": "u", "password": "p"}, {"repo_type"}),
        ({"name": "auth", "repo_type": "github", "user": "u"}, {"password"}),
        (
            {
                "name": "auth",
                "repo_type": "github",
                "user": "u",
                "password": "p",
                "host": "https://h",
            },
            {"host"},
        ),
        ({"name": "auth", "repo_type": "github", "token": "t", "host": "h"}, {"host"}),
    ]
    for inputs, fields in cases:
        failures = dict(host.check(PROVIDER, None, inputs).failures)
        assert set(failures) == fields, inputs
    failures = dict(host.check(PROVIDER, None, cases[3][0]).failures)
    assert failures["repo_type"] == (
        "repo_type must be one of github, gitlab, gitee for a personal access token"
    )


def test_lifecycle__personal_token(host, git):
    created = create(host, TOKEN_INPUTS)
    assert created.id == "github-tom"
    assert names(git) == ["github-tom"]
    assert revealed(created.outs["token"]) == TOKEN
    assert (created.outs["token_type"], created.outs["repo_user"], created.outs["status"]) == (
        "personal",
        "tom-repo",
        0,
    )
    assert created.outs["repo_host"] == "https://api.github.com"
    assert created.outs["avatar"]

    assert host.diff(PROVIDER, created.id, created.outs, TOKEN_INPUTS).changes is DiffChanges.NONE

    host.delete(PROVIDER, created.id, created.outs)
    assert names(git) == []


def test_lifecycle__password(host, git):
    created = create(host, PASSWORD_INPUTS)
    assert (created.id, created.outs["token_type"]) == ("bitbucket-ljn", "password")
    refreshed = host.read(PROVIDER, created.id, created.outs, PASSWORD_INPUTS)
    assert strip_secrets(refreshed.inputs) == PASSWORD_INPUTS
    assert revealed(refreshed.inputs["password"])
    host.delete(PROVIDER, created.id, created.outs)
    assert names(git) == []


@pytest.mark.parametrize(
    ("inputs", "field", "value"),
    [
        (TOKEN_INPUTS, "token", NEW_TOKEN),
        (TOKEN_INPUTS, "host", "https://github.com/other"),
        (TOKEN_INPUTS, "repo_type", "gitlab"),
        (PASSWORD_INPUTS, "password", "n3w-pa55"),
        (PASSWORD_INPUTS, "user", "someone"),
        (TOKEN_INPUTS, "name", "github-tom-2"),
    ],
)
def test_diff__there_is_no_modify_so_every_argument_replaces_deleting_first(
    host, inputs, field, value
):
    olds = {**inputs, "token_type": "personal", "status": 0}
    diff = host.diff(PROVIDER, inputs["name"], olds, {**inputs, field: value})
    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [field])
    assert diff.delete_before_replace is True


def test_replace__rotating_the_token_keeps_the_name(host, git):
    created = create(host, TOKEN_INPUTS)
    rotated = {**TOKEN_INPUTS, "token": NEW_TOKEN}
    # The engine's delete-before-replace: the old one goes, then the new one is made.
    host.delete(PROVIDER, created.id, created.outs)
    replacement = create(host, rotated)
    assert replacement.id == created.id
    assert revealed(replacement.outs["token"]) == NEW_TOKEN
    assert names(git) == ["github-tom"]


def test_update__local_settings_change_in_place_without_calls(host, live, git):
    created = create(host, TOKEN_INPUTS)
    with_timeouts = {**TOKEN_INPUTS, "timeouts": {"delete": 60}}
    diff = host.diff(PROVIDER, created.id, created.outs, with_timeouts)
    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [])
    before = live.emulator.request_counts()
    outs = host.update(PROVIDER, created.id, created.outs, with_timeouts)
    writes = {k: v for k, v in live.emulator.request_counts().items() if not k.startswith("GET")}
    assert writes == {k: v for k, v in before.items() if not k.startswith("GET")}
    assert revealed(outs["token"]) == TOKEN


def test_read__refresh_keeps_credentials_and_shows_expiry_without_drift(host, git):
    created = create(host, TOKEN_INPUTS)
    git.revoke_account("github", "tom-repo")
    refreshed = host.read(PROVIDER, created.id, created.outs, TOKEN_INPUTS)
    assert refreshed.id == created.id
    assert strip_secrets(refreshed.inputs) == TOKEN_INPUTS  # the service never echoes them
    assert refreshed.outs["status"] == 1
    assert host.diff(PROVIDER, created.id, refreshed.outs, TOKEN_INPUTS).changes is DiffChanges.NONE


def test_read__refresh_after_out_of_band_replacement_shows_drift(host, git):
    created = create(host, TOKEN_INPUTS)
    git.delete_authorization("github-tom")
    git.add_account("gitlab", "tom", token="glpat-1")
    git.create_personal_auth("gitlab", name="github-tom", token="glpat-1")

    refreshed = host.read(PROVIDER, created.id, created.outs, TOKEN_INPUTS)
    assert refreshed.inputs["repo_type"] == "gitlab"
    diff = host.diff(PROVIDER, created.id, refreshed.outs, TOKEN_INPUTS)
    assert diff.replaces == ["repo_type"]


def test_read__refresh_after_replacement_by_another_kind_drops_the_credentials(host, git):
    created = create(host, TOKEN_INPUTS)
    git.delete_authorization("github-tom")
    git.add_account("github", "tom-repo", password="secret")
    git.create_password_auth("github", name="github-tom", user="tom-repo", password="secret")

    refreshed = host.read(PROVIDER, created.id, created.outs, TOKEN_INPUTS)
    assert "token" not in refreshed.inputs
    assert "token" in host.diff(PROVIDER, created.id, refreshed.outs, TOKEN_INPUTS).replaces


def test_read__deleted_out_of_band_disappears_from_the_stack(host, git):
    created = create(host, TOKEN_INPUTS)
    git.delete_authorization("github-tom")
    assert host.read(PROVIDER, created.id, created.outs, TOKEN_INPUTS).id == ""
    host.delete(PROVIDER, created.id, created.outs)  # already gone is success


def test_create__rejected_credentials_are_a_clear_error_that_leaks_nothing(host, git):
    wrong = {**TOKEN_INPUTS, "token": "ghp_wrong_secret_value"}
    with pytest.raises(ProviderCallError) as raised:
        create(host, wrong)
    assert "400 SVCSTG.REPO.0451" in raised.value.details
    assert "ghp_wrong_secret_value" not in raised.value.details
    assert names(git) == []


def test_create__name_taken_suggests_adopting(host, git):
    git.create_password_auth("bitbucket", name="github-tom", user="bucket-ljn", password="pa55word")
    with pytest.raises(ProviderCallError) as raised:
        create(host, TOKEN_INPUTS)
    assert "400 SVCSTG.REPO.0403" in raised.value.details
    assert "'github-tom' already exists (github-tom) that this resource did not create" in (
        raised.value.details
    )
    assert "adopt_id='github-tom'" in raised.value.details


def test_create__adopts_an_authorization_made_outside_pulumi(host, live, git):
    git.create_personal_auth("github", name="github-tom", token=TOKEN)
    adopted = create(host, {**TOKEN_INPUTS, "adopt_id": "github-tom"})
    assert adopted.id == "github-tom"
    assert adopted.outs["repo_user"] == "tom-repo"
    assert names(git) == ["github-tom"]
    creates = [k for k in live.emulator.request_counts() if k.startswith("POST")]
    assert creates == []


def test_create__adopting_one_that_differs_says_what_differs(host, git):
    git.create_password_auth("bitbucket", name="github-tom", user="bucket-ljn", password="pa55word")
    with pytest.raises(ProviderCallError) as raised:
        create(host, {**TOKEN_INPUTS, "adopt_id": "github-tom"})
    message = raised.value.details
    assert "repo_type is 'bitbucket', the arguments say 'github'" in message
    assert "token_type is 'password', the arguments say 'personal'" in message
    assert "cannot be changed on an existing repository authorization" in message


def test_create__adopting_a_missing_one_names_it(host, git):
    with pytest.raises(ProviderCallError) as raised:
        create(host, {**TOKEN_INPUTS, "adopt_id": "nope-nope"})
    assert "adopt_id 'nope-nope': no such repository authorization" in raised.value.details


def test_read__get_of_an_existing_authorization(host, git):
    git.create_personal_auth("github", name="made-by-hand", token=TOKEN)
    got = host.read(PROVIDER, "made-by-hand", None, {})
    assert (got.outs["name"], got.outs["repo_type"], got.outs["token_type"]) == (
        "made-by-hand",
        "github",
        "personal",
    )
    assert "token" not in got.outs


def test_program__credentials_are_secret_and_never_come_back(live, git):
    mocks = ProviderMocks(live.stack_config())

    def program():
        RepoAuthorization("gh", **TOKEN_INPUTS)
        RepoAuthorization("bb", **PASSWORD_INPUTS)

    mocks.run(program)
    token = mocks.by_name("gh").inputs["token"]
    password = mocks.by_name("bb").inputs["password"]
    assert is_rpc_secret(token) and unwrap_rpc_secret(token) == TOKEN
    assert is_rpc_secret(password) and unwrap_rpc_secret(password) == "pa55word"
    assert not is_rpc_secret(mocks.by_name("bb").inputs["user"])

    def lookup():
        found = get_repo_authorizations()
        pulumi.export("names", [authorization.name for authorization in found])
        pulumi.export("fields", [authorization.model_dump() for authorization in found])

    exports = ProviderMocks(live.stack_config()).run(lookup)
    assert sorted(exports["names"]) == ["bitbucket-ljn", "github-tom"]
    assert TOKEN not in str(exports["fields"]) and "pa55word" not in str(exports["fields"])
