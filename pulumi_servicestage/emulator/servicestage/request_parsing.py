"""Reading requests: JSON bodies into models, and the paging and ordering of list operations,
with the service's own error for a bad one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import PARAMETER_INVALID, ErrorCode
from ..server import ApiCall, describe_validation_error

MAX_PAGE_SIZE = 100
# Query integers longer than this are refused before int() reads them (int() refuses numbers of
# more than 4300 digits with a ValueError, which would end in a 500).
_MAX_QUERY_DIGITS = 18

_Body = TypeVar("_Body", bound=BaseModel)


def parse_body(
    model: type[_Body],
    call: ApiCall,
    *,
    invalid: ErrorCode = PARAMETER_INVALID,
    context: Mapping[str, Any] | None = None,
) -> _Body:
    """The request's body as `model` (validated under `context`); a missing or malformed one is
    answered with `invalid`."""
    if not call.body.strip():
        raise invalid.error("request body is required")
    try:
        return model.model_validate_json(call.body, context=context)
    except ValidationError as error:
        raise invalid.error(describe_validation_error(error)) from None


def peek_body(model: type[_Body], call: ApiCall) -> _Body | None:
    """The request's body as `model` if it reads as one, else None (its own parsing reports
    what is wrong with it)."""
    try:
        return model.model_validate_json(call.body)
    except ValidationError:
        return None


class ListOptions(TypedDict):
    limit: int | None
    offset: int
    order_by: str
    order: str


def list_options(call: ApiCall) -> ListOptions:
    """Paging and ordering of a list operation; the backends apply the documented defaults to
    values outside the documented enums."""
    return {
        "limit": int_query(call, "limit", maximum=MAX_PAGE_SIZE),
        "offset": int_query(call, "offset") or 0,
        "order_by": call.query.get("order_by", "create_time"),
        "order": call.query.get("order", "desc"),
    }


def int_query(call: ApiCall, name: str, *, maximum: int | None = None) -> int | None:
    """A non-negative integer query parameter; None when absent or empty."""
    raw = call.query.get(name)
    if not raw:
        return None
    # str.isdigit alone admits digits int() cannot read ("²"), which would end in a 500.
    if (
        not (raw.isascii() and raw.isdigit())
        or len(raw) > _MAX_QUERY_DIGITS
        or (maximum is not None and int(raw) > maximum)
    ):
        bound = (
            f"from 0 to {maximum}"
            if maximum is not None
            else f"of 0 or more, at most {_MAX_QUERY_DIGITS} digits"
        )
        raise PARAMETER_INVALID.error(f"{name}: must be an integer {bound}")
    return int(raw)
