"""Argument types shared by several ServiceStage resources."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Environment, application and component names: 2-64 letters, digits, `-` or `_`, starting with a
# letter and ending with a letter or digit.
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,62}[A-Za-z0-9]$"

Name = Annotated[
    str,
    Field(
        pattern=NAME_PATTERN,
        description="2-64 letters, digits, '-' or '_', starting with a letter and ending with a "
        "letter or digit",
    ),
]
Description = Annotated[str, Field(max_length=128)]


class Label(BaseModel):
    """A tag on an environment or application (PDF 004 tables 4-4 and 4-82)."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[0-9A-Za-z_\-\u4e00-\u9fa5]{1,36}$")
    value: str = Field(pattern=r"^[0-9A-Za-z_.\-\u4e00-\u9fa5]{2,43}$")


Labels = Annotated[list[Label], Field(max_length=20)]
