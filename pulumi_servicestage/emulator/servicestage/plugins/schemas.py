"""The request bodies of the plugin operations, and the documented rules the emulator enforces
on them (`RULES`)."""

from __future__ import annotations

from ...rules import Rule
from ..schemas import RequestBody

RULES: tuple[Rule, ...] = (
    Rule("name, cce_id", "required; name a plugin of the catalogue", "004 表4-372"),
    Rule("cse_id", "required when name is sermantInjector", "004 表4-372"),
    Rule("action", "restart or redeploy", "004 表4-388"),
)


class PluginCreate(RequestBody):
    name: str
    cce_id: str
    cse_id: str | None = None


class PluginAction(RequestBody):
    action: str
