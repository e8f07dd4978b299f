"""Hypothesis strategies for provider inputs: plausible ones, derived from the argument models,
and garbage made by mutating them.

Two kinds of values stand for things an example only knows once it runs, and are replaced by
`materialize` then: `Ref` (the id of an object the example's setup made in the emulator) and
`Package` (a zip package, written to a file whose path takes its place). Examples therefore
print, shrink and replay the same whatever ids the emulator hands out.
"""

from __future__ import annotations

import hashlib
import io
import math
import types
import typing
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from hypothesis import strategies as st
from pulumi.output import Unknown
from pydantic import BaseModel

#: Where a value sits in an input: dict keys and list indexes, from the top.
MemberPath = tuple[str | int, ...]

# -- placeholders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """The id of a setup object (`name` is its key in the case's places)."""

    name: str

    def __repr__(self) -> str:
        return f"Ref({self.name!r})"


@dataclass(frozen=True)
class Package:
    """A zip package: (member name, UTF-8 text) pairs; stands for the path of its file."""

    members: tuple[tuple[str, str], ...]

    def __repr__(self) -> str:
        return f"Package({self.members!r})"

    def write(self, directory: Path) -> str:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
            # A member written twice is one of the packages the provider must refuse.
            warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
            for name, text in self.members:
                archive.writestr(name, text.encode("utf-8"))
        data = buffer.getvalue()
        path = directory / f"{hashlib.sha256(data).hexdigest()[:16]}.zip"
        if not path.exists():
            path.write_bytes(data)
        return str(path)


def materialize(value: Any, places: Mapping[str, str], directory: Path) -> Any:
    """`value` with every `Ref` replaced by its place's id and every `Package` by its file."""
    if isinstance(value, Ref):
        return places[value.name]
    if isinstance(value, Package):
        return value.write(directory)
    if isinstance(value, dict):
        return {key: materialize(item, places, directory) for key, item in value.items()}
    if isinstance(value, list):
        return [materialize(item, places, directory) for item in value]
    return value


