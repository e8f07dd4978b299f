"""Part 6: deploys at account scale, within the API's request budget.

    python bench/at_scale.py [--quick]      # this part alone

N components (64 and 256) are created at once through one provider host, each deploy job taking
T s, three ways:

- unthrottled: the provider's budget lifted (the emulator's stack config, 1000 per second);
- the default budget, 8 requests per second per API (`client.budget.DEFAULT_RATE`);
- the emulator throttling at 10 requests per second per API and credential, as API Gateway does
  (429 ``APIGW.0308`` with Retry-After), while the provider's budget is set higher, at 20.

A budget of B requests per second per API sets a limit no provider can beat: N creates go through
one API, so the last starts N / B s after the first and its job ends T s later; the limit is
T + N / B (T alone when unthrottled). The host serves N calls at once (``hostWorkers`` N), as
``pulumi up --parallel N`` lets the engine send them. The emulator counts, per API operation, the
most requests it received within one second, and its answers by status; the host's peak memory is
read from ``/proc`` once the deploy is done.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from _kit import Row, RunSettings, ServedEmulator, format_table, served_emulator
from parallel_deploy import DeployRun, deploy_at_once

from pulumi_servicestage.client.budget import DEFAULT_RATE
from pulumi_servicestage.emulator import EMULATOR_REQUEST_BUDGET

SIZES = (64, 256)
# Wall time / T allowed unthrottled, by number of components.
UNTHROTTLED_TARGETS = {64: 1.3, 256: 1.5}
REQUESTS_PER_COMPONENT = 8
DEFAULT_BUDGET_SLACK = 1.25
THROTTLED_RATE = 10.0
THROTTLED_BUDGET = 20.0
THROTTLED_SLACK = 1.5
RSS_LIMIT_MB = 300.0


@dataclass(frozen=True)
class Mode:
    name: str
    #: The provider's budget, requests per second per API.
    budget: float
    #: The emulator's throttle, requests per second per API and credential; None: none.
    throttle: float | None

    @property
    def rate(self) -> float:
        """Requests per second per API: the budget's, or the throttle's if it is lower."""
        return min(self.budget, self.throttle or self.budget)

    def limit(self, components: int, job_seconds: float) -> float:
        """The least wall time the rate allows: the last create starts N / rate s after the
        first, and its job takes T."""
        return job_seconds + components / self.rate


UNTHROTTLED = Mode("unthrottled", float(EMULATOR_REQUEST_BUDGET), None)
DEFAULT = Mode("default budget", DEFAULT_RATE, None)
THROTTLED = Mode(f"emulator throttling at {THROTTLED_RATE:g}/s", THROTTLED_BUDGET, THROTTLED_RATE)


def deploy(served: ServedEmulator, mode: Mode, count: int, job_seconds: float) -> DeployRun:
    return deploy_at_once(
        served,
        count,
        job_seconds=job_seconds,
        throttle=mode.throttle,
        hostWorkers=str(count),
        maxRequestsPerSecond=f"{mode.budget:g}",
    )


def failures_of(run: DeployRun) -> str:
    return f"{len(run.failures)} failed: {run.failures[0]}" if run.failures else ""


def busiest_api(run: DeployRun) -> tuple[str, int]:
    api = max(run.peak_per_api, key=lambda name: run.peak_per_api[name])
    return api, run.peak_per_api[api]


def emulator_answers(run: DeployRun) -> str:
    return ", ".join(f"{status}: {count}" for status, count in run.statuses.items())


def unthrottled_rows(run: DeployRun, settings: RunSettings) -> list[Row]:
    seconds = settings.job_seconds
    target = UNTHROTTLED_TARGETS[run.components]
    per_component = run.requests / run.components
    judged = settings.targets_apply
    note = "" if judged else f"target is for T = 5 s; this run's T = {seconds:g} s"
    return [
        Row(
            6,
            f"N = {run.components} at once, unthrottled: wall time / T",
            f"{run.seconds / seconds:.2f}",
            f"emulator answered {emulator_answers(run)}",
            f"<= {target}",
            (run.seconds / seconds <= target and not run.failures) if judged else None,
            failures_of(run) or note,
        ),
        Row(
            6,
            f"N = {run.components} at once, unthrottled: requests per component",
            f"{per_component:.1f}",
            f"{run.requests} requests",
            f"<= {REQUESTS_PER_COMPONENT}",
            per_component <= REQUESTS_PER_COMPONENT if judged else None,
            note,
        ),
    ]


def budgeted_row(run: DeployRun, mode: Mode, settings: RunSettings) -> Row:
    seconds = settings.job_seconds
    limit = mode.limit(run.components, seconds)
    slack = DEFAULT_BUDGET_SLACK if mode is DEFAULT else THROTTLED_SLACK
    api, peak = busiest_api(run)
    within = run.seconds <= slack * limit
    refused = run.statuses.get(429, 0)
    if mode is DEFAULT:
        passed = within and peak <= mode.budget and not run.failures
        compared = f"peak {peak}/s on {api}; budget {mode.budget:g}/s"
    else:
        passed = within and not run.failures
        compared = f"peak {peak}/s on {api}; {refused} answered 429"
    return Row(
        6,
        f"N = {run.components} at once, {mode.name}: wall time / its limit "
        f"(T + N / {mode.rate:g} = {limit:.1f} s)",
        f"{run.seconds / limit:.2f} ({run.seconds:.1f} s)",
        compared,
        f"<= {slack}" + (", peak <= budget, 0 failures" if mode is DEFAULT else ", 0 failures"),
        passed,
        failures_of(run),
    )


def memory_row(runs: list[DeployRun]) -> Row:
    largest = [run for run in runs if run.components == max(SIZES)]
    peak = max(run.host_peak_rss_mb for run in largest)
    return Row(
        6,
        f"provider host peak RSS, N = {max(SIZES)} runs",
        f"{peak:.0f} MB",
        ", ".join(f"{run.host_peak_rss_mb:.0f}" for run in largest) + " MB by run",
        f"< {RSS_LIMIT_MB:g} MB",
        peak < RSS_LIMIT_MB,
    )


def emulator_row(runs: list[DeployRun]) -> Row:
    errors = sum(count for run in runs for status, count in run.statuses.items() if status >= 500)
    requests = sum(run.requests for run in runs)
    rate = max(run.requests / run.seconds for run in runs)
    return Row(
        5,
        f"emulator during the {len(runs)} runs of part 6",
        f"{errors} errors",
        f"{requests} requests; up to {rate:.0f} req/s over a run",
        "0 errors",
        errors == 0,
    )


def measure(served: ServedEmulator, settings: RunSettings) -> list[Row]:
    rows: list[Row] = []
    runs: list[DeployRun] = []
    for count in SIZES:
        for mode in (UNTHROTTLED, DEFAULT, THROTTLED):
            run = deploy(served, mode, count, settings.job_seconds)
            runs.append(run)
            print(
                f"  part 6: N = {count}, {mode.name}: {run.seconds:.1f} s, "
                f"{run.requests} requests, {len(run.failures)} failures, "
                f"peak per API {busiest_api(run)}, answers {emulator_answers(run)}, "
                f"host {run.host_peak_rss_mb:.0f} MB",
                flush=True,
            )
            if mode is UNTHROTTLED:
                rows += unthrottled_rows(run, settings)
            else:
                rows.append(budgeted_row(run, mode, settings))
    rows.append(memory_row(runs))
    rows.append(emulator_row(runs))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter jobs")
    options = parser.parse_args()
    settings = RunSettings.quick() if options.quick else RunSettings()
    with served_emulator(settings.job_seconds) as served:
        print(format_table(measure(served, settings)))


if __name__ == "__main__":
    main()
