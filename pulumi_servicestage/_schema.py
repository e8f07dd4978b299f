"""The provider plugin's package schema (its `GetSchema` answer) and its functions (`Invoke`).

The schema is generated from what the Python front end already declares, so that nothing is
written twice: each resource's argument model gives its inputs, its provider class the outputs
only the service computes (typed by the resource class's annotations), its secrets and what
forces replacement; the lookup functions give the schema's functions; `config.ALL_SETTINGS`
gives the provider's configuration. Meanings come from `_docs`; property names from
`_schema_names`. `scripts/generate.py` writes the result to ``provider/schema.json``.

Every token is in the module ``index``. Resources are named by class
(``servicestage:index:Component``), nested argument models and lookup answers are object types
named by class (those in `_RENAMED` excepted: they share a class name with another model or a
resource), and lookups by the camelCase of their Python name
(``servicestage:index:getComponents``). A schema function answers an object, so a lookup that
answers a list answers it as its `items` output.

For the server, besides `package_schema()`: `FUNCTIONS` (token → lookup function, called with the
inputs by their Python parameter names) and `function_outputs()` (a lookup's answer as the
function's outputs).
"""

from __future__ import annotations

import inspect
import sys
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, Union, get_args, get_origin

from pulumi.runtime import rpc
from pydantic import BaseModel, SecretStr

import pulumi_servicestage

from . import _docs
from ._host import DEFAULT_HOST_WORKERS, MAX_HOST_WORKERS
from ._lifecycle import RestResource
from ._lookup import LookupResult
from ._schema_names import camel
from .config import ALL_SETTINGS, MAX_RETRIES_LIMIT, NAMESPACE, Setting

MODULE = "index"

#: Models whose class name another model or a resource also has, by the type name they take.
_RENAMED = {
    "pulumi_servicestage.component_spec.Label": "ComponentLabel",
    "pulumi_servicestage.component_spec.RuntimeStack": "ComponentRuntimeStack",
}

#: What each setting means; where else it is read from is added from the `Setting`.
_SETTING_MEANINGS = {
    "region": "The Huawei Cloud region whose APIs are called, e.g. `cn-north-4`.",
    "projectId": "The ID of the project in that region: 32 hexadecimal characters.",
    "accessKey": "The access key ID (AK) of an access key pair.",
    "secretKey": "The secret access key (SK) of the access key pair.",
    "securityToken": "The security token of a temporary access key pair.",
    "authToken": "An IAM token to authenticate with, instead of an access key pair.",
    "userName": "The name of an IAM user to authenticate as, with its password.",
    "password": "The password of the IAM user.",
    "domainName": "The name of the account (domain) the IAM user belongs to.",
    "endpoint": (
        "The ServiceStage API's address (by default "
        "`https://servicestage.<region>.myhuaweicloud.com`); set alone, it serves every API, as "
        "the local emulator does."
    ),
    "iamEndpoint": "The IAM API's address (by default `https://iam.<region>.myhuaweicloud.com`).",
    "cseEndpoint": (
        "The microservice engines' (CSE) API address (by default "
        "`https://cse.<region>.myhuaweicloud.com`)."
    ),
    "asmEndpoint": (
        "The service mesh (ASM) API's address (by default "
        "`https://asm.<region>.myhuaweicloud.com`)."
    ),
    "engineCaBundle": (
        "The path of a PEM file of the CA certificates that signed the certificates of the "
        "engines' own addresses (service registry, configuration center), when that CA is not "
        "a public one."
    ),
    "enginePasswords": (
        "The root passwords of engines with security authentication, as a JSON object of engine "
        "id to password: what an import (or a `get`) of an object such an engine keeps uses "
        "when no `enginePassword` argument gives it."
    ),
    "maxRequestsPerSecond": (
        "The request budget of each API (method and path) and credential, shared by every "
        "call of the provider: 0.1 to 10000 requests per second (by default 8, under Huawei "
        "Cloud's published quota of 10 per API and user). After a 429 nothing is sent before "
        "its Retry-After, the rate drops below what the last second sent and is held 10 s, then "
        "recovers a twentieth per second."
    ),
    "maxRetries": (
        f"How many times a failed request is retried: 0 to {MAX_RETRIES_LIMIT} (by default 5)."
    ),
    "hostWorkers": (
        "How many calls the Python dynamic provider host (not this plugin) serves at once: 0 to "
        f"{MAX_HOST_WORKERS} (by default {DEFAULT_HOST_WORKERS}); 0 leaves the host's own four."
    ),
}
_INTEGER_SETTINGS = frozenset({"maxRetries", "hostWorkers"})
_NUMBER_SETTINGS = frozenset({"maxRequestsPerSecond"})

