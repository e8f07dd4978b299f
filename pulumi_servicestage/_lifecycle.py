"""The generic REST lifecycle behind every resource of this package.

A resource declares itself with a `RestProvider` subclass: its argument model, its paths, how its
id is built, what forces replacement and what the service computes. This module maps the
dynamic-provider calls onto that declaration:

- `check` validates the inputs with the argument model at preview time, reporting each failure
  under its property path; values still unknown during preview are left for the next check.
- `diff` compares the new inputs with the input part of the old outputs (the engine hands diff the
  old *outputs*); computed fields never take part.
- `create`/`update`/`delete` send the request and, where the service answers with a job, wait for
  it. A create whose job fails, times out or cannot be read deletes what it created before
  raising, so no untracked object is left behind (the engine records nothing when create
  raises); where that delete, or reading the new object back, fails, the error names the
  `adopt_id` that takes the object over.
- `read` refreshes the outputs from the service, projected onto the shape of the user's inputs so
  that server-side defaults do not show up as drift; an object that is gone is reported as gone.

Numbers arrive from the engine as floats and top-level None values are dropped; both are
harmless here because the models coerce and comparisons strip None.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import _runtime
from .client.errors import NotFoundError, ServiceStageError
from .client.http import ApiClient
from .config import stack_config_from
from .jobs import JobWaiter, polls

PROVIDER_KEY = "__provider"


class Timeouts(BaseModel):
    """How long to wait for the service, in seconds.

    Pulumi's `customTimeouts` option never reaches a dynamic provider, so waits are bounded by
    this resource argument instead.
    """

    model_config = ConfigDict(extra="forbid")

    create: float | None = Field(default=None, gt=0)
    update: float | None = Field(default=None, gt=0)
    delete: float | None = Field(default=None, gt=0)


DEFAULT_TIMEOUTS = Timeouts(create=20 * 60, update=20 * 60, delete=10 * 60)


class ResourceArgs(BaseModel):
    """Base of every argument model: unknown fields are errors, so typos fail at preview."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    timeouts: Timeouts | None = None
    adopt_id: str | None = Field(
        default=None,
        description=(
            "Id of an existing object to take under management instead of creating one "
            "(the Python dynamic provider host cannot serve `pulumi import`)."
        ),
    )

    def timeout(self, operation: str) -> float:
        chosen = getattr(self.timeouts, operation, None) if self.timeouts else None
        return float(chosen or getattr(DEFAULT_TIMEOUTS, operation))


# Arguments that steer the provider and never reach the API.
LOCAL_FIELDS = frozenset({"timeouts", "adopt_id"})

ArgsT = TypeVar("ArgsT", bound=ResourceArgs)


@dataclass(frozen=True)
class ObjectRef:
    """Where an object lives: the values of its path parameters, in id order."""

    parts: dict[str, str]

    def resource_id(self) -> str:
        return "/".join(self.parts.values())


