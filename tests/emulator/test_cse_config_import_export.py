"""Dynamic configuration on the CSE endpoint (004 §6.2) over HTTP on the virtual clock: an
import writes into the store the engine's configuration center (§7.7) reads, with the override
modes force, skip and abort; an export returns what is stored in the import file's format, so
that the two round-trip; §11.3's error codes; and the official SDK's upload_kie and
download_kie.

The ServiceComb part is served alone with a fake directory of engines; the last test goes
through the whole emulator and needs the engines part (§6.3) to create an engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from emulator_support import JOB_SECONDS, ok
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.formdata import FormFile
from huaweicloudsdkcse.v1 import (
    CseClient,
    DownloadKieReqBody,
    DownloadKieRequest,
    UploadKieRequest,
    UploadKieRequestBody,
)
from servicecomb_support import (
    ENGINE_ID,
    RBAC_ENGINE_ID,
    ServiceCombAlone,
    cse_config_code,
    cse_config_error,
    kv_path,
    serve_alone,
)

from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_KEY,
)
from pulumi_servicestage.emulator.server import serve_in_thread
from pulumi_servicestage.testing import VirtualClock

IMPORT = f"/v1/{DEFAULT_PROJECT_ID}/kie/file"
EXPORT = f"/v1/{DEFAULT_PROJECT_ID}/kie/download"
KV = kv_path()


@pytest.fixture
def comb(clock: VirtualClock) -> ServiceCombAlone:
    alone = serve_alone(clock)
    alone.http.headers["X-Auth-Token"] = alone.iam_token()
    return alone


@pytest.fixture
def http(comb: ServiceCombAlone) -> httpx.Client:
    return comb.http


def item(key: str, value: str = "1", **fields: Any) -> dict[str, Any]:
    """An entry of 表6-4's file."""
    return {
        "key": key,
        "value": value,
        "labels": {"app": "shop"},
        "status": "enabled",
        "value_type": "text",
        **fields,
    }


def upload(
    http: httpx.Client,
    content: Any,
    *,
    override: str | None = "force",
    filename: str = "custom_1663124521493.json",
    engine_id: str | None = ENGINE_ID,
    **query: str,
) -> httpx.Response:
    raw = content if isinstance(content, bytes) else json.dumps(content).encode()
    params = {**query, **({"override": override} if override is not None else {})}
    headers = {"x-engine-id": engine_id} if engine_id is not None else {}
    return http.post(
        IMPORT,
        params=params,
        headers=headers,
        files={"upload_file": (filename, raw, "application/json")},
    )


def export(http: httpx.Client, ids: list[str] | None = None, **query: str) -> dict[str, Any]:
    answer: dict[str, Any] = ok(
        http.post(EXPORT, params=query, json={"ids": ids or []}, headers={"x-engine-id": ENGINE_ID})
    )
    return answer


def stored(http: httpx.Client) -> dict[str, dict[str, Any]]:
    """What the engine's configuration center (§7.7) holds, by key."""
    return {entry["key"]: entry for entry in ok(http.get(KV))["data"]}


def test_an_import_writes_what_the_configuration_center_reads(http: httpx.Client) -> None:
    answer = ok(upload(http, {"data": [item("a"), item("b", "2", value_type="yaml")]}))
    assert answer["failure"] == []
    assert [entry["key"] for entry in answer["success"]] == ["a", "b"]
    assert set(answer["success"][0]) >= {"id", "create_revision", "update_revision", "labels"}

    items = stored(http)
    assert (items["b"]["value"], items["b"]["value_type"], items["b"]["status"]) == (
        "2",
        "yaml",
        "enabled",
    )
    assert items["a"]["labels"] == {"app": "shop"}
    assert items["a"]["id"] == answer["success"][0]["id"]


def test_an_export_round_trips_through_an_import(http: httpx.Client) -> None:
    ok(upload(http, {"data": [item("a"), item("b", "2", labels={}, status="disabled")]}))
    exported = export(http)
    assert exported["metadata"] == {"version": "2.0.0"}
    assert [set(entry) for entry in exported["data"]] == [
        {"id", "key", "labels", "value", "status", "value_type"}
    ] * 2

    ids = list(stored(http).values())
    http.request("DELETE", KV, json={"ids": [entry["id"] for entry in ids]})
    assert stored(http) == {}
    ok(upload(http, exported))
    again = export(http)
    without_ids = [{k: v for k, v in entry.items() if k != "id"} for entry in again["data"]]
    assert without_ids == [
        {k: v for k, v in entry.items() if k != "id"} for entry in exported["data"]
    ]


