"""Release tasks: /v3/{project_id}/cas/release-plans (old release management), released batch by
batch through the core component operations; the official SDK as an independent client."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, ClassVar

import httpx
import pytest
from emulator_support import CAS, JOB_SECONDS, component_body, error_of, ok
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.sdk_response import SdkResponse
from huaweicloudsdkcore.utils.http_utils import sanitize_for_serialization
from huaweicloudsdkservicestage.v3 import (
    ApplicationCreate,
    ComponentCreate,
    CreateApplicationRequest,
    CreateEnvironmentRequest,
    EnvironmentCreate,
    ReferResourceCreate,
    RuntimeStack,
    ServiceStageClient,
    ShowComponentInfoRequest,
    ShowJobInfoRequest,
    SourceObject,
)

from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_KEY,
    DEFAULT_USER_NAME,
    Emulator,
)
from pulumi_servicestage.emulator.servicestage.backend import ServiceStageBackend
from pulumi_servicestage.testing import VirtualClock

PLANS = f"{CAS}/release-plans"


def entry(
    environment: dict[str, Any], application: dict[str, Any], name: str, seq: int, **overrides: Any
) -> dict[str, Any]:
    return component_body(
        environment["id"], name=name, seq=seq, application_id=application["id"], **overrides
    )


@pytest.fixture
def two_batches(environment: dict[str, Any], application: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "release-1",
        "desc": "web first, then api",
        "components": [
            entry(environment, application, "web", 1),
            entry(environment, application, "api", 2),
        ],
    }


@pytest.fixture
def three_batches(
    two_batches: dict[str, Any], environment: dict[str, Any], application: dict[str, Any]
) -> dict[str, Any]:
    worker = entry(environment, application, "worker", 3)
    return {**two_batches, "components": [*two_batches["components"], worker]}


def create_plan(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    created: dict[str, Any] = ok(client.post(PLANS, json=body))
    return created


def deploy_info(client: httpx.Client, plan_id: str) -> dict[str, dict[str, Any]]:
    answer = ok(client.get(f"{PLANS}/{plan_id}/deploy-info"))
    assert answer["id"] == plan_id
    return {component["name"]: component for component in answer["components"]}


def status_of(client: httpx.Client, plan_id: str) -> str:
    status: str = ok(client.get(f"{PLANS}/{plan_id}"))["status"]
    return status


def execute(client: httpx.Client, plan_id: str) -> None:
    assert ok(client.post(f"{PLANS}/{plan_id}/execute")) is None


def component_names(backend: ServiceStageBackend, application: dict[str, Any]) -> list[str]:
    page = backend.list_components(application_id=application["id"], order="asc")
    return [component.name for component in page.items]


def test_create_release_plan(client: httpx.Client, two_batches: dict[str, Any]) -> None:
    created = create_plan(client, two_batches)

    assert uuid.UUID(created["id"])
    assert (created["name"], created["desc"], created["status"]) == (
        "release-1",
        "web first, then api",
        "CREATED",
    )
    assert (created["action"], created["fail_strategy"]) == ("create", "stop")
    assert created["creator"] == DEFAULT_USER_NAME
    assert (created["modify_time"], created["execute_time"]) == (0, 0)
    assert [(c["name"], c["seq"]) for c in created["components"]] == [("web", 1), ("api", 2)]
    assert (
        created["components"][0]["runtime_stack"] == two_batches["components"][0]["runtime_stack"]
    )
    assert "component_id" not in created["components"][0]
    assert ok(client.get(f"{PLANS}/{created['id']}")) == created


def test_list_release_plans(client: httpx.Client, two_batches: dict[str, Any]) -> None:
    first = create_plan(client, two_batches)
    second = create_plan(client, {**two_batches, "name": "release-2"})

    listed = ok(client.get(PLANS))

    assert listed["count"] == 2
    assert [plan["id"] for plan in listed["release_plans"]] == [second["id"], first["id"]]
    assert set(listed["release_plans"][0]) == {
        "id",
        "name",
        "action",
        "status",
        "create_time",
        "modify_time",
        "execute_time",
        "creator",
    }


def test_show_release_plan__not_found(client: httpx.Client) -> None:
    code, message = error_of(client.get(f"{PLANS}/{uuid.uuid4()}"), 404)

    assert code == "SVCSTG.00100433"
    assert message.startswith("application release not found")


def test_create_release_plan__credentials_are_not_shown_back(
    client: httpx.Client,
    environment: dict[str, Any],
    application: dict[str, Any],
    backend: ServiceStageBackend,
) -> None:
    source = {
        "kind": "package",
        "storage": "http",
        "url": "https://repo.example/web.jar",
        "http_command": "GET",
        "http_username": "deployer",
        "http_password": "s3cret",
    }
    template_source = {**source, "url": "https://repo.example/chart.tgz"}
    web = entry(environment, application, "web", 1, source=source, template_source=template_source)
    created = create_plan(client, {"name": "release-1", "components": [web]})

    shown = created["components"][0]
    for shown_source in (shown["source"], shown["template_source"]):
        assert "http_password" not in shown_source
        assert shown_source["http_username"] == "deployer"
    execute(client, created["id"])
    [component] = backend.list_components(application_id=application["id"]).items
    assert component.spec.source.model_dump()["http_password"] == "s3cret"


@pytest.mark.parametrize(
    ("change", "status", "code", "message"),
    [
        ({"components": None}, 400, "SVCSTG.00100400", "components: Field required"),
        ({"fail_strategy": "retry"}, 400, "SVCSTG.00100400", "fail_strategy: Input should be"),
        ({"seq": "1"}, 400, "SVCSTG.00100400", "components[0].seq: Input should be a valid"),
        (
            {"component_id": None, "application_id": None},
            400,
            "SVCSTG.00100400",
            "components[0].application_id: required when the release creates the component",
        ),
        ({"application_id": "nope"}, 404, "SVCSTG.00100403", "application not found"),
        ({"component_id": "nope"}, 404, "SVCSTG.00100404", "component not found"),
        ({"environment_id": "nope"}, 404, "SVCSTG.00100411", "environment not found"),
        ({"refer_resources": None}, 400, "SVCSTG.00100400", "components[0].refer_resources"),
        ({"duplicate": True}, 400, "SVCSTG.00100400", "components[1].name: component web"),
    ],
)
def test_create_release_plan__invalid(
    client: httpx.Client,
    environment: dict[str, Any],
    application: dict[str, Any],
    change: dict[str, Any],
    status: int,
    code: str,
    message: str,
) -> None:
    web = entry(environment, application, "web", 1)
    body: dict[str, Any] = {"name": "release-1", "components": [web]}
    if "duplicate" in change:
        body["components"] = [web, {**web, "seq": 2}]
    elif set(change) & {"components", "fail_strategy"}:
        body.update(change)
        body = {key: value for key, value in body.items() if value is not None}
    else:
        web.update(change)
        body["components"] = [{k: v for k, v in web.items() if v is not None}]

    got_code, got_message = error_of(client.post(PLANS, json=body), status)

    assert got_code == code
    assert message in got_message


def test_execute_release_plan__batches_are_released_one_after_another(
    client: httpx.Client,
    two_batches: dict[str, Any],
    backend: ServiceStageBackend,
    application: dict[str, Any],
    clock: VirtualClock,
) -> None:
    plan = create_plan(client, two_batches)

    execute(client, plan["id"])

    shown = ok(client.get(f"{PLANS}/{plan['id']}"))
    assert shown["status"] == "RUNNING"
    assert shown["execute_time"] == int(clock.wall() * 1000)
    info = deploy_info(client, plan["id"])
    assert info["web"]["job_id"].startswith("JOB")
    assert (info["web"]["job_status"], info["web"]["status"]) == ("RUNNING", "INITIALIZING")
    assert info["api"]["job_id"] is None and info["api"]["job_status"] is None
    assert component_names(backend, application) == ["web"]

    clock.advance(JOB_SECONDS)
    info = deploy_info(client, plan["id"])
    assert (info["web"]["job_status"], info["web"]["status"]) == ("SUCCEEDED", "RUNNING")
    assert info["web"]["end_time"] == info["api"]["start_time"]
    assert info["api"]["job_status"] == "RUNNING"
    assert status_of(client, plan["id"]) == "RUNNING"

    clock.advance(JOB_SECONDS)
    info = deploy_info(client, plan["id"])
    assert info["api"]["job_status"] == "SUCCEEDED"
    shown = ok(client.get(f"{PLANS}/{plan['id']}"))
    assert (shown["status"], shown["action"]) == ("SUCCESS", "upgrade")
    components = {component.name: component for component in backend.list_components().items}
    assert set(components) == {"web", "api"}
    for name in ("web", "api"):
        assert components[name].status.value == "RUNNING"
        assert info[name]["id"] == components[name].id
        assert info[name]["version"] == two_batches["components"][0]["version"]
    # The task records the components its release created.
    assert [c["component_id"] for c in shown["components"]] == [
        components["web"].id,
        components["api"].id,
    ]


def test_execute_release_plan__a_batch_starts_when_the_previous_one_ended_however_late_seen(
    client: httpx.Client, two_batches: dict[str, Any], clock: VirtualClock
) -> None:
    plan = create_plan(client, two_batches)
    execute(client, plan["id"])
    started = int(clock.wall() * 1000)

    clock.advance(10 * JOB_SECONDS)

    info = deploy_info(client, plan["id"])
    assert status_of(client, plan["id"]) == "SUCCESS"
    assert info["web"]["end_time"] == info["api"]["start_time"]
    # Milliseconds, truncated.
    assert info["api"]["start_time"] == pytest.approx(started + JOB_SECONDS * 1000, abs=1)
    assert info["api"]["end_time"] == pytest.approx(started + 2 * JOB_SECONDS * 1000, abs=1)


@pytest.mark.parametrize(
    ("fail_strategy", "worker_released"), [("stop", False), ("continue", True)]
)
def test_execute_release_plan__failed_second_batch(
    client: httpx.Client,
    emulator: Emulator,
    three_batches: dict[str, Any],
    backend: ServiceStageBackend,
    application: dict[str, Any],
    clock: VirtualClock,
    fail_strategy: str,
    worker_released: bool,
) -> None:
    emulator.jobs.plan("FAILED", component_name="api", message="image pull failed")
    plan = create_plan(client, {**three_batches, "fail_strategy": fail_strategy})

    execute(client, plan["id"])
    for _ in range(3):
        clock.advance(JOB_SECONDS)
        status_of(client, plan["id"])

    info = deploy_info(client, plan["id"])
    assert status_of(client, plan["id"]) == "PARTIALLY_FAILED"
    assert (info["api"]["job_status"], info["api"]["status"]) == ("FAILED", "FAILED")
    assert info["api"]["fail_message"] == "image pull failed"
    assert info["web"]["job_status"] == "SUCCEEDED"
    assert (info["worker"]["job_status"] == "SUCCEEDED") is worker_released
    assert ("worker" in component_names(backend, application)) is worker_released


def test_execute_release_plan__nothing_released_is_failed(
    client: httpx.Client,
    emulator: Emulator,
    environment: dict[str, Any],
    application: dict[str, Any],
    clock: VirtualClock,
) -> None:
    emulator.jobs.plan("FAILED", component_name="web")
    plan = create_plan(
        client, {"name": "r", "components": [entry(environment, application, "web", 1)]}
    )

    execute(client, plan["id"])
    clock.advance(JOB_SECONDS)

    assert status_of(client, plan["id"]) == "FAILED"


def test_execute_release_plan__upgrades_the_named_component(
    client: httpx.Client,
    environment: dict[str, Any],
    application: dict[str, Any],
    running_component: dict[str, Any],
    backend: ServiceStageBackend,
    clock: VirtualClock,
) -> None:
    component_id = running_component["component_id"]
    web = entry(environment, application, "web", 1, component_id=component_id, version="2.0.0")
    plan = create_plan(client, {"name": "upgrade-web", "components": [web]})
    assert plan["action"] == "upgrade"

    execute(client, plan["id"])
    info = deploy_info(client, plan["id"])
    assert info["web"]["status"] == "UPGRADING"
    clock.advance(JOB_SECONDS)

    assert status_of(client, plan["id"]) == "SUCCESS"
    assert deploy_info(client, plan["id"])["web"]["id"] == component_id
    assert backend.show_component(application["id"], component_id).spec.version == "2.0.0"
    assert component_names(backend, application) == ["web"]


def test_execute_release_plan__a_refused_component_operation_fails_its_entry_at_once(
    client: httpx.Client,
    environment: dict[str, Any],
    application: dict[str, Any],
    running_component: dict[str, Any],
) -> None:
    rescaled = entry(
        environment, application, "web", 1, component_id=running_component["component_id"]
    )
    rescaled["replica"] = 5
    plan = create_plan(client, {"name": "rescale", "components": [rescaled]})

    execute(client, plan["id"])

    info = deploy_info(client, plan["id"])["web"]
    assert (info["job_id"], info["job_status"]) == (None, "FAILED")
    assert "replica: changes only by scaling" in info["fail_message"]
    assert status_of(client, plan["id"]) == "FAILED"


def test_execute_release_plan__busy_task_and_components_in_release_are_refused(
    client: httpx.Client,
    environment: dict[str, Any],
    application: dict[str, Any],
    running_component: dict[str, Any],
) -> None:
    web = entry(environment, application, "web", 1, component_id=running_component["component_id"])
    first = create_plan(client, {"name": "first", "components": [web]})
    second = create_plan(client, {"name": "second", "components": [web]})
    execute(client, first["id"])

    again = error_of(client.post(f"{PLANS}/{first['id']}/execute"), 409)
    clash = error_of(client.post(f"{PLANS}/{second['id']}/execute"), 409)

    assert again[0] == "SVCSTG.00100419"
    assert "release task first is RUNNING" in again[1]
    assert clash == (
        "SVCSTG.00100432",
        "component in releasing: web already in another running release task",
    )


def test_delete_release_plan__refused_while_running(
    client: httpx.Client, two_batches: dict[str, Any], clock: VirtualClock
) -> None:
    plan = create_plan(client, two_batches)
    execute(client, plan["id"])

    refused = error_of(client.delete(f"{PLANS}/{plan['id']}"), 409)
    clock.advance(2 * JOB_SECONDS)
    deleted = client.delete(f"{PLANS}/{plan['id']}")

    assert refused == (
        "SVCSTG.00100435",
        "release can not delete: release task release-1 is RUNNING",
    )
    assert deleted.status_code == 200 and deleted.content == b""
    assert error_of(client.get(f"{PLANS}/{plan['id']}"), 404)[0] == "SVCSTG.00100433"


def test_modify_release_plan(
    client: httpx.Client,
    two_batches: dict[str, Any],
    backend: ServiceStageBackend,
    application: dict[str, Any],
    clock: VirtualClock,
) -> None:
    plan = create_plan(client, two_batches)
    execute(client, plan["id"])
    busy = error_of(client.put(f"{PLANS}/{plan['id']}", json=two_batches), 409)
    clock.advance(2 * JOB_SECONDS)
    released = ok(client.get(f"{PLANS}/{plan['id']}"))["components"]

    # Sent back as shown, with a new version: the task now upgrades what it created.
    upgraded = [{**component, "version": "2.0.0"} for component in released]
    clock.advance(1)
    edited_at = int(clock.wall() * 1000)
    edited = ok(
        client.put(f"{PLANS}/{plan['id']}", json={"name": "release-1b", "components": upgraded})
    )
    execute(client, plan["id"])
    clock.advance(2 * JOB_SECONDS)

    assert busy[0] == "SVCSTG.00100419"
    assert (edited["name"], edited["desc"], edited["status"]) == (
        "release-1b",
        "web first, then api",
        "CREATED",
    )
    assert edited["modify_time"] == edited_at
    assert status_of(client, plan["id"]) == "SUCCESS"
    assert component_names(backend, application) == ["web", "api"]
    assert {c.spec.version for c in backend.list_components().items} == {"2.0.0"}


def test_abort_release_plan(
    client: httpx.Client,
    two_batches: dict[str, Any],
    backend: ServiceStageBackend,
    application: dict[str, Any],
    clock: VirtualClock,
) -> None:
    plan = create_plan(client, two_batches)
    not_running = error_of(client.post(f"{PLANS}/{plan['id']}/abort"), 409)
    execute(client, plan["id"])

    assert ok(client.post(f"{PLANS}/{plan['id']}/abort")) is None
    still_running = status_of(client, plan["id"])
    clock.advance(2 * JOB_SECONDS)

    assert not_running[0] == "SVCSTG.00100419"
    assert still_running == "RUNNING"
    assert status_of(client, plan["id"]) == "ABORTED"
    info = deploy_info(client, plan["id"])
    assert info["web"]["job_status"] == "SUCCEEDED"
    assert info["api"]["job_id"] is None
    assert component_names(backend, application) == ["web"]


def test_rollback_release_plan(
    client: httpx.Client,
    environment: dict[str, Any],
    application: dict[str, Any],
    running_component: dict[str, Any],
    backend: ServiceStageBackend,
    clock: VirtualClock,
) -> None:
    web_id = running_component["component_id"]
    web = entry(environment, application, "web", 1, component_id=web_id, version="2.0.0")
    api = entry(environment, application, "api", 1)
    plan = create_plan(client, {"name": "release", "components": [web, api]})
    nothing_yet = error_of(client.post(f"{PLANS}/{plan['id']}/rollback"), 409)
    execute(client, plan["id"])
    clock.advance(JOB_SECONDS)
    assert status_of(client, plan["id"]) == "SUCCESS"

    assert ok(client.post(f"{PLANS}/{plan['id']}/rollback")) is None
    rolling = deploy_info(client, plan["id"])
    assert status_of(client, plan["id"]) == "ROLLBACKING"
    clock.advance(JOB_SECONDS)

    assert nothing_yet[0] == "SVCSTG.00100419"
    assert {name: info["rollback_job_status"] for name, info in rolling.items()} == {
        "web": "RUNNING",
        "api": "RUNNING",
    }
    assert status_of(client, plan["id"]) == "ROLLBACK_SUCCEED"
    info = deploy_info(client, plan["id"])
    assert info["web"]["rollback_job_status"] == "SUCCEEDED"
    assert info["api"]["status"] == "DELETED"
    assert component_names(backend, application) == ["web"]
    assert backend.show_component(application["id"], web_id).spec.version == "2023.1102.17105"
    # The component the release created is gone; the task would create it again.
    shown = ok(client.get(f"{PLANS}/{plan['id']}"))["components"]
    assert [c.get("component_id") for c in shown] == [web_id, None]


def test_rollback_release_plan__failed_component_rollback_can_be_retried(
    client: httpx.Client,
    emulator: Emulator,
    two_batches: dict[str, Any],
    backend: ServiceStageBackend,
    application: dict[str, Any],
    clock: VirtualClock,
) -> None:
    plan = create_plan(client, two_batches)
    execute(client, plan["id"])
    clock.advance(2 * JOB_SECONDS)
    emulator.jobs.plan(
        "FAILED", operation="delete_component", component_name="api", message="volume busy"
    )

    ok(client.post(f"{PLANS}/{plan['id']}/rollback"))
    clock.advance(JOB_SECONDS)
    failed = deploy_info(client, plan["id"])
    failed_status = status_of(client, plan["id"])
    ok(client.post(f"{PLANS}/{plan['id']}/rollback"))
    retried = deploy_info(client, plan["id"])
    clock.advance(JOB_SECONDS)

    assert failed_status == "ROLLBACK_FAILED"
    assert (failed["api"]["rollback_job_status"], failed["api"]["rollback_fail_message"]) == (
        "FAILED",
        "volume busy",
    )
    assert failed["web"]["rollback_job_status"] == "SUCCEEDED"
    # Only what is still to undo is rolled back again.
    assert retried["web"]["rollback_job_id"] == failed["web"]["rollback_job_id"]
    assert retried["api"]["rollback_job_id"] != failed["api"]["rollback_job_id"]
    assert status_of(client, plan["id"]) == "ROLLBACK_SUCCEED"
    assert component_names(backend, application) == []


# The official SDK (3.1.219) has no release-plan operation or model. Its generic `call_api`
# still signs and sends the requests, with component entries built from its `ComponentCreate`;
# its typed operations then read the jobs and components the release made.


class RawAnswer(SdkResponse):
    """An answer the SDK has no model for: the body stays in `raw_content`."""

    openapi_types: ClassVar[dict[str, str]] = {}
    attribute_map: ClassVar[dict[str, str]] = {}


def sdk_call(sdk: Any, method: str, path: str, body: Any = None, **path_params: str) -> Any:
    answer = sdk.call_api(
        f"/v3/{{project_id}}/cas/release-plans{path}",
        method,
        path_params=path_params,
        header_params={"Content-Type": "application/json"},
        body=body,
        response_type=RawAnswer,
    )
    return json.loads(answer.raw_content) if answer.raw_content else None


def test_release_plan__official_sdk(live_emulator: tuple[Emulator, str]) -> None:
    credentials = BasicCredentials(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_PROJECT_ID)
    sdk = (
        ServiceStageClient.new_builder()
        .with_credentials(credentials)
        .with_endpoints([live_emulator[1]])
        .build()
    )
    environment = sdk.create_environment(
        CreateEnvironmentRequest(
            body=EnvironmentCreate(name="dev-env", vpc_id="vpc-1", deploy_mode="container")
        )
    )
    application = sdk.create_application(
        CreateApplicationRequest(body=ApplicationCreate(name="shop"))
    )

    def component(name: str, seq: int) -> dict[str, Any]:
        spec = ComponentCreate(
            name=name,
            runtime_stack=RuntimeStack(
                name="Docker", type="Docker", version="1.0.0", deploy_mode="container"
            ),
            source=SourceObject(kind="image", storage="swr", url=f"swr.example.com/shop/{name}:1"),
            version="1.0.0",
            replica=1,
            environment_id=environment.id,
            refer_resources=[ReferResourceCreate(id="cce-1", type="cce")],
        )
        return {**sanitize_for_serialization(spec), "seq": seq, "application_id": application.id}

    body = {"name": "sdk-release", "components": [component("web", 1), component("api", 2)]}
    created = sdk_call(sdk, "POST", "", body)
    plan = {"release_plan_id": created["id"]}
    sdk_call(sdk, "POST", "/{release_plan_id}/execute", **plan)
    with pytest.raises(ClientRequestException) as busy:
        sdk_call(sdk, "DELETE", "/{release_plan_id}", **plan)
    deadline = time.monotonic() + 20 * JOB_SECONDS
    while sdk_call(sdk, "GET", "/{release_plan_id}", **plan)["status"] == "RUNNING":
        assert time.monotonic() < deadline, "the release did not end"
        time.sleep(JOB_SECONDS / 5)
    info = sdk_call(sdk, "GET", "/{release_plan_id}/deploy-info", **plan)

    assert (busy.value.status_code, busy.value.error_code) == (409, "SVCSTG.00100435")
    assert sdk_call(sdk, "GET", "/{release_plan_id}", **plan)["status"] == "SUCCESS"
    for released in info["components"]:
        job = sdk.show_job_info(ShowJobInfoRequest(job_id=released["job_id"]))
        assert job.job.execution_status == "SUCCEEDED"
        shown = sdk.show_component_info(
            ShowComponentInfoRequest(application_id=application.id, component_id=released["id"])
        )
        assert (shown.name, shown.version) == (released["name"], released["version"])
    sdk_call(sdk, "DELETE", "/{release_plan_id}", **plan)
    assert sdk_call(sdk, "GET", "")["count"] == 0
