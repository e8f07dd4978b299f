"""Who may call the emulator: the account's projects, IAM users, access keys and issued tokens."""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from pulumi_servicestage.client.signing import (
    SignatureError,
    verify_request,
    wire_request_from_wsgi,
)

from .errors import IAM_AUTHENTICATION_INCORRECT, IAM_USER_NOT_AUTHORIZED, keystone_error

TOKEN_LIFETIME = timedelta(hours=24)
SIGNATURE_MAX_SKEW = timedelta(minutes=15)


@dataclass(frozen=True)
class Project:
    id: str
    name: str


@dataclass(frozen=True)
class IamUser:
    id: str
    name: str
    password: str


@dataclass(frozen=True)
class IssuedToken:
    value: str
    user: IamUser
    project: Project | None
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Principal:
    """The identity a request was authenticated as; it becomes the `creator` of what it creates.

    `project_id` is the project the request acts in.
    """

    user_name: str
    project_id: str


class CredentialStore:
    """One account (domain) with its projects, IAM users, access keys and the tokens IAM issued.

    Tokens are opaque random strings remembered here, so a token the emulator did not issue, or
    one altered in any way, is simply unknown.
    """

    def __init__(self, *, domain_id: str, domain_name: str, clock: Callable[[], float]):
        self.domain_id = domain_id
        self.domain_name = domain_name
        self._clock = clock
        self._lock = threading.Lock()
        self._projects: dict[str, Project] = {}
        self._users: dict[str, IamUser] = {}
        self._secret_keys: dict[str, str] = {}
        self._key_owners: dict[str, IamUser] = {}
        self._tokens: dict[str, IssuedToken] = {}

    def add_project(self, project_id: str, name: str) -> Project:
        project = Project(id=project_id, name=name)
        with self._lock:
            self._projects[project_id] = project
        return project

    def add_user(self, name: str, password: str) -> IamUser:
        user = IamUser(id=uuid.uuid4().hex, name=name, password=password)
        with self._lock:
            self._users[name] = user
        return user

    def add_access_key(self, access_key: str, secret_key: str, *, user_name: str) -> None:
        with self._lock:
            self._secret_keys[access_key] = secret_key
            self._key_owners[access_key] = self._users[user_name]

    def issue_token(
        self,
        *,
        user_name: str,
        password: str,
        domain_name: str | None = None,
        domain_id: str | None = None,
        project_id: str | None = None,
        project_name: str | None = None,
    ) -> IssuedToken:
        """Check a password and issue a token, scoped to a project when one is named.

        The account is named by `domain_name` or `domain_id`. Raises the Keystone-shaped 401 IAM
        answers with for a wrong user, password, account or project.
        """
        with self._lock:
            user = self._users.get(user_name)
            account_matches = bool(domain_name or domain_id) and (
                domain_name in (None, self.domain_name) and domain_id in (None, self.domain_id)
            )
            if not account_matches or user is None or user.password != password:
                raise keystone_error(401, "Unauthorized", "The username or password is wrong.")
            project = None
            if project_id is not None or project_name is not None:
                project = next(
                    (
                        candidate
                        for candidate in self._projects.values()
                        if project_id in (None, candidate.id)
                        and project_name in (None, candidate.name)
                    ),
                    None,
                )
                if project is None:
                    raise keystone_error(
                        401, "Unauthorized", "The request you have made requires authentication."
                    )
            issued_at = self._now()
            token = IssuedToken(
                value="MIIB" + secrets.token_urlsafe(96),
                user=user,
                project=project,
                issued_at=issued_at,
                expires_at=issued_at + TOKEN_LIFETIME,
            )
            self._tokens[token.value] = token
            return token

    def authenticate(
        self, environ: Mapping[str, Any], body: bytes, *, project_id: str | None
    ) -> Principal:
        """Check a request's token or AK/SK signature the way API Gateway does.

        The request acts in the project of its path (`project_id`); a path without one (ASM's
        ``/v2/meshes/...``) acts in the project its ``X-Project-Id`` header names, or else in
        the one its token is scoped to.

        Failures raise API Gateway's 401 APIGW.0301 with its messages. A valid identity without
        access to the project, or with an ``X-Project-Id`` header naming another one, gets 403
        APIGW.0302, as does an unknown project or a request that names none.
        """
        wire = wire_request_from_wsgi(environ)
        token = wire.headers.get("x-auth-token")
        if token is not None:
            user_name, scoped_to = self._check_token(token)
        elif "authorization" in wire.headers:
            user_name = self._check_signature(
                wire.method, wire.raw_path, wire.raw_query, wire.headers, body
            )
            # Access keys belong to the account, so they reach each of its projects.
            scoped_to = None
        else:
            raise IAM_AUTHENTICATION_INCORRECT.error("x-auth-token not found")
        header_project = wire.headers.get("x-project-id")
        project = project_id or header_project or scoped_to
        with self._lock:
            known = project in self._projects
        if (
            project is None
            or not known
            or (token is not None and scoped_to != project)
            or header_project not in (None, project)
        ):
            raise IAM_USER_NOT_AUTHORIZED.error()
        return Principal(user_name=user_name, project_id=project)

    def _check_token(self, value: str) -> tuple[str, str | None]:
        with self._lock:
            token = self._tokens.get(value)
        if token is None:
            raise IAM_AUTHENTICATION_INCORRECT.error("decrypt token fail")
        if self._now() >= token.expires_at:
            raise IAM_AUTHENTICATION_INCORRECT.error(
                f"token expires, expires_at: {format_iam_time(token.expires_at)}"
            )
        project_id = token.project.id if token.project else None
        return token.user.name, project_id

    def _check_signature(
        self, method: str, raw_path: str, raw_query: str, headers: Mapping[str, str], body: bytes
    ) -> str:
        unknown_keys: list[str] = []

        def secret_for(access_key: str) -> str | None:
            with self._lock:
                secret_key = self._secret_keys.get(access_key)
            if secret_key is None:
                unknown_keys.append(access_key)
            return secret_key

        try:
            access_key = verify_request(
                method=method,
                raw_path=raw_path,
                raw_query=raw_query,
                headers=headers,
                body=body,
                secret_for=secret_for,
                now=self._now(),
                max_skew=SIGNATURE_MAX_SKEW,
            )
        except SignatureError as error:
            if unknown_keys:
                raise IAM_AUTHENTICATION_INCORRECT.error(
                    f"Get secretKey failed,ak:{unknown_keys[0]},err:ak not exist"
                ) from error
            raise IAM_AUTHENTICATION_INCORRECT.error(
                f"verify aksk signature fail, {error.reason}"
            ) from error
        with self._lock:
            return self._key_owners[access_key].name

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), tz=timezone.utc)


def format_iam_time(moment: datetime) -> str:
    """IAM's timestamp format, e.g. ``2020-01-04T09:05:22.701000Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
