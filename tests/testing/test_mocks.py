"""The test kit's ProviderMocks: whole programs with dynamic resources served in-process."""

from __future__ import annotations

import asyncio
import contextvars
import time
from typing import Any

import pulumi
import pytest
from dummy_provider import GREETING_KEY, Thing
from pulumi.runtime import rpc

from pulumi_servicestage.testing import (
    CheckFailedError,
    ProviderMocks,
    ProviderMocksError,
    run_program,
    widen_default_executor,
)

THING_TYPE = "pulumi-python:dynamic/dummy:Thing"
CONFIG = {GREETING_KEY: "hi", "test:token": "t0k"}


def chained_things() -> None:
    first = Thing("first", {"name": "alpha", "size": 1})
    second = Thing("second", {"name": first.label.apply(lambda label: f"{label}-child")})
    pulumi.export("first", first.label)
    pulumi.export("second", second.label)


def test_outputs_flow_from_one_resource_into_the_next() -> None:
    mocks = ProviderMocks(CONFIG)

    exports = mocks.run(chained_things)

    assert exports == {"first": "hi:alpha", "second": "hi:hi:alpha-child"}
    second = mocks.by_name("second")
    assert second.type == THING_TYPE
    assert second.inputs == {"name": "hi:alpha-child"}
    assert second.id == "thing-hi:alpha-child"


def test_provider_sees_what_the_host_would_pass() -> None:
    mocks = ProviderMocks(CONFIG)

    mocks.run(chained_things)

    outs = mocks.by_name("first").outs
    assert outs["size"] == 1.0 and isinstance(outs["size"], float)
    assert outs["greeting"] == "hi"


def test_outputs_left_pending_outside_the_run_are_not_awaited() -> None:
    # Every Output joins one ambient set of pending outputs; one left waiting on a loop
    # that is not running (a stray from another test) must not make the run wait for it.
    other_loop = asyncio.new_event_loop()
    value: asyncio.Future[str] = other_loop.create_future()
    known: asyncio.Future[bool] = other_loop.create_future()

    async def make_stray() -> pulumi.Output[str]:
        return pulumi.Output(set(), value, known)

    try:
        stray = other_loop.run_until_complete(make_stray())

        exports = run_program(chained_things, config=CONFIG)

        assert exports["first"] == "hi:alpha"
        value.set_result("stray")
        known.set_result(True)
        assert other_loop.run_until_complete(stray.future()) == "stray"
    finally:
        other_loop.close()


def test_program_config_and_secret_exports() -> None:
    def program() -> None:
        config = pulumi.Config()
        pulumi.export("token", config.require_secret("token"))
        pulumi.export("greeting", pulumi.Config("dummy").get("greeting"))

    exports = run_program(program, config=CONFIG, secret_keys=["test:token"])

    assert exports["greeting"] == "hi"
    assert rpc.is_rpc_secret(exports["token"])
    assert rpc.unwrap_rpc_secret(exports["token"]) == "t0k"


def test_failing_check_names_the_property() -> None:
    def program() -> None:
        Thing("bad", {"name": "alpha", "size": -5})

    with pytest.raises(CheckFailedError, match="'bad' failed check: size: ") as caught:
        run_program(program, config=CONFIG)

    assert caught.value.failures == [("size", "size must be a number >= 0, got -5.0")]


def test_get_reads_instead_of_creating() -> None:
    def program() -> None:
        existing = Thing("existing", {"name": "gamma"}, pulumi.ResourceOptions(id="thing-gamma"))
        pulumi.export("label", existing.label)

    mocks = ProviderMocks(CONFIG)

    exports = mocks.run(program)

    assert exports == {"label": "hi:gamma"}
    existing = mocks.by_name("existing")
    assert existing.resource_id == "thing-gamma"
    assert "started" not in existing.outs  # create() never ran


def test_get_of_a_missing_resource_fails() -> None:
    def program() -> None:
        Thing("missing", {"name": "gamma"}, pulumi.ResourceOptions(id="gone-gamma"))

    with pytest.raises(ProviderMocksError, match="'gone-gamma' does not exist"):
        run_program(program, config=CONFIG)


def test_import_fails_as_it_does_under_the_engine() -> None:
    def program() -> None:
        Thing("adopted", {"name": "gamma"}, pulumi.ResourceOptions(import_="thing-gamma"))

    with pytest.raises(ProviderMocksError, match="16175"):
        run_program(program, config=CONFIG)


def test_other_resources_echo_their_inputs() -> None:
    def program() -> None:
        bucket = pulumi.CustomResource("test:index:Bucket", "bucket", {"acl": "private"})
        pulumi.export("id", bucket.id)

    mocks = ProviderMocks()

    assert mocks.run(program) == {"id": "bucket_id"}
    assert mocks.by_name("bucket").outs == {"acl": "private"}


def test_creates_run_concurrently() -> None:
    def program() -> None:
        for i in range(8):
            Thing(f"t{i}", {"name": f"t{i}", "sleep": 0.5})

    mocks = ProviderMocks(CONFIG)

    started = time.monotonic()
    mocks.run(program, max_workers=8)
    elapsed = time.monotonic() - started

    assert len({r.outs["thread"] for r in mocks.resources}) == 8
    assert elapsed < 1.5


def test_plain_set_mocks_and_runtime_test() -> None:
    mocks = ProviderMocks(CONFIG)

    @pulumi.runtime.test
    def check_program() -> Any:
        thing = Thing("plain", {"name": "delta"})
        return thing.label.apply(lambda label: assert_equal(label, "hi:delta"))

    def run() -> None:
        pulumi.runtime.set_mocks(mocks, project="test", stack="test")
        widen_default_executor(16)
        check_program()

    contextvars.copy_context().run(run)
    assert mocks.by_name("plain").id == "thing-delta"


def assert_equal(actual: object, expected: object) -> None:
    assert actual == expected
