"""Adapts Pulumi's Python dynamic provider host: more than four provider calls at once, waits
that stop with the host, and errors a person can read (`readable_errors_in_host`).

The host (``python -m pulumi.dynamic``, the SDK's ``pulumi/dynamic/__main__.py``) serves every
call on a gRPC server built over ``futures.ThreadPoolExecutor(max_workers=4)`` and has no setting
for it. Whatever the engine's ``--parallel``, at most four Create/Update/Delete calls run at once,
so 32 components whose deploy jobs take T seconds each need 8 T.

The package's providers are unpickled, and so this package imported and configured, inside that
host. `enlarge_host_executor` runs from there (`_runtime.configure`, called by every provider's
``configure()``) and raises the executor's worker limit: CPython's ThreadPoolExecutor starts a
thread per submitted call while it has fewer than ``_max_workers``, so later calls get threads of
their own, and calls already queued are given threads at once.

This reaches into private details of three projects: the host module's ``main()`` and its local
``server``, grpc's ``_Server._state.thread_pool``, and CPython's
``ThreadPoolExecutor._max_workers``/``_work_queue``. Each is checked before anything changes, and
where the process is not that host, or the host is built differently, nothing is touched: the
reason is logged on this module's logger, at debug level when there is nothing to do (not the
host, switched off, already large enough) and as a warning, once per process, when the host's
layout is not the one expected (the engine shows a provider host's stderr lines as diagnostics).
Nothing here raises: it runs inside every provider's ``configure()``, where an exception would
fail every call of the deployment, and the host works, only slower, without it.

Users can switch it off or size it with ``servicestage:hostWorkers`` (see `config.HOST_WORKERS`).
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import FrameType, ModuleType
from typing import Any

from .client import clock
from .client.errors import ConfigurationError, ServiceStageError
from .config import HOST_WORKERS, _Lookup

logger = logging.getLogger(__name__)

HOST_MODULE = "pulumi.dynamic.__main__"
"""The module name the host runs as (``python -m pulumi.dynamic``)."""

DEFAULT_HOST_WORKERS = 64
"""Calls the host serves at once unless configured: the engine's own default ``--parallel`` on a
16-CPU machine (4 per CPU). The engine's ``--parallel`` still bounds how many it sends."""

MAX_HOST_WORKERS = 1024
"""The largest accepted: a larger value is likelier a typo than a need, and every call served at
once holds a thread."""

_lock = threading.Lock()
_warnings_given: set[str] = set()


@dataclass(frozen=True)
class ExecutorOutcome:
    """What `enlarge_host_executor` did: the host's worker limit after it, and why."""

    enlarged: bool
    workers: int | None
    reason: str


def configured_workers(stack_config: Mapping[str, Any], environ: Mapping[str, str]) -> int:
    """The worker count asked for in ``servicestage:hostWorkers`` or its variable; 0 is off."""
    return _Lookup(stack_config, environ).whole_number(
        HOST_WORKERS,
        default=DEFAULT_HOST_WORKERS,
        maximum=MAX_HOST_WORKERS,
        zero_means="leave the provider host as it is",
    )


def enlarge_as_configured(stack_config: Mapping[str, Any], environ: Mapping[str, str]) -> None:
    """`enlarge_host_executor` to the configured size; a bad setting is a warning, not an error."""
    try:
        workers = configured_workers(stack_config, environ)
    except ConfigurationError as error:
        _warn_once(f"pulumi-servicestage: {error}; the provider host is left as it is")
        return
    enlarge_host_executor(workers)


def enlarge_host_executor(workers: int) -> ExecutorOutcome:
    """Let the provider host this process runs, if any, serve `workers` calls at once.

    Never lowers the host's limit; `workers` 0 leaves the host alone. Safe to call anywhere and
    more than once, and never raises: outside the host, or in a host built differently, it
    changes nothing.
    """
    with _lock:
        try:
            outcome, unexpected = _enlarge(workers)
        except Exception as error:
            # The checks cover the layouts known; whatever else a future host does must not fail
            # the deployment.
            reason = f"looking for its executor failed: {error!r}"
            outcome, unexpected = ExecutorOutcome(False, None, reason), True
    if unexpected:
        _warn_once(
            "pulumi-servicestage: the provider host runs at most its own number of calls at "
            f"once, because {outcome.reason}; set servicestage:hostWorkers to 0 to stop trying"
        )
    else:
        logger.debug("provider host executor: %s", outcome.reason)
    return outcome


def _warn_once(message: str) -> None:
    # Every provider class is configured on its own, with the same stack config: one line is
    # enough, however many resource types a deployment uses.
    with _lock:
        if message in _warnings_given:
            return
        _warnings_given.add(message)
    logger.warning(message)


def stop_waits_with_host() -> None:
    """In the provider host, stop every wait (`client.clock`) once the host's gRPC server stops.

    The server stops when the host is interrupted; `wait_for_termination` is grpc's own way to
    learn of it. Outside the host, or in one laid out differently, nothing happens.
    """
    try:
        server, _ = _host_server()
    except Exception:  # a future host's layout must not fail the deployment
        return
    wait_for_termination = getattr(server, "wait_for_termination", None)
    if callable(wait_for_termination):
        clock.stop_after(wait_for_termination)


