"""The provider host runs many provider calls at once once this package is loaded in it."""

from __future__ import annotations

import logging
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from napping_provider import NappingProvider

from pulumi_servicestage import _host
from pulumi_servicestage.client.errors import ConfigurationError
from pulumi_servicestage.config import HOST_WORKERS
from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_REGION,
    DEFAULT_SECRET_KEY,
)
from pulumi_servicestage.testing import ProviderHost

HERE = Path(__file__).resolve().parent
PROVIDER = NappingProvider()
# The stock host's ThreadPoolExecutor(max_workers=4).
STOCK_WORKERS = 4
# Settings a provider's configure() accepts; the naps never send a request.
VALID_SETTINGS = {
    "servicestage:region": DEFAULT_REGION,
    "servicestage:projectId": DEFAULT_PROJECT_ID,
    "servicestage:accessKey": DEFAULT_ACCESS_KEY,
    "servicestage:secretKey": DEFAULT_SECRET_KEY,
}


def environment_without_worker_setting() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in HOST_WORKERS.env_vars}


@pytest.fixture(autouse=True)
def no_warnings_given_yet(monkeypatch):
    monkeypatch.setattr(_host, "_warnings_given", set())


def overlapping_creates(
    stack_config: dict[str, str], calls: int, seconds: float
) -> tuple[int, str]:
    """Send `calls` creates at once to a fresh host, the first one loading the package; return
    how many ran at the same time, and what the host wrote to stderr."""
    with ProviderHost(pythonpath=[HERE], env=environment_without_worker_setting()) as host:
        host.configure({**VALID_SETTINGS, **stack_config})
        with ThreadPoolExecutor(calls) as callers:
            results = list(
                callers.map(
                    lambda i: host.create(PROVIDER, {"index": i, "seconds": seconds}).outs,
                    range(calls),
                )
            )
        stderr = host.stderr
    events = sorted(
        [(outs["started"], 1) for outs in results] + [(outs["finished"], -1) for outs in results]
    )
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak, stderr


def test_host__runs_all_concurrent_creates_at_once_not_four():
    # Sent before any call has loaded the package: 12 of them wait in the host's queue when the
    # first one enlarges the executor, and must get threads then.
    overlap, stderr = overlapping_creates({}, calls=16, seconds=1.5)

    assert overlap > STOCK_WORKERS
    assert overlap >= 12
    assert "pulumi-servicestage" not in stderr, "the host is laid out as expected"


def test_host__switched_off_by_config_keeps_the_stock_four():
    overlap, _ = overlapping_creates({"servicestage:hostWorkers": "0"}, calls=8, seconds=1.0)

    assert overlap == STOCK_WORKERS


def test_host__a_bad_setting_warns_once_and_fails_no_call():
    overlap, stderr = overlapping_creates(
        {"servicestage:hostWorkers": "lots"}, calls=8, seconds=1.0
    )

    assert overlap == STOCK_WORKERS
    [warning] = [line for line in stderr.splitlines() if "hostWorkers" in line]
    assert "must be a whole number from 0" in warning
    assert "got 'lots'; the provider host is left as it is" in warning


def test_enlarge__outside_the_host_changes_nothing(caplog):
    with caplog.at_level(logging.DEBUG, logger=_host.__name__):
        outcome = _host.enlarge_host_executor(64)

    assert outcome == _host.ExecutorOutcome(
        False, None, "this process is not the Pulumi Python provider host (pulumi.dynamic.__main__)"
    )
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]


def test_enlarge__a_host_laid_out_differently_is_left_alone_with_a_warning(monkeypatch, caplog):
    lookalike = ModuleType("__main__")
    lookalike.__spec__ = ModuleSpec(_host.HOST_MODULE, None)
    monkeypatch.setitem(sys.modules, "__main__", lookalike)

    with caplog.at_level(logging.DEBUG, logger=_host.__name__):
        outcome = _host.enlarge_host_executor(64)

    assert outcome == _host.ExecutorOutcome(
        False, None, "the host's main() is not running on the main thread"
    )
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "set servicestage:hostWorkers to 0" in record.getMessage()


