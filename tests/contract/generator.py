"""Valid example values for every documented field, built from the tables in `tables/` alone.

The tables (one JSON file per document object) transcribe the API documents; this module reads
them and never looks at the package's models. For each documented field it yields `Case`s: the
field set to one valid value (every enum spelling, both booleans, the bounds of every documented
range and length, a value of each documented type, or an example/default), inside an otherwise
minimal body that satisfies the tables' rules:

* a field is present when the table marks it mandatory (for the operation at hand), when a
  condition of its description holds (``required_when``), or when the caller asks for it;
* a field that is valid only under a condition (``only_when``, ``value_rules``, ``restrict``)
  brings its condition with it: the sibling (or, for ``../x``, the parent's field) is set to the
  first allowed value;
* values come from the tables: an ``example`` or ``default`` the documents give, else the first
  enum value, else a plain value of the field's type.

A path names a field by its wire names from the root object: ``storages[].parameters.name``
(``[]`` marks a list item). `plain` drops the markers for comparing field sets.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TABLES = Path(__file__).parent / "tables"

OBJECT_TYPES = ("object", "array of objects", "map<string,object>")


class GenerationError(Exception):
    """The tables' rules cannot all be met by the generated value (a conflict in the tables)."""


def plain(path: str) -> str:
    return path.replace("[]", "")


@dataclass(frozen=True)
class TableRef:
    doc: str
    key: str

    def __str__(self) -> str:
        return f"{self.doc} {self.key}"


class Registry:
    """Every transcribed document object, by its file name (``component_request``...)."""

    def __init__(self, directory: Path = TABLES) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self._mandatory: dict[tuple[TableRef, str, str | None], bool] = {}
        for file in sorted(directory.glob("*.json")):
            data = json.loads(file.read_text(encoding="utf-8"))
            if "tables" in data:
                self.docs[file.stem] = data

    def table(self, ref: TableRef) -> dict[str, Any]:
        return self.docs[ref.doc]["tables"][ref.key]

    def root(self, doc: str) -> TableRef:
        return TableRef(doc, self.docs[doc]["root"])

    def resolve(self, within: str, ref: str) -> TableRef:
        """A field's ``ref``: ``Table 6`` in the same file, or ``other_file:Table 4``."""
        doc, _, key = ref.rpartition(":")
        return TableRef(doc or within, key)

    def fields(self, ref: TableRef) -> list[dict[str, Any]]:
        return self.table(ref)["fields"]  # type: ignore[no-any-return]

    def parent_references(self, ref: TableRef) -> tuple[str, ...]:
        """The parent's fields (``../x``) that the table's conditions look at."""
        names = {
            reference[3:]
            for f in self.fields(ref)
            for key in ("required_when", "only_when")
            for reference in f.get(key) or {}
            if reference.startswith("../")
        }
        return tuple(sorted(names))

    def field(self, ref: TableRef, name: str) -> dict[str, Any] | None:
        return next((f for f in self.fields(ref) if f["name"] == name), None)

    def child(self, ref: TableRef, f: Mapping[str, Any]) -> TableRef | None:
        return self.resolve(ref.doc, f["ref"]) if f.get("ref") else None

    def mandatory(self, ref: TableRef, f: Mapping[str, Any], op: str | None) -> bool:
        key = (ref, f["name"], op)
        if key not in self._mandatory:
            self._mandatory[key] = self._mandatory_flag(ref, f, op)
        return self._mandatory[key]

    def _mandatory_flag(self, ref: TableRef, f: Mapping[str, Any], op: str | None) -> bool:
        """Whether the tables make `f` mandatory in operation `op`.

        Where the table prints no flag (null), the component request table it matches stands
        in (``request_table``); failing that, the file's ``unknown_mandatory`` policy decides.
        """
        flag = f["mandatory"]
        if isinstance(flag, dict):
            return bool(flag[op]) if op in flag else any(flag.values())
        if flag is None:
            stand_in = self.table(ref).get("request_table")
            if stand_in:
                other = self.resolve(ref.doc, stand_in)
                # The stand-in row may spell the name otherwise (hostname / hostnames).
                for name in (f["name"], *(f.get("other_names") or {})):
                    other_field = self.field(other, name)
                    if other_field is not None:
                        return self.mandatory(other, other_field, "create")
            return self.docs[ref.doc].get("unknown_mandatory") == "include"
        return bool(flag)


