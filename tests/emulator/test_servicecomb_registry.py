"""An engine's token and service registry (004 §7.2 to §7.6) over HTTP on the virtual clock:
microservices, schemas, instances kept by heartbeats and expired without them, discovery and
dependencies, ServiceComb's error bodies, security authentication, and engines that do not
answer.

The ServiceComb part is served alone with a fake directory of engines; the tests at the end
(`test_through_the_emulator_*`) go through the whole emulator and need the engines part (§6.3)
to create engines.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from emulator_support import JOB_SECONDS, ok
from servicecomb_support import (
    ADMIN_PASSWORD,
    ENGINE_ID,
    RBAC_ENGINE_ID,
    ServiceCombAlone,
    engine_base,
    registry_code,
    registry_error,
    registry_path,
    serve_alone,
)

from pulumi_servicestage.emulator import DEFAULT_PROJECT_ID, Emulator
from pulumi_servicestage.emulator.cse.servicecomb.backend import TOKEN_LIFETIME_SECONDS
from pulumi_servicestage.testing import VirtualClock

REGISTRY = registry_path()
SERVICES = f"{REGISTRY}/microservices"
# 表7-81's example: push every 30 s, 3 times; the lease is 30 * (3 + 1) seconds.
LEASE_SECONDS = 120


@pytest.fixture
def comb(clock: VirtualClock) -> ServiceCombAlone:
    return serve_alone(clock)


@pytest.fixture
def http(comb: ServiceCombAlone) -> httpx.Client:
    return comb.http


def create_service(http: httpx.Client, registry: str = REGISTRY, **fields: Any) -> str:
    service = {"appId": "default", "serviceName": "test", "version": "1.0.0", **fields}
    answer = ok(http.post(f"{registry}/microservices", json={"service": service}))
    service_id: str = answer["serviceId"]
    return service_id


def instance_body(**fields: Any) -> dict[str, Any]:
    """表7-80's example."""
    return {
        "instance": {
            "endpoints": ["grpc://127.0.1.312:9980", "rest://127.0.0.111:8081"],
            "hostName": "localhost",
            "status": "UP",
            "properties": {"_TAGS": "A, B", "attr1": "a", "nodeIP": "127.0.0.1"},
            "dataCenterInfo": {"name": "dc", "region": "r1", "availableZone": "az1"},
            "healthCheck": {"mode": "push", "interval": 30, "times": 3},
            **fields,
        }
    }


def register(http: httpx.Client, service_id: str, **fields: Any) -> str:
    answer = ok(http.post(f"{SERVICES}/{service_id}/instances", json=instance_body(**fields)))
    instance_id: str = answer["instanceId"]
    return instance_id


def instance_ids(http: httpx.Client, service_id: str) -> list[str]:
    answer = ok(http.get(f"{SERVICES}/{service_id}/instances"))
    return [instance["instanceId"] for instance in answer["instances"]]


# -- microservices (§7.3) -----------------------------------------------------------------------


def test_create_service_as_the_example_then_show_and_list_it(http: httpx.Client) -> None:
    body = {
        "service": {
            "appId": "default",
            "serviceName": "test",
            "version": "1.0.0",
            "description": "this is a test",
        },
        "rules": [{"ruleType": "WHITE", "attribute": "tag_123", "pattern": "aaa"}],
        "instances": [{"hostName": "instanceTest", "endpoints": ["rest:127.0.0.1:8080"]}],
        "tags": {"test_tag1": "test_tag1"},
    }
    service_id = ok(http.post(SERVICES, json=body))["serviceId"]
    assert len(service_id) == 40

    service = ok(http.get(f"{SERVICES}/{service_id}"))["service"]
    assert service["serviceId"] == service_id
    assert (service["appId"], service["serviceName"], service["version"]) == (
        "default",
        "test",
        "1.0.0",
    )
    assert service["environment"] == "development"
    assert service["status"] == "UP"
    assert service["timestamp"] == service["modTimestamp"]
    assert service["timestamp"].isdigit()
    assert [s["serviceId"] for s in ok(http.get(SERVICES))["services"]] == [service_id]
    # The body's instance was registered with the service (its version the service's).
    instances = ok(http.get(f"{SERVICES}/{service_id}/instances"))["instances"]
    assert [(i["hostName"], i["version"]) for i in instances] == [("instanceTest", "1.0.0")]