_LIST_OUTPUTS_NOTE = (
    "A function answers an object: the list is its `items` output (in Python, "
    "`pulumi_servicestage` answers the list itself)."
)
_ANY = {"$ref": "pulumi.json#/Any"}


def token(name: str) -> str:
    """The schema token of a resource, type or function called `name`."""
    return f"{NAMESPACE}:{MODULE}:{name}"


def resource_classes() -> list[type[RestResource]]:
    """The resource classes the package exports, in the order of its `__all__`."""
    exported = (getattr(pulumi_servicestage, name) for name in pulumi_servicestage.__all__)
    return [item for item in exported if isinstance(item, type) and issubclass(item, RestResource)]


def _is_lookup(name: str) -> bool:
    return name.startswith(("get_", "find_")) and not name.endswith("_output")


class _Functions(Mapping[str, Callable[..., Any]]):
    """Function token → lookup function; a lookup's module is imported when it is asked for."""

    def __init__(self) -> None:
        self._names = {
            token(camel(name)): name for name in pulumi_servicestage.__all__ if _is_lookup(name)
        }

    def __getitem__(self, key: str) -> Callable[..., Any]:
        function: Callable[..., Any] = getattr(pulumi_servicestage, self._names[key])
        return function

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


FUNCTIONS: Mapping[str, Callable[..., Any]] = _Functions()
"""Each schema function's token → the plain lookup (`get_components`, not its `_output`
variant). Call it with the inputs by their Python names (the snake_case of the schema's
camelCase), then shape its answer with `function_outputs`."""


def function_outputs(answer: Any) -> dict[str, Any]:
    """A lookup's answer as its schema function's outputs: a model's fields (camelCase at every
    level; keys of maps untouched; fields the service added beyond the model left out), or a
    list under `items`. Secret strings (a configuration's content) are revealed, wrapped as
    secrets for the engine."""
    if isinstance(answer, BaseModel):
        outputs: dict[str, Any] = _plain(answer)
        return outputs
    return {"items": _plain(answer)}


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return {camel(name): _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, SecretStr):
        return rpc.wrap_rpc_secret(value.get_secret_value())
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(item) for item in value]
    return value


def package_schema() -> dict[str, Any]:
    """The package schema, valid against Pulumi's package metaschema."""
    return _SchemaWriter().schema()


