"""The typed inputs and outputs and the reference pages in docs/ are generated from the argument
models and the resource classes; this fails while any of them is out of date: run
`python scripts/generate.py`."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "scripts" / "generate.py"


def load_generator():
    spec = importlib.util.spec_from_file_location("generate", SCRIPT)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    return generator


def test_every_generated_file_is_as_the_models_make_it():
    generator = load_generator()
    expected = generator.render()

    stale = [
        str(path.relative_to(generator.ROOT))
        for path, text in expected.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"out of date: {stale}; run python scripts/generate.py"


def test_docs_holds_no_page_of_a_resource_that_is_gone():
    generator = load_generator()

    assert set(generator.DOCS.glob("*.md")) == set(generator.render_docs())
