import itertools

import httpx
import pytest

from pulumi_servicestage.client import budget
from pulumi_servicestage.client.errors import APIConnectionError, APIStatusError, NotFoundError
from pulumi_servicestage.jobs import (
    DeployJobs,
    EngineJobs,
    JobFailedError,
    JobTimeoutError,
    JobWaiter,
    PollPace,
    PollSchedule,
    SharedReads,
    polls,
)


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def job(status, tasks=()):
    return {
        "task_count": len(tasks),
        "job": {"job_id": "j1", "execution_status": status, "job_type": "deploy"},
        "tasks": [
            {"task_name": name, "task_status": st, "messages": msg} for name, st, msg in tasks
        ],
    }


class ScriptedClient:
    """Answers job GETs from a function of the fake time."""

    def __init__(self, clock, answer_at):
        self.clock = clock
        self.answer_at = answer_at
        self.paths = []
        self.priorities = []
        self.looks = []

    def get(self, path):
        self.paths.append(path)
        self.priorities.append(budget.PRIORITY.get())
        self.looks.append(self.clock.now)
        answer = self.answer_at(self.clock.now)
        if isinstance(answer, Exception):
            raise answer
        return answer


def waiter_for(answer_at, kind=None):
    clock = FakeClock()
    client = ScriptedClient(clock, answer_at)
    kind = kind or DeployJobs("proj")
    waiter = JobWaiter(client, kind, sleep=clock.sleep, clock=clock)  # type: ignore[arg-type]
    return waiter, client, clock


def test_wait__returns_on_success_and_polls_the_job_path():
    waiter, client, clock = waiter_for(lambda t: job("SUCCEEDED" if t >= 3 else "RUNNING"))
    result = waiter.wait("j1", description="create component 'web'", timeout=60)
    assert result.status == "SUCCEEDED"
    assert set(client.paths) == {"/v3/proj/cas/jobs/j1"}
    assert 3 <= clock.now <= 3.7


@pytest.mark.parametrize(
    "status", ["FAILED", "CANCELLED", "PARTIALLY_FAILED", "ROLLBACKED", "UNKNOWN"]
)
def test_wait__failure_states_end_with_error_quoting_failed_tasks(status):
    tasks = [("Build", "SUCCEEDED", ""), ("Deploy", "FAILED", "image pull failed")]
    waiter, _, _ = waiter_for(lambda t: job(status, tasks))
    with pytest.raises(JobFailedError) as raised:
        waiter.wait("j1", description="create component 'web'", timeout=60)
    message = str(raised.value)
    assert f"job j1 (create component 'web') ended {status}" in message
    assert "Deploy (FAILED: image pull failed)" in message
    assert "Build" not in message
    assert raised.value.payload["job"]["execution_status"] == status


def test_wait__timeout_says_what_was_still_running():
    tasks = [("Build", "SUCCEEDED", ""), ("Deploy", "RUNNING", "pulling image")]
    waiter, _, clock = waiter_for(lambda t: job("RUNNING", tasks))
    with pytest.raises(JobTimeoutError) as raised:
        waiter.wait("j1", description="modify component 'web'", timeout=30)
    message = str(raised.value)
    assert "job j1 (modify component 'web') was still RUNNING after 30 s" in message
    assert "Deploy (RUNNING: pulling image)" in message
    assert "timeouts" in message
    assert clock.now == pytest.approx(30)


def test_wait__tolerates_a_job_not_yet_readable():
    def answer(t):
        if t < 1:
            return NotFoundError(
                status_code=404,
                method="GET",
                path="/",
                error_code=None,
                error_msg=None,
                request_id=None,
            )
        return job("SUCCEEDED")

    waiter, _, _ = waiter_for(answer)
    assert waiter.wait("j1", description="d", timeout=60).status == "SUCCEEDED"


def test_wait__gives_up_on_a_job_that_never_appears():
    missing = NotFoundError(
        status_code=404,
        method="GET",
        path="/",
        error_code="SVCSTG.00100429",
        error_msg="job not found",
        request_id=None,
    )
    waiter, _, _ = waiter_for(lambda t: missing)
    with pytest.raises(NotFoundError):
        waiter.wait("j1", description="d", timeout=600)


def test_schedule__short_jobs_noticed_fast_long_jobs_cost_at_most_12_calls_a_minute():
    schedule = PollSchedule()
    intervals = schedule.intervals()
    elapsed, polls_at = 0.0, []
    while elapsed < 600:
        polls_at.append(elapsed)
        elapsed += next(intervals)
    first_ten_seconds = [t for t in polls_at if t < 10]
    gaps = [b - a for a, b in itertools.pairwise(first_ten_seconds)]
    assert max(gaps) < 2.0
    last_minute = [t for t in polls_at if t >= 540]
    assert len(last_minute) <= 12


