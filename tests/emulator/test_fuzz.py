"""Malformed requests to every route: whatever arrives, the emulator answers below 500.

Hypothesis generates the requests: random JSON, known-good bodies with a field replaced, removed
or added, bodies nested deeper than any parser recurses, numbers no float holds, wrong types,
random bytes, odd query parameters, and broken zip packages for the configuration import. Each
request goes to one of the emulator's routes (`WsgiApp.routes`, control routes included), with
path parameters naming seeded objects or made up. `SENT` counts the requests; the module prints
the total at its end (``pytest -s`` or ``-rP`` shows it).
"""

from __future__ import annotations

import copy
import io
import json
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from emulator_support import CAS, component_body, token_request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from pulumi_servicestage.emulator import DEFAULT_PROJECT_ID, Emulator
from pulumi_servicestage.emulator.server import MAX_BODY_BYTES, Route
from pulumi_servicestage.emulator.servicestage.repo_authorizations.backend import (
    RepoAuthorizationBackend,
)

SENT: Counter[str] = Counter()
FUZZ = settings(
    database=None,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- the emulator and what it holds ---------------------------------------------------------------


class World:
    """An emulator with one object of each kind, a token, and a client that counts requests."""

    def __init__(self) -> None:
        self.emulator = Emulator(job_seconds=0)
        self.http = Client(self.emulator.wsgi_app)
        answer = self.http.post("/v3/auth/tokens", json=token_request())
        self.token = answer.headers["X-Subject-Token"]
        self.ids: dict[str, list[str]] = {"project_id": [DEFAULT_PROJECT_ID]}
        self._seed()

    def send(
        self,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        query: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> int:
        SENT[method] += 1
        response = self.http.open(
            path,
            method=method,
            data=body,
            query_string=query or {},
            headers={
                "X-Auth-Token": self.token,
                "X-Project-Id": DEFAULT_PROJECT_ID,
                "Content-Type": content_type,
            },
        )
        return response.status_code

    def _json(self, method: str, path: str, body: Any) -> Any:
        response = self.http.open(
            path, method=method, json=body, headers={"X-Auth-Token": self.token}
        )
        assert response.status_code < 300, response.get_data(as_text=True)
        return response.get_json(silent=True)

    def _seed(self) -> None:
        environment = self._json(
            "POST", f"{CAS}/environments", {"name": "fuzz-env", "vpc_id": "vpc-1"}
        )
        application = self._json("POST", f"{CAS}/applications", {"name": "fuzz-app"})
        component = self._json(
            "POST",
            f"{CAS}/applications/{application['id']}/components",
            component_body(environment["id"]),
        )
        group = self._json("POST", f"{CAS}/config-groups", {"name": "fuzz-group"})
        config = self._json(
            "POST",
            f"{CAS}/configs",
            {
                "config_group_id": group["id"],
                "name": "fuzz-config",
                "content": "a: 1",
                "type": "yaml",
                "sensitive": False,
            },
        )
        history = self._json("GET", f"{CAS}/configs/{config['id']}/histories", None)
        plan = self._json(
            "POST",
            f"{CAS}/release-plans",
            {
                "name": "fuzz-plan",
                "components": [
                    {
                        **component_body(environment["id"], name="fuzz-entry"),
                        "seq": 1,
                        "application_id": application["id"],
                    }
                ],
            },
        )
        stack = self._json("POST", f"{CAS}/runtimestacks", RUNTIME_STACK)
        release = self._json("POST", "/v2/meshes/mesh-1/namespaces/shop/releases", ASM_RELEASE)
        self.emulator.area(RepoAuthorizationBackend).add_account("github", "fuzzer", token="t0k")
        self._json("POST", f"/v1/{DEFAULT_PROJECT_ID}/git/auths/github/personal", GIT_PERSONAL)
        self.ids.update(
            {
                "environment_id": [environment["id"]],
                "application_id": [application["id"]],
                "component_id": [component["component_id"]],
                "job_id": [component["job_id"]],
                "config_group_id": [group["id"]],
                "config_id": [config["id"]],
                "config_history_id": [entry["config_history_id"] for entry in history["histories"]],
                "release_plan_id": [plan["id"]],
                "runtimestack_id": [stack["id"]],
                "mesh_id": ["mesh-1"],
                "namespace": ["shop"],
                "release_id": [release["metadata"]["uid"]],
                "repo_type": ["github", "gitlab", "GitHub"],
                "name": [GIT_PERSONAL["name"]],
            }
        )


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    yield World()
    print(f"\nfuzz: {sum(SENT.values())} requests ({dict(sorted(SENT.items()))})")


# -- known-good bodies, to mutate -----------------------------------------------------------------

RUNTIME_STACK = {
    "name": "fuzz-jdk",
    "deploy_mode": "virtualmachine",
    "type": "Java",
    "version": "1.0.0",
    "spec": {"parameters": {"jdk_url": "obs://bucket/jdk.tar.gz"}},
}
ASM_RELEASE = {
    "kind": "Release",
    "apiVersion": "asm/v2",
    "metadata": {"name": "fuzz-canary"},
    "spec": {
        "serviceName": "web",
        "clusterID": "cce-1",
        "deploymentName": "web",
        "version": "v2",
        "grayDeployments": [{"clusterID": "cce-1", "template": {"spec": {"replicas": 1}}}],
    },
}
GIT_PERSONAL = {"name": "fuzz-auth", "token": "t0k"}
FULL_COMPONENT = {
    **component_body("env"),
    "description": "d",
    "build": {"parameters": {"cluster_id": "c", "node_label_selector": {"a": "b"}}},
    "envs": [
        {"name": "A", "value": "1", "value_from": {"reference_type": "secretKey", "name": "s"}}
    ],
    "storages": [
        {
            "type": "HostPath",
            "name": "data",
            "parameters": {"path": "/data"},
            "mounts": [{"path": "/d", "sub_path": "", "read_only": True}],
        }
    ],
    "deploy_strategy": {
        "type": "GrayRelease",
        "gray_release": {
            "type": "CONTENT",
            "replica_surge_mode": "MIRROR",
            "rule_match_mode": "ALL",
            "rules": [{"type": "HEADER", "key": "k", "value": "v", "condition": "EQUAL"}],
        },
    },
    "command": {"command": ["run"], "args": ["-x"]},
    "post_start": {"type": "http", "port": 80, "path": "/"},
    "mesher": {"port": 8080},
    "tomcat_opts": {"server_xml": ""},
    "host_aliases": [{"ip": "10.0.0.1", "hostnames": ["db"]}],
    "dns_config": {"nameservers": ["1.1.1.1"], "options": [{"name": "ndots", "value": "2"}]},
    "security_context": {"run_as_user": 0, "capabilities": {"add": ["NET_ADMIN"]}},
    "logs": [{"log_path": "/l", "rotate": "Hourly", "host_path": "/h", "host_extend_path": "None"}],
    "custom_metric": {"path": "/metrics", "port": 9090, "dimensions": "cpu_usage"},
    "affinity": [
        {
            "kind": "node",
            "condition": "preferred",
            "weight": "50",
            "match_expressions": [{"key": "k", "operation": "In", "value": "v"}],
        }
    ],
    "liveness_probe": {"type": "tcp", "delay": 1, "timeout": 1, "port": 80},
    "refer_resources": [
        {"id": "cce-1", "type": "cce", "parameters": {"namespace": "default", "type": "efs"}}
    ],
    "external_accesses": [{"protocol": "http", "address": "1.2.3.4", "forward_port": 80}],
    "tolerations": [{"key": "k", "operator": "Equal", "value": "v", "effect": "NoExecute"}],
    "update_strategy": {"type": "RollingUpdate", "max_surge": "25%", "max_unavailable": 1},
    "multi_containers": [
        {
            "container_name": "side",
            "source": {"kind": "image", "url": "nginx", "storage": "swr"},
        }
    ],
    "configs": [{"conifg_id": "c", "mount_path": "/c"}],
    "template_source": {"storage": "http", "url": "https://t", "http_password": "p"},
    "sys_config": {"a": "b"},
}
RULE_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/v3/auth/tokens"): token_request(),
    ("POST", f"{CAS}/environments"): {"name": "env-x", "vpc_id": "v", "labels": []},
    ("PUT", f"{CAS}/environments/<environment_id>"): {"name": "env-y", "description": "d"},
    ("PUT", f"{CAS}/environments/<environment_id>/resources"): {
        "resources": [{"id": "cce-1", "type": "cce"}]
    },
    ("POST", f"{CAS}/applications"): {"name": "app-x", "labels": [{"key": "k", "value": "vv"}]},
    ("PUT", f"{CAS}/applications/<application_id>"): {"name": "app-y"},
    ("PUT", f"{CAS}/applications/<application_id>/configuration"): {
        "environment_id": "e",
        "configuration": {"env": [{"name": "A", "value": "b"}]},
    },
    ("POST", f"{CAS}/applications/<application_id>/components"): FULL_COMPONENT,
    ("PUT", f"{CAS}/applications/<application_id>/components/<component_id>"): FULL_COMPONENT,
    ("POST", f"{CAS}/applications/<application_id>/components/<component_id>/action"): {
        "action": "scale",
        "parameters": {"replica": 2, "version": "1.0.0", "hosts": ["h"]},
    },
    ("POST", f"{CAS}/release-plans"): {
        "name": "p",
        "fail_strategy": "stop",
        "components": [{**FULL_COMPONENT, "seq": 1, "ports": [{"port": "80"}]}],
    },
    ("POST", f"{CAS}/config-groups"): {"name": "grp", "description": "d"},
    ("POST", f"{CAS}/configs"): {
        "config_group_id": "g",
        "name": "cfg",
        "content": "a=1",
        "type": "properties",
        "sensitive": True,
    },
    ("PUT", f"{CAS}/configs/<config_id>"): {"config_group_id": "g", "content": "", "type": "yaml"},
    ("POST", f"{CAS}/runtimestacks"): RUNTIME_STACK,
    ("PUT", f"{CAS}/runtimestacks/<runtimestack_id>"): RUNTIME_STACK,
    ("POST", f"{CAS}/runtimestacks/action"): {
        "action": "Supported",
        "parameters": {"runtimestacks": [{"id": "x"}]},
    },
    ("POST", f"{CAS}/environments/<environment_id>/addons"): {"name": "sermantInjector"},
    ("POST", "/v2/meshes/<mesh_id>/namespaces/<namespace>/releases"): ASM_RELEASE,
    ("POST", "/v1/<project_id>/git/auths/<repo_type>/personal"): GIT_PERSONAL,
    ("POST", "/v1/<project_id>/git/auths/<repo_type>/password"): {
        "name": "pw-auth",
        "user": "u",
        "password": "p",
    },
    ("POST", "/_emulator/jobs/plans"): {"outcome": "FAILED", "count": 2, "duration": 1.5},
    ("PUT", "/_emulator/jobs/settings"): {"default_duration": 0},
}
# The same bodies where the rule is written with the project in its path.
RULE_BODIES = {
    (method, rule.replace(DEFAULT_PROJECT_ID, "<project_id>")): body
    for (method, rule), body in RULE_BODIES.items()
}
RULE_BODIES[("PUT", "/v2/meshes/<mesh_id>/namespaces/<namespace>/releases/<release_id>")] = (
    ASM_RELEASE
)
RULE_BODIES[("PUT", "/v3/<project_id>/cas/release-plans/<release_plan_id>")] = RULE_BODIES[
    ("POST", "/v3/<project_id>/cas/release-plans")
]

# -- strategies -----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=16,
)
HUGE = [
    "1" + "0" * 5000,
    "-" + "9" * 400,
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "18446744073709551616",
    "1.7976931348623157e309",
    "0.0000000000000000000000000000001e-400",
]


