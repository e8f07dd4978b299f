"""ServiceStage's core HTTP API: reads paths, queries and bodies, calls the backend, shapes
answers."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import PARAMETER_INVALID
from ..server import ApiCall, ApiResponse, Route
from .backend import ServiceStageBackend
from .request_parsing import int_query, list_options, parse_body, peek_body
from .schemas import (
    ActionParameters,
    ApplicationCreate,
    ApplicationModify,
    ComponentAction,
    ComponentCreate,
    ComponentImport,
    ComponentSpec,
    ConfigurationModify,
    CreateModePeek,
    EnvironmentCreate,
    EnvironmentModify,
    EnvironmentResourcesModify,
)


class ServiceStageApi:
    """The ServiceStage v3 operations (reference §4.1 to §4.6), one handler each."""

    def __init__(self, backend_for: Callable[[str], ServiceStageBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        cas = "/v3/<project_id>/cas"
        environment = f"{cas}/environments/<environment_id>"
        application = f"{cas}/applications/<application_id>"
        component = f"{application}/components/<component_id>"
        return [
            Route("POST", f"{cas}/environments", self.create_environment),
            Route("GET", f"{cas}/environments", self.list_environments),
            Route("GET", environment, self.show_environment),
            Route("PUT", environment, self.modify_environment),
            Route("DELETE", environment, self.delete_environment),
            Route("GET", f"{environment}/resources", self.show_environment_resources),
            Route("PUT", f"{environment}/resources", self.modify_environment_resources),
            Route("POST", f"{cas}/applications", self.create_application),
            Route("GET", f"{cas}/applications", self.list_applications),
            Route("GET", application, self.show_application),
            Route("PUT", application, self.modify_application),
            Route("DELETE", application, self.delete_application),
            Route("GET", f"{application}/configuration", self.show_application_configuration),
            Route("PUT", f"{application}/configuration", self.modify_application_configuration),
            Route("DELETE", f"{application}/configuration", self.delete_application_configuration),
            Route("POST", f"{application}/components", self.create_component),
            Route("GET", f"{application}/components", self.list_components_in_application),
            Route("GET", f"{cas}/components", self.list_components),
            Route("GET", component, self.show_component),
            Route("PUT", component, self.modify_component),
            Route("DELETE", component, self.delete_component),
            Route("POST", f"{component}/action", self.run_component_action),
            Route("PUT", f"{component}/refresh", self.refresh_component),
            Route("GET", f"{component}/records", self.list_component_records),
            Route("GET", f"{cas}/runtimestacks", self.list_runtime_stacks),
            Route("GET", f"{cas}/jobs/<job_id>", self.show_job_info),
        ]

    # Environments

    def create_environment(self, call: ApiCall) -> ApiResponse:
        body = parse_body(EnvironmentCreate, call)
        environment = self._backend(call).create_environment(
            name=body.name,
            vpc_id=body.vpc_id,
            creator=call.user_name,
            deploy_mode=body.deploy_mode,
            description=body.description,
            enterprise_project_id=body.enterprise_project_id,
            labels=body.labels,
        )
        return ApiResponse(200, environment.to_dict())

    def list_environments(self, call: ApiCall) -> ApiResponse:
        page = self._backend(call).list_environments(
            **list_options(call),
            name=call.query.get("name"),
            environment_id=call.query.get("environment_id"),
            enterprise_project_id=call.query.get("enterprise_project_id"),
        )
        environments = [environment.to_dict() for environment in page.items]
        return ApiResponse(200, {"environments": environments, "count": page.count})

    def show_environment(self, call: ApiCall) -> ApiResponse:
        environment = self._backend(call).show_environment(call.path_params["environment_id"])
        return ApiResponse(200, environment.to_dict(with_resources=True))

    def modify_environment(self, call: ApiCall) -> ApiResponse:
        body = parse_body(EnvironmentModify, call)
        environment = self._backend(call).modify_environment(
            call.path_params["environment_id"],
            name=body.name,
            description=body.description,
            labels=body.labels,
            vpc_id=body.vpc_id,
            deploy_mode=body.deploy_mode,
            enterprise_project_id=body.enterprise_project_id,
        )
        return ApiResponse(200, environment.to_dict(with_resources=True))

    def delete_environment(self, call: ApiCall) -> ApiResponse:
        self._backend(call).delete_environment(call.path_params["environment_id"])
        return ApiResponse(204)

    def show_environment_resources(self, call: ApiCall) -> ApiResponse:
        resources = self._backend(call).show_environment_resources(
            call.path_params["environment_id"]
        )
        return ApiResponse(200, {"resources": [resource.to_dict() for resource in resources]})

    def modify_environment_resources(self, call: ApiCall) -> ApiResponse:
        body = parse_body(EnvironmentResourcesModify, call)
        resources = self._backend(call).modify_environment_resources(
            call.path_params["environment_id"], body.resources
        )
        return ApiResponse(200, {"resources": [resource.to_dict() for resource in resources]})

    # Applications

    def create_application(self, call: ApiCall) -> ApiResponse:
        body = parse_body(ApplicationCreate, call)
        application = self._backend(call).create_application(
            name=body.name,
            creator=call.user_name,
            description=body.description,
            enterprise_project_id=body.enterprise_project_id,
            labels=body.labels,
        )
        return ApiResponse(200, application.to_dict(with_component_count=False))

    def list_applications(self, call: ApiCall) -> ApiResponse:
        page = self._backend(call).list_applications(**list_options(call))
        applications = [application.to_dict() for application in page.items]
        return ApiResponse(200, {"applications": applications, "count": page.count})

    def show_application(self, call: ApiCall) -> ApiResponse:
        application = self._backend(call).show_application(call.path_params["application_id"])
        return ApiResponse(200, application.to_dict())

    def modify_application(self, call: ApiCall) -> ApiResponse:
        body = parse_body(ApplicationModify, call)
        application = self._backend(call).modify_application(
            call.path_params["application_id"],
            name=body.name,
            description=body.description,
            enterprise_project_id=body.enterprise_project_id,
            labels=body.labels,
        )
        return ApiResponse(200, application.to_dict())

    def delete_application(self, call: ApiCall) -> ApiResponse:
        self._backend(call).delete_application(call.path_params["application_id"])
        return ApiResponse(204)

    def show_application_configuration(self, call: ApiCall) -> ApiResponse:
        configurations = self._backend(call).show_application_configuration(
            call.path_params["application_id"], environment_id=call.query.get("environment_id")
        )
        return ApiResponse(200, {"configuration": [item.to_dict() for item in configurations]})

    def modify_application_configuration(self, call: ApiCall) -> ApiResponse:
        body = parse_body(ConfigurationModify, call)
        configuration = self._backend(call).modify_application_configuration(
            call.path_params["application_id"],
            environment_id=body.environment_id,
            env=body.configuration.env,
        )
        return ApiResponse(200, configuration.to_dict())

    def delete_application_configuration(self, call: ApiCall) -> ApiResponse:
        environment_id = call.query.get("environment_id")
        if not environment_id:
            raise PARAMETER_INVALID.error("environment_id: query parameter required")
        self._backend(call).delete_application_configuration(
            call.path_params["application_id"], environment_id=environment_id
        )
        return ApiResponse(204)

    # Components

    def create_component(self, call: ApiCall) -> ApiResponse:
        if _create_mode(call) == "import":
            return self.import_component(call)
        spec = parse_body(ComponentCreate, call)
        component = self._backend(call).create_component(
            call.path_params["application_id"], spec, creator=call.user_name
        )
        return ApiResponse(200, {"job_id": component.last_job_id, "component_id": component.id})

    def list_components_in_application(self, call: ApiCall) -> ApiResponse:
        page = self._backend(call).list_components(
            application_id=call.path_params["application_id"], **list_options(call)
        )
        components = [component.to_summary() for component in page.items]
        return ApiResponse(200, {"components": components, "count": page.count})

    def list_components(self, call: ApiCall) -> ApiResponse:
        page = self._backend(call).list_components(
            application_name=call.query.get("application_name"),
            component_name=call.query.get("component_name"),
            **list_options(call),
        )
        components = [component.to_summary() for component in page.items]
        return ApiResponse(200, {"components": components, "count": page.count})

    def show_component(self, call: ApiCall) -> ApiResponse:
        component = self._backend(call).show_component(
            call.path_params["application_id"], call.path_params["component_id"]
        )
        return ApiResponse(200, component.to_dict())

    def modify_component(self, call: ApiCall) -> ApiResponse:
        spec = parse_body(ComponentSpec, call)
        job_id = self._backend(call).modify_component(
            call.path_params["application_id"], call.path_params["component_id"], spec
        )
        return ApiResponse(200, {"job_id": job_id})

    def delete_component(self, call: ApiCall) -> ApiResponse:
        self._backend(call).delete_component(
            call.path_params["application_id"], call.path_params["component_id"]
        )
        # §4.3.6: 200 with no body (响应消息: 无). The deleting job shows in the component's
        # status (last_job_id) until the component is gone.
        return ApiResponse(200)

    def import_component(self, call: ApiCall) -> ApiResponse:
        request = parse_body(ComponentImport, call)
        component = self._backend(call).import_component(
            call.path_params["application_id"], request, creator=call.user_name
        )
        # Table 4-163: the answer names the component only; its job shows in its status.
        return ApiResponse(200, {"instance_id": component.id})

    def run_component_action(self, call: ApiCall) -> ApiResponse:
        body = parse_body(ComponentAction, call)
        job_id = self._backend(call).run_component_action(
            call.path_params["application_id"],
            call.path_params["component_id"],
            body.action,
            body.parameters or ActionParameters(),
        )
        # `result` as in the reference's example: the task was accepted; its job tells the rest.
        return ApiResponse(200, {"job_id": job_id, "result": "succeeded"})

    def refresh_component(self, call: ApiCall) -> ApiResponse:
        # §4.3.10: no body; the answer says only that the refresh was done (表4-273).
        self._backend(call).show_component(
            call.path_params["application_id"], call.path_params["component_id"]
        )
        return ApiResponse(200, {"message": "OK"})

    def list_component_records(self, call: ApiCall) -> ApiResponse:
        page = self._backend(call).list_component_records(
            call.path_params["application_id"],
            call.path_params["component_id"],
            **list_options(call),
        )
        records = [record.to_dict() for record in page.items]
        return ApiResponse(200, {"count": page.count, "records": records})

    # Runtime stacks and jobs

    def list_runtime_stacks(self, call: ApiCall) -> ApiResponse:
        stacks = self._backend(call).list_runtime_stacks()
        # The official SDK's ShowRuntimeStacksResponse reads `runtimestacks`; the reference's
        # example (表4-282 prints "runtime_stack_s") and Terraform's acceptance tests against
        # the live service read `runtime_stacks`. Both keys carry the list (README: spellings).
        return ApiResponse(
            200, {"runtime_stacks": stacks, "runtimestacks": stacks, "total": len(stacks)}
        )

    def show_job_info(self, call: ApiCall) -> ApiResponse:
        desc = call.query.get("desc", "false").lower()
        if desc not in ("true", "false"):
            raise PARAMETER_INVALID.error("desc: must be true or false")
        job = self._backend(call).show_job_info(
            call.path_params["job_id"],
            limit=int_query(call, "limit"),
            offset=int_query(call, "offset") or 0,
            descending=desc == "true",
        )
        return ApiResponse(200, job)

    def _backend(self, call: ApiCall) -> ServiceStageBackend:
        return self._backend_for(call.project_id)


def _create_mode(call: ApiCall) -> object:
    """The `create_mode` of a component body, which makes it an import (§4.3.2) when "import"."""
    peeked = peek_body(CreateModePeek, call)
    return peeked.create_mode if peeked is not None else None
