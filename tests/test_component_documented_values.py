"""The component model is not stricter than the documents, and what the service adds to a
component or withholds from it is never drift."""

import copy
import importlib.util
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from pulumi_servicestage._lifecycle import ObjectRef
from pulumi_servicestage.component import ComponentArgs, ComponentProvider, own_envs
from pulumi_servicestage.component_spec import (
    CREDENTIAL_PATHS,
    WRITE_ONLY_PATHS,
    ComponentSpec,
    to_request_body,
)
from pulumi_servicestage.release_plan import ReleasePlanArgs, ReleasePlanProvider
from pulumi_servicestage.testing import container_component

BODY = {**container_component("env-1"), "application_id": "app-1"}
REF = ObjectRef({"application_id": "app-1", "component_id": "c-1"})


def test_build_parameters_are_an_open_map():
    # Table 4-152 types build.parameters as Map<String, Object>; the console sends more keys.
    parameters = {
        "cluster_id": "cce-1",
        "build_env_selected": "current",
        "use_public_cluster": False,
        "cluster_namespace": "build",
    }
    spec = ComponentSpec.model_validate(
        {**container_component("env-1"), "build": {"parameters": parameters}}
    )
    assert to_request_body(spec)["build"]["parameters"] == parameters


def test_a_storage_parameter_applicable_to_other_types_is_not_refused():
    storage = {
        "type": "HostPath",
        "name": "logs",
        "parameters": {"path": "/var/log", "default_mode": 384},
        "mounts": [{"path": "/logs", "sub_path": "", "read_only": False}],
    }
    ComponentArgs.model_validate({**BODY, "storages": [storage]})


@pytest.mark.parametrize("protocol", ["http", "https", "HTTP", "HTTPS"])
def test_external_access_protocols_in_either_case(protocol):
    access = {"protocol": protocol, "address": "web.example.com", "forward_port": 8080}
    ComponentArgs.model_validate({**BODY, "external_accesses": [access]})


def test_variables_the_service_injects_are_not_the_user_s():
    shown = [
        {"name": "PAAS_PROJECT_ID", "inner": False, "value": "p"},
        {"name": "CAS_APP_ID", "inner": False, "value": "a"},
        {"name": "AOM_DISCOVERY_RULE_VERSION", "inner": False, "value": "V1"},
        {"name": "TZ", "value": "Asia/Shanghai"},
        {"name": "SIDECAR", "inner": True, "value": "x"},
        {"name": "MODE", "inner": False, "value": "prod"},
        {"name": "CAS_TRACE", "value": "on"},
    ]
    declared = [{"name": "MODE", "value": "prod"}, {"name": "CAS_TRACE", "value": "on"}]

    assert own_envs(shown, declared) == [
        {"name": "MODE", "inner": False, "value": "prod"},
        {"name": "CAS_TRACE", "value": "on"},
    ]
    assert own_envs(shown, None) == [{"name": "MODE", "inner": False, "value": "prod"}]


def test_refresh_ignores_injected_variables_and_keeps_the_withheld_workload():
    declared = {**BODY, "envs": [{"name": "MODE", "value": "prod"}], "workload_content": "kind: x"}
    shown = {
        **BODY,
        "envs": [
            {"name": "PAAS_NAMESPACE", "inner": False, "value": "default"},
            {"name": "MODE", "inner": False, "value": "prod"},
        ],
    }

    inputs = ComponentProvider().server_inputs(shown, declared, REF)

    assert inputs["envs"] == [{"name": "MODE", "value": "prod"}]
    assert inputs["workload_content"] == "kind: x"


