"""The one clock every wait and retry of the package goes by, and how the provider host stops them.

Waits for jobs, for objects to go, and the pauses between retries all read `now()` and sleep with
`pause()`; request signatures and token expiries read `wall()`. All go to the process's current
`Clock`: real time by default, a virtual clock in tests (`use`), so that a test about a retry
schedule or a timeout runs without sleeping.

On Ctrl-C the engine interrupts the provider host (SIGINT) and kills it a few seconds later. The
host's ``main()`` catches the KeyboardInterrupt and stops its gRPC server, but the provider calls
already running keep their threads, and with them the process, alive: a create waiting for a
10-minute deploy job would go on polling after the engine has given up on it, until it is killed
in the middle of whatever it was doing. So `pulumi_servicestage._host` has a watcher thread call
`request_stop` once the host's server has stopped, and every pause raises `ShutdownError` within
moments of it. The providers then leave off where they are: a new object already carries its
ownership marker, so the next `pulumi up` recognises and completes it.

SIGTERM needs nothing here: its default action ends the host at once, before any Python code
runs, which stops the waits as surely.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .errors import ServiceStageError

_stopping = threading.Event()
_watcher_started = False
_watcher_lock = threading.Lock()


class ShutdownError(ServiceStageError):
    """The provider host is shutting down: a wait or retry was cut short."""

    def __init__(self) -> None:
        super().__init__("the provider host is shutting down (the deployment was interrupted)")


class Clock:
    """Real time: monotonic seconds, the wall clock, and sleeps that end early once the host
    is stopping."""

    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if _stopping.wait(max(0.0, seconds)):
            raise ShutdownError()


_current = Clock()


def now() -> float:
    """Seconds on the current clock (monotonic: only differences mean anything)."""
    return _current.now()


def wall() -> float:
    """Epoch seconds on the current clock: what request signatures and token expiries use."""
    return _current.wall()


def pause(seconds: float) -> None:
    """Sleep `seconds` on the current clock, or raise `ShutdownError` once the host is stopping."""
    _current.sleep(seconds)


@contextmanager
def use(clock: Clock) -> Iterator[Clock]:
    """Make `clock` the process's clock while the block runs (for tests: a virtual clock)."""
    global _current
    previous, _current = _current, clock
    try:
        yield clock
    finally:
        _current = previous


def raise_if_stopping() -> None:
    if _stopping.is_set():
        raise ShutdownError()


def request_stop() -> None:
    """Stop every wait in this process (what the end of the host's gRPC server does)."""
    _stopping.set()


def stop_after(event: Callable[[], object]) -> None:
    """Start, once per process, a thread that calls `request_stop` when `event()` returns."""
    global _watcher_started
    with _watcher_lock:
        if _watcher_started:
            return
        _watcher_started = True

    def watch() -> None:
        event()
        request_stop()

    threading.Thread(target=watch, name="servicestage-shutdown", daemon=True).start()