def job_of_tasks(durations):
    """A deploy job whose tasks take `durations` one after the other, as read at time t."""

    def answer_at(t):
        ends = list(itertools.accumulate(durations))
        tasks = []
        for index, end in enumerate(ends):
            start = end - durations[index]
            state = "SUCCEEDED" if t >= end else "RUNNING" if t >= start else "SUBMITTED"
            tasks.append(
                {
                    "task_id": f"t{index}",
                    "task_index": index + 1,
                    "task_name": f"STEP_{index}",
                    "task_status": state,
                }
            )
        done = t >= ends[-1]
        # The service lists tasks in either order (`desc`); the waiter goes by task_index.
        return {"job": {"job_id": "j1", "execution_status": "SUCCEEDED" if done else "RUNNING"},
                "tasks": tasks[::-1], "task_count": len(tasks)}  # fmt: skip

    return answer_at


def test_pace__a_short_job_of_three_tasks_costs_five_looks_and_is_noticed_within_half_a_second():
    waiter, client, clock = waiter_for(job_of_tasks([5 / 3] * 3))

    waiter.wait("j1", description="create component 'web'", timeout=60)

    assert len(client.looks) <= 5
    assert clock.now - 5 < 0.5


@pytest.mark.parametrize(
    "durations",
    [(30, 240, 30), (90, 150, 60), (15, 270, 15), (60, 180, 60)],
    ids=["short-last", "two-long", "long-middle", "quarter-last"],
)
def test_pace__a_five_minute_job_costs_at_most_12_looks_a_minute(durations):
    waiter, client, clock = waiter_for(job_of_tasks(durations))

    waiter.wait("j1", description="create component 'web'", timeout=900)

    assert len(client.looks) / 5 <= 12
    assert clock.now - 300 < 10


@pytest.mark.parametrize("seconds", [1.5, 4, 12, 25, 40, 60])
@pytest.mark.parametrize("shares", [(0.1, 0.7, 0.2), (0.3, 0.5, 0.2), (0.05, 0.8, 0.15)])
def test_pace__jobs_up_to_a_minute_with_a_shorter_last_task_are_noticed_under_2_s(seconds, shares):
    waiter, _, clock = waiter_for(job_of_tasks([seconds * share for share in shares]))

    waiter.wait("j1", description="create component 'web'", timeout=600)

    assert clock.now - seconds < 2.0


def refusal(status):
    return APIStatusError(
        status_code=status, method="GET", path="/", error_code=None, error_msg=None, request_id=None
    )


def test_pace__a_429_a_5xx_or_a_lost_connection_mid_wait_only_delays_the_answer():
    steady = job_of_tasks([2, 6, 2])
    dropped = APIConnectionError(httpx.Request("GET", "http://cas/jobs/j1"), OSError("reset"))
    failing = {3: refusal(429), 4: refusal(503), 5: dropped}

    def answer_at(t):
        return failing.get(int(t), steady(t))

    waiter, client, clock = waiter_for(answer_at)

    assert waiter.wait("j1", description="d", timeout=600).succeeded
    assert clock.now - 10 < 2.0
    assert any(3 <= look < 6 for look in client.looks)  # the failures were met


def test_pace__a_refusal_that_repeats_ends_the_wait():
    waiter, _, _ = waiter_for(lambda t: refusal(403))

    with pytest.raises(APIStatusError, match="403"):
        waiter.wait("j1", description="d", timeout=600)


def test_pace__looks_are_rare_in_an_early_task_often_in_the_last_and_ranked_by_it():
    waiter, client, _ = waiter_for(job_of_tasks([60, 10]))

    waiter.wait("j1", description="create component 'web'", timeout=600)

    gaps = [later - earlier for earlier, later in itertools.pairwise(client.looks)]
    early = [gap for look, gap in zip(client.looks, gaps, strict=False) if look < 60]
    last = [gap for look, gap in zip(client.looks, gaps, strict=False) if look >= 60]
    assert max(early) >= 8  # a task that has run a while is looked at rarely
    assert max(last) <= 2.2  # the last task often
    # Each look asks the budget with the gap that led to it: looks in the last task go before
    # those at a job whose early task has run a while.
    ranked_by = dict(zip(client.looks[1:], client.priorities[1:], strict=True))
    after_a_look_in_the_last_task = [
        ranked_by[later] for earlier, later in itertools.pairwise(client.looks) if earlier >= 60
    ]
    after_a_look_in_a_long_early_task = [
        ranked_by[later]
        for earlier, later in itertools.pairwise(client.looks)
        if 30 <= earlier < 60
    ]
    assert max(after_a_look_in_the_last_task) < min(after_a_look_in_a_long_early_task)


