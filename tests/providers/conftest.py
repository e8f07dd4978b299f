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
