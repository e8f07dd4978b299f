"""The release-task lookup, called from a program."""

import pulumi

from pulumi_servicestage.emulator.servicestage.release_plans import (
    ReleasePlanBackend,
    ReleasePlanBody,
)
from pulumi_servicestage.release_plan import get_release_plans
from pulumi_servicestage.testing import ProviderMocks


def test_get_release_plans__answers_typed_tasks_optionally_by_name(live):
    environment = live.backend.create_environment(name="env", vpc_id="vpc-1", creator="tests")
    application = live.backend.create_application(name="shop", creator="tests")
    web = {
        "seq": 1,
        "application_id": application.id,
        "environment_id": environment.id,
        "name": "web",
        "version": "1.0.0",
        "replica": 1,
        "runtime_stack": {
            "name": "Docker",
            "type": "Docker",
            "version": "1.0.0",
            "deploy_mode": "container",
        },
        "source": {"kind": "image", "storage": "swr", "url": "swr.example.com/shop/web:1"},
        "refer_resources": [{"id": "cce-1", "type": "cce"}],
    }
    plans = live.emulator.area(ReleasePlanBackend)
    for name in ("nightly", "hotfix"):
        body = ReleasePlanBody.model_validate({"name": name, "components": [web]})
        plans.create_release_plan(body, creator="tests")

    def program():
        pulumi.export("all", sorted(plan.name for plan in get_release_plans()))
        [hotfix] = get_release_plans(name="hotfix")
        pulumi.export("hotfix", [hotfix.status, hotfix.action, hotfix.creator])

    exports = ProviderMocks(live.stack_config()).run(program)

    assert exports["all"] == ["hotfix", "nightly"]
    assert exports["hotfix"] == ["CREATED", "create", "tests"]
