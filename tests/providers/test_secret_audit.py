"""A secret audit through the real provider host: marker strings planted in every secret-bearing
input, with a service that echoes credentials, never show in plain text in what the engine would
store (outputs and read inputs not wrapped as secrets), in `__provider`, in the host's own output,
or in an error, after create, refresh, `.get`, adopt and failing calls."""

from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.runtime import rpc

from pulumi_servicestage._lifecycle import OWNER_KEY, owner_marker
from pulumi_servicestage.application_configuration import ApplicationConfigurationProvider
from pulumi_servicestage.component import ComponentProvider
from pulumi_servicestage.configuration import ConfigurationProvider
from pulumi_servicestage.emulator.cse.backend import CseBackend
from pulumi_servicestage.emulator.errors import PARAMETER_INVALID
from pulumi_servicestage.emulator.servicestage import state as component_state
from pulumi_servicestage.emulator.servicestage.configs.backend import ConfigsBackend
from pulumi_servicestage.emulator.servicestage.repo_authorizations.backend import (
    RepoAuthorizationBackend,
)
from pulumi_servicestage.release_plan import ReleasePlanProvider
from pulumi_servicestage.repo_authorization import RepoAuthorizationProvider
from pulumi_servicestage.testing import (
    DOCKER_STACK,
    ProviderCallError,
    container_component,
    serialized_provider,
)

# The audit reads the host's own output: it needs the real provider host.
pytestmark = pytest.mark.real_time

MARKERS = {
    "source password": "MARKER-source-password-7f3a",
    "source header": "MARKER-source-header-91bc",
    "env value": "MARKER-env-value-52de",
    "container password": "MARKER-container-password-0a4f",
    "template password": "MARKER-template-password-6c1e",
    "secret env": "MARKER-secret-env-3b8d",
    "file content": "MARKER-file-content-e29c",
    "token": "ghp_MARKERtoken00000000000000000000",
    "release password": "MARKER-release-password-44aa",
    "engine password": "MARKER-engine-password-8e21",
    "config value": "MARKER-config-value-1d90",
    "imported value": "MARKER-imported-value-c7b3",
}


def http_source(password: str, header: str | None = None) -> dict[str, Any]:
    source = {
        "kind": "package",
        "storage": "http",
        "url": "https://repo.example/web.jar",
        "http_command": "GET",
        "http_username": "deployer",
        "http_password": password,
    }
    if header is not None:
        source["http_headers"] = {"X-Token": header}
    return source


def plain_strings(value: Any) -> Iterator[str]:
    """Every string a value holds outside secret wrappers: what would be stored in plain text."""
    if rpc.is_rpc_secret(value):
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from plain_strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from plain_strings(item)


def leaked(*texts_or_values: Any) -> list[str]:
    found = []
    for value in texts_or_values:
        for text in plain_strings(value):
            found += [name for name, marker in MARKERS.items() if marker in text]
    return found


@pytest.fixture
def audited(host):
    """Calls through the host whose results and errors are audited; the host's output too."""
    results: list[Any] = []
    errors: list[str] = []

    def call(method: str, provider: Any, *args: Any) -> Any:
        try:
            outcome = getattr(host, method)(provider, *args)
        except ProviderCallError as error:
            errors.append(error.details)
            return None
        # Checked inputs go back to the engine, which keeps secret what the program marked
        # secret (`resource_props`); outputs are the provider's to protect.
        if method != "check":
            results.append((method, outcome))
        return outcome

    yield call
    assert [(method, leaked(outcome)) for method, outcome in results if leaked(outcome)] == []
    assert [name for name, marker in MARKERS.items() if any(marker in e for e in errors)] == []
    assert leaked(host.stdout, host.stderr) == []


def test_component_credentials_and_env_values(live, place, audited, monkeypatch):
    environment_id, application_id = place
    provider = ComponentProvider()
    assert leaked(serialized_provider(provider)) == []
    inputs = {
        **container_component(environment_id, name="web"),
        "application_id": application_id,
        OWNER_KEY: owner_marker("test", "test", "Component", "web"),
        "source": http_source(MARKERS["source password"], MARKERS["source header"]),
        "envs": [{"name": "DB_PASSWORD", "value": MARKERS["env value"]}],
        "multi_containers": [
            {
                "container_name": "sidecar",
                "source": {
                    **http_source(MARKERS["container password"]),
                    "kind": "image",
                    "storage": "swr",
                    "url": "swr.example.com/org/sidecar:1",
                },
            }
        ],
        "template_source": {
            "storage": "http",
            "url": "https://repo.example/template.zip",
            "http_username": "deployer",
            "http_password": MARKERS["template password"],
        },
    }
    # The emulator withholds credentials from GET (the documents do not say the service echoes
    # them); here it echoes every one back, as a service may, for the provider to keep secret.
    monkeypatch.setattr(component_state, "hide_credentials", lambda shown: shown)
    checked = audited("check", provider, None, inputs)
    created = audited("create", provider, checked.inputs)
    shown = live.backend.show_component(*created.id.split("/")).to_dict()
    assert shown["source"]["http_password"] == MARKERS["source password"]

    audited("read", provider, created.id, created.outs, inputs)  # refresh
    audited("read", provider, created.id, None, {})  # Component.get
    audited("create", provider, {**checked.inputs, "adopt_id": created.id})  # adopt
    audited("diff", provider, created.id, created.outs, inputs)

    # Failing calls whose errors quote the credentials.
    def echoing_refusal(*args: Any, **kwargs: Any) -> Any:
        raise PARAMETER_INVALID.error(
            f"source.http_password {MARKERS['source password']} and env "
            f"{MARKERS['env value']} refused"
        )

    monkeypatch.setattr(live.backend, "modify_component", echoing_refusal)
    audited("update", provider, created.id, created.outs, {**inputs, "version": "1.0.1"})
    monkeypatch.setattr(live.backend, "create_component", echoing_refusal)
    audited("create", provider, {**checked.inputs, "name": "web2"})


