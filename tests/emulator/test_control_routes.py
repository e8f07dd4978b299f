"""The emulator's own /_emulator/... routes and their Python counterparts."""

from __future__ import annotations

import httpx
import pytest
from emulator_support import CAS, CreateComponent, error_of, ok

from pulumi_servicestage.emulator import Emulator
from pulumi_servicestage.testing import VirtualClock


def test_reset(client: httpx.Client, emulator: Emulator, create_component: CreateComponent) -> None:
    create_component()
    emulator.jobs.plan("FAILED")
    emulator.jobs.default_duration = 9.0

    response = client.post("/_emulator/reset")

    assert response.status_code == 204
    assert ok(client.get(f"{CAS}/applications")) == {"applications": [], "count": 0}
    assert ok(client.get(f"{CAS}/environments"))["count"] == 0
    assert emulator.jobs.planned() == []
    assert emulator.jobs.default_duration == 0.2
    # Counting starts over, and the token issued before the reset still works.
    assert emulator.request_counts() == {
        "GET /v3/{project_id}/cas/environments": 1,
        "GET /v3/{project_id}/cas/applications": 1,
    }


def test_show_stats(client: httpx.Client, emulator: Emulator) -> None:
    client.get(f"{CAS}/environments")
    client.get(f"{CAS}/environments")
    client.get(f"{CAS}/environments/some-id")
    client.get("/_emulator/stats")

    stats = ok(client.get("/_emulator/stats"))

    assert stats == {
        "requests": {
            "GET /v3/{project_id}/cas/environments": 2,
            "GET /v3/{project_id}/cas/environments/{environment_id}": 1,
            "POST /v3/auth/tokens": 1,
        },
        # All on one instant of the virtual clock.
        "peak_per_second": {
            "GET /v3/{project_id}/cas/environments": 2,
            "GET /v3/{project_id}/cas/environments/{environment_id}": 1,
            "POST /v3/auth/tokens": 1,
        },
        "statuses": {"200": 2, "201": 1, "404": 1},
    }
    assert emulator.request_counts() == stats["requests"]


def test_update_job_settings(client: httpx.Client, emulator: Emulator) -> None:
    updated = ok(client.put("/_emulator/jobs/settings", json={"default_duration": 0.5}))

    assert updated == {"default_duration": 0.5}
    assert ok(client.get("/_emulator/jobs/settings")) == {"default_duration": 0.5}
    assert emulator.jobs.default_duration == 0.5


def test_update_job_settings__negative(client: httpx.Client) -> None:
    response = client.put("/_emulator/jobs/settings", json={"default_duration": -1})

    assert error_of(response, 400) == (
        "EMULATOR.0400",
        "control request invalid: default_duration must not be negative",
    )


def test_add_job_plan(
    client: httpx.Client, create_component: CreateComponent, clock: VirtualClock
) -> None:
    plan = {
        "outcome": "FAILED",
        "count": 2,
        "stop_at_task": "DEPLOY_002",
        "message": "quota exceeded",
        "operation": "create_component",
    }

    plans = ok(client.post("/_emulator/jobs/plans", json=plan))["plans"]
    job_id = create_component()["job_id"]
    clock.advance(1)
    job = ok(client.get(f"{CAS}/jobs/{job_id}"))

    expected = {key: value for key, value in plan.items() if key != "count"}
    assert (
        plans == [{**expected, "duration": None, "component_name": None, "task_weights": None}] * 2
    )
    assert job["job"]["execution_status"] == "FAILED"
    assert job["tasks"][1]["messages"] == "quota exceeded"
    assert len(ok(client.get("/_emulator/jobs/plans"))["plans"]) == 1


def test_a_plan_s_task_weights_set_the_lengths_of_its_tasks(
    client: httpx.Client, create_component: CreateComponent, clock: VirtualClock
) -> None:
    plan = {"duration": 10, "task_weights": [1, 8, 1], "operation": "create_component"}
    ok(client.post("/_emulator/jobs/plans", json=plan))
    job_id = create_component()["job_id"]

    def statuses_at(seconds: float) -> list[str]:
        clock.advance(seconds)
        tasks = ok(client.get(f"{CAS}/jobs/{job_id}"))["tasks"]
        return [task["task_status"] for task in tasks]

    assert statuses_at(0.5) == ["RUNNING", "SUBMITTED", "SUBMITTED"]
    assert statuses_at(1.0) == ["SUCCEEDED", "RUNNING", "SUBMITTED"]  # at 1.5 s
    assert statuses_at(7.6) == ["SUCCEEDED", "SUCCEEDED", "RUNNING"]  # at 9.1 s
    assert statuses_at(1.0) == ["SUCCEEDED"] * 3


@pytest.mark.parametrize("weights", [[], [1, 0, 1], [1, -2, 1]])
def test_task_weights_must_be_positive(client: httpx.Client, weights: list[int]) -> None:
    response = client.post("/_emulator/jobs/plans", json={"task_weights": weights})

    assert error_of(response, 400)[0] == "EMULATOR.0400"


def test_add_job_plan__invalid(client: httpx.Client) -> None:
    response = client.post("/_emulator/jobs/plans", json={"outcome": "EXPLODED"})

    code, message = error_of(response, 400)
    assert code == "EMULATOR.0400"
    assert message.startswith("control request invalid: outcome: Input should be")


def test_clear_job_plans(client: httpx.Client, emulator: Emulator) -> None:
    emulator.jobs.plan("HANG", count=3)

    response = client.delete("/_emulator/jobs/plans")

    assert response.status_code == 204
    assert ok(client.get("/_emulator/jobs/plans")) == {"plans": []}
