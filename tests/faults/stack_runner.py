"""A minimal stand-in for `pulumi up` and `pulumi destroy`, stepping resources through a host.

It is a test harness, not a deployment engine. Per resource it sends what the engine sends:
Check, then Create for a resource not in the state, or Diff and (on a change) Update for one that
is; Delete for destroy. Resources run concurrently on a thread pool, each once the resources it
depends on have finished (for destroy: once the resources that depend on it are gone). The state
holds per resource its id, checked inputs and outputs, as the engine records them: a create that
fails records nothing, an update that fails keeps the old state, a delete that fails keeps it.
Every failed call is recorded; the resources whose call failed, or whose dependencies did not
finish, are left unfinished for a next run (`converge`), as the next `pulumi up` would take them.
Replacements are out of scope: a Diff that asks for one is recorded as a failure.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pulumi.dynamic import ResourceProvider

from pulumi_servicestage._lifecycle import OWNER_KEY, owner_marker
from pulumi_servicestage.testing import (
    DiffChanges,
    ProviderCallError,
    ProviderHost,
    ProviderInProcess,
)

SECRET_KEYS = ["servicestage:accessKey", "servicestage:secretKey"]


@contextmanager
def driven_host(
    live: Any, endpoint: str, settings: Mapping[str, str] | None = None
) -> Iterator[ProviderHost | ProviderInProcess]:
    """What drives the providers against `live` through `endpoint` (a fault proxy, say), with
    `settings` added to the stack config: the real provider host on real time, or the host's
    handling in this process when `live` runs on a virtual clock."""
    config = {**live.stack_config(), "servicestage:endpoint": endpoint, **(settings or {})}
    if live.clock is not None:
        in_process = ProviderInProcess()
        in_process.configure(config, secret_keys=SECRET_KEYS)
        yield in_process
        return
    with ProviderHost(call_timeout=60) as host:
        host.configure(config, secret_keys=SECRET_KEYS)
        yield host


@dataclass(frozen=True)
class Declared:
    """A resource of the program. `inputs` builds its inputs from the ids of `depends_on`."""

    type: str
    name: str
    provider: ResourceProvider
    inputs: Callable[[Mapping[str, str]], dict[str, Any]]
    depends_on: tuple[str, ...] = ()


@dataclass
class Recorded:
    """What the state holds of a resource."""

    type: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclass(frozen=True)
class Failure:
    resource: str
    method: str
    details: str

    def __str__(self) -> str:
        # The host's details are a traceback; its last line is the provider's error.
        lines = [line for line in self.details.strip().splitlines() if line.strip()]
        return f"{self.resource}: {self.method} failed: {lines[-1] if lines else '?'}"


@dataclass
class RunReport:
    """One run of a phase over some resources."""

    attempted: set[str]
    finished: set[str] = field(default_factory=set)
    calls: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def unfinished(self) -> set[str]:
        return self.attempted - self.finished


class _CallFailed(Exception):
    pass


class StackRunner:
    def __init__(
        self,
        host: ProviderHost | ProviderInProcess,
        *,
        workers: int = 10,
        project: str = "test",
        stack: str = "test",
    ) -> None:
        self.host = host
        self.workers = workers
        self.project = project
        self.stack = stack
        self.declared: dict[str, Declared] = {}
        self.state: dict[str, Recorded] = {}
        self._lock = threading.Lock()

    # -- phases ------------------------------------------------------------------------------

    def up(self, resources: Iterable[Declared], only: Iterable[str] | None = None) -> RunReport:
        """Bring the declared resources (or `only` those named) to their inputs."""
        self.declared = {resource.name: resource for resource in resources}
        names = set(self.declared if only is None else only)
        return self._run(names, self._up_one, lambda name: self.declared[name].depends_on)

    def destroy(self, only: Iterable[str] | None = None) -> RunReport:
        """Delete the resources in the state (or `only` those named), dependents first."""
        names = set(self.state if only is None else only)
        present = list(self.state)  # the deletes change the state while the run goes on

        def dependents(name: str) -> tuple[str, ...]:
            return tuple(other for other in present if name in self.declared[other].depends_on)

        return self._run(names, self._delete_one, dependents)

    # -- steps -------------------------------------------------------------------------------

    def _up_one(self, name: str, report: RunReport) -> None:
        resource = self.declared[name]
        missing = [dep for dep in resource.depends_on if dep not in self.state]
        if missing:
            raise self._failed(report, name, "Check", f"dependencies not created: {missing}")
        ids = {dep: self.state[dep].id for dep in resource.depends_on}
        marker = owner_marker(self.project, self.stack, resource.type, name)
        news = {**resource.inputs(ids), OWNER_KEY: marker}
        provider = resource.provider
        current = self.state.get(name)
        olds = current.inputs if current else None
        checked = self._call(report, name, "Check", self.host.check, provider, olds, news)
        if checked.failures:
            raise self._failed(report, name, "Check", str(checked.failures))
        if current is None:
            created = self._call(report, name, "Create", self.host.create, provider, checked.inputs)
            self._record(name, Recorded(resource.type, created.id, checked.inputs, created.outs))
            return
        diff = self._call(
            report,
            name,
            "Diff",
            self.host.diff,
            provider,
            current.id,
            current.outputs,
            checked.inputs,
        )
        if diff.changes is DiffChanges.NONE:
            return
        if diff.replaces:
            raise self._failed(report, name, "Diff", f"replacement asked: {diff.replaces}")
        outputs = self._call(
            report,
            name,
            "Update",
            self.host.update,
            provider,
            current.id,
            current.outputs,
            checked.inputs,
        )
        self._record(name, Recorded(resource.type, current.id, checked.inputs, outputs))

    def _delete_one(self, name: str, report: RunReport) -> None:
        current = self.state[name]
        provider = self.declared[name].provider
        self._call(report, name, "Delete", self.host.delete, provider, current.id, current.outputs)
        with self._lock:
            del self.state[name]

    # -- plumbing ----------------------------------------------------------------------------

    def _run(
        self,
        names: set[str],
        step: Callable[[str, RunReport], None],
        blockers: Callable[[str], Iterable[str]],
    ) -> RunReport:
        """Run `step` for every name once the `blockers` among `names` have finished; a name
        whose blocker did not finish is not run (it stays unfinished)."""
        report = RunReport(attempted=set(names))
        pending = set(names)
        done: set[str] = set()
        given_up: set[str] = set()
        running: dict[Any, str] = {}
        with ThreadPoolExecutor(self.workers) as pool:
            while pending or running:
                for name in sorted(pending):
                    waiting_on = set(blockers(name)) & names
                    if waiting_on & given_up:
                        pending.discard(name)
                        given_up.add(name)
                    elif waiting_on <= done:
                        pending.discard(name)
                        running[pool.submit(step, name, report)] = name
                if not running:
                    break
                finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for future in finished:
                    name = running.pop(future)
                    if future.exception() is None:
                        done.add(name)
                    elif isinstance(future.exception(), _CallFailed):
                        given_up.add(name)
                    else:
                        raise future.exception()  # a bug of this harness
        report.finished = done
        return report

    def _call(self, report: RunReport, name: str, method: str, send: Callable[..., Any], *args):
        with self._lock:
            report.calls += 1
        try:
            return send(*args)
        except ProviderCallError as error:
            raise self._failed(report, name, method, error.details) from error

    def _failed(self, report: RunReport, name: str, method: str, details: str) -> _CallFailed:
        with self._lock:
            report.failures.append(Failure(name, method, details))
        return _CallFailed(f"{name}: {method}")

    def _record(self, name: str, recorded: Recorded) -> None:
        with self._lock:
            self.state[name] = recorded


def converge(phase: Callable[[set[str] | None], RunReport], max_reruns: int) -> list[RunReport]:
    """Run `phase` over everything, then again over what the last run left unfinished, at
    most `max_reruns` times; the reports of every run, first one first."""
    reports = [phase(None)]
    while reports[-1].unfinished and len(reports) <= max_reruns:
        reports.append(phase(reports[-1].unfinished))
    return reports