def as_sent_by_engine(value: Any) -> Any:
    """`value` as the engine hands it to a provider: numbers as floats, None members of
    objects dropped (list items stay)."""
    if isinstance(value, dict):
        return {k: as_sent_by_engine(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [as_sent_by_engine(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


# -- garbage ------------------------------------------------------------------------------------

UNKNOWN = Unknown()

# Strings a program, a config file or a broken state may hold where something else is expected.
ODD_STRINGS = (
    "",
    " ",
    "2",
    "-1",
    "0",
    "2.5",
    "1e309",
    "true",
    "false",
    "yes",
    "null",
    "NaN",
    "inf",
    "/",
    "a/b",
    "../..",
    "..",
    ".",
    "?x=1",
    "#frag",
    "%2F",
    "a b",
    "\x00",
    "\n",
    "line\nbreak",
    "\t",
    "\x7f",
    "é",
    "名字",
    "🙂",
    "\u202e",
    "x" * 300,
)
ODD_NUMBERS = (
    math.nan,
    math.inf,
    -math.inf,
    -0.0,
    -1,
    -1.5,
    0,
    0.5,
    1,
    2.0,
    2**31,
    2**63,
    2**64,
    -(2**64),
    1e308,
)

odd_scalars: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.sampled_from(ODD_NUMBERS),
    st.floats(),
    st.integers(),
    st.booleans(),
    st.none(),
    st.just(UNKNOWN),
    st.text(max_size=12),
)


def garbage(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Any value the engine can carry, nested, with dict keys drawn from `keys` (field names
    of the model, so that nested garbage lands on fields the provider reads)."""
    huge_lists = odd_scalars.map(lambda item: [item] * 1000)
    nested = st.recursive(
        odd_scalars,
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=3)
        ),
        max_leaves=6,
    )
    return st.one_of(nested, huge_lists, st.just([]), st.just({}))


# -- mutations ----------------------------------------------------------------------------------


def paths_in(value: Any, prefix: MemberPath = ()) -> Iterator[MemberPath]:
    """Every path to a member of a dict or list in `value`, outermost first."""
    if isinstance(value, dict):
        items: Iterator[tuple[str | int, Any]] = iter(value.items())
    elif isinstance(value, list):
        items = iter(enumerate(value))
    else:
        return
    for key, item in items:
        yield (*prefix, key)
        yield from paths_in(item, (*prefix, key))


def containers_in(value: Any, prefix: MemberPath = ()) -> Iterator[MemberPath]:
    """Every path to a dict in `value`, `value` itself included."""
    if isinstance(value, dict):
        yield prefix
        for key, item in value.items():
            yield from containers_in(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from containers_in(item, (*prefix, index))


def _changed(value: Any, path: MemberPath, change: Callable[[Any, str | int], Any]) -> Any:
    """A copy of `value` whose container at `path[:-1]` went through `change(container, key)`."""
    if len(path) == 1:
        return change(value, path[0])
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _changed(value[head], rest, change)}
    copy = list(value)
    copy[head] = _changed(value[head], rest, change)
    return copy


def replaced(value: Any, path: MemberPath, new: Any) -> Any:
    def put(container: Any, key: str | int) -> Any:
        copy = dict(container) if isinstance(container, dict) else list(container)
        copy[key] = new
        return copy

    return _changed(value, path, put)


def removed(value: Any, path: MemberPath) -> Any:
    def drop(container: Any, key: str | int) -> Any:
        if isinstance(container, dict):
            return {k: v for k, v in container.items() if k != key}
        return [item for index, item in enumerate(container) if index != key]

    return _changed(value, path, drop)


def added(value: Any, path: MemberPath, key: str, new: Any) -> Any:
    """A copy of `value` whose dict at `path` has `key` set to `new`."""
    if not path:
        return {**value, key: new}

    def put(container: Any, at: str | int) -> Any:
        copy = dict(container) if isinstance(container, dict) else list(container)
        copy[at] = {**container[at], key: new}
        return copy

    return _changed(value, path, put)


def mutated(
    base: st.SearchStrategy[dict[str, Any]],
    keys: st.SearchStrategy[str],
    *,
    max_mutations: int = 4,
) -> st.SearchStrategy[dict[str, Any]]:
    """Values of `base` after one to `max_mutations` mutations: a member (top level or nested)
    replaced by garbage, a member removed (required ones too), or a key added, known to the
    model or not."""
    junk = garbage(keys)

    @st.composite
    def mutations(draw: st.DrawFn) -> dict[str, Any]:
        value = draw(base)
        for _ in range(draw(st.integers(1, max_mutations))):
            kind = draw(st.sampled_from(("replace", "remove", "add")))
            members = list(paths_in(value))
            if kind in ("replace", "remove") and members:
                path = draw(st.sampled_from(members))
                value = (
                    replaced(value, path, draw(junk)) if kind == "replace" else removed(value, path)
                )
            else:
                where = draw(st.sampled_from(list(containers_in(value))))
                value = added(value, where, draw(keys), draw(junk))
        return value

    return mutations()


def field_names(model: type[BaseModel]) -> set[str]:
    """The wire names of the fields of `model` and of every model nested in it."""
    names: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def visit(current: type[BaseModel]) -> None:
        if current in seen:
            return
        seen.add(current)
        annotations = typing.get_type_hints(current, include_extras=True)
        for name, field in current.model_fields.items():
            names.add(field.alias or name)
            for nested in _models_in(annotations[name]):
                visit(nested)

    visit(model)
    return names


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


def keys_for(model: type[BaseModel]) -> st.SearchStrategy[str]:
    """Dict keys for garbage and added members: field names of the model, hidden inputs, wire
    aliases and their Python names, and arbitrary text."""
    known = sorted(field_names(model) | {"__owner", "__provider", "class_", "available_zone"})
    return st.one_of(st.sampled_from(known), st.sampled_from(ODD_STRINGS), st.text(max_size=8))


# -- plausible values, derived from the argument models -------------------------------------------

#: A hint that leaves a field out of the plausible values.
OMIT: st.SearchStrategy[Any] = st.nothing()

Hints = Mapping[str, st.SearchStrategy[Any]]


def mostly(valid: tuple[Any, ...], past: tuple[Any, ...] = ()) -> st.SearchStrategy[Any]:
    """Values that keep a rule, some at its limit, and fewer (about one in six) just past it.

    Inputs past a rule exercise only Check's refusal; those at its limit are where Check and
    the service can disagree, so they make up most of the examples. Shrinking favours the
    first value given.
    """
    pool = valid * max(1, math.ceil(5 * len(past) / len(valid)))
    # In the middle: Hypothesis draws the ends of a list more often than the rest.
    middle = len(pool) // 2
    return st.sampled_from(pool[:middle] + past + pool[middle:])


def as_given(valid: tuple[float, ...], past: tuple[float, ...] = ()) -> st.SearchStrategy[Any]:
    """Numbers as a program or the engine may give them: ints, floats or strings (`mostly`
    `valid` ones)."""
    number = mostly(valid, past)
    return st.one_of(
        number,
        number.map(float),
        number.map(lambda n: str(int(n)) if float(n).is_integer() else str(n)),
    )


# Bounds that models, the documents or Kubernetes set on counts, ports, modes and seconds.
INTEGERS = (1, 2, 3, 10, 100, 384, 511, 8080, 65535, 0, 101, 512, 65536, 2**31, -1)
QUANTITIES = (0.25, 0.5, 1, 2, 4.5, 16, 0, 1e308, -0.5)
BOOLEANS: st.SearchStrategy[Any] = st.sampled_from((True, False, "true", "false", "True", 1, 0))


# Plausible strings by the last part of a field's wire path (the longest match wins): values
# that keep the field's rule, at its limits, and values just past it.
STRINGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "": (("web", "a", "default", "x y", "名字", "a/b", "x" * 200), ("",)),
    "name": (("web", "ab", "Web-1", "a_b", "api2", "a" * 64), ("a" * 65, "9web", "web-", "")),
    "id": (("cce-1", "a", "A.b_c-1", "0", "x" * 128), ("x" * 129, "-a", "a/b", "..")),
    "version": (("1.0.0", "1.0.0.1", "10.2.3", "1a2b3"), ("1.0", "v1", "1.0.0-rc1")),
    "url": (("swr.example.com/org/web:1", "https://example.com/app.jar", "obs://b/app.zip"), ("",)),
    "path": (("/data", "/var/log/app.log", "data", "/"), ("",)),
    "key": (("team", "a", "k-1", "名", "x" * 36), ("x" * 37, "app", "pulumi-owner", "")),
    "value": (("shop", "v1.0", "名", "x" * 43, ""), ("x" * 44, "a b")),
    "description": (("", "the shop", "é" * 128, "line\nbreak"), ("x" * 129,)),
    "namespace": (("default", "shop", "a" * 63), ("Shop", "a" * 64)),
    "ip": (("10.0.0.1", "::1"), ("",)),
    "host": (("example.com", "10.0.0.1", ""), ()),
    "command": (("sh", "-c", "echo ok", ""), ()),
    "rotate": (("Hourly", "Daily", "", "100M"), ()),
    "timezone": (("Asia/Shanghai", "UTC", ""), ()),
    "operation": (("In", "NotIn", "Exists"), ("",)),
    "topology_key": (("kubernetes.io/hostname", ""), ()),
    "dimensions": (("cpu", "", "a,b"), ()),
}


# Fields without a rule of their own: any text may appear there.
FREE_FORM = frozenset(
    {"", "url", "path", "description", "ip", "host", "command", "rotate", "timezone"}
    | {"operation", "topology_key", "dimensions"}
)


def strings_for(path: str) -> st.SearchStrategy[str]:
    last = path.rsplit(".", 1)[-1].lower()
    suffix = next(
        (
            suffix
            for suffix in sorted(STRINGS, key=len, reverse=True)
            if suffix and (last == suffix or last.endswith("_" + suffix))
        ),
        "",
    )
    curated = mostly(*STRINGS[suffix])
    return curated | st.text(max_size=12) if suffix in FREE_FORM else curated


def plausible(annotation: Any, path: str, hints: Hints) -> st.SearchStrategy[Any]:
    """Values of `annotation` a user may plausibly write at `path` (a dotted wire path, `*`
    standing for list items): valid ones and ones just past a rule, numbers and booleans also
    as strings. Hints, keyed by path, take precedence."""
    if path in hints:
        return hints[path]
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is Annotated:
        return plausible(arguments[0], path, hints)
    if origin in (Union, types.UnionType):
        options = [argument for argument in arguments if argument is not type(None)]
        return st.one_of(*(plausible(option, path, hints) for option in options))
    if origin is Literal:
        return st.sampled_from(arguments)
    if origin is list:
        return st.lists(plausible(arguments[0], f"{path}.*", hints), max_size=3)
    if origin is dict:
        keys = strings_for(f"{path}.key")
        return st.dictionaries(keys, plausible(arguments[1], f"{path}.value", hints), max_size=2)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return plausible_model(annotation, path, hints)
    if annotation is bool:
        return BOOLEANS
    if annotation is int:
        return as_given(INTEGERS)
    if annotation is float:
        return as_given(QUANTITIES)
    if annotation is str:
        return strings_for(path)
    if annotation is Any:
        return st.one_of(strings_for(path), as_given(INTEGERS), BOOLEANS)
    raise TypeError(f"no plausible values for {annotation!r} at {path}")


#: Optional fields plausible inputs always carry, by path: a component needs its replica unless
#: workload_content gives the workload, which these inputs never do; an engine with security
#: authentication needs its password, and so do the objects such an engine keeps.
ALWAYS_CARRIED = frozenset({"replica", "components.*.replica", "auth_cred", "engine_password"})


def plausible_model(
    model: type[BaseModel], path: str, hints: Hints, *, max_optional: int = 3
) -> st.SearchStrategy[dict[str, Any]]:
    """Objects of `model`: every required field and up to `max_optional` optional ones."""
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    # A nested model's fields may still be forward references; its module resolves them.
    annotations = typing.get_type_hints(model, include_extras=True)
    for name, field in model.model_fields.items():
        # Arguments are named in Python (`sermant_agent_inject_action_flag`), nested keys as on
        # the wire.
        key = (field.alias or name) if path else name
        child = f"{path}.{key}" if path else key
        strategy = plausible(annotations[name], child, hints)
        if strategy is OMIT:
            continue
        carried = field.is_required() or child in ALWAYS_CARRIED
        (required if carried else optional)[key] = strategy

    @st.composite
    def objects(draw: st.DrawFn) -> dict[str, Any]:
        chosen = draw(
            st.lists(st.sampled_from(sorted(optional)), max_size=max_optional, unique=True)
        )
        value = {key: draw(strategy) for key, strategy in required.items()}
        value.update({key: draw(optional[key]) for key in chosen})
        return value

    return objects() if optional else st.fixed_dictionaries(required)
