"""Lookups of plugins, plugin metadata and repository authorizations, called from a program."""

from urllib.parse import parse_qs, urlsplit

import pulumi

from pulumi_servicestage.emulator.servicestage.plugins.backend import PluginBackend
from pulumi_servicestage.emulator.servicestage.repo_authorizations.backend import (
    RepoAuthorizationBackend,
)
from pulumi_servicestage.emulator.servicestage.schemas import ManagedResource
from pulumi_servicestage.plugin import PluginInfo, get_plugin_metadata, get_plugins
from pulumi_servicestage.repo_authorization import (
    RepoAuthorizationInfo,
    get_repo_authorizations,
)
from pulumi_servicestage.testing import ProviderMocks


def test_plugin_lookups__answer_typed_plugins_and_metadata(live):
    dev = live.backend.create_environment(
        name="dev", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    bare = live.backend.create_environment(
        name="bare", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    live.backend.modify_environment_resources(
        dev.id, [ManagedResource(type="cce", id="cce-1"), ManagedResource(type="cse", id="cse-1")]
    )
    plugin = live.emulator.area(PluginBackend).create_plugin(
        dev.id, name="sermantInjector", cce_id="cce-1", cse_id="cse-1"
    )
    answers = {}

    def program():
        answers["found"] = get_plugins(dev.id)
        answers["by_name"] = get_plugins(dev.id, name="sermantInjector")
        answers["other_name"] = get_plugins(dev.id, name="somethingElse")
        answers["bare"] = get_plugins(bare.id)
        answers["metadata"] = get_plugin_metadata(dev.id)
        pulumi.export("plugin_ids", [found.id for found in answers["found"]])

    exports = ProviderMocks(live.stack_config()).run(program)

    [found] = answers["found"]
    assert isinstance(found, PluginInfo)
    assert exports["plugin_ids"] == [plugin.id]
    assert (found.name, found.environment_id, found.cce_id, found.cse_id) == (
        "sermantInjector",
        dev.id,
        "cce-1",
        "cse-1",
    )
    assert (found.version, found.status, found.job_id) == ("1.3.1.0", "INITIALIZING", plugin.job_id)
    assert answers["by_name"] == [found]
    assert answers["other_name"] == answers["bare"] == []
    assert [(kind.name, kind.latest_version) for kind in answers["metadata"]] == [
        ("sermantInjector", "1.3.1.0")
    ]


def test_repo_authorization_lookup__every_kind_with_filters(live):
    git = live.emulator.area(RepoAuthorizationBackend)
    git.add_account("github", "tom-repo", token="ghp_1")
    git.add_account("bitbucket", "bucket-ljn", password="pa55word")
    git.create_personal_auth("github", name="github-tom", token="ghp_1")
    git.create_password_auth(
        "bitbucket", name="bitbucket-ljn", user="bucket-ljn", password="pa55word"
    )
    [state] = parse_qs(urlsplit(git.oauth_redirect_url("github")).query)["state"]
    code = git.grant_oauth(state, user="tom-repo")
    git.create_oauth("github", name="github-oauth", code=code, state=state)
    answers = {}

    def program():
        answers["all"] = get_repo_authorizations()
        answers["github"] = get_repo_authorizations(repo_type="github")
        answers["one"] = get_repo_authorizations(name="bitbucket-ljn")

    ProviderMocks(live.stack_config()).run(program)

    assert all(isinstance(found, RepoAuthorizationInfo) for found in answers["all"])
    assert [(found.name, found.token_type) for found in answers["all"]] == [
        ("github-tom", "personal"),
        ("bitbucket-ljn", "password"),
        ("github-oauth", "oauth"),
    ]
    assert [found.name for found in answers["github"]] == ["github-tom", "github-oauth"]
    [one] = answers["one"]
    assert (one.repo_user, one.status, one.repo_host) == (
        "bucket-ljn",
        0,
        "https://api.bitbucket.org",
    )
    # The service's `avartar` arrives as `avatar`.
    assert one.avatar == "https://bitbucket.org/bucket-ljn.png"
    assert "avartar" not in one.model_dump()
