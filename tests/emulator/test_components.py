"""Components: /v3/{project_id}/cas/.../components (reference §4.3.1, 4.3.3-4.3.7)."""

from __future__ import annotations

import uuid
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

from pulumi_servicestage.emulator import DEFAULT_PROJECT_ID, DEFAULT_REGION, DEFAULT_USER_NAME
from pulumi_servicestage.testing import VirtualClock


def test_create_component(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any]
) -> None:
    body = component_body(environment["id"])

    created = ok(client.post(components_path(application), json=body))

    assert set(created) == {"job_id", "component_id"}
    assert uuid.UUID(created["component_id"])
    assert created["job_id"].startswith("JOB")
    assert uuid.UUID(created["job_id"].removeprefix("JOB"))


def test_create_component__application_not_found(
    client: httpx.Client, environment: dict[str, Any]
) -> None:
    path = f"{CAS}/applications/{uuid.uuid4()}/components"

    response = client.post(path, json=component_body(environment["id"]))

    assert error_of(response, 404)[0] == "SVCSTG.00100403"


def test_create_component__environment_not_found(
    client: httpx.Client, application: dict[str, Any]
) -> None:
    response = client.post(components_path(application), json=component_body(str(uuid.uuid4())))

    assert error_of(response, 404)[0] == "SVCSTG.00100411"


def test_create_component__runtime_not_supported(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any]
) -> None:
    stack = {"name": "OpenJDK8", "type": "Java", "version": "9.9.9", "deploy_mode": "container"}
    body = component_body(environment["id"], runtime_stack=stack)

    code, message = error_of(client.post(components_path(application), json=body), 400)

    assert code == "SVCSTG.00100420"
    assert message.startswith("runtime not supported: OpenJDK8 9.9.9 (Java, container)")


def test_create_component__name_exists(
    client: httpx.Client,
    application: dict[str, Any],
    environment: dict[str, Any],
    create_component: CreateComponent,
) -> None:
    create_component(name="web")

    body = component_body(environment["id"], name="WEB")
    response = client.post(components_path(application), json=body)

    assert error_of(response, 409)[0] == "SVCSTG.00100413"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"version": "1.0"},
            "version: Value error, at most 32 characters matching ^([0-9]+)(.[0-9]+){2,3}$",
        ),
        ({"replica": "2"}, "replica: Input should be a valid integer"),
        ({"source": {"kind": "image"}}, "source: Value error, required when kind is package"),
        (
            {"labels": [{"key": "app", "value": "x"}]},
            "labels[0].key: Value error, on create, 1 to 36 digits, letters, _, - or Chinese "
            "characters, and not app, casid or version (004 表4-124)",
        ),
        ({"refer_resources": None}, "Value error, required to create a component (004 表4-123)"),
        ({"deploy_strategy": {"type": "RollingRelease"}}, "deploy_strategy: Value error"),
        ({"workload_kind": "cronjob"}, "workload_kind: Input should be"),
    ],
)
def test_create_component__invalid(
    client: httpx.Client,
    application: dict[str, Any],
    environment: dict[str, Any],
    overrides: dict[str, Any],
    message: str,
) -> None:
    body = component_body(environment["id"], **overrides)
    body = {key: value for key, value in body.items() if value is not None}

    code, error_msg = error_of(client.post(components_path(application), json=body), 400)

    assert code == "SVCSTG.00100400"
    assert error_msg.startswith(f"parameter invalid: {message}")


def test_create_component__without_environment(
    client: httpx.Client, application: dict[str, Any], clock: VirtualClock
) -> None:
    # 004 表4-123: environment_id is optional. The component belongs to no environment and
    # deploys onto its refer_resources.
    body = component_body("")
    del body["environment_id"]

    created = ok(client.post(components_path(application), json=body))
    clock.advance(JOB_SECONDS)

    shown = ok(client.get(f"{components_path(application)}/{created['component_id']}"))
    assert shown["environment_id"] is None
    assert shown["status"]["component_status"] == "RUNNING"
    variables = {variable["name"]: variable["value"] for variable in shown["envs"]}
    assert variables["CAS_ENVIRONMENT_ID"] == variables["CAS_ENVIRONMENT_NAME"] == ""
    listed = ok(client.get(components_path(application)))["components"][0]
    assert (listed["environment_id"], listed["environment_name"]) == (None, None)


