"""A fault-injecting HTTP proxy, to prove that clients survive a flaky ServiceStage.

Real deployments meet overloaded gateways, failing backends and dropped connections; the
emulator alone never shows them. `FaultProxy` sits between a client and an upstream (the
emulator, in practice), forwards each request, and at random answers it with a fault instead,
so that retry and recovery code runs in tests the way it would in production::

    emulator = Emulator(job_seconds=0.2)
    with emulator.serve() as emulator_url:
        proxy = FaultProxy(emulator_url, mix=FaultMix(), seed=7)
        with proxy.serve() as proxy_url:
            ...  # point the client or the providers at proxy_url
        proxy.counts()  # {"server_error": 3, "throttle": 1, ...}

Faults differ in whether the service acted, because that is what decides if retrying is safe.
``server_error``, ``throttle`` and ``drop_before`` never reach the upstream: a retry of any
request is harmless. ``drop_after`` and ``bad_gateway_after`` forward the request first and then
lose the answer (no answer at all, or API Gateway's 502), so a retried write may meet its own
earlier effect, such as a 409 for a name it just created. Error bodies carry the field names of
the real services (ServiceStage's ``error_code``/``error_msg``, API Gateway's with
``request_id``), because clients parse them to decide what to do.

Requests are forwarded as they came, ``Host`` included, since AK/SK signatures cover ``Host``
and the emulator checks them; only hop-by-hop headers are dropped. The upstream therefore must
not route on ``Host``, which rules out real Huawei Cloud endpoints, and must speak plain HTTP.
Requests under ``/_emulator/`` are always forwarded untouched, so that a test can reset and
inspect the emulator through the proxy whatever the mix.

Each request draws its fault from one ``random.Random(seed)``, in the order requests arrive, so
a client with a single thread meets the same faults at the same requests on every run. With
several threads the arrival order, and so the sequence, varies.

The proxy listens on 127.0.0.1 only and serves each connection from a daemon thread, keeping
connections alive as HTTP/1.1 clients expect. Leaving `FaultProxy.serve` closes the listener and
every open connection, and waits for their threads.
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import socketserver
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, NamedTuple, get_args
from urllib.parse import urlsplit

__all__ = ["FAULTS", "FaultMix", "FaultName", "FaultProxy", "ProxyEvent"]

FaultName = Literal["server_error", "throttle", "drop_before", "drop_after", "bad_gateway_after"]
#: Every fault, in the order `FaultMix.pick` lays out their probabilities.
FAULTS: tuple[FaultName, ...] = get_args(FaultName)

_CONTROL_PATH_PREFIX = "/_emulator/"

_SERVER_ERROR_STATUSES = (500, 502, 503, 504)
# RFC 9110 §7.6.1, besides the Proxy-* names (Proxy-Connection is not standard but common).
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"}
)
_JSON_CONTENT_TYPE = "application/json;charset=utf8"
# Bounds how long a connection thread can outlive `serve`: it waits on the upstream no longer.
_UPSTREAM_TIMEOUT_SECONDS = 30.0
_SHUTDOWN_POLL_SECONDS = 0.05
_MAX_LINE_BYTES = 65536


@dataclass(frozen=True)
class FaultMix:
    """The probability of each fault per request; what is left over is forwarded cleanly.

    The probabilities must add up to at most 1. `retry_after_seconds` is the ``Retry-After``
    that ``throttle`` answers carry.
    """

    server_error: float = 0.10
    throttle: float = 0.05
    drop_before: float = 0.02
    drop_after: float = 0.02
    bad_gateway_after: float = 0.02
    retry_after_seconds: float = 1.0

    def __post_init__(self) -> None:
        probabilities = [getattr(self, fault) for fault in FAULTS]
        if any(not 0.0 <= probability <= 1.0 for probability in probabilities):
            raise ValueError(f"fault probabilities must be within [0, 1]: {self}")
        # A little slack, so that mixes such as 0.7 + 0.2 + 0.1 are not refused for rounding.
        if sum(probabilities) > 1.0 + 1e-9:
            raise ValueError(f"fault probabilities add up to more than 1: {self}")
        if self.retry_after_seconds < 0:
            raise ValueError(f"retry_after_seconds must not be negative: {self}")

    @classmethod
    def none(cls) -> FaultMix:
        """No faults: the proxy forwards every request as it is."""
        return cls(**{fault: 0.0 for fault in FAULTS})

    @classmethod
    def only(cls, fault: FaultName, probability: float = 1.0) -> FaultMix:
        """`fault` with `probability`, and no other fault."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; expected one of {', '.join(FAULTS)}")
        return cls(**{name: probability if name == fault else 0.0 for name in FAULTS})

    def pick(self, draw: float) -> FaultName | None:
        """The fault that a uniform `draw` in [0, 1) selects, or None for a clean forward.

        One draw against consecutive intervals gives each fault exactly its probability, which
        independent draws per fault would not.
        """
        threshold = 0.0
        for fault in FAULTS:
            threshold += getattr(self, fault)
            if draw < threshold:
                return fault
        return None


