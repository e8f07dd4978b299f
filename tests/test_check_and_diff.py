"""Check answers what is stored and refuses bad input by field and rule; Check, Diff and Read
never crash on unknowns or garbage; the lifecycle's private methods cannot be overridden."""

import math
import zipfile

import pytest
from pulumi.output import Unknown

from pulumi_servicestage._lifecycle import ResourceArgs, RestProvider, ServiceStageProvider
from pulumi_servicestage.application import ApplicationProvider
from pulumi_servicestage.client.errors import ServiceStageError
from pulumi_servicestage.component import ComponentProvider
from pulumi_servicestage.configuration import ConfigurationProvider
from pulumi_servicestage.configuration_import import ConfigurationImportProvider
from pulumi_servicestage.environment import EnvironmentProvider
from pulumi_servicestage.grayscale_release import GrayscaleReleaseProvider
from pulumi_servicestage.imported_component import ImportedComponentProvider
from pulumi_servicestage.runtime_stack import RuntimeStackProvider
from pulumi_servicestage.testing import container_component

COMPONENT = {**container_component("env-1"), "application_id": "app-1"}
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": 2.0}}
RELEASE = {
    "mesh_id": "mesh-1",
    "namespace": "shop",
    "name": "web-gray",
    "service_name": "web",
    "cluster_id": "cce-1",
    "deployment_name": "web",
    "version": "v2",
    "gray_deployments": [{"cluster_id": "cce-1", "template": DEPLOYMENT}],
}
IMPORTED = {
    "application_id": "app-1",
    "environment_id": "env-1",
    "name": "web",
    "workload_name": "web",
    "workload_kind": "deployment",
    "version": "1.0.0",
    "refer_resources": [{"id": "cce-1", "type": "cce", "parameters": {"namespace": "shop"}}],
}


def failures_of(provider, news, olds=None):
    return dict(
        (failure.property, failure.reason) for failure in provider.check(olds or {}, news).failures
    )


# -- what Check answers -----------------------------------------------------------------------


def test_check__string_values_from_config_are_stored_as_their_types():
    checked = ComponentProvider().check({}, {**COMPONENT, "replica": "2", "limit_cpu": "0.5"})
    assert checked.failures == []
    assert checked.inputs["replica"] == 2
    assert checked.inputs["limit_cpu"] == 0.5

    stack = {"name": "jdk", "type": "Java", "deploy_mode": "virtualmachine", "version": "1.0.0"}
    released = RuntimeStackProvider().check({}, {**stack, "released": "true"})
    assert released.inputs["released"] is True

    timed = EnvironmentProvider().check(
        {}, {"name": "prod", "vpc_id": "vpc-1", "timeouts": {"create": "300"}}
    )
    assert timed.inputs["timeouts"] == {"create": 300.0}


def test_check__defaults_are_applied_even_while_values_are_unknown():
    known = ConfigurationProvider().check(
        {}, {"config_group_id": "g-1", "name": "app", "content": "a=1", "type": "yaml"}
    )
    previewed = ConfigurationProvider().check(
        {}, {"config_group_id": Unknown(), "name": "app", "content": "a=1", "type": "yaml"}
    )
    assert known.inputs["sensitive"] is False
    assert previewed.inputs["sensitive"] is False
    assert isinstance(previewed.inputs["config_group_id"], Unknown)


def test_check__answering_its_own_answer_again_changes_nothing():
    provider = ComponentProvider()
    once = provider.check({}, {**COMPONENT, "replica": "3"}).inputs
    assert provider.check({}, once).inputs == once


def test_check__hidden_inputs_pass_through():
    checked = ApplicationProvider().check({}, {"name": "shop", "__owner": "a" * 40})
    assert checked.failures == []
    assert checked.inputs["__owner"] == "a" * 40


# -- what Check refuses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path", "rule"),
    [
        ({"replica": math.nan}, "replica", "finite"),
        ({"limit_cpu": math.inf}, "limit_cpu", "finite number"),
        ({"limit_memory": -1}, "limit_memory", "at least 0"),
        ({"environment_id": ""}, "environment_id", "must be an id"),
        ({"application_id": "app/../other"}, "application_id", "must be an id"),
        ({"application_id": "app?x=1"}, "application_id", "must be an id"),
        (
            {"liveness_probe": {"type": "tcp", "delay": -5, "timeout": 1, "port": 8080}},
            "liveness_probe.delay",
            "at least 0",
        ),
        (
            {"liveness_probe": {"type": "tcp", "delay": 5, "timeout": 1, "port": 70000}},
            "liveness_probe.port",
            "from 1 to 65535",
        ),
        (
            {"refer_resources": [{"id": "", "type": "cce"}]},
            "refer_resources[0].id",
            "must be an id",
        ),
    ],
)
def test_check__component_values_outside_the_documented_rules(change, path, rule):
    failures = failures_of(ComponentProvider(), {**COMPONENT, **change})
    assert path in failures
    assert rule in failures[path]


@pytest.mark.parametrize(
    ("provider", "inputs", "path"),
    [
        (EnvironmentProvider(), {"name": "prod", "vpc_id": ""}, "vpc_id"),
        (EnvironmentProvider(), {"name": "prod", "vpc_id": "vpc\n1"}, "vpc_id"),
        (GrayscaleReleaseProvider(), {**RELEASE, "mesh_id": "m/../x"}, "mesh_id"),
        (GrayscaleReleaseProvider(), {**RELEASE, "cluster_id": "c 1"}, "cluster_id"),
    ],
)
def test_check__ids_that_would_change_the_request_path_are_refused(provider, inputs, path):
    assert "must be an id" in failures_of(provider, inputs)[path]


