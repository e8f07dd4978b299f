"""The plugins' HTTP API: reads paths and bodies, calls the backend, shapes answers."""

from __future__ import annotations

from collections.abc import Callable

from ...server import ApiCall, ApiResponse, Route
from ..request_parsing import parse_body
from .backend import PluginBackend
from .schemas import PluginAction, PluginCreate


class PluginApi:
    """The plugin operations (§4.7.1 to §4.7.6), one handler each."""

    def __init__(self, backend_for: Callable[[str], PluginBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        environment = "/v3/<project_id>/cas/environments/<environment_id>"
        addon = f"{environment}/addons/<addon_id>"
        return [
            Route("POST", f"{environment}/addons", self.create_plugin),
            Route("GET", f"{environment}/addons", self.list_plugins),
            Route("GET", f"{environment}/addons-metadata", self.list_plugin_metadata),
            Route("GET", addon, self.show_plugin),
            Route("POST", f"{addon}/action", self.act_on_plugin),
            Route("DELETE", addon, self.delete_plugin),
        ]

    def create_plugin(self, call: ApiCall) -> ApiResponse:
        body = parse_body(PluginCreate, call)
        plugin = self._backend(call).create_plugin(
            call.path_params["environment_id"],
            name=body.name,
            cce_id=body.cce_id,
            cse_id=body.cse_id,
        )
        return ApiResponse(200, {"job_id": plugin.job_id, "id": plugin.id})

    def list_plugins(self, call: ApiCall) -> ApiResponse:
        plugins = self._backend(call).list_plugins(call.path_params["environment_id"])
        return ApiResponse(200, {"addons": [plugin.to_dict() for plugin in plugins]})

    def list_plugin_metadata(self, call: ApiCall) -> ApiResponse:
        kinds = self._backend(call).list_plugin_metadata(call.path_params["environment_id"])
        addons = [{"name": kind.name, "latest_version": kind.latest_version} for kind in kinds]
        return ApiResponse(200, {"addons": addons})

    def show_plugin(self, call: ApiCall) -> ApiResponse:
        # The reference's table wraps the plugin in `addons`, its example does not; the example
        # is what the service sends.
        plugin = self._backend(call).show_plugin(
            call.path_params["environment_id"], call.path_params["addon_id"]
        )
        return ApiResponse(200, plugin.to_dict())

    def act_on_plugin(self, call: ApiCall) -> ApiResponse:
        body = parse_body(PluginAction, call)
        job_id = self._backend(call).act_on_plugin(
            call.path_params["environment_id"], call.path_params["addon_id"], body.action
        )
        return ApiResponse(200, {"job_id": job_id})

    def delete_plugin(self, call: ApiCall) -> ApiResponse:
        job_id = self._backend(call).delete_plugin(
            call.path_params["environment_id"], call.path_params["addon_id"]
        )
        return ApiResponse(200, {"job_id": job_id})

    def _backend(self, call: ApiCall) -> PluginBackend:
        return self._backend_for(call.project_id)
