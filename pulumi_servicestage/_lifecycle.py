"""The generic REST lifecycle behind every resource of this package, and the guarantees it keeps.

A resource declares itself with a `RestProvider` subclass: its argument model, its paths, how its
id is built, what forces replacement, what the service computes, which fields are secret. Where
its API differs from the plain pattern (POST to create, PUT to modify, DELETE, GET, a job to wait
for), it overrides the public hooks below, and only those: the dynamic-provider calls themselves
(`check`, `diff`, `create`, `read`, `update`, `delete`) and every private method belong to this
module, which wraps the hooks in the guarantees each resource owes its users. Overriding one of
them is refused when the subclass is defined.

Hooks (each documented where it is defined):

- requests: `create_body`, `update_body`, `send_create`, `send_update`, `send_delete`,
  `read_object`, `list_objects`;
- waiting: `settle_create`, `apply_update`, `running_job`, `failure_of`, `wait_for_job`;
- judging: `matches_natural_key`, `matches_create`, `adoption_conflicts`, `update_applied`,
  `keep_failed_create`, `extra_replaces`, `deletes_before_replacing`, `extra_checks`;
- values: `computed_outputs`, `server_inputs`, `listed_id`.

Providers whose object is not a REST object (a task run, an import, part of a list) extend
`ServiceStageProvider`, which keeps `configure` and `check` to itself, and implement the other
calls with the helpers here (`parse_arguments`, `post_once`, `secrets_kept_out_of_errors`).

The guarantees:

- **Nothing untracked.** The engine records nothing of a create that raises. Once the object
  exists, any failure (its job failed, a read failed, the host is shutting down) either deletes
  it again or raises an error that names it and the `adopt_id` that takes it over.
- **Ownership and reconciliation.** Every new object carries the resource's ownership marker:
  a label ``pulumi-owner=<marker>`` where the API has labels; where it has none, the natural
  key (its name in its scope) together with every other field its create sends. The marker is a
  digest of the Pulumi project, stack, resource type and name, computed in the program and
  passed as the hidden input ``__owner``. When a create may have reached the service without
  the answer saying so (`AmbiguousWriteError`), or the service refuses it because the name is
  taken, the provider looks for the object: one carrying this resource's marker is its own and
  is completed (its running job waited for) and recorded, so the next `pulumi up` after a
  killed host finishes what the last one started; one without the marker is never taken
  silently, the error names its id and the `adopt_id` to set. An own object whose create failed
  is deleted and made anew. Updates that may have been carried out are judged by reading the
  object once the job they may have started has ended. Deletes wait out a job the object runs.
- **Adoption waits.** `adopt_id` waits for a job the adopted object still runs, and never reports
  an object whose job failed, or that the service shows failed, as adopted.
- **Secrets on every path.** `secret_fields` are returned as secrets from create, update and
  read, whether or not the service echoes them; errors never quote a secret value.
- **Check returns what is stored.** Check answers the normalized inputs (numbers as numbers,
  booleans as booleans, defaults applied), so a stack whose values came from string config
  shows no change on the next preview; values still unknown in a preview are left as they are.
- **One-line errors.** Check, Diff and Read answer a check failure or a one-line
  `ServiceStageError` on any input, garbage old state included.

Numbers arrive from the engine as floats and top-level None values are dropped; both are
harmless here because the models coerce and comparisons strip None.
"""

from __future__ import annotations

import contextvars
import difflib
import hashlib
import logging
import math
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar, Generic, TypeVar
from urllib.parse import quote

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
from pulumi.runtime import rpc
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from . import _runtime
from ._common import OWNER_LABEL, is_id_segment
from ._docs import ClassHelp, help_text, signature
from .client.clock import ShutdownError, now, pause
from .client.errors import (
    AmbiguousWriteError,
    APIConnectionError,
    APIStatusError,
    NotFoundError,
    ServiceStageError,
)
from .client.http import ApiClient
from .config import stack_config_from
from .jobs import SHARED_READS, DeployJobs, JobWaiter, polls, transient

logger = logging.getLogger(__name__)

PROVIDER_KEY = "__provider"
#: The hidden input carrying the resource's ownership marker (see the module docstring).
OWNER_KEY = "__owner"

# Service answers that mean "this object is busy, ask again once its job has ended": a
# component or plugin whose job runs, a release task whose release runs, an engine whose job runs
# ("the engine in the current state cannot be deleted", PDF 004 §11.3, 表11-2).
BUSY_ERROR_CODES = frozenset(
    {"SVCSTG.00100419", "SVCSTG.00100432", "SVCSTG.00100435", "SVCSTG.00501117"}
)


def owner_marker(project: str, stack: str, resource_type: str, resource_name: str) -> str:
    """The ownership marker of one resource of one stack: 40 hexadecimal characters.

    A label value may have 43 characters at most (PDF 004 tables 4-4, 4-124), and the marker
    must not reveal the stack's names to whoever reads the labels.
    """
    identity = "\x1f".join((project, stack, resource_type, resource_name))
    return hashlib.sha256(identity.encode()).hexdigest()[:40]


class Timeouts(BaseModel):
    """How long to wait for the service, in seconds.

    Pulumi's `customTimeouts` option never reaches a dynamic provider, so waits are bounded by
    this resource argument instead.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    create: float | None = Field(default=None, gt=0)
    """Seconds a create (and the job it starts) may take; 1,200 when unset."""
    update: float | None = Field(default=None, gt=0)
    """Seconds an update (and the job it starts) may take; 1,200 when unset."""
    delete: float | None = Field(default=None, gt=0)
    """Seconds a delete may take until the object is gone; 600 when unset."""


DEFAULT_TIMEOUTS = Timeouts(create=20 * 60, update=20 * 60, delete=10 * 60)


class ResourceArgs(BaseModel):
    """Base of every argument model: unknown fields are errors, so typos fail at preview."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)

    timeouts: Timeouts | None = None
    """Package option, not an API field: how long create, update and delete may wait for the
    service, in seconds (Pulumi's `customTimeouts` never reach a dynamic provider)."""
    adopt_id: str | None = None
    """Package option, not an API field: the id of an existing object to take under management
    instead of creating one (the dynamic provider host cannot serve `pulumi import`). A job the
    object still runs is waited for; arguments that differ from it are then applied as an update,
    except those no update can change, which must match."""
    _owner: str | None = PrivateAttr(default=None)

    @property
    def owner(self) -> str | None:
        """The resource's ownership marker, when the program passed one."""
        return self._owner

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

    def quoted(self) -> dict[str, str]:
        """The parts escaped for a URL path, so that no value can change the request's path."""
        return {name: quote(value, safe="") for name, value in self.parts.items()}


class _Outcome:
    """What a search for the object of an interrupted create found, when it is nothing to use."""

    def __init__(self, meaning: str) -> None:
        self.meaning = meaning

    def __repr__(self) -> str:
        return self.meaning


