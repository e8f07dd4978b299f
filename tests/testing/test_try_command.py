"""`python -m pulumi_servicestage.testing PROGRAM`: every example, run as a new user runs it,
through the real provider host against the emulator, without the Pulumi CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.real_time

EXAMPLES = Path(__file__).parents[2] / "examples"


def try_program(program: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pulumi_servicestage.testing", str(program), *options],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("example", "outputs"),
    [
        ("quickstart", {"component_status": "RUNNING"}),
        ("platform", {"web_status": "RUNNING", "plugin_status": "SUCCEEDED"}),
        ("blue_green", {"release_status": "SUCCESS", "gray_phase": "Running"}),
        ("microservices", {"engine_status": "Available", "orders_status": "RUNNING"}),
    ],
)
def test_every_example_deploys_and_prints_its_outputs(example: str, outputs: dict[str, str]):
    ran = try_program(EXAMPLES / example)

    assert ran.returncode == 0, ran.stderr
    printed = json.loads(ran.stdout)
    assert {key: printed[key] for key in outputs} == outputs


def test_a_secret_output_is_printed_hidden(tmp_path: Path):
    (tmp_path / "__main__.py").write_text(
        "import pulumi\npulumi.export('token', pulumi.Output.secret('s3cret'))\n"
    )
    ran = try_program(tmp_path)

    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {"token": "[secret]"}


def test_bad_input_fails_with_one_line_naming_the_field(tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text("name: bad-input\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "from pulumi_servicestage import Environment\n"
        "Environment('dev', name='1-bad', vpc_id='vpc-1')\n"
    )
    ran = try_program(tmp_path)

    assert (ran.returncode, ran.stdout) == (1, ""), ran.stderr
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1, ran.stderr
    assert lines[0].startswith("bad-input: ")
    assert "name" in lines[0]


def test_a_failed_create_fails_with_the_provider_s_last_line(tmp_path: Path):
    (tmp_path / "__main__.py").write_text(
        "from pulumi_servicestage import ApplicationConfiguration\n"
        "ApplicationConfiguration('cfg', application_id='no-such-app',\n"
        "                         environment_id='no-such-env', env={'A': 'b'})\n"
    )
    ran = try_program(tmp_path)

    assert ran.returncode == 1, ran.stdout
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1, ran.stderr
    assert "Create failed: " in lines[0]
    assert "404" in lines[0]