def test_check__a_typo_is_named_with_its_rule():
    failures = failures_of(ApplicationProvider(), {"name": "shop", "descripton": "x"})
    assert failures == {"descripton": "unknown argument; did you mean 'description'?"}


def test_check__a_nested_typo_suggests_the_nearest_name_of_its_own_object():
    inputs = {
        "application_id": "3f2b8c1e-5d4a-4e6b-9a7c-1d2e3f4a5b6c",
        "name": "web",
        "version": "1.0.0",
        "replica": 1,
        "runtime_stack": {
            "name": "Docker",
            "type": "Docker",
            "version": "1.0.0",
            "deploy_mode": "container",
        },
        "source": {"kind": "image", "storage": "swr", "urll": "swr.example.com/org/web:1"},
        "refer_resources": [{"id": "cce-1", "type": "cce", "parametres": {}}],
    }
    failures = failures_of(ComponentProvider(), inputs)
    assert failures["source.urll"] == "unknown argument; did you mean 'url'?"
    assert failures["refer_resources[0].parametres"] == (
        "unknown argument; did you mean 'parameters'?"
    )


def test_check__a_name_close_to_none_is_only_refused():
    failures = failures_of(ApplicationProvider(), {"name": "shop", "zzz": "x"})
    assert failures == {"zzz": "unknown argument; check its spelling"}


# -- configuration packages -----------------------------------------------------------------------


def write_zip(path, members, *, encrypt=False):
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    if encrypt:
        data = bytearray(path.read_bytes())
        # The general-purpose flag of the local header and of the central directory entry.
        data[6] |= 1
        central = data.rfind(b"PK\x01\x02")
        data[central + 8] |= 1
        path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("members", "damage", "rule"),
    [
        ({"shop/app.yaml": "a: 1"}, "encrypt", "is encrypted"),
        ({"shop/app.yaml": "a: 1" * 200}, "truncate", "not a zip package, or a damaged one"),
        ({"app.yaml": "a: 1"}, None, "must sit directly in a folder named after its group"),
        ({"shop/app.txt": "a: 1"}, None, "must end in .yaml, .yml or .properties"),
        ({"shop/1app.yaml": "a: 1"}, None, "is not a valid file name"),
        ({"../shop/app.yaml": "a: 1"}, None, "must sit directly in a folder"),
    ],
)
def test_check__a_bad_configuration_package_is_a_check_failure(tmp_path, members, damage, rule):
    path = tmp_path / "package.zip"
    write_zip(path, members, encrypt=damage == "encrypt")
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:60])

    failures = failures_of(ConfigurationImportProvider(), {"archive_path": str(path)})

    assert list(failures) == ["archive_path"]
    assert rule in failures["archive_path"]


# -- no crashes on unknowns or garbage -----------------------------------------------------------


def test_diff__imported_component_with_unknown_parameters_is_a_change_not_a_crash():
    olds = {**IMPORTED, "component_id": "c-1"}
    news = {
        **IMPORTED,
        "refer_resources": [{"id": "cce-1", "type": "cce", "parameters": Unknown()}],
    }
    diff = ImportedComponentProvider().diff("app-1/c-1", olds, news)
    assert diff.changes is True
    assert diff.replaces == []


@pytest.mark.parametrize(
    "olds",
    [
        {"replica": "many", "labels": 7, "runtime_stack": [1, 2], "refer_resources": "cce"},
        {"source": None, "envs": {"a": 1}, "status": "x", "version": math.nan},
        {},
    ],
)
def test_diff__garbage_old_state_is_compared_not_crashed_on(olds):
    diff = ComponentProvider().diff("app-1/c-1", olds, COMPONENT)
    assert diff.changes is True


@pytest.mark.parametrize("resource_id", ["", "a", "a/b/c", "a/../b", "a/b?c", "a/\x00"])
def test_read__a_malformed_id_is_a_one_line_error(resource_id):
    with pytest.raises(ServiceStageError) as raised:
        ComponentProvider().read(resource_id, {})
    assert "\n" not in str(raised.value)
    assert "expected the form <application_id>/<component_id>" in str(raised.value)


# -- the lifecycle keeps its guarantees to itself --------------------------------------------------


@pytest.mark.parametrize("method", ["create", "update", "delete", "read", "diff", "check"])
def test_providers_cannot_override_the_lifecycle_s_calls(method):
    with pytest.raises(
        TypeError, match=rf"overrides (RestProvider|ServiceStageProvider)\.{method}"
    ):
        type("Sneaky", (RestProvider,), {method: lambda self, *args: None})


@pytest.mark.parametrize("method", ["_create_new", "_adopt", "_delete", "_update_reconciled"])
def test_providers_cannot_override_the_lifecycle_s_private_steps(method):
    with pytest.raises(TypeError, match=rf"overrides RestProvider\.{method}"):
        type("Sneaky", (RestProvider,), {method: lambda self, *args: None})


def test_other_providers_may_implement_the_calls_but_not_configure_or_check():
    type("Own", (ServiceStageProvider,), {"create": lambda self, props: None})
    with pytest.raises(TypeError, match=r"overrides ServiceStageProvider\.check"):
        type("Sneaky", (ServiceStageProvider,), {"check": lambda self, olds, news: None})


def test_argument_models_refuse_non_finite_numbers_everywhere():
    with pytest.raises(ValueError, match="finite"):
        ResourceArgs.model_validate({"timeouts": {"create": math.inf}})
