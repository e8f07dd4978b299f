"""MicroserviceEngine through the provider (PDF 004 §6.3): create and delete wait on the engine's
job, a job that ends in Error fails at once with the failing task's log and leaves nothing, the
password stays secret, and everything else forces a replacement."""

from __future__ import annotations

import re

import pytest

from pulumi_servicestage.emulator.cse.backend import CseBackend
from pulumi_servicestage.microservice_engine import MicroserviceEngineProvider
from pulumi_servicestage.testing import DiffChanges, ProviderCallError, revealed

PROVIDER = MicroserviceEngineProvider()
PASSWORD = "Root-p4ss!word"


@pytest.fixture
def engines(live):
    return live.emulator.area(CseBackend).engines


@pytest.fixture
def inputs():
    return {
        "name": "cse-shop",
        "flavor": "cse.s1.small2",
        "az_list": ["cn-north-4a"],
        "auth_type": "RBAC",
        "auth_cred": {"pwd": PASSWORD},
        "vpc": "vpc-shop",
        "vpc_id": "09902850-9454-4715-9764-018f0c370220",
        "network_id": "88550801-e892-4f8e-b21b-f7147f622900",
        "subnet_cidr": "192.168.0.0/24",
    }


def create(host, inputs):
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    return host.create(PROVIDER, checked.inputs)


def test_check__documented_rules_by_argument_name(host, inputs):
    bad = {**inputs, "name": "default", "az_list": [], "flavor": ""}
    failures = dict(host.check(PROVIDER, None, bad).failures)

    assert set(failures) == {"name", "az_list", "flavor"}
    assert "not be 'default'" in failures["name"]
    no_password = dict(host.check(PROVIDER, None, {**inputs, "auth_cred": None}).failures)
    assert any("auth_cred is required when auth_type is 'RBAC'" in r for r in no_password.values())


def test_create_waits_for_the_job_then_delete_waits_until_gone(host, live, inputs, engines):
    started = live.now()
    created = create(host, inputs)

    assert live.now() > started  # the job took time on the emulator's clock
    engine = engines.show_engine(created.id)
    assert engine.status == "Available"
    assert created.outs["status"] == "Available"
    own_address = f"{live.url}/_engines/{engine.project_id}/{created.id}"
    assert created.outs["service_center_address"] == own_address
    assert created.outs["config_center_address"]
    assert revealed(created.outs["auth_cred"]) == {"pwd": PASSWORD}
    assert PASSWORD not in created.id

    host.delete(PROVIDER, created.id, created.outs)

    assert engines.list_engines(None) == []


def test_a_failed_create_job_fails_at_once_quoting_its_log_and_leaves_nothing(
    host, inputs, engines
):
    engines.plan("create", "FAILED", message="no capacity in cn-north-4a")

    with pytest.raises(ProviderCallError) as failed:
        create(host, inputs)

    message = str(failed.value)
    assert "no capacity in cn-north-4a" in message
    assert "deleted again" in message
    assert PASSWORD not in message
    assert engines.list_engines(None) == []


def test_a_failed_delete_job_fails_quoting_its_log(host, inputs, engines):
    created = create(host, inputs)
    engines.plan("delete", "FAILED", message="node drain timed out")

    with pytest.raises(ProviderCallError, match="node drain timed out"):
        host.delete(PROVIDER, created.id, created.outs)


def checked(host, inputs):
    return host.check(PROVIDER, None, inputs).inputs


def test_every_argument_change_replaces_the_engine_deleting_first(host, inputs):
    created = create(host, inputs)

    for field, value in [("flavor", "cse.s1.medium2"), ("description", "new"), ("az_list", ["b"])]:
        diff = host.diff(
            PROVIDER, created.id, created.outs, checked(host, {**inputs, field: value})
        )
        assert (diff.changes, diff.replaces, diff.delete_before_replace) == (
            DiffChanges.SOME, [field], True
        )  # fmt: skip
    unchanged = host.diff(PROVIDER, created.id, created.outs, checked(host, inputs))
    assert unchanged.changes is DiffChanges.NONE


def test_refresh_shows_no_drift_and_keeps_the_password_the_service_never_shows(host, inputs):
    created = create(host, inputs)

    refreshed = host.read(PROVIDER, created.id, created.outs, checked(host, inputs))

    assert revealed(refreshed.inputs["auth_cred"]) == {"pwd": PASSWORD}
    after = host.diff(PROVIDER, created.id, refreshed.outs, checked(host, inputs))
    assert after.changes is DiffChanges.NONE


def test_refresh_of_an_engine_deleted_outside_pulumi_drops_it(host, live, inputs, engines):
    created = create(host, inputs)
    engines.delete_engine(created.id, user_name="someone")
    live.let_pass(60)

    assert host.read(PROVIDER, created.id, created.outs, inputs).id == ""  # gone


def test_adoption_takes_the_engine_by_its_id_and_refuses_differences(host, live, inputs, engines):
    created = create(host, inputs)

    adopted = host.create(PROVIDER, checked(host, {**inputs, "adopt_id": created.id}))
    assert adopted.id == created.id

    with pytest.raises(ProviderCallError, match=re.escape("flavor is 'cse.s1.small2'")):
        host.create(
            PROVIDER, checked(host, {**inputs, "flavor": "cse.s1.large2", "adopt_id": created.id})
        )


def test_a_hanging_create_job_is_cut_off_by_the_timeout_argument_naming_the_stage(
    host, live, inputs, engines
):
    engines.plan("create", "HANG")
    started = live.now()

    with pytest.raises(ProviderCallError) as cut_off:
        create(host, {**inputs, "timeouts": {"create": 90}})

    assert 90 <= live.now() - started < 200
    assert "was still Executing after 90 s; unfinished tasks:" in str(cut_off.value)


@pytest.mark.real_time  # through the real provider host, as the engine drives it
def test_through_the_real_host_an_engine_and_an_item_it_keeps(host, live, inputs, engines):
    from pulumi_servicestage.config_item import ConfigItemProvider

    created = create(host, inputs)
    items = ConfigItemProvider()
    item_inputs = {
        "engine_id": created.id,
        "engine_password": PASSWORD,
        "key": "db.password",
        "value": "s3cret",
    }
    item = host.create(items, host.check(items, None, item_inputs).inputs)

    assert revealed(item.outs["value"]) == "s3cret"
    host.delete(items, item.id, item.outs)
    host.delete(PROVIDER, created.id, created.outs)
    assert engines.list_engines(None) == []
