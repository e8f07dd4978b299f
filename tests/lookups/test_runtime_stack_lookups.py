"""Runtime stack lookups, `RuntimeStack.get`, and a program that runs a component on a custom
stack, all under ProviderMocks against the emulator."""

import pulumi

from pulumi_servicestage import Application, Component, Environment, runtime_stack
from pulumi_servicestage.emulator.servicestage.runtime_stacks.backend import RuntimeStackBackend
from pulumi_servicestage.emulator.servicestage.runtime_stacks.schemas import StackSpec
from pulumi_servicestage.runtime_stack import (
    InnerImageInfo,
    RuntimeStack,
    RuntimeStackInfo,
    get_inner_images,
    get_runtime_stacks,
)
from pulumi_servicestage.testing import ProviderMocks

JDK_URL = "obs://bucket/bisheng-jdk-8u412-linux-aarch64.tar.gz"


def create_custom_stack(live, name="CustomJdk"):
    return live.emulator.area(RuntimeStackBackend).create_runtime_stack(
        name=name,
        type="Java",
        version="1.0.0",
        deploy_mode="virtualmachine",
        creator="tests",
        spec=StackSpec(parameters={"jdk_url": JDK_URL}),
    )


def test_get_runtime_stacks__filters_built_in_and_custom_stacks(live):
    custom = create_custom_stack(live)
    found: dict[str, list[RuntimeStackInfo]] = {}

    def program():
        found["all"] = get_runtime_stacks()
        found["custom"] = get_runtime_stacks(name="CustomJdk")
        found["java_containers"] = get_runtime_stacks(type="Java", deploy_mode="container")
        found["unreleased"] = get_runtime_stacks(status="Disable")

    ProviderMocks(live.stack_config()).run(program)

    assert len(found["all"]) == len(live.backend.list_runtime_stacks())
    (stack,) = found["custom"]
    assert isinstance(stack, RuntimeStackInfo)
    assert (stack.id, stack.system, stack.status, stack.creator) == (
        custom["id"],
        0,
        "Disable",
        "tests",
    )
    assert stack.spec == {"os": None, "sdk": None, "parameters": {"jdk_url": JDK_URL}}
    assert stack.component_runtime_stack() == {
        "name": "CustomJdk",
        "type": "Java",
        "version": "1.0.0",
        "deploy_mode": "virtualmachine",
    }
    java_containers = found["java_containers"]
    assert java_containers
    assert {(s.type, s.deploy_mode, s.system) for s in java_containers} == {
        ("Java", "container", 1)
    }
    assert [s.id for s in found["unreleased"]] == [custom["id"]]


def test_get_inner_images__answers_typed_images(live):
    found: dict[str, list[InnerImageInfo]] = {}

    def program():
        found["all"] = get_inner_images()
        found["java"] = get_inner_images(type="Java")

    ProviderMocks(live.stack_config()).run(program)

    assert {image.type for image in found["all"]} == {"Java", "Tomcat", "Nodejs", "Python", "Php"}
    assert found["java"]
    assert all(image.type == "Java" and image.url.startswith("swr.") for image in found["java"])


def test_get_inner_images__reads_the_list_under_the_name_of_the_references_example(
    monkeypatch,
):
    answer = {"runtimestacks": [{"type": "Java", "url": "swr.example.com/openjdk:17"}]}
    monkeypatch.setattr(runtime_stack, "project_path", lambda template: template)
    monkeypatch.setattr(runtime_stack, "get_one", lambda path: answer)

    found = get_inner_images()

    assert found == [InnerImageInfo(type="Java", url="swr.example.com/openjdk:17")]


def test_runtime_stack_get__reads_an_existing_stack(live):
    custom = create_custom_stack(live)

    def program():
        stack = RuntimeStack.get("existing", custom["id"])
        pulumi.export("name", stack.name)
        pulumi.export("released", stack.released)
        pulumi.export("spec", stack.spec)

    mocks = ProviderMocks(live.stack_config())
    exports = mocks.run(program)

    assert exports == {
        "name": "CustomJdk",
        "released": False,
        # The engine's serialization drops the service's null members.
        "spec": {"parameters": {"jdk_url": JDK_URL}},
    }
    assert mocks.by_name("existing").resource_id == custom["id"]


def test_program__component_runs_on_a_released_custom_stack(live):
    def program():
        stack = RuntimeStack(
            "jdk",
            name="CustomJdk",
            type="Java",
            deploy_mode="virtualmachine",
            version="1.0.0",
            spec={"parameters": {"jdk_url": JDK_URL}},
            released=True,
        )
        environment = Environment(
            "vms", name="vm-env", vpc_id="vpc-1", deploy_mode="virtualmachine"
        )
        application = Application("shop", name="shop")
        component = Component(
            "api",
            application_id=application.id,
            environment_id=environment.id,
            name="api",
            version="1.0.0",
            replica=1,
            runtime_stack={
                "name": stack.name,
                "type": stack.type,
                "version": stack.version,
                "deploy_mode": stack.deploy_mode,
            },
            source={"kind": "package", "storage": "obs", "url": "obs://bucket/api-1.0.0.jar"},
            refer_resources=[{"id": "ecs-1", "type": "ecs"}],
        )
        pulumi.export("stack_id", stack.runtime_stack_id)
        pulumi.export("status", component.status.apply(lambda s: s["component_status"]))

    exports = ProviderMocks(live.stack_config()).run(program)

    assert exports["status"] == "RUNNING"
    shown = live.emulator.area(RuntimeStackBackend).show_runtime_stack(exports["stack_id"])
    assert (shown["status"], shown["component_count"]) == ("Supported", 1)
