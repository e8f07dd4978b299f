"""Custom runtime stacks and built-in images (reference §4.4.2 to §4.4.7), and how custom stacks
join the list of §4.4.1 and become usable by components once released."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from emulator_support import CAS, component_body, components_path, error_of, ok
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkservicestage.v3 import ServiceStageClient, ShowRuntimeStacksRequest

from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_KEY,
    DEFAULT_USER_NAME,
    Emulator,
)
from pulumi_servicestage.emulator.servicestage.runtime_stacks.backend import RuntimeStackBackend
from pulumi_servicestage.testing import VirtualClock

STACKS = f"{CAS}/runtimestacks"
JDK_URL = "obs://bucket/bisheng-jdk-8u412-linux-aarch64.tar.gz"


def stack_body(**overrides: Any) -> dict[str, Any]:
    """The request example of §4.4.3."""
    body: dict[str, Any] = {
        "name": "CustomJdk",
        "deploy_mode": "virtualmachine",
        "type": "Java",
        "version": "1.0.0",
        "description": "bisheng JDK",
        "spec": {"parameters": {"jdk_url": JDK_URL}},
    }
    body.update(overrides)
    return body


def release(client: httpx.Client, action: str, *stack_ids: str) -> httpx.Response:
    body = {"action": action, "parameters": {"runtimestacks": [{"id": i} for i in stack_ids]}}
    return client.post(f"{STACKS}/action", json=body)


@pytest.fixture
def custom_stack(client: httpx.Client) -> dict[str, Any]:
    created: dict[str, Any] = ok(client.post(STACKS, json=stack_body()))
    return created


def built_in_stack_id(client: httpx.Client) -> str:
    listed = ok(client.get(STACKS))["runtime_stacks"]
    return str(next(stack["id"] for stack in listed if stack["system"] == 1))


def test_create_runtime_stack(client: httpx.Client) -> None:
    created = ok(client.post(STACKS, json=stack_body()))

    assert uuid.UUID(created["id"])
    assert created == {
        "id": created["id"],
        "name": "CustomJdk",
        "project_id": DEFAULT_PROJECT_ID,
        "deploy_mode": "virtualmachine",
        "type": "Java",
        "version": "1.0.0",
        "description": "bisheng JDK",
        "spec": {"os": None, "sdk": None, "parameters": {"jdk_url": JDK_URL}},
        "system": 0,
        "status": "Disable",
        "creator": DEFAULT_USER_NAME,
        "create_time": created["create_time"],
        "update_time": created["create_time"],
        "component_count": 0,
    }


def test_create_runtime_stack__minimal_body_shows_empty_optionals(client: httpx.Client) -> None:
    body = {"name": "tomcat9", "deploy_mode": "virtualmachine", "type": "Tomcat", "version": "9"}

    created = ok(client.post(STACKS, json=body))

    assert created["description"] is None
    assert created["spec"] == {"os": None, "sdk": None, "parameters": None}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"deploy_mode": "container"}, "deploy_mode"),
        ({"type": "Nodejs"}, "type"),
        # 004 表4-291 gives name no length rule: only its type is checked.
        ({"name": 7}, "name"),
        ({"version": 1}, "version"),
        ({"spec": {"parameters": {"jdk_url": 8}}}, "spec.parameters.jdk_url"),
    ],
)
def test_create_runtime_stack__invalid_body_names_the_field(
    client: httpx.Client, overrides: dict[str, Any], field: str
) -> None:
    code, message = error_of(client.post(STACKS, json=stack_body(**overrides)), 400)

    assert code == "SVCSTG.00100400"
    assert message.startswith(f"parameter invalid: {field}:")


def test_create_runtime_stack__missing_field(client: httpx.Client) -> None:
    body = stack_body()
    del body["version"]

    assert error_of(client.post(STACKS, json=body), 400) == (
        "SVCSTG.00100400",
        "parameter invalid: version: Field required",
    )


@pytest.mark.parametrize("name", ["CustomJdk", "OpenJDK8"])
def test_create_runtime_stack__name_taken(
    client: httpx.Client, custom_stack: dict[str, Any], name: str
) -> None:
    code, message = error_of(client.post(STACKS, json=stack_body(name=name)), 409)

    assert code == "SVCSTG.00100413"
    assert name in message


def test_create_runtime_stack__needs_credentials(anonymous: httpx.Client) -> None:
    assert anonymous.post(STACKS, json=stack_body()).status_code == 401


def test_show_runtime_stack(client: httpx.Client, custom_stack: dict[str, Any]) -> None:
    shown = ok(client.get(f"{STACKS}/{custom_stack['id']}"))

    assert shown == custom_stack


def test_show_runtime_stack__built_in(client: httpx.Client) -> None:
    stack_id = built_in_stack_id(client)

    shown = ok(client.get(f"{STACKS}/{stack_id}"))

    assert (shown["id"], shown["system"], shown["status"]) == (stack_id, 1, "Supported")


def test_show_runtime_stack__unknown(client: httpx.Client) -> None:
    code, message = error_of(client.get(f"{STACKS}/no-such-stack"), 404)

    assert (code, message) == ("SVCSTG.00100412", "instance not found: runtime stack no-such-stack")


def test_modify_runtime_stack(
    client: httpx.Client, clock: VirtualClock, custom_stack: dict[str, Any]
) -> None:
    clock.advance(5)
    body = stack_body(name="CustomJdk2", version="1.0.1", spec={"sdk": "bisheng-8u412"})
    del body["description"]

    modified = ok(client.put(f"{STACKS}/{custom_stack['id']}", json=body))

    assert modified == {
        **custom_stack,
        "name": "CustomJdk2",
        "version": "1.0.1",
        "description": None,  # the body is complete: what it leaves out is cleared
        "spec": {"os": None, "sdk": "bisheng-8u412", "parameters": None},
        "update_time": custom_stack["create_time"] + 5000,
    }
    assert ok(client.get(f"{STACKS}/{custom_stack['id']}")) == modified


def test_modify_runtime_stack__type_is_fixed(
    client: httpx.Client, custom_stack: dict[str, Any]
) -> None:
    response = client.put(f"{STACKS}/{custom_stack['id']}", json=stack_body(type="Tomcat"))

    assert error_of(response, 400) == (
        "SVCSTG.00100400",
        "parameter invalid: type: cannot be modified (is 'Java'); create a new stack",
    )


def test_modify_runtime_stack__name_of_another_stack(
    client: httpx.Client, custom_stack: dict[str, Any]
) -> None:
    ok(client.post(STACKS, json=stack_body(name="OtherJdk")))

    response = client.put(f"{STACKS}/{custom_stack['id']}", json=stack_body(name="OtherJdk"))

    assert error_of(response, 409)[0] == "SVCSTG.00100413"


def test_modify_runtime_stack__system_stack_is_refused(client: httpx.Client) -> None:
    stack_id = built_in_stack_id(client)

    code, message = error_of(client.put(f"{STACKS}/{stack_id}", json=stack_body()), 400)

    assert code == "SVCSTG.00100400"
    assert "system stack; only custom stacks can be modified" in message


def test_modify_runtime_stack__unknown(client: httpx.Client) -> None:
    response = client.put(f"{STACKS}/no-such-stack", json=stack_body())

    assert error_of(response, 404)[0] == "SVCSTG.00100412"


def test_delete_runtime_stack(client: httpx.Client, custom_stack: dict[str, Any]) -> None:
    deleted = client.delete(f"{STACKS}/{custom_stack['id']}")

    assert (deleted.status_code, deleted.content) == (204, b"")
    assert error_of(client.get(f"{STACKS}/{custom_stack['id']}"), 404)[0] == "SVCSTG.00100412"
    assert error_of(client.delete(f"{STACKS}/{custom_stack['id']}"), 404)[0] == "SVCSTG.00100412"


def test_delete_runtime_stack__system_stack_is_refused(client: httpx.Client) -> None:
    code, message = error_of(client.delete(f"{STACKS}/{built_in_stack_id(client)}"), 400)

    assert code == "SVCSTG.00100400"
    assert "only custom stacks can be deleted" in message


def test_release_and_cancel_release(
    client: httpx.Client, clock: VirtualClock, custom_stack: dict[str, Any]
) -> None:
    path = f"{STACKS}/{custom_stack['id']}"
    clock.advance(2)

    released = release(client, "Supported", custom_stack["id"])

    assert (released.status_code, released.content) == (204, b"")
    shown = ok(client.get(path))
    assert (shown["status"], shown["update_time"]) == (
        "Supported",
        custom_stack["create_time"] + 2000,
    )
    assert release(client, "Supported", custom_stack["id"]).status_code == 204  # idempotent
    assert release(client, "Disable", custom_stack["id"]).status_code == 204
    assert ok(client.get(path))["status"] == "Disable"


def test_release__at_the_collection_path_as_the_reference_writes_it(
    client: httpx.Client, custom_stack: dict[str, Any]
) -> None:
    body = {"action": "Supported", "parameters": {"runtimestacks": [{"id": custom_stack["id"]}]}}

    answer = client.post(STACKS, json=body)

    assert answer.status_code == 204
    assert ok(client.get(f"{STACKS}/{custom_stack['id']}"))["status"] == "Supported"


def test_release__several_stacks_all_or_none(
    client: httpx.Client, custom_stack: dict[str, Any]
) -> None:
    other = ok(client.post(STACKS, json=stack_body(name="OtherJdk")))

    def statuses() -> tuple[str, str]:
        shown = {s["id"]: s["status"] for s in ok(client.get(STACKS))["runtime_stacks"]}
        return shown[custom_stack["id"]], shown[other["id"]]

    missing = release(client, "Supported", custom_stack["id"], "no-such-stack")
    system = release(client, "Supported", other["id"], built_in_stack_id(client))
    withdraw_system = release(client, "Disable", built_in_stack_id(client))
    after_refusals = statuses()
    both = release(client, "Supported", custom_stack["id"], other["id"])

    assert error_of(missing, 404)[0] == "SVCSTG.00100412"
    assert error_of(system, 400)[0] == "SVCSTG.00100400"
    assert "only custom stacks can be released" in error_of(system, 400)[1]
    assert "only custom stacks can be withdrawn" in error_of(withdraw_system, 400)[1]
    assert after_refusals == ("Disable", "Disable"), "a refused release changes no stack"
    assert both.status_code == 204
    assert statuses() == ("Supported", "Supported")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "Publish", "parameters": {"runtimestacks": [{"id": "x"}]}}, "action"),
        # 004 表4-310 requires the list, not an item in it.
        ({"action": "Supported", "parameters": {}}, "parameters.runtimestacks"),
        ({"action": "Disable"}, "parameters"),
    ],
)
def test_release__invalid_body(client: httpx.Client, body: dict[str, Any], field: str) -> None:
    code, message = error_of(client.post(f"{STACKS}/action", json=body), 400)

    assert code == "SVCSTG.00100400"
    assert message.startswith(f"parameter invalid: {field}:")


def test_list_runtime_stacks__shows_custom_stacks(
    client: httpx.Client, custom_stack: dict[str, Any]
) -> None:
    listed = ok(client.get(STACKS))

    custom = [stack for stack in listed["runtime_stacks"] if stack["system"] == 0]
    assert custom == [custom_stack]
    # One list under the reference's key and under the official SDK's.
    assert listed["runtimestacks"] == listed["runtime_stacks"]
    assert listed["total"] == len(listed["runtime_stacks"])


def test_components_run_on_custom_stacks_once_released(
    client: httpx.Client, application: dict[str, Any], custom_stack: dict[str, Any]
) -> None:
    environment = ok(
        client.post(
            f"{CAS}/environments",
            json={"name": "vm-env", "vpc_id": "vpc-1", "deploy_mode": "virtualmachine"},
        )
    )
    ref = {key: custom_stack[key] for key in ("name", "type", "version", "deploy_mode")}
    body = component_body(
        environment["id"],
        runtime_stack=ref,
        refer_resources=[{"id": "ecs-1", "type": "ecs"}],
    )
    components = components_path(application)

    code, message = error_of(client.post(components, json=body), 400)
    assert code == "SVCSTG.00100420"
    assert "status Supported can be used" in message

    assert release(client, "Supported", custom_stack["id"]).status_code == 204
    ok(client.post(components, json=body))
    assert ok(client.get(f"{STACKS}/{custom_stack['id']}"))["component_count"] == 1
    code, message = error_of(client.delete(f"{STACKS}/{custom_stack['id']}"), 409)
    assert code == "SVCSTG.00100419"
    assert "used by 1 component" in message


def test_list_inner_images(client: httpx.Client) -> None:
    images = ok(client.get(f"{CAS}/innerimages"))["runtime_stacks"]

    assert {image["type"] for image in images} == {"Java", "Tomcat", "Nodejs", "Python", "Php"}
    assert all(set(image) == {"type", "url"} for image in images)
    assert all(image["url"].startswith("swr.") for image in images)


def test_reset_forgets_custom_stacks(
    emulator: Emulator, client: httpx.Client, custom_stack: dict[str, Any]
) -> None:
    assert emulator.area(RuntimeStackBackend).show_runtime_stack(custom_stack["id"]) == custom_stack

    emulator.reset()

    assert all(stack["system"] == 1 for stack in ok(client.get(STACKS))["runtime_stacks"])
    assert client.get(f"{STACKS}/{custom_stack['id']}").status_code == 404


# The official SDK: its only runtime-stack operation is the list (ShowRuntimeStacks).


@pytest.fixture
def sdk(live_emulator: tuple[Emulator, str]) -> Iterator[Any]:
    credentials = BasicCredentials(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_PROJECT_ID)
    yield (
        ServiceStageClient.new_builder()
        .with_credentials(credentials)
        .with_endpoints([live_emulator[1]])
        .build()
    )


def test_official_sdk_lists_built_in_and_custom_stacks(
    sdk: Any, live_emulator: tuple[Emulator, str]
) -> None:
    emulator, _ = live_emulator
    emulator.area(RuntimeStackBackend).create_runtime_stack(
        name="CustomJdk",
        type="Java",
        version="1.0.0",
        deploy_mode="virtualmachine",
        creator="tests",
    )

    listed = sdk.show_runtime_stacks(ShowRuntimeStacksRequest())

    views = {(view.name, view.version, view.deploy_mode): view for view in listed.runtimestacks}
    assert len(views) == len(emulator.backend().list_runtime_stacks())
    assert all(value is not None for view in views.values() for value in view.to_dict().values())
    assert views[("CustomJdk", "1.0.0", "virtualmachine")].status == "Disable"
    assert views[("OpenJDK8", "1.2.0", "container")].to_dict() == {
        "name": "OpenJDK8",
        "deploy_mode": "container",
        "version": "1.2.0",
        "type": "Java",
        "status": "Supported",
    }
