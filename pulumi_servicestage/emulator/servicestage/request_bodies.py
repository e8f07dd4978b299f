"""Reading JSON request bodies into models, with the service's own error for a bad one."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import ErrorCode
from ..server import ApiCall, describe_validation_error

_Body = TypeVar("_Body", bound=BaseModel)


class RequestBody(BaseModel):
    """A request body: types are checked strictly, unknown fields are ignored as services do."""

    model_config = ConfigDict(strict=True, extra="ignore")


def parse_body(model: type[_Body], call: ApiCall, *, invalid: ErrorCode) -> _Body:
    """The request's body as `model`; a missing or malformed one is answered with `invalid`."""
    if not call.body.strip():
        raise invalid.error("request body is required")
    try:
        return model.model_validate_json(call.body)
    except ValidationError as error:
        raise invalid.error(describe_validation_error(error)) from None
