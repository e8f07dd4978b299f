"""Deploy jobs: GET /v3/{project_id}/cas/jobs/{job_id} (§4.6.1), planned outcomes and effects."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
from emulator_support import (
    CAS,
    JOB_SECONDS,
    CreateComponent,
    component_body,
    error_of,
    issue_token,
    ok,
)

from pulumi_servicestage.emulator import Emulator
from pulumi_servicestage.emulator.errors import ApiError
from pulumi_servicestage.emulator.jobs import Outcome
from pulumi_servicestage.testing import VirtualClock

TASK_SLOT = JOB_SECONDS / 3  # create jobs have three tasks


def show_job(http: httpx.Client, job_id: str, **params: Any) -> dict[str, Any]:
    result: dict[str, Any] = ok(http.get(f"{CAS}/jobs/{job_id}", params=params))
    return result


def statuses(job: dict[str, Any]) -> list[str]:
    return [task["task_status"] for task in job["tasks"]]


def component_path(application: dict[str, Any], created: dict[str, Any]) -> str:
    return f"{CAS}/applications/{application['id']}/components/{created['component_id']}"


def test_show_job_info(
    client: httpx.Client, create_component: CreateComponent, clock: VirtualClock
) -> None:
    job_id = create_component()["job_id"]

    started = show_job(client, job_id)
    clock.advance(TASK_SLOT * 1.5)
    halfway = show_job(client, job_id)
    clock.advance(JOB_SECONDS)
    done = show_job(client, job_id)

    assert started["job"] == {
        "execution_status": "RUNNING",
        "job_id": job_id,
        "job_type": "PROVISION",
        "project_id": started["job"]["project_id"],
        "rollback_enabled": False,
    }
    assert started["task_count"] == 3
    assert [task["task_name"] for task in started["tasks"]] == [
        "CCEAPP_CONTEXT_PREPARE_01",
        "CCEAPP_DEPLOY_002",
        "CCEAPP_HEALTH_CHECK_003",
    ]
    assert [task["task_index"] for task in started["tasks"]] == [1, 2, 3]
    assert statuses(started) == ["RUNNING", "SUBMITTED", "SUBMITTED"]
    assert statuses(halfway) == ["SUCCEEDED", "RUNNING", "SUBMITTED"]
    assert done["job"]["execution_status"] == "SUCCEEDED"
    assert statuses(done) == ["SUCCEEDED"] * 3
    first = done["tasks"][0]
    assert first["task_id"].startswith("Task-")
    assert first["messages"] == "{}"
    assert first["created_at"].endswith("Z") and len(first["created_at"]) == len(
        "2024-06-06T15:55:31.115Z"
    )
    assert first["update_at"] == done["tasks"][1]["created_at"], "tasks run one after the other"


def test_show_job_info__paginated(client: httpx.Client, create_component: CreateComponent) -> None:
    job_id = create_component()["job_id"]

    page = show_job(client, job_id, limit=1, offset=1, desc="true")

    assert page["task_count"] == 3
    assert [task["task_index"] for task in page["tasks"]] == [2]


def test_show_job_info__not_found(client: httpx.Client) -> None:
    response = client.get(f"{CAS}/jobs/JOB{uuid.uuid4()}")

    assert error_of(response, 404)[0] == "SVCSTG.00100429"


def test_show_job_info__of_another_project(
    client: httpx.Client, emulator: Emulator, create_component: CreateComponent
) -> None:
    job_id = create_component()["job_id"]

    other = emulator.add_project("9c8b7a6d5e4f30211f2e3d4c5b6a7988", "cn-south-1")

    with pytest.raises(ApiError) as raised:
        other.show_job_info(job_id)

    assert (raised.value.status, raised.value.body["error_code"]) == (404, "SVCSTG.00100429")


def test_show_job_info__planned_failure(
    client: httpx.Client,
    emulator: Emulator,
    application: dict[str, Any],
    create_component: CreateComponent,
    clock: VirtualClock,
) -> None:
    emulator.jobs.plan(Outcome.FAILED, message="image pull failed: manifest unknown")
    created = create_component()
    path = component_path(application, created)

    clock.advance(TASK_SLOT * 1.5)
    running = show_job(client, created["job_id"])
    assert ok(client.get(path))["status"]["component_status"] == "INITIALIZING"
    clock.advance(TASK_SLOT * 0.6)
    failed = show_job(client, created["job_id"])

    assert running["job"]["execution_status"] == "RUNNING"
    assert failed["job"]["execution_status"] == "FAILED"
    assert statuses(failed) == ["SUCCEEDED", "FAILED", "SKIPPED"]
    assert failed["tasks"][1]["messages"] == "image pull failed: manifest unknown"
    status = ok(client.get(path))["status"]
    assert (status["component_status"], status["fail_detail"], status["available_replica"]) == (
        "FAILED",
        "create_failed",
        0,
    )


def test_show_job_info__failure_at_a_named_task(
    client: httpx.Client, emulator: Emulator, create_component: CreateComponent, clock: VirtualClock
) -> None:
    emulator.jobs.plan("FAILED", stop_at_task="HEALTH_CHECK_003", duration=3.0)
    job_id = create_component()["job_id"]

    clock.advance(2.5)
    assert show_job(client, job_id)["job"]["execution_status"] == "RUNNING"
    clock.advance(0.6)
    failed = show_job(client, job_id)

    assert statuses(failed) == ["SUCCEEDED", "SUCCEEDED", "FAILED"]
    assert failed["tasks"][2]["messages"].startswith("deploy failed")


def test_show_job_info__hang(
    client: httpx.Client,
    emulator: Emulator,
    application: dict[str, Any],
    create_component: CreateComponent,
    clock: VirtualClock,
) -> None:
    emulator.jobs.plan("HANG")
    created = create_component()

    clock.advance(3600)
    job = show_job(client, created["job_id"])

    assert job["job"]["execution_status"] == "RUNNING"
    assert statuses(job) == ["SUCCEEDED", "RUNNING", "SUBMITTED"]
    shown = ok(client.get(component_path(application, created)))
    assert shown["status"]["component_status"] == "INITIALIZING"


def test_plan__only_for_a_component(
    client: httpx.Client, emulator: Emulator, create_component: CreateComponent, clock: VirtualClock
) -> None:
    emulator.jobs.plan("FAILED", component_name="api", operation="create_component")
    web = create_component(name="web")
    api = create_component(name="api")

    clock.advance(JOB_SECONDS)

    assert show_job(client, web["job_id"])["job"]["execution_status"] == "SUCCEEDED"
    assert show_job(client, api["job_id"])["job"]["execution_status"] == "FAILED"
    assert emulator.jobs.planned() == []


def test_plan__for_the_next_jobs(
    client: httpx.Client, emulator: Emulator, create_component: CreateComponent, clock: VirtualClock
) -> None:
    emulator.jobs.plan("FAILED", count=2, duration=0.0)
    jobs = [create_component(name=f"c-{index}")["job_id"] for index in range(3)]

    results = [show_job(client, job_id)["job"]["execution_status"] for job_id in jobs]

    assert results == ["FAILED", "FAILED", "RUNNING"]


def test_plan__rejects_unknown_task(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="names none of"):
        emulator.jobs.plan("FAILED", stop_at_task="UPGRADE_002", operation="delete_component")


def test_plan__task_named_with_its_platform(
    client: httpx.Client, emulator: Emulator, running_component: dict[str, Any], clock: VirtualClock
) -> None:
    emulator.jobs.plan("HANG", stop_at_task="VMAPP_DELETE_002")  # never applies to containers
    emulator.jobs.plan("HANG", stop_at_task="CCEAPP_DELETE_002")
    job_id = delete_job(client, running_component["path"])

    clock.advance(3600)

    assert statuses(show_job(client, job_id)) == ["SUCCEEDED", "RUNNING"]
    assert [plan.stop_at_task for plan in emulator.jobs.planned()] == ["VMAPP_DELETE_002"]


def delete_job(client: httpx.Client, path: str) -> str:
    """Delete a component and return the id of the deleting job, which 004 §4.3.6's answer (no
    body) does not name: the component's status does."""
    assert ok(client.delete(path)) is None
    job_id: str = ok(client.get(path))["status"]["last_job_id"]
    return job_id


