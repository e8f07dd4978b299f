"""Command line: serve the emulator, or run a command against it.

Usage: ``python -m pulumi_servicestage.emulator --port N [--host H] [--job-seconds S] [-- CMD...]``.
Without a command it serves until Ctrl-C, after printing the URL and credentials on one line.
With ``-- CMD ARGS...`` it runs CMD against the emulator, with the ``HW_*`` variables that point
this package at it set, and exits with CMD's exit code::

    python -m pulumi_servicestage.emulator --port 8080 -- pulumi up --yes
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Sequence

from . import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_DOMAIN_NAME,
    DEFAULT_JOB_SECONDS,
    DEFAULT_PASSWORD,
    DEFAULT_PROJECT_ID,
    DEFAULT_REGION,
    DEFAULT_SECRET_KEY,
    DEFAULT_USER_NAME,
    Emulator,
)

COMMAND_NOT_FOUND = 127


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command: list[str] = []
    if "--" in arguments:
        separator = arguments.index("--")
        arguments, command = arguments[:separator], arguments[separator + 1 :]
    options = _parser().parse_args(arguments)

    emulator = Emulator(job_seconds=options.job_seconds)
    with emulator.serve(port=options.port, host=options.host) as url:
        if command:
            return _run(command, {**os.environ, **emulator.client_environment(url)})
        print(
            f"ServiceStage emulator on {url} (Ctrl-C stops it): region {DEFAULT_REGION}, "
            f"project {DEFAULT_PROJECT_ID}, access key {DEFAULT_ACCESS_KEY}, "
            f"secret key {DEFAULT_SECRET_KEY}, IAM user {DEFAULT_USER_NAME} "
            f"password {DEFAULT_PASSWORD} account {DEFAULT_DOMAIN_NAME}",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_servicestage.emulator",
        description="Serve a local ServiceStage v3 emulator; after --, run a command against it.",
    )
    parser.add_argument("--port", type=int, required=True, help="port to listen on (0: any free)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--job-seconds",
        type=float,
        default=DEFAULT_JOB_SECONDS,
        help=f"how long deploy jobs take (default {DEFAULT_JOB_SECONDS:g})",
    )
    return parser


def _run(command: list[str], environment: dict[str, str]) -> int:
    try:
        process = subprocess.Popen(command, env=environment)
    except FileNotFoundError:
        print(f"command not found: {command[0]}", file=sys.stderr)
        return COMMAND_NOT_FOUND
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            # The terminal sent Ctrl-C to the command too; keep serving until it has finished.
            continue


if __name__ == "__main__":
    sys.exit(main())
