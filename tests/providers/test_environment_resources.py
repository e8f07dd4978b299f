from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_servicestage.emulator.servicestage.schemas import ManagedResource
from pulumi_servicestage.environment_resources import EnvironmentResourcesProvider
from pulumi_servicestage.testing import DiffChanges, ProviderCallError

PROVIDER = EnvironmentResourcesProvider()
CCE = {"id": "cce-1", "type": "cce", "name": "cluster"}
ELB = {"id": "elb-1", "type": "elb", "name": "balancer"}
EIP = {"id": "eip-1", "type": "eip"}
RDS = {"id": "rds-1", "type": "rds", "name": "orders-db"}


@pytest.fixture
def environment_id(live):
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    return environment.id


def create(host, inputs):
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    return host.create(PROVIDER, checked.inputs)


def put_by_hand(live, environment_id, *resources):
    live.backend.modify_environment_resources(
        environment_id, [ManagedResource.model_validate(resource) for resource in resources]
    )


def on_environment(live, environment_id):
    """The environment's list, in the form of the declarations (no name where it has none)."""
    return [
        resource.model_dump(exclude_none=True)
        for resource in live.backend.show_environment_resources(environment_id)
    ]


def keys(*resources):
    return [{"type": resource["type"], "id": resource["id"]} for resource in resources]


def test_check__each_rule_reported_by_property_path(host):
    checked = host.check(
        PROVIDER,
        None,
        {"resources": [CCE, {"id": "", "type": "vpc"}, {**CCE, "name": "again"}]},
    )
    failures = dict(checked.failures)
    assert set(failures) == {"environment_id", "resources[1].id", "resources[1].type"}
    assert "'cce'" in failures["resources[1].type"]

    repeated = host.check(PROVIDER, None, {"environment_id": "e", "resources": [CCE, CCE]})
    assert repeated.failures == [
        ("resources", "cce cce-1 is listed more than once; list each resource once")
    ]


def test_lifecycle__only_this_resources_difference_is_written(host, live, environment_id):
    put_by_hand(live, environment_id, CCE)
    inputs = {"environment_id": environment_id, "resources": [CCE, ELB]}

    created = create(host, inputs)
    assert created.id == environment_id
    assert on_environment(live, environment_id) == [CCE, ELB]
    # The cluster was there before: it is declared, but not this resource's to take away.
    assert created.outs["owned_resources"] == keys(ELB)

    reordered = {**inputs, "resources": [ELB, CCE]}
    assert host.diff(PROVIDER, created.id, created.outs, reordered).changes is DiffChanges.NONE

    put_by_hand(live, environment_id, CCE, ELB, RDS)  # someone else adds a database
    swapped = {**inputs, "resources": [CCE, EIP]}
    diff = host.diff(PROVIDER, created.id, created.outs, swapped)
    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [])
    updated = host.update(PROVIDER, created.id, created.outs, swapped)
    assert on_environment(live, environment_id) == [CCE, RDS, EIP]
    assert updated["owned_resources"] == keys(EIP)
    assert updated["resources"] == [CCE, EIP]

    host.delete(PROVIDER, created.id, updated)
    assert on_environment(live, environment_id) == [CCE, RDS]


def test_update__giving_up_a_resource_it_did_not_add_leaves_it(host, live, environment_id):
    put_by_hand(live, environment_id, CCE)
    created = create(host, {"environment_id": environment_id, "resources": [CCE]})

    updated = host.update(
        PROVIDER, created.id, created.outs, {"environment_id": environment_id, "resources": [ELB]}
    )

    assert on_environment(live, environment_id) == [CCE, ELB]
    assert updated["owned_resources"] == keys(ELB)


def test_update__renaming_a_declared_resource_writes_the_name(host, live, environment_id):
    created = create(host, {"environment_id": environment_id, "resources": [ELB]})
    renamed = {"environment_id": environment_id, "resources": [{**ELB, "name": "front"}]}

    host.update(PROVIDER, created.id, created.outs, renamed)

    assert on_environment(live, environment_id) == [{**ELB, "name": "front"}]


def test_diff__another_environment_forces_replacement(host, live, environment_id):
    other = live.backend.create_environment(
        name="other", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    inputs = {"environment_id": environment_id, "resources": [ELB]}
    created = create(host, inputs)

    moved = {**inputs, "environment_id": other.id}
    diff = host.diff(PROVIDER, created.id, created.outs, moved)
    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, ["environment_id"])
    assert diff.delete_before_replace is False

    # What the engine does next: create the replacement, then delete the old resource.
    replacement = create(host, moved)
    host.delete(PROVIDER, created.id, created.outs)
    assert on_environment(live, other.id) == [ELB]
    assert on_environment(live, environment_id) == []
    assert replacement.outs["owned_resources"] == keys(ELB)


