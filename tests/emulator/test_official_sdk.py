"""The official Huawei Cloud SDK (huaweicloudsdkservicestage v3), signing with AK/SK, against the
threaded emulator: every call succeeds and every response deserializes without losing fields."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from emulator_support import JOB_SECONDS
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkservicestage.v3 import (
    ApplicationConfigModify,
    ApplicationConfigModifyConfiguration,
    ApplicationConfigModifyConfigurationEnv,
    ApplicationCreate,
    ApplicationModify,
    ComponentCreate,
    ComponentEnvironment,
    ComponentModify,
    CreateApplicationRequest,
    CreateComponentRequest,
    CreateEnvironmentRequest,
    DeleteApplicationConfigurationRequest,
    DeleteApplicationRequest,
    DeleteComponentRequest,
    DeleteEnvironmentRequest,
    EnvironmentCreate,
    EnvironmentCreateLabels,
    EnvironmentModify,
    ExternalAccesses,
    Label,
    ModifyApplicationConfigurationRequest,
    ModifyApplicationRequest,
    ModifyComponentRequest,
    ModifyEnvironmentRequest,
    ReferResourceCreate,
    RuntimeStack,
    ServiceStageClient,
    ShowApplicationConfigurationRequest,
    ShowApplicationInfoRequest,
    ShowApplicationsRequest,
    ShowComponentInfoRequest,
    ShowComponentsInApplicationRequest,
    ShowComponentsRequest,
    ShowEnvironmentInfoRequest,
    ShowEnvironmentsRequest,
    ShowJobInfoRequest,
    SourceObject,
)

from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_KEY,
    DEFAULT_USER_NAME,
    Emulator,
)


def sdk_client(url: str, secret_key: str = DEFAULT_SECRET_KEY) -> Any:
    credentials = BasicCredentials(DEFAULT_ACCESS_KEY, secret_key, DEFAULT_PROJECT_ID)
    return (
        ServiceStageClient.new_builder().with_credentials(credentials).with_endpoints([url]).build()
    )


@pytest.fixture
def sdk(live_emulator: tuple[Emulator, str]) -> Iterator[Any]:
    yield sdk_client(live_emulator[1])


def unset_fields(model: Any, path: str = "") -> set[str]:
    """Paths of the SDK model's attributes (recursively) that deserialization left as None."""
    if isinstance(model, list):
        return {name for item in model for name in unset_fields(item, f"{path}[]")}
    if not hasattr(model, "openapi_types") or not model.openapi_types:
        return set()
    found: set[str] = set()
    for attribute in model.openapi_types:
        value = getattr(model, attribute)
        name = f"{path}.{attribute}" if path else attribute
        found |= {name} if value is None else unset_fields(value, name)
    return found


def wait_for_job(sdk: Any, job_id: str) -> Any:
    deadline = time.monotonic() + 20 * JOB_SECONDS
    while True:
        job = sdk.show_job_info(ShowJobInfoRequest(job_id=job_id))
        if job.job.execution_status != "RUNNING":
            return job
        assert time.monotonic() < deadline, "the job did not end"
        time.sleep(JOB_SECONDS / 5)


def test_environments(sdk: Any) -> None:
    labels = [EnvironmentCreateLabels(key="team", value="core")]
    body = EnvironmentCreate(name="dev-env", vpc_id="vpc-1", deploy_mode="container", labels=labels)

    created = sdk.create_environment(CreateEnvironmentRequest(body=body))
    listed = sdk.show_environments(ShowEnvironmentsRequest(limit=10, offset=0, name="dev-env"))
    shown = sdk.show_environment_info(ShowEnvironmentInfoRequest(environment_id=created.id))
    modified = sdk.modify_environment(
        ModifyEnvironmentRequest(
            environment_id=created.id,
            body=EnvironmentModify(name="development-env", description="shared", labels=labels),
        )
    )
    sdk.delete_environment(DeleteEnvironmentRequest(environment_id=created.id))
    with pytest.raises(ClientRequestException) as gone:
        sdk.show_environment_info(ShowEnvironmentInfoRequest(environment_id=created.id))

    assert unset_fields(created) == set()
    assert (created.name, created.deploy_mode, created.creator) == (
        "dev-env",
        "container",
        DEFAULT_USER_NAME,
    )
    assert created.labels[0].key == "team"
    assert unset_fields(listed) == set()
    assert listed.count == 1 and listed.environments[0].id == created.id
    assert unset_fields(shown) == set()
    assert shown.resources == []
    assert unset_fields(modified) == set()
    assert (modified.name, modified.description, modified.vpc_id) == (
        "development-env",
        "shared",
        "vpc-1",
    )
    assert (gone.value.status_code, gone.value.error_code) == (404, "SVCSTG.00100411")


