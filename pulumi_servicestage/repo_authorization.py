"""Authorizations that let ServiceStage read Git repositories (`/v1/{project_id}/git/auths`,
PDF 004 §5).

An authorization is known by its name and holds either a personal access token (§5.4) or a user
name and password (§5.5) for one Git host. The service has no operation to read one
authorization, so reads go through the list (§5.1); it never shows the credentials again, so
they stay in the state as they were given (secret) and refresh keeps them. There is no modify
operation either: every API argument forces a replacement, which deletes the old authorization
first because the new one usually has the same name.

OAuth authorizations (§5.2, §5.3) cannot be created here: the code the create call needs comes
from the Git host's consent page, which a person has to open in a browser, and its one-time
state cannot be reused when the resource is replaced. `get_repo_authorizations()` lists them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import quote, urlsplit

import pulumi
from pydantic import AfterValidator, AliasChoices, Field, model_validator
from pydantic_core import PydanticCustomError
from typing_extensions import Self

from ._common import matching, raise_broken_rules
from ._lifecycle import Created, ObjectRef, ResourceArgs, RestProvider, RestResource
from ._lookup import LookupResult, get_one, output_of, project_path
from ._resource_types import RepoAuthorizationTyping
from .client.errors import NotFoundError

RepoType = Literal["github", "gitlab", "gitee", "bitbucket", "devcloud"]

# Repository types per kind of credential, from the official SDK's models (the reference lists
# fewer: github and gitlab for tokens, bitbucket for passwords).
PERSONAL_REPO_TYPES = ("github", "gitlab", "gitee")
PASSWORD_REPO_TYPES = ("github", "bitbucket", "devcloud")

# The reference states no rule; this is the one Huawei's Terraform provider enforces.
AuthorizationName = Annotated[
    str,
    matching(
        r"[A-Za-z0-9_.-]{4,63}",
        "name must be 4 to 63 letters, digits, underscores (_), hyphens (-) or dots (.)",
    ),
]


def _http_url(host: str) -> str:
    """The repository's address (§5.4 table 5-17): an http(s) URL that parses, with a host.

    "http://[" (an unclosed IPv6 address) or a port past 65535 is no URL, and the service
    refuses it.
    """
    try:
        parts = urlsplit(host)
        hostname, _port = parts.hostname, parts.port  # `port` raises for a malformed one
    except ValueError:
        hostname = None
    if not re.fullmatch(r"https?://\S+", host) or not hostname:
        raise PydanticCustomError(
            "pattern_rule",
            "host must be an http:// or https:// URL with a host, without spaces",
        )
    return host


HostUrl = Annotated[str, AfterValidator(_http_url)]


class RepoAuthorizationArgs(ResourceArgs):
    """The arguments of a repository authorization.

    Source: PDF 004 §5.4, 表5-15 and 表5-17 (token); §5.5, 表5-20 and 表5-22 (password).
    """

    name: AuthorizationName
    """Authorization name. Mandatory; it identifies the authorization (its delete goes by
    name). The document states no rule; this package enforces Terraform's: 4 to 63 letters,
    digits, underscores (_), hyphens (-) or dots (.). Changing it replaces the authorization."""
    repo_type: RepoType
    """Repository type, a path parameter: the document allows `github` and `gitlab` for a
    token (表5-15) and `bitbucket` for a password (表5-20); following the official SDK, this
    package accepts `github`, `gitlab` or `gitee` with `token` and `github`, `bitbucket` or
    `devcloud` with `user` and `password`. Changing it replaces the authorization."""
    token: str | None = Field(default=None, min_length=1)
    """The repository token: a personal access token of the Git host (表5-17). Mandatory unless
    `user` and `password` are given, and not combined with them. Secret; the service never
    shows it again, so the state keeps it as given. Changing it replaces the authorization."""
    host: HostUrl | None = Field(default=None)
    """Repository address, optional and only with `token` (表5-17): an http:// or https:// URL,
    such as `https://github.com/tom-repo` in the document's example. The service answers it in
    its API form (`repo_host`), so the state keeps it as given. Changing it replaces the
    authorization."""
    user: str | None = Field(default=None, min_length=1)
    """Repository user name for a password authorization (表5-22); mandatory together with
    `password`, not with `token`. Changing it replaces the authorization."""
    password: str | None = Field(default=None, min_length=1)
    """Repository password (表5-22); mandatory together with `user`, not with `token`. Secret;
    the service never shows it again, so the state keeps it as given. Changing it replaces the
    authorization."""

    @property
    def token_type(self) -> str:
        """The kind of authorization, as the service's `token_type` names it."""
        return "personal" if self.token is not None else "password"

    @model_validator(mode="after")
    def _one_kind_of_credential(self) -> Self:
        raise_broken_rules(self, self._broken_rules())
        return self

    def _broken_rules(self) -> list[tuple[str, str]]:
        if self.token is not None:
            broken = [
                (
                    field,
                    f"{field} cannot be combined with token: give a token, or user and password",
                )
                for field in ("user", "password")
                if getattr(self, field) is not None
            ]
            supported = PERSONAL_REPO_TYPES
        elif self.user is None and self.password is None:
            return [("token", "token is required, unless user and password are given")]
        else:
            broken = [
                (field, f"{field} is required when {other} is set")
                for field, other in (("user", "password"), ("password", "user"))
                if getattr(self, field) is None
            ]
            if self.host is not None:
                broken.append(("host", "host can be set only with token"))
            supported = PASSWORD_REPO_TYPES
        if self.repo_type not in supported:
            credential = "a personal access token" if self.token else "a password"
            broken.append(
                (
                    "repo_type",
                    f"repo_type must be one of {', '.join(supported)} for {credential}",
                )
            )
        return broken


