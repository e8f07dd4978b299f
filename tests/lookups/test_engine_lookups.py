"""The lookups of CSE engines and what they keep (§6.3.1, §6.3.2, §7.3.3, §7.4.3, §7.5.2,
§7.5.8, §7.6.1, §7.7.4), from a program, with other resources' outputs."""

from __future__ import annotations

from typing import Any

import pulumi

from pulumi_servicestage import (
    ConfigItem,
    Microservice,
    MicroserviceEngine,
    MicroserviceInstance,
    MicroserviceSchema,
    find_microservice_instances_output,
    get_config_items_output,
    get_engine_flavors,
    get_microservice_engine_output,
    get_microservice_instances_output,
    get_microservice_providers_output,
    get_microservice_schemas_output,
    get_microservices_output,
)
from pulumi_servicestage.testing import ProviderMocks

PASSWORD = "Root-p4ss!word"


def program() -> None:
    engine = MicroserviceEngine(
        "engine",
        name="cse-lookups",
        flavor="cse.s1.small2",
        az_list=["cn-north-4a"],
        auth_type="RBAC",
        auth_cred={"pwd": PASSWORD},
        vpc="vpc-1",
        vpc_id="vpc-1",
        network_id="subnet-1",
        subnet_cidr="192.168.0.0/24",
    )
    on_engine: dict[str, Any] = {"engine_id": engine.engine_id, "engine_password": PASSWORD}
    consumer = Microservice("web", service_name="web", app_id="shop", version="1.0.0", **on_engine)
    orders = Microservice(
        "orders", service_name="orders", app_id="shop", version="1.0.0", **on_engine
    )
    schema = MicroserviceSchema(
        "contract",
        service_id=orders.service_id,
        schema_id="OrderEndpoint",
        schema_content="openapi: 3.0.0\n",
        **on_engine,
    )
    instance = MicroserviceInstance(
        "orders-1",
        service_id=orders.service_id,
        host_name="orders-1",
        endpoints=["rest://10.0.0.8:8080"],
        health_check={"mode": "pull", "port": 8080, "interval": 30, "times": 3},
        **on_engine,
    )
    item = ConfigItem(
        "timeout", key="orders.timeout", value="30s", labels={"app": "shop"}, **on_engine
    )

    pulumi.export("flavors", [flavor.flavor for flavor in get_engine_flavors()])
    pulumi.export("engine", get_microservice_engine_output(name=engine.name).apply(lambda e: e.id))
    pulumi.export("engine_id", engine.engine_id)
    # A lookup runs once its arguments are known: these ids order it after the creates.
    names = pulumi.Output.all(consumer.service_id, orders.service_id).apply(
        lambda _: get_microservices_output(engine_id=engine.engine_id, engine_password=PASSWORD)
    )
    pulumi.export("services", names.apply(lambda found: sorted(s.service_name for s in found)))
    with_orders = pulumi.Output.all(orders.service_id, instance.instance_id, schema.id)
    listed = with_orders.apply(
        lambda ids: get_microservice_instances_output(
            engine_id=engine.engine_id, service_id=ids[0], engine_password=PASSWORD
        )
    )
    pulumi.export("instances", listed.apply(lambda found: [i["hostName"] for i in found]))
    schemas = with_orders.apply(
        lambda ids: get_microservice_schemas_output(
            engine_id=engine.engine_id, service_id=ids[0], engine_password=PASSWORD
        )
    )
    pulumi.export("schemas", schemas.apply(lambda found: [s["schemaId"] for s in found]))
    found = pulumi.Output.all(consumer.service_id, instance.instance_id).apply(
        lambda ids: find_microservice_instances_output(
            engine_id=engine.engine_id,
            consumer_id=ids[0],
            app_id="shop",
            service_name="orders",
            engine_password=PASSWORD,
        )
    )
    providers = pulumi.Output.all(consumer.service_id, found).apply(
        lambda values: get_microservice_providers_output(
            engine_id=engine.engine_id, consumer_id=values[0], engine_password=PASSWORD
        )
    )
    pulumi.export("found", found.apply(lambda instances: [i["hostName"] for i in instances]))
    pulumi.export("providers", providers.apply(lambda found: [p.service_name for p in found]))
    items = item.kv_id.apply(
        lambda _: get_config_items_output(
            engine_id=engine.engine_id, engine_password=PASSWORD, label="app:shop"
        )
    )
    pulumi.export("items", items.apply(lambda found: [i.key for i in found]))


def test_engine_lookups_answer_what_the_program_made(live):
    exports = ProviderMocks(live.stack_config()).run(program)

    assert "cse.s1.small2" in exports["flavors"]
    assert exports["engine"] == exports["engine_id"]
    assert exports["services"] == ["orders", "web"]
    assert exports["instances"] == ["orders-1"]
    assert exports["schemas"] == ["OrderEndpoint"]
    assert exports["found"] == ["orders-1"]
    assert exports["providers"] == ["orders"]
    assert exports["items"] == ["orders.timeout"]