def test_an_export_takes_ids_and_labels(http: httpx.Client) -> None:
    answer = ok(
        upload(
            http,
            {
                "data": [
                    item("a"),
                    item("b", labels={"app": "shop", "env": "prod"}),
                    item("c", labels={}),
                ]
            },
        )
    )
    a, b, _ = (entry["id"] for entry in answer["success"])
    assert [entry["key"] for entry in export(http, [a, b, "nope"])["data"]] == ["a", "b"]
    assert [entry["key"] for entry in export(http, label="app:shop")["data"]] == ["a", "b"]
    exact = export(http, label="app:shop", match="exact")
    assert [entry["key"] for entry in exact["data"]] == ["a"]

    bad_label = http.post(
        EXPORT, params={"label": "nocolon"}, json={"ids": []}, headers={"x-engine-id": ENGINE_ID}
    )
    assert cse_config_code(bad_label) == "SVCSTG.00400653"
    bad_body = http.post(EXPORT, json={"ids": "a"}, headers={"x-engine-id": ENGINE_ID})
    assert cse_config_code(bad_body) == "SVCSTG.00400653"


def test_override_force_overwrites_duplicates(http: httpx.Client) -> None:
    ok(upload(http, {"data": [item("a")]}))
    answer = ok(upload(http, {"data": [item("a", "new", status="disabled"), item("b")]}))
    assert [entry["key"] for entry in answer["success"]] == ["a", "b"]
    assert answer["success"][0]["update_revision"] > answer["success"][0]["create_revision"]
    items = stored(http)
    assert (items["a"]["value"], items["a"]["status"]) == ("new", "disabled")
    assert len(items) == 2


def test_override_skip_leaves_duplicates(http: httpx.Client) -> None:
    ok(upload(http, {"data": [item("a")]}))
    answer = ok(upload(http, {"data": [item("a", "new"), item("b")]}, override="skip"))
    assert [entry["key"] for entry in answer["success"]] == ["b"]
    [failed] = answer["failure"]
    assert (failed["key"], failed["labels"], failed["error_code"]) == (
        "a",
        {"app": "shop"},
        "SVCSTG.00400107",
    )
    assert stored(http)["a"]["value"] == "1"


def test_override_abort_stops_at_the_first_duplicate(http: httpx.Client) -> None:
    ok(upload(http, {"data": [item("b")]}))
    answer = ok(upload(http, {"data": [item("a"), item("b", "new"), item("c")]}, override="abort"))
    assert [entry["key"] for entry in answer["success"]] == ["a"]
    assert [(f["key"], f["error_code"]) for f in answer["failure"]] == [
        ("b", "SVCSTG.00400107"),
        ("c", "SVCSTG.00400107"),
    ]
    assert sorted(stored(http)) == ["a", "b"]
    assert stored(http)["b"]["value"] == "1"


def test_a_duplicate_within_the_file_counts(http: httpx.Client) -> None:
    answer = ok(upload(http, {"data": [item("a"), item("a", "2")]}, override="skip"))
    assert len(answer["success"]) == 1 and answer["failure"][0]["key"] == "a"


def test_the_label_query_replaces_the_items_labels(http: httpx.Client) -> None:
    answer = ok(upload(http, {"data": [item("a")]}, label="env:prod"))
    assert answer["success"][0]["labels"] == {"env": "prod"}
    code, _ = cse_config_error(upload(http, {"data": [item("a")]}, label="nocolon"))
    assert code == "SVCSTG.00400100"


def test_items_that_cannot_be_imported_fail_alone(http: httpx.Client) -> None:
    answer = ok(
        upload(
            http,
            {
                "data": [
                    item("ok"),
                    {"key": "a", "value": 5},
                    {"key": "", "value": "x"},
                    item("has space"),
                    item("long", "v" * 131073),
                    item("typed", value_type="toml"),
                    "not an object",
                ]
            },
        )
    )
    assert [entry["key"] for entry in answer["success"]] == ["ok"]
    assert [failure["error_code"] for failure in answer["failure"]] == [
        "SVCSTG.00400652",
        "SVCSTG.00400652",
        "SVCSTG.00400649",
        "SVCSTG.00400649",
        "SVCSTG.00400100",
        "SVCSTG.00400100",
    ]
    assert set(answer["failure"][0]) == {"key", "labels", "error_code", "error_message"}


@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (b"not json", "config.json", "SVCSTG.00400650"),
        ({"items": []}, "config.json", "SVCSTG.00400650"),
        ([{"key": "a"}], "config.json", "SVCSTG.00400650"),
        (b"[" * 100 + b"]" * 100, "config.json", "SVCSTG.00400650"),
        (b"", "config.json", "SVCSTG.00400651"),
        ({"data": []}, "config.yaml", "SVCSTG.00400651"),
    ],
)
def test_a_bad_file_is_refused(http: httpx.Client, content: Any, filename: str, code: str) -> None:
    assert cse_config_code(upload(http, content, filename=filename)) == code