def test_applications(sdk: Any) -> None:
    environment = sdk.create_environment(
        CreateEnvironmentRequest(body=EnvironmentCreate(name="dev-env", vpc_id="vpc-1"))
    )
    labels = [EnvironmentCreateLabels(key="owner", value="shop-team")]

    created = sdk.create_application(
        CreateApplicationRequest(
            body=ApplicationCreate(name="shop", description="store", labels=labels)
        )
    )
    listed = sdk.show_applications(
        ShowApplicationsRequest(limit=5, offset=0, order_by="name", order="asc")
    )
    shown = sdk.show_application_info(ShowApplicationInfoRequest(application_id=created.id))
    modified = sdk.modify_application(
        ModifyApplicationRequest(application_id=created.id, body=ApplicationModify(name="store"))
    )
    variables = [ApplicationConfigModifyConfigurationEnv(name="LOG_LEVEL", value="debug")]
    configured = sdk.modify_application_configuration(
        ModifyApplicationConfigurationRequest(
            application_id=created.id,
            body=ApplicationConfigModify(
                environment_id=environment.id,
                configuration=ApplicationConfigModifyConfiguration(env=variables),
            ),
        )
    )
    configuration = sdk.show_application_configuration(
        ShowApplicationConfigurationRequest(
            application_id=created.id, environment_id=environment.id
        )
    )
    sdk.delete_application_configuration(
        DeleteApplicationConfigurationRequest(
            application_id=created.id, environment_id=environment.id
        )
    )
    sdk.delete_application(DeleteApplicationRequest(application_id=created.id))
    with pytest.raises(ClientRequestException) as gone:
        sdk.show_application_info(ShowApplicationInfoRequest(application_id=created.id))

    assert unset_fields(created) == set()
    assert (created.name, created.description, created.labels[0].value) == (
        "shop",
        "store",
        "shop-team",
    )
    assert unset_fields(listed) == set()
    assert [application.name for application in listed.applications] == ["shop"]
    assert unset_fields(shown) == set()
    assert shown.component_count == 0
    assert unset_fields(modified) == set()
    assert modified.name == "store"
    assert unset_fields(configured) == set()
    assert configured.configuration.env[0].value == "debug"
    assert unset_fields(configuration) == set()
    assert configuration.configuration[0].environment_id == environment.id
    assert (gone.value.status_code, gone.value.error_code) == (404, "SVCSTG.00100403")


