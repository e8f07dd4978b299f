"""The package's waits go by one clock: on a VirtualClock, a wait for a job of minutes ends at
once, and its decisions (when it looks, when it gives up) are those of real time."""

import itertools
import time

import pytest

from pulumi_servicestage.client import clock
from pulumi_servicestage.client.http import ApiClient
from pulumi_servicestage.client.signing import AkSkAuth
from pulumi_servicestage.emulator import DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY
from pulumi_servicestage.emulator.servicestage.schemas import ComponentSpec
from pulumi_servicestage.jobs import DeployJobs, JobTimeoutError, JobWaiter, PollSchedule, polls
from pulumi_servicestage.testing import VirtualClock, container_component


def test_virtual_time_passes_only_by_sleeping_or_advancing():
    virtual = VirtualClock()
    assert virtual.now() == 0.0
    virtual.sleep(2.5)
    virtual.advance(0.5)
    virtual.sleep(-1)
    assert virtual.now() == 3.0
    assert virtual.wall() == pytest.approx(time.time() + 3.0, abs=1)


def test_the_package_clock_is_the_one_in_use_and_real_again_after():
    virtual = VirtualClock()
    with clock.use(virtual):
        clock.pause(600)
        assert clock.now() == 600.0
    assert clock.now() == pytest.approx(time.monotonic(), abs=1)


def test_a_wait_of_ten_minutes_on_virtual_time_looks_as_in_real_time_and_takes_none():
    virtual = VirtualClock()
    looks = []
    started = time.monotonic()
    with clock.use(virtual):
        for _ in polls(600, schedule=PollSchedule()):
            looks.append(clock.now())

    assert time.monotonic() - started < 1
    assert looks[0] == 0.0
    assert looks[-1] == 600.0  # the last look comes at the deadline
    intervals = [later - earlier for earlier, later in itertools.pairwise(looks)]
    assert intervals[:6] == [0.5] * 6
    assert max(intervals) == 8.0
    # 600 s at most 8 s apart, after the fast start: about 80 looks, as in real time.
    assert 75 <= len(looks) <= 90


def test_a_job_wait_times_out_on_virtual_time(live):
    live.emulator.jobs.plan("HANG")
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    application = live.backend.create_application(name="shop", creator="tests")
    spec = ComponentSpec.model_validate(container_component(environment.id))
    component = live.backend.create_component(application.id, spec, creator="tests")
    client = ApiClient(live.url, auth=AkSkAuth(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY))
    started, real_start = clock.now(), time.monotonic()

    with pytest.raises(JobTimeoutError, match="still RUNNING after 900 s"):
        JobWaiter(client, DeployJobs(DEFAULT_PROJECT_ID)).wait(
            component.last_job_id, description="create", timeout=900
        )

    assert clock.now() - started == pytest.approx(900, abs=8)
    assert time.monotonic() - real_start < 5
