"""Pulumi resources for Huawei Cloud ServiceStage, as Python dynamic providers.

Settings come from the stack configuration (``servicestage:*``) or the environment; see
`pulumi_servicestage.config`. The local emulator of the APIs is `pulumi_servicestage.emulator`.
"""

from ._lifecycle import Timeouts
from .application import Application, ApplicationArgs
from .client.errors import APIStatusError, ConfigurationError, NotFoundError, ServiceStageError
from .component import Component, ComponentArgs
from .environment import Environment, EnvironmentArgs
from .jobs import JobFailedError, JobTimeoutError

__all__ = [
    "APIStatusError",
    "Application",
    "ApplicationArgs",
    "Component",
    "ComponentArgs",
    "ConfigurationError",
    "Environment",
    "EnvironmentArgs",
    "JobFailedError",
    "JobTimeoutError",
    "NotFoundError",
    "ServiceStageError",
    "Timeouts",
]