def test_enlarge__an_unforeseen_failure_is_a_warning_given_once(monkeypatch, caplog):
    lookalike = ModuleType("__main__")
    lookalike.__spec__ = ModuleSpec(_host.HOST_MODULE, None)
    monkeypatch.setitem(sys.modules, "__main__", lookalike)
    monkeypatch.delattr(sys, "_current_frames")

    with caplog.at_level(logging.DEBUG, logger=_host.__name__):
        outcomes = [_host.enlarge_host_executor(64) for _ in range(3)]

    assert {outcome.enlarged for outcome in outcomes} == {False}
    assert outcomes[0].reason.startswith("looking for its executor failed: AttributeError")
    [record] = caplog.records
    assert record.levelno == logging.WARNING


def test_enlarge_as_configured__a_bad_setting_is_a_warning_not_an_error(caplog):
    with caplog.at_level(logging.DEBUG, logger=_host.__name__):
        _host.enlarge_as_configured({"servicestage:hostWorkers": "-3"}, {})

    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "`servicestage:hostWorkers`" in record.getMessage()
    assert "got '-3'" in record.getMessage()


def test_enlarge__zero_workers_is_off():
    outcome = _host.enlarge_host_executor(0)
    assert (outcome.enlarged, outcome.reason) == (False, "switched off by servicestage:hostWorkers")


@pytest.mark.parametrize(
    ("server", "problem"),
    [
        (SimpleNamespace(), "its server (of type SimpleNamespace) has no `_state.thread_pool`"),
        (
            SimpleNamespace(_state=SimpleNamespace(thread_pool=object())),
            "its executor is of type object, not ThreadPoolExecutor",
        ),
    ],
)
def test_thread_pool_of__servers_built_differently_are_refused(server, problem):
    assert _host.thread_pool_of(server) == (None, problem)


def test_thread_pool_of__refuses_an_executor_subclass():
    class Sized(ThreadPoolExecutor):
        pass

    with Sized(2) as pool:
        found, problem = _host.thread_pool_of(
            SimpleNamespace(_state=SimpleNamespace(thread_pool=pool))
        )
    assert found is None
    assert problem == "its executor is of type Sized, not ThreadPoolExecutor"


def test_thread_pool_of__refuses_an_executor_without_the_expected_attributes():
    with ThreadPoolExecutor(2) as pool:
        del pool._max_workers
        found, problem = _host.thread_pool_of(
            SimpleNamespace(_state=SimpleNamespace(thread_pool=pool))
        )
        pool._max_workers = 2
    assert found is None
    assert problem == "its ThreadPoolExecutor has no integer `_max_workers`"


def test_raise_worker_limit__gives_threads_to_calls_already_waiting():
    release = threading.Event()
    started = threading.Semaphore(0)

    def blocked() -> None:
        started.release()
        release.wait(10)

    with ThreadPoolExecutor(2) as pool:
        try:
            for _ in range(5):
                pool.submit(blocked)
            assert started.acquire(timeout=5) and started.acquire(timeout=5)
            assert not started.acquire(timeout=0.2), "three calls wait for the two threads"

            outcome = _host.raise_worker_limit(pool, 8)

            assert outcome == _host.ExecutorOutcome(True, 8, "raised from 2 to 8 calls at once")
            assert all(started.acquire(timeout=5) for _ in range(3))
        finally:
            release.set()


def test_raise_worker_limit__never_lowers():
    with ThreadPoolExecutor(16) as pool:
        outcome = _host.raise_worker_limit(pool, 8)
        assert pool._max_workers == 16
    assert outcome == _host.ExecutorOutcome(False, 16, "the host already allows 16 calls at once")


@pytest.mark.parametrize(
    ("config", "environ", "expected"),
    [
        ({}, {}, _host.DEFAULT_HOST_WORKERS),
        ({"servicestage:hostWorkers": "0"}, {}, 0),
        ({"servicestage:hostWorkers": 128.0}, {}, 128),
        ({}, {"PULUMI_SERVICESTAGE_HOST_WORKERS": "16"}, 16),
        ({"servicestage:hostWorkers": "8"}, {"PULUMI_SERVICESTAGE_HOST_WORKERS": "16"}, 8),
    ],
)
def test_configured_workers__from_stack_config_then_environment(config, environ, expected):
    assert _host.configured_workers(config, environ) == expected


@pytest.mark.parametrize("value", ["many", "-1", "2.5", "5000"])
def test_configured_workers__bad_values_name_the_setting_and_the_rule(value):
    with pytest.raises(ConfigurationError) as raised:
        _host.configured_workers({"servicestage:hostWorkers": value}, {})
    message = str(raised.value)
    assert "servicestage:hostWorkers" in message
    assert "must be a whole number from 0" in message
    assert repr(value) in message
