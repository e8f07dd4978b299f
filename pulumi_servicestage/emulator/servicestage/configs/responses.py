"""Configuration management's HTTP API: reads paths, queries, JSON and multipart bodies, calls
the backend, shapes answers."""

from __future__ import annotations

import io
from collections.abc import Callable

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.formparser import parse_form_data

from ...errors import PARAMETER_INVALID
from ...server import ApiCall, ApiResponse, Route
from ..request_parsing import list_options, parse_body
from .backend import ConfigsBackend
from .schemas import ConfigCreate, ConfigGroupCreate, ConfigModify, RepetitionPolicy

_REPETITION_POLICIES: dict[str, RepetitionPolicy] = {"covered": "covered", "skip": "skip"}


class ConfigsApi:
    """The configuration management operations (§4.5.1 to §4.5.13), one handler each."""

    def __init__(self, backend_for: Callable[[str], ConfigsBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        cas = "/v3/<project_id>/cas"
        group = f"{cas}/config-groups/<config_group_id>"
        config = f"{cas}/configs/<config_id>"
        history = f"{config}/histories/<config_history_id>"
        return [
            Route("POST", f"{cas}/config-groups", self.create_config_group),
            Route("GET", f"{cas}/config-groups", self.list_config_groups),
            Route("GET", group, self.show_config_group),
            Route("DELETE", group, self.delete_config_group),
            Route("POST", f"{cas}/configs", self.create_config),
            Route("POST", f"{cas}/configs/import", self.import_configs),
            Route("GET", f"{cas}/configs", self.list_configs),
            Route("GET", config, self.show_config),
            Route("PUT", config, self.modify_config),
            Route("DELETE", config, self.delete_config),
            Route("GET", f"{config}/histories", self.list_config_histories),
            Route("GET", history, self.show_config_history),
            Route("DELETE", history, self.delete_config_history),
        ]

    def create_config_group(self, call: ApiCall) -> ApiResponse:
        body = parse_body(ConfigGroupCreate, call)
        group = self._backend(call).create_config_group(
            name=body.name, description=body.description, creator=call.user_name
        )
        return ApiResponse(200, group.to_dict())

    def list_config_groups(self, call: ApiCall) -> ApiResponse:
        page = self._backend(call).list_config_groups(
            name=call.query.get("name"), **list_options(call)
        )
        return ApiResponse(
            200, {"config_groups": [group.to_dict() for group in page.items], "count": page.count}
        )

    def show_config_group(self, call: ApiCall) -> ApiResponse:
        group = self._backend(call).show_config_group(call.path_params["config_group_id"])
        return ApiResponse(200, group.to_dict())

    def delete_config_group(self, call: ApiCall) -> ApiResponse:
        self._backend(call).delete_config_group(call.path_params["config_group_id"])
        return ApiResponse(204)

    def create_config(self, call: ApiCall) -> ApiResponse:
        body = parse_body(ConfigCreate, call)
        file = self._backend(call).create_config(
            config_group_id=body.config_group_id,
            name=body.name,
            type=body.type,
            content=body.content,
            sensitive=body.sensitive,
            description=body.description,
            creator=call.user_name,
        )
        return ApiResponse(200, file.to_dict())

    def import_configs(self, call: ApiCall) -> ApiResponse:
        form, files = _multipart_form(call)
        upload = files.get("upload_file")
        if upload is None:
            raise PARAMETER_INVALID.error("upload_file: a zip package is required")
        requested = form.get("repetition_policy") or None
        policy = _REPETITION_POLICIES.get(requested) if requested else None
        if requested and policy is None:
            raise PARAMETER_INVALID.error("repetition_policy: must be covered or skip")
        counts = self._backend(call).import_configs(
            upload.read(), creator=call.user_name, repetition_policy=policy
        )
        return ApiResponse(200, counts)

    def list_configs(self, call: ApiCall) -> ApiResponse:
        page = self._backend(call).list_configs(
            name=call.query.get("name"),
            config_group_id=call.query.get("config_group_id"),
            component_id=call.query.get("component_id"),
            **list_options(call),
        )
        return ApiResponse(
            200, {"configs": [file.to_dict() for file in page.items], "count": page.count}
        )

    def show_config(self, call: ApiCall) -> ApiResponse:
        return ApiResponse(
            200, self._backend(call).show_config(call.path_params["config_id"]).to_dict()
        )

    def modify_config(self, call: ApiCall) -> ApiResponse:
        body = parse_body(ConfigModify, call)
        file = self._backend(call).modify_config(
            call.path_params["config_id"],
            config_group_id=body.config_group_id,
            type=body.type,
            content=body.content,
            description=body.description,
            sensitive=body.sensitive,
            creator=call.user_name,
        )
        return ApiResponse(200, file.to_dict())

    def delete_config(self, call: ApiCall) -> ApiResponse:
        self._backend(call).delete_config(call.path_params["config_id"])
        return ApiResponse(204)

    def list_config_histories(self, call: ApiCall) -> ApiResponse:
        page = self._backend(call).list_config_histories(
            call.path_params["config_id"], **list_options(call)
        )
        return ApiResponse(
            200, {"histories": [entry.to_dict() for entry in page.items], "count": page.count}
        )

    def show_config_history(self, call: ApiCall) -> ApiResponse:
        entry = self._backend(call).show_config_history(
            call.path_params["config_id"], call.path_params["config_history_id"]
        )
        return ApiResponse(200, entry.to_dict())

    def delete_config_history(self, call: ApiCall) -> ApiResponse:
        self._backend(call).delete_config_history(
            call.path_params["config_id"], call.path_params["config_history_id"]
        )
        return ApiResponse(204)

    def _backend(self, call: ApiCall) -> ConfigsBackend:
        return self._backend_for(call.project_id)


def _multipart_form(call: ApiCall) -> tuple[MultiDict[str, str], MultiDict[str, FileStorage]]:
    if not call.content_type.startswith("multipart/form-data"):
        raise PARAMETER_INVALID.error("Content-Type: must be multipart/form-data")
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": call.content_type,
        "CONTENT_LENGTH": str(len(call.body)),
        "wsgi.input": io.BytesIO(call.body),
    }
    _, form, files = parse_form_data(environ)
    return form, files
