"""What an engine's own APIs need to know of the engine: the one link between `engines` and
`servicecomb`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

#: The account an engine with security authentication (RBAC) creates for its administrator; its
#: password is the engine's ``auth_cred.pwd`` (§6.3.3).
ADMIN_USER = "root"


@dataclass(frozen=True)
class EngineAccess:
    """One engine, as its registry and configuration center see it."""

    engine_id: str
    #: Whether the engine can answer: it exists and has finished being created (not deleting).
    serving: bool
    #: Whether requests need a token of §7.2.1 (``auth_type`` RBAC); otherwise none is checked.
    rbac_enabled: bool
    #: The administrator's password when `rbac_enabled`.
    admin_password: str | None


class EngineDirectory(Protocol):
    def engine_access(self, engine_id: str) -> EngineAccess | None:
        """The engine of this project with that id, or None when there is none."""
