"""How the provider plugin names properties: Pulumi's camelCase, converted to and from the
arguments the resource models take, in one place for the schema and the server.

A property's schema name is the camelCase of its Python field name (`application_id` →
`applicationId`, `deploy_mode` → `deployMode`), at the top level and in nested objects alike;
each language's generated SDK maps it to its own casing. The keys of maps (`labels`, `env`,
`properties`, ...) are the user's data and are never renamed. Arguments reach the lifecycle as
the dynamic providers take them: top-level fields by their Python names, nested ones by their
wire names.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel


def camel(name: str) -> str:
    """`application_id` → `applicationId`; a trailing `_` (`class_`) is dropped."""
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def snake(name: str) -> str:
    """`applicationId` → `application_id`: a schema name back to its Python name."""
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in name)


def schema_names(model: type[BaseModel]) -> dict[str, str]:
    """Schema name → Python field name, for one model's fields."""
    return {camel(name): name for name in model.model_fields}


def from_schema(
    model: type[BaseModel], values: Mapping[str, Any], *, top_level: bool
) -> dict[str, Any]:
    """Properties named as in the schema → values as the dynamic providers take them."""
    names = schema_names(model)
    hints = typing.get_type_hints(model, include_extras=True)
    result: dict[str, Any] = {}
    for key, value in values.items():
        name = names.get(key)
        if name is None:  # unknown: Check reports it under the name the user gave
            result[key] = value
            continue
        field = model.model_fields[name]
        target = name if top_level else (field.alias or name)
        result[target] = _convert(hints[name], value, from_schema)
    return result


def to_schema(
    model: type[BaseModel], values: Mapping[str, Any], *, top_level: bool
) -> dict[str, Any]:
    """Values as the dynamic providers answer them → properties named as in the schema."""
    hints = typing.get_type_hints(model, include_extras=True)
    by_key = {
        (name if top_level else (field.alias or name)): name
        for name, field in model.model_fields.items()
    }
    result: dict[str, Any] = {}
    for key, value in values.items():
        name = by_key.get(key)
        result[camel(name) if name else key] = (
            _convert(hints[name], value, to_schema) if name else value
        )
    return result


def _convert(annotation: Any, value: Any, convert: Any) -> Any:
    """`value` of type `annotation`, with the objects (models) in it converted by `convert`."""
    model = _model_in(annotation)
    if model is not None and isinstance(value, Mapping):
        return convert(model, value, top_level=False)
    item = _item_type(annotation)
    if item is not None and isinstance(value, Sequence) and not isinstance(value, str):
        return [_convert(item, element, convert) for element in value]
    return value


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (typing.Annotated, Union, types.UnionType):
        for argument in get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None


def _item_type(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin in (list, tuple, Sequence):
        return get_args(annotation)[0]
    if origin in (typing.Annotated, Union, types.UnionType):
        for argument in get_args(annotation):
            found = _item_type(argument)
            if found is not None:
                return found
    return None
