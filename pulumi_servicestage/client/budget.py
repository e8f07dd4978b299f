"""Request budgets: one per API, endpoint and credential, shared by every call of the process.

Huawei Cloud's API Gateway throttles each API per user, counting by source IP, API and account,
with quotas of the order of 10 requests per second ("Request Throttling",
https://support.huaweicloud.com/intl/en-us/api-oce/fci_00002.html: "10/1(s) ... a single user
or source IP address can send up to 10 requests to the API every second"; the same on the
partner operations pages). An API there is one operation, a method on a path template, so the
budgets are kept per API as well: a deployment's creates do not wait for its job polls.

A deployment that waits on many jobs at once would exceed the quota if each wait polled on its
own schedule, and be answered 429 (``APIGW.0308``). So every request, reads and writes alike,
first takes a token from the budget of its API: a token bucket of `rate` requests per second
that holds a single token, so that requests go at least 1 / rate apart and no second, however
API Gateway counts its seconds, sees more than `rate` of them. When the service answers 429 the
quota is smaller than what the budget sent in the last second (another process may share it):
the budget takes nothing until the Retry-After has passed, then goes at nine tenths of that
(never faster than before, nor slower than a tenth of its ceiling), holds that rate for
`_HOLD_SECONDS`, and then recovers by a twentieth of its ceiling per second, up to the ceiling,
the next 429 setting it back again. When more requests are due than the budget
allows, they go in order of `priority` (lowest first), then of arrival: a job wait asks for its
next look with the urgency its last answer showed (`jobs.JobWaiter`), so under a tight budget
the looks likeliest to find a job ended go first.
"""

from __future__ import annotations

import collections
import itertools
import math
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from . import clock

#: Requests per second of one API and credential when `servicestage:maxRequestsPerSecond` is not
#: set: below the 10 per second per API and user of the published quotas.
DEFAULT_RATE = 8.0
# A throttled budget never falls below this share of its ceiling, so that a burst of 429s
# slows a deployment down without stalling it.
_FLOOR = 0.1
# After a 429: the share of the last second's requests to go on at, how long to hold that rate,
# and the share of the ceiling to add per second after that.
_BELOW_REFUSAL = 0.9
_HOLD_SECONDS = 10.0
_RECOVERY_PER_SECOND = 0.05
_LEAST_WAIT_SECONDS = 0.001

#: The order of the requests the current context sends among those waiting for the same budget.
PRIORITY: ContextVar[float] = ContextVar("servicestage_request_priority", default=0.0)


@contextmanager
def priority(value: float) -> Iterator[None]:
    """Send the block's requests with `priority`: lower goes first when the budget is short."""
    token = PRIORITY.set(value)
    try:
        yield
    finally:
        PRIORITY.reset(token)


