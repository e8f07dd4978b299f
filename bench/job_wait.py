"""Parts 2 and 3: how late a finished job is noticed, and how many GETs waiting for it costs.

    python bench/job_wait.py [--quick]      # these two parts alone, with a line per job

Deploy jobs of 1-60 s, each of three tasks of varied length (`SHAPES`: a long middle task, the
last a tenth to a quarter of the job), are waited for in rounds of 8, 8, 8, 4, 2 and 1 at once
through the real provider host; beside them, from the start, a few long jobs (5 minutes, real
component deploys take minutes) run for the calls-per-minute figure. For each job the lag is the
time from its end in the emulator to the Create call returning to the caller, and the cost is the
number of GETs of that job the emulator answered. Beside them, computed and not measured, what
the Terraform provider's fixed 10 s polling would give for the same job: a first look as the job
starts, then one every 10 s (`_kit.TERRAFORM_POLL_SECONDS`).

How long a job's tasks take relative to each other is the emulator's plan, not a measurement of
ServiceStage: the pace (`jobs.PollPace`) rests on the last task of a deploy being a tenth to a
quarter of it, and the figures hold for such jobs.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from _kit import (
    TERRAFORM_POLL_SECONDS,
    Row,
    RunSettings,
    ServedEmulator,
    check_request,
    component_inputs,
    deploy_component,
    format_table,
    provider_host,
    served_emulator,
    spread,
)

LAG_JOB_RANGE = (1.0, 60.0)
QUICK_LAG_JOB_RANGE = (1.0, 20.0)
# Jobs waited for at once, round by round; the longest jobs go in the first rounds.
ROUNDS = (8, 8, 8, 4, 2, 1)
QUICK_ROUNDS = (4, 2, 1)
# Relative lengths of a job's three tasks.
SHAPES = (
    (0.1, 0.7, 0.2),
    (0.3, 0.5, 0.2),
    (0.05, 0.8, 0.15),
    (0.15, 0.6, 0.25),
    (0.25, 0.6, 0.15),
    (0.1, 0.8, 0.1),
)
LONG_SHAPES = ((1, 8, 1), (3, 5, 2), (1, 18, 1), (1, 3, 1))
# Long jobs, for the calls-per-minute target: real component deploys take minutes.
ECONOMY_TARGET_JOB_SECONDS = 300.0
# The Terraform figures are computed from each job's duration, not measured; the table says so.
TERRAFORM_MODEL = "Terraform, modelled (fixed 10 s polling)"


@dataclass(frozen=True)
class Wait:
    """One job: its lag and GETs as measured, and the Terraform provider's as modelled."""

    job_seconds: float
    lag: float
    polls: int

    @property
    def terraform_intervals(self) -> int:
        """Modelled: the 10 s intervals the Terraform provider waits before it sees the end."""
        return math.ceil(self.job_seconds / TERRAFORM_POLL_SECONDS)

    @property
    def terraform_polls(self) -> int:
        """Modelled: its look at the start, then one at the end of each interval."""
        return 1 + self.terraform_intervals

    @property
    def terraform_lag(self) -> float:
        return self.terraform_intervals * TERRAFORM_POLL_SECONDS - self.job_seconds

    @property
    def polls_per_minute(self) -> float:
        return self.polls / (self.job_seconds / 60)

    @property
    def terraform_polls_per_minute(self) -> float:
        return self.terraform_polls / (self.job_seconds / 60)


def long_job_range(settings: RunSettings) -> tuple[float, float]:
    # Over one Terraform interval, so that no single phase against either schedule is favoured.
    return settings.long_job_seconds, settings.long_job_seconds + TERRAFORM_POLL_SECONDS


@dataclass(frozen=True)
class PlannedJob:
    seconds: float
    shape: tuple[float, ...]


def lag_rounds(settings: RunSettings) -> list[list[PlannedJob]]:
    """The jobs of the lag figures, by round: durations spread over `LAG_JOB_RANGE`, shapes in
    turn, the longest in the first (largest) rounds."""
    rounds = QUICK_ROUNDS if settings.quick_lag else ROUNDS
    durations = spread(sum(rounds), *(QUICK_LAG_JOB_RANGE if settings.quick_lag else LAG_JOB_RANGE))
    jobs = [PlannedJob(seconds, SHAPES[i % len(SHAPES)]) for i, seconds in enumerate(durations)]
    jobs.sort(key=lambda job: -job.seconds)
    chunks, start = [], 0
    for size in rounds:
        chunks.append(jobs[start : start + size])
        start += size
    return chunks


def long_jobs(settings: RunSettings) -> list[PlannedJob]:
    durations = spread(settings.long_jobs, *long_job_range(settings))
    return [PlannedJob(s, LONG_SHAPES[i % len(LONG_SHAPES)]) for i, s in enumerate(durations)]


