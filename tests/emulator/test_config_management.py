"""Configuration groups, files, imports and history: /v3/{project_id}/cas/config-groups and
/v3/{project_id}/cas/configs (reference §4.5)."""

from __future__ import annotations

import io
import uuid
import zipfile
from typing import Any

import httpx
import pytest
from emulator_support import CAS, error_of, ok

from pulumi_servicestage.emulator import DEFAULT_PROJECT_ID, DEFAULT_USER_NAME, Emulator
from pulumi_servicestage.emulator.errors import ApiError
from pulumi_servicestage.emulator.servicestage.configs.backend import ConfigsBackend
from pulumi_servicestage.testing import VirtualClock

GROUPS = f"{CAS}/config-groups"
CONFIGS = f"{CAS}/configs"


def create_group(client: httpx.Client, name: str = "test-group", **body: Any) -> dict[str, Any]:
    result: dict[str, Any] = ok(client.post(GROUPS, json={"name": name, **body}))
    return result


def config_body(group_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "config_group_id": group_id,
        "name": "test-config",
        "description": "",
        "type": "properties",
        "content": "test-key = test-value",
        "sensitive": False,
        **overrides,
    }


def create_config(client: httpx.Client, group_id: str, **overrides: Any) -> dict[str, Any]:
    result: dict[str, Any] = ok(client.post(CONFIGS, json=config_body(group_id, **overrides)))
    return result


def package(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def import_package(
    client: httpx.Client, data: bytes, repetition_policy: str | None = None
) -> httpx.Response:
    fields = {"repetition_policy": repetition_policy} if repetition_policy else {}
    return client.post(
        f"{CONFIGS}/import",
        data=fields,
        files={"upload_file": ("configs.zip", data, "application/zip")},
    )


@pytest.fixture
def group(client: httpx.Client) -> dict[str, Any]:
    return create_group(client)


# Groups


def test_create_config_group(client: httpx.Client) -> None:
    created = create_group(client, description="shared settings")

    assert uuid.UUID(created["id"])
    assert created == {
        "id": created["id"],
        "project_id": DEFAULT_PROJECT_ID,
        "name": "test-group",
        "description": "shared settings",
        "creator": DEFAULT_USER_NAME,
        "create_time": created["create_time"],
    }
    assert created["create_time"] > 1_600_000_000_000, "epoch milliseconds"


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ({"name": "9group"}, "name: String should match pattern"),
        ({"name": "g"}, "name: String should match pattern"),
        ({"name": "group-", "description": ""}, "name: String should match pattern"),
        ({"name": "group", "description": "d" * 257}, "description: String should have at most"),
    ],
)
def test_create_config_group__invalid(
    client: httpx.Client, body: dict[str, Any], rule: str
) -> None:
    code, message = error_of(client.post(GROUPS, json=body), 400)

    assert code == "SVCSTG.00100400"
    assert rule in message


def test_create_config_group__name_used(client: httpx.Client, group: dict[str, Any]) -> None:
    code, message = error_of(client.post(GROUPS, json={"name": "test-group"}), 400)

    assert code == "SVCSTG.00100400"
    assert "config group name test-group is already used" in message


def test_create_config_group__at_most_100_per_project(emulator: Emulator) -> None:
    backend = emulator.area(ConfigsBackend)
    for index in range(100):
        backend.create_config_group(name=f"group-{index}", creator="tests")

    with pytest.raises(ApiError, match="at most 100 config groups") as refused:
        backend.create_config_group(name="one-more", creator="tests")
    assert refused.value.status == 400


def test_list_config_groups(client: httpx.Client, clock: VirtualClock) -> None:
    for name in ("beta", "alpha", "gamma"):
        create_group(client, name)
        clock.advance(1)

    newest_first = ok(client.get(GROUPS))
    by_name = ok(client.get(GROUPS, params={"order_by": "name", "order": "asc", "limit": 2}))
    second_page = ok(client.get(GROUPS, params={"limit": 2, "offset": 2}))
    named = ok(client.get(GROUPS, params={"name": "alpha"}))

    assert [g["name"] for g in newest_first["config_groups"]] == ["gamma", "alpha", "beta"]
    assert newest_first["count"] == 3
    assert [g["name"] for g in by_name["config_groups"]] == ["alpha", "beta"]
    assert by_name["count"] == 3
    assert [g["name"] for g in second_page["config_groups"]] == ["beta"]
    assert [g["name"] for g in named["config_groups"]] == ["alpha"]
    assert set(named["config_groups"][0]) == {
        "id",
        "project_id",
        "name",
        "description",
        "creator",
        "create_time",
    }


