"""The RuntimeStack provider through the real dynamic provider host, against the emulator."""

import pytest

from pulumi_servicestage.emulator.errors import PARAMETER_INVALID
from pulumi_servicestage.emulator.servicestage.runtime_stacks.backend import RuntimeStackBackend
from pulumi_servicestage.emulator.servicestage.runtime_stacks.schemas import StackSpec
from pulumi_servicestage.runtime_stack import RuntimeStackProvider
from pulumi_servicestage.testing import DiffChanges, ProviderCallError

PROVIDER = RuntimeStackProvider()
JDK_URL = "obs://bucket/bisheng-jdk-8u412-linux-aarch64.tar.gz"
INPUTS = {
    "name": "CustomJdk",
    "type": "Java",
    "deploy_mode": "virtualmachine",
    "version": "1.0.0",
    "spec": {"parameters": {"jdk_url": JDK_URL}},
    "description": "bisheng JDK",
    "released": True,
}
MODIFY = "PUT /v3/{project_id}/cas/runtimestacks/{runtimestack_id}"
RELEASE = "POST /v3/{project_id}/cas/runtimestacks/action"


def create(host, inputs=INPUTS):
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    return host.create(PROVIDER, checked.inputs)


def stacks(live):
    return live.emulator.area(RuntimeStackBackend)


def custom_stacks(live):
    return [stack for stack in live.backend.list_runtime_stacks() if stack["system"] == 0]


def test_check__reports_each_failure_by_property_path(host):
    checked = host.check(
        PROVIDER,
        None,
        {
            "name": "",
            "type": "Nodejs",
            "deploy_mode": "container",
            "spec": {"parameters": {"jdk_url": 5}, "image": "x"},
            "released": "maybe",
        },
    )
    reasons = dict(checked.failures)
    assert set(reasons) == {
        "name",
        "type",
        "deploy_mode",
        "version",
        "spec.parameters.jdk_url",
        "spec.image",
        "released",
    }
    assert "'Java' or 'Tomcat'" in reasons["type"]
    assert "'virtualmachine'" in reasons["deploy_mode"]
    assert "unknown argument" in reasons["spec.image"]


def test_lifecycle__create_released_update_replace_delete(host, live):
    created = create(host)
    shown = stacks(live).show_runtime_stack(created.id)
    assert (shown["name"], shown["status"], shown["description"]) == (
        "CustomJdk",
        "Supported",
        "bisheng JDK",
    )
    assert created.outs["runtime_stack_id"] == created.id
    assert (created.outs["released"], created.outs["status"]) == (True, "Supported")
    assert created.outs["component_count"] == 0

    unchanged = host.diff(PROVIDER, created.id, created.outs, INPUTS)
    assert unchanged.changes is DiffChanges.NONE

    changed = {**INPUTS, "version": "1.0.1", "released": False}
    del changed["description"]
    in_place = host.diff(PROVIDER, created.id, created.outs, changed)
    assert (in_place.changes, in_place.replaces) == (DiffChanges.SOME, [])
    updated = host.update(PROVIDER, created.id, created.outs, changed)
    shown = stacks(live).show_runtime_stack(created.id)
    assert (shown["version"], shown["status"], shown["description"]) == ("1.0.1", "Disable", None)
    assert (updated["released"], updated["status"], updated["version"]) == (
        False,
        "Disable",
        "1.0.1",
    )
    assert "description" not in updated

    retyped = host.diff(PROVIDER, created.id, updated, {**changed, "type": "Tomcat"})
    assert (retyped.changes, retyped.replaces) == (DiffChanges.SOME, ["type"])
    # The replacement keeps the name, which must be free first.
    assert retyped.delete_before_replace

    host.delete(PROVIDER, created.id, updated)
    assert custom_stacks(live) == []


def test_update__release_change_alone_sends_only_the_release_action(host, live):
    created = create(host, {**INPUTS, "released": False})
    before = live.emulator.request_counts()

    updated = host.update(PROVIDER, created.id, created.outs, INPUTS)

    after = live.emulator.request_counts()
    assert after.get(RELEASE, 0) - before.get(RELEASE, 0) == 1
    assert after.get(MODIFY, 0) == before.get(MODIFY, 0)
    assert updated["status"] == "Supported"


def test_create__without_released_leaves_the_release_state_alone(host, live):
    inputs = {key: value for key, value in INPUTS.items() if key != "released"}
    created = create(host, inputs)
    assert stacks(live).show_runtime_stack(created.id)["status"] == "Disable"
    assert "released" not in created.outs

    stacks(live).change_runtime_stack_release("Supported", [created.id])
    refreshed = host.read(PROVIDER, created.id, created.outs, inputs)
    assert "released" not in refreshed.inputs
    assert host.diff(PROVIDER, created.id, refreshed.outs, inputs).changes is DiffChanges.NONE


