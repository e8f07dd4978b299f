"""Drive a dynamic provider through the real Python provider host, the way the engine does.

`ProviderHost` starts ``python -u -m pulumi.dynamic`` (the process the engine's
``pulumi-resource-pulumi-python`` script execs), reads the port it prints, and speaks the
``ResourceProvider`` gRPC protocol to it. Every request is built the way the engine builds it:

* ``__provider`` is produced by the SDK's own serializer, run exactly as
  ``pulumi.dynamic.Resource.__init__`` runs it;
* properties are serialized with the SDK's ``rpc.serialize_properties``, so numbers travel as
  protobuf doubles and come back as floats, and top-level ``None`` values vanish;
* secret markers are stripped from resource properties, because the host answers
  ``Configure`` with ``acceptSecrets: False``; only ``Configure.args`` carries secrets;
* unknown values (``pulumi.output.Unknown``) are allowed in ``check`` and ``diff`` only,
  as the unknown sentinel string, as in a preview.

What the engine does *after* a call is not mirrored: applying ``additional_secret_outputs``,
``annotateSecrets`` (re-marking outputs named like secret inputs), writing state, deciding
between update and replace. Assert on the returned values instead.
"""

from __future__ import annotations

import asyncio
import enum
import json
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Coroutine, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import IO, Any, NamedTuple, TypeVar

import grpc
from google.protobuf import struct_pb2
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import proto, rpc
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime._serialization import _serialize

from .._lifecycle import strip_secrets

__all__ = [
    "PROVIDER_KEY",
    "CheckOutcome",
    "CreateOutcome",
    "DiffChanges",
    "DiffOutcome",
    "HostStartError",
    "ProviderCallError",
    "ProviderHost",
    "ReadOutcome",
    "revealed",
    "serialized_provider",
    "strip_secrets",
]

PROVIDER_KEY = "__provider"
"""The reserved property that carries the pickled provider in every request and response."""

_RESOURCE_TYPE = "pulumi-python:dynamic:Resource"
_RESOURCE_NAME = "resource"
_PLUGIN_PACKAGE = "pulumi-python"

_T = TypeVar("_T")


class HostStartError(RuntimeError):
    """The provider host exited or stayed silent before printing its port."""


class ProviderCallError(Exception):
    """A gRPC call to the provider host failed.

    The host turns any exception raised by provider code into status ``UNKNOWN`` whose
    details are the full ``traceback.format_exc()`` text, so ``details`` contains the
    provider's exception type and message. That text is also what the CLI shows; nothing
    reaches the engine's state (see the notes on partial creates).
    """

    def __init__(
        self, method: str, details: str, code: grpc.StatusCode = grpc.StatusCode.UNKNOWN
    ) -> None:
        super().__init__(f"{method} failed with {code.name}: {details}")
        self.method = method
        self.code = code
        self.details = details


class DiffChanges(enum.Enum):
    """``DiffResponse.changes``: the host maps ``DiffResult.changes`` None/False/True here."""

    UNKNOWN = "unknown"
    NONE = "none"
    SOME = "some"


class CheckOutcome(NamedTuple):
    """Decoded ``CheckResponse``; ``failures`` are ``(property, reason)`` pairs."""

    inputs: dict[str, Any]
    failures: list[tuple[str, str]]


class DiffOutcome(NamedTuple):
    """Decoded ``DiffResponse``.

    The host never fills ``stables`` (it drops ``DiffResult.stables``), ``diffs`` or a
    detailed diff; ``stables`` is decoded anyway so a test can show that.
    """

    changes: DiffChanges
    replaces: list[str]
    stables: list[str]
    delete_before_replace: bool


class CreateOutcome(NamedTuple):
    """Decoded ``CreateResponse``."""

    id: str
    outs: dict[str, Any]


class ReadOutcome(NamedTuple):
    """Decoded ``ReadResponse``.

    ``id == ""`` means the provider returned ``ReadResult(None, ...)``: on a refresh the
    engine then drops the resource from state. ``inputs`` is ``None`` unless the provider
    returned ``ReadResult.inputs``.
    """

    id: str
    outs: dict[str, Any]
    inputs: dict[str, Any] | None


_DIFF_CHANGES = {
    proto.DiffResponse.DIFF_UNKNOWN: DiffChanges.UNKNOWN,
    proto.DiffResponse.DIFF_NONE: DiffChanges.NONE,
    proto.DiffResponse.DIFF_SOME: DiffChanges.SOME,
}