@pytest.mark.parametrize("limit", ["101", "-1", "²", "٣"])
def test_list_config_groups__limit_out_of_range(client: httpx.Client, limit: str) -> None:
    code, message = error_of(client.get(GROUPS, params={"limit": limit}), 400)

    assert code == "SVCSTG.00100400"
    assert message == "parameter invalid: limit: must be an integer from 0 to 100"


def test_show_config_group(client: httpx.Client, group: dict[str, Any]) -> None:
    assert ok(client.get(f"{GROUPS}/{group['id']}")) == group


def test_show_config_group__not_found(client: httpx.Client) -> None:
    code, message = error_of(client.get(f"{GROUPS}/no-such-group"), 404)

    assert code == "SVCSTG.00100412"
    assert "config group no-such-group" in message


def test_delete_config_group(client: httpx.Client, group: dict[str, Any]) -> None:
    ok(client.delete(f"{GROUPS}/{group['id']}"), 204)

    error_of(client.get(f"{GROUPS}/{group['id']}"), 404)
    error_of(client.delete(f"{GROUPS}/{group['id']}"), 404)


def test_delete_config_group__holding_files(client: httpx.Client, group: dict[str, Any]) -> None:
    create_config(client, group["id"])

    code, message = error_of(client.delete(f"{GROUPS}/{group['id']}"), 400)

    assert code == "SVCSTG.00100400"
    assert "still holds configuration files, delete them first: test-config" in message
    ok(client.get(f"{GROUPS}/{group['id']}"))


# Files


def test_create_config(client: httpx.Client, group: dict[str, Any]) -> None:
    created = create_config(client, group["id"])

    assert uuid.UUID(created["id"])
    assert created == {
        "id": created["id"],
        "config_group_id": group["id"],
        "name": "test-config",
        "description": "",
        "type": "properties",
        "content": "test-key = test-value",
        "version": "v1",
        "project_id": DEFAULT_PROJECT_ID,
        "sensitive": False,
        "create_time": created["create_time"],
        "update_time": created["create_time"],
        "components": [],
        "creator": DEFAULT_USER_NAME,
    }


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"type": "json"}, "type: Input should be 'yaml' or 'properties'"),
        ({"name": "a.b"}, "name: String should match pattern"),
        ({"sensitive": None}, "sensitive: Input should be a valid boolean"),
        ({"content": 7}, "content: Input should be a valid string"),
        ({"description": "d" * 129}, "description: String should have at most 128"),
    ],
)
def test_create_config__invalid(
    client: httpx.Client, group: dict[str, Any], overrides: dict[str, Any], rule: str
) -> None:
    response = client.post(CONFIGS, json=config_body(group["id"], **overrides))

    code, message = error_of(response, 400)
    assert code == "SVCSTG.00100400"
    assert rule in message


def test_create_config__sensitive_is_required(client: httpx.Client, group: dict[str, Any]) -> None:
    body = config_body(group["id"])
    del body["sensitive"]

    _, message = error_of(client.post(CONFIGS, json=body), 400)

    assert message == "parameter invalid: sensitive: Field required"


def test_create_config__missing_group(client: httpx.Client) -> None:
    code, _ = error_of(client.post(CONFIGS, json=config_body("no-such-group")), 404)

    assert code == "SVCSTG.00100412"


def test_create_config__name_unique_within_its_group(
    client: httpx.Client, group: dict[str, Any]
) -> None:
    create_config(client, group["id"])
    other = create_group(client, "other-group")

    code, message = error_of(client.post(CONFIGS, json=config_body(group["id"])), 400)
    in_other_group = create_config(client, other["id"])

    assert code == "SVCSTG.00100400"
    assert "name test-config is already used in config group test-group" in message
    assert in_other_group["config_group_id"] == other["id"]


