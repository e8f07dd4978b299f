"""Component tasks (POST .../components/{id}/action, §4.3.8), release records (GET .../records,
§4.3.9) and imports of CCE workloads (POST .../components with create_mode import, §4.3.2)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from emulator_support import (
    CAS,
    JOB_SECONDS,
    CreateComponent,
    component_body,
    components_path,
    error_of,
    ok,
)

from pulumi_servicestage.emulator import Emulator
from pulumi_servicestage.emulator.servicestage.state import SERVICE_VARIABLES
from pulumi_servicestage.testing import VirtualClock

GRAY = {
    "type": "GrayRelease",
    "gray_release": {
        "type": "weight",
        "first_batch_weight": 20,
        "first_batch_replica": 1,
        "remaining_batch": 1,
    },
}


def act(client: httpx.Client, path: str, action: str, **parameters: Any) -> httpx.Response:
    body: dict[str, Any] = {"action": action}
    if parameters:
        body["parameters"] = parameters
    return client.post(f"{path}/action", json=body)


def job_id_of(response: httpx.Response) -> str:
    answer = ok(response)
    assert set(answer) == {"job_id", "result"}
    assert answer["result"] == "succeeded"
    job_id: str = answer["job_id"]
    return job_id


def status_of(client: httpx.Client, path: str) -> dict[str, Any]:
    status: dict[str, Any] = ok(client.get(path))["status"]
    return status


def records_of(client: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    records: dict[str, Any] = ok(client.get(f"{path}/records", params=params))
    return records


def upgrade(
    client: httpx.Client, path: str, environment: dict[str, Any], version: str, **overrides: Any
) -> str:
    body = component_body(environment["id"], version=version, **overrides)
    job_id: str = ok(client.put(path, json=body))["job_id"]
    return job_id


def test_run_component_action__scale(
    client: httpx.Client, running_component: dict[str, Any], clock: VirtualClock
) -> None:
    path = running_component["path"]

    job_id = job_id_of(act(client, path, "scale", replica=4))

    during = ok(client.get(path))
    assert (during["replica"], during["status"]["component_status"]) == (4, "UPGRADING")
    assert during["status"]["last_job_id"] == job_id
    job = ok(client.get(f"{CAS}/jobs/{job_id}"))
    assert job["job"]["job_type"] == "DAILY_OPERATION"
    assert [task["task_name"] for task in job["tasks"]] == [
        "CCEAPP_CONTEXT_PREPARE_01",
        "CCEAPP_SCALE_002",
        "CCEAPP_HEALTH_CHECK_003",
    ]
    clock.advance(JOB_SECONDS)
    after = status_of(client, path)
    assert (after["component_status"], after["replica"], after["available_replica"]) == (
        "RUNNING",
        4,
        4,
    )


def test_run_component_action__stop_then_start(
    client: httpx.Client, running_component: dict[str, Any], clock: VirtualClock
) -> None:
    path = running_component["path"]

    job_id_of(act(client, path, "stop"))
    stopping = status_of(client, path)["component_status"]
    clock.advance(JOB_SECONDS)
    stopped = status_of(client, path)
    job_id_of(act(client, path, "start"))
    starting = status_of(client, path)["component_status"]
    clock.advance(JOB_SECONDS)
    started = status_of(client, path)

    assert stopping == "STOPPING"
    assert (stopped["component_status"], stopped["available_replica"]) == ("STOPPED", 0)
    assert starting == "STARTING"
    assert (started["component_status"], started["available_replica"]) == ("RUNNING", 2)


def test_run_component_action__restart(
    client: httpx.Client, running_component: dict[str, Any], clock: VirtualClock
) -> None:
    path = running_component["path"]

    job_id_of(act(client, path, "restart"))

    assert status_of(client, path)["component_status"] == "RESTARTING"
    clock.advance(JOB_SECONDS)
    assert status_of(client, path)["component_status"] == "RUNNING"


def test_run_component_action__start_needs_a_stopped_component(
    client: httpx.Client, running_component: dict[str, Any]
) -> None:
    response = act(client, running_component["path"], "start")

    assert error_of(response, 409) == (
        "SVCSTG.00100419",
        "can not operate in current status: start: component web is RUNNING, "
        "and start needs it FAILED or STOPPED",
    )


def test_run_component_action__while_job_runs(
    client: httpx.Client, running_component: dict[str, Any]
) -> None:
    job_id = job_id_of(act(client, running_component["path"], "restart"))

    response = act(client, running_component["path"], "stop")

    assert error_of(response, 409) == (
        "SVCSTG.00100419",
        f"can not operate in current status: component web is RESTARTING (job {job_id})",
    )


def test_run_component_action__not_defined(
    client: httpx.Client, running_component: dict[str, Any]
) -> None:
    code, message = error_of(act(client, running_component["path"], "pause"), 400)

    assert code == "SVCSTG.00100418"
    assert message.startswith("component instance action not defined: 'pause'; the defined")
    assert "rollback_current" in message


@pytest.mark.parametrize(
    ("action", "parameters", "message"),
    [
        ("scale", {}, "parameters.replica: required to scale"),
        # 表4-262 types replica as an integer and bounds it nowhere: -1 is a type error only
        # when it is not an integer.
        ("scale", {"replica": "3"}, "parameters.replica: Input should be a valid integer"),
        ("rollback", {}, "parameters.version: required to roll back"),
        (
            "rollback",
            {"version": "9.9.9"},
            "parameters.version: component web has no earlier successful release of version 9.9.9",
        ),
        ("sync_import", {}, "action: component web was not imported from CCE"),
    ],
)
def test_run_component_action__invalid(
    client: httpx.Client,
    running_component: dict[str, Any],
    action: str,
    parameters: dict[str, Any],
    message: str,
) -> None:
    code, error_msg = error_of(act(client, running_component["path"], action, **parameters), 400)

    assert code == "SVCSTG.00100400"
    assert error_msg.startswith(f"parameter invalid: {message}")


def test_run_component_action__scale_on_virtual_machines_needs_hosts(
    client: httpx.Client, application: dict[str, Any], clock: VirtualClock
) -> None:
    environment = ok(
        client.post(
            f"{CAS}/environments",
            json={"name": "vm-env", "vpc_id": "vpc-1", "deploy_mode": "virtualmachine"},
        )
    )
    stack = {**component_body("")["runtime_stack"], "deploy_mode": "virtualmachine"}
    components = components_path(application)
    created = ok(
        client.post(components, json=component_body(environment["id"], runtime_stack=stack))
    )
    clock.advance(JOB_SECONDS)
    path = f"{components}/{created['component_id']}"

    refused = act(client, path, "scale", replica=3)
    accepted = act(client, path, "scale", replica=3, hosts=["ecs-1", "ecs-2", "ecs-3"])

    assert error_of(refused, 400)[1] == (
        "parameter invalid: parameters.hosts: required to scale a component deployed on "
        "virtual machines (004 表4-262)"
    )
    job_id = job_id_of(accepted)
    assert ok(client.get(f"{CAS}/jobs/{job_id}"))["tasks"][1]["task_name"] == "VMAPP_SCALE_002"
    assert error_of(act(client, path, "sync_workload"), 409)[0] == "SVCSTG.00100419"


def test_run_component_action__failed_job(
    client: httpx.Client, emulator: Emulator, running_component: dict[str, Any], clock: VirtualClock
) -> None:
    emulator.jobs.plan("FAILED", operation="scale_component", message="quota exceeded")

    job_id = job_id_of(act(client, running_component["path"], "scale", replica=9))
    clock.advance(JOB_SECONDS)

    job = ok(client.get(f"{CAS}/jobs/{job_id}"))
    assert job["job"]["execution_status"] == "FAILED"
    assert job["tasks"][1]["messages"] == "quota exceeded"
    status = status_of(client, running_component["path"])
    assert (status["component_status"], status["replica"]) == ("FAILED", 9)
    # A failed component can still be scaled back.
    job_id_of(act(client, running_component["path"], "scale", replica=2))


def test_run_component_action__rollback_to_a_version(
    client: httpx.Client,
    environment: dict[str, Any],
    running_component: dict[str, Any],
    clock: VirtualClock,
) -> None:
    path = running_component["path"]
    upgrade(client, path, environment, "2.0.0", envs=[{"name": "MODE", "value": "new"}])
    clock.advance(JOB_SECONDS)
    job_id_of(act(client, path, "scale", replica=3))
    clock.advance(JOB_SECONDS)

    job_id = job_id_of(act(client, path, "rollback", version="2023.1102.17105"))

    during = ok(client.get(path))
    assert during["version"] == "2023.1102.17105"
    own = [v["name"] for v in during["envs"] if v["name"] not in SERVICE_VARIABLES]
    assert own == [], "the old release's configuration is back"
    assert during["replica"] == 3, "the instance count stays"
    assert during["status"]["component_status"] == "UPGRADING"
    clock.advance(JOB_SECONDS)
    assert status_of(client, path)["component_status"] == "RUNNING"
    records = records_of(client, path)["records"]
    assert [(r["version"], r["current_used"], r["status"]) for r in records] == [
        ("2023.1102.17105", True, "SUCCEEDED"),
        ("2.0.0", False, "SUCCEEDED"),
        ("2023.1102.17105", False, "SUCCEEDED"),
    ]
    assert records[0]["jobs"][0]["job_id"] == job_id
    assert records[0]["deploy_type"] == "OneBatchRelease"


def test_run_component_action__rollback_current_after_a_failed_upgrade(
    client: httpx.Client,
    emulator: Emulator,
    environment: dict[str, Any],
    running_component: dict[str, Any],
    clock: VirtualClock,
) -> None:
    path = running_component["path"]
    emulator.jobs.plan("FAILED", operation="modify_component")
    upgrade(client, path, environment, "2.0.0")
    clock.advance(JOB_SECONDS)
    assert status_of(client, path)["component_status"] == "FAILED"

    job_id_of(act(client, path, "rollback_current"))
    clock.advance(JOB_SECONDS)

    assert ok(client.get(path))["version"] == "2023.1102.17105"
    assert status_of(client, path)["component_status"] == "RUNNING"
    statuses = [(r["version"], r["status"]) for r in records_of(client, path)["records"]]
    assert statuses == [
        ("2023.1102.17105", "SUCCEEDED"),
        ("2.0.0", "FAILED"),
        ("2023.1102.17105", "SUCCEEDED"),
    ]


def test_run_component_action__rollback_current_without_an_earlier_release(
    client: httpx.Client, running_component: dict[str, Any]
) -> None:
    response = act(client, running_component["path"], "rollback_current")

    assert error_of(response, 409) == (
        "SVCSTG.00100419",
        "can not operate in current status: rollback_current: component web has no earlier "
        "successful release to go back to",
    )


def test_gray_release__waits_for_continue_deploy(
    client: httpx.Client,
    environment: dict[str, Any],
    create_component: CreateComponent,
    application: dict[str, Any],
    clock: VirtualClock,
) -> None:
    created = create_component(deploy_strategy=GRAY)
    path = f"{CAS}/applications/{application['id']}/components/{created['component_id']}"
    clock.advance(JOB_SECONDS)
    upgrade_job = upgrade(client, path, environment, "2.0.0", deploy_strategy=GRAY)
    clock.advance(JOB_SECONDS)

    paused = records_of(client, path)["records"][0]
    blocked_modify = client.put(path, json=component_body(environment["id"], version="3.0.0"))
    blocked_scale = act(client, path, "scale", replica=5)
    check_job = job_id_of(act(client, path, "check_gray_release"))
    clock.advance(JOB_SECONDS)
    rule_job = job_id_of(act(client, path, "modify_gray_rule"))
    clock.advance(JOB_SECONDS)
    continue_job = job_id_of(act(client, path, "continue_deploy"))
    clock.advance(JOB_SECONDS)
    done = records_of(client, path)["records"][0]

    assert (paused["status"], paused["end_time"], paused["deploy_type"]) == (
        "RUNNING",
        None,
        "GrayRelease",
    )
    assert paused["jobs"][0]["job_info"] == {
        "deploy_type": "GrayRelease",
        "source_url": "obs://bucket0001/weather-1.0.0.jar",
        "replica": 2,
        "first_batch_weight": 20,
        "first_batch_replica": 1,
        "remaining_batch": 1,
    }
    assert error_of(blocked_modify, 409) == (
        "SVCSTG.00100432",
        "component in releasing: the gray release of component web to version 2.0.0 waits for "
        "continue_deploy or a rollback",
    )
    assert error_of(blocked_scale, 409)[0] == "SVCSTG.00100432"
    assert done["status"] == "SUCCEEDED" and done["end_time"] is not None
    assert [(job["sequence"], job["job_id"]) for job in done["jobs"]] == [
        (1, upgrade_job),
        (2, check_job),
        (3, rule_job),
        (4, continue_job),
    ]
    assert status_of(client, path)["component_status"] == "RUNNING"


def test_gray_release__rolled_back_midway(
    client: httpx.Client,
    environment: dict[str, Any],
    create_component: CreateComponent,
    application: dict[str, Any],
    clock: VirtualClock,
) -> None:
    created = create_component(deploy_strategy=GRAY)
    path = f"{CAS}/applications/{application['id']}/components/{created['component_id']}"
    clock.advance(JOB_SECONDS)
    upgrade(client, path, environment, "2.0.0", deploy_strategy=GRAY)
    clock.advance(JOB_SECONDS)

    job_id_of(act(client, path, "rollback_current"))
    clock.advance(JOB_SECONDS)

    records = records_of(client, path)["records"]
    assert [(r["version"], r["status"]) for r in records] == [
        ("2023.1102.17105", "SUCCEEDED"),
        ("2.0.0", "ROLLBACKED"),
        ("2023.1102.17105", "SUCCEEDED"),
    ]
    assert error_of(act(client, path, "continue_deploy"), 409) == (
        "SVCSTG.00100419",
        "can not operate in current status: continue_deploy: no gray release of component web "
        "waits to go on",
    )


def test_list_component_records(
    client: httpx.Client,
    environment: dict[str, Any],
    running_component: dict[str, Any],
    clock: VirtualClock,
) -> None:
    path = running_component["path"]
    clock.advance(1)
    upgrade_job = upgrade(
        client,
        path,
        environment,
        "2.0.0",
        deploy_strategy={"type": "RollingRelease", "rolling_release": {"batches": 2}},
    )

    newest_first = records_of(client, path)
    oldest_first = records_of(client, path, order="asc", limit=1)

    assert newest_first["count"] == 2
    upgrading, created = newest_first["records"]
    assert created == {
        "begin_time": created["begin_time"],
        "end_time": created["end_time"],
        "description": None,
        "instance_id": running_component["component_id"],
        "version": "2023.1102.17105",
        "current_used": False,
        "status": "SUCCEEDED",
        "deploy_type": "OneBatchRelease",
        "jobs": [
            {
                "sequence": 1,
                "deploy_type": "OneBatchRelease",
                "job_id": running_component["job_id"],
                "job_info": {
                    "deploy_type": "OneBatchRelease",
                    "source_url": "obs://bucket0001/weather-1.0.0.jar",
                    "replica": 2,
                    "first_batch_weight": None,
                    "first_batch_replica": 2,
                    "remaining_batch": 0,
                },
            }
        ],
    }
    assert created["begin_time"].endswith("Z") and created["end_time"] > created["begin_time"]
    assert (upgrading["version"], upgrading["current_used"], upgrading["status"]) == (
        "2.0.0",
        True,
        "RUNNING",
    )
    assert upgrading["end_time"] is None
    assert upgrading["jobs"][0]["job_id"] == upgrade_job
    assert upgrading["jobs"][0]["job_info"]["first_batch_replica"] == 1
    assert upgrading["jobs"][0]["job_info"]["remaining_batch"] == 1
    assert oldest_first["count"] == 2
    assert [record["version"] for record in oldest_first["records"]] == ["2023.1102.17105"]


def test_list_component_records__not_found(
    client: httpx.Client, application: dict[str, Any]
) -> None:
    path = f"{CAS}/applications/{application['id']}/components/nope/records"

    assert error_of(client.get(path), 404)[0] == "SVCSTG.00100404"


def import_body(environment_id: str, **overrides: Any) -> dict[str, Any]:
    """The reference's example request (§4.3.2), in our environment."""
    body: dict[str, Any] = {
        "name": "testcyf-import-deployment",
        "description": "",
        "labels": [],
        "version": "2024.0506.16306",
        "environment_id": environment_id,
        "enterprise_project_id": "0",
        "workload_name": "test-cyf-deployment",
        "workload_kind": "deployment",
        "runtime_stack": {
            "name": "Docker",
            "version": "",
            "type": "Docker",
            "deploy_mode": "container",
        },
        "refer_resources": [
            {
                "id": "1d23eab7-da00-11ee-a1e1-0255ac1001ba",
                "type": "cce",
                "parameters": {"namespace": "default"},
            }
        ],
        "create_mode": "import",
    }
    body.update(overrides)
    return body