def test_modify_component__failure(
    client: httpx.Client,
    emulator: Emulator,
    environment: dict[str, Any],
    running_component: dict[str, Any],
    clock: VirtualClock,
) -> None:
    emulator.jobs.plan("FAILED", operation="modify_component")
    body = component_body(environment["id"], version="2.0.0")

    job_id = ok(client.put(running_component["path"], json=body))["job_id"]
    clock.advance(JOB_SECONDS)

    job = show_job(client, job_id)
    assert job["tasks"][1]["task_name"] == "CCEAPP_UPGRADE_002"
    assert job["tasks"][1]["messages"].startswith("upgrade failed")
    status = ok(client.get(running_component["path"]))["status"]
    assert (status["component_status"], status["fail_detail"]) == ("FAILED", None)


def test_delete_component__removed_only_when_job_succeeds(
    client: httpx.Client, running_component: dict[str, Any], clock: VirtualClock
) -> None:
    job_id = delete_job(client, running_component["path"])

    clock.advance(JOB_SECONDS * 0.9)
    still_there = ok(client.get(running_component["path"]))
    clock.advance(JOB_SECONDS * 0.2)
    response = client.get(running_component["path"])

    assert still_there["status"]["component_status"] == "DELETING"
    assert response.status_code == 404
    job = show_job(client, job_id)
    assert job["job"]["job_type"] == "DEPROVISION"
    assert [task["task_name"] for task in job["tasks"]] == [
        "CCEAPP_CONTEXT_PREPARE_01",
        "CCEAPP_DELETE_002",
    ]


