"""Part 5: the emulator under a steady request rate, from a load generator in its own process.

    python bench/emulator_load.py URL --rate 200 --seconds 10 --path /v3/... [--path ...]

Requests are sent on a fixed schedule (open loop: request i at i / rate seconds), signed as the
providers sign them, spread over worker threads that each keep one connection, cycling through
the given paths. Latency counts from the scheduled moment, so a server that falls behind shows it.
Prints one JSON object: the achieved rate, latency percentiles, errors by kind.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from pulumi_servicestage.client.signing import AkSkAuth
from pulumi_servicestage.emulator import DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY

WORKERS = 32
ACCEPTED_SHORTFALL = 0.95


@dataclass(frozen=True)
class LoadResult:
    rate: float
    requests: int
    achieved_rate: float
    p50_ms: float
    p99_ms: float
    errors: dict[str, int]


def generate(url: str, paths: list[str], rate: float, seconds: float) -> LoadResult:
    total = int(rate * seconds)
    schedule = itertools.count()
    schedule_lock = threading.Lock()
    results_lock = threading.Lock()
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    auth = AkSkAuth(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY)
    start = time.monotonic() + 0.5

    def worker() -> None:
        with httpx.Client(base_url=url, auth=auth, timeout=30) as client:
            while True:
                with schedule_lock:
                    index = next(schedule)
                if index >= total:
                    return
                due = start + index / rate
                time.sleep(max(0.0, due - time.monotonic()))
                try:
                    response = client.get(paths[index % len(paths)])
                    problem = None if response.is_success else f"HTTP {response.status_code}"
                except httpx.HTTPError as error:
                    problem = type(error).__name__
                done = time.monotonic()
                with results_lock:
                    latencies.append(done - due)
                    if problem:
                        errors[problem] += 1

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    percentiles = statistics.quantiles(latencies, n=100)
    return LoadResult(
        rate=rate,
        requests=total,
        achieved_rate=total / elapsed,
        p50_ms=1000 * percentiles[49],
        p99_ms=1000 * percentiles[98],
        errors=dict(errors),
    )


def run_in_own_process(url: str, paths: list[str], rate: float, seconds: float) -> LoadResult:
    """Run the generator as a separate process, so it does not share the server's GIL."""
    command = [sys.executable, str(Path(__file__).resolve()), url, "--rate", str(rate)]
    command += ["--seconds", str(seconds)] + [arg for path in paths for arg in ("--path", path)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return LoadResult(**json.loads(output))


def passed(result: LoadResult) -> bool:
    return not result.errors and result.achieved_rate >= ACCEPTED_SHORTFALL * result.rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--path",
        action="append",
        default=None,
        help="path to GET (repeatable); the project's environments by default",
    )
    options = parser.parse_args()
    paths = options.path or [f"/v3/{DEFAULT_PROJECT_ID}/cas/environments"]
    result = generate(options.url, paths, options.rate, options.seconds)
    print(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
