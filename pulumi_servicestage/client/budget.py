"""One request budget per endpoint and credential, shared by every call of the process.

Huawei Cloud's API Gateway throttles each API per user, counting by source IP, API and account,
with quotas of the order of 10 requests per second ("Request Throttling",
https://support.huaweicloud.com/intl/en-us/api-oce/fci_00002.html: "10/1(s) ... a single user
or source IP address can send up to 10 requests to the API every second"; the same on the
partner operations pages). A deployment that waits on many jobs at once would exceed that if
each wait polled on its own schedule, and be answered 429 (``APIGW.0308``). So every request,
reads and writes alike, first takes a token from the budget of its endpoint and credential: a
token bucket of `rate` requests per second, which halves its rate when the service answers 429
(and takes nothing until its Retry-After has passed) and then recovers by a twentieth of its
ceiling per request answered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from . import clock

#: Requests per second of one endpoint and credential when `servicestage:maxRequestsPerSecond`
#: is not set: below the 10 per second per API and user of the published quotas.
DEFAULT_RATE = 8.0
# A throttled budget never falls below this share of its ceiling, so that a burst of 429s
# slows a deployment down without stalling it.
_FLOOR = 0.1
_RECOVERY = 0.05
_LEAST_WAIT_SECONDS = 0.001


class RequestBudget:
    """A token bucket shared by the threads that call one endpoint with one credential."""

    def __init__(
        self,
        rate: float,
        *,
        now: Callable[[], float] = clock.now,
        sleep: Callable[[float], None] = clock.pause,
    ) -> None:
        self.ceiling = rate
        self._rate = rate
        self._tokens = rate
        self._now = now
        self._sleep = sleep
        self._updated = now()
        self._closed_until = 0.0
        self._lock = threading.Lock()

    @property
    def rate(self) -> float:
        """Requests per second allowed now."""
        with self._lock:
            return self._rate

    def take(self) -> None:
        """Wait, if need be, until a request may be sent, and count it."""
        while True:
            with self._lock:
                now = self._now()
                self._tokens = min(self._rate, self._tokens + (now - self._updated) * self._rate)
                self._updated = now
                if now >= self._closed_until and self._tokens >= 1:
                    self._tokens -= 1
                    return
                wait = max(self._closed_until - now, (1 - self._tokens) / self._rate)
            # Never less than a millisecond: a clock far from its start (a long-lived process,
            # a virtual clock) cannot add less, and the wait would never end.
            self._sleep(max(wait, _LEAST_WAIT_SECONDS))

    def throttled(self, retry_after: float | None) -> None:
        """The service answered 429: halve the rate, and send nothing before `retry_after`."""
        with self._lock:
            self._rate = max(self.ceiling * _FLOOR, self._rate / 2)
            self._tokens = 0.0
            if retry_after:
                self._closed_until = max(self._closed_until, self._now() + retry_after)

    def answered(self) -> None:
        """A request went through: recover a little of the rate a 429 took."""
        with self._lock:
            self._rate = min(self.ceiling, self._rate + self.ceiling * _RECOVERY)


_budgets: dict[tuple[str, str], RequestBudget] = {}
_budgets_lock = threading.Lock()


def budget_for(endpoint: str, credential: str, rate: float) -> RequestBudget:
    """The process's budget for `endpoint` called with `credential` (an identifier of it, not
    the secret), made with `rate` when it is first asked for."""
    key = (endpoint, credential)
    with _budgets_lock:
        budget = _budgets.get(key)
        if budget is None or budget.ceiling != rate:
            budget = _budgets[key] = RequestBudget(rate)
        return budget
