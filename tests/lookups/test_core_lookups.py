"""Lookups of environments, applications and components, called from a program."""

import pulumi
import pytest

from pulumi_servicestage import ConfigurationError
from pulumi_servicestage.application import get_applications
from pulumi_servicestage.component import get_components
from pulumi_servicestage.environment import get_environments
from pulumi_servicestage.testing import ProviderMocks


def test_lookups__answer_typed_objects_from_the_stack_config(live):
    dev = live.backend.create_environment(name="dev", vpc_id="vpc-1", creator="tests")
    live.backend.create_environment(name="prod", vpc_id="vpc-2", creator="tests")
    shop = live.backend.create_application(name="shop", creator="tests")
    live.backend.create_application(name="blog", creator="tests")

    def program():
        found = get_environments(name="dev")
        pulumi.export("environment_ids", [environment.id for environment in found])
        pulumi.export("vpc", found[0].vpc_id)
        pulumi.export("environment_count", len(get_environments()))
        pulumi.export("application_ids", [a.id for a in get_applications(name="shop")])
        pulumi.export("components", get_components(shop.id))

    exports = ProviderMocks(live.stack_config()).run(program)

    assert exports["environment_ids"] == [dev.id]
    assert exports["vpc"] == "vpc-1"
    assert exports["environment_count"] == 2
    assert exports["application_ids"] == [shop.id]
    assert exports["components"] == []


def test_lookups__missing_settings_name_what_to_set(live, monkeypatch):
    for variable in ("HW_REGION_NAME", "HUAWEICLOUD_SDK_REGION", "HW_REGION"):
        monkeypatch.delenv(variable, raising=False)

    def program():
        get_environments()

    with pytest.raises(ConfigurationError, match="servicestage:region"):
        ProviderMocks({}).run(program)
