"""ConfigItem through the provider (PDF 004 §7.7), on an engine with security authentication:
the provider finds the engine's configuration center, obtains its token with the engine's
password and renews it when it expires; the value and status change in place; credentials stay
secret."""

from __future__ import annotations

import pytest

from pulumi_servicestage.config_item import ConfigItemProvider
from pulumi_servicestage.emulator.cse.backend import CseBackend
from pulumi_servicestage.testing import DiffChanges, ProviderCallError, revealed, strip_secrets

PROVIDER = ConfigItemProvider()
PASSWORD = "Root-p4ss!word"  # conftest's ENGINE_PASSWORD


@pytest.fixture
def inputs(engine):
    return {
        "engine_id": engine,
        "engine_password": PASSWORD,
        "key": "orders.timeout",
        "value": "30s",
        "labels": {"app": "shop", "service": "orders"},
    }


def checked(host, inputs):
    result = host.check(PROVIDER, None, inputs)
    assert result.failures == []
    return result.inputs


def test_lifecycle__created_modified_in_place_and_deleted(host, live, inputs):
    created = host.create(PROVIDER, checked(host, inputs))
    _, kv_id = created.id.split("/")
    assert created.outs["kv_id"] == kv_id
    assert created.outs["value"] == "30s"  # not a credential: not secret
    assert created.outs["status"] == "enabled"

    changed = checked(host, {**inputs, "value": "45s", "status": "disabled"})
    diff = host.diff(PROVIDER, created.id, created.outs, changed)
    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [])
    outs = host.update(PROVIDER, created.id, created.outs, changed)
    assert (outs["value"], outs["status"]) == ("45s", "disabled")

    relabelled = checked(host, {**inputs, "labels": {"app": "shop"}})
    assert host.diff(PROVIDER, created.id, outs, relabelled).replaces == ["labels"]

    host.delete(PROVIDER, created.id, outs)
    assert host.read(PROVIDER, created.id, outs, changed).id == ""


def test_a_credential_key_or_the_secret_flag_keeps_the_value_secret(host, inputs):
    for given in ({**inputs, "key": "db.password"}, {**inputs, "secret": True}):
        created = host.create(PROVIDER, checked(host, given))
        assert revealed(created.outs["value"]) == "30s"
        assert revealed(created.outs["engine_password"]) == PASSWORD


def test_refresh_shows_drift_of_the_value_and_no_other(host, live, inputs):
    created = host.create(PROVIDER, checked(host, inputs))
    unchanged = host.read(PROVIDER, created.id, created.outs, checked(host, inputs))
    assert host.diff(PROVIDER, created.id, unchanged.outs, checked(host, inputs)).changes is (
        DiffChanges.NONE
    )

    engine_id, kv_id = created.id.split("/")
    servicecomb = live.emulator.area(CseBackend).servicecomb
    with servicecomb.engine_configuration(engine_id) as center:
        center.modify_kv(kv_id, value="5s", status=None)
    drifted = host.read(PROVIDER, created.id, created.outs, checked(host, inputs))
    assert strip_secrets(drifted.inputs)["value"] == "5s"


def test_an_expired_engine_token_is_renewed_during_a_run(host, live, inputs):
    first = host.create(PROVIDER, checked(host, inputs))
    live.emulator.area(CseBackend).servicecomb.expire_tokens()

    second = host.create(PROVIDER, checked(host, {**inputs, "key": "orders.retries"}))

    assert first.id != second.id


def test_a_wrong_engine_password_fails_with_the_engine_s_answer_not_the_password(host, inputs):
    with pytest.raises(ProviderCallError) as refused:
        host.create(PROVIDER, checked(host, {**inputs, "engine_password": "wrong-one"}))

    assert "401" in str(refused.value)
    assert "wrong-one" not in str(refused.value)


def test_an_existing_item_is_adopted_by_its_id(host, inputs):
    created = host.create(PROVIDER, checked(host, inputs))

    adopted = host.create(PROVIDER, checked(host, {**inputs, "adopt_id": created.id}))

    assert adopted.id == created.id


def test_without_the_engine_password_the_error_says_to_give_it(host, inputs):
    without = {key: value for key, value in inputs.items() if key != "engine_password"}

    with pytest.raises(ProviderCallError) as refused:
        host.create(PROVIDER, checked(host, without))

    assert "401" in str(refused.value)
    assert "engine_password" in str(refused.value)
    assert "servicestage:accessKey" not in str(refused.value)
