import pytest

from pulumi_servicestage.emulator.servicestage.plugins.backend import PluginBackend
from pulumi_servicestage.emulator.servicestage.schemas import ManagedResource
from pulumi_servicestage.plugin import PluginProvider
from pulumi_servicestage.testing import DiffChanges, ProviderCallError

PROVIDER = PluginProvider()


@pytest.fixture
def plugins(live):
    return live.emulator.area(PluginBackend)


@pytest.fixture
def inputs(live):
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    managed = [("cce", "cce-1"), ("cse", "cse-1"), ("cce", "cce-9"), ("cse", "cse-9")]
    live.backend.modify_environment_resources(
        environment.id, [ManagedResource(type=kind, id=id_) for kind, id_ in managed]
    )
    return {
        "environment_id": environment.id,
        "name": "sermantInjector",
        "cce_id": "cce-1",
        "cse_id": "cse-1",
    }


def create(host, inputs):
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    return host.create(PROVIDER, checked.inputs)


def installed(plugins, inputs):
    return plugins.list_plugins(inputs["environment_id"])


def test_check__rules_reported_by_property_path(host, inputs):
    without_engine = {k: v for k, v in inputs.items() if k != "cse_id"}
    failures = dict(host.check(PROVIDER, None, {**without_engine, "cce_id": ""}).failures)
    assert set(failures) == {"cce_id"}
    assert dict(host.check(PROVIDER, None, without_engine).failures) == {
        "cse_id": "cse_id is required when name is sermantInjector"
    }


def test_lifecycle__create_and_delete_wait_for_their_jobs(host, live, plugins, inputs, job_seconds):
    started = live.now()
    created = create(host, inputs)
    assert live.now() - started >= job_seconds
    [plugin] = installed(plugins, inputs)
    assert created.id == f"{inputs['environment_id']}/{plugin.id}"
    assert created.outs["plugin_id"] == plugin.id
    assert (created.outs["status"], created.outs["version"]) == ("SUCCEEDED", "1.3.1.0")
    assert plugin.status.value == "SUCCEEDED"

    assert host.diff(PROVIDER, created.id, created.outs, inputs).changes is DiffChanges.NONE

    host.delete(PROVIDER, created.id, created.outs)
    assert installed(plugins, inputs) == []


@pytest.mark.parametrize("field", ["environment_id", "name", "cce_id", "cse_id"])
def test_diff__every_api_argument_forces_replacement_deleting_first(host, inputs, field):
    olds = {**inputs, "plugin_id": "p", "status": "SUCCEEDED", "version": "1.3.1.0"}
    diff = host.diff(PROVIDER, f"{inputs['environment_id']}/p", olds, {**inputs, field: "other"})
    assert diff.replaces == [field]
    assert diff.delete_before_replace is True


def test_update__changed_triggers_run_their_tasks_and_wait(host, live, plugins, inputs):
    created = create(host, {**inputs, "restart_trigger": "1"})
    create_job = installed(plugins, inputs)[0].job_id

    restarted = {**inputs, "restart_trigger": "2"}
    diff = host.diff(PROVIDER, created.id, created.outs, restarted)
    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [])
    outs = host.update(PROVIDER, created.id, created.outs, restarted)
    restart_job = installed(plugins, inputs)[0].job_id
    assert restart_job != create_job
    assert live.backend.show_job_info(restart_job)["tasks"][1]["task_name"].endswith("RESTART_002")
    # The task's job has ended by the time update returns.
    assert (outs["status"], outs["restart_trigger"]) == ("SUCCEEDED", "2")

    both = {**restarted, "restart_trigger": "3", "redeploy_trigger": "a"}
    host.update(PROVIDER, created.id, outs, both)
    counts = live.emulator.request_counts()
    action = "POST /v3/{project_id}/cas/environments/{environment_id}/addons/{addon_id}/action"
    assert counts[action] == 3


def test_update__removing_a_trigger_runs_nothing(host, live, inputs):
    created = create(host, {**inputs, "redeploy_trigger": "1"})
    host.update(PROVIDER, created.id, created.outs, inputs)
    action = "POST /v3/{project_id}/cas/environments/{environment_id}/addons/{addon_id}/action"
    assert action not in live.emulator.request_counts()


def test_update__failed_task_job_is_reported(host, live, inputs):
    created = create(host, inputs)
    live.emulator.jobs.plan("FAILED", operation="redeploy_plugin", message="image pull failed")
    with pytest.raises(ProviderCallError) as raised:
        host.update(PROVIDER, created.id, created.outs, {**inputs, "redeploy_trigger": "x"})
    assert "redeploy plugin 'sermantInjector'" in raised.value.details
    assert "image pull failed" in raised.value.details


