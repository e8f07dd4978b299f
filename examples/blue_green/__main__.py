"""Blue-green on ServiceStage: a component, a release task that upgrades it, and a grayscale
release of its workload in the service mesh.

The `Component` creates the checkout service once; from then on the release task owns its
version and image (the component ignores changes to them, so the two never fight). The grayscale
release then runs the next image next to the released one; deleting it with `delete_action="end"`
hands all traffic to the grayscale version, with `"cancel"` back to the original.

Every value has a default that works against the local emulator; against Huawei Cloud, set
`vpcId`, `cceClusterId`, `meshId`, `releasedImage` and `grayImage` in the stack configuration.
"""

import pulumi

from pulumi_servicestage import (
    Application,
    Component,
    Environment,
    GrayscaleRelease,
    ReleasePlan,
)

config = pulumi.Config()
cce_cluster_id = config.get("cceClusterId") or "3b3c7d0a-cce0-4c1e-9f7e-2d4a5b6c7d8e"
registry = "swr.cn-north-4.myhuaweicloud.com/shop"
released_image = config.get("releasedImage") or f"{registry}/checkout:1.1.0"
gray_image = config.get("grayImage") or f"{registry}/checkout:1.2.0"

environment = Environment(
    "prod",
    name="blue-green-prod",
    vpc_id=config.get("vpcId") or "0c72428b-cd6c-4283-a560-210d3edb49f7",
    deploy_mode="container",
)
application = Application("shop", name="blue-green-shop")

checkout_spec = {
    "name": "checkout",
    "environment_id": environment.id,
    "replica": 2,
    "runtime_stack": {
        "name": "Docker",
        "type": "Docker",
        "version": "1.0.0",
        "deploy_mode": "container",
    },
    "refer_resources": [{"id": cce_cluster_id, "type": "cce"}],
}

checkout = Component(
    "checkout",
    application_id=application.id,
    version="1.0.0",
    source={"kind": "image", "storage": "swr", "url": f"{registry}/checkout:1.0.0"},
    **checkout_spec,
    opts=pulumi.ResourceOptions(ignore_changes=["version", "source"]),
)

upgrade = ReleasePlan(
    "checkout-upgrade",
    name="checkout-1-1-0",
    description="Upgrade checkout to 1.1.0",
    fail_strategy="stop",
    rollback_on_failure=True,
    components=[
        {
            **checkout_spec,
            "seq": 1,
            "application_id": application.id,
            "component_id": checkout.component_id,
            "version": "1.1.0",
            "source": {"kind": "image", "storage": "swr", "url": released_image},
        }
    ],
)

gray = GrayscaleRelease(
    "checkout-gray",
    mesh_id=config.get("meshId") or "mesh-4e1f0c2a",
    namespace="default",
    name="checkout-gray",
    service_name="checkout",
    cluster_id=cce_cluster_id,
    deployment_name="checkout",
    version="v1-2-0",
    gray_deployments=[
        {
            "cluster_id": cce_cluster_id,
            "template": {
                "kind": "Deployment",
                "spec": {
                    "replicas": 1,
                    "template": {
                        "spec": {"containers": [{"name": "checkout", "image": gray_image}]}
                    },
                },
            },
        }
    ],
    delete_action="end",
    opts=pulumi.ResourceOptions(depends_on=[upgrade]),
)

pulumi.export("component_id", checkout.component_id)
pulumi.export("release_status", upgrade.status)
pulumi.export(
    "released_versions",
    upgrade.deploy_info.apply(lambda info: {c["name"]: c["version"] for c in info or []}),
)
pulumi.export("gray_phase", gray.phase)
