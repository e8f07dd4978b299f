"""The ASM grayscale release provider, through the real dynamic provider host."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_servicestage import _runtime
from pulumi_servicestage.client.errors import ServiceStageError
from pulumi_servicestage.emulator.asm.backend import AsmBackend
from pulumi_servicestage.emulator.asm.schemas import ReleaseOperation, ReleaseRequest
from pulumi_servicestage.emulator.errors import ASM_INVALID_REQUEST
from pulumi_servicestage.grayscale_release import GrayscaleReleaseArgs, GrayscaleReleaseProvider
from pulumi_servicestage.testing import DiffChanges, ProviderCallError

PROVIDER = GrayscaleReleaseProvider()
RELEASE_ITEM = "/v2/meshes/{mesh_id}/namespaces/{namespace}/releases/{release_id}"


def deployment(image: str, replicas: float = 2.0) -> dict[str, Any]:
    # Numbers come from the engine as floats.
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "spec": {
            "replicas": replicas,
            "template": {"spec": {"containers": [{"name": "web", "image": image}]}},
        },
    }


@pytest.fixture
def inputs(live: Any) -> dict[str, Any]:
    """Arguments of a release, with the emulator emptied."""
    return {
        "mesh_id": "mesh-1",
        "namespace": "shop",
        "name": "web-canary",
        "service_name": "web",
        "cluster_id": "cce-1",
        "deployment_name": "web",
        "version": "v2",
        "type": "canary",
        "gray_deployments": [
            {"cluster_id": "cce-1", "template": deployment("swr.example.com/shop/web:2.0")}
        ],
    }


@pytest.fixture
def asm(live: Any) -> AsmBackend:
    backend: AsmBackend = live.emulator.area(AsmBackend)
    return backend


def create(host: Any, inputs: dict[str, Any]) -> Any:
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    return host.create(PROVIDER, checked.inputs)


def releases(asm: AsmBackend) -> list[str]:
    return [release.name for release in asm.list_releases("mesh-1")]


def test_check__bad_arguments_are_named_with_their_rule(host: Any, inputs: dict[str, Any]) -> None:
    bad = {
        **inputs,
        "name": "web-",
        "namespace": "Shop",
        "service_name": "1web",
        "version": "v 2",
        "delete_action": "stop",
        "gray_deployments": [{"cluster_id": "cce-1", "template": {"kind": "StatefulSet"}}],
    }

    failures = dict(host.check(PROVIDER, None, bad).failures)

    assert set(failures) == {
        "name",
        "namespace",
        "service_name",
        "version",
        "delete_action",
        "gray_deployments[0].template",
    }
    assert failures["name"] == (
        "name must be 4 to 64 lower-case letters, digits or hyphens (-), starting with a letter "
        "and not ending with a hyphen"
    )
    assert "Kubernetes namespace name" in failures["namespace"]
    assert "starting with a letter" in failures["service_name"]
    assert "Kubernetes label value" in failures["version"]
    assert failures["delete_action"] == "Input should be 'cancel' or 'end'"
    assert "not StatefulSet" in failures["gray_deployments[0].template"]


@pytest.mark.parametrize("name", ["web", "a" * 65, "9web", "web_canary"])
def test_check__release_name_rule(host: Any, inputs: dict[str, Any], name: str) -> None:
    [(field, reason)] = host.check(PROVIDER, None, {**inputs, "name": name}).failures

    assert field == "name"
    assert reason.startswith("name must be 4 to 64 lower-case letters")


def test_check__a_release_needs_a_grayscale_workload(host: Any, inputs: dict[str, Any]) -> None:
    failures = dict(host.check(PROVIDER, None, {**inputs, "gray_deployments": []}).failures)

    assert failures == {
        "gray_deployments": "List should have at least 1 item after validation, not 0"
    }


@pytest.mark.real_time  # one lifecycle through the real host, on real time
def test_lifecycle__create_change_version_and_cancel(
    host: Any, live: Any, asm: AsmBackend, inputs: dict[str, Any], job_seconds: float
) -> None:
    started = live.now()
    created = create(host, inputs)

    # Create returns once the release runs.
    assert live.now() - started >= job_seconds
    mesh_id, namespace, release_id = created.id.split("/")
    assert (mesh_id, namespace, created.outs["release_id"]) == ("mesh-1", "shop", release_id)
    assert created.outs["phase"] == "Running"
    assert "delete_action" not in created.outs  # cancel, the default
    assert created.outs["start_time"].endswith("Z")
    release = asm.show_release("mesh-1", "shop", release_id)
    assert release.phase.value == "Running"
    # Kubernetes wants whole numbers where the engine handed over floats.
    replicas = release.spec.gray_deployments[0].template["spec"]["replicas"]
    assert (replicas, type(replicas)) == (2, int)

    assert host.diff(PROVIDER, created.id, created.outs, inputs).changes is DiffChanges.NONE
    refreshed = host.read(PROVIDER, created.id, created.outs, inputs)
    assert refreshed.inputs == inputs

    upgraded = {
        **inputs,
        "version": "v3",
        "gray_deployments": [
            {"cluster_id": "cce-1", "template": deployment("swr.example.com/shop/web:3.0")}
        ],
    }
    in_place = host.diff(PROVIDER, created.id, created.outs, upgraded)
    assert (in_place.changes, in_place.replaces) == (DiffChanges.SOME, [])
    started = live.now()
    outs = host.update(PROVIDER, created.id, created.outs, upgraded)

    assert live.now() - started >= job_seconds
    assert (outs["version"], outs["phase"]) == ("v3", "Running")
    release = asm.show_release("mesh-1", "shop", release_id)
    assert release.spec.version == "v3"
    image = release.spec.gray_deployments[0].template["spec"]["template"]["spec"]["containers"]
    assert image[0]["image"] == "swr.example.com/shop/web:3.0"
    assert live.emulator.request_counts()[f"PUT {RELEASE_ITEM}"] == 1

    host.delete(PROVIDER, created.id, outs)

    assert releases(asm) == []
    [ended] = asm.ended_releases()
    assert (ended.uid, ended.action, ended.serving_version) == (
        release_id,
        ReleaseOperation.CANCEL,
        "original",
    )


def test_delete__end_gives_the_grayscale_version_all_traffic(
    host: Any, live: Any, asm: AsmBackend, inputs: dict[str, Any]
) -> None:
    created = create(host, {**inputs, "delete_action": "end"})

    host.delete(PROVIDER, created.id, created.outs)

    assert releases(asm) == []
    [ended] = asm.ended_releases()
    assert (ended.name, ended.action, ended.serving_version) == (
        "web-canary",
        ReleaseOperation.END,
        "grayscale",
    )


def test_update__changing_only_the_delete_action_sends_nothing(
    host: Any, live: Any, asm: AsmBackend, inputs: dict[str, Any]
) -> None:
    created = create(host, inputs)
    ending = {**inputs, "delete_action": "end"}

    diff = host.diff(PROVIDER, created.id, created.outs, ending)
    outs = host.update(PROVIDER, created.id, created.outs, ending)

    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [])
    assert outs["delete_action"] == "end"
    assert f"PUT {RELEASE_ITEM}" not in live.emulator.request_counts()
    # Refresh keeps the choice, which ASM never echoes.
    assert host.read(PROVIDER, created.id, outs, ending).inputs["delete_action"] == "end"
    host.delete(PROVIDER, created.id, outs)
    assert asm.ended_releases()[0].action is ReleaseOperation.END


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "web-blue-green"),
        ("namespace", "default"),
        ("mesh_id", "mesh-2"),
        ("service_name", "api"),
        ("deployment_name", "api"),
        ("cluster_id", "cce-2"),
        ("type", "blue-green"),
    ],
)
def test_diff__all_but_the_grayscale_version_force_replacement_deleting_first(
    host: Any, inputs: dict[str, Any], field: str, value: str
) -> None:
    olds = {**inputs, "delete_action": "cancel", "release_id": "r", "phase": "Running"}

    diff = host.diff(PROVIDER, "mesh-1/shop/r", olds, {**inputs, field: value})

    assert (diff.replaces, diff.delete_before_replace) == ([field], True)


def test_create__a_failed_release_is_reported_and_cancelled(
    host: Any, asm: AsmBackend, inputs: dict[str, Any]
) -> None:
    asm.plan_failure("create", message="image swr.example.com/shop/web:2.0 not found")

    with pytest.raises(ProviderCallError) as raised:
        create(host, inputs)

    [release_id] = [ended.uid for ended in asm.ended_releases()]
    message = raised.value.details
    assert "ReleaseFailedError" in message
    assert (
        f"grayscale release mesh-1/shop/{release_id}: ASM could not create it; its phase became "
        "Failed: image swr.example.com/shop/web:2.0 not found. The grayscale "
        f"release mesh-1/shop/{release_id} was deleted again, so nothing was left behind"
    ) in message
    assert releases(asm) == []
    assert [ended.action for ended in asm.ended_releases()] == [ReleaseOperation.CANCEL]


def test_create__timed_out_release_is_cancelled(
    host: Any, live: Any, asm: AsmBackend, inputs: dict[str, Any]
) -> None:
    live.emulator.jobs.default_duration = 1.5

    with pytest.raises(ProviderCallError) as raised:
        create(host, {**inputs, "timeouts": {"create": 0.5}})

    message = raised.value.details
    assert "ReleaseTimeoutError" in message
    assert "was still Creating 0.5 s after ASM was asked to create it" in message
    assert "raise this resource's `timeouts.create` to wait longer" in message
    assert "was deleted again" in message
    assert releases(asm) == []


def test_create__the_wait_lasts_the_whole_timeout(
    host: Any, live: Any, inputs: dict[str, Any]
) -> None:
    # Running after 0.6 s, while the next poll is due 1 s in: the wait polls again at 0.9 s.
    live.emulator.jobs.default_duration = 0.6

    created = create(host, {**inputs, "timeouts": {"create": 0.9}})

    assert created.outs["phase"] == "Running"


def test_update__a_failed_version_change_is_reported_and_the_release_kept(
    host: Any, asm: AsmBackend, inputs: dict[str, Any]
) -> None:
    created = create(host, inputs)
    asm.plan_failure("update", message="readiness probe failed")

    with pytest.raises(ProviderCallError) as raised:
        host.update(PROVIDER, created.id, created.outs, {**inputs, "version": "v3"})

    assert (
        f"grayscale release {created.id}: ASM could not change it to version 'v3'; its phase "
        "became Failed: readiness probe failed"
    ) in raised.value.details
    _, _, release_id = created.id.split("/")
    assert asm.show_release("mesh-1", "shop", release_id).phase.value == "Failed"
    # The next `up` tries again, and may succeed.
    outs = host.update(PROVIDER, created.id, created.outs, {**inputs, "version": "v3"})
    assert (outs["version"], outs["phase"]) == ("v3", "Running")


def test_create__asm_errors_read_from_error_code_and_error_msg(
    host: Any, inputs: dict[str, Any]
) -> None:
    create(host, inputs)

    with pytest.raises(ProviderCallError) as raised:
        create(host, {**inputs, "deployment_name": "api"})

    assert (
        "409 ASM.01010003 The resource already exists. release web-canary already exists "
        "(POST /v2/meshes/mesh-1/namespaces/shop/releases" in raised.value.details
    )


def test_read__a_release_that_is_gone_is_reported_gone(
    host: Any, asm: AsmBackend, inputs: dict[str, Any], job_seconds: float, live
) -> None:
    created = create(host, inputs)
    _, _, release_id = created.id.split("/")
    asm.delete_release("mesh-1", "shop", release_id, ReleaseOperation.CANCEL)
    live.let_pass(job_seconds)

    assert host.read(PROVIDER, created.id, created.outs, inputs).id == ""
    # Deleting what is gone already succeeds.
    host.delete(PROVIDER, created.id, created.outs)


def test_create__adopt_id_takes_over_an_existing_release(
    host: Any, live: Any, asm: AsmBackend, inputs: dict[str, Any]
) -> None:
    created = create(host, inputs)

    adopted = create(host, {**inputs, "adopt_id": created.id})

    assert adopted.id == created.id
    assert adopted.outs["phase"] == "Running"
    assert (
        live.emulator.request_counts()["POST /v2/meshes/{mesh_id}/namespaces/{namespace}/releases"]
        == 1
    )
    with pytest.raises(ProviderCallError, match="no such grayscale release"):
        create(host, {**inputs, "adopt_id": "mesh-1/shop/nope"})


def test_created_uid__found_by_name_when_the_answer_lacks_it(
    live: Any, asm: AsmBackend, inputs: dict[str, Any]
) -> None:
    _runtime.configure(live.stack_config())
    args = GrayscaleReleaseArgs.model_validate(inputs)
    elsewhere = GrayscaleReleaseArgs.model_validate({**inputs, "namespace": "default"})

    def made_outside_pulumi(args: GrayscaleReleaseArgs) -> str:
        request = ReleaseRequest.model_validate(PROVIDER.create_body(args))
        return asm.create_release(args.mesh_id, args.namespace, request).uid

    made_outside_pulumi(elsewhere)
    with pytest.raises(ServiceStageError, match="adopt_id to 'mesh-1/shop/<uid>'"):
        PROVIDER._created_uid({"metadata": {"name": "web-canary"}}, args)
    uid = made_outside_pulumi(args)

    assert PROVIDER._created_uid({"metadata": {"name": "web-canary"}}, args) == uid
    assert PROVIDER._created_uid(None, args) == uid


def test_delete__a_failed_cancel_is_reported(
    host: Any, asm: AsmBackend, inputs: dict[str, Any]
) -> None:
    created = create(host, inputs)
    asm.plan_failure("cancel", message="traffic policy could not be restored")

    with pytest.raises(ProviderCallError) as raised:
        host.delete(PROVIDER, created.id, created.outs)

    assert (
        f"grayscale release {created.id}: ASM could not cancel it; its phase became Failed: "
        "traffic policy could not be restored"
    ) in raised.value.details
    # The release still exists, so the engine keeps it in the state.
    assert releases(asm) == ["web-canary"]


def test_create__a_release_that_cannot_be_read_back_is_named_for_the_next_run(
    host: Any, inputs: dict[str, Any], asm: AsmBackend, monkeypatch: Any
) -> None:
    running = asm.show_release

    def running_until_read_back(mesh_id: str, namespace: str, release_id: str) -> Any:
        shown = running(mesh_id, namespace, release_id)
        if shown.phase.lower() == "running":
            monkeypatch.setattr(asm, "show_release", unreadable)
        return shown

    def unreadable(*args: Any) -> Any:
        raise ASM_INVALID_REQUEST.error("release store unavailable")

    monkeypatch.setattr(asm, "show_release", running_until_read_back)
    with pytest.raises(ProviderCallError) as raised:
        create(host, inputs)
    monkeypatch.setattr(asm, "show_release", running)

    [made] = asm.list_releases("mesh-1")
    resource_id = f"mesh-1/shop/{made.uid}"
    message = raised.value.details
    assert "was created but could not be read back" in message
    assert f"adopt_id={resource_id!r}" in message
    # The next run recognises it (same name, same release) and records it.
    again = create(host, inputs)
    assert again.id == resource_id
    assert releases(asm) == ["web-canary"]


def test_read__what_asm_fills_in_is_not_drift() -> None:
    # ASM answers a release with a `type` of its own when none was sent, and the grayscale
    # Deployment as the cluster completed it; neither is the user's (seed 002's spec, status).
    declared: dict[str, Any] = {
        "mesh_id": "mesh-1",
        "namespace": "shop",
        "name": "web-canary",
        "service_name": "web",
        "cluster_id": "cce-1",
        "deployment_name": "web",
        "version": "v2",
        "gray_deployments": [
            {"cluster_id": "cce-1", "template": deployment("swr.example.com/shop/web:2.0")}
        ],
    }
    completed = deployment("swr.example.com/shop/web:2.0", replicas=2)
    completed["metadata"] = {"name": "web-v2", "labels": {"version": "v2"}}
    completed["spec"]["strategy"] = {"type": "RollingUpdate"}
    completed["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "IfNotPresent"
    answer = {
        "kind": "Release",
        "apiVersion": "asm/v2",
        "metadata": {"meshID": "mesh-1", "namespace": "shop", "name": "web-canary", "uid": "r-1"},
        "spec": {
            "serviceName": "web",
            "clusterID": "cce-1",
            "deploymentName": "web",
            "version": "v2",
            "type": "canary",
            "grayDeployments": [{"clusterID": "cce-1", "template": completed}],
        },
        "status": {"phase": "Running"},
    }
    ref = PROVIDER.ref_from_id("mesh-1/shop/r-1")

    inputs = PROVIDER.server_inputs(answer, declared, ref)

    assert "type" not in inputs
    assert inputs == {
        **declared,
        "gray_deployments": [
            {"cluster_id": "cce-1", "template": deployment("swr.example.com/shop/web:2.0", 2)}
        ],
    }