#: No object has the create's natural key.
_ABSENT = _Outcome("absent")
#: The create's own object had failed and was deleted: a new one is to be made.
_CLEARED = _Outcome("cleared")


@dataclass(frozen=True)
class Created:
    """What a create request left behind: the new object, and the job that builds it."""

    ref: ObjectRef
    job_id: str | None = None


class ServiceStageProvider(ResourceProvider):
    """Base of every provider of the package: configured from the stack config at run time,
    checking and normalizing its inputs against `args_model`, keeping secrets secret."""

    # Pickled by reference and holding no state, the provider is a few dozen bytes and carries no
    # secret, so it need not be encrypted in the state.
    serialize_as_secret_always = False

    #: Methods subclasses must not override (see `__init_subclass__`).
    LIFECYCLE_METHODS: ClassVar[frozenset[str]] = frozenset({"configure", "check"})

    args_model: ClassVar[type[BaseModel]]
    #: Top-level outputs that are always secret: they carry credentials or configuration content.
    secret_fields: ClassVar[tuple[str, ...]] = ()
    #: Dotted paths of secret values inside the inputs (``*`` for every item of a list): the
    #: program marks them secret, and errors never quote them.
    secret_paths: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in cls.__mro__[1:]:
            if base.__module__ != __name__:
                continue
            for name in vars(cls):
                kept = name in getattr(base, "LIFECYCLE_METHODS", ()) or _is_private(name)
                if kept and name in vars(base):
                    raise TypeError(
                        f"{cls.__qualname__}.{name} overrides {base.__name__}.{name}, which "
                        "keeps the lifecycle's guarantees; extend it through the public hooks "
                        f"described in {__name__}"
                    )

    def configure(self, req: ConfigureRequest) -> None:
        stack_config = stack_config_from(req.config.get)
        _runtime.configure(stack_config)
        # A setting that is missing or malformed fails the first call, that is `pulumi
        # preview`, rather than the first write of `pulumi up`.
        _runtime.validate_settings()

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        try:
            failures = self.input_failures(news)
            extra_values, extra_failures = self.extra_checks(olds, news)
            failures += extra_failures
            checked = {**news, **extra_values}
            if not failures and not _contains_unknowns(news):
                checked = {**checked, **self.normalized_inputs(news)}
            else:
                checked = {**self.defaults_of_unset(news), **checked}
        except ServiceStageError as problem:
            return CheckResult(news, [CheckFailure("", str(problem))])
        except Exception as bug:  # the contract: Check answers failures, it does not crash
            return CheckResult(news, [CheckFailure("", _unexpected(bug, "check"))])
        return CheckResult(checked, [CheckFailure(path, reason) for path, reason in failures])

    def input_failures(self, news: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(property path, reason) of every rule the inputs break, unknown values aside."""
        inputs = {key: value for key, value in news.items() if key in self.args_model.model_fields}
        unknown = sorted(key for key in news if key not in self.args_model.model_fields)
        failures = [
            (key, unknown_argument(key, self.args_model.model_fields))
            for key in unknown
            if key not in _HIDDEN_INPUTS and key not in self.derived_inputs()
        ]
        return failures + validation_failures(self.args_model, inputs)

    def normalized_inputs(self, news: Mapping[str, Any]) -> dict[str, Any]:
        """The inputs as the model reads them (what create stores), known and valid inputs only."""
        inputs = {key: value for key, value in news.items() if key in self.args_model.model_fields}
        args = self.args_model.model_validate(inputs)
        return argument_values(args)

    def defaults_of_unset(self, news: Mapping[str, Any]) -> dict[str, Any]:
        """The model's defaults for the fields `news` leave unset (None defaults left out), so
        that leaving an argument out and giving its default compare equal even in a preview."""
        defaults = {}
        for name, field in self.args_model.model_fields.items():
            if name in news or field.is_required():
                continue
            default = field.get_default(call_default_factory=True)
            if default is not None:
                defaults[name] = default
        return defaults

    # -- hooks ---------------------------------------------------------------------------------

    @classmethod
    def output_only_fields(cls) -> tuple[str, ...]:
        """Hook: outputs that are not arguments, made attributes of the program's resource."""
        return ()

    def extra_checks(
        self, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Hook: rules the argument model cannot state (they need the old inputs, or files).

        Returns values to add to the checked inputs (named in `derived_inputs`) and
        (property path, reason) failures.
        """
        return {}, []

    @classmethod
    def derived_inputs(cls) -> frozenset[str]:
        """Hook: inputs that `extra_checks` adds, which the user does not set."""
        return frozenset()

    # -- secrets ---------------------------------------------------------------------------------

    def secret_fields_for(self, values: Mapping[str, Any]) -> tuple[str, ...]:
        """Hook: the top-level fields kept secret for these values (in the program, its
        arguments; in the provider, inputs or outputs): `secret_fields` unless a field's secrecy
        depends on the object, e.g. a configuration value whose key names a credential."""
        return self.secret_fields

    def sealed(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """`values` with every secret field (`secret_fields_for`) wrapped as a secret for the
        engine."""
        sealed = dict(values)
        for name in self.secret_fields_for(values):
            if sealed.get(name) is not None and not rpc.is_rpc_secret(sealed[name]):
                sealed[name] = rpc.wrap_rpc_secret(sealed[name])
        return sealed

    @contextmanager
    def secrets_kept_out_of_errors(self, *property_sets: Mapping[str, Any]) -> Iterator[None]:
        """Re-raise an error that quotes a secret value (itself or an error it chains) without it.

        Error messages, with the errors they chain, reach the CLI and CI logs; a service
        echoing a password or a line of a configuration file must not put it there.
        """
        try:
            yield
        except Exception as error:
            fragments = _quotable(
                value
                for props in property_sets
                for value in secret_values(props, self.secret_paths)
            )
            if not any(fragment in str(link) for link in _chain(error) for fragment in fragments):
                raise
            message = str(error)
            for fragment in fragments:
                message = message.replace(fragment, _REDACTED)
            raise ServiceStageError(message) from None


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


# Inputs the program adds that are not arguments.
_HIDDEN_INPUTS = frozenset({PROVIDER_KEY, OWNER_KEY})


def _unexpected(error: BaseException, call: str) -> str:
    first_line = (str(error).splitlines() or [""])[0]
    return (
        f"pulumi-servicestage could not {call} these values ({type(error).__name__}: "
        f"{first_line}); please report this"
    )


class RestProvider(ServiceStageProvider, Generic[ArgsT]):
    """A dynamic provider whose object is a REST resource; subclasses declare and use hooks."""

    LIFECYCLE_METHODS = frozenset(
        {"configure", "check", "diff", "create", "read", "update", "delete"}
    )

    args_model: ClassVar[type[ResourceArgs]]
    #: Singular name used in messages ("component").
    noun: ClassVar[str]
    #: Path of the collection, with `{project_id}` and the path parameters that precede the id.
    collection_path: ClassVar[str]
    #: Path parameters that make up the resource id, in order; the last one is the object's own id.
    id_fields: ClassVar[tuple[str, ...]]
    #: Key of the new object's id in the create response.
    created_id_key: ClassVar[str] = "id"
    #: Key of the objects in the collection's list answer (`list_objects`); None: not listable.
    list_key: ClassVar[str | None] = None
    #: Arguments that the list takes as query parameters of the same name, narrowing it down.
    list_filters: ClassVar[tuple[str, ...]] = ()
    #: Arguments that name an object within its collection (compared without regard to case).
    natural_key: ClassVar[tuple[str, ...]] = ("name",)
    #: The argument holding the object's ``[{key, value}]`` labels, which then carry the
    #: ownership marker; None for objects without labels.
    marker_labels: ClassVar[str | None] = None
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
    #: Whether the collection's list (`list_key`, without filters) shows every object a read
    #: finds: then the deletes of a collection's objects waiting at once share one list call per
    #: look, instead of a read of each object.
    gone_when_unlisted: ClassVar[bool] = False
    #: Whether a replacement must free the old object first (e.g. its name is unique).
    replace_deletes_first: ClassVar[bool] = False
    #: Whether the modify starts a job (a new deployment): then a modify whose answer was lost is
    #: not sent again blindly, but judged by the object once that job has ended.
    modify_runs_a_job: ClassVar[bool] = False
    #: The service client (attribute of `_runtime.Clients`) that serves the object.
    service: ClassVar[str] = "servicestage"

    # -- hooks: declarations -----------------------------------------------------------------------

    @classmethod
    def path_fields(cls) -> tuple[str, ...]:
        """Id fields that come from the arguments (all but the object's own id)."""
        return cls.id_fields[:-1]

    @classmethod
    def input_fields(cls) -> tuple[str, ...]:
        return tuple(cls.args_model.model_fields)

    @classmethod
    def output_only_fields(cls) -> tuple[str, ...]:
        """Outputs that are not arguments: the id parts and what the service computes."""
        inputs = set(cls.input_fields())
        return tuple(f for f in (*cls.id_fields, *cls.computed) if f not in inputs)

    # -- hooks: requests -------------------------------------------------------------------------

    def create_body(self, args: ArgsT) -> dict[str, Any]:
        """Hook: the body of the create request."""
        return self.request_body(args, exclude=LOCAL_FIELDS | set(self.path_fields()))

    def update_body(self, args: ArgsT) -> dict[str, Any]:
        """Hook: the body of the modify request."""
        excluded = LOCAL_FIELDS | set(self.path_fields()) | self.create_only
        return self.request_body(args, exclude=excluded)

    def send_create(self, args: ArgsT) -> Created:
        """Hook: send the create request and say what it made (raising what the client raises)."""
        answer = self.client().post(self.collection(args), self.create_body(args)) or {}
        own_id = answer.get(self.created_id_key) if isinstance(answer, dict) else None
        if not own_id:
            raise ServiceStageError(
                f"the service created a {self.noun} but its answer has no "
                f"`{self.created_id_key}` (answer keys: {_keys_of(answer)})"
            )
        job_id = answer.get("job_id")
        return Created(self.ref_for_new(args, str(own_id)), str(job_id) if job_id else None)

    def send_update(self, ref: ObjectRef, args: ArgsT) -> str | None:
        """Hook: send the modify request; returns the job it started, if any."""
        answer = self.client().put(
            self.item_path(ref), self.update_body(args), repeatable=not self.modify_runs_a_job
        )
        return _job_of(answer)

    def send_delete(self, ref: ObjectRef, state: Mapping[str, Any] | None) -> str | None:
        """Hook: send the delete request; returns the job it started, if any.

        `state` holds the resource's recorded outputs when the resource is deleted, None when
        the object of a failed create is deleted again.
        """
        return _job_of(self.client().delete(self.item_path(ref)))

    def read_object(self, ref: ObjectRef) -> dict[str, Any]:
        """Hook: the object as the service shows it; raises NotFoundError once it is gone."""
        answer = self.client().get(self.item_path(ref))
        return answer if isinstance(answer, dict) else {}

    def list_objects(self, args: ArgsT) -> Iterable[dict[str, Any]]:
        """Hook: the objects of the collection `args` address, to find one by its natural key;
        each must carry the key `listed_id` reads. Nothing by default where `list_key` is None."""
        if self.list_key is None:
            return ()
        params = {field: getattr(args, field) for field in self.list_filters}
        return self.client().paginate(self.collection(args), self.list_key, params=params)

    def listed_id(self, listed: Mapping[str, Any]) -> str | None:
        """Hook: the own id of an object as `list_objects` shows it."""
        value = listed.get("id")
        return str(value) if value else None

    # -- hooks: waiting --------------------------------------------------------------------------

    def settle_create(self, created: Created, args: ArgsT) -> None:
        """Hook: wait until what the create started has ended (by default its job)."""
        if created.job_id:
            self.wait_for_job(
                created.job_id, f"create {self.noun} {args_name(args)}", args, "create"
            )

    def apply_update(
        self, ref: ObjectRef, args: ArgsT, server: Mapping[str, Any], olds: Mapping[str, Any] | None
    ) -> None:
        """Hook: make the object match `args` and wait until it does.

        `olds` are the previous inputs (None when adopting: then judge from `server`).
        """
        job_id = self.send_update(ref, args)
        if job_id:
            self.wait_for_job(job_id, f"modify {self.noun} {args_name(args)}", args, "update")

    def running_job(self, ref: ObjectRef, server: Mapping[str, Any]) -> str | None:
        """Hook: the job the object is running now, e.g. one an interrupted run left behind."""
        return None

    def failure_of(self, server: Mapping[str, Any]) -> str | None:
        """Hook: why the service shows the object failed (e.g. its deploy failed); None if not."""
        return None

    def wait_for_job(
        self, job_id: str, description: str, args: ResourceArgs, operation: str
    ) -> None:
        """Wait for a deploy job within the `operation` timeout; raises JobError if it fails."""
        clients = _runtime.clients()
        JobWaiter(clients.servicestage, DeployJobs(clients.settings.project_id)).wait(
            job_id, description=description, timeout=args.timeout(operation)
        )

    # -- hooks: judging --------------------------------------------------------------------------

    def matches_natural_key(self, listed: Mapping[str, Any], args: ArgsT) -> bool:
        """Hook: whether a listed object has the natural key `args` give."""
        return all(
            _same_name(listed.get(field), getattr(args, field)) for field in self.natural_key
        )

    def matches_create(self, server: Mapping[str, Any], args: ArgsT, ref: ObjectRef) -> bool:
        """Hook: for objects without labels, whether `server` is what `args` would create. With
        nothing else to recognise it by, only an object that shows exactly what the create
        sends (the natural key and every other field of its body) is taken for this resource's
        own."""
        wanted = self.wanted_inputs(args)
        sent = set(self.argument_named(self.create_body(args)))
        shown = self.server_inputs(server, wanted, ref)
        return all(equivalent(shown.get(field), wanted[field]) for field in wanted if field in sent)

    def adoption_conflicts(
        self, ref: ObjectRef, args: ArgsT, server: Mapping[str, Any]
    ) -> list[str]:
        """Hook: how an object to adopt differs where no update can change it."""
        wanted = self.wanted_inputs(args)
        current = self.server_inputs(server, wanted, ref)
        return [
            f"{field} is {current[field]!r}, the arguments say {wanted[field]!r}"
            for field in sorted(self.create_only)
            if field in current
            and field in wanted
            and comparable(current[field]) != comparable(wanted[field])
        ]

    def update_applied(self, ref: ObjectRef, args: ArgsT, server: Mapping[str, Any]) -> bool:
        """Hook: whether the object already matches `args` (after an update that may have been
        carried out, or before adopting it)."""
        wanted = self.wanted_inputs(args)
        return equivalent(
            self.server_inputs(server, wanted, ref), without_owner_label(wanted, self.marker_labels)
        )

    def keep_failed_create(
        self, ref: ObjectRef, args: ArgsT, failure: ServiceStageError
    ) -> str | None:
        """Hook: why a new object whose create failed must be kept rather than deleted; None
        (the default) deletes it."""
        return None

    def extra_replaces(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """Hook: replacements `replace_on` cannot express (e.g. a nested field)."""
        return []

    def deletes_before_replacing(self, replaces: list[str]) -> bool:
        """Hook: whether a replacement for a change of `replaces` must delete the old object
        first (e.g. because the new one keeps its unique name)."""
        return self.replace_deletes_first

    # -- hooks: values ---------------------------------------------------------------------------

    def computed_outputs(self, server: Mapping[str, Any]) -> dict[str, Any]:
        """Hook: the output-only fields, from the service's view of the object."""
        return {key: server.get(key) for key in self.computed}

    def server_inputs(
        self, server: Mapping[str, Any], known: Mapping[str, Any], ref: ObjectRef
    ) -> dict[str, Any]:
        """Hook: the service's view of the input fields, shaped like the user's inputs.

        With no known inputs (a `get` of an existing object) every input field the service
        reports is returned. The ownership marker is never part of it.
        """
        server = without_owner_label(server, self.marker_labels)
        api_fields = [f for f in self.input_fields() if f not in LOCAL_FIELDS]
        result: dict[str, Any] = {}
        for field in api_fields:
            if field in ref.parts:
                result[field] = ref.parts[field]
            elif known and field not in known:
                continue
            elif server.get(wire := self.args_model.model_fields[field].alias or field) is not None:
                result[field] = project(
                    server[wire], known.get(field, _ANY), field, self.write_only
                )
            elif field in known and field in self.write_only:
                result[field] = known[field]
        return result

    # -- helpers for hooks -------------------------------------------------------------------------

    def client(self) -> ApiClient:
        client: ApiClient = getattr(_runtime.clients(), self.service)
        return client

    def collection(self, args: ArgsT) -> str:
        """The collection path for `args`, its parameters escaped."""
        parts = {name: quote(str(getattr(args, name)), safe="") for name in self.path_fields()}
        return self.collection_path.format(project_id=_project_id(), **parts)

    def collection_of(self, ref: ObjectRef) -> str:
        """The path of the collection the object at `ref` is in, its parameters escaped."""
        return self.collection_path.format(project_id=_project_id(), **ref.quoted())

    def item_path(self, ref: ObjectRef) -> str:
        return f"{self.collection_of(ref)}/{ref.quoted()[self.id_fields[-1]]}"

    def call_inputs(self) -> dict[str, Any]:
        """The inputs of the create, read, update (its new inputs) or delete in progress, secrets
        revealed: for what a hook needs that the object's id does not carry, such as the
        password of the engine whose registry keeps the object. Empty outside such a call."""
        revealed: dict[str, Any] = strip_secrets(dict(_CALL_INPUTS.get()))
        return revealed

    def argument_named(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """A request body's top-level fields named as the arguments (and `server_inputs`) name
        them, for the few whose wire name differs (`sermantAgentInjectActionFlag`)."""
        names = {f.alias: name for name, f in self.args_model.model_fields.items() if f.alias}
        return {names.get(key, key): value for key, value in body.items()}

    def wanted_inputs(self, args: ArgsT) -> dict[str, Any]:
        """What the service should show of the object for `args`: the request body, ownership
        marker included, named as the arguments."""
        return self.argument_named(self.request_body(args, exclude=LOCAL_FIELDS))

    def inputs_differ(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], *, ignoring: Iterable[str] = ()
    ) -> bool:
        """Whether two sets of inputs differ in a field sent to the service."""
        skipped = LOCAL_FIELDS | set(ignoring)
        return any(
            comparable(olds.get(field)) != comparable(news.get(field))
            for field in self.input_fields()
            if field not in skipped
        )

    def ref_for_new(self, args: ArgsT, own_id: str) -> ObjectRef:
        parts = {name: str(getattr(args, name)) for name in self.path_fields()}
        parts[self.id_fields[-1]] = own_id
        return ObjectRef(parts)

    def ref_from_id(self, resource_id: str) -> ObjectRef:
        """The reference a resource id names; a one-line error for a malformed id."""
        values = resource_id.split("/") if isinstance(resource_id, str) else []
        if len(values) != len(self.id_fields) or not all(map(is_id_segment, values)):
            expected = "/".join(f"<{name}>" for name in self.id_fields)
            raise ServiceStageError(
                f"invalid {self.noun} id {resource_id!r}: expected the form {expected}, each "
                "part letters, digits, '-', '_' or '.'"
            )
        return ObjectRef(dict(zip(self.id_fields, values, strict=True)))

    def request_body(self, args: ArgsT, *, exclude: Iterable[str]) -> dict[str, Any]:
        """The arguments as a request body (wire names, unset fields left out), with the
        ownership marker among the labels of objects that have them."""
        body = _dump(args, exclude=exclude)
        if self.marker_labels and args.owner and self.marker_labels not in set(exclude):
            labels = [
                label
                for label in body.get(self.marker_labels) or []
                if label.get("key") != OWNER_LABEL
            ]
            body[self.marker_labels] = [*labels, {"key": OWNER_LABEL, "value": args.owner}]
        return body

    def parse(self, props: Mapping[str, Any]) -> ArgsT:
        """The arguments in `props`; a one-line ServiceStageError when they break a rule."""
        args = parse_arguments(self.args_model, props, self.noun)
        owner = props.get(OWNER_KEY)
        args._owner = owner if isinstance(owner, str) and owner else None
        return args  # type: ignore[return-value]

    # -- the dynamic provider interface ------------------------------------------------------------

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        try:
            changed = [
                field
                for field in self.input_fields()
                if field != "adopt_id" and may_differ(olds.get(field), news.get(field))
            ]
            replaces = [field for field in changed if field in self.replace_on]
            replaces += [r for r in self.extra_replaces(olds, news) if r not in replaces]
        except ServiceStageError:
            raise
        except Exception as bug:
            raise ServiceStageError(_unexpected(bug, f"diff this {self.noun}")) from None
        return DiffResult(
            changes=bool(changed or replaces),
            replaces=replaces,
            delete_before_replace=bool(replaces) and self.deletes_before_replacing(replaces),
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = self.parse(props)
        with self.secrets_kept_out_of_errors(props), _during_call(props):
            if args.adopt_id:
                ref = self.ref_from_id(args.adopt_id)
                server = self._adopt(ref, args)
            else:
                ref, server = self._create_new(args)
            outputs = self._outputs(args, ref, server)
        return CreateResult(ref.resource_id(), self.sealed(outputs))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        ref = self.ref_from_id(id_)
        # The id's parts stand in for inputs a `get` does not have (e.g. the engine's id).
        with self.secrets_kept_out_of_errors(props), _during_call({**ref.parts, **props}):
            try:
                server = self.read_object(ref)
            except NotFoundError:
                return ReadResult(None, {})
            try:
                known = {key: props[key] for key in self.input_fields() if key in props}
                inputs = {**self.server_inputs(server, known, ref), **_local_only(known)}
                outputs = {**inputs, **ref.parts, **self.computed_outputs(server)}
            except ServiceStageError:
                raise
            except Exception as bug:
                raise ServiceStageError(_unexpected(bug, f"read {self.noun} {id_}")) from None
        return ReadResult(id_, self.sealed(outputs), self.sealed(inputs))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        args = self.parse(news)
        ref = self.ref_from_id(id_)
        with self.secrets_kept_out_of_errors(olds, news), _during_call(news):
            if self.inputs_differ(olds, news):
                server = self._wait_for_running_job(ref, self.read_object(ref), args, "update")
                self._update_reconciled(ref, args, server, olds)
            outputs = self._outputs(args, ref, self.read_object(ref))
        return UpdateResult(self.sealed(outputs))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        ref = self.ref_from_id(id_)
        with self.secrets_kept_out_of_errors(props), _during_call({**ref.parts, **props}):
            self._delete(ref, _local_settings(props), props)

    # -- creating ----------------------------------------------------------------------------------

    def _create_new(self, args: ArgsT) -> tuple[ObjectRef, dict[str, Any]]:
        created = self._send_create_reconciled(args)
        ref = created.ref
        adopt = f"adopt_id={ref.resource_id()!r}"
        interrupted = (
            f"the {self.noun} {ref.resource_id()} was created and is recognisable as this "
            "resource's, so the next `pulumi up` completes its create; or take it over by "
            f"setting {adopt}"
        )
        try:
            self.settle_create(created, args)
        except ShutdownError as stopped:
            # The engine no longer listens once the host is interrupted: say it where the logs
            # of the host (its stderr) keep it.
            logger.warning("%s: %s", stopped, interrupted)
            raise ServiceStageError(f"{stopped}: {interrupted}") from None
        except ServiceStageError as failure:
            self._discard_failed_create(ref, args, failure)
            raise ServiceStageError(
                f"{failure}. The {self.noun} {ref.resource_id()} was deleted again, so "
                "nothing was left behind"
            ) from failure
        try:
            server = self.read_object(ref)
        except ShutdownError as stopped:
            raise ServiceStageError(f"{stopped}: {interrupted}") from None
        except ServiceStageError as failure:
            # The create itself went well; a working object is not deleted for a failed read.
            raise ServiceStageError(
                f"{failure}. The {self.noun} {ref.resource_id()} was created but could not be "
                "read back; the next `pulumi up` recognises it as this resource's and records "
                f"it, or take it over by setting {adopt}"
            ) from failure
        shown_failure = self.failure_of(server)
        if shown_failure:
            failed = ServiceStageError(f"the {self.noun} {ref.resource_id()} {shown_failure}")
            self._discard_failed_create(ref, args, failed)
            raise ServiceStageError(
                f"{failed}. It was deleted again, so nothing was left behind"
            ) from failed
        return ref, server

    def _send_create_reconciled(self, args: ArgsT) -> Created:
        """Send the create; when it may have been carried out unheard, or the name is taken, take
        back this resource's own object instead of creating a second one or failing.

        A create is sent again only after a look has shown that nothing of it exists, as often
        as the client retries a request, with the same backoff.
        """
        retry = self.client().retry
        for attempt in range(retry.max_retries + 1):
            if attempt:
                pause(retry.delay(attempt - 1, None))
            try:
                return self.send_create(args)
            except AmbiguousWriteError as unsure:
                found = self._own_object(args, unsure)
                if isinstance(found, Created):
                    return found
                last_failure: ServiceStageError = unsure
            except APIStatusError as refused:
                if refused.status_code not in (400, 409):
                    raise
                found = self._own_object(args, refused)
                if isinstance(found, Created):
                    return found
                if found is _ABSENT:
                    raise  # the refusal was not about an existing object
                last_failure = refused
        raise ServiceStageError(
            f"{last_failure}. Creating the {self.noun} {args_name(args)} failed "
            f"{retry.max_retries + 1} times, nothing of it being left; run the deployment again"
        ) from last_failure

    def _own_object(self, args: ArgsT, cause: ServiceStageError) -> Created | _Outcome:
        """This resource's object among those with its natural key, ready to be completed;
        `_ABSENT` when there is none, `_CLEARED` when there was one whose create had failed and
        it was deleted. Raises for an object of that key that is not this resource's."""
        try:
            candidates = [
                listed
                for listed in self.list_objects(args)
                if self.matches_natural_key(listed, args) and self.listed_id(listed)
            ]
            for listed in candidates:
                ref = self.ref_for_new(args, str(self.listed_id(listed)))
                server = self.read_object(ref)
                if self._carries_marker(server, args, ref):
                    return self._reclaimed(ref, server, args)
        except ShutdownError:
            raise
        except ServiceStageError as unreadable:
            raise ServiceStageError(
                f"{cause}. Looking for the {self.noun} this create may have made failed too "
                f"({unreadable}); should it exist, it is recognisable as this resource's, so "
                "the next `pulumi up` finds and completes it"
            ) from cause
        if not candidates:
            return _ABSENT
        other = self.ref_for_new(args, str(self.listed_id(candidates[0]))).resource_id()
        raise ServiceStageError(
            f"{cause}. A {self.noun} {args_name(args)} already exists ({other}) that this "
            "resource did not create (it lacks this resource's ownership marker); take it over "
            f"by setting adopt_id={other!r}, or choose another name"
        ) from cause

    def _carries_marker(self, server: Mapping[str, Any], args: ArgsT, ref: ObjectRef) -> bool:
        if self.marker_labels is None:
            return self.matches_create(server, args, ref)
        labels = server.get(self.marker_labels)
        return (
            args.owner is not None
            and isinstance(labels, list)
            and any(
                isinstance(label, dict)
                and (label.get("key"), label.get("value")) == (OWNER_LABEL, args.owner)
                for label in labels
            )
        )

    def _reclaimed(
        self, ref: ObjectRef, server: Mapping[str, Any], args: ArgsT
    ) -> Created | _Outcome:
        """An own object found after an interrupted or unheard create: complete it, unless its
        create failed; then it goes (or is kept, per `keep_failed_create`, and named)."""
        job_id = self.running_job(ref, server)
        failure = None if job_id else self.failure_of(server)
        if failure is None:
            return Created(ref, job_id)
        earlier = ServiceStageError(
            f"an earlier create left the {self.noun} {ref.resource_id()}, which {failure}"
        )
        self._discard_failed_create(ref, args, earlier)
        return _CLEARED

    def _discard_failed_create(
        self, ref: ObjectRef, args: ArgsT, failure: ServiceStageError
    ) -> None:
        """Delete a new object whose create failed; when it is kept (`keep_failed_create`) or
        cannot be deleted, raise `failure` saying what became of it and how to take it over."""
        adopt = f"adopt_id={ref.resource_id()!r}"
        kept = self.keep_failed_create(ref, args, failure)
        if kept is not None:
            raise ServiceStageError(
                f"{failure}. {kept}; fix the cause, then take it over by setting {adopt}, or "
                "delete it"
            ) from failure
        try:
            # Not waiting for a job the object still runs: the create's own wait has ended.
            self._delete(ref, args, None, patient=False)
        except ShutdownError:
            raise ServiceStageError(
                f"{failure}. The host is shutting down, so the {self.noun} {ref.resource_id()} "
                f"it left behind was not deleted; the next `pulumi up` deletes it, or set {adopt}"
            ) from failure
        except ServiceStageError as cleanup_failure:
            raise ServiceStageError(
                f"{failure}. The {self.noun} {ref.resource_id()} it left behind could not be "
                f"deleted ({cleanup_failure}); the next `pulumi up` tries again, or take it "
                f"over by setting {adopt}"
            ) from failure

    # -- adopting ----------------------------------------------------------------------------------

    def _adopt(self, ref: ObjectRef, args: ArgsT) -> dict[str, Any]:
        adopting = f"adopt_id {ref.resource_id()!r}"
        try:
            server = self.read_object(ref)
        except NotFoundError:
            raise ServiceStageError(f"{adopting}: no such {self.noun}") from None
        for name in self.path_fields():
            if str(getattr(args, name)) != ref.parts[name]:
                raise ServiceStageError(
                    f"{adopting} belongs to {name} {ref.parts[name]!r}, but the arguments say "
                    f"{getattr(args, name)!r}"
                )
        server = self._wait_for_running_job(ref, server, args, "create")
        conflicts = self.adoption_conflicts(ref, args, server)
        if conflicts:
            raise ServiceStageError(
                f"{adopting}: {'; '.join(conflicts)}, which cannot be changed on an existing "
                f"{self.noun}; set the arguments to its values, or leave out adopt_id to create "
                "a new one"
            )
        if self.failure_of(server) or not self.update_applied(ref, args, server):
            self._update_reconciled(ref, args, server, None)
            server = self.read_object(ref)
        failure = self.failure_of(server)
        if failure:
            raise ServiceStageError(
                f"{adopting}: the {self.noun} {failure}; it is not taken over until it works"
            )
        return server

    def _wait_for_running_job(
        self, ref: ObjectRef, server: dict[str, Any], args: ArgsT, operation: str
    ) -> dict[str, Any]:
        """Wait for the job the object runs (if any) and return the object as it is then."""
        job_id = self.running_job(ref, server)
        if not job_id:
            return server
        self.wait_for_job(
            job_id, f"the running job of {self.noun} {ref.resource_id()}", args, operation
        )
        return self.read_object(ref)

    # -- updating ----------------------------------------------------------------------------------

    def _update_reconciled(
        self, ref: ObjectRef, args: ArgsT, server: dict[str, Any], olds: Mapping[str, Any] | None
    ) -> None:
        """Apply the update; when it may have been carried out unheard, judge by the object once
        the job it may have started has ended, and send it again only if it did not take."""
        retry = self.client().retry
        for attempt in range(retry.max_retries + 1):
            if attempt:
                pause(retry.delay(attempt - 1, None))
            try:
                # After an unheard attempt the object, not the old inputs, tells what is left.
                self.apply_update(ref, args, server, olds if attempt == 0 else None)
                return
            except AmbiguousWriteError as unsure:
                last_failure = unsure
            server = self._wait_for_running_job(ref, self.read_object(ref), args, "update")
            if self.update_applied(ref, args, server):
                return
        raise ServiceStageError(
            f"{last_failure}. The {self.noun} {ref.resource_id()} was not updated after "
            f"{retry.max_retries + 1} attempts; run the deployment again"
        ) from last_failure

    # -- deleting ----------------------------------------------------------------------------------

    def _delete(
        self,
        ref: ObjectRef,
        args: ResourceArgs,
        state: Mapping[str, Any] | None,
        *,
        patient: bool = True,
    ) -> None:
        """Delete the object and wait until it is gone, judging a delete that may have been
        carried out by whether the object is still there. A `patient` delete waits out the
        service's "busy" refusals (a job still running); an impatient one raises them."""
        timeout = args.timeout("delete")
        refusal: ServiceStageError | None = None
        for _ in polls(timeout):
            try:
                job_id = self.send_delete(ref, state)
            except NotFoundError:
                return
            except AmbiguousWriteError as unsure:
                refusal = unsure
                if _busy(unsure.cause):
                    if not patient:
                        raise
                    self._wait_while_busy(ref, args)
                elif self._gone(ref) or self.delete_is_asynchronous:
                    break
                continue
            except APIStatusError as refused:
                if not (patient and _busy(refused)):
                    raise
                refusal = refused
                self._wait_while_busy(ref, args)
                continue
            if job_id:
                self.wait_for_job(job_id, f"delete {self.noun} {ref.resource_id()}", args, "delete")
            break
        else:
            raise ServiceStageError(
                f"{self.noun} {ref.resource_id()} was not deleted: the service still refused "
                f"after {timeout:g} s ({refusal}); raise this resource's `timeouts.delete` to "
                "wait longer"
            )
        if self.delete_is_asynchronous:
            self._wait_until_gone(ref, timeout)

    def _gone_or_unlisted(
        self, ref: ObjectRef, client: ApiClient, collection: str, since: float
    ) -> bool:
        """Whether the object is gone: by a list of its collection shared with the other waits
        on it, where the resource allows and there are others; else by reading it."""
        shared = (id(client), collection)
        if not (self.gone_when_unlisted and self.list_key and SHARED_READS.others_waiting(shared)):
            return self._gone(ref)
        list_key = self.list_key

        def listed_ids() -> frozenset[str | None]:
            try:
                return frozenset(self.listed_id(o) for o in client.paginate(collection, list_key))
            except NotFoundError:
                return frozenset()  # the collection itself is gone, and its objects with it

        own_id = ref.parts[self.id_fields[-1]]
        return own_id not in SHARED_READS.read(shared, listed_ids, since=since)

    def _gone(self, ref: ObjectRef) -> bool:
        try:
            self.read_object(ref)
        except NotFoundError:
            return True
        return False

    def _wait_while_busy(self, ref: ObjectRef, args: ResourceArgs) -> None:
        try:
            server = self.read_object(ref)
        except NotFoundError:
            return
        job_id = self.running_job(ref, server)
        if not job_id:
            return
        try:
            self.wait_for_job(
                job_id, f"the running job of {self.noun} {ref.resource_id()}", args, "delete"
            )
        except ShutdownError:
            raise
        except ServiceStageError:
            pass  # a job that failed no longer keeps the object busy; the delete goes on

    def _wait_until_gone(self, ref: ObjectRef, timeout: float) -> None:
        client = self.client()
        collection = self.collection_of(ref)
        shared = (id(client), collection)
        with SHARED_READS.waiting(shared):
            since = now()
            for _ in polls(timeout):
                try:
                    if self._gone_or_unlisted(ref, client, collection, since):
                        return
                except (APIConnectionError, APIStatusError) as unreadable:
                    if not transient(unreadable):
                        raise
                since = now()
        raise ServiceStageError(
            f"{self.noun} {ref.resource_id()} still exists {timeout:g} s after it was "
            "deleted; raise this resource's `timeouts.delete` to wait longer"
        )

    # -- values ------------------------------------------------------------------------------------

    def _outputs(self, args: ArgsT, ref: ObjectRef, server: Mapping[str, Any]) -> dict[str, Any]:
        return {
            **argument_values(args),
            **ref.parts,
            **self.computed_outputs(server),
        }


ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_arguments(model: type[ModelT], props: Mapping[str, Any], noun: str) -> ModelT:
    """The arguments of `model` in `props`; a one-line ServiceStageError naming each broken
    rule's property path."""
    inputs = {k: v for k, v in props.items() if k in model.model_fields}
    try:
        return model.model_validate(inputs)
    except ValidationError as error:
        failures = "; ".join(
            f"{path}: {reason}" for path, reason in validation_errors(error, model)
        )
        raise ServiceStageError(f"invalid {noun} arguments: {failures}") from None


def args_name(args: ResourceArgs) -> str:
    name = getattr(args, "name", None)
    return repr(name) if name else ""


def post_once(send: Callable[[], Any], carried_out: Callable[[], bool]) -> Any:
    """Send a POST that must take effect once: when it may have been carried out unheard,
    `carried_out()` (which reads the service) decides between done (None) and sending it again.
    """
    try:
        return send()
    except AmbiguousWriteError:
        if carried_out():
            return None
        return send()


# The inputs of the lifecycle call the current thread is serving (`RestProvider.call_inputs`).
_CALL_INPUTS: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "servicestage_call_inputs", default=MappingProxyType({})
)


@contextmanager
def _during_call(props: Mapping[str, Any]) -> Iterator[None]:
    token = _CALL_INPUTS.set(props)
    try:
        yield
    finally:
        _CALL_INPUTS.reset(token)


def strip_secrets(value: Any) -> Any:
    """`value` without secret wrappers at any depth, as the engine sends it to a provider that
    does not accept secrets: the lifecycle takes plain values and seals its outputs itself."""
    if rpc.is_rpc_secret(value):
        return strip_secrets(rpc.unwrap_rpc_secret(value))
    if isinstance(value, Mapping):
        return {key: strip_secrets(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [strip_secrets(item) for item in value]
    return value


def _busy(error: ServiceStageError) -> bool:
    return isinstance(error, APIStatusError) and error.error_code in BUSY_ERROR_CODES


def _job_of(answer: Any) -> str | None:
    job_id = answer.get("job_id") if isinstance(answer, dict) else None
    return str(job_id) if job_id else None


def _keys_of(answer: Any) -> str:
    return ", ".join(sorted(answer)) if isinstance(answer, dict) else type(answer).__name__


def _project_id() -> str:
    return quote(_runtime.clients().settings.project_id, safe="")


def _same_name(listed: Any, wanted: Any) -> bool:
    if isinstance(listed, str) and isinstance(wanted, str):
        return listed.casefold() == wanted.casefold()
    return listed is not None and str(listed) == str(wanted)


def _dump(args: BaseModel, *, exclude: Iterable[str]) -> dict[str, Any]:
    return args.model_dump(mode="json", by_alias=True, exclude_none=True, exclude=set(exclude))


def argument_values(args: BaseModel, *, exclude_unset: bool = False) -> dict[str, Any]:
    """The arguments as the program names them: top-level fields by their Python names (the
    resource's argument and output names), nested values by their wire names (the dict keys a
    program gives), unset values left out."""
    dumped = args.model_dump(
        mode="json", by_alias=True, exclude_none=not exclude_unset, exclude_unset=exclude_unset
    )
    names = {field.alias or name: name for name, field in type(args).model_fields.items()}
    return {names.get(key, key): value for key, value in dumped.items()}


def without_owner_label(values: Mapping[str, Any], labels_field: str | None) -> dict[str, Any]:
    """`values` without the ownership marker among the labels in `labels_field`."""
    result = dict(values)
    labels = result.get(labels_field) if labels_field else None
    if labels_field and isinstance(labels, list):
        result[labels_field] = [
            label
            for label in labels
            if not (isinstance(label, dict) and label.get("key") == OWNER_LABEL)
        ]
    return result


def _local_settings(props: Mapping[str, Any]) -> ResourceArgs:
    """Only the local settings, for delete: old state must not block a delete."""
    try:
        return ResourceArgs.model_validate({k: props.get(k) for k in LOCAL_FIELDS})
    except ValidationError:
        return ResourceArgs()


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
            for (path, reason), loc in zip(
                validation_errors(error, model), _locs(error, model), strict=True
            )
            if not any(_related(loc, unknown) for unknown in unknown_paths)
        ]
    return []


def validation_errors(error: ValidationError, model: type[BaseModel]) -> list[tuple[str, str]]:
    return [
        (_property_path(loc), _reason(e, model))
        for e, loc in zip(error.errors(), _locs(error, model), strict=True)
    ]


def unknown_argument(name: str, known: Iterable[str]) -> str:
    """Why `name` is refused, with the nearest of the `known` names when one is close."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else "check its spelling"
    return f"unknown argument; {hint}"


def _fields_at(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The argument names (wire names) of the object at `loc` in `model`; [] where that is not
    an object of a model."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
        if field is None:
            return []
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds, through Optional, lists, dicts and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _locs(error: ValidationError, model: type[BaseModel]) -> list[tuple[Any, ...]]:
    """Where each error is, its top-level field named as the argument (pydantic names an
    aliased field by its wire name)."""
    names: dict[str | int, str] = {
        f.alias: name for name, f in model.model_fields.items() if f.alias
    }
    return [
        (names.get(e["loc"][0], e["loc"][0]), *e["loc"][1:]) if e["loc"] else ()
        for e in error.errors()
    ]


def _reason(error: Any, model: type[BaseModel]) -> str:
    message = str(error["msg"])
    if error["type"] == "extra_forbidden":
        *parent, name = error["loc"]
        return unknown_argument(str(name), _fields_at(model, parent))
    if error["type"] == "finite_number":
        return "must be a finite number, not NaN or infinity"
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


def _contains_unknowns(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, dict):
        return any(_contains_unknowns(item) for item in value.values())
    if isinstance(value, list):
        return any(_contains_unknowns(item) for item in value)
    return False


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
    return _contains_unknowns(new) or comparable(old) != comparable(new)


def equivalent(first: Any, second: Any) -> bool:
    """Whether two values are the same once None members are dropped (see `comparable`)."""
    return bool(comparable(first) == comparable(second))


def comparable(value: Any) -> Any:
    """A value with None members dropped, so absent and null compare equal; 2 == 2.0 already."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        # NaN never equals itself; old state holding one must not read as a change forever.
        return "NaN"
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


# -- secrets in errors ---------------------------------------------------------------------------

_REDACTED = "[secret]"
# Shorter values ("true", "8080", "a=1") are too common in ordinary text to be told apart from a
# secret that an error quotes.
_MIN_QUOTED_LENGTH = 6


def secret_values(props: Mapping[str, Any], paths: Iterable[str]) -> Iterator[str]:
    """Every string that `props` hold at (or below) the dotted `paths`."""
    for path in paths:
        yield from _strings_at(props, path.split("."))


def _strings_at(value: Any, path: list[str]) -> Iterator[str]:
    if not path:
        yield from _strings(value)
        return
    head, *rest = path
    if head == "*" and isinstance(value, list):
        for item in value:
            yield from _strings_at(item, rest)
    elif isinstance(value, dict):
        yield from _strings_at(value.get(head), rest)


def _strings(value: Any) -> Iterator[str]:
    if rpc.is_rpc_secret(value):
        value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _quotable(values: Iterable[str]) -> list[str]:
    """How an error could quote the values: whole, escaped, or a line of them; longest first."""
    fragments: set[str] = set()
    for value in values:
        if len(value) < _MIN_QUOTED_LENGTH:
            continue
        fragments.add(value)
        fragments.add(repr(value)[1:-1])
        fragments.update(
            line.strip() for line in value.splitlines() if len(line.strip()) >= _MIN_QUOTED_LENGTH
        )
    return sorted(fragments, key=len, reverse=True)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


# -- the program side ------------------------------------------------------------------------------


def keyword_arguments(
    args_model: type[BaseModel],
    args_or_opts: BaseModel | pulumi.ResourceOptions | None,
    opts: pulumi.ResourceOptions | None,
    keywords: Mapping[str, Any],
) -> tuple[dict[str, Any], pulumi.ResourceOptions | None]:
    """A resource's arguments as keywords, and its options, however the program gave them: an
    `XxxArgs` object second and the options third, or keywords with the options second."""
    resource = args_model.__name__.removesuffix("Args")
    if isinstance(args_or_opts, pulumi.ResourceOptions) or args_or_opts is None:
        if args_or_opts is not None and opts is not None:
            raise TypeError(f"{resource}: the options are given twice (second and as opts)")
        return dict(keywords), args_or_opts if args_or_opts is not None else opts
    if not isinstance(args_or_opts, args_model):
        raise TypeError(
            f"{resource}: the second argument is a {type(args_or_opts).__name__}; give a "
            f"{args_model.__name__}, keyword arguments, or pulumi.ResourceOptions"
        )
    if keywords:
        raise TypeError(
            f"{resource}: give the arguments as one {args_model.__name__} or as keywords, not both"
        )
    return argument_values(args_or_opts, exclude_unset=True), opts


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
        resource = args_model.__name__.removesuffix("Args")
        reasons = "; ".join(
            f"{name!r}: {unknown_argument(name, args_model.model_fields)}" for name in unknown
        )
        raise TypeError(f"{resource}: {reasons} (its arguments: help({resource}))")
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


def program_owner_marker(resource_type: str, resource_name: str) -> str:
    """The ownership marker of a resource declared in the running program."""
    return owner_marker(pulumi.get_project(), pulumi.get_stack(), resource_type, resource_name)


class RestResource(pulumi.dynamic.Resource):
    """Base of the resource classes users declare in their programs.

    Arguments are keyword arguments named as in the API (`name`, `vpc_id`, ...), plus `timeouts`
    and `adopt_id`; every argument and computed field is an output attribute of the same name.
    """

    provider_class: ClassVar[type[ServiceStageProvider]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # `help(Component)` then lists every argument and output with its meaning, and
        # `inspect.signature` names the arguments instead of this class's `**args`.
        cls.__doc__ = ClassHelp(help_text)  # type: ignore[assignment]
        cls.__signature__ = ClassHelp(signature)  # type: ignore[attr-defined]

    def __init__(
        self,
        resource_name: str,
        args_or_opts: BaseModel | pulumi.ResourceOptions | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **args: Any,
    ) -> None:
        provider = self.provider_class()
        args, opts = keyword_arguments(provider.args_model, args_or_opts, opts, args)
        secret_fields = provider.secret_fields_for(args)
        props = resource_props(
            provider.args_model,
            args,
            computed=provider.output_only_fields(),
            secret_paths=(*provider.secret_paths, *secret_fields),
        )
        props[OWNER_KEY] = program_owner_marker(type(self).__name__, resource_name)
        # Outputs that can carry credentials are encrypted in the state whatever the service
        # echoes, also for a `get`, which has no secret inputs to take the secrecy from.
        always_secret = pulumi.ResourceOptions(additional_secret_outputs=list(secret_fields))
        super().__init__(
            provider, resource_name, props, pulumi.ResourceOptions.merge(opts, always_secret)
        )

    @classmethod
    def get(
        cls, resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> Any:
        """Read an existing object into the program without managing it."""
        return cls(resource_name, pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)))