def test_polls__first_look_at_once_last_look_at_the_deadline_then_the_timeout():
    clock = FakeClock()
    looks = []
    for _ in polls(2.2, sleep=clock.sleep, clock=clock):
        looks.append(clock())
    # 0.5 s apart, the last gap cut short so that the last look is at the deadline, not before.
    assert looks == pytest.approx([0.0, 0.5, 1.0, 1.5, 2.0, 2.2])


def engine_job(status, stages=()):
    """A CSE engine job (PDF 004 §6.3.6): stages (表6-65), each with its tasks (表6-67)."""
    return {
        "id": 17655,
        "engineId": "e1",
        "type": "Create",
        "status": status,
        "tasks": [
            {"taskName": stage, "status": stage_status,
             "tasks": [{"taskName": task, "status": task_status, "log": log}
                       for task, task_status, log in tasks]}
            for stage, stage_status, tasks in stages
        ],
    }  # fmt: skip


ENGINE_JOBS = EngineJobs("proj", "e1")


def test_engine_job__finished_after_init_and_executing_polls_the_engine_s_job_path():
    states = ["Init", "Executing", "Executing", "Finished"]
    waiter, client, _ = waiter_for(lambda t: engine_job(states[min(int(t), 3)]), ENGINE_JOBS)

    result = waiter.wait("17655", description="create engine 'cse-1'", timeout=60)

    assert result.status == "Finished"
    assert set(client.paths) == {"/v2/proj/enginemgr/engines/e1/jobs/17655"}


@pytest.mark.parametrize("status", ["Error", "Timeout"])
def test_engine_job__error_and_timeout_fail_at_once_quoting_the_failing_task_s_log(status):
    stages = [
        ("resourcePrepare", "Finished", [("TenantTaskExecutor", "Finished", "")]),
        ("deploy", status, [("HelmTaskExecutor", status, "no capacity in az1")]),
    ]
    waiter, _, clock = waiter_for(lambda t: engine_job(status, stages), ENGINE_JOBS)

    with pytest.raises(JobFailedError) as raised:
        waiter.wait("17655", description="create engine 'cse-1'", timeout=600)

    assert clock.now == PollPace().first_look  # the first answer decides
    assert str(raised.value) == (
        f"job 17655 (create engine 'cse-1') ended {status}: "
        f"HelmTaskExecutor ({status}: no capacity in az1)"
    )


def test_engine_job__a_wait_cut_short_names_the_unfinished_stages():
    stages = [("resourcePrepare", "Finished", []), ("deploy", "Executing", [])]
    waiter, _, _ = waiter_for(lambda t: engine_job("Executing", stages), ENGINE_JOBS)

    with pytest.raises(JobTimeoutError) as raised:
        waiter.wait("17655", description="delete engine 'cse-1'", timeout=30)

    assert "was still Executing after 30 s; unfinished tasks: deploy (Executing)" in str(
        raised.value
    )


def test_shared_reads__one_read_answers_every_wait_that_asks_after_it_started():
    clock = FakeClock()
    reads = SharedReads(clock)
    fetched = []

    def fetch():
        fetched.append(clock.now)
        return {"a", "b"}

    with reads.waiting("components"), reads.waiting("components"):
        assert reads.others_waiting("components")
        first = reads.read("components", fetch, since=0.0)
        clock.now = 1.0
        # A wait whose last look came before the latest read started is answered by it...
        assert reads.read("components", fetch, since=0.0) is first
        # ...one that looked after it needs a new read.
        reads.read("components", fetch, since=0.5)

    assert fetched == [0.0, 1.0]
    assert not reads.others_waiting("components")


def test_shared_reads__a_failed_read_fails_every_wait_it_answers_and_a_later_look_reads_again():
    clock = FakeClock()
    reads = SharedReads(clock)
    fetched = []

    def fetch():
        fetched.append(clock.now)
        raise ValueError("list failed")

    with pytest.raises(ValueError, match="list failed"):
        reads.read("components", fetch, since=0.0)
    with pytest.raises(ValueError, match="list failed"):
        reads.read("components", fetch, since=0.0)  # answered by the same failed read
    clock.now = 1.0
    with pytest.raises(ValueError, match="list failed"):
        reads.read("components", fetch, since=0.5)  # a look after it reads again

    assert fetched == [0.0, 1.0]
