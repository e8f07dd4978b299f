import pulumi
import pytest
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

from pulumi_servicestage.application_configuration import (
    ApplicationConfiguration,
    ApplicationConfigurationProvider,
)
from pulumi_servicestage.emulator.servicestage.schemas import ConfigurationVariable
from pulumi_servicestage.testing import DiffChanges, ProviderCallError, ProviderMocks, revealed

PROVIDER = ApplicationConfigurationProvider()


@pytest.fixture
def inputs(live):
    environment = live.backend.create_environment(name="dev", vpc_id="vpc-1", creator="tests")
    application = live.backend.create_application(name="shop", creator="tests")
    return {
        "application_id": application.id,
        "environment_id": environment.id,
        "env": {"LOG_LEVEL": "debug"},
        "secret_env": {"DB_PASSWORD": "s3cret"},
    }


def create(host, inputs):
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    return host.create(PROVIDER, checked.inputs)


def stored(live, application_id, environment_id):
    """The variables the service holds, in its order; None when it has no configuration."""
    found = live.backend.show_application_configuration(
        application_id, environment_id=environment_id
    )
    return [(v.name, v.value) for v in found[0].env] if found else None


def configure_by_hand(live, application_id, environment_id, **variables):
    live.backend.modify_application_configuration(
        application_id,
        environment_id=environment_id,
        env=[ConfigurationVariable(name=name, value=value) for name, value in variables.items()],
    )


def test_check__each_rule_reported_by_property_path(host, inputs):
    checked = host.check(
        PROVIDER,
        None,
        {"application_id": inputs["application_id"], "env": {"9LIVES": "x", "PORT": 8080}},
    )
    failures = dict(checked.failures)
    assert set(failures) == {"environment_id", "env.9LIVES.[key]", "env.PORT"}
    assert "starting with a letter, underscore or hyphen" in failures["env.9LIVES.[key]"]
    assert failures["env.PORT"] == "Input should be a valid string"

    in_both = {**inputs, "env": {"TOKEN": "a", "MODE": "x"}, "secret_env": {"TOKEN": "b"}}
    assert host.check(PROVIDER, None, in_both).failures == [
        ("secret_env", "TOKEN also set in env; each variable goes in env or secret_env, not both")
    ]


def test_lifecycle__create_update_delete(host, live, inputs):
    application_id, environment_id = inputs["application_id"], inputs["environment_id"]

    created = create(host, inputs)
    assert created.id == f"{application_id}/{environment_id}"
    assert stored(live, application_id, environment_id) == [
        ("DB_PASSWORD", "s3cret"),
        ("LOG_LEVEL", "debug"),
    ]
    assert created.outs["env"] == {"LOG_LEVEL": "debug"}
    assert revealed(created.outs["secret_env"]) == {"DB_PASSWORD": "s3cret"}

    assert host.diff(PROVIDER, created.id, created.outs, inputs).changes is DiffChanges.NONE

    rotated = {**inputs, "secret_env": {"DB_PASSWORD": "n3w", "API_KEY": "k"}, "env": {}}
    diff = host.diff(PROVIDER, created.id, created.outs, rotated)
    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, [])
    updated = host.update(PROVIDER, created.id, created.outs, rotated)
    assert stored(live, application_id, environment_id) == [
        ("API_KEY", "k"),
        ("DB_PASSWORD", "n3w"),
    ]
    assert revealed(updated["secret_env"]) == {"DB_PASSWORD": "n3w", "API_KEY": "k"}
    assert host.diff(PROVIDER, created.id, updated, rotated).changes is DiffChanges.NONE

    host.delete(PROVIDER, created.id, updated)
    assert stored(live, application_id, environment_id) is None
    host.delete(PROVIDER, created.id, updated)  # already gone: success


def test_diff__another_environment_or_application_forces_replacement(host, live, inputs):
    prod = live.backend.create_environment(name="prod", vpc_id="vpc-1", creator="tests")
    created = create(host, inputs)
    moved = {**inputs, "environment_id": prod.id}

    diff = host.diff(PROVIDER, created.id, created.outs, moved)
    assert (diff.changes, diff.replaces) == (DiffChanges.SOME, ["environment_id"])
    assert diff.delete_before_replace is False
    other_application = {**inputs, "application_id": "app-2"}
    assert host.diff(PROVIDER, created.id, created.outs, other_application).replaces == [
        "application_id"
    ]

    # What the engine does next: create the replacement, then delete the old configuration.
    replacement = create(host, moved)
    host.delete(PROVIDER, created.id, created.outs)
    assert replacement.id == f"{inputs['application_id']}/{prod.id}"
    assert stored(live, inputs["application_id"], prod.id) == [
        ("DB_PASSWORD", "s3cret"),
        ("LOG_LEVEL", "debug"),
    ]
    assert stored(live, inputs["application_id"], inputs["environment_id"]) is None


def test_read__out_of_band_changes_are_drift(host, live, inputs):
    created = create(host, inputs)
    configure_by_hand(
        live,
        inputs["application_id"],
        inputs["environment_id"],
        LOG_LEVEL="trace",
        DB_PASSWORD="s3cret",
        INJECTED="by hand",
    )

    refreshed = host.read(PROVIDER, created.id, created.outs, inputs)

    assert refreshed.id == created.id
    assert refreshed.inputs["env"] == {"LOG_LEVEL": "trace"}
    # A variable nobody declared may be sensitive: it is reported, secret, for removal.
    assert revealed(refreshed.inputs["secret_env"]) == {
        "DB_PASSWORD": "s3cret",
        "INJECTED": "by hand",
    }
    assert host.diff(PROVIDER, created.id, refreshed.outs, inputs).changes is DiffChanges.SOME
    host.update(PROVIDER, created.id, refreshed.outs, inputs)
    assert stored(live, inputs["application_id"], inputs["environment_id"]) == [
        ("DB_PASSWORD", "s3cret"),
        ("LOG_LEVEL", "debug"),
    ]


