"""ServiceStage components (`/v3/{project_id}/cas/applications/{application_id}/components`).

Create, modify and delete are asynchronous: create and modify answer with a deployment job that
is waited on; delete answers at once and the component disappears later, so delete waits until a
read says it is gone. A create whose job fails or times out deletes the half-made component.

The service's modify keeps the instance count: a change of `replica` is a scale task (§4.3.8),
sent before the modify when it lowers the count and after it when it raises it, so that the
modify's rolling upgrade replaces as few instances as possible and new instances start on the new
configuration.

The lookups at the end read a component's release records (§4.3.9) and deploy jobs (§4.6.1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import pulumi
from pydantic import Field

from ._common import ResourceId
from ._lifecycle import (
    ObjectRef,
    ResourceArgs,
    RestProvider,
    RestResource,
    args_name,
    argument_values,
    comparable,
    is_unknown,
    without_owner_label,
)
from ._lookup import LookupResult, get_all, get_one, output_of, project_path, the_one
from ._resource_types import ComponentTyping
from .client.errors import ServiceStageError
from .component_action import run_component_action
from .component_spec import (
    GET_SPELLINGS,
    SECRET_PATHS,
    VALUE_SPELLINGS,
    WRITE_ONLY_PATHS,
    ComponentSpec,
)

# Statuses of a component while a job works on it (§4.3.7 `component_status`): its
# `status.last_job_id` is then the job to wait for before anything else can change it.
JOB_RUNNING_STATUSES = frozenset(
    {"INITIALIZING", "UPGRADING", "DELETING", "STARTING", "STOPPING", "RESTARTING"}
)
FAILED_STATUSES = frozenset({"FAILED", "PARTIALLY_FAILED"})
# Outputs that can carry credentials (tables 31, 38 and 40) or secret values of variables.
COMPONENT_SECRET_FIELDS = ("source", "multi_containers", "template_source", "envs")


class ComponentArgs(ResourceArgs, ComponentSpec):
    """The arguments of a `Component`: the component body (`ComponentSpec`) and its application.

    Source: PDF 004 §4.3.1, 表4-121 and 003 Table 1 (path parameters); body: `ComponentSpec`.
    """

    application_id: ResourceId
    """ID of the application the component belongs to (path parameter of create and modify).
    Changing it creates the component anew in the other application, deleting the old one
    first."""


class ComponentProvider(RestProvider[ComponentArgs]):
    args_model = ComponentArgs
    noun = "component"
    collection_path = "/v3/{project_id}/cas/applications/{application_id}/components"
    id_fields = ("application_id", "component_id")
    created_id_key = "component_id"
    list_key = "components"
    marker_labels = "labels"
    replace_on = frozenset({"name", "runtime_stack", "application_id", "environment_id"})
    create_only = frozenset({"environment_id"})
    computed = ("status",)
    write_only = frozenset(WRITE_ONLY_PATHS)
    delete_is_asynchronous = True
    gone_when_unlisted = True
    # A name is unique within an application, and a replacement caused by another field keeps
    # it, so the old component has to go first.
    replace_deletes_first = True
    modify_runs_a_job = True
    secret_fields = COMPONENT_SECRET_FIELDS
    secret_paths = SECRET_PATHS

    def extra_checks(
        self, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        stack = news.get("runtime_stack")
        old_replica, new_replica = olds.get("replica"), news.get("replica")
        if (
            isinstance(stack, dict)
            and stack.get("deploy_mode") == "virtualmachine"
            and old_replica is not None
            and not is_unknown(new_replica)
            and not _same_count(old_replica, new_replica)
        ):
            return {}, [
                (
                    "replica",
                    "replica of a component deployed on virtual machines changes only by scaling "
                    "it onto named hosts: run a ComponentAction with action 'scale' and "
                    "parameters.hosts, then refresh this component",
                )
            ]
        return {}, []

    def server_inputs(
        self, server: Mapping[str, Any], known: Mapping[str, Any], ref: ObjectRef
    ) -> dict[str, Any]:
        shown = shown_as_declared(in_request_spelling(server), known)
        return super().server_inputs(shown, known, ref)

    def running_job(self, ref: ObjectRef, server: Mapping[str, Any]) -> str | None:
        job_id = component_running_job(server)
        if job_id is None and _status_of(server).get("component_status") in JOB_RUNNING_STATUSES:
            # A job runs, but the component does not name it: its latest release record
            # (§4.3.9) does.
            job_id = self._latest_record_job(ref)
        return job_id

    def _latest_record_job(self, ref: ObjectRef) -> str | None:
        answer = self.client().get(
            f"{self.item_path(ref)}/records",
            params={"limit": 1, "order_by": "create_time", "order": "desc"},
        )
        for record in (answer or {}).get("records") or []:
            jobs = [job.get("job_id") for job in record.get("jobs") or [] if job.get("job_id")]
            return str(jobs[-1]) if jobs else None
        return None

    def failure_of(self, server: Mapping[str, Any]) -> str | None:
        return component_failure(server)

    def apply_update(
        self,
        ref: ObjectRef,
        args: ComponentArgs,
        server: Mapping[str, Any],
        olds: Mapping[str, Any] | None,
    ) -> None:
        # The service's modify keeps the instance count, so a change of `replica` alone is only
        # a scale. Whether anything else changed is judged from the arguments, credentials the
        # service does not show being impossible to compare with it; when adopting, from what
        # the service shows.
        if olds is not None:
            news = argument_values(args)
            reconfigured = self.inputs_differ(olds, news, ignoring={"replica"})
        else:
            wanted = self.wanted_inputs(args)
            current = self.server_inputs(server, wanted, ref)
            reconfigured = (
                comparable(_without_replica(current))
                != comparable(_without_replica(without_owner_label(wanted, self.marker_labels)))
                or self.failure_of(server) is not None
            )
        scale_around_modify(
            running=running_replica(server, ref),
            wanted=args.replica,
            modify=(lambda replica: self._modify(ref, args, replica)) if reconfigured else None,
            scale=lambda replica: scale_component(ref, replica, args),
        )

    def _modify(self, ref: ObjectRef, args: ComponentArgs, replica: int) -> None:
        # The modify body must repeat the instance count the component runs at that moment.
        with_count = args.model_copy(update={"replica": replica})
        job_id = self.send_update(ref, with_count)
        if job_id:
            self.wait_for_job(job_id, f"modify component {args_name(args)}", args, "update")


def _same_count(old: Any, new: Any) -> bool:
    """Whether two instance counts are equal, however they arrived ("2" from config, 2.0 from
    the engine, 2 as stored)."""
    try:
        return float(old) == float(new)
    except (TypeError, ValueError):
        return bool(comparable(old) == comparable(new))


def _without_replica(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key != "replica"}


# Variables the service adds to a component's `envs`: its project, cluster, application,
# environment and instance (the §8.3 example of a modify body, copied from a component), and the
# `inner` ones and TZ, which the Terraform provider, tested against the live service, drops too.
_INJECTED_ENV_PREFIXES = ("PAAS_", "CAS_")
_INJECTED_ENV_NAMES = frozenset({"AOM_DISCOVERY_RULE_VERSION", "TZ"})


def own_envs(shown: Any, declared: Any) -> Any:
    """The variables of `shown` (a component's `envs` as the service answers it) that are the
    user's: those `declared`, and any other the service did not add itself."""
    if not isinstance(shown, list):
        return shown
    names = (
        {e.get("name") for e in declared if isinstance(e, dict)}
        if isinstance(declared, list)
        else set()
    )
    return [
        variable
        for variable in shown
        if not isinstance(variable, dict)
        or variable.get("name") in names
        or not _injected(variable)
    ]


def _injected(variable: Mapping[str, Any]) -> bool:
    name = str(variable.get("name") or "")
    return (
        variable.get("inner") is True
        or name in _INJECTED_ENV_NAMES
        or name.startswith(_INJECTED_ENV_PREFIXES)
    )


# The tolerations Kubernetes gives every pod (its DefaultTolerationSeconds admission), which the
# service shows on a component that declared none (seed 000, example response).
_DEFAULT_TOLERATION_KEYS = frozenset(
    {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}
)


def own_tolerations(shown: Any, declared: Any) -> Any:
    """The tolerations of `shown` (as the service answers them) that are the user's: those
    whose key is `declared`, and any other than the defaults the service adds itself."""
    if not isinstance(shown, list):
        return shown
    keys = (
        {t.get("key") for t in declared if isinstance(t, dict)}
        if isinstance(declared, list)
        else set()
    )
    return [
        toleration
        for toleration in shown
        if not isinstance(toleration, dict)
        or toleration.get("key") in keys
        or not _default_toleration(toleration)
    ]


def _default_toleration(toleration: Mapping[str, Any]) -> bool:
    return (
        toleration.get("key") in _DEFAULT_TOLERATION_KEYS
        and toleration.get("operator") == "Exists"
        and toleration.get("effect") == "NoExecute"
    )


def shown_as_declared(shown: Mapping[str, Any], declared: Mapping[str, Any]) -> dict[str, Any]:
    """A component as the service shows it, in the terms of the `declared` inputs: without the
    variables and tolerations the service adds itself, and with the other documented spelling of
    a declared value (`VALUE_SPELLINGS`) put back as declared.

    Also used for the components of a release task, whose GET shows the same component.
    """
    view = dict(shown)
    if "envs" in view:
        view["envs"] = own_envs(view["envs"], declared.get("envs"))
    if "tolerations" in view:
        view["tolerations"] = own_tolerations(view["tolerations"], declared.get("tolerations"))
    spelt: dict[str, Any] = _spelt_as_declared(view, declared, "")
    return spelt


def _spelt_as_declared(shown: Any, declared: Any, path: str) -> Any:
    if isinstance(shown, dict) and isinstance(declared, Mapping):
        return {
            key: _spelt_as_declared(value, declared.get(key), f"{path}.{key}".lstrip("."))
            for key, value in shown.items()
        }
    if isinstance(shown, list) and isinstance(declared, list) and len(shown) == len(declared):
        return [
            _spelt_as_declared(value, wanted, f"{path}.*")
            for value, wanted in zip(shown, declared, strict=True)
        ]
    if (
        isinstance(shown, str)
        and isinstance(declared, str)
        and any({shown, declared} <= group for group in VALUE_SPELLINGS.get(path, ()))
    ):
        return declared
    return shown


def in_request_spelling(shown: Mapping[str, Any]) -> dict[str, Any]:
    """A component's GET answer with the fields GET's tables spell otherwise (`GET_SPELLINGS`)
    under their request names, where the answer does not also carry the request name."""
    renamed: dict[str, Any] = dict(shown)
    for get_path, name in GET_SPELLINGS.items():
        renamed = _renamed(renamed, get_path.split("."), name)
    return renamed


def _renamed(value: Any, path: list[str], name: str) -> Any:
    head, *rest = path
    if head == "*":
        return [_renamed(item, rest, name) for item in value] if isinstance(value, list) else value
    if not isinstance(value, Mapping) or head not in value:
        return value
    if rest:
        return {**value, head: _renamed(value[head], rest, name)}
    if name in value:
        return value
    return {(name if key == head else key): item for key, item in value.items()}


def _status_of(server: Mapping[str, Any]) -> Mapping[str, Any]:
    status = server.get("status")
    return status if isinstance(status, Mapping) else {}


def component_running_job(server: Mapping[str, Any]) -> str | None:
    """The job working on a component as the service shows it (§4.3.7), if one is."""
    status = _status_of(server)
    job_id = status.get("last_job_id")
    running = status.get("component_status") in JOB_RUNNING_STATUSES
    return str(job_id) if running and job_id else None


def component_failure(server: Mapping[str, Any]) -> str | None:
    status = _status_of(server)
    if status.get("component_status") not in FAILED_STATUSES:
        return None
    detail = status.get("fail_detail")
    return f"is {status['component_status']}" + (f" ({detail})" if detail else "")


def running_replica(server: Mapping[str, Any], ref: ObjectRef) -> int:
    """The instance count the service has for the component (§4.3.7: top level and status)."""
    count = server.get("replica", (server.get("status") or {}).get("replica"))
    if count is None:
        raise ServiceStageError(
            f"component {ref.resource_id()}: the service does not say how many instances it runs"
        )
    return int(count)


def scale_component(ref: ObjectRef, replica: int, args: ResourceArgs) -> None:
    """Run the scale task on the component at `ref` and wait for it (`timeouts.update`)."""
    run_component_action(
        ref.parts["application_id"],
        ref.parts["component_id"],
        {"action": "scale", "parameters": {"replica": replica}},
        description=f"scale component {args_name(args)} to {replica} instances",
        timeout=args.timeout("update"),
    )


def scale_around_modify(
    *,
    running: int,
    wanted: int | None,
    modify: Callable[[int], None] | None,
    scale: Callable[[int], None],
) -> None:
    """Reach `wanted` instances (None: leave the count) and run `modify` (if any) on the way.

    `modify` is given the instance count the component has when it runs.
    """
    if wanted is not None and wanted < running:
        scale(wanted)
        running = wanted
    if modify is not None:
        modify(running)
    if wanted is not None and wanted != running:
        scale(wanted)


class Component(ComponentTyping, RestResource, module="servicestage", name="Component"):
    """A deployable unit of an application, running in an environment.

    Its id is ``<application_id>/<component_id>``. A change of ``replica`` scales the component in
    place (for a component deployed on virtual machines, scale it with a `ComponentAction`, which
    takes the hosts, then refresh). ``environment_id`` is optional, as in the create body (table
    4-123); the modify body has none, so setting, changing or removing it creates the component
    anew. ``source``, ``multi_containers``, ``template_source`` and
    ``envs`` are secret in the state: they can carry credentials.
    """

    provider_class: ClassVar[Any] = ComponentProvider

    component_id: pulumi.Output[str]
    """ID of the component, as the create answer gives it (表4-155 `component_id`); the
    resource's id is ``<application_id>/<component_id>``."""
    status: pulumi.Output[dict[str, Any]]
    """The component's status as the service shows it (表4-257): `component_status`
    (INITIALIZING, UPGRADING, FAILED, RUNNING, DOWN, DELETING, DELETED, RESERVED, STARTING,
    STOPPING, STOPPED, RESTARTING, PENDING, UNKNOWN or PARTIALLY_FAILED), `available_replica` and
    `replica` (available and total instances), `fail_detail` (why it failed, e.g.
    cluster_deleted or create_failed), `last_job_id` (the last job run on it), `create_time`,
    `update_time`, `creator` and `artifact` (the package or image it comes from, 表4-258)."""


class ComponentInfo(LookupResult):
    id: str
    name: str
    application_id: str
    environment_id: str | None = None
    version: str | None = None
    status: dict[str, Any] | None = None
    runtime_stack: dict[str, Any] | None = None
    source: dict[str, Any] | None = None
    labels: dict[str, str] | list[dict[str, str]] | None = None


def get_components(application_id: str, *, name: str | None = None) -> list[ComponentInfo]:
    """The components of an application (§4.3.3), optionally only the one called `name`."""
    path = project_path(ComponentProvider.collection_path, application_id=application_id)
    found = (ComponentInfo.from_api(item) for item in get_all(path, "components"))
    return [component for component in found if name in (None, component.name)]


def get_component(application_id: str, *, name: str) -> ComponentInfo:
    """The component called `name` in an application; an error when there is none."""
    found = get_components(application_id, name=name)
    return the_one(found, f"component named {name!r} in application {application_id}")


def get_component_output(
    application_id: pulumi.Input[str], *, name: pulumi.Input[str]
) -> pulumi.Output[ComponentInfo]:
    """`get_component`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_component, application_id, name=name)


def get_components_output(
    application_id: pulumi.Input[str], *, name: pulumi.Input[str] | None = None
) -> pulumi.Output[list[ComponentInfo]]:
    """`get_components`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_components, application_id, name=name)


