"""Settings of a deployment: where the APIs are and how to authenticate.

They are read at run time inside the provider host, from the stack configuration the engine sends
to `configure()` (keys in the ``servicestage:`` namespace) and, for anything not set there, from
environment variables. They are never stored on provider objects, so they never reach the pickled
provider in the stack state.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from .client.budget import DEFAULT_RATE
from .client.errors import ConfigurationError

NAMESPACE = "servicestage"
#: The namespace of the bridged Huawei Cloud provider, whose settings a stack may already have.
PEER_NAMESPACE = "huaweicloud"


@dataclass(frozen=True)
class Setting:
    """One configurable value: its stack config key, the bridged provider's names for it (read
    when ours is not set), and the environment variables behind them."""

    key: str
    env_vars: tuple[str, ...] = ()
    secret: bool = False
    #: Names under `PEER_NAMESPACE`: the Terraform provider's argument, as its Pulumi bridge
    #: documents it, and in the camelCase of Pulumi's other bridged providers.
    peer_names: tuple[str, ...] = ()

    @property
    def config_key(self) -> str:
        return f"{NAMESPACE}:{self.key}"

    @property
    def config_keys(self) -> tuple[str, ...]:
        """Every stack config key of the setting, in the order they are read."""
        return (self.config_key, *(f"{PEER_NAMESPACE}:{name}" for name in self.peer_names))

    def describe(self) -> str:
        sources = [f"stack config `{self.config_key}`"]
        sources += [f"`{key}`" for key in self.config_keys[1:]]
        sources += [f"`{name}`" for name in self.env_vars]
        return " or ".join(sources)


def _peer(snake_case: str) -> tuple[str, ...]:
    head, *rest = snake_case.split("_")
    camel_case = head + "".join(word.capitalize() for word in rest)
    return (snake_case,) if camel_case == snake_case else (snake_case, camel_case)


REGION = Setting("region", ("HW_REGION_NAME", "HUAWEICLOUD_SDK_REGION"), peer_names=_peer("region"))
PROJECT_ID = Setting("projectId", ("HW_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"))
ACCESS_KEY = Setting(
    "accessKey",
    ("HW_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"),
    secret=True,
    peer_names=_peer("access_key"),
)
SECRET_KEY = Setting(
    "secretKey",
    ("HW_SECRET_KEY", "HUAWEICLOUD_SDK_SK"),
    secret=True,
    peer_names=_peer("secret_key"),
)
SECURITY_TOKEN = Setting(
    "securityToken",
    ("HW_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN"),
    secret=True,
    peer_names=_peer("security_token"),
)
AUTH_TOKEN = Setting("authToken", ("HW_AUTH_TOKEN",), secret=True)
USER_NAME = Setting("userName", ("HW_USER_NAME",), peer_names=_peer("user_name"))
PASSWORD = Setting("password", ("HW_USER_PASSWORD",), secret=True, peer_names=_peer("password"))
DOMAIN_NAME = Setting("domainName", ("HW_DOMAIN_NAME",), peer_names=_peer("domain_name"))
ENDPOINT = Setting("endpoint", ("HW_SERVICESTAGE_ENDPOINT",))
IAM_ENDPOINT = Setting("iamEndpoint", ("HW_IAM_ENDPOINT",))
CSE_ENDPOINT = Setting("cseEndpoint", ("HW_CSE_ENDPOINT",))
ASM_ENDPOINT = Setting("asmEndpoint", ("HW_ASM_ENDPOINT",))
# The CA bundle (PEM file) that signed the certificates of the engines' own addresses (their
# service registry and configuration center), when it is not a public CA.
ENGINE_CA_BUNDLE = Setting("engineCaBundle", ("HW_CSE_ENGINE_CA_BUNDLE",))
# The root passwords of engines with security authentication, as a JSON object of engine id to
# password: what lets `pulumi import` (and a `get`) read an object such an engine keeps, when no
# resource argument gives `engine_password`.
ENGINE_PASSWORDS = Setting("enginePasswords", ("HW_CSE_ENGINE_PASSWORDS",), secret=True)
MAX_RETRIES = Setting("maxRetries", ("HW_MAX_RETRIES",), peer_names=_peer("max_retries"))
# Requests per second to one API (method and path template) of an endpoint with one credential,
# shared by all calls of a provider process (`client.budget`).
MAX_REQUESTS_PER_SECOND = Setting("maxRequestsPerSecond", ("HW_MAX_REQUESTS_PER_SECOND",))
# How many provider calls the Python provider host may run at once (see `_host`); 0 leaves it at
# its own four.
HOST_WORKERS = Setting("hostWorkers", ("PULUMI_SERVICESTAGE_HOST_WORKERS",))

# Huawei Cloud region names: lower-case words and a number joined by hyphens (cn-north-4,
# ap-southeast-1, eu-west-101, la-south-2).
_REGION_FORM = re.compile(r"[a-z]{2,}(-[a-z0-9]+)+")
# Project ids are the 32 hexadecimal characters IAM assigns.
_PROJECT_ID_FORM = re.compile(r"[0-9a-fA-F]{32}")
MAX_RETRIES_LIMIT = 20
MAX_RATE = 10000.0

ALL_SETTINGS = (
    REGION, PROJECT_ID, ACCESS_KEY, SECRET_KEY, SECURITY_TOKEN, AUTH_TOKEN, USER_NAME, PASSWORD,
    DOMAIN_NAME, ENDPOINT, IAM_ENDPOINT, CSE_ENDPOINT, ASM_ENDPOINT, ENGINE_CA_BUNDLE,
    ENGINE_PASSWORDS, MAX_RETRIES, MAX_REQUESTS_PER_SECOND, HOST_WORKERS,
)  # fmt: skip


@dataclass(frozen=True)
class Credentials:
    """How requests are authenticated; exactly one of the three forms is filled in."""

    access_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    security_token: str | None = field(default=None, repr=False)
    auth_token: str | None = field(default=None, repr=False)
    user_name: str | None = None
    password: str | None = field(default=None, repr=False)
    domain_name: str | None = None

    @property
    def kind(self) -> str:
        if self.access_key:
            return "aksk"
        if self.auth_token:
            return "token"
        return "password"


@dataclass(frozen=True)
class Settings:
    region: str
    project_id: str
    credentials: Credentials
    servicestage_endpoint: str
    iam_endpoint: str
    cse_endpoint: str
    asm_endpoint: str
    max_retries: int = 5
    #: The request budget of each API, endpoint and credential (`client.budget`).
    max_requests_per_second: float = DEFAULT_RATE
    #: How engine addresses are verified: True (public CAs) or the path of a CA bundle.
    engine_verify: str | bool = True
    #: (engine id, root password) of engines whose objects resources may read without giving
    #: their `engine_password`.
    engine_passwords: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    @classmethod
    def resolve(cls, stack_config: Mapping[str, Any], environ: Mapping[str, str]) -> Settings:
        """Build settings from stack config first, then the environment.

        Raises ConfigurationError naming the config key and variables to set.
        """
        lookup = _Lookup(stack_config, environ)
        region = lookup.required(REGION)
        if not _REGION_FORM.fullmatch(region):
            raise ConfigurationError(
                f"{REGION.describe()} must be a region name such as cn-north-4, got {region!r}"
            )
        project_id = lookup.required(PROJECT_ID)
        if not _PROJECT_ID_FORM.fullmatch(project_id):
            raise ConfigurationError(
                f"{PROJECT_ID.describe()} must be the 32 hexadecimal characters of a project id "
                "(IAM console, My Credentials, Projects), got one of "
                f"{len(project_id)} characters"
            )
        endpoint = _url(lookup, ENDPOINT)

        def service_url(setting: Setting, service: str) -> str:
            # One `endpoint` serves every service: that is how the local emulator is addressed.
            return (
                _url(lookup, setting) or endpoint or f"https://{service}.{region}.myhuaweicloud.com"
            )

        return cls(
            region=region,
            project_id=project_id,
            credentials=_credentials(lookup),
            servicestage_endpoint=endpoint or service_url(ENDPOINT, "servicestage"),
            iam_endpoint=service_url(IAM_ENDPOINT, "iam"),
            cse_endpoint=service_url(CSE_ENDPOINT, "cse"),
            asm_endpoint=service_url(ASM_ENDPOINT, "asm"),
            max_retries=lookup.whole_number(MAX_RETRIES, default=5, maximum=MAX_RETRIES_LIMIT),
            engine_verify=_ca_bundle(lookup, ENGINE_CA_BUNDLE),
            engine_passwords=_engine_passwords(lookup, ENGINE_PASSWORDS),
            max_requests_per_second=_rate(lookup, MAX_REQUESTS_PER_SECOND),
        )


def _rate(lookup: _Lookup, setting: Setting) -> float:
    text = lookup.optional(setting)
    if text is None:
        return DEFAULT_RATE
    try:
        rate = float(text)
    except ValueError:
        rate = 0.0
    if not 0.1 <= rate <= MAX_RATE:
        raise ConfigurationError(
            f"{setting.describe()} must be a number of requests per second from 0.1 to "
            f"{MAX_RATE:g}, got {text!r}"
        )
    return rate


def _engine_passwords(lookup: _Lookup, setting: Setting) -> tuple[tuple[str, str], ...]:
    """The setting as (engine id, password) pairs; it is a JSON object of strings."""
    text = lookup.optional(setting)
    if text is None:
        return ()
    try:
        given = json.loads(text)
    except ValueError:
        given = None
    if not isinstance(given, dict) or not all(
        isinstance(key, str) and isinstance(value, str) and value for key, value in given.items()
    ):
        # The value is secret: the message does not quote it.
        raise ConfigurationError(
            f"{setting.describe()} must be a JSON object of engine id to root password, e.g. "
            '{"<engine id>": "<password>"}'
        )
    return tuple(sorted(given.items()))


def _ca_bundle(lookup: _Lookup, setting: Setting) -> str | bool:
    """The path of a readable CA bundle, or True (the system's CAs) when unset."""
    path = lookup.optional(setting)
    if path is None:
        return True
    try:
        with open(path, encoding="ascii") as bundle:
            readable = "-----BEGIN CERTIFICATE-----" in bundle.read()
    except (OSError, UnicodeDecodeError):
        readable = False
    if not readable:
        raise ConfigurationError(
            f"{setting.describe()} must be the path of a PEM file of CA certificates, got {path!r}"
        )
    return path


def _url(lookup: _Lookup, setting: Setting) -> str | None:
    """The setting's value if it is an http(s) URL with a host; None when unset."""
    text = lookup.optional(setting)
    if text is None:
        return None
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, ValueError):
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"{setting.describe()} must be an http:// or https:// URL with a host, got {text!r}"
        )
    return text


