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
def pyright_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pyright from npm, installed for this run (node is on these machines; CI's too)."""
    prefix = tmp_path_factory.mktemp("pyright")
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(prefix),
         f"pyright@{PYRIGHT_VERSION}"],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    return prefix / "node_modules" / ".bin"


def pyright_config(where: Path) -> None:
    venv = Path(sys.prefix)
    config = {"typeCheckingMode": "strict", "venvPath": str(venv.parent), "venv": venv.name}
    (where / "pyrightconfig.json").write_text(json.dumps(config))


@pytest.fixture(scope="module")
def pyright_reports(tmp_path_factory: pytest.TempPathFactory, pyright_bin: Path) -> dict[str, str]:
    where = tmp_path_factory.mktemp("programs")
    write_programs(where)
    pyright_config(where)
    checked = subprocess.run(
        [str(pyright_bin / "pyright")],
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


# -- what the IDE shows -------------------------------------------------------------------------

#: A program, and where in it the IDE should show the documents' meaning of what is there.
IDE_PROGRAM = """\
from pulumi_servicestage import Application, Component

app = Application("shop", name="shop")
web = Component(
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
print(app.name, web.replica, web.component_id)
"""


class LanguageServer:
    """pyright's language server (the engine of VS Code's Pylance), spoken to over stdio."""

    def __init__(self, command: list[str], root: Path) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0
        self.request("initialize", {
            "processId": None,
            "rootUri": root.as_uri(),
            "capabilities": {
                "textDocument": {"hover": {"contentFormat": ["markdown"]}},
                "workspace": {"configuration": True},
            },
        })  # fmt: skip
        self.notify("initialized", {})

    def send(self, message: dict[str, object]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> dict[str, object]:
        assert self.process.stdout is not None
        length = 0
        while line := self.process.stdout.readline().strip():
            name, _, value = line.decode().partition(": ")
            if name == "Content-Length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def notify(self, method: str, params: dict[str, object]) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, object]) -> object:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")
            if "method" in message and "id" in message:  # the server asks for its settings
                settings = [{"pythonPath": sys.executable}] if message["method"] == (
                    "workspace/configuration") else None  # fmt: skip
                self.send({"id": message["id"], "result": settings})

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture(scope="module")
def ide(tmp_path_factory: pytest.TempPathFactory, pyright_bin: Path):
    where = tmp_path_factory.mktemp("ide")
    pyright_config(where)
    program = where / "program.py"
    program.write_text(IDE_PROGRAM)
    server = LanguageServer([str(pyright_bin / "pyright-langserver"), "--stdio"], where)
    document = {"uri": program.as_uri(), "languageId": "python", "version": 1}
    server.notify("textDocument/didOpen", {"textDocument": {**document, "text": IDE_PROGRAM}})
    # A hover waits for the program's analysis; a signature help asked before it answers None.
    server.request(
        "textDocument/hover", {"textDocument": document, "position": {"line": 0, "character": 0}}
    )

    def ask(method: str, text: str, offset: int) -> object:
        at = IDE_PROGRAM.index(text) + offset
        line = IDE_PROGRAM.count("\n", 0, at)
        position = {"line": line, "character": at - (IDE_PROGRAM.rfind("\n", 0, at) + 1)}
        return server.request(
            method, {"textDocument": {"uri": program.as_uri()}, "position": position}
        )

    yield ask
    server.close()


def description(resource: str, argument: str) -> str:
    """The first words of an argument's description, as its argument model documents it."""
    import pulumi_servicestage
    from pulumi_servicestage._docs import field_description

    model = getattr(pulumi_servicestage, resource).provider_class.args_model
    return " ".join(field_description(model, argument).split()[:6]) or "(undocumented)"


def nested_description(model: str, key: str) -> str:
    from pulumi_servicestage import component_spec
    from pulumi_servicestage._docs import field_description

    return " ".join(field_description(getattr(component_spec, model), key).split()[:6])


@pytest.mark.parametrize(
    ("text", "resource", "argument"),
    [('name="shop"', "Application", "name"), ("replica=2", "Component", "replica"),
     ("source={", "Component", "source")],
)  # fmt: skip
def test_while_typing_an_argument_the_ide_shows_its_meaning(ide, text, resource, argument):
    """Signature help: what VS Code shows under the call while an argument is being typed."""
    help_ = ide("textDocument/signatureHelp", text, text.index("=") + 1)
    signature = help_["signatures"][help_["activeSignature"]]
    parameter = signature["parameters"][help_["activeParameter"]]

    assert parameter["label"].startswith(f"{argument}:")
    assert description(resource, argument) in " ".join(parameter["documentation"]["value"].split())


@pytest.mark.parametrize(
    ("text", "model", "key"),
    [('"kind"', "Source", "kind"), ('"deploy_mode"', "RuntimeStack", "deploy_mode"),
     ('"type": "cce"', "ReferResource", "type")],
)  # fmt: skip
def test_hovering_a_nested_key_shows_its_meaning(ide, text, model, key):
    hover = ide("textDocument/hover", text, 2)

    assert nested_description(model, key)
    assert nested_description(model, key) in " ".join(hover["contents"]["value"].split())


@pytest.mark.parametrize(
    ("text", "resource", "output"),
    [("app.name", "Application", "name"), ("web.replica", "Component", "replica")],
)
def test_hovering_an_output_shows_its_meaning(ide, text, resource, output):
    hover = ide("textDocument/hover", text, len(text) - 1)

    assert description(resource, output) in " ".join(hover["contents"]["value"].split())


def test_hovering_a_computed_output_shows_its_meaning(ide):
    from pulumi_servicestage import Component
    from pulumi_servicestage._docs import class_source

    _, meaning = class_source(Component).attributes["component_id"]
    hover = ide("textDocument/hover", "web.component_id", len("web.component_id") - 1)

    assert " ".join(meaning.split()[:6]) in " ".join(hover["contents"]["value"].split())


def test_hovering_the_resource_in_its_call_shows_every_argument_s_meaning(ide):
    from pulumi_servicestage import Component
    from pulumi_servicestage._docs import field_description

    hover = " ".join(ide("textDocument/hover", "Component(", 1)["contents"]["value"].split())
    model = Component.provider_class.args_model

    for argument in ("name", "replica", "refer_resources", "adopt_id"):
        meaning = " ".join(field_description(model, argument).split()[:6])
        assert f":param {argument}: {meaning}" in hover.replace("\\_", "_"), argument
