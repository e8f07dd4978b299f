"""The request budget end to end: providers in one process share it, so however many resources
are created at once, the emulator sees no more requests per second than the budget."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_servicestage.application import ApplicationProvider
from pulumi_servicestage.config import Settings
from pulumi_servicestage.testing import ProviderInProcess

PROVIDER = ApplicationProvider()


def test_by_default_the_budget_stays_under_the_published_quota():
    settings = Settings.resolve(
        {
            "servicestage:region": "cn-north-4",
            "servicestage:projectId": "0" * 32,
            "servicestage:accessKey": "ak",
            "servicestage:secretKey": "sk",
        },
        {},
    )

    assert settings.max_requests_per_second == 8.0


# Concurrent pauses on the virtual clock add up; pacing side by side is the point here.
@pytest.mark.real_time
def test_creates_at_once_are_spread_at_the_budget_s_rate(live):
    host = ProviderInProcess()
    host.configure({**live.stack_config(), "servicestage:maxRequestsPerSecond": "4"})
    started = live.now()

    def create(index: int) -> str:
        checked = host.check(PROVIDER, None, {"name": f"app-{index}"})
        return host.create(PROVIDER, checked.inputs).id

    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(pool.map(create, range(12)))

    elapsed = live.now() - started
    counts = live.emulator.request_counts()
    assert len(set(created)) == 12
    # Each API has a budget of its own: the 12 creates go a quarter second apart, and the reads
    # back at the same pace beside them, not after them.
    assert counts["POST /v3/{project_id}/cas/applications"] == 12
    assert 11 / 4 - 0.01 <= elapsed < 12 / 4 + 1


def test_an_emulator_throttling_at_10_per_second_fails_nothing_with_a_higher_budget(live):
    """The service's 429s (APIGW.0308, with Retry-After) slow the budget down: every create
    succeeds, no request is lost to the throttling."""
    live.emulator.throttle(10)
    host = ProviderInProcess()
    host.configure({**live.stack_config(), "servicestage:maxRequestsPerSecond": "50"})

    def create(index: int) -> str:
        checked = host.check(PROVIDER, None, {"name": f"app-{index}"})
        return host.create(PROVIDER, checked.inputs).id

    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(pool.map(create, range(30)))

    assert len(set(created)) == 30
    assert live.emulator.quota.refused > 0  # the service did throttle
    assert len(live.backend.list_applications().items) == 30