def test_read__refresh_reports_out_of_band_change_as_drift(host, live):
    created = create(host)
    stacks(live).modify_runtime_stack(
        created.id,
        name="CustomJdk",
        type="Java",
        version="2.0.0",
        deploy_mode="virtualmachine",
        spec=StackSpec(parameters={"jdk_url": JDK_URL}, os="EulerOS"),
        description="bisheng JDK",
    )
    stacks(live).change_runtime_stack_release("Disable", [created.id])

    refreshed = host.read(PROVIDER, created.id, created.outs, INPUTS)

    assert refreshed.id == created.id
    assert (refreshed.inputs["version"], refreshed.inputs["released"]) == ("2.0.0", False)
    # The user never set spec.os, so the service's value is not drift.
    assert refreshed.inputs["spec"] == {"parameters": {"jdk_url": JDK_URL}}
    assert refreshed.outs["status"] == "Disable"
    drift = host.diff(PROVIDER, created.id, refreshed.outs, INPUTS)
    assert (drift.changes, drift.replaces) == (DiffChanges.SOME, [])

    host.update(PROVIDER, created.id, refreshed.outs, INPUTS)
    shown = stacks(live).show_runtime_stack(created.id)
    assert (shown["version"], shown["status"]) == ("1.0.0", "Supported")


def test_read__deleted_out_of_band_disappears_from_the_stack(host, live):
    created = create(host)
    stacks(live).delete_runtime_stack(created.id)

    assert host.read(PROVIDER, created.id, created.outs, INPUTS).id == ""
    host.delete(PROVIDER, created.id, created.outs)  # already gone: success


def test_create__adopts_an_existing_stack(host, live):
    existing = stacks(live).create_runtime_stack(
        name="CustomJdk",
        type="Java",
        version="1.0.0",
        deploy_mode="virtualmachine",
        creator="someone",
    )

    adopted = create(host, {**INPUTS, "adopt_id": existing["id"]})

    assert adopted.id == existing["id"]
    assert len(custom_stacks(live)) == 1
    # The arguments win: the description, spec and release state were applied.
    shown = stacks(live).show_runtime_stack(existing["id"])
    assert (shown["description"], shown["spec"]["parameters"], shown["status"]) == (
        "bisheng JDK",
        {"jdk_url": JDK_URL},
        "Supported",
    )
    assert adopted.outs["creator"] == "someone"


def test_create__adopting_a_system_stack_is_refused(host, live):
    system_id = live.backend.list_runtime_stacks()[0]["id"]

    with pytest.raises(ProviderCallError) as raised:
        create(host, {**INPUTS, "adopt_id": system_id})

    assert "it is a system runtime stack, which only the service manages" in raised.value.details


def test_create__adopting_a_missing_stack_names_it(host):
    with pytest.raises(ProviderCallError) as raised:
        create(host, {**INPUTS, "adopt_id": "no-such-id"})
    assert "adopt_id 'no-such-id': no such runtime stack" in raised.value.details


def test_create__failed_release_deletes_the_new_stack(host, live, monkeypatch):
    def refuse(action, runtime_stack_ids):
        raise PARAMETER_INVALID.error("release refused by the test")

    monkeypatch.setattr(stacks(live), "change_runtime_stack_release", refuse)

    with pytest.raises(ProviderCallError) as raised:
        create(host)

    assert "release refused by the test" in raised.value.details
    assert "was deleted again, so nothing was left behind" in raised.value.details
    assert custom_stacks(live) == []


def test_create__name_taken_is_one_readable_line(host, live):
    create(host)
    with pytest.raises(ProviderCallError) as raised:
        create(host, {**INPUTS, "type": "Tomcat"})
    assert "409 SVCSTG.00100413 instance name exists" in raised.value.details
    assert "POST /v3/" in raised.value.details


def test_read__get_of_an_existing_stack_returns_all_its_fields(host, live):
    existing = stacks(live).create_runtime_stack(
        name="CustomTomcat",
        type="Tomcat",
        version="9.0.1",
        deploy_mode="virtualmachine",
        creator="someone",
        spec=StackSpec(parameters={"tomcat_url": "obs://bucket/tomcat-9.tar.gz"}),
    )

    got = host.read(PROVIDER, existing["id"], None, {})

    assert got.id == existing["id"]
    assert (got.outs["name"], got.outs["type"], got.outs["version"]) == (
        "CustomTomcat",
        "Tomcat",
        "9.0.1",
    )
    assert got.outs["spec"]["parameters"] == {"tomcat_url": "obs://bucket/tomcat-9.tar.gz"}
    assert (got.outs["released"], got.outs["creator"]) == (False, "someone")