class RequestBudget:
    """A token bucket shared by the threads that call one API with one credential, serving
    waiting requests by priority, then in the order they came."""

    def __init__(
        self,
        rate: float,
        *,
        now: Callable[[], float] = clock.now,
        sleep: Callable[[float], None] = clock.pause,
    ) -> None:
        self.ceiling = rate
        self._rate = rate
        self._tokens = 1.0
        self._now = now
        self._sleep = sleep
        self._updated = now()
        self._closed_until = 0.0
        self._held_until = self._recovered_at = 0.0
        # When the requests of the last second were sent (what a 429 judges the quota by).
        self._sent: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()
        # The waiting requests, (priority, arrival), each with when it means to look again: one
        # asleep does not hold back those behind it, so that no token goes unused while it sleeps.
        self._waiting: dict[tuple[float, int], float] = {}
        self._arrivals = itertools.count()

    @property
    def rate(self) -> float:
        """Requests per second allowed now."""
        with self._lock:
            return self._rate

    @property
    def queued(self) -> int:
        """Requests waiting for their turn now."""
        with self._lock:
            return len(self._waiting)

    def take(self) -> None:
        """Wait, if need be, until a request may be sent, and count it."""
        ticket = (PRIORITY.get(), next(self._arrivals))
        with self._lock:
            self._waiting[ticket] = -math.inf  # awake
        try:
            while True:
                with self._lock:
                    now = self._read_clock()
                    self._tokens = min(1.0, self._tokens + (now - self._updated) * self._rate)
                    self._updated = now
                    ahead = [other for other in self._waiting if other < ticket]
                    awake_ahead = any(self._waiting[other] <= now for other in ahead)
                    if not awake_ahead and now >= self._closed_until and self._tokens >= 1:
                        del self._waiting[ticket]
                        self._tokens -= 1
                        self._sent.append(now)
                        self._forget_before(now - 1.0)
                        return
                    # The turn comes once the requests ahead have had theirs; a request that
                    # arrives ahead meanwhile only makes this one look again.
                    wait = max(
                        self._closed_until - now, (1 + len(ahead) - self._tokens) / self._rate
                    )
                    self._waiting[ticket] = now + max(wait, _LEAST_WAIT_SECONDS)
                # Never less than a millisecond: a clock far from its start (a long-lived process,
                # a virtual clock) cannot add less, and the wait would never end.
                self._sleep(max(wait, _LEAST_WAIT_SECONDS))
        except BaseException:
            with self._lock:
                self._waiting.pop(ticket, None)
            raise

    def throttled(self, retry_after: float | None) -> None:
        """The service answered 429: after `retry_after`, go on below what was sent in the last
        second, and hold that rate a while."""
        with self._lock:
            now = self._read_clock()
            self._forget_before(now - 1.0)
            below = _BELOW_REFUSAL * len(self._sent)
            self._rate = max(self.ceiling * _FLOOR, min(self._rate, below))
            self._tokens = 0.0
            self._closed_until = max(self._closed_until, now + (retry_after or 0.0))
            self._held_until = self._recovered_at = self._closed_until + _HOLD_SECONDS

    def answered(self) -> None:
        """A request went through: once the hold after a 429 is over, recover a little."""
        with self._lock:
            now = self._read_clock()
            if now < self._held_until or self._rate >= self.ceiling:
                return
            gained = self.ceiling * _RECOVERY_PER_SECOND * (now - self._recovered_at)
            self._recovered_at = now
            self._rate = min(self.ceiling, self._rate + gained)

    def _read_clock(self) -> float:
        """Now; if the clock went back (the process's clock was swapped, `clock.use`), what was
        reckoned on the other clock is forgotten: refilling by a negative time would hold
        requests back for as long as the clocks are apart."""
        now = self._now()
        if now < self._updated:
            self._updated = now
            self._tokens = 1.0
            self._closed_until = self._held_until = self._recovered_at = 0.0
            self._sent.clear()
        return now

    def _forget_before(self, moment: float) -> None:
        while self._sent and self._sent[0] < moment:
            self._sent.popleft()


# A path segment that names an object rather than a part of the API: anything but lowercase words
# (``components``, ``release-plans``, ``deploy-info``) and versions (``v3``). Ids and project ids
# carry digits; an object named in lowercase letters alone gets a budget of its own, which errs
# on the side of sending more, never on that of stalling.
_API_WORD = re.compile(r"v\d+|[a-z]+(?:[-_][a-z]+)*")


def api_of(method: str, path: str) -> str:
    """The API a request calls, as API Gateway counts it: its method and path template."""
    segments = path.split("?", 1)[0].split("/")
    template = "/".join(s if not s or _API_WORD.fullmatch(s) else "{}" for s in segments)
    return f"{method.upper()} {template}"


class ApiBudgets:
    """The budgets of one endpoint and credential: one `RequestBudget` of `rate` per API."""

    def __init__(
        self,
        rate: float,
        *,
        now: Callable[[], float] = clock.now,
        sleep: Callable[[float], None] = clock.pause,
    ) -> None:
        self.rate = rate
        self._now = now
        self._sleep = sleep
        self._lock = threading.Lock()
        self._by_api: dict[str, RequestBudget] = {}

    def of(self, method: str, path: str) -> RequestBudget:
        """The budget of the API that `method` on `path` calls."""
        api = api_of(method, path)
        with self._lock:
            budget = self._by_api.get(api)
            if budget is None:
                budget = self._by_api[api] = RequestBudget(
                    self.rate, now=self._now, sleep=self._sleep
                )
            return budget


_budgets: dict[tuple[str, str], ApiBudgets] = {}
_budgets_lock = threading.Lock()


def budgets_for(endpoint: str, credential: str, rate: float) -> ApiBudgets:
    """The process's budgets for `endpoint` called with `credential` (an identifier of it, not
    the secret), made with `rate` when they are first asked for."""
    key = (endpoint, credential)
    with _budgets_lock:
        budgets = _budgets.get(key)
        if budgets is None or budgets.rate != rate:
            budgets = _budgets[key] = ApiBudgets(rate)
        return budgets