def test_read__resource_removed_out_of_band_is_drift_and_the_update_adds_it_again(
    host, live, environment_id
):
    inputs = {"environment_id": environment_id, "resources": [CCE, ELB]}
    created = create(host, inputs)
    put_by_hand(live, environment_id, CCE, RDS)  # the balancer removed, a database added

    refreshed = host.read(PROVIDER, created.id, created.outs, inputs)
    assert refreshed.inputs["resources"] == [CCE]  # the database is not declared: no drift
    assert refreshed.outs["owned_resources"] == keys(CCE)
    diff = host.diff(PROVIDER, created.id, refreshed.outs, inputs)
    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [])

    updated = host.update(PROVIDER, created.id, refreshed.outs, inputs)
    assert on_environment(live, environment_id) == [CCE, RDS, ELB]
    assert updated["owned_resources"] == keys(CCE, ELB)


def test_read__renamed_out_of_band_is_drift_only_where_a_name_is_declared(
    host, live, environment_id
):
    inputs = {"environment_id": environment_id, "resources": [ELB, EIP]}
    created = create(host, inputs)
    put_by_hand(live, environment_id, {**ELB, "name": "renamed"}, {**EIP, "name": "named"})

    refreshed = host.read(PROVIDER, created.id, created.outs, inputs)

    assert refreshed.inputs["resources"] == [{**ELB, "name": "renamed"}, EIP]


def test_read__environment_deleted_out_of_band_disappears_from_the_stack(
    host, live, environment_id
):
    inputs = {"environment_id": environment_id, "resources": [ELB]}
    created = create(host, inputs)
    live.backend.delete_environment(environment_id)

    assert host.read(PROVIDER, created.id, created.outs, inputs).id == ""
    host.delete(PROVIDER, created.id, created.outs)  # already gone: success


def test_read__get_shows_the_whole_list(host, live, environment_id):
    put_by_hand(live, environment_id, CCE, EIP)

    got = host.read(PROVIDER, environment_id, None, {})

    assert got.outs["resources"] == [CCE, EIP]
    assert got.outs["owned_resources"] == []


def test_create__adopt_takes_over_the_declared_resources(host, live, environment_id):
    put_by_hand(live, environment_id, CCE, ELB, RDS)
    inputs = {"environment_id": environment_id, "resources": [CCE, ELB, EIP]}

    adopted = create(host, {**inputs, "adopt_id": environment_id})
    assert adopted.outs["owned_resources"] == keys(CCE, ELB, EIP)
    assert on_environment(live, environment_id) == [CCE, ELB, RDS, EIP]

    host.delete(PROVIDER, adopted.id, adopted.outs)
    assert on_environment(live, environment_id) == [RDS]


def test_check__adopt_id_must_be_the_environment(host, environment_id):
    checked = host.check(
        PROVIDER, None, {"environment_id": environment_id, "resources": [], "adopt_id": "e-2"}
    )

    assert checked.failures == [
        (
            "adopt_id",
            f"must be the environment_id, {environment_id!r}: the resources of an environment "
            "are identified by the environment",
        )
    ]


def test_create__adopting_a_missing_environment_names_it(host):
    with pytest.raises(ProviderCallError) as missing:
        create(host, {"environment_id": "e-2", "resources": [], "adopt_id": "e-2"})

    assert "adopt_id 'e-2': no such environment" in missing.value.details


def test_create__rejected_by_the_service_changes_nothing(host, live, environment_id):
    put_by_hand(live, environment_id, CCE)

    with pytest.raises(ProviderCallError) as raised:
        create(host, {"environment_id": environment_id, "resources": [{"id": "s", "type": "ecs"}]})

    assert "400 SVCSTG.00100400" in raised.value.details
    assert "ecs resources cannot be managed by the container environment" in raised.value.details
    assert on_environment(live, environment_id) == [CCE]


def test_create__concurrent_resources_of_one_environment_all_land(host, live, environment_id):
    declared = [{"id": f"elb-{n}", "type": "elb"} for n in range(6)]

    with ThreadPoolExecutor(len(declared)) as pool:
        created = list(
            pool.map(
                lambda resource: create(
                    host, {"environment_id": environment_id, "resources": [resource]}
                ),
                declared,
            )
        )

    assert sorted(r["id"] for r in on_environment(live, environment_id)) == [
        r["id"] for r in declared
    ]
    assert [outcome.outs["owned_resources"] for outcome in created] == [
        keys(resource) for resource in declared
    ]