def deeply(depth: int, opening: bytes = b"[", closing: bytes = b"]") -> bytes:
    return opening * depth + closing * depth


NASTY_BODIES = [
    deeply(50_000),
    deeply(50_000, b'{"a":', b"}"),
    b'{"a":' * 70 + b"1" + b"}" * 70,
    deeply(65),
    b"[" * 100_000,
    b'{"name": "' + b"\\" * 10 + b"[" * 1000,
    b"\xff\xfe\x00garbage",
    b"null",
    b"[]",
    b"{}",
    b'"string"',
    *(f'{{"name": {number}, "replica": {number}, "count": {number}}}'.encode() for number in HUGE),
    b"x" * (MAX_BODY_BYTES + 1),
]


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """`value` with one field somewhere replaced, removed, or added."""
    value = copy.deepcopy(value)
    node = value
    while isinstance(node, dict | list) and node and draw(st.integers(0, 3)) > 0:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = draw(st.sampled_from(keys))
        if not isinstance(node[key], dict | list) or not node[key]:
            break
        node = node[key]
    if not isinstance(node, dict | list) or not node:
        return draw(json_values)
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    key = draw(st.sampled_from(keys))
    action = draw(st.sampled_from(["replace", "huge", "remove", "add", "wrap"]))
    if action == "replace":
        node[key] = draw(json_values)
    elif action == "huge":
        # A marker `encoded` turns into the number's text, which no Python float can hold.
        node[key] = f"@@huge{draw(st.integers(0, len(HUGE) - 1))}@@"
    elif action == "remove":
        del node[key]
    elif action == "add" and isinstance(node, dict):
        node[draw(st.text(max_size=10))] = draw(json_values)
    else:
        node[key] = [node[key]]
    return value


