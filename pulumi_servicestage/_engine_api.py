"""What the resources an exclusive microservice engine keeps itself have in common (PDF 004
chapter 7: its service registry and its configuration center).

Their arguments name the engine (`engine_id`) and, for an engine with security authentication,
the password of its `root` account (`engine_password`, secret; the service never shows it).
The provider finds the engine's address in its detail (CSE, §6.3.4) and calls the engine there
(`_runtime.engine_client`): with the engine's token (§7.2.1), cached until near its expiry,
over TLS verified against `servicestage:engineCaBundle` when that is set. The id of such an
object starts with its engine's id, so that a refresh or a delete knows where to ask; the
password comes from the resource's inputs (`RestProvider.call_inputs`), never from the id.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote

from pydantic import Field

from . import _runtime
from ._common import ResourceId
from ._lifecycle import ObjectRef, ResourceArgs, RestProvider
from .client.errors import ServiceStageError
from .client.http import ApiClient

#: The project of every path on an exclusive engine's own address (表7-26: an exclusive engine
#: takes the fixed value "default").
ENGINE_PROJECT = "default"
#: The fields that say which engine to call and how; never part of a request body.
ENGINE_FIELDS = frozenset({"engine_id", "engine_password"})


class EngineObjectArgs(ResourceArgs):
    """The arguments every object kept by an engine takes besides its own.

    Source: PDF 004 §7.1 (calling an engine's APIs) and §7.2.1, 表7-1 (its token).
    """

    engine_id: ResourceId
    """Package option, not an API field: the exclusive engine that keeps the object (a
    `MicroserviceEngine`'s `engine_id`); its address comes from the engine's detail (§6.3.4).
    Changing it replaces the object."""
    engine_password: str | None = Field(default=None, min_length=1)
    """Package option, not an API field: the password of the engine's `root` account, for an
    engine with security authentication (`auth_type` RBAC), from which the provider obtains the
    engine's token (§7.2.1, valid 12 hours, renewed before it runs out). Secret; leave it out
    for an engine without authentication."""


EngineArgsT = TypeVar("EngineArgsT", bound=EngineObjectArgs)


class EngineObjectProvider(RestProvider[EngineArgsT]):
    """A provider of objects kept on an engine's own address; see the module docstring."""

    #: The engine component that serves the objects: its service registry (`serviceCenter`) or
    #: its configuration center (`kie`), as the engine's detail names them (表6-53).
    engine_component: ClassVar[str] = "serviceCenter"
    secret_fields = ("engine_password",)
    secret_paths = ("engine_password",)
    write_only = frozenset({"engine_password"})

    def client(self) -> ApiClient:
        inputs = self.call_inputs()
        engine_id = str(inputs["engine_id"])
        clients = _runtime.clients()
        # An import or a `get` has no arguments: the stack's `enginePasswords` stand in.
        password = inputs.get("engine_password") or dict(clients.settings.engine_passwords).get(
            engine_id
        )
        return engine_api(
            engine_id,
            self.engine_component,
            password=str(password) if password else None,
            clients=clients,
        )

    def request_body(self, args: EngineArgsT, *, exclude: Iterable[str]) -> dict[str, Any]:
        return super().request_body(args, exclude={*exclude, *ENGINE_FIELDS})

    def collection(self, args: EngineArgsT) -> str:
        parts = {name: quote(str(getattr(args, name)), safe="") for name in self.path_fields()}
        return self.collection_path.format(project_id=ENGINE_PROJECT, **parts)

    def collection_of(self, ref: ObjectRef) -> str:
        return self.collection_path.format(project_id=ENGINE_PROJECT, **ref.quoted())


def engine_api(
    engine_id: str, component: str, *, password: str | None, clients: _runtime.Clients
) -> ApiClient:
    """The client of one of an engine's components (`serviceCenter` or `kie`)."""
    address = engine_address(engine_id, component, clients)
    return _runtime.engine_client(address, password=password, settings=clients.settings)


_addresses: dict[tuple[str, str, str], str] = {}
_addresses_lock = threading.Lock()


def engine_address(engine_id: str, component: str, clients: _runtime.Clients) -> str:
    """The in-VPC address of one of an engine's components, from its detail (§6.3.4); kept once
    known, as an engine keeps its address for life."""
    key = (clients.settings.cse_endpoint, engine_id, component)
    with _addresses_lock:
        known = _addresses.get(key)
    if known:
        return known
    path = f"/v2/{clients.settings.project_id}/enginemgr/engines/{engine_id}"
    detail = clients.cse.get(path) or {}
    address = component_address(detail, component)
    if not address:
        raise ServiceStageError(
            f"microservice engine {engine_id} shows no {component} address (status "
            f"{detail.get('status')!r}); wait until it is Available"
        )
    with _addresses_lock:
        _addresses[key] = address
    return address


def component_address(detail: Mapping[str, Any], component: str) -> str | None:
    """The in-VPC main address of one of an engine's components in its detail (表6-52 to
    表6-54). 表6-46 spells the field externalEntryPoint and 表6-54 masterEndpoint; the examples
    and the official SDK spell them externalEntrypoint and masterEntrypoint."""
    entry = detail.get("externalEntrypoint") or detail.get("externalEntryPoint")
    endpoints = entry.get("serviceEndpoint") if isinstance(entry, dict) else None
    found = endpoints.get(component) if isinstance(endpoints, dict) else None
    if not isinstance(found, dict):
        return None
    address = found.get("masterEntrypoint") or found.get("masterEndpoint")
    return str(address) if address else None
