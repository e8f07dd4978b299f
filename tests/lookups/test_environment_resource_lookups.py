"""The lookup of an environment's managed resources, called from a program."""

import pulumi
import pytest

from pulumi_servicestage.client.errors import NotFoundError
from pulumi_servicestage.emulator.servicestage.schemas import ManagedResource
from pulumi_servicestage.environment_resources import get_environment_resources
from pulumi_servicestage.testing import ProviderMocks


def test_get_environment_resources__typed_entries_in_the_services_order(live):
    environment = live.backend.create_environment(
        name="dev", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    live.backend.modify_environment_resources(
        environment.id,
        [
            ManagedResource(id="elb-1", type="elb", name="front"),
            ManagedResource(id="cce-1", type="cce"),
        ],
    )

    def program():
        found = get_environment_resources(environment.id)
        pulumi.export("found", [(r.type, r.id, r.name) for r in found])

    exports = ProviderMocks(live.stack_config()).run(program)

    assert exports["found"] == [["elb", "elb-1", "front"], ["cce", "cce-1", None]]


def test_get_environment_resources__missing_environment_is_an_error(live):
    def program():
        get_environment_resources("no-such-environment")

    with pytest.raises(NotFoundError, match=r"SVCSTG\.00100411"):
        ProviderMocks(live.stack_config()).run(program)
