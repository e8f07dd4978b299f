"""Lookups of configuration groups, files and file history, called from a program."""

import pulumi
from pulumi.runtime.rpc import is_rpc_secret
from pydantic import SecretStr

from pulumi_servicestage.configuration import (
    get_configuration_groups,
    get_configuration_histories,
    get_configuration_history,
    get_configurations,
)
from pulumi_servicestage.emulator.servicestage.configs.backend import ConfigsBackend
from pulumi_servicestage.testing import ProviderMocks


def test_configuration_lookups__answer_typed_objects(live):
    configs = live.emulator.area(ConfigsBackend)
    shop = configs.create_config_group(name="shop", description="settings", creator="tests")
    blog = configs.create_config_group(name="blog", creator="tests")
    app = configs.create_config(
        config_group_id=shop.id,
        name="app",
        type="yaml",
        content="password: one",
        sensitive=True,
        creator="tests",
    )
    configs.create_config(
        config_group_id=blog.id,
        name="site",
        type="properties",
        content="a = b",
        sensitive=False,
        creator="tests",
    )
    configs.modify_config(
        app.id, config_group_id=shop.id, type="yaml", content="password: two", creator="tests"
    )
    found = {}

    def program():
        [group] = get_configuration_groups(name="shop")
        found["group"] = group
        found["group_count"] = len(get_configuration_groups())
        found["in_shop"] = get_configurations(config_group_id=group.id)
        found["named_site"] = get_configurations(name="site")
        found["everything"] = get_configurations()
        found["history"] = get_configuration_histories(app.id)
        found["first"] = get_configuration_history(app.id, found["history"][-1].config_history_id)
        content = found["in_shop"][0].content.get_secret_value()
        pulumi.export("app_content", pulumi.Output.secret(content))

    exports = ProviderMocks(live.stack_config()).run(program)

    group = found["group"]
    assert (group.id, group.description, group.creator) == (shop.id, "settings", "tests")
    assert found["group_count"] == 2
    [in_shop] = found["in_shop"]
    assert (in_shop.id, in_shop.name, in_shop.type, in_shop.version) == (
        app.id,
        "app",
        "yaml",
        "v2",
    )
    assert (in_shop.sensitive, in_shop.components) == (True, [])
    assert isinstance(in_shop.content, SecretStr)
    assert in_shop.content.get_secret_value() == "password: two"
    assert "password" not in repr(in_shop) and "password" not in str(in_shop.content)
    assert is_rpc_secret(exports["app_content"])
    assert [file.config_group_id for file in found["named_site"]] == [blog.id]
    assert len(found["everything"]) == 2
    assert [(entry.version, entry.content.get_secret_value()) for entry in found["history"]] == [
        ("v2", "password: two"),
        ("v1", "password: one"),
    ]
    first = found["first"]
    assert (first.config_id, first.version, first.config_name, first.group_id) == (
        app.id,
        "v1",
        "app",
        shop.id,
    )


def test_configuration_lookups__an_empty_project(live):
    found = {}

    def program():
        found["groups"] = get_configuration_groups()
        found["files"] = get_configurations(component_id="c-1")

    ProviderMocks(live.stack_config()).run(program)

    assert found == {"groups": [], "files": []}
