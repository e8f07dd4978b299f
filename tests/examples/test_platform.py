"""The platform example, run whole with its resources served by their real providers."""

import runpy
from pathlib import Path

from pulumi_servicestage.emulator.servicestage.configs.backend import ConfigsBackend
from pulumi_servicestage.testing import ProviderMocks

PLATFORM = Path(__file__).parents[2] / "examples" / "platform" / "__main__.py"


def test_platform__every_resource_is_created_and_outputs_flow(live):
    mocks = ProviderMocks(live.stack_config())
    exports = mocks.run(lambda: runpy.run_path(str(PLATFORM)))

    environment = live.backend.show_environment(exports["environment_id"])
    resources = environment.to_dict(with_resources=True)["resources"]
    assert {(item["type"], item["id"]) for item in resources} == {
        ("cce", "3b3c7d0a-cce0-4c1e-9f7e-2d4a5b6c7d8e"),
        ("cse", "5e1f2a3b-c5e0-4d6f-8a9b-0c1d2e3f4a5b"),
    }
    assert exports["plugin_status"] == "SUCCEEDED"
    assert exports["web_status"] == "RUNNING"
    assert exports["runtime_stack_status"] == "Supported"
    assert exports["settings_version"] == "v1"

    web = mocks.by_name("web")
    application_id = web.id.split("/")[0]
    web_component = live.backend.show_component(application_id, exports["web_component_id"])
    envs = {env.name: env.value for env in web_component.spec.envs or []}
    assert envs["ORDERS_API_COMPONENT"] == exports["api_component_id"]
    assert envs["ORDERS_API_NAME"] == "orders-api"

    configuration = live.backend.show_application_configuration(
        application_id, environment_id=exports["environment_id"]
    )
    assert {variable.name for item in configuration for variable in item.env} == {
        "LOG_LEVEL",
        "DB_PASSWORD",
    }
    assert len(live.emulator.area(ConfigsBackend).list_config_groups().items) == 1
    restart = mocks.by_name("web-restart-on-settings")
    assert restart.outs["job_status"] == "SUCCEEDED"