def test_create_component__deploy_mode_mismatch(
    client: httpx.Client, application: dict[str, Any]
) -> None:
    vm_environment = ok(
        client.post(
            f"{CAS}/environments",
            json={"name": "vm-env", "vpc_id": "vpc-1", "deploy_mode": "virtualmachine"},
        )
    )

    body = component_body(vm_environment["id"])  # a container stack
    code, message = error_of(client.post(components_path(application), json=body), 400)

    assert code == "SVCSTG.00100400"
    assert "cannot be deployed in the virtualmachine environment vm-env" in message


def test_list_components_in_application(
    client: httpx.Client,
    application: dict[str, Any],
    environment: dict[str, Any],
    create_component: CreateComponent,
    clock: VirtualClock,
) -> None:
    created = create_component(name="web")
    clock.advance(1)
    create_component(name="api")

    listed = ok(
        client.get(components_path(application), params={"order_by": "name", "order": "asc"})
    )

    assert listed["count"] == 2
    assert [item["name"] for item in listed["components"]] == ["api", "web"]
    web = listed["components"][1]
    assert web == {
        "id": created["component_id"],
        "name": "web",
        "labels": [{"key": "com-key", "value": "com-value"}],
        "status": web["status"],
        "runtime_stack": component_body("")["runtime_stack"],
        "application_name": "shop",
        "application_id": application["id"],
        "environment_name": "dev-env",
        "environment_id": environment["id"],
        "version": "2023.1102.17105",
        "source": component_body("")["source"],
        "creator": DEFAULT_USER_NAME,
        "platform_type": "cce",
        "external_accesses": None,
    }
    assert web["status"]["component_status"] == "RUNNING"


def test_list_components_in_application__paginated(
    client: httpx.Client,
    application: dict[str, Any],
    create_component: CreateComponent,
    clock: VirtualClock,
) -> None:
    for name in ("c-1", "c-2", "c-3"):
        create_component(name=name)
        clock.advance(1)

    listed = ok(client.get(components_path(application), params={"limit": 1, "offset": 1}))

    assert listed["count"] == 3
    assert [item["name"] for item in listed["components"]] == ["c-2"]


def test_list_components(
    client: httpx.Client, environment: dict[str, Any], create_component: CreateComponent
) -> None:
    create_component(name="web")
    other = ok(client.post(f"{CAS}/applications", json={"name": "blog"}))
    ok(client.post(components_path(other), json=component_body(environment["id"], name="web")))

    everything = ok(client.get(f"{CAS}/components"))
    of_blog = ok(client.get(f"{CAS}/components", params={"application_name": "blog"}))
    named = ok(client.get(f"{CAS}/components", params={"component_name": "nope"}))

    assert everything["count"] == 2
    assert [item["application_name"] for item in of_blog["components"]] == ["blog"]
    assert named == {"components": [], "count": 0}


