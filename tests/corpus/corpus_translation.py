"""The Terraform corpus (`/work/shared/data/peer-terraform`) read and translated into this
package's provider inputs, following `mapping.json`'s transforms.

A configuration is translated one resource at a time, when it is deployed: its references to
other resources need their outputs. `configs.json`'s "about" key describes the conventions
resolved here (``${name}``, ``${alias.attr}``, ``${fixture.key}``, ``$runtime_stack``,
``$jsonencode``), `mapping.json`'s "about" key the transforms.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pulumi.dynamic import ResourceProvider

CORPUS_DIR = Path("/work/shared/data/peer-terraform")

# Terraform meta-arguments: how Terraform orders the resources, not what they are.
META_ARGUMENTS = frozenset({"depends_on"})

_REFERENCE = re.compile(r"\$\$\{|\$\{([^}]+)\}")


class TranslationError(Exception):
    """A configuration that cannot be said in this package's arguments."""


@dataclass(frozen=True)
class DeclaredResource:
    """A resource of a Terraform configuration, and the inputs folded into it from others."""

    alias: str
    tf_type: str
    arguments: Mapping[str, Any]
    folded_inputs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Configuration:
    id: str
    test: str
    step: str
    name_style: str
    resources: tuple[DeclaredResource, ...]
    #: The aliases the Terraform configuration is about ("subject" in configs.json).
    tf_subjects: tuple[str, ...]
    #: The resources here that stand for them: a batch release's stacks stand for the release.
    subjects: tuple[str, ...]
    expect_error: str | None

    def resource(self, alias: str) -> DeclaredResource:
        [found] = [resource for resource in self.resources if resource.alias == alias]
        return found

    @property
    def step_function(self) -> str:
        # "testAccRepoTokenAuth_basic (with_host)" names one resource of a step, not a step.
        return self.step.split(" (")[0]


@dataclass(frozen=True)
class Target:
    """This package's counterpart of a Terraform resource type."""

    provider_path: str
    id_attribute: str | None

    def provider(self) -> ResourceProvider:
        module_name, class_name = self.provider_path.split(":")
        provider_class = getattr(importlib.import_module(module_name), class_name)
        provider: ResourceProvider = provider_class()
        return provider


@dataclass(frozen=True)
class Names:
    """The random names of one Terraform test, in the test's style."""

    name: str
    update_name: str

    @classmethod
    def for_test(cls, test: str, style: str) -> Names:
        separator = {"dash": "-", "underscore": "_"}[style]
        digest = hashlib.sha256(test.encode()).digest()
        letters = "".join(string.ascii_lowercase[byte % 26] for byte in digest[:10])
        return cls(
            name=separator.join(("tf", "test", letters[:5])),
            update_name=separator.join(("tf", "test", letters[5:])),
        )


# What this package has gained since mapping.json was written (it is shared data, kept as it
# came): resource types and arguments it records as having no counterpart.
SINCE_MAPPING: dict[str, Any] = {
    "resources": {
        "huaweicloud_servicestagev3_component_refresh": {
            "project": "ComponentRefresh",
            "provider": "pulumi_servicestage.component_action:ComponentRefreshProvider",
            "id_attribute": None,
        },
    },
    "arguments": [
        {
            "tf_type": "huaweicloud_servicestagev3_component_refresh",
            "tf": name,
            "api": f"(path) {name}",
            "project": name,
            "transform": "copy",
        }
        for name in ("application_id", "component_id")
    ],
}


class ArgumentMap:
    """`mapping.json`, with `SINCE_MAPPING` over it: each resource type's counterpart and each
    argument's transform."""

    def __init__(self, document: Mapping[str, Any]):
        self._resources: Mapping[str, Mapping[str, Any]] = {
            **document["resources"],
            **SINCE_MAPPING["resources"],
        }
        self._rules: dict[tuple[str, str], Mapping[str, Any]] = {
            (rule["tf_type"], rule["tf"]): rule
            for rule in [*document["arguments"], *SINCE_MAPPING["arguments"]]
        }

    def target(self, tf_type: str) -> Target:
        resource = self._resources.get(tf_type)
        if resource is None:
            raise TranslationError(f"{tf_type} is not in mapping.json")
        if resource["provider"] is None:
            raise TranslationError(
                f"{tf_type} has no counterpart in pulumi_servicestage: {resource.get('why')}"
            )
        return Target(resource["provider"], resource["id_attribute"])

    def rule(self, tf_type: str, path: str) -> Mapping[str, Any]:
        rule = self._rules.get((tf_type, path))
        if rule is None:
            raise TranslationError(f"{tf_type} argument {path} is not in mapping.json")
        return rule

    def rules_with_transform(self, tf_type: str, transform: str) -> list[Mapping[str, Any]]:
        return [
            rule
            for (rule_type, _), rule in self._rules.items()
            if rule_type == tf_type and rule["transform"] == transform
        ]