class RepoAuthorizationProvider(RestProvider[RepoAuthorizationArgs]):
    args_model = RepoAuthorizationArgs
    noun = "repository authorization"
    collection_path = "/v1/{project_id}/git/auths"
    id_fields = ("name",)
    list_key = "authorizations"
    replace_on = frozenset({"name", "repo_type", "token", "host", "user", "password"})
    computed = (
        "token_type",
        "repo_host",
        "repo_home",
        "repo_user",
        "avatar",
        "status",
        "create_time",
        "update_time",
    )
    # The service never shows credentials again, and answers the host in its API form
    # (https://github.com/org becomes https://api.github.com).
    write_only = frozenset({"token", "password", "host"})
    # Names are unique, and a new token for the same authorization keeps its name.
    replace_deletes_first = True
    secret_fields = ("token", "password")
    secret_paths = ("token", "password")

    def create_body(self, args: RepoAuthorizationArgs) -> dict[str, Any]:
        # The repository type goes in the path; the body holds the name and one credential.
        sent = ("name", "token", "host") if args.token is not None else ("name", "user", "password")
        return {key: value for key, value in super().create_body(args).items() if key in sent}

    def computed_outputs(self, server: Mapping[str, Any]) -> dict[str, Any]:
        # The service and its SDK spell the avatar `avartar`; the reference spells it both ways.
        known = {**server, "avatar": server.get("avartar", server.get("avatar"))}
        return super().computed_outputs(known)

    def send_create(self, args: RepoAuthorizationArgs) -> Created:
        kind = f"{quote(args.repo_type, safe='')}/{quote(args.token_type, safe='')}"
        self.client().post(f"{self.collection(args)}/{kind}", self.create_body(args))
        return Created(ObjectRef({"name": args.name}))

    def list_objects(self, args: RepoAuthorizationArgs) -> list[dict[str, Any]]:
        # The list (§5.1) has no paging.
        answer = self.client().get(self.collection(args)) or {}
        return list(answer.get("authorizations") or [])

    def listed_id(self, listed: Mapping[str, Any]) -> str | None:
        value = listed.get("name")
        return str(value) if value else None

    def read_object(self, ref: ObjectRef) -> dict[str, Any]:
        # There is no operation that reads one authorization: the list stands in for it, and
        # for its 404.
        path = self.collection_of(ref)
        for found in (self.client().get(path) or {}).get("authorizations") or []:
            if found.get("name") == ref.parts["name"]:
                if found.get("token_type") == "password":
                    # A password authorization's `user` argument is its repository user.
                    return {**found, "user": found.get("repo_user")}
                return dict(found)
        raise NotFoundError(
            status_code=404,
            method="GET",
            path=path,
            error_code=None,
            error_msg=f"no repository authorization named {ref.parts['name']!r}",
            request_id=None,
        )

    def server_inputs(
        self, server: Mapping[str, Any], known: Mapping[str, Any], ref: ObjectRef
    ) -> dict[str, Any]:
        inputs = super().server_inputs(server, known, ref)
        expected = "personal" if known.get("token") is not None else "password"
        if known and server.get("token_type") != expected:
            # Replaced behind our back by another kind of authorization under the same name:
            # the credentials in the state no longer describe it.
            for field in ("token", "host", "user", "password"):
                inputs.pop(field, None)
        return inputs

    def adoption_conflicts(
        self, ref: ObjectRef, args: RepoAuthorizationArgs, server: Mapping[str, Any]
    ) -> list[str]:
        # Authorizations cannot be modified: every difference is one adoption cannot apply.
        return [
            f"{field} is {server.get(field)!r}, the arguments say {wanted!r}"
            for field, wanted in (
                ("repo_type", args.repo_type),
                ("token_type", args.token_type),
                ("user", args.user),
            )
            if server.get(field) != wanted
        ]

    def update_applied(
        self, ref: ObjectRef, args: RepoAuthorizationArgs, server: Mapping[str, Any]
    ) -> bool:
        return not self.adoption_conflicts(ref, args, server)


