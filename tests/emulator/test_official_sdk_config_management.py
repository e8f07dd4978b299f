"""Configuration management (reference §4.5) through the official SDK's client, against the
threaded emulator.

huaweicloudsdkservicestage (3.1.219, the newest) has no configuration-management operations, so
each operation goes through the generic ``do_http_request`` of the same ``ServiceStageClient``:
the SDK still builds, signs and sends the request (a multipart upload for the import) and turns
error answers into ``ClientRequestException``. Answers are read into response models written
from the reference's tables, the way the SDK's generated models are, and every documented field
must be filled.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.formdata import FormFile
from huaweicloudsdkcore.sdk_response import SdkResponse
from test_official_sdk import sdk_client, unset_fields

from pulumi_servicestage.emulator import DEFAULT_PROJECT_ID, DEFAULT_USER_NAME, Emulator

JSON = {"Content-Type": "application/json"}
GROUPS = "/v3/{project_id}/cas/config-groups"
GROUP = GROUPS + "/{config_group_id}"
CONFIGS = "/v3/{project_id}/cas/configs"
CONFIG = CONFIGS + "/{config_id}"
HISTORIES = CONFIG + "/histories"
HISTORY = HISTORIES + "/{config_history_id}"


def response_model(name: str, fields: dict[str, str]) -> type[SdkResponse]:
    """A response model as the SDK generates them: `openapi_types` and `attribute_map`."""

    def __init__(self: SdkResponse, **values: Any) -> None:
        SdkResponse.__init__(self)
        for field in fields:
            setattr(self, field, values.get(field))

    namespace = {
        "openapi_types": dict(fields),
        "attribute_map": {field: field for field in fields},
        "__init__": __init__,
    }
    return type(name, (SdkResponse,), namespace)


# Tables 4-315, 4-320 and 4-361.
ConfigGroup = response_model(
    "ConfigGroup",
    {
        "id": "str",
        "project_id": "str",
        "name": "str",
        "description": "str",
        "creator": "str",
        "create_time": "int",
    },
)
ConfigGroups = response_model("ConfigGroups", {"count": "int", "config_groups": "list[object]"})
# Tables 4-324, 4-338 and 4-345.
Config = response_model(
    "Config",
    {
        "config_group_id": "str",
        "id": "str",
        "name": "str",
        "description": "str",
        "creator": "str",
        "type": "str",
        "content": "str",
        "version": "str",
        "project_id": "str",
        "sensitive": "bool",
        "components": "list[object]",
        "create_time": "int",
        "update_time": "int",
    },
)
Configs = response_model("Configs", {"count": "int", "configs": "list[object]"})
ImportCounts = response_model(
    "ImportCounts", {"covered_num": "int", "skip_num": "int", "total_num": "int"}
)
# Tables 4-351 and 4-355.
ConfigHistory = response_model(
    "ConfigHistory",
    {
        "config_history_id": "str",
        "config_id": "str",
        "content": "str",
        "version": "str",
        "type": "str",
        "create_time": "int",
        "components": "list[object]",
        "creator": "str",
        "group_id": "str",
        "config_name": "str",
        "description": "str",
        "sensitive": "bool",
    },
)
ConfigHistories = response_model("ConfigHistories", {"count": "int", "histories": "list[object]"})
# The delete operations answer no body.
NoContent = response_model("NoContent", {})


def values_of(model: Any) -> dict[str, Any]:
    return {field: getattr(model, field) for field in model.openapi_types}


@pytest.fixture
def sdk(live_emulator: tuple[Emulator, str]) -> Any:
    return sdk_client(live_emulator[1])


def call(
    sdk: Any,
    method: str,
    path: str,
    response_type: type[SdkResponse],
    *,
    body: Any = None,
    query: list[tuple[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **path_params: str,
) -> Any:
    return sdk.do_http_request(
        method,
        path,
        path_params=path_params,
        query_params=query or [],
        header_params=dict(headers or JSON),
        body=body,
        response_type=response_type,
    )


def test_config_groups(sdk: Any) -> None:
    created = call(
        sdk, "POST", GROUPS, ConfigGroup, body={"name": "test-group", "description": "d"}
    )
    listed = call(sdk, "GET", GROUPS, ConfigGroups, query=[("name", "test-group"), ("limit", 10)])
    shown = call(sdk, "GET", GROUP, ConfigGroup, config_group_id=created.id)
    deleted = call(sdk, "DELETE", GROUP, NoContent, config_group_id=created.id)
    with pytest.raises(ClientRequestException) as gone:
        call(sdk, "GET", GROUP, ConfigGroup, config_group_id=created.id)

    assert unset_fields(created) == set() and unset_fields(shown) == set()
    assert (created.name, created.creator, created.project_id) == (
        "test-group",
        DEFAULT_USER_NAME,
        DEFAULT_PROJECT_ID,
    )
    assert listed.count == 1
    assert set(listed.config_groups[0]) == set(ConfigGroup.openapi_types)
    assert values_of(shown) == values_of(created)
    assert deleted.status_code == 204
    assert (gone.value.status_code, gone.value.error_code) == (404, "SVCSTG.00100412")


def test_configs_and_their_history(sdk: Any) -> None:
    group = call(sdk, "POST", GROUPS, ConfigGroup, body={"name": "test-group"})
    body = {
        "config_group_id": group.id,
        "name": "test-config",
        "description": "",
        "type": "properties",
        "content": "test-key = test-value",
        "sensitive": False,
    }

    created = call(sdk, "POST", CONFIGS, Config, body=body)
    listed = call(sdk, "GET", CONFIGS, Configs, query=[("config_group_id", group.id)])
    shown = call(sdk, "GET", CONFIG, Config, config_id=created.id)
    modified = call(
        sdk,
        "PUT",
        CONFIG,
        Config,
        body={"config_group_id": group.id, "type": "yaml", "content": "test-key: changed"},
        config_id=created.id,
    )
    histories = call(sdk, "GET", HISTORIES, ConfigHistories, config_id=created.id)
    newest = histories.histories[0]
    history = call(
        sdk,
        "GET",
        HISTORY,
        ConfigHistory,
        config_id=created.id,
        config_history_id=newest["config_history_id"],
    )
    history_deleted = call(
        sdk,
        "DELETE",
        HISTORY,
        NoContent,
        config_id=created.id,
        config_history_id=newest["config_history_id"],
    )
    deleted = call(sdk, "DELETE", CONFIG, NoContent, config_id=created.id)

    assert unset_fields(created) == set() and unset_fields(modified) == set()
    assert (created.version, created.content, created.components) == (
        "v1",
        "test-key = test-value",
        [],
    )
    assert listed.count == 1 and set(listed.configs[0]) == set(Config.openapi_types)
    assert values_of(shown) == values_of(created)
    assert (modified.version, modified.type, modified.content) == (
        "v2",
        "yaml",
        "test-key: changed",
    )
    assert histories.count == 2
    assert set(newest) == set(ConfigHistory.openapi_types)
    assert unset_fields(history) == set()
    assert (history.version, history.content, history.config_name) == (
        "v2",
        "test-key: changed",
        "test-config",
    )
    assert (history_deleted.status_code, deleted.status_code) == (204, 204)


def test_configs__errors_reach_the_sdk_as_client_request_exceptions(sdk: Any) -> None:
    with pytest.raises(ClientRequestException) as invalid:
        call(sdk, "POST", CONFIGS, Config, body={"name": "test-config"})
    with pytest.raises(ClientRequestException) as missing:
        call(sdk, "GET", CONFIG, Config, config_id="no-such-config")

    assert (invalid.value.status_code, invalid.value.error_code) == (400, "SVCSTG.00100400")
    assert invalid.value.error_msg.startswith("parameter invalid: ")
    assert (missing.value.status_code, missing.value.error_code) == (404, "SVCSTG.00100412")


def test_import_configs__multipart_upload(sdk: Any, tmp_path: Path) -> None:
    archive = tmp_path / "configs.zip"
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("shop/app.yaml", "port: 8080")
        package.writestr("shop/db.properties", "url = jdbc:mysql://db")

    with archive.open("rb") as upload:
        counts = call(
            sdk,
            "POST",
            CONFIGS + "/import",
            ImportCounts,
            body={"upload_file": FormFile(upload), "repetition_policy": "covered"},
            headers={"Content-Type": "multipart/form-data"},
        )
    listed = call(sdk, "GET", CONFIGS, Configs)

    assert unset_fields(counts) == set()
    assert (counts.total_num, counts.covered_num, counts.skip_num) == (2, 0, 0)
    assert sorted(config["name"] for config in listed.configs) == ["app", "db"]
