"""The package's resources as a Pulumi resource provider plugin, served over gRPC.

The second front end beside the dynamic providers, over the same lifecycle, models and client:
each request is translated (property names, timeouts, the resource's ownership marker) and
handed to the resource's own provider class, so no resource logic exists twice. What a plugin
gives that the dynamic host cannot:

- `pulumi import` and `.get`: `Read` by id alone;
- one provider per region or account: each explicit provider is its own plugin process, each
  `Configure`d with its own `servicestage:*` settings;
- `customTimeouts`: the request's timeout bounds the waits of create, update and delete;
- detailed diffs: per property add, update or delete, and which replace;
- progress: while a job runs, its state goes to the engine's log for the resource;
- `Cancel`: every wait stops within a second, leaving objects the next run reconciles;
- every Pulumi language, through the schema (`GetSchema`).

The engine starts it as ``pulumi-resource-servicestage [flags] <engine address>`` and reads the
port it prints. This module is not `plugin`: that is the ServiceStage `Plugin` resource.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator, Mapping
from concurrent import futures
from contextlib import contextmanager, suppress
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    plugin_pb2,
    provider_pb2,
    provider_pb2_grpc,
)

import pulumi_servicestage

from . import _runtime
from ._lifecycle import OWNER_KEY, RestResource, comparable, owner_marker, strip_secrets
from ._lookup import answering_invoke
from ._schema import resource_classes, token
from ._schema_names import camel, from_schema, snake, to_schema
from .client import clock
from .client.errors import ServiceStageError
from .config import ALL_SETTINGS, NAMESPACE
from .jobs import PROGRESS

#: The least time between two progress lines of one resource, unless its job's state changes.
PROGRESS_INTERVAL_SECONDS = 5.0


class ProviderServer(provider_pb2_grpc.ResourceProviderServicer):
    """The provider protocol, each call handed to the resource's own provider class."""

    def __init__(self, engine_address: str | None) -> None:
        self._engine = (
            engine_pb2_grpc.EngineStub(grpc.insecure_channel(engine_address))
            if engine_address
            else None
        )
        self._resources = {token(item.__name__): item for item in resource_classes()}

    # -- plugin and configuration ---------------------------------------------------------------

    def GetPluginInfo(self, request: Any, context: Any) -> Any:
        return plugin_pb2.PluginInfo(version=pulumi_servicestage.__version__)

    def GetSchema(self, request: Any, context: Any) -> Any:
        from ._schema import package_schema

        return provider_pb2.GetSchemaResponse(schema=json.dumps(package_schema()))

    def CheckConfig(self, request: Any, context: Any) -> Any:
        news = rpc.deserialize_properties(request.news, True)
        failures = [
            provider_pb2.CheckFailure(property=key, reason=_unknown_setting(key))
            for key in news
            if key not in _SETTING_KEYS and not key.startswith("__")
        ]
        return provider_pb2.CheckResponse(inputs=request.news, failures=failures)

    def DiffConfig(self, request: Any, context: Any) -> Any:
        olds = rpc.deserialize_properties(request.olds, True)
        news = rpc.deserialize_properties(request.news, True)
        changed = sorted(
            key for key in {*olds, *news} if comparable(olds.get(key)) != comparable(news.get(key))
        )
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME
            if changed
            else provider_pb2.DiffResponse.DIFF_NONE,
            diffs=changed,
        )

    def Configure(self, request: Any, context: Any) -> Any:
        given = {
            **dict(request.variables),
            **{
                f"{NAMESPACE}:{key}": rpc.unwrap_rpc_secret(value)
                for key, value in rpc.deserialize_properties(request.args).items()
                if value is not None
            },
        }
        _runtime.configure(given)
        with _answered(context):
            _runtime.validate_settings()
        return provider_pb2.ConfigureResponse(
            acceptSecrets=True, supportsPreview=True, acceptResources=False
        )

    # -- resources ------------------------------------------------------------------------------

    def Check(self, request: Any, context: Any) -> Any:
        resource = self._resource(request.urn, context)
        provider = resource.provider_class()
        olds = _arguments(resource, rpc.deserialize_properties(request.olds, True))
        news = _arguments(resource, rpc.deserialize_properties(request.news, True))
        news[OWNER_KEY] = _owner(request.urn, resource)
        with _answered(context):
            result = provider.check(olds, news)
        failures = [
            provider_pb2.CheckFailure(property=_schema_path(f.property), reason=f.reason)
            for f in result.failures
        ]
        return provider_pb2.CheckResponse(
            inputs=_serialized(_properties(resource, result.inputs)), failures=failures
        )

    def Diff(self, request: Any, context: Any) -> Any:
        resource = self._resource(request.urn, context)
        provider = resource.provider_class()
        olds = _arguments(resource, rpc.deserialize_properties(request.olds, True))
        news = _arguments(resource, rpc.deserialize_properties(request.news, True))
        with _answered(context):
            result = provider.diff(request.id, olds, news)
        replaces = set(result.replaces or [])
        detailed = {}
        for name in provider.args_model.model_fields:
            before, after = olds.get(name), news.get(name)
            if comparable(before) == comparable(after) and name not in replaces:
                continue
            if before is None:
                kind = "ADD"
            elif after is None:
                kind = "DELETE"
            else:
                kind = "UPDATE"
            kind += "_REPLACE" if name in replaces else ""
            detailed[camel(name)] = provider_pb2.PropertyDiff(
                kind=provider_pb2.PropertyDiff.Kind.Value(kind), inputDiff=True
            )
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME
            if result.changes
            else provider_pb2.DiffResponse.DIFF_NONE,
            replaces=[camel(name) for name in sorted(replaces)],
            deleteBeforeReplace=bool(result.delete_before_replace),
            diffs=sorted(detailed),
            detailedDiff=detailed,
            hasDetailedDiff=True,
        )

    def Create(self, request: Any, context: Any) -> Any:
        resource = self._resource(request.urn, context)
        provider = resource.provider_class()
        props = _arguments(resource, rpc.deserialize_properties(request.properties, True))
        if request.preview:
            # Nothing is created in a preview: the outputs are the inputs, the rest unknown.
            outs = {**props, **{name: rpc.UNKNOWN for name in provider.output_only_fields()}}
            return provider_pb2.CreateResponse(properties=_serialized(_properties(resource, outs)))
        props[OWNER_KEY] = _owner(request.urn, resource)
        with _answered(context), self._progress(request.urn):
            result = provider.create(_with_timeout(props, "create", request.timeout))
        outs = _properties(resource, result.outs or {})
        return provider_pb2.CreateResponse(id=result.id, properties=_serialized(outs))

    def Read(self, request: Any, context: Any) -> Any:
        resource = self._resource(request.urn, context)
        provider = resource.provider_class()
        # `pulumi import` and `.get` send the id alone: the read then takes what the service
        # shows as the inputs.
        props = _arguments(resource, rpc.deserialize_properties(request.properties))
        inputs = _arguments(resource, rpc.deserialize_properties(request.inputs))
        with _answered(context):
            result = provider.read(request.id, {**inputs, **props})
        answer: dict[str, Any] = {"id": result.id or ""}
        if result.id:
            answer["properties"] = _serialized(_properties(resource, result.outs or {}))
            if result.inputs is not None:
                answer["inputs"] = _serialized(_properties(resource, result.inputs))
        return provider_pb2.ReadResponse(**answer)

    def Update(self, request: Any, context: Any) -> Any:
        resource = self._resource(request.urn, context)
        provider = resource.provider_class()
        olds = _arguments(resource, rpc.deserialize_properties(request.olds, True))
        news = _arguments(resource, rpc.deserialize_properties(request.news, True))
        if request.preview:
            outs = {**olds, **news}
            return provider_pb2.UpdateResponse(properties=_serialized(_properties(resource, outs)))
        news[OWNER_KEY] = _owner(request.urn, resource)
        with _answered(context), self._progress(request.urn):
            result = provider.update(
                request.id, olds, _with_timeout(news, "update", request.timeout)
            )
        return provider_pb2.UpdateResponse(
            properties=_serialized(_properties(resource, result.outs or {}))
        )

    def Delete(self, request: Any, context: Any) -> Any:
        resource = self._resource(request.urn, context)
        provider = resource.provider_class()
        props = _arguments(resource, rpc.deserialize_properties(request.properties))
        with _answered(context), self._progress(request.urn):
            provider.delete(request.id, _with_timeout(props, "delete", request.timeout))
        return empty_pb2.Empty()

    def Cancel(self, request: Any, context: Any) -> Any:
        # Every wait stops within a second (`client.clock`), raising an error that names the
        # object it left; the next run completes or cleans up what was started.
        clock.request_stop()
        return empty_pb2.Empty()

    # -- functions ------------------------------------------------------------------------------

    def Invoke(self, request: Any, context: Any) -> Any:
        from ._schema import FUNCTIONS, function_outputs

        function = FUNCTIONS.get(request.tok)
        if function is None:
            return context.abort(grpc.StatusCode.NOT_FOUND, f"no function {request.tok}")
        args = {
            snake(key): value
            for key, value in strip_secrets(rpc.deserialize_properties(request.args)).items()
        }
        with _answered(context), answering_invoke():
            answer = function(**args)
        return provider_pb2.InvokeResponse(**{"return": _serialized(function_outputs(answer))})

    # -- helpers --------------------------------------------------------------------------------

    def _resource(self, urn: str, context: Any) -> type[RestResource]:
        token = urn.split("::")[2].split("$")[-1] if urn.count("::") >= 3 else ""
        resource = self._resources.get(token)
        if resource is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"unknown resource type {token!r}")
        return resource  # type: ignore[return-value]

    @contextmanager
    def _progress(self, urn: str) -> Iterator[None]:
        """While the call runs, what its job waits report goes to the engine's log for `urn`."""
        if self._engine is None:
            yield
            return
        engine = self._engine
        last: dict[str, Any] = {"text": "", "at": 0.0}

        def hear(text: str) -> None:
            now = clock.now()
            if text == last["text"] and now - last["at"] < PROGRESS_INTERVAL_SECONDS:
                return
            last.update(text=text, at=now)
            # A log line lost is no reason to fail the deployment.
            with suppress(grpc.RpcError):
                engine.Log(engine_pb2.LogRequest(severity=engine_pb2.INFO, message=text, urn=urn))

        token = PROGRESS.set(hear)
        try:
            yield
        finally:
            PROGRESS.reset(token)


