"""Drive a dynamic provider in the test's own process, on a virtual clock.

`ProviderInProcess` answers the calls of `ProviderHost` (configure, check, diff, create, read,
update, delete) with the same results, but runs the provider host's request handling in this
process: properties are serialized and deserialized by the SDK exactly as they cross the gRPC
boundary (numbers become floats, top-level None values vanish, secrets are stripped), the
provider is unpickled from its ``__provider`` string and configured once per string, and a
failing call raises `ProviderCallError` with the traceback the host would send. What it leaves
out is the process: no gRPC, no signals, no four-worker executor. Use `ProviderHost` for those.

`VirtualClock` is time that passes only when something waits: made the package's clock with
`pulumi_servicestage.client.clock.use`, and given to the emulator (``Emulator(clock=clock.wall)``),
a test of a ten-minute job, a retry schedule or a timeout runs in milliseconds, with the same
decisions as in real time.
"""

from __future__ import annotations

import base64
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import dill
from google.protobuf import struct_pb2
from pulumi.dynamic import Config, ConfigureRequest, ResourceProvider
from pulumi.runtime import rpc
from pulumi.runtime._serialization import _deserialize

from ..client.clock import Clock, raise_if_stopping
from .host import (
    PROVIDER_KEY,
    CheckOutcome,
    CreateOutcome,
    DiffChanges,
    DiffOutcome,
    ProviderCallError,
    ReadOutcome,
    _decode,
    _run,
    _sdk_pickler_patches_reverted,
    request_properties,
)

__all__ = ["ProviderInProcess", "VirtualClock"]

_T = TypeVar("_T")


class VirtualClock(Clock):
    """Monotonic time that advances by exactly what is slept, at once.

    Thread-safe. A sleep still raises `ShutdownError` once the process is stopping, as a real
    one does.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._elapsed = 0.0
        # Wall time starts at the real time, so that a request signed on it is as current as
        # the emulator's check of it. It is advanced by the same additions as `_elapsed`: a
        # deadline reckoned on one of them then falls on the same step as on the other.
        self._wall = time.time()

    def now(self) -> float:
        with self._lock:
            return self._elapsed

    def sleep(self, seconds: float) -> None:
        raise_if_stopping()
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass (what a test does where real time would pass on its own)."""
        with self._lock:
            self._elapsed += max(0.0, seconds)
            self._wall += max(0.0, seconds)

    def wall(self) -> float:
        """Epoch seconds on this clock (also for the emulator's `clock`)."""
        with self._lock:
            return self._wall


