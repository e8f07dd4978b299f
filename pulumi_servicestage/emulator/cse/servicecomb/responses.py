"""The HTTP API of what an engine serves: on the engine's own address (§7), on the CSE endpoint
(§6.2), and the control route that expires engine tokens. Reads paths, queries, headers and
bodies, calls the backend, shapes answers."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.formparser import parse_form_data

from ...errors import CONTROL_REQUEST_INVALID, ErrorCode, controlled
from ...server import MAX_JSON_DEPTH, ApiCall, ApiResponse, Route, json_depth
from ...servicestage.request_parsing import parse_body
from .backend import ServiceCombBackend
from .config_center import ConfigCenter, read_import_item
from .errors import (
    DYNAMIC_CONFIG_INVALID,
    ENGINE_UNREACHABLE,
    FILE_EMPTY,
    FILE_INVALID,
    INVALID_PARAMETERS,
    KV_INVALID_PARAMETERS,
    LABEL_OR_BODY_INVALID,
)
from .registry import Registry
from .schemas import (
    SETTABLE_INSTANCE_STATUSES,
    TAG_PATTERN,
    TAGS,
    BatchFindRequest,
    CreateServiceRequest,
    DeleteServicesRequest,
    KvCreateRequest,
    KvIdsRequest,
    KvModifyRequest,
    Override,
    PropertiesRequest,
    RegisterInstanceRequest,
    SchemaRequest,
    TokenRequest,
    is_schema_id,
    parse_labels,
)

#: The ``metadata.version`` of an export file, as the example of §6.2.2 shows it.
EXPORT_VERSION = "2.0.0"
_OVERRIDES: dict[str, Override] = {"force": "force", "skip": "skip", "abort": "abort"}

Handler = Callable[[ApiCall], ApiResponse]


class ServiceCombApi:
    """What an engine serves: one handler per operation of §6.2 and §7."""

    def __init__(self, backend_for: Callable[[str], ServiceCombBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        engine = "/_engines/<project_id>/<engine_id>"
        registry = f"{engine}/v4/<engine_project>/registry"
        service = f"{registry}/microservices/<service_id>"
        instance = f"{service}/instances/<instance_id>"
        kv = f"{engine}/v1/<engine_project>/kie/kv"

        def on_registry(method: str, rule: str, handler: Handler) -> Route:
            return Route(
                method, rule, handler, authenticated=False, invalid=INVALID_PARAMETERS.error
            )

        def on_config_center(method: str, rule: str, handler: Handler) -> Route:
            return Route(
                method, rule, handler, authenticated=False, invalid=KV_INVALID_PARAMETERS.error
            )

        def on_cse(rule: str, handler: Handler) -> Route:
            return Route("POST", rule, handler, invalid=DYNAMIC_CONFIG_INVALID.error)

        return [
            on_registry("POST", f"{engine}/v4/token", self.create_token),
            on_registry("POST", f"{registry}/microservices", self.create_service),
            on_registry("GET", f"{registry}/microservices", self.list_services),
            on_registry("DELETE", f"{registry}/microservices", self.delete_services),
            on_registry("GET", service, self.show_service),
            on_registry("DELETE", service, self.delete_service),
            on_registry("PUT", f"{service}/properties", self.update_service_properties),
            on_registry("GET", f"{registry}/existence", self.show_existence),
            on_registry("GET", f"{service}/schemas", self.list_schemas),
            on_registry("GET", f"{service}/schemas/<schema_id>", self.show_schema),
            on_registry("PUT", f"{service}/schemas/<schema_id>", self.update_schema),
            on_registry("POST", f"{service}/instances", self.register_instance),
            on_registry("GET", f"{service}/instances", self.list_instances),
            on_registry("GET", instance, self.show_instance),
            on_registry("DELETE", instance, self.delete_instance),
            on_registry("PUT", f"{instance}/properties", self.update_instance_properties),
            on_registry("PUT", f"{instance}/status", self.update_instance_status),
            on_registry("PUT", f"{instance}/heartbeat", self.heartbeat),
            on_registry("GET", f"{registry}/instances", self.find_instances),
            on_registry("POST", f"{registry}/instances/action", self.batch_find_instances),
            on_registry(
                "GET", f"{registry}/microservices/<consumer_id>/providers", self.list_providers
            ),
            on_config_center("POST", kv, self.create_kv),
            on_config_center("GET", kv, self.list_kvs),
            on_config_center("DELETE", kv, self.delete_kvs),
            on_config_center("GET", f"{kv}/<kv_id>", self.show_kv),
            on_config_center("PUT", f"{kv}/<kv_id>", self.modify_kv),
            on_config_center("DELETE", f"{kv}/<kv_id>", self.delete_kv),
            on_cse("/v1/<project_id>/kie/file", self.import_configs),
            on_cse("/v1/<project_id>/kie/download", self.export_configs),
            Route(
                "DELETE",
                "/_emulator/projects/<project_id>/cse/engine-tokens",
                self.expire_tokens,
                authenticated=False,
                counted=False,
                invalid=CONTROL_REQUEST_INVALID.error,
            ),
        ]

    # Token (§7.2.1)

    def create_token(self, call: ApiCall) -> ApiResponse:
        backend = self._backend(call)
        with backend.engine(call.path_params["engine_id"]) as engine:
            body = parse_body(TokenRequest, call, invalid=INVALID_PARAMETERS)
            token = backend.issue_token(engine, name=body.name, password=body.password)
            return ApiResponse(200, {"token": token})

    # Microservices (§7.3)

    def create_service(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            body = parse_body(CreateServiceRequest, call, invalid=INVALID_PARAMETERS)
            return ApiResponse(200, {"serviceId": registry.create_service(body)})

    def list_services(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            services = [service.to_dict() for service in registry.list_services()]
            return ApiResponse(200, {"services": services})

    def delete_services(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            body = parse_body(DeleteServicesRequest, call, invalid=INVALID_PARAMETERS)
            deleted = registry.delete_services(body.service_ids, force=_force(call))
            return ApiResponse(200, {"services": [{"serviceId": id_} for id_ in deleted]})

    def show_service(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            service = registry.show_service(call.path_params["service_id"])
            return ApiResponse(200, {"service": service.to_dict()})

    def delete_service(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            registry.delete_service(call.path_params["service_id"], force=_force(call))
            return ApiResponse(200)

    def update_service_properties(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            body = parse_body(PropertiesRequest, call, invalid=INVALID_PARAMETERS)
            if body.properties is None:
                raise INVALID_PARAMETERS.error("properties: required (表7-49)")
            registry.update_service_properties(call.path_params["service_id"], body.properties)
            return ApiResponse(200)

    def show_existence(self, call: ApiCall) -> ApiResponse:
        """§7.3.7: a microservice's id, or a schema's id and summary."""
        query = call.query
        with self._registry(call) as registry:
            kind = query.get("type")
            if kind == "microservice":
                app_id, name, version = (
                    _required(call, field) for field in ("appId", "serviceName", "version")
                )
                service_id = registry.find_service_id(
                    environment=query.get("env"), app_id=app_id, service_name=name, version=version
                )
                return ApiResponse(200, {"serviceId": service_id})
            if kind == "schema":
                service_id, schema_id = (_required(call, f) for f in ("serviceId", "schemaId"))
                schema = registry.show_schema(service_id, schema_id)
                return ApiResponse(200, {"schemaId": schema_id}, _summary_header(schema.summary))
            raise INVALID_PARAMETERS.error("type: microservice or schema (表7-53)")

    # Schemas (§7.4)

    def list_schemas(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            with_content = _flag(call, "withSchema", "表7-71")
            shown = []
            for schema_id, schema in registry.list_schemas(call.path_params["service_id"]):
                entry: dict[str, Any] = {"schemaId": schema_id}
                if schema is not None and schema.summary is not None:
                    entry["summary"] = schema.summary
                if with_content and schema is not None:
                    entry["schema"] = schema.content
                shown.append(entry)
            return ApiResponse(200, {"schemas": shown})

    def show_schema(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            schema = registry.show_schema(
                call.path_params["service_id"], call.path_params["schema_id"]
            )
            return ApiResponse(200, {"schema": schema.content}, _summary_header(schema.summary))

    def update_schema(self, call: ApiCall) -> ApiResponse:
        schema_id = call.path_params["schema_id"]
        with self._registry(call) as registry:
            if not is_schema_id(schema_id):
                raise INVALID_PARAMETERS.error(
                    "schema_id: 1 to 160 letters, digits, _, - or ., starting and ending with a "
                    "letter or digit (表7-65)"
                )
            body = parse_body(SchemaRequest, call, invalid=INVALID_PARAMETERS)
            registry.update_schema(
                call.path_params["service_id"],
                schema_id,
                content=body.content,
                summary=body.summary,
            )
            return ApiResponse(200)

    # Instances (§7.5)

    def register_instance(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            body = parse_body(RegisterInstanceRequest, call, invalid=INVALID_PARAMETERS)
            instance_id = registry.register_instance(call.path_params["service_id"], body.instance)
            return ApiResponse(200, {"instanceId": instance_id})

    def list_instances(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            instances = registry.list_instances(
                call.path_params["service_id"], tags=_tags(call), consumer_id=_consumer_id(call)
            )
            return ApiResponse(200, {"instances": [i.to_dict() for i in instances]})

    def show_instance(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            instance = registry.show_instance(*_instance_path(call), consumer_id=_consumer_id(call))
            return ApiResponse(200, {"instance": instance.to_dict()})

    def delete_instance(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            registry.delete_instance(*_instance_path(call))
            return ApiResponse(200)

    def update_instance_properties(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            body = parse_body(PropertiesRequest, call, invalid=INVALID_PARAMETERS)
            registry.update_instance_properties(*_instance_path(call), body.properties)
            return ApiResponse(200)

    def update_instance_status(self, call: ApiCall) -> ApiResponse:
        status = call.query.get("value")
        with self._registry(call) as registry:
            if status not in SETTABLE_INSTANCE_STATUSES:
                raise INVALID_PARAMETERS.error(
                    f"value: one of {', '.join(SETTABLE_INSTANCE_STATUSES)} (表7-114)"
                )
            registry.update_instance_status(*_instance_path(call), status)
            return ApiResponse(200)

    def heartbeat(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            registry.heartbeat(*_instance_path(call))
            return ApiResponse(200)

    def find_instances(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            instances = registry.find_instances(
                app_id=_required(call, "appId"),
                service_name=_required(call, "serviceName"),
                environment=call.query.get("env"),
                tags=_tags(call),
                consumer_id=_consumer_id(call),
            )
            return ApiResponse(200, {"instances": [i.to_dict() for i in instances]})

    def batch_find_instances(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            if call.query.get("type") != "query":
                raise INVALID_PARAMETERS.error("type: query, the only operation (表7-132)")
            body = parse_body(BatchFindRequest, call, invalid=INVALID_PARAMETERS)
            found = registry.batch_find(body, consumer_id=_consumer_id(call))
            return ApiResponse(200, {name: section.to_dict() for name, section in found.items()})

    # Dependencies (§7.6)

    def list_providers(self, call: ApiCall) -> ApiResponse:
        with self._registry(call) as registry:
            # 表7-150: noSelf 0 leaves self-dependencies out, 1 shows them (whatever the name
            # suggests). sameDomain is checked only: engines here share no services.
            include_self = _flag(call, "noSelf", "表7-150")
            _flag(call, "sameDomain", "表7-150")
            providers = registry.list_providers(
                call.path_params["consumer_id"], include_self=include_self
            )
            return ApiResponse(200, {"providers": [s.to_dict() for s in providers]})

    # Configuration items (§7.7)

    def create_kv(self, call: ApiCall) -> ApiResponse:
        with self._config_center(call) as center:
            body = parse_body(KvCreateRequest, call, invalid=KV_INVALID_PARAMETERS)
            item = center.create_kv(
                body.key,
                value=body.value,
                labels=body.labels,
                status=body.status,
                value_type=body.value_type,
            )
            return ApiResponse(200, item.to_dict())

    def modify_kv(self, call: ApiCall) -> ApiResponse:
        with self._config_center(call) as center:
            body = parse_body(KvModifyRequest, call, invalid=KV_INVALID_PARAMETERS)
            item = center.modify_kv(call.path_params["kv_id"], value=body.value, status=body.status)
            return ApiResponse(200, item.to_dict())

    def show_kv(self, call: ApiCall) -> ApiResponse:
        with self._config_center(call) as center:
            return ApiResponse(200, center.show_kv(call.path_params["kv_id"]).to_dict())

    def list_kvs(self, call: ApiCall) -> ApiResponse:
        """§7.7.4; 304 without a body when the client holds the current revision."""
        with self._config_center(call) as center:
            labels = _labels(call, KV_INVALID_PARAMETERS)
            revision = call.query.get("revision")
            if revision is not None and not _is_integer(revision):
                raise KV_INVALID_PARAMETERS.error("revision: an integer (表7-179)")
            if revision is not None and int(revision) == center.revision:
                return ApiResponse(304)
            items = center.list_kvs(labels=labels, exact=call.query.get("match") == "exact")
            return ApiResponse(200, {"total": len(items), "data": [i.to_dict() for i in items]})

    def delete_kv(self, call: ApiCall) -> ApiResponse:
        with self._config_center(call) as center:
            center.delete_kv(call.path_params["kv_id"])
            return ApiResponse(200)

    def delete_kvs(self, call: ApiCall) -> ApiResponse:
        with self._config_center(call) as center:
            body = parse_body(KvIdsRequest, call, invalid=KV_INVALID_PARAMETERS)
            center.delete_kvs(body.ids)
            return ApiResponse(204)

    # Dynamic configuration on the CSE endpoint (§6.2)

    def import_configs(self, call: ApiCall) -> ApiResponse:
        """§6.2.1: the items of an uploaded ``{"data": [...]}`` file, each written or failed."""
        backend = self._backend_for(call.project_id)
        with backend.engine_configuration(call.headers.get("x-engine-id")) as center:
            override = _OVERRIDES.get(call.query.get("override", ""))
            if override is None:
                raise DYNAMIC_CONFIG_INVALID.error("override: force, skip or abort (表6-2)")
            label = None
            if "label" in call.query:
                label = _labels(call, DYNAMIC_CONFIG_INVALID)
            data = _import_file(call)
            items = [read_import_item(raw, label=label) for raw in data]
            return ApiResponse(200, center.import_kvs(items, override=override).to_dict())

    def export_configs(self, call: ApiCall) -> ApiResponse:
        """§6.2.2: the items stored, in the import file's format."""
        backend = self._backend_for(call.project_id)
        with backend.engine_configuration(call.headers.get("x-engine-id")) as center:
            body = parse_body(KvIdsRequest, call, invalid=LABEL_OR_BODY_INVALID)
            items = center.export_kvs(
                body.ids,
                labels=_labels(call, LABEL_OR_BODY_INVALID),
                exact=call.query.get("match") == "exact",
            )
            return ApiResponse(
                200,
                {
                    "metadata": {"version": EXPORT_VERSION},
                    "data": [item.to_export_dict() for item in items],
                },
            )

    # Control

    def expire_tokens(self, call: ApiCall) -> ApiResponse:
        controlled(self._backend_for, call.project_id).expire_tokens()
        return ApiResponse(204)

    # Helpers

    def _backend(self, call: ApiCall) -> ServiceCombBackend:
        """The project's engines; a project the emulator does not have has none to answer."""
        try:
            return self._backend_for(call.project_id)
        except KeyError:
            raise ENGINE_UNREACHABLE.error(f"no project {call.project_id}") from None

    @contextmanager
    def _registry(self, call: ApiCall) -> Iterator[Registry]:
        with self._backend(call).registry(
            call.path_params["engine_id"],
            call.path_params["engine_project"],
            authorization=call.headers.get("Authorization"),
        ) as registry:
            yield registry

    @contextmanager
    def _config_center(self, call: ApiCall) -> Iterator[ConfigCenter]:
        with self._backend(call).config_center(
            call.path_params["engine_id"],
            call.path_params["engine_project"],
            authorization=call.headers.get("Authorization"),
        ) as center:
            yield center