def test_a_service_registered_again_answers_its_id(http: httpx.Client) -> None:
    service_id = create_service(http)
    assert create_service(http) == service_id
    code, detail = registry_error(
        http.post(
            SERVICES,
            json={"service": {"serviceName": "test", "version": "1.0.0", "serviceId": "other"}},
        )
    )
    assert code == "400010" and service_id in detail
    assert create_service(http, serviceName="second", serviceId="custom-id") == "custom-id"
    code, _ = registry_error(
        http.post(SERVICES, json={"service": {"serviceName": "third", "serviceId": "custom-id"}})
    )
    assert code == "400010"


def test_a_service_takes_defaults_for_what_the_body_leaves_out(http: httpx.Client) -> None:
    service_id = ok(http.post(SERVICES, json={"service": {"serviceName": "bare"}}))["serviceId"]
    service = ok(http.get(f"{SERVICES}/{service_id}"))["service"]
    assert (service["appId"], service["version"], service["environment"]) == (
        "default",
        "0.0.1",
        "development",
    )
    assert "description" not in service


@pytest.mark.parametrize(
    ("service", "where"),
    [
        ({}, "serviceName"),
        ({"serviceName": "-bad-"}, "表7-29"),
        ({"serviceName": "ok", "appId": "a" * 161}, "表7-29"),
        ({"serviceName": "ok", "version": "v1"}, "表7-29"),
        ({"serviceName": "ok", "level": "TOP"}, "level"),
        ({"serviceName": "ok", "environment": "staging"}, "environment"),
        ({"serviceName": "ok", "description": "d" * 257}, "表7-29"),
        ({"serviceName": "ok", "schemas": ["bad schema"]}, "表7-65"),
    ],
)
def test_a_service_breaking_a_rule_is_refused(
    http: httpx.Client, service: dict[str, Any], where: str
) -> None:
    code, detail = registry_error(http.post(SERVICES, json={"service": service}))
    assert code == "400001" and where in detail


def test_an_unknown_service_does_not_exist(http: httpx.Client) -> None:
    code, detail = registry_error(http.get(f"{SERVICES}/nope"))
    assert code == "400012" and "nope" in detail


def test_delete_service_refuses_one_with_instances_unless_forced(http: httpx.Client) -> None:
    service_id = create_service(http)
    register(http, service_id)
    code, _ = registry_error(http.delete(f"{SERVICES}/{service_id}"))
    assert code == "400013"
    code, _ = registry_error(http.delete(f"{SERVICES}/{service_id}", params={"force": "yes"}))
    assert code == "400001"

    ok(http.delete(f"{SERVICES}/{service_id}", params={"force": "true"}))
    assert registry_code(http.get(f"{SERVICES}/{service_id}")) == "400012"
    assert registry_code(http.get(f"{SERVICES}/{service_id}/instances")) == "400012"


def test_delete_service_refuses_a_provider_with_consumers_unless_forced(
    http: httpx.Client,
) -> None:
    provider = create_service(http)
    consumer = create_service(http, serviceName="consumer")
    query = {"appId": "default", "serviceName": "test"}
    ok(http.get(f"{REGISTRY}/instances", params=query, headers={"X-ConsumerId": consumer}))

    code, detail = registry_error(http.delete(f"{SERVICES}/{provider}"))
    assert code == "400023" and consumer in detail
    ok(http.delete(f"{SERVICES}/{provider}", params={"force": "true"}))
    assert ok(http.get(f"{SERVICES}/{consumer}/providers"))["providers"] == []
    # A consumer goes without ado.
    ok(http.delete(f"{SERVICES}/{consumer}"))


def test_delete_services_deletes_each_and_reports_those_it_could_not(
    http: httpx.Client,
) -> None:
    first, second = create_service(http), create_service(http, serviceName="second")
    answer = ok(http.request("DELETE", SERVICES, json={"serviceIds": [first, second]}))
    assert answer == {"services": [{"serviceId": first}, {"serviceId": second}]}

    kept = create_service(http, serviceName="kept")
    register(http, kept)
    gone = create_service(http, serviceName="gone")
    code, detail = registry_error(
        http.request("DELETE", SERVICES, json={"serviceIds": [kept, gone, "nope"]})
    )
    assert code == "400001"
    assert kept in detail and "nope" in detail and gone not in detail
    assert registry_code(http.get(f"{SERVICES}/{gone}")) == "400012"
    ok(http.request("DELETE", SERVICES, params={"force": "true"}, json={"serviceIds": [kept]}))
    assert registry_code(http.request("DELETE", SERVICES, json={})) == "400001"


