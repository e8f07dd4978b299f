"""Every resource's write whose answer is lost after the service acted (the connection dropped, or
a 502 from the gateway) takes effect once: the provider judges by the service, never by sending
the write again blindly, and records what was made. Run in this process on virtual time."""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from stack_runner import driven_host

from pulumi_servicestage._lifecycle import OWNER_KEY, owner_marker
from pulumi_servicestage.configuration import ConfigurationGroupProvider, ConfigurationProvider
from pulumi_servicestage.configuration_import import ConfigurationImportProvider
from pulumi_servicestage.emulator.asm.backend import AsmBackend
from pulumi_servicestage.emulator.servicestage.configs.backend import ConfigsBackend
from pulumi_servicestage.emulator.servicestage.plugins.backend import PluginBackend
from pulumi_servicestage.emulator.servicestage.release_plans.backend import ReleasePlanBackend
from pulumi_servicestage.emulator.servicestage.repo_authorizations.backend import (
    RepoAuthorizationBackend,
)
from pulumi_servicestage.emulator.servicestage.schemas import ManagedResource
from pulumi_servicestage.grayscale_release import GrayscaleReleaseProvider
from pulumi_servicestage.plugin import PluginProvider
from pulumi_servicestage.release_plan import ReleasePlanProvider
from pulumi_servicestage.repo_authorization import RepoAuthorizationProvider
from pulumi_servicestage.runtime_stack import RuntimeStackProvider
from pulumi_servicestage.testing import (
    DOCKER_STACK,
    FaultMix,
    FaultProxy,
    ProviderHost,
    ProviderInProcess,
    container_component,
)

LOST_ANSWERS = ["drop_after", "bad_gateway_after"]
TOKEN = "ghp_unheard0000000000000000000000000"


def first_request(method: str, path_end: str) -> Callable[[str, str], bool]:
    """A `FaultProxy` target: the first `method` request whose path ends with `path_end`."""
    taken = threading.Event()

    def targeted(request_method: str, path: str) -> bool:
        if request_method != method or not path.endswith(path_end) or taken.is_set():
            return False
        taken.set()
        return True

    return targeted


@contextmanager
def host_losing(
    live: Any, fault: str, method: str, path_end: str
) -> Iterator[tuple[FaultProxy, ProviderHost | ProviderInProcess]]:
    proxy = FaultProxy(
        live.url,
        mix=FaultMix.only(fault),
        targets=first_request(method, path_end),  # type: ignore[arg-type]
    )
    with proxy.serve() as proxy_url, driven_host(live, proxy_url) as host:
        yield proxy, host


def create(host: ProviderHost | ProviderInProcess, provider: Any, inputs: dict[str, Any]) -> Any:
    checked = host.check(provider, None, inputs)
    assert checked.failures == []
    return host.create(provider, checked.inputs)


def lost(proxy: FaultProxy, fault: str) -> list[str]:
    return [f"{event.method} {event.path}" for event in proxy.events if event.fault == fault]


@pytest.mark.parametrize("fault", LOST_ANSWERS)
def test_runtime_stack_create(live: Any, fault: str) -> None:
    inputs = {"name": "jdk17", "type": "Java", "deploy_mode": "virtualmachine", "version": "17"}
    with host_losing(live, fault, "POST", "/runtimestacks") as (proxy, host):
        created = create(host, RuntimeStackProvider(), {**inputs, "released": True})
        assert len(lost(proxy, fault)) == 1
    custom = [stack for stack in live.backend.list_runtime_stacks() if stack["name"] == "jdk17"]
    assert [stack["id"] for stack in custom] == [created.id]
    assert custom[0]["status"] == "Supported"


@pytest.mark.parametrize("fault", LOST_ANSWERS)
def test_configuration_group_and_file_creates(live: Any, fault: str) -> None:
    configs = live.emulator.area(ConfigsBackend)
    with host_losing(live, fault, "POST", "/config-groups") as (proxy, host):
        group = create(host, ConfigurationGroupProvider(), {"name": "shop"})
        assert len(lost(proxy, fault)) == 1
    with host_losing(live, fault, "POST", "/configs") as (proxy, host):
        inputs = {"config_group_id": group.id, "name": "app", "type": "yaml", "content": "a: 1"}
        file = create(host, ConfigurationProvider(), inputs)
        assert len(lost(proxy, fault)) == 1
    assert [item.id for item in configs.list_config_groups().items] == [group.id]
    assert [item.id for item in configs.list_configs().items] == [file.id]
    assert configs.show_config(file.id).version == 1