def test_read__unset_maps_are_no_drift(host, live, inputs):
    only_plain = {**inputs, "secret_env": None}
    created = create(host, only_plain)

    refreshed = host.read(PROVIDER, created.id, created.outs, only_plain)

    assert "secret_env" not in refreshed.inputs
    assert host.diff(PROVIDER, created.id, refreshed.outs, only_plain).changes is DiffChanges.NONE


def test_read__deleted_out_of_band_disappears_from_the_stack(host, live, inputs):
    created = create(host, inputs)
    live.backend.delete_application_configuration(
        inputs["application_id"], environment_id=inputs["environment_id"]
    )

    assert host.read(PROVIDER, created.id, created.outs, inputs).id == ""


def test_read__get_reports_every_variable_as_secret(host, live, inputs):
    configure_by_hand(live, inputs["application_id"], inputs["environment_id"], A="1", B="2")
    resource_id = f"{inputs['application_id']}/{inputs['environment_id']}"

    got = host.read(PROVIDER, resource_id, None, {})

    assert revealed(got.outs["secret_env"]) == {"A": "1", "B": "2"}
    assert "env" not in got.outs
    assert (got.outs["application_id"], got.outs["environment_id"]) == (
        inputs["application_id"],
        inputs["environment_id"],
    )


def test_create__existing_variables_are_not_overwritten_unseen(host, live, inputs):
    configure_by_hand(live, inputs["application_id"], inputs["environment_id"], OLD="1")
    resource_id = f"{inputs['application_id']}/{inputs['environment_id']}"

    with pytest.raises(ProviderCallError) as raised:
        create(host, inputs)

    assert "already has 1 variable(s)" in raised.value.details
    assert f"adopt_id={resource_id!r}" in raised.value.details
    assert stored(live, inputs["application_id"], inputs["environment_id"]) == [("OLD", "1")]


def test_create__adopt_takes_over_and_applies_the_arguments(host, live, inputs):
    configure_by_hand(live, inputs["application_id"], inputs["environment_id"], OLD="1")
    resource_id = f"{inputs['application_id']}/{inputs['environment_id']}"

    adopted = create(host, {**inputs, "adopt_id": resource_id})

    assert adopted.id == resource_id
    assert stored(live, inputs["application_id"], inputs["environment_id"]) == [
        ("DB_PASSWORD", "s3cret"),
        ("LOG_LEVEL", "debug"),
    ]


def test_create__adopt_errors_name_the_problem(host, live, inputs):
    application_id = inputs["application_id"]
    resource_id = f"{application_id}/{inputs['environment_id']}"
    with pytest.raises(ProviderCallError) as missing:
        create(host, {**inputs, "adopt_id": resource_id})
    assert f"adopt_id {resource_id!r}: no such application configuration" in missing.value.details

    prod = live.backend.create_environment(name="prod", vpc_id="vpc-1", creator="tests")
    configure_by_hand(live, application_id, prod.id, A="1")
    with pytest.raises(ProviderCallError) as elsewhere:
        create(host, {**inputs, "adopt_id": f"{application_id}/{prod.id}"})
    assert f"belongs to environment_id {prod.id!r}" in elsewhere.value.details
    assert stored(live, application_id, prod.id) == [("A", "1")]


def test_secret_env_is_secret_in_the_state(live, inputs, monkeypatch):
    requests = []
    for method in ("RegisterResource", "ReadResource"):
        original = getattr(MockMonitor, method)

        def recording(self, request, original=original):
            requests.append(request)
            return original(self, request)

        monkeypatch.setattr(MockMonitor, method, recording)
    resource_id = f"{inputs['application_id']}/{inputs['environment_id']}"

    def program():
        declared = ApplicationConfiguration("cfg", **inputs)
        got = ApplicationConfiguration.get(
            "seen", resource_id, pulumi.ResourceOptions(depends_on=[declared])
        )
        pulumi.export("plain", declared.env)
        pulumi.export("secret", declared.secret_env)
        pulumi.export("got", got.secret_env)

    mocks = ProviderMocks(live.stack_config())
    exports = mocks.run(program)

    declared_inputs = mocks.by_name("cfg").inputs
    assert rpc.is_rpc_secret(declared_inputs["secret_env"])
    assert not rpc.is_rpc_secret(declared_inputs["env"])
    assert exports["plain"] == {"LOG_LEVEL": "debug"}
    # The engine encrypts the output in the state; the mock monitor does not apply the option.
    by_name = {request.name: request for request in requests}
    assert list(by_name["cfg"].additionalSecretOutputs) == ["secret_env"]
    assert list(by_name["seen"].additionalSecretOutputs) == ["secret_env"]
    assert rpc.unwrap_rpc_secret(exports["secret"]) == {"DB_PASSWORD": "s3cret"}
    assert revealed(exports["got"]) == {"DB_PASSWORD": "s3cret", "LOG_LEVEL": "debug"}
