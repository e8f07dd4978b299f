"""A user's program, type-checked where users keep it (outside this repository), sees the
installed package and what it exports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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


TYPED_PROGRAM = """\
from pulumi_servicestage import Application, Component

app = Application("shop", name="shop")
Component(
    "web",
    application_id=app.id,
    name="web",
    version="1.0.0",
    replica=2,
    runtime_stack={
        "name": "Docker", "type": "Docker", "version": "1.0.0", "deploy_mode": "container"
    },
    source={"kind": "image", "storage": "swr", "url": "swr.example.com/org/web:1"},
    refer_resources=[{"id": "cce-1", "type": "cce"}],
)
"""


def test_mypy_strict_accepts_well_typed_arguments_and_outputs_as_inputs(tmp_path: Path) -> None:
    checked = mypy_strict(TYPED_PROGRAM, tmp_path)
    assert checked.returncode == 0, checked.stdout


# With two ways to call a resource (keywords, or an args object), mypy reports a wrong argument as
# no overload matching, listing the types given; a misspelled name it still names.
NO_OVERLOAD = 'No overload variant of "Component" matches argument types'


@pytest.mark.parametrize(
    ("wrong", "right", "reported"),
    [
        ("replica=2", "replicas=2", 'Unexpected keyword argument "replicas"'),
        ('version="1.0.0"', "version=1", NO_OVERLOAD),
        ('"kind": "image"', '"kindd": "image"', NO_OVERLOAD),
        ('"type": "cce"', '"type": "kubernetes"', NO_OVERLOAD),
    ],
    ids=["misspelled", "mistyped", "nested-misspelled", "nested-mistyped"],
)
def test_mypy_strict_names_a_wrong_argument(
    tmp_path: Path, wrong: str, right: str, reported: str
) -> None:
    checked = mypy_strict(TYPED_PROGRAM.replace(wrong, right), tmp_path)
    assert checked.returncode == 1, checked.stdout
    assert reported in checked.stdout


ARGS_OBJECT_PROGRAM = """\
import pulumi
from pulumi_servicestage import Application, ApplicationArgs, EnvironmentArgs

Application("shop", ApplicationArgs(name="shop"), pulumi.ResourceOptions(protect=True))
"""


def test_mypy_strict_takes_an_args_object_and_refuses_another_resource_s(tmp_path: Path) -> None:
    assert mypy_strict(ARGS_OBJECT_PROGRAM, tmp_path).returncode == 0
    wrong = ARGS_OBJECT_PROGRAM.replace(
        'ApplicationArgs(name="shop")', 'EnvironmentArgs(name="d", vpc_id="v")'
    )
    checked = mypy_strict(wrong, tmp_path)
    assert checked.returncode == 1
    assert 'No overload variant of "Application" matches' in checked.stdout
