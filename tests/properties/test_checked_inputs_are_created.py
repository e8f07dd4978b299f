"""Property: whatever passes Check is created, and a Diff right after the create sees no change.

Each example empties the session's emulator, makes the objects the arguments refer to, and
checks plausible arguments (valid enum values, numbers at and past their bounds given as
strings or floats, optional fields added or left out). Inputs that pass Check must

- be created, in-process against the emulator, without an exception: the argument models must
  not let through what the API refuses;
- show no change when diffed against the outputs of that create, as the engine hands them back
  (secrets unwrapped, numbers as floats), so a `pulumi up` right after another is a no-op.

Every test also asserts that enough of its examples reached the create. That Check is
idempotent is `test_check_is_idempotent`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import given, settings
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
from provider_inputs import as_sent_by_engine, materialize
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_servicestage._lifecycle import OWNER_KEY
from pulumi_servicestage.client import clock
from pulumi_servicestage.testing import strip_secrets

PROPERTY = "create+diff"
EXAMPLES = 100
#: The share of examples that must reach the create, so the property is not exercised only on
#: inputs that Check refuses.
MIN_CREATED_SHARE = 0.2

CREATE = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)


def created_and_unchanged(case: Case, inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    tally = counts(PROPERTY, case)
    tally.tried += 1
    live.emulator.reset()
    # Jobs and release phases end at once: the providers' first look, moments later on the
    # virtual clock, finds them ended.
    live.emulator.jobs.default_duration = 0
    provider = case.provider
    provider.configure(ConfigureRequest(Config(dict(live.stack_config()), "test")))
    news = {
        **materialize(inputs, case.setup(live), workdir),
        OWNER_KEY: case.owner,
    }

    checked = provider.check({}, news)
    if checked.failures:
        tally.refused += 1
        return

    created = provider.create(checked.inputs)
    tally.created += 1
    # The outputs as the engine stores them and hands them back.
    outs = as_sent_by_engine(strip_secrets(created.outs))
    diff = provider.diff(created.id, outs, checked.inputs)
    assert (diff.changes, diff.replaces) == (False, []), f"a create then {diff.__dict__}"


def enough_created(case: Case) -> Callable[[Any], Callable[[Any, Path], None]]:
    """Make the property of `case` a test of the session's emulator that also asserts that
    enough of its examples reached the create.

    Hypothesis runs every example of a test within one call of its function-scoped fixtures,
    so the examples take the session's emulator and empty it themselves. It runs on a virtual
    clock, which the providers' waits go by too.
    """

    def decorate(prop: Any) -> Callable[[Any, Path], None]:
        def test(virtual_emulator: Any, workdir: Path) -> None:
            seen = counts(PROPERTY, case)
            seen.tried = seen.refused = seen.created = 0
            with clock.use(virtual_emulator.clock):
                prop(live=virtual_emulator, workdir=workdir)
            assert seen.created >= MIN_CREATED_SHARE * seen.tried, (
                f"only {seen.created} of {seen.tried} examples passed Check: make the "
                f"plausible inputs of {case.name} more plausible"
            )

        test.__name__ = test.__qualname__ = prop.__name__
        test.__doc__ = prop.__doc__
        return test

    return decorate


@enough_created(ENVIRONMENT)
@CREATE
@given(inputs=ENVIRONMENT.inputs)
def test_environment(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(ENVIRONMENT, inputs, live, workdir)


@enough_created(APPLICATION)
@CREATE
@given(inputs=APPLICATION.inputs)
def test_application(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(APPLICATION, inputs, live, workdir)


@enough_created(COMPONENT)
@CREATE
@given(inputs=COMPONENT.inputs)
def test_component(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(COMPONENT, inputs, live, workdir)


@enough_created(ENVIRONMENT_RESOURCES)
@CREATE
@given(inputs=ENVIRONMENT_RESOURCES.inputs)
def test_environment_resources(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(ENVIRONMENT_RESOURCES, inputs, live, workdir)


@enough_created(APPLICATION_CONFIGURATION)
@CREATE
@given(inputs=APPLICATION_CONFIGURATION.inputs)
def test_application_configuration(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(APPLICATION_CONFIGURATION, inputs, live, workdir)


@enough_created(COMPONENT_ACTION)
@CREATE
@given(inputs=COMPONENT_ACTION.inputs)
def test_component_action(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(COMPONENT_ACTION, inputs, live, workdir)


@enough_created(COMPONENT_REFRESH)
@CREATE
@given(inputs=COMPONENT_REFRESH.inputs)
def test_component_refresh(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(COMPONENT_REFRESH, inputs, live, workdir)


@enough_created(IMPORTED_COMPONENT)
@CREATE
@given(inputs=IMPORTED_COMPONENT.inputs)
def test_imported_component(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(IMPORTED_COMPONENT, inputs, live, workdir)


@enough_created(RUNTIME_STACK)
@CREATE
@given(inputs=RUNTIME_STACK.inputs)
def test_runtime_stack(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(RUNTIME_STACK, inputs, live, workdir)


@enough_created(CONFIGURATION_GROUP)
@CREATE
@given(inputs=CONFIGURATION_GROUP.inputs)
def test_configuration_group(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(CONFIGURATION_GROUP, inputs, live, workdir)


@enough_created(CONFIGURATION)
@CREATE
@given(inputs=CONFIGURATION.inputs)
def test_configuration(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(CONFIGURATION, inputs, live, workdir)


@enough_created(CONFIGURATION_IMPORT)
@CREATE
@given(inputs=CONFIGURATION_IMPORT.inputs)
def test_configuration_import(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(CONFIGURATION_IMPORT, inputs, live, workdir)


@enough_created(PLUGIN)
@CREATE
@given(inputs=PLUGIN.inputs)
def test_plugin(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(PLUGIN, inputs, live, workdir)


@enough_created(REPO_AUTHORIZATION)
@CREATE
@given(inputs=REPO_AUTHORIZATION.inputs)
def test_repo_authorization(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(REPO_AUTHORIZATION, inputs, live, workdir)


@enough_created(RELEASE_PLAN)
@CREATE
@given(inputs=RELEASE_PLAN.inputs)
def test_release_plan(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(RELEASE_PLAN, inputs, live, workdir)


@enough_created(GRAYSCALE_RELEASE)
@CREATE
@given(inputs=GRAYSCALE_RELEASE.inputs)
def test_grayscale_release(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(GRAYSCALE_RELEASE, inputs, live, workdir)


@enough_created(MICROSERVICE_ENGINE)
@CREATE
@given(inputs=MICROSERVICE_ENGINE.inputs)
def test_microservice_engine(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(MICROSERVICE_ENGINE, inputs, live, workdir)


@enough_created(CONFIG_ITEM)
@CREATE
@given(inputs=CONFIG_ITEM.inputs)
def test_config_item(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(CONFIG_ITEM, inputs, live, workdir)


@enough_created(MICROSERVICE)
@CREATE
@given(inputs=MICROSERVICE.inputs)
def test_microservice(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(MICROSERVICE, inputs, live, workdir)


@enough_created(ENGINE_CONFIGURATION)
@CREATE
@given(inputs=ENGINE_CONFIGURATION.inputs)
def test_engine_configuration(inputs: dict[str, Any], live: Any, workdir: Path) -> None:
    created_and_unchanged(ENGINE_CONFIGURATION, inputs, live, workdir)
