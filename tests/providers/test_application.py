import pytest

from pulumi_servicestage.application import ApplicationProvider
from pulumi_servicestage.emulator.servicestage.schemas import ComponentSpec
from pulumi_servicestage.testing import DiffChanges, ProviderCallError, container_component

PROVIDER = ApplicationProvider()
INPUTS = {"name": "shop", "description": "the shop", "labels": [{"key": "team", "value": "web"}]}


def create(host, inputs=INPUTS):
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    return host.create(PROVIDER, checked.inputs)


def test_check__reports_failures_by_property_path(host):
    checked = host.check(PROVIDER, None, {"name": "x", "description": "d" * 129})
    assert {path for path, _ in checked.failures} == {"name", "description"}


@pytest.mark.real_time  # one lifecycle through the real host, on real time
def test_lifecycle__create_update_refresh_delete(host, live):
    created = create(host)
    assert created.outs["application_id"] == created.id
    assert created.outs["component_count"] == 0
    assert live.backend.show_application(created.id).name == "shop"

    assert host.diff(PROVIDER, created.id, created.outs, INPUTS).changes is DiffChanges.NONE
    changed = {**INPUTS, "description": "the new shop"}
    diff = host.diff(PROVIDER, created.id, created.outs, changed)
    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [])
    updated = host.update(PROVIDER, created.id, created.outs, changed)
    assert live.backend.show_application(created.id).description == "the new shop"

    refreshed = host.read(PROVIDER, created.id, updated, changed)
    assert refreshed.inputs["description"] == "the new shop"

    host.delete(PROVIDER, created.id, updated)
    assert host.read(PROVIDER, created.id, updated, changed).id == ""


def test_delete__refused_while_components_remain_reports_the_service_error(host, live):
    created = create(host)
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc", deploy_mode="container", creator="tests"
    )
    live.backend.create_component(
        created.id,
        ComponentSpec.model_validate(container_component(environment.id)),
        creator="tests",
    )
    with pytest.raises(ProviderCallError) as raised:
        host.delete(PROVIDER, created.id, created.outs)
    assert "409 SVCSTG.00100401" in raised.value.details
    assert live.backend.show_application(created.id).name == "shop"
