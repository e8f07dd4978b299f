"""A microservice platform: an exclusive CSE engine, the configuration and registry entries it
keeps, and a ServiceComb component bound to it.

The engine has security authentication; its `root` password is a secret of the stack
(`enginePassword`), given to the engine and to every object the engine keeps. The environment
manages the engine and the cluster; the `orders` component binds both (`refer_resources`) and
reads its configuration from the engine's configuration center: the `ConfigItem`s labelled for
it, the database password among them (secret, as its key names a credential). The registry
knows the `orders` microservice, its contract, and a static instance of the payment gateway it
calls.

Every value has a default that works against the local emulator; against Huawei Cloud, set
`vpcId`, `subnetId`, `subnetCidr`, `availabilityZone`, `cceClusterId`, `image` and the secrets.
"""

import pulumi

from pulumi_servicestage import (
    Application,
    Component,
    ConfigItem,
    Environment,
    EnvironmentResources,
    Microservice,
    MicroserviceEngine,
    MicroserviceInstance,
    MicroserviceSchema,
)

config = pulumi.Config()
engine_password = config.get_secret("enginePassword") or pulumi.Output.secret("Emulator-0nly!")
vpc_id = config.get("vpcId") or "0c72428b-cd6c-4283-a560-210d3edb49f7"
cce_cluster_id = config.get("cceClusterId") or "3b3c7d0a-cce0-4c1e-9f7e-2d4a5b6c7d8e"

engine = MicroserviceEngine(
    "engine",
    name="shop-engine",
    flavor="cse.s1.small2",
    az_list=[config.get("availabilityZone") or "cn-north-4a"],
    auth_type="RBAC",
    auth_cred={"pwd": engine_password},
    vpc="vpc-shop",
    vpc_id=vpc_id,
    network_id=config.get("subnetId") or "88550801-e892-4f8e-b21b-f7147f622900",
    subnet_cidr=config.get("subnetCidr") or "192.168.0.0/24",
    timeouts={"create": 3600, "delete": 1800},
)
on_engine = {"engine_id": engine.engine_id, "engine_password": engine_password}

environment = Environment("production", name="shop-production", vpc_id=vpc_id)
managed = EnvironmentResources(
    "production-resources",
    environment_id=environment.id,
    resources=[{"id": cce_cluster_id, "type": "cce"}, {"id": engine.engine_id, "type": "cse"}],
)

# What the orders service reads at run time, selected by its labels.
orders_labels = {"app": "shop", "service": "orders", "environment": "production"}
timeout = ConfigItem(
    "orders-timeout", key="orders.timeout", value="30s", labels=orders_labels, **on_engine
)
database_password = ConfigItem(
    "orders-db-password",
    key="orders.db.password",
    value=config.get_secret("dbPassword") or pulumi.Output.secret("emulator-only-secret"),
    labels=orders_labels,
    **on_engine,
)

orders_service = Microservice(
    "orders-service",
    service_name="orders",
    app_id="shop",
    version="1.0.0",
    environment="production",
    schemas=["OrderEndpoint"],
    properties={"team": "checkout"},
    **on_engine,
)
MicroserviceSchema(
    "orders-contract",
    service_id=orders_service.service_id,
    schema_id="OrderEndpoint",
    schema_content="openapi: 3.0.0\ninfo: {title: orders, version: 1.0.0}\npaths: {}\n",
    **on_engine,
)

# A payment gateway outside the VPC, registered statically: the registry checks it on its port
# (pull), since no process of ours sends its heartbeats.
gateway = Microservice(
    "payment-gateway", service_name="payment-gateway", app_id="shop", version="2.1.0", **on_engine
)
gateway_instance = MicroserviceInstance(
    "payment-gateway-instance",
    service_id=gateway.service_id,
    host_name="payments.example.com",
    endpoints=["rest://payments.example.com:443"],
    health_check={"mode": "pull", "port": 443, "interval": 30, "times": 3},
    **on_engine,
)

application = Application("shop", name="shop")
orders = Component(
    "orders",
    application_id=application.id,
    environment_id=environment.id,
    name="orders",
    version="1.0.0",
    replica=2,
    runtime_stack={
        "name": "OpenJDK8",
        "type": "Java",
        "version": "1.2.0",
        "deploy_mode": "container",
    },
    source={
        "kind": "image",
        "storage": "swr",
        "url": config.get("image") or "swr.cn-north-4.myhuaweicloud.com/shop/orders:1.0.0",
    },
    refer_resources=[
        {"id": cce_cluster_id, "type": "cce", "parameters": {"namespace": "default"}},
        {"id": engine.engine_id, "type": "cse"},
    ],
    envs=[
        {"name": "SERVICECOMB_SERVICE_NAME", "value": orders_service.service_name},
        {"name": "SERVICECOMB_CONFIG_LABELS", "value": "app=shop,service=orders"},
        {"name": "SERVICECOMB_REGISTRY_ADDRESS", "value": engine.service_center_address},
        {"name": "SERVICECOMB_CONFIG_ADDRESS", "value": engine.config_center_address},
    ],
    opts=pulumi.ResourceOptions(depends_on=[managed, timeout, database_password]),
)

pulumi.export("engine_status", engine.status)
pulumi.export("service_center_address", engine.service_center_address)
pulumi.export("orders_service_id", orders_service.service_id)
pulumi.export("gateway_instance_id", gateway_instance.instance_id)
pulumi.export("database_password_item", database_password.kv_id)
pulumi.export("orders_status", orders.status.apply(lambda status: status["component_status"]))