class ProviderInProcess:
    """A provider host run in this process; see the module docstring."""

    def __init__(self, *, project: str = "test") -> None:
        self.project = project
        self._config: dict[str, Any] = {}
        self._providers: dict[str, ResourceProvider] = {}
        self._lock = threading.Lock()

    def configure(self, config: Mapping[str, Any], *, secret_keys: object = ()) -> None:
        """Take the stack config; providers read it when they are first unpickled.

        `secret_keys` is accepted for the same signature as `ProviderHost.configure`: the host
        unwraps secrets before the providers see them, so they make no difference here.
        """
        with self._lock:
            self._config = dict(config)
            self._providers.clear()

    def check(
        self,
        provider: ResourceProvider,
        olds: Mapping[str, Any] | None,
        news: Mapping[str, Any],
    ) -> CheckOutcome:
        old_props = self._received(provider, olds, "Check", unknowns=True)
        new_props = self._received(provider, news, "Check", unknowns=True)

        def call() -> CheckOutcome:
            result = self._provider(new_props).check(old_props, new_props)
            inputs = self._answered(result.inputs, new_props)
            return CheckOutcome(inputs, [(f.property, f.reason) for f in result.failures])

        return self._handled("Check", call)

    def diff(
        self,
        provider: ResourceProvider,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
    ) -> DiffOutcome:
        old_props = self._received(provider, olds, "Diff", unknowns=True)
        new_props = self._received(provider, news, "Diff", unknowns=True)

        def call() -> DiffOutcome:
            result = self._provider(new_props).diff(id, old_props, new_props)
            changes = {None: DiffChanges.UNKNOWN, False: DiffChanges.NONE}.get(
                result.changes, DiffChanges.SOME
            )
            replaces = list(result.replaces or [])
            return DiffOutcome(changes, replaces, [], bool(result.delete_before_replace))

        return self._handled("Diff", call)

    def create(self, provider: ResourceProvider, props: Mapping[str, Any]) -> CreateOutcome:
        received = self._received(provider, props, "Create")

        def call() -> CreateOutcome:
            result = self._provider(received).create(received)
            return CreateOutcome(str(result.id), self._answered(result.outs or {}, received))

        return self._handled("Create", call)

    def read(
        self,
        provider: ResourceProvider,
        id: str,
        props: Mapping[str, Any] | None,
        inputs: Mapping[str, Any] | None = None,
    ) -> ReadOutcome:
        # A `get` sends no outputs: the host falls back to the inputs.
        received = self._received(provider, props, "Read") or self._received(
            provider, inputs, "Read"
        )

        def call() -> ReadOutcome:
            result = self._provider(received).read(id, received)
            read_inputs = None if result.inputs is None else self._answered(result.inputs, received)
            if result.outs is None:
                # The host assigns into the outputs and crashes on None; so does this.
                raise TypeError("'NoneType' object does not support item assignment")
            outs = self._answered(result.outs, received)
            return ReadOutcome(result.id or "", outs, read_inputs)

        return self._handled("Read", call)

    def update(
        self,
        provider: ResourceProvider,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
    ) -> dict[str, Any]:
        old_props = self._received(provider, olds, "Update")
        new_props = self._received(provider, news, "Update")

        def call() -> dict[str, Any]:
            result = self._provider(new_props).update(id, old_props, new_props)
            return self._answered(result.outs or {}, new_props)

        answer: dict[str, Any] = self._handled("Update", call)
        return answer

    def delete(self, provider: ResourceProvider, id: str, props: Mapping[str, Any]) -> None:
        received = self._received(provider, props, "Delete")
        self._handled("Delete", lambda: self._provider(received).delete(id, received))

    # -- plumbing ----------------------------------------------------------------------------

    def _received(
        self,
        provider: ResourceProvider,
        props: Mapping[str, Any] | None,
        method: str,
        *,
        unknowns: bool = False,
    ) -> dict[str, Any]:
        struct = request_properties(provider, props, method, unknowns=unknowns)
        received: dict[str, Any] = rpc.deserialize_properties(struct, keep_unknowns=unknowns)
        return received

    def _answered(self, values: Mapping[str, Any], received: Mapping[str, Any]) -> dict[str, Any]:
        """The provider's answer as the engine would read it off the wire."""
        answer = {**values, PROVIDER_KEY: received.get(PROVIDER_KEY)}
        struct: struct_pb2.Struct = _run(rpc.serialize_properties(answer, {}))
        return _decode(struct)

    def _provider(self, props: Mapping[str, Any]) -> ResourceProvider:
        serialized = str(props[PROVIDER_KEY])
        with self._lock:
            provider = self._providers.get(serialized)
            if provider is None:
                with _sdk_pickler_patches_reverted():
                    provider = _deserialize(lambda: dill.loads(base64.b64decode(serialized)))
                provider.configure(ConfigureRequest(Config(dict(self._config), self.project)))
                self._providers[serialized] = provider
            return provider

    @staticmethod
    def _handled(method: str, call: Callable[[], _T]) -> _T:
        """`call()`, failing as the host fails a call: with the traceback as the details."""
        try:
            return call()
        except Exception as error:
            raise ProviderCallError(method, traceback.format_exc()) from error