class ServiceStageProvider(ResourceProvider):
    """Base of every provider of the package: configured from the stack config at run time,
    checking its inputs against `args_model`."""

    # Pickled by reference and holding no state, the provider is a few dozen bytes and carries no
    # secret, so it need not be encrypted in the state.
    serialize_as_secret_always = False

    args_model: ClassVar[type[BaseModel]]

    def configure(self, req: ConfigureRequest) -> None:
        _runtime.configure(stack_config_from(req.config.get))

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = [CheckFailure(path, reason) for path, reason in self.input_failures(news)]
        return CheckResult(news, failures)

    def input_failures(self, news: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(property path, reason) of every rule the inputs break, unknown values aside."""
        inputs = {key: value for key, value in news.items() if key != PROVIDER_KEY}
        return validation_failures(self.args_model, inputs)


class RestProvider(ServiceStageProvider, Generic[ArgsT]):
    """A dynamic provider whose object is a REST resource; subclasses only declare."""

    args_model: ClassVar[type[ResourceArgs]]
    #: Singular name used in messages ("component").
    noun: ClassVar[str]
    #: Path of the collection, with `{project_id}` and the path parameters that precede the id.
    collection_path: ClassVar[str]
    #: Path parameters that make up the resource id, in order; the last one is the object's own id.
    id_fields: ClassVar[tuple[str, ...]]
    #: Key of the new object's id in the create response.
    created_id_key: ClassVar[str] = "id"
    #: Input fields whose change needs a new object.
    replace_on: ClassVar[frozenset[str]] = frozenset()
    #: Input fields the create body has and the modify body must not.
    create_only: ClassVar[frozenset[str]] = frozenset()
    #: Output fields computed by the service, copied from its answer.
    computed: ClassVar[tuple[str, ...]] = ()
    #: Dotted paths the service never echoes back (credentials); refresh keeps the known value.
    write_only: ClassVar[frozenset[str]] = frozenset()
    #: Whether a delete is finished only once a read answers "not found".
    delete_is_asynchronous: ClassVar[bool] = False
    #: The service client (attribute of `_runtime.Clients`) that serves the object.
    service: ClassVar[str] = "servicestage"

    # -- declaration helpers, overridable where a resource's API differs ------------------------

    @classmethod
    def path_fields(cls) -> tuple[str, ...]:
        """Id fields that come from the arguments (all but the object's own id)."""
        return cls.id_fields[:-1]

    @classmethod
    def input_fields(cls) -> tuple[str, ...]:
        return tuple(cls.args_model.model_fields)

    def create_body(self, args: ArgsT) -> dict[str, Any]:
        return self._body(args, exclude=LOCAL_FIELDS | set(self.path_fields()))

    def update_body(self, args: ArgsT) -> dict[str, Any]:
        return self._body(args, exclude=LOCAL_FIELDS | set(self.path_fields()) | self.create_only)

    @staticmethod
    def _body(args: ArgsT, *, exclude: Iterable[str]) -> dict[str, Any]:
        return args.model_dump(mode="json", by_alias=True, exclude_none=True, exclude=set(exclude))

    def computed_outputs(self, server: Mapping[str, Any]) -> dict[str, Any]:
        return {key: server.get(key) for key in self.computed}

    # -- paths and ids ---------------------------------------------------------------------------

    def _ref_from_id(self, resource_id: str) -> ObjectRef:
        values = resource_id.split("/")
        if len(values) != len(self.id_fields) or not all(values):
            expected = "/".join(f"<{name}>" for name in self.id_fields)
            raise ServiceStageError(
                f"invalid {self.noun} id {resource_id!r}: expected the form {expected}"
            )
        return ObjectRef(dict(zip(self.id_fields, values, strict=True)))

    def _ref_for_new(self, args: ArgsT, own_id: str) -> ObjectRef:
        parts = {name: str(getattr(args, name)) for name in self.path_fields()}
        parts[self.id_fields[-1]] = own_id
        return ObjectRef(parts)

    def _collection(self, args: ArgsT) -> str:
        project_id = _runtime.clients().settings.project_id
        parts = {name: getattr(args, name) for name in self.path_fields()}
        return self.collection_path.format(project_id=project_id, **parts)

    def _item(self, ref: ObjectRef) -> str:
        project_id = _runtime.clients().settings.project_id
        collection = self.collection_path.format(project_id=project_id, **ref.parts)
        return f"{collection}/{ref.parts[self.id_fields[-1]]}"

    # -- the dynamic provider interface ------------------------------------------------------------

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [
            field
            for field in self.input_fields()
            if field != "adopt_id" and may_differ(olds.get(field), news.get(field))
        ]
        replaces = [field for field in changed if field in self.replace_on]
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            delete_before_replace=bool(replaces) and self.replace_needs_delete_first(),
        )

    def replace_needs_delete_first(self) -> bool:
        """Whether a replacement must free the old object first (e.g. its name is unique)."""
        return False

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = self._parse(props)
        if args.adopt_id:
            ref = self._ref_from_id(args.adopt_id)
            self._adopt(ref, args)
            return CreateResult(ref.resource_id(), self._outputs(args, ref, self._fetch(ref)))
        ref = self._create_object(args)
        try:
            server = self._fetch(ref)
        except ServiceStageError as failure:
            # The engine records nothing of a create that raises: name what now exists.
            raise ServiceStageError(
                f"{failure}. The {self.noun} {ref.resource_id()} was created but could not be "
                f"read back; take it over by setting adopt_id={ref.resource_id()!r}"
            ) from failure
        return CreateResult(ref.resource_id(), self._outputs(args, ref, server))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        ref = self._ref_from_id(id_)
        try:
            server = self._fetch(ref)
        except NotFoundError:
            return ReadResult(None, {})
        known = {key: props[key] for key in self.input_fields() if key in props}
        inputs = {**self._inputs_from_server(server, known, ref), **_local_only(known)}
        return ReadResult(id_, {**inputs, **ref.parts, **self.computed_outputs(server)}, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args = self._parse(news)
        ref = self._ref_from_id(id_)
        if self._api_fields_differ(olds, news):
            self._update_object(ref, args)
        return UpdateResult(self._outputs(args, ref, self._fetch(ref)))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        args = self._parse_lenient(props)
        self._delete_object(self._ref_from_id(id_), timeout=args.timeout("delete"))

    # -- the steps ---------------------------------------------------------------------------------

    def _create_object(self, args: ArgsT) -> ObjectRef:
        answer = self._client().post(self._collection(args), self.create_body(args)) or {}
        own_id = answer.get(self.created_id_key)
        if not own_id:
            raise ServiceStageError(
                f"the service created a {self.noun} but its answer has no "
                f"`{self.created_id_key}`: {answer}"
            )
        ref = self._ref_for_new(args, str(own_id))
        job_id = answer.get("job_id")
        if job_id:
            try:
                self._wait_for_job(
                    str(job_id), f"create {self.noun} {args_name(args)}", args.timeout("create")
                )
            except ServiceStageError as failure:
                # A failed job, or a wait cut short by a read that failed: the object exists.
                self._clean_up_failed_create(ref, args, failure)
        return ref

    def _clean_up_failed_create(
        self, ref: ObjectRef, args: ArgsT, failure: ServiceStageError
    ) -> None:
        try:
            self._delete_object(ref, timeout=args.timeout("delete"))
        except ServiceStageError as cleanup_failure:
            raise ServiceStageError(
                f"{failure}. The {self.noun} {ref.resource_id()} it left behind could not be "
                f"deleted ({cleanup_failure}); delete it, or take it over by setting "
                f"adopt_id={ref.resource_id()!r}"
            ) from failure
        raise ServiceStageError(
            f"{failure}. The {self.noun} {ref.resource_id()} was deleted again, so nothing was "
            "left behind"
        ) from failure

    def _adopt(self, ref: ObjectRef, args: ArgsT) -> None:
        try:
            server = self._fetch(ref)
        except NotFoundError:
            raise ServiceStageError(
                f"adopt_id {ref.resource_id()!r}: no such {self.noun}"
            ) from None
        for name in self.path_fields():
            if str(getattr(args, name)) != ref.parts[name]:
                raise ServiceStageError(
                    f"adopt_id {ref.resource_id()!r} belongs to {name} {ref.parts[name]!r}, "
                    f"but the arguments say {getattr(args, name)!r}"
                )
        wanted = self._body(args, exclude=LOCAL_FIELDS)
        current = self._inputs_from_server(server, wanted, ref)
        # The modify body leaves create-only fields out: a difference there would be recorded as
        # applied while the object kept its own value, and the next refresh would replace it.
        unchangeable = [
            f"{field} is {current[field]!r}, the arguments say {wanted[field]!r}"
            for field in sorted(self.create_only)
            if field in current
            and field in wanted
            and comparable(current[field]) != comparable(wanted[field])
        ]
        if unchangeable:
            raise ServiceStageError(
                f"adopt_id {ref.resource_id()!r}: {'; '.join(unchangeable)}, which cannot be "
                f"changed on an existing {self.noun}; set the arguments to its values, or leave "
                "out adopt_id to create a new one"
            )
        if comparable(current) != comparable(wanted):
            self._update_object(ref, args)

    def _update_object(self, ref: ObjectRef, args: ArgsT) -> None:
        answer = self._client().put(self._item(ref), self.update_body(args)) or {}
        job_id = answer.get("job_id") if isinstance(answer, dict) else None
        if job_id:
            self._wait_for_job(
                str(job_id), f"modify {self.noun} {args_name(args)}", args.timeout("update")
            )

    def _delete_object(self, ref: ObjectRef, *, timeout: float) -> None:
        try:
            answer = self._client().delete(self._item(ref)) or {}
        except NotFoundError:
            return
        job_id = answer.get("job_id") if isinstance(answer, dict) else None
        if job_id:
            self._wait_for_job(str(job_id), f"delete {self.noun} {ref.resource_id()}", timeout)
        if self.delete_is_asynchronous:
            self._wait_until_gone(ref, timeout)

    def _wait_until_gone(self, ref: ObjectRef, timeout: float) -> None:
        for _ in polls(timeout):
            try:
                self._fetch(ref)
            except NotFoundError:
                return
        raise ServiceStageError(
            f"{self.noun} {ref.resource_id()} still exists {timeout:g} s after it was "
            "deleted; raise this resource's `timeouts.delete` to wait longer"
        )

    def _wait_for_job(self, job_id: str, description: str, timeout: float) -> None:
        clients = _runtime.clients()
        JobWaiter(clients.servicestage, clients.settings.project_id).wait(
            job_id, description=description, timeout=timeout
        )

    def _fetch(self, ref: ObjectRef) -> dict[str, Any]:
        answer = self._client().get(self._item(ref))
        return answer if isinstance(answer, dict) else {}

    def _client(self) -> ApiClient:
        client: ApiClient = getattr(_runtime.clients(), self.service)
        return client

    # -- values ------------------------------------------------------------------------------------

    def _parse(self, props: Mapping[str, Any]) -> ArgsT:
        inputs = {k: v for k, v in props.items() if k in self.args_model.model_fields}
        try:
            return self.args_model.model_validate(inputs)  # type: ignore[return-value]
        except ValidationError as error:
            failures = "; ".join(f"{path}: {reason}" for path, reason in validation_errors(error))
            raise ServiceStageError(f"invalid {self.noun} arguments: {failures}") from None

    def _parse_lenient(self, props: Mapping[str, Any]) -> ResourceArgs:
        """Only the local settings, for delete: old state must not block a delete."""
        try:
            return ResourceArgs.model_validate({k: props.get(k) for k in LOCAL_FIELDS})
        except ValidationError:
            return ResourceArgs()

    def _outputs(self, args: ArgsT, ref: ObjectRef, server: Mapping[str, Any]) -> dict[str, Any]:
        return {
            **self._body(args, exclude=()),
            **ref.parts,
            **self.computed_outputs(server),
        }

    @classmethod
    def output_only_fields(cls) -> tuple[str, ...]:
        """Outputs that are not arguments: the id parts and what the service computes."""
        inputs = set(cls.input_fields())
        return tuple(f for f in (*cls.id_fields, *cls.computed) if f not in inputs)

    def _inputs_from_server(
        self, server: Mapping[str, Any], known: Mapping[str, Any], ref: ObjectRef
    ) -> dict[str, Any]:
        """The service's view of the input fields, shaped like the user's inputs.

        With no known inputs (a `get` of an existing object) every input field the service
        reports is returned.
        """
        api_fields = [f for f in self.input_fields() if f not in LOCAL_FIELDS]
        result: dict[str, Any] = {}
        for field in api_fields:
            if field in ref.parts:
                result[field] = ref.parts[field]
            elif known and field not in known:
                continue
            elif server.get(field) is not None:
                result[field] = project(
                    server[field], known.get(field, _ANY), field, self.write_only
                )
            elif field in known and field in self.write_only:
                result[field] = known[field]
        return result

    def _api_fields_differ(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        return any(
            comparable(olds.get(field)) != comparable(news.get(field))
            for field in self.input_fields()
            if field not in LOCAL_FIELDS
        )


def args_name(args: ResourceArgs) -> str:
    name = getattr(args, "name", None)
    return repr(name) if name else ""


# -- validation ---------------------------------------------------------------------------------


def validation_failures(model: type[BaseModel], inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Validate inputs that may hold preview-time unknowns; return (property path, reason) pairs.

    Unknown values are validated as absent; failures at, below or above an unknown value are
    dropped, because the check that runs once the value is known will report them.
    """
    unknown_paths: list[tuple[Any, ...]] = []
    known = _without_unknowns(inputs, (), unknown_paths)
    try:
        model.model_validate(known)
    except ValidationError as error:
        return [
            (path, reason)
            for (path, reason), loc in zip(validation_errors(error), _locs(error), strict=True)
            if not any(_related(loc, unknown) for unknown in unknown_paths)
        ]
    return []


def validation_errors(error: ValidationError) -> list[tuple[str, str]]:
    return [(_property_path(e["loc"]), _reason(e)) for e in error.errors()]


def _locs(error: ValidationError) -> list[tuple[Any, ...]]:
    return [tuple(e["loc"]) for e in error.errors()]


def _reason(error: Any) -> str:
    message = str(error["msg"])
    if error["type"] == "extra_forbidden":
        return "unknown argument; check its spelling against the resource's arguments"
    return message.removeprefix("Value error, ")


def _property_path(loc: Iterable[Any]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part:
            path += f".{part}" if path else str(part)
    return path


def _related(loc: tuple[Any, ...], unknown: tuple[Any, ...]) -> bool:
    shorter = min(len(loc), len(unknown))
    return loc[:shorter] == unknown[:shorter]


def is_unknown(value: Any) -> bool:
    return isinstance(value, pulumi.output.Unknown)


def _without_unknowns(
    value: Any, path: tuple[Any, ...], unknown_paths: list[tuple[Any, ...]]
) -> Any:
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            if is_unknown(item):
                unknown_paths.append((*path, key))
            else:
                kept[key] = _without_unknowns(item, (*path, key), unknown_paths)
        return kept
    if isinstance(value, list):
        items: list[Any] = []
        for index, item in enumerate(value):
            if is_unknown(item):
                unknown_paths.append((*path, index))
                items.append(None)
            else:
                items.append(_without_unknowns(item, (*path, index), unknown_paths))
        return items
    return value


# -- comparing and projecting values ------------------------------------------------------------


def may_differ(old: Any, new: Any) -> bool:
    """Whether an input changed, counting a value still unknown at preview as a change."""
    return is_unknown(new) or comparable(old) != comparable(new)


def comparable(value: Any) -> Any:
    """A value with None members dropped, so absent and null compare equal; 2 == 2.0 already."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


class _AnyShape:
    """Template meaning "take the service's value as it is"."""


_ANY = _AnyShape()


def project(server: Any, template: Any, path: str, write_only: frozenset[str]) -> Any:
    """Cut the service's value down to the keys the user set, recursively.

    Keys the user did not set are server-side defaults and are dropped; keys the user set but
    the service lacks stay absent, which shows up as drift on the next diff, except for
    write-only paths, whose known value is kept.
    """
    if isinstance(template, _AnyShape):
        return server
    if isinstance(template, dict) and isinstance(server, dict):
        result = {}
        for key, wanted in template.items():
            child = f"{path}.{key}"
            if server.get(key) is not None:
                result[key] = project(server[key], wanted, child, write_only)
            elif child in write_only:
                result[key] = wanted
        return result
    if isinstance(template, list) and isinstance(server, list) and len(template) == len(server):
        return [
            project(item, wanted, f"{path}.*", write_only)
            for item, wanted in zip(server, template, strict=True)
        ]
    return server


def _local_only(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in LOCAL_FIELDS}


# -- the program side ------------------------------------------------------------------------------


def resource_props(
    args_model: type[BaseModel],
    inputs: Mapping[str, Any],
    *,
    computed: Iterable[str],
    secret_paths: Iterable[str] = (),
) -> dict[str, Any]:
    """Props for `pulumi.dynamic.Resource.__init__`, built in the user's program.

    Rejects unknown argument names at once, marks credential fields secret, and adds every
    computed output as None so that it becomes an attribute of the resource.
    """
    unknown = sorted(set(inputs) - set(args_model.model_fields))
    if unknown:
        raise TypeError(
            f"unknown argument(s) {', '.join(unknown)}; expected some of: "
            f"{', '.join(args_model.model_fields)}"
        )
    props: dict[str, Any] = {name: inputs.get(name) for name in args_model.model_fields}
    for path in secret_paths:
        top, *rest = path.split(".")
        props[top] = _with_secret(props.get(top), rest)
    for name in computed:
        props.setdefault(name, None)
    return props


def _with_secret(value: Any, path: list[str]) -> Any:
    """`value` with the member at `path` made secret; `*` stands for every item of a list."""
    if value is None:
        return None
    if not path:
        return pulumi.Output.secret(value)
    head, *rest = path
    if isinstance(value, dict):
        return {**value, head: _with_secret(value[head], rest)} if head in value else value
    if isinstance(value, list) and head == "*":
        return [_with_secret(item, rest) for item in value]
    if isinstance(value, pulumi.Output):
        # Its shape is not known until it resolves: keep all of it secret.
        return pulumi.Output.secret(value)
    return value


class RestResource(pulumi.dynamic.Resource):
    """Base of the resource classes users declare in their programs.

    Arguments are keyword arguments named as in the API (`name`, `vpc_id`, ...), plus `timeouts`
    and `adopt_id`; every argument and computed field is an output attribute of the same name.
    """

    provider_class: ClassVar[type[RestProvider[Any]]]
    #: Dotted paths of credential fields, kept secret in the state.
    secret_paths: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **args: Any
    ) -> None:
        provider = self.provider_class()
        props = resource_props(
            provider.args_model,
            args,
            computed=provider.output_only_fields(),
            secret_paths=self.secret_paths,
        )
        super().__init__(provider, resource_name, props, opts)

    @classmethod
    def get(
        cls, resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> Any:
        """Read an existing object into the program without managing it."""
        return cls(resource_name, pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)))
