from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from pulumi_servicestage.client.signing import AkSkAuth
from pulumi_servicestage.component import ComponentProvider
from pulumi_servicestage.emulator import DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY
from pulumi_servicestage.emulator.errors import PARAMETER_INVALID
from pulumi_servicestage.testing import (
    DOCKER_STACK,
    DiffChanges,
    ProviderCallError,
    ProviderInProcess,
    revealed,
)

PROVIDER = ComponentProvider()


@pytest.fixture
def inputs(live):
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    application = live.backend.create_application(name="shop", creator="tests")
    return {
        "application_id": application.id,
        "environment_id": environment.id,
        "name": "web",
        "version": "1.0.0",
        "replica": 2,
        "runtime_stack": DOCKER_STACK,
        "source": {"kind": "image", "storage": "swr", "url": "swr.example.com/org/web:1"},
        "refer_resources": [{"id": "cce-1", "type": "cce"}],
        "envs": [{"name": "MODE", "value": "prod"}],
    }


def create(host, inputs):
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    return host.create(PROVIDER, checked.inputs)


def component_status(live, resource_id):
    application_id, component_id = resource_id.split("/")
    return live.backend.show_component(application_id, component_id).to_dict()["status"]


def test_check__component_rules_reported_by_property_path(host, inputs):
    bad = {**inputs, "version": "1.0", "source": {"kind": "package"}, "replica": 0}
    failures = dict(host.check(PROVIDER, None, bad).failures)
    assert set(failures) == {"version", "source.url", "source.storage", "replica"}
    assert "^([0-9]+)(.[0-9]+){2,3}$" in failures["version"]
    assert "kind is 'package'" in failures["source.url"]


@pytest.mark.real_time  # one lifecycle through the real host, on real time
def test_lifecycle__create_and_modify_wait_for_their_jobs_delete_waits_until_gone(
    host, live, inputs, job_seconds
):
    started = live.now()
    created = create(host, inputs)
    assert live.now() - started >= job_seconds
    assert created.id == f"{inputs['application_id']}/{created.outs['component_id']}"
    assert created.outs["status"]["component_status"] == "RUNNING"
    assert component_status(live, created.id)["component_status"] == "RUNNING"

    assert host.diff(PROVIDER, created.id, created.outs, inputs).changes is DiffChanges.NONE

    upgraded = {**inputs, "version": "1.0.1", "envs": [{"name": "MODE", "value": "canary"}]}
    in_place = host.diff(PROVIDER, created.id, created.outs, upgraded)
    assert (in_place.changes, in_place.replaces) == (DiffChanges.SOME, [])
    outs = host.update(PROVIDER, created.id, created.outs, upgraded)
    assert outs["version"] == "1.0.1"
    # The modify job has ended by the time update returns.
    assert outs["status"]["component_status"] == "RUNNING"

    host.delete(PROVIDER, created.id, outs)
    application_id, _ = created.id.split("/")
    assert live.backend.list_components(application_id=application_id).items == []


@pytest.mark.parametrize("field", ["name", "runtime_stack", "environment_id", "application_id"])
def test_diff__immutable_fields_force_replacement_deleting_first(host, inputs, field):
    olds = {**inputs, "component_id": "c", "status": {"component_status": "RUNNING"}}
    changed = {
        "name": "web2",
        "runtime_stack": {**DOCKER_STACK, "version": "2.0.0"},
        "environment_id": "env-2",
        "application_id": "app-2",
    }[field]
    diff = host.diff(PROVIDER, f"{inputs['application_id']}/c", olds, {**inputs, field: changed})
    assert diff.replaces == [field]
    assert diff.delete_before_replace is True


def test_create__failed_job_is_reported_and_the_component_deleted_again(host, live, inputs):
    live.emulator.jobs.plan(
        "FAILED", operation="create_component", message="image pull failed: manifest unknown"
    )
    with pytest.raises(ProviderCallError) as raised:
        create(host, inputs)
    message = raised.value.details
    assert "create component 'web'" in message
    assert "ended FAILED" in message
    assert "image pull failed: manifest unknown" in message
    assert "was deleted again" in message
    assert live.backend.list_components(application_id=inputs["application_id"]).items == []


def test_create__timed_out_job_that_cannot_be_cleaned_up_says_how_to_adopt(host, live, inputs):
    live.emulator.jobs.plan("SUCCEEDED", operation="create_component", duration=3)
    with pytest.raises(ProviderCallError) as raised:
        create(host, {**inputs, "timeouts": {"create": 1}})
    message = raised.value.details
    assert "still RUNNING after 1 s" in message
    [left_behind] = live.backend.list_components(application_id=inputs["application_id"]).items
    resource_id = f"{inputs['application_id']}/{left_behind.id}"
    assert f"adopt_id={resource_id!r}" in message

    live.let_pass(2.5)  # the slow job finishes
    adopted = create(host, {**inputs, "adopt_id": resource_id})
    assert adopted.id == resource_id
    assert len(live.backend.list_components(application_id=inputs["application_id"]).items) == 1


