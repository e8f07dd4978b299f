"""A team's platform on ServiceStage: most resources of the package working together.

An environment with the cloud resources it manages and a plugin installed in its cluster; an
application with per-environment variables; a configuration group with a file; a custom runtime
stack; two components, the second configured from the first's outputs; and a restart of the
second whenever the configuration file changes.

Every value has a default that works against the local emulator; against Huawei Cloud, set
`vpcId`, `cceClusterId`, `cseEngineId` and `image` in the stack configuration.
"""

import pulumi

from pulumi_servicestage import (
    Application,
    ApplicationConfiguration,
    Component,
    ComponentAction,
    Configuration,
    ConfigurationGroup,
    Environment,
    EnvironmentResources,
    Plugin,
    RuntimeStack,
)

config = pulumi.Config()
cce_cluster_id = config.get("cceClusterId") or "3b3c7d0a-cce0-4c1e-9f7e-2d4a5b6c7d8e"
cse_engine_id = config.get("cseEngineId") or "5e1f2a3b-c5e0-4d6f-8a9b-0c1d2e3f4a5b"
image = config.get("image") or "swr.cn-north-4.myhuaweicloud.com/library/nginx:1.25"

environment = Environment(
    "staging",
    name="platform-staging",
    vpc_id=config.get("vpcId") or "0c72428b-cd6c-4283-a560-210d3edb49f7",
    deploy_mode="container",
)

managed = EnvironmentResources(
    "staging-resources",
    environment_id=environment.id,
    resources=[
        {"id": cce_cluster_id, "type": "cce"},
        {"id": cse_engine_id, "type": "cse"},
    ],
)

# The injector must find the cluster and the engine among the environment's resources.
injector = Plugin(
    "sermant",
    environment_id=environment.id,
    name="sermantInjector",
    cce_id=cce_cluster_id,
    cse_id=cse_engine_id,
    opts=pulumi.ResourceOptions(depends_on=[managed]),
)

application = Application("orders", name="platform-orders")

ApplicationConfiguration(
    "orders-staging",
    application_id=application.id,
    environment_id=environment.id,
    env={"LOG_LEVEL": "info"},
    secret_env={"DB_PASSWORD": config.get_secret("dbPassword") or "emulator-only-secret"},
)

settings_group = ConfigurationGroup("orders-settings", name="orders-settings")
settings_file = Configuration(
    "orders-yaml",
    config_group_id=settings_group.id,
    name="orders",
    type="yaml",
    content="checkout:\n  currency: EUR\n  timeout_seconds: 30\n",
)

java_stack = RuntimeStack(
    "corretto",
    name="platform-corretto17",
    type="Java",
    deploy_mode="virtualmachine",
    version="17.0.9",
    spec={"parameters": {"jdk_url": "obs://platform-artifacts/corretto-17.0.9.tar.gz"}},
    released=True,
)

container_stack = {
    "name": "Docker",
    "type": "Docker",
    "version": "1.0.0",
    "deploy_mode": "container",
}
in_cluster = [{"id": cce_cluster_id, "type": "cce"}]

api = Component(
    "api",
    application_id=application.id,
    environment_id=environment.id,
    name="orders-api",
    version="1.4.0",
    replica=2,
    runtime_stack=container_stack,
    source={"kind": "image", "storage": "swr", "url": image},
    refer_resources=in_cluster,
    opts=pulumi.ResourceOptions(depends_on=[managed]),
)

# The web front end is told where the API is, from the API component's outputs.
web = Component(
    "web",
    application_id=application.id,
    environment_id=environment.id,
    name="orders-web",
    version=api.version,
    replica=1,
    runtime_stack=container_stack,
    source={"kind": "image", "storage": "swr", "url": image},
    refer_resources=in_cluster,
    envs=[
        {"name": "ORDERS_API_COMPONENT", "value": api.component_id},
        {"name": "ORDERS_API_NAME", "value": api.name},
    ],
    opts=pulumi.ResourceOptions(depends_on=[managed]),
)

# Components read the file at start-up, so a new version of it restarts the front end.
ComponentAction(
    "web-restart-on-settings",
    application_id=application.id,
    component_id=web.component_id,
    action="restart",
    triggers=[settings_file.version],
)

pulumi.export("environment_id", environment.id)
pulumi.export("plugin_status", injector.status)
pulumi.export("api_component_id", api.component_id)
pulumi.export("web_component_id", web.component_id)
pulumi.export("web_status", web.status.apply(lambda s: (s or {}).get("component_status")))
pulumi.export("settings_version", settings_file.version)
pulumi.export("runtime_stack_status", java_stack.status)
