"""Application configuration: /v3/{project_id}/cas/applications/{id}/configuration (§4.2.6-8)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from emulator_support import CAS, error_of, ok


def configuration_path(application: dict[str, Any]) -> str:
    return f"{CAS}/applications/{application['id']}/configuration"


def modify(
    client: httpx.Client, application: dict[str, Any], environment_id: str, env: list[Any]
) -> httpx.Response:
    body = {"environment_id": environment_id, "configuration": {"env": env}}
    return client.put(configuration_path(application), json=body)


def test_modify_application_configuration(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any]
) -> None:
    env = [{"name": "app-env", "value": "env"}]

    modified = ok(modify(client, application, environment["id"], env))

    assert modified == {
        "application_id": application["id"],
        "environment_id": environment["id"],
        "configuration": {"env": env},
    }


def test_modify_application_configuration__environment_not_found(
    client: httpx.Client, application: dict[str, Any]
) -> None:
    response = modify(client, application, str(uuid.uuid4()), [])

    assert error_of(response, 404)[0] == "SVCSTG.00100411"


def test_modify_application_configuration__invalid_variable_name(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any]
) -> None:
    response = modify(client, application, environment["id"], [{"name": "9x", "value": "v"}])

    code, message = error_of(response, 400)
    assert code == "SVCSTG.00100400"
    assert message.startswith("parameter invalid: configuration.env[0].name: String should match")


def test_modify_application_configuration__repeated_variable(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any]
) -> None:
    env = [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]

    response = modify(client, application, environment["id"], env)

    assert error_of(response, 400) == (
        "SVCSTG.00100400",
        "parameter invalid: configuration.env: variable names must be unique, repeated: A",
    )


def test_show_application_configuration(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any]
) -> None:
    ok(modify(client, application, environment["id"], [{"name": "LOG_LEVEL", "value": "debug"}]))

    shown = ok(client.get(configuration_path(application)))

    assert shown == {
        "configuration": [
            {
                "application_id": application["id"],
                "environment_id": environment["id"],
                "configuration": {"env": [{"name": "LOG_LEVEL", "value": "debug"}]},
            }
        ]
    }


def test_show_application_configuration__filtered_by_environment(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any]
) -> None:
    ok(modify(client, application, environment["id"], [{"name": "A", "value": "1"}]))

    shown = ok(
        client.get(configuration_path(application), params={"environment_id": str(uuid.uuid4())})
    )

    assert shown == {"configuration": []}


def test_delete_application_configuration(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any]
) -> None:
    ok(modify(client, application, environment["id"], [{"name": "A", "value": "1"}]))

    response = client.delete(
        configuration_path(application), params={"environment_id": environment["id"]}
    )

    assert response.status_code == 204
    assert ok(client.get(configuration_path(application))) == {"configuration": []}


def test_delete_application_configuration__environment_id_required(
    client: httpx.Client, application: dict[str, Any]
) -> None:
    response = client.delete(configuration_path(application))

    assert error_of(response, 400) == (
        "SVCSTG.00100400",
        "parameter invalid: environment_id: query parameter required",
    )
