"""Providers driven through the real dynamic provider host, as the engine drives them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_servicestage.testing import ProviderHost


@pytest.fixture(scope="session")
def host(served_emulator) -> Iterator[ProviderHost]:
    with ProviderHost() as running:
        running.configure(
            served_emulator.stack_config(),
            secret_keys=["servicestage:accessKey", "servicestage:secretKey"],
        )
        yield running


@pytest.fixture
def place(live):
    """An emptied emulator with a container environment and an application: their ids."""
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc-1", deploy_mode="container", creator="tests"
    )
    application = live.backend.create_application(name="shop", creator="tests")
    return environment.id, application.id
