"""Argument types shared by several ServiceStage resources."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError


def matching(pattern: str, rule: str) -> AfterValidator:
    """A string check whose failure states the rule in words, not the regular expression."""
    regex = re.compile(pattern)

    def check(value: str) -> str:
        if not regex.fullmatch(value):
            raise PydanticCustomError("pattern_rule", rule)
        return value

    return AfterValidator(check)


# The rule of environment, application and component names (PDF 004 §4.1.1, §4.2.1, §4.3.1).
Name = Annotated[
    str,
    matching(
        r"[A-Za-z][A-Za-z0-9_-]{0,62}[A-Za-z0-9]",
        "name must be 2 to 64 letters, digits, hyphens (-) or underscores (_), "
        "starting with a letter and ending with a letter or digit",
    ),
]
Description = Annotated[str, Field(max_length=128)]

# Ids of ServiceStage, VPC, CCE, CSE and ASM objects are UUIDs or short tokens of letters, digits
# and hyphens; they travel as path segments and query values, so a character that would change
# the request ('/', '?', '#', '%', '..', whitespace, control characters) is refused at preview.
ResourceId = Annotated[
    str,
    matching(
        r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}",
        "must be an id: 1 to 128 letters, digits, hyphens (-), underscores (_) or dots (.), "
        "starting with a letter or digit",
    ),
]


#: The label key of the ownership marker (`_lifecycle`): users' labels may not use it.
OWNER_LABEL = "pulumi-owner"


def not_the_owner_label(key: str) -> str:
    if key == OWNER_LABEL:
        raise PydanticCustomError(
            "reserved_label",
            f"label key {OWNER_LABEL} is reserved for the ownership marker pulumi-servicestage "
            "adds itself",
        )
    return key


def is_id_segment(value: object) -> bool:
    """Whether `value` can stand as one segment of a request path without changing the path:
    letters, digits, '-', '_' and '.', but not '.' or '..' alone (what every id the services
    hand out is made of)."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= 255
        and value not in (".", "..")
        and all(char.isascii() and (char.isalnum() or char in "-_.") for char in value)
    )


class Label(BaseModel):
    """A tag on an environment or application (PDF 004 tables 4-4 and 4-82).

    Source: PDF 004 §4.1.1, 表4-4 (environment labels); §4.2.1, 表4-82 (application labels).
    """

    model_config = ConfigDict(extra="forbid")

    key: Annotated[
        str,
        matching(
            r"[0-9A-Za-z_\-\u4e00-\u9fa5]{1,36}",
            "label key must be 1 to 36 letters, digits, underscores, hyphens or Chinese characters",
        ),
        AfterValidator(not_the_owner_label),
    ]
    """Tag key, which identifies the resource: with many resources of one type, tags classify
    them by dimensions such as purpose, owner or environment. 1 to 36 characters: digits,
    letters, underscores (_), hyphens (-) or Chinese characters. `pulumi-owner` is reserved for
    the ownership marker this package adds itself."""
    value: Annotated[
        str,
        matching(
            r"[0-9A-Za-z_.\-\u4e00-\u9fa5]{2,43}",
            "label value must be 2 to 43 letters, digits, underscores, dots, hyphens or Chinese "
            "characters",
        ),
    ]
    """Tag value: 2 to 43 characters: digits, letters, underscores (_), dots (.), hyphens (-)
    or Chinese characters."""


MAX_LABELS = 20  # tables 4-4 and 4-82


def _room_for_the_marker(labels: list[Label]) -> list[Label]:
    if len(labels) >= MAX_LABELS:
        raise PydanticCustomError(
            "too_many_labels",
            f"labels may hold at most {MAX_LABELS - 1} entries: the service allows "
            f"{MAX_LABELS}, and the ownership marker ({OWNER_LABEL}) takes one",
        )
    return labels


Labels = Annotated[list[Label], AfterValidator(_room_for_the_marker)]


def raise_broken_rules(model: BaseModel, broken: Iterable[tuple[str, str]]) -> None:
    """Report cross-field rules, given as (field, reason) pairs, each under its own field.

    Called from a model validator, so that a check failure names the field to fix rather than
    the whole object.
    """
    errors = [
        InitErrorDetails(
            type=PydanticCustomError("field_rule", reason),
            loc=(field,),
            input=getattr(model, field),
        )
        for field, reason in broken
    ]
    if errors:
        raise ValidationError.from_exception_data(type(model).__name__, errors)
