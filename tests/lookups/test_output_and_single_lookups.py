"""Lookups as Pulumi users expect them: a `..._output` variant of each that takes other
resources' outputs, and single-object lookups that answer one object or say why not."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pulumi
import pytest

import pulumi_servicestage
from pulumi_servicestage import (
    Application,
    Component,
    Environment,
    ServiceStageError,
    get_application,
    get_component,
    get_component_output,
    get_components_output,
    get_environment,
    get_environment_output,
)
from pulumi_servicestage._lookup import output_of, the_one
from pulumi_servicestage.testing import DOCKER_STACK, ProviderMocks

LOOKUPS = sorted(
    name
    for name in pulumi_servicestage.__all__
    if name.startswith("get_") and not name.endswith("_output")
)


@pytest.mark.parametrize("name", LOOKUPS)
def test_every_lookup_has_an_output_variant_with_its_parameters(name: str) -> None:
    plain = inspect.signature(getattr(pulumi_servicestage, name))
    variant = inspect.signature(getattr(pulumi_servicestage, f"{name}_output"))

    assert [(p.name, p.kind, p.default) for p in variant.parameters.values()] == [
        (p.name, p.kind, p.default) for p in plain.parameters.values()
    ]
    for parameter in variant.parameters.values():
        assert "pulumi.Input[" in str(parameter.annotation), parameter.name
    assert str(variant.return_annotation).startswith("pulumi.Output[")


def test_output_variants_take_the_outputs_of_resources_created_in_the_program(live):
    def program() -> None:
        environment = Environment("dev", name="dev", vpc_id="vpc-1", deploy_mode="container")
        application = Application("shop", name="shop")
        web = Component(
            "web",
            application_id=application.id,
            environment_id=environment.id,
            name="web",
            version="1.0.0",
            replica=1,
            runtime_stack=DOCKER_STACK,
            source={"kind": "image", "storage": "swr", "url": "swr.example.com/org/web:1"},
            refer_resources=[{"id": "cce-1", "type": "cce"}],
        )
        # The component's own outputs order the lookups after its creation.
        listed = get_components_output(web.application_id)
        found = get_component_output(web.application_id, name=web.name)
        pulumi.export("listed", listed.apply(lambda items: [item.name for item in items]))
        pulumi.export("found", found.apply(lambda item: item.id))
        pulumi.export("component_id", web.component_id)
        pulumi.export("vpc", get_environment_output(name=environment.name).apply(_vpc))

    exports = ProviderMocks(live.stack_config()).run(program)

    assert exports["listed"] == ["web"]
    assert exports["found"] == exports["component_id"]
    assert exports["vpc"] == "vpc-1"


def _vpc(found: Any) -> str:
    return str(found.vpc_id)


def test_single_lookups_answer_the_named_object(live):
    environment = live.backend.create_environment(name="dev", vpc_id="vpc-1", creator="tests")
    application = live.backend.create_application(name="shop", creator="tests")

    def program() -> None:
        pulumi.export("environment", get_environment(name="dev").id)
        pulumi.export("application", get_application(name="shop").id)

    exports = ProviderMocks(live.stack_config()).run(program)

    assert exports == {"environment": environment.id, "application": application.id}


@pytest.mark.parametrize(
    ("lookup", "message"),
    [
        (lambda app_id: get_environment(name="prod"), "there is no environment named 'prod'"),
        (lambda app_id: get_application(name="blog"), "there is no application named 'blog'"),
        (
            lambda app_id: get_component(app_id, name="api"),
            "there is no component named 'api' in application ",
        ),
    ],
)
def test_single_lookups_say_when_there_is_none(live, lookup, message):
    application = live.backend.create_application(name="shop", creator="tests")

    with pytest.raises(ServiceStageError, match=message):
        ProviderMocks(live.stack_config()).run(lambda: lookup(application.id))


def test_the_one_names_every_match_when_there_are_several():
    class Found:
        def __init__(self, id_: str) -> None:
            self.id = id_

    with pytest.raises(ServiceStageError) as several:
        the_one([Found("a"), Found("b")], "environment named 'dev'")  # type: ignore[type-var]
    assert str(several.value) == ("2 objects are environment named 'dev': a, b; name one by its id")


def test_an_output_lookup_waits_while_an_argument_is_unknown_as_in_a_preview():
    """In a preview, the id of a resource not yet created is unknown: the lookup is not sent
    (it would ask for an id that does not exist) and its answer is unknown too."""
    sent: list[object] = []

    def lookup(application_id: str, *, name: str) -> str:
        sent.append((application_id, name))
        return "found"

    async def answer(application_id: pulumi.Output[str]) -> tuple[bool, list[object]]:
        found = output_of(lookup, application_id, name="web")
        return await found.is_known(), list(sent)

    def resolved(value: object, *, known: bool) -> pulumi.Output[str]:
        futures = [asyncio.get_running_loop().create_future() for _ in range(3)]
        for future, result in zip(futures, (value, known, False), strict=True):
            future.set_result(result)
        return pulumi.Output(set(), *futures)

    async def preview_then_up() -> list[tuple[bool, list[object]]]:
        return [
            await answer(resolved(None, known=False)),
            await answer(resolved("app-1", known=True)),
        ]

    # A private loop: `asyncio.run` would leave this thread without a current event loop,
    # which other tests' `pulumi.Output`s made outside a loop rely on.
    loop = asyncio.new_event_loop()
    try:
        preview, up = loop.run_until_complete(preview_then_up())
    finally:
        loop.close()

    assert preview == (False, [])
    assert up == (True, [("app-1", "web")])
