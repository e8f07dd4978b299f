"""Tests of the component request-body models against the API docs and the official SDK."""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Iterable, Iterator
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest
from huaweicloudsdkcore.client import Client
from huaweicloudsdkcore.utils.http_utils import sanitize_for_serialization
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from pulumi_servicestage._lifecycle import ObjectRef, argument_values
from pulumi_servicestage.component import ComponentProvider
from pulumi_servicestage.component_spec import (
    CREDENTIAL_PATHS,
    ComponentSpec,
    ResourceType,
    to_request_body,
)
from pulumi_servicestage.emulator import Emulator
from pulumi_servicestage.emulator.servicestage.schemas import ComponentImport
from pulumi_servicestage.emulator.servicestage.schemas import ComponentSpec as EmulatorComponentSpec
from pulumi_servicestage.imported_component import (
    ImportedComponentArgs,
    ImportedComponentProvider,
)

# Chinese API reference 4.3.1, scenario 1 (CCE); the trailing comma after "cce" is dropped.
CREATE_CCE_EXAMPLE: dict[str, Any] = {
    "name": "mycomponent",
    "description": "",
    "labels": [{"key": "com-key", "value": "com-value"}],
    "version": "2023.1102.17105",
    "environment_id": "b489f7b4-2539-45a1-ba71-4728961434ca",
    "runtime_stack": {
        "name": "OpenJDK8",
        "version": "1.2.0",
        "type": "Java",
        "deploy_mode": "container",
    },
    "source": {
        "kind": "package",
        "url": "obs://bucket0001/weather-1.0.0.jar",
        "version": "",
        "storage": "obs",
    },
    "tomcat_opts": {"server_xml": ""},
    "refer_resources": [{"id": "fd92bfab-73b3-11ee-90f0-0255ac1001b3", "type": "cce"}],
    "replica": 1,
    "limit_cpu": 0.25,
    "limit_memory": 0.5,
    "request_cpu": 0.25,
    "request_memory": 0.5,
}

# Chinese API reference 4.3.1, scenario 2 (ECS).
CREATE_VM_EXAMPLE: dict[str, Any] = {
    "name": "mycomponent",
    "description": "",
    "labels": [{"key": "com-key", "value": "com-value"}],
    "version": "2023.1102.17540",
    "environment_id": "9a075df5-104f-4e21-9dbf-ffc3572effdf",
    "runtime_stack": {
        "name": "OpenJDK8",
        "version": "1.2.0",
        "type": "Java",
        "deploy_mode": "virtualmachine",
    },
    "source": {
        "kind": "package",
        "url": "obs://bucket0001/weather-1.0.0.jar",
        "version": "",
        "storage": "obs",
    },
    "tomcat_opts": {"server_xml": ""},
    "refer_resources": [{"id": "23598aa9-7a6b-43c7-a53a-39ca5e7290fb", "type": "ecs"}],
    "replica": 1,
    "external_accesses": [{"protocol": "http", "address": "192.168.0.169", "forward_port": 80}],
}

# English modify page, "Example Request"; the modify body has no environment_id, ours needs one.
MODIFY_EXAMPLE: dict[str, Any] = {
    "name": "mycomponet",
    "description": "",
    "labels": [{"key": "com-key", "value": "com-value"}],
    "version": "2023.0323.15181",
    "runtime_stack": {
        "name": "OpenJDK8",
        "version": "1.1.1",
        "type": "Java",
        "deploy_mode": "virtualmachine",
    },
    "source": {
        "kind": "package",
        "url": "obs://bucket0001/weather-1.0.0.jar",
        "version": "",
        "storage": "obs",
    },
    "tomcat_opts": {"server_xml": ""},
    "refer_resources": [{"id": "67835bb3-1235-4cc9-be71-becbb2b4ca0d", "type": "ecs"}],
    "replica": 1,
    "external_accesses": [],
    "environment_id": "9a075df5-104f-4e21-9dbf-ffc3572effdf",
}

IMAGE = "swr.ap-southeast-1.myhuaweicloud.com/team/weather:1.0.0"

