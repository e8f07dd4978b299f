"""ASM grayscale releases: phases over time, ASM's error format, project scoping, the SDK."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any, ClassVar

import httpx
import pytest
from emulator_support import JOB_SECONDS, in_process_client, issue_token, ok
from huaweicloudsdkasm.v1 import AsmClient
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.sdk_response import SdkResponse

from pulumi_servicestage.client.signing import AkSkAuth
from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_KEY,
    Emulator,
)
from pulumi_servicestage.emulator.asm.backend import AsmBackend
from pulumi_servicestage.testing import VirtualClock

RELEASES = "/v2/meshes/mesh-1/namespaces/shop/releases"
OTHER_PROJECT_ID = "5f4e3d2c1b0a49586776859403a2b1c0"


def release_body(**spec: Any) -> dict[str, Any]:
    return {
        "kind": "Release",
        "apiVersion": "asm/v2",
        "metadata": {"name": spec.pop("name", "web-canary")},
        "spec": {
            "serviceName": "web",
            "clusterID": "cce-1",
            "deploymentName": "web",
            "version": "v2",
            "type": "canary",
            "grayDeployments": [
                {
                    "clusterID": "cce-1",
                    "template": {"spec": {"replicas": 1, "template": {"spec": {"containers": []}}}},
                }
            ],
            **spec,
        },
    }


def asm_error(response: httpx.Response, status: int) -> tuple[str, str]:
    """ASM's error code and message; ASM names them errorCode and errorMsg."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"errorCode", "errorMsg"}
    return body["errorCode"], body["errorMsg"]


def phase(client: httpx.Client, path: str) -> str:
    return str(ok(client.get(path))["status"]["phase"])


@pytest.fixture
def created(client: httpx.Client) -> dict[str, Any]:
    """A release still in its Creating phase; has ``path`` besides the Release object."""
    release: dict[str, Any] = ok(client.post(RELEASES, json=release_body()))
    return {**release, "path": f"{RELEASES}/{release['metadata']['uid']}"}


@pytest.fixture
def running(created: dict[str, Any], clock: VirtualClock) -> dict[str, Any]:
    clock.advance(JOB_SECONDS)
    return created


def test_create_release__answers_the_release_and_runs_after_a_while(
    client: httpx.Client, clock: VirtualClock
) -> None:
    body = release_body()
    body["metadata"]["uid"] = "chosen-by-me"

    release = ok(client.post(RELEASES, json=body))

    uid = release["metadata"]["uid"]
    assert uid != "chosen-by-me"
    assert release["kind"] == "Release"
    assert release["apiVersion"] == "asm/v2"
    assert release["metadata"] == {
        "meshID": "mesh-1",
        "name": "web-canary",
        "uid": uid,
        "namespace": "shop",
    }
    assert release["spec"] == body["spec"]
    status = release["status"]
    assert status["phase"] == "Creating"
    started = datetime.strptime(status["startTime"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs(started.replace(tzinfo=timezone.utc).timestamp() - clock.wall()) < 1
    assert status["deployment"]["metadata"] == {"name": "web", "namespace": "shop"}
    [gray] = status["grayDeployments"]
    assert gray["kind"] == "Deployment"
    assert gray["metadata"] == {"name": "web-v2", "namespace": "shop"}
    assert gray["spec"]["replicas"] == 1

    clock.advance(JOB_SECONDS * 0.9)
    assert phase(client, f"{RELEASES}/{uid}") == "Creating"
    clock.advance(JOB_SECONDS * 0.2)
    assert phase(client, f"{RELEASES}/{uid}") == "Running"


NAME_RULE = (
    "metadata.name: Value error, required; 4 to 64 lower-case letters, digits or -, starting "
    "with a letter and not ending with - (002 / asm-get ReleaseMetadata)"
)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"name": "web"}, NAME_RULE),
        ({"name": "Web-canary"}, NAME_RULE),
        ({"name": "web-canary-"}, NAME_RULE),
        ({"version": 2}, "spec.version: Input should be a valid string"),
    ],
)
def test_create_release__invalid_bodies_are_asm_400s(
    client: httpx.Client, change: dict[str, Any], rule: str
) -> None:
    code, message = asm_error(client.post(RELEASES, json=release_body(**change)), 400)

    assert code == "ASM.01010001"
    assert message.startswith("Invalid request. ")
    assert rule in message