def test_list_configs(client: httpx.Client, group: dict[str, Any], clock: VirtualClock) -> None:
    other = create_group(client, "other-group")
    first = create_config(client, group["id"], name="first")
    clock.advance(1)
    create_config(client, other["id"], name="second")

    everything = ok(client.get(CONFIGS))
    in_group = ok(client.get(CONFIGS, params={"config_group_id": group["id"]}))
    named = ok(client.get(CONFIGS, params={"name": "second"}))
    of_component = ok(client.get(CONFIGS, params={"component_id": "c-1"}))

    assert [c["name"] for c in everything["configs"]] == ["second", "first"]
    assert everything["count"] == 2
    assert in_group["configs"] == [first]
    assert [c["config_group_id"] for c in named["configs"]] == [other["id"]]
    assert of_component == {"configs": [], "count": 0}


def test_show_config(client: httpx.Client, group: dict[str, Any]) -> None:
    created = create_config(client, group["id"])

    assert ok(client.get(f"{CONFIGS}/{created['id']}")) == created


def test_show_config__not_found(client: httpx.Client) -> None:
    code, message = error_of(client.get(f"{CONFIGS}/no-such-config"), 404)

    assert code == "SVCSTG.00100412"
    assert "configuration file no-such-config" in message


def test_modify_config(client: httpx.Client, group: dict[str, Any], clock: VirtualClock) -> None:
    created = create_config(client, group["id"], description="kept", sensitive=True)
    clock.advance(2)

    modified = ok(
        client.put(
            f"{CONFIGS}/{created['id']}",
            json={"config_group_id": group["id"], "type": "yaml", "content": "key: changed"},
        )
    )

    assert modified == {
        **created,
        "type": "yaml",
        "content": "key: changed",
        "version": "v2",
        "update_time": created["create_time"] + 2000,
    }
    assert ok(client.get(f"{CONFIGS}/{created['id']}")) == modified


def test_modify_config__description_and_sensitivity(
    client: httpx.Client, group: dict[str, Any]
) -> None:
    created = create_config(client, group["id"], description="old")
    body = {"config_group_id": group["id"], "type": "properties", "content": "a = b"}

    modified = ok(
        client.put(
            f"{CONFIGS}/{created['id']}", json={**body, "description": "", "sensitive": True}
        )
    )

    assert (modified["description"], modified["sensitive"]) == ("", True)


def test_modify_config__moves_it_to_another_group(
    client: httpx.Client, group: dict[str, Any]
) -> None:
    created = create_config(client, group["id"])
    other = create_group(client, "other-group")
    body = {"config_group_id": other["id"], "type": "properties", "content": "a = b"}

    moved = ok(client.put(f"{CONFIGS}/{created['id']}", json=body))

    assert moved["config_group_id"] == other["id"]
    assert ok(client.get(CONFIGS, params={"config_group_id": group["id"]}))["count"] == 0
    ok(client.delete(f"{GROUPS}/{group['id']}"), 204)


def test_modify_config__move_onto_a_used_name(client: httpx.Client, group: dict[str, Any]) -> None:
    created = create_config(client, group["id"])
    other = create_group(client, "other-group")
    create_config(client, other["id"])
    body = {"config_group_id": other["id"], "type": "properties", "content": "a = b"}

    code, _ = error_of(client.put(f"{CONFIGS}/{created['id']}", json=body), 400)

    assert code == "SVCSTG.00100400"
    assert ok(client.get(f"{CONFIGS}/{created['id']}"))["config_group_id"] == group["id"]


def test_modify_config__invalid_and_missing(client: httpx.Client, group: dict[str, Any]) -> None:
    created = create_config(client, group["id"])

    _, message = error_of(
        client.put(f"{CONFIGS}/{created['id']}", json={"config_group_id": group["id"]}), 400
    )
    missing, _ = error_of(
        client.put(
            f"{CONFIGS}/no-such-config",
            json={"config_group_id": group["id"], "type": "yaml", "content": "a: b"},
        ),
        404,
    )

    assert message.startswith("parameter invalid: content: Field required")
    assert missing == "SVCSTG.00100412"


def test_delete_config(client: httpx.Client, group: dict[str, Any]) -> None:
    created = create_config(client, group["id"])

    ok(client.delete(f"{CONFIGS}/{created['id']}"), 204)

    error_of(client.get(f"{CONFIGS}/{created['id']}"), 404)
    error_of(client.get(f"{CONFIGS}/{created['id']}/histories"), 404)
    error_of(client.delete(f"{CONFIGS}/{created['id']}"), 404)
    ok(client.delete(f"{GROUPS}/{group['id']}"), 204)


