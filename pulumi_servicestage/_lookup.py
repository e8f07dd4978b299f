"""What the lookup functions (`get_environments()`, `get_runtime_stacks()`, ...) share.

Lookups run in the user's program, not in the provider host, so their settings come from the
program's own view of the stack config (`pulumi.Config("servicestage")`) and the environment.
They answer plain, typed values at once, during preview as well as update, and take plain
arguments. Each has a `..._output` variant (`output_of`) that takes other resources' outputs and
answers an `Output`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar
from urllib.parse import quote

import pulumi
from pydantic import BaseModel, ConfigDict

from . import _runtime
from .client.errors import ServiceStageError
from .config import Settings, stack_config_from

_Found = TypeVar("_Found", bound="LookupResult")
_Answer = TypeVar("_Answer")


class LookupResult(BaseModel):
    """A typed answer of a lookup; fields the service adds beyond the model are kept."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    @classmethod
    def from_api(cls: type[_Found], data: Mapping[str, Any]) -> _Found:
        return cls.model_validate(dict(data))


# Set while the provider plugin answers an `Invoke`: the lookup then takes the provider's
# settings, as no program's config is at hand.
_ANSWERING_INVOKE: ContextVar[bool] = ContextVar("servicestage_answering_invoke", default=False)


@contextmanager
def answering_invoke() -> Iterator[None]:
    """Make the lookups called in the block take the provider's settings (`_runtime`)."""
    token = _ANSWERING_INVOKE.set(True)
    try:
        yield
    finally:
        _ANSWERING_INVOKE.reset(token)


def program_clients() -> _runtime.Clients:
    """The API clients for the running program's stack config and environment (while the
    provider plugin answers an `Invoke`, the provider's; see `answering_invoke`)."""
    if _ANSWERING_INVOKE.get():
        return _runtime.clients()

    def config_get(key: str) -> str | None:
        namespace, _, name = key.partition(":")
        return pulumi.Config(namespace).get(name)

    stack_config = stack_config_from(config_get)
    return _runtime.clients_for(Settings.resolve(stack_config, os.environ))


def project_path(template: str, **params: str) -> str:
    """`template` with `{project_id}` from the settings and the other parameters filled in,
    each escaped as a path segment so that no value can change the path."""
    if not all(isinstance(value, str) for value in params.values()):
        wrong = ", ".join(name for name, value in params.items() if not isinstance(value, str))
        raise ServiceStageError(
            f"{wrong}: lookups take plain strings; for a resource's output, call the "
            "lookup's _output variant (get_components_output, ...)"
        )
    quoted = {name: quote(value, safe="") for name, value in params.items()}
    return template.format(project_id=program_clients().settings.project_id, **quoted)


def get_all(path: str, items_key: str, **query: Any) -> Iterator[dict[str, Any]]:
    """Every item of a paginated list operation."""
    params = {key: value for key, value in query.items() if value is not None}
    yield from program_clients().servicestage.paginate(path, items_key, params=params)


def get_one(path: str, **query: Any) -> dict[str, Any]:
    params = {key: value for key, value in query.items() if value is not None}
    answer = program_clients().servicestage.get(path, params=params)
    return answer if isinstance(answer, dict) else {}


def output_of(
    lookup: Callable[..., _Answer], *args: pulumi.Input[Any], **kwargs: pulumi.Input[Any]
) -> pulumi.Output[_Answer]:
    """`lookup(*args, **kwargs)`, run once every argument is known: what each lookup's
    `..._output` variant answers. While an argument is unknown (a preview before the resource
    it comes from exists), so is the answer."""
    known: pulumi.Output[dict[str, Any]] = pulumi.Output.from_input(
        {"args": list(args), "kwargs": kwargs}
    )
    return known.apply(lambda values: lookup(*values["args"], **values["kwargs"]))


def the_one(found: Sequence[_Found], what: str) -> _Found:
    """The single object of `found`, or an error saying there is none, or more than one."""
    if len(found) == 1:
        return found[0]
    if not found:
        raise ServiceStageError(f"there is no {what}")
    ids = ", ".join(str(getattr(item, "id", "?")) for item in found)
    raise ServiceStageError(f"{len(found)} objects are {what}: {ids}; name one by its id")