def test_create__a_job_that_cannot_be_read_names_the_component_it_left(
    host, live, inputs, monkeypatch
):
    # Long enough that the component is still being created, so it cannot be deleted yet.
    live.emulator.jobs.plan("SUCCEEDED", operation="create_component", duration=3)

    def unreadable(job_id, **_):
        raise PARAMETER_INVALID.error("job store unavailable")

    monkeypatch.setattr(live.backend, "show_job_info", unreadable)

    with pytest.raises(ProviderCallError) as raised:
        create(host, inputs)

    message = raised.value.details
    [left_behind] = live.backend.list_components(application_id=inputs["application_id"]).items
    resource_id = f"{inputs['application_id']}/{left_behind.id}"
    assert "job store unavailable" in message
    assert f"adopt_id={resource_id!r}" in message


def test_create__a_component_that_cannot_be_read_back_is_named(host, live, inputs, monkeypatch):
    def unreadable(application_id, component_id):
        raise PARAMETER_INVALID.error("component store unavailable")

    monkeypatch.setattr(live.backend, "show_component", unreadable)

    with pytest.raises(ProviderCallError) as raised:
        create(host, inputs)

    message = raised.value.details
    [made] = live.backend.list_components(application_id=inputs["application_id"]).items
    resource_id = f"{inputs['application_id']}/{made.id}"
    assert "component store unavailable" in message
    assert "was created but could not be read back" in message
    assert f"take it over by setting adopt_id={resource_id!r}" in message


def test_create__hanging_job_is_cut_off_by_the_timeout_argument(host, live, inputs):
    live.emulator.jobs.plan("HANG", operation="create_component")
    started = live.now()
    with pytest.raises(ProviderCallError, match="still RUNNING after 1 s"):
        create(host, {**inputs, "timeouts": {"create": 1}})
    assert live.now() - started < 5


def test_update__failed_modify_job_is_reported(host, live, inputs):
    created = create(host, inputs)
    live.emulator.jobs.plan("FAILED", operation="modify_component", message="health check failed")
    with pytest.raises(ProviderCallError) as raised:
        host.update(PROVIDER, created.id, created.outs, {**inputs, "version": "1.0.1"})
    assert "modify component 'web'" in raised.value.details
    assert "health check failed" in raised.value.details


def test_read__refresh_after_out_of_band_deletion_drops_it(host, live, inputs, job_seconds):
    created = create(host, inputs)
    application_id, component_id = created.id.split("/")
    live.backend.delete_component(application_id, component_id)
    live.let_pass(job_seconds * 2)
    assert host.read(PROVIDER, created.id, created.outs, inputs).id == ""


def test_read__refresh_ignores_server_defaults_and_shows_real_drift(
    host, live, inputs, job_seconds
):
    created = create(host, inputs)
    refreshed = host.read(PROVIDER, created.id, created.outs, inputs)
    assert host.diff(PROVIDER, created.id, refreshed.outs, inputs).changes is DiffChanges.NONE
    assert revealed(refreshed.inputs["source"]) == inputs["source"]

    application_id, component_id = created.id.split("/")
    spec = live.backend.show_component(application_id, component_id).spec
    live.backend.modify_component(
        application_id, component_id, spec.model_copy(update={"version": "2.0.0"})
    )
    live.let_pass(job_seconds * 2)  # the modify job ends
    drifted = host.read(PROVIDER, created.id, refreshed.outs, inputs)
    assert drifted.inputs["version"] == "2.0.0"
    drift = host.diff(PROVIDER, created.id, drifted.outs, inputs)
    assert (drift.changes, drift.replaces) == (DiffChanges.SOME, [])
    restored = host.update(PROVIDER, created.id, drifted.outs, inputs)
    assert restored["version"] == "1.0.0"
    assert live.backend.show_component(application_id, component_id).spec.version == "1.0.0"


