"""What the engines of one project serve: each engine's registry and configuration center, the
tokens engines issue, and whether an engine answers at all."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ...servicestage.backend import ServiceStageBackend
from ..access import ADMIN_USER, EngineAccess, EngineDirectory
from .config_center import ConfigCenter
from .errors import (
    CONFIG_CENTER_AUTH,
    DYNAMIC_CONFIG_INVALID,
    ENGINE_NODES_ABNORMAL,
    ENGINE_NOT_FOUND,
    ENGINE_NOT_SERVING,
    ENGINE_UNREACHABLE,
    RECORD_NOT_FOUND,
    REGISTRY_AUTH,
    WRONG_PASSWORD,
    AuthErrors,
)
from .registry import Registry
from .state import EngineToken

#: How long a token of §7.2.1 is valid: "有效期为12小时" (表7-2).
TOKEN_LIFETIME_SECONDS = 12 * 3600
#: The project of an engine's own paths that the CSE endpoint's import and export work on: the
#: fixed value the configuration center's paths take (表7-158).
ENGINE_PROJECT = "default"


@dataclass
class _EngineState:
    """One engine's registry and configuration center for each project of its paths."""

    registries: dict[str, Registry] = field(default_factory=dict)
    config_centers: dict[str, ConfigCenter] = field(default_factory=dict)


class ServiceCombBackend:
    """What the engines of one project serve, on the project's lock and clock.

    Each engine keeps its own state, created when first used and forgotten once the engine is
    gone. The operations themselves are `Registry`'s and `ConfigCenter`'s: `registry` and
    `config_center` hand one out after checking that the engine answers and, when it has
    security authentication, the caller's token.
    """

    def __init__(self, core: ServiceStageBackend, *, engines: EngineDirectory):
        self._core = core
        self._engines = engines
        self._states: dict[str, _EngineState] = {}
        self._tokens: dict[str, EngineToken] = {}

    def reset(self) -> None:
        """Forget every engine's microservices, configuration items and tokens."""
        with self._core.current_state():
            self._states.clear()
            self._tokens.clear()

    # On the engine's own address (§7)

    @contextmanager
    def engine(self, engine_id: str) -> Iterator[EngineAccess]:
        """The engine, while the state lock is held, when one answers at its address."""
        with self._core.current_state():
            yield self._reach(engine_id)

    def issue_token(self, engine: EngineAccess, *, name: str, password: str) -> str:
        """§7.2.1: a token for the engine's administrator, valid `TOKEN_LIFETIME_SECONDS`."""
        with self._core.current_state():
            if not engine.rbac_enabled:
                raise RECORD_NOT_FOUND.error(
                    f"engine {engine.engine_id} has no security authentication, so no tokens"
                )
            if name != ADMIN_USER or password != engine.admin_password:
                raise WRONG_PASSWORD.error()
            now = self._core.now()
            self._tokens = {
                value: token for value, token in self._tokens.items() if token.expires_at > now
            }
            value = secrets.token_urlsafe(48)
            self._tokens[value] = EngineToken(engine.engine_id, now + TOKEN_LIFETIME_SECONDS)
            return value

    @contextmanager
    def registry(
        self, engine_id: str, project: str, *, authorization: str | None
    ) -> Iterator[Registry]:
        """The engine's registry under the project of its paths, its instances expired up to
        now, while the state lock is held."""
        with self._core.current_state():
            engine = self._reach(engine_id)
            self._check_token(engine, authorization, REGISTRY_AUTH)
            registries = self._state(engine_id).registries
            if project not in registries:
                registries[project] = Registry(self._core.now)
            registry = registries[project]
            registry.expire_instances()
            yield registry

    @contextmanager
    def config_center(
        self, engine_id: str, project: str, *, authorization: str | None
    ) -> Iterator[ConfigCenter]:
        """The engine's configuration center under the project of its paths, while the state
        lock is held."""
        with self._core.current_state():
            engine = self._reach(engine_id)
            self._check_token(engine, authorization, CONFIG_CENTER_AUTH)
            yield self._config_center(engine_id, project)

    # Through the CSE endpoint (§6.2)

    @contextmanager
    def engine_configuration(self, engine_id: str | None) -> Iterator[ConfigCenter]:
        """The configuration center of the engine an ``x-engine-id`` header names (表6-3),
        which the CSE endpoint reaches without the engine's token."""
        with self._core.current_state():
            if not engine_id:
                raise DYNAMIC_CONFIG_INVALID.error("the x-engine-id header is required")
            engine = self._engines.engine_access(engine_id)
            if engine is None:
                self._states.pop(engine_id, None)
                raise ENGINE_NOT_FOUND.error(f"no engine {engine_id} in this project")
            if not engine.serving:
                raise ENGINE_NODES_ABNORMAL.error(f"engine {engine_id} is not available")
            yield self._config_center(engine_id, ENGINE_PROJECT)

    # Controls for tests

    def expire_tokens(self) -> None:
        """Make every token the project's engines issued expire now."""
        with self._core.current_state():
            self._tokens.clear()

    # Helpers

    def _reach(self, engine_id: str) -> EngineAccess:
        """The engine, when one answers at its address."""
        engine = self._engines.engine_access(engine_id)
        if engine is None:
            self._states.pop(engine_id, None)
            raise ENGINE_UNREACHABLE.error(f"no engine {engine_id}")
        if not engine.serving:
            raise ENGINE_NOT_SERVING.error(f"engine {engine_id} is being created or deleted")
        return engine

    def _check_token(
        self, engine: EngineAccess, authorization: str | None, errors: AuthErrors
    ) -> None:
        """With security authentication, the request must carry ``Authorization: Bearer
        {token}`` with a token of this engine, unexpired (§7.2.1, 表7-6)."""
        if not engine.rbac_enabled:
            return
        if not authorization:
            raise errors.no_authorization.error(
                "this engine has security authentication: send Authorization: Bearer {token}"
            )
        scheme, _, value = authorization.strip().partition(" ")
        token = self._tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if (
            token is None
            or token.engine_id != engine.engine_id
            or self._core.now() >= token.expires_at
        ):
            raise errors.unauthorized.error("the token is not one of this engine's, or expired")

    def _state(self, engine_id: str) -> _EngineState:
        if engine_id not in self._states:
            self._states[engine_id] = _EngineState()
        return self._states[engine_id]

    def _config_center(self, engine_id: str, project: str) -> ConfigCenter:
        centers = self._state(engine_id).config_centers
        if project not in centers:
            centers[project] = ConfigCenter(self._core.now)
        return centers[project]
