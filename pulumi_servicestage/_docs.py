"""What each resource's arguments and outputs mean: its `help()` text and its page in docs/.

The meanings live next to what they describe, as attribute docstrings: under each field of an
argument model, and under the annotations of the outputs only the service computes in a
resource class. They are read from the source only when asked for (by `help()`, the reference
pages and the generated typing files that `scripts/generate.py` writes): reading them at import,
as pydantic's `use_attribute_docstrings` does, would parse the large model modules once per
class and triple the time the provider host takes to import a resource module.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
import sys
import textwrap
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel


@dataclass(frozen=True)
class FieldDoc:
    """One argument or output as a user reads about it."""

    name: str
    type: str
    description: str
    required: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClassSource:
    """What a class's own source says: its docstring, and its annotated attributes' docstrings
    with the annotations as written."""

    docstring: str
    attributes: dict[str, tuple[str, str]]


def class_source(cls: type) -> ClassSource:
    node = _class_nodes(cls.__module__).get(cls.__qualname__)
    if node is None:  # defined where no source file exists (an interactive session)
        return ClassSource(inspect.getdoc(cls) or "", {})
    attributes = {}
    for statement, following in zip(node.body, [*node.body[1:], None], strict=True):
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            documentation = ""
            if (
                isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                documentation = inspect.cleandoc(following.value.value)
            attributes[statement.target.id] = (ast.unparse(statement.annotation), documentation)
    return ClassSource(ast.get_docstring(node) or "", attributes)


@functools.cache
def _class_nodes(module: str) -> dict[str, ast.ClassDef]:
    """The top-level classes of a module's source, parsed once."""
    try:
        source = inspect.getsource(sys.modules[module])
    except (KeyError, OSError, TypeError):
        return {}
    return {node.name: node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)}


def field_description(model: type[BaseModel], name: str) -> str:
    """A model field's meaning: its `description`, or the docstring under it in the class of
    `model`'s ancestry that declares it."""
    explicit = model.model_fields[name].description
    if explicit:
        return explicit
    for owner in model.__mro__:
        if name in inspect.get_annotations(owner):
            return class_source(owner).attributes.get(name, ("", ""))[1]
    return ""


def type_text(annotation: Any) -> str:
    """`annotation` as a reader wants it: nested models by name, `None` left to "required"."""
    origin = get_origin(annotation)
    arguments = get_args(annotation)
    if origin is typing.Annotated:
        return type_text(arguments[0])
    if origin in (Union, types.UnionType):
        return " | ".join(dict.fromkeys(type_text(a) for a in arguments if a is not type(None)))
    if origin is Literal:
        return " | ".join(repr(value) for value in arguments)
    if origin in (list, tuple, Sequence):
        return f"list[{type_text(arguments[0])}]"
    if origin in (dict, Mapping):
        return f"dict[str, {type_text(arguments[1])}]"
    if isinstance(annotation, type):
        return annotation.__name__
    return "Any" if annotation is Any else str(annotation)


def nested_models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models an annotation refers to, at any depth of lists, dicts and unions."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in get_args(annotation):
        yield from nested_models(argument)


def model_fields(model: type[BaseModel], *, top_level: bool) -> list[FieldDoc]:
    """A model's fields as documented; nested models name their fields as on the wire."""
    hints = typing.get_type_hints(model, include_extras=True)
    return [
        FieldDoc(
            name=name if top_level else (field.alias or name),
            type=type_text(hints[name]),
            description=field_description(model, name),
            required=field.is_required(),
        )
        for name, field in model.model_fields.items()
    ]


def models_used(model: type[BaseModel]) -> list[type[BaseModel]]:
    """Every model `model`'s fields refer to, depth first in field order, each once."""
    found: dict[type[BaseModel], None] = {}

    def visit(current: type[BaseModel]) -> None:
        hints = typing.get_type_hints(current, include_extras=True)
        for name in current.model_fields:
            for nested in nested_models(hints[name]):
                if nested not in found:
                    found[nested] = None
                    visit(nested)

    visit(model)
    return list(found)


def source_line(model: type[BaseModel]) -> str:
    """The `Source:` paragraph of a model's docstring: the API table it transcribes."""
    for paragraph in inspect.cleandoc(class_source(model).docstring).split("\n\n"):
        if paragraph.startswith("Source:"):
            return " ".join(paragraph.split())
    return ""


@dataclass(frozen=True)
class ResourceDoc:
    """Everything the reference says about one resource class."""

    name: str
    summary: str
    args_model: type[BaseModel]
    id_form: str
    api_path: str
    arguments: list[FieldDoc]
    computed: list[FieldDoc]
    nested: list[type[BaseModel]]


def resource_doc(resource: type) -> ResourceDoc:
    provider = resource.provider_class  # type: ignore[attr-defined]
    model = provider.args_model
    replace_on: frozenset[str] = getattr(provider, "replace_on", frozenset())
    secret_fields = set(provider.secret_fields)
    secret_tops = {path.split(".")[0] for path in provider.secret_paths}
    write_only = set(getattr(provider, "write_only", ()))
    write_only_tops = {path.split(".")[0] for path in write_only}
    arguments = []
    for field in model_fields(model, top_level=True):
        notes = []
        if field.name in replace_on:
            notes.append("changing it replaces the object")
        if field.name in secret_fields:
            notes.append("secret")
        elif field.name in secret_tops:
            notes.append("parts of it are secret")
        if field.name in write_only:
            notes.append("the service does not return it")
        elif field.name in write_only_tops:
            notes.append("the service does not return parts of it")
        arguments.append(dataclasses.replace(field, notes=tuple(notes)))
    source = class_source(resource)
    computed = []
    for name in provider.output_only_fields():
        annotation, description = source.attributes.get(name, ("", ""))
        computed.append(FieldDoc(name, _output_type(annotation), description))
    id_fields = getattr(provider, "id_fields", ())
    return ResourceDoc(
        name=resource.__name__,
        summary=source.docstring,
        args_model=model,
        id_form="/".join(f"<{name}>" for name in id_fields),
        api_path=getattr(provider, "collection_path", ""),
        arguments=arguments,
        computed=computed,
        nested=models_used(model),
    )


