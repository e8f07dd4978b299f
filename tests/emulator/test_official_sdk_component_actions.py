"""The official SDK's component-task, record and job operations (v3 UpdateComponentAction,
ShowComponentRecords, ShowJobInfo) against the threaded emulator."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkservicestage.v3 import (
    ApplicationCreate,
    ComponentAction,
    ComponentActionParameters,
    ComponentCreate,
    ComponentModify,
    CreateApplicationRequest,
    CreateComponentRequest,
    CreateEnvironmentRequest,
    EnvironmentCreate,
    ModifyComponentRequest,
    ReferResourceCreate,
    RuntimeStack,
    ShowComponentInfoRequest,
    ShowComponentRecordsRequest,
    SourceObject,
    UpdateComponentActionRequest,
)
from test_official_sdk import sdk_client, unset_fields, wait_for_job

from pulumi_servicestage.emulator import Emulator


@pytest.fixture
def sdk(live_emulator: tuple[Emulator, str]) -> Any:
    return sdk_client(live_emulator[1])


@pytest.fixture
def component(sdk: Any) -> dict[str, str]:
    """A running component, as ids: application_id, component_id, job_id (of its deploy)."""
    environment = sdk.create_environment(
        CreateEnvironmentRequest(body=EnvironmentCreate(name="dev-env", vpc_id="vpc-1"))
    )
    application = sdk.create_application(
        CreateApplicationRequest(body=ApplicationCreate(name="shop"))
    )
    created = sdk.create_component(
        CreateComponentRequest(
            application_id=application.id,
            body=ComponentCreate(environment_id=environment.id, **SPEC),
        )
    )
    wait_for_job(sdk, created.job_id)
    return {
        "application_id": application.id,
        "component_id": created.component_id,
        "job_id": created.job_id,
    }


SPEC: dict[str, Any] = {
    "name": "web",
    "runtime_stack": RuntimeStack(
        name="OpenJDK8", type="Java", version="1.2.0", deploy_mode="container"
    ),
    "source": SourceObject(kind="package", url="obs://bucket0001/web-1.0.0.jar", storage="obs"),
    "version": "1.0.0",
    "replica": 2,
    "refer_resources": [ReferResourceCreate(id="cce-cluster-1", type="cce")],
}


def run_action(sdk: Any, component: dict[str, str], action: str, **parameters: Any) -> Any:
    body = ComponentAction(
        action=action,
        parameters=ComponentActionParameters(**parameters) if parameters else None,
    )
    return sdk.update_component_action(
        UpdateComponentActionRequest(
            application_id=component["application_id"],
            component_id=component["component_id"],
            body=body,
        )
    )


def show(sdk: Any, component: dict[str, str]) -> Any:
    return sdk.show_component_info(
        ShowComponentInfoRequest(
            application_id=component["application_id"], component_id=component["component_id"]
        )
    )


def test_update_component_action(sdk: Any, component: dict[str, str]) -> None:
    scaled = run_action(sdk, component, "scale", replica=3)
    scale_job = wait_for_job(sdk, scaled.job_id)
    after_scale = show(sdk, component)
    stopped = run_action(sdk, component, "stop")
    wait_for_job(sdk, stopped.job_id)
    after_stop = show(sdk, component)
    with pytest.raises(ClientRequestException) as refused:
        run_action(sdk, component, "restart")

    assert unset_fields(scaled) == set()
    assert scaled.result == "succeeded"
    assert unset_fields(scale_job) == set()
    assert (scale_job.job.execution_status, scale_job.job.job_type) == (
        "SUCCEEDED",
        "DAILY_OPERATION",
    )
    assert [task.task_type for task in scale_job.tasks] == ["PREPARE", "SCALE", "CHECK"]
    assert (after_scale.replica, after_scale.status.available_replica) == (3, 3)
    assert after_scale.status.last_job_id == scaled.job_id
    assert (after_stop.status.component_status, after_stop.status.available_replica) == (
        "STOPPED",
        0,
    )
    assert (refused.value.status_code, refused.value.error_code) == (409, "SVCSTG.00100419")


def test_update_component_action__rollback(sdk: Any, component: dict[str, str]) -> None:
    modified = sdk.modify_component(
        ModifyComponentRequest(
            application_id=component["application_id"],
            component_id=component["component_id"],
            body=ComponentModify(**{**SPEC, "version": "1.0.1"}),
        )
    )
    wait_for_job(sdk, modified.job_id)

    rolled_back = run_action(sdk, component, "rollback", version="1.0.0")
    wait_for_job(sdk, rolled_back.job_id)

    assert show(sdk, component).version == "1.0.0"


def test_show_component_records(sdk: Any, component: dict[str, str]) -> None:
    modified = sdk.modify_component(
        ModifyComponentRequest(
            application_id=component["application_id"],
            component_id=component["component_id"],
            body=ComponentModify(**{**SPEC, "version": "1.0.1"}),
        )
    )
    wait_for_job(sdk, modified.job_id)

    records = sdk.show_component_records(
        ShowComponentRecordsRequest(
            application_id=component["application_id"],
            component_id=component["component_id"],
            limit=10,
            offset=0,
            order_by="create_time",
            order="asc",
        )
    )

    # Only the record's description and the gray-release weight of a one-batch release are empty.
    assert unset_fields(records) == {
        "records[].description",
        "records[].jobs[].job_info.first_batch_weight",
    }
    assert records.count == 2
    first, second = records.records
    assert (first.version, first.current_used, first.status) == ("1.0.0", False, "SUCCEEDED")
    assert (second.version, second.current_used) == ("1.0.1", True)
    assert first.instance_id == component["component_id"]
    assert [job.job_id for job in first.jobs] == [component["job_id"]]
    assert second.jobs[0].job_id == modified.job_id
    assert second.jobs[0].job_info.source_url == "obs://bucket0001/web-1.0.0.jar"
