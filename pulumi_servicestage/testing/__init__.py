"""Test kit for dynamic providers: drive them the way the Pulumi engine does.

* `ProviderHost` runs the SDK's provider host (``python -m pulumi.dynamic``) in a subprocess
  and speaks its gRPC protocol, as the engine does for each step of a deployment.
* `ProviderInProcess` answers the same calls in the test's own process (the host's handling,
  without the process), on a `VirtualClock` where a test is about waits and schedules.
* `ProviderMocks` and `run_program` run a whole program in-process with
  ``pulumi.runtime.set_mocks``, serving dynamic resources with their real providers.
* `FaultProxy` sits in front of the emulator and answers a share of the requests with the
  faults of a flaky cloud (5xx, throttling, connections dropped before or after the service
  acted), so that programs and providers can be tested for convergence.
* `container_component` is a component specification the emulator deploys as it is.
"""

from .faults import FAULTS, FaultMix, FaultName, FaultProxy, ProxyEvent
from .host import (
    CheckOutcome,
    CreateOutcome,
    DiffChanges,
    DiffOutcome,
    HostStartError,
    ProviderCallError,
    ProviderHost,
    ReadOutcome,
    revealed,
    serialized_provider,
    strip_secrets,
)
from .in_process import ProviderInProcess, VirtualClock
from .mocks import (
    CheckFailedError,
    ProviderMocks,
    ProviderMocksError,
    RecordedResource,
    default_max_workers,
    run_program,
    widen_default_executor,
)
from .samples import DOCKER_STACK, container_component

__all__ = [
    "DOCKER_STACK",
    "FAULTS",
    "CheckFailedError",
    "CheckOutcome",
    "CreateOutcome",
    "DiffChanges",
    "DiffOutcome",
    "FaultMix",
    "FaultName",
    "FaultProxy",
    "HostStartError",
    "ProviderCallError",
    "ProviderHost",
    "ProviderInProcess",
    "ProviderMocks",
    "ProviderMocksError",
    "ProxyEvent",
    "ReadOutcome",
    "RecordedResource",
    "VirtualClock",
    "container_component",
    "default_max_workers",
    "revealed",
    "run_program",
    "serialized_provider",
    "strip_secrets",
    "widen_default_executor",
]
