"""Configuration items of an engine's configuration center (`/v1/default/kie/kv`, PDF 004 §7.7).

An item is one key, under labels (the application, environment or microservice it is for), with
a value its microservices read at run time. Only the value and the status can be modified
(§7.7.2); a new key, labels or value type replace the item. Its value is secret when the
resource says so (`secret`) or when its key names a credential (`password`, `token`, ...).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import pulumi
from pydantic import Field

from ._engine_api import ENGINE_PROJECT, EngineObjectArgs, EngineObjectProvider, engine_api
from ._lifecycle import LOCAL_FIELDS, Created, ObjectRef, RestResource
from ._lookup import LookupResult, output_of, program_clients
from ._resource_types import ConfigItemTyping

# Keys whose values are credentials whatever the resource says: words that name one, standing
# alone or at a boundary of the key (`db.password`, `API_TOKEN`, `privateKey`).
CREDENTIAL_KEY = re.compile(
    r"(^|[^a-z])(password|passwd|pwd|secret|token|credentials?|private[-_.]?key|access[-_.]?key"
    r"|api[-_.]?key|secret[-_.]?key)($|[^a-z])",
    re.IGNORECASE,
)
# 表11-3, SVCSTG.00400649: keys of digits, letters and -_.:[] up to 2048 (the row counts six
# characters and prints five; the dot is taken, as the emulator does).
CONFIG_KEY_PATTERN = r"^[a-zA-Z0-9_.:\[\]-]{1,2048}$"
# Arguments that steer the provider and are not part of the item.
_PACKAGE_FIELDS = frozenset({"secret"})


class ConfigItemArgs(EngineObjectArgs):
    """The arguments of a configuration item.

    Source: PDF 004 §7.7.1, 表7-160 (create request body); §7.7.2, 表7-167 (modify body).
    """

    key: str = Field(pattern=CONFIG_KEY_PATTERN)
    """The item's key: 1 to 2,048 letters, digits, `-`, `_`, `.`, `:`, `[` or `]` (表11-3,
    SVCSTG.00400649). Changing it replaces the item."""
    value: str | None = Field(default=None, max_length=131072)
    """The item's value, at most 131,072 characters (表11-3), read by the microservices its
    labels select. Secret when `secret` is true or the key names a credential."""
    labels: dict[str, str] | None = None
    """The item's labels, e.g. `{"app": "shop", "environment": "production", "service":
    "orders"}`: a key is unique under its labels. Changing them replaces the item."""
    status: str | None = "enabled"
    """The item's status: `enabled` (served to microservices; the default here) or `disabled`.
    The documents name no values; these are the configuration center's."""
    value_type: Literal["text", "yaml", "json", "properties", "ini", "xml"] | None = None
    """How the value is written: text, yaml, json, properties, ini or xml. Changing it replaces
    the item (the modify body has no such field)."""
    secret: bool = False
    """Package option, not an API field: keep the value secret in the state and the outputs.
    A value whose key names a credential (password, token, secret, access key, ...) is secret
    anyway."""


class ConfigItemProvider(EngineObjectProvider[ConfigItemArgs]):
    args_model = ConfigItemArgs
    noun = "configuration item"
    engine_component = "kie"
    collection_path = "/v1/{project_id}/kie/kv"
    id_fields = ("engine_id", "kv_id")
    list_key = "data"
    natural_key = ("key",)
    replace_on = frozenset({"engine_id", "key", "labels", "value_type"})
    # `secret` is this package's: the service never shows it, so refresh keeps it.
    write_only = EngineObjectProvider.write_only | _PACKAGE_FIELDS
    computed = ("create_time", "update_time")

    def secret_fields_for(self, values: Mapping[str, Any]) -> tuple[str, ...]:
        key = values.get("key")
        # A key not yet known (another resource's output) may name a credential.
        hidden = (
            values.get("secret") is True
            or not isinstance(key, str)
            or bool(CREDENTIAL_KEY.search(key))
        )
        return (*self.secret_fields, "value") if hidden else self.secret_fields

    def request_body(self, args: ConfigItemArgs, *, exclude: Any) -> dict[str, Any]:
        return super().request_body(args, exclude={*exclude, *_PACKAGE_FIELDS})

    def update_body(self, args: ConfigItemArgs) -> dict[str, Any]:
        # 表7-167: a modify takes the value and the status only.
        body = self.request_body(args, exclude=LOCAL_FIELDS)
        return {"value": body.get("value", ""), **({"status": args.status} if args.status else {})}

    def send_create(self, args: ConfigItemArgs) -> Created:
        answer = _item(self.client().post(self.collection(args), self.create_body(args)))
        if not answer.get("id"):
            return super().send_create(args)  # its error names what the answer lacked
        return Created(self.ref_for_new(args, str(answer["id"])))

    def read_object(self, ref: ObjectRef) -> dict[str, Any]:
        return _item(super().read_object(ref))

    def matches_natural_key(self, listed: Mapping[str, Any], args: ConfigItemArgs) -> bool:
        return listed.get("key") == args.key and (listed.get("labels") or {}) == (args.labels or {})


def _item(answer: Any) -> dict[str, Any]:
    """An item from an answer: 表7-161 wraps it in `kie`; the examples answer it flat."""
    if not isinstance(answer, dict):
        return {}
    wrapped = answer.get("kie")
    return dict(wrapped) if isinstance(wrapped, dict) else answer


class ConfigItem(ConfigItemTyping, RestResource, module="servicestage", name="ConfigItem"):
    """A configuration item of an exclusive engine's configuration center: one key, under
    labels, with the value its microservices read.

    Its id is ``<engine_id>/<kv_id>``. The value and status are modified in place; a new key,
    labels or value type replace the item. The value is secret when ``secret`` is true or the
    key names a credential.
    """

    provider_class: ClassVar[Any] = ConfigItemProvider

    kv_id: pulumi.Output[str]
    """The item's ID the configuration center assigned (表7-162 `id`)."""
    create_time: pulumi.Output[int | None]
    """When the item was created (表7-162), in seconds since the epoch in the example."""
    update_time: pulumi.Output[int | None]
    """When the item was last modified (表7-162), in seconds since the epoch in the example."""


class ConfigItemInfo(LookupResult):
    id: str
    key: str
    value: str | None = None
    labels: dict[str, str] | None = None
    status: str | None = None
    value_type: str | None = None


def get_config_items(
    *,
    engine_id: str,
    engine_password: str | None = None,
    label: str | None = None,
    match: str | None = None,
) -> list[ConfigItemInfo]:
    """The configuration items of an engine (§7.7.4), optionally those with `label`
    (`key:value`), matched exactly when `match` is `exact`, otherwise by containment."""
    client = engine_api(engine_id, "kie", password=engine_password, clients=program_clients())
    answer = (
        client.get(f"/v1/{ENGINE_PROJECT}/kie/kv", params={"label": label, "match": match}) or {}
    )
    return [ConfigItemInfo.from_api(item) for item in answer.get("data") or []]


def get_config_items_output(
    *,
    engine_id: pulumi.Input[str],
    engine_password: pulumi.Input[str] | None = None,
    label: pulumi.Input[str] | None = None,
    match: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[ConfigItemInfo]]:
    """`get_config_items`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(
        get_config_items,
        engine_id=engine_id,
        engine_password=engine_password,
        label=label,
        match=match,
    )
