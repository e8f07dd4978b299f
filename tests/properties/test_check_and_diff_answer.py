"""Property: Check and Diff answer any input, garbage old state included, without crashing.

Each example starts from plausible arguments with the ownership marker, mutates them (members
replaced by values of other types, removed or added, at any depth, `Unknown` among them), and
makes up old state. Check must return a CheckResult whose failures are no caught crash, and
Diff a DiffResult, for the mutated inputs and for what Check made of them; the only exception
either may raise is a one-line ServiceStageError. These calls never reach the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from provider_cases import (
    APPLICATION,
    APPLICATION_CONFIGURATION,
    COMPONENT,
    COMPONENT_ACTION,
    COMPONENT_REFRESH,
    CONFIG_ITEM,
    CONFIGURATION,
    CONFIGURATION_GROUP,
    CONFIGURATION_IMPORT,
    ENGINE_CONFIGURATION,
    ENVIRONMENT,
    ENVIRONMENT_RESOURCES,
    FAKE_PLACES,
    GRAYSCALE_RELEASE,
    IMPORTED_COMPONENT,
    MICROSERVICE,
    MICROSERVICE_ENGINE,
    PLUGIN,
    RELEASE_PLAN,
    REPO_AUTHORIZATION,
    RUNTIME_STACK,
    Case,
    counts,
)
from provider_inputs import ODD_STRINGS, garbage, keys_for, materialize, mutated
from pulumi.dynamic import CheckFailure, CheckResult, DiffResult
from pulumi.output import Unknown

from pulumi_servicestage._lifecycle import OWNER_KEY
from pulumi_servicestage.client.errors import ServiceStageError

CRASH_MARK = "please report this"

CHECK_AND_DIFF = settings(max_examples=150, deadline=None, derandomize=True, database=None)


@dataclass(frozen=True)
class Call:
    """The engine's view of one resource: new inputs, old state, the resource's id."""

    news: dict[str, Any]
    #: The previous inputs that Check is given (empty for a new resource).
    check_olds: dict[str, Any]
    #: The recorded outputs that Diff is given.
    diff_olds: dict[str, Any]
    resource_id: Any


def calls(case: Case) -> st.SearchStrategy[Call]:
    keys = keys_for(case.args_model)
    valid = case.inputs.map(lambda inputs: {**inputs, OWNER_KEY: case.owner})
    names = sorted({*case.args_model.model_fields, *case.provider.output_only_fields()})
    states = st.one_of(
        st.just({}),
        valid,
        mutated(valid, keys),
        st.dictionaries(st.sampled_from(names) | keys, garbage(keys), max_size=6),
    )
    ids = st.one_of(st.just("application-1/component-1"), st.sampled_from(ODD_STRINGS))
    return st.builds(
        Call, news=mutated(valid, keys), check_olds=states, diff_olds=states, resource_id=ids
    )


def answer(call: Any) -> Any:
    """What a provider call returns; None when it raised an error the contract allows."""
    try:
        return call()
    except ServiceStageError as error:
        message = str(error)
        assert "\n" not in message, f"a multi-line error: {message!r}"
        assert CRASH_MARK not in message, f"a crash, caught: {message}"
        return None


def engine_value(value: Any) -> bool:
    """Whether the engine can carry `value` (what the provider host serializes)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and engine_value(v) for k, v in value.items())
    if isinstance(value, list):
        return all(engine_value(item) for item in value)
    return value is None or isinstance(value, (bool, int, float, str, Unknown))


