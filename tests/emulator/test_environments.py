"""Environments: POST/GET/PUT/DELETE /v3/{project_id}/cas/environments (reference §4.1)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from emulator_support import CAS, CreateComponent, error_of, ok

from pulumi_servicestage.emulator import DEFAULT_PROJECT_ID, DEFAULT_USER_NAME
from pulumi_servicestage.testing import VirtualClock

VPC_ID = "0c72428b-cd6c-4283-a560-210d3edb49f7"


def create(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post(f"{CAS}/environments", json={"vpc_id": VPC_ID, **body})


def test_create_environment(client: httpx.Client) -> None:
    response = create(
        client,
        name="env-test",
        description="first",
        deploy_mode="virtualmachine",
        labels=[{"key": "aaaaa", "value": "a5"}],
    )

    environment = ok(response)
    assert uuid.UUID(environment["id"])
    assert environment == {
        "id": environment["id"],
        "name": "env-test",
        "description": "first",
        "project_id": DEFAULT_PROJECT_ID,
        "enterprise_project_id": "0",
        "deploy_mode": "virtualmachine",
        "vpc_id": VPC_ID,
        "creator": DEFAULT_USER_NAME,
        "create_time": environment["create_time"],
        "update_time": environment["create_time"],
        "labels": [{"key": "aaaaa", "value": "a5"}],
    }
    assert environment["create_time"] > 1_600_000_000_000, "epoch milliseconds"


def test_create_environment__defaults(client: httpx.Client) -> None:
    environment = ok(create(client, name="env-test"))

    assert environment["deploy_mode"] == "mixed"
    assert environment["description"] == ""
    assert environment["labels"] == []


def test_create_environment__invalid_name(client: httpx.Client) -> None:
    code, message = error_of(create(client, name="9lives"), 400)

    assert code == "SVCSTG.00100400"
    assert message.startswith("parameter invalid: name: String should match pattern")


def test_create_environment__missing_vpc_id(client: httpx.Client) -> None:
    code, message = error_of(client.post(f"{CAS}/environments", json={"name": "dev"}), 400)

    assert (code, message) == ("SVCSTG.00100400", "parameter invalid: vpc_id: Field required")


def test_create_environment__invalid_deploy_mode(client: httpx.Client) -> None:
    code, message = error_of(create(client, name="dev", deploy_mode="kubernetes"), 400)

    assert code == "SVCSTG.00100400"
    assert "deploy_mode" in message


def test_create_environment__too_many_labels(client: httpx.Client) -> None:
    labels = [{"key": f"k{index}", "value": "vv"} for index in range(21)]

    code, message = error_of(create(client, name="dev", labels=labels), 400)

    assert code == "SVCSTG.00100400"
    assert message.startswith("parameter invalid: labels: List should have at most 20 items")


def test_create_environment__wrong_type(client: httpx.Client) -> None:
    code, message = error_of(create(client, name="dev", description=5), 400)

    assert (code, message) == (
        "SVCSTG.00100400",
        "parameter invalid: description: Input should be a valid string",
    )


def test_create_environment__malformed_json(client: httpx.Client) -> None:
    response = client.post(f"{CAS}/environments", content=b'{"name": ')

    assert error_of(response, 400) == (
        "SVCSTG.00100400",
        "parameter invalid: request body is not valid JSON",
    )


def test_create_environment__name_used(client: httpx.Client) -> None:
    ok(create(client, name="dev-env"))

    # Environment names do not depend on case (§4.1.1).
    code, message = error_of(create(client, name="DEV-env"), 400)

    assert (code, message) == ("SVCSTG.00100449", "environment name is already used: DEV-env")


def test_list_environments(client: httpx.Client, clock: VirtualClock) -> None:
    for name in ("beta", "alpha", "gamma"):
        ok(create(client, name=name))
        clock.advance(1)

    listed = ok(client.get(f"{CAS}/environments"))

    assert listed["count"] == 3
    # Newest first by default.
    assert [item["name"] for item in listed["environments"]] == ["gamma", "alpha", "beta"]
    assert "resources" not in listed["environments"][0]


def test_list_environments__paginated(client: httpx.Client, clock: VirtualClock) -> None:
    for index in range(5):
        ok(create(client, name=f"env-{index}"))
        clock.advance(1)

    listed = ok(client.get(f"{CAS}/environments", params={"limit": 2, "offset": 1}))

    assert listed["count"] == 5
    assert [item["name"] for item in listed["environments"]] == ["env-3", "env-2"]


def test_list_environments__ordered_by_name(client: httpx.Client) -> None:
    for name in ("beta", "alpha", "gamma"):
        ok(create(client, name=name))

    listed = ok(client.get(f"{CAS}/environments", params={"order_by": "name", "order": "asc"}))

    assert [item["name"] for item in listed["environments"]] == ["alpha", "beta", "gamma"]


def test_list_environments__filtered_by_name(client: httpx.Client) -> None:
    for name in ("beta", "alpha"):
        ok(create(client, name=name))

    listed = ok(client.get(f"{CAS}/environments", params={"name": "alpha"}))

    assert listed["count"] == 1
    assert listed["environments"][0]["name"] == "alpha"


def test_list_environments__limit_out_of_range(client: httpx.Client) -> None:
    response = client.get(f"{CAS}/environments", params={"limit": 101})

    assert error_of(response, 400) == (
        "SVCSTG.00100400",
        "parameter invalid: limit: must be an integer from 0 to 100",
    )


def test_show_environment(client: httpx.Client, environment: dict[str, Any]) -> None:
    shown = ok(client.get(f"{CAS}/environments/{environment['id']}"))

    assert shown == {**environment, "resources": []}


def test_show_environment__not_found(client: httpx.Client) -> None:
    response = client.get(f"{CAS}/environments/{uuid.uuid4()}")

    assert error_of(response, 404)[0] == "SVCSTG.00100411"


def test_modify_environment(
    client: httpx.Client, environment: dict[str, Any], clock: VirtualClock
) -> None:
    clock.advance(1)
    body = {
        "name": "development-env",
        "description": "",
        "labels": [{"key": "test", "value": "value"}],
    }

    modified = ok(client.put(f"{CAS}/environments/{environment['id']}", json=body))

    assert modified["name"] == "development-env"
    assert modified["labels"] == [{"key": "test", "value": "value"}]
    assert modified["vpc_id"] == environment["vpc_id"]
    assert modified["resources"] == []
    assert modified["update_time"] == environment["create_time"] + 1000
    assert ok(client.get(f"{CAS}/environments/{environment['id']}"))["name"] == "development-env"


def test_modify_environment__vpc_id_is_fixed(
    client: httpx.Client, environment: dict[str, Any]
) -> None:
    body = {"name": "dev-env", "vpc_id": "another-vpc"}

    response = client.put(f"{CAS}/environments/{environment['id']}", json=body)

    assert error_of(response, 400) == (
        "SVCSTG.00100400",
        "parameter invalid: vpc_id: cannot be modified",
    )


def test_modify_environment__name_used(client: httpx.Client, environment: dict[str, Any]) -> None:
    ok(create(client, name="prod-env"))

    response = client.put(f"{CAS}/environments/{environment['id']}", json={"name": "prod-env"})

    assert error_of(response, 400)[0] == "SVCSTG.00100449"


def test_modify_environment__name_required(
    client: httpx.Client, environment: dict[str, Any]
) -> None:
    response = client.put(f"{CAS}/environments/{environment['id']}", json={"description": "x"})

    assert error_of(response, 400) == ("SVCSTG.00100400", "parameter invalid: name: Field required")


def test_delete_environment(client: httpx.Client, environment: dict[str, Any]) -> None:
    response = client.delete(f"{CAS}/environments/{environment['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"{CAS}/environments/{environment['id']}").status_code == 404


def test_delete_environment__in_use(
    client: httpx.Client, environment: dict[str, Any], create_component: CreateComponent
) -> None:
    create_component()

    response = client.delete(f"{CAS}/environments/{environment['id']}")

    assert error_of(response, 409)[0] == "SVCSTG.00100426"


def test_delete_environment__not_found(client: httpx.Client) -> None:
    response = client.delete(f"{CAS}/environments/{uuid.uuid4()}")

    assert error_of(response, 404)[0] == "SVCSTG.00100411"


def test_show_environment_resources(client: httpx.Client, environment: dict[str, Any]) -> None:
    shown = ok(client.get(f"{CAS}/environments/{environment['id']}/resources"))

    assert shown == {"resources": []}