def _is_integer(text: str) -> bool:
    digits = text.removeprefix("-")
    # Bounded, so that int() never meets a number it refuses to read.
    return digits.isascii() and digits.isdigit() and len(digits) <= 18


def _instance_path(call: ApiCall) -> tuple[str, str]:
    return call.path_params["service_id"], call.path_params["instance_id"]


def _consumer_id(call: ApiCall) -> str | None:
    return call.headers.get("X-ConsumerId") or None


def _summary_header(summary: str | None) -> dict[str, str]:
    return {} if summary is None else {"X-Schema-Summary": summary}


def _required(call: ApiCall, name: str) -> str:
    value = call.query.get(name)
    if not value:
        raise INVALID_PARAMETERS.error(f"{name}: required (表7-53, 表7-123)")
    return value


def _force(call: ApiCall) -> bool:
    force = call.query.get("force", "false")
    if force not in ("true", "false"):
        raise INVALID_PARAMETERS.error("force: true or false (表7-14, 表7-40)")
    return force == "true"


def _flag(call: ApiCall, name: str, source: str) -> bool:
    value = call.query.get(name, "0")
    if value not in ("0", "1"):
        raise INVALID_PARAMETERS.error(f"{name}: 0 or 1 ({source})")
    return value == "1"


def _tags(call: ApiCall) -> list[str]:
    tags = [tag for tag in call.query.get("tags", "").split(",") if tag]
    if not all(TAG_PATTERN.fullmatch(tag) for tag in tags):
        raise INVALID_PARAMETERS.error(TAGS.message())
    return tags