# History


def test_list_config_histories(
    client: httpx.Client, group: dict[str, Any], clock: VirtualClock
) -> None:
    created = create_config(client, group["id"], content="v = 1")
    clock.advance(1)
    ok(
        client.put(
            f"{CONFIGS}/{created['id']}",
            json={"config_group_id": group["id"], "type": "properties", "content": "v = 2"},
        )
    )

    newest_first = ok(client.get(f"{CONFIGS}/{created['id']}/histories"))
    oldest_first = ok(client.get(f"{CONFIGS}/{created['id']}/histories", params={"order": "asc"}))

    assert newest_first["count"] == 2
    assert [(h["version"], h["content"]) for h in newest_first["histories"]] == [
        ("v2", "v = 2"),
        ("v1", "v = 1"),
    ]
    assert [h["version"] for h in oldest_first["histories"]] == ["v1", "v2"]
    first = oldest_first["histories"][0]
    assert first == {
        "config_history_id": first["config_history_id"],
        "config_id": created["id"],
        "content": "v = 1",
        "type": "properties",
        "version": "v1",
        "create_time": created["create_time"],
        "components": [],
        "creator": DEFAULT_USER_NAME,
        "group_id": group["id"],
        "config_name": "test-config",
        "description": "",
        "sensitive": False,
    }


def test_show_and_delete_config_history(client: httpx.Client, group: dict[str, Any]) -> None:
    created = create_config(client, group["id"])
    [entry] = ok(client.get(f"{CONFIGS}/{created['id']}/histories"))["histories"]
    path = f"{CONFIGS}/{created['id']}/histories/{entry['config_history_id']}"

    shown = ok(client.get(path))
    ok(client.delete(path), 204)
    code, _ = error_of(client.get(path), 404)

    assert shown == entry
    assert code == "SVCSTG.00100412"
    assert ok(client.get(f"{CONFIGS}/{created['id']}/histories"))["count"] == 0
    assert ok(client.get(f"{CONFIGS}/{created['id']}"))["version"] == "v1"


def test_show_config_history__of_another_file(client: httpx.Client, group: dict[str, Any]) -> None:
    first = create_config(client, group["id"], name="first")
    second = create_config(client, group["id"], name="second")
    [entry] = ok(client.get(f"{CONFIGS}/{first['id']}/histories"))["histories"]

    error_of(client.get(f"{CONFIGS}/{second['id']}/histories/{entry['config_history_id']}"), 404)


# Imports


def test_import_configs__creates_groups_and_files(client: httpx.Client) -> None:
    data = package(
        {"shop/app.yaml": "port: 8080", "shop/db.properties": "url = x", "blog/ab.yml": ""}
    )

    counts = ok(import_package(client, data))

    assert counts == {"covered_num": 0, "skip_num": 0, "total_num": 3}
    groups = {g["name"]: g["id"] for g in ok(client.get(GROUPS))["config_groups"]}
    assert set(groups) == {"shop", "blog"}
    shop = ok(client.get(CONFIGS, params={"config_group_id": groups["shop"]}))["configs"]
    assert {(c["name"], c["type"], c["content"], c["version"]) for c in shop} == {
        ("app", "yaml", "port: 8080", "v1"),
        ("db", "properties", "url = x", "v1"),
    }


def test_import_configs__into_an_existing_group(
    client: httpx.Client, group: dict[str, Any]
) -> None:
    ok(import_package(client, package({"test-group/new.yaml": "a: 1"})))

    assert [g["id"] for g in ok(client.get(GROUPS))["config_groups"]] == [group["id"]]
    assert ok(client.get(CONFIGS, params={"config_group_id": group["id"]}))["count"] == 1


def test_import_configs__covered(client: httpx.Client, group: dict[str, Any]) -> None:
    existing = create_config(client, group["id"], name="app", type="properties", content="old")
    data = package({"test-group/app.yaml": "new: true", "test-group/other.yaml": "b: 2"})

    counts = ok(import_package(client, data, "covered"))

    assert counts == {"covered_num": 1, "skip_num": 0, "total_num": 2}
    covered = ok(client.get(f"{CONFIGS}/{existing['id']}"))
    assert (covered["type"], covered["content"], covered["version"]) == ("yaml", "new: true", "v2")
    history = ok(client.get(f"{CONFIGS}/{existing['id']}/histories"))["histories"]
    assert [h["content"] for h in history] == ["new: true", "old"]