def shape(f: Mapping[str, Any]) -> str:
    """How a field's value is built: ``object``, ``array`` (of objects), or ``scalar``.

    A field whose types the SDK settles differently from the tables (``types``) takes the
    settled one: gray_release.rules is an array.
    """
    types = f.get("types") or [f["type"]]
    if f["type"] in ("object", "map<string,object>") and "array of objects" in types:
        return "array"
    if f["type"] == "array of objects":
        return "array"
    if f["type"] in ("object", "map<string,object>"):
        return "object"
    return "scalar"


def slug(path: str) -> str:
    """A plain string value for a field: lower-case letters, digits and hyphens, unique per path
    (valid as a Kubernetes name, an id or a label)."""
    last = plain(path).split(".")[-1].lower().replace("_", "-")
    digest = hashlib.sha1(path.encode()).hexdigest()[:4]
    return f"{last}-{digest}"


def string_of_length(f: Mapping[str, Any], length: int) -> str:
    """A string of `length` characters that matches the field's documented pattern, if any."""
    pattern = (f.get("pattern") or {}).get("regex")
    candidates = ["a" * length, "1" * max(length - 4, 1) + ".0.0", "a" * max(length - 1, 0) + "1"]
    for candidate in candidates:
        if len(candidate) == length and (pattern is None or re.fullmatch(pattern, candidate)):
            return candidate
    raise GenerationError(f"no string of length {length} matches {pattern!r}")


def _typed_default(f: Mapping[str, Any], kind: str, path: str) -> Any:
    """A valid value of `kind` for `f`: a documented one of that type where there is one."""
    documented = [f[key] for key in ("example", "default") if key in f]
    enum = [entry["value"] for entry in f.get("enum") or []]
    ranges = f.get("ranges") or []
    if kind == "integer":
        for value in [*documented, *enum]:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
        return ranges[0]["min"] if ranges and "min" in ranges[0] else 1
    if kind == "number":
        for value in documented:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return value
        return 0.5
    if kind == "boolean":
        return True
    if kind == "string":
        for value in [*documented, *enum]:
            if isinstance(value, str):
                return value
        if ranges:  # a number the table types as a string (affinity weight)
            return str(ranges[0].get("min", 1))
        return slug(path)
    if kind == "array of strings":
        for value in documented:
            if isinstance(value, list):
                return value
        return [slug(path)]
    if kind == "map<string,string>":
        for value in documented:
            if isinstance(value, dict):
                return value
        return {"key": slug(path)}
    if kind == "object":  # an object without a table (a Kubernetes Deployment)
        for value in documented:
            if isinstance(value, dict):
                return copy.deepcopy(value)
        return {}
    if kind == "array of objects":
        return [{}]
    raise GenerationError(f"unknown type {kind!r} at {path}")


def default_value(f: Mapping[str, Any], path: str) -> Any:
    """The value a present field gets when nothing asks for a particular one."""
    for key in ("example", "default"):
        if key in f:
            return copy.deepcopy(f[key])
    if f.get("enum"):
        return preferred_enum_value(f)
    kinds = f.get("types") or [f["type"]]
    kind = f["type"] if f["type"] != "string|integer" else kinds[0]
    return _typed_default(f, kind, path)


def preferred_enum_value(f: Mapping[str, Any]) -> Any:
    """The enum value a field takes by default: where the documents spell values differently,
    the one the SDK uses (it settles disagreements), else the one most tables give, else the
    first; so that a case fails for its own value, not for a sibling's spelling."""
    entries = f["enum"]
    for entry in entries:
        if any(source.startswith("SDK") for source in entry["source"]):
            return entry["value"]
    most = max(len(entry["source"]) for entry in entries)
    return next(entry["value"] for entry in entries if len(entry["source"]) == most)


BUILD = object()
"""A focus value meaning: the field is an object (or list of them) built minimally."""

OMIT = object()
"""A focus value meaning: leave the (optional) field out."""


