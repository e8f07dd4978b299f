"""Run whole Pulumi programs in-process, with dynamic resources served by their real providers.

`ProviderMocks` plugs into ``pulumi.runtime.set_mocks``. For each dynamic resource it does
what the engine and the provider host would do for a ``pulumi up`` on an empty stack:
unpickle ``__provider`` with the SDK's deserializer, call ``configure()`` once per provider
string with the stack config, then ``check`` and ``create`` (or ``read`` for a ``get``).
Outputs flow back into the program, so dependent resources see real values.

What this does not do, because the engine does it after the provider returns: apply
``additional_secret_outputs``, ``annotateSecrets`` (re-marking outputs named like secret
inputs), diff/update/delete lifecycles, ``customTimeouts``, preview unknowns. Given a
`ProviderHost` (``host=``), it sends those calls to the real host over gRPC instead, pickling
and all; otherwise it calls the providers in this process.
"""

from __future__ import annotations

import asyncio
import base64
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import dill
from pulumi.dynamic import Config, ConfigureRequest, ResourceProvider
from pulumi.runtime import (
    MockCallArgs,
    MockResourceArgs,
    Mocks,
    rpc,
    run_in_stack,
    set_all_config,
    set_mocks,
    settings,
)
from pulumi.runtime._serialization import _deserialize
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.stack import wait_for_rpcs
from pulumi.runtime.sync_await import _ensure_event_loop

from .host import (
    PROVIDER_KEY,
    ProviderHost,
    _sdk_pickler_patches_reverted,
    strip_secrets,
)

__all__ = [
    "DYNAMIC_TYPE_PREFIX",
    "CheckFailedError",
    "ProviderMocks",
    "ProviderMocksError",
    "RecordedResource",
    "default_max_workers",
    "run_program",
    "widen_default_executor",
]

# The event loop Pulumi's runtime uses on the current thread, created if missing.
_pulumi_event_loop: Callable[[], asyncio.AbstractEventLoop] = _ensure_event_loop

DYNAMIC_TYPE_PREFIX = "pulumi-python:dynamic"
"""Type tokens of dynamic resources: ``pulumi-python:dynamic:Resource`` or
``pulumi-python:dynamic/<module>:<name>``."""


class ProviderMocksError(Exception):
    """The engine would have failed this resource."""


class CheckFailedError(ProviderMocksError):
    """``check`` returned failures; ``failures`` holds ``(property, reason)`` pairs."""

    def __init__(self, type_: str, name: str, failures: list[tuple[str, str]]) -> None:
        problems = "; ".join(f"{prop}: {reason}" for prop, reason in failures)
        super().__init__(f"{type_} resource {name!r} failed check: {problems}")
        self.failures = failures


@dataclass(frozen=True)
class RecordedResource:
    """One resource the program registered (or read, when ``resource_id`` is set).

    ``inputs`` are what the SDK sent the monitor, secret values still wrapped;
    ``outs`` are what went back to the program. Both leave out ``__provider``.
    """

    type: str
    name: str
    id: str | None
    inputs: dict[str, Any]
    outs: dict[str, Any]
    resource_id: str | None


def default_max_workers() -> int:
    """The executor size a ``pulumi up`` gives a Python program on this machine.

    The engine's default ``--parallel`` is four per CPU, and the SDK sizes the program's
    default executor at four times ``parallel``.
    """
    return 16 * (os.cpu_count() or 1)


def widen_default_executor(
    max_workers: int, loop: asyncio.AbstractEventLoop | None = None
) -> ThreadPoolExecutor:
    """Give ``loop`` a default executor with ``max_workers`` threads and return it.

    The mock monitor runs each registration (and so each provider call) on the loop's
    default executor, which asyncio caps at ``min(32, cpus + 4)``: six threads on a 2-CPU
    machine, where a real ``pulumi up`` allows 32. Use this with ``set_mocks`` and
    ``@pulumi.runtime.test``; ``ProviderMocks.run`` does it itself. Without ``loop``, the
    loop Pulumi uses on this thread is widened. The previous executor is not shut down.
    """
    executor = _MonitorExecutor(max_workers)
    (loop or _pulumi_event_loop()).set_default_executor(executor)
    return executor


