"""The official Huawei Cloud SDK (huaweicloudsdkcse v1), signing with AK/SK, against the threaded
emulator's engine management: every answer deserializes into the SDK's models, warnings being
errors, and its errors carry CSE's codes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from emulator_support import JOB_SECONDS
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcse.v1 import (
    CreateEngineRequest,
    CseClient,
    DeleteEngineRequest,
    EngineCreateReq,
    EngineRbacPwd,
    ListEnginesRequest,
    ListFlavorsRequest,
    ShowEngineJobRequest,
    ShowEngineRequest,
)

from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_KEY,
    DEFAULT_USER_NAME,
    Emulator,
)
from pulumi_servicestage.emulator.cse.backend import CseBackend

# A type conversion the SDK cannot make is a warning (TypeConversionWarning); here it fails.
pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture
def sdk(live_emulator: tuple[Emulator, str]) -> Iterator[Any]:
    credentials = BasicCredentials(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_PROJECT_ID)
    yield (
        CseClient.new_builder()
        .with_credentials(credentials)
        .with_endpoints([live_emulator[1]])
        .build()
    )


def engine_request(name: str = "orders") -> CreateEngineRequest:
    body = EngineCreateReq(
        name=name,
        description="engine of the orders team",
        payment="1",
        flavor="cse.s1.small2",
        az_list=["cn-north-4a"],
        auth_type="RBAC",
        auth_cred=EngineRbacPwd(pwd="Engine@2024"),
        vpc="vpc-demo",
        vpc_id="09902850-9454-4715-9764-018f0c37022",
        network_id="88550801-e892-4f8e-b21b-f7147f6229",
        subnet_cidr="192.168.0.0/24",
        spec_type="CSE2",
        inputs={"nodeFlavor": "s6.large.2"},
    )
    return CreateEngineRequest(body=body)


def wait_until(check: Callable[[], Any]) -> Any:
    """Poll `check` until it answers something true, within twenty job durations."""
    deadline = time.monotonic() + 20 * JOB_SECONDS
    while not (answer := check()):
        assert time.monotonic() < deadline, "the engine job did not end"
        time.sleep(JOB_SECONDS / 5)
    return answer


def ended_job(sdk: Any, engine_id: str, job_id: int) -> Any:
    def check() -> Any:
        job = sdk.show_engine_job(ShowEngineJobRequest(engine_id=engine_id, job_id=str(job_id)))
        return job if job.status != "Executing" else None

    return wait_until(check)


def test_engine_lifecycle(sdk: Any, live_emulator: tuple[Emulator, str]) -> None:
    url = live_emulator[1]

    flavors = sdk.list_flavors(ListFlavorsRequest(spec_type="CSE2"))
    created = sdk.create_engine(engine_request())
    creating = sdk.show_engine(ShowEngineRequest(engine_id=created.id))
    job = ended_job(sdk, created.id, created.job_id)
    shown = sdk.show_engine(ShowEngineRequest(engine_id=created.id))
    listed = sdk.list_engines(ListEnginesRequest(offset=0, limit="10", type="CSE"))
    deleted = sdk.delete_engine(DeleteEngineRequest(engine_id=created.id))

    def engine_gone() -> ClientRequestException | None:
        try:
            sdk.show_engine_job(
                ShowEngineJobRequest(engine_id=created.id, job_id=str(deleted.job_id))
            )
        except ClientRequestException as gone:
            return gone
        return None

    gone = wait_until(engine_gone)

    assert flavors.total == 4
    assert [flavor.flavor for flavor in flavors.data] == [
        "cse.s1.small2",
        "cse.s1.medium2",
        "cse.s1.large2",
        "cse.s1.xlarge2",
    ]
    assert (created.name, isinstance(created.job_id, int)) == ("orders", True)
    assert (creating.status, creating.latest_job_id) == ("Creating", created.job_id)
    assert (job.status, job.type, job.create_user) == ("Finished", "Create", DEFAULT_USER_NAME)
    assert [stage.status for stage in job.tasks] == ["Finished"] * 3
    assert job.tasks[1].tasks[0].task_name == "EngineDeployTaskExecutor"
    assert shown.status == "Available"
    address = f"{url}/_engines/{DEFAULT_PROJECT_ID}/{created.id}"
    endpoints = shown.external_entrypoint.service_endpoint
    assert endpoints["serviceCenter"].master_entrypoint == address
    assert endpoints["kie"].master_entrypoint == address
    assert shown.reference.az_list == ["cn-north-4a"]
    assert shown.reference.instance_limit == "100"  # the SDK reads the limits as strings
    assert len(shown.cce_spec.cluster_nodes.cluster_nodes) == len(shown.vm_ids) == 1
    assert listed.total == 1
    assert listed.data[0].service_endpoint["serviceCenter"].master_entrypoint == address
    assert listed.data[0].reference.inputs == {"nodeFlavor": "s6.large.2"}
    assert (deleted.id, deleted.name, deleted.job_id > created.job_id) == (
        created.id,
        "orders",
        True,
    )
    assert (gone.status_code, gone.error_code) == (400, "SVCSTG.00501116")
    assert gone.error_msg == "Failed to find the engine instance."


def test_failed_create_and_errors(sdk: Any, live_emulator: tuple[Emulator, str]) -> None:
    emulator = live_emulator[0]
    emulator.area(CseBackend).engines.plan("create", message="no capacity in cn-north-4a")

    created = sdk.create_engine(engine_request())
    job = ended_job(sdk, created.id, created.job_id)
    failed = sdk.show_engine(ShowEngineRequest(engine_id=created.id))
    with pytest.raises(ClientRequestException) as duplicate:
        sdk.create_engine(engine_request())
    with pytest.raises(ClientRequestException) as unknown_job:
        sdk.show_engine_job(ShowEngineJobRequest(engine_id=created.id, job_id="1"))

    assert job.status == "Error"
    assert job.tasks[1].status == "Error"
    assert job.tasks[1].tasks[0].log == "no capacity in cn-north-4a"
    assert job.tasks[2].status == "Init"
    assert (failed.status, failed.engine_additional_actions) == ("CreateFailed", ["Delete"])
    assert (duplicate.value.status_code, duplicate.value.error_code) == (400, "SVCSTG.00501111")
    assert unknown_job.value.error_code == "SVCSTG.00501153"
