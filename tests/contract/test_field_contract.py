"""Field contract: every documented field against the client's argument models and the emulator.

The documented fields are the transcription in ``tables/`` (see its README); `generator` builds a
valid value for each field from those tables alone. For the component body, the release tasks'
components and the ASM release:

(a) the client's argument model accepts each documented value and its request body sends it as
    given (``ComponentArgs`` with an ``application_id``; ``ReleasePlanArgs``;
    ``GrayscaleReleaseArgs`` through ``release_fields`` and ``create_body``);
(b) the emulator accepts the same values and shows them back: create, GET, modify / edit /
    update, GET (credentials the service may withhold, and fields the documents say GET leaves
    out, excepted); and its GET returns the fields the response tables add;
(c) the client's models and the emulator's have every documented field and no other (compared by
    wire name, recursively), and the emulator's GET shows no undocumented field;
(d) a component the provider created with one documented field per top-level field, and with
    each value the documents spell two ways, refreshes without drift.

A failure's message starts with (a), (b), (c) or (d) and names the field and its table.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import itertools
import json
import pkgutil
import re
import sys
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from generator import (
    BUILD,
    OMIT,
    TABLES,
    Builder,
    Case,
    Registry,
    TableRef,
    documented_fields,
    documented_paths,
    example_paths,
    generate_cases,
    plain,
)
from pydantic import BaseModel, ValidationError

import pulumi_servicestage.emulator as emulator_package
from pulumi_servicestage.client.errors import ServiceStageError
from pulumi_servicestage.client.http import ApiClient, RetryPolicy
from pulumi_servicestage.client.signing import AkSkAuth
from pulumi_servicestage.component import ComponentArgs, ComponentProvider
from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_KEY,
    Emulator,
)
from pulumi_servicestage.grayscale_release import (
    GrayscaleReleaseArgs,
    GrayscaleReleaseProvider,
    release_fields,
)
from pulumi_servicestage.release_plan import ReleasePlanArgs, ReleasePlanProvider
from pulumi_servicestage.testing import DiffChanges, ProviderInProcess, strip_secrets

REGISTRY = Registry()
COMPONENT = "component_request"
RESPONSE = "component_response"
PLAN = "release_plan"
ENTRY = "release_plan_component"
ASM = "asm_release"

# A component's environment_id is optional in the create table (表4-123) but every real create
# names one: each body carries it, and one case per object leaves it out.
COMPONENT_CASES = generate_cases(
    REGISTRY, COMPONENT, ("create", "modify"), include=frozenset({"environment_id"})
)
# The create page of release tasks is not stored: its body is taken to be the edit body.
PLAN_CASES = generate_cases(
    REGISTRY, PLAN, ("edit",), include=frozenset({"components[].environment_id"})
)
ASM_CASES = generate_cases(REGISTRY, ASM, ("create",))

CAS = f"/v3/{DEFAULT_PROJECT_ID}/cas"
# Placeholders for path parameters the client model takes as arguments.
APPLICATION_ID = "3f2b8c1e-5d4a-4e6b-9a7c-1d2e3f4a5b6c"
MESH_ID = "mesh-1"
NAMESPACE = "shop"
# Fields the service may withhold from GET, wherever a source carries them.
CREDENTIALS = frozenset({"http_password", "http_headers"})

# Client arguments that are not body fields, with the documented operation or parameter they
# steer. Any other argument the body lacks is a field no document has.
NOT_SENT = {
    PLAN: {
        "execute": "whether POST .../release-plans/{id}/execute runs (release_plan.json)",
        "rollback_on_failure": "whether POST .../release-plans/{id}/rollback runs",
        "abort_on_timeout": "whether POST .../release-plans/{id}/abort runs",
    },
    ASM: {"delete_action": "the query parameter action of DELETE (asm_release.json)"},
}

RESOURCE_ARGS = next(c for c in ComponentArgs.__mro__ if c.__name__ == "ResourceArgs")
#: The provider's own settings (timeouts, adopt_id), in every argument model.
LOCAL_ARGS = frozenset(RESOURCE_ARGS.model_fields)


def case_id(case: Case) -> str:
    return f"{case.obj}:{case.id}"


def describe(case: Case) -> str:
    if case.value is OMIT:
        return "left out"
    if case.value is BUILD:
        return "(an object with its mandatory fields)"
    return brief(case.value)


def brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 120 else text[:117] + "..."


# -- values at paths --------------------------------------------------------------------------


def normal(path: str) -> str:
    """A path without list markers or indexes: ``storages[0].name`` -> ``storages.name``."""
    return re.sub(r"\[\d*\]", "", path)


def values_at(body: Any, path: str) -> list[Any]:
    """Every value at a path, through lists."""
    found = [body]
    for segment in normal(path).split("."):
        step: list[Any] = []
        for item in found:
            for one in item if isinstance(item, list) else [item]:
                if isinstance(one, Mapping) and segment in one:
                    step.append(one[segment])
        found = step
    return found


def same(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0, but "1" != 1 and true != 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return bool(a == b)
    return type(a) is type(b) and a == b


def _same_values() -> dict[str, list[frozenset[str]]]:
    """The spelling groups of `disagreements.json`, by normal path (a release task's entries
    carry the component's paths under ``components.``)."""
    groups: dict[str, list[frozenset[str]]] = {}
    disagreements = json.loads((TABLES / "disagreements.json").read_text(encoding="utf-8"))
    for entry in disagreements["same_values"]["entries"]:
        for path in (entry["path"], f"components.{entry['path']}"):
            groups[path] = [frozenset(group) for group in entry["groups"]]
    return groups


@dataclass(frozen=True)
class Leniency:
    """What a GET may leave out, add or spell otherwise, by normal path: fields the documents
    say GET returns only on request (`conditional`) or that no GET table has (`withheld`),
    names the response tables spell differently, list items the service adds (`injected`, by
    name) and values the documents spell two ways."""

    conditional: frozenset[str] = frozenset()
    withheld: frozenset[str] = frozenset()
    alternates: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    injected: Mapping[str, frozenset[str]] = field(default_factory=dict)
    same_values: Mapping[str, list[frozenset[str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, *docs: str) -> Leniency:
        conditional: set[str] = set()
        withheld: set[str] = set()
        alternates: dict[str, tuple[str, ...]] = {}
        injected: dict[str, frozenset[str]] = {}
        for doc in docs:
            for path, (_, f) in documented_paths(REGISTRY, doc, include_read_only=True).items():
                if f.get("get"):
                    conditional.add(path)
                if f.get("withheld"):
                    withheld.add(path)
                if f.get("other_names"):
                    alternates[path] = tuple(f["other_names"])
            for path, added in REGISTRY.docs[doc].get("injected", {}).items():
                injected[path] = frozenset(added["names"])
        return cls(
            frozenset(conditional), frozenset(withheld), alternates, injected, _same_values()
        )

    def absent_ok(self, path: str) -> bool:
        return path in self.conditional or path in self.withheld

    def alike(self, path: str, sent: Any, shown: Any) -> bool:
        """Whether `shown` is `sent`, or another spelling of it."""
        return same(sent, shown) or any(
            sent in group and shown in group for group in self.same_values.get(normal(path), [])
        )

    def own_items(self, path: str, shown: list[Any]) -> list[Any]:
        """`shown` without the items the service adds at `path`."""
        added = self.injected.get(normal(path), frozenset())
        return [
            item for item in shown if not (isinstance(item, dict) and item.get("name") in added)
        ]


def differences(sent: Any, shown: Any, path: str, leniency: Leniency) -> list[str]:
    """How `shown` fails to show every field of `sent` (extra fields in `shown` are fine)."""
    if isinstance(sent, dict):
        if not isinstance(shown, dict):
            return [f"{path or '(body)'}: sent an object, shown {brief(shown)}"]
        problems = []
        for key, value in sent.items():
            here = f"{path}.{key}" if path else key
            names = (key, *leniency.alternates.get(normal(here), ()))
            present = next((name for name in names if name in shown), None)
            if present is not None:
                problems += differences(value, shown[present], here, leniency)
            elif key not in CREDENTIALS and not leniency.absent_ok(normal(here)):
                problems.append(f"{here}: sent {brief(value)}, not shown")
        return problems
    if isinstance(sent, list):
        if isinstance(shown, list):
            shown = leniency.own_items(path, shown)
        if not isinstance(shown, list) or len(shown) != len(sent):
            return [f"{path}: sent {brief(sent)}, shown {brief(shown)}"]
        return [
            problem
            for index, (a, b) in enumerate(zip(sent, shown, strict=True))
            for problem in differences(a, b, f"{path}[{index}]", leniency)
        ]
    return [] if leniency.alike(path, sent, shown) else [f"{path}: sent {sent!r}, shown {shown!r}"]


# -- (a) the client's argument models ---------------------------------------------------------

ARGS_MODELS: dict[str, type[BaseModel]] = {
    COMPONENT: ComponentArgs,
    PLAN: ReleasePlanArgs,
    ASM: GrayscaleReleaseArgs,
}


def _plan_renames() -> dict[str, str]:
    """Wire name -> argument name at the release task's top level (``desc`` is the argument
    ``description``), found by sending a marker through the provider's create body."""
    base = copy.deepcopy(PLAN_CASES[0].bodies["edit"])
    for entry in base["components"]:
        entry["application_id"] = APPLICATION_ID
    arguments = set(ReleasePlanArgs.model_fields) - LOCAL_ARGS - set(NOT_SENT[PLAN])
    wire_names = [f["name"] for f in REGISTRY.fields(REGISTRY.root(PLAN))]
    renames: dict[str, str] = {}
    for wire in wire_names:
        if wire in arguments:
            continue
        for argument in sorted(arguments - set(wire_names)):
            trial = {k: v for k, v in base.items() if k in arguments} | {argument: "marker-1"}
            try:
                body = ReleasePlanProvider().create_body(ReleasePlanArgs.model_validate(trial))
            except (ValidationError, TypeError, ValueError):
                continue
            if body.get(wire) == "marker-1":
                renames[wire] = argument
    return renames


PLAN_RENAMES = _plan_renames()


def asm_arguments(body: Mapping[str, Any]) -> dict[str, Any]:
    """A Release object as GrayscaleReleaseArgs (release_fields); the path parameters stand in
    for metadata the body leaves out."""
    arguments = {k: v for k, v in release_fields(body).items() if v is not None}
    arguments.setdefault("mesh_id", MESH_ID)
    arguments.setdefault("namespace", NAMESPACE)
    return arguments


def client_input(case: Case) -> dict[str, Any]:
    """The case's wire values as the client's arguments."""
    if case.obj == COMPONENT:
        return {**case.bodies["create"], **case.bodies["modify"], "application_id": APPLICATION_ID}
    if case.obj == PLAN:
        body = copy.deepcopy(case.bodies["edit"])
        for entry in body.get("components") or []:
            entry["application_id"] = APPLICATION_ID  # on every entry of 000's example
        return {PLAN_RENAMES.get(key, key): value for key, value in body.items()}
    return asm_arguments(case.bodies["create"])


def _integer(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.isdigit() else value


_WEIGHT_AS_INTEGER = (
    _integer,
    "a numeric string is sent as the integer: 004 表4-143, 表4-208 (create, modify) and 表4-246 "
    "(GET) type the weight Integer where 003 Table 23 and 000 Table 24 print String "
    "(disagreements.json, component_affinity.weight)",
)
#: Documented values the client sends converted to another JSON type, by normal path, with the
#: documents that settle the type sent: the client must send the value so converted.
SENT_AS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "affinity.weight": _WEIGHT_AS_INTEGER,
    "anti_affinity.weight": _WEIGHT_AS_INTEGER,
    "components.affinity.weight": _WEIGHT_AS_INTEGER,
    "components.anti_affinity.weight": _WEIGHT_AS_INTEGER,
}


def client_bodies(case: Case, arguments: Any) -> dict[str, dict[str, Any]]:
    """What the client sends, per operation of the case."""
    if case.obj == COMPONENT:
        provider = ComponentProvider()
        return {
            "create": provider.create_body(arguments),
            "modify": provider.update_body(arguments),
        }
    if case.obj == PLAN:
        return {"edit": ReleasePlanProvider().create_body(arguments)}
    return {"create": GrayscaleReleaseProvider().create_body(arguments)}


@pytest.mark.parametrize("case", [*COMPONENT_CASES, *PLAN_CASES, *ASM_CASES], ids=case_id)
def test_client_accepts_documented_value(case: Case) -> None:
    model = ARGS_MODELS[case.obj]
    try:
        arguments = model.model_validate(client_input(case))
    except ValidationError as error:
        details = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors(include_url=False)
        )
        pytest.fail(
            f"(a) {model.__name__} refuses {case.path} = {describe(case)} ({case.where}): "
            f"{details}",
            pytrace=False,
        )
    if case.value is OMIT:
        return
    sent = client_bodies(case, arguments)
    convert, conversion = SENT_AS.get(normal(case.path), (lambda value: value, ""))
    problems = []
    for op in case.carried_by:
        wanted = [convert(value) for value in values_at(case.bodies[op], case.path)]
        got = values_at(sent[op], case.path)
        if len(got) != len(wanted):
            problems.append(f"the {op} body has no {case.path}")
            continue
        for a, b in zip(wanted, got, strict=True):
            problems += [f"{op} body: {p}" for p in differences(a, b, case.path, Leniency())]
    if problems:
        pytest.fail(
            f"(a) {model.__name__} accepts {case.path} = {describe(case)} ({case.where}) but "
            f"does not send it as given{f' ({conversion})' if conversion else ''}: "
            f"{'; '.join(problems)}",
            pytrace=False,
        )


# -- (b) the emulator -----------------------------------------------------------------------


class World:
    """An in-process emulator with an environment, and a signed client of it."""

    def __init__(self) -> None:
        self.emulator = Emulator(job_seconds=0)
        self.client = ApiClient(
            "http://emulator",
            auth=AkSkAuth(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY),
            transport=httpx.WSGITransport(app=self.emulator.wsgi_app),
            retry=RetryPolicy(max_retries=0),
            headers={"X-Project-Id": DEFAULT_PROJECT_ID},  # ASM's paths carry no project
        )
        self._names = itertools.count(1)
        environment = self.client.post(
            f"{CAS}/environments",
            json={"name": "contract-env", "vpc_id": "0c72428b-cd6c-4283-a560-210d3edb49f7"},
        )
        self.environment_id: str = environment["id"]
        stacks = self.client.get(f"{CAS}/runtimestacks") or {}
        self.stacks: list[dict[str, Any]] = stacks.get("runtime_stacks") or []

    def application(self) -> str:
        body = {"name": f"app-{next(self._names)}"}
        return str(self.client.post(f"{CAS}/applications", json=body)["id"])

    def stack_like(self, wanted: Mapping[str, Any]) -> dict[str, Any]:
        """`wanted` with the name and version of a stack of the emulator's catalogue of the same
        type and deploy mode: the tables say they come from the runtime stack query."""
        matching = [
            stack
            for stack in self.stacks
            if (stack.get("type"), stack.get("deploy_mode"))
            == (wanted.get("type"), wanted.get("deploy_mode"))
        ]
        exact = [
            s for s in matching if (s["name"], s["version"]) == (wanted["name"], wanted["version"])
        ]
        if not (exact or matching):
            pytest.fail(
                f"(b) the emulator's runtime stacks (GET {CAS}/runtimestacks) have none of type "
                f"{wanted.get('type')!r} and deploy_mode {wanted.get('deploy_mode')!r}",
                pytrace=False,
            )
        chosen = (exact or matching)[0]
        return {**wanted, "name": chosen["name"], "version": chosen["version"]}

    def component_body(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """A generated component body with this world's environment and a catalogue stack."""
        body = copy.deepcopy(dict(body))
        if "environment_id" in body:
            body["environment_id"] = self.environment_id
        body["runtime_stack"] = self.stack_like(body["runtime_stack"])
        return body

    def component(self, application_id: str, name: str | None = None) -> dict[str, Any]:
        """Create a minimal component (from the tables) in `application_id`; its create answer
        and the body it was created with."""
        body = Builder(REGISTRY, REGISTRY.root(COMPONENT), "create").body()
        body = self.component_body({**body, **({"name": name} if name else {})})
        body["environment_id"] = self.environment_id
        answer = self.client.post(f"{CAS}/applications/{application_id}/components", json=body)
        return {**answer, "body": body}


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    made = World()
    yield made
    made.client.close()


@pytest.fixture(scope="module")
def asm_world() -> Iterator[World]:
    made = World()
    yield made
    made.client.close()


def accepted(case: Case, step: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ServiceStageError as error:
        pytest.fail(
            f"(b) the emulator refuses {case.path} = {describe(case)} ({case.where}) on {step}: "
            f"{error}",
            pytrace=False,
        )


def report(case: Case, problems: list[str]) -> None:
    if problems:
        pytest.fail(
            f"(b) the emulator does not show back {case.path} = {describe(case)} "
            f"({case.where}): " + "; ".join(problems),
            pytrace=False,
        )


COMPONENT_LENIENCY = Leniency.of(COMPONENT, RESPONSE)
PLAN_LENIENCY = Leniency.of(PLAN)
ASM_LENIENCY = Leniency.of(ASM)


def component_round_trip(world: World, case: Case) -> None:
    collection = f"{CAS}/applications/{world.application()}/components"
    create = world.component_body(case.bodies["create"])
    created = accepted(case, "create (POST)", lambda: world.client.post(collection, json=create))
    path = f"{collection}/{created['component_id']}"
    shown = world.client.get(path)
    problems = [
        f"GET after create: {p}" for p in differences(create, shown, "", COMPONENT_LENIENCY)
    ]
    modify = world.component_body(case.bodies["modify"])
    accepted(case, "modify (PUT)", lambda: world.client.put(path, json=modify))
    shown = world.client.get(path)
    problems += [
        f"GET after modify: {p}" for p in differences(modify, shown, "", COMPONENT_LENIENCY)
    ]
    # commit_id is returned when GET carries the query parameter version (表4-254).
    conditional = sorted(p for p in COMPONENT_LENIENCY.conditional if values_at(modify, p))
    if conditional:
        versioned = world.client.get(path, params={"version": modify["version"]})
        for field_path in conditional:
            sent, got = values_at(modify, field_path), values_at(versioned, field_path)
            if len(sent) != len(got) or not all(map(same, sent, got)):
                problems.append(f"GET ?version=: {field_path} sent {sent!r}, shown {got!r}")
    report(case, problems)


def plan_round_trip(world: World, case: Case) -> None:
    body = copy.deepcopy(case.bodies["edit"])
    for entry in body["components"]:
        # component_id is mandatory (rp-update Table 4): the entry names a real component.
        application_id = world.application()
        entry["component_id"] = world.component(application_id, entry["name"])["component_id"]
        entry["application_id"] = application_id  # on every entry of 000's example
        if "environment_id" in entry:
            entry["environment_id"] = world.environment_id
    plans = f"{CAS}/release-plans"
    created = accepted(case, "create (POST)", lambda: world.client.post(plans, json=body))
    plan_id = (created or {}).get("id")
    if not plan_id:
        pytest.fail(f"(b) the emulator's create answer has no id: {brief(created)}", pytrace=False)
    path = f"{plans}/{plan_id}"
    shown = world.client.get(path)
    problems = [f"GET after create: {p}" for p in differences(body, shown, "", PLAN_LENIENCY)]
    accepted(case, "edit (PUT)", lambda: world.client.put(path, json=body))
    shown = world.client.get(path)
    problems += [f"GET after edit: {p}" for p in differences(body, shown, "", PLAN_LENIENCY)]
    report(case, problems)


def releases_path(body: Mapping[str, Any]) -> str:
    metadata = body.get("metadata") or {}
    mesh = metadata.get("meshID") or MESH_ID
    namespace = metadata.get("namespace") or NAMESPACE
    return f"/v2/meshes/{mesh}/namespaces/{namespace}/releases"


def asm_round_trip(world: World, case: Case) -> None:
    world.emulator.reset()  # release names and workloads are unique per namespace
    body = copy.deepcopy(case.bodies["create"])
    collection = releases_path(body)
    created = accepted(case, "create (POST)", lambda: world.client.post(collection, json=body))
    uid = ((created or {}).get("metadata") or {}).get("uid")
    if not uid:
        pytest.fail(f"(b) the emulator's create answer has no metadata.uid: {brief(created)}")
    path = f"{collection}/{uid}"
    shown = world.client.get(path)
    problems = [f"GET after create: {p}" for p in differences(body, shown, "", ASM_LENIENCY)]
    accepted(case, "update (PUT)", lambda: world.client.put(path, json=body))
    shown = world.client.get(path)
    problems += [f"GET after update: {p}" for p in differences(body, shown, "", ASM_LENIENCY)]
    report(case, problems)


@pytest.mark.parametrize("case", [*COMPONENT_CASES, *PLAN_CASES], ids=case_id)
def test_emulator_round_trips_documented_value(world: World, case: Case) -> None:
    if case.obj == COMPONENT:
        component_round_trip(world, case)
    else:
        plan_round_trip(world, case)


def _refresh_cases() -> list[Case]:
    """One component case per top-level field, and every case of a value the documents spell
    two ways."""
    spelled = set(_same_values())
    chosen: dict[str, Case] = {}
    for case in COMPONENT_CASES:
        tops = {normal(c.path).split(".")[0] for c in chosen.values()}
        if normal(case.path) in spelled or normal(case.path).split(".")[0] not in tops:
            chosen[case_id(case)] = case
    return list(chosen.values())


@pytest.mark.parametrize("case", _refresh_cases(), ids=case_id)
def test_provider_refreshes_documented_value_without_drift(
    live: Any, world: World, case: Case
) -> None:
    """(d) what the provider created from documented values, refreshed against what the
    emulator answers (injected variables, other spellings, withheld fields), diffs as
    unchanged."""
    host = ProviderInProcess()
    host.configure(live.stack_config())
    environment = live.backend.create_environment(
        name="contract-env", vpc_id="vpc-1", deploy_mode="mixed", creator="tests"
    )
    # Every emulator has the same catalogue of runtime stacks: the world's stands for live's.
    # A program names top-level arguments in Python (`sermant_agent_inject_action_flag`).
    wire_names = {f.alias: name for name, f in ComponentArgs.model_fields.items() if f.alias}
    body = world.component_body(client_input(case))
    inputs = {wire_names.get(key, key): value for key, value in body.items()}
    inputs["environment_id"] = environment.id
    inputs["application_id"] = live.backend.create_application(name="shop", creator="tests").id
    provider = ComponentProvider()
    checked = host.check(provider, None, inputs)
    assert checked.failures == [], f"(d) Check refuses {case.path} = {describe(case)}"
    created = host.create(provider, checked.inputs)
    refreshed = host.read(provider, created.id, created.outs, checked.inputs)
    diff = host.diff(provider, created.id, refreshed.outs, checked.inputs)
    if diff.changes is not DiffChanges.NONE:
        drifted = sorted(
            key
            for key in {*refreshed.inputs, *checked.inputs}
            if strip_secrets(refreshed.inputs.get(key)) != strip_secrets(checked.inputs.get(key))
        )
        pytest.fail(
            f"(d) a refresh of {case.path} = {describe(case)} ({case.where}) shows drift: "
            f"{drifted}",
            pytrace=False,
        )


@pytest.mark.parametrize("case", ASM_CASES, ids=case_id)
def test_emulator_round_trips_documented_asm_value(asm_world: World, case: Case) -> None:
    asm_round_trip(asm_world, case)


@pytest.fixture(scope="module")
def shown_objects(world: World, asm_world: World) -> dict[str, Any]:
    """One object of each kind, made of its mandatory fields, as GET shows it."""
    application_id = world.application()
    component = world.component(application_id)
    collection = f"{CAS}/applications/{application_id}/components"
    shown_component = world.client.get(f"{collection}/{component['component_id']}")
    plan = Builder(REGISTRY, REGISTRY.root(PLAN), "edit").body()
    for entry in plan["components"]:
        entry.update(
            component_id=component["component_id"],
            application_id=application_id,
            name=component["body"]["name"],
            environment_id=world.environment_id,
        )
    made_plan = world.client.post(f"{CAS}/release-plans", json=plan)
    shown_plan = world.client.get(f"{CAS}/release-plans/{made_plan['id']}")
    asm_world.emulator.reset()
    release = Builder(REGISTRY, REGISTRY.root(ASM), "create").body()
    uid = asm_world.client.post(releases_path(release), json=release)["metadata"]["uid"]
    shown_release = asm_world.client.get(f"{releases_path(release)}/{uid}")
    return {COMPONENT: shown_component, PLAN: shown_plan, ASM: shown_release}


def _response_only() -> list[tuple[str, str, TableRef, Mapping[str, Any]]]:
    """(object, path, table, field) of what only the response tables document: the fields GET
    adds to what was sent (表4-226's status and the like; read-only fields)."""
    found = []
    request_top = {f["name"] for f in REGISTRY.fields(REGISTRY.root(COMPONENT))}
    for path, table, f, _ in documented_fields(REGISTRY, REGISTRY.root(RESPONSE)):
        if plain(path).split(".")[0] not in request_top:
            found.append((COMPONENT, plain(path), table, f))
    for doc in (PLAN, ASM):
        every = list(documented_fields(REGISTRY, REGISTRY.root(doc), include_read_only=True))
        read_only = {plain(path) for path, _, f, _ in every if f.get("read_only")}
        for path, table, f, _ in every:
            if any(plain(path) == top or plain(path).startswith(f"{top}.") for top in read_only):
                found.append((doc, plain(path), table, f))
    return found


RESPONSE_ONLY = _response_only()


@pytest.mark.parametrize(
    ("obj", "path", "table", "field"),
    RESPONSE_ONLY,
    ids=[f"{obj}:{path}" for obj, path, _, _ in RESPONSE_ONLY],
)
def test_emulator_returns_documented_response_field(
    shown_objects: dict[str, Any], obj: str, path: str, table: TableRef, field: Mapping[str, Any]
) -> None:
    parent, _, name = path.rpartition(".")
    holders = [
        h for h in (values_at(shown_objects[obj], parent) if parent else [shown_objects[obj]])
    ]
    holders = [h for h in holders if isinstance(h, Mapping)]
    if not holders:
        return  # the parent object is absent: its own case reports that
    where = f"{table}, {', '.join(field.get('source', []))}"
    if any(name not in holder for holder in holders):
        pytest.fail(f"(b) the emulator's GET does not return {path} ({where})", pytrace=False)
    allowed = [entry["value"] for entry in field.get("enum") or []]
    wrong = [h[name] for h in holders if allowed and h[name] is not None and h[name] not in allowed]
    if wrong:
        pytest.fail(
            f"(b) the emulator's GET returns {path} = {wrong[0]!r}, none of {allowed} ({where})",
            pytrace=False,
        )


def json_paths(value: Any, prefix: str, documented: Mapping[str, Any]) -> Iterator[str]:
    """Normal paths of the keys of a JSON value; documented fields without a table (maps,
    Kubernetes objects) are leaves."""
    if isinstance(value, list):
        for item in value:
            yield from json_paths(item, prefix, documented)
    elif isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}{key}"
            yield path
            entry = documented.get(path)
            if entry is None or entry[1].get("ref"):
                yield from json_paths(item, f"{path}.", documented)


def known_paths(*docs: str) -> dict[str, Any]:
    """Every path some table (by any spelling) or example of `docs` documents."""
    known: dict[str, Any] = {}
    for doc in docs:
        documented = documented_paths(REGISTRY, doc, include_read_only=True)
        known.update(documented)
        for path, entry in documented.items():
            parent = path.rpartition(".")[0]
            for other in entry[1].get("other_names") or {}:
                known.setdefault(f"{parent}.{other}" if parent else other, entry)
        for path in example_paths(REGISTRY, doc):
            known.setdefault(path, None)
    return known


@pytest.mark.parametrize("obj", [COMPONENT, PLAN, ASM])
def test_emulator_get_shows_only_documented_fields(shown_objects: dict[str, Any], obj: str) -> None:
    known = known_paths(*{COMPONENT: (COMPONENT, RESPONSE), PLAN: (PLAN,), ASM: (ASM,)}[obj])
    if obj == PLAN:  # the entries' example is an entry's own
        known.update({f"components.{p}": None for p in known_paths(ENTRY)})
    extra = sorted({p for p in json_paths(shown_objects[obj], "", known) if p not in known})
    if extra:
        pytest.fail(
            f"(c) the emulator's GET of a {obj} shows fields no table or example documents: "
            + ", ".join(extra),
            pytrace=False,
        )


# -- (c) the models' fields against the tables --------------------------------------------------


def models_in(annotation: Any, owner: type[BaseModel]) -> list[type[BaseModel]]:
    """The models an annotation refers to; forward references (postponed annotations of models
    never rebuilt) are read in the owner's module."""
    if isinstance(annotation, str | typing.ForwardRef):
        text = annotation if isinstance(annotation, str) else annotation.__forward_arg__
        try:
            annotation = eval(text, dict(vars(sys.modules[owner.__module__])))
        except Exception:
            return []
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return [annotation]
    if typing.get_origin(annotation) is typing.Literal:
        return []
    return [model for arg in typing.get_args(annotation) for model in models_in(arg, owner)]


def wire_fields(model: type[BaseModel]) -> dict[str, Any]:
    return {(info.alias or name): info for name, info in model.model_fields.items()}


def model_paths(model: type[BaseModel], prefix: str = "", depth: int = 0) -> set[str]:
    """Normal wire paths of a model's fields, recursively."""
    paths: set[str] = set()
    for wire, info in wire_fields(model).items() if depth < 8 else ():
        paths.add(prefix + wire)
        for nested in models_in(info.annotation, model):
            paths |= model_paths(nested, f"{prefix}{wire}.", depth + 1)
    return paths


def model_gap(model: type[BaseModel], path: str) -> str | None:
    """None when the model has the field at `path`; otherwise what becomes of the field."""
    current = model
    segments = path.split(".")
    for index, segment in enumerate(segments):
        info = wire_fields(current).get(segment) or current.model_fields.get(segment)
        if info is None:
            extra = str(current.model_config.get("extra") or "ignore")
            what = {
                "allow": "is not modelled (kept as sent, unchecked: extra='allow')",
                "forbid": "is refused (extra='forbid')",
            }.get(extra, "is dropped (extra='ignore')")
            return f"{what} in {current.__name__}"
        if index == len(segments) - 1:
            return None
        nested = models_in(info.annotation, current)
        if not nested:
            typed = str(info.annotation).replace("typing.", "")
            return f"is not modelled: {'.'.join(segments[: index + 1])} is typed {typed}"
        current = nested[0]
    return None


@dataclass(frozen=True)
class Side:
    """One side's model of a documented body, as normal wire paths."""

    name: str
    model: type[BaseModel] | None
    paths: frozenset[str]
    #: Wire name -> the model's name, at the top level (a release task's desc).
    renames: Mapping[str, str]
    #: Paths documented elsewhere than in the body tables (path parameters, examples).
    elsewhere: Mapping[str, str]

    def gap(self, path: str) -> str:
        if self.model is None:
            return "is not sent by create_body"
        head, _, rest = path.partition(".")
        own = self.renames.get(head, head) + (f".{rest}" if rest else "")
        return model_gap(self.model, own) or "is missing"


def path_parameters(doc: str) -> dict[str, str]:
    return {
        f["name"]: f"path parameter ({', '.join(f['source'])})"
        for f in REGISTRY.docs[doc].get("path_parameters", [])
    }


def entry_examples() -> dict[str, str]:
    return {f"components.{p}": f"example ({s})" for p, s in example_paths(REGISTRY, ENTRY).items()}


def full_body(doc: str, op: str) -> dict[str, Any]:
    """A body with every documented field of `doc` (one item per list)."""
    every = frozenset(path for path, _, _, _ in documented_fields(REGISTRY, REGISTRY.root(doc)))
    return Builder(REGISTRY, REGISTRY.root(doc), op, include=every).body()


def client_side(doc: str) -> Side:
    def own(paths: set[str]) -> set[str]:
        return {path for path in paths if path.split(".")[0] not in LOCAL_ARGS}

    if doc == COMPONENT:
        paths = own(model_paths(ComponentArgs))
        return Side("ComponentArgs", ComponentArgs, frozenset(paths), {}, path_parameters(doc))
    if doc == PLAN:
        to_wire = {argument: wire for wire, argument in PLAN_RENAMES.items()}
        paths = set()
        for path in own(model_paths(ReleasePlanArgs)) - set(NOT_SENT[PLAN]):
            head, _, rest = path.partition(".")
            paths.add(to_wire.get(head, head) + (f".{rest}" if rest else ""))
        return Side(
            "ReleasePlanArgs", ReleasePlanArgs, frozenset(paths), PLAN_RENAMES, entry_examples()
        )
    # ASM: the arguments have this package's names; their wire names are where create_body puts
    # them (and release_fields reads them back).
    arguments = GrayscaleReleaseArgs.model_validate(asm_arguments(full_body(ASM, "create")))
    body = GrayscaleReleaseProvider().create_body(arguments)
    documented = documented_paths(REGISTRY, ASM, include_read_only=True)
    paths = frozenset(json_paths(body, "", documented))
    return Side("GrayscaleReleaseArgs (through create_body)", None, paths, {}, {})


def emulator_models() -> list[type[BaseModel]]:
    """Every pydantic model defined in the emulator's modules, wherever they have moved."""
    found: dict[str, type[BaseModel]] = {}
    prefix = emulator_package.__name__ + "."
    for module_info in pkgutil.walk_packages(emulator_package.__path__, prefix):
        if module_info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(module_info.name)
        except Exception:  # a module mid-move must not hide the others
            continue
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseModel) and value.__module__ == module.__name__:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


def request_top(doc: str) -> set[str]:
    return {f["name"] for f in REGISTRY.fields(REGISTRY.root(doc)) if not f.get("read_only")}


def emulator_side(doc: str, models: list[type[BaseModel]]) -> Side:
    """The emulator's model of a request body: the one whose top-level wire names overlap the
    documented ones most (found by content, as modules move)."""
    wanted = request_top(doc)
    scored = [
        (len(set(wire_fields(m)) & wanted) / len(set(wire_fields(m)) | wanted), m) for m in models
    ]
    score, model = max(scored, key=lambda pair: pair[0], default=(0.0, None))
    model = model if score >= 0.5 else None
    elsewhere = path_parameters(doc) | (entry_examples() if doc == PLAN else {})
    name = (
        f"emulator {model.__module__}.{model.__name__}" if model else f"no emulator model of {doc}"
    )
    paths = frozenset(model_paths(model)) if model else frozenset()
    return Side(name, model, paths, {}, elsewhere)


EMULATOR_MODELS = emulator_models()
SIDES = {
    doc: {"client": client_side(doc), "emulator": emulator_side(doc, EMULATOR_MODELS)}
    for doc in (COMPONENT, PLAN, ASM)
}
FIELD_CASES = [
    (doc, side, path)
    for doc, sides in SIDES.items()
    for side in sides
    for path in sorted(set(documented_paths(REGISTRY, doc)) | sides[side].paths)
]


@pytest.mark.parametrize(
    ("doc", "side", "path"),
    FIELD_CASES,
    ids=[f"{side}:{doc}:{path}" for doc, side, path in FIELD_CASES],
)
def test_model_has_the_documented_fields_and_no_other(doc: str, side: str, path: str) -> None:
    model = SIDES[doc][side]
    documented = documented_paths(REGISTRY, doc)
    if path in documented:
        if path in model.paths:
            return
        table, f = documented[path]
        parent = path.rpartition(".")[0]
        others = [
            name
            for name in f.get("other_names") or {}
            if f"{parent}.{name}".lstrip(".") in model.paths
        ]
        also = (
            f"; it has {others[0]!r} ({', '.join(f['other_names'][others[0]])})" if others else ""
        )
        pytest.fail(
            f"(c) documented field {path} ({table}, {', '.join(f.get('source', []))}) "
            f"{model.gap(path)} - {model.name}{also}",
            pytrace=False,
        )
    if path in model.elsewhere or path in example_paths(REGISTRY, doc):
        return  # documented as a path parameter or by an example of the same page
    spelt = [
        f"{candidate} ({table})"
        for candidate, (table, f) in documented.items()
        if path.rpartition(".")[2] in (f.get("other_names") or {})
        and candidate.rpartition(".")[0] == path.rpartition(".")[0]
    ]
    hint = f"; the tables spell it {spelt[0]}" if spelt else ""
    pytest.fail(
        f"(c) {model.name} has {path}, which no table of {doc} documents{hint}", pytrace=False
    )


def _reaches(value: Any, body: Any) -> bool:
    """Whether every leaf of `value` occurs somewhere in `body`."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", by_alias=True)
    if isinstance(value, list | dict):
        items = value if isinstance(value, list) else list(value.values())
        return all(_reaches(item, body) for item in items)
    stack = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, dict | list):
            stack.extend(item if isinstance(item, list) else item.values())
        elif same(item, value):
            return True
    return False


def test_asm_arguments_are_sent_or_steer_a_documented_parameter() -> None:
    arguments = GrayscaleReleaseArgs.model_validate(asm_arguments(full_body(ASM, "create")))
    body = GrayscaleReleaseProvider().create_body(arguments)
    unsent = sorted(
        name
        for name in set(GrayscaleReleaseArgs.model_fields) - LOCAL_ARGS - set(NOT_SENT[ASM])
        if getattr(arguments, name) is not None and not _reaches(getattr(arguments, name), body)
    )
    if unsent:
        pytest.fail(
            f"(c) GrayscaleReleaseArgs fields {unsent} do not reach the Release body and no "
            "document names them",
            pytrace=False,
        )


def test_release_plan_arguments_are_sent_or_steer_a_documented_operation() -> None:
    unexplained = sorted(
        name
        for name in set(ReleasePlanArgs.model_fields) - LOCAL_ARGS - set(NOT_SENT[PLAN])
        if name not in request_top(PLAN) and name not in PLAN_RENAMES.values()
    )
    if unexplained:
        pytest.fail(
            f"(c) ReleasePlanArgs fields {unexplained} are neither documented body fields nor "
            "settings of documented operations",
            pytrace=False,
        )
