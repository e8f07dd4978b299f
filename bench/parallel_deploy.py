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
from typing import Any

from _kit import Row, RunSettings, ServedEmulator, component_inputs, deploy_component, provider_host

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


def deploy_at_once(
    served: ServedEmulator, count: int, *, job_seconds: float, stock: bool
) -> DeployRun:
    label = f"{'stock' if stock else 'wide'}-{count}"
    environment_id, application_id = served.new_application(label)
    inputs = [component_inputs(environment_id, application_id, f"c{i}") for i in range(count)]
    served.emulator.jobs.default_duration = job_seconds
    failures: list[str] = []
    config = {"hostWorkers": "0"} if stock else {}
    with provider_host(served, call_timeout=60 * job_seconds + 60, **config) as host:

        def deploy(values: dict[str, Any]) -> None:
            try:
                deploy_component(host, values)
            except Exception as error:
                failures.append(f"{values['name']}: {error}")

        started_at = time.time()
        started = time.monotonic()
        with ThreadPoolExecutor(count) as callers:
            list(callers.map(deploy, inputs))
        seconds = time.monotonic() - started
    hits = served.recorder.hits(since=started_at)
    per_second = Counter(int(hit.at) for hit in hits)
    return DeployRun(
        components=count,
        seconds=seconds,
        failures=failures,
        requests=len(hits),
        server_errors=sum(1 for hit in hits if hit.status >= 500),
        peak_requests_per_second=max(per_second.values(), default=0),
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
