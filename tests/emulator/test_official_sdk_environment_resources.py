"""The official SDK's environment-resource operations (v3 ModifyResourceInEnvironment,
ShowEnvironmentResources, ShowEnvironmentInfo) against the threaded emulator."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkservicestage.v3 import (
    CreateEnvironmentRequest,
    EnvironmentCreate,
    EnvironmentResourceModify,
    ModifyResourceInEnvironmentRequest,
    Resource,
    ShowEnvironmentInfoRequest,
    ShowEnvironmentResourcesRequest,
)
from test_official_sdk import sdk_client, unset_fields

from pulumi_servicestage.emulator import Emulator


@pytest.fixture
def sdk(live_emulator: tuple[Emulator, str]) -> Any:
    return sdk_client(live_emulator[1])


def set_resources(sdk: Any, environment_id: str, resources: list[Resource]) -> Any:
    return sdk.modify_resource_in_environment(
        ModifyResourceInEnvironmentRequest(
            environment_id=environment_id, body=EnvironmentResourceModify(resources=resources)
        )
    )


def test_environment_resources(sdk: Any) -> None:
    environment = sdk.create_environment(
        CreateEnvironmentRequest(
            body=EnvironmentCreate(name="dev-env", vpc_id="vpc-1", deploy_mode="container")
        )
    )
    cluster = Resource(id="cce-1", type="cce", name="cluster")
    balancer = Resource(id="elb-1", type="elb", name="balancer")

    modified = set_resources(sdk, environment.id, [cluster, balancer])
    listed = sdk.show_environment_resources(
        ShowEnvironmentResourcesRequest(environment_id=environment.id)
    )
    narrowed = set_resources(sdk, environment.id, [balancer])
    shown = sdk.show_environment_info(ShowEnvironmentInfoRequest(environment_id=environment.id))

    assert unset_fields(modified) == set()
    assert [(r.id, r.type, r.name) for r in modified.resources] == [
        ("cce-1", "cce", "cluster"),
        ("elb-1", "elb", "balancer"),
    ]
    assert unset_fields(listed) == set()
    assert listed.resources == modified.resources
    assert [r.id for r in narrowed.resources] == ["elb-1"]
    assert unset_fields(shown) == set()
    assert [(r.id, r.type) for r in shown.resources] == [("elb-1", "elb")]


def test_environment_resources__errors(sdk: Any) -> None:
    environment = sdk.create_environment(
        CreateEnvironmentRequest(
            body=EnvironmentCreate(name="vm-env", vpc_id="vpc-1", deploy_mode="virtualmachine")
        )
    )
    server = Resource(id="ecs-1", type="ecs", name="vm")

    with pytest.raises(ClientRequestException) as twice:
        set_resources(sdk, environment.id, [server, server])
    with pytest.raises(ClientRequestException) as foreign:
        set_resources(sdk, environment.id, [Resource(id="cce-1", type="cce")])
    with pytest.raises(ClientRequestException) as missing:
        set_resources(sdk, "no-such-environment", [server])

    assert (twice.value.status_code, twice.value.error_code) == (400, "SVCSTG.00100400")
    assert "ecs ecs-1 is listed twice" in twice.value.error_msg
    assert (foreign.value.status_code, foreign.value.error_code) == (400, "SVCSTG.00100400")
    assert (missing.value.status_code, missing.value.error_code) == (404, "SVCSTG.00100411")
