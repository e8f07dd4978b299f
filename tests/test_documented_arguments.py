"""Every argument, output and nested field carries its meaning from the API documents, and
`help()`, `inspect.signature` and the reference pages in docs/ show it."""

from __future__ import annotations

import inspect
import pydoc
import re
from pathlib import Path

import pytest

import pulumi_servicestage
from pulumi_servicestage import _docs
from pulumi_servicestage._lifecycle import RestResource

RESOURCES = [
    item
    for item in (getattr(pulumi_servicestage, name) for name in pulumi_servicestage.__all__)
    if isinstance(item, type) and issubclass(item, RestResource)
]
README = Path(__file__).parents[1] / "README.md"
DOCS = Path(__file__).parents[1] / "docs"


def ids(resource: type) -> str:
    return resource.__name__


@pytest.mark.parametrize("resource", RESOURCES, ids=ids)
def test_every_argument_and_output_has_a_description(resource):
    doc = _docs.resource_doc(resource)

    undocumented = [f.name for f in doc.arguments + doc.computed if not f.description]
    assert not undocumented, f"{resource.__name__}: {undocumented}"


@pytest.mark.parametrize("resource", RESOURCES, ids=ids)
def test_every_nested_type_cites_its_table_and_documents_its_fields(resource):
    for model in _docs.resource_doc(resource).nested:
        fields = _docs.model_fields(model, top_level=False)

        assert _docs.source_line(model) or model.__name__ == "Timeouts", model
        assert [f.name for f in fields if not f.description] == [], model


@pytest.mark.parametrize("resource", RESOURCES, ids=ids)
def test_every_argument_model_cites_its_table(resource):
    assert _docs.source_line(resource.provider_class.args_model).startswith("Source: ")


def test_help_shows_each_argument_with_its_meaning():
    from pulumi_servicestage import Component

    text = pydoc.render_doc(Component, renderer=pydoc.plaintext)
    replica = _docs.field_description(Component.provider_class.args_model, "replica")

    assert "replica: int" in text
    assert replica and " ".join(replica.split()[:8]) in " ".join(text.split())
    assert "component_id: str" in text  # computed by the service
    assert "Source (a dict with these keys):" in text


def test_the_signature_names_every_argument_instead_of_kwargs():
    from pulumi_servicestage import Application

    parameters = inspect.signature(Application).parameters

    assert list(parameters)[:3] == ["resource_name", "args_or_opts", "opts"]
    assert parameters["name"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["name"].default is inspect.Parameter.empty  # required
    assert parameters["description"].default is None
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def test_replacement_and_secrets_are_named_on_the_page():
    page = (DOCS / "repo_authorization.md").read_text()
    token = next(line for line in page.splitlines() if line.startswith("| `token` |"))

    assert "secret" in token
    assert "changing it replaces the object" in token
    assert "the service does not return it" in token


def test_the_readme_links_every_reference_page():
    readme = README.read_text()
    linked = set(re.findall(r"\]\((docs/[\w.]+\.md)\)", readme))

    assert {f"docs/{path.name}" for path in DOCS.glob("*.md")} <= linked
