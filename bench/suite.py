"""The performance benchmark: deploys through the real provider host against the local emulator.

    python bench/suite.py            # the full run; prints a Markdown table
    python bench/suite.py --quick    # shorter jobs and fewer of them

Parts (see each module): 1 parallel deploy (`parallel_deploy`), 2 detection lag and 3 API economy
(`job_wait`), 4 provider overhead (`overhead`), 5 the emulator's own capacity (`emulator_load`, and
the emulator's answers during the largest deploy of part 1 and the runs of part 6), 6 deploys at
account scale within the request budget (`at_scale`). Each figure is printed beside what it
is compared with, its target, and PASS or FAIL; a quick run marks targets it cannot judge (jobs
shorter than the targets assume) with "-". Timing figures need a quiet machine: the table starts
with the machine and its load average.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from importlib.metadata import version
from pathlib import Path

import at_scale
import emulator_load
import job_wait
import overhead
import parallel_deploy
from _kit import Row, RunSettings, ServedEmulator, component_inputs, format_table, served_emulator
from parallel_deploy import DeployRun

from pulumi_servicestage.emulator import DEFAULT_PROJECT_ID
from pulumi_servicestage.emulator.servicestage.schemas import ComponentSpec

PARTS = ("deploy", "wait", "overhead", "load", "scale")


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = ", ".join(f"{name} {version(name)}" for name in ("pulumi", "grpcio", "werkzeug"))
    return (
        f"{model}, {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}; "
        f"Python {platform.python_version()}, {versions}"
    )


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def emulator_during_deploy(run: DeployRun) -> Row:
    errors = run.server_errors + len(run.failures)
    return Row(
        5,
        f"emulator during the {run.components}-component deploy",
        f"{errors} errors",
        f"{run.requests} requests, peak {run.peak_requests_per_second}/s",
        "0 errors",
        errors == 0,
    )


def steady_load(served: ServedEmulator, settings: RunSettings) -> Row:
    backend = served.emulator.backend()
    environment_id, application_id = served.new_application("load")
    inputs = component_inputs(environment_id, application_id, "load")
    spec = ComponentSpec.model_validate({k: v for k, v in inputs.items() if k != "application_id"})
    component = backend.create_component(application_id, spec, creator="bench")
    project = f"/v3/{DEFAULT_PROJECT_ID}/cas"
    paths = [
        f"{project}/jobs/{component.last_job_id}",
        f"{project}/applications/{application_id}/components/{component.id}",
        f"{project}/environments/{environment_id}",
        f"{project}/applications/{application_id}/components",
    ]
    result = emulator_load.run_in_own_process(
        served.url, paths, settings.load_rate, settings.load_seconds
    )
    errors = sum(result.errors.values())
    return Row(
        5,
        f"emulator at a steady {result.rate:g} req/s for {settings.load_seconds:g} s",
        f"{result.achieved_rate:.0f} req/s, {errors} errors",
        f"latency p50 {result.p50_ms:.0f} ms, p99 {result.p99_ms:.0f} ms",
        f">= {emulator_load.ACCEPTED_SHORTFALL:.0%} of {result.rate:g} req/s, 0 errors",
        emulator_load.passed(result),
        ", ".join(f"{kind}: {count}" for kind, count in result.errors.items()),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short jobs; targets left unjudged")
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"comma-separated parts to run, of {', '.join(PARTS)} (default: all)",
    )
    parser.add_argument("--no-stock", action="store_true", help="skip the stock-host comparison")
    options = parser.parse_args()
    parts = set(options.only.split(","))
    if not parts <= set(PARTS):
        parser.error(f"--only takes {', '.join(PARTS)}; got {options.only}")
    settings = RunSettings.quick() if options.quick else RunSettings()
    if options.no_stock:
        settings.stock = False

    print(f"machine: {machine()}", flush=True)
    print(f"load average before: {load_average()}", flush=True)
    rows: list[Row] = []
    with served_emulator(settings.job_seconds) as served:
        if "deploy" in parts:
            deploy_rows, largest = parallel_deploy.measure(served, settings)
            rows += deploy_rows
        if "wait" in parts:
            rows += job_wait.measure(served, settings)[0]
        if "overhead" in parts:
            rows += overhead.measure(served, settings)
        if "deploy" in parts:
            rows.append(emulator_during_deploy(largest))
        if "load" in parts:
            rows.append(steady_load(served, settings))
        if "scale" in parts:
            rows += at_scale.measure(served, settings)
    print(f"load average after: {load_average()}")
    kind = "quick run" if options.quick else "full run"
    print(f"\n{kind}, jobs of T = {settings.job_seconds:g} s\n")
    print(format_table(rows))
    if any(row.passed is False for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