def test_update_service_properties_replaces_them(http: httpx.Client, clock: VirtualClock) -> None:
    service_id = create_service(http)
    clock.advance(5)
    ok(http.put(f"{SERVICES}/{service_id}/properties", json={"properties": {"a": "test"}}))
    ok(http.put(f"{SERVICES}/{service_id}/properties", json={"properties": {"b": "2"}}))
    service = ok(http.get(f"{SERVICES}/{service_id}"))["service"]
    assert service["properties"] == {"b": "2"}
    assert int(service["modTimestamp"]) == int(service["timestamp"]) + 5
    code, _ = registry_error(http.put(f"{SERVICES}/{service_id}/properties", json={}))
    assert code == "400001"


def test_existence_finds_a_service_by_its_names_and_version(http: httpx.Client) -> None:
    service_id = create_service(http)
    query = {"type": "microservice", "appId": "default", "serviceName": "test"}
    existence = f"{REGISTRY}/existence"
    assert ok(http.get(existence, params={**query, "version": "1.0.0"})) == {
        "serviceId": service_id
    }
    assert ok(http.get(existence, params={**query, "version": "1.0.0", "env": "development"}))
    assert registry_code(http.get(existence, params={**query, "version": "2.0.0"})) == "400026"
    unknown = {**query, "serviceName": "other", "version": "1.0.0"}
    assert registry_code(http.get(existence, params=unknown)) == "400012"
    assert registry_code(http.get(existence, params=query)) == "400001"
    assert registry_code(http.get(existence, params={"type": "table"})) == "400001"


# -- schemas (§7.4) -----------------------------------------------------------------------------


def test_schemas_are_written_shown_and_listed(http: httpx.Client) -> None:
    service_id = create_service(http)
    schema = f"{SERVICES}/{service_id}/schemas/hello"
    ok(http.put(schema, json={"schema": "swagger: '2.0'", "summary": "abc"}))

    shown = http.get(schema)
    assert ok(shown) == {"schema": "swagger: '2.0'"}
    assert shown.headers["X-Schema-Summary"] == "abc"
    listed = ok(http.get(f"{SERVICES}/{service_id}/schemas"))
    assert listed == {"schemas": [{"schemaId": "hello", "summary": "abc"}]}
    with_content = ok(http.get(f"{SERVICES}/{service_id}/schemas", params={"withSchema": "1"}))
    assert with_content["schemas"][0]["schema"] == "swagger: '2.0'"
    assert ok(http.get(f"{SERVICES}/{service_id}"))["service"]["schemas"] == ["hello"]

    existence = http.get(
        f"{REGISTRY}/existence",
        params={"type": "schema", "serviceId": service_id, "schemaId": "hello"},
    )
    assert ok(existence) == {"schemaId": "hello"}
    assert existence.headers["X-Schema-Summary"] == "abc"

    # Outside production a schema can be written again.
    ok(http.put(schema, json={"schema": "swagger: '2.0' # v2"}))
    assert ok(http.get(schema)) == {"schema": "swagger: '2.0' # v2"}
    assert registry_code(http.get(f"{SERVICES}/{service_id}/schemas/other")) == "400016"
    assert (
        registry_code(http.put(f"{SERVICES}/{service_id}/schemas/-x-", json={"schema": ""}))
        == "400001"
    )
    assert registry_code(http.put(schema, json={})) == "400001"
    code, _ = registry_error(
        http.get(f"{SERVICES}/{service_id}/schemas", params={"withSchema": "2"})
    )
    assert code == "400001"


def test_a_production_service_takes_each_declared_schema_once(http: httpx.Client) -> None:
    service_id = create_service(http, environment="production", schemas=["declared"])
    schemas = f"{SERVICES}/{service_id}/schemas"
    listed = ok(http.get(schemas))
    assert listed == {"schemas": [{"schemaId": "declared"}]}

    assert registry_code(http.put(f"{schemas}/other", json={"schema": "x"})) == "400014"
    ok(http.put(f"{schemas}/declared", json={"schema": "x"}))
    assert registry_code(http.put(f"{schemas}/declared", json={"schema": "y"})) == "400015"


# -- instances (§7.5) ---------------------------------------------------------------------------


