"""Job-completion detection lag and API calls per job wait, against the local emulator.

    python bench/job_wait.py [--jobs 20] [--shortest 1] [--longest 10]

Creates components whose deploy jobs take evenly spread durations, waits for every job at once
with the package's JobWaiter (each over its own client, to count its calls), and prints, per job,
the time from the job's end in the emulator to the waiter returning, next to what the Terraform
provider's fixed 10 s polling would cost for the same job.
"""

from __future__ import annotations

import argparse
import math
import statistics
import threading
import time

from pulumi_servicestage.client.http import ApiClient
from pulumi_servicestage.client.signing import AkSkAuth
from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_KEY,
    Emulator,
)
from pulumi_servicestage.emulator.servicestage.models import ComponentSpec
from pulumi_servicestage.jobs import JobWaiter

TERRAFORM_POLL_INTERVAL = 10.0


def start_jobs(emulator: Emulator, durations: list[float]) -> list[str]:
    backend = emulator.backend()
    environment = backend.create_environment(
        name="bench", vpc_id="vpc", deploy_mode="container", creator="bench"
    )
    application = backend.create_application(name="bench", creator="bench")
    job_ids = []
    for index, duration in enumerate(durations):
        name = f"c{index}"
        emulator.jobs.plan("SUCCEEDED", duration=duration, component_name=name)
        spec = ComponentSpec.model_validate(
            {
                "name": name,
                "environment_id": environment.id,
                "version": "1.0.0",
                "replica": 1,
                "runtime_stack": {
                    "name": "Docker",
                    "type": "Docker",
                    "version": "1.0.0",
                    "deploy_mode": "container",
                },
                "source": {"kind": "image", "storage": "swr", "url": "swr.example.com/a:1"},
                "refer_resources": [{"id": "cce", "type": "cce"}],
            }
        )
        job_ids.append(backend.create_component(application.id, spec, creator="bench").last_job_id)
    return job_ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--shortest", type=float, default=1.0)
    parser.add_argument("--longest", type=float, default=10.0)
    options = parser.parse_args()
    step = (options.longest - options.shortest) / max(1, options.jobs - 1)
    durations = [options.shortest + step * i for i in range(options.jobs)]

    emulator = Emulator()
    with emulator.serve() as url:
        job_ids = start_jobs(emulator, durations)
        lags: list[float] = [0.0] * len(job_ids)
        calls: list[int] = [0] * len(job_ids)

        def wait(index: int) -> None:
            client = ApiClient(url, auth=AkSkAuth(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY))
            JobWaiter(client, DEFAULT_PROJECT_ID).wait(
                job_ids[index], description="bench", timeout=120
            )
            returned = time.time()
            ends_at = emulator.jobs.show(DEFAULT_PROJECT_ID, job_ids[index]).ends_at
            assert ends_at is not None
            lags[index] = returned - ends_at
            calls[index] = client.request_count

        threads = [threading.Thread(target=wait, args=(i,)) for i in range(len(job_ids))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    print(f"{'job s':>6} {'lag s':>6} {'GETs':>5} {'GETs/min':>8} {'Terraform lag s':>15}")
    for duration, lag, count in zip(durations, lags, calls, strict=True):
        terraform_lag = math.ceil(duration / TERRAFORM_POLL_INTERVAL) * TERRAFORM_POLL_INTERVAL
        print(
            f"{duration:6.2f} {lag:6.2f} {count:5d} {count / (duration / 60):8.1f} "
            f"{terraform_lag - duration:15.2f}"
        )
    print(
        f"lag over {len(lags)} jobs: median {statistics.median(lags):.2f} s, "
        f"worst {max(lags):.2f} s; GETs per wait: median {statistics.median(calls):.0f}, "
        f"max {max(calls)}"
    )


if __name__ == "__main__":
    main()
