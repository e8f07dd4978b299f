"""The request budget of an API and credential: a token bucket that keeps its rate, goes below
what the last second sent when the service answers 429 (sending nothing before Retry-After),
recovers gradually, and serves waiting requests by priority."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx
import pytest

from pulumi_servicestage.client.budget import ApiBudgets, RequestBudget, api_of, priority
from pulumi_servicestage.client.http import ApiClient, RetryPolicy


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "the budget's callers never got there"
        time.sleep(0.001)


def budget(rate: float) -> tuple[RequestBudget, FakeClock]:
    clock = FakeClock()
    return RequestBudget(rate, now=clock, sleep=clock.sleep), clock


def test_requests_are_spaced_at_the_rate_with_no_burst():
    limited, clock = budget(8)
    sent_at = []

    for _ in range(41):
        limited.take()
        sent_at.append(clock.now)

    # The first goes at once; each after it 1 / 8 s after the one before: no second of the
    # gateway's, wherever it starts, sees more than 8.
    assert 4.99 <= clock.now <= 5.01
    assert all(sum(1 for t in sent_at if start <= t < start + 1) <= 8 for start in sent_at)


def test_a_429_sets_the_rate_below_the_last_second_s_and_holds_it_then_it_recovers():
    limited, clock = budget(20)
    for _ in range(11):  # 11 in the last second, one every twentieth of a second
        limited.take()

    limited.throttled(retry_after=3)
    limited.take()

    assert clock.now >= 0.5 + 3  # nothing before the Retry-After
    assert limited.rate == pytest.approx(0.9 * 11)
    clock.now += 9.0
    limited.answered()
    assert limited.rate == pytest.approx(0.9 * 11)  # held for 10 s after the Retry-After
    clock.now += 2.0
    limited.answered()
    limited.answered()
    assert limited.rate == pytest.approx(0.9 * 11 + 20 / 20 * 1.0)  # a twentieth per second
    clock.now += 60
    limited.answered()
    assert limited.rate == 20


def test_the_rate_never_falls_below_a_tenth_of_its_ceiling():
    limited, _ = budget(10)

    for _ in range(20):
        limited.throttled(retry_after=None)

    assert limited.rate == 1


def test_a_client_takes_a_token_for_every_attempt_and_slows_on_429():
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json={})]
    )
    clock = FakeClock()
    budgets = ApiBudgets(8, now=clock, sleep=clock.sleep)
    client = ApiClient(
        "https://servicestage.example",
        auth=None,
        retry=RetryPolicy(max_retries=1),
        transport=httpx.MockTransport(lambda request: next(answers)),
        sleep=clock.sleep,
        budgets=budgets,
    )

    client.get("/v3/p/cas/environments")
    limited = budgets.of("GET", "/v3/p/cas/environments")

    assert limited.rate == 0.9  # nine tenths of the one request of the last second, held
    assert clock.now >= 2


@pytest.mark.parametrize(
    ("method", "path", "api"),
    [
        (
            "get",
            "/v3/0a1b2c/cas/jobs/JOB1f2e-77",
            "GET /v3/{}/cas/jobs/{}",
        ),
        (
            "POST",
            "/v3/0a1b2c/cas/applications/6c1e-99/components",
            "POST /v3/{}/cas/applications/{}/components",
        ),
        (
            "PUT",
            "/v3/0a1b2c/cas/applications/6c1e-99/components/77ab-1/action?x=1",
            "PUT /v3/{}/cas/applications/{}/components/{}/action",
        ),
        ("GET", "/v3/0a1b2c/cas/release-plans", "GET /v3/{}/cas/release-plans"),
    ],
)
def test_an_api_is_its_method_and_path_template(method, path, api):
    assert api_of(method, path) == api


def test_each_api_has_a_budget_of_its_own():
    clock = FakeClock()
    budgets = ApiBudgets(8, now=clock, sleep=clock.sleep)

    creates = budgets.of("POST", "/v3/p1/cas/applications/a1/components")
    assert budgets.of("POST", "/v3/p1/cas/applications/a2/components") is creates
    assert budgets.of("GET", "/v3/p1/cas/applications/a1/components") is not creates
    assert budgets.of("GET", "/v3/p1/cas/jobs/JOB1") is not creates


def test_when_the_budget_is_short_lower_priority_values_go_first():
    clock = FakeClock()
    lock = threading.Lock()
    limited = RequestBudget(1, now=clock, sleep=lambda seconds: None)
    limited.take()  # the one token is spent: whoever comes next waits for the clock
    served: list[str] = []

    def request(name: str, rank: float) -> None:
        with priority(rank):
            limited.take()
        with lock:
            served.append(name)

    callers = []
    # The look at a job in an early task queues first; the look at one in its last task after.
    for queued, (name, rank) in enumerate((("early task", 8.0), ("last task", 0.4)), start=1):
        callers.append(threading.Thread(target=request, args=(name, rank)))
        callers[-1].start()
        until(lambda: limited.queued == queued)  # noqa: B023 - read at once
    for turn in (1, 2):
        clock.now += 1.0  # one token at a time
        until(lambda: len(served) == turn)  # noqa: B023 - read at once
    for caller in callers:
        caller.join()

    assert served == ["last task", "early task"]


def test_a_clock_that_goes_back_starts_the_budget_afresh():
    """Swapping the process's clock (`clock.use`, a test's virtual clock) must not hold requests
    back for as long as the two clocks are apart."""
    limited, clock = budget(8)
    clock.now = 100_000.0
    limited.take()
    limited.throttled(retry_after=30)

    clock.now = 5.0  # another clock, far behind
    limited.take()

    assert clock.now < 5.01
