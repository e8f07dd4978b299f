"""The package's lazily imported names."""

import ast
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pulumi_servicestage

INIT = Path(pulumi_servicestage.__file__)


def test_every_exported_name_resolves():
    for name in pulumi_servicestage.__all__:
        assert getattr(pulumi_servicestage, name) is not None, name


def test_the_written_out_exports_are_the_lazy_ones():
    exported = pulumi_servicestage.__all__
    assert sorted(exported) == sorted({"__version__", *pulumi_servicestage._MODULE_OF})


def test_version_is_the_distribution_s():
    assert pulumi_servicestage.__version__ == version("pulumi-servicestage")


def test_type_checking_imports_match_the_exports():
    tree = ast.parse(INIT.read_text())
    guarded = next(
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )
    imported = {
        alias.name
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == set(pulumi_servicestage.__all__) - {"__version__"}


def test_importing_one_resource_module_leaves_the_others_unloaded():
    code = (
        "import sys, pulumi_servicestage.environment\n"
        "print(sorted(m for m in sys.modules if m.startswith('pulumi_servicestage.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "pulumi_servicestage.environment" in loaded
    for other in ("release_plan", "configuration", "grayscale_release", "component_spec"):
        assert f"pulumi_servicestage.{other}'" not in loaded, other
