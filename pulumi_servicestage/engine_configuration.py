"""Dynamic configuration imported into an engine (`/v1/{project_id}/kie/file`, PDF 004 §6.2).

A package of configuration items, imported through the CSE endpoint (§6.2.1, the engine named by
the ``x-engine-id`` header) and read back by exporting the items it imported (§6.2.2), so that a
value changed behind Pulumi's back shows on refresh. An update imports the package again and
deletes the items it no longer holds; a delete deletes the items the package imported. Those
deletes are calls to the engine's own configuration center (§7.7.5), hence `engine_password`
for an engine with security authentication.

The import itself answers per item (表6-5): an item that fails fails the resource, naming its
key, labels and the service's code, after the items that import created are deleted again
(items it overwrote stay). With `override` `skip`, an item that already exists is left as it is
and not managed (nor deleted) by the resource; with `force` (the default here) the package's
values win, and such an item is managed by the resource from then on.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from contextlib import suppress
from typing import Any, ClassVar, Literal
from urllib.parse import quote

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, UpdateResult
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from . import _runtime
from ._engine_api import ENGINE_PROJECT, EngineObjectArgs, engine_api
from ._lifecycle import (
    PROVIDER_KEY,
    RestResource,
    ServiceStageProvider,
    comparable,
    parse_arguments,
    strip_secrets,
)
from ._resource_types import EngineConfigurationTyping
from .client.errors import NotFoundError, ServiceStageError
from .client.http import Multipart
from .config_item import CONFIG_KEY_PATTERN

ENGINE_HEADER = "x-engine-id"
# 表11-3: the item exists already (what `skip` answers for the items it leaves alone).
ALREADY_EXISTS = "SVCSTG.00400107"
_ENTRY_FIELDS = ("key", "value", "labels", "status", "value_type")


class ConfigurationEntry(BaseModel):
    """One configuration item of the package, as the import file writes it.

    Source: PDF 004 §6.2.1, 表6-4 (upload_file format); §6.2.2, 表6-15 (KVCreateBody).
    """

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=CONFIG_KEY_PATTERN)
    """The item's key: 1 to 2,048 letters, digits, `-`, `_`, `.`, `:`, `[` or `]` (表11-3,
    SVCSTG.00400649)."""
    value: str = Field(min_length=1, max_length=131072)
    """The item's value, at most 131,072 characters (表11-3). Secret in the state."""
    labels: dict[str, str] | None = None
    """The item's labels; a key is unique under its labels."""
    status: str | None = "enabled"
    """`enabled` (served to microservices; the default here) or `disabled`."""
    value_type: Literal["text", "yaml", "json", "properties", "ini", "xml"] | None = None
    """How the value is written: text, yaml, json, properties, ini or xml."""


class EngineConfigurationArgs(EngineObjectArgs):
    """The arguments of a configuration package imported into an engine.

    Source: PDF 004 §6.2.1, 表6-2 (query) and 表6-4 (body).
    """

    items: list[ConfigurationEntry] = Field(min_length=1)
    """The configuration items of the package (表6-4 `data`). Their values are secret in the
    state. Changing them imports the package again; items left out are deleted."""
    override: Literal["force", "skip", "abort"] = "force"
    """What the import does with an item that exists already (表6-2): `force` overwrites it
    (the default here, so that the package's values hold), `skip` leaves it and does not manage
    it, `abort` stops the import there (the resource then fails)."""

    @field_validator("adopt_id")
    @classmethod
    def _nothing_to_adopt(cls, adopt_id: str | None) -> str | None:
        if adopt_id is not None:
            raise ValueError(
                "an import is not an object the service keeps, so there is nothing to adopt; "
                "manage existing items with ConfigItem(adopt_id=...) instead"
            )
        return adopt_id

    @model_validator(mode="after")
    def _one_item_per_key_and_labels(self) -> EngineConfigurationArgs:
        seen = set()
        for item in self.items:
            identity = _identity(item.model_dump())
            if identity in seen:
                raise ValueError(f"items: key {item.key!r} appears twice with the same labels")
            seen.add(identity)
        return self


def _entry(item: Mapping[str, Any], known: Mapping[str, Any]) -> dict[str, Any]:
    """An exported item, with the fields the package gives it (the service fills in others)."""
    return {name: item.get(name) for name in _ENTRY_FIELDS if name in known}


def _identity(item: Mapping[str, Any]) -> tuple[str, str]:
    return str(item.get("key")), json.dumps(item.get("labels") or {}, sort_keys=True)