def test_secret_env_content_token_and_release_credentials(live, place, audited):
    environment_id, application_id = place
    configuration = ApplicationConfigurationProvider()
    config_inputs = {
        "application_id": application_id,
        "environment_id": environment_id,
        "secret_env": {"DB_PASSWORD": MARKERS["secret env"]},
    }
    made = audited("create", configuration, config_inputs)
    audited("read", configuration, made.id, made.outs, config_inputs)
    audited("read", configuration, made.id, None, {})

    group = live.emulator.area(ConfigsBackend).create_config_group(name="g1", creator="x")
    files = ConfigurationProvider()
    file_inputs = {
        "config_group_id": group.id,
        "name": "app",
        "type": "properties",
        "content": f"password = {MARKERS['file content']}",
    }
    checked = audited("check", files, None, file_inputs)
    file = audited("create", files, checked.inputs)
    audited("read", files, file.id, None, {})
    audited("create", files, checked.inputs)  # refused: the name is taken

    live.emulator.area(RepoAuthorizationBackend).add_account(
        "github", "tom", token=MARKERS["token"]
    )
    authorizations = RepoAuthorizationProvider()
    token_inputs = {"name": "github-tom", "repo_type": "github", "token": MARKERS["token"]}
    authorization = audited("create", authorizations, token_inputs)
    audited("read", authorizations, authorization.id, authorization.outs, token_inputs)
    audited("create", authorizations, {**token_inputs, "token": "ghp_wrong" + "0" * 27})

    plans = ReleasePlanProvider()
    plan_inputs = {
        "name": "shop-release",
        "components": [
            {
                **container_component(environment_id, name="api"),
                "seq": 1,
                "application_id": application_id,
                "runtime_stack": DOCKER_STACK,
                "source": http_source(MARKERS["release password"]),
            }
        ],
    }
    plan = audited("create", plans, audited("check", plans, None, plan_inputs).inputs)
    audited("read", plans, plan.id, plan.outs, plan_inputs)
    audited("read", plans, plan.id, None, {})


def test_engine_password_and_configuration_values(live, audited):
    from pulumi_servicestage.config_item import ConfigItemProvider
    from pulumi_servicestage.engine_configuration import EngineConfigurationProvider
    from pulumi_servicestage.microservice_engine import MicroserviceEngineProvider

    engines = MicroserviceEngineProvider()
    password = MARKERS["engine password"]
    engine_inputs = {
        "name": "cse-audit",
        "flavor": "cse.s1.small2",
        "az_list": ["cn-north-4a"],
        "auth_type": "RBAC",
        "auth_cred": {"pwd": password},
        "vpc": "vpc-1",
        "vpc_id": "vpc-1",
        "network_id": "subnet-1",
        "subnet_cidr": "192.168.0.0/24",
    }
    engine = audited("create", engines, audited("check", engines, None, engine_inputs).inputs)
    audited("read", engines, engine.id, engine.outs, engine_inputs)
    audited("read", engines, engine.id, None, {})
    live.emulator.area(CseBackend).engines.plan("create", "FAILED", message="no capacity")
    audited("create", engines, {**engine_inputs, "name": "cse-audit-2"})  # its job fails

    items = ConfigItemProvider()
    item_inputs = {
        "engine_id": engine.id,
        "engine_password": password,
        "key": "db.password",
        "value": MARKERS["config value"],
    }
    item = audited("create", items, audited("check", items, None, item_inputs).inputs)
    audited("read", items, item.id, item.outs, item_inputs)
    audited("create", items, {**item_inputs, "key": "db.password"})  # the key is taken
    audited("create", items, {**item_inputs, "engine_password": f"{password}-wrong"})

    packages = EngineConfigurationProvider()
    package_inputs = {
        "engine_id": engine.id,
        "engine_password": password,
        "items": [{"key": "api.token", "value": MARKERS["imported value"]}],
    }
    package = audited("create", packages, audited("check", packages, None, package_inputs).inputs)
    audited("read", packages, package.id, package.outs, package_inputs)
    audited("create", packages, {**package_inputs, "override": "abort"})  # a duplicate
