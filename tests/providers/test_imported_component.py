import pytest

from pulumi_servicestage.imported_component import ImportedComponentProvider
from pulumi_servicestage.testing import DiffChanges, ProviderCallError

PROVIDER = ImportedComponentProvider()
CLUSTER = {"id": "cce-1", "type": "cce", "parameters": {"namespace": "shop"}}


@pytest.fixture
def inputs(live):
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    application = live.backend.create_application(name="shop", creator="tests")
    return {
        "application_id": application.id,
        "environment_id": environment.id,
        "name": "legacy-web",
        "workload_name": "legacy-web",
        "workload_kind": "deployment",
        "version": "1.0.0",
        "refer_resources": [CLUSTER],
    }


def create(host, inputs):
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    return host.create(PROVIDER, checked.inputs)


def shown(live, resource_id):
    application_id, component_id = resource_id.split("/")
    return live.backend.show_component(application_id, component_id).to_dict()


def test_create__imports_the_workload_and_waits_for_the_takeover(host, live, inputs):
    created = create(host, inputs)

    component = shown(live, created.id)
    assert created.id == f"{inputs['application_id']}/{created.outs['component_id']}"
    assert created.outs["status"]["component_status"] == "RUNNING"
    assert (component["name"], component["workload_kind"], component["version"]) == (
        "legacy-web",
        "deployment",
        "1.0.0",
    )
    assert component["runtime_stack"]["type"] == "Docker"
    job = live.backend.show_job_info(component["status"]["last_job_id"])
    assert job["tasks"][1]["task_name"] == "CCEAPP_IMPORT_WORKLOAD_002"
    assert "replica" not in created.outs, "the workload keeps its own count"


def test_create__with_replica_scales_after_the_import(host, live, inputs):
    created = create(host, {**inputs, "replica": 3})

    assert created.outs["status"]["available_replica"] == 3
    assert shown(live, created.id)["replica"] == 3


def test_update__changes_in_place_what_the_modify_takes(host, live, inputs):
    created = create(host, inputs)
    changed = {
        **inputs,
        "version": "1.0.1",
        "description": "taken over",
        "refer_resources": [CLUSTER, {"id": "cse-1", "type": "cse"}],
        "replica": 2,
    }

    diff = host.diff(PROVIDER, created.id, created.outs, changed)
    outs = host.update(PROVIDER, created.id, created.outs, changed)

    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [])
    component = shown(live, created.id)
    assert (component["version"], component["description"], component["replica"]) == (
        "1.0.1",
        "taken over",
        2,
    )
    assert [resource["type"] for resource in component["refer_resources"]] == ["cce", "cse"]
    assert component["source"]["url"] == "legacy-web", "the rest of the component is kept"
    assert outs["status"]["component_status"] == "RUNNING"
    assert host.diff(PROVIDER, created.id, outs, changed).changes is DiffChanges.NONE


@pytest.mark.parametrize(
    ("change", "replaced"),
    [
        ({"workload_name": "other"}, "workload_name"),
        ({"workload_kind": "statefulset"}, "workload_kind"),
        ({"refer_resources": [{**CLUSTER, "id": "cce-2"}]}, "refer_resources"),
        ({"refer_resources": [{"id": "cce-1", "type": "cce"}]}, "refer_resources"),
    ],
)
def test_diff__another_workload_is_a_new_import(host, inputs, change, replaced):
    olds = {**inputs, "component_id": "c", "status": {"component_status": "RUNNING"}}

    diff = host.diff(PROVIDER, f"{inputs['application_id']}/c", olds, {**inputs, **change})

    assert diff.replaces == [replaced]
    assert diff.delete_before_replace is True


def test_check__the_cluster_must_be_named(host, inputs):
    failures = dict(
        host.check(
            PROVIDER, None, {**inputs, "refer_resources": [{"id": "x", "type": "cse"}]}
        ).failures
    )

    assert failures == {
        "refer_resources": "refer_resources must include the cce cluster the workload runs in"
    }


