"""Command line: try a Pulumi program of this package without the Pulumi CLI.

Usage: ``python -m pulumi_servicestage.testing PROGRAM [--job-seconds S] [--config KEY=VALUE]...``

PROGRAM is a program's directory (its ``__main__.py``) or file. The command starts the local
emulator and the real provider host (``python -m pulumi.dynamic``), runs the program as
``pulumi up`` would run it on an empty stack, with every resource checked and created by its
provider in the host, and prints the stack's outputs as JSON (secrets as ``"[secret]"``). It
exits 1, after one line saying why, when the program or a provider fails.
"""

from __future__ import annotations

import argparse
import json
import runpy
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pulumi.runtime.rpc import is_rpc_secret

from ..emulator import DEFAULT_JOB_SECONDS, SECRET_CONFIG_KEYS, Emulator
from .host import ProviderCallError, ProviderHost
from .mocks import CheckFailedError, ProviderMocks

SECRET_SHOWN_AS = "[secret]"


def main(argv: Sequence[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    program = Path(options.program)
    entry = program / "__main__.py" if program.is_dir() else program
    if not entry.is_file():
        print(f"no program at {program} (a directory with __main__.py, or a file)", file=sys.stderr)
        return 2
    project = project_name(entry.parent)
    extra = dict(_pair(option) for option in options.config)
    try:
        outputs = try_program(entry, project=project, job_seconds=options.job_seconds, config=extra)
    except (CheckFailedError, ProviderCallError) as error:
        print(f"{project}: {first_line(error)}", file=sys.stderr)
        return 1
    print(json.dumps(shown(outputs), indent=2, sort_keys=True))
    return 0


def try_program(
    entry: Path, *, project: str, job_seconds: float, config: dict[str, str]
) -> dict[str, Any]:
    """Run the program at `entry` against a fresh emulator through the real provider host; its
    outputs, secrets still wrapped."""
    emulator = Emulator(job_seconds=job_seconds)
    with emulator.serve() as url:
        stack_config = {**Emulator.stack_config(url), **config}
        # The host runs in the program's directory, as the engine runs it in the project's.
        with ProviderHost(project=project, cwd=entry.parent) as host:
            host.configure(stack_config, secret_keys=SECRET_CONFIG_KEYS)
            mocks = ProviderMocks(
                stack_config, secret_keys=SECRET_CONFIG_KEYS, project=project, host=host
            )

            def program() -> None:
                runpy.run_path(str(entry), run_name="__main__")

            return mocks.run(program)


def project_name(directory: Path) -> str:
    """The ``name`` of the Pulumi.yaml nearest above `directory`, or its own name."""
    for place in (directory, *directory.resolve().parents):
        project_file = place / "Pulumi.yaml"
        if project_file.is_file():
            document = yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}
            name = document.get("name") if isinstance(document, dict) else None
            if isinstance(name, str):
                return name
    return directory.resolve().name


def shown(value: Any) -> Any:
    """`value` with every secret replaced by ``"[secret]"``."""
    if is_rpc_secret(value):
        return SECRET_SHOWN_AS
    if isinstance(value, dict):
        return {key: shown(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shown(item) for item in value]
    return value


def first_line(error: Exception) -> str:
    """What failed, on one line: a host error's own last line (the provider's exception),
    else the error's first."""
    if isinstance(error, ProviderCallError):
        lines = [line for line in error.details.strip().splitlines() if line.strip()]
        return f"{error.method} failed: {lines[-1] if lines else error.code}"
    return str(error).strip().splitlines()[0]


def _pair(option: str) -> tuple[str, str]:
    key, separator, value = option.partition("=")
    if not separator or not key:
        raise SystemExit(f"--config takes KEY=VALUE, got {option!r}")
    return key, value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_servicestage.testing",
        description="Run a program of this package against the local emulator through the "
        "real provider host, without the Pulumi CLI, and print its outputs.",
    )
    parser.add_argument("program", help="the program's directory (with __main__.py) or file")
    parser.add_argument(
        "--job-seconds",
        type=float,
        default=0.5,
        help="how long the emulator's deploy jobs take (default 0.5; the emulator's own "
        f"default is {DEFAULT_JOB_SECONDS:g})",
    )
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="stack config for the program (repeatable), e.g. quickstart:replicas=2",
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