def test_create__adopts_a_component_made_outside_pulumi(host, live, inputs, job_seconds):
    body = {k: v for k, v in inputs.items() if k != "application_id"}
    with httpx.Client(
        base_url=live.url, auth=AkSkAuth(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY)
    ) as client:
        answer = client.post(
            f"/v3/{DEFAULT_PROJECT_ID}/cas/applications/{inputs['application_id']}/components",
            json=body,
        )
    assert answer.status_code == 200, answer.text
    resource_id = f"{inputs['application_id']}/{answer.json()['component_id']}"
    live.let_pass(job_seconds * 2)

    adopted = create(host, {**inputs, "version": "1.0.2", "adopt_id": resource_id})
    assert adopted.id == resource_id
    assert adopted.outs["version"] == "1.0.2"  # the arguments were applied to it


def test_create__adopting_a_component_of_another_environment_is_refused(host, live, inputs):
    existing = create(host, inputs)
    other = live.backend.create_environment(
        name="other", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )

    with pytest.raises(ProviderCallError) as raised:
        create(host, {**inputs, "environment_id": other.id, "adopt_id": existing.id})

    assert (
        f"environment_id is {inputs['environment_id']!r}, the arguments say {other.id!r}, "
        "which cannot be changed on an existing component"
    ) in raised.value.details
    application_id, component_id = existing.id.split("/")
    shown = live.backend.show_component(application_id, component_id)
    assert shown.environment.id == inputs["environment_id"]


def test_read__rejects_a_malformed_id(host, inputs):
    with pytest.raises(
        ProviderCallError, match="expected the form <application_id>/<component_id>"
    ):
        host.read(PROVIDER, "just-one-part", inputs)


def request_count(live, method, path):
    prefix = "/v3/{project_id}/cas/applications/{application_id}/components/{component_id}"
    return live.emulator.request_counts().get(f"{method} {prefix}{path}", 0)


def release_replicas(live, resource_id):
    """The instance count of each release of the component, oldest first."""
    application_id, component_id = resource_id.split("/")
    records = live.backend.list_component_records(application_id, component_id, order="asc")
    return [(record.spec.version, record.spec.replica) for record in records.items]


def test_update__replica_scales_in_place_without_a_modify(host, live, inputs):
    created = create(host, inputs)
    scaled = {**inputs, "replica": 3}

    diff = host.diff(PROVIDER, created.id, created.outs, scaled)
    outs = host.update(PROVIDER, created.id, created.outs, scaled)

    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [])
    assert outs["component_id"] == created.outs["component_id"]
    assert outs["replica"] == 3
    assert (outs["status"]["replica"], outs["status"]["available_replica"]) == (3, 3)
    assert outs["status"]["component_status"] == "RUNNING"
    assert request_count(live, "POST", "/action") == 1
    assert request_count(live, "PUT", "") == 0
    job = live.backend.show_job_info(outs["status"]["last_job_id"])
    assert job["tasks"][1]["task_name"] == "CCEAPP_SCALE_002"


@pytest.mark.parametrize(
    ("replica", "releases"),
    [
        # Fewer instances: scaled down first, so the upgrade rolls two instances, not four.
        (2, [("1.0.0", 4), ("1.0.1", 2)]),
        # More instances: upgraded first, so the new instances start on the new version.
        (6, [("1.0.0", 4), ("1.0.1", 4)]),
    ],
)
def test_update__replica_and_configuration_together(host, live, inputs, replica, releases):
    created = create(host, {**inputs, "replica": 4})

    outs = host.update(
        PROVIDER, created.id, created.outs, {**inputs, "replica": replica, "version": "1.0.1"}
    )

    assert release_replicas(live, created.id) == releases
    assert (outs["version"], outs["status"]["available_replica"]) == ("1.0.1", replica)
    assert (request_count(live, "POST", "/action"), request_count(live, "PUT", "")) == (1, 1)


def test_update__failed_scale_job_is_reported(host, live, inputs):
    created = create(host, inputs)
    live.emulator.jobs.plan("FAILED", operation="scale_component", message="quota exceeded")

    with pytest.raises(ProviderCallError) as raised:
        host.update(PROVIDER, created.id, created.outs, {**inputs, "replica": 5})

    assert "scale component 'web' to 5 instances" in raised.value.details
    assert "quota exceeded" in raised.value.details


def test_create__adopting_with_another_replica_scales_it(host, live, inputs):
    adopted_id = create(host, inputs).id

    adopted = create(host, {**inputs, "replica": 3, "adopt_id": adopted_id})

    assert adopted.outs["status"]["available_replica"] == 3
    assert request_count(live, "PUT", "") == 0