class EngineConfigurationProvider(ServiceStageProvider):
    args_model = EngineConfigurationArgs
    secret_fields = ("items", "engine_password")
    secret_paths = ("items.*.value", "engine_password")

    @classmethod
    def output_only_fields(cls) -> tuple[str, ...]:
        return ("item_ids",)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [
            name
            for name in ("engine_id", "items", "override")
            if isinstance(news.get(name), pulumi.output.Unknown)
            or comparable(olds.get(name)) != comparable(news.get(name))
        ]
        replaces = [name for name in changed if name == "engine_id"]
        return DiffResult(changes=bool(changed), replaces=replaces)

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = self._parse(props)
        with self.secrets_kept_out_of_errors(props):
            item_ids = self._import(args)
        outs = {**_inputs(props), "item_ids": item_ids}
        return CreateResult(f"{args.engine_id}/{uuid.uuid4().hex}", self.sealed(outs))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args = self._parse(news)
        with self.secrets_kept_out_of_errors(olds, news):
            item_ids = self._import(args)
            kept = set(item_ids)
            gone = [item_id for item_id in _ids(olds) if item_id not in kept]
            self._delete_items(args.engine_id, args.engine_password, gone)
        return UpdateResult(self.sealed({**_inputs(news), "item_ids": item_ids}))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        args = self._parse(props)
        item_ids = _ids(props)
        with self.secrets_kept_out_of_errors(props):
            exported = self._export(args.engine_id, item_ids)
        by_id = {str(item.get("id")): item for item in exported}
        remaining = [item_id for item_id in item_ids if item_id in by_id]
        if not remaining:
            return ReadResult(None, {})
        known = {_identity(item): item for item in props.get("items") or []}
        items = [
            _entry(by_id[item_id], known.get(_identity(by_id[item_id]), by_id[item_id]))
            for item_id in remaining
        ]
        inputs = {**_inputs(props), "items": items}
        return ReadResult(id_, self.sealed({**inputs, "item_ids": remaining}), self.sealed(inputs))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        args = self._parse(props)
        with self.secrets_kept_out_of_errors(props):
            self._delete_items(args.engine_id, args.engine_password, _ids(props))

    # -- the service ---------------------------------------------------------------------------

    def _parse(self, props: Mapping[str, Any]) -> EngineConfigurationArgs:
        return parse_arguments(
            EngineConfigurationArgs, strip_secrets(props), "engine configuration"
        )

    def _import(self, args: EngineConfigurationArgs) -> list[str]:
        """Import the package; the ids of the items it now manages, in its order."""
        clients = _runtime.clients()
        # What exists already is not this import's to delete if the import fails: with
        # `force`, an item it overwrote stays (with the package's value).
        existing = {str(item.get("id")) for item in self._export(args.engine_id, None)}
        data = {"data": [item.model_dump(exclude_none=True) for item in args.items]}
        upload = ("configuration.json", json.dumps(data).encode(), "application/json")
        answer = (
            clients.cse.request(
                "POST",
                f"/v1/{clients.settings.project_id}/kie/file",
                params={"override": args.override},
                multipart=Multipart({}, {"upload_file": upload}),
                headers={ENGINE_HEADER: args.engine_id},
                # A forced import of the same package again changes nothing it has not changed.
                repeatable=args.override == "force",
            )
            or {}
        )
        imported = {_identity(item): str(item.get("id")) for item in answer.get("success") or []}
        failures = [
            failure
            for failure in answer.get("failure") or []
            if not (args.override == "skip" and failure.get("error_code") == ALREADY_EXISTS)
        ]
        if failures:
            created = [item_id for item_id in imported.values() if item_id not in existing]
            self._delete_items(args.engine_id, args.engine_password, created)
            reasons = "; ".join(
                f"{failure.get('key')!r} {failure.get('labels') or {}}: "
                f"{failure.get('error_code')} {failure.get('error_message') or ''}".strip()
                for failure in failures
            )
            raise ServiceStageError(
                f"engine {args.engine_id} refused {len(failures)} configuration item(s) "
                f"({reasons}); the items the import created with them were deleted again"
            )
        entries = [item.model_dump() for item in args.items]
        return [imported[key] for key in map(_identity, entries) if key in imported]

    def _export(self, engine_id: str, item_ids: list[str] | None) -> list[dict[str, Any]]:
        """The engine's items with `item_ids` (§6.2.2); None: every item."""
        if item_ids == []:
            return []
        clients = _runtime.clients()
        try:
            answer = clients.cse.post(
                f"/v1/{clients.settings.project_id}/kie/download",
                {"ids": item_ids or []},
                headers={ENGINE_HEADER: engine_id},
            )
        except NotFoundError:  # the engine is gone, and its configuration with it
            return []
        return list((answer or {}).get("data") or [])

    def _delete_items(self, engine_id: str, password: str | None, item_ids: list[str]) -> None:
        if not item_ids:
            return
        client = engine_api(engine_id, "kie", password=password, clients=_runtime.clients())
        for item_id in item_ids:
            with suppress(NotFoundError):
                client.delete(f"/v1/{ENGINE_PROJECT}/kie/kv/{quote(item_id, safe='')}")


def _inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: value
        for key, value in props.items()
        if key in EngineConfigurationArgs.model_fields and key != PROVIDER_KEY
    }


def _ids(props: Mapping[str, Any]) -> list[str]:
    return [str(item) for item in props.get("item_ids") or [] if item]


class EngineConfiguration(
    EngineConfigurationTyping, RestResource, module="servicestage", name="EngineConfiguration"
):
    """A package of configuration items imported into an exclusive engine (§6.2.1) and read
    back by export (§6.2.2), so that drift shows on refresh.

    Its id is ``<engine_id>/<a random suffix>`` (an import is not an object of the service).
    A new engine replaces it; new items are imported again, items left out deleted. The items'
    values are secret.
    """

    provider_class: ClassVar[Any] = EngineConfigurationProvider

    item_ids: pulumi.Output[list[str]]
    """The ids of the configuration items the package imported and manages (表6-6 `id`), in
    the package's order."""