def test_register_show_update_and_deregister_an_instance(
    http: httpx.Client, clock: VirtualClock
) -> None:
    service_id = create_service(http)
    instance_id = register(http, service_id)
    path = f"{SERVICES}/{service_id}/instances/{instance_id}"

    instance = ok(http.get(path))["instance"]
    assert instance["serviceId"] == service_id
    assert instance["healthCheck"] == {"mode": "push", "interval": 30, "times": 3}
    assert instance["dataCenterInfo"] == {"name": "dc", "region": "r1", "availableZone": "az1"}
    assert instance["version"] == "1.0.0"
    assert instance_ids(http, service_id) == [instance_id]

    clock.advance(3)
    ok(http.put(f"{path}/properties", json={"properties": {"attr1": "b"}}))
    ok(http.put(f"{path}/status", params={"value": "TESTING"}))
    instance = ok(http.get(path))["instance"]
    assert instance["properties"] == {"attr1": "b"}
    assert instance["status"] == "TESTING"
    assert int(instance["modTimestamp"]) == int(instance["timestamp"]) + 3
    assert registry_code(http.put(f"{path}/status", params={"value": "GONE"})) == "400001"
    assert registry_code(http.put(f"{path}/status")) == "400001"

    ok(http.delete(path))
    assert registry_code(http.get(path)) == "400017"
    assert registry_code(http.delete(path)) == "400017"
    assert registry_code(http.put(f"{path}/heartbeat")) == "400017"
    assert registry_code(http.post(f"{SERVICES}/nope/instances", json=instance_body())) == "400012"


def test_registering_again_overwrites_the_same_instance(http: httpx.Client) -> None:
    service_id = create_service(http)
    first = register(http, service_id)
    # The same endpoints without an instanceId: the same instance.
    assert register(http, service_id, hostName="renamed") == first
    custom = register(http, service_id, instanceId="custom", endpoints=["rest://10.0.0.1:80"])
    assert custom == "custom"
    assert register(http, service_id, instanceId="custom", hostName="again") == "custom"
    shown = ok(http.get(f"{SERVICES}/{service_id}/instances/custom"))["instance"]
    assert shown["hostName"] == "again"
    assert sorted(instance_ids(http, service_id)) == sorted([first, "custom"])
    assert (
        registry_code(
            http.post(f"{SERVICES}/{service_id}/instances", json={"instance": {"endpoints": []}})
        )
        == "400001"
    )


def test_heartbeats_keep_an_instance_until_they_stop(
    http: httpx.Client, clock: VirtualClock
) -> None:
    service_id = create_service(http)
    instance_id = register(http, service_id)
    heartbeat = f"{SERVICES}/{service_id}/instances/{instance_id}/heartbeat"
    for _ in range(10):
        clock.advance(30)
        ok(http.put(heartbeat))
    assert instance_ids(http, service_id) == [instance_id]

    # Heartbeats stop: the instance stays for the lease, then is gone.
    clock.advance(LEASE_SECONDS - 1)
    assert instance_ids(http, service_id) == [instance_id]
    clock.advance(1)
    assert instance_ids(http, service_id) == []
    assert registry_code(http.put(heartbeat)) == "400017"


def test_an_instance_without_health_check_gets_the_example_heartbeat(
    http: httpx.Client, clock: VirtualClock
) -> None:
    service_id = create_service(http)
    bare = {"hostName": "bare", "endpoints": ["rest://10.0.0.2:80"]}
    instance_id = ok(http.post(f"{SERVICES}/{service_id}/instances", json={"instance": bare}))[
        "instanceId"
    ]
    shown = ok(http.get(f"{SERVICES}/{service_id}/instances/{instance_id}"))["instance"]
    assert shown["healthCheck"] == {"mode": "push", "interval": 30, "times": 3}
    assert shown["status"] == "UP"
    clock.advance(LEASE_SECONDS)
    assert instance_ids(http, service_id) == []


def test_a_short_interval_is_registered_as_five_seconds(
    http: httpx.Client, clock: VirtualClock
) -> None:
    service_id = create_service(http)
    instance_id = register(
        http, service_id, healthCheck={"mode": "push", "interval": 1, "times": 0}
    )
    shown = ok(http.get(f"{SERVICES}/{service_id}/instances/{instance_id}"))["instance"]
    assert shown["healthCheck"]["interval"] == 5
    clock.advance(4)
    assert instance_ids(http, service_id) == [instance_id]
    clock.advance(1)
    assert instance_ids(http, service_id) == []