class ReleaseBatches(LookupResult):
    """How a release spreads over batches (§4.3.9, table 4-270 job_info)."""

    deploy_type: str | None = None
    source_url: str | None = None
    first_batch_weight: int | None = None
    first_batch_replica: int | None = None
    replica: int | None = None
    remaining_batch: int | None = None


class ReleaseJob(LookupResult):
    """One job of a release (table 4-269); a gray release has one per step."""

    job_id: str
    sequence: int | None = None
    deploy_type: str | None = None
    job_info: ReleaseBatches | None = None


class ComponentRecord(LookupResult):
    """One release of a component: a deploy, upgrade, import or rollback (table 4-268)."""

    instance_id: str | None = None
    version: str | None = None
    status: str | None = None
    current_used: bool | None = None
    deploy_type: str | None = None
    begin_time: str | None = None
    end_time: str | None = None
    description: Any = None
    jobs: list[ReleaseJob] = Field(default_factory=list)


def get_component_records(
    application_id: str,
    component_id: str,
    *,
    order_by: str | None = None,
    order: str | None = None,
) -> list[ComponentRecord]:
    """The release records of a component (§4.3.9), newest first unless `order` is "asc".

    `order_by` is create_time (the default), update_time or name.
    """
    path = project_path(
        f"{ComponentProvider.collection_path}/{{component_id}}/records",
        application_id=application_id,
        component_id=component_id,
    )
    found = get_all(path, "records", order_by=order_by, order=order)
    return [ComponentRecord.from_api(record) for record in found]


