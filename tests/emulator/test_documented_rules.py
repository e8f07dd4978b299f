"""The documented rules, as the emulator enforces them: each rule of the component body's list
(`servicestage.schemas.RULES`) refuses a body that breaks it, naming the rule and its tables;
every value the documents allow is taken and answered in the spelling the SDK reads;
credentials are never shown back; the README prints the lists the code enforces."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from emulator_support import (
    CAS,
    JOB_SECONDS,
    CreateComponent,
    component_body,
    components_path,
    error_of,
    ok,
)

from pulumi_servicestage.emulator.asm import schemas as asm_schemas
from pulumi_servicestage.emulator.cse.engines import schemas as engine_schemas
from pulumi_servicestage.emulator.cse.servicecomb import schemas as servicecomb_schemas
from pulumi_servicestage.emulator.rules import Rule
from pulumi_servicestage.emulator.servicestage import schemas
from pulumi_servicestage.emulator.servicestage.configs import schemas as configs_schemas
from pulumi_servicestage.emulator.servicestage.plugins import schemas as plugins_schemas
from pulumi_servicestage.emulator.servicestage.release_plans import schemas as plans_schemas
from pulumi_servicestage.emulator.servicestage.repo_authorizations import (
    schemas as repo_schemas,
)
from pulumi_servicestage.emulator.servicestage.runtime_stacks import schemas as stack_schemas
from pulumi_servicestage.testing import VirtualClock

README = Path(__file__).resolve().parents[2] / "README.md"
VM_STACK = {"name": "OpenJDK8", "type": "Java", "version": "1.2.0", "deploy_mode": "virtualmachine"}
NODE_STACK = {"name": "Nodejs16", "type": "Nodejs", "version": "1.2.0", "deploy_mode": "container"}
HTTP_SOURCE = {"kind": "package", "storage": "http", "url": "https://repo.example/web.jar"}

# One body per rule that breaks it and nothing else (on create unless the rule is a modify's).
BREAKING: dict[Rule, dict[str, Any]] = {
    schemas.NAME: {"name": "9web"},
    schemas.DESCRIPTION: {"description": "d" * 129},
    schemas.VERSION: {"version": "1.0"},
    schemas.REFER_RESOURCES_TO_CREATE: {"refer_resources": None},
    schemas.REPLICA: {"replica": None},
    schemas.LABEL_KEY: {"labels": [{"key": "casid", "value": "x"}]},
    schemas.LABEL_VALUE: {"labels": [{"key": "k", "value": "a b"}]},
    schemas.VM_STACK_TYPES: {"runtime_stack": {**VM_STACK, "type": "Php"}},
    schemas.SOURCE_ARTIFACT: {"source": {"kind": "image", "storage": "swr"}},
    schemas.SOURCE_HTTP: {"source": {**HTTP_SOURCE, "http_command": "GET"}},
    schemas.COMMIT_ID: {"source": {"kind": "code", "commit_id": "Abcdefgh1"}},
    schemas.STORAGE_PATH: {
        "storages": [{"type": "HostPath", "name": "d", "parameters": {}, "mounts": []}]
    },
    schemas.STORAGE_NAME: {
        "storages": [{"type": "Secret", "name": "d", "parameters": {}, "mounts": []}]
    },
    schemas.ROLLING_RELEASE: {"deploy_strategy": {"type": "RollingRelease"}},
    schemas.GRAY_RELEASE: {"deploy_strategy": {"type": "GrayRelease"}},
    schemas.GRAY_BY_WEIGHT: {
        "deploy_strategy": {
            "type": "GrayRelease",
            "gray_release": {"type": "weight", "first_batch_weight": 10},
        }
    },
    schemas.GRAY_BY_CONTENT: {
        "deploy_strategy": {
            "type": "GrayRelease",
            "gray_release": {"type": "CONTENT", "rule_match_mode": "ALL"},
        }
    },
    schemas.MESHER: {
        "runtime_stack": NODE_STACK,
        "refer_resources": [{"id": "cce-1", "type": "cce"}, {"id": "cse-1", "type": "cse"}],
    },
    schemas.AFFINITY_WEIGHT: {"affinity": [{"kind": "pod", "weight": "101"}]},
    schemas.VOLUME_CLASS: {
        "refer_resources": [
            {"id": "pvc-1", "type": "cce", "parameters": {"type": "evs", "class": "csi-obs"}}
        ]
    },
    schemas.MULTI_CONTAINER_IMAGES: {
        "multi_containers": [
            {"container_name": "side", "source": {"kind": "package", "url": "u", "storage": "obs"}}
        ]
    },
    schemas.TOLERATION_KEY: {"tolerations": [{"operator": "Equal", "value": "v"}]},
    schemas.TOLERATION_VALUE: {"tolerations": [{"key": "k", "operator": "Exists", "value": "v"}]},
    schemas.TOLERATION_SECONDS: {
        "tolerations": [{"key": "k", "effect": "NoSchedule", "toleration_seconds": 30}]
    },
    schemas.SURGE_FOR_DEPLOYMENTS: {
        "workload_kind": "statefulset",
        "update_strategy": {"max_surge": 1},
    },
    schemas.PROGRESS_DEADLINE: {
        "update_strategy": {"min_ready_seconds": 30, "progress_deadline_seconds": 30}
    },
}
ON_MODIFY = {
    schemas.NAME_FIXED: {"name": "other"},
    schemas.RUNTIME_STACK_FIXED: {"runtime_stack": {**NODE_STACK, "type": "Java"}},
    schemas.REPLICA_BY_SCALING: {"replica": 7},
}
NOT_A_BODY_CHECK = {schemas.STRUCTURE, schemas.SCALE_HOSTS}  # tested elsewhere


def without_nones(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value is not None}


def test_every_rule_has_a_breaking_body() -> None:
    assert set(schemas.RULES) == set(BREAKING) | set(ON_MODIFY) | NOT_A_BODY_CHECK


@pytest.mark.parametrize("rule", list(BREAKING), ids=lambda rule: rule.where)
def test_create_component__a_broken_rule_is_a_400_that_names_it(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any], rule: Rule
) -> None:
    body = without_nones(component_body(environment["id"], **BREAKING[rule]))

    code, message = error_of(client.post(components_path(application), json=body), 400)

    assert code == "SVCSTG.00100400"
    assert f"{rule.text} ({rule.source})" in message


@pytest.mark.parametrize("rule", list(ON_MODIFY), ids=lambda rule: rule.where)
def test_modify_component__a_broken_rule_is_a_400_that_names_it(
    client: httpx.Client, environment: dict[str, Any], running_component: dict[str, Any], rule: Rule
) -> None:
    body = component_body(environment["id"], **ON_MODIFY[rule])

    code, message = error_of(client.put(running_component["path"], json=body), 400)

    assert (code, message) == ("SVCSTG.00100400", f"parameter invalid: {rule.message()}")


def test_labels__only_the_create_table_has_rules(
    client: httpx.Client, environment: dict[str, Any], running_component: dict[str, Any]
) -> None:
    # 004 表4-124 (create) rules the labels; 003 Table 4 and 004 表4-189 (modify) do not.
    labels = [{"key": "casid", "value": "a b"}]

    ok(client.put(running_component["path"], json=component_body(environment["id"], labels=labels)))

    assert ok(client.get(running_component["path"]))["labels"] == labels


# -- every documented value is taken, in the spelling the SDK reads -------------------------------

GRAY_CONTENT = {
    "type": "content",
    "replica_surge_mode": "no_surge",
    "rule_match_mode": "ALL",
    "rules": [{"type": "HEADER", "key": "x-gray", "value": "1", "condition": "EQUAL"}],
}


def test_create_component__documented_values_and_spellings(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any]
) -> None:
    body = component_body(
        environment["id"],
        source={"kind": "package", "storage": "codearts", "url": "https://codearts/web.jar"},
        deploy_strategy={"type": "GrayRelease", "gray_release": GRAY_CONTENT},
        affinity=[
            {"kind": "node", "condition": "required", "weight": 0, "match_expressions": []},
            {"kind": "pod", "condition": "preferred", "weight": "100"},
        ],
        tolerations=[{"key": "k", "operator": "Equal", "value": "v", "effect": "NoScheduler"}],
        host_aliases=[{"ip": "10.0.0.1", "hostname": ["db.local"]}],
        custom_metrics={"path": "/metrics", "port": 9090, "dimensions": "cpu_usage"},
    )
    del body["environment_id"]

    created = ok(client.post(components_path(application), json=body))
    shown = ok(client.get(f"{components_path(application)}/{created['component_id']}"))

    assert shown["source"]["storage"] == "codearts"  # 004 表4-151
    assert [item["weight"] for item in shown["affinity"]] == [0, "100"]  # 表4-143; 003 Table 23
    assert shown["deploy_strategy"]["gray_release"] == {
        "type": "CONTENT",
        "replica_surge_mode": "NOSURGE",
        "rule_match_mode": "all",
        "rules": [{"type": "header", "key": "x-gray", "value": "1", "condition": "equal"}],
    }
    assert shown["tolerations"][0]["effect"] == "NoSchedule"
    assert shown["host_aliases"] == [{"ip": "10.0.0.1", "hostnames": ["db.local"]}]
    assert shown["custom_metric"]["port"] == 9090
    assert shown["environment_id"] is None


def test_release_plan__documented_entry_fields(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any]
) -> None:
    entry = component_body(
        environment["id"],
        seq=1,
        application_id=application["id"],
        service_name="sch-headless",
        ports=[{"name": "http", "port": "8080", "target_port": "8080"}],
        host_aliases=[{"ip": "10.0.0.1", "hostname": ["db.local"]}],
        refer_resources=[
            {"id": "cce-1", "type": "cce"},
            {"id": "srv-1", "type": "customServer"},
            {"id": "pvc-1", "type": "pvc"},
        ],
    )

    created = ok(client.post(f"{CAS}/release-plans", json={"name": "r", "components": [entry]}))

    shown = ok(client.get(f"{CAS}/release-plans/{created['id']}"))
    [component] = shown["components"]
    assert shown["swimlane_id"] is None
    assert (component["service_name"], component["ports"]) == (
        entry["service_name"],
        entry["ports"],
    )
    assert component["host_aliases"] == [{"ip": "10.0.0.1", "hostnames": ["db.local"]}]
    assert [item["type"] for item in component["refer_resources"]] == ["cce", "customServer", "pvc"]
    # 000's example: the default probes and custom metric of an entry that set none.
    assert component["liveness_probe"] == plans_schemas.DEFAULT_PROBE
    assert component["custom_metric"] == plans_schemas.DEFAULT_CUSTOM_METRIC
    # ... which mean "none" when a client sends them back as read.
    ok(client.put(f"{CAS}/release-plans/{created['id']}", json=shown))


def test_create_component__release_task_refer_types_are_not_a_component_s(
    client: httpx.Client, application: dict[str, Any], environment: dict[str, Any]
) -> None:
    # customServer and pvc are 000 Table 27's (release tasks); 003 Table 26 has neither.
    body = component_body(environment["id"], refer_resources=[{"id": "p", "type": "pvc"}])

    code, message = error_of(client.post(components_path(application), json=body), 400)

    assert (code, "refer_resources[0].type" in message) == ("SVCSTG.00100400", True)


# -- credentials ----------------------------------------------------------------------------------


def test_component_credentials_are_never_shown(
    client: httpx.Client,
    application: dict[str, Any],
    create_component: CreateComponent,
    clock: VirtualClock,
) -> None:
    source = {**HTTP_SOURCE, "http_command": "GET", "http_username": "u", "http_password": "pw"}
    image = {"kind": "image", "storage": "swr", "url": "nginx", "http_headers": {"k": "v"}}
    created = create_component(
        source=source,
        multi_containers=[{"container_name": "side", "source": image}],
        template_source={
            "storage": "http",
            "url": "https://t",
            "http_username": "u",
            "http_password": "pw",
            "http_headers": [{"key": "Authorization", "value": "secret"}],
        },
    )
    clock.advance(JOB_SECONDS)

    shown = ok(client.get(f"{components_path(application)}/{created['component_id']}"))
    listed = ok(client.get(components_path(application)))["components"][0]

    assert shown["source"] == {**HTTP_SOURCE, "http_command": "GET", "http_username": "u"}
    assert shown["multi_containers"][0]["source"] == {
        "kind": "image",
        "storage": "swr",
        "url": "nginx",
    }
    assert shown["template_source"] == {"storage": "http", "url": "https://t", "http_username": "u"}
    assert "http_password" not in listed["source"]
    assert "pw" not in str(shown) and "secret" not in str(shown) and "pw" not in str(listed)


def test_component_list_shows_external_accesses_and_get_does_not(
    client: httpx.Client, application: dict[str, Any], create_component: CreateComponent
) -> None:
    accesses = [{"protocol": "http", "address": "10.0.0.1", "forward_port": 80}]
    created = create_component(external_accesses=accesses)

    shown = ok(client.get(f"{components_path(application)}/{created['component_id']}"))
    listed = ok(client.get(components_path(application)))["components"][0]

    assert "external_accesses" not in shown  # neither 表4-226 nor the SDK's response has it
    assert listed["external_accesses"] == accesses  # 表4-168


# -- the README prints the lists the code enforces ------------------------------------------------

AREAS: dict[str, tuple[Rule, ...]] = {
    "Components (`servicestage/schemas.py`, `RULES`)": schemas.RULES,
    "Other core operations (`servicestage/schemas.py`, `OTHER_RULES`)": schemas.OTHER_RULES,
    "Release tasks (`servicestage/release_plans/schemas.py`)": plans_schemas.RULES,
    "ASM releases (`asm/schemas.py`)": asm_schemas.RULES,
    "Configuration management (`servicestage/configs/schemas.py`)": configs_schemas.RULES,
    "Plugins (`servicestage/plugins/schemas.py`)": plugins_schemas.RULES,
    "Custom runtime stacks (`servicestage/runtime_stacks/schemas.py`)": stack_schemas.RULES,
    "Repository authorizations (`servicestage/repo_authorizations/schemas.py`)": (
        repo_schemas.RULES
    ),
    "CSE engines (`cse/engines/schemas.py`)": engine_schemas.RULES,
    "ServiceComb registry (`cse/servicecomb/schemas.py`, `REGISTRY_RULES`)": (
        servicecomb_schemas.REGISTRY_RULES
    ),
    "Engine configuration (`cse/servicecomb/schemas.py`, `CONFIG_RULES`)": (
        servicecomb_schemas.CONFIG_RULES
    ),
}


def readme_rules(heading: str) -> list[tuple[str, str, str]]:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"**{heading}**")
    rows = []
    for line in text[start:].splitlines()[1:]:
        if line.startswith("**"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and not re.fullmatch(r"-+", cells[0]) and cells[0] != "Where":
            rows.append((cells[0].strip("`"), cells[1], cells[2]))
    return rows


@pytest.mark.parametrize("heading", list(AREAS))
def test_readme_lists_the_rules_the_code_enforces(heading: str) -> None:
    assert readme_rules(heading) == [
        (rule.where, rule.text, rule.source) for rule in AREAS[heading]
    ]