class ProviderMocks(Mocks):
    """``pulumi.runtime.Mocks`` that serve dynamic resources with their own providers.

    Non-dynamic resources get ``(name + "_id", inputs)``; invokes return ``{}``.

    For a dynamic resource the engine strips secret markers (the host does not accept
    secrets) and the host passes ``__provider`` along in every property bag, so the provider
    sees plaintext values plus ``__provider``, as in the real host. A registration calls
    ``check({}, inputs)`` and then ``create(checked_inputs)``; a ``get``
    (``ResourceOptions(id=...)``) calls ``read(id, inputs)`` and fails if the provider says
    the resource is gone. ``import_`` fails, because it fails under the engine too: the
    engine's ``Read`` carries no ``__provider`` (pulumi/pulumi#16175).

    Calls arrive on executor threads, concurrently; every provider string is unpickled and
    configured once, like the host's cache.

    :param config: the stack config, namespaced keys to strings. The program sees it
        through ``pulumi.Config`` (under `run`) and providers through ``configure()``.
    :param secret_keys: keys of ``config`` that are secrets for the program.
    :param project: the project name, also used for un-namespaced ``Config.get`` keys.
    :param host: a started `ProviderHost`, configured with the same config, to serve the
        dynamic resources (Check, Create, Read over gRPC) instead of this process.
    """

    def __init__(
        self,
        config: Mapping[str, str] | None = None,
        *,
        secret_keys: Iterable[str] = (),
        project: str = "test",
        host: ProviderHost | None = None,
    ) -> None:
        self.config = dict(config or {})
        self.secret_keys = frozenset(secret_keys)
        self.project = project
        self.host = host
        self.resources: list[RecordedResource] = []
        self._providers: dict[str, ResourceProvider] = {}
        self._providers_lock = threading.Lock()
        self._record_lock = threading.Lock()

    def by_name(self, name: str) -> RecordedResource:
        """The recorded resource called ``name``."""
        with self._record_lock:
            for recorded in self.resources:
                if recorded.name == name:
                    return recorded
        raise KeyError(name)

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        # An empty failure list, not None: the mock monitor iterates it.
        return {}, []

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ.startswith(DYNAMIC_TYPE_PREFIX):
            id_, outs = self._dynamic_resource(args)
        else:
            id_, outs = args.name + "_id", dict(args.inputs)
        recorded = RecordedResource(
            type=args.typ,
            name=args.name,
            id=id_,
            inputs={k: v for k, v in args.inputs.items() if k != PROVIDER_KEY},
            outs={k: v for k, v in outs.items() if k != PROVIDER_KEY},
            resource_id=args.resource_id or None,
        )
        with self._record_lock:
            self.resources.append(recorded)
        return id_, outs

    def provider(self, serialized: str) -> ResourceProvider:
        """Unpickle and configure the provider behind a ``__provider`` string, once."""
        with self._providers_lock:
            provider = self._providers.get(serialized)
            if provider is None:
                # The host's own `get_provider` cannot be imported: `pulumi.dynamic.__main__`
                # starts a server on import. This is the same unpickling, minus its call to
                # `runtime.configure(Settings(...))`, which would replace the mock settings.
                provider = _deserialize(lambda: dill.loads(base64.b64decode(serialized)))
                provider.configure(ConfigureRequest(Config(dict(self.config), self.project)))
                self._providers[serialized] = provider
            return provider

    def run(
        self,
        program: Callable[[], None],
        *,
        stack: str = "test",
        max_workers: int | None = None,
    ) -> dict[str, Any]:
        """Run ``program`` as the language host runs a stack, and return its exports.

        ``program`` declares resources and calls ``pulumi.export``. It runs inside a fresh
        root stack (``pulumi.runtime.run_in_stack``) on a private event loop whose default
        executor has ``max_workers`` threads (`default_max_workers` when omitted), with this
        object's config as stack config. The run is isolated in its own context, so runs do
        not share settings, config or stack. Exports are what the stack registers as its
        outputs, fully resolved; secret exports stay wrapped
        (``pulumi.runtime.rpc.is_rpc_secret``). An exception from the program or from a
        provider propagates.
        """
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(_ignore_abandoned_futures)
        widen_default_executor(max_workers or default_max_workers(), loop)
        monitor = _ExportsMonitor(self)

        async def main() -> dict[str, Any]:
            # `set_mocks` makes (and finishes) a root stack; let it settle, then run the
            # program in a stack of its own so its exports are registered at the end.
            settings.ROOT.set(None)
            set_mocks(self, project=self.project, stack=stack, preview=False, monitor=monitor)
            # `set_mocks` keeps the ambient set of pending outputs, which outputs made
            # outside any run (on other loops) also join; waiting on those would hang.
            settings.SETTINGS.outputs = set()
            set_all_config(dict(self.config), sorted(self.secret_keys))
            await wait_for_rpcs()
            settings.ROOT.set(None)
            monitor.capture_exports = True
            await run_in_stack(program)
            return monitor.exports

        try:
            with _sdk_pickler_patches_reverted():
                return loop.run_until_complete(main())
        finally:
            _close(loop)

    def _dynamic_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if PROVIDER_KEY not in args.inputs:
            raise ProviderMocksError(f"{args.typ} resource {args.name!r} has no {PROVIDER_KEY}")
        # What reaches the host: secrets stripped, `__provider` a plain string among the props.
        props: dict[str, Any] = strip_secrets(args.inputs)
        provider = self.provider(props[PROVIDER_KEY])

        if args.resource_id:
            if args.custom is not None:
                # Only RegisterResource sets `custom`; with an id, that is `import_`.
                raise ProviderMocksError(
                    f"cannot import {args.typ} resource {args.name!r}: the engine's Read "
                    f"carries no {PROVIDER_KEY}, so the Python provider host fails "
                    "(pulumi/pulumi#16175)"
                )
            id_, outs = self._read(provider, args.resource_id, props)
        else:
            inputs, failures = self._check(provider, props)
            if failures:
                raise CheckFailedError(args.typ, args.name, failures)
            inputs[PROVIDER_KEY] = props[PROVIDER_KEY]
            id_, outs = self._create(provider, inputs)
        outs[PROVIDER_KEY] = args.inputs[PROVIDER_KEY]
        return id_, outs

    # Each call in this process, or through `host` as the engine makes it (the host adds
    # `__provider` to the properties itself, from the provider object).

    def _check(
        self, provider: ResourceProvider, props: dict[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if self.host is not None:
            checked = self.host.check(provider, None, _without_provider(props))
            return dict(checked.inputs), checked.failures
        result = provider.check({}, props)
        failures = [(f.property, f.reason) for f in result.failures or []]
        return dict(result.inputs or {}), failures

    def _create(
        self, provider: ResourceProvider, inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        if self.host is not None:
            created = self.host.create(provider, _without_provider(inputs))
            return created.id, dict(created.outs)
        result = provider.create(inputs)
        return result.id, dict(result.outs or {})

    def _read(
        self, provider: ResourceProvider, id_: str, props: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        found: str | None
        if self.host is not None:
            read = self.host.read(provider, id_, None, _without_provider(props))
            found, outs = read.id, read.outs
        else:
            result = provider.read(id_, props)
            found, outs = result.id, dict(result.outs or {})
        if not found:
            raise ProviderMocksError(f"resource {id_!r} does not exist")
        return found, dict(outs)


def _without_provider(props: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in props.items() if key != PROVIDER_KEY}


def run_program(
    program: Callable[[], None],
    *,
    config: Mapping[str, str] | None = None,
    secret_keys: Iterable[str] = (),
    project: str = "test",
    stack: str = "test",
) -> dict[str, Any]:
    """Run ``program`` with fresh `ProviderMocks` and return its resolved exports.

    Shorthand for ``ProviderMocks(config, ...).run(program, stack=stack)``; build the mocks
    yourself to inspect ``resources`` afterwards.
    """
    mocks = ProviderMocks(config, secret_keys=secret_keys, project=project)
    return mocks.run(program, stack=stack)


class _ExportsMonitor(MockMonitor):
    """The SDK's mock monitor, also keeping what the root stack registers as outputs."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.capture_exports = False
        self.exports: dict[str, Any] = {}

    def RegisterResourceOutputs(self, request: Any) -> Any:
        if self.capture_exports and request.urn.split("::")[2] == "pulumi:pulumi:Stack":
            _pulumi_event_loop()  # deserializing resource references needs one
            self.exports = rpc.deserialize_properties(request.outputs, keep_unknowns=True)
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


class _MonitorExecutor(ThreadPoolExecutor):
    """A thread pool whose workers each own an event loop, closed when the pool shuts down.

    The mock monitor needs a loop on every thread it runs on and would otherwise create
    one per worker and never close it.
    """

    def __init__(self, max_workers: int) -> None:
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._loops_lock = threading.Lock()
        super().__init__(
            max_workers=max_workers,
            thread_name_prefix="pulumi-mocks",
            initializer=self._start_worker,
        )

    def _start_worker(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        with self._loops_lock:
            self._loops.append(loop)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        if wait:
            with self._loops_lock:
                loops, self._loops = self._loops, []
            for loop in loops:
                loop.close()


def _ignore_abandoned_futures(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    # When a registration fails, the outputs waiting on it are left unobserved or pending.
    # The language host silences these reports too; the exception itself propagates.
    message = str(context.get("message", ""))
    if "exception was never retrieved" in message or "was destroyed but it is pending" in message:
        return
    loop.default_exception_handler(context)


def _close(loop: asyncio.AbstractEventLoop) -> None:
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()