def test_import_component(
    client: httpx.Client,
    application: dict[str, Any],
    environment: dict[str, Any],
    clock: VirtualClock,
) -> None:
    answer = ok(client.post(components_path(application), json=import_body(environment["id"])))

    assert set(answer) == {"instance_id"}
    path = f"{components_path(application)}/{answer['instance_id']}"
    during = ok(client.get(path))
    assert during["status"]["component_status"] == "INITIALIZING"
    job = ok(client.get(f"{CAS}/jobs/{during['status']['last_job_id']}"))
    assert job["tasks"][1]["task_name"] == "CCEAPP_IMPORT_WORKLOAD_002"
    assert job["job"]["job_type"] == "PROVISION"
    clock.advance(JOB_SECONDS)
    shown = ok(client.get(path))
    assert shown["status"]["component_status"] == "RUNNING"
    assert (shown["name"], shown["version"], shown["workload_kind"]) == (
        "testcyf-import-deployment",
        "2024.0506.16306",
        "deployment",
    )
    assert shown["source"] == {"kind": "image", "storage": "swr", "url": "test-cyf-deployment"}
    assert (shown["replica"], shown["status"]["available_replica"]) == (1, 1)
    assert shown["environment_id"] == environment["id"]
    # An imported component takes tasks and modifies like any other.
    job_id_of(act(client, path, "sync_import"))
    clock.advance(JOB_SECONDS)
    modified = {key: value for key, value in shown.items() if key != "status"}
    ok(client.put(path, json={**modified, "version": "2024.0506.16307"}))
    clock.advance(JOB_SECONDS)
    assert [r["version"] for r in records_of(client, path)["records"]] == [
        "2024.0506.16307",
        "2024.0506.16306",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"workload_name": None}, "workload_name: Field required"),
        ({"workload_kind": "daemonset"}, "workload_kind: Input should be 'deployment'"),
        (
            {"refer_resources": [{"id": "cse-1", "type": "cse"}]},
            "refer_resources: the cce cluster the workload runs in is required",
        ),
        (
            {
                "runtime_stack": {
                    "name": "OpenJDK8",
                    "type": "Java",
                    "version": "1.2.0",
                    "deploy_mode": "container",
                }
            },
            "runtime_stack: an imported workload runs on the Docker stack",
        ),
    ],
)
def test_import_component__invalid(
    client: httpx.Client,
    application: dict[str, Any],
    environment: dict[str, Any],
    overrides: dict[str, Any],
    message: str,
) -> None:
    body = import_body(environment["id"], **overrides)
    body = {key: value for key, value in body.items() if value is not None}

    code, error_msg = error_of(client.post(components_path(application), json=body), 400)

    assert code == "SVCSTG.00100400"
    assert error_msg.startswith(f"parameter invalid: {message}")


