"""Property: through the provider plugin, what a resource created can be imported by its id
alone (the `Read` that `pulumi import` sends, with no properties): the same id comes back,
with the inputs the service shows. Resources that are runs or imports rather than objects the
service keeps cannot be imported, and say so."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from provider_cases import CASES, ENGINE_PASSWORD, Case
from provider_inputs import materialize
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_servicestage._lifecycle import OWNER_KEY
from pulumi_servicestage.provider_server import serve

#: Resources that are not objects the service keeps: task runs (an action, a refresh), a
#: configuration import and an engine configuration package (refreshed from their own state).
NOT_IMPORTABLE = {
    "component_action",
    "component_refresh",
    "configuration_import",
    "engine_configuration",
}
IMPORT = settings(max_examples=25, deadline=None, derandomize=True, database=None)


@pytest.fixture(scope="module")
def plugin(served_emulator: Any) -> Iterator[Any]:
    server, port = serve(None)
    stub = provider_pb2_grpc.ResourceProviderStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
    configure(stub, served_emulator)
    yield stub
    server.stop(None)


def configure(stub: Any, live: Any, **extra: str) -> None:
    """Configure the plugin as a provider resource's arguments would."""
    settings_ = {k.split(":")[1]: v for k, v in live.stack_config().items()}
    loop = asyncio.new_event_loop()
    try:
        args = loop.run_until_complete(rpc.serialize_properties({**settings_, **extra}, {}))
    finally:
        loop.close()
    stub.Configure(provider_pb2.ConfigureRequest(args=args))


def with_engine_passwords(plugin: Any, live: Any, places: dict[str, str]) -> None:
    """What reading by id alone an object an RBAC engine keeps needs: the engine's password,
    from the provider's configuration."""
    if "engine_id" in places:
        passwords = json.dumps({places["engine_id"]: ENGINE_PASSWORD})
        configure(plugin, live, enginePasswords=passwords)


def urn_of(case: Case) -> str:
    return f"urn:pulumi:dev::shop::servicestage:index:{case.resource_type}::imported"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_what_was_created_is_imported_by_its_id_alone(
    case: Case, plugin: Any, served_emulator: Any, workdir: Path
) -> None:
    imported: list[str] = []

    @IMPORT
    @given(inputs=case.inputs, data=st.data())
    def attempt(inputs: dict[str, Any], data: Any) -> None:
        if imported:
            return
        live = served_emulator
        live.emulator.reset()
        live.emulator.jobs.default_duration = 0
        provider = case.provider
        provider.configure(ConfigureRequest(Config(dict(live.stack_config()), "test")))
        places = case.setup(live)
        with_engine_passwords(plugin, live, places)
        news = {**materialize(inputs, places, workdir), OWNER_KEY: case.owner}
        checked = provider.check({}, news)
        if checked.failures:
            return
        created = provider.create(checked.inputs)
        request = provider_pb2.ReadRequest(id=created.id, urn=urn_of(case))
        if case.name in NOT_IMPORTABLE:
            with pytest.raises(grpc.RpcError):
                plugin.Read(request)
        else:
            answer = plugin.Read(request)
            assert answer.id == created.id
            assert dict(rpc.deserialize_properties(answer.inputs)), case.name
        imported.append(created.id)

    attempt()
    assert imported, f"no example of {case.name} passed Check"


def schema_named(case: Case, values: dict[str, Any]) -> dict[str, Any]:
    """Arguments as a program of another language sends them: named as the schema names them."""
    from pulumi_servicestage._schema_names import to_schema

    return to_schema(case.provider.args_model, values, top_level=True)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_through_the_plugin_a_create_then_a_diff_sees_no_change_and_a_delete_removes_it(
    case: Case, plugin: Any, served_emulator: Any, workdir: Path
) -> None:
    """Names go to the schema's camelCase and back at every level without losing a value."""
    created_count: list[str] = []

    @settings(max_examples=15, deadline=None, derandomize=True, database=None)
    @given(inputs=case.inputs)
    def attempt(inputs: dict[str, Any]) -> None:
        live = served_emulator
        live.emulator.reset()
        live.emulator.jobs.default_duration = 0
        places = case.setup(live)
        with_engine_passwords(plugin, live, places)
        news = schema_named(case, materialize(inputs, places, workdir))
        checked = plugin.Check(
            provider_pb2.CheckRequest(urn=urn_of(case), olds=serialized({}), news=serialized(news))
        )
        if checked.failures:
            return
        created = plugin.Create(
            provider_pb2.CreateRequest(urn=urn_of(case), properties=checked.inputs)
        )
        diff = plugin.Diff(
            provider_pb2.DiffRequest(
                id=created.id, urn=urn_of(case), olds=created.properties, news=checked.inputs
            )
        )
        assert diff.changes == provider_pb2.DiffResponse.DIFF_NONE, dict(diff.detailedDiff)
        plugin.Delete(
            provider_pb2.DeleteRequest(
                id=created.id, urn=urn_of(case), properties=created.properties
            )
        )
        # An environment's managed resources are a setting of the environment, which stays.
        if case.name not in NOT_IMPORTABLE | {"environment_resources"}:
            gone = plugin.Read(provider_pb2.ReadRequest(id=created.id, urn=urn_of(case)))
            assert gone.id == "", f"{case.name} {created.id} is still there after its delete"
        created_count.append(created.id)

    attempt()
    assert created_count, f"no example of {case.name} passed Check"


def serialized(values: dict[str, Any]) -> Any:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(values, {}))
    finally:
        loop.close()
