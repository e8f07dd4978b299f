import pytest

from pulumi_servicestage.environment import EnvironmentProvider
from pulumi_servicestage.testing import DiffChanges, ProviderCallError

PROVIDER = EnvironmentProvider()
INPUTS = {
    "name": "env-a",
    "vpc_id": "vpc-1",
    "deploy_mode": "container",
    "labels": [{"key": "team", "value": "shop"}],
}


def create(host, inputs=INPUTS):
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    return host.create(PROVIDER, checked.inputs)


def test_check__reports_each_failure_by_property_path(host):
    checked = host.check(
        PROVIDER,
        None,
        {"name": "9bad", "deploy_mode": "cloud", "labels": [{"key": "k", "value": "v"}]},
    )
    paths = {path for path, _ in checked.failures}
    assert paths == {"name", "vpc_id", "deploy_mode", "labels[0].value"}
    reasons = dict(checked.failures)
    assert "starting with a letter" in reasons["name"] or "pattern" in reasons["name"]
    assert "virtualmachine" in reasons["deploy_mode"]


@pytest.mark.real_time  # one lifecycle through the real host, on real time
def test_lifecycle__create_update_replace_delete(host, live):
    created = create(host)
    environment = live.backend.show_environment(created.id)
    assert environment.name == "env-a"
    assert created.outs["environment_id"] == created.id
    assert created.outs["project_id"] == live.backend.project_id
    assert isinstance(created.outs["create_time"], float)  # numbers come back as floats

    unchanged = host.diff(PROVIDER, created.id, created.outs, INPUTS)
    assert unchanged.changes is DiffChanges.NONE

    renamed = {**INPUTS, "name": "env-b", "description": "renamed"}
    in_place = host.diff(PROVIDER, created.id, created.outs, renamed)
    assert (in_place.changes, in_place.replaces) == (DiffChanges.SOME, [])
    updated = host.update(PROVIDER, created.id, created.outs, renamed)
    assert updated["description"] == "renamed"
    assert live.backend.show_environment(created.id).name == "env-b"

    moved = host.diff(PROVIDER, created.id, updated, {**renamed, "vpc_id": "vpc-2"})
    assert moved.changes is DiffChanges.SOME
    assert moved.replaces == ["vpc_id"]

    host.delete(PROVIDER, created.id, updated)
    assert live.backend.list_environments().items == []


def test_read__refresh_reports_out_of_band_change_as_drift(host, live):
    created = create(host)
    live.backend.modify_environment(created.id, name="env-a", description="changed by hand")
    refreshed = host.read(PROVIDER, created.id, created.outs, INPUTS)
    assert refreshed.id == created.id
    assert refreshed.outs["name"] == "env-a"
    # The user never set a description, so the hand-made one is a server-side value, not drift.
    assert "description" not in refreshed.inputs
    live.backend.modify_environment(created.id, name="env-renamed")
    drifted = host.read(PROVIDER, created.id, created.outs, INPUTS)
    assert drifted.inputs["name"] == "env-renamed"
    assert host.diff(PROVIDER, created.id, drifted.outs, INPUTS).changes is DiffChanges.SOME


def test_read__deleted_out_of_band_disappears_from_the_stack(host, live):
    created = create(host)
    live.backend.delete_environment(created.id)
    gone = host.read(PROVIDER, created.id, created.outs, INPUTS)
    assert gone.id == ""


def test_delete__already_gone_is_success(host, live):
    created = create(host)
    live.backend.delete_environment(created.id)
    host.delete(PROVIDER, created.id, created.outs)


def test_create__adopts_an_existing_environment(host, live):
    existing = live.backend.create_environment(
        name="env-a", vpc_id="vpc-1", deploy_mode="container", creator="someone"
    )
    adopted = create(host, {**INPUTS, "adopt_id": existing.id})
    assert adopted.id == existing.id
    assert len(live.backend.list_environments().items) == 1
    # The arguments win: the labels were applied to the adopted object.
    assert [label.key for label in live.backend.show_environment(existing.id).labels] == ["team"]


def test_create__adopting_a_missing_object_names_it(host):
    with pytest.raises(ProviderCallError) as raised:
        create(host, {**INPUTS, "adopt_id": "no-such-id"})
    assert "adopt_id 'no-such-id': no such environment" in raised.value.details


def test_read__get_of_an_existing_object_returns_all_its_fields(host, live):
    existing = live.backend.create_environment(
        name="env-x", vpc_id="vpc-9", deploy_mode="virtualmachine", creator="someone"
    )
    got = host.read(PROVIDER, existing.id, None, {})
    assert got.id == existing.id
    assert (got.outs["name"], got.outs["vpc_id"], got.outs["deploy_mode"]) == (
        "env-x",
        "vpc-9",
        "virtualmachine",
    )


def test_create__service_error_is_one_readable_line(host, live):
    create(host)
    with pytest.raises(ProviderCallError) as raised:
        create(host, {**INPUTS, "vpc_id": "vpc-other"})
    assert "400 SVCSTG.00100449" in raised.value.details
    assert "POST /v3/" in raised.value.details