def test_components(sdk: Any) -> None:
    environment = sdk.create_environment(
        CreateEnvironmentRequest(body=EnvironmentCreate(name="dev-env", vpc_id="vpc-1"))
    )
    application = sdk.create_application(
        CreateApplicationRequest(body=ApplicationCreate(name="shop"))
    )
    stack = RuntimeStack(name="OpenJDK8", type="Java", version="1.2.0", deploy_mode="container")
    source = SourceObject(kind="package", url="obs://bucket0001/weather-1.0.0.jar", storage="obs")
    spec: dict[str, Any] = {
        "name": "web",
        "description": "storefront",
        "labels": [Label(key="tier", value="front")],
        "runtime_stack": stack,
        "source": source,
        "version": "1.0.0",
        "replica": 2,
        "limit_cpu": 0.5,
        "limit_memory": 1.0,
        "envs": [ComponentEnvironment(name="JAVA_OPTS", value="-Xmx512m")],
        "refer_resources": [ReferResourceCreate(id="cce-cluster-1", type="cce")],
        "external_accesses": [
            ExternalAccesses(protocol="http", address="10.0.0.1", forward_port=80)
        ],
    }

    created = sdk.create_component(
        CreateComponentRequest(
            application_id=application.id,
            body=ComponentCreate(environment_id=environment.id, **spec),
        )
    )
    deployed = wait_for_job(sdk, created.job_id)
    shown = sdk.show_component_info(
        ShowComponentInfoRequest(application_id=application.id, component_id=created.component_id)
    )
    in_application = sdk.show_components_in_application(
        ShowComponentsInApplicationRequest(application_id=application.id, limit=10, offset=0)
    )
    everywhere = sdk.show_components(
        ShowComponentsRequest(application_name="shop", component_name="web")
    )
    modified = sdk.modify_component(
        ModifyComponentRequest(
            application_id=application.id,
            component_id=created.component_id,
            body=ComponentModify(**{**spec, "version": "1.0.1"}),
        )
    )
    upgraded = wait_for_job(sdk, modified.job_id)
    version = sdk.show_component_info(
        ShowComponentInfoRequest(application_id=application.id, component_id=created.component_id)
    ).version
    sdk.delete_component(
        DeleteComponentRequest(application_id=application.id, component_id=created.component_id)
    )
    with pytest.raises(ClientRequestException) as busy:
        sdk.delete_component(
            DeleteComponentRequest(application_id=application.id, component_id=created.component_id)
        )
    time.sleep(JOB_SECONDS * 1.5)
    with pytest.raises(ClientRequestException) as gone:
        sdk.show_component_info(
            ShowComponentInfoRequest(
                application_id=application.id, component_id=created.component_id
            )
        )

    assert unset_fields(created) == set()
    assert unset_fields(deployed) == set()
    assert deployed.job.execution_status == "SUCCEEDED"
    assert deployed.task_count == len(deployed.tasks) == 3
    assert [task.task_status for task in deployed.tasks] == ["SUCCEEDED"] * 3
    # Only what the request left out, and the failure detail of a healthy component, are empty.
    assert unset_fields(shown) == {
        "build",
        "swimlane_id",
        "request_cpu",
        "request_memory",
        "storages",
        "command",
        "post_start",
        "pre_stop",
        "timezone",
        "mesher",
        "deploy_strategy",
        "jvm_opts",
        "tomcat_opts",
        "logs",
        "custom_metric",
        "affinity",
        "anti_affinity",
        "liveness_probe",
        "readiness_probe",
        "refer_resources[].parameters",
        "envs[].value_from",
        "source.version",
        "source.auth",
        "source.repo_auth",
        "source.repo_namespace",
        "source.repo_ref",
        "source.repo_type",
        "source.web_url",
        "source.repo_url",
        "status.fail_detail",
    }
    assert (shown.name, shown.description, shown.replica, shown.limit_cpu) == (
        "web",
        "storefront",
        2,
        0.5,
    )
    assert (shown.environment_id, shown.application_id) == (environment.id, application.id)
    assert shown.runtime_stack.to_dict() == stack.to_dict()
    assert (shown.source.kind, shown.refer_resources[0].type) == ("package", "cce")
    assert (shown.status.component_status, shown.status.available_replica) == ("RUNNING", 2)
    assert shown.status.artifact.url == source.url
    for listing in (in_application, everywhere):
        assert listing.count == 1
        assert unset_fields(listing) == {
            "components[].status.fail_detail",
            "components[].source.version",
            "components[].source.auth",
            "components[].source.repo_auth",
            "components[].source.repo_namespace",
            "components[].source.repo_ref",
            "components[].source.repo_type",
            "components[].source.web_url",
            "components[].source.repo_url",
        }
        summary = listing.components[0]
        assert (summary.environment_name, summary.application_name) == ("dev-env", "shop")
        assert summary.external_accesses[0].forward_port == 80
    assert upgraded.job.execution_status == "SUCCEEDED"
    assert [task.task_name for task in upgraded.tasks] == [
        "CCEAPP_CONTEXT_PREPARE_01",
        "CCEAPP_UPGRADE_002",
        "CCEAPP_HEALTH_CHECK_003",
    ]
    assert version == "1.0.1"
    assert (busy.value.status_code, busy.value.error_code) == (409, "SVCSTG.00100419")
    assert (gone.value.status_code, gone.value.error_code) == (404, "SVCSTG.00100404")


def test_wrong_secret_key(live_emulator: tuple[Emulator, str]) -> None:
    sdk = sdk_client(live_emulator[1], secret_key="0" * 40)

    with pytest.raises(ClientRequestException) as rejected:
        sdk.show_environments(ShowEnvironmentsRequest())

    error = rejected.value
    assert (error.status_code, error.error_code) == (401, "APIGW.0301")
    assert error.error_msg.startswith(
        "Incorrect IAM authentication information: verify aksk signature fail"
    )
    assert len(error.request_id) == 32