@pytest.mark.parametrize("change", [{"grayDeployments": []}, {"deploymentName": ""}])
def test_create_release__fields_without_documented_rules_are_taken(
    client: httpx.Client, change: dict[str, Any]
) -> None:
    # asm-get prints ReleaseSpec without Mandatory flags, lengths or item counts: an empty list
    # or string breaks no documented rule.
    release = ok(client.post(RELEASES, json=release_body(**change)))

    assert {key: release["spec"][key] for key in change} == change


def test_create_release__type_defaults_to_canary(client: httpx.Client) -> None:
    body = release_body()
    del body["spec"]["type"]

    release = ok(client.post(RELEASES, json=body))

    shown = ok(client.get(f"{RELEASES}/{release['metadata']['uid']}"))
    assert release["spec"]["type"] == shown["spec"]["type"] == "canary"


def test_create_release__the_path_places_the_release(client: httpx.Client) -> None:
    # No document says a body's meshID or namespace must repeat the path's: the path decides.
    body = release_body()
    body["metadata"]["namespace"] = "default"

    release = ok(client.post(RELEASES, json=body))

    assert release["metadata"]["namespace"] == "shop"


def test_create_release__names_and_workloads_are_taken_once_per_namespace(
    client: httpx.Client, created: dict[str, Any]
) -> None:
    same_name = release_body(deploymentName="api")
    same_workload = release_body(name="web-blue-green")

    assert asm_error(client.post(RELEASES, json=same_name), 409) == (
        "ASM.01010003",
        "The resource already exists. release web-canary already exists",
    )
    assert asm_error(client.post(RELEASES, json=same_workload), 409) == (
        "ASM.01010003",
        "The resource already exists. workload web is already in release web-canary",
    )
    other_namespace = "/v2/meshes/mesh-1/namespaces/default/releases"
    assert ok(client.post(other_namespace, json=release_body()))["metadata"]["namespace"] == (
        "default"
    )


def test_show_release__unknown_or_in_another_namespace_is_asm_404(
    client: httpx.Client, created: dict[str, Any]
) -> None:
    uid = created["metadata"]["uid"]

    assert asm_error(client.get(f"{RELEASES}/nope"), 404) == (
        "ASM.01010002",
        "Resource not found. release nope not found",
    )
    assert asm_error(client.get(f"/v2/meshes/mesh-1/namespaces/default/releases/{uid}"), 404)[
        0
    ] == ("ASM.01010002")


def test_list_releases__covers_the_mesh_across_namespaces(
    client: httpx.Client, created: dict[str, Any]
) -> None:
    ok(client.post("/v2/meshes/mesh-1/namespaces/default/releases", json=release_body()))
    ok(client.post("/v2/meshes/mesh-2/namespaces/shop/releases", json=release_body()))

    listed = ok(client.get("/v2/meshes/mesh-1/releases"))

    assert listed["kind"] == "ReleaseList"
    assert listed["apiVersion"] == "asm/v2"
    assert [item["metadata"]["namespace"] for item in listed["items"]] == ["shop", "default"]
    assert ok(client.get("/v2/meshes/mesh-3/releases"))["items"] == []


