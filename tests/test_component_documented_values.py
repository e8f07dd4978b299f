"""The component model is not stricter than the documents, and what the service adds to a
component or withholds from it is never drift."""

import pytest

from pulumi_servicestage._lifecycle import ObjectRef
from pulumi_servicestage.component import ComponentArgs, ComponentProvider, own_envs
from pulumi_servicestage.component_spec import ComponentSpec, to_request_body
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
