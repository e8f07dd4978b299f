"""A provider host killed or interrupted while creates wait for their jobs: the next run completes
every interrupted create, recognising each component by its ownership marker, and nothing is left
untracked or made twice."""

import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_servicestage._lifecycle import OWNER_KEY, owner_marker
from pulumi_servicestage.component import ComponentProvider
from pulumi_servicestage.testing import ProviderCallError, ProviderHost, container_component

# Signals and the host's exit are the point: the real provider host, on real time.
pytestmark = pytest.mark.real_time

PROVIDER = ComponentProvider()
CREATES = 8
JOB_SECONDS = 4.0


@pytest.fixture
def components(place):
    environment_id, application_id = place
    return [
        {
            **container_component(environment_id, name=f"web-{index}"),
            "application_id": application_id,
            OWNER_KEY: owner_marker("test", "test", "Component", f"web-{index}"),
        }
        for index in range(CREATES)
    ]


def in_emulator(live, application_id):
    return live.backend.list_components(application_id=application_id).items


def create_all(host, inputs):
    with ThreadPoolExecutor(len(inputs)) as callers:
        return list(callers.map(lambda props: host.create(PROVIDER, props), inputs))


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_interrupted_creates_are_completed_by_the_next_run(live, components, signum):
    live.emulator.jobs.default_duration = JOB_SECONDS
    application_id = components[0]["application_id"]
    config = live.stack_config()

    with ProviderHost() as first:
        first.configure(config)
        checked = [first.check(PROVIDER, None, props).inputs for props in components]
        callers = ThreadPoolExecutor(CREATES)
        waiting = [callers.submit(first.create, PROVIDER, props) for props in checked]
        deadline = time.monotonic() + 10
        while len(in_emulator(live, application_id)) < CREATES:
            assert time.monotonic() < deadline, "the creates never reached the service"
            time.sleep(0.05)
        time.sleep(0.5)  # every create is now waiting for its job

        interrupted_at = time.monotonic()
        first.send_signal(signum)
        first.wait(timeout=10)
        stopped_after = time.monotonic() - interrupted_at
        for call in waiting:
            with pytest.raises(ProviderCallError):
                call.result(timeout=10)
        callers.shutdown()

    # The waits stop at once: SIGKILL and SIGTERM end the host outright, and on SIGINT every
    # wait is cut short within a second of the host's server stopping.
    assert stopped_after < 1.5
    jobs_running = [c for c in in_emulator(live, application_id) if c.job_running]
    assert len(jobs_running) == CREATES, "the test must resume while the jobs still run"

    with ProviderHost() as second:
        second.configure(config)
        resumed = create_all(second, checked)

    made = {component.id: component for component in in_emulator(live, application_id)}
    assert len(made) == CREATES
    assert {outcome.id.split("/")[1] for outcome in resumed} == set(made)
    for outcome in resumed:
        assert outcome.outs["status"]["component_status"] == "RUNNING"
    assert all(component.status.value == "RUNNING" for component in made.values())


def test_a_create_cut_short_by_sigint_says_the_next_run_completes_it(live, components):
    live.emulator.jobs.default_duration = JOB_SECONDS
    with ProviderHost() as host:
        host.configure(live.stack_config())
        props = host.check(PROVIDER, None, components[0]).inputs
        callers = ThreadPoolExecutor(1)
        waiting = callers.submit(host.create, PROVIDER, props)
        while not in_emulator(live, props["application_id"]):
            time.sleep(0.05)
        time.sleep(0.5)
        host.send_signal(signal.SIGINT)
        host.wait(timeout=10)
        with pytest.raises(ProviderCallError):
            waiting.result(timeout=10)
        callers.shutdown()
        # The engine hears nothing once the server stopped; the host's own account of the call
        # is on its stderr, which the engine shows as a diagnostic.
        assert "the provider host is shutting down" in host.stderr
        assert "the next `pulumi up` completes its create" in host.stderr
