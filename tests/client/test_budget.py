"""The request budget of an endpoint and credential: a token bucket that keeps its rate, halves
it when the service answers 429 (sending nothing before Retry-After), and recovers gradually."""

from __future__ import annotations

import httpx

from pulumi_servicestage.client.budget import RequestBudget
from pulumi_servicestage.client.http import ApiClient, RetryPolicy


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def budget(rate: float) -> tuple[RequestBudget, FakeClock]:
    clock = FakeClock()
    return RequestBudget(rate, now=clock, sleep=clock.sleep), clock


def test_requests_beyond_the_burst_are_spaced_at_the_rate():
    limited, clock = budget(8)

    for _ in range(8 + 40):
        limited.take()

    # The first 8 go at once (a full bucket); the next 40 take 40 / 8 seconds.
    assert 4.99 <= clock.now <= 5.01


def test_a_429_halves_the_rate_and_honours_retry_after_then_it_recovers_gradually():
    limited, clock = budget(8)
    for _ in range(8):
        limited.take()

    limited.throttled(retry_after=3)
    limited.take()

    assert limited.rate == 4
    assert clock.now >= 3
    for _ in range(10):
        limited.answered()
    assert limited.rate == 8  # 4 + 10 * 8 / 20, at most the ceiling


def test_the_rate_never_falls_below_a_tenth_of_its_ceiling():
    limited, _ = budget(10)

    for _ in range(20):
        limited.throttled(retry_after=None)

    assert limited.rate == 1


def test_a_client_takes_a_token_for_every_attempt_and_slows_on_429():
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json={})]
    )
    limited, clock = budget(8)
    client = ApiClient(
        "https://servicestage.example",
        auth=None,
        retry=RetryPolicy(max_retries=1),
        transport=httpx.MockTransport(lambda request: next(answers)),
        sleep=clock.sleep,
        budget=limited,
    )

    client.get("/v3/p/cas/environments")

    assert limited.rate == 8 / 2 + 8 / 20  # halved by the 429, a step back by the 200
    assert clock.now >= 2