def get_component_records_output(
    application_id: pulumi.Input[str],
    component_id: pulumi.Input[str],
    *,
    order_by: pulumi.Input[str] | None = None,
    order: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[ComponentRecord]]:
    """`get_component_records`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(
        get_component_records, application_id, component_id, order_by=order_by, order=order
    )


class DeployJobSummary(LookupResult):
    """The `job` part of a deploy job (§4.6.1, table 4-368)."""

    job_id: str
    execution_status: str
    job_type: str | None = None


class DeployJobTask(LookupResult):
    """One task of a deploy job (table 4-369)."""

    task_id: str | None = None
    task_index: int | None = None
    task_name: str | None = None
    task_status: str | None = None
    task_type: str | None = None
    messages: str | None = None
    created_at: str | None = None
    update_at: str | None = None


class DeployJob(LookupResult):
    """A deploy job and its tasks, as they stand when read."""

    job: DeployJobSummary
    tasks: list[DeployJobTask] = Field(default_factory=list)
    task_count: int | None = None


def get_deploy_job(job_id: str) -> DeployJob:
    """A deploy job (§4.6.1): of a component's create, modify, import or task, e.g. a
    `ComponentAction`'s ``job_id`` or a component's ``status["last_job_id"]``."""
    path = project_path("/v3/{project_id}/cas/jobs/{job_id}", job_id=job_id)
    return DeployJob.from_api(get_one(path))


def get_deploy_job_output(job_id: pulumi.Input[str]) -> pulumi.Output[DeployJob]:
    """`get_deploy_job`, taking other resources' outputs: an `Output` of its answer."""
    return output_of(get_deploy_job, job_id)