def test_an_import_needs_an_override_mode_and_a_file(http: httpx.Client) -> None:
    assert cse_config_code(upload(http, {"data": []}, override=None)) == "SVCSTG.00400100"
    assert cse_config_code(upload(http, {"data": []}, override="merge")) == "SVCSTG.00400100"
    no_file = http.post(IMPORT, params={"override": "force"}, headers={"x-engine-id": ENGINE_ID})
    assert cse_config_code(no_file) == "SVCSTG.00400100"
    other_field = http.post(
        IMPORT,
        params={"override": "force"},
        headers={"x-engine-id": ENGINE_ID},
        files={"file": ("config.json", b"{}", "application/json")},
    )
    assert cse_config_code(other_field) == "SVCSTG.00400651"


def test_the_engine_is_named_by_the_x_engine_id_header(comb: ServiceCombAlone) -> None:
    http = comb.http
    content = {"data": [item("a")]}
    assert cse_config_code(upload(http, content, engine_id=None)) == "SVCSTG.00400100"
    assert cse_config_code(upload(http, content, engine_id="unknown")) == "SVCSTG.00501116"
    comb.engines.add(ENGINE_ID, serving=False)
    assert cse_config_code(upload(http, content)) == "SVCSTG.00501149"
    no_engine = http.post(EXPORT, json={"ids": []})
    assert cse_config_code(no_engine) == "SVCSTG.00400100"


def test_the_cse_endpoint_checks_the_gateway_credentials(comb: ServiceCombAlone) -> None:
    del comb.http.headers["X-Auth-Token"]
    response = upload(comb.http, {"data": []})
    assert response.status_code == 401
    assert response.json()["error_code"] == "APIGW.0301"


def test_the_import_reaches_an_rbac_engine_without_its_token(comb: ServiceCombAlone) -> None:
    answer = ok(upload(comb.http, {"data": [item("a")]}, engine_id=RBAC_ENGINE_ID))
    assert [entry["key"] for entry in answer["success"]] == ["a"]


# -- the official SDK ------------------------------------------------------------------------------


@pytest.fixture
def sdk(comb: ServiceCombAlone) -> Iterator[Any]:
    credentials = BasicCredentials(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_PROJECT_ID)
    with serve_in_thread(comb.app, host="127.0.0.1", port=0) as url:
        yield CseClient.new_builder().with_credentials(credentials).with_endpoints([url]).build()


@pytest.mark.filterwarnings("error")
def test_the_official_sdk_imports_and_exports(sdk: Any, tmp_path: Path) -> None:
    exported_file = tmp_path / "custom.json"
    exported_file.write_text(json.dumps({"data": [item("a"), item("b", "2")]}))
    form = FormFile(str(exported_file))
    try:
        uploaded = sdk.upload_kie(
            UploadKieRequest(
                x_engine_id=ENGINE_ID,
                override="force",
                body=UploadKieRequestBody(upload_file=form),
            )
        )
    finally:
        form.close()
    assert [entry.key for entry in uploaded.success] == ["a", "b"]
    assert uploaded.success[0].create_revision == 1
    assert uploaded.failure == []

    downloaded = sdk.download_kie(
        DownloadKieRequest(x_engine_id=ENGINE_ID, body=DownloadKieReqBody(ids=[]))
    )
    assert downloaded.metadata.version == "2.0.0"
    assert [(entry.key, entry.value, entry.labels) for entry in downloaded.data] == [
        ("a", "1", {"app": "shop"}),
        ("b", "2", {"app": "shop"}),
    ]

    with pytest.raises(ClientRequestException) as refused:
        sdk.download_kie(DownloadKieRequest(x_engine_id="unknown", body=DownloadKieReqBody(ids=[])))
    assert refused.value.status_code == 400
    assert refused.value.error_code == "SVCSTG.00501116"


# -- through the whole emulator (needs the engines part, §6.3) ----------------------------------


def test_through_the_emulator_an_import_reaches_a_created_engine(
    client: httpx.Client, anonymous: httpx.Client, clock: VirtualClock
) -> None:
    body = {
        "name": "orders",
        "payment": "1",
        "flavor": "cse.s1.small2",
        "azList": ["cn-north-4a"],
        "authType": "NONE",
        "vpc": "vpc-demotest",
        "vpcId": "09902850-9454-4715-9764-018f0c37022",
        "networkId": "88550801-e892-4f8e-b21b-f7147f6229",
        "subnetCidr": "192.168.0.0/24",
        "specType": "CSE2",
    }
    engine_id = ok(client.post(f"/v2/{DEFAULT_PROJECT_ID}/enginemgr/engines", json=body))["id"]
    assert cse_config_code(upload(client, {"data": []}, engine_id=engine_id)) == "SVCSTG.00501149"
    clock.advance(JOB_SECONDS)
    ok(upload(client, {"data": [item("a")]}, engine_id=engine_id))
    listed = ok(anonymous.get(f"/_engines/{DEFAULT_PROJECT_ID}/{engine_id}/v1/default/kie/kv"))
    assert [entry["key"] for entry in listed["data"]] == ["a"]