# Every field of every table, with values that satisfy every rule.
FULL_BODY: dict[str, Any] = {
    "name": "weather-api",
    "labels": [{"key": "tier", "value": "backend.v1"}],
    "runtime_stack": {
        "name": "Docker",
        "type": "Docker",
        "version": "1.0",
        "deploy_mode": "container",
    },
    "environment_id": "48874c71-4898-442f-87fc-afff135d65d1",
    "description": "weather forecasts",
    "source": {"kind": "image", "version": "1.0.0", "url": IMAGE, "storage": "swr", "auth": "iam"},
    "build": {
        "parameters": {
            "build_cmd": "./build.sh",
            "dockerfile_path": "./",
            "artifact_namespace": "cas_project",
            "cluster_id": "7bc15618-f875-11ee-9505-0255ac100b08",
            "node_label_selector": {"role": "build"},
            "environment_id": "48874c71-4898-442f-87fc-afff135d65d1",
        }
    },
    "limit_cpu": 0.5,
    "limit_memory": 1.0,
    "request_cpu": 0.25,
    "request_memory": 0.5,
    "version": "2024.0802.18390",
    "envs": [
        {"name": "MODE", "value": "prod"},
        {
            "name": "DB_PASSWORD",
            "value_from": {
                "reference_type": "secretKey",
                "name": "db",
                "key": "password",
                "optional": False,
            },
        },
    ],
    "replica": 2,
    "storages": [
        {
            "type": "HostPath",
            "name": "host-logs",
            "parameters": {"path": "/var/log/weather"},
            "mounts": [{"path": "/logs", "sub_path": "", "read_only": False}],
        },
        {
            "type": "ConfigMap",
            "name": "conf",
            "parameters": {"name": "weather-conf", "default_mode": 384},
            "mounts": [{"path": "/etc/weather", "sub_path": "app.yaml", "read_only": True}],
        },
        {
            "type": "EmptyDir",
            "name": "scratch",
            "parameters": {"medium": "memory"},
            "mounts": [{"path": "/tmp", "sub_path": "", "read_only": False}],
        },
    ],
    "deploy_strategy": {
        "type": "GrayRelease",
        "gray_release": {
            "type": "CONTENT",
            "deployment_mode": 3,
            "replica_surge_mode": "EXTRA",
            "rule_match_mode": "all",
            "rules": [{"type": "header", "key": "x-canary", "value": "on", "condition": "equal"}],
            "first_batch_replica": 1,
            "remaining_batch": 1,
        },
    },
    "command": {"command": ["/bin/sh"], "args": ["-c", "exec weather"]},
    "post_start": {"type": "command", "command": ["/bin/warm-up"]},
    "pre_stop": {"type": "http", "scheme": "HTTP", "host": "127.0.0.1", "port": 8080, "path": "/d"},
    "mesher": {"port": 8080},
    "timezone": "Asia/Shanghai",
    "jvm_opts": "-Xms256m -Xmx1024m",
    "tomcat_opts": {"server_xml": ""},
    "host_aliases": [{"ip": "10.0.0.10", "hostnames": ["db.internal"]}],
    "dns_policy": "None",
    "dns_config": {
        "nameservers": ["10.0.0.53"],
        "searches": ["svc.cluster.local"],
        "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}],
    },
    "workload_kind": "deployment",
    "security_context": {
        "run_as_user": 1000,
        "run_as_group": 1000,
        "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
    },
    "logs": [
        {
            "log_path": "/app/logs",
            "rotate": "Hourly",
            "host_path": "/var/paas/weather",
            "host_extend_path": "PodName/ContainerName",
        }
    ],
    "custom_metric": {"path": "/metrics", "port": 9090, "dimensions": "cpu_usage,mem_usage"},
    "affinity": [
        {
            "kind": "node",
            "condition": "required",
            "match_expressions": [{"key": "zone", "operation": "In", "value": "az1"}],
            "weight": 100,
        }
    ],
    "anti_affinity": [
        {
            "kind": "pod",
            "condition": "preferred",
            "match_expressions": [{"key": "app", "operation": "In", "value": "weather"}],
            "weight": 50,
            "topology_key": "kubernetes.io/hostname",
        }
    ],
    "liveness_probe": {
        "type": "http",
        "delay": 10,
        "timeout": 3,
        "scheme": "HTTP",
        "host": "127.0.0.1",
        "port": 8080,
        "path": "/health",
    },
    "readiness_probe": {"type": "tcp", "delay": 5, "timeout": 1, "port": 8080},
    "startup_probe": {"type": "command", "delay": 0, "timeout": 5, "command": ["cat", "/ready"]},
    "refer_resources": [
        {
            "id": "7bc15618-f875-11ee-9505-0255ac100b08",
            "type": "cce",
            "parameters": {"namespace": "default"},
        },
        {"id": "ebeb26bd-3e27-49d6-bf70-bb1fa07a0500", "type": "cse"},
    ],
    "external_accesses": [
        {"protocol": "https", "address": "weather.example.com", "forward_port": 443}
    ],
    "tolerations": [
        {
            "key": "node.kubernetes.io/not-ready",
            "operator": "Exists",
            "effect": "NoExecute",
            "toleration_seconds": 300,
        },
        {"key": "dedicated", "operator": "Equal", "value": "", "effect": "NoSchedule"},
    ],
    "container_name": "weather",
    "update_strategy": {
        "type": "RollingUpdate",
        "max_unavailable": "25%",
        "max_surge": 1,
        "termination_period_seconds": 30,
        "min_ready_seconds": 5,
        "progress_deadline_seconds": 600,
        "revision_history_limit": 10,
    },
    "multi_containers": [
        {
            "container_name": "sidecar",
            "source": {"kind": "image", "url": IMAGE, "storage": "swr"},
            "limit_cpu": 0.25,
            "limit_memory": 0.25,
            "request_cpu": 0.1,
            "request_memory": 0.1,
            "envs": [{"name": "SIDE", "value": "1"}],
            "liveness_probe": {"type": "tcp", "delay": 1, "timeout": 1, "port": 9000},
            "readiness_probe": {"type": "tcp", "delay": 1, "timeout": 1, "port": 9000},
            "startup_probe": {"type": "command", "delay": 1, "timeout": 1, "command": ["true"]},
            "command": {"command": ["/sidecar"], "args": []},
            "post_start": {"type": "command", "command": ["/bin/true"]},
            "pre_stop": {"type": "command", "command": ["/bin/true"]},
            "logs": [
                {
                    "log_path": "/logs",
                    "rotate": "Daily",
                    "host_path": "/var/paas/sidecar",
                    "host_extend_path": "None",
                }
            ],
            "storages": [
                {
                    "type": "Secret",
                    "name": "certs",
                    "parameters": {"name": "sidecar-certs", "default_mode": 256},
                    "mounts": [{"path": "/certs", "sub_path": "", "read_only": True}],
                }
            ],
            "security_context": {"run_as_user": 1001},
            "config_encryption": {"key_id": "dew-key-2"},
        }
    ],
    "workload_content": "",
    "configs": [{"conifg_id": "f5a52d93-1587-45cf-b8fe-5c7f204b98d1", "mount_path": "/cfg"}],
    "config_mode": "ui",
    "enable_sermant_injection": True,
    "enable_sermant_spring_register": False,
    "enable_sermant_dubbo_register": False,
    "enable_sermant_config": True,
    "cell_id": "cell-1",
    "swimlane_id": "180c158a-0b45-41b4-a8da-767e8fb8e156",
    "sermantAgentInjectActionFlag": True,
    "sys_config": {"log.level": "info"},
    "image_pull_secrets": ["default-secret"],
    "template_source": {
        "storage": "http",
        "url": "https://artifacts.example.com/weather-template.zip",
        "http_username": "deployer",
        "http_password": "template-s3cret",
        "http_headers": [{"key": "X-Token", "value": "header-s3cret"}],
    },
    "input_values": {"replicas": "2"},
    "auto_lts_config": {"enable": True, "lts_log_path": ["/app/logs/*.log"]},
    "config_encryption": {"key_id": "dew-key-1"},
}

CODE_SOURCE = {
    "kind": "code",
    "repo_type": "GitHub",
    "repo_url": "https://github.com/example/demo.git",
    "repo_auth": "github-auth",
    "repo_namespace": "example",
    "repo_ref": "main",
    "web_url": "https://github.com/example/demo",
    "commit_id": "0a1b2c3d4e5f",
}

HTTP_SOURCE = {
    "kind": "package",
    "url": "https://files.example.com/weather.jar",
    "storage": "http",
    "http_command": "https://files.example.com/weather.jar",
    "http_username": "deployer",
    "http_password": "package-s3cret",
    "http_headers": {"Authorization": "Bearer header-s3cret"},
}

VOLUME_PARAMETERS = {
    "namespace": "default",
    "name": "weather-data",
    "capacity": 10,
    "type": "evs",
    "class": "csi-disk",
    "obs_volume_type": "STANDARD",
    "access_mode": "ReadWriteOnce",
    "availableZone": "ap-southeast-1a",
    "volume_type": "SSD",
}


def _at(body: Any, dotted: str) -> Any:
    for part in dotted.split(".") if dotted else ():
        body = body[int(part)] if isinstance(body, list) else body[part]
    return body


