"""Quickstart: an environment, an application, and a component deployed into them.

Every value has a default that works against the local emulator; against Huawei Cloud, set
`vpcId`, `cceClusterId` and `image` in the stack configuration.
"""

import pulumi

from pulumi_servicestage import Application, Component, Environment

config = pulumi.Config()

environment = Environment(
    "dev",
    name="quickstart-dev",
    description="Quickstart environment",
    vpc_id=config.get("vpcId") or "0c72428b-cd6c-4283-a560-210d3edb49f7",
    deploy_mode="container",
    labels=[{"key": "team", "value": "shop"}],
)

application = Application(
    "shop",
    name="quickstart-shop",
    description="Quickstart application",
)

web = Component(
    "web",
    application_id=application.id,
    environment_id=environment.id,
    name="web",
    version="1.0.0",
    replica=2,
    runtime_stack={
        "name": "Docker",
        "type": "Docker",
        "version": "1.0.0",
        "deploy_mode": "container",
    },
    source={
        "kind": "image",
        "storage": "swr",
        "url": config.get("image") or "swr.cn-north-4.myhuaweicloud.com/library/nginx:1.25",
    },
    refer_resources=[
        {"id": config.get("cceClusterId") or "3b3c7d0a-cce0-4c1e-9f7e-2d4a5b6c7d8e", "type": "cce"}
    ],
    limit_cpu=0.5,
    limit_memory=1,
    envs=[{"name": "GREETING", "value": "hello"}],
    timeouts={"create": 900},
)

pulumi.export("environment_id", environment.id)
pulumi.export("application_id", application.id)
pulumi.export("component_id", web.component_id)
pulumi.export("component_status", web.status.apply(lambda s: (s or {}).get("component_status")))
