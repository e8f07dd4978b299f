"""EngineConfiguration through the provider (PDF 004 §6.2): a package imported through the CSE
endpoint, read back by export so that drift shows, re-imported on change, and deleted item by
item on the engine."""

from __future__ import annotations

import pytest

from pulumi_servicestage.emulator.cse.backend import CseBackend
from pulumi_servicestage.engine_configuration import EngineConfigurationProvider
from pulumi_servicestage.testing import DiffChanges, ProviderCallError, revealed, strip_secrets

PROVIDER = EngineConfigurationProvider()
PASSWORD = "Root-p4ss!word"  # conftest's ENGINE_PASSWORD
LABELS = {"app": "shop", "service": "orders"}


@pytest.fixture
def inputs(engine):
    return {
        "engine_id": engine,
        "engine_password": PASSWORD,
        "items": [
            {"key": "orders.timeout", "value": "30s", "labels": LABELS},
            {"key": "orders.db.password", "value": "s3cret-value", "labels": LABELS},
        ],
    }


def checked(host, inputs):
    result = host.check(PROVIDER, None, inputs)
    assert result.failures == []
    return result.inputs


def stored(live, engine_id):
    with live.emulator.area(CseBackend).servicecomb.engine_configuration(engine_id) as center:
        return {item.key: item for item in center.list_kvs(labels={}, exact=False)}


def test_imported_read_back_without_drift_and_deleted(host, live, inputs, engine):
    created = host.create(PROVIDER, checked(host, inputs))

    assert created.id.startswith(f"{engine}/")
    assert set(stored(live, engine)) == {"orders.timeout", "orders.db.password"}
    assert len(created.outs["item_ids"]) == 2
    assert revealed(created.outs["items"])[1]["value"] == "s3cret-value"
    refreshed = host.read(PROVIDER, created.id, created.outs, checked(host, inputs))
    assert host.diff(PROVIDER, created.id, refreshed.outs, checked(host, inputs)).changes is (
        DiffChanges.NONE
    )

    host.delete(PROVIDER, created.id, created.outs)
    assert stored(live, engine) == {}


def test_a_value_changed_behind_pulumi_s_back_shows_on_refresh_and_is_restored(
    host, live, inputs, engine
):
    created = host.create(PROVIDER, checked(host, inputs))
    timeout_id = created.outs["item_ids"][0]
    with live.emulator.area(CseBackend).servicecomb.engine_configuration(engine) as center:
        center.modify_kv(timeout_id, value="5s", status=None)

    drifted = host.read(PROVIDER, created.id, created.outs, checked(host, inputs))

    assert strip_secrets(drifted.inputs)["items"][0]["value"] == "5s"
    diff = host.diff(PROVIDER, created.id, drifted.outs, checked(host, inputs))
    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [])
    host.update(PROVIDER, created.id, drifted.outs, checked(host, inputs))
    assert stored(live, engine)["orders.timeout"].value == "30s"


def test_an_item_left_out_of_the_package_is_deleted(host, live, inputs, engine):
    created = host.create(PROVIDER, checked(host, inputs))
    fewer = {**inputs, "items": inputs["items"][:1]}

    outs = host.update(PROVIDER, created.id, created.outs, checked(host, fewer))

    assert set(stored(live, engine)) == {"orders.timeout"}
    assert outs["item_ids"] == created.outs["item_ids"][:1]


def test_a_key_the_service_would_refuse_is_refused_at_preview(host, inputs):
    too_long = {"key": "k" * 2049, "value": "v", "labels": LABELS}

    failures = dict(host.check(PROVIDER, None, {**inputs, "items": [too_long]}).failures)

    assert list(failures) == ["items[0].key"]


def test_an_item_the_import_refuses_fails_it_and_leaves_nothing_new(host, live, inputs, engine):
    host.create(PROVIDER, checked(host, {**inputs, "items": inputs["items"][:1]}))
    new_item = {"key": "orders.retries", "value": "3", "labels": LABELS}
    aborting = {**inputs, "override": "abort", "items": [new_item, *inputs["items"]]}

    with pytest.raises(ProviderCallError) as refused:
        host.create(PROVIDER, checked(host, aborting))

    assert "SVCSTG.00400107" in str(refused.value)
    assert "s3cret-value" not in str(refused.value)
    assert set(stored(live, engine)) == {"orders.timeout"}


def test_skip_leaves_an_existing_item_alone_and_unmanaged(host, live, inputs, engine):
    first = host.create(PROVIDER, checked(host, inputs))
    other = {**inputs, "override": "skip", "items": [{**inputs["items"][0], "value": "99s"}]}

    second = host.create(PROVIDER, checked(host, other))

    assert second.outs["item_ids"] == []
    assert stored(live, engine)["orders.timeout"].value == "30s"
    host.delete(PROVIDER, second.id, second.outs)
    assert set(stored(live, engine)) == {"orders.timeout", "orders.db.password"}
    assert first.outs["item_ids"]


def test_adopt_id_is_refused_at_preview_naming_the_alternative(host, inputs):
    failures = dict(host.check(PROVIDER, None, {**inputs, "adopt_id": "e/1"}).failures)

    assert "ConfigItem(adopt_id=...)" in failures["adopt_id"]
