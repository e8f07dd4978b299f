"""The test kit's ProviderHost against the real `python -m pulumi.dynamic` host, and
ProviderInProcess answering every protocol call as the real host does."""

from __future__ import annotations

import base64
import pickle
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest
from dummy_provider import GREETING_KEY, ThingProvider
from pulumi.output import Unknown
from pulumi.runtime import rpc

from pulumi_servicestage.testing import (
    CreateOutcome,
    DiffChanges,
    HostStartError,
    ProviderCallError,
    ProviderHost,
    ProviderInProcess,
    serialized_provider,
)

HERE = Path(__file__).resolve().parent
PROVIDER = ThingProvider()
THING = {"name": "alpha", "size": 1}


@pytest.fixture(scope="module")
def real_host() -> Iterator[ProviderHost]:
    with ProviderHost(pythonpath=[HERE]) as host:
        # A secret, to show the host unwraps top-level secrets before configure() sees them.
        host.configure({GREETING_KEY: "hello"}, secret_keys=[GREETING_KEY])
        yield host


@pytest.fixture(scope="module", params=["real host", "in process"])
def host(request: pytest.FixtureRequest) -> ProviderHost | ProviderInProcess:
    """Every protocol test runs against both: ProviderInProcess must answer as the host does."""
    if request.param == "real host":
        real: ProviderHost = request.getfixturevalue("real_host")
        return real
    in_process = ProviderInProcess()
    in_process.configure({GREETING_KEY: "hello"}, secret_keys=[GREETING_KEY])
    return in_process


@pytest.fixture(scope="module")
def created(host: ProviderHost) -> CreateOutcome:
    return host.create(PROVIDER, THING)


def max_overlap(intervals: list[tuple[float, float]]) -> int:
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak


def test_check_returns_inputs_as_the_host_decodes_them(host: ProviderHost) -> None:
    inputs, failures = host.check(PROVIDER, None, THING)

    assert failures == []
    assert inputs == {"name": "alpha", "size": 1.0}
    assert isinstance(inputs["size"], float)


def test_check_reports_failures_by_property(host: ProviderHost) -> None:
    _, failures = host.check(PROVIDER, None, {"name": 7, "size": -1})

    assert failures == [
        ("name", "name must be a string"),
        ("size", "size must be a number >= 0, got -1.0"),
    ]


def test_check_passes_unknowns_through(host: ProviderHost) -> None:
    inputs, failures = host.check(PROVIDER, THING, {"name": Unknown(), "size": 2})

    assert failures == []
    assert isinstance(inputs["name"], Unknown)


def test_create_sees_configured_secret_in_plaintext(
    created: CreateOutcome,
) -> None:
    id_, outs = created

    assert id_ == "thing-alpha"
    assert outs["greeting"] == "hello"
    assert outs["label"] == "hello:alpha"
    assert outs["size"] == 1.0 and isinstance(outs["size"], float)
    assert "__provider" not in outs


def test_create_receives_secret_props_unwrapped(host: ProviderHost) -> None:
    _, outs = host.create(PROVIDER, {"name": rpc.wrap_rpc_secret("hidden"), "size": 0})

    assert outs["name"] == "hidden"


def test_create_rejects_unknowns_the_engine_would_never_send(host: ProviderHost) -> None:
    with pytest.raises(ValueError, match="never sends unknown values to Create"):
        host.create(PROVIDER, {"name": Unknown()})


def test_diff_reports_an_update(host: ProviderHost, created: CreateOutcome) -> None:
    id_, outs = created

    diff = host.diff(PROVIDER, id_, outs, {"name": "alpha", "size": 2})

    assert diff.changes is DiffChanges.SOME
    assert diff.replaces == []
    assert diff.delete_before_replace is False
    assert diff.stables == []  # the provider returned ["greeting"]; the host drops it


def test_diff_reports_a_replacement(host: ProviderHost, created: CreateOutcome) -> None:
    id_, outs = created

    diff = host.diff(PROVIDER, id_, outs, {"name": "beta", "size": 1})

    assert diff.changes is DiffChanges.SOME
    assert diff.replaces == ["name"]
    assert diff.delete_before_replace is True


def test_diff_compares_float_state_with_int_inputs(
    host: ProviderHost, created: CreateOutcome
) -> None:
    id_, outs = created

    diff = host.diff(PROVIDER, id_, outs, {"name": "alpha", "size": 1})

    assert outs["size"] == 1.0
    assert diff.changes is DiffChanges.NONE


