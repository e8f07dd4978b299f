"""Plugins: /v3/{project_id}/cas/environments/{environment_id}/addons (reference §4.7) and the
jobs that install, restart, redeploy and remove them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from emulator_support import CAS, JOB_SECONDS, error_of, ok

from pulumi_servicestage.emulator import Emulator
from pulumi_servicestage.emulator.jobs import JobOperation
from pulumi_servicestage.emulator.servicestage.plugins.backend import PluginBackend
from pulumi_servicestage.testing import VirtualClock

CCE_ID = "02f9a523-cefe-11ee-afc1-0255ac100045"
CSE_ID = "b4e49ad5-5142-437d-8a6b-1de66b1af0db"
SERMANT = {"name": "sermantInjector", "cse_id": CSE_ID, "cce_id": CCE_ID}


def addons(environment: dict[str, Any]) -> str:
    return f"{CAS}/environments/{environment['id']}/addons"


def manage(client: httpx.Client, environment: dict[str, Any], *resources: dict[str, str]) -> None:
    ok(
        client.put(
            f"{CAS}/environments/{environment['id']}/resources",
            json={"resources": list(resources)},
        )
    )


@pytest.fixture(autouse=True)
def cluster_and_engine(client: httpx.Client, environment: dict[str, Any]) -> None:
    """The environment manages the CCE cluster and the engine the plugin is installed with."""
    manage(client, environment, {"id": CCE_ID, "type": "cce"}, {"id": CSE_ID, "type": "cse"})


def show_job(client: httpx.Client, job_id: str) -> dict[str, Any]:
    result: dict[str, Any] = ok(client.get(f"{CAS}/jobs/{job_id}"))
    return result


@pytest.fixture
def installed(
    client: httpx.Client, environment: dict[str, Any], clock: VirtualClock
) -> dict[str, Any]:
    """A sermantInjector plugin whose install job has succeeded."""
    created: dict[str, Any] = ok(client.post(addons(environment), json=SERMANT))
    clock.advance(JOB_SECONDS)
    return created


def test_create_plugin(
    client: httpx.Client, environment: dict[str, Any], clock: VirtualClock
) -> None:
    created = ok(client.post(addons(environment), json=SERMANT))
    installing = ok(client.get(f"{addons(environment)}/{created['id']}"))
    job = show_job(client, created["job_id"])
    clock.advance(JOB_SECONDS)
    installed = ok(client.get(f"{addons(environment)}/{created['id']}"))

    assert set(created) == {"job_id", "id"}
    assert uuid.UUID(created["id"])
    assert created["job_id"].startswith("JOB")
    assert installing["status"] == "INITIALIZING"
    assert job["job"]["job_type"] == "PROVISION"
    assert [task["task_name"] for task in job["tasks"]] == [
        "CCEAPP_CONTEXT_PREPARE_01",
        "CCEAPP_INSTALL_002",
        "CCEAPP_HEALTH_CHECK_003",
    ]
    assert installed == {
        "status": "SUCCEEDED",
        "id": created["id"],
        "name": "sermantInjector",
        "version": "1.3.1.0",
        "cce_id": CCE_ID,
        "cse_id": CSE_ID,
        "job_id": created["job_id"],
        "environment_id": environment["id"],
    }


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"cce_id": CCE_ID}, "name: Field required"),
        ({"name": "sermantInjector", "cse_id": CSE_ID}, "cce_id: Field required"),
        ({"name": "sermantInjector", "cce_id": CCE_ID}, "cse_id: required for the sermantInjector"),
        ({"name": "istio", "cce_id": CCE_ID}, "unknown plugin 'istio', the environment offers"),
        ({**SERMANT, "cce_id": 7}, "cce_id: Input should be a valid string"),
    ],
)
def test_create_plugin__invalid_body(
    client: httpx.Client, environment: dict[str, Any], body: dict[str, Any], detail: str
) -> None:
    code, message = error_of(client.post(addons(environment), json=body), 400)

    assert code == "SVCSTG.00100400"
    assert detail in message


@pytest.mark.parametrize(
    ("managed", "detail"),
    [
        ([{"id": CSE_ID, "type": "cse"}], f"cce_id: {CCE_ID} is not a cce resource of environment"),
        ([{"id": CCE_ID, "type": "cce"}], f"cse_id: {CSE_ID} is not a cse resource of environment"),
        ([{"id": CCE_ID, "type": "elb"}, {"id": CSE_ID, "type": "cse"}], "cce_id"),
    ],
)
def test_create_plugin__cluster_and_engine_must_be_the_environment_s(
    client: httpx.Client, environment: dict[str, Any], managed: list[dict[str, str]], detail: str
) -> None:
    manage(client, environment, *managed)

    code, message = error_of(client.post(addons(environment), json=SERMANT), 400)

    assert code == "SVCSTG.00100400"
    assert detail in message


def test_create_plugin__once_per_environment(
    client: httpx.Client, environment: dict[str, Any], installed: dict[str, Any]
) -> None:
    code, _ = error_of(client.post(addons(environment), json=SERMANT), 409)

    assert code == "SVCSTG.00100413"


def test_create_plugin__unknown_environment(client: httpx.Client) -> None:
    code, _ = error_of(client.post(addons({"id": "no-such-env"}), json=SERMANT), 404)

    assert code == "SVCSTG.00100411"


def test_list_plugins(
    client: httpx.Client, environment: dict[str, Any], installed: dict[str, Any]
) -> None:
    other = ok(
        client.post(
            f"{CAS}/environments",
            json={"name": "other", "vpc_id": "vpc-1", "deploy_mode": "container"},
        )
    )

    listed = ok(client.get(addons(environment)))
    empty = ok(client.get(addons(other)))

    assert [addon["id"] for addon in listed["addons"]] == [installed["id"]]
    assert listed["addons"][0]["status"] == "SUCCEEDED"
    assert empty == {"addons": []}


def test_list_plugin_metadata(client: httpx.Client, environment: dict[str, Any]) -> None:
    metadata = ok(client.get(f"{CAS}/environments/{environment['id']}/addons-metadata"))

    assert metadata == {"addons": [{"name": "sermantInjector", "latest_version": "1.3.1.0"}]}


def test_show_plugin__not_found(client: httpx.Client, environment: dict[str, Any]) -> None:
    code, message = error_of(client.get(f"{addons(environment)}/no-such-plugin"), 404)

    assert code == "SVCSTG.00100412"
    assert "no-such-plugin" in message


def test_show_plugin__of_another_environment_is_not_found(
    client: httpx.Client, installed: dict[str, Any]
) -> None:
    other = ok(
        client.post(
            f"{CAS}/environments",
            json={"name": "other", "vpc_id": "vpc-1", "deploy_mode": "container"},
        )
    )

    error_of(client.get(f"{addons(other)}/{installed['id']}"), 404)


@pytest.mark.parametrize(
    ("action", "task"), [("restart", "CCEAPP_RESTART_002"), ("redeploy", "CCEAPP_REDEPLOY_002")]
)
def test_plugin_action(
    client: httpx.Client,
    environment: dict[str, Any],
    installed: dict[str, Any],
    clock: VirtualClock,
    action: str,
    task: str,
) -> None:
    path = f"{addons(environment)}/{installed['id']}"

    answer = ok(client.post(f"{path}/action", json={"action": action}))
    working = ok(client.get(path))
    job = show_job(client, answer["job_id"])
    clock.advance(JOB_SECONDS)
    done = ok(client.get(path))

    assert set(answer) == {"job_id"}
    assert working["status"] == "UPGRADING"
    assert working["job_id"] == answer["job_id"]
    assert job["tasks"][1]["task_name"] == task
    assert done["status"] == "SUCCEEDED"


def test_plugin_action__unknown_action(
    client: httpx.Client, environment: dict[str, Any], installed: dict[str, Any]
) -> None:
    path = f"{addons(environment)}/{installed['id']}/action"

    code, message = error_of(client.post(path, json={"action": "upgrade"}), 400)

    assert code == "SVCSTG.00100400"
    assert "action: must be one of restart, redeploy" in message


def test_plugin_action__refused_while_a_job_runs(
    client: httpx.Client, environment: dict[str, Any]
) -> None:
    created = ok(client.post(addons(environment), json=SERMANT))
    path = f"{addons(environment)}/{created['id']}"

    code, message = error_of(client.post(f"{path}/action", json={"action": "restart"}), 409)
    delete_code, _ = error_of(client.delete(path), 409)

    assert code == delete_code == "SVCSTG.00100419"
    assert "INITIALIZING" in message


def test_delete_plugin(
    client: httpx.Client,
    environment: dict[str, Any],
    installed: dict[str, Any],
    clock: VirtualClock,
) -> None:
    path = f"{addons(environment)}/{installed['id']}"

    answer = ok(client.delete(path))
    deleting = ok(client.get(path))
    job = show_job(client, answer["job_id"])
    clock.advance(JOB_SECONDS)

    assert set(answer) == {"job_id"}
    assert deleting["status"] == "DELETING"
    assert job["job"]["job_type"] == "DEPROVISION"
    error_of(client.get(path), 404)
    assert ok(client.get(addons(environment))) == {"addons": []}


def test_planned_failure_of_the_install_job_leaves_a_failed_plugin_that_can_be_deleted(
    emulator: Emulator, client: httpx.Client, environment: dict[str, Any], clock: VirtualClock
) -> None:
    emulator.jobs.plan("FAILED", operation="create_plugin", message="webhook not ready")
    created = ok(client.post(addons(environment), json=SERMANT))
    path = f"{addons(environment)}/{created['id']}"
    clock.advance(JOB_SECONDS)

    failed = ok(client.get(path))
    job = show_job(client, created["job_id"])
    ok(client.delete(path))
    clock.advance(JOB_SECONDS)

    assert failed["status"] == "FAILED"
    assert job["job"]["execution_status"] == "FAILED"
    assert job["tasks"][1]["messages"] == "webhook not ready"
    error_of(client.get(path), 404)


def test_planned_hang_keeps_the_plugin_busy(
    emulator: Emulator, client: httpx.Client, environment: dict[str, Any], clock: VirtualClock
) -> None:
    emulator.jobs.plan("HANG", operation=JobOperation.CREATE_PLUGIN)
    created = ok(client.post(addons(environment), json=SERMANT))
    clock.advance(JOB_SECONDS * 10)

    assert show_job(client, created["job_id"])["job"]["execution_status"] == "RUNNING"
    error_of(client.delete(f"{addons(environment)}/{created['id']}"), 409)


def test_failed_delete_job_keeps_the_plugin(
    emulator: Emulator,
    client: httpx.Client,
    environment: dict[str, Any],
    installed: dict[str, Any],
    clock: VirtualClock,
) -> None:
    emulator.jobs.plan("FAILED", operation="delete_plugin")
    path = f"{addons(environment)}/{installed['id']}"
    ok(client.delete(path))
    clock.advance(JOB_SECONDS)

    assert ok(client.get(path))["status"] == "FAILED"


def test_reset_forgets_the_plugins(
    emulator: Emulator, environment: dict[str, Any], installed: dict[str, Any]
) -> None:
    plugins = emulator.area(PluginBackend)
    assert [plugin.id for plugin in plugins.list_plugins(environment["id"])] == [installed["id"]]

    plugins.reset()

    assert plugins.list_plugins(environment["id"]) == []