class _SchemaWriter:
    """One schema being written: the object types found so far and the secrets in them."""

    def __init__(self) -> None:
        self.resources = resource_classes()
        self.types: dict[str, dict[str, Any]] = {}
        self.type_names: dict[type[BaseModel], str] = {}
        self.pending: list[type[BaseModel]] = []
        # The names a type must not take: every resource's, in the same token space.
        self.taken: dict[str, type] = {resource.__name__: resource for resource in self.resources}
        self.secret_parts = self._nested_secrets()
        # A lookup's parameter is secret when a resource keeps a field of that name secret: the
        # same name means the same thing across the package (`engine_password`).
        self.secret_names = {
            name for resource in self.resources for name in resource.provider_class.secret_fields
        }

    def schema(self) -> dict[str, Any]:
        settings = {setting.key: _setting_property(setting) for setting in ALL_SETTINGS}
        resources = {
            token(resource.__name__): self.resource(resource) for resource in self.resources
        }
        functions = {name: self.function(lookup) for name, lookup in FUNCTIONS.items()}
        while self.pending:
            model = self.pending.pop(0)
            self.types[token(self.type_names[model])] = self.object_type(model)
        return {
            "name": NAMESPACE,
            "displayName": "Huawei Cloud ServiceStage",
            "description": (
                "Huawei Cloud ServiceStage: environments, applications, components and their "
                "releases, configurations, and microservice engines with their registries."
            ),
            "version": pulumi_servicestage.__version__,
            "license": "Apache-2.0",
            "config": {"variables": settings},
            "provider": {
                "description": (
                    "The ServiceStage provider: where the APIs are and how to authenticate. "
                    "Each explicit provider is configured on its own (another region or account)."
                ),
                "inputProperties": settings,
            },
            "resources": resources,
            "types": self.types,
            "functions": functions,
            "language": {"python": {"packageName": "pulumi_servicestage_sdk"}},
        }

    # -- resources -------------------------------------------------------------------------------

    def resource(self, resource: type[RestResource]) -> dict[str, Any]:
        provider = resource.provider_class
        model = provider.args_model
        secret = {*provider.secret_fields, *(p for p in provider.secret_paths if "." not in p)}
        replace_on: frozenset[str] = getattr(provider, "replace_on", frozenset())
        inputs = self.properties(model, secret=secret, replace_on=replace_on)
        outputs = dict(inputs)
        source = _docs.class_source(resource)
        for name in provider.output_only_fields():
            text, description = source.attributes[name]
            annotation = _output_type(text, resource)
            outputs[camel(name)] = self.property(annotation, description, secret=name in secret)
        required_inputs = [camel(name) for name, f in model.model_fields.items() if f.is_required()]
        # The id parts are known once the object exists, whatever else the service answers.
        id_outputs = [camel(name) for name in getattr(provider, "id_fields", ())]
        return {
            "description": _docs.resource_doc(resource).summary,
            "inputProperties": inputs,
            "requiredInputs": required_inputs,
            "properties": outputs,
            "required": [
                name for name in dict.fromkeys([*required_inputs, *id_outputs]) if name in outputs
            ],
        }

    def properties(
        self,
        model: type[BaseModel],
        *,
        secret: Iterable[str] = (),
        replace_on: Iterable[str] = (),
    ) -> dict[str, dict[str, Any]]:
        hints = typing.get_type_hints(model, include_extras=True)
        secret, replace_on = set(secret), set(replace_on)
        return {
            camel(name): self.property(
                hints[name],
                _docs.field_description(model, name),
                secret=name in secret,
                replaces=name in replace_on,
            )
            for name in model.model_fields
        }

    def property(
        self, annotation: Any, description: str, *, secret: bool = False, replaces: bool = False
    ) -> dict[str, Any]:
        spec = self.type_of(annotation)
        if description:
            spec["description"] = description
        if secret or any(part is SecretStr for part in _parts(annotation)):
            spec["secret"] = True
        if replaces:
            spec["replaceOnChanges"] = True
        return spec

    # -- types -----------------------------------------------------------------------------------

    def object_type(self, model: type[BaseModel]) -> dict[str, Any]:
        secret = {name for owner, name in self.secret_parts if owner is model}
        spec: dict[str, Any] = {
            "type": "object",
            "properties": self.properties(model, secret=secret),
        }
        description = _docs.class_source(model).docstring
        if description:
            spec["description"] = description
        required = [
            camel(name) for name, field in model.model_fields.items() if field.is_required()
        ]
        if required:
            spec["required"] = required
        return spec

    def type_of(self, annotation: Any) -> dict[str, Any]:
        """The schema type of `annotation`; a model found for the first time is queued."""
        origin = get_origin(annotation)
        arguments = get_args(annotation)
        if origin is typing.Annotated:
            return self.type_of(arguments[0])
        if origin in (Union, types.UnionType):
            kinds: list[dict[str, Any]] = []
            for argument in arguments:
                if argument is not type(None) and (kind := self.type_of(argument)) not in kinds:
                    kinds.append(kind)
            return kinds[0] if len(kinds) == 1 else {"oneOf": kinds}
        if origin is Literal:
            # The values as their type, not an enum: the descriptions list them, and enum names
            # made from values that differ only in case (`weight`, `WEIGHT`) would collide.
            primitives = {_PRIMITIVES[type(value)] for value in arguments}
            return {"type": primitives.pop() if len(primitives) == 1 else "string"}
        if origin in (list, tuple, Sequence):
            return {"type": "array", "items": self.type_of(arguments[0] if arguments else Any)}
        if origin in (dict, Mapping):
            values = self.type_of(arguments[1] if arguments else Any)
            return {"type": "object", "additionalProperties": values}
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return {"$ref": f"#/types/{token(self.type_name(annotation))}"}
        if annotation is Any:
            return dict(_ANY)
        if annotation in _PRIMITIVES:
            return {"type": _PRIMITIVES[annotation]}
        raise TypeError(f"no schema type for {annotation!r}")

    def type_name(self, model: type[BaseModel]) -> str:
        if model not in self.type_names:
            name = _RENAMED.get(f"{model.__module__}.{model.__qualname__}", model.__name__)
            other = self.taken.setdefault(name, model)
            if other is not model:
                raise ValueError(
                    f"{model.__module__}.{model.__qualname__} and {other.__module__}."
                    f"{other.__qualname__} would both be the schema's {name}: give one a name "
                    f"in {__name__}._RENAMED"
                )
            self.type_names[model] = name
            self.pending.append(model)
        return self.type_names[model]

    def _nested_secrets(self) -> set[tuple[type[BaseModel], str]]:
        """(model, field) of every nested field a resource's `secret_paths` point at; a type is
        shared, so a field secret in one resource is secret in all."""
        found = set()
        for resource in self.resources:
            provider = resource.provider_class
            for path in provider.secret_paths:
                *parents, last = [step for step in path.split(".") if step != "*"]
                owner = _model_at(provider.args_model, parents) if parents else None
                name = _field_named(owner, last) if owner else None
                if owner and name:
                    found.add((owner, name))
        return found

    # -- functions -------------------------------------------------------------------------------

    def function(self, lookup: Callable[..., Any]) -> dict[str, Any]:
        hints = typing.get_type_hints(lookup)
        parameters = inspect.signature(lookup).parameters.values()
        inputs = {
            camel(parameter.name): self.property(
                hints[parameter.name], "", secret=parameter.name in self.secret_names
            )
            for parameter in parameters
        }
        required = [
            camel(parameter.name)
            for parameter in parameters
            if parameter.default is inspect.Parameter.empty
        ]
        answer = hints["return"]
        description = inspect.getdoc(lookup) or ""
        if isinstance(answer, type) and issubclass(answer, LookupResult):
            outputs = self.object_type(answer)
            outputs.pop("description", None)
        else:
            outputs = {"properties": {"items": self.property(answer, "")}, "required": ["items"]}
            description = f"{description}\n\n{_LIST_OUTPUTS_NOTE}".strip()
        spec: dict[str, Any] = {
            "description": description,
            "inputs": {"properties": inputs},
            "outputs": outputs,
        }
        if required:
            spec["inputs"]["required"] = required
        return spec