def _labels(call: ApiCall, invalid: ErrorCode) -> dict[str, str]:
    labels = parse_labels(call.query.getlist("label"))
    if labels is None:
        raise invalid.error("label: {key}:{value} (表6-2, 表6-11, 表7-179)")
    return labels


def _import_file(call: ApiCall) -> list[Any]:
    """The ``data`` list of the uploaded file (表6-4), or the 表11-3 answer to a bad file."""
    if not call.content_type.startswith("multipart/form-data"):
        raise DYNAMIC_CONFIG_INVALID.error("Content-Type: must be multipart/form-data")
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": call.content_type,
        "CONTENT_LENGTH": str(len(call.body)),
        "wsgi.input": io.BytesIO(call.body),
    }
    _, _, files = parse_form_data(environ)
    try:
        upload = files.get("upload_file")
        if upload is None or not (upload.filename or "").endswith(".json"):
            raise FILE_EMPTY.error("upload_file: a file named *.json is required")
        content = upload.read()
    finally:
        for _, file in files.items(multi=True):
            file.close()
    if not content.strip():
        raise FILE_EMPTY.error("upload_file is empty")
    if json_depth(content) > MAX_JSON_DEPTH:
        raise FILE_INVALID.error(f"the file nests more than {MAX_JSON_DEPTH} levels")
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise FILE_INVALID.error("the file is not JSON") from None
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, list):
        raise FILE_INVALID.error('the file must hold {"data": [items]}')
    return data
