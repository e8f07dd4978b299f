"""A resource takes its arguments as keywords or as one `XxxArgs` object (options third)."""

from __future__ import annotations

import pulumi
import pytest

from pulumi_servicestage import (
    Application,
    ApplicationArgs,
    Component,
    ComponentArgs,
    Environment,
    EnvironmentArgs,
)
from pulumi_servicestage.testing import DOCKER_STACK, ProviderMocks


def test_an_args_object_declares_the_resource_as_keywords_do(live):
    application = live.backend.create_application(name="shop", creator="tests")
    environment = live.backend.create_environment(
        name="dev", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    arguments = ComponentArgs.model_validate(
        {
            "application_id": application.id,
            "environment_id": environment.id,
            "name": "web",
            "version": "1.0.0",
            "replica": 1,
            "runtime_stack": DOCKER_STACK,
            "source": {"kind": "image", "storage": "swr", "url": "swr.example.com/org/web:1"},
            "refer_resources": [{"id": "cce-1", "type": "cce"}],
        }
    )

    def program() -> None:
        web = Component("web", arguments, pulumi.ResourceOptions(protect=False))
        pulumi.export("status", web.status.apply(lambda status: status["component_status"]))
        shop = Application("blog", ApplicationArgs(name="blog", description="from an object"))
        pulumi.export("description", shop.description)

    exports = ProviderMocks(live.stack_config()).run(program)

    assert exports == {"status": "RUNNING", "description": "from an object"}


def test_options_second_still_work(live):
    def program() -> None:
        Environment("dev", pulumi.ResourceOptions(), name="dev", vpc_id="vpc-1")

    ProviderMocks(live.stack_config()).run(program)
    assert [e.name for e in live.backend.list_environments().items] == ["dev"]


def test_an_args_object_and_keywords_together_are_refused():
    with pytest.raises(TypeError, match="as one ApplicationArgs or as keywords, not both"):
        Application("shop", ApplicationArgs(name="shop"), description="twice")  # type: ignore[call-overload]


def test_another_resource_s_args_object_is_refused():
    wrong = EnvironmentArgs(name="dev", vpc_id="vpc-1")
    with pytest.raises(TypeError, match="Application: the second argument is a EnvironmentArgs"):
        Application("shop", wrong)  # type: ignore[call-overload]


def test_options_given_twice_are_refused():
    with pytest.raises(TypeError, match="Application: the options are given twice"):
        Application(  # type: ignore[call-overload]
            "shop", pulumi.ResourceOptions(), opts=pulumi.ResourceOptions(), name="shop"
        )