@dataclass(frozen=True)
class Corpus:
    configurations: tuple[Configuration, ...]
    fixtures: Mapping[str, Any]
    git_accounts: tuple[Mapping[str, str], ...]
    mapping: ArgumentMap

    def next_step(self, configuration: Configuration) -> Configuration | None:
        """The configuration the same Terraform test applies next to the same subject: the
        update step of `configuration`."""
        if configuration.expect_error:
            return None
        later = self.configurations[self.configurations.index(configuration) + 1 :]
        for candidate in later:
            if (
                candidate.test == configuration.test
                and candidate.tf_subjects == configuration.tf_subjects
                and candidate.step_function != configuration.step_function
                and not candidate.expect_error
            ):
                return candidate
        return None


def load_corpus(directory: Path = CORPUS_DIR) -> Corpus:
    configs = json.loads((directory / "configs.json").read_text())
    mapping = ArgumentMap(json.loads((directory / "mapping.json").read_text()))
    return Corpus(
        configurations=tuple(
            _configuration(entry, configs["bases"], mapping) for entry in configs["configs"]
        ),
        fixtures=configs["fixtures"],
        git_accounts=tuple(configs["git_accounts"]),
        mapping=mapping,
    )


def _configuration(
    entry: Mapping[str, Any], bases: Mapping[str, Any], mapping: ArgumentMap
) -> Configuration:
    base = bases[entry["base"]]["resources"] if "base" in entry else []
    resources = tuple(
        DeclaredResource(item["alias"], item["tf_type"], item["arguments"])
        for item in [*base, *entry.get("resources", [])]
    )
    tf_subjects = tuple(entry["subject"])
    resources, subjects = _fold_batch_releases(resources, tf_subjects, mapping)
    return Configuration(
        id=entry["id"],
        test=entry["test"],
        step=entry["step"],
        name_style=entry["name_style"],
        resources=resources,
        tf_subjects=tf_subjects,
        subjects=subjects,
        expect_error=entry.get("expect_error"),
    )


def _fold_batch_releases(
    resources: tuple[DeclaredResource, ...], subjects: tuple[str, ...], mapping: ArgumentMap
) -> tuple[tuple[DeclaredResource, ...], tuple[str, ...]]:
    """A batch release has no resource here: each stack it lists is declared released and
    becomes a subject in its place (mapping.json's `released` transform)."""
    released: dict[str, str] = {}  # stack alias -> the input that releases it
    folded_aliases: dict[str, list[str]] = {}
    for resource in resources:
        for rule in mapping.rules_with_transform(resource.tf_type, "released"):
            aliases = [_referenced_alias(ref) for ref in resource.arguments[rule["tf"]]]
            released.update(dict.fromkeys(aliases, _last_segment(rule["project"])))
            folded_aliases[resource.alias] = aliases
    kept = tuple(
        replace(resource, folded_inputs={released[resource.alias]: True})
        if resource.alias in released
        else resource
        for resource in resources
        if resource.alias not in folded_aliases
    )
    new_subjects = [alias for s in subjects for alias in folded_aliases.get(s, [s])]
    return kept, tuple(new_subjects)


def _referenced_alias(reference: str) -> str:
    match = re.fullmatch(r"\$\{(\w+)\.id\}", reference)
    if match is None:
        raise TranslationError(f"{reference!r} is not a reference to another resource's id")
    return match.group(1)


def _last_segment(project_path: str) -> str:
    """The argument's own name in a path such as "storages[].mounts[].read_only"."""
    return project_path.rsplit(".", 1)[-1].removesuffix("[]")


# -- references ------------------------------------------------------------------------------


