"""The HTTP client shared by every service: auth, retries, error mapping and pages."""

from .auth import IamPasswordAuth, TokenAuth
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    NotFoundError,
    ServiceStageError,
)
from .http import ApiClient, RetryPolicy
from .signing import AkSkAuth

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AkSkAuth",
    "ApiClient",
    "ConfigurationError",
    "IamPasswordAuth",
    "NotFoundError",
    "RetryPolicy",
    "ServiceStageError",
    "TokenAuth",
]
