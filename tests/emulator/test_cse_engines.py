"""CSE engine management (004 §6.3) over HTTP on the virtual clock: flavors, engines whose jobs
move them through their states, planned failures and hangs, CSE's error codes, and what an
engine's own APIs learn of it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from emulator_support import JOB_SECONDS, in_process_client, issue_token, ok

from pulumi_servicestage.emulator import DEFAULT_PROJECT_ID, Emulator
from pulumi_servicestage.emulator.cse.access import EngineAccess
from pulumi_servicestage.emulator.cse.backend import CseBackend
from pulumi_servicestage.emulator.cse.engines.backend import EngineBackend
from pulumi_servicestage.testing import VirtualClock

ENGINEMGR = f"/v2/{DEFAULT_PROJECT_ID}/enginemgr"
ENGINES = f"{ENGINEMGR}/engines"
CONTROL = f"/_emulator/projects/{DEFAULT_PROJECT_ID}/cse/engine-job-plans"
OTHER_PROJECT_ID = "5f4e3d2c1b0a49586776859403a2b1c0"
# A stage's share of a job: the working (second) stage ends at two thirds.
STAGE_SECONDS = JOB_SECONDS / 3


def engine_body(**overrides: Any) -> dict[str, Any]:
    """表6-38's example, with security authentication."""
    body: dict[str, Any] = {
        "name": "test",
        "description": "test",
        "payment": "1",
        "flavor": "cse.s1.small2",
        "azList": ["cn-north-4a", "cn-north-4b"],
        "authType": "RBAC",
        "auth_cred": {"pwd": "Engine@2024"},
        "vpc": "vpc-demotest",
        "vpcId": "09902850-9454-4715-9764-018f0c37022",
        "networkId": "88550801-e892-4f8e-b21b-f7147f6229",
        "subnetCidr": "192.168.0.0/24",
        "specType": "CSE2",
        "inputs": {"nodeFlavor": "s6.large.2"},
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def cse_error(response: httpx.Response) -> tuple[str, str]:
    """CSE's error code and detail; every engine-management error is a 400 whose body carries
    error_code, error_msg and detail."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"error_code", "error_msg", "detail"}
    return body["error_code"], body["detail"]


def engines(emulator: Emulator) -> EngineBackend:
    return emulator.area(CseBackend).engines


@pytest.fixture
def created(client: httpx.Client) -> dict[str, Any]:
    """An engine still being created: the create's answer and the engine's ``path``."""
    answer: dict[str, Any] = ok(client.post(ENGINES, json=engine_body()))
    return {**answer, "path": f"{ENGINES}/{answer['id']}"}


@pytest.fixture
def available(created: dict[str, Any], clock: VirtualClock) -> dict[str, Any]:
    clock.advance(JOB_SECONDS)
    return created


def stage_statuses(job: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (stage["taskName"], stage["status"], stage["tasks"][0]["status"]) for stage in job["tasks"]
    ]


# -- flavors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", [{}, {"specType": "CSE2"}, {"specType": "CSE"}, {"spec_type": "CSE2"}]
)
def test_list_flavors__the_documented_catalogue(
    client: httpx.Client, query: dict[str, str]
) -> None:
    flavors = ok(client.get(f"{ENGINEMGR}/flavors", params=query))

    assert flavors == {
        "total": 4,
        "data": [
            {"flavor": "cse.s1.small2", "description": "高可用100实例引擎"},
            {"flavor": "cse.s1.medium2", "description": "高可用200实例引擎"},
            {"flavor": "cse.s1.large2", "description": "高可用500实例引擎"},
            {"flavor": "cse.s1.xlarge2", "description": "高可用2000实例引擎"},
        ],
    }


@pytest.mark.parametrize("spec_type", ["", "CSE3", "cse2"])
def test_list_flavors__unknown_spec_type_is_00501134(client: httpx.Client, spec_type: str) -> None:
    response = client.get(f"{ENGINEMGR}/flavors", params={"specType": spec_type})

    assert cse_error(response)[0] == "SVCSTG.00501134"
    assert response.json()["error_msg"] == "The engine type is left blank."


# -- create -----------------------------------------------------------------------------------


def test_create_engine__creating_then_available_as_its_job_moves(
    client: httpx.Client, clock: VirtualClock
) -> None:
    answer = ok(client.post(ENGINES, json=engine_body()))

    assert set(answer) == {"id", "name", "jobId"}
    assert (answer["name"], isinstance(answer["jobId"], int)) == ("test", True)
    path = f"{ENGINES}/{answer['id']}"
    job_path = f"{path}/jobs/{answer['jobId']}"
    creating = ok(client.get(path))
    assert (creating["status"], creating["latestJobId"]) == ("Creating", answer["jobId"])
    assert creating["engineAdditionalActions"] == []
    # No addresses, nodes or machines before the engine exists.
    assert (
        creating["externalEntrypoint"]["serviceEndpoint"]["serviceCenter"]["masterEntrypoint"] == ""
    )
    assert creating["cceSpec"]["clusterNodes"] == {"clusterNodes": []}
    assert creating["vmIds"] == []

    clock.advance(STAGE_SECONDS * 1.5)
    job = ok(client.get(job_path))
    assert (job["status"], job["scheduling"], job["endTime"]) == ("Executing", 1, 0)
    assert (job["id"], job["engineId"], job["type"]) == (answer["jobId"], answer["id"], "Create")
    assert stage_statuses(job) == [
        ("resourcePrepare", "Finished", "Finished"),
        ("engineDeploy", "Executing", "Executing"),
        ("engineCheck", "Init", "Init"),
    ]
    assert ok(client.get(path))["status"] == "Creating"

    clock.advance(STAGE_SECONDS * 1.6)
    job = ok(client.get(job_path))
    assert (job["status"], job["scheduling"]) == ("Finished", 0)
    assert abs(job["endTime"] - job["startTime"] - JOB_SECONDS * 1000) <= 1
    assert {status for _, *statuses in stage_statuses(job) for status in statuses} == {"Finished"}
    assert ok(client.get(path))["status"] == "Available"


def test_show_engine__addresses_are_the_emulator_s_own(
    client: httpx.Client, available: dict[str, Any]
) -> None:
    engine = ok(client.get(available["path"]))

    address = f"http://servicestage.emulator/_engines/{DEFAULT_PROJECT_ID}/{available['id']}"
    endpoints = engine["externalEntrypoint"]["serviceEndpoint"]
    assert endpoints["serviceCenter"]["masterEntrypoint"] == address
    assert endpoints["kie"]["masterEntrypoint"] == address
    assert engine["externalEntrypoint"]["externalAddress"] == "servicestage.emulator"
    # Without an EIP (publicIpId) nothing is public.
    assert engine["publicAddress"] == ""
    assert engine["externalEntrypoint"]["publicServiceEndpoint"]["kie"]["masterEntrypoint"] == ""
    assert [
        (node["az"], node["ip"]) for node in engine["cceSpec"]["clusterNodes"]["clusterNodes"]
    ] == [
        ("cn-north-4a", "192.168.0.2"),
        ("cn-north-4b", "192.168.0.3"),
    ]
    assert len(engine["vmIds"]) == 2
    assert engine["reference"] == {
        "vpc": "vpc-demotest",
        "vpcId": "09902850-9454-4715-9764-018f0c37022",
        "azList": ["cn-north-4a", "cn-north-4b"],
        "networkId": "88550801-e892-4f8e-b21b-f7147f6229",
        "subnetCidr": "192.168.0.0/24",
        "subnetCidrV6": "",
        "subnetGateway": "192.168.0.1",
        "publicIpId": None,
        "serviceLimit": 100,
        "instanceLimit": 100,
        "inputs": {"nodeFlavor": "s6.large.2"},
    }
    assert {
        key: engine[key] for key in ("projectId", "type", "specType", "authType", "payment")
    } == {
        "projectId": DEFAULT_PROJECT_ID,
        "type": "CSE",
        "specType": "CSE2",
        "authType": "RBAC",
        "payment": "1",
    }
    assert engine["authConfig"] == {"consoleAuthEnabled": True, "sdkAuthEnabled": True}
    assert (engine["enterpriseProjectId"], engine["enterpriseProjectName"]) == ("0", "default")
    assert engine["engineAdditionalActions"] == ["Delete"]
    assert "auth_cred" not in engine and "Engine@2024" not in str(engine)


def test_show_engine__public_addresses_with_an_eip(
    client: httpx.Client, clock: VirtualClock
) -> None:
    answer = ok(client.post(ENGINES, json=engine_body(publicIpId="eip-1")))
    clock.advance(JOB_SECONDS)

    engine = ok(client.get(f"{ENGINES}/{answer['id']}"))

    public = engine["externalEntrypoint"]["publicServiceEndpoint"]["serviceCenter"]
    assert public["masterEntrypoint"].endswith(f"/_engines/{DEFAULT_PROJECT_ID}/{answer['id']}")
    assert engine["publicAddress"] == "servicestage.emulator"
    assert engine["reference"]["publicIpId"] == "eip-1"


NAME_RULE = (
    "name: Value error, required; 3 to 24 letters, digits or -, starting with a letter, not "
    "ending with -, and not default (004 表6-38)"
)


@pytest.mark.parametrize(
    ("change", "code", "detail"),
    [
        ({"payment": "2"}, "SVCSTG.00501103", "payment: Value error, required; 1"),
        ({"payment": None}, "SVCSTG.00501103", "payment: Field required"),
        ({"flavor": "cse.s1.huge"}, "SVCSTG.00501104", "flavor: Value error, required;"),
        ({"azList": []}, "SVCSTG.00501105", "azList: Value error, required; 1 to 3"),
        ({"azList": ["a", "b", "c", "d"]}, "SVCSTG.00501105", "azList: Value error"),
        ({"azList": "cn-north-4a"}, "SVCSTG.00501105", "azList: Input should be a valid array"),
        ({"specType": "CSE3"}, "SVCSTG.00501134", "specType: Value error, required; CSE or CSE2"),
    ],
)
def test_create_engine__fields_with_their_own_codes(
    client: httpx.Client, change: dict[str, Any], code: str, detail: str
) -> None:
    found_code, found = cse_error(client.post(ENGINES, json=engine_body(**change)))

    assert found_code == code
    assert found.startswith(detail)


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"name": "te"}, NAME_RULE),
        ({"name": "9test"}, NAME_RULE),
        ({"name": "test-"}, NAME_RULE),
        ({"name": "a" * 25}, NAME_RULE),
        ({"name": "default"}, NAME_RULE),
        ({"description": "d" * 256}, "description: Value error, at most 255 characters"),
        ({"authType": "TOKEN"}, "authType: Value error, required; RBAC or NONE"),
        ({"auth_cred": None}, "Value error, required when authType is RBAC"),
        ({"auth_cred": {}}, "auth_cred.pwd: Field required"),
        (
            {"authConfig": {"consoleAuthEnabled": False, "sdkAuthEnabled": True}},
            "authConfig: Value error, consoleAuthEnabled and sdkAuthEnabled required;",
        ),
        ({"authConfig": {"sdkAuthEnabled": False}}, "authConfig.consoleAuthEnabled: Field"),
        ({"vpcId": "v" * 65}, "vpcId: Value error, required; at most 64 characters"),
        ({"networkId": None}, "networkId: Field required"),
        ({"subnetCidr": 24}, "subnetCidr: Input should be a valid string"),
        ({"inputs": {"nodes": 3}}, "inputs.nodes: Input should be a valid string"),
    ],
)
def test_create_engine__other_broken_rules_are_the_parameter_code(
    client: httpx.Client, change: dict[str, Any], detail: str
) -> None:
    code, found = cse_error(client.post(ENGINES, json=engine_body(**change)))

    assert code == "SVCSTG.00500400"
    assert found.startswith(detail)


@pytest.mark.parametrize("body", [b"", b"{", b"[]"])
def test_create_engine__unreadable_bodies_are_the_parameter_code(
    client: httpx.Client, body: bytes
) -> None:
    response = client.post(ENGINES, content=body, headers={"Content-Type": "application/json"})

    assert cse_error(response)[0] == "SVCSTG.00500400"


@pytest.mark.parametrize(
    "change",
    [
        {"name": "abc", "description": "", "authType": "NONE", "auth_cred": None},
        {"name": "A-" + "b" * 21 + "9", "azList": ["a", "b", "c"], "specType": "CSE"},
        {"authConfig": {"consoleAuthEnabled": True, "sdkAuthEnabled": False}},
        {"flavor": "cse.s1.xlarge2", "subnetCidr": "not a cidr", "unknown": {"kept": False}},
    ],
)
def test_create_engine__what_the_documents_allow_is_taken(
    client: httpx.Client, change: dict[str, Any]
) -> None:
    answer = ok(client.post(ENGINES, json=engine_body(**change)))

    engine = ok(client.get(f"{ENGINES}/{answer['id']}"))
    assert engine["name"] == engine_body(**change)["name"]
    assert "unknown" not in engine


@pytest.mark.parametrize(
    ("headers", "body", "shown"),
    [
        ({"X-Enterprise-Project-ID": "eps-1"}, {}, ("eps-1", "")),
        ({}, {"enterpriseProject": {"id": "eps-2", "name": "shop"}}, ("eps-2", "shop")),
        ({"X-Enterprise-Project-ID": "0"}, {}, ("0", "default")),
    ],
)
def test_create_engine__the_enterprise_project_of_the_header_or_the_sdk_s_body(
    client: httpx.Client, headers: dict[str, str], body: dict[str, Any], shown: tuple[str, str]
) -> None:
    answer = ok(client.post(ENGINES, json=engine_body(**body), headers=headers))

    engine = ok(client.get(f"{ENGINES}/{answer['id']}"))
    assert (engine["enterpriseProjectId"], engine["enterpriseProjectName"]) == shown


def test_create_engine__names_are_unique_in_a_project(
    client: httpx.Client, emulator: Emulator, created: dict[str, Any]
) -> None:
    assert cse_error(client.post(ENGINES, json=engine_body())) == (
        "SVCSTG.00501111",
        "engine name test is already used",
    )
    # Another project may use the name.
    emulator.add_project(OTHER_PROJECT_ID, "cn-south-1")
    with in_process_client(emulator) as other:
        other.headers["X-Auth-Token"] = issue_token(other, project={"name": "cn-south-1"})
        ok(other.post(f"/v2/{OTHER_PROJECT_ID}/enginemgr/engines", json=engine_body()))
        assert ok(other.get(f"/v2/{OTHER_PROJECT_ID}/enginemgr/engines"))["total"] == 1


def test_engine_apis_need_credentials(anonymous: httpx.Client) -> None:
    response = anonymous.get(ENGINES)

    assert (response.status_code, response.json()["error_code"]) == (401, "APIGW.0301")


# -- list -------------------------------------------------------------------------------------


def test_list_engines__newest_first_paged(client: httpx.Client, clock: VirtualClock) -> None:
    for name in ("first", "second", "third"):
        ok(client.post(ENGINES, json=engine_body(name=name)))
    clock.advance(JOB_SECONDS)

    listed = ok(client.get(ENGINES))
    page = ok(client.get(ENGINES, params={"offset": "1", "limit": "1"}))

    assert listed["total"] == 3
    assert [engine["name"] for engine in listed["data"]] == ["third", "second", "first"]
    assert (page["total"], [engine["name"] for engine in page["data"]]) == (3, ["second"])
    summary = listed["data"][0]
    assert summary["status"] == "Available"
    assert summary["serviceEndpoint"]["serviceCenter"]["masterEntrypoint"].endswith(summary["id"])
    assert (summary["totalInstance"], summary["usedInstance"], summary["availableInstance"]) == (
        100,
        0,
        100,
    )
    assert (summary["version"], summary["dueTo"]) == ("2.3.3", 4102415999000)


def test_list_engines__by_type(client: httpx.Client, created: dict[str, Any]) -> None:
    assert ok(client.get(ENGINES, params={"type": "CSE"}))["total"] == 1
    assert ok(client.get(ENGINES, params={"type": "CSE_SHARE"})) == {"total": 0, "data": []}
    assert cse_error(client.get(ENGINES, params={"type": "NACOS"}))[0] == "SVCSTG.00500400"
    assert cse_error(client.get(ENGINES, params={"limit": "-1"}))[0] == "SVCSTG.00500400"


# -- delete -----------------------------------------------------------------------------------


def test_delete_engine__deleting_then_gone(
    client: httpx.Client, clock: VirtualClock, available: dict[str, Any]
) -> None:
    answer = ok(client.delete(available["path"]))

    assert answer["id"] == available["id"] and answer["name"] == "test"
    assert answer["jobId"] > available["jobId"]
    deleting = ok(client.get(available["path"]))
    assert (deleting["status"], deleting["latestJobId"]) == ("Deleting", answer["jobId"])
    job = ok(client.get(f"{available['path']}/jobs/{answer['jobId']}"))
    assert (job["type"], job["status"]) == ("Delete", "Executing")
    assert cse_error(client.delete(available["path"])) == (
        "SVCSTG.00501117",
        "engine test is Deleting",
    )

    clock.advance(JOB_SECONDS)

    gone = cse_error(client.get(available["path"]))
    assert gone == ("SVCSTG.00501116", f"engine {available['id']} not found")
    # The engine's jobs went with it, as Terraform's provider expects of a finished delete.
    assert cse_error(client.get(f"{available['path']}/jobs/{answer['jobId']}"))[0] == (
        "SVCSTG.00501116"
    )
    assert ok(client.get(ENGINES)) == {"total": 0, "data": []}
    # The name is free again.
    ok(client.post(ENGINES, json=engine_body()))


def test_delete_engine__refused_while_creating(
    client: httpx.Client, created: dict[str, Any]
) -> None:
    assert cse_error(client.delete(created["path"])) == (
        "SVCSTG.00501117",
        "engine test is Creating",
    )


def test_jobs__unknown_engine_or_job(client: httpx.Client, available: dict[str, Any]) -> None:
    other = ok(client.post(ENGINES, json=engine_body(name="other")))

    assert cse_error(client.get(f"{ENGINES}/nope/jobs/1"))[0] == "SVCSTG.00501116"
    assert cse_error(client.get(f"{available['path']}/jobs/abc")) == (
        "SVCSTG.00501152",
        "job id 'abc' is not an integer",
    )
    assert cse_error(client.get(f"{available['path']}/jobs/{other['jobId']}")) == (
        "SVCSTG.00501153",
        f"engine test has no job {other['jobId']}",
    )
    assert cse_error(client.delete(f"{ENGINES}/nope"))[0] == "SVCSTG.00501116"


# -- planned failures and hangs ---------------------------------------------------------------


def test_planned_failure__create_fails_with_the_message_in_the_task_log(
    client: httpx.Client, clock: VirtualClock, emulator: Emulator
) -> None:
    engines(emulator).plan("create", message="no capacity in cn-north-4a", engine_name="test")

    created = ok(client.post(ENGINES, json=engine_body()))
    path = f"{ENGINES}/{created['id']}"
    clock.advance(STAGE_SECONDS * 2 + 0.001)

    job = ok(client.get(f"{path}/jobs/{created['jobId']}"))
    assert (job["status"], job["scheduling"]) == ("Error", 0)
    assert stage_statuses(job) == [
        ("resourcePrepare", "Finished", "Finished"),
        ("engineDeploy", "Error", "Error"),
        ("engineCheck", "Init", "Init"),
    ]
    assert [stage["tasks"][0]["log"] for stage in job["tasks"]] == [
        "",
        "no capacity in cn-north-4a",
        "",
    ]
    engine = ok(client.get(path))
    assert (engine["status"], engine["engineAdditionalActions"]) == ("CreateFailed", ["Delete"])
    assert engines(emulator).engine_access(created["id"]) == EngineAccess(
        created["id"], serving=False, rbac_enabled=True, admin_password="Engine@2024"
    )
    # A failed engine can be deleted.
    ok(client.delete(path))
    clock.advance(JOB_SECONDS)
    assert cse_error(client.get(path))[0] == "SVCSTG.00501116"


def test_planned_failure__delete_leaves_the_engine_delete_failed(
    client: httpx.Client, clock: VirtualClock, emulator: Emulator, available: dict[str, Any]
) -> None:
    engines(emulator).plan("delete")

    deleted = ok(client.delete(available["path"]))
    clock.advance(JOB_SECONDS)

    job = ok(client.get(f"{available['path']}/jobs/{deleted['jobId']}"))
    assert job["status"] == "Error"
    assert job["tasks"][1]["tasks"][0]["log"].startswith("engine undeploy failed")
    assert ok(client.get(available["path"]))["status"] == "DeleteFailed"
    access = engines(emulator).engine_access(available["id"])
    assert access is not None and access.serving
    # Deleting again succeeds.
    ok(client.delete(available["path"]))
    clock.advance(JOB_SECONDS)
    assert cse_error(client.get(available["path"]))[0] == "SVCSTG.00501116"


def test_planned_hang__the_job_never_ends(
    client: httpx.Client, clock: VirtualClock, emulator: Emulator
) -> None:
    engines(emulator).plan("create", "HANG")

    created = ok(client.post(ENGINES, json=engine_body()))
    clock.advance(JOB_SECONDS * 100)

    path = f"{ENGINES}/{created['id']}"
    job = ok(client.get(f"{path}/jobs/{created['jobId']}"))
    assert (job["status"], job["endTime"]) == ("Executing", 0)
    assert [status for _, status, _ in stage_statuses(job)] == ["Finished", "Executing", "Init"]
    assert ok(client.get(path))["status"] == "Creating"
    assert cse_error(client.delete(path))[0] == "SVCSTG.00501117"


def test_plans_apply_to_their_operation_and_engine_name(
    client: httpx.Client, clock: VirtualClock, emulator: Emulator
) -> None:
    engines(emulator).plan("delete")
    engines(emulator).plan("create", engine_name="other")

    created = ok(client.post(ENGINES, json=engine_body()))
    clock.advance(JOB_SECONDS)

    assert ok(client.get(f"{ENGINES}/{created['id']}"))["status"] == "Available"
    assert [(plan.operation.value, plan.engine_name) for plan in engines(emulator).planned()] == [
        ("delete", None),
        ("create", "other"),
    ]


def test_job_plans__control_routes(
    client: httpx.Client, anonymous: httpx.Client, clock: VirtualClock, emulator: Emulator
) -> None:
    planned = ok(anonymous.post(CONTROL, json={"operation": "create", "message": "quota"}))

    assert planned == {
        "plans": [
            {"operation": "create", "outcome": "FAILED", "message": "quota", "engine_name": None}
        ]
    }
    created = ok(client.post(ENGINES, json=engine_body()))
    clock.advance(JOB_SECONDS)
    assert ok(client.get(f"{ENGINES}/{created['id']}"))["status"] == "CreateFailed"
    assert ok(anonymous.get(CONTROL)) == {"plans": []}

    hang = ok(anonymous.post(CONTROL, json={"operation": "delete", "outcome": "HANG"}))
    assert hang["plans"][0]["message"].startswith("engine undeploy failed")
    assert anonymous.delete(CONTROL).status_code == 204
    assert ok(anonymous.get(CONTROL)) == {"plans": []}
    bad = anonymous.post(CONTROL, json={"operation": "upgrade"})
    assert (bad.status_code, bad.json()["error_code"]) == (400, "EMULATOR.0400")
    assert anonymous.get("/_emulator/projects/nope/cse/engine-job-plans").status_code == 400
    assert not any("engine-job-plans" in key for key in emulator.request_counts())


# -- what the engine's own APIs see, and reset ------------------------------------------------


def test_engine_access__serving_once_created_with_its_authentication(
    client: httpx.Client, clock: VirtualClock, emulator: Emulator
) -> None:
    secured = ok(client.post(ENGINES, json=engine_body()))
    open_engine = ok(
        client.post(ENGINES, json=engine_body(name="open", authType="NONE", auth_cred=None))
    )
    console_only = ok(
        client.post(
            ENGINES,
            json=engine_body(
                name="console-only",
                authConfig={"consoleAuthEnabled": True, "sdkAuthEnabled": False},
            ),
        )
    )
    directory = engines(emulator)

    assert directory.engine_access(secured["id"]) == EngineAccess(
        secured["id"], serving=False, rbac_enabled=True, admin_password="Engine@2024"
    )
    clock.advance(JOB_SECONDS)
    assert directory.engine_access(secured["id"]) == EngineAccess(
        secured["id"], serving=True, rbac_enabled=True, admin_password="Engine@2024"
    )
    assert directory.engine_access(open_engine["id"]) == EngineAccess(
        open_engine["id"], serving=True, rbac_enabled=False, admin_password=None
    )
    assert directory.engine_access(console_only["id"]) == EngineAccess(
        console_only["id"], serving=True, rbac_enabled=False, admin_password=None
    )
    ok(client.delete(f"{ENGINES}/{secured['id']}"))
    deleting = directory.engine_access(secured["id"])
    assert deleting is not None and deleting.serving is False
    clock.advance(JOB_SECONDS)
    assert directory.engine_access(secured["id"]) is None
    assert directory.engine_access("nope") is None


def test_reset_forgets_engines_and_plans(
    client: httpx.Client, emulator: Emulator, created: dict[str, Any]
) -> None:
    engines(emulator).plan("create")

    emulator.reset()

    assert ok(client.get(ENGINES)) == {"total": 0, "data": []}
    assert engines(emulator).planned() == []