def test_delete_component__failure_keeps_component(
    client: httpx.Client, emulator: Emulator, running_component: dict[str, Any], clock: VirtualClock
) -> None:
    emulator.jobs.plan("FAILED", operation="delete_component")
    ok(client.delete(running_component["path"]))

    clock.advance(JOB_SECONDS)
    status = ok(client.get(running_component["path"]))["status"]

    assert (status["component_status"], status["fail_detail"]) == ("FAILED", "delete_failed")
    # A failed component can be deleted again.
    ok(client.delete(running_component["path"]))


def test_job_end_observed_through_job_route(
    client: httpx.Client,
    emulator: Emulator,
    application: dict[str, Any],
    create_component: CreateComponent,
    clock: VirtualClock,
) -> None:
    created = create_component()
    clock.advance(JOB_SECONDS)

    show_job(client, created["job_id"])  # the job's end is seen here first
    component = emulator.backend().show_component(application["id"], created["component_id"])

    assert component.status.value == "RUNNING"
    assert component.update_time == component.create_time + int(JOB_SECONDS * 1000)


def test_default_duration(
    client: httpx.Client, emulator: Emulator, create_component: CreateComponent, clock: VirtualClock
) -> None:
    emulator.jobs.default_duration = 10.0
    job_id = create_component()["job_id"]

    clock.advance(9.9)
    assert show_job(client, job_id)["job"]["execution_status"] == "RUNNING"
    clock.advance(0.2)
    assert show_job(client, job_id)["job"]["execution_status"] == "SUCCEEDED"


def test_jobs_advance_in_real_time(live_emulator: tuple[Emulator, str]) -> None:
    emulator, url = live_emulator
    backend = emulator.backend()
    environment = backend.create_environment(name="dev", vpc_id="vpc-1", creator="test")
    application = backend.create_application(name="shop", creator="test")
    with httpx.Client(base_url=url) as http:
        http.headers["X-Auth-Token"] = issue_token(http)
        path = f"{CAS}/applications/{application.id}/components"
        created = ok(http.post(path, json=component_body(environment.id)))

        deadline = time.monotonic() + 5
        seen = []
        while not seen or seen[-1] == "RUNNING":
            assert time.monotonic() < deadline, f"job still running: {seen}"
            seen.append(show_job(http, created["job_id"])["job"]["execution_status"])
            time.sleep(JOB_SECONDS / 10)

        shown = ok(http.get(f"{path}/{created['component_id']}"))

    assert seen[0] == "RUNNING"
    assert seen[-1] == "SUCCEEDED"
    assert shown["status"]["component_status"] == "RUNNING"
