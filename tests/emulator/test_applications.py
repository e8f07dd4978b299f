"""Applications: POST/GET/PUT/DELETE /v3/{project_id}/cas/applications (reference §4.2.1-4.2.5)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from emulator_support import CAS, CreateComponent, error_of, ok

from pulumi_servicestage.emulator import DEFAULT_PROJECT_ID, DEFAULT_USER_NAME
from pulumi_servicestage.testing import VirtualClock


def test_create_application(client: httpx.Client) -> None:
    body = {"name": "app-xpmtii", "description": "test", "labels": [{"key": "key", "value": "var"}]}

    application = ok(client.post(f"{CAS}/applications", json=body))

    assert uuid.UUID(application["id"])
    assert application == {
        "id": application["id"],
        "name": "app-xpmtii",
        "description": "test",
        "creator": DEFAULT_USER_NAME,
        "project_id": DEFAULT_PROJECT_ID,
        "enterprise_project_id": "0",
        "create_time": application["create_time"],
        "update_time": application["create_time"],
        "labels": [{"key": "key", "value": "var"}],
    }


def test_create_application__invalid_label(client: httpx.Client) -> None:
    body = {"name": "shop", "labels": [{"key": "owner", "value": "x"}]}

    code, message = error_of(client.post(f"{CAS}/applications", json=body), 400)

    assert code == "SVCSTG.00100400"
    assert message.startswith("parameter invalid: labels[0].value: String should match pattern")


def test_create_application__name_too_long(client: httpx.Client) -> None:
    response = client.post(f"{CAS}/applications", json={"name": "a" * 65})

    assert error_of(response, 400)[0] == "SVCSTG.00100400"


def test_create_application__name_exists(client: httpx.Client, application: dict[str, Any]) -> None:
    response = client.post(f"{CAS}/applications", json={"name": application["name"]})

    assert error_of(response, 409) == (
        "SVCSTG.00100413",
        "instance name exists: application shop already exists",
    )


def test_list_applications(
    client: httpx.Client, clock: VirtualClock, create_component: CreateComponent
) -> None:
    create_component()  # in the fixture's application "shop"
    clock.advance(1)
    ok(client.post(f"{CAS}/applications", json={"name": "blog"}))

    listed = ok(client.get(f"{CAS}/applications", params={"order": "asc"}))

    assert listed["count"] == 2
    assert [(item["name"], item["component_count"]) for item in listed["applications"]] == [
        ("shop", 1),
        ("blog", 0),
    ]


def test_list_applications__paginated(client: httpx.Client, clock: VirtualClock) -> None:
    for index in range(4):
        ok(client.post(f"{CAS}/applications", json={"name": f"app-{index}"}))
        clock.advance(1)

    listed = ok(client.get(f"{CAS}/applications", params={"limit": 3, "offset": 3}))

    assert listed["count"] == 4
    assert [item["name"] for item in listed["applications"]] == ["app-0"]


def test_show_application(client: httpx.Client, application: dict[str, Any]) -> None:
    shown = ok(client.get(f"{CAS}/applications/{application['id']}"))

    assert shown == {**application, "component_count": 0}


def test_show_application__not_found(client: httpx.Client) -> None:
    response = client.get(f"{CAS}/applications/{uuid.uuid4()}")

    assert error_of(response, 404)[0] == "SVCSTG.00100403"


def test_modify_application(
    client: httpx.Client, application: dict[str, Any], clock: VirtualClock
) -> None:
    clock.advance(2)

    modified = ok(
        client.put(
            f"{CAS}/applications/{application['id']}",
            json={"name": "app-xpmtii2", "description": "test2"},
        )
    )

    assert modified["name"] == "app-xpmtii2"
    assert modified["description"] == "test2"
    assert modified["labels"] == application["labels"]
    assert modified["update_time"] == application["create_time"] + 2000
    assert modified["component_count"] == 0


def test_modify_application__not_found(client: httpx.Client) -> None:
    response = client.put(f"{CAS}/applications/{uuid.uuid4()}", json={"description": "x"})

    assert error_of(response, 404)[0] == "SVCSTG.00100403"


def test_delete_application(client: httpx.Client, application: dict[str, Any]) -> None:
    response = client.delete(f"{CAS}/applications/{application['id']}")

    assert response.status_code == 204
    assert client.get(f"{CAS}/applications/{application['id']}").status_code == 404


def test_delete_application__not_empty(
    client: httpx.Client, application: dict[str, Any], create_component: CreateComponent
) -> None:
    create_component()

    response = client.delete(f"{CAS}/applications/{application['id']}")

    assert error_of(response, 409) == (
        "SVCSTG.00100401",
        "application not empty: delete its components first: web",
    )
