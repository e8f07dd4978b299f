"""Runtime stacks: GET /v3/{project_id}/cas/runtimestacks (reference §4.4.1)."""

from __future__ import annotations

import uuid

import httpx
from emulator_support import CAS, CreateComponent, ok

from pulumi_servicestage.emulator import DEFAULT_PROJECT_ID


def test_list_runtime_stacks(client: httpx.Client, create_component: CreateComponent) -> None:
    create_component()  # runs on OpenJDK8 1.2.0, container

    listed = ok(client.get(f"{CAS}/runtimestacks"))

    stacks = listed["runtime_stacks"]
    assert listed["total"] == len(stacks) >= 10
    assert {stack["type"] for stack in stacks} == {
        "Java",
        "Tomcat",
        "Nodejs",
        "Php",
        "Docker",
        "Python",
    }
    openjdk8 = next(
        stack
        for stack in stacks
        if (stack["name"], stack["version"], stack["deploy_mode"])
        == ("OpenJDK8", "1.2.0", "container")
    )
    assert uuid.UUID(openjdk8["id"])
    assert openjdk8 == {
        "id": openjdk8["id"],
        "name": "OpenJDK8",
        "project_id": DEFAULT_PROJECT_ID,
        "deploy_mode": "container",
        "type": "Java",
        "version": "1.2.0",
        "spec": {
            "os": "Linux",
            "sdk": "OpenJDK-1.8.0_412",
            "parameters": {"image": "openjdk:8-jre"},
        },
        "system": 1,
        "status": "Supported",
        "create_time": openjdk8["create_time"],
        "update_time": openjdk8["update_time"],
        "component_count": 1,
    }
    # Virtual machines run only Java, Tomcat and Node.js stacks (§4.3.1, table 4-150).
    vm_types = {stack["type"] for stack in stacks if stack["deploy_mode"] == "virtualmachine"}
    assert vm_types == {"Java", "Tomcat", "Nodejs"}
