"""A user's program, type-checked where users keep it (outside this repository), sees the
installed package and what it exports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pulumi_servicestage

PROGRAM = """\
import pulumi_servicestage
from pulumi_servicestage import Component, ServiceStageError, get_components

print(pulumi_servicestage.__version__, Component, ServiceStageError, get_components)
"""


def mypy_strict(program: str, where: Path) -> subprocess.CompletedProcess[str]:
    (where / "program.py").write_text(program)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(where / ".cache"), "."],
        cwd=where,
        capture_output=True,
        text=True,
        check=False,
    )


def test_mypy_strict_accepts_the_exported_names_of_the_installed_package(tmp_path: Path) -> None:
    checked = mypy_strict(PROGRAM, tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert Path(pulumi_servicestage.__file__).name == "__init__.py"


def test_mypy_strict_names_a_misspelled_import(tmp_path: Path) -> None:
    checked = mypy_strict(PROGRAM.replace("Component,", "Componnet,"), tmp_path)
    assert checked.returncode == 1
    assert 'Module "pulumi_servicestage" has no attribute "Componnet"' in checked.stdout