def test_update_returns_new_outs(host: ProviderHost, created: CreateOutcome) -> None:
    id_, outs = created

    new_outs = host.update(PROVIDER, id_, outs, {"name": "alpha", "size": 2})

    assert new_outs == {"name": "alpha", "size": 2.0, "label": "hello:alpha", "greeting": "hello"}


def test_read_refreshes_a_present_resource(host: ProviderHost, created: CreateOutcome) -> None:
    id_, outs = created

    read = host.read(PROVIDER, id_, outs, inputs=THING)

    assert read.id == id_
    assert read.outs["label"] == "hello:alpha"
    assert read.inputs == {"name": "alpha", "size": 1.0}


def test_read_of_a_gone_resource_returns_a_blank_id(
    host: ProviderHost, created: CreateOutcome
) -> None:
    _, outs = created

    read = host.read(PROVIDER, "gone-alpha", outs, inputs=THING)

    assert read == ("", {}, None)


def test_read_as_a_get_falls_back_to_inputs(host: ProviderHost) -> None:
    read = host.read(PROVIDER, "thing-alpha", None, inputs=THING)

    assert read.id == "thing-alpha"
    assert read.outs["label"] == "hello:alpha"


def test_read_without_state_or_inputs_fails_like_an_import(host: ProviderHost) -> None:
    with pytest.raises(ProviderCallError) as caught:
        host.read(PROVIDER, "thing-alpha", None)

    assert caught.value.method == "Read"
    assert "KeyError: '__provider'" in caught.value.details


def test_delete(host: ProviderHost, created: CreateOutcome) -> None:
    id_, outs = created

    host.delete(PROVIDER, id_, outs)


def test_delete_failure_surfaces(host: ProviderHost, created: CreateOutcome) -> None:
    _, outs = created

    with pytest.raises(ProviderCallError, match="cannot be deleted"):
        host.delete(PROVIDER, "thing-undeletable", outs)


def test_exception_in_create_surfaces_with_its_message(host: ProviderHost) -> None:
    with pytest.raises(ProviderCallError) as caught:
        host.create(PROVIDER, {"name": "x", "fail": "quota exceeded"})

    assert caught.value.method == "Create"
    assert caught.value.code is grpc.StatusCode.UNKNOWN
    assert "ValueError: refusing to create x: quota exceeded" in caught.value.details
    assert "Traceback" in caught.value.details


def test_provider_logging_goes_to_stderr(real_host: ProviderHost) -> None:
    host = real_host
    host.create(PROVIDER, {"name": "loud", "warn": "careful now"})

    deadline = time.monotonic() + 5
    while "warning: careful now" not in host.stderr and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "warning: careful now" in host.stderr


def test_stock_host_runs_four_creates_at_a_time() -> None:
    with ProviderHost(pythonpath=[HERE]) as host:
        host.configure({GREETING_KEY: "hello"})
        things = [{"name": f"t{i}", "sleep": 1} for i in range(8)]

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda props: host.create(PROVIDER, props), things))
        elapsed = time.monotonic() - started

    outs = [result.outs for result in results]
    assert max_overlap([(o["started"], o["finished"]) for o in outs]) == 4
    assert len({o["thread"] for o in outs}) == 4
    # Two rounds of four: at least twice a create's sleep (the upper end depends on the load).
    assert elapsed > 1.9


def test_close_kills_a_host_stuck_in_a_call() -> None:
    host = ProviderHost(pythonpath=[HERE], shutdown_timeout=0.5).start()
    errors: list[ProviderCallError] = []

    def create_slowly() -> None:
        try:
            host.create(PROVIDER, {"name": "slow", "sleep": 30})
        except ProviderCallError as exc:
            errors.append(exc)

    caller = threading.Thread(target=create_slowly)
    caller.start()
    time.sleep(0.5)  # let the call reach the provider

    started = time.monotonic()
    host.close()
    caller.join(timeout=5)

    assert time.monotonic() - started < 3
    assert host.returncode is not None and host.returncode < 0  # killed, not exited
    assert [e.method for e in errors] == ["Create"]


def test_serialized_provider_is_by_reference_and_leaves_pickle_alone() -> None:
    batch_setitems = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]

    text = serialized_provider(PROVIDER)

    assert text == serialized_provider(ThingProvider())
    assert b"dummy_provider" in base64.b64decode(text)  # a GLOBAL, not the class body
    # The SDK's serializer wraps this method once more on every call, for good.
    assert pickle._Pickler._batch_setitems is batch_setitems  # type: ignore[attr-defined]


def test_a_host_that_prints_no_port_fails_to_start() -> None:
    false = shutil.which("false")
    assert false is not None

    with pytest.raises(HostStartError, match="did not start"):
        ProviderHost(python=false).start()
