"""The request bodies of the plugin operations."""

from __future__ import annotations

from pydantic import Field

from ..schemas import RequestBody


class PluginCreate(RequestBody):
    name: str = Field(min_length=1)
    cce_id: str = Field(min_length=1)
    cse_id: str | None = None


class PluginAction(RequestBody):
    action: str