def test_create__a_failed_import_is_left_in_place_and_says_how_to_adopt(host, live, inputs):
    live.emulator.jobs.plan("FAILED", operation="import_component")

    with pytest.raises(ProviderCallError) as raised:
        create(host, inputs)

    [left] = live.backend.list_components(application_id=inputs["application_id"]).items
    resource_id = f"{inputs['application_id']}/{left.id}"
    message = raised.value.details
    assert "import workload 'legacy-web'" in message and "ended FAILED" in message
    assert "left in place, since deleting it could delete the workload" in message
    assert f"adopt_id={resource_id!r}" in message

    adopted = create(host, {**inputs, "version": "1.0.1", "adopt_id": resource_id})
    assert adopted.id == resource_id
    assert shown(live, resource_id)["version"] == "1.0.1"


def test_read_and_delete(host, live, inputs):
    created = create(host, inputs)

    refreshed = host.read(PROVIDER, created.id, created.outs, inputs)
    host.delete(PROVIDER, created.id, created.outs)

    assert refreshed.inputs == inputs, "the workload name, which the service does not show, stays"
    assert live.backend.list_components(application_id=inputs["application_id"]).items == []


def test_read__refresh_after_out_of_band_change_shows_drift_that_update_reverts(
    host, live, inputs, job_seconds
):
    created = create(host, inputs)
    application_id, component_id = created.id.split("/")
    spec = live.backend.show_component(application_id, component_id).spec
    live.backend.modify_component(
        application_id, component_id, spec.model_copy(update={"version": "2.0.0"})
    )
    live.let_pass(job_seconds * 2)  # the modify job ends

    refreshed = host.read(PROVIDER, created.id, created.outs, inputs)

    assert refreshed.inputs["version"] == "2.0.0"
    drift = host.diff(PROVIDER, created.id, refreshed.outs, inputs)
    assert (drift.changes, drift.replaces) == (DiffChanges.SOME, [])
    host.update(PROVIDER, created.id, refreshed.outs, inputs)
    assert shown(live, created.id)["version"] == "1.0.0"


def test_replace__another_workload_deletes_the_old_component_first(host, live, inputs):
    created = create(host, inputs)
    other_workload = {**inputs, "workload_name": "legacy-api"}
    assert host.diff(PROVIDER, created.id, created.outs, other_workload).delete_before_replace

    # What the engine does next: delete the old component, then import the other workload.
    host.delete(PROVIDER, created.id, created.outs)
    replacement = create(host, other_workload)

    [component] = live.backend.list_components(application_id=inputs["application_id"]).items
    assert replacement.id == f"{inputs['application_id']}/{component.id}" != created.id
    assert shown(live, replacement.id)["source"]["url"] == "legacy-api"


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        ({"name": "renamed"}, "its name is 'legacy-web', the arguments say 'renamed'"),
        (
            {"refer_resources": [{**CLUSTER, "id": "cce-2"}]},
            "its cluster/namespace is 'cce-1/shop', the arguments say 'cce-2/shop'",
        ),
        (
            {"workload_kind": "statefulset"},
            "its workload_kind is 'deployment', the arguments say 'statefulset'",
        ),
    ],
)
def test_create__adopting_another_workload_is_refused(host, live, inputs, change, reported):
    created = create(host, inputs)

    with pytest.raises(ProviderCallError) as raised:
        create(host, {**inputs, **change, "adopt_id": created.id})

    assert reported in raised.value.details
    assert "cannot be changed on an existing imported component" in raised.value.details
    assert shown(live, created.id)["name"] == "legacy-web"


def test_update__external_accesses_that_get_does_not_show_are_still_modified(host, live, inputs):
    # GET shows no external_accesses (table 4-226, the SDK's ShowComponentInfoResponse): a change
    # is told from the previous inputs, and refresh keeps the known value.
    with_access = {**inputs, "external_accesses": [{"protocol": "http", "forward_port": 80}]}
    created = create(host, with_access)
    changed = {**inputs, "external_accesses": [{"protocol": "https", "forward_port": 443}]}

    outs = host.update(PROVIDER, created.id, created.outs, changed)

    application_id, component_id = created.id.split("/")
    spec = live.backend.show_component(application_id, component_id).spec
    assert [a.model_dump(exclude_none=True) for a in spec.external_accesses or []] == [
        {"protocol": "https", "forward_port": 443}
    ]
    refreshed = host.read(PROVIDER, created.id, outs, changed)
    assert refreshed.inputs["external_accesses"] == changed["external_accesses"]
    assert host.diff(PROVIDER, created.id, refreshed.outs, changed).changes is DiffChanges.NONE