def test_update_release__changes_the_version_and_runs_it_after_a_while(
    client: httpx.Client, clock: VirtualClock, running: dict[str, Any]
) -> None:
    body = release_body(version="v3")
    body["spec"]["grayDeployments"][0]["template"]["spec"]["replicas"] = 2

    updated = ok(client.put(running["path"], json=body))

    assert updated["spec"]["version"] == "v3"
    assert updated["status"]["phase"] == "Updating"
    assert updated["status"]["grayDeployments"][0]["metadata"]["name"] == "web-v3"
    clock.advance(JOB_SECONDS)
    shown = ok(client.get(running["path"]))
    assert shown["status"]["phase"] == "Running"
    assert shown["status"]["grayDeployments"][0]["spec"]["replicas"] == 2
    assert shown["status"]["updateTime"] >= shown["status"]["startTime"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"serviceName": "api"}, "spec.serviceName"),
        ({"deploymentName": "api"}, "spec.deploymentName"),
        ({"type": "blue-green"}, "spec.type"),
        ({"name": "other-name"}, "metadata.name"),
    ],
)
def test_update_release__only_the_grayscale_version_can_change(
    client: httpx.Client, running: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    response = client.put(running["path"], json=release_body(**change))

    assert asm_error(response, 400) == (
        "ASM.01010001",
        f"Invalid request. {field} cannot be modified",
    )


def test_update_release__refused_while_the_release_is_being_created(
    client: httpx.Client, created: dict[str, Any]
) -> None:
    response = client.put(created["path"], json=release_body(version="v3"))

    assert asm_error(response, 400) == (
        "ASM.01010001",
        "Invalid request. release web-canary is Creating; its version can change once it is "
        "Running",
    )


@pytest.mark.parametrize(
    ("action", "phase_while_ending"), [("cancel", "Canceling"), ("end", "Ending")]
)
def test_delete_release__cancel_or_end_then_gone(
    client: httpx.Client,
    clock: VirtualClock,
    running: dict[str, Any],
    action: str,
    phase_while_ending: str,
) -> None:
    response = client.delete(running["path"], params={"action": action})

    assert (response.status_code, response.content) == (200, b"")
    assert phase(client, running["path"]) == phase_while_ending
    # Asking again for the same end is harmless.
    assert client.delete(running["path"], params={"action": action}).status_code == 200
    clock.advance(JOB_SECONDS)
    assert asm_error(client.get(running["path"]), 404)[0] == "ASM.01010002"
    assert asm_error(client.delete(running["path"], params={"action": action}), 404)[0] == (
        "ASM.01010002"
    )


@pytest.mark.parametrize("params", [{}, {"action": "stop"}])
def test_delete_release__needs_cancel_or_end(
    client: httpx.Client, running: dict[str, Any], params: dict[str, str]
) -> None:
    code, message = asm_error(client.delete(running["path"], params=params), 400)

    assert code == "ASM.01010001"
    assert "query parameter action must be cancel or end" in message
    assert phase(client, running["path"]) == "Running"


def test_delete_release__cannot_switch_between_cancel_and_end(
    client: httpx.Client, running: dict[str, Any]
) -> None:
    ok(client.delete(running["path"], params={"action": "cancel"}))

    assert asm_error(client.delete(running["path"], params={"action": "end"}), 400) == (
        "ASM.01010001",
        "Invalid request. release web-canary is already Canceling",
    )


def test_planned_failure__the_step_ends_failed_with_the_reason(
    client: httpx.Client, clock: VirtualClock, emulator: Emulator, running: dict[str, Any]
) -> None:
    asm = emulator.area(AsmBackend)
    asm.plan_failure("update", message="image swr/web:v3 not found", release_name="other")
    asm.plan_failure("update", message="image swr/web:v3 not found")

    ok(client.put(running["path"], json=release_body(version="v3")))
    clock.advance(JOB_SECONDS)

    status = ok(client.get(running["path"]))["status"]
    assert status["phase"] == "Failed"
    assert status["message"] == "image swr/web:v3 not found"
    # The plan for another release is still waiting.
    [waiting] = asm.planned_failures()
    assert waiting.release_name == "other"
    # A failed release can be given another version, or cancelled.
    ok(client.put(running["path"], json=release_body(version="v4")))
    clock.advance(JOB_SECONDS)
    status = ok(client.get(running["path"]))["status"]
    assert (status["phase"], "message" in status) == ("Running", False)


def test_planned_failure__control_routes(
    client: httpx.Client, anonymous: httpx.Client, clock: VirtualClock
) -> None:
    control = f"/_emulator/projects/{DEFAULT_PROJECT_ID}/asm/release-failures"

    planned = ok(anonymous.post(control, json={"operation": "create", "message": "no quota"}))

    assert planned == {
        "failures": [{"operation": "create", "message": "no quota", "release_name": None}]
    }
    release = ok(client.post(RELEASES, json=release_body()))
    clock.advance(JOB_SECONDS)
    shown = ok(client.get(f"{RELEASES}/{release['metadata']['uid']}"))
    assert (shown["status"]["phase"], shown["status"]["message"]) == ("Failed", "no quota")
    assert ok(anonymous.get(control)) == {"failures": []}

    ok(anonymous.post(control, json={"operation": "end"}))
    assert anonymous.delete(control).status_code == 204
    assert ok(anonymous.get(control)) == {"failures": []}
    bad = anonymous.post(control, json={"operation": "explode"})
    assert bad.status_code == 400
    assert bad.json()["error_code"] == "EMULATOR.0400"
    unknown_project = anonymous.get("/_emulator/projects/nope/asm/release-failures")
    assert unknown_project.status_code == 400


def test_reset_forgets_releases_and_plans(
    client: httpx.Client, emulator: Emulator, created: dict[str, Any]
) -> None:
    emulator.area(AsmBackend).plan_failure("create")

    emulator.reset()

    assert ok(client.get("/v2/meshes/mesh-1/releases"))["items"] == []
    assert emulator.area(AsmBackend).planned_failures() == []


# -- the project of a path without one -------------------------------------------------------------


@pytest.fixture
def signed(emulator: Emulator, clock: VirtualClock) -> Iterator[httpx.Client]:
    """An in-process client signing with AK/SK at the emulator's time, no project header."""
    with in_process_client(emulator) as http:
        http.auth = AkSkAuth(
            DEFAULT_ACCESS_KEY,
            DEFAULT_SECRET_KEY,
            clock=lambda: datetime.fromtimestamp(clock.wall(), tz=timezone.utc),
        )
        yield http


def test_project__aksk_requests_name_it_in_x_project_id(
    signed: httpx.Client, emulator: Emulator
) -> None:
    emulator.add_project(OTHER_PROJECT_ID, "cn-south-1")
    in_default = {"X-Project-Id": DEFAULT_PROJECT_ID}
    in_other = {"X-Project-Id": OTHER_PROJECT_ID}

    created = ok(signed.post(RELEASES, json=release_body(), headers=in_default))

    uid = created["metadata"]["uid"]
    assert ok(signed.get(f"{RELEASES}/{uid}", headers=in_default))["metadata"]["uid"] == uid
    # Each project has its own releases.
    assert asm_error(signed.get(f"{RELEASES}/{uid}", headers=in_other), 404)[0] == "ASM.01010002"
    assert emulator.area(AsmBackend, OTHER_PROJECT_ID).list_releases("mesh-1") == []
    assert [r.uid for r in emulator.area(AsmBackend).list_releases("mesh-1")] == [uid]


def test_project__the_signature_covers_x_project_id(
    signed: httpx.Client, emulator: Emulator
) -> None:
    emulator.add_project(OTHER_PROJECT_ID, "cn-south-1")
    assert signed.auth is not None
    request = signed.build_request(
        "GET", "/v2/meshes/mesh-1/releases", headers={"X-Project-Id": DEFAULT_PROJECT_ID}
    )
    signed_request = next(signed.auth.auth_flow(request))
    signed_request.headers["X-Project-Id"] = OTHER_PROJECT_ID

    with in_process_client(emulator) as unsigned:
        response = unsigned.send(signed_request)

    assert response.status_code == 401
    assert response.json()["error_msg"].endswith("signature does not match")


@pytest.mark.parametrize("headers", [{}, {"X-Project-Id": "unknown-project"}])
def test_project__missing_or_unknown_is_refused_by_the_gateway(
    signed: httpx.Client, headers: dict[str, str]
) -> None:
    response = signed.get("/v2/meshes/mesh-1/releases", headers=headers)

    assert response.status_code == 403
    assert response.json()["error_code"] == "APIGW.0302"


def test_project__a_token_acts_in_its_own_project_only(
    client: httpx.Client, anonymous: httpx.Client, emulator: Emulator
) -> None:
    emulator.add_project(OTHER_PROJECT_ID, "cn-south-1")
    listing = "/v2/meshes/mesh-1/releases"

    assert ok(client.get(listing))["items"] == []
    assert ok(client.get(listing, headers={"X-Project-Id": DEFAULT_PROJECT_ID}))["items"] == []
    refused = client.get(listing, headers={"X-Project-Id": OTHER_PROJECT_ID})
    assert (refused.status_code, refused.json()["error_code"]) == (403, "APIGW.0302")
    other_token = issue_token(anonymous, project={"id": OTHER_PROJECT_ID})
    other = ok(anonymous.post(RELEASES, json=release_body(), headers={"X-Auth-Token": other_token}))
    in_other = emulator.area(AsmBackend, OTHER_PROJECT_ID)
    assert in_other.show_release("mesh-1", "shop", other["metadata"]["uid"]).name == "web-canary"
    assert anonymous.get(listing).status_code == 401


# -- the official SDK (huaweicloudsdkasm) ----------------------------------------------------------


class RawResponse(SdkResponse):
    """huaweicloudsdkasm has no release models; its client still signs, sends and raises."""

    openapi_types: ClassVar[dict[str, str]] = {}
    attribute_map: ClassVar[dict[str, str]] = {}


def sdk_call(
    sdk: Any,
    method: str,
    path: str,
    *,
    path_params: dict[str, str],
    body: Any = None,
    query: list[tuple[str, str]] | None = None,
) -> Any:
    response = sdk.call_api(
        path,
        method,
        path_params=path_params,
        query_params=query or [],
        header_params={"Content-Type": "application/json;charset=utf-8"},
        body=body,
        response_type=RawResponse,
    )
    return response.status_code, response.to_json_object()


def wait_for_phase(sdk: Any, params: dict[str, str], wanted: str) -> dict[str, Any]:
    path = "/v2/meshes/{mesh_id}/namespaces/{namespace}/releases/{release_id}"
    deadline = time.monotonic() + 5
    while True:
        _, release = sdk_call(sdk, "GET", path, path_params=params)
        if release["status"]["phase"] == wanted or time.monotonic() > deadline:
            return dict(release)
        time.sleep(JOB_SECONDS / 4)


def test_official_sdk__create_show_update_list_delete(
    live_emulator: tuple[Emulator, str],
) -> None:
    emulator, url = live_emulator
    credentials = BasicCredentials(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_PROJECT_ID)
    sdk = AsmClient.new_builder().with_credentials(credentials).with_endpoints([url]).build()
    collection = "/v2/meshes/{mesh_id}/namespaces/{namespace}/releases"
    item = f"{collection}/{{release_id}}"
    where = {"mesh_id": "mesh-1", "namespace": "shop"}

    status, created = sdk_call(sdk, "POST", collection, path_params=where, body=release_body())
    assert (status, created["status"]["phase"]) == (200, "Creating")
    params = {**where, "release_id": created["metadata"]["uid"]}
    assert wait_for_phase(sdk, params, "Running")["spec"]["version"] == "v2"

    status, updated = sdk_call(
        sdk, "PUT", item, path_params=params, body=release_body(version="v3")
    )
    assert (status, updated["status"]["phase"]) == (200, "Updating")
    assert wait_for_phase(sdk, params, "Running")["spec"]["version"] == "v3"

    _, listed = sdk_call(
        sdk, "GET", "/v2/meshes/{mesh_id}/releases", path_params={"mesh_id": "mesh-1"}
    )
    assert [release["metadata"]["name"] for release in listed["items"]] == ["web-canary"]

    status, answer = sdk_call(sdk, "DELETE", item, path_params=params, query=[("action", "end")])
    assert (status, answer) == (200, None)
    assert wait_for_phase(sdk, params, "Ending")["status"]["phase"] == "Ending"
    with pytest.raises(ClientRequestException) as raised:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            sdk_call(sdk, "GET", item, path_params=params)
            time.sleep(JOB_SECONDS / 4)
    # The SDK reads ASM's camel-case error fields.
    assert raised.value.status_code == 404
    assert raised.value.error_code == "ASM.01010002"
    assert raised.value.error_msg == f"Resource not found. release {params['release_id']} not found"
    assert (
        emulator.request_counts()[
            "DELETE /v2/meshes/{mesh_id}/namespaces/{namespace}/releases/{release_id}"
        ]
        == 1
    )
