"""Per-process state of the provider host: the stack config and the API clients built from it.

Providers are pickled into the stack state, so they hold nothing; this module is where the live
objects are, created lazily on first use in the process that really talks to the APIs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from . import _host
from .client.auth import EngineTokenAuth, IamPasswordAuth, TokenAuth
from .client.budget import ApiBudgets, budgets_for
from .client.errors import ConfigurationError
from .client.http import ApiClient, RetryPolicy
from .client.signing import AkSkAuth
from .client.trust import trusting
from .config import ALL_SETTINGS, Credentials, Settings

# API Gateway scopes a request whose path has no project (ASM's `/v2/meshes/...`) by this header;
# huaweicloudsdkcore sends it on every request signed with a project's credentials.
PROJECT_HEADER = "X-Project-Id"
# The account of an engine with security authentication whose password the engine's create sets
# (PDF 004 §6.3.3, 表6-40: "root 账号密码").
ENGINE_ADMIN = "root"
# What to do when an engine refuses a request: its credentials are the resource's, not the stack's.
ENGINE_HINTS = {
    401: "; the engine wants its token: give the resource the password of the engine's root "
    "account as `engine_password` (an engine with auth_type RBAC)",
    403: "; the engine's root account lacks the permission for this operation",
}


@dataclass(frozen=True)
class Clients:
    settings: Settings
    servicestage: ApiClient
    #: Application Service Mesh; its paths carry no project, so requests name it in a header.
    asm: ApiClient
    #: CSE engine management and dynamic configuration (PDF 004 chapter 6).
    cse: ApiClient


_lock = threading.Lock()
_stack_config: dict[str, Any] = {}
# Counts the stack configs `configure` was sent: settings resolved from an earlier one are not
# used once another has come.
_stack_config_generation = 0
_clients_by_settings: dict[Settings, Clients] = {}
# Every environment variable a setting may be read from.
_SETTING_VARIABLES = tuple(name for setting in ALL_SETTINGS for name in setting.env_vars)
# The settings last resolved, and what they were resolved from (the stack config's generation and
# the variables' values): every request asks for its clients, and resolving the settings again
# each time cost a tenth of a millisecond, a tenth of what the request itself costs.
_resolved: tuple[tuple[object, ...], Settings] | None = None


def configure(stack_config: Mapping[str, Any]) -> None:
    """Remember the stack config the engine sent; called from every provider's `configure()`.

    Also lets the provider host, when this process is one, run more calls at once, stop every
    wait when it is interrupted, and show this package's errors as their messages (`_host`).
    """
    global _stack_config, _stack_config_generation
    with _lock:
        _stack_config = dict(stack_config)
        _stack_config_generation += 1
    # Build the clients meanwhile, before the engine's first writes come in at once and would
    # all wait for the one that builds them; settings that are wrong are reported by the calls.
    threading.Thread(target=_build_clients_early, name="servicestage-clients", daemon=True).start()
    _host.enlarge_as_configured(stack_config, os.environ)
    _host.stop_waits_with_host()
    _host.readable_errors_in_host()


def _build_clients_early() -> None:
    with contextlib.suppress(ConfigurationError):
        clients()


def validate_settings() -> None:
    """Raise ConfigurationError, naming the key and variable, if a setting is missing or wrong."""
    Settings.resolve(_stack_config, os.environ)


def clients() -> Clients:
    """The clients for the configured stack's settings, built once per distinct settings."""
    return clients_for(_settings())


def _settings() -> Settings:
    """The settings from the stack config and the environment as they are now; resolved again
    only when either has changed since the last call."""
    global _resolved
    variables = {name: os.environ.get(name) for name in _SETTING_VARIABLES}
    with _lock:
        sources = (_stack_config_generation, *variables.values())
        last = _resolved
        config = _stack_config
    if last is not None and last[0] == sources:
        return last[1]
    settings = Settings.resolve(
        config, {name: value for name, value in variables.items() if value is not None}
    )
    with _lock:
        _resolved = (sources, settings)
    return settings


def clients_for(settings: Settings) -> Clients:
    with _lock:
        existing = _clients_by_settings.get(settings)
        if existing is None:
            existing = _clients_by_settings[settings] = _build(settings)
        return existing


def _build(settings: Settings) -> Clients:
    auth = _auth(settings)
    retry = RetryPolicy(max_retries=settings.max_retries)
    credential = _credential_id(settings.credentials)

    def budgets(endpoint: str) -> ApiBudgets:
        return budgets_for(endpoint, credential, settings.max_requests_per_second)

    return Clients(
        settings=settings,
        servicestage=ApiClient(
            settings.servicestage_endpoint,
            auth=auth,
            retry=retry,
            budgets=budgets(settings.servicestage_endpoint),
        ),
        asm=ApiClient(
            settings.asm_endpoint,
            auth=auth,
            retry=retry,
            headers={PROJECT_HEADER: settings.project_id},
            budgets=budgets(settings.asm_endpoint),
        ),
        cse=ApiClient(
            settings.cse_endpoint, auth=auth, retry=retry, budgets=budgets(settings.cse_endpoint)
        ),
    )


def _credential_id(credentials: Credentials) -> str:
    """What tells credentials apart for the request budgets, without being a secret."""
    if credentials.access_key:
        return f"ak:{credentials.access_key}"
    if credentials.user_name:
        return f"user:{credentials.domain_name}/{credentials.user_name}"
    token = (credentials.auth_token or "").encode()
    return f"token:{hashlib.sha256(token).hexdigest()[:16]}"


_engine_clients: dict[tuple[str, str | None, str | bool, int], ApiClient] = {}


def engine_client(address: str, *, password: str | None, settings: Settings) -> ApiClient:
    """The client of an engine's own address (its service registry or configuration center,
    PDF 004 chapter 7): with the administrator's token when the engine checks one (`password`
    given), its certificate verified by the CA bundle of `settings`. One per address and
    credentials, so a token is fetched once and reused until it is about to expire."""
    key = (address, password, settings.engine_verify, settings.max_retries)
    with _lock:
        existing = _engine_clients.get(key)
        if existing is None:
            verify = trusting(settings.engine_verify)
            auth = None
            if password is not None:
                auth = EngineTokenAuth(
                    address=address,
                    user_name=ENGINE_ADMIN,
                    password=password,
                    verify=verify,
                )
            existing = _engine_clients[key] = ApiClient(
                address,
                auth=auth,
                retry=RetryPolicy(max_retries=settings.max_retries),
                verify=verify,
                hints=ENGINE_HINTS,
                budgets=budgets_for(
                    address, f"engine:{ENGINE_ADMIN}", settings.max_requests_per_second
                ),
            )
        return existing


def _auth(settings: Settings) -> httpx.Auth:
    credentials: Credentials = settings.credentials
    if credentials.access_key and credentials.secret_key:
        return AkSkAuth(credentials.access_key, credentials.secret_key, credentials.security_token)
    if credentials.auth_token:
        return TokenAuth(credentials.auth_token)
    assert credentials.user_name and credentials.password and credentials.domain_name
    return IamPasswordAuth(
        iam_endpoint=settings.iam_endpoint,
        user_name=credentials.user_name,
        password=credentials.password,
        domain_name=credentials.domain_name,
        project_id=settings.project_id,
    )