def _contract_tables():
    """The contract test's transcription of the documents' tables (tests/contract)."""
    path = Path(__file__).parent / "contract" / "generator.py"
    spec = importlib.util.spec_from_file_location("contract_generator", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def _sdk_get_fields() -> set[str]:
    from huaweicloudsdkservicestage.v3.model import ShowComponentInfoResponse

    return set(ShowComponentInfoResponse.attribute_map.values())


def test_write_only_paths_are_the_request_fields_no_get_document_shows():
    tables = _contract_tables()
    registry = tables.Registry()
    shown = set()
    for path, (_, f) in tables.documented_paths(
        registry, "component_response", include_read_only=True
    ).items():
        if not f.get("get"):  # returned only on request (commit_id: ?version=)
            shown.add(path)
            parent = path.rpartition(".")[0]
            shown |= {f"{parent}.{other}".lstrip(".") for other in f.get("other_names") or {}}
    shown |= _sdk_get_fields()
    unshown: set[str] = set()
    for path, _, _, _ in tables.documented_fields(registry, registry.root("component_request")):
        plain = tables.plain(path)
        if plain not in shown and not any(plain.startswith(f"{p}.") for p in unshown):
            unshown.add(plain)
    starred = {
        path.replace("[]", ".*")
        for path, _, _, _ in tables.documented_fields(registry, registry.root("component_request"))
        if tables.plain(path) in unshown
    }

    # Top-level write-only paths are argument names (`sermant_agent_inject_action_flag`).
    argument_names = {f.alias: name for name, f in ComponentSpec.model_fields.items() if f.alias}
    as_arguments = {argument_names.get(path, path) for path in starred}

    assert set(WRITE_ONLY_PATHS) == as_arguments | set(CREDENTIAL_PATHS)


def test_refresh__fields_get_does_not_show_keep_their_known_value():
    declared = {
        **BODY,
        "external_accesses": [{"protocol": "https", "address": "web.example.com"}],
        "tolerations": [{"key": "dedicated", "operator": "Exists"}],
        "source": {**BODY["source"], "http_command": "curl -O x", "commit_id": "0a1b2c3d"},
        "refer_resources": [{"id": "cce-1", "type": "cce", "parameters": {"name": "data"}}],
    }
    shown = {**BODY, "refer_resources": [{"id": "cce-1", "type": "cce", "parameters": {}}]}

    inputs = ComponentProvider().server_inputs(shown, declared, REF)

    assert inputs == declared


# A component as GET answers it when the body left out everything it could: the defaults the
# service fills in, spelt as in seed 000's example response (a release task's component) and
# the variables it injects (§8.3's example).
FILLED_IN = {
    "runtime_stack": {**BODY["runtime_stack"], "url": "", "status": "Supported"},
    "source": {**BODY["source"], "auth": "iam"},
    "envs": [{"name": "PAAS_APP_NAME", "inner": False, "value": "shop"}],
    "storages": [],
    "update_strategy": {
        "type": "RollingUpdate",
        "max_unavailable": "25%",
        "max_surge": "25%",
        "termination_period_seconds": 30,
    },
    "command": {"command": [], "args": []},
    "jvm_opts": "",
    "tomcat_opts": {"server_xml": "", "http_port": 0, "context_path": None},
    "logs": [],
    "custom_metric": {"path": None, "port": 0, "dimensions": None},
    "affinity": [],
    "anti_affinity": [],
    "tolerations": [
        {
            "key": "node.kubernetes.io/not-ready",
            "operator": "Exists",
            "value": None,
            "effect": "NoExecute",
            "toleration_seconds": 300,
        },
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "value": None,
            "effect": "NoExecute",
            "toleration_seconds": 300,
        },
    ],
    **{
        probe: {
            "type": None,
            "delay": 0,
            "timeout": 0,
            "port": 0,
            "period_seconds": 0,
            "success_threshold": 0,
            "failure_threshold": 0,
        }
        for probe in ("liveness_probe", "readiness_probe", "startup_probe")
    },
    "refer_resources": [
        {
            "id": "cce-1",
            "type": "cce",
            "refer_alias": None,
            "parameters": {"name": "cce-1", "namespace": "default", "type": "VirtualMachine"},
            "selectors": None,
        }
    ],
    "workload_kind": "deployment",
    "config_mode": "ui",
    "enable_sermant_injection": False,
    "enable_sermant_spring_register": False,
    "enable_sermant_dubbo_register": False,
    "enable_sermant_config": False,
    "sys_config": {},
    "container_name": "web-env-1-lb0i2d",
}


