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

import pulumi
from pydantic import Field, ValidationInfo, field_validator

from . import _runtime
from ._common import matching
from ._lifecycle import ObjectRef, ResourceArgs, RestProvider, RestResource
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
    application_id: str = Field(min_length=1)
    environment_id: str = Field(min_length=1)
    env: dict[VariableName, str] | None = None
    secret_env: dict[VariableName, str] | None = None

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


class ApplicationConfigurationProvider(RestProvider[ApplicationConfigurationArgs]):
    args_model = ApplicationConfigurationArgs
    noun = "application configuration"
    collection_path = "/v3/{project_id}/cas/applications/{application_id}/configuration"
    id_fields = ("application_id", "environment_id")
    replace_on = frozenset({"application_id", "environment_id"})

    @classmethod
    def path_fields(cls) -> tuple[str, ...]:
        # The configuration has no id of its own: both parts come from the arguments.
        return cls.id_fields

    def _create_object(self, args: ApplicationConfigurationArgs) -> ObjectRef:
        ref = ObjectRef({name: str(getattr(args, name)) for name in self.id_fields})
        try:
            existing = _variables(self._fetch(ref))
        except NotFoundError:
            existing = {}
        if existing:
            raise ServiceStageError(
                f"application {args.application_id} already has {len(existing)} variable(s) "
                f"for environment {args.environment_id} ({', '.join(sorted(existing))}); set "
                f"adopt_id={ref.resource_id()!r} to take them over"
            )
        self._update_object(ref, args)
        return ref

    def _update_object(self, ref: ObjectRef, args: ApplicationConfigurationArgs) -> None:
        variables = {**(args.env or {}), **(args.secret_env or {})}
        body = {
            "environment_id": ref.parts["environment_id"],
            "configuration": {
                "env": [{"name": name, "value": variables[name]} for name in sorted(variables)]
            },
        }
        _runtime.clients().servicestage.put(self._path(ref), body)

    def _delete_object(self, ref: ObjectRef, *, timeout: float) -> None:
        params = {"environment_id": ref.parts["environment_id"]}
        try:
            _runtime.clients().servicestage.delete(self._path(ref), params=params)
        except NotFoundError:
            return

    def _fetch(self, ref: ObjectRef) -> dict[str, Any]:
        path = self._path(ref)
        environment_id = ref.parts["environment_id"]
        answer = _runtime.clients().servicestage.get(
            path, params={"environment_id": environment_id}
        )
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

    def _inputs_from_server(
        self, server: Mapping[str, Any], known: Mapping[str, Any], ref: ObjectRef
    ) -> dict[str, Any]:
        variables = _variables(server)
        plain_names = set(known.get("env") or {})
        env = {name: value for name, value in variables.items() if name in plain_names}
        secret_env = {name: value for name, value in variables.items() if name not in plain_names}
        result: dict[str, Any] = dict(ref.parts)
        # An empty map only where the user has one, so that an unset map is no drift.
        if env or "env" in known:
            result["env"] = env
        if secret_env or "secret_env" in known:
            result["secret_env"] = secret_env
        return result

    def _path(self, ref: ObjectRef) -> str:
        project_id = _runtime.clients().settings.project_id
        return self.collection_path.format(project_id=project_id, **ref.parts)


def _variables(configuration: Mapping[str, Any]) -> dict[str, str]:
    env = (configuration.get("configuration") or {}).get("env") or []
    return {str(variable["name"]): str(variable.get("value") or "") for variable in env}


class ApplicationConfiguration(
    RestResource, module="servicestage", name="ApplicationConfiguration"
):
    """The environment variables of an application in one environment.

    Its id is ``<application_id>/<environment_id>``. ``secret_env`` is secret in the state,
    also after a refresh or a ``get``, which report unclassified variables there.
    """

    provider_class: ClassVar[Any] = ApplicationConfigurationProvider
    secret_paths = ("secret_env",)

    application_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]
    env: pulumi.Output[dict[str, str] | None]
    secret_env: pulumi.Output[dict[str, str] | None]

    def __init__(
        self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **args: Any
    ) -> None:
        # Inputs marked secret make the output of the same name secret, but a `get` has no
        # inputs and a refresh may bring new values: the engine must always encrypt it.
        always_secret = pulumi.ResourceOptions(additional_secret_outputs=["secret_env"])
        super().__init__(resource_name, pulumi.ResourceOptions.merge(opts, always_secret), **args)
