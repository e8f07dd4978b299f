"""ReleasePlan through the real dynamic provider host: releases batch by batch, failures under
both strategies, rollback, abort, edits that execute again, and deletes a running task refuses."""

import pulumi
import pytest
from pulumi.runtime import rpc

from pulumi_servicestage import ServiceStageError, _runtime
from pulumi_servicestage.emulator.servicestage.release_plans.backend import ReleasePlanBackend
from pulumi_servicestage.emulator.servicestage.release_plans.schemas import ReleasePlanBody
from pulumi_servicestage.release_plan import ReleasePlan, ReleasePlanArgs, ReleasePlanProvider
from pulumi_servicestage.testing import (
    DOCKER_STACK,
    DiffChanges,
    ProviderCallError,
    ProviderMocks,
    revealed,
)

PROVIDER = ReleasePlanProvider()


@pytest.fixture
def place(live):
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    application = live.backend.create_application(name="shop", creator="tests")
    return application.id, environment.id


@pytest.fixture
def component(place):
    application_id, environment_id = place

    def make(name, seq, **overrides):
        return {
            "seq": seq,
            "application_id": application_id,
            "environment_id": environment_id,
            "name": name,
            "version": "1.0.0",
            "replica": 1,
            "runtime_stack": DOCKER_STACK,
            "source": {"kind": "image", "storage": "swr", "url": f"swr.example.com/shop/{name}:1"},
            "refer_resources": [{"id": "cce-1", "type": "cce"}],
            **overrides,
        }

    return make


@pytest.fixture
def inputs(component):
    return {
        "name": "shop-release",
        "description": "web first, then api",
        "components": [component("web", 1), component("api", 2)],
    }


@pytest.fixture
def plans(live):
    return live.emulator.area(ReleasePlanBackend)


def create_outside_pulumi(plans, inputs):
    """A task made with the plain API, from the body the provider would send."""
    body = PROVIDER.create_body(ReleasePlanArgs.model_validate(inputs))
    return plans.create_release_plan(ReleasePlanBody.model_validate(body), creator="tests")


def create(host, inputs):
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    return host.create(PROVIDER, checked.inputs)


def by_name(outs):
    return {deployment["name"]: deployment for deployment in outs["deploy_info"]}


def components_in(live, place):
    page = live.backend.list_components(application_id=place[0], order="asc")
    return {component.name: component for component in page.items}


def test_check__release_rules_reported_by_property_path(host, inputs, component):
    bad = {
        **inputs,
        "fail_strategy": "retry",
        "components": [component("web", 0), component("api", 3, source={"kind": "package"})],
    }
    failures = dict(host.check(PROVIDER, None, bad).failures)
    assert set(failures) == {
        "fail_strategy",
        "components[0].seq",
        "components[1].source.url",
        "components[1].source.storage",
    }
    assert "kind is 'package'" in failures["components[1].source.url"]
    twice = {**inputs, "components": [component("web", 1), component("web", 2)]}
    assert host.check(PROVIDER, None, twice).failures == [
        (
            "components[1].name",
            f"component web of application {twice['components'][0]['application_id']} is "
            "already components[0]: a release task lists each component once",
        )
    ]
    empty = dict(host.check(PROVIDER, None, {**inputs, "components": []}).failures)
    assert list(empty) == ["components"]


@pytest.mark.real_time  # one lifecycle through the real host, on real time
def test_create__two_batch_release_succeeds(host, live, place, inputs, job_seconds):
    started = live.now()
    created = create(host, inputs)

    assert live.now() - started >= 2 * job_seconds
    outs = created.outs
    assert outs["release_plan_id"] == created.id
    assert (outs["status"], outs["action"]) == ("SUCCESS", "upgrade")
    released = by_name(outs)
    core = components_in(live, place)
    for name in ("web", "api"):
        assert released[name]["job_id"].startswith("JOB")
        assert (released[name]["job_status"], released[name]["status"]) == ("SUCCEEDED", "RUNNING")
        assert released[name]["version"] == "1.0.0"
        assert released[name]["component_id"] == core[name].id
        assert released[name]["application_id"] == place[0]
        assert core[name].status.value == "RUNNING"
    assert (released["web"]["seq"], released["api"]["seq"]) == (1, 2)
    assert released["web"]["end_time"] <= released["api"]["start_time"]
    assert host.diff(PROVIDER, created.id, outs, inputs).changes is DiffChanges.NONE