_PRIMITIVES: dict[Any, str] = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    SecretStr: "string",
}


def _field_named(model: type[BaseModel], key: str) -> str | None:
    """The field of `model` a secret path's `key` names (its Python name or its wire name)."""
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return name
    return None


def _model_at(model: type[BaseModel], steps: Sequence[str]) -> type[BaseModel] | None:
    """The model of the objects that the field path `steps` leads to from `model`, if any."""
    found: type[BaseModel] | None = model
    for step in steps:
        name = _field_named(found, step) if found else None
        if found is None or name is None:
            return None
        found = next(_docs.nested_models(typing.get_type_hints(found)[name]), None)
    return found


def _parts(annotation: Any) -> Iterator[Any]:
    """`annotation` and every type inside it."""
    yield annotation
    for argument in get_args(annotation):
        yield from _parts(argument)


def _output_type(annotation: str, resource: type) -> Any:
    """The `T` of a computed output's annotation ``pulumi.Output[T]``, as written in the resource
    class (a string: its module postpones annotations), evaluated in the class's module.

    Only these annotations are evaluated: `typing.get_type_hints(resource)` would also evaluate
    the ones its bases import for type checkers only.
    """
    evaluated = eval(annotation, vars(sys.modules[resource.__module__]))  # the package's source
    arguments = get_args(evaluated)
    return arguments[0] if arguments else Any


def _setting_property(setting: Setting) -> dict[str, Any]:
    elsewhere = [f"`{key}`" for key in setting.config_keys[1:]] + [
        f"`{name}`" for name in setting.env_vars
    ]
    description = _SETTING_MEANINGS[setting.key]
    if elsewhere:
        description += f" If unset, read from {' or '.join(elsewhere)}."
    spec: dict[str, Any] = {
        "type": "integer"
        if setting.key in _INTEGER_SETTINGS
        else "number"
        if setting.key in _NUMBER_SETTINGS
        else "string",
        "description": description,
    }
    if setting.secret:
        spec["secret"] = True
    return spec
