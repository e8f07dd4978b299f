"""The official SDK's application-configuration operations (v3 Show/Modify/Delete
ApplicationConfiguration) against the threaded emulator."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkservicestage.v3 import (
    ApplicationConfigModify,
    ApplicationConfigModifyConfiguration,
    ApplicationConfigModifyConfigurationEnv,
    ApplicationCreate,
    CreateApplicationRequest,
    CreateEnvironmentRequest,
    DeleteApplicationConfigurationRequest,
    EnvironmentCreate,
    ModifyApplicationConfigurationRequest,
    ShowApplicationConfigurationRequest,
)
from test_official_sdk import sdk_client, unset_fields

from pulumi_servicestage.emulator import Emulator


@pytest.fixture
def sdk(live_emulator: tuple[Emulator, str]) -> Any:
    return sdk_client(live_emulator[1])


def configure(sdk: Any, application_id: str, environment_id: str, **env: str) -> Any:
    variables = [
        ApplicationConfigModifyConfigurationEnv(name=name, value=value)
        for name, value in env.items()
    ]
    return sdk.modify_application_configuration(
        ModifyApplicationConfigurationRequest(
            application_id=application_id,
            body=ApplicationConfigModify(
                environment_id=environment_id,
                configuration=ApplicationConfigModifyConfiguration(env=variables),
            ),
        )
    )


def show(sdk: Any, application_id: str, environment_id: str | None = None) -> Any:
    return sdk.show_application_configuration(
        ShowApplicationConfigurationRequest(
            application_id=application_id, environment_id=environment_id
        )
    )


def variables(configuration: Any) -> dict[str, str]:
    return {variable.name: variable.value for variable in configuration.configuration.env}


def test_application_configuration_per_environment(sdk: Any) -> None:
    application = sdk.create_application(
        CreateApplicationRequest(body=ApplicationCreate(name="shop"))
    )
    dev, prod = (
        sdk.create_environment(
            CreateEnvironmentRequest(body=EnvironmentCreate(name=name, vpc_id="vpc-1"))
        )
        for name in ("dev", "prod")
    )

    configure(sdk, application.id, dev.id, LOG_LEVEL="debug", DB_PASSWORD="s3cret")
    configure(sdk, application.id, prod.id, LOG_LEVEL="warn")
    replaced = configure(sdk, application.id, dev.id, LOG_LEVEL="info")
    both = show(sdk, application.id)
    only_prod = show(sdk, application.id, prod.id)
    sdk.delete_application_configuration(
        DeleteApplicationConfigurationRequest(application_id=application.id, environment_id=dev.id)
    )
    after_delete = show(sdk, application.id)

    assert unset_fields(replaced) == set()
    assert variables(replaced) == {"LOG_LEVEL": "info"}
    assert unset_fields(both) == set()
    assert {item.environment_id: variables(item) for item in both.configuration} == {
        dev.id: {"LOG_LEVEL": "info"},
        prod.id: {"LOG_LEVEL": "warn"},
    }
    assert [item.environment_id for item in only_prod.configuration] == [prod.id]
    assert [item.environment_id for item in after_delete.configuration] == [prod.id]


def test_application_configuration__errors(sdk: Any) -> None:
    application = sdk.create_application(
        CreateApplicationRequest(body=ApplicationCreate(name="shop"))
    )
    environment = sdk.create_environment(
        CreateEnvironmentRequest(body=EnvironmentCreate(name="dev", vpc_id="vpc-1"))
    )

    with pytest.raises(ClientRequestException) as no_application:
        configure(sdk, "no-such-application", environment.id, A="1")
    with pytest.raises(ClientRequestException) as no_environment:
        configure(sdk, application.id, "no-such-environment", A="1")
    with pytest.raises(ClientRequestException) as bad_name:
        configure(sdk, application.id, environment.id, **{"1st": "x"})

    assert (no_application.value.status_code, no_application.value.error_code) == (
        404,
        "SVCSTG.00100403",
    )
    assert (no_environment.value.status_code, no_environment.value.error_code) == (
        404,
        "SVCSTG.00100411",
    )
    assert (bad_name.value.status_code, bad_name.value.error_code) == (400, "SVCSTG.00100400")
    assert show(sdk, application.id).configuration == []
