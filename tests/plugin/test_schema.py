"""The plugin's package schema: valid for Pulumi, complete (every resource, lookup and setting),
documented, secret where the Python front end is, and named in Pulumi's camelCase."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pulumi.runtime import rpc

import pulumi_servicestage
from pulumi_servicestage import config
from pulumi_servicestage._lifecycle import RestResource
from pulumi_servicestage._schema import FUNCTIONS, function_outputs, package_schema
from pulumi_servicestage.component import ComponentInfo, ComponentRecord
from pulumi_servicestage.configuration import ConfigurationInfo

METASCHEMA = Path(__file__).parents[3] / "shared" / "data" / "pulumi-metaschema.json"
PREFIX = "servicestage:index:"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return package_schema()


def python_patterns(node: Any) -> Any:
    """The metaschema with its ECMAScript named groups `(?<x>...)` as Python's `(?P<x>...)`."""
    if isinstance(node, dict):
        return {
            key: re.sub(r"\(\?<(\w+)>", r"(?P<\1>", value)
            if key == "pattern" and isinstance(value, str)
            else python_patterns(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [python_patterns(item) for item in node]
    return node


def exported_resources() -> list[str]:
    return [
        name
        for name in pulumi_servicestage.__all__
        if isinstance(item := getattr(pulumi_servicestage, name), type)
        and issubclass(item, RestResource)
    ]


def exported_lookups() -> list[str]:
    return [
        name
        for name in pulumi_servicestage.__all__
        if name.startswith(("get_", "find_")) and not name.endswith("_output")
    ]


def objects(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], list[str]]]:
    """(where, properties, required) of every object the schema declares."""
    for token, resource in schema["resources"].items():
        yield f"{token} inputs", resource["inputProperties"], resource["requiredInputs"]
        yield f"{token} outputs", resource["properties"], resource["required"]
    for token, spec in schema["types"].items():
        yield token, spec["properties"], spec.get("required", [])
    for token, function in schema["functions"].items():
        for part in ("inputs", "outputs"):
            yield (
                f"{token} {part}",
                function[part]["properties"],
                function[part].get("required", []),
            )


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def test_the_schema_is_valid_against_pulumis_metaschema(schema):
    metaschema = python_patterns(json.loads(METASCHEMA.read_text(encoding="utf-8")))

    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in jsonschema.Draft202012Validator(metaschema).iter_errors(schema)
    ]

    assert errors == []
    assert schema["name"] == "servicestage"
    assert schema["version"] == pulumi_servicestage.__version__
    assert schema["license"] == "Apache-2.0"


def test_every_reference_names_a_declared_type_and_every_required_name_a_property(schema):
    local = {ref for ref in refs(schema) if not ref.startswith("pulumi.json#/")}

    assert local == {f"#/types/{token}" for token in schema["types"]}
    for where, properties, required in objects(schema):
        assert set(required) <= set(properties), where


def test_every_exported_resource_is_a_schema_resource(schema):
    assert set(schema["resources"]) == {PREFIX + name for name in exported_resources()}


def test_every_lookup_is_a_schema_function_served_by_it(schema):
    tokens = {
        PREFIX + re.sub(r"_(\w)", lambda m: m[1].upper(), name) for name in exported_lookups()
    }

    assert set(schema["functions"]) == tokens == set(FUNCTIONS)
    assert FUNCTIONS[PREFIX + "getComponents"] is pulumi_servicestage.get_components
    assert (
        FUNCTIONS[PREFIX + "findMicroserviceInstances"]
        is pulumi_servicestage.find_microservice_instances
    )


def test_every_input_property_has_a_description(schema):
    """At the top level and in every object type an argument can hold (the answers of lookups
    are typed but not documented)."""
    pending = [spec["inputProperties"] for spec in schema["resources"].values()]
    seen: set[str] = set()
    undocumented = []
    while pending:
        properties = pending.pop()
        undocumented += [name for name, spec in properties.items() if not spec.get("description")]
        for ref in refs(properties):
            if ref.startswith("#/types/") and ref not in seen:
                seen.add(ref)
                pending.append(schema["types"][ref.removeprefix("#/types/")]["properties"])

    assert undocumented == []
    assert f"#/types/{PREFIX}Source" in seen


def test_every_output_only_the_service_computes_is_an_output(schema):
    component = schema["resources"][PREFIX + "Component"]

    assert "componentId" in component["properties"]
    assert "componentId" not in component["inputProperties"]
    assert component["properties"]["status"]["type"] == "object"
    assert {"applicationId", "componentId"} <= set(component["required"])


@pytest.mark.parametrize(
    ("resource", "name"),
    [
        ("RepoAuthorization", "token"),
        ("RepoAuthorization", "password"),
        ("MicroserviceEngine", "authCred"),
        ("ConfigItem", "enginePassword"),
        ("Component", "envs"),
        ("EngineConfiguration", "items"),
    ],
)
def test_secret_arguments_are_secret_inputs_and_outputs(schema, resource, name):
    spec = schema["resources"][PREFIX + resource]

    assert spec["inputProperties"][name].get("secret") is True
    assert spec["properties"][name].get("secret") is True


