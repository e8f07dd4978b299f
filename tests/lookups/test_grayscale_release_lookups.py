"""The grayscale-release lookup, called from a program."""

import pulumi

from pulumi_servicestage.emulator.asm.backend import AsmBackend
from pulumi_servicestage.emulator.asm.schemas import ReleaseRequest
from pulumi_servicestage.grayscale_release import get_grayscale_releases
from pulumi_servicestage.testing import ProviderMocks


def release_request(name: str, deployment_name: str) -> ReleaseRequest:
    return ReleaseRequest.model_validate(
        {
            "metadata": {"name": name},
            "spec": {
                "serviceName": deployment_name,
                "clusterID": "cce-1",
                "deploymentName": deployment_name,
                "version": "v2",
                "grayDeployments": [{"clusterID": "cce-1", "template": {"kind": "Deployment"}}],
            },
        }
    )


def test_get_grayscale_releases__typed_and_filtered(live):
    asm = live.emulator.area(AsmBackend)
    web = asm.create_release("mesh-1", "shop", release_request("web-canary", "web"))
    asm.create_release("mesh-1", "default", release_request("api-canary", "api"))
    asm.create_release("mesh-2", "shop", release_request("web-canary", "web"))

    def program():
        everything = get_grayscale_releases("mesh-1")
        pulumi.export("names", sorted(release.name for release in everything))
        [found] = get_grayscale_releases("mesh-1", namespace="shop", name="web-canary")
        pulumi.export("found", found.model_dump())
        pulumi.export("none", get_grayscale_releases("mesh-1", name="nope"))

    exports = ProviderMocks(live.stack_config()).run(program)

    assert exports["names"] == ["api-canary", "web-canary"]
    found = exports["found"]
    assert found["id"] == web.uid
    assert (found["mesh_id"], found["namespace"], found["deployment_name"]) == (
        "mesh-1",
        "shop",
        "web",
    )
    assert found["gray_deployments"] == [
        {"cluster_id": "cce-1", "template": {"kind": "Deployment"}}
    ]
    assert found["phase"] == "Creating"
    assert exports["none"] == []
