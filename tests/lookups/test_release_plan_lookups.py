"""The release-task lookup, called from a program."""

import pulumi

from pulumi_servicestage.emulator.servicestage.release_plans.backend import ReleasePlanBackend
from pulumi_servicestage.emulator.servicestage.release_plans.schemas import ReleasePlanBody
from pulumi_servicestage.release_plan import get_release_plans
from pulumi_servicestage.testing import ProviderMocks, container_component


def test_get_release_plans__answers_typed_tasks_optionally_by_name(live):
    environment = live.backend.create_environment(name="env", vpc_id="vpc-1", creator="tests")
    application = live.backend.create_application(name="shop", creator="tests")
    web = container_component(environment.id, seq=1, application_id=application.id)
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