@pytest.mark.parametrize("fail_strategy", ["stop", "continue"])
def test_create__second_batch_fails(host, live, place, plans, inputs, component, fail_strategy):
    three_batches = {
        **inputs,
        "fail_strategy": fail_strategy,
        "components": [*inputs["components"], component("worker", 3)],
    }
    live.emulator.jobs.plan("FAILED", component_name="api", message="image pull failed")

    with pytest.raises(ProviderCallError) as raised:
        create(host, three_batches)

    message = raised.value.details
    [plan] = plans.list_release_plans()
    assert f"release task 'shop-release' ({plan.id}) ended PARTIALLY_FAILED" in message
    assert "component 'api' (batch 2) failed: image pull failed" in message
    if fail_strategy == "stop":
        assert (
            "with fail_strategy 'stop', batch 2 stopped the release; "
            "not released: 'worker' (batch 3)"
        ) in message
        assert set(components_in(live, place)) == {"web", "api"}
    else:
        assert "with fail_strategy 'continue', the release went on" in message
        assert set(components_in(live, place)) == {"web", "api", "worker"}
    # The task is kept, with what its release changed, and can be taken over.
    core = components_in(live, place)
    assert f"The release task {plan.id} is kept (PARTIALLY_FAILED)" in message
    assert f"'api' ({place[0]}/{core['api'].id}, job FAILED)" in message
    assert f"adopt_id={plan.id!r}" in message

    adopted = create(host, {**three_batches, "adopt_id": plan.id})

    assert adopted.id == plan.id
    assert adopted.outs["status"] == "SUCCESS"
    # Released again: the components the first release created were upgraded, not duplicated.
    again = components_in(live, place)
    assert {name: c.id for name, c in again.items() if name in core} == {
        name: c.id for name, c in core.items()
    }
    assert {c.status.value for c in again.values()} == {"RUNNING"}
    assert set(again) == {"web", "api", "worker"}


def test_create__failed_release_rolled_back_leaves_nothing(host, live, place, plans, inputs):
    live.emulator.jobs.plan("FAILED", component_name="api", message="image pull failed")

    with pytest.raises(ProviderCallError) as raised:
        create(host, {**inputs, "rollback_on_failure": True})

    message = raised.value.details
    assert "component 'api' (batch 2) failed: image pull failed" in message
    assert "it was rolled back (ROLLBACK_SUCCEED)" in message
    assert "was deleted again, so nothing was left behind" in message
    assert components_in(live, place) == {}
    assert plans.list_release_plans() == []


def test_create__refused_execution_deletes_the_task_again(host, live, place, plans, inputs):
    first = create(host, {**inputs, "execute": False})
    live.emulator.jobs.plan(duration=2, component_name="web")
    plans.execute_release_plan(first.id)
    web = components_in(live, place)["web"]
    upgrade_web = {
        **inputs,
        "name": "upgrade-web",
        "components": [{**inputs["components"][0], "component_id": web.id}],
    }

    with pytest.raises(ProviderCallError) as raised:
        create(host, upgrade_web)

    message = raised.value.details
    assert "409 SVCSTG.00100432 component in releasing: web already in another" in message
    assert "was deleted again, so nothing was left behind" in message
    assert [plan.id for plan in plans.list_release_plans()] == [first.id]


