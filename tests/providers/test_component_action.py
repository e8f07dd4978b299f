import pytest

from pulumi_servicestage.component_action import ComponentActionProvider
from pulumi_servicestage.testing import DiffChanges, ProviderCallError

PROVIDER = ComponentActionProvider()


def status_of(live, component):
    return live.backend.show_component(**component).to_dict()["status"]


def run(host, inputs):
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    return host.create(PROVIDER, checked.inputs)


@pytest.mark.parametrize(
    ("arguments", "failures"),
    [
        (
            {"action": "scale"},
            {"parameters.replica": "parameters.replica is required when action is 'scale'"},
        ),
        (
            {"action": "rollback", "parameters": {"hosts": ["ecs-1"]}},
            {
                "parameters.version": "parameters.version is required when action is 'rollback'",
                "parameters.hosts": "parameters.hosts can be set only when action is 'scale'",
            },
        ),
        (
            {"action": "start", "parameters": {"replica": 2}},
            {"parameters.replica": "parameters.replica can be set only when action is 'scale'"},
        ),
        (
            {"action": "scale", "parameters": {"replica": 0}},
            {"parameters.replica": "Input should be greater than or equal to 1"},
        ),
        (
            {"action": "rollback", "parameters": {"version": "1.0"}},
            {"parameters.version": "version must match ^([0-9]+)(.[0-9]+){2,3}$"},
        ),
        ({"action": "pause"}, {"action": "Input should be 'start', 'stop', 'restart'"}),
        (
            {"action": "start", "component_id": ""},
            {"component_id": "must be an id: 1 to 128 letters"},
        ),
    ],
)
def test_check__parameters_must_fit_the_action(host, arguments, failures):
    inputs = {"application_id": "a", "component_id": "c", **arguments}

    found = dict(host.check(PROVIDER, None, inputs).failures)

    assert set(found) == set(failures)
    for path, reason in failures.items():
        assert found[path].startswith(reason)


def test_diff__a_changed_task_runs_again_a_changed_component_replaces(host):
    olds = {
        "application_id": "a",
        "component_id": "c",
        "action": "scale",
        "parameters": {"replica": 2},
        "job_id": "JOB1",
        "job_status": "SUCCEEDED",
    }

    def diff(**changes):
        return host.diff(PROVIDER, "JOB1", olds, {**olds, **changes})

    assert diff().changes is DiffChanges.NONE
    assert diff(timeouts={"update": 60}).changes is DiffChanges.NONE
    rerun = diff(parameters={"replica": 3})
    assert (rerun.changes, rerun.replaces) == (DiffChanges.SOME, [])
    assert diff(triggers=["2024-07-01"]).changes is DiffChanges.SOME
    moved = diff(component_id="c2")
    assert (moved.changes, moved.replaces, moved.delete_before_replace) == (
        DiffChanges.SOME,
        ["component_id"],
        False,
    )


def test_create_and_update__run_the_task_and_wait_for_its_job(host, live, deployed_component):
    stopped = run(host, {**deployed_component, "action": "stop"})

    assert stopped.id == stopped.outs["job_id"]
    assert stopped.outs["job_status"] == "SUCCEEDED"
    assert status_of(live, deployed_component)["component_status"] == "STOPPED"
    job = live.backend.show_job_info(stopped.id)
    assert job["job"]["execution_status"] == "SUCCEEDED"

    started = host.update(
        PROVIDER, stopped.id, stopped.outs, {**deployed_component, "action": "start"}
    )

    assert started["job_id"] != stopped.id
    assert (started["action"], started["job_status"]) == ("start", "SUCCEEDED")
    assert status_of(live, deployed_component)["component_status"] == "RUNNING"


def test_update__scale_again_with_new_parameters(host, live, deployed_component):
    scaled = run(host, {**deployed_component, "action": "scale", "parameters": {"replica": 3}})
    assert status_of(live, deployed_component)["available_replica"] == 3

    rescaled = host.update(
        PROVIDER,
        scaled.id,
        scaled.outs,
        {**deployed_component, "action": "scale", "parameters": {"replica": 1}},
    )

    status = status_of(live, deployed_component)
    assert rescaled["parameters"] == {"replica": 1}
    assert (status["replica"], status["available_replica"]) == (1, 1)


def test_create__a_failed_job_fails_with_the_task_and_the_reason(host, live, deployed_component):
    live.emulator.jobs.plan(
        "FAILED", operation="restart_component", message="liveness probe failed"
    )

    with pytest.raises(ProviderCallError) as raised:
        run(host, {**deployed_component, "action": "restart"})

    message = raised.value.details
    assert f"restart component {deployed_component['component_id']}" in message
    assert "ended FAILED" in message
    assert "liveness probe failed" in message
    assert status_of(live, deployed_component)["component_status"] == "FAILED"


def test_create__a_refused_task_reports_the_service_error(host, deployed_component):
    with pytest.raises(ProviderCallError) as raised:
        run(host, {**deployed_component, "action": "start"})

    assert "SVCSTG.00100419" in raised.value.details
    assert "start needs it FAILED or STOPPED" in raised.value.details


def test_create__a_hanging_job_is_cut_off_by_the_timeout(host, live, deployed_component):
    live.emulator.jobs.plan("HANG", operation="scale_component")

    with pytest.raises(ProviderCallError, match="still RUNNING after 1 s"):
        run(
            host,
            {
                **deployed_component,
                "action": "scale",
                "parameters": {"replica": 4},
                "timeouts": {"create": 1},
            },
        )


def test_read__refreshes_the_job_status_and_keeps_a_task_whose_job_is_gone(
    host, live, deployed_component
):
    restarted = run(host, {**deployed_component, "action": "restart"})
    stale = {**restarted.outs, "job_status": "RUNNING"}

    refreshed = host.read(PROVIDER, restarted.id, stale)
    live.emulator.jobs.reset()
    after_purge = host.read(PROVIDER, restarted.id, restarted.outs)

    assert refreshed.id == after_purge.id == restarted.id
    assert refreshed.outs["job_status"] == "SUCCEEDED"
    assert after_purge.outs == restarted.outs
    assert after_purge.inputs == {**deployed_component, "action": "restart"}


def test_delete__leaves_the_component_as_it_is(host, live, deployed_component):
    stopped = run(host, {**deployed_component, "action": "stop"})

    host.delete(PROVIDER, stopped.id, stopped.outs)

    assert status_of(live, deployed_component)["component_status"] == "STOPPED"
