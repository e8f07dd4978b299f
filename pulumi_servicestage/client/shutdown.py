"""Cutting every wait short when the provider host is told to stop.

On Ctrl-C the engine interrupts the provider host (SIGINT) and kills it a few seconds later. The
host's ``main()`` catches the KeyboardInterrupt and stops its gRPC server, but the provider calls
already running keep their threads, and with them the process, alive: a create waiting for a
10-minute deploy job would go on polling after the engine has given up on it, until it is killed
in the middle of whatever it was doing. So `pulumi_servicestage._host` has a watcher thread call
`request_stop` once the host's server has stopped, and every pause of a wait or of a retry goes
through `pause()`, which raises `ShutdownError` within moments of it. The providers then leave
off where they are: a new object already carries its ownership marker, so the next `pulumi up`
recognises and completes it.

SIGTERM needs nothing here: its default action ends the host at once, before any Python code
runs, which stops the waits as surely.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .errors import ServiceStageError

_stopping = threading.Event()
_watcher_started = False
_watcher_lock = threading.Lock()


class ShutdownError(ServiceStageError):
    """The provider host is shutting down: a wait or retry was cut short."""

    def __init__(self) -> None:
        super().__init__("the provider host is shutting down (the deployment was interrupted)")


def pause(seconds: float) -> None:
    """Sleep `seconds`, or raise `ShutdownError` as soon as the host is stopping."""
    if _stopping.wait(max(0.0, seconds)):
        raise ShutdownError()


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
