"""The microservice platform example, run whole with its resources served by their providers:
the engine, what it keeps, and a component bound to it."""

import runpy
from pathlib import Path

from pulumi.runtime import rpc

from pulumi_servicestage.emulator.cse.backend import CseBackend
from pulumi_servicestage.testing import ProviderMocks

EXAMPLE = Path(__file__).parents[2] / "examples" / "microservices" / "__main__.py"


def test_microservices__the_engine_keeps_the_configuration_and_the_component_binds_it(live):
    mocks = ProviderMocks(live.stack_config())
    exports = mocks.run(lambda: runpy.run_path(str(EXAMPLE)))

    assert exports["engine_status"] == "Available"
    assert exports["orders_status"] == "RUNNING"
    engine_id = mocks.by_name("engine").id
    with live.emulator.area(CseBackend).servicecomb.engine_configuration(engine_id) as center:
        items = {item.key: item for item in center.list_kvs(labels={}, exact=False)}
    assert set(items) == {"orders.timeout", "orders.db.password"}
    assert items["orders.db.password"].labels == {
        "app": "shop",
        "service": "orders",
        "environment": "production",
    }
    # A key that names a credential keeps its value secret in the outputs.
    assert rpc.is_rpc_secret(mocks.by_name("orders-db-password").outs["value"])
    assert not rpc.is_rpc_secret(mocks.by_name("orders-timeout").outs["value"])

    orders = mocks.by_name("orders")
    application_id = orders.id.split("/")[0]
    component = live.backend.show_component(application_id, orders.outs["component_id"])
    bound = {(resource.type, resource.id) for resource in component.spec.refer_resources}
    assert ("cse", engine_id) in bound
    envs = {env.name: env.value for env in component.spec.envs or []}
    assert envs["SERVICECOMB_REGISTRY_ADDRESS"] == exports["service_center_address"]
