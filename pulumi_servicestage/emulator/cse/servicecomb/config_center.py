"""An engine's configuration center (§7.7): key-values with labels, each change counted in a
revision; and the import and export of its items through the CSE endpoint (§6.2). Methods are
named after the API operations."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ...errors import ErrorCode
from .errors import (
    DYNAMIC_CONFIG_EXISTS,
    DYNAMIC_CONFIG_INVALID,
    KV_EXISTS,
    KV_NOT_FOUND,
    KV_NOT_STRING,
    KV_TOO_LONG,
)
from .schemas import MAX_VALUE_LENGTH, VALUE_TYPES, ImportItem, Override, is_kv_key
from .state import ImportFailure, KeyValue

#: The status of an item created without one: servicecomb-kie's (the documents give none).
DEFAULT_STATUS = "disabled"
#: The value type of an item created without one (the first of 表7-160's types).
DEFAULT_VALUE_TYPE = "text"


@dataclass
class ImportResult:
    """What an import did (表6-5): the items it wrote, and those it did not, with why."""

    success: list[KeyValue]
    failure: list[ImportFailure]

    def to_dict(self) -> dict[str, Any]:
        return {
            "success": [item.to_dict() for item in self.success],
            "failure": [failure.to_dict() for failure in self.failure],
        }


class ConfigCenter:
    """The configuration items of one engine (under one project of its paths).

    `revision` counts every change; each item records the revision that created it and the one
    that last changed it, and a list answers 304 to a client that holds the current revision.
    """

    def __init__(self, clock: Callable[[], float]):
        self._clock = clock
        self._items: dict[str, KeyValue] = {}
        self.revision = 0

    # Configuration items (§7.7)

    def create_kv(
        self,
        key: str,
        *,
        value: str | None,
        labels: dict[str, str] | None,
        status: str | None,
        value_type: str | None,
    ) -> KeyValue:
        """Create an item; an item with the same key and labels is a conflict (409)."""
        labels = labels or {}
        if self._same(key, labels) is not None:
            raise KV_EXISTS.error(f"an item with key {key} and labels {labels} exists")
        return self._add(key, value or "", labels, status, value_type)

    def modify_kv(self, kv_id: str, *, value: str, status: str | None) -> KeyValue:
        item = self.show_kv(kv_id)
        self._change(item, value=value, status=status, value_type=None)
        return item

    def show_kv(self, kv_id: str) -> KeyValue:
        item = self._items.get(kv_id)
        if item is None:
            raise KV_NOT_FOUND.error(f"no configuration item {kv_id}")
        return item

    def list_kvs(self, *, labels: dict[str, str], exact: bool) -> list[KeyValue]:
        """The items with `labels` among theirs, or with exactly `labels` when `exact`."""
        return [item for item in self._items.values() if _labelled(item, labels, exact)]

    def delete_kv(self, kv_id: str) -> None:
        self.show_kv(kv_id)
        self._remove([kv_id])

    def delete_kvs(self, kv_ids: Iterable[str]) -> None:
        """Delete the items among `kv_ids`; when none is an item, 404."""
        known = [kv_id for kv_id in dict.fromkeys(kv_ids) if kv_id in self._items]
        if not known:
            raise KV_NOT_FOUND.error("none of the ids names a configuration item")
        self._remove(known)

    # Import and export (§6.2)

    def import_kvs(
        self, items: list[ImportItem | ImportFailure], *, override: Override
    ) -> ImportResult:
        """Write the items of an import file in order. An item with the key and labels of one
        stored (or imported earlier from the same file) is a duplicate: ``force`` overwrites the
        stored item's value (and status and value type when the file gives them), ``skip``
        leaves it, ``abort`` leaves it and stops: that item and every later one fail."""
        result = ImportResult(success=[], failure=[])
        for index, item in enumerate(items):
            if isinstance(item, ImportFailure):
                result.failure.append(item)
                continue
            duplicate = self._same(item.key, item.labels)
            if duplicate is None:
                result.success.append(
                    self._add(item.key, item.value, item.labels, item.status, item.value_type)
                )
            elif override == "force":
                self._change(
                    duplicate, value=item.value, status=item.status, value_type=item.value_type
                )
                result.success.append(duplicate)
            elif override == "skip":
                result.failure.append(
                    _failed(item, DYNAMIC_CONFIG_EXISTS, "skipped: the item exists")
                )
            else:
                result.failure.append(
                    _failed(item, DYNAMIC_CONFIG_EXISTS, "the import stopped at this duplicate")
                )
                result.failure.extend(
                    _failed(later, DYNAMIC_CONFIG_EXISTS, "not imported: the import stopped")
                    for later in items[index + 1 :]
                )
                break
        return result

    def export_kvs(
        self, kv_ids: list[str], *, labels: dict[str, str], exact: bool
    ) -> list[KeyValue]:
        """The items `kv_ids` names (every item when it is empty) that match `labels`; ids of no
        item are left out."""
        wanted = set(kv_ids)
        return [
            item
            for item in self._items.values()
            if (not wanted or item.id in wanted) and _labelled(item, labels, exact)
        ]

    # Helpers

    def _same(self, key: str, labels: dict[str, str]) -> KeyValue | None:
        return next(
            (item for item in self._items.values() if (item.key, item.labels) == (key, labels)),
            None,
        )

    def _add(
        self,
        key: str,
        value: str,
        labels: dict[str, str],
        status: str | None,
        value_type: str | None,
    ) -> KeyValue:
        self.revision += 1
        now = int(self._clock())
        item = KeyValue(
            id=str(uuid.uuid4()),
            key=key,
            value=value,
            value_type=value_type or DEFAULT_VALUE_TYPE,
            status=status or DEFAULT_STATUS,
            labels=dict(labels),
            create_time=now,
            update_time=now,
            create_revision=self.revision,
            update_revision=self.revision,
        )
        self._items[item.id] = item
        return item

    def _change(
        self, item: KeyValue, *, value: str, status: str | None, value_type: str | None
    ) -> None:
        self.revision += 1
        item.value = value
        item.status = status or item.status
        item.value_type = value_type or item.value_type
        item.update_time = int(self._clock())
        item.update_revision = self.revision

    def _remove(self, kv_ids: list[str]) -> None:
        self.revision += 1
        for kv_id in kv_ids:
            del self._items[kv_id]


def read_import_item(raw: Any, *, label: dict[str, str] | None) -> ImportItem | ImportFailure:
    """One entry of an import file's ``data``, or why it cannot be imported (表11-3). `label`,
    the query's, replaces the entry's labels (表6-2)."""
    if not isinstance(raw, dict):
        return ImportFailure("", {}, DYNAMIC_CONFIG_INVALID, "an item is not an object")
    key, value, raw_labels = raw.get("key"), raw.get("value"), raw.get("labels")
    if label is not None:
        labels = label
    elif isinstance(raw_labels, dict):
        labels = {str(name): str(text) for name, text in raw_labels.items()}
    else:
        labels = {}
    shown_key = key if isinstance(key, str) else ""

    def failed(code: ErrorCode, detail: str) -> ImportFailure:
        return ImportFailure(shown_key, labels, code, detail)

    if not isinstance(key, str) or not key or not isinstance(value, str) or not value:
        return failed(KV_NOT_STRING, "key and value must be non-empty strings")
    if not is_kv_key(key) or len(value) > MAX_VALUE_LENGTH:
        return failed(
            KV_TOO_LONG,
            "the key takes 1 to 2048 digits, letters, -, _, ., :, [ or ]; the value at most "
            f"{MAX_VALUE_LENGTH} characters",
        )
    if label is None and not (
        raw_labels is None
        or (isinstance(raw_labels, dict) and all(isinstance(t, str) for t in raw_labels.values()))
    ):
        return failed(DYNAMIC_CONFIG_INVALID, "labels must map strings to strings")
    status, value_type = raw.get("status"), raw.get("value_type")
    if status is not None and not isinstance(status, str):
        return failed(DYNAMIC_CONFIG_INVALID, "status must be a string")
    if value_type is not None and value_type not in VALUE_TYPES:
        return failed(DYNAMIC_CONFIG_INVALID, f"value_type must be one of {', '.join(VALUE_TYPES)}")
    return ImportItem(key=key, value=value, labels=labels, status=status, value_type=value_type)


def _failed(item: ImportItem | ImportFailure, code: ErrorCode, detail: str) -> ImportFailure:
    return ImportFailure(item.key, item.labels, code, detail)


def _labelled(item: KeyValue, labels: dict[str, str], exact: bool) -> bool:
    if exact:
        return item.labels == labels
    return all(item.labels.get(name) == text for name, text in labels.items())