def test_a_pull_instance_is_not_expired(http: httpx.Client, clock: VirtualClock) -> None:
    service_id = create_service(http)
    check = {"mode": "pull", "port": 8080, "interval": 30, "times": 3}
    instance_id = register(http, service_id, healthCheck=check)
    clock.advance(10 * LEASE_SECONDS)
    assert instance_ids(http, service_id) == [instance_id]


def test_find_instances_by_application_and_name(http: httpx.Client) -> None:
    tagged = create_service(http)
    ok(
        http.post(
            SERVICES,
            json={"service": {"serviceName": "test", "version": "2.0.0"}, "tags": {"blue": "1"}},
        )
    )
    newer = create_service(http, version="2.0.0")
    first = register(http, tagged)
    second = register(http, newer, endpoints=["rest://10.0.0.3:80"])
    found = f"{REGISTRY}/instances"

    query = {"appId": "default", "serviceName": "test"}
    answer = ok(http.get(found, params=query))
    assert sorted(i["instanceId"] for i in answer["instances"]) == sorted([first, second])
    assert [
        i["instanceId"] for i in ok(http.get(found, params={**query, "tags": "blue"}))["instances"]
    ] == [second]
    assert registry_code(http.get(found, params={**query, "env": "production"})) == "400012"
    assert registry_code(http.get(found, params={"appId": "default"})) == "400001"
    assert registry_code(http.get(found, params={**query, "tags": "1bad"})) == "400001"
    assert (
        registry_code(http.get(found, params=query, headers={"X-ConsumerId": "nope"})) == "400012"
    )


def test_batch_find_answers_revisions_and_unchanged_sets(http: httpx.Client) -> None:
    service_id = create_service(http)
    instance_id = register(http, service_id)
    action = f"{REGISTRY}/instances/action"
    wanted = {"service": {"environment": "", "appId": "default", "serviceName": "test"}}
    body: dict[str, Any] = {
        "services": [
            {"service": {"environment": "", "appId": "default", "serviceName": "test"}, "rev": "0"},
            {"service": {"environment": "", "appId": "default", "serviceName": "nope"}},
        ],
        "instances": [
            {"instance": {"serviceId": service_id, "instanceId": instance_id}},
            {"instance": {"serviceId": service_id}},
        ],
    }
    answer = ok(http.post(action, params={"type": "query"}, json=body))
    [updated] = answer["services"]["updated"]
    assert updated["index"] == 0
    assert [i["instanceId"] for i in updated["instances"]] == [instance_id]
    [failed] = answer["services"]["failed"]
    assert failed["indexes"] == [1] and failed["error"]["errorCode"] == "400012"
    assert answer["instances"]["updated"][0]["instances"][0]["instanceId"] == instance_id
    assert answer["instances"]["failed"][0]["error"]["errorCode"] == "400001"

    # The client holds the current revision: not modified, until an instance changes.
    again = {"services": [{**wanted, "rev": updated["rev"]}]}
    assert ok(http.post(action, params={"type": "query"}, json=again)) == {
        "services": {"notModified": [0]}
    }
    register(http, service_id, endpoints=["rest://10.0.0.4:80"])
    changed = ok(http.post(action, params={"type": "query"}, json=again))
    assert len(changed["services"]["updated"][0]["instances"]) == 2

    assert registry_code(http.post(action, json=body)) == "400001"
    assert registry_code(http.post(action, params={"type": "query"}, json={})) == "400001"


# -- dependencies (§7.6) ------------------------------------------------------------------------


def test_providers_are_the_services_a_consumer_looked_up(http: httpx.Client) -> None:
    provider = create_service(http)
    newer = create_service(http, version="2.0.0")
    consumer = create_service(http, serviceName="consumer")
    headers = {"X-ConsumerId": consumer}
    ok(
        http.get(
            f"{REGISTRY}/instances",
            params={"appId": "default", "serviceName": "test"},
            headers=headers,
        )
    )
    ok(
        http.get(
            f"{REGISTRY}/instances",
            params={"appId": "default", "serviceName": "consumer"},
            headers=headers,
        )
    )

    providers = ok(http.get(f"{SERVICES}/{consumer}/providers"))["providers"]
    assert sorted(p["serviceId"] for p in providers) == sorted([provider, newer])
    # 表7-150: noSelf=1 shows the consumer's dependency on itself.
    with_self = ok(http.get(f"{SERVICES}/{consumer}/providers", params={"noSelf": "1"}))
    assert consumer in [p["serviceId"] for p in with_self["providers"]]
    assert registry_code(http.get(f"{SERVICES}/nope/providers")) == "400012"
    assert (
        registry_code(http.get(f"{SERVICES}/{consumer}/providers", params={"sameDomain": "yes"}))
        == "400001"
    )