def encoded(value: Any) -> bytes:
    text = json.dumps(value)
    return re.sub(r'"@@huge(\d+)@@"', lambda match: HUGE[int(match.group(1))], text).encode()


@st.composite
def bodies(draw: st.DrawFn, known: Any | None) -> bytes:
    choices = ["json", "bytes", "text", "nasty"] + (["mutated"] * 4 if known is not None else [])
    kind = draw(st.sampled_from(choices))
    if kind == "json":
        return encoded(draw(json_values))
    if kind == "bytes":
        return draw(st.binary(max_size=64))
    if kind == "text":
        return draw(st.text(max_size=64)).encode()
    if kind == "nasty":
        return draw(st.sampled_from(NASTY_BODIES[:-1]))
    return encoded(draw(mutated(known)))


QUERY_NAMES = [
    "limit",
    "offset",
    "order",
    "order_by",
    "desc",
    "name",
    "environment_id",
    "action",
    "version",
    "tag",
    "application_name",
    "component_name",
    "config_group_id",
    "component_id",
    "nocatalog",
]
query_values = st.sampled_from(["", "0", "1", "-1", "9" * 30, "1" * 5000, "²", "true", "cancel"])
queries = st.dictionaries(st.sampled_from(QUERY_NAMES), query_values | st.text(max_size=8))