def test_import_configs__skip(client: httpx.Client, group: dict[str, Any]) -> None:
    existing = create_config(client, group["id"], name="app", content="old")
    data = package({"test-group/app.yaml": "new: true", "test-group/other.yaml": "b: 2"})

    counts = ok(import_package(client, data, "skip"))

    assert counts == {"covered_num": 0, "skip_num": 1, "total_num": 2}
    assert ok(client.get(f"{CONFIGS}/{existing['id']}"))["content"] == "old"
    assert ok(client.get(CONFIGS))["count"] == 2


def test_import_configs__existing_file_without_policy_changes_nothing(
    client: httpx.Client, group: dict[str, Any]
) -> None:
    create_config(client, group["id"], name="app")
    data = package({"test-group/app.yaml": "x: 1", "new-group/bb.yaml": "y: 2"})

    code, message = error_of(import_package(client, data), 400)

    assert code == "SVCSTG.00100400"
    assert "configuration files already exist: test-group/app" in message
    assert ok(client.get(GROUPS))["count"] == 1
    assert ok(client.get(CONFIGS))["count"] == 1


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        (
            {"app.yaml": "a: 1"},
            "app.yaml must sit directly in a folder named after its config group",
        ),
        ({"g1/deeper/app.yaml": "a: 1"}, "must sit directly in a folder"),
        ({"g1/app.json": "{}"}, "g1/app.json is neither a yaml nor a properties file"),
        ({"g1/app.config.yaml": "a: 1"}, "app.config is not a valid configuration file name"),
        ({"1g/app.yaml": "a: 1"}, "1g is not a valid config group name"),
        ({"g1/app.yaml": "a: 1", "g1/app.properties": "a=1"}, "g1/app appears more than once"),
    ],
)
def test_import_configs__package_rules(
    client: httpx.Client, files: dict[str, str], problem: str
) -> None:
    code, message = error_of(import_package(client, package(files)), 400)

    assert code == "SVCSTG.00100400"
    assert problem in message
    assert ok(client.get(CONFIGS))["count"] == 0


def test_import_configs__not_a_zip_or_too_big(client: httpx.Client) -> None:
    _, not_zip = error_of(import_package(client, b"plain text"), 400)
    _, damaged = error_of(import_package(client, package({"g1/a.yaml": "x"})[:-30]), 400)
    _, too_big = error_of(import_package(client, b"\0" * (500 * 1024 + 1)), 400)
    _, not_utf8 = error_of(import_package(client, package({"g1/ab.yaml": b"\xff\xfe"})), 400)

    assert "upload_file: not a zip package" in not_zip
    assert "upload_file: not a zip package, or a damaged one" in damaged
    assert "the package is 512001 bytes, more than 512000" in too_big
    assert "upload_file: g1/ab.yaml is not UTF-8 text" in not_utf8


def test_import_configs__more_than_500_files(client: httpx.Client) -> None:
    data = package({f"g1/file-{index}.yaml": "" for index in range(501)})

    _, message = error_of(import_package(client, data), 400)

    assert "holds 501 files, more than 500" in message


def test_import_configs__request_form(client: httpx.Client) -> None:
    _, no_file = error_of(client.post(f"{CONFIGS}/import", files={"other": ("a", b"x")}), 400)
    _, not_multipart = error_of(client.post(f"{CONFIGS}/import", json={"upload_file": "x"}), 400)
    _, bad_policy = error_of(import_package(client, package({"g/a.yaml": ""}), "overwrite"), 400)

    assert "upload_file: a zip package is required" in no_file
    assert "Content-Type: must be multipart/form-data" in not_multipart
    assert "repetition_policy: must be covered or skip" in bad_policy


def test_config_routes_need_authentication(anonymous: httpx.Client) -> None:
    code, _ = error_of(anonymous.get(GROUPS), 401)

    assert code == "APIGW.0301"


def test_reset_forgets_groups_and_files(
    emulator: Emulator, client: httpx.Client, group: dict[str, Any]
) -> None:
    create_config(client, group["id"])

    emulator.reset()

    assert ok(client.get(GROUPS)) == {"config_groups": [], "count": 0}
    assert ok(client.get(CONFIGS)) == {"configs": [], "count": 0}
