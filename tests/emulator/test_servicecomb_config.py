"""An engine's configuration center (004 §7.7) over HTTP on the virtual clock: key-values with
labels, status and value type, revisions and the 304 of an unchanged list, its error bodies,
and security authentication.

The ServiceComb part is served alone with a fake directory of engines; the last test goes
through the whole emulator and needs the engines part (§6.3) to create an engine.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from emulator_support import JOB_SECONDS, ok
from servicecomb_support import (
    ADMIN_PASSWORD,
    RBAC_ENGINE_ID,
    ServiceCombAlone,
    kv_code,
    kv_error,
    kv_path,
    serve_alone,
)

from pulumi_servicestage.emulator import DEFAULT_PROJECT_ID
from pulumi_servicestage.testing import VirtualClock

KV = kv_path()


@pytest.fixture
def comb(clock: VirtualClock) -> ServiceCombAlone:
    return serve_alone(clock)


@pytest.fixture
def http(comb: ServiceCombAlone) -> httpx.Client:
    return comb.http


def create(http: httpx.Client, path: str = KV, **fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = ok(http.post(path, json={"key": "timeout", "value": "30", **fields}))
    return item


def keys(http: httpx.Client, **query: Any) -> list[str]:
    answer = ok(http.get(KV, params=query))
    assert answer["total"] == len(answer["data"])
    return [item["key"] for item in answer["data"]]


def test_create_and_show_an_item(http: httpx.Client, clock: VirtualClock) -> None:
    body = {
        "key": "timeout",
        "value": "30",
        "labels": {"key1": "value1", "key2": "value2"},
        "status": "enabled",
        "value_type": "text",
    }
    created = ok(http.post(KV, json=body))
    assert set(created) == {
        "id",
        "key",
        "value",
        "value_type",
        "status",
        "labels",
        "create_time",
        "update_time",
        "create_revision",
        "update_revision",
    }
    assert {name: created[name] for name in body} == body
    assert created["create_time"] == created["update_time"] == int(clock.wall())
    assert created["create_revision"] == created["update_revision"] == 1
    assert ok(http.get(f"{KV}/{created['id']}")) == created


def test_an_item_takes_defaults_for_what_the_body_leaves_out(http: httpx.Client) -> None:
    item = ok(http.post(KV, json={"key": "bare"}))
    assert (item["value"], item["labels"], item["status"], item["value_type"]) == (
        "",
        {},
        "disabled",
        "text",
    )


def test_key_and_labels_name_one_item(http: httpx.Client) -> None:
    create(http, labels={"app": "a"})
    code, message = kv_error(http.post(KV, json={"key": "timeout", "labels": {"app": "a"}}), 409)
    assert code == "409001" and "timeout" in message
    create(http, labels={"app": "b"})
    create(http)
    assert keys(http) == ["timeout"] * 3


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"value": "x"}, "key"),
        ({"key": "has space"}, "表11-3"),
        ({"key": "k" * 2049}, "表11-3"),
        ({"key": "k", "value": "v" * 131073}, "表11-3"),
        ({"key": "k", "value_type": "toml"}, "value_type"),
        ({"key": "k", "labels": {"a": 1}}, "labels"),
        ({"key": 5}, "key"),
    ],
)
def test_an_item_breaking_a_rule_is_refused(
    http: httpx.Client, body: dict[str, Any], where: str
) -> None:
    code, message = kv_error(http.post(KV, json=body), 400)
    assert code == "400001" and where in message


def test_keys_take_the_characters_of_the_table(http: httpx.Client) -> None:
    create(http, key="servicecomb.matchGroup.a-b_c:[0]")


def test_modify_an_item(http: httpx.Client, clock: VirtualClock) -> None:
    item = create(http, value_type="yaml")
    clock.advance(7)
    modified = ok(http.put(f"{KV}/{item['id']}", json={"value": "60", "status": "enabled"}))
    assert (modified["value"], modified["status"], modified["value_type"]) == (
        "60",
        "enabled",
        "yaml",
    )
    assert modified["update_time"] == item["update_time"] + 7
    assert (modified["create_revision"], modified["update_revision"]) == (1, 2)
    kept = ok(http.put(f"{KV}/{item['id']}", json={"value": "90"}))
    assert kept["status"] == "enabled"

    assert kv_code(http.put(f"{KV}/{item['id']}", json={"status": "enabled"}), 400) == "400001"
    assert kv_code(http.put(f"{KV}/nope", json={"value": "1"}), 404) == "404001"
    assert kv_code(http.get(f"{KV}/nope"), 404) == "404001"


def test_list_filters_by_labels(http: httpx.Client) -> None:
    create(http, key="both", labels={"app": "shop", "env": "prod"})
    create(http, key="app", labels={"app": "shop"})
    create(http, key="none")

    assert keys(http) == ["both", "app", "none"]
    assert keys(http, label="app:shop") == ["both", "app"]
    assert keys(http, label=["app:shop", "env:prod"]) == ["both"]
    assert keys(http, label="app:shop", match="exact") == ["app"]
    assert keys(http, label="app:other") == []
    assert kv_code(http.get(KV, params={"label": "no-colon"}), 400) == "400001"


def test_list_answers_304_to_a_client_holding_the_current_revision(http: httpx.Client) -> None:
    item = create(http)
    revision = item["update_revision"]
    unchanged = http.get(KV, params={"revision": revision})
    assert unchanged.status_code == 304 and not unchanged.content
    assert http.get(KV, params={"revision": 0}).status_code == 200

    ok(http.put(f"{KV}/{item['id']}", json={"value": "31"}))
    changed = ok(http.get(KV, params={"revision": revision}))
    assert changed["data"][0]["update_revision"] == revision + 1
    assert kv_code(http.get(KV, params={"revision": "latest"}), 400) == "400001"


def test_delete_an_item(http: httpx.Client) -> None:
    item = create(http)
    deleted = http.delete(f"{KV}/{item['id']}")
    assert deleted.status_code == 200 and not deleted.content
    assert kv_code(http.get(f"{KV}/{item['id']}"), 404) == "404001"
    assert kv_code(http.delete(f"{KV}/{item['id']}"), 404) == "404001"


def test_delete_several_items(http: httpx.Client) -> None:
    first, second = create(http, key="a"), create(http, key="b")
    create(http, key="kept")
    deleted = http.request("DELETE", KV, json={"ids": [first["id"], second["id"], "nope"]})
    assert deleted.status_code == 204
    assert keys(http) == ["kept"]
    assert kv_code(http.request("DELETE", KV, json={"ids": ["nope"]}), 404) == "404001"
    assert kv_code(http.request("DELETE", KV, json={}), 400) == "400001"


def test_an_rbac_engine_wants_a_token_for_its_configuration(comb: ServiceCombAlone) -> None:
    http = comb.http
    kv = kv_path(RBAC_ENGINE_ID)
    assert kv_code(http.get(kv), 401) == "401204"
    assert kv_code(http.get(kv, headers={"Authorization": "Bearer forged"}), 401) == "401201"
    headers = {"Authorization": f"Bearer {comb.token()}"}
    item = ok(http.post(kv, json={"key": "timeout"}, headers=headers))
    assert ok(http.get(f"{kv}/{item['id']}", headers=headers))["key"] == "timeout"
    comb.backend.expire_tokens()
    assert kv_code(http.get(kv, headers=headers), 401) == "401201"


def test_each_engine_has_its_own_items(comb: ServiceCombAlone) -> None:
    create(comb.http)
    other = "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"
    comb.engines.add(other)
    assert ok(comb.http.get(kv_path(other))) == {"total": 0, "data": []}
    assert comb.http.get(kv_path("unknown")).status_code == 404


def test_through_the_emulator_an_engine_keeps_configuration(
    client: httpx.Client, anonymous: httpx.Client, clock: VirtualClock
) -> None:
    body = {
        "name": "orders",
        "payment": "1",
        "flavor": "cse.s1.small2",
        "azList": ["cn-north-4a"],
        "authType": "RBAC",
        "auth_cred": {"pwd": ADMIN_PASSWORD},
        "vpc": "vpc-demotest",
        "vpcId": "09902850-9454-4715-9764-018f0c37022",
        "networkId": "88550801-e892-4f8e-b21b-f7147f6229",
        "subnetCidr": "192.168.0.0/24",
        "specType": "CSE2",
    }
    engine_id = ok(client.post(f"/v2/{DEFAULT_PROJECT_ID}/enginemgr/engines", json=body))["id"]
    clock.advance(JOB_SECONDS)
    base = f"/_engines/{DEFAULT_PROJECT_ID}/{engine_id}"
    token = ok(
        anonymous.post(f"{base}/v4/token", json={"name": "root", "password": ADMIN_PASSWORD})
    )
    headers = {"Authorization": f"Bearer {token['token']}"}
    ok(anonymous.post(f"{base}/v1/default/kie/kv", json={"key": "timeout"}, headers=headers))
    listed = ok(anonymous.get(f"{base}/v1/default/kie/kv", headers=headers))
    assert [item["key"] for item in listed["data"]] == ["timeout"]