@st.composite
def paths(draw: st.DrawFn, world: World, route: Route) -> str:
    def value(match: re.Match[str]) -> str:
        known = world.ids.get(match.group(1), [])
        made_up = st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#%"),
            min_size=1,
            max_size=12,
        )
        return draw(st.sampled_from(known) | made_up if known else made_up)

    return re.sub(r"<(\w+)>", value, route.rule)


ROUTES = Emulator().wsgi_app.routes


def route_id(route: Route) -> str:
    return f"{route.method} {route.rule}"


def check(status: int, route: Route, body: bytes) -> None:
    assert status < 500, f"{route_id(route)} answered {status} to {body[:300]!r}"


# -- the tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_every_route_answers_malformed_requests_below_500(
    world: World, route: Route, data: st.DataObject
) -> None:
    known = RULE_BODIES.get((route.method, route.rule))
    body = data.draw(bodies(known))
    content_type = data.draw(
        st.sampled_from(["application/json", "application/json;charset=utf8", "text/plain", ""])
    )
    status = world.send(
        route.method,
        data.draw(paths(world, route)),
        body=body,
        query=data.draw(queries),
        content_type=content_type,
    )
    check(status, route, body)


MUTATED_ROUTES = [route for route in ROUTES if (route.method, route.rule) in RULE_BODIES]