def test_show_component(
    client: httpx.Client,
    application: dict[str, Any],
    environment: dict[str, Any],
    running_component: dict[str, Any],
) -> None:
    shown = ok(client.get(running_component["path"]))

    body = component_body(environment["id"])
    expected_spec = {key: value for key, value in body.items() if key != "environment_id"}
    status = shown.pop("status")
    envs = shown.pop("envs")
    component_id = running_component["component_id"]
    workload = f"web-dev-env-{component_id.replace('-', '')[:6]}"
    assert shown == {
        **expected_spec,
        "id": component_id,
        "description": "",
        "application_id": application["id"],
        "environment_id": environment["id"],
        # 004 §4.3.7's example: a component that names no workload kind is a deployment.
        "workload_kind": "deployment",
        # 表4-226's workload_name: the instance name, as 004 §8.3's CAS_INSTANCE_NAME shows it.
        "workload_name": workload,
    }
    # 004 §8.3's example: the service's variables around the component's own (none here).
    assert [variable["name"] for variable in envs] == [
        "PAAS_PROJECT_ID",
        "CAS_APP_ID",
        "PAAS_CLUSTER_ID",
        "CAS_APPLICATION_ID",
        "CAS_INSTANCE_VERSION",
        "CAS_COMPONENT_ID",
        "CAS_INSTANCE_NAME",
        "CAS_COMPONENT_NAME",
        "PAAS_NAMESPACE",
        "PAAS_APP_NAME",
        "PAAS_PROJECT_NAME",
        "CAS_INSTANCE_ID",
        "CAS_ENVIRONMENT_NAME",
        "AOM_DISCOVERY_RULE_VERSION",
        "CAS_ENVIRONMENT_ID",
        "PAAS_REGION_NAME",
        "CAS_APPLICATION_NAME",
    ]
    assert all(set(variable) == {"name", "inner", "value"} for variable in envs)
    assert not any(variable["inner"] for variable in envs)
    values = {variable["name"]: variable["value"] for variable in envs}
    assert values == {
        "PAAS_PROJECT_ID": DEFAULT_PROJECT_ID,
        "CAS_APP_ID": component_id,
        "PAAS_CLUSTER_ID": body["refer_resources"][0]["id"],
        "CAS_APPLICATION_ID": application["id"],
        "CAS_INSTANCE_VERSION": body["version"],
        "CAS_COMPONENT_ID": values["CAS_COMPONENT_ID"],
        "CAS_INSTANCE_NAME": workload,
        "CAS_COMPONENT_NAME": "web",
        "PAAS_NAMESPACE": "default",
        "PAAS_APP_NAME": "web",
        "PAAS_PROJECT_NAME": DEFAULT_REGION,
        "CAS_INSTANCE_ID": component_id,
        "CAS_ENVIRONMENT_NAME": "dev-env",
        "AOM_DISCOVERY_RULE_VERSION": "V1",
        "CAS_ENVIRONMENT_ID": environment["id"],
        "PAAS_REGION_NAME": DEFAULT_REGION,
        "CAS_APPLICATION_NAME": "shop",
    }
    assert uuid.UUID(values["CAS_COMPONENT_ID"]) != uuid.UUID(component_id)
    assert status == {
        "component_status": "RUNNING",
        "available_replica": 2,
        "replica": 2,
        "fail_detail": None,
        "last_job_id": running_component["job_id"],
        "creator": DEFAULT_USER_NAME,
        "create_time": status["create_time"],
        "update_time": status["create_time"] + int(JOB_SECONDS * 1000),
        "artifact": {"type": "package", "url": "obs://bucket0001/weather-1.0.0.jar"},
    }


def test_show_component__echoes_nested_fields(
    client: httpx.Client, application: dict[str, Any], create_component: CreateComponent
) -> None:
    extras = {
        "tomcat_opts": {"server_xml": "", "http_port": 0},
        "affinity": {"az": ["cn-north-4a"], "node": [], "component": []},
        "liveness_probe": {"type": "http", "delay": 30, "timeout": 5, "port": 8080, "path": "/"},
        "deploy_strategy": {"type": "RollingRelease", "rolling_release": {"batches": 2}},
    }
    created = create_component(**extras)

    shown = ok(client.get(f"{components_path(application)}/{created['component_id']}"))

    assert {key: shown[key] for key in extras} == extras


def test_show_component__not_found(client: httpx.Client, application: dict[str, Any]) -> None:
    response = client.get(f"{components_path(application)}/{uuid.uuid4()}")

    assert error_of(response, 404)[0] == "SVCSTG.00100404"


def test_show_component__in_another_application(
    client: httpx.Client, running_component: dict[str, Any]
) -> None:
    other = ok(client.post(f"{CAS}/applications", json={"name": "blog"}))

    response = client.get(f"{components_path(other)}/{running_component['component_id']}")

    assert error_of(response, 404)[0] == "SVCSTG.00100404"