@pytest.mark.parametrize("fault", LOST_ANSWERS)
def test_configuration_import(live: Any, fault: str, tmp_path: Any) -> None:
    package = tmp_path / "configs.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("shop/app.yaml", "a: 1")
        archive.writestr("shop/db.properties", "url=jdbc:x")
    with host_losing(live, fault, "POST", "/configs/import") as (proxy, host):
        imported = create(host, ConfigurationImportProvider(), {"archive_path": str(package)})
        assert len(lost(proxy, fault)) == 1
    configs = live.emulator.area(ConfigsBackend)
    files = configs.list_configs().items
    assert sorted(file.name for file in files) == ["app", "db"]
    # Imported once: a second import would have made version v2 of each file.
    assert {file.version for file in files} == {1}
    assert sorted(imported.outs["created_configuration_ids"]) == sorted(f.id for f in files)


@pytest.mark.parametrize("fault", LOST_ANSWERS)
def test_repository_authorization_create(live: Any, fault: str) -> None:
    git = live.emulator.area(RepoAuthorizationBackend)
    git.add_account("github", "tom", token=TOKEN)
    inputs = {"name": "github-tom", "repo_type": "github", "token": TOKEN}
    with host_losing(live, fault, "POST", "/personal") as (proxy, host):
        created = create(host, RepoAuthorizationProvider(), inputs)
        assert len(lost(proxy, fault)) == 1
    assert created.id == "github-tom"
    assert [item.name for item in git.list_authorizations()] == ["github-tom"]


@pytest.mark.parametrize("fault", LOST_ANSWERS)
def test_plugin_create_and_its_job(live: Any, fault: str) -> None:
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    live.backend.modify_environment_resources(
        environment.id,
        [ManagedResource(type="cce", id="cce-1"), ManagedResource(type="cse", id="cse-1")],
    )
    inputs = {
        "environment_id": environment.id,
        "name": "sermantInjector",
        "cce_id": "cce-1",
        "cse_id": "cse-1",
    }
    with host_losing(live, fault, "POST", "/addons") as (proxy, host):
        created = create(host, PluginProvider(), inputs)
        assert len(lost(proxy, fault)) == 1
    [plugin] = live.emulator.area(PluginBackend).list_plugins(environment.id)
    assert created.id == f"{environment.id}/{plugin.id}"
    assert created.outs["status"] == "SUCCEEDED"


@pytest.mark.parametrize("fault", LOST_ANSWERS)
def test_release_task_create_and_execute(live: Any, fault: str) -> None:
    plans = live.emulator.area(ReleasePlanBackend)
    for method, path_end in (("POST", "/release-plans"), ("POST", "/execute")):
        live.emulator.reset()
        environment_id, application_id = _place(live)
        component = {
            **container_component(environment_id, name="api"),
            "seq": 1,
            "application_id": application_id,
            "runtime_stack": DOCKER_STACK,
        }
        inputs = {"name": "shop-release", "components": [component]}
        with host_losing(live, fault, method, path_end) as (proxy, host):
            created = create(host, ReleasePlanProvider(), inputs)
            assert len(lost(proxy, fault)) == 1
        assert [plan.id for plan in plans.list_release_plans()] == [created.id]
        [api] = live.backend.list_components(application_id=application_id).items
        # Released once: the component has the one record of its create.
        assert len(api.records) == 1
        assert created.outs["status"] == "SUCCESS"


def _place(live: Any) -> tuple[str, str]:
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    application = live.backend.create_application(name="shop", creator="tests")
    return environment.id, application.id


@pytest.mark.parametrize("fault", LOST_ANSWERS)
def test_grayscale_release_create(live: Any, fault: str) -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "web"}]}}},
    }
    inputs = {
        "mesh_id": "mesh-1",
        "namespace": "shop",
        "name": "web-canary",
        "service_name": "web",
        "cluster_id": "cce-1",
        "deployment_name": "web",
        "version": "v2",
        "gray_deployments": [{"cluster_id": "cce-1", "template": deployment}],
        OWNER_KEY: owner_marker("test", "test", "GrayscaleRelease", "web-canary"),
    }
    with host_losing(live, fault, "POST", "/releases") as (proxy, host):
        created = create(host, GrayscaleReleaseProvider(), inputs)
        assert len(lost(proxy, fault)) == 1
    [release] = live.emulator.area(AsmBackend).list_releases("mesh-1")
    assert created.id == f"mesh-1/shop/{release.uid}"
    assert created.outs["phase"].lower() == "running"