@pytest.mark.parametrize(
    ("type_name", "name"),
    [
        ("Source", "httpPassword"),
        ("Source", "httpHeaders"),
        ("EnvVar", "value"),
        ("ConfigurationEntry", "value"),
        ("ConfigurationInfo", "content"),
    ],
)
def test_secret_parts_of_objects_are_secret(schema, type_name, name):
    assert schema["types"][PREFIX + type_name]["properties"][name].get("secret") is True


def test_a_non_secret_property_is_not_marked(schema):
    assert "secret" not in schema["resources"][PREFIX + "RepoAuthorization"]["properties"]["name"]
    assert "secret" not in schema["types"][PREFIX + "Source"]["properties"]["url"]


def test_a_lookups_password_parameter_is_a_secret_input(schema):
    inputs = schema["functions"][PREFIX + "getConfigItems"]["inputs"]

    assert inputs["properties"]["enginePassword"]["secret"] is True
    assert inputs["required"] == ["engineId"]


def test_property_names_are_camel_case_at_every_level(schema):
    snake = [
        f"{where}.{name}"
        for where, properties, _ in objects(schema)
        for name in properties
        if not re.fullmatch(r"[a-z][a-zA-Z0-9]*", name)
    ]
    assert snake == []
    assert "httpPassword" in schema["types"][PREFIX + "Source"]["properties"]


def test_maps_in_objects_are_maps_whose_keys_are_the_users(schema):
    selector = schema["types"][PREFIX + "BuildParameters"]["properties"]["nodeLabelSelector"]
    template = schema["types"][PREFIX + "GrayDeployment"]["properties"]["template"]

    assert {key: value for key, value in selector.items() if key != "description"} == {
        "type": "object",
        "additionalProperties": {"type": "string"},
    }
    assert template["additionalProperties"] == {"$ref": "pulumi.json#/Any"}


def test_the_answer_of_a_lookup_is_camel_case_inside_and_keeps_map_keys():
    record = ComponentRecord.model_validate(
        {"instance_id": "i-1", "jobs": [{"job_id": "j-1", "job_info": {"first_batch_weight": 50}}]}
    )
    component = ComponentInfo.from_api(
        {
            "id": "c-1",
            "name": "web",
            "application_id": "a-1",
            "status": {"last_job_id": "j-2"},
            "added_by_the_service": 1,
        }
    )

    records = function_outputs([record])
    answer = function_outputs(component)

    job = records["items"][0]["jobs"][0]
    assert records["items"][0]["instanceId"] == "i-1"
    assert job["jobId"] == "j-1"
    assert job["jobInfo"]["firstBatchWeight"] == 50
    assert answer["applicationId"] == "a-1"
    assert answer["status"] == {"last_job_id": "j-2"}
    assert "added_by_the_service" not in answer and "addedByTheService" not in answer


def test_a_secret_in_a_lookups_answer_is_revealed_as_a_secret():
    found = ConfigurationInfo.from_api(
        {"id": "f-1", "name": "app.yaml", "config_group_id": "g-1", "content": "password: x"}
    )

    content = function_outputs([found])["items"][0]["content"]

    assert rpc.is_rpc_secret(content)
    assert rpc.unwrap_rpc_secret(content) == "password: x"


def test_a_lookup_answering_a_list_answers_it_as_items(schema):
    functions = schema["functions"]
    components = functions[PREFIX + "getComponents"]
    instances = functions[PREFIX + "findMicroserviceInstances"]["outputs"]["properties"]["items"]

    assert components["outputs"]["required"] == ["items"]
    assert components["outputs"]["properties"]["items"]["items"] == {
        "$ref": f"#/types/{PREFIX}ComponentInfo"
    }
    assert "`items`" in components["description"]
    assert instances["type"] == "array"
    assert "jobId" in functions[PREFIX + "getDeployJob"]["inputs"]["properties"]
    assert "tasks" in functions[PREFIX + "getDeployJob"]["outputs"]["properties"]


def test_models_sharing_a_name_are_distinct_types(schema):
    types = schema["types"]
    component = schema["resources"][PREFIX + "Component"]["inputProperties"]
    environment = schema["resources"][PREFIX + "Environment"]["inputProperties"]

    assert component["runtimeStack"]["$ref"] == f"#/types/{PREFIX}ComponentRuntimeStack"
    assert component["labels"]["items"]["$ref"] == f"#/types/{PREFIX}ComponentLabel"
    assert environment["labels"]["items"]["$ref"] == f"#/types/{PREFIX}Label"
    assert PREFIX + "RuntimeStack" not in types
    assert PREFIX + "RuntimeStack" in schema["resources"]


def test_the_settings_are_the_config_and_the_providers_inputs(schema):
    settings = {setting.key: setting for setting in config.ALL_SETTINGS}
    variables = schema["config"]["variables"]

    assert set(variables) == set(settings) == set(schema["provider"]["inputProperties"])
    assert {key for key, spec in variables.items() if spec.get("secret")} == {
        key for key, setting in settings.items() if setting.secret
    }
    assert all(spec["description"] for spec in variables.values())
    assert variables["maxRetries"]["type"] == "integer"
    assert "HW_REGION_NAME" in variables["region"]["description"]