# `serialize_provider` swaps the global `pickle.Pickler` while it runs and patches
# `pickle._Pickler` for good, wrapping `_batch_setitems` once more on every call. Concurrent
# callers would race on the swap, and the growing wrapper chain makes pickling any provider
# with instance state raise RecursionError after about 1000 calls in one process (sooner
# with nested dicts: each level recurses through the whole chain). A
# `pulumi up` serializes once per resource, so the chain is real there; a test session
# serializes far more often, hence the lock and the restore.
_SERIALIZE_LOCK = threading.RLock()


@contextmanager
def _sdk_pickler_patches_reverted() -> Iterator[None]:
    patched: Any = pickle._Pickler
    saved = (patched._batch_setitems, patched.save_dict)
    try:
        yield
    finally:
        patched._batch_setitems, patched.save_dict = saved


def serialized_provider(provider: ResourceProvider) -> str:
    """Return the ``__provider`` string ``Resource.__init__`` would store for ``provider``.

    Runs the SDK's ``serialize_provider`` inside ``_serialize(True, ...)`` as the resource
    constructor does. The secret wrapper the constructor adds is left out: the engine strips
    it before any call reaches the host. Thread-safe.
    """
    with _SERIALIZE_LOCK, _sdk_pickler_patches_reverted():
        value, _contains_secrets = _serialize(True, serialize_provider, provider)
    return str(value)


def revealed(value: Any) -> Any:
    """The value inside an output the provider returned as a secret.

    Raises AssertionError when `value` is not wrapped as a secret: a test that reads a secret
    output this way also checks that it stays secret.
    """
    if not rpc.is_rpc_secret(value):
        raise AssertionError(f"expected a secret output, got a plain {type(value).__name__}")
    return strip_secrets(value)


def _run(coro: Coroutine[Any, Any, _T]) -> _T:
    # A private loop, as the host itself uses per call: `asyncio.run` would also clear this
    # thread's current event loop, which Pulumi's mocks may be relying on.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


def request_properties(
    provider: ResourceProvider,
    props: Mapping[str, Any] | None,
    method: str,
    *,
    unknowns: bool = False,
) -> struct_pb2.Struct:
    """`props` as the engine sends them to `method`: secrets stripped, ``__provider`` added,
    serialized by the SDK (numbers become doubles, top-level None values vanish)."""
    if props is None:
        return struct_pb2.Struct()
    if PROVIDER_KEY in props:
        raise ValueError(f"{PROVIDER_KEY!r} is added by the test kit; leave it out")
    values = strip_secrets(props)
    values[PROVIDER_KEY] = serialized_provider(provider)
    struct = _run(rpc.serialize_properties(values, {}))
    if not unknowns and rpc.struct_contains_unknowns(struct):
        raise ValueError(f"the engine never sends unknown values to {method}")
    return struct


def _decode(struct: struct_pb2.Struct) -> dict[str, Any]:
    values: dict[str, Any] = rpc.deserialize_properties(struct, keep_unknowns=True)
    values.pop(PROVIDER_KEY, None)
    return values


# What `python -m pulumi.dynamic` runs, with SIGINT handled as Python handles it by default.
_INTERRUPTIBLE_HOST = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('pulumi.dynamic', run_name='__main__', alter_sys=True)"
)


def _host_module_arguments() -> list[str]:
    """How to start the host: as the engine does, ``-m pulumi.dynamic``.

    The engine's plugins start with SIGINT at its default, which the host turns into its
    shutdown; a test runner started in the background has it ignored, and the host would inherit
    that. There the host module is run with SIGINT handled again (a `preexec_fn` could restore it
    too, but forking a process whose gRPC threads run can crash the child).
    """
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        return ["-c", _INTERRUPTIBLE_HOST]
    return ["-m", "pulumi.dynamic"]


