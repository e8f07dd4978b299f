"""Ownership and reconciliation through the real provider host: an object this resource made
(it carries its marker) is completed and recorded; one it did not make is named with the
`adopt_id` to set; an own object whose create failed is replaced; adoption waits for jobs."""

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_servicestage._lifecycle import OWNER_KEY, OWNER_LABEL, ObjectRef, owner_marker
from pulumi_servicestage.application import ApplicationProvider
from pulumi_servicestage.component import ComponentProvider
from pulumi_servicestage.configuration import ConfigurationGroupProvider
from pulumi_servicestage.emulator.servicestage.configs.backend import ConfigsBackend
from pulumi_servicestage.emulator.servicestage.schemas import (
    ActionParameters,
    ComponentSpec,
    ResourceLabel,
)
from pulumi_servicestage.environment import EnvironmentProvider
from pulumi_servicestage.testing import DiffChanges, ProviderCallError, container_component

COMPONENT = ComponentProvider()
ENVIRONMENT = EnvironmentProvider()
APPLICATION = ApplicationProvider()
GROUP = ConfigurationGroupProvider()
MARKER = owner_marker("test", "test", "Component", "web")


@pytest.fixture
def inputs(place):
    environment_id, application_id = place
    return {
        **container_component(environment_id, name="web"),
        "application_id": application_id,
        OWNER_KEY: MARKER,
    }


def left_by_an_earlier_run(live, inputs, *, marker=MARKER, **overrides):
    """A component as an interrupted create leaves it: made, its job maybe still running."""
    body = {key: value for key, value in inputs.items() if key not in ("application_id", OWNER_KEY)}
    labels = [{"key": OWNER_LABEL, "value": marker}] if marker else []
    spec = ComponentSpec.model_validate({**body, "labels": labels, **overrides})
    return live.backend.create_component(inputs["application_id"], spec, creator="tests")


def wait_for_job_end(live, application_id, component_id):
    live.until(lambda: not live.backend.show_component(application_id, component_id).job_running)


def components(live, inputs):
    return live.backend.list_components(application_id=inputs["application_id"]).items


def create(host, provider, inputs):
    checked = host.check(provider, None, inputs)
    assert checked.failures == []
    return host.create(provider, checked.inputs)


def test_create__completes_the_component_an_interrupted_run_made(host, live, inputs):
    live.emulator.jobs.default_duration = 1.0
    made = left_by_an_earlier_run(live, inputs)
    assert made.job_running

    created = create(host, COMPONENT, inputs)

    assert created.id == f"{inputs['application_id']}/{made.id}"
    assert created.outs["status"]["component_status"] == "RUNNING"
    assert [component.id for component in components(live, inputs)] == [made.id]
    # The marker is the provider's own business: it is not in the outputs, and no drift.
    assert "labels" not in created.outs
    assert host.diff(COMPONENT, created.id, created.outs, inputs).changes is DiffChanges.NONE


def test_create__a_same_named_component_without_the_marker_is_named_not_taken(host, live, inputs):
    foreign = left_by_an_earlier_run(live, inputs, marker=None)

    with pytest.raises(ProviderCallError) as raised:
        create(host, COMPONENT, inputs)

    resource_id = f"{inputs['application_id']}/{foreign.id}"
    message = raised.value.details.strip().splitlines()[-1]
    assert "409 SVCSTG.00100413" in message
    assert f"already exists ({resource_id}) that this resource did not create" in message
    assert f"adopt_id={resource_id!r}" in message
    assert [component.id for component in components(live, inputs)] == [foreign.id]


def test_create__another_resource_s_marker_is_not_this_one_s(host, live, inputs):
    other = owner_marker("test", "test", "Component", "someone-else")
    left_by_an_earlier_run(live, inputs, marker=other)

    with pytest.raises(ProviderCallError, match="that this resource did not create"):
        create(host, COMPONENT, inputs)


def test_create__an_own_component_whose_create_failed_is_replaced(host, live, inputs):
    live.emulator.jobs.plan("FAILED", operation="create_component", message="image pull failed")
    failed = left_by_an_earlier_run(live, inputs)
    live.emulator.jobs.default_duration = 0.3
    wait_for_job_end(live, inputs["application_id"], failed.id)

    created = create(host, COMPONENT, inputs)

    [component] = components(live, inputs)
    assert component.id != failed.id
    assert created.id == f"{inputs['application_id']}/{component.id}"
    assert created.outs["status"]["component_status"] == "RUNNING"


def test_create__environment_and_application_markers_complete_interrupted_creates(host, live):
    environment_marker = owner_marker("test", "test", "Environment", "prod")
    made = live.backend.create_environment(
        name="prod",
        vpc_id="vpc-1",
        deploy_mode="container",
        creator="tests",
        labels=[ResourceLabel(key=OWNER_LABEL, value=environment_marker)],
    )
    environment = {"name": "prod", "vpc_id": "vpc-1", "deploy_mode": "container"}

    with pytest.raises(ProviderCallError) as foreign:
        create(host, ENVIRONMENT, {**environment, OWNER_KEY: "0" * 40})
    created = create(host, ENVIRONMENT, {**environment, OWNER_KEY: environment_marker})

    assert "400 SVCSTG.00100449" in foreign.value.details
    assert f"adopt_id={made.id!r}" in foreign.value.details
    assert created.id == made.id
    assert len(live.backend.list_environments().items) == 1