def test_modify_component(
    client: httpx.Client,
    environment: dict[str, Any],
    running_component: dict[str, Any],
    clock: VirtualClock,
) -> None:
    body = component_body(environment["id"], version="2023.1102.17106", description="v2")
    del body["environment_id"], body["refer_resources"]

    modified = ok(client.put(running_component["path"], json=body))

    assert set(modified) == {"job_id"}
    during = ok(client.get(running_component["path"]))
    assert during["version"] == "2023.1102.17106"
    assert during["refer_resources"] == component_body("")["refer_resources"], "kept when omitted"
    assert during["status"]["component_status"] == "UPGRADING"
    assert during["status"]["last_job_id"] == modified["job_id"]
    clock.advance(JOB_SECONDS)
    assert ok(client.get(running_component["path"]))["status"]["component_status"] == "RUNNING"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "other"}, "name"),
        (
            {
                "runtime_stack": {
                    "name": "OpenJDK11",
                    "type": "Java",
                    "version": "1.3.7",
                    "deploy_mode": "container",
                }
            },
            "runtime_stack",
        ),
    ],
)
def test_modify_component__fixed_field(
    client: httpx.Client,
    environment: dict[str, Any],
    running_component: dict[str, Any],
    overrides: dict[str, Any],
    field: str,
) -> None:
    body = component_body(environment["id"], **overrides)

    response = client.put(running_component["path"], json=body)

    assert error_of(response, 400) == (
        "SVCSTG.00100400",
        f"parameter invalid: {field}: cannot be modified (003 Table 3)",
    )


def test_modify_component__environment_id_is_not_a_modify_field(
    client: httpx.Client, environment: dict[str, Any], running_component: dict[str, Any]
) -> None:
    # 003 Table 3 and 004 表4-188 have no environment_id: one sent with a modify is ignored.
    body = component_body("another-environment", version="2023.1102.17106")

    ok(client.put(running_component["path"], json=body))

    assert ok(client.get(running_component["path"]))["environment_id"] == environment["id"]


def test_modify_component__replica(
    client: httpx.Client, environment: dict[str, Any], running_component: dict[str, Any]
) -> None:
    response = client.put(
        running_component["path"], json=component_body(environment["id"], replica=3)
    )

    code, message = error_of(response, 400)
    assert (code, message) == (
        "SVCSTG.00100400",
        "parameter invalid: replica: changes only by scaling (component task scale) "
        "(003 Table 3; 004 表4-188)",
    )


def test_modify_component__while_job_runs(
    client: httpx.Client,
    application: dict[str, Any],
    environment: dict[str, Any],
    create_component: CreateComponent,
) -> None:
    created = create_component()

    response = client.put(
        f"{components_path(application)}/{created['component_id']}",
        json=component_body(environment["id"]),
    )

    code, message = error_of(response, 409)
    assert code == "SVCSTG.00100419"
    assert message == (
        "can not operate in current status: "
        f"component web is INITIALIZING (job {created['job_id']})"
    )


def test_modify_component__not_found(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any]
) -> None:
    response = client.put(
        f"{components_path(application)}/{uuid.uuid4()}", json=component_body(environment["id"])
    )

    assert error_of(response, 404)[0] == "SVCSTG.00100404"


def test_delete_component(
    client: httpx.Client, running_component: dict[str, Any], clock: VirtualClock
) -> None:
    response = client.delete(running_component["path"])

    # 004 §4.3.6: 200 with no response body; the job shows in the component's status.
    assert (response.status_code, response.content) == (200, b"")
    status = ok(client.get(running_component["path"]))["status"]
    assert status["component_status"] == "DELETING"
    assert status["last_job_id"].startswith("JOB")
    clock.advance(JOB_SECONDS)
    assert error_of(client.get(running_component["path"]), 404)[0] == "SVCSTG.00100404"


def test_delete_component__while_job_runs(
    client: httpx.Client, running_component: dict[str, Any]
) -> None:
    ok(client.delete(running_component["path"]))

    response = client.delete(running_component["path"])

    assert error_of(response, 409)[0] == "SVCSTG.00100419"


def test_delete_component__not_found(client: httpx.Client, application: dict[str, Any]) -> None:
    response = client.delete(f"{components_path(application)}/{uuid.uuid4()}")

    assert error_of(response, 404)[0] == "SVCSTG.00100404"