def _output_type(annotation: str) -> str:
    inner = annotation.removeprefix("pulumi.Output[").removesuffix("]")
    return inner.replace(" | None", "") if inner != annotation else annotation


# -- help() --------------------------------------------------------------------------------------


def help_text(resource: type) -> str:
    """The class docstring `help()` shows: the summary, then every argument, output and nested
    type with its meaning."""
    doc = resource_doc(resource)
    lines = [doc.summary, ""]
    if doc.id_form:
        lines += [f"Id: {doc.id_form}  (give it as adopt_id to take over an existing object)", ""]
    lines += [f"Arguments (or one {doc.args_model.__name__}):", *_help_fields(doc.arguments)]
    if doc.computed:
        lines += ["", "Outputs computed by the service (every argument is also an output):"]
        lines += _help_fields(doc.computed)
    for model in doc.nested:
        lines += ["", f"{model.__name__} (a dict with these keys):"]
        source = source_line(model)
        if source:
            lines.append(f"  {source}")
        lines += _help_fields(model_fields(model, top_level=False))
    return "\n".join(lines)


def _help_fields(fields: list[FieldDoc]) -> list[str]:
    lines = []
    for field in fields:
        traits = [field.type, *(["required"] if field.required else []), *field.notes]
        lines.append(f"  {field.name}: {', '.join(traits)}")
        lines += textwrap.wrap(
            field.description, 96, initial_indent=" " * 6, subsequent_indent=" " * 6
        )
    return lines


class ClassHelp:
    """A resource class's `__doc__` and `__signature__`, computed when first read.

    `help()` and `inspect` read both from the class; Python calls `__get__` for a class's
    `__doc__` too. Computing them at class creation would read the sources of every argument
    model whenever the provider host imports a resource module.
    """

    def __init__(self, compute: typing.Callable[[type], Any]) -> None:
        self.compute = compute

    def __get__(self, instance: object, owner: type) -> Any:
        return self.compute(owner)


def signature(resource: type) -> inspect.Signature:
    """The call signature `help()` and `inspect` show: every argument by name and type."""
    model = resource.provider_class.args_model  # type: ignore[attr-defined]
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [
        inspect.Parameter("resource_name", positional, annotation="str"),
        inspect.Parameter(
            "args_or_opts",
            positional,
            default=None,
            annotation=f"{model.__name__} | pulumi.ResourceOptions | None",
        ),
        inspect.Parameter(
            "opts", positional, default=None, annotation="pulumi.ResourceOptions | None"
        ),
    ]
    for field in model_fields(model, top_level=True):
        parameters.append(
            inspect.Parameter(
                field.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=inspect.Parameter.empty if field.required else None,
                annotation=field.type if field.required else f"{field.type} | None",
            )
        )
    return inspect.Signature(parameters, return_annotation="None")


# -- docs/ -----------------------------------------------------------------------------------------


def reference_page(resource: type, module: str) -> str:
    """The Markdown reference page of one resource."""
    doc = resource_doc(resource)
    lines = [f"# {doc.name}", "", doc.summary, ""]
    lines.append(
        f"- Python: `from pulumi_servicestage import {doc.name}, {doc.args_model.__name__}`"
    )
    lines.append(f"- Source code: `pulumi_servicestage/{module}.py`")
    if doc.api_path:
        lines.append(f"- API collection: `{doc.api_path}`")
    if doc.id_form:
        lines.append(
            f"- Id: `{doc.id_form}`; to take over an existing object, give its id as `adopt_id`"
        )
    lines += ["", "## Arguments", ""]
    lines += _table(doc.arguments, with_required=True)
    lines += ["", "## Outputs", "", "Every argument is also an output of the same name."]
    if doc.computed:
        lines += ["", "The service also returns:", ""]
        lines += _table(doc.computed, with_required=False)
    for model in doc.nested:
        lines += ["", f"## {model.__name__}", ""]
        source = source_line(model)
        if source:
            lines += [source, ""]
        lines += _table(model_fields(model, top_level=False), with_required=True)
    return "\n".join(lines) + "\n"


def _table(fields: list[FieldDoc], *, with_required: bool) -> list[str]:
    header = (
        "| Name | Type | Required | Description |"
        if with_required
        else "| Name | Type | Description |"
    )
    rows = [header, "|" + "---|" * header.count(" | ") + "---|"]
    for field in fields:
        text = " ".join(field.description.split())
        if field.notes:
            text = f"{text} *({'; '.join(field.notes)})*".strip()
        cells = [f"`{field.name}`", f"`{field.type}`".replace("|", "\\|")]
        if with_required:
            cells.append("yes" if field.required else "")
        cells.append(text.replace("|", "\\|"))
        rows.append("| " + " | ".join(cells) + " |")
    return rows