@dataclass
class _State:
    """One object being built."""

    values: dict[str, Any] = field(default_factory=dict)
    pinned: dict[str, Any] = field(default_factory=dict)
    parent_needs: dict[str, list[Any]] = field(default_factory=dict)


class Builder:
    """Builds bodies for one root object and operation from the tables."""

    def __init__(
        self,
        registry: Registry,
        root: TableRef,
        op: str | None,
        *,
        include: frozenset[str] = frozenset(),
    ) -> None:
        self.registry = registry
        self.root = root
        self.op = op
        self.include = include
        self._minimal: dict[str, tuple[dict[str, Any], dict[str, list[Any]]]] = {}
        self._layouts: dict[
            tuple[TableRef, str],
            tuple[dict[str, Mapping[str, Any]], frozenset[str], tuple[str, ...]],
        ] = {}

    def body(self, focus: tuple[str, Any] | None = None) -> dict[str, Any]:
        """The root object, with the field at path ``focus[0]`` set to ``focus[1]``."""
        segments = _segments(focus[0]) if focus else []
        value, needs = self._object(self.root, "", segments, focus[1] if focus else None, {}, {})
        if needs:
            raise GenerationError(f"the root cannot meet {needs}")
        return value

    # -- objects ------------------------------------------------------------------------------

    def applies(self, ref: TableRef, f: Mapping[str, Any]) -> bool:
        if f.get("read_only"):
            return False
        return ref != self.root or self.op is None or "in" not in f or self.op in f["in"]

    def _object(
        self,
        ref: TableRef,
        prefix: str,
        focus: list[str],
        focus_value: Any,
        parent: Mapping[str, Any],
        restrict: Mapping[str, list[Any]],
    ) -> tuple[dict[str, Any], dict[str, list[Any]]]:
        fields, always, conditional = self._layout(ref, prefix)
        state = _State()
        head = focus[0] if focus else None
        if head is not None and head not in fields:
            raise GenerationError(f"{prefix}{head} is not a field of {ref}")
        for name, allowed in restrict.items():
            state.pinned[name] = allowed[0]
        omitted: set[str] = set()
        if head is not None and len(focus) == 1 and focus_value is OMIT:
            omitted.add(head)
        elif head is not None and len(focus) == 1 and focus_value is not BUILD:
            if head in restrict and focus_value not in restrict[head]:
                raise GenerationError(f"{prefix}{head} is restricted to {restrict[head]}")
            state.pinned[head] = focus_value
        for _ in range(10):
            before = _fingerprint(state.values, state.pinned)
            present = set(state.pinned) | always
            if head is not None:
                present.add(head)
            present |= {
                name
                for name in conditional
                if _holds(fields[name]["required_when"], state.values, parent)
            }
            present -= omitted
            state.values = {name: value for name, value in state.values.items() if name in present}
            for name in present:
                f = fields[name]
                if name in state.pinned:
                    state.values[name] = state.pinned[name]
                elif shape(f) == "scalar" and name not in state.values:
                    state.values[name] = default_value(f, prefix + name)
            for name in present:
                self._constrain(fields[name], state, parent)
            if head is not None and head not in omitted and focus_value is not OMIT:
                # The focused field brings the conditions under which the tables require it
                # (gray_release brings deploy_strategy.type GrayRelease); nested ones are met
                # by the defaults.
                for other, allowed in (fields[head].get("required_when") or {}).items():
                    if "." not in other.removeprefix("../"):
                        self._require(other, allowed, state, parent=parent, soft=True)
            for name in present:
                f = fields[name]
                if shape(f) == "scalar" or name in state.pinned:
                    continue
                if name == head:
                    rest, value = focus[1:], (BUILD if len(focus) == 1 else focus_value)
                else:
                    rest, value = [], None
                built, needs = self._child(ref, f, prefix + name, rest, value, state.values)
                state.values[name] = built
                for other, allowed in needs.items():
                    self._require(other, allowed, state)
            self._order(fields, state)
            if _fingerprint(state.values, state.pinned) == before:
                break
        else:
            raise GenerationError(f"the rules of {ref} do not settle")
        ordered = {name: state.values[name] for name in fields if name in state.values}
        return ordered, state.parent_needs

    def _layout(
        self, ref: TableRef, prefix: str
    ) -> tuple[dict[str, Mapping[str, Any]], frozenset[str], tuple[str, ...]]:
        """The table's fields in this operation; those always present (mandatory or asked
        for); those present under a condition."""
        key = (ref, prefix)
        if key not in self._layouts:
            fields = {f["name"]: f for f in self.registry.fields(ref) if self.applies(ref, f)}
            always = frozenset(
                name
                for name, f in fields.items()
                if self.registry.mandatory(ref, f, self.op) or prefix + name in self.include
            )
            conditional = tuple(
                name for name, f in fields.items() if f.get("required_when") and name not in always
            )
            self._layouts[key] = (fields, always, conditional)
        return self._layouts[key]

    def _constrain(self, f: Mapping[str, Any], state: _State, parent: Mapping[str, Any]) -> None:
        for other, allowed in (f.get("only_when") or {}).items():
            self._require(other, allowed, state, parent=parent)
        rule = _rule_for(f, state.values.get(f["name"]))
        if rule is not None:
            for other, allowed in rule["when"].items():
                self._require(other, allowed, state, parent=parent)

    def _require(
        self,
        other: str,
        allowed: list[Any],
        state: _State,
        *,
        parent: Mapping[str, Any] | None = None,
        soft: bool = False,
    ) -> None:
        """Make the field `other` take one of `allowed`; a `soft` requirement gives way to a
        field already pinned to another value."""
        if other.startswith("../"):
            name = other[3:]
            if parent is None or parent.get(name) not in allowed:
                state.parent_needs[name] = allowed
            return
        if state.values.get(other) in allowed:
            state.pinned.setdefault(other, state.values[other])  # a later soft need gives way
            return
        if other in state.pinned and state.pinned[other] not in allowed:
            if soft:
                return
            raise GenerationError(f"{other} is {state.pinned[other]!r}, the rules need {allowed}")
        state.pinned[other] = allowed[0]
        state.values[other] = allowed[0]

    def _order(self, fields: Mapping[str, Mapping[str, Any]], state: _State) -> None:
        for name, f in fields.items():
            smaller = f.get("greater_than")
            if (
                smaller
                and name in state.values
                and smaller in state.values
                and name not in state.pinned
                and not state.values[name] > state.values[smaller]
            ):
                state.values[name] = state.values[smaller] + 1

    def _child(
        self,
        ref: TableRef,
        f: Mapping[str, Any],
        path: str,
        focus: list[str],
        focus_value: Any,
        values: Mapping[str, Any],
    ) -> tuple[Any, dict[str, list[Any]]]:
        child = self.registry.child(ref, f)
        kind = shape(f)
        if child is None:
            return _typed_default(f, f["type"], path), {}
        restrict = f.get("restrict") or {}
        item_prefix = f"{path}[]." if kind == "array" else f"{path}."
        if focus:
            built, needs = self._object(child, item_prefix, focus, focus_value, values, restrict)
        else:
            parent_view = {
                name: values.get(name) for name in self.registry.parent_references(child)
            }
            key = _fingerprint(str(child), item_prefix, parent_view, restrict)
            if key not in self._minimal:
                self._minimal[key] = self._object(
                    child, item_prefix, [], None, parent_view, restrict
                )
            built, needs = copy.deepcopy(self._minimal[key])
        return ([built] if kind == "array" else built), needs


