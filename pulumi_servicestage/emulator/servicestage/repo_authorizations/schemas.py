"""The request bodies of the repository authorization operations and of the Git-account control,
with their rules."""

from __future__ import annotations

import base64
import binascii

from pydantic import Field, model_validator

from ..schemas import RequestBody

# The reference gives no rule; this is the one Huawei's Terraform provider enforces.
NAME_PATTERN = r"^[A-Za-z0-9_.-]{4,63}$"


class _AuthorizationBody(RequestBody):
    name: str = Field(pattern=NAME_PATTERN)


class OAuthCreate(_AuthorizationBody):
    code: str = Field(min_length=1)
    state: str = Field(min_length=1)


class PersonalAuthCreate(_AuthorizationBody):
    token: str = Field(min_length=1)
    host: str | None = None


class PasswordAuthCreate(_AuthorizationBody):
    """The reference and the SDK send {name, user, password}; Huawei's Terraform provider sends
    {name, token} with the token base64("user:password"). Both are in use, so both are taken."""

    user: str | None = Field(None, min_length=1)
    password: str | None = Field(None, min_length=1)
    token: str | None = None

    @model_validator(mode="after")
    def _credentials_given(self) -> PasswordAuthCreate:
        if self.token is not None and self.user is None and self.password is None:
            try:
                user, separator, password = (
                    base64.b64decode(self.token, validate=True).decode("utf-8").partition(":")
                )
            except (binascii.Error, UnicodeDecodeError):
                user, separator, password = "", "", ""
            if not (user and separator and password):
                raise ValueError("token must be base64 of 'user:password'")
            self.user, self.password = user, password
        if not (self.user and self.password):
            raise ValueError("user and password are required")
        return self


class GitAccountCreate(RequestBody):
    repo_type: str
    user: str
    token: str | None = None
    password: str | None = None
