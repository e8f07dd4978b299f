"""Parts 2 and 3: how late a finished job is noticed, and how many GETs waiting for it costs.

    python bench/job_wait.py [--quick]      # these two parts alone, with a line per job

Components whose deploy jobs take evenly spread durations (1-10 s, 10-60 s, and a few long ones)
are all created at once through the real provider host. For each, the lag is the time from the
job's end in the emulator to the Create call returning to the caller, and the cost is the number
of GETs of that job the emulator answered. Beside them, computed and not measured, what the
Terraform provider's fixed 10 s polling would give for the same job: a first look as the job
starts, then one every 10 s (`_kit.TERRAFORM_POLL_SECONDS`).
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from _kit import (
    TERRAFORM_POLL_SECONDS,
    Row,
    RunSettings,
    ServedEmulator,
    component_inputs,
    deploy_component,
    format_table,
    provider_host,
    served_emulator,
    spread,
)

SHORT_JOB_LIMIT = 10.0
MEDIUM_JOB_LIMIT = 60.0
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


def job_durations(settings: RunSettings) -> list[float]:
    return (
        spread(settings.short_jobs, 1.0, SHORT_JOB_LIMIT)
        + spread(settings.medium_jobs, SHORT_JOB_LIMIT, MEDIUM_JOB_LIMIT)
        + spread(settings.long_jobs, *long_job_range(settings))
    )


def wait_for_jobs(served: ServedEmulator, durations: list[float]) -> list[Wait]:
    """Create one component per duration, all at once through one host; measure each wait."""
    environment_id, application_id = served.new_application("job-wait")
    inputs = []
    for index, seconds in enumerate(durations):
        name = f"w{index}"
        served.emulator.jobs.plan(
            "SUCCEEDED", duration=seconds, operation="create_component", component_name=name
        )
        inputs.append(component_inputs(environment_id, application_id, name))

    with provider_host(served, call_timeout=max(durations) + 120) as host:

        def wait(index: int) -> Wait:
            component_id = deploy_component(host, inputs[index])
            returned = time.time()
            job_id, ends_at = served.job_of(component_id)
            return Wait(durations[index], returned - ends_at, served.recorder.job_polls(job_id))

        with ThreadPoolExecutor(len(durations)) as callers:
            return list(callers.map(wait, range(len(durations))))


def rows(waits: list[Wait], settings: RunSettings) -> list[Row]:
    short = [w for w in waits if w.job_seconds < SHORT_JOB_LIMIT]
    medium = [w for w in waits if SHORT_JOB_LIMIT <= w.job_seconds <= MEDIUM_JOB_LIMIT]
    long = [w for w in waits if w.job_seconds >= settings.long_job_seconds]
    shortest_long, longest_long = long_job_range(settings)
    short_lag = statistics.median(w.lag for w in short)
    worst_lag = max(w.lag for w in short)
    medium_lag = statistics.median(w.lag for w in medium)
    medium_terraform = statistics.median(w.terraform_lag for w in medium)
    per_minute = statistics.mean(w.polls_per_minute for w in long)
    terraform_per_minute = statistics.mean(w.terraform_polls_per_minute for w in long)
    economy_applies = settings.long_job_seconds >= ECONOMY_TARGET_JOB_SECONDS
    return [
        Row(
            2,
            f"detection lag, {len(short)} jobs of 1-10 s: median",
            f"{short_lag:.2f} s",
            f"{TERRAFORM_MODEL}: {statistics.median(w.terraform_lag for w in short):.2f} s",
            "< 1 s",
            short_lag < 1.0,
        ),
        Row(
            2,
            f"detection lag, {len(short)} jobs of 1-10 s: worst",
            f"{worst_lag:.2f} s",
            f"{TERRAFORM_MODEL}: {max(w.terraform_lag for w in short):.2f} s",
            "< 3 s",
            worst_lag < 3.0,
        ),
        Row(
            2,
            f"detection lag, {len(medium)} jobs of 10-60 s: median",
            f"{medium_lag:.2f} s",
            f"{TERRAFORM_MODEL}: {medium_terraform:.2f} s",
            "< Terraform model",
            medium_lag < medium_terraform,
        ),
        Row(
            3,
            f"job GETs per minute of job time, {len(long)} jobs of "
            f"{shortest_long:g}-{longest_long:g} s",
            f"{per_minute:.1f}",
            f"{TERRAFORM_MODEL}: {terraform_per_minute:.1f}",
            "<= 12",
            per_minute <= 12 if economy_applies else None,
            "" if economy_applies else f"target is for {ECONOMY_TARGET_JOB_SECONDS:g} s jobs",
        ),
        Row(
            3,
            "job GETs per wait, jobs of 1-10 s: median (max)",
            f"{statistics.median(w.polls for w in short):g} ({max(w.polls for w in short)})",
            f"{TERRAFORM_MODEL}: {statistics.median(w.terraform_polls for w in short):g} "
            f"({max(w.terraform_polls for w in short)})",
        ),
    ]


def measure(served: ServedEmulator, settings: RunSettings) -> tuple[list[Row], list[Wait]]:
    waits = wait_for_jobs(served, job_durations(settings))
    return rows(waits, settings), waits


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