def _segments(path: str) -> list[str]:
    return [segment.removesuffix("[]") for segment in path.split(".")]


def _fingerprint(*parts: Any) -> str:
    return json.dumps(parts, sort_keys=True, default=repr)


def _resolve(reference: str, values: Mapping[str, Any], parent: Mapping[str, Any]) -> list[Any]:
    """The values a condition's reference points at: ``x``, ``../x``, ``a.b`` or ``a[].b``."""
    if reference.startswith("../"):
        return [parent.get(reference[3:])]
    found: list[Any] = [values]
    for segment in reference.split("."):
        many = segment.endswith("[]")
        name = segment.removesuffix("[]")
        step: list[Any] = []
        for item in found:
            value = item.get(name) if isinstance(item, Mapping) else None
            if many and isinstance(value, list):
                step.extend(value)
            else:
                step.append(value)
        found = step
    return found


def _holds(
    condition: Mapping[str, list[Any]] | None, values: Mapping[str, Any], parent: Mapping[str, Any]
) -> bool:
    if not condition:
        return False
    return all(
        any(value in allowed for value in _resolve(reference, values, parent))
        for reference, allowed in condition.items()
    )


def _rule_for(f: Mapping[str, Any], value: Any) -> Mapping[str, Any] | None:
    """The first of the field's value rules that `value` falls under; for a value that none
    names, the last (the most permissive) rule, so that its condition is still met."""
    rules = f.get("value_rules") or []
    if not rules or value is None:
        return None
    number = _as_number(value)
    for rule in rules:
        if value in rule.get("values", []) or (
            number is not None and number in rule.get("values", [])
        ):
            return rule
        bounds = rule.get("range")
        if (
            bounds
            and number is not None
            and bounds.get("min", number) <= number <= bounds.get("max", number)
        ):
            return rule
    return rules[-1] if any("range" in rule for rule in rules) else None


