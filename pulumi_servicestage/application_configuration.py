"""An application's configuration for one environment (`.../applications/{id}/configuration`,
PDF 004 §4.2.6 to §4.2.8): the environment variables its components there receive.

The variables come in two maps. ``env`` holds plain values, shown in previews and stored as they
are; ``secret_env`` holds values that are always secret: masked in previews and encrypted in the
state, whether or not they were passed as secret outputs. A value passed into ``env`` as a secret
output (``config.require_secret(...)``) stays secret too, by Pulumi's own propagation. The
service stores one list; the two maps are this package's split of it.

The resource owns the whole list of its environment: on refresh, variables that appeared out
of band are reported under ``secret_env`` (their sensitivity is unknown), so that the next update
removes them. Creating one where the application already has variables for the environment
fails, naming the ``adopt_id`` that takes them over instead of overwriting them unseen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from pydantic import ValidationInfo, field_validator

from ._common import ResourceId, matching
from ._lifecycle import Created, ObjectRef, ResourceArgs, RestProvider, RestResource
from ._resource_types import ApplicationConfigurationTyping
from .client.errors import NotFoundError, ServiceStageError

# Table 4-114: unique within the application's environment, 1 to 64 characters.
VariableName = Annotated[
    str,
    matching(
        r"[A-Za-z_-][A-Za-z0-9_.-]{0,63}",
        "variable name must be 1 to 64 letters, digits, underscores (_), hyphens (-) or dots "
        "(.), starting with a letter, underscore or hyphen",
    ),
]


class ApplicationConfigurationArgs(ResourceArgs):
    """The arguments of an application's configuration for one environment.

    Source: PDF 004 §4.2.7, 表4-110 (path parameters), 表4-112 to 表4-114 (modify request body).
    """

    application_id: ResourceId
    """ID of the application (a path parameter). Changing it replaces this resource."""
    environment_id: ResourceId
    """ID of the environment the variables apply to. Mandatory; an application has one
    configuration per environment, so changing it replaces this resource (表4-112)."""
    env: dict[VariableName, str] | None = None
    """Environment variables, name to value, shown in previews and stored as they are. A name
    must be unique within the application's environment: 1 to 64 characters; letters, digits,
    underscores (_), hyphens (-) or dots (.), starting with a letter, underscore or hyphen
    (表4-114)."""
    secret_env: dict[VariableName, str] | None = None
    """Package option, not an API field: environment variables whose values are always secret,
    masked in previews and encrypted in the state. They are sent with those of `env` as the
    service's one list (表4-114), so the same name rules apply and a name goes in only one of
    the two maps; refresh reports variables set outside the program here."""

    @field_validator("secret_env")
    @classmethod
    def _names_in_one_map(
        cls, secret_env: dict[str, str] | None, info: ValidationInfo
    ) -> dict[str, str] | None:
        both = sorted(set(secret_env or {}) & set(info.data.get("env") or {}))
        if both:
            raise ValueError(
                f"{', '.join(both)} also set in env; each variable goes in env or secret_env, "
                "not both"
            )
        return secret_env

    def variables(self) -> dict[str, str]:
        return {**(self.env or {}), **(self.secret_env or {})}


class ApplicationConfigurationProvider(RestProvider[ApplicationConfigurationArgs]):
    args_model = ApplicationConfigurationArgs
    noun = "application configuration"
    collection_path = "/v3/{project_id}/cas/applications/{application_id}/configuration"
    id_fields = ("application_id", "environment_id")
    # An application has one configuration per environment: the environment is its key.
    natural_key = ("environment_id",)
    replace_on = frozenset({"application_id", "environment_id"})
    secret_fields = ("secret_env",)
    secret_paths = ("secret_env",)

    @classmethod
    def path_fields(cls) -> tuple[str, ...]:
        # The configuration has no id of its own: both parts come from the arguments.
        return cls.id_fields

    def send_create(self, args: ApplicationConfigurationArgs) -> Created:
        ref = ObjectRef({name: str(getattr(args, name)) for name in self.id_fields})
        try:
            existing = _variables(self.read_object(ref))
        except NotFoundError:
            existing = {}
        if existing:
            raise ServiceStageError(
                f"application {args.application_id} already has {len(existing)} variable(s) "
                f"for environment {args.environment_id} ({', '.join(sorted(existing))}); set "
                f"adopt_id={ref.resource_id()!r} to take them over"
            )
        self.send_update(ref, args)
        return Created(ref)

    def list_objects(self, args: ApplicationConfigurationArgs) -> list[dict[str, Any]]:
        try:
            return [self.read_object(self.ref_for_new(args, args.environment_id))]
        except NotFoundError:
            return []

    def listed_id(self, listed: Mapping[str, Any]) -> str | None:
        value = listed.get("environment_id")
        return str(value) if value else None

    def update_applied(
        self, ref: ObjectRef, args: ApplicationConfigurationArgs, server: Mapping[str, Any]
    ) -> bool:
        return _variables(server) == args.variables()

    def send_update(self, ref: ObjectRef, args: ApplicationConfigurationArgs) -> str | None:
        variables = args.variables()
        body = {
            "environment_id": ref.parts["environment_id"],
            "configuration": {
                "env": [{"name": name, "value": variables[name]} for name in sorted(variables)]
            },
        }
        self.client().put(self.collection_of(ref), body)
        return None

    def send_delete(self, ref: ObjectRef, state: Mapping[str, Any] | None) -> str | None:
        params = {"environment_id": ref.parts["environment_id"]}
        self.client().delete(self.collection_of(ref), params=params)
        return None

    def read_object(self, ref: ObjectRef) -> dict[str, Any]:
        path = self.collection_of(ref)
        environment_id = ref.parts["environment_id"]
        answer = self.client().get(path, params={"environment_id": environment_id})
        for item in (answer or {}).get("configuration") or []:
            if item.get("environment_id") == environment_id:
                return dict(item)
        raise NotFoundError(
            status_code=404,
            method="GET",
            path=path,
            error_code=None,
            error_msg=(
                f"application {ref.parts['application_id']} has no configuration for "
                f"environment {environment_id}"
            ),
            request_id=None,
        )

    def server_inputs(
        self, server: Mapping[str, Any], known: Mapping[str, Any], ref: ObjectRef
    ) -> dict[str, Any]:
        variables = _variables(server)
        plain = known.get("env")
        plain_names = set(plain) if isinstance(plain, dict) else set()
        env = {name: value for name, value in variables.items() if name in plain_names}
        secret_env = {name: value for name, value in variables.items() if name not in plain_names}
        result: dict[str, Any] = dict(ref.parts)
        # An empty map only where the user has one, so that an unset map is no drift.
        if env or "env" in known:
            result["env"] = env
        if secret_env or "secret_env" in known:
            result["secret_env"] = secret_env
        return result


def _variables(configuration: Mapping[str, Any]) -> dict[str, str]:
    env = (configuration.get("configuration") or {}).get("env") or []
    return {
        str(variable["name"]): str(variable.get("value") or "")
        for variable in env
        if isinstance(variable, dict) and "name" in variable
    }


class ApplicationConfiguration(
    ApplicationConfigurationTyping,
    RestResource,
    module="servicestage",
    name="ApplicationConfiguration",
):
    """The environment variables of an application in one environment.

    Its id is ``<application_id>/<environment_id>``. ``secret_env`` is secret in the state,
    also after a refresh or a ``get``, which report unclassified variables there.
    """

    provider_class: ClassVar[Any] = ApplicationConfigurationProvider
