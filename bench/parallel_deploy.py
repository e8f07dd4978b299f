"""Part 1: N components deployed at once through the real provider host, each job taking T s.

Each component is checked and then created, as the engine does for a new resource, from its own
thread, against a fresh host (so the first calls also pay for loading the package). Wall time is
from the first Check sent to the last Create answered. Beside each figure, the same run through a
host left at its stock four workers (``servicestage:hostWorkers`` 0).
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _kit import (
    Row,
    RunSettings,
    ServedEmulator,
    check_request,
    component_inputs,
    deploy_component,
    provider_host,
)

# Wall time / T allowed, by number of components (the targets, for T = 5 s).
TARGETS = {32: 1.5, 64: 2.0}


@dataclass(frozen=True)
class DeployRun:
    components: int
    seconds: float
    failures: list[str]
    requests: int
    server_errors: int
    peak_requests_per_second: int
    #: The most requests one API operation received within a second, as the emulator counted.
    peak_per_api: dict[str, int]
    #: The emulator's answers by status.
    statuses: dict[int, int]
    #: The provider host's peak resident memory (VmHWM), in MB.
    host_peak_rss_mb: float


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident set size so far, from ``/proc/<pid>/status`` (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM in /proc/{pid}/status")


def deploy_at_once(
    served: ServedEmulator,
    count: int,
    *,
    job_seconds: float,
    stock: bool = False,
    throttle: float | None = None,
    **config: str,
) -> DeployRun:
    """Deploy `count` components at once; `config` adds ``servicestage:`` keys to the host's,
    `throttle` makes the emulator refuse beyond that many requests per second per API."""
    label = f"{'stock' if stock else 'wide'}-{count}"
    served.emulator.reset()  # its request figures then count this run alone
    served.emulator.throttle(throttle)
    environment_id, application_id = served.new_application(label)
    inputs = [component_inputs(environment_id, application_id, f"c{i}") for i in range(count)]
    served.emulator.jobs.default_duration = job_seconds
    failures: list[str] = []
    if stock:
        config["hostWorkers"] = "0"
    with provider_host(served, call_timeout=60 * job_seconds + 600, **config) as host:
        checks = [(values["name"], check_request(host, values)) for values in inputs]

        def deploy(check: tuple[str, Any]) -> None:
            name, request = check
            try:
                deploy_component(host, request)
            except Exception as error:
                failures.append(f"{name}: {error}")

        started_at = time.time()
        started = time.monotonic()
        with ThreadPoolExecutor(count) as callers:
            list(callers.map(deploy, checks))
        seconds = time.monotonic() - started
        host_peak_rss_mb = peak_rss_mb(host.pid)
    served.emulator.throttle(None)
    hits = served.recorder.hits(since=started_at)
    per_second = Counter(int(hit.at) for hit in hits)
    return DeployRun(
        components=count,
        seconds=seconds,
        failures=failures,
        requests=len(hits),
        server_errors=sum(1 for hit in hits if hit.status >= 500),
        peak_requests_per_second=max(per_second.values(), default=0),
        peak_per_api=served.emulator.request_peaks(),
        statuses=served.emulator.answer_statuses(),
        host_peak_rss_mb=host_peak_rss_mb,
    )


def measure(served: ServedEmulator, settings: RunSettings) -> tuple[list[Row], DeployRun]:
    """The rows of part 1, and the largest run (part 5 reports the emulator's share of it)."""
    rows: list[Row] = []
    largest: DeployRun | None = None
    seconds = settings.job_seconds
    for count in settings.sizes:
        run = deploy_at_once(served, count, job_seconds=seconds, stock=False)
        largest = run
        compared = ""
        if settings.stock:
            stock = deploy_at_once(served, count, job_seconds=seconds, stock=True)
            compared = f"stock host: {stock.seconds / seconds:.2f}"
        ratio = run.seconds / seconds
        limit = TARGETS.get(count)
        passed = None
        note = ""
        if run.failures:
            passed, note = False, f"{len(run.failures)} failed: {run.failures[0]}"
        elif limit is not None and settings.targets_apply:
            passed = ratio <= limit
        elif limit is not None:
            note = f"target is for T = 5 s; this run's T = {seconds:g} s"
        rows.append(
            Row(
                part=1,
                figure=f"parallel deploy, N = {count}: wall time / T",
                measured=f"{ratio:.2f}",
                compared=compared,
                target=f"<= {limit}" if limit is not None else "",
                passed=passed,
                note=note,
            )
        )
    assert largest is not None, "at least one size is measured"
    return rows, largest
