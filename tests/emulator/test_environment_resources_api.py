"""Managed resources of an environment: /v3/{project_id}/cas/environments/{id}/resources
(§4.1.6 modify, §4.1.8 query, and the list §4.1.5 shows)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from emulator_support import CAS, error_of, ok

from pulumi_servicestage.testing import VirtualClock

CCE = {"id": "fd92bfab-73b3-11ee-90f0-0255ac1001b3", "type": "cce", "name": "cce-prod"}
ELB = {"id": "d2917177-3436-4e53-a5bc-706c3529e0e7", "type": "elb", "name": "elb-pu6a"}


def resources_path(environment: dict[str, Any]) -> str:
    return f"{CAS}/environments/{environment['id']}/resources"


def modify(
    client: httpx.Client, environment: dict[str, Any], resources: list[Any]
) -> httpx.Response:
    return client.put(resources_path(environment), json={"resources": resources})


def test_modify_environment_resources(client: httpx.Client, environment: dict[str, Any]) -> None:
    modified = ok(modify(client, environment, [CCE, ELB]))

    assert modified == {"resources": [CCE, ELB]}
    assert ok(client.get(resources_path(environment))) == {"resources": [CCE, ELB]}


def test_modify_environment_resources__the_list_replaces_the_current_one(
    client: httpx.Client, environment: dict[str, Any]
) -> None:
    ok(modify(client, environment, [CCE, ELB]))

    ok(modify(client, environment, [ELB]))

    assert ok(client.get(resources_path(environment))) == {"resources": [ELB]}


def test_modify_environment_resources__empty_list_removes_all(
    client: httpx.Client, environment: dict[str, Any]
) -> None:
    ok(modify(client, environment, [CCE]))

    assert ok(modify(client, environment, [])) == {"resources": []}


def test_modify_environment_resources__name_left_out_keeps_the_known_one(
    client: httpx.Client, environment: dict[str, Any]
) -> None:
    ok(modify(client, environment, [CCE]))
    new_eip = {"id": "eip-1", "type": "eip"}

    modified = ok(modify(client, environment, [{"id": CCE["id"], "type": "cce"}, new_eip]))

    assert modified == {"resources": [CCE, {**new_eip, "name": None}]}


def test_modify_environment_resources__shown_with_the_environment(
    client: httpx.Client, environment: dict[str, Any], clock: VirtualClock
) -> None:
    clock.advance(5)

    ok(modify(client, environment, [ELB]))

    shown = ok(client.get(f"{CAS}/environments/{environment['id']}"))
    assert shown["resources"] == [ELB]
    assert shown["update_time"] == environment["create_time"] + 5000


def test_modify_environment_resources__listed_twice(
    client: httpx.Client, environment: dict[str, Any]
) -> None:
    response = modify(client, environment, [CCE, ELB, {**CCE, "name": "again"}])

    assert error_of(response, 400) == (
        "SVCSTG.00100400",
        f"parameter invalid: resources[2]: cce {CCE['id']} is listed twice",
    )
    assert ok(client.get(resources_path(environment))) == {"resources": []}


def test_modify_environment_resources__same_id_of_another_type_is_another_resource(
    client: httpx.Client, environment: dict[str, Any]
) -> None:
    cse = {"id": "default", "type": "cse", "name": "Cloud Service Engine"}
    nacos = {"id": "default", "type": "nacos", "name": "nacos"}

    assert ok(modify(client, environment, [cse, nacos])) == {"resources": [cse, nacos]}


def test_modify_environment_resources__compute_of_the_other_environment_type(
    client: httpx.Client, environment: dict[str, Any]
) -> None:
    response = modify(client, environment, [{"id": "ecs-1", "type": "ecs"}])

    assert error_of(response, 400) == (
        "SVCSTG.00100400",
        "parameter invalid: resources[0].type: ecs resources cannot be managed by the container "
        "environment dev-env",
    )


def test_modify_environment_resources__mixed_environment_takes_both_kinds(
    client: httpx.Client,
) -> None:
    mixed = ok(client.post(f"{CAS}/environments", json={"name": "mixed", "vpc_id": "vpc-1"}))
    both = [{"id": "ecs-1", "type": "ecs", "name": "vm"}, CCE]

    assert ok(modify(client, mixed, both)) == {"resources": both}


def test_modify_environment_resources__unknown_type(
    client: httpx.Client, environment: dict[str, Any]
) -> None:
    response = modify(client, environment, [{"id": "x", "type": "vpc"}])

    code, message = error_of(response, 400)
    assert code == "SVCSTG.00100400"
    assert message.startswith("parameter invalid: resources[0].type: Input should be 'eip'")


def test_modify_environment_resources__id_required(
    client: httpx.Client, environment: dict[str, Any]
) -> None:
    response = modify(client, environment, [{"type": "elb", "name": "lb"}])

    assert error_of(response, 400) == (
        "SVCSTG.00100400",
        "parameter invalid: resources[0].id: Field required",
    )


def test_modify_environment_resources__resources_required(
    client: httpx.Client, environment: dict[str, Any]
) -> None:
    response = client.put(resources_path(environment), json={})

    assert error_of(response, 400) == (
        "SVCSTG.00100400",
        "parameter invalid: resources: Field required",
    )


def test_modify_environment_resources__environment_not_found(client: httpx.Client) -> None:
    response = modify(client, {"id": str(uuid.uuid4())}, [ELB])

    assert error_of(response, 404)[0] == "SVCSTG.00100411"


def test_show_environment_resources__environment_not_found(client: httpx.Client) -> None:
    response = client.get(f"{CAS}/environments/{uuid.uuid4()}/resources")

    assert error_of(response, 404)[0] == "SVCSTG.00100411"