def test_create__failed_job_is_reported_and_the_plugin_removed_again(host, live, plugins, inputs):
    live.emulator.jobs.plan(
        "FAILED", operation="create_plugin", message="mutating webhook not ready"
    )
    with pytest.raises(ProviderCallError) as raised:
        create(host, inputs)
    message = raised.value.details
    assert "create plugin 'sermantInjector'" in message
    assert "ended FAILED" in message
    assert "mutating webhook not ready" in message
    assert "was deleted again" in message
    assert installed(plugins, inputs) == []


def test_create__hanging_job_that_cannot_be_cleaned_up_says_how_to_adopt(
    host, live, plugins, inputs
):
    live.emulator.jobs.plan("HANG", operation="create_plugin")
    started = live.now()
    with pytest.raises(ProviderCallError) as raised:
        create(host, {**inputs, "timeouts": {"create": 1}})
    assert live.now() - started < 5
    message = raised.value.details
    assert "still RUNNING after 1 s" in message
    [left_behind] = installed(plugins, inputs)
    resource_id = f"{inputs['environment_id']}/{left_behind.id}"
    assert f"adopt_id={resource_id!r}" in message


def test_delete__failed_job_keeps_the_plugin_in_the_stack(host, live, plugins, inputs):
    created = create(host, inputs)
    live.emulator.jobs.plan("FAILED", operation="delete_plugin", message="finalizer stuck")
    with pytest.raises(ProviderCallError, match="finalizer stuck"):
        host.delete(PROVIDER, created.id, created.outs)
    assert [plugin.status.value for plugin in installed(plugins, inputs)] == ["FAILED"]


def test_read__refresh_shows_out_of_band_task_outcome_without_drift(host, live, plugins, inputs):
    created = create(host, inputs)
    environment_id, plugin_id = created.id.split("/")
    live.emulator.jobs.plan("FAILED", operation="restart_plugin", duration=0)
    plugins.act_on_plugin(environment_id, plugin_id, "restart")

    refreshed = host.read(PROVIDER, created.id, created.outs, inputs)
    assert refreshed.outs["status"] == "FAILED"
    assert host.diff(PROVIDER, created.id, refreshed.outs, inputs).changes is DiffChanges.NONE


def test_read__refresh_keeps_the_triggers(host, inputs):
    with_trigger = {**inputs, "redeploy_trigger": "v1"}
    created = create(host, with_trigger)
    refreshed = host.read(PROVIDER, created.id, created.outs, with_trigger)
    assert refreshed.inputs["redeploy_trigger"] == "v1"


def test_read__refresh_after_out_of_band_deletion_drops_it(
    host, plugins, inputs, job_seconds, live
):
    created = create(host, inputs)
    environment_id, plugin_id = created.id.split("/")
    plugins.delete_plugin(environment_id, plugin_id)
    live.let_pass(job_seconds * 2)
    assert host.read(PROVIDER, created.id, created.outs, inputs).id == ""


def test_create__adopts_a_plugin_installed_outside_pulumi(host, plugins, inputs, job_seconds, live):
    existing = plugins.create_plugin(
        inputs["environment_id"], name="sermantInjector", cce_id="cce-1", cse_id="cse-1"
    )
    live.let_pass(job_seconds * 2)
    resource_id = f"{inputs['environment_id']}/{existing.id}"

    adopted = create(host, {**inputs, "adopt_id": resource_id})
    assert adopted.id == resource_id
    assert len(installed(plugins, inputs)) == 1

    mismatched = {**inputs, "cce_id": "cce-2", "adopt_id": resource_id}
    with pytest.raises(ProviderCallError) as raised:
        create(host, mismatched)
    assert "cce_id is 'cce-1', the arguments say 'cce-2'" in raised.value.details
    assert "cannot be changed on an existing plugin" in raised.value.details


def test_read__get_of_an_existing_plugin_returns_all_its_fields(host, plugins, inputs, job_seconds):
    existing = plugins.create_plugin(
        inputs["environment_id"], name="sermantInjector", cce_id="cce-9", cse_id="cse-9"
    )
    got = host.read(PROVIDER, f"{inputs['environment_id']}/{existing.id}", None, {})
    assert (got.outs["name"], got.outs["cce_id"], got.outs["cse_id"]) == (
        "sermantInjector",
        "cce-9",
        "cse-9",
    )


def test_read__rejects_a_malformed_id(host, inputs):
    with pytest.raises(ProviderCallError, match="expected the form <environment_id>/<plugin_id>"):
        host.read(PROVIDER, "just-one-part", inputs)