class ProxyEvent(NamedTuple):
    """One request the proxy handled: the fault injected, if any, and the status it answered.

    `status` is None when the client got no answer (a drop).
    """

    method: str
    path: str
    fault: FaultName | None
    status: int | None


class _Answer(NamedTuple):
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes


class _Draw(NamedTuple):
    fault: FaultName | None
    #: The answer that replaces forwarding, for the faults that never reach the upstream.
    canned: _Answer | None = None


_NO_FAULT = _Draw(None)


class FaultProxy:
    """Forwards HTTP/1.1 requests to `upstream`, injecting the faults of `mix` at random.

    Thread-safe: `mix` may be changed while requests are in flight (e.g. set to
    `FaultMix.none()` to set up a test cleanly, then back), and takes effect from the next
    request. An upstream that cannot be reached is answered with API Gateway's 502, as the
    real gateway answers for a backend that is down.

    Args:
        upstream: base URL of the server to forward to, ``http://host:port``.
        mix: the probability of each fault per request.
        seed: seeds the one random generator that picks every fault.
        targets: given a request's method and path (without query), whether it may meet a
            fault; by default every request but the emulator's control routes may. Requests
            it excludes draw nothing, so they leave the sequence of faults as it is.
    """

    def __init__(
        self,
        upstream: str,
        *,
        mix: FaultMix | None = None,
        seed: int = 0,
        targets: Callable[[str, str], bool] | None = None,
    ) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/"):
            raise ValueError(f"upstream must be a base URL such as http://host:port: {upstream}")
        self.upstream = upstream
        self._upstream_address = (parts.hostname, parts.port or 80)
        self._lock = threading.Lock()
        self._mix = FaultMix() if mix is None else mix
        self._random = random.Random(seed)
        self._targets = targets or _every_request
        self._events: list[ProxyEvent] = []

    @property
    def mix(self) -> FaultMix:
        """The probabilities that the next requests draw their faults from."""
        with self._lock:
            return self._mix

    @mix.setter
    def mix(self, mix: FaultMix) -> None:
        with self._lock:
            self._mix = mix

    @property
    def events(self) -> list[ProxyEvent]:
        """Every request handled since the start or the last `clear`, in the order answered."""
        with self._lock:
            return list(self._events)

    def counts(self) -> dict[FaultName, int]:
        """How many times each fault was injected; every fault is present, zeros included."""
        with self._lock:
            counts = dict.fromkeys(FAULTS, 0)
            for event in self._events:
                if event.fault is not None:
                    counts[event.fault] += 1
            return counts

    def clear(self) -> None:
        """Forget the events; the random sequence goes on where it was."""
        with self._lock:
            self._events.clear()

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Listen on a free port of 127.0.0.1 from a daemon thread; yield the proxy's base URL."""
        server = _ProxyServer(self)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _SHUTDOWN_POLL_SECONDS},
            name="fault-proxy",
            daemon=True,
        )
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
            server.close_connections()

    def _draw(self) -> _Draw:
        with self._lock:
            mix = self._mix
            fault = mix.pick(self._random.random())
            if fault == "server_error":
                return _Draw(fault, _server_error(self._random.choice(_SERVER_ERROR_STATUSES)))
        if fault == "throttle":
            return _Draw(fault, _throttled(mix.retry_after_seconds))
        return _Draw(fault)

    def _record(self, event: ProxyEvent) -> None:
        with self._lock:
            self._events.append(event)

    def _forward(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> _Answer:
        """Send the request upstream and read its answer whole; a gateway 502 if that fails."""
        # A connection per request: reusing one would mean resending a write when the upstream
        # closed it in between, and the upstream cannot tell a resend from a second request.
        connection = http.client.HTTPConnection(
            *self._upstream_address, timeout=_UPSTREAM_TIMEOUT_SECONDS
        )
        try:
            connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                connection.putheader(name, value)
            connection.endheaders(body or None)
            response = connection.getresponse()
            content = response.read()
            # A body framed otherwise (chunked, or up to the close) is re-framed by its length;
            # HEAD, 204 and 304 answers keep the upstream's Content-Length, which describes the
            # body they do not carry.
            reframe = method != "HEAD" and response.status not in (204, 304)
            answer_headers = [
                (name, value)
                for name, value in _end_to_end(response.getheaders())
                if not (reframe and name.lower() == "content-length")
            ]
            if reframe:
                answer_headers.append(("Content-Length", str(len(content))))
            return _Answer(response.status, response.reason, answer_headers, content)
        except (OSError, http.client.HTTPException):
            return _gateway_error(502)
        finally:
            connection.close()


class _ProxyServer(ThreadingHTTPServer):
    """The listener, which also keeps track of open connections so that it can close them."""

    daemon_threads = True

    def __init__(self, proxy: FaultProxy) -> None:
        self.proxy = proxy
        self._connections_lock = threading.Lock()
        self._connections: dict[socket.socket, threading.Thread] = {}
        super().__init__(("127.0.0.1", 0), _ProxyHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which may wait on DNS for seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name = "127.0.0.1"
        self.server_port = self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="fault-proxy-connection",
            daemon=True,
        )
        with self._connections_lock:
            self._connections[request] = thread
        thread.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                del self._connections[request]

    def close_connections(self) -> None:
        """End every open connection and wait for its thread; call once nothing is accepted."""
        with self._connections_lock:
            connections = dict(self._connections)
        for connection in connections:
            # Wakes a thread waiting for the next keep-alive request: it reads end of stream.
            _shut_down(connection)
        for thread in connections.values():
            thread.join(_UPSTREAM_TIMEOUT_SECONDS)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that goes away mid-answer is normal under test; anything else is a bug.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes; with Nagle's algorithm the body would wait for
    # the client's delayed ACK, some 40 ms per answer.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `FaultProxy.events` instead of an access log."""

    @property
    def _proxy(self) -> FaultProxy:
        assert isinstance(self.server, _ProxyServer)
        return self.server.proxy

    def _relay(self) -> None:
        path = self.path.partition("?")[0]
        try:
            body = self._read_body()
        except ValueError:
            self._proxy._record(ProxyEvent(self.command, path, None, 400))
            self.send_error(400, "malformed request body framing")
            return
        targeted = not path.startswith(_CONTROL_PATH_PREFIX) and self._proxy._targets(
            self.command, path
        )
        fault, answer = self._proxy._draw() if targeted else _NO_FAULT
        if fault == "drop_before":
            self._drop(path, fault)
            return
        if answer is None:
            answer = self._proxy._forward(
                self.command, self.path, self._request_headers(len(body)), body
            )
            if fault == "drop_after":
                self._drop(path, fault)
                return
            if fault == "bad_gateway_after":
                answer = _gateway_error(502)
        # Recorded before answering, so that a client that has its answer finds the event.
        self._proxy._record(ProxyEvent(self.command, path, fault, answer.status))
        self._send(answer)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _relay

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked_body()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError(f"negative Content-Length {length}")
        return self.rfile.read(length)

    def _read_chunked_body(self) -> bytes:
        chunks = []
        while size := int(self.rfile.readline(_MAX_LINE_BYTES).split(b";")[0], 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline(_MAX_LINE_BYTES)
        # Trailer fields end with an empty line; they are hop-by-hop and go no further.
        while self.rfile.readline(_MAX_LINE_BYTES).strip():
            pass
        return b"".join(chunks)

    def _request_headers(self, body_length: int) -> list[tuple[str, str]]:
        headers = [
            (name, value)
            for name, value in _end_to_end(self.headers.items())
            if name.lower() != "content-length"
        ]
        # The body was read whole, and chunked framing undone, so its length is now known.
        if "Content-Length" in self.headers or "Transfer-Encoding" in self.headers:
            headers.append(("Content-Length", str(body_length)))
        return headers

    def _send(self, answer: _Answer) -> None:
        # send_response_only, not send_response: the upstream's Date and Server are forwarded.
        self.send_response_only(answer.status, answer.reason)
        for name, value in answer.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def _drop(self, path: str, fault: FaultName) -> None:
        self._proxy._record(ProxyEvent(self.command, path, fault, None))
        self.close_connection = True
        _shut_down(self.connection)


def _every_request(method: str, path: str) -> bool:
    return True


def _end_to_end(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """`headers` (name, value) pairs without the hop-by-hop ones, which concern one connection."""
    pairs: list[tuple[str, str]] = list(headers)
    named_by_connection = {
        token.strip().lower()
        for name, value in pairs
        if name.lower() == "connection"
        for token in value.split(",")
    }
    return [
        (name, value)
        for name, value in pairs
        if name.lower() not in _HOP_BY_HOP
        and name.lower() not in named_by_connection
        and not name.lower().startswith("proxy-")
    ]


def _shut_down(connection: socket.socket) -> None:
    # Shutting down, unlike closing, also ends the connection for a thread still reading it.
    # It fails once the connection is already closed, which is as good.
    with suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)


def _json_answer(status: int, body: dict[str, str], request_id: str) -> _Answer:
    content = json.dumps(body).encode("utf-8")
    headers = [
        ("Content-Type", _JSON_CONTENT_TYPE),
        ("Content-Length", str(len(content))),
        ("X-Request-Id", request_id),
    ]
    return _Answer(status, http.client.responses[status], headers, content)


def _server_error(status: int) -> _Answer:
    """What ServiceStage answers when it fails, or API Gateway when the backend does."""
    if status in (502, 504):
        return _gateway_error(status)
    message = "service internal error" if status == 500 else "service temporarily unavailable"
    body = {"error_code": "SVCSTG.00100500", "error_msg": message}
    return _json_answer(status, body, uuid.uuid4().hex)


def _gateway_error(status: int) -> _Answer:
    request_id = uuid.uuid4().hex
    message = "Backend unavailable" if status == 502 else "Backend timeout"
    body = {"error_code": "APIGW.0201", "error_msg": message, "request_id": request_id}
    return _json_answer(status, body, request_id)


def _throttled(retry_after_seconds: float) -> _Answer:
    request_id = uuid.uuid4().hex
    body = {
        "error_code": "APIGW.0308",
        "error_msg": "The throttling threshold has been reached: "
        "policy user over ratelimit,limit:100,time:1 minute",
        "request_id": request_id,
    }
    answer = _json_answer(429, body, request_id)
    answer.headers.append(("Retry-After", f"{retry_after_seconds:g}"))
    return answer