def _body(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of `base` with dotted paths (``source.url``, ``storages.0.type``) replaced.

    A value of `...` removes the key.
    """
    body = copy.deepcopy(base)
    for dotted, value in changes.items():
        parent, _, last = dotted.rpartition(".")
        target = _at(body, parent)
        if value is ...:
            del target[last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return body


@pytest.mark.parametrize(
    "body",
    [CREATE_CCE_EXAMPLE, CREATE_VM_EXAMPLE, MODIFY_EXAMPLE, FULL_BODY],
    ids=["create-cce-example", "create-vm-example", "modify-example", "every-field"],
)
def test_body__round_trips(body: dict[str, Any]) -> None:
    assert to_request_body(ComponentSpec.model_validate(body)) == body


# Valid bodies that take the branches FULL_BODY does not.
VARIANTS: dict[str, dict[str, Any]] = {
    "code-source": _body(CREATE_VM_EXAMPLE, source=CODE_SOURCE),
    "http-source-with-password": _body(CREATE_VM_EXAMPLE, source=HTTP_SOURCE),
    "http-source-with-headers-only": _body(
        CREATE_VM_EXAMPLE, source=_body(HTTP_SOURCE, http_username=..., http_password=...)
    ),
    "volume-parameters": _body(
        CREATE_CCE_EXAMPLE, **{"refer_resources.0.parameters": VOLUME_PARAMETERS}
    ),
    "gray-by-weight": _body(
        CREATE_VM_EXAMPLE,
        deploy_strategy={
            "type": "GrayRelease",
            "gray_release": {
                "type": "WEIGHT",
                "first_batch_weight": 20,
                "first_batch_replica": 1,
                "remaining_batch": 2,
                "deployment_mode": 6,
            },
        },
    ),
    "rolling": _body(
        CREATE_VM_EXAMPLE,
        deploy_strategy={"type": "RollingRelease", "rolling_release": {"batches": 2}},
    ),
    "one-batch": _body(CREATE_VM_EXAMPLE, deploy_strategy={"type": "OneBatchRelease"}),
    "chinese-label-empty-value": _body(CREATE_VM_EXAMPLE, labels=[{"key": "服务", "value": ""}]),
}


@pytest.mark.parametrize("body", VARIANTS.values(), ids=VARIANTS.keys())
def test_body__round_trips__variants(body: dict[str, Any]) -> None:
    assert to_request_body(ComponentSpec.model_validate(body)) == body


RULES = [
    # body, loc of the error, part of its message
    pytest.param(
        _body(CREATE_VM_EXAMPLE, name="1weather"),
        ("name",),
        "name must be 2 to 64",
        id="name-starts-with-digit",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, name="weather-"),
        ("name",),
        "ending with a letter or digit",
        id="name-ends-with-hyphen",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, name="w"), ("name",), "name must be 2 to 64", id="name-too-short"
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, name="w" * 65),
        ("name",),
        "name must be 2 to 64",
        id="name-too-long",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, description="d" * 129),
        ("description",),
        "at most 128 characters",
        id="description-too-long",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, version="1.0"),
        ("version",),
        "version must match ^([0-9]+)(.[0-9]+){2,3}$",
        id="version-two-parts",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, version="1.2.3.4.5"),
        ("version",),
        "version must match",
        id="version-five-parts",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, version="v1.2.3"),
        ("version",),
        "version must match",
        id="version-prefixed",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, version="1.2." + "3" * 29),
        ("version",),
        "at most 32 characters",
        id="version-too-long",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, replica=0),
        ("replica",),
        "replica must be at least 1",
        id="replica-zero",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, refer_resources=...),
        ("refer_resources",),
        "Field required",
        id="refer-resources-missing",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, **{"labels.0.key": "casid"}),
        ("labels", 0, "key"),
        "key must not be app, casid or version",
        id="label-key-reserved",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, **{"labels.0.key": "a b"}),
        ("labels", 0, "key"),
        "key must be 1 to 36",
        id="label-key-charset",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, **{"labels.0.value": "v" * 44}),
        ("labels", 0, "value"),
        "value must be up to 43",
        id="label-value-too-long",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, **{"source.url": ...}),
        ("source", "url"),
        "url is required when kind is 'package'",
        id="package-without-url",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, source={"kind": "image", "url": IMAGE}),
        ("source", "storage"),
        "storage is required when kind is 'image'",
        id="image-without-storage",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, source=_body(HTTP_SOURCE, http_command=...)),
        ("source", "http_command"),
        "http_command is required when storage is 'http'",
        id="http-without-command",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, source=_body(HTTP_SOURCE, http_headers=..., http_password=...)),
        ("source", "http_password"),
        "http_password is required when storage is 'http' and no http_headers",
        id="http-password-without-headers",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, source=_body(CODE_SOURCE, commit_id="Abcdef12")),
        ("source", "commit_id"),
        "commit_id must be 8 to 40",
        id="commit-id-upper-case",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, source=_body(CODE_SOURCE, commit_id="abc1234")),
        ("source", "commit_id"),
        "commit_id must be 8 to 40",
        id="commit-id-too-short",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, **{"runtime_stack.type": "Docker"}),
        ("runtime_stack", "type"),
        "type must be Java, Tomcat or Nodejs when deploy_mode is 'virtualmachine'",
        id="vm-docker-stack",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, deploy_strategy={"type": "RollingRelease"}),
        ("deploy_strategy", "rolling_release"),
        "rolling_release is required when type is 'RollingRelease'",
        id="rolling-without-parameters",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, deploy_strategy={"type": "GrayRelease"}),
        ("deploy_strategy", "gray_release"),
        "gray_release is required when type is 'GrayRelease'",
        id="gray-without-parameters",
    ),
    pytest.param(
        _body(
            FULL_BODY,
            **{
                "deploy_strategy.gray_release": {
                    "type": "WEIGHT",
                    "first_batch_replica": 1,
                    "remaining_batch": 1,
                }
            },
        ),
        ("deploy_strategy", "gray_release", "first_batch_weight"),
        "first_batch_weight is required when type is 'WEIGHT'",
        id="gray-weight-without-weight",
    ),
    pytest.param(
        _body(FULL_BODY, **{"deploy_strategy.gray_release.rules": ...}),
        ("deploy_strategy", "gray_release", "rules"),
        "rules is required when type is 'CONTENT'",
        id="gray-content-without-rules",
    ),
    pytest.param(
        _body(FULL_BODY, **{"storages.0.parameters": {}}),
        ("storages", 0, "parameters", "path"),
        "parameters.path is required when type is 'HostPath'",
        id="hostpath-without-path",
    ),
    pytest.param(
        _body(FULL_BODY, **{"storages.1.parameters": {"default_mode": 384}}),
        ("storages", 1, "parameters", "name"),
        "parameters.name is required when type is 'ConfigMap'",
        id="configmap-without-name",
    ),
    pytest.param(
        _body(FULL_BODY, **{"post_start.port": 80}),
        ("post_start", "port"),
        "port can be set only when type is 'http'",
        id="command-hook-with-port",
    ),
    pytest.param(
        _body(FULL_BODY, **{"pre_stop.command": ["x"]}),
        ("pre_stop", "command"),
        "command can be set only when type is 'command'",
        id="http-hook-with-command",
    ),
    pytest.param(
        _body(FULL_BODY, **{"readiness_probe.path": "/"}),
        ("readiness_probe", "path"),
        "path can be set only when type is 'http'",
        id="tcp-probe-with-path",
    ),
    pytest.param(
        _body(FULL_BODY, **{"startup_probe.port": 80}),
        ("startup_probe", "port"),
        "port can be set only when type is 'http' or 'tcp'",
        id="command-probe-with-port",
    ),
    pytest.param(
        _body(FULL_BODY, mesher=..., **{"runtime_stack.type": "Nodejs"}),
        ("mesher",),
        "mesher is required when runtime_stack.type is 'Nodejs' and a cse engine is bound",
        id="nodejs-cse-without-mesher",
    ),
    pytest.param(
        _body(FULL_BODY, **{"affinity.0.weight": 50}),
        ("affinity", 0, "weight"),
        "weight must be 100 when condition is 'required'",
        id="affinity-required-weight",
    ),
    pytest.param(
        _body(FULL_BODY, **{"anti_affinity.0.weight": ...}),
        ("anti_affinity", 0, "weight"),
        "weight is required when condition is 'preferred'",
        id="affinity-preferred-no-weight",
    ),
    pytest.param(
        _body(FULL_BODY, **{"anti_affinity.0.weight": 101}),
        ("anti_affinity", 0, "weight"),
        "weight must be from 0 to 100",
        id="affinity-weight-over-100",
    ),
    pytest.param(
        _body(FULL_BODY, **{"affinity.0.kind": ...}),
        ("affinity", 0, "kind"),
        "Field required",
        id="affinity-without-kind",
    ),
    pytest.param(
        _body(
            CREATE_CCE_EXAMPLE,
            **{"refer_resources.0.parameters": _body(VOLUME_PARAMETERS, **{"class": "csi-obs"})},
        ),
        ("refer_resources", 0, "parameters", "class"),
        "class must be 'csi-disk' when type is 'evs'",
        id="volume-class-mismatch",
    ),
    pytest.param(
        _body(FULL_BODY, **{"tolerations.1.value": ...}),
        ("tolerations", 1, "value"),
        "value is required when operator is 'Equal'",
        id="toleration-equal-without-value",
    ),
    pytest.param(
        _body(FULL_BODY, **{"tolerations.1.key": ...}),
        ("tolerations", 1, "key"),
        "key is required when operator is 'Equal'",
        id="toleration-equal-without-key",
    ),
    pytest.param(
        _body(FULL_BODY, **{"tolerations.0.value": "x"}),
        ("tolerations", 0, "value"),
        "value must not be set when operator is 'Exists'",
        id="toleration-exists-with-value",
    ),
    pytest.param(
        _body(FULL_BODY, **{"tolerations.1.toleration_seconds": 60}),
        ("tolerations", 1, "toleration_seconds"),
        "toleration_seconds can be set only when effect is 'NoExecute'",
        id="toleration-seconds-without-noexecute",
    ),
    pytest.param(
        _body(FULL_BODY, **{"update_strategy.progress_deadline_seconds": 5}),
        ("update_strategy", "progress_deadline_seconds"),
        "progress_deadline_seconds must be greater than min_ready_seconds (5)",
        id="deadline-not-after-ready",
    ),
    pytest.param(
        _body(FULL_BODY, **{"update_strategy.max_surge": "25"}),
        ("update_strategy", "max_surge"),
        "max_surge must be an integer of 0 or more or a percentage",
        id="surge-not-a-percentage",
    ),
    pytest.param(
        _body(FULL_BODY, workload_kind="statefulset", update_strategy={"max_surge": 1}),
        ("update_strategy", "max_surge"),
        "update_strategy.max_surge can be set only when workload_kind is 'deployment'",
        id="surge-on-statefulset",
    ),
    pytest.param(
        _body(FULL_BODY, **{"multi_containers.0.source": CREATE_VM_EXAMPLE["source"]}),
        ("multi_containers", 0, "source", "kind"),
        "source.kind must be 'image'",
        id="multi-container-package",
    ),
    pytest.param(
        _body(
            FULL_BODY,
            **{
                "template_source.storage": "obs",
                "template_source.http_username": ...,
                "template_source.http_headers": ...,
            },
        ),
        ("template_source", "http_password"),
        "http_password can be set only when storage is 'http'",
        id="template-obs-with-password",
    ),
    # Bounds and non-empty strings: every number in its range, every id, URL and name given.
    pytest.param(
        _body(FULL_BODY, **{"liveness_probe.delay": -1}),
        ("liveness_probe", "delay"),
        "delay must be at least 0",
        id="probe-delay-negative",
    ),
    pytest.param(
        _body(FULL_BODY, **{"multi_containers.0.readiness_probe.timeout": -1}),
        ("multi_containers", 0, "readiness_probe", "timeout"),
        "timeout must be at least 0",
        id="probe-timeout-negative",
    ),
    pytest.param(
        _body(FULL_BODY, **{"readiness_probe.port": 0}),
        ("readiness_probe", "port"),
        "port must be from 1 to 65535",
        id="probe-port-zero",
    ),
    pytest.param(
        _body(FULL_BODY, **{"liveness_probe.port": 65536}),
        ("liveness_probe", "port"),
        "port must be from 1 to 65535",
        id="probe-port-too-high",
    ),
    pytest.param(
        _body(FULL_BODY, **{"multi_containers.0.liveness_probe.port": 0}),
        ("multi_containers", 0, "liveness_probe", "port"),
        "port must be from 1 to 65535",
        id="container-probe-port-zero",
    ),
    pytest.param(
        _body(FULL_BODY, **{"pre_stop.port": 70000}),
        ("pre_stop", "port"),
        "port must be from 1 to 65535",
        id="lifecycle-port-too-high",
    ),
    pytest.param(
        _body(FULL_BODY, **{"mesher.port": 0}),
        ("mesher", "port"),
        "port must be from 1 to 65535",
        id="mesher-port-zero",
    ),
    pytest.param(
        _body(FULL_BODY, **{"custom_metric.port": 65536}),
        ("custom_metric", "port"),
        "port must be from 1 to 65535",
        id="metric-port-too-high",
    ),
    pytest.param(
        _body(FULL_BODY, **{"external_accesses.0.forward_port": 0}),
        ("external_accesses", 0, "forward_port"),
        "forward_port must be from 1 to 65535",
        id="forward-port-zero",
    ),
    pytest.param(
        _body(FULL_BODY, **{"limit_cpu": -0.25}),
        ("limit_cpu",),
        "limit_cpu must be at least 0",
        id="limit-cpu-negative",
    ),
    pytest.param(
        _body(FULL_BODY, **{"request_memory": -1}),
        ("request_memory",),
        "request_memory must be at least 0",
        id="request-memory-negative",
    ),
    pytest.param(
        _body(FULL_BODY, **{"multi_containers.0.limit_memory": -1}),
        ("multi_containers", 0, "limit_memory"),
        "limit_memory must be at least 0",
        id="container-limit-memory-negative",
    ),
    pytest.param(
        _body(FULL_BODY, **{"multi_containers.0.request_cpu": -0.1}),
        ("multi_containers", 0, "request_cpu"),
        "request_cpu must be at least 0",
        id="container-request-cpu-negative",
    ),
    pytest.param(
        _body(FULL_BODY, **{"limit_cpu": float("nan")}),
        ("limit_cpu",),
        "finite number",
        id="limit-cpu-nan",
    ),
    pytest.param(
        _body(FULL_BODY, **{"request_cpu": float("inf")}),
        ("request_cpu",),
        "finite number",
        id="request-cpu-infinite",
    ),
    pytest.param(
        _body(FULL_BODY, **{"replica": float("inf")}),
        ("replica",),
        "finite number",
        id="replica-infinite",
    ),
    pytest.param(
        _body(
            FULL_BODY,
            **{"deploy_strategy": {"type": "RollingRelease", "rolling_release": {"batches": 0}}},
        ),
        ("deploy_strategy", "rolling_release", "batches"),
        "batches must be at least 1",
        id="rolling-batches-zero",
    ),
    pytest.param(
        _body(
            VARIANTS["gray-by-weight"], **{"deploy_strategy.gray_release.first_batch_weight": 101}
        ),
        ("deploy_strategy", "gray_release", "first_batch_weight"),
        "first_batch_weight must be from 0 to 100",
        id="gray-weight-over-100",
    ),
    pytest.param(
        _body(
            VARIANTS["gray-by-weight"], **{"deploy_strategy.gray_release.first_batch_weight": -1}
        ),
        ("deploy_strategy", "gray_release", "first_batch_weight"),
        "first_batch_weight must be from 0 to 100",
        id="gray-weight-negative",
    ),
    pytest.param(
        _body(
            VARIANTS["gray-by-weight"], **{"deploy_strategy.gray_release.first_batch_replica": 0}
        ),
        ("deploy_strategy", "gray_release", "first_batch_replica"),
        "first_batch_replica must be at least 1",
        id="gray-first-batch-empty",
    ),
    pytest.param(
        _body(VARIANTS["gray-by-weight"], **{"deploy_strategy.gray_release.remaining_batch": -1}),
        ("deploy_strategy", "gray_release", "remaining_batch"),
        "remaining_batch must be at least 0",
        id="gray-remaining-negative",
    ),
    pytest.param(
        _body(FULL_BODY, **{"storages.1.parameters.default_mode": 0o1000}),
        ("storages", 1, "parameters", "default_mode"),
        "default_mode must be from 0 to 511",
        id="storage-mode-over-0777",
    ),
    pytest.param(
        _body(FULL_BODY, **{"security_context.run_as_user": -1}),
        ("security_context", "run_as_user"),
        "run_as_user must be at least 0",
        id="run-as-user-negative",
    ),
    pytest.param(
        _body(FULL_BODY, **{"update_strategy.min_ready_seconds": -1}),
        ("update_strategy", "min_ready_seconds"),
        "min_ready_seconds must be at least 0",
        id="ready-seconds-negative",
    ),
    pytest.param(
        _body(FULL_BODY, **{"update_strategy.revision_history_limit": -1}),
        ("update_strategy", "revision_history_limit"),
        "revision_history_limit must be at least 0",
        id="history-limit-negative",
    ),
    pytest.param(
        _body(FULL_BODY, **{"update_strategy.max_unavailable": -1}),
        ("update_strategy", "max_unavailable"),
        "max_unavailable must be an integer of 0 or more",
        id="unavailable-negative",
    ),
    pytest.param(
        _body(
            CREATE_CCE_EXAMPLE,
            **{"refer_resources.0.parameters": _body(VOLUME_PARAMETERS, capacity=0)},
        ),
        ("refer_resources", 0, "parameters", "capacity"),
        "capacity must be at least 1",
        id="volume-capacity-zero",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, **{"environment_id": ""}),
        ("environment_id",),
        "must be an id",
        id="environment-id-empty",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, **{"environment_id": "../applications"}),
        ("environment_id",),
        "must be an id",
        id="environment-id-path",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, **{"refer_resources.0.id": ""}),
        ("refer_resources", 0, "id"),
        "must be an id",
        id="refer-resource-id-empty",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, **{"refer_resources.0.id": "a b"}),
        ("refer_resources", 0, "id"),
        "must be an id",
        id="refer-resource-id-space",
    ),
    pytest.param(
        _body(FULL_BODY, **{"build.parameters.cluster_id": ""}),
        ("build", "parameters", "cluster_id"),
        "must be an id",
        id="build-cluster-empty",
    ),
    pytest.param(
        _body(FULL_BODY, **{"build.parameters.environment_id": "env/1"}),
        ("build", "parameters", "environment_id"),
        "must be an id",
        id="build-environment-path",
    ),
    pytest.param(
        _body(FULL_BODY, **{"swimlane_id": "lane?x=1"}),
        ("swimlane_id",),
        "must be an id",
        id="swimlane-id-query",
    ),
    pytest.param(
        _body(FULL_BODY, **{"configs.0.conifg_id": ""}),
        ("configs", 0, "conifg_id"),
        "must be an id",
        id="config-id-empty",
    ),
    pytest.param(
        _body(FULL_BODY, **{"config_encryption.key_id": ""}),
        ("config_encryption", "key_id"),
        "must be an id",
        id="encryption-key-empty",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, **{"source.url": ""}),
        ("source", "url"),
        "url must not be empty",
        id="source-url-empty",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, **{"source": _body(CODE_SOURCE, repo_url="")}),
        ("source", "repo_url"),
        "repo_url must not be empty",
        id="repo-url-empty",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, **{"source": _body(HTTP_SOURCE, http_command="")}),
        ("source", "http_command"),
        "http_command must not be empty",
        id="http-command-empty",
    ),
    pytest.param(
        _body(FULL_BODY, **{"multi_containers.0.source.url": ""}),
        ("multi_containers", 0, "source", "url"),
        "url must not be empty",
        id="container-source-url-empty",
    ),
    pytest.param(
        _body(FULL_BODY, **{"template_source.url": ""}),
        ("template_source", "url"),
        "url must not be empty",
        id="template-url-empty",
    ),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, **{"runtime_stack.name": ""}),
        ("runtime_stack", "name"),
        "name must not be empty",
        id="stack-name-empty",
    ),
    pytest.param(
        _body(FULL_BODY, **{"envs.0.name": ""}),
        ("envs", 0, "name"),
        "name must not be empty",
        id="env-name-empty",
    ),
    pytest.param(
        _body(FULL_BODY, **{"storages.0.name": ""}),
        ("storages", 0, "name"),
        "name must not be empty",
        id="storage-name-empty",
    ),
    pytest.param(
        _body(FULL_BODY, **{"storages.0.mounts.0.path": ""}),
        ("storages", 0, "mounts", 0, "path"),
        "path must not be empty",
        id="mount-path-empty",
    ),
    pytest.param(
        _body(FULL_BODY, **{"storages.0.parameters.path": ""}),
        ("storages", 0, "parameters", "path"),
        "path must not be empty",
        id="hostpath-path-empty",
    ),
    pytest.param(
        _body(FULL_BODY, **{"multi_containers.0.container_name": ""}),
        ("multi_containers", 0, "container_name"),
        "container_name must not be empty",
        id="container-name-empty",
    ),
    pytest.param(
        _body(FULL_BODY, **{"configs.0.mount_path": ""}),
        ("configs", 0, "mount_path"),
        "mount_path must not be empty",
        id="config-mount-path-empty",
    ),
]


# Bodies an earlier model refused although the documents allow them.
ONCE_REFUSED = [
    # Table 4-123 marks environment_id optional (否) in the create body.
    pytest.param(_body(CREATE_VM_EXAMPLE, environment_id=...), id="environment-missing"),
    # Table 31 (and 000 Table 32, tables 4-151/4-216) makes no repository field mandatory for code.
    pytest.param(_body(CREATE_VM_EXAMPLE, source={"kind": "code"}), id="code-without-repository"),
    pytest.param(
        _body(CREATE_VM_EXAMPLE, source={"kind": "code", "repo_type": "GitHub"}),
        id="code-without-repo-url",
    ),
    # Tables 4-130/4-195 spell the gray release policies in lower case.
    pytest.param(
        _body(FULL_BODY, **{"deploy_strategy.gray_release.type": "content"}),
        id="gray-type-lower-case",
    ),
    pytest.param(
        _body(FULL_BODY, **{"deploy_strategy.gray_release.replica_surge_mode": "no_surge"}),
        id="gray-surge-lower-case",
    ),
    # Table 10 spells the rule match modes in upper case, Table 11 the rule type and conditions.
    pytest.param(
        _body(
            FULL_BODY,
            **{
                "deploy_strategy.gray_release.rule_match_mode": "ANY",
                "deploy_strategy.gray_release.rules.0.type": "HEADER",
                "deploy_strategy.gray_release.rules.0.condition": "MATCH",
            },
        ),
        id="gray-rules-upper-case",
    ),
    # Table 36 prints the effect NoScheduler.
    pytest.param(_body(FULL_BODY, **{"tolerations.1.effect": "NoScheduler"}), id="noscheduler"),
    # Tables 4-143/4-208: the weight ranges from 0 to 100.
    pytest.param(_body(FULL_BODY, **{"anti_affinity.0.weight": 0}), id="affinity-weight-zero"),
    # Tables 4-151/4-216 name the storage codearts.
    pytest.param(_body(CREATE_VM_EXAMPLE, **{"source.storage": "codearts"}), id="codearts-storage"),
]


@pytest.mark.parametrize("body", ONCE_REFUSED)
def test_documented_value__is_accepted_and_sent_as_given(body: dict[str, Any]) -> None:
    assert to_request_body(ComponentSpec.model_validate(body)) == body


def test_affinity_weight__as_a_numeric_string_is_sent_as_the_integer() -> None:
    # String in Table 23, Integer in tables 4-143/4-208 and in GET's table 4-246.
    body = _body(FULL_BODY, **{"anti_affinity.0.weight": "50"})

    sent = to_request_body(ComponentSpec.model_validate(body))

    assert sent["anti_affinity"][0]["weight"] == 50


@pytest.mark.parametrize(("body", "loc", "message"), RULES)
def test_rule__fails_at_the_field(
    body: dict[str, Any], loc: tuple[str | int, ...], message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        ComponentSpec.model_validate(body)

    [error] = raised.value.errors()
    assert error["loc"] == loc
    assert message in error["msg"]


def test_int_fields__accept_whole_floats_from_pulumi() -> None:
    body = _body(
        FULL_BODY,
        replica=2.0,
        **{
            "mesher.port": 8080.0,
            "deploy_strategy.gray_release.deployment_mode": 3.0,
            "update_strategy.max_surge": 2.0,
            "storages.1.parameters.default_mode": 384.0,
            "external_accesses.0.forward_port": 443.0,
            "affinity.0.weight": 100.0,
        },
    )

    sent = to_request_body(ComponentSpec.model_validate(body))

    ints = [
        sent["replica"],
        sent["mesher"]["port"],
        sent["deploy_strategy"]["gray_release"]["deployment_mode"],
        sent["update_strategy"]["max_surge"],
        sent["storages"][1]["parameters"]["default_mode"],
        sent["external_accesses"][0]["forward_port"],
        sent["affinity"][0]["weight"],
    ]
    assert ints == [2, 8080, 3, 2, 384, 443, 100]
    assert all(type(value) is int for value in ints)


def test_int_fields__reject_fractions() -> None:
    with pytest.raises(ValidationError) as raised:
        ComponentSpec.model_validate(_body(CREATE_VM_EXAMPLE, replica=1.5))

    [error] = raised.value.errors()
    assert (error["loc"], error["type"]) == (("replica",), "int_from_float")


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (_body(CREATE_VM_EXAMPLE, replicas=2), ("replicas",)),
        (_body(CREATE_VM_EXAMPLE, **{"source.urll": "obs://x"}), ("source", "urll")),
        (_body(FULL_BODY, **{"configs.0.config_id": "x"}), ("configs", 0, "config_id")),
    ],
    ids=["top-level", "nested", "in-a-list"],
)
def test_unknown_field__is_rejected_by_name(
    body: dict[str, Any], loc: tuple[str | int, ...]
) -> None:
    with pytest.raises(ValidationError) as raised:
        ComponentSpec.model_validate(body)

    [error] = raised.value.errors()
    assert (error["loc"], error["type"]) == (loc, "extra_forbidden")
    assert ".".join(map(str, loc)) in str(raised.value)


def test_aliased_nested_fields__accept_python_names_and_send_wire_names() -> None:
    parameters = {k: v for k, v in VOLUME_PARAMETERS.items() if k not in ("class", "availableZone")}
    body = _body(
        CREATE_CCE_EXAMPLE,
        sermant_agent_inject_action_flag=True,
        **{
            "refer_resources.0.parameters": parameters
            | {"class_": "csi-disk", "available_zone": "az1"}
        },
    )

    sent = to_request_body(ComponentSpec.model_validate(body))

    assert sent["sermantAgentInjectActionFlag"] is True
    assert sent["refer_resources"][0]["parameters"]["class"] == "csi-disk"
    assert sent["refer_resources"][0]["parameters"]["availableZone"] == "az1"


def _values_at(body: Any, path: list[str]) -> list[Any]:
    if not path:
        return [body]
    head, *rest = path
    if head == "*":
        return [value for item in body for value in _values_at(item, rest)]
    return _values_at(body[head], rest) if head in body else []


def test_secret_paths__point_at_the_credentials() -> None:
    body = _body(
        FULL_BODY,
        source=HTTP_SOURCE,
        **{"multi_containers.0.source": HTTP_SOURCE | {"kind": "image"}},
    )
    sent = to_request_body(ComponentSpec.model_validate(body))

    found = {path: _values_at(sent, path.split(".")) for path in CREDENTIAL_PATHS}

    headers = HTTP_SOURCE["http_headers"]
    assert found == {
        "source.http_password": ["package-s3cret"],
        "source.http_headers": [headers],
        "multi_containers.*.source.http_password": ["package-s3cret"],
        "multi_containers.*.source.http_headers": [headers],
        "template_source.http_password": ["template-s3cret"],
        "template_source.http_headers": [[{"key": "X-Token", "value": "header-s3cret"}]],
    }


# Keys of our bodies that the installed SDK's models do not carry, and the table defining each.
DOCUMENTED_ONLY = {
    "host_aliases": "Table 16",
    "dns_policy": "Table 3",
    "dns_config": "Table 17",
    "workload_kind": "Table 3",
    "security_context": "Table 19",
    "startup_probe": "Table 25",
    "tolerations": "Table 36",
    "container_name": "Table 3",
    "update_strategy": "Table 37",
    "multi_containers": "Table 38",
    "workload_content": "Table 3",
    "configs": "Table 39",
    "config_mode": "Table 3",
    "enable_sermant_injection": "Table 3",
    "enable_sermant_spring_register": "Table 3",
    "enable_sermant_dubbo_register": "Table 3",
    "enable_sermant_config": "Table 3",
    "cell_id": "Table 3",
    "sermantAgentInjectActionFlag": "Table 3",
    "sys_config": "Table 3",
    "image_pull_secrets": "Table 3",
    "template_source": "Table 40",
    "input_values": "Table 3",
    "auto_lts_config": "Table 35",
    "config_encryption": "Table 42",
}


@pytest.fixture(scope="module")
def sdk() -> Client:
    client = Client()
    client.model_package = importlib.import_module("huaweicloudsdkservicestage.v3.model")
    return client


def _dropped_by_sdk(ours: Any, theirs: Any, path: str = "") -> set[str]:
    """Paths of `ours` that the SDK's copy lacks; every value it kept must be unchanged."""
    if isinstance(ours, dict):
        dropped: set[str] = set()
        for key, value in ours.items():
            sub = f"{path}.{key}" if path else key
            dropped |= _dropped_by_sdk(value, theirs[key], sub) if key in theirs else {sub}
        return dropped
    if isinstance(ours, list):
        pairs = zip(ours, theirs, strict=True)
        return set().union(*(_dropped_by_sdk(o, t, f"{path}.*") for o, t in pairs))
    assert (ours, type(ours)) == (theirs, type(theirs)), path
    return set()


@pytest.mark.parametrize(
    ("sdk_model", "extra_dropped"),
    [("ComponentCreate", set()), ("ComponentModify", {"environment_id"})],
)
def test_body__matches_the_sdk_models(sdk: Client, sdk_model: str, extra_dropped: set[str]) -> None:
    sent = to_request_body(ComponentSpec.model_validate(FULL_BODY))
    # The installed SDK types (anti_)affinity as one {az, node, component} object; the tables'
    # list of rules cannot pass through it.
    comparable = {k: v for k, v in sent.items() if k not in ("affinity", "anti_affinity")}

    through_sdk = sanitize_for_serialization(sdk._deserialize(copy.deepcopy(comparable), sdk_model))

    assert _dropped_by_sdk(comparable, through_sdk) == set(DOCUMENTED_ONLY) | extra_dropped


@pytest.mark.parametrize(
    ("sdk_model", "path", "value", "documented_only"),
    [
        ("SourceObject", "source", CODE_SOURCE, {"commit_id"}),
        (
            "SourceObject",
            "source",
            HTTP_SOURCE,
            {"http_command", "http_username", "http_password", "http_headers"},
        ),
        (
            "ReferResourceCreateParameters",
            "refer_resources.0.parameters",
            VOLUME_PARAMETERS,
            set(VOLUME_PARAMETERS) - {"namespace"},
        ),
    ],
    ids=["code-source", "http-source", "volume-parameters"],
)
def test_nested_body__matches_the_sdk_models(
    sdk: Client, sdk_model: str, path: str, value: dict[str, Any], documented_only: set[str]
) -> None:
    sent = to_request_body(ComponentSpec.model_validate(_body(CREATE_CCE_EXAMPLE, **{path: value})))
    part = _at(sent, path)

    through_sdk = sanitize_for_serialization(sdk._deserialize(copy.deepcopy(part), sdk_model))

    assert _dropped_by_sdk(part, through_sdk) == documented_only


def test_spec__an_empty_environment_id_is_refused():
    body = {
        "name": "web",
        "environment_id": "",
        "version": "1.0.0",
        "replica": 1,
        "runtime_stack": {
            "name": "Docker",
            "type": "Docker",
            "version": "1.0.0",
            "deploy_mode": "container",
        },
        "source": {"kind": "image", "storage": "swr", "url": "swr.example.com/org/web:1"},
        "refer_resources": [{"id": "cce-1", "type": "cce"}],
    }
    with pytest.raises(ValidationError, match="environment_id"):
        ComponentSpec.model_validate(body)
    ComponentSpec.model_validate({**body, "environment_id": "env-1"})


# -- What the client accepts, the emulator accepts --------------------------------------------

_REMOVED = object()
Mutation = tuple[tuple[str | int, ...], Any]
"""A change to a body: the path of one field, and its new value (or `_REMOVED`)."""

# Values tried at every leaf of a type, beside each value of a Literal: bounds and their
# neighbours, empty and long strings, ids, a CJK ideograph past U+9FA5, a percentage.
_PROBES: dict[type, list[Any]] = {
    int: [-1, 0, 1, 100, 101, 511, 512, 65535, 65536],
    float: [-0.5, 0.0, 0.25, 64.0],
    str: ["", "a", "ab", "x" * 129, "7bc15618-f875-11ee", "a/b", "龦", "25%"],
    bool: [True, False],
}


def _alternatives(annotation: Any) -> list[Any]:
    """The types a value of `annotation` can have, less None and Annotated metadata."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _alternatives(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return [
            kind
            for arg in get_args(annotation)
            if arg is not NoneType
            for kind in _alternatives(arg)
        ]
    return [annotation]


def _mutations(
    value: Any, kinds: list[Any], path: tuple[str | int, ...] = ()
) -> Iterator[Mutation]:
    """One-field changes of `value`, typed as `kinds` in the client model: each optional field
    left out, each list and map emptied, each leaf set to each of its probes."""
    models = [kind for kind in kinds if isinstance(kind, type) and issubclass(kind, BaseModel)]
    if isinstance(value, dict) and models:
        [model] = models
        hints = get_type_hints(model, include_extras=True)
        for name, field in model.model_fields.items():
            key = field.alias or name
            if key in value:
                if not field.is_required():
                    yield (*path, key), _REMOVED
                yield from _mutations(value[key], _alternatives(hints[name]), (*path, key))
    elif isinstance(value, list):
        [item_kind] = [get_args(kind)[0] for kind in kinds if get_origin(kind) is list]
        yield path, []
        for index, item in enumerate(value):
            yield from _mutations(item, _alternatives(item_kind), (*path, index))
    elif isinstance(value, dict):
        yield path, {}
        yield path, {"": ""}
    else:
        for kind in kinds:
            choices = get_args(kind) if get_origin(kind) is Literal else _PROBES.get(kind, [])
            yield from ((path, choice) for choice in choices)


def _mutated(body: dict[str, Any], mutations: Iterable[Mutation]) -> dict[str, Any]:
    """A copy of `body` with the mutations applied; one whose place has gone is skipped."""
    body = copy.deepcopy(body)
    for path, value in mutations:
        parent: Any = body
        try:
            for key in path[:-1]:
                parent = parent[key]
            if value is _REMOVED:
                del parent[path[-1]]
            else:
                parent[path[-1]] = copy.deepcopy(value)
        except (KeyError, IndexError, TypeError):
            continue
    return body


def _sent(body: dict[str, Any]) -> dict[str, Any] | None:
    """The request body the client would send for `body`; None if its check refuses it."""
    try:
        return to_request_body(ComponentSpec.model_validate(body))
    except ValidationError:
        return None


def _emulator_disagreement(sent: dict[str, Any]) -> str | None:
    """How the emulator fails a create body, parsed as its create route parses it: why it refuses
    it, or which fields it does not keep as sent; None when it takes and keeps the whole body."""
    try:
        spec = EmulatorComponentSpec.model_validate_json(json.dumps(sent))
    except ValidationError as error:
        return str(error)
    kept = {**spec.to_dict(), "environment_id": spec.environment_id}
    # A body without replica leaves the count to its workload_content: the service fills it in.
    filled_in = {"replica"} - sent.keys()
    changed = sorted(
        key for key in (sent.keys() | kept.keys()) - filled_in if kept.get(key) != sent.get(key)
    )
    return f"kept {changed} otherwise than sent" if changed else None


_BASES = {"every-field": FULL_BODY, **VARIANTS}


@pytest.mark.parametrize("base", _BASES.values(), ids=_BASES.keys())
def test_emulator__accepts_and_keeps_every_body_the_client_accepts(base: dict[str, Any]) -> None:
    disagreements, accepted = [], 0
    for path, value in _mutations(base, [ComponentSpec]):
        sent = _sent(_mutated(base, [(path, value)]))
        if sent is None:
            continue
        accepted += 1
        if (how := _emulator_disagreement(sent)) is not None:
            disagreements.append((".".join(map(str, path)), value, how))

    assert disagreements == []
    assert accepted >= 50, "most one-field changes should leave the body valid"


_ACCEPTED_MUTATIONS = [
    mutation
    for mutation in _mutations(FULL_BODY, [ComponentSpec])
    if _sent(_mutated(FULL_BODY, [mutation])) is not None
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_ACCEPTED_MUTATIONS), max_size=12))
def test_emulator__accepts_and_keeps_combined_changes_the_client_accepts(
    mutations: list[Mutation],
) -> None:
    sent = _sent(_mutated(FULL_BODY, mutations))
    assume(sent is not None)
    assert sent is not None

    assert _emulator_disagreement(sent) is None


def test_emulator__creates_a_client_valid_component_and_shows_it_back() -> None:
    backend = Emulator().backend()
    environment = backend.create_environment(
        name="dev", vpc_id="vpc-1", creator="tester", deploy_mode="container"
    )
    application = backend.create_application(name="shop", creator="tester")
    built_in_docker = {
        "name": "Docker",
        "type": "Docker",
        "version": "1.0.0",
        "deploy_mode": "container",
    }
    body = _body(FULL_BODY, environment_id=environment.id, runtime_stack=built_in_docker)
    sent = to_request_body(ComponentSpec.model_validate(body))

    spec = EmulatorComponentSpec.model_validate_json(json.dumps(sent))
    created = backend.create_component(application.id, spec, creator="tester")
    shown = backend.show_component(application.id, created.id).to_dict()

    # As a refresh reads it: without the variables the service adds, and with the fields GET
    # does not show (WRITE_ONLY_PATHS) kept as sent.
    ref = ObjectRef({"application_id": application.id, "component_id": created.id})
    inputs = argument_values(ComponentSpec.model_validate(body))
    seen = ComponentProvider().server_inputs(shown, inputs, ref)
    assert {key: seen.get(key) for key in inputs} == inputs


@pytest.mark.parametrize("resource_type", get_args(ResourceType))
def test_emulator__imports_with_the_shared_objects_the_client_accepts(resource_type: str) -> None:
    # The import body reuses the labels, bound resources and external accesses of this model.
    args = ImportedComponentArgs.model_validate(
        {
            "application_id": "shop",
            "environment_id": "dev",
            "name": "web",
            "workload_name": "web",
            "workload_kind": "deployment",
            "version": "1.0.0",
            "refer_resources": [
                {"id": "cce-1", "type": "cce"},
                {"id": "other.resource_1", "type": resource_type},
            ],
            "labels": [{"key": "龦", "value": ""}],
            "external_accesses": [{"protocol": "https", "forward_port": 65535}],
        }
    )
    body = ImportedComponentProvider().create_body(args)

    ComponentImport.model_validate_json(json.dumps(body))
