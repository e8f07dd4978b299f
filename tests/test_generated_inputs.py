"""The typed arguments (`pulumi_servicestage/_inputs.py`) are generated from the argument
models; this fails while the file is out of date: run `python scripts/generate_inputs.py`."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "scripts" / "generate_inputs.py"


def test_the_typed_arguments_are_generated_from_the_models_as_they_are():
    spec = importlib.util.spec_from_file_location("generate_inputs", SCRIPT)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)

    assert generator.TARGET.read_text(encoding="utf-8") == generator.render(), (
        "pulumi_servicestage/_inputs.py is out of date: run python scripts/generate_inputs.py"
    )
