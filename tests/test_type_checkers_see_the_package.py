"""User programs, type-checked where users keep them (outside this repository) by mypy --strict and
by pyright in strict mode (what VS Code's Pylance runs): the installed package, its exports and
every resource's arguments are seen, and a wrong name or type is reported.

Each checker runs once over a folder with one program per case; a test reads its file's lines.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

PYRIGHT_VERSION = "1.1.414"

EXPORTS = """\
import pulumi_servicestage
from pulumi_servicestage import Component, ServiceStageError, get_components

print(pulumi_servicestage.__version__, Component, ServiceStageError, get_components)
"""

TYPED = """\
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

ARGS_OBJECT = """\
import pulumi
from pulumi_servicestage import Application, ApplicationArgs, EnvironmentArgs

Application("shop", ApplicationArgs(name="shop"), pulumi.ResourceOptions(protect=True))
print(EnvironmentArgs)
"""

#: Programs every checker accepts.
GOOD = {"exports": EXPORTS, "typed": TYPED, "args_object": ARGS_OBJECT}

#: Programs with one mistake, and what mypy and pyright say of it. With two ways to call a
#: resource (keywords, or an args object), mypy reports a wrong type as no overload matching.
NO_OVERLOAD = 'No overload variant of "Component" matches argument types'
BAD = {
    "misspelled_import": (
        EXPORTS.replace("Component,", "Componnet,"),
        'Module "pulumi_servicestage" has no attribute "Componnet"',
        '"Componnet" is unknown import symbol',
    ),
    "misspelled": (
        TYPED.replace("replica=2", "replicas=2"),
        'Unexpected keyword argument "replicas"',
        'No overloads for "__init__" match the provided arguments',
    ),
    "mistyped": (
        TYPED.replace('version="1.0.0"', "version=1"),
        NO_OVERLOAD,
        'cannot be assigned to parameter "version"',
    ),
    "nested_misspelled": (
        TYPED.replace('"kind": "image"', '"kindd": "image"'),
        NO_OVERLOAD,
        '"SourceDict"',
    ),
    "nested_mistyped": (
        TYPED.replace('"type": "cce"', '"type": "kubernetes"'),
        NO_OVERLOAD,
        '"ReferResourceDict"',
    ),
    "another_resource_s_args": (
        ARGS_OBJECT.replace(
            'ApplicationArgs(name="shop")', 'EnvironmentArgs(name="d", vpc_id="v")'
        ),
        'No overload variant of "Application" matches',
        '"EnvironmentArgs" is not assignable to "ApplicationArgs"',
    ),
}


def write_programs(where: Path) -> None:
    for name, program in GOOD.items():
        (where / f"{name}.py").write_text(program)
    for name, (program, _, _) in BAD.items():
        (where / f"{name}.py").write_text(program)


def reports_by_file(output: str) -> dict[str, str]:
    """The checker's output lines, gathered under the program file they start with."""
    found: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        match = re.search(r"(\w+)\.py(:\d+|$)", line)
        if match:
            current = match.group(1)
        if current:
            found.setdefault(current, []).append(line)
    return {name: "\n".join(lines) for name, lines in found.items()}


@pytest.fixture(scope="module")
def mypy_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    where = tmp_path_factory.mktemp("mypy")
    write_programs(where)
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(where / ".cache"), "."],
        cwd=where,
        capture_output=True,
        text=True,
        check=False,
    )
    return reports_by_file(checked.stdout)


@pytest.fixture(scope="module")
def pyright_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """pyright from npm, installed for this run (node is on these machines; CI's too)."""
    prefix = tmp_path_factory.mktemp("pyright")
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(prefix),
         f"pyright@{PYRIGHT_VERSION}"],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    where = tmp_path_factory.mktemp("programs")
    write_programs(where)
    venv = Path(sys.prefix)
    config = {"typeCheckingMode": "strict", "venvPath": str(venv.parent), "venv": venv.name}
    (where / "pyrightconfig.json").write_text(json.dumps(config))
    checked = subprocess.run(
        [str(prefix / "node_modules" / ".bin" / "pyright")],
        cwd=where,
        capture_output=True,
        text=True,
        check=False,
    )
    return reports_by_file(checked.stdout)


CHECKERS: dict[str, Callable[[pytest.FixtureRequest], dict[str, str]]] = {
    "mypy": lambda request: request.getfixturevalue("mypy_reports"),
    "pyright": lambda request: request.getfixturevalue("pyright_reports"),
}


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("program", GOOD)
def test_a_well_typed_program_passes(
    request: pytest.FixtureRequest, checker: str, program: str
) -> None:
    reports = CHECKERS[checker](request)
    assert program not in reports, reports[program]


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("program", BAD)
def test_a_wrong_name_or_type_is_reported(
    request: pytest.FixtureRequest, checker: str, program: str
) -> None:
    reports = CHECKERS[checker](request)
    _, by_mypy, by_pyright = BAD[program]
    assert program in reports, f"{checker} found nothing wrong in {program}.py"
    assert (by_mypy if checker == "mypy" else by_pyright) in reports[program]
