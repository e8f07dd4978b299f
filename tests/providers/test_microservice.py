"""Microservice, MicroserviceSchema and MicroserviceInstance through the providers (PDF 004 §7.3
to §7.5), on an engine with security authentication."""

from __future__ import annotations

import pytest

from pulumi_servicestage.microservice import (
    MicroserviceInstanceProvider,
    MicroserviceProvider,
    MicroserviceSchemaProvider,
)
from pulumi_servicestage.testing import DiffChanges, ProviderCallError, revealed

SERVICES = MicroserviceProvider()
SCHEMAS = MicroserviceSchemaProvider()
INSTANCES = MicroserviceInstanceProvider()
PASSWORD = "Root-p4ss!word"  # conftest's ENGINE_PASSWORD


def checked(host, provider, inputs):
    result = host.check(provider, None, inputs)
    assert result.failures == []
    return result.inputs


@pytest.fixture
def service_inputs(engine):
    return {
        "engine_id": engine,
        "engine_password": PASSWORD,
        "service_name": "orders",
        "app_id": "shop",
        "version": "1.0.0",
        "schemas": ["OrderEndpoint"],
        "properties": {"team": "checkout"},
    }


@pytest.fixture
def service(host, service_inputs):
    return host.create(SERVICES, checked(host, SERVICES, service_inputs))


def instance_inputs(service, **changes):
    engine_id, service_id = service.id.split("/")
    return {
        "engine_id": engine_id,
        "engine_password": PASSWORD,
        "service_id": service_id,
        "host_name": "orders-7f9c",
        "endpoints": ["rest://10.0.0.8:8080"],
        "health_check": {"mode": "push", "interval": 30, "times": 3},
        **changes,
    }


def test_microservice__properties_change_in_place_the_rest_replaces(host, service, service_inputs):
    assert service.outs["service_id"] == service.id.split("/")[1]
    assert revealed(service.outs["engine_password"]) == PASSWORD

    retagged = checked(host, SERVICES, {**service_inputs, "properties": {"team": "payments"}})
    diff = host.diff(SERVICES, service.id, service.outs, retagged)
    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [])
    outs = host.update(SERVICES, service.id, service.outs, retagged)
    assert outs["properties"] == {"team": "payments"}
    refreshed = host.read(SERVICES, service.id, outs, retagged)
    assert host.diff(SERVICES, service.id, refreshed.outs, retagged).changes is DiffChanges.NONE

    bumped = checked(host, SERVICES, {**service_inputs, "version": "1.1.0"})
    replaced = host.diff(SERVICES, service.id, outs, bumped)
    assert (replaced.replaces, replaced.delete_before_replace) == (["version"], True)


def test_microservice__a_second_create_of_the_same_service_is_the_same_object(
    host, service, service_inputs
):
    again = host.create(SERVICES, checked(host, SERVICES, service_inputs))

    assert again.id == service.id


def test_microservice__delete_with_instances_is_refused_unless_forced(
    host, service, service_inputs
):
    host.create(INSTANCES, checked(host, INSTANCES, instance_inputs(service)))

    with pytest.raises(ProviderCallError, match="400013"):
        host.delete(SERVICES, service.id, service.outs)

    forced = {**service.outs, "force_delete": True}
    host.delete(SERVICES, service.id, forced)
    assert host.read(SERVICES, service.id, forced, service_inputs).id == ""


def test_schema__written_changed_in_place_and_read_back(host, service):
    engine_id, service_id = service.id.split("/")
    inputs = {
        "engine_id": engine_id,
        "engine_password": PASSWORD,
        "service_id": service_id,
        "schema_id": "OrderEndpoint",
        "schema_content": "openapi: 3.0.0\ninfo: {title: orders, version: 1.0.0}\n",
    }
    created = host.create(SCHEMAS, checked(host, SCHEMAS, inputs))
    assert created.id == f"{service.id}/OrderEndpoint"

    changed = checked(host, SCHEMAS, {**inputs, "schema_content": "openapi: 3.0.1\n"})
    assert host.diff(SCHEMAS, created.id, created.outs, changed).replaces == []
    host.update(SCHEMAS, created.id, created.outs, changed)
    refreshed = host.read(SCHEMAS, created.id, created.outs, changed)
    assert refreshed.inputs["schema_content"] == "openapi: 3.0.1\n"


def test_instance__registered_its_status_changed_in_place_and_deregistered(host, service):
    inputs = checked(host, INSTANCES, instance_inputs(service))
    created = host.create(INSTANCES, inputs)
    assert created.id.startswith(f"{service.id}/")

    down = checked(host, INSTANCES, instance_inputs(service, status="DOWN"))
    assert host.diff(INSTANCES, created.id, created.outs, down).replaces == []
    assert host.update(INSTANCES, created.id, created.outs, down)["status"] == "DOWN"

    host.delete(INSTANCES, created.id, created.outs)
    assert host.read(INSTANCES, created.id, created.outs, down).id == ""


def test_instance__a_push_instance_without_heartbeats_is_dropped_and_shows_gone(
    host, live, service
):
    created = host.create(INSTANCES, checked(host, INSTANCES, instance_inputs(service)))

    live.let_pass(30 * (3 + 1) + 1)  # interval * (times + 1) without a heartbeat

    assert host.read(INSTANCES, created.id, created.outs, created.outs).id == ""


def test_instance__a_pull_instance_stays_registered(host, live, service):
    pull = {"mode": "pull", "port": 8080, "interval": 30, "times": 3}
    created = host.create(
        INSTANCES, checked(host, INSTANCES, instance_inputs(service, health_check=pull))
    )

    live.let_pass(3600)

    assert host.read(INSTANCES, created.id, created.outs, created.outs).id == created.id