class RepoAuthorization(
    RepoAuthorizationTyping, RestResource, module="servicestage", name="RepoAuthorization"
):
    """Credentials that let ServiceStage read a Git host's repositories, known by their name.

    Give either `token` (a personal access token) or `user` and `password`. Its id is the name.
    """

    provider_class: ClassVar[Any] = RepoAuthorizationProvider

    token_type: pulumi.Output[str]
    """How the repository is authorized: `personal` (a token) or `password` here; the
    document's examples also show `oauth` (表5-4)."""
    repo_host: pulumi.Output[str]
    """Repository address, as the service gives it: the host's API address, such as
    `https://api.github.com` in the document's examples (表5-4)."""
    repo_home: pulumi.Output[str]
    """Your home page on the repository host, such as `https://github.com/tom-repo` in the
    document's examples (表5-4)."""
    repo_user: pulumi.Output[str]
    """User name on the repository host (表5-4)."""
    avatar: pulumi.Output[str | None]
    """Avatar of the repository user, an image URL; the service and its SDK spell the field
    `avartar`, as the document's password example does (表5-4)."""
    status: pulumi.Output[int]
    """Authorization status: 0 normal, 1 expired, 2 not authenticated (表5-4)."""
    create_time: pulumi.Output[int]
    """When the authorization was created: a timestamp, in milliseconds since the epoch in the
    document's examples (表5-4)."""
    update_time: pulumi.Output[int]
    """When the authorization was last modified: a timestamp, in milliseconds since the epoch
    in the document's examples (表5-4)."""


class RepoAuthorizationInfo(LookupResult):
    name: str
    repo_type: str
    token_type: str | None = None
    repo_host: str | None = None
    repo_home: str | None = None
    repo_user: str | None = None
    avatar: str | None = Field(default=None, validation_alias=AliasChoices("avartar", "avatar"))
    #: 0 normal, 1 expired, 2 not authenticated.
    status: int | None = None
    tag: str | None = None
    create_time: int | None = None
    update_time: int | None = None


def get_repo_authorizations(
    *, name: str | None = None, repo_type: str | None = None
) -> list[RepoAuthorizationInfo]:
    """The project's repository authorizations of every kind, OAuth included (§5.1),
    optionally only the one called `name` or those of one repository type."""
    answer = get_one(project_path(RepoAuthorizationProvider.collection_path))
    found = (RepoAuthorizationInfo.from_api(item) for item in answer.get("authorizations") or [])
    return [
        authorization
        for authorization in found
        if name in (None, authorization.name) and repo_type in (None, authorization.repo_type)
    ]


def get_repo_authorizations_output(
    *, name: pulumi.Input[str] | None = None, repo_type: pulumi.Input[str] | None = None
) -> pulumi.Output[list[RepoAuthorizationInfo]]:
    """`get_repo_authorizations`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_repo_authorizations, name=name, repo_type=repo_type)