def test_refresh__what_the_service_fills_in_is_not_drift():
    shown = {**BODY, **FILLED_IN, "status": {"component_status": "RUNNING"}}

    inputs = ComponentProvider().server_inputs(shown, BODY, REF)

    assert inputs == BODY


def test_refresh__a_workload_kind_the_service_fills_in_is_not_drift():
    shown = {**BODY, "workload_kind": "deployment"}

    assert "workload_kind" not in ComponentProvider().server_inputs(shown, BODY, REF)


def test_refresh__the_service_s_default_tolerations_beside_the_user_s_are_not_drift():
    own = {"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}
    declared = {**BODY, "tolerations": [own]}
    shown = {**BODY, "tolerations": [own, *FILLED_IN["tolerations"]]}

    assert ComponentProvider().server_inputs(shown, declared, REF)["tolerations"] == [own]


def test_refresh__a_default_toleration_the_user_declared_is_the_user_s():
    default = FILLED_IN["tolerations"][0]
    declared = {**BODY, "tolerations": [{k: v for k, v in default.items() if v is not None}]}
    shown = {**BODY, "tolerations": [default]}

    inputs = ComponentProvider().server_inputs(shown, declared, REF)

    assert inputs["tolerations"] == declared["tolerations"]


def test_refresh__fields_get_spells_otherwise_are_read_under_their_request_names():
    declared = {
        **BODY,
        "custom_metric": {"path": "/metrics", "port": 9090, "dimensions": "cpu_usage"},
        "host_aliases": [{"ip": "10.0.0.1", "hostnames": ["db.local"]}],
        "build": {"parameters": {"cluster_id": "cce-1", "artifact_namespace": "cas_shop"}},
    }
    # Tables 4-226 (custom_metrics), 4-239 (hostname) and 4-256 (artifact_name_space).
    shown = {
        **BODY,
        "custom_metrics": declared["custom_metric"],
        "host_aliases": [{"ip": "10.0.0.1", "hostname": ["db.local"]}],
        "build": {"parameters": {"cluster_id": "cce-1", "artifact_name_space": "cas_shop"}},
    }

    assert ComponentProvider().server_inputs(shown, declared, REF) == declared


@pytest.mark.parametrize(
    ("path", "declared", "shown"),
    [
        ("deploy_strategy.gray_release.type", "content", "CONTENT"),
        ("deploy_strategy.gray_release.type", "CONTENT", "content"),
        ("deploy_strategy.gray_release.replica_surge_mode", "no_surge", "NOSURGE"),
        ("deploy_strategy.gray_release.rule_match_mode", "ALL", "all"),
        ("deploy_strategy.gray_release.rules.0.condition", "IN", "in"),
        ("deploy_strategy.gray_release.rules.0.type", "HEADER", "header"),
        ("tolerations.0.effect", "NoScheduler", "NoSchedule"),
        ("external_accesses.0.protocol", "http", "HTTP"),
        ("source.repo_type", "GitHub", "github"),
    ],
)
def test_refresh__the_other_spelling_of_a_declared_value_is_not_drift(path, declared, shown):
    component = {
        **BODY,
        "deploy_strategy": {
            "type": "GrayRelease",
            "gray_release": {
                "type": "CONTENT",
                "replica_surge_mode": "MIRROR",
                "rule_match_mode": "all",
                "rules": [{"type": "header", "key": "x-gray", "value": "1", "condition": "equal"}],
            },
        },
        "tolerations": [{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}],
        "external_accesses": [{"protocol": "https", "address": "web.example.com"}],
        "source": {"kind": "code", "repo_type": "GitHub", "repo_url": "https://git/x.git"},
    }
    wanted, answered = copy.deepcopy(component), copy.deepcopy(component)
    _set(wanted, path, declared)
    _set(answered, path, shown)
    ComponentArgs.model_validate(wanted)

    assert ComponentProvider().server_inputs(answered, wanted, REF) == wanted


def test_refresh__a_value_changed_out_of_band_is_still_drift():
    declared = {**BODY, "tolerations": [{"key": "a", "operator": "Exists", "effect": "NoSchedule"}]}
    shown = {**BODY, "tolerations": [{"key": "a", "operator": "Exists", "effect": "NoExecute"}]}

    inputs = ComponentProvider().server_inputs(shown, declared, REF)

    assert inputs["tolerations"][0]["effect"] == "NoExecute"


def _set(body, dotted, value):
    *parents, last = dotted.split(".")
    for part in parents:
        body = body[int(part)] if isinstance(body, list) else body[part]
    body[int(last) if isinstance(body, list) else last] = value


# -- a release task's components (seed 000) ----------------------------------------------------

PLAN_REF = ObjectRef({"release_plan_id": "plan-1"})


def test_release_task__the_components_defaults_of_000_s_example_are_not_drift():
    entry = {**container_component("env-1"), "seq": 1, "application_id": "app-1"}
    declared = {"name": "release-1", "fail_strategy": "stop", "components": [entry]}
    # 000's example response: the entry as the task keeps it, with the defaults filled in and
    # the component the release created.
    shown_entry = {
        **entry,
        **FILLED_IN,
        "id": "30f88521-fa43-42ff-aaec-9cac4259fb16",
        "component_id": "30f88521-fa43-42ff-aaec-9cac4259fb16",
        "enterprise_project_id": "0",
        "nacos_enterprise_project_id": "0",
    }
    shown = {
        "id": "plan-1",
        "name": "release-1",
        "desc": "",
        "description": "",
        "proportion": 0,
        "fail_strategy": "stop",
        "action": "create",
        "components": [shown_entry],
        "status": "SUCCESS",
    }

    inputs = ReleasePlanProvider().server_inputs(shown, declared, PLAN_REF)

    assert inputs == declared


def test_release_task__a_component_s_ports_and_host_aliases_are_its_own_rows():
    entry = {
        **container_component("env-1"),
        "seq": 1,
        "application_id": "app-1",
        "workload_kind": "statefulset",
        "service_name": "web-headless",
        "ports": [{"name": "http", "port": 8080.0, "target_port": "http"}],
        "host_aliases": [{"ip": "10.0.0.1", "hostname": ["db.local"]}],
        "affinity": [
            {
                "kind": "node",
                "condition": "preferred",
                "weight": "0",
                "match_expressions": [{"key": "zone", "operation": "In", "value": "az1"}],
            }
        ],
        "refer_resources": [{"id": "cce-1", "type": "cce"}, {"id": "pvc-1", "type": "pvc"}],
    }

    args = ReleasePlanArgs.model_validate({"name": "release-1", "components": [entry]})
    [sent] = ReleasePlanProvider().create_body(args)["components"]

    assert sent["ports"] == [{"name": "http", "port": "8080", "target_port": "http"}]  # 000 T38
    assert sent["host_aliases"] == [{"ip": "10.0.0.1", "hostname": ["db.local"]}]  # 000 T17
    assert sent["affinity"][0]["weight"] == 0  # Integer, tables 4-143/4-208/4-246
    with pytest.raises(ValidationError, match="hostnames"):  # Table 16's spelling, not 000's
        ReleasePlanArgs.model_validate(
            {
                "name": "release-1",
                "components": [{**entry, "host_aliases": [{"ip": "1.1.1.1", "hostnames": []}]}],
            }
        )
    with pytest.raises(ValidationError, match="template_source"):  # no row of 000 Table 4
        ReleasePlanArgs.model_validate(
            {
                "name": "release-1",
                "components": [{**entry, "template_source": {"storage": "obs", "url": "x"}}],
            }
        )