def wait_for_jobs(
    served: ServedEmulator, rounds: list[list[PlannedJob]], alongside: list[PlannedJob]
) -> tuple[list[Wait], list[Wait]]:
    """Create one component per planned job through one host: the `alongside` jobs all at once
    from the start, and meanwhile the `rounds` one after the other; measure each wait."""
    environment_id, application_id = served.new_application("job-wait")
    names = iter(f"w{index}" for index in range(10_000))

    def planned(job: PlannedJob) -> Any:
        name = next(names)
        served.emulator.jobs.plan(
            "SUCCEEDED",
            duration=job.seconds,
            operation="create_component",
            component_name=name,
            task_weights=job.shape,
        )
        return check_request(host, component_inputs(environment_id, application_id, name))

    every = [job for round_ in rounds for job in round_] + alongside
    call_timeout = max(job.seconds for job in every) + 120
    with provider_host(served, call_timeout=call_timeout) as host:

        def wait(job: PlannedJob, check: Any) -> Wait:
            component_id = deploy_component(host, check)
            returned = time.time()
            job_id, ends_at = served.job_of(component_id)
            return Wait(job.seconds, returned - ends_at, served.recorder.job_polls(job_id))

        with ThreadPoolExecutor(len(alongside) + max(map(len, rounds))) as callers:
            long_waits = [callers.submit(wait, job, planned(job)) for job in alongside]
            waits: list[Wait] = []
            for round_ in rounds:
                inputs = [planned(job) for job in round_]
                waits += callers.map(wait, round_, inputs)
            return waits, [future.result() for future in long_waits]


def rows(waits: list[Wait], long: list[Wait], settings: RunSettings) -> list[Row]:
    shortest_long, longest_long = long_job_range(settings)
    lag = statistics.median(w.lag for w in waits)
    worst = max(w.lag for w in waits)
    per_minute = statistics.mean(w.polls_per_minute for w in long)
    terraform_per_minute = statistics.mean(w.terraform_polls_per_minute for w in long)
    economy_applies = settings.long_job_seconds >= ECONOMY_TARGET_JOB_SECONDS
    lows, highs = QUICK_LAG_JOB_RANGE if settings.quick_lag else LAG_JOB_RANGE
    at_once = max(QUICK_ROUNDS if settings.quick_lag else ROUNDS)
    jobs = f"{len(waits)} jobs of {lows:g}-{highs:g} s, 1-{at_once} at once"
    half_minute = [w for w in waits if w.job_seconds >= 30]
    return [
        Row(
            2,
            f"detection lag, {jobs}: median",
            f"{lag:.2f} s",
            f"{TERRAFORM_MODEL}: {statistics.median(w.terraform_lag for w in waits):.2f} s",
            "< 0.5 s",
            lag < 0.5,
        ),
        Row(
            2,
            f"detection lag, {jobs}: worst",
            f"{worst:.2f} s",
            f"{TERRAFORM_MODEL}: {max(w.terraform_lag for w in waits):.2f} s",
            "< 2 s",
            worst < 2.0,
        ),
        Row(
            3,
            f"job GETs per minute of job time, {len(long)} jobs of "
            f"{shortest_long:g}-{longest_long:g} s",
            f"{per_minute:.1f} (max {max(w.polls_per_minute for w in long):.1f})",
            f"{TERRAFORM_MODEL}: {terraform_per_minute:.1f}",
            "<= 12",
            max(w.polls_per_minute for w in long) <= 12 if economy_applies else None,
            "" if economy_applies else f"target is for {ECONOMY_TARGET_JOB_SECONDS:g} s jobs",
        ),
        Row(
            3,
            f"job GETs per minute of job time, {len(half_minute)} jobs of 30-60 s",
            f"{statistics.mean(w.polls_per_minute for w in half_minute):.1f}",
            f"{TERRAFORM_MODEL}: "
            f"{statistics.mean(w.terraform_polls_per_minute for w in half_minute):.1f}",
        ),
        Row(
            3,
            f"job GETs per wait, {jobs}: median (max)",
            f"{statistics.median(w.polls for w in waits):g} ({max(w.polls for w in waits)})",
            f"{TERRAFORM_MODEL}: {statistics.median(w.terraform_polls for w in waits):g} "
            f"({max(w.terraform_polls for w in waits)})",
        ),
    ]


def measure(served: ServedEmulator, settings: RunSettings) -> tuple[list[Row], list[Wait]]:
    waits, long = wait_for_jobs(served, lag_rounds(settings), long_jobs(settings))
    return rows(waits, long, settings), waits + long


def print_waits(waits: list[Wait]) -> None:
    print(f"{'job s':>7} {'lag s':>6} {'GETs':>5} {'GETs/min':>8} {'Terraform model lag s':>21}")
    for wait in sorted(waits, key=lambda w: w.job_seconds):
        print(
            f"{wait.job_seconds:7.2f} {wait.lag:6.2f} {wait.polls:5d} "
            f"{wait.polls_per_minute:8.1f} {wait.terraform_lag:21.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer and shorter jobs")
    options = parser.parse_args()
    settings = RunSettings.quick() if options.quick else RunSettings()
    with served_emulator(settings.job_seconds) as served:
        table, waits = measure(served, settings)
    print_waits(waits)
    print()
    print(format_table(table))


if __name__ == "__main__":
    main()