# -- security authentication (§7.2.1) and engines --------------------------------------------------


def test_an_rbac_engine_wants_a_token_of_its_own(comb: ServiceCombAlone) -> None:
    http = comb.http
    services = f"{registry_path(RBAC_ENGINE_ID)}/microservices"
    code, _ = registry_error(http.get(services), 401)
    assert code == "401204"
    code, _ = registry_error(http.get(services, headers={"Authorization": "Bearer forged"}), 401)
    assert code == "401201"

    token = comb.token()
    assert ok(http.get(services, headers={"Authorization": f"Bearer {token}"})) == {"services": []}
    code, _ = registry_error(http.get(services, headers={"Authorization": token}), 401)
    assert code == "401201"
    # The open engine takes no token, and ignores one.
    assert ok(http.get(SERVICES, headers={"Authorization": "Bearer forged"})) == {"services": []}


def test_token_requests(comb: ServiceCombAlone) -> None:
    http = comb.http
    token_path = f"{engine_base(RBAC_ENGINE_ID)}/v4/token"
    wrong = {"name": "root", "password": "Wrong@2024"}
    assert registry_code(http.post(token_path, json=wrong), 401) == "401202"
    other_user = {"name": "admin", "password": ADMIN_PASSWORD}
    assert registry_code(http.post(token_path, json=other_user), 401) == "401202"
    assert registry_code(http.post(token_path, json={"name": "root"})) == "400001"
    no_rbac = f"{engine_base(ENGINE_ID)}/v4/token"
    assert registry_code(http.post(no_rbac, json=wrong), 404) == "404001"


def test_tokens_expire_after_twelve_hours(comb: ServiceCombAlone, clock: VirtualClock) -> None:
    token = comb.token()
    headers = {"Authorization": f"Bearer {token}"}
    services = f"{registry_path(RBAC_ENGINE_ID)}/microservices"
    assert TOKEN_LIFETIME_SECONDS == 12 * 3600
    clock.advance(TOKEN_LIFETIME_SECONDS - 1)
    ok(comb.http.get(services, headers=headers))
    clock.advance(1)
    assert registry_code(comb.http.get(services, headers=headers), 401) == "401201"


def test_tokens_expire_at_once_by_control(comb: ServiceCombAlone) -> None:
    http = comb.http
    services = f"{registry_path(RBAC_ENGINE_ID)}/microservices"
    headers = {"Authorization": f"Bearer {comb.token()}"}
    assert (
        http.delete(f"/_emulator/projects/{DEFAULT_PROJECT_ID}/cse/engine-tokens").status_code
        == 204
    )
    assert registry_code(http.get(services, headers=headers), 401) == "401201"

    headers = {"Authorization": f"Bearer {comb.token()}"}
    comb.backend.expire_tokens()
    assert registry_code(http.get(services, headers=headers), 401) == "401201"
    assert http.delete("/_emulator/projects/unknown/cse/engine-tokens").status_code == 400


def test_a_token_of_one_engine_opens_no_other(comb: ServiceCombAlone) -> None:
    other = "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"
    comb.engines.add(other, rbac=True)
    headers = {"Authorization": f"Bearer {comb.token()}"}
    code, _ = registry_error(
        comb.http.get(f"{registry_path(other)}/microservices", headers=headers), 401
    )
    assert code == "401201"


def test_an_engine_that_does_not_answer(comb: ServiceCombAlone) -> None:
    http = comb.http
    response = http.get(f"{registry_path('unknown')}/microservices")
    assert response.status_code == 404
    assert response.json()["error_code"] == "EMULATOR.0404"
    other_project = f"/_engines/other-project/{ENGINE_ID}/v4/default/registry/microservices"
    assert http.get(other_project).status_code == 404

    comb.engines.add(ENGINE_ID, serving=False)
    response = http.get(SERVICES)
    assert response.status_code == 503
    assert response.json()["error_code"] == "EMULATOR.0503"
    assert http.post(f"{engine_base(ENGINE_ID)}/v4/token", json={}).status_code == 503