def _as_number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    return None


# -- cases --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One documented field set to one valid value, with the bodies that carry it."""

    obj: str
    path: str
    label: str
    value: Any
    table: TableRef
    field: Mapping[str, Any]
    #: Operation -> body; an operation whose table lacks the field carries the baseline body.
    bodies: Mapping[str, dict[str, Any]]
    #: The operations whose bodies carry the focus field.
    carried_by: tuple[str, ...]
    #: The documents that give this value (an enum spelling's tables, a bound's table).
    value_sources: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.path}{self.label}"

    @property
    def where(self) -> str:
        sources = ", ".join(self.value_sources or self.field.get("source", []))
        return f"{self.table}; value from {sources}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=True, sort_keys=True)
    return text if len(text) <= 24 else f"<{type(value).__name__} of {len(value)}>"


def field_values(
    f: Mapping[str, Any], path: str, restrict: Mapping[str, list[Any]]
) -> list[tuple[str, Any, tuple[str, ...]]]:
    """Every value to try for a field, with a label and the documents that give it: the
    documented enum spellings, both booleans, the bounds of documented ranges and lengths, one
    value per documented type, else an example, default or plain value."""
    sources = tuple(f.get("source", []))
    if shape(f) != "scalar":
        return [("", BUILD, sources)]
    found: list[tuple[str, Any, tuple[str, ...]]] = []
    allowed = restrict.get(f["name"])
    for entry in f.get("enum") or []:
        if allowed is None or entry["value"] in allowed:
            found.append((f"={_short(entry['value'])}", entry["value"], tuple(entry["source"])))
    if not found and f["type"] == "boolean":
        found += [("=true", True, sources), ("=false", False, sources)]
    elif not found:
        value = default_value(f, path)
        found.append((f"={_short(value)}", value, sources))
        for kind in f.get("types") or []:
            typed = _typed_default(f, kind, path)
            found.append(
                (f" ({kind})={_short(typed)}", typed, tuple(f.get("type_by_source", {})) or sources)
            )
    kinds = [k for k in (f.get("types") or [f["type"]]) if k in ("integer", "string", "number")]
    for bounds in f.get("ranges") or []:
        where = _sources(bounds["source"])
        for end in ("min", "max"):
            for kind in kinds if end in bounds else []:
                number = bounds[end]
                value = str(number) if kind == "string" else number
                found.append((f" ({end} {number} as {kind}; {', '.join(where)})", value, where))
    for bounds in f.get("length") or []:
        where = _sources(bounds["source"])
        for end in ("min", "max"):
            if end in bounds:
                label = f" (length {end} {bounds[end]}; {', '.join(where)})"
                found.append((label, string_of_length(f, bounds[end]), where))
    # One case per distinct value; a bound's label (it says more) replaces a plain one.
    unique: dict[str, tuple[str, Any, tuple[str, ...]]] = {}
    for label, value, where in found:
        key = json.dumps([type(value).__name__, value], sort_keys=True)
        if key in unique:
            earlier_label, _, earlier = unique[key]
            merged = tuple(dict.fromkeys((*earlier, *where)))
            unique[key] = (label if label.startswith(" (") else earlier_label, value, merged)
        else:
            unique[key] = (label, value, where)
    # Test ids stay ASCII: the Chinese tables' "表4-143" reads "T4-143" there.
    return [(label.replace("表", "T"), value, where) for label, value, where in unique.values()]