def test_create__release_still_running_is_aborted(host, live, place, plans, inputs):
    # The running batch outlasts the wait (1 s) and ends well within the abort's wait (1 s more).
    live.emulator.jobs.plan(duration=1.6, component_name="web")

    with pytest.raises(ProviderCallError) as raised:
        create(host, {**inputs, "abort_on_timeout": True, "timeouts": {"create": 1}})

    message = raised.value.details
    assert "was still RUNNING after 1 s; running: 'web' (batch 1)" in message
    assert "not released yet: 'api' (batch 2)" in message
    assert "it was aborted and ended ABORTED, not released: 'api' (batch 2)" in message
    [plan] = plans.list_release_plans()
    assert plan.status.value == "ABORTED"
    assert f"adopt_id={plan.id!r}" in message
    assert set(components_in(live, place)) == {"web"}


def test_create__release_that_the_abort_lets_finish_is_a_success(host, live, place, component):
    # The abort stops later batches only; here the running batch is the last one.
    live.emulator.jobs.plan(duration=1.6, component_name="web")
    only_web = {
        "name": "web-only",
        "components": [component("web", 1)],
        "abort_on_timeout": True,
        "rollback_on_failure": True,
        "timeouts": {"create": 1},
    }

    created = create(host, only_web)

    assert created.outs["status"] == "SUCCESS"
    assert by_name(created.outs)["web"]["job_status"] == "SUCCEEDED"
    assert components_in(live, place)["web"].status.value == "RUNNING"


def test_update__edits_the_task_and_releases_it_again(host, live, place, plans, inputs):
    created = create(host, inputs)
    before = components_in(live, place)
    upgraded = {
        **inputs,
        "description": "both upgraded",
        "components": [{**c, "version": "1.0.1"} for c in inputs["components"]],
    }

    diff = host.diff(PROVIDER, created.id, created.outs, upgraded)
    outs = host.update(PROVIDER, created.id, created.outs, upgraded)

    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [])
    assert outs["status"] == "SUCCESS"
    assert outs["description"] == "both upgraded"
    assert outs["execute_time"] > created.outs["execute_time"]
    released, first = by_name(outs), by_name(created.outs)
    for name in ("web", "api"):
        assert released[name]["version"] == "1.0.1"
        assert released[name]["job_id"] != first[name]["job_id"]
    after = components_in(live, place)
    assert {name: c.id for name, c in after.items()} == {name: c.id for name, c in before.items()}
    assert {c.spec.version for c in after.values()} == {"1.0.1"}
    assert plans.show_release_plan(created.id).desc == "both upgraded"

    # Provider settings alone neither edit nor execute the task.
    settled = host.update(PROVIDER, created.id, outs, {**upgraded, "timeouts": {"update": 60}})
    assert (settled["execute_time"], settled["modify_time"]) == (
        outs["execute_time"],
        outs["modify_time"],
    )


def test_update__failed_upgrade_is_rolled_back(host, live, place, inputs):
    created = create(host, inputs)
    live.emulator.jobs.plan(
        "FAILED", operation="modify_component", component_name="api", message="probe failed"
    )
    upgraded = {
        **inputs,
        "rollback_on_failure": True,
        "components": [{**c, "version": "2.0.0"} for c in inputs["components"]],
    }

    with pytest.raises(ProviderCallError) as raised:
        host.update(PROVIDER, created.id, created.outs, upgraded)

    assert "component 'api' (batch 2) failed: probe failed" in raised.value.details
    assert "it was rolled back (ROLLBACK_SUCCEED)" in raised.value.details
    assert {c.spec.version for c in components_in(live, place).values()} == {"1.0.0"}


def test_execute__false_creates_the_task_only_and_turning_it_on_releases(host, live, place, inputs):
    created = create(host, {**inputs, "execute": False})

    assert created.outs["status"] == "CREATED"
    assert [d.get("job_id") for d in created.outs["deploy_info"]] == [None, None]
    assert components_in(live, place) == {}

    outs = host.update(PROVIDER, created.id, created.outs, inputs)

    assert outs["status"] == "SUCCESS"
    assert set(components_in(live, place)) == {"web", "api"}


