"""The provider plugin driven over gRPC as the engine drives it, with a fake engine that keeps
the log lines it receives: configuration, Check, detailed Diff, Create, Read by id alone (what
`pulumi import` sends), Update, Delete, customTimeouts, progress, Cancel, secrets, Invoke."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent import futures
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import engine_pb2_grpc, provider_pb2, provider_pb2_grpc

from pulumi_servicestage.provider_server import serve
from pulumi_servicestage.testing import DOCKER_STACK


class FakeEngine(engine_pb2_grpc.EngineServicer):
    """The engine's side of the plugin protocol: the log lines plugins send."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def Log(self, request: Any, context: Any) -> Any:
        self.lines.append((request.urn, request.message))
        return empty_pb2.Empty()


@pytest.fixture
def engine() -> Iterator[tuple[FakeEngine, str]]:
    fake = FakeEngine()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    engine_pb2_grpc.add_EngineServicer_to_server(fake, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield fake, f"127.0.0.1:{port}"
    server.stop(None)


@pytest.fixture
def plugin(live, engine) -> Iterator[Any]:
    """The plugin served in this process (the package's clock is the test's), configured with
    the emulator's settings as a provider resource's arguments."""
    server, port = serve(engine[1])
    stub = provider_pb2_grpc.ResourceProviderStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
    settings = {key.split(":")[1]: value for key, value in live.stack_config().items()}
    stub.Configure(provider_pb2.ConfigureRequest(args=struct(settings), acceptSecrets=True))
    yield stub
    server.stop(None)


def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(values, {}))
    finally:
        loop.close()


def plain(values: struct_pb2.Struct) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(values, True))


def urn(type_name: str, name: str) -> str:
    return f"urn:pulumi:dev::shop::servicestage:index:{type_name}::{name}"


def check(stub, type_name, name, news, olds=None):
    answer = stub.Check(
        provider_pb2.CheckRequest(
            urn=urn(type_name, name), olds=struct(olds or {}), news=struct(news)
        )
    )
    return answer


def create(stub, type_name, name, inputs, timeout=0.0):
    checked = check(stub, type_name, name, inputs)
    assert list(checked.failures) == []
    answer = stub.Create(
        provider_pb2.CreateRequest(
            urn=urn(type_name, name), properties=checked.inputs, timeout=timeout
        )
    )
    return answer.id, plain(answer.properties), checked.inputs


def test_the_schema_names_every_resource(plugin):
    schema = json.loads(plugin.GetSchema(provider_pb2.GetSchemaRequest()).schema)

    assert schema["name"] == "servicestage"
    assert "servicestage:index:Component" in schema["resources"]


def test_a_wrong_setting_is_one_readable_line(plugin):
    with pytest.raises(grpc.RpcError) as refused:
        plugin.Configure(
            provider_pb2.ConfigureRequest(args=struct({"region": "Not A Region", "projectId": "x"}))
        )

    assert refused.value.details().count("\n") == 0
    assert "region" in refused.value.details()


def test_lifecycle_with_camel_case_properties_and_a_detailed_diff(plugin):
    resource_id, outs, _ = create(
        plugin, "Application", "shop", {"name": "shop", "description": "the shop"}
    )
    assert outs["applicationId"] == resource_id
    assert outs["name"] == "shop"

    new_inputs = check(plugin, "Application", "shop", {"name": "shop", "description": "new"}).inputs
    diff = plugin.Diff(
        provider_pb2.DiffRequest(
            id=resource_id, urn=urn("Application", "shop"), olds=struct(outs), news=new_inputs
        )
    )
    assert diff.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert dict(diff.detailedDiff)["description"].kind == provider_pb2.PropertyDiff.UPDATE
    assert list(diff.replaces) == []

    updated = plugin.Update(
        provider_pb2.UpdateRequest(
            id=resource_id, urn=urn("Application", "shop"), olds=struct(outs), news=new_inputs
        )
    )
    assert plain(updated.properties)["description"] == "new"

    plugin.Delete(
        provider_pb2.DeleteRequest(
            id=resource_id, urn=urn("Application", "shop"), properties=updated.properties
        )
    )
    gone = plugin.Read(provider_pb2.ReadRequest(id=resource_id, urn=urn("Application", "shop")))
    assert gone.id == ""