def test_each_engine_and_project_has_its_own_registry(comb: ServiceCombAlone) -> None:
    http = comb.http
    create_service(http)
    other_project = f"{engine_base()}/v4/{DEFAULT_PROJECT_ID}/registry"
    assert ok(http.get(f"{other_project}/microservices")) == {"services": []}
    create_service(http, registry=other_project)

    # An engine that is gone is forgotten: one of the same id starts empty.
    del comb.engines.engines[ENGINE_ID]
    assert http.get(SERVICES).status_code == 404
    comb.engines.add(ENGINE_ID)
    assert ok(http.get(SERVICES)) == {"services": []}


def test_reset_forgets_services_and_tokens(comb: ServiceCombAlone) -> None:
    create_service(comb.http)
    headers = {"Authorization": f"Bearer {comb.token()}"}
    comb.backend.reset()
    assert ok(comb.http.get(SERVICES)) == {"services": []}
    services = f"{registry_path(RBAC_ENGINE_ID)}/microservices"
    assert registry_code(comb.http.get(services, headers=headers), 401) == "401201"


# -- through the whole emulator (needs the engines part, §6.3) ----------------------------------


def engine_body(**overrides: Any) -> dict[str, Any]:
    """表6-38's example, with security authentication."""
    return {
        "name": "orders",
        "payment": "1",
        "flavor": "cse.s1.small2",
        "azList": ["cn-north-4a"],
        "authType": "RBAC",
        "auth_cred": {"pwd": ADMIN_PASSWORD},
        "vpc": "vpc-demotest",
        "vpcId": "09902850-9454-4715-9764-018f0c37022",
        "networkId": "88550801-e892-4f8e-b21b-f7147f6229",
        "subnetCidr": "192.168.0.0/24",
        "specType": "CSE2",
        **overrides,
    }


def test_through_the_emulator_an_engine_serves_once_created_until_deleted(
    client: httpx.Client, anonymous: httpx.Client, clock: VirtualClock, emulator: Emulator
) -> None:
    engines = f"/v2/{DEFAULT_PROJECT_ID}/enginemgr/engines"
    engine_id = ok(client.post(engines, json=engine_body()))["id"]
    registry = f"/_engines/{DEFAULT_PROJECT_ID}/{engine_id}/v4/default/registry"
    assert anonymous.get(f"{registry}/microservices").status_code == 503

    clock.advance(JOB_SECONDS)
    token_path = f"/_engines/{DEFAULT_PROJECT_ID}/{engine_id}/v4/token"
    token = ok(anonymous.post(token_path, json={"name": "root", "password": ADMIN_PASSWORD}))
    headers = {"Authorization": f"Bearer {token['token']}"}
    assert registry_code(anonymous.get(f"{registry}/microservices"), 401) == "401204"
    created = anonymous.post(
        f"{registry}/microservices", json={"service": {"serviceName": "orders"}}, headers=headers
    )
    service_id = ok(created)["serviceId"]
    instance_path = f"{registry}/microservices/{service_id}/instances"
    ok(anonymous.post(instance_path, json=instance_body(), headers=headers))

    counts = emulator.request_counts()
    assert counts["POST /_engines/{project_id}/{engine_id}/v4/token"] == 1

    ok(client.delete(f"{engines}/{engine_id}"))
    clock.advance(JOB_SECONDS)
    assert anonymous.get(f"{registry}/microservices", headers=headers).status_code == 404


def test_through_the_emulator_the_engine_detail_gives_the_registry_address(
    client: httpx.Client, anonymous: httpx.Client, clock: VirtualClock
) -> None:
    engines = f"/v2/{DEFAULT_PROJECT_ID}/enginemgr/engines"
    engine_id = ok(client.post(engines, json=engine_body(authType="NONE", auth_cred=None)))["id"]
    clock.advance(JOB_SECONDS)
    detail = ok(client.get(f"{engines}/{engine_id}"))
    address = detail["externalEntrypoint"]["serviceEndpoint"]["serviceCenter"]["masterEntrypoint"]
    base = str(httpx.URL(address).path)
    assert ok(anonymous.get(f"{base}/v4/default/registry/microservices")) == {"services": []}
