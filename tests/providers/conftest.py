"""Providers driven as the engine drives them: in this process on virtual time (the host's own
handling, `ProviderInProcess`), or, for tests marked `real_time`, through the real host."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_servicestage.testing import ProviderHost, ProviderInProcess

SECRET_KEYS = ["servicestage:accessKey", "servicestage:secretKey"]


@pytest.fixture(scope="session")
def real_host(served_emulator) -> Iterator[ProviderHost]:
    with ProviderHost() as running:
        running.configure(served_emulator.stack_config(), secret_keys=SECRET_KEYS)
        yield running


@pytest.fixture
def host(request, live) -> ProviderHost | ProviderInProcess:
    if live.clock is None:
        real: ProviderHost = request.getfixturevalue("real_host")
        return real
    in_process = ProviderInProcess()
    in_process.configure(live.stack_config(), secret_keys=SECRET_KEYS)
    return in_process


@pytest.fixture
def place(live):
    """An emptied emulator with a container environment and an application: their ids."""
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    application = live.backend.create_application(name="shop", creator="tests")
    return environment.id, application.id


ENGINE_PASSWORD = "Root-p4ss!word"


@pytest.fixture
def engine(host):
    """A created exclusive engine with security authentication: its id (the password of its
    `root` account is ENGINE_PASSWORD)."""
    from pulumi_servicestage.microservice_engine import MicroserviceEngineProvider

    provider = MicroserviceEngineProvider()
    inputs = {
        "name": "cse-shop",
        "flavor": "cse.s1.small2",
        "az_list": ["cn-north-4a"],
        "auth_type": "RBAC",
        "auth_cred": {"pwd": ENGINE_PASSWORD},
        "vpc": "vpc-shop",
        "vpc_id": "vpc-1",
        "network_id": "subnet-1",
        "subnet_cidr": "192.168.0.0/24",
    }
    return host.create(provider, host.check(provider, None, inputs).inputs).id