def test_delete__refused_while_the_release_runs_then_waits_for_it(host, live, place, plans, inputs):
    created = create(host, {**inputs, "execute": False})
    live.emulator.jobs.plan(duration=2, component_name="web")
    plans.execute_release_plan(created.id)

    with pytest.raises(ProviderCallError) as raised:
        host.delete(PROVIDER, created.id, {**created.outs, "timeouts": {"delete": 0.5}})

    message = raised.value.details
    assert f"release task {created.id} was not deleted" in message
    assert "SVCSTG.00100435 release can not delete: release task shop-release is RUNNING" in message
    assert "raise this resource's `timeouts.delete`" in message
    assert plans.show_release_plan(created.id).status.value == "RUNNING"

    host.delete(PROVIDER, created.id, created.outs)

    assert plans.list_release_plans() == []
    # The task is a record: the components it deployed stay.
    assert set(components_in(live, place)) == {"web", "api"}


def test_read__refresh_keeps_credentials_and_settings(host, inputs, component):
    source = {
        "kind": "package",
        "storage": "http",
        "url": "https://repo.example/web.jar",
        "http_command": "GET",
        "http_username": "deployer",
        "http_password": "s3cret",
    }
    with_credentials = {
        **inputs,
        "rollback_on_failure": True,
        "components": [component("web", 1, source=source)],
    }
    created = create(host, with_credentials)

    refreshed = host.read(PROVIDER, created.id, created.outs, with_credentials)

    assert revealed(refreshed.inputs["components"])[0]["source"] == source
    assert refreshed.inputs["rollback_on_failure"] is True
    assert host.diff(PROVIDER, created.id, refreshed.outs, with_credentials).changes is (
        DiffChanges.NONE
    )


def test_read__a_deleted_task_is_gone(host, plans, inputs):
    created = create(host, {**inputs, "execute": False})
    plans.delete_release_plan(created.id)

    assert host.read(PROVIDER, created.id, created.outs, inputs).id == ""


def test_create__adopts_a_task_made_outside_pulumi(host, live, place, plans, inputs):
    made = create_outside_pulumi(plans, inputs)

    adopted = create(host, {**inputs, "description": "adopted", "adopt_id": made.id})

    assert adopted.id == made.id
    assert (adopted.outs["status"], adopted.outs["description"]) == ("SUCCESS", "adopted")
    assert set(components_in(live, place)) == {"web", "api"}
    with pytest.raises(ProviderCallError, match="adopt_id 'nope': no such release task"):
        create(host, {**inputs, "adopt_id": "nope"})


def test_created_id__found_by_name_when_the_answer_lacks_it(live, plans, inputs):
    _runtime.configure(live.stack_config())
    args = ReleasePlanArgs.model_validate(inputs)
    made = create_outside_pulumi(plans, inputs)

    assert PROVIDER._created_id({}, args) == made.id
    create_outside_pulumi(plans, inputs)
    with pytest.raises(ServiceStageError, match="2 release tasks have that name"):
        PROVIDER._created_id(None, args)


def test_component_credentials_are_secret_in_the_state(live, inputs, component):
    source = {
        "kind": "package",
        "storage": "http",
        "url": "https://repo.example/web.jar",
        "http_command": "GET",
        "http_username": "deployer",
        "http_password": "s3cret",
    }
    mocks = ProviderMocks(live.stack_config())

    def program():
        plan = ReleasePlan(
            "release",
            name="shop-release",
            components=[component("web", 1, source=source)],
        )
        pulumi.export("status", plan.status)

    exports = mocks.run(program)

    registered = mocks.by_name("release").inputs["components"]
    assert rpc.is_rpc_secret(registered)
    assert rpc.unwrap_rpc_secret(registered)[0]["source"]["http_password"] == "s3cret"
    assert not rpc.is_rpc_secret(mocks.by_name("release").inputs["name"])
    assert exports["status"] == "SUCCESS"
