"""The generic lifecycle's pure parts: validation with unknowns, diff and projection."""

import time
from typing import Literal

import pulumi
import pytest
from pydantic import BaseModel, ConfigDict, model_validator

from pulumi_servicestage._lifecycle import (
    ResourceArgs,
    RestProvider,
    project,
    resource_props,
    validation_failures,
)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["package", "image"]
    url: str | None = None
    password: str | None = None

    @model_validator(mode="after")
    def url_for_package(self):
        if self.kind == "package" and not self.url:
            raise ValueError("url is required when kind is package")
        return self


class Env(BaseModel):
    name: str
    value: str


class ThingArgs(ResourceArgs):
    name: str
    parent_id: str
    replica: int
    source: Source
    envs: list[Env] | None = None


class ThingProvider(RestProvider[ThingArgs]):
    args_model = ThingArgs
    noun = "thing"
    collection_path = "/v3/{project_id}/parents/{parent_id}/things"
    id_fields = ("parent_id", "thing_id")
    replace_on = frozenset({"name", "parent_id"})
    computed = ("status",)
    write_only = frozenset({"source.password"})


VALID = {"name": "a", "parent_id": "p", "replica": 2.0, "source": {"kind": "image", "url": "u"}}
UNKNOWN = pulumi.output.Unknown()


def test_check__valid_inputs_pass_with_float_numbers():
    assert ThingProvider().check({}, dict(VALID)).failures == []


def test_check__failures_name_the_property_path_and_rule():
    news = {
        **VALID,
        "replica": "x",
        "source": {"kind": "package"},
        "envs": [{"name": "A"}],
        "colour": "red",
    }
    failures = {(f.property, f.reason) for f in ThingProvider().check({}, news).failures}
    paths = {path for path, _ in failures}
    assert paths == {"replica", "source", "envs[0].value", "colour"}
    assert ("source", "url is required when kind is package") in failures
    assert any(path == "colour" and "unknown argument" in reason for path, reason in failures)


def test_check__unknown_values_during_preview_are_not_failures():
    news = {
        **VALID,
        "parent_id": UNKNOWN,
        "source": {"kind": "package", "url": UNKNOWN},
        "envs": [UNKNOWN],
    }
    assert ThingProvider().check({}, news).failures == []


def test_check__known_failures_beside_unknowns_are_still_reported():
    news = {**VALID, "parent_id": UNKNOWN, "replica": "many"}
    assert [f.property for f in ThingProvider().check({}, news).failures] == ["replica"]


def test_validation_failures__missing_required_field():
    assert validation_failures(ThingArgs, {"name": "a"}) == [
        ("parent_id", "Field required"),
        ("replica", "Field required"),
        ("source", "Field required"),
    ]


def old_outputs(**changes):
    return {
        **VALID,
        "replica": 2,
        "status": {"component_status": "RUNNING"},
        "thing_id": "t",
        "__provider": "x",
        **changes,
    }


def test_diff__no_change_ignores_computed_outputs_floats_and_provider():
    result = ThingProvider().diff("p/t", old_outputs(), {**VALID, "__provider": "y"})
    assert (result.changes, result.replaces) == (False, [])


def test_diff__update_in_place():
    result = ThingProvider().diff("p/t", old_outputs(), {**VALID, "replica": 3.0})
    assert (result.changes, result.replaces) == (True, [])


def test_diff__immutable_field_forces_replacement():
    result = ThingProvider().diff("p/t", old_outputs(), {**VALID, "name": "b", "replica": 3})
    assert (result.changes, result.replaces) == (True, ["name"])


def test_diff__unknown_immutable_field_forces_replacement_in_preview():
    result = ThingProvider().diff("p/t", old_outputs(), {**VALID, "parent_id": UNKNOWN})
    assert result.replaces == ["parent_id"]


def test_diff__removing_an_optional_field_is_a_change_but_adopt_id_is_not():
    olds = old_outputs(envs=[{"name": "A", "value": "1"}])
    assert ThingProvider().diff("p/t", olds, dict(VALID)).changes is True
    assert ThingProvider().diff("p/t", old_outputs(), {**VALID, "adopt_id": "p/z"}).changes is False


def test_project__drops_server_defaults_keeps_drift_and_write_only_values():
    server = {"kind": "image", "url": "u2", "auth": "iam"}
    template = {"kind": "image", "url": "u", "password": "pw"}
    assert project(server, template, "source", frozenset({"source.password"})) == {
        "kind": "image",
        "url": "u2",
        "password": "pw",
    }


def test_project__lists_of_objects_projected_item_by_item():
    server = [{"name": "A", "value": "1", "extra": True}, {"name": "B", "value": "2"}]
    template = [{"name": "A", "value": "1"}, {"name": "B", "value": "3"}]
    assert project(server, template, "envs", frozenset()) == [
        {"name": "A", "value": "1"},
        {"name": "B", "value": "2"},
    ]


def test_resource_props__rejects_unknown_argument_names_at_once():
    with pytest.raises(TypeError) as refused:
        resource_props(ThingArgs, {"nmae": "red"}, computed=())
    assert str(refused.value) == (
        "Thing: 'nmae': unknown argument; did you mean 'name'? (its arguments: help(Thing))"
    )


def test_resource_props__adds_outputs_and_marks_credentials_secret():
    props = resource_props(
        ThingArgs,
        {"name": "a", "source": {"kind": "package", "url": "u", "password": "pw"}},
        computed=("status", "thing_id"),
        secret_paths=("source.password",),
    )
    assert props["status"] is None and props["thing_id"] is None
    assert isinstance(props["source"]["password"], pulumi.Output)
    assert props["source"]["url"] == "u"


def test_wait_until_gone__looks_until_the_deadline_before_giving_up():
    from pulumi_servicestage import _runtime
    from pulumi_servicestage._lifecycle import ObjectRef
    from pulumi_servicestage.client.errors import ServiceStageError
    from pulumi_servicestage.component import ComponentProvider
    from pulumi_servicestage.emulator import Emulator

    # The wait builds its client from the settings, though nothing here is sent.
    _runtime.configure(Emulator.stack_config("http://127.0.0.1:9"))
    looks: list[float] = []

    class NeverGone(ComponentProvider):
        def read_object(self, ref):
            looks.append(time.monotonic())
            return {}

    started = time.monotonic()
    with pytest.raises(ServiceStageError, match=r"still exists 1\.2 s after it was deleted"):
        NeverGone()._wait_until_gone(ObjectRef({"application_id": "a", "component_id": "c"}), 1.2)
    assert looks[-1] - started >= 1.2