def test_check__replica_of_a_component_on_virtual_machines_changes_only_by_a_task(host, inputs):
    vm_stack = {
        "name": "OpenJDK8",
        "type": "Java",
        "version": "1.2.0",
        "deploy_mode": "virtualmachine",
    }
    olds = {**inputs, "runtime_stack": vm_stack}

    created = host.check(PROVIDER, None, olds)
    rescaled = dict(host.check(PROVIDER, olds, {**olds, "replica": 3}).failures)
    upgraded = host.check(PROVIDER, olds, {**olds, "version": "1.0.1"})

    assert created.failures == upgraded.failures == []
    assert set(rescaled) == {"replica"}
    assert "run a ComponentAction with action 'scale' and parameters.hosts" in rescaled["replica"]


def test_create__gray_release_strategy_in_the_sdk_spelling_is_accepted(host, live, inputs):
    gray = {
        **inputs,
        "deploy_strategy": {
            "type": "GrayRelease",
            "gray_release": {
                "type": "WEIGHT",
                "first_batch_weight": 20,
                "first_batch_replica": 1,
                "remaining_batch": 1,
            },
        },
    }
    created = create(host, gray)
    assert created.outs["deploy_strategy"]["gray_release"]["type"] == "WEIGHT"
    assert component_status(live, created.id)["component_status"] == "RUNNING"


def test_create__without_an_environment_and_refresh_shows_no_drift(host, live, inputs):
    # Table 4-123: environment_id is optional (否) in the create body.
    without = {key: value for key, value in inputs.items() if key != "environment_id"}
    created = create(host, without)

    refreshed = host.read(PROVIDER, created.id, created.outs, without)

    assert "environment_id" not in refreshed.inputs
    assert host.diff(PROVIDER, created.id, refreshed.outs, without).changes is DiffChanges.NONE
    # The modify body has no environment_id: naming one later makes the component anew.
    placed = host.diff(PROVIDER, created.id, refreshed.outs, inputs)
    assert placed.replaces == ["environment_id"]


def test_create__gray_release_strategy_in_the_chinese_tables_spelling_is_kept(host, live, inputs):
    # Tables 4-130/4-131 spell the policy, the surge mode and the rule's values in lower case.
    gray = {
        **inputs,
        "deploy_strategy": {
            "type": "GrayRelease",
            "gray_release": {
                "type": "content",
                "replica_surge_mode": "no_surge",
                "rule_match_mode": "any",
                "rules": [{"type": "header", "key": "x-gray", "value": "1", "condition": "in"}],
            },
        },
    }
    created = create(host, gray)

    refreshed = host.read(PROVIDER, created.id, created.outs, gray)

    assert refreshed.inputs["deploy_strategy"] == gray["deploy_strategy"]
    assert host.diff(PROVIDER, created.id, refreshed.outs, gray).changes is DiffChanges.NONE


def test_the_one_camel_case_wire_field_is_a_snake_case_argument_and_output(host, live, inputs):
    named = {**inputs, "sermant_agent_inject_action_flag": True}

    created = create(host, named)
    refreshed = host.read(PROVIDER, created.id, created.outs, named)

    application_id, component_id = created.id.split("/")
    spec = live.backend.show_component(application_id, component_id).spec
    assert spec.sermantAgentInjectActionFlag is True  # sent under its wire name
    assert created.outs["sermant_agent_inject_action_flag"] is True
    assert "sermantAgentInjectActionFlag" not in created.outs
    assert host.diff(PROVIDER, created.id, refreshed.outs, named).changes is DiffChanges.NONE
    assert dict(host.check(PROVIDER, None, {**inputs, "sermantAgentInjectActionFlag": True})
                .failures) == {"sermantAgentInjectActionFlag": (
        "unknown argument; did you mean 'sermant_agent_inject_action_flag'?")}  # fmt: skip


@pytest.mark.real_time  # deletes waiting side by side on real time, as under the engine
def test_deletes_of_one_application_s_components_at_once_share_list_calls_while_waiting(
    live, inputs
):
    host = ProviderInProcess()
    host.configure(live.stack_config())
    created = [create(host, {**inputs, "name": f"web-{index}"}) for index in range(6)]
    live.emulator.jobs.default_duration = 2.0  # each component takes 2 s to go
    before = live.emulator.request_counts()

    with ThreadPoolExecutor(len(created)) as pool:
        list(pool.map(lambda done: host.delete(PROVIDER, done.id, done.outs), created))

    counts = Counter(live.emulator.request_counts())
    counts.subtract(before)
    assert live.backend.list_components(application_id=inputs["application_id"]).items == []
    # Six waits of about 2 s each, looking every half second or so: reading each component
    # would take over 20 reads; one list of the application answers all six at each look.
    lists = counts["GET /v3/{project_id}/cas/applications/{application_id}/components"]
    reads = counts[
        "GET /v3/{project_id}/cas/applications/{application_id}/components/{component_id}"
    ]
    assert lists + reads <= 12
    assert lists >= 1