def test_import_reads_an_object_by_its_id_alone(plugin, live):
    existing = live.backend.create_application(name="legacy", creator="someone")

    imported = plugin.Read(
        provider_pb2.ReadRequest(id=existing.id, urn=urn("Application", "legacy"))
    )

    assert imported.id == existing.id
    assert plain(imported.inputs)["name"] == "legacy"
    assert plain(imported.properties)["applicationId"] == existing.id


def component_inputs(live) -> dict[str, Any]:
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    application = live.backend.create_application(name="shop", creator="tests")
    return {
        "applicationId": application.id,
        "environmentId": environment.id,
        "name": "web",
        "version": "1.0.0",
        "replica": 1,
        "runtimeStack": {
            "name": DOCKER_STACK["name"],
            "type": DOCKER_STACK["type"],
            "version": DOCKER_STACK["version"],
            "deployMode": DOCKER_STACK["deploy_mode"],
        },
        "source": {"kind": "image", "storage": "swr", "url": "swr.example.com/org/web:1"},
        "referResources": [{"id": "cce-1", "type": "cce"}],
    }


def test_a_replacing_change_is_named_in_the_detailed_diff(plugin, live):
    inputs = component_inputs(live)
    resource_id, outs, _ = create(plugin, "Component", "web", inputs)

    renamed = check(plugin, "Component", "web", {**inputs, "name": "web2"}).inputs
    diff = plugin.Diff(
        provider_pb2.DiffRequest(
            id=resource_id, urn=urn("Component", "web"), olds=struct(outs), news=renamed
        )
    )

    assert list(diff.replaces) == ["name"]
    assert diff.deleteBeforeReplace
    assert dict(diff.detailedDiff)["name"].kind == provider_pb2.PropertyDiff.UPDATE_REPLACE


def test_progress_of_a_job_reaches_the_engine_log(plugin, live, engine):
    create(plugin, "Component", "web", component_inputs(live))

    lines = [
        message for resource, message in engine[0].lines if resource == urn("Component", "web")
    ]
    assert any("job" in line and "create component" in line for line in lines), lines


def test_custom_timeouts_bound_the_wait(plugin, live):
    live.emulator.jobs.plan("HANG")
    with pytest.raises(grpc.RpcError) as cut_off:
        create(plugin, "Component", "web", component_inputs(live), timeout=7)

    assert "after 7 s" in cut_off.value.details()


def test_secrets_are_marked_by_the_provider_itself(plugin, live):
    from pulumi_servicestage.emulator.servicestage.repo_authorizations.backend import (
        RepoAuthorizationBackend,
    )

    token = "ghp_" + "a" * 36
    live.emulator.area(RepoAuthorizationBackend).add_account("github", "tom", token=token)
    _, outs, _ = create(
        plugin,
        "RepoAuthorization",
        "git",
        {"name": "github-tom", "repoType": "github", "token": token},
    )

    assert rpc.is_rpc_secret(outs["token"])


def test_invoke_answers_a_lookup(plugin, live):
    live.backend.create_environment(name="dev", vpc_id="vpc-1", creator="tests")

    answer = plugin.Invoke(
        provider_pb2.InvokeRequest(tok="servicestage:index:getEnvironments", args=struct({}))
    )

    names = [item["name"] for item in plain(getattr(answer, "return"))["items"]]
    assert names == ["dev"]


def test_a_10_second_job_reports_its_progress_every_few_seconds(plugin, live, engine):
    live.emulator.jobs.plan("SUCCEEDED", duration=10)

    create(plugin, "Component", "web", component_inputs(live))

    lines = [
        message for resource, message in engine[0].lines if resource == urn("Component", "web")
    ]
    assert 2 <= len(lines) <= 10, lines
    assert lines[-1].endswith("SUCCEEDED")


def test_plugin_info_names_the_package_version(plugin):
    import pulumi_servicestage

    info = plugin.GetPluginInfo(empty_pb2.Empty())

    assert info.version == pulumi_servicestage.__version__
