"""``python -m pulumi_servicestage.emulator``: serving, and running a command against it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import httpx

from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_REGION,
    DEFAULT_SECRET_KEY,
)

EMULATOR = [sys.executable, "-m", "pulumi_servicestage.emulator"]

# Runs inside the emulator's environment: reports its HW_* variables and calls the emulator.
CHILD = """
import json, os, sys, httpx
names = [name for name in os.environ if name.startswith("HW_")]
stats = httpx.get(os.environ["HW_SERVICESTAGE_ENDPOINT"] + "/_emulator/stats").json()
print(json.dumps({"env": {name: os.environ[name] for name in names}, "stats": stats}))
sys.exit(7)
"""


def test_run_command() -> None:
    completed = subprocess.run(
        [*EMULATOR, "--port", "0", "--job-seconds", "0.1", "--", sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert completed.returncode == 7, completed.stderr
    reported = json.loads(completed.stdout)
    environment = reported["env"]
    assert environment["HW_REGION_NAME"] == DEFAULT_REGION
    assert environment["HW_PROJECT_ID"] == DEFAULT_PROJECT_ID
    assert environment["HW_ACCESS_KEY"] == DEFAULT_ACCESS_KEY
    assert environment["HW_SECRET_KEY"] == DEFAULT_SECRET_KEY
    assert environment["HW_SERVICESTAGE_ENDPOINT"].startswith("http://127.0.0.1:")
    assert environment["HW_IAM_ENDPOINT"] == environment["HW_SERVICESTAGE_ENDPOINT"]
    assert reported["stats"] == {"requests": {}, "peak_per_second": {}, "statuses": {}}


def test_serve_until_interrupted() -> None:
    process = subprocess.Popen(
        [*EMULATOR, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        answer = httpx.get(f"{url}/_emulator/jobs/settings")
        process.send_signal(signal.SIGINT)
        returncode = process.wait(timeout=10)
    finally:
        process.kill()

    assert DEFAULT_ACCESS_KEY in line and DEFAULT_SECRET_KEY in line and DEFAULT_PROJECT_ID in line
    assert answer.json() == {"default_duration": 2.0}
    assert returncode == 0