def _sources(source: str | list[str]) -> tuple[str, ...]:
    return (source,) if isinstance(source, str) else tuple(source)


def documented_fields(
    registry: Registry, root: TableRef, *, include_read_only: bool = False
) -> Iterator[tuple[str, TableRef, Mapping[str, Any], Mapping[str, list[Any]]]]:
    """Every field reachable from `root`: (path, table, field, restrictions on its values)."""

    def walk(ref: TableRef, prefix: str, restrict: Mapping[str, list[Any]], depth: int):
        if depth > 8:
            return
        for f in registry.fields(ref):
            if f.get("read_only") and not include_read_only:
                continue
            path = prefix + f["name"]
            yield path, ref, f, restrict
            child = registry.child(ref, f)
            if child is not None:
                marker = "[]" if shape(f) == "array" else ""
                yield from walk(child, f"{path}{marker}.", f.get("restrict") or {}, depth + 1)

    yield from walk(root, "", {}, 0)


def generate_cases(
    registry: Registry,
    doc: str,
    ops: tuple[str, ...],
    *,
    include: frozenset[str] = frozenset(),
) -> list[Case]:
    """One case per documented field and value, plus one per `include`d field left out.

    `include` names optional fields (by path) that every body carries, as a real request would
    (a component's environment_id); each also gets a case that leaves it out.
    """
    root = registry.root(doc)
    builders = {op: Builder(registry, root, op, include=include) for op in ops}
    top_level = {f["name"]: f for f in registry.fields(root)}
    cases: list[Case] = []
    for path, table, f, restrict in documented_fields(registry, root):
        head = _segments(path)[0]
        carried = tuple(op for op in ops if builders[op].applies(root, top_level[head]))
        for label, value, sources in field_values(f, path, restrict):
            bodies = {op: builders[op].body((path, value) if op in carried else None) for op in ops}
            cases.append(Case(doc, path, label, value, table, f, bodies, carried, sources))
    for path in sorted(include):
        f, table = _field_at(registry, root, path)
        head = _segments(path)[0]
        carried = tuple(op for op in ops if builders[op].applies(root, top_level[head]))
        bodies = {op: builders[op].body((path, OMIT) if op in carried else None) for op in ops}
        label = " (left out: documented optional)"
        sources = tuple(f.get("source", []))
        cases.append(Case(doc, path, label, OMIT, table, f, bodies, carried, sources))
    return cases


def _field_at(registry: Registry, root: TableRef, path: str) -> tuple[Mapping[str, Any], TableRef]:
    for found, table, f, _ in documented_fields(registry, root):
        if found == path:
            return f, table
    raise KeyError(path)


def documented_paths(
    registry: Registry, doc: str, *, include_read_only: bool = False
) -> dict[str, tuple[TableRef, Mapping[str, Any]]]:
    """The documented fields of an object by plain path (no ``[]`` markers)."""
    return {
        plain(path): (table, f)
        for path, table, f, _ in documented_fields(
            registry, registry.root(doc), include_read_only=include_read_only
        )
    }


def example_paths(registry: Registry, doc: str) -> dict[str, str]:
    """Plain paths of every key in the document's verbatim examples, with the example's source.

    Keys under documented maps or table-less objects (a Kubernetes Deployment) are not paths.
    """
    documented = documented_paths(registry, doc, include_read_only=True)
    found: dict[str, str] = {}

    def walk(value: Any, prefix: str, source: str) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item, prefix, source)
        elif isinstance(value, dict):
            for key, item in value.items():
                path = f"{prefix}{key}"
                found.setdefault(path, source)
                entry = documented.get(path)
                if entry is None or entry[1].get("ref"):
                    walk(item, f"{path}.", source)

    for example in registry.docs[doc].get("examples", []):
        walk(example["value"], "", example["source"])
    return found
