"""Configuration resources in a whole program: outputs flow, and content stays secret."""

import zipfile

import pulumi
import pytest
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

from pulumi_servicestage.configuration import Configuration, ConfigurationGroup
from pulumi_servicestage.configuration_import import ConfigurationImport
from pulumi_servicestage.emulator.servicestage.configs.backend import ConfigsBackend
from pulumi_servicestage.testing import ProviderMocks


@pytest.fixture
def secret_output_requests(monkeypatch):
    """`additionalSecretOutputs` of each registration and read, by resource name."""
    seen = {}

    def recording(method):
        original = getattr(MockMonitor, method)

        def record(self, request):
            seen[request.name] = list(request.additionalSecretOutputs)
            return original(self, request)

        return record

    for method in ("RegisterResource", "ReadResource"):
        monkeypatch.setattr(MockMonitor, method, recording(method))
    return seen


def test_program__files_in_a_new_group_with_secret_content(live, tmp_path, secret_output_requests):
    configs = live.emulator.area(ConfigsBackend)
    elsewhere = configs.create_config_group(name="legacy", creator="tests")
    existing = configs.create_config(
        config_group_id=elsewhere.id,
        name="old",
        type="yaml",
        content="token: abc",
        sensitive=False,
        creator="tests",
    )
    archive = tmp_path / "configs.zip"
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("shop/extra.properties", "x = 1")
    mocks = ProviderMocks(live.stack_config())

    def program():
        group = ConfigurationGroup("shop", name="shop")
        app = Configuration(
            "app",
            config_group_id=group.config_group_id,
            name="app",
            type="yaml",
            content="password: hunter2",
        )
        imported = ConfigurationImport(
            "extra", archive_path=str(archive), opts=pulumi.ResourceOptions(depends_on=[group])
        )
        old = Configuration.get("old", existing.id)
        pulumi.export("app_version", app.version)
        pulumi.export("old_content", old.content)
        pulumi.export("imported", imported.configurations)

    exports = mocks.run(program)

    [group] = [g for g in configs.list_config_groups().items if g.name == "shop"]
    assert {file.name for file in configs.list_configs(config_group_id=group.id).items} == {
        "app",
        "extra",
    }
    assert exports["app_version"] == "v1"
    assert [entry["path"] for entry in exports["imported"]] == ["shop/extra"]
    # The argument is a secret input; the output is secret even where no argument set it.
    assert is_rpc_secret(mocks.by_name("app").inputs["content"])
    assert is_rpc_secret(exports["old_content"])
    assert unwrap_rpc_secret(exports["old_content"]) == "token: abc"
    assert secret_output_requests["app"] == ["content"]
    assert secret_output_requests["old"] == ["content"]
    assert secret_output_requests["shop"] == []