def check_and_diff_answer(case: Case, call: Call, workdir: Path) -> None:
    counts("check+diff", case).tried += 1
    provider = case.provider
    news = materialize(call.news, FAKE_PLACES, workdir)
    check_olds = materialize(call.check_olds, FAKE_PLACES, workdir)
    diff_olds = materialize(call.diff_olds, FAKE_PLACES, workdir)

    checked = answer(lambda: provider.check(check_olds, news))
    if checked is not None:
        assert isinstance(checked, CheckResult)
        assert isinstance(checked.inputs, dict) and engine_value(checked.inputs), checked.inputs
        for failure in checked.failures or []:
            assert isinstance(failure, CheckFailure)
            assert isinstance(failure.property, str) and isinstance(failure.reason, str)
            assert CRASH_MARK not in failure.reason, f"a crash, caught: {failure.reason}"
        if checked.failures:
            counts("check+diff", case).refused += 1

    # The engine diffs what Check answered; a program calling the provider, what it has.
    for inputs in (news, checked.inputs if checked is not None else None):
        if inputs is None:
            continue
        diff = answer(lambda inputs=inputs: provider.diff(call.resource_id, diff_olds, inputs))
        if diff is not None:
            assert isinstance(diff, DiffResult)
            assert diff.changes is None or isinstance(diff.changes, bool)
            assert all(isinstance(name, str) for name in diff.replaces or [])
            assert diff.delete_before_replace is None or isinstance(
                diff.delete_before_replace, bool
            )


@CHECK_AND_DIFF
@given(call=calls(ENVIRONMENT))
def test_environment(call: Call, workdir: Path) -> None:
    check_and_diff_answer(ENVIRONMENT, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(APPLICATION))
def test_application(call: Call, workdir: Path) -> None:
    check_and_diff_answer(APPLICATION, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(COMPONENT))
def test_component(call: Call, workdir: Path) -> None:
    check_and_diff_answer(COMPONENT, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(ENVIRONMENT_RESOURCES))
def test_environment_resources(call: Call, workdir: Path) -> None:
    check_and_diff_answer(ENVIRONMENT_RESOURCES, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(APPLICATION_CONFIGURATION))
def test_application_configuration(call: Call, workdir: Path) -> None:
    check_and_diff_answer(APPLICATION_CONFIGURATION, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(COMPONENT_ACTION))
def test_component_action(call: Call, workdir: Path) -> None:
    check_and_diff_answer(COMPONENT_ACTION, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(COMPONENT_REFRESH))
def test_component_refresh(call: Call, workdir: Path) -> None:
    check_and_diff_answer(COMPONENT_REFRESH, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(IMPORTED_COMPONENT))
def test_imported_component(call: Call, workdir: Path) -> None:
    check_and_diff_answer(IMPORTED_COMPONENT, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(RUNTIME_STACK))
def test_runtime_stack(call: Call, workdir: Path) -> None:
    check_and_diff_answer(RUNTIME_STACK, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(CONFIGURATION_GROUP))
def test_configuration_group(call: Call, workdir: Path) -> None:
    check_and_diff_answer(CONFIGURATION_GROUP, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(CONFIGURATION))
def test_configuration(call: Call, workdir: Path) -> None:
    check_and_diff_answer(CONFIGURATION, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(CONFIGURATION_IMPORT))
def test_configuration_import(call: Call, workdir: Path) -> None:
    check_and_diff_answer(CONFIGURATION_IMPORT, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(PLUGIN))
def test_plugin(call: Call, workdir: Path) -> None:
    check_and_diff_answer(PLUGIN, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(REPO_AUTHORIZATION))
def test_repo_authorization(call: Call, workdir: Path) -> None:
    check_and_diff_answer(REPO_AUTHORIZATION, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(RELEASE_PLAN))
def test_release_plan(call: Call, workdir: Path) -> None:
    check_and_diff_answer(RELEASE_PLAN, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(GRAYSCALE_RELEASE))
def test_grayscale_release(call: Call, workdir: Path) -> None:
    check_and_diff_answer(GRAYSCALE_RELEASE, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(MICROSERVICE_ENGINE))
def test_microservice_engine(call: Call, workdir: Path) -> None:
    check_and_diff_answer(MICROSERVICE_ENGINE, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(CONFIG_ITEM))
def test_config_item(call: Call, workdir: Path) -> None:
    check_and_diff_answer(CONFIG_ITEM, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(MICROSERVICE))
def test_microservice(call: Call, workdir: Path) -> None:
    check_and_diff_answer(MICROSERVICE, call, workdir)


@CHECK_AND_DIFF
@given(call=calls(ENGINE_CONFIGURATION))
def test_engine_configuration(call: Call, workdir: Path) -> None:
    check_and_diff_answer(ENGINE_CONFIGURATION, call, workdir)