def _credentials(lookup: _Lookup) -> Credentials:
    access_key, secret_key = lookup.optional(ACCESS_KEY), lookup.optional(SECRET_KEY)
    if access_key or secret_key:
        if not (access_key and secret_key):
            missing = SECRET_KEY if access_key else ACCESS_KEY
            raise ConfigurationError(
                f"AK/SK authentication needs both keys: set {missing.describe()}"
            )
        return Credentials(
            access_key=access_key,
            secret_key=secret_key,
            security_token=lookup.optional(SECURITY_TOKEN),
        )
    auth_token = lookup.optional(AUTH_TOKEN)
    if auth_token:
        return Credentials(auth_token=auth_token)
    user_name = lookup.optional(USER_NAME)
    if user_name:
        return Credentials(
            user_name=user_name,
            password=lookup.required(PASSWORD),
            domain_name=lookup.required(DOMAIN_NAME),
        )
    raise ConfigurationError(
        "no credentials: set an access key pair "
        f"({ACCESS_KEY.describe()}, and {SECRET_KEY.describe()}), "
        f"or a token ({AUTH_TOKEN.describe()}), "
        f"or an IAM user ({USER_NAME.describe()}, with password and domain name)"
    )


class _Lookup:
    def __init__(self, stack_config: Mapping[str, Any], environ: Mapping[str, str]) -> None:
        self._stack_config = stack_config
        self._environ = environ

    def optional(self, setting: Setting) -> str | None:
        for key in setting.config_keys:
            value = self._stack_config.get(key)
            if value not in (None, ""):
                return str(value)
        for name in setting.env_vars:
            if self._environ.get(name):
                return self._environ[name]
        return None

    def whole_number(
        self, setting: Setting, *, default: int, maximum: int, zero_means: str | None = None
    ) -> int:
        """The setting as a whole number from 0 to `maximum`; `zero_means` explains 0."""
        text = self.optional(setting)
        if text is None:
            return default
        try:
            number = float(text)
        except ValueError:
            number = -1.0
        if not number.is_integer() or not 0 <= number <= maximum:
            zero = f" ({zero_means})" if zero_means else ""
            raise ConfigurationError(
                f"{setting.describe()} must be a whole number from 0{zero} to {maximum}, "
                f"got {text!r}"
            )
        return int(number)

    def required(self, setting: Setting) -> str:
        value = self.optional(setting)
        if value is None:
            raise ConfigurationError(f"missing setting: set {setting.describe()}")
        return value


def stack_config_from(config_get: Callable[[str], Any]) -> dict[str, Any]:
    """Collect our keys, and the bridged provider's we read, from a `pulumi.dynamic.Config`-like
    getter (full keys, ``namespace:name``) into a plain dict."""
    return {
        key: value
        for setting in ALL_SETTINGS
        for key in setting.config_keys
        if (value := config_get(key)) is not None
    }