@dataclass
class References:
    """Resolves the configuration's references; `outputs` grows as resources are created."""

    names: Names
    fixtures: Mapping[str, Any]
    mapping: ArgumentMap
    runtime_stacks: Callable[[], list[Mapping[str, Any]]]
    outputs: dict[str, tuple[str, Mapping[str, Any]]] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._interpolate(value)
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, dict) and "$runtime_stack" in value:
            return self._runtime_stack(value["$runtime_stack"], value["fallback"])
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        return value

    def _interpolate(self, text: str) -> Any:
        whole = re.fullmatch(r"\$\{([^}]+)\}", text)
        if whole:
            return self._lookup(whole.group(1))

        def substitute(match: re.Match[str]) -> str:
            return "${" if match.group(1) is None else str(self._lookup(match.group(1)))

        return _REFERENCE.sub(substitute, text)

    def _lookup(self, reference: str) -> Any:
        if reference in ("name", "update_name"):
            return getattr(self.names, reference)
        head, _, rest = reference.partition(".")
        if head == "fixture":
            return _walk(self.fixtures, rest.split("."), reference)
        if head in self.outputs:
            return self._output(head, rest)
        raise TranslationError(f"${{{reference}}}: no such resource created before it")

    def _output(self, alias: str, attribute: str) -> Any:
        tf_type, outs = self.outputs[alias]
        if attribute == "id":
            name = self.mapping.target(tf_type).id_attribute
            if name is None:
                raise TranslationError(f"${{{alias}.id}}: {tf_type} has no id attribute here")
        else:
            name = _last_segment(self.mapping.rule(tf_type, attribute)["project"] or "")
        if name not in outs:
            raise TranslationError(f"${{{alias}.{attribute}}}: {alias} has no output {name}")
        return outs[name]

    def _runtime_stack(
        self, wanted: Mapping[str, str], fallback: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """The tests' local: the first listed stack that matches, else the try() fallback."""
        for stack in self.runtime_stacks():
            if all(stack.get(key) == value for key, value in wanted.items()):
                return {key: stack[key] for key in ("name", "type", "deploy_mode", "version")}
        return fallback


def _walk(values: Any, keys: list[str], reference: str) -> Any:
    for key in keys:
        try:
            values = values[int(key)] if isinstance(values, list) else values[key]
        except (KeyError, IndexError, ValueError):
            raise TranslationError(f"${{{reference}}}: no such fixture") from None
    return values


# -- transforms ------------------------------------------------------------------------------


def translate(resource: DeclaredResource, references: References) -> dict[str, Any]:
    """This package's inputs for `resource`, its references resolved."""
    translator = _Translator(resource.tf_type, references.mapping)
    inputs: dict[str, Any] = {}
    for argument, value in resource.arguments.items():
        if argument not in META_ARGUMENTS:
            inputs.update(translator.argument(argument, references.resolve(value)))
    return {**inputs, **resource.folded_inputs}


@dataclass(frozen=True)
class _Translator:
    tf_type: str
    mapping: ArgumentMap

    def argument(self, path: str, value: Any) -> list[tuple[str, Any]]:
        """The (argument, value) pairs of this package that say what `path` = `value` says."""
        if value is None:  # HCL null: unset
            return []
        rule = self.mapping.rule(self.tf_type, path)
        transform = rule["transform"]
        if transform == "none":
            return self._without_counterpart(rule, value)
        if transform == "unnest":
            return self._children(path + ".", _single_block(path, value))
        return [(_last_segment(rule["project"]), self._transformed(transform, path, value))]

    def _transformed(self, transform: str, path: str, value: Any) -> Any:
        if transform == "block":
            return dict(self._children(path + ".", _single_block(path, value)))
        if transform == "blocks":
            return [dict(self._children(path + "[].", block)) for block in value]
        simple = _SIMPLE_TRANSFORMS.get(transform)
        if simple is None:
            raise TranslationError(f"{self.tf_type}.{path}: unknown transform {transform!r}")
        return simple(value)

    def _children(self, prefix: str, block: Mapping[str, Any]) -> list[tuple[str, Any]]:
        return [pair for key, item in block.items() for pair in self.argument(prefix + key, item)]

    def _without_counterpart(self, rule: Mapping[str, Any], value: Any) -> list[tuple[str, Any]]:
        # What Terraform sends when the argument is left out is no loss.
        if "tf_zero" in rule and value == rule["tf_zero"]:
            return []
        note = f" ({rule['note']})" if "note" in rule else ""
        raise TranslationError(
            f"{self.tf_type} argument {rule['tf']} = {json.dumps(value)} has no counterpart in "
            f"pulumi_servicestage (mapping.json transform 'none'){note}"
        )


def _single_block(path: str, value: Any) -> Mapping[str, Any]:
    blocks = value if isinstance(value, list) else [value]
    if len(blocks) != 1 or not isinstance(blocks[0], dict):
        raise TranslationError(f"{path}: expected one block, got {json.dumps(value)}")
    block: Mapping[str, Any] = blocks[0]
    return block


def _decoded(value: Any) -> Any:
    """The object a jsonencode()d argument carries (Terraform sends it parsed)."""
    if isinstance(value, dict) and set(value) == {"$jsonencode"}:
        return value["$jsonencode"]
    if isinstance(value, str):
        return json.loads(value)
    raise TranslationError(f"expected jsonencode(...) or a JSON string, got {json.dumps(value)}")


def _encoded(value: Any) -> str:
    # Terraform's jsonencode: keys sorted, no whitespace.
    return json.dumps(_decoded(value), sort_keys=True, separators=(",", ":"))


def _labels(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": tags[key]} for key in sorted(tags)]


def _env_map(variables: Iterable[Mapping[str, str]]) -> dict[str, str]:
    return {variable["name"]: variable["value"] for variable in variables}


_SIMPLE_TRANSFORMS: dict[str, Callable[[Any], Any]] = {
    "copy": lambda value: value,
    "int": int,
    "float": float,
    "labels": _labels,
    "jsonencode": _decoded,
    "jsonencode_string": _encoded,
    "env_map": _env_map,
}