_SETTING_KEYS = frozenset(setting.key for setting in ALL_SETTINGS)


def _unknown_setting(key: str) -> str:
    known = ", ".join(sorted(_SETTING_KEYS))
    return f"unknown setting {key!r}; the provider takes {known}"


def _owner(urn: str, resource: type[RestResource]) -> str:
    """The ownership marker the dynamic front end gives the same resource (`urn:pulumi:stack::
    project::type::name`), so that either front end recognises the other's objects."""
    _, stack = urn.split("::")[0].rsplit(":", 1)
    project, name = urn.split("::")[1], urn.split("::")[-1]
    return owner_marker(project, stack, resource.__name__, name)


def _arguments(resource: type[RestResource], properties: Mapping[str, Any]) -> dict[str, Any]:
    """Properties as the engine sends them → as the resource's provider takes them (its
    computed outputs, which old properties carry, by their Python names too)."""
    provider = resource.provider_class
    computed = {camel(name): name for name in provider.output_only_fields()}
    renamed = {
        computed.get(key, key): strip_secrets(value)
        for key, value in _without_internal(properties).items()
    }
    return from_schema(provider.args_model, renamed, top_level=True)


def _properties(resource: type[RestResource], values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as the resource's provider answers them → properties as the schema names them."""
    provider = resource.provider_class
    shown = to_schema(provider.args_model, _without_internal(values), top_level=True)
    computed = set(provider.output_only_fields())
    return {camel(key) if key in computed else key: value for key, value in shown.items()}


def _without_internal(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if not key.startswith("__")}


def _schema_path(path: str) -> str:
    """A failure's property path with its top-level name as the schema writes it."""
    head, separator, rest = path.partition(".")
    bracket = head.find("[")
    if bracket >= 0:
        return camel(head[:bracket]) + head[bracket:] + separator + rest
    return camel(head) + separator + rest


def _with_timeout(props: Mapping[str, Any], operation: str, timeout: float) -> dict[str, Any]:
    """`props` with the engine's `customTimeouts` for `operation`, which win over the
    `timeouts` argument (they are what the user gave Pulumi for this very operation)."""
    if not timeout:
        return dict(props)
    timeouts = dict(props.get("timeouts") or {})
    return {**props, "timeouts": {**timeouts, operation: timeout}}


def _serialized(values: Mapping[str, Any]) -> struct_pb2.Struct:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(dict(values), {}))
    finally:
        loop.close()


@contextmanager
def _answered(context: Any) -> Iterator[None]:
    """A package error answered as one readable line (what failed, where, what to do, the
    service's code), not a traceback; any other exception is a bug and keeps its traceback."""
    try:
        yield
    except ServiceStageError as error:
        context.abort(grpc.StatusCode.UNKNOWN, str(error))


def _engine_address(argv: list[str]) -> str | None:
    """The engine's address: the last argument that is not a flag (`--logtostderr`, `-v=9`)."""
    positional = [argument for argument in argv if not argument.startswith("-")]
    return positional[-1] if positional else None


def serve(engine_address: str | None, *, port: int = 0) -> tuple[grpc.Server, int]:
    """Start the server on 127.0.0.1; answer it and its port."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(ProviderServer(engine_address), server)
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    return server, bound


def main(argv: list[str] | None = None) -> None:
    """The console script `pulumi-resource-servicestage`: serve, print the port, run until
    the engine stops it."""
    server, port = serve(_engine_address(sys.argv[1:] if argv is None else argv))
    print(port, flush=True)
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        server.stop(grace=1)