class ReadableTracebacks:
    """The `traceback` module as the host's error handler sees it, but for this package's errors.

    The host answers every exception of a provider with ``traceback.format_exc()`` (its
    ``_abort_with_traceback``), and the CLI shows that text: 19 to 28 lines, the message on the
    last, behind the frames and any chained transport error. An error this package raises on
    purpose (`ServiceStageError`) says what failed and what to do on its own, so it is shown as
    its message alone. Any other exception is a bug, and keeps its full traceback.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)

    def format_exc(self, limit: int | None = None, chain: bool = True) -> str:
        error = sys.exc_info()[1]
        if isinstance(error, ServiceStageError):
            return str(error)
        return traceback.format_exc(limit, chain)


def readable_errors_in_host() -> None:
    """In the provider host, show this package's errors as their messages (`ReadableTracebacks`).

    Outside the host nothing happens; in a host whose error handler is not the one expected
    (module global `traceback` used by `_abort_with_traceback`), nothing changes and a warning
    says so, once.
    """
    host = sys.modules.get("__main__")
    if host is None or _module_name(host) != HOST_MODULE:
        return
    with _lock:
        current = getattr(host, "traceback", None)
        if isinstance(current, ReadableTracebacks):
            return
        expected = current is traceback and callable(getattr(host, "_abort_with_traceback", None))
        if expected:
            host.traceback = ReadableTracebacks()  # type: ignore[attr-defined]
    if not expected:
        _warn_once(
            "pulumi-servicestage: provider errors keep the host's full tracebacks, because its "
            "error handler is not the one expected"
        )


def _enlarge(workers: int) -> tuple[ExecutorOutcome, bool]:
    """The outcome, and whether it was refused because the host is not laid out as expected."""
    if workers <= 0:
        return ExecutorOutcome(False, None, "switched off by servicestage:hostWorkers"), False
    server, problem = _host_server()
    if server is None:
        return ExecutorOutcome(False, None, problem), problem != _NOT_THE_HOST
    pool, problem = thread_pool_of(server)
    if pool is None:
        return ExecutorOutcome(False, None, problem), True
    return raise_worker_limit(pool, workers), False


_NOT_THE_HOST = f"this process is not the Pulumi Python provider host ({HOST_MODULE})"


def _host_server() -> tuple[Any, str]:
    """The provider host's gRPC server, or None and why it was not found."""
    host = sys.modules.get("__main__")
    if _module_name(host) != HOST_MODULE:
        return None, _NOT_THE_HOST
    assert host is not None
    frame = _host_main_frame(host)
    if frame is None:
        return None, "the host's main() is not running on the main thread"
    server = frame.f_locals.get("server")
    if server is None:
        return None, "the host's main() has no local `server`"
    return server, ""


def _module_name(module: ModuleType | None) -> str | None:
    spec = getattr(module, "__spec__", None)
    name = getattr(spec, "name", None)
    return name if isinstance(name, str) else None


def _host_main_frame(host: ModuleType) -> FrameType | None:
    # The host's main() never returns: it waits on an Event after starting the server, with the
    # server in its local `server`.
    frame = sys._current_frames().get(threading.main_thread().ident or -1)
    while frame is not None:
        if frame.f_code.co_name == "main" and frame.f_globals is vars(host):
            return frame
        frame = frame.f_back
    return None


def thread_pool_of(server: Any) -> tuple[ThreadPoolExecutor | None, str]:
    """The executor a grpc server runs its calls on, or None and what is missing."""
    state = getattr(server, "_state", None)
    pool = getattr(state, "thread_pool", None)
    if pool is None:
        return None, f"its server (of type {type(server).__name__}) has no `_state.thread_pool`"
    # A subclass may size or start its threads its own way.
    if type(pool) is not ThreadPoolExecutor:
        return None, f"its executor is of type {type(pool).__name__}, not ThreadPoolExecutor"
    if not isinstance(getattr(pool, "_max_workers", None), int):
        return None, "its ThreadPoolExecutor has no integer `_max_workers`"
    if not hasattr(getattr(pool, "_work_queue", None), "qsize"):
        return None, "its ThreadPoolExecutor has no `_work_queue`"
    return pool, ""


def raise_worker_limit(pool: ThreadPoolExecutor, workers: int) -> ExecutorOutcome:
    """Raise `pool`'s limit to `workers` and start threads for the calls already waiting.

    `pool` must have passed `thread_pool_of`.
    """
    current: int = pool._max_workers
    if current >= workers:
        return ExecutorOutcome(False, current, f"the host already allows {current} calls at once")
    pool._max_workers = workers
    # Threads start only on submit: each submission below starts one while no thread is idle,
    # and the waiting calls, queued ahead of these no-ops, are what the new threads pick up.
    waiting = min(pool._work_queue.qsize(), workers - current)
    try:
        for _ in range(waiting):
            pool.submit(_no_op)
    except RuntimeError:
        # The host is shutting down its executor; the raised limit no longer matters.
        pass
    return ExecutorOutcome(True, workers, f"raised from {current} to {workers} calls at once")


def _no_op() -> None:
    pass
