"""The plugin as the engine runs it: the console script `pulumi-resource-servicestage`, started
with engine flags before the engine's address, printing its port; two of them (two explicit
providers) serving two regions of the emulator at once; Cancel stopping a wait."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_servicestage.emulator import DEFAULT_PROJECT_ID

pytestmark = pytest.mark.real_time

PLUGIN = Path(sys.executable).parent / "pulumi-resource-servicestage"
OTHER_PROJECT_ID = "1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f"


def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(values, {}))
    finally:
        loop.close()


class RunningPlugin:
    def __init__(self) -> None:
        # An engine address nobody answers: log lines are dropped, as the plugin allows.
        self.process = subprocess.Popen(
            [str(PLUGIN), "-v=9", "--logtostderr", "127.0.0.1:1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())
        channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(channel)

    def configure(self, stack_config: dict[str, str]) -> None:
        settings = {key.split(":")[1]: value for key, value in stack_config.items()}
        self.stub.Configure(provider_pb2.ConfigureRequest(args=struct(settings)))

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def plugins() -> Iterator[list[RunningPlugin]]:
    started: list[RunningPlugin] = []
    yield started
    for plugin in started:
        plugin.stop()


def create_application(plugin: RunningPlugin, name: str) -> str:
    urn = f"urn:pulumi:dev::shop::servicestage:index:Application::{name}"
    checked = plugin.stub.Check(
        provider_pb2.CheckRequest(urn=urn, olds=struct({}), news=struct({"name": name}))
    )
    return plugin.stub.Create(provider_pb2.CreateRequest(urn=urn, properties=checked.inputs)).id


def test_two_providers_serve_two_regions_of_one_account_at_once(live, plugins):
    other = live.emulator.add_project(OTHER_PROJECT_ID, "cn-south-1")
    north, south = RunningPlugin(), RunningPlugin()
    plugins += [north, south]
    north.configure(live.stack_config())
    south.configure(
        {
            **live.stack_config(),
            "servicestage:region": "cn-south-1",
            "servicestage:projectId": OTHER_PROJECT_ID,
        }
    )

    in_north = create_application(north, "north")
    in_south = create_application(south, "south")

    assert [
        app.id for app in live.emulator.backend(DEFAULT_PROJECT_ID).list_applications().items
    ] == [in_north]
    assert [app.id for app in other.list_applications().items] == [in_south]


def test_cancel_stops_a_wait_within_seconds_naming_what_was_started(live, plugins):
    plugin = RunningPlugin()
    plugins.append(plugin)
    plugin.configure(live.stack_config())
    live.emulator.jobs.plan("HANG")
    environment = live.backend.create_environment(name="env", vpc_id="vpc-1", creator="tests")
    application = live.backend.create_application(name="shop", creator="tests")
    component_urn = "urn:pulumi:dev::shop::servicestage:index:Component::web"
    news = {
        "applicationId": application.id,
        "environmentId": environment.id,
        "name": "web",
        "version": "1.0.0",
        "replica": 1,
        "runtimeStack": {"name": "Docker", "type": "Docker", "version": "1.0.0",
                         "deployMode": "container"},
        "source": {"kind": "image", "storage": "swr", "url": "swr.example.com/org/web:1"},
        "referResources": [{"id": "cce-1", "type": "cce"}],
    }  # fmt: skip
    checked = plugin.stub.Check(
        provider_pb2.CheckRequest(urn=component_urn, olds=struct({}), news=struct(news))
    )
    outcome: dict[str, Any] = {}

    def create() -> None:
        try:
            plugin.stub.Create(
                provider_pb2.CreateRequest(urn=component_urn, properties=checked.inputs)
            )
        except grpc.RpcError as error:
            outcome["error"] = error.details()
        outcome["at"] = time.monotonic()

    waiting = threading.Thread(target=create)
    waiting.start()
    time.sleep(2)
    cancelled_at = time.monotonic()
    plugin.stub.Cancel(empty_pb2.Empty())
    waiting.join(timeout=30)

    assert outcome["at"] - cancelled_at < 3
    [component] = live.backend.list_components(application_id=application.id).items
    assert f"adopt_id='{application.id}/{component.id}'" in outcome["error"]
    assert "interrupted" in outcome["error"]