def test_import_component__workload_already_imported(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any]
) -> None:
    ok(client.post(components_path(application), json=import_body(environment["id"])))

    again = client.post(
        components_path(application), json=import_body(environment["id"], name="again")
    )

    assert error_of(again, 409) == (
        "SVCSTG.00100413",
        "instance name exists: the deployment default/test-cyf-deployment of cluster "
        "1d23eab7-da00-11ee-a1e1-0255ac1001ba is already component testcyf-import-deployment "
        "of shop",
    )


def test_import_component__into_a_virtual_machine_environment(
    client: httpx.Client, application: dict[str, Any]
) -> None:
    environment = ok(
        client.post(
            f"{CAS}/environments",
            json={"name": "vm-env", "vpc_id": "vpc-1", "deploy_mode": "virtualmachine"},
        )
    )

    response = client.post(components_path(application), json=import_body(environment["id"]))

    assert error_of(response, 400)[1] == (
        "parameter invalid: environment_id: the virtualmachine environment vm-env cannot hold "
        "CCE workloads"
    )


def test_import_component__failed_job(
    client: httpx.Client,
    emulator: Emulator,
    application: dict[str, Any],
    environment: dict[str, Any],
    clock: VirtualClock,
) -> None:
    emulator.jobs.plan("FAILED", operation="import_component")

    answer = ok(client.post(components_path(application), json=import_body(environment["id"])))
    clock.advance(JOB_SECONDS)

    status = status_of(client, f"{components_path(application)}/{answer['instance_id']}")
    assert (status["component_status"], status["fail_detail"]) == ("FAILED", "create_failed")
    job = ok(client.get(f"{CAS}/jobs/{status['last_job_id']}"))
    assert job["tasks"][1]["messages"] == "import failed: the workload was not found in the cluster"


def test_run_component_action__not_found(client: httpx.Client, application: dict[str, Any]) -> None:
    response = act(client, f"{components_path(application)}/nope", "restart")

    assert error_of(response, 404)[0] == "SVCSTG.00100404"


def test_refresh_component__answers_ok_without_a_body(
    client: httpx.Client, running_component: dict[str, Any]
) -> None:
    # §4.3.10: PUT with no body; 表4-273's answer is {"message": "OK"}.
    response = client.put(f"{running_component['path']}/refresh")

    assert ok(response) == {"message": "OK"}
    assert status_of(client, running_component["path"])["component_status"] == "RUNNING"


def test_refresh_component__a_missing_component_is_404(
    client: httpx.Client, running_component: dict[str, Any]
) -> None:
    path = running_component["path"].rsplit("/", 1)[0] + "/3f2b8c1e-5d4a-4e6b-9a7c-1d2e3f4a5b6c"

    code, _ = error_of(client.put(f"{path}/refresh"), 404)

    assert code == "SVCSTG.00100404"