@pytest.mark.parametrize("route", MUTATED_ROUTES, ids=route_id)
@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_known_bodies_with_a_field_broken_are_answered_below_500(
    world: World, route: Route, data: st.DataObject
) -> None:
    body = encoded(data.draw(mutated(RULE_BODIES[(route.method, route.rule)])))
    status = world.send(route.method, data.draw(paths(world, route)), body=body)
    check(status, route, body)


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_deep_huge_and_oversized_bodies_are_answered_below_500(world: World, route: Route) -> None:
    path = re.sub(r"<(\w+)>", lambda match: world.ids.get(match.group(1), ["x"])[0], route.rule)
    for body in NASTY_BODIES:
        check(world.send(route.method, path, body=body), route, body)


# -- configuration import: bad zip packages -------------------------------------------------------

IMPORT = next(route for route in ROUTES if route.rule.endswith("/configs/import"))
member_names = st.sampled_from(
    ["g1/a.yaml", "../a.yaml", "/abs/a.yaml", "a.yaml", "g1/sub/a.yaml", "g1/a.txt", "g1/.yaml"]
) | st.text(min_size=1, max_size=20)


def zipped(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are one of the cases
        with zipfile.ZipFile(buffer, "w", compression=method) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return buffer.getvalue()


@st.composite
def packages(draw: st.DrawFn) -> bytes:
    members = draw(
        st.lists(st.tuples(member_names, st.binary(max_size=40)), min_size=1, max_size=4)
    )
    method = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2]))
    try:
        package = zipped(members, method)
    except (ValueError, UnicodeEncodeError):
        package = zipped([("g1/a.yaml", b"a: 1")], method)
    damage = draw(st.sampled_from(["none", "truncate", "flip", "encrypt", "bytes"]))
    if damage == "truncate":
        return package[: draw(st.integers(0, len(package)))]
    if damage == "flip":
        at = draw(st.integers(0, len(package) - 1))
        return package[:at] + bytes([package[at] ^ 0xFF]) + package[at + 1 :]
    if damage == "encrypt":
        # The encryption flag in the local and central headers, without real encryption.
        return package.replace(b"PK\x03\x04\x14\x00\x00", b"PK\x03\x04\x14\x00\x01").replace(
            b"PK\x01\x02\x14\x03\x14\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x01"
        )
    if damage == "bytes":
        return draw(st.binary(max_size=200))
    return package


ZIP_BOMB = zipped([("g1/bomb.yaml", b"\0" * (MAX_BODY_BYTES + 1))])


def multipart(package: bytes, policy: str | None = None) -> tuple[bytes, str]:
    boundary = "fuzz-boundary-7d1c"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="upload_file"; '
        'filename="configs.zip"\r\nContent-Type: application/zip\r\n\r\n'.encode()
        + package
        + b"\r\n"
    ]
    if policy is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="repetition_policy"\r\n\r\n'
            f"{policy}\r\n".encode()
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@settings(FUZZ, max_examples=400)
@given(package=packages(), policy=st.sampled_from([None, "covered", "skip", "", "bogus"]))
def test_configuration_import_answers_bad_zips_below_500(
    world: World, package: bytes, policy: str | None
) -> None:
    body, content_type = multipart(package, policy)
    status = world.send("POST", f"{CAS}/configs/import", body=body, content_type=content_type)
    check(status, IMPORT, package)


@pytest.mark.parametrize(
    "package",
    [
        ZIP_BOMB,
        zipped([("g1/a.yaml", b"a: 1")])[:-10],
        b"PK\x03\x04" + b"\xff" * 60,
        zipped([("g1/a.yaml", b"\xff\xfe")]),
        zipped([(f"g1/c{index}.yaml", b"") for index in range(600)]),
    ],
    ids=["bomb", "truncated", "garbage-header", "not-utf8", "too-many-files"],
)
def test_configuration_import_refuses_a_bad_package_with_400(world: World, package: bytes) -> None:
    body, content_type = multipart(package)

    status = world.send("POST", f"{CAS}/configs/import", body=body, content_type=content_type)

    assert status == 400