class ProviderHost:
    """A running ``python -m pulumi.dynamic`` process and a typed client for it.

    Use it as a context manager::

        with ProviderHost(pythonpath=[here]) as host:
            host.configure({"servicestage:region": "cn-north-4"})
            created = host.create(MyProvider(), {"name": "a"})

    The module of every provider class must be importable in the host: installed in the
    interpreter's environment, or on ``pythonpath``/``cwd``. Values arrive and come back as
    the host sees them (floats for numbers, ``Unknown`` for unknowns, secrets that the
    provider itself wrapped with ``rpc.wrap_rpc_secret`` still wrapped). The host echoes
    ``__provider`` into every result; the decoded results leave it out.

    Calls may be made from many threads at once. The stock host serves at most four at a
    time (``ThreadPoolExecutor(max_workers=4)``); the rest queue, as under the engine. Once a
    provider of this package has been loaded in it, the host serves up to
    ``servicestage:hostWorkers`` calls at once (see `pulumi_servicestage._host`).

    :param env: the host's environment; ``os.environ`` when omitted. ``PULUMI_PROJECT`` is
        set to ``project``, as the engine does.
    :param cwd: the host's working directory (the engine uses the project directory).
    :param pythonpath: directories prepended to ``PYTHONPATH``.
    :param python: the interpreter; the engine uses the project's virtualenv.
    :param call_timeout: a deadline for each call, in seconds. The engine sets none; this
        keeps a stuck provider from hanging a test run. ``None`` disables it.
    :param shutdown_timeout: how long ``close()`` waits after SIGINT before killing the
        host; the engine waits 5 s.
    """

    def __init__(
        self,
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
        pythonpath: Iterable[str | Path] = (),
        python: str = sys.executable,
        project: str = "test",
        stack: str = "test",
        startup_timeout: float = 30.0,
        call_timeout: float | None = 120.0,
        shutdown_timeout: float = 5.0,
    ) -> None:
        self.project = project
        self.stack = stack
        self._python = python
        self._cwd = cwd
        self._env = dict(os.environ if env is None else env)
        self._env["PULUMI_PROJECT"] = project
        paths = [str(p) for p in pythonpath]
        if self._env.get("PYTHONPATH"):
            paths.append(self._env["PYTHONPATH"])
        if paths:
            self._env["PYTHONPATH"] = os.pathsep.join(paths)
        self._startup_timeout = startup_timeout
        self._call_timeout = call_timeout
        self._shutdown_timeout = shutdown_timeout

        self._proc: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: Any = None
        self._port: int | None = None
        self._output_lock = threading.Lock()
        self._stdout = bytearray()
        self._stderr = bytearray()
        self._port_line: queue.Queue[bytes] = queue.Queue(maxsize=1)
        self._pumps: list[threading.Thread] = []

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> ProviderHost:
        """Start the host and connect to it. Called by ``__enter__``."""
        if self._proc is not None:
            raise RuntimeError("the provider host was already started")
        self._proc = subprocess.Popen(
            [self._python, "-u", *_host_module_arguments()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self._env,
            cwd=self._cwd,
        )
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._pumps = [
            threading.Thread(target=self._pump_stdout, args=(self._proc.stdout,), daemon=True),
            threading.Thread(target=self._pump_stderr, args=(self._proc.stderr,), daemon=True),
        ]
        for pump in self._pumps:
            pump.start()
        try:
            self._port = self._read_port()
            self._channel = grpc.insecure_channel(
                f"127.0.0.1:{self._port}", options=_GRPC_CHANNEL_OPTIONS
            )
            grpc.channel_ready_future(self._channel).result(timeout=self._startup_timeout)
            self._stub = proto.ResourceProviderStub(self._channel)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Shut the host down as the engine does: SIGINT, then a kill after the timeout.

        SIGINT stops the gRPC server at once, but the process only exits when in-flight
        provider calls return, which is why the kill is needed. Idempotent.
        """
        if self._channel is not None:
            self._channel.close()
            self._channel = None
            self._stub = None
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=self._shutdown_timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for pump in self._pumps:
            pump.join(timeout=5)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> ProviderHost:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def send_signal(self, signum: int) -> None:
        """Send `signum` to the host, as the engine does on Ctrl-C (SIGINT) or a runner's
        cancellation (SIGTERM, SIGKILL)."""
        if self._proc is None:
            raise RuntimeError("the provider host is not running")
        self._proc.send_signal(signum)

    def wait(self, timeout: float) -> int:
        """Wait for the host to exit; its exit status (raises subprocess.TimeoutExpired)."""
        if self._proc is None:
            raise RuntimeError("the provider host is not running")
        return self._proc.wait(timeout=timeout)

    @property
    def port(self) -> int:
        """The port the host printed on its first stdout line."""
        if self._port is None:
            raise RuntimeError("the provider host is not running")
        return self._port

    @property
    def stub(self) -> Any:
        """The raw ``ResourceProviderStub``, for calls the typed helpers do not cover."""
        if self._stub is None:
            raise RuntimeError("the provider host is not running")
        return self._stub

    @property
    def pid(self) -> int:
        """The host's process id (for a benchmark reading its memory from ``/proc``)."""
        if self._proc is None:
            raise RuntimeError("the provider host is not running")
        return self._proc.pid

    @property
    def returncode(self) -> int | None:
        """The host's exit status, or ``None`` while it runs."""
        return None if self._proc is None else self._proc.poll()

    @property
    def stdout(self) -> str:
        """Everything the host printed after its port line (the engine forwards each line
        as an info diagnostic without a URN)."""
        with self._output_lock:
            return self._stdout.decode(errors="replace")

    @property
    def stderr(self) -> str:
        """Everything the host wrote to stderr: ``pulumi.log`` output, warnings, crashes."""
        with self._output_lock:
            return self._stderr.decode(errors="replace")

    def _pump_stdout(self, stream: IO[bytes]) -> None:
        first = stream.readline()
        self._port_line.put(first)
        for line in iter(stream.readline, b""):
            with self._output_lock:
                self._stdout += line

    def _pump_stderr(self, stream: IO[bytes]) -> None:
        for line in iter(stream.readline, b""):
            with self._output_lock:
                self._stderr += line

    def _read_port(self) -> int:
        try:
            line = self._port_line.get(timeout=self._startup_timeout)
        except queue.Empty:
            raise HostStartError(
                f"the provider host printed no port within {self._startup_timeout} s:\n"
                f"{self.stderr}"
            ) from None
        try:
            return int(line)
        except ValueError:
            assert self._proc is not None
            with suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=self._shutdown_timeout)
            for pump in self._pumps:
                pump.join(timeout=1)
            raise HostStartError(
                f"the provider host did not start (first stdout line {line!r}):\n{self.stderr}"
            ) from None

    # -- protocol --------------------------------------------------------------------------

    def configure(self, config: Mapping[str, Any], *, secret_keys: Iterable[str] = ()) -> None:
        """Send ``Configure`` with the stack config, as the engine does for ``pulumi-python``.

        ``config`` holds namespaced keys (``servicestage:region``) and plaintext values;
        the ones named in ``secret_keys`` travel as secrets in ``args``. The host unwraps
        top-level secrets and hands the dict to each provider's ``configure()`` when that
        provider is first unpickled, so call this before any other call. ``variables``
        carries the legacy form (``pulumi-python:config:<key>`` to a string, secrets in
        plaintext), which the host ignores.
        """
        secret = set(secret_keys)
        unknown = secret - set(config)
        if unknown:
            raise ValueError(f"secret_keys not in config: {sorted(unknown)}")
        args = {k: rpc.wrap_rpc_secret(v) if k in secret else v for k, v in config.items()}
        variables = {
            f"{_PLUGIN_PACKAGE}:config:{k}": v if isinstance(v, str) else json.dumps(v)
            for k, v in config.items()
        }
        request = proto.ConfigureRequest(
            args=_run(rpc.serialize_properties(args, {})),
            variables=variables,
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
            urn=self._urn(f"pulumi:providers:{_PLUGIN_PACKAGE}", "default"),
            name="default",
            type=f"pulumi:providers:{_PLUGIN_PACKAGE}",
        )
        self._call("Configure", request)

    def check(
        self,
        provider: ResourceProvider,
        olds: Mapping[str, Any] | None,
        news: Mapping[str, Any],
    ) -> CheckOutcome:
        """Send ``Check(olds, news)``.

        ``olds`` are the old *inputs*; pass ``None`` for a resource being created, for which
        the engine sends an empty struct (without ``__provider``).
        """
        response = self._call("Check", self.check_request(provider, olds, news))
        failures = [(f.property, f.reason) for f in response.failures]
        return CheckOutcome(_decode(response.inputs), failures)

    def diff(
        self,
        provider: ResourceProvider,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
    ) -> DiffOutcome:
        """Send ``Diff``: ``olds`` are the old *outputs* (state), ``news`` the new inputs."""
        response = self._call("Diff", self.diff_request(provider, id, olds, news))
        return DiffOutcome(
            changes=_DIFF_CHANGES[response.changes],
            replaces=list(response.replaces),
            stables=list(response.stables),
            delete_before_replace=response.deleteBeforeReplace,
        )

    def check_request(
        self,
        provider: ResourceProvider,
        olds: Mapping[str, Any] | None,
        news: Mapping[str, Any],
    ) -> Any:
        """The ``CheckRequest`` that `check` sends, to send later with `send` (a benchmark
        builds its requests first, as the engine's own marshalling is not the provider's cost)."""
        return proto.CheckRequest(
            urn=self._urn(),
            name=_RESOURCE_NAME,
            type=_RESOURCE_TYPE,
            olds=self._props(provider, olds, "Check", unknowns=True),
            news=self._props(provider, news, "Check", unknowns=True),
        )

    def diff_request(
        self,
        provider: ResourceProvider,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
    ) -> Any:
        """The ``DiffRequest`` that `diff` sends, to send later with `send`."""
        return proto.DiffRequest(
            id=id,
            urn=self._urn(),
            name=_RESOURCE_NAME,
            type=_RESOURCE_TYPE,
            olds=self._props(provider, olds, "Diff", unknowns=True),
            news=self._props(provider, news, "Diff", unknowns=True),
        )

    def create_request_from(self, checked: Any) -> Any:
        """The ``CreateRequest`` of the inputs a raw ``CheckResponse`` answered, passed on as
        they came, as the engine passes them."""
        return proto.CreateRequest(
            urn=self._urn(), name=_RESOURCE_NAME, type=_RESOURCE_TYPE, properties=checked.inputs
        )

    def send(self, method: str, request: Any) -> Any:
        """Send a request built beforehand (`check_request`, `diff_request`); the raw response."""
        return self._call(method, request)

    def create(self, provider: ResourceProvider, props: Mapping[str, Any]) -> CreateOutcome:
        """Send ``Create`` with the (checked) inputs."""
        request = proto.CreateRequest(
            urn=self._urn(),
            name=_RESOURCE_NAME,
            type=_RESOURCE_TYPE,
            properties=self._props(provider, props, "Create"),
        )
        response = self._call("Create", request)
        return CreateOutcome(response.id, _decode(response.properties))

    def read(
        self,
        provider: ResourceProvider,
        id: str,
        props: Mapping[str, Any] | None,
        inputs: Mapping[str, Any] | None = None,
    ) -> ReadOutcome:
        """Send ``Read``.

        A refresh sends the old outputs as ``props`` and the old inputs as ``inputs``. A
        ``get`` (``ResourceOptions(id=...)``) may arrive with ``props=None`` and only
        ``inputs``; the host then falls back to the inputs. An import sends neither, and the
        host fails before any provider code runs (``KeyError: '__provider'``).
        """
        request = proto.ReadRequest(
            id=id,
            urn=self._urn(),
            name=_RESOURCE_NAME,
            type=_RESOURCE_TYPE,
            properties=self._props(provider, props, "Read"),
            inputs=self._props(provider, inputs, "Read"),
        )
        response = self._call("Read", request)
        read_inputs = _decode(response.inputs) if response.HasField("inputs") else None
        return ReadOutcome(response.id, _decode(response.properties), read_inputs)

    def update(
        self,
        provider: ResourceProvider,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
    ) -> dict[str, Any]:
        """Send ``Update``: ``olds`` are the old outputs, ``news`` the new inputs. Returns
        the new outputs (empty if the provider's ``update`` returned no outs)."""
        request = proto.UpdateRequest(
            id=id,
            urn=self._urn(),
            name=_RESOURCE_NAME,
            type=_RESOURCE_TYPE,
            olds=self._props(provider, olds, "Update"),
            news=self._props(provider, news, "Update"),
        )
        return _decode(self._call("Update", request).properties)

    def delete(self, provider: ResourceProvider, id: str, props: Mapping[str, Any]) -> None:
        """Send ``Delete`` with the outputs in state."""
        request = proto.DeleteRequest(
            id=id,
            urn=self._urn(),
            name=_RESOURCE_NAME,
            type=_RESOURCE_TYPE,
            properties=self._props(provider, props, "Delete"),
        )
        self._call("Delete", request)

    # -- plumbing --------------------------------------------------------------------------

    def _urn(self, type_: str = _RESOURCE_TYPE, name: str = _RESOURCE_NAME) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::{type_}::{name}"

    def _props(
        self,
        provider: ResourceProvider,
        props: Mapping[str, Any] | None,
        method: str,
        *,
        unknowns: bool = False,
    ) -> struct_pb2.Struct:
        return request_properties(provider, props, method, unknowns=unknowns)

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request, timeout=self._call_timeout)
        except grpc.RpcError as exc:
            raise ProviderCallError(method, exc.details() or "", exc.code()) from exc