def test_create__the_marker_label_is_sent_and_hidden(host, live):
    marker = owner_marker("test", "test", "Application", "shop")
    created = create(
        host,
        APPLICATION,
        {"name": "shop", "labels": [{"key": "team", "value": "web"}], OWNER_KEY: marker},
    )

    shown = live.backend.show_application(created.id).to_dict()["labels"]
    assert {"key": OWNER_LABEL, "value": marker} in shown
    assert created.outs["labels"] == [{"key": "team", "value": "web"}]
    refreshed = host.read(APPLICATION, created.id, created.outs, {"name": "shop"})
    assert refreshed.outs["labels"] == [{"key": "team", "value": "web"}]
    got = host.read(APPLICATION, created.id, None, {})
    assert got.outs["labels"] == [{"key": "team", "value": "web"}]


def test_check__the_marker_label_key_is_reserved(host):
    checked = host.check(
        APPLICATION, None, {"name": "shop", "labels": [{"key": OWNER_LABEL, "value": "mine"}]}
    )
    assert [path for path, _ in checked.failures] == ["labels[0].key"]
    assert "reserved for the ownership marker" in checked.failures[0][1]


def test_create__without_labels_an_identical_object_stands_in_for_the_marker(host, live):
    configs = live.emulator.area(ConfigsBackend)
    same = configs.create_config_group(name="shared", description="d", creator="x")
    other = configs.create_config_group(name="other", description="made by hand", creator="x")

    reclaimed = create(host, GROUP, {"name": "shared", "description": "d"})
    with pytest.raises(ProviderCallError) as refused:
        create(host, GROUP, {"name": "other", "description": "mine"})

    assert reclaimed.id == same.id
    assert f"adopt_id={other.id!r}" in refused.value.details
    assert len(configs.list_config_groups().items) == 2


def test_adopt__waits_for_the_running_job_of_the_adopted_component(host, live, inputs):
    live.emulator.jobs.default_duration = 1.0
    made = left_by_an_earlier_run(live, inputs, marker=None)
    resource_id = f"{inputs['application_id']}/{made.id}"

    adopted = create(host, COMPONENT, {**inputs, "adopt_id": resource_id})

    assert adopted.outs["status"]["component_status"] == "RUNNING"


def test_adopt__a_failing_job_of_the_adopted_component_fails_the_adoption(host, live, inputs):
    live.emulator.jobs.plan(
        "FAILED", operation="create_component", duration=1.0, message="image pull failed"
    )
    made = left_by_an_earlier_run(live, inputs, marker=None)
    resource_id = f"{inputs['application_id']}/{made.id}"

    with pytest.raises(ProviderCallError) as raised:
        create(host, COMPONENT, {**inputs, "adopt_id": resource_id})

    assert "ended FAILED" in raised.value.details
    assert "image pull failed" in raised.value.details
    # Not this resource's to delete: the adopted component stays for the user to look at.
    assert [component.id for component in components(live, inputs)] == [made.id]


def test_adopt__a_failed_component_is_redeployed_before_it_counts_as_adopted(host, live, inputs):
    live.emulator.jobs.plan("FAILED", operation="create_component", message="image pull failed")
    made = left_by_an_earlier_run(live, inputs, marker=None)
    wait_for_job_end(live, inputs["application_id"], made.id)
    resource_id = f"{inputs['application_id']}/{made.id}"

    adopted = create(host, COMPONENT, {**inputs, "adopt_id": resource_id})

    assert adopted.outs["status"]["component_status"] == "RUNNING"
    labels = live.backend.show_component(*resource_id.split("/")).to_dict()["labels"]
    assert {"key": OWNER_LABEL, "value": MARKER} in labels


def test_update__waits_for_a_job_an_interrupted_run_left_running(host, live, inputs):
    created = create(host, COMPONENT, inputs)
    application_id, component_id = created.id.split("/")
    live.emulator.jobs.default_duration = 1.0
    live.backend.run_component_action(application_id, component_id, "restart", ActionParameters())

    outs = host.update(COMPONENT, created.id, created.outs, {**inputs, "version": "1.0.1"})

    assert outs["version"] == "1.0.1"
    assert outs["status"]["component_status"] == "RUNNING"


def test_running_job__found_in_the_records_when_the_component_does_not_name_it(live, inputs):
    live.emulator.jobs.default_duration = 1.0
    made = left_by_an_earlier_run(live, inputs)
    provider = ComponentProvider()
    provider.configure(ConfigureRequest(Config(live.stack_config(), "test")))
    ref = ObjectRef({"application_id": inputs["application_id"], "component_id": made.id})

    shown_without_job = {"status": {"component_status": "INITIALIZING"}}

    assert provider.running_job(ref, shown_without_job) == made.last_job_id
    assert provider.running_job(ref, {"status": {"component_status": "RUNNING"}}) is None
