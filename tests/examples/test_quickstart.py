"""The quickstart program, run whole with its resources served by their real providers."""

import runpy
from pathlib import Path

import pytest
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

from pulumi_servicestage import Component, Environment
from pulumi_servicestage.testing import CheckFailedError, ProviderMocks

QUICKSTART = Path(__file__).parents[2] / "examples" / "quickstart" / "__main__.py"


def test_quickstart__deploys_and_outputs_flow_between_resources(live):
    mocks = ProviderMocks(live.stack_config())
    exports = mocks.run(lambda: runpy.run_path(str(QUICKSTART)))

    environment = live.backend.show_environment(exports["environment_id"])
    application = live.backend.show_application(exports["application_id"])
    component = live.backend.show_component(application.id, exports["component_id"])
    assert (environment.name, application.name, component.name) == (
        "quickstart-dev",
        "quickstart-shop",
        "web",
    )
    # The component was created with the ids the environment and application produced.
    assert component.environment.id == environment.id
    assert exports["component_status"] == "RUNNING"
    web = mocks.by_name("web")
    assert web.type == "pulumi-python:dynamic/servicestage:Component"
    assert web.id == f"{application.id}/{component.id}"


def test_quickstart__preview_with_bad_input_names_the_field(live):
    mocks = ProviderMocks(live.stack_config())

    def program():
        Environment("dev", name="1-bad", vpc_id="vpc")

    with pytest.raises(CheckFailedError, match="name: name must be 2 to 64 letters"):
        mocks.run(program)
    assert live.backend.list_environments().items == []


def test_component__credential_inputs_are_registered_as_secrets(live):
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc", deploy_mode="container", creator="tests"
    )
    application = live.backend.create_application(name="shop", creator="tests")
    mocks = ProviderMocks(live.stack_config())

    def program():
        Component(
            "web",
            application_id=application.id,
            environment_id=environment.id,
            name="web",
            version="1.0.0",
            replica=1,
            runtime_stack={
                "name": "OpenJDK8",
                "type": "Java",
                "version": "1.2.0",
                "deploy_mode": "container",
            },
            source={
                "kind": "package",
                "storage": "http",
                "url": "https://repo.example/app.jar",
                "http_command": "GET",
                "http_username": "deployer",
                "http_password": "s3cret",
            },
            refer_resources=[{"id": "cce", "type": "cce"}],
        )

    mocks.run(program)
    # Pulumi lifts a secret member to the whole input value: all of `source` is secret in the
    # state, and the engine marks the output of the same name secret too.
    source = mocks.by_name("web").inputs["source"]
    assert is_rpc_secret(source)
    assert unwrap_rpc_secret(source)["http_password"] == "s3cret"
    assert not is_rpc_secret(mocks.by_name("web").inputs["version"])


def test_quickstart__settings_from_the_environment_as_the_emulator_wrapper_sets_them(
    live, monkeypatch
):
    for name, value in live.emulator.client_environment(live.url).items():
        monkeypatch.setenv(name, value)
    exports = ProviderMocks({}).run(lambda: runpy.run_path(str(QUICKSTART)))
    assert exports["component_status"] == "RUNNING"
