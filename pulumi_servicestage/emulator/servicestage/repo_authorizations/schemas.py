"""The request bodies of the repository authorization operations and of the Git-account control,
with their rules."""

from __future__ import annotations

import base64
import binascii

from pydantic import model_validator

from ...rules import Rule
from ..schemas import RequestBody

RULES: tuple[Rule, ...] = (
    Rule(
        "repo_type (path)",
        "one its kind of authorization supports, in any case (the SDK's models list more than "
        "the reference)",
        "004 表5-9, 表5-15, 表5-20",
    ),
    Rule("oauth: name, code, state", "required", "004 表5-12"),
    Rule("personal: name, token", "required; host optional", "004 表5-17"),
    Rule(
        "password: name, user, password",
        "required (or, as Huawei's Terraform provider sends, name and token = base64 of "
        "user:password)",
        "004 表5-22",
    ),
)


class _AuthorizationBody(RequestBody):
    # The reference gives the name no rule (表5-12, 表5-17, 表5-22: 授权名称).
    name: str


class OAuthCreate(_AuthorizationBody):
    code: str
    state: str


class PersonalAuthCreate(_AuthorizationBody):
    token: str
    host: str | None = None


class PasswordAuthCreate(_AuthorizationBody):
    """The reference and the SDK send {name, user, password}; Huawei's Terraform provider sends
    {name, token} with the token base64("user:password"). Both are in use, so both are taken."""

    user: str | None = None
    password: str | None = None
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
