"""Settings are checked when the engine configures the provider, so a problem fails `pulumi
preview` (the first Check) with one line naming the config key and the environment variable."""

import os

import pytest

from pulumi_servicestage.application import ApplicationProvider
from pulumi_servicestage.config import ALL_SETTINGS
from pulumi_servicestage.emulator import (
    DEFAULT_DOMAIN_NAME,
    DEFAULT_PROJECT_ID,
    DEFAULT_REGION,
    DEFAULT_USER_NAME,
)
from pulumi_servicestage.testing import ProviderCallError, ProviderHost

# Each test starts a real provider host: configure() runs inside it.
pytestmark = pytest.mark.real_time

PROVIDER = ApplicationProvider()


def environment_without_settings() -> dict[str, str]:
    """The test process's environment, less every variable a setting falls back to."""
    names = {name for setting in ALL_SETTINGS for name in setting.env_vars}
    return {key: value for key, value in os.environ.items() if key not in names}


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"servicestage:region": None}, ["servicestage:region", "HW_REGION_NAME"]),
        ({"servicestage:region": "North China 4"}, ["servicestage:region", "region name"]),
        ({"servicestage:projectId": "my-project"}, ["servicestage:projectId", "HW_PROJECT_ID"]),
        ({"servicestage:secretKey": None}, ["servicestage:secretKey", "HW_SECRET_KEY"]),
        (
            {"servicestage:endpoint": "servicestage.internal:8080"},
            ["servicestage:endpoint", "HW_SERVICESTAGE_ENDPOINT", "http:// or https:// URL"],
        ),
        ({"servicestage:maxRetries": "lots"}, ["servicestage:maxRetries", "HW_MAX_RETRIES"]),
    ],
)
def test_a_bad_setting_fails_the_first_check_with_one_line(served_emulator, change, named):
    config = {
        key: value
        for key, value in {**served_emulator.stack_config(), **change}.items()
        if value is not None
    }
    with ProviderHost(env=environment_without_settings()) as host:
        host.configure(config)
        with pytest.raises(ProviderCallError) as raised:
            host.check(PROVIDER, None, {"name": "shop"})

    # What `pulumi preview` shows: the message alone, on one line (`_host.ReadableTracebacks`).
    [line] = raised.value.details.strip().splitlines()
    for name in named:
        assert name in line


def test_a_wrong_iam_password_quotes_iam_s_message(live):
    config = {
        "servicestage:region": DEFAULT_REGION,
        "servicestage:projectId": DEFAULT_PROJECT_ID,
        "servicestage:userName": DEFAULT_USER_NAME,
        "servicestage:password": "not-the-password",
        "servicestage:domainName": DEFAULT_DOMAIN_NAME,
        "servicestage:endpoint": live.url,
    }
    with ProviderHost(env=environment_without_settings()) as host:
        host.configure(config, secret_keys=["servicestage:password"])
        checked = host.check(PROVIDER, None, {"name": "shop"})
        with pytest.raises(ProviderCallError) as raised:
            host.create(PROVIDER, checked.inputs)

    last_line = raised.value.details.strip().splitlines()[-1]
    assert "401 Unauthorized: " in last_line
    assert "no error details" not in last_line
    assert "not-the-password" not in raised.value.details


def test_a_stack_with_the_bridged_provider_s_settings_deploys(served_emulator):
    # Region and credentials as a stack of the bridged huaweicloud provider has them, secret keys
    # marked as the engine marks them.
    ours = served_emulator.stack_config()
    config = {
        "servicestage:projectId": ours["servicestage:projectId"],
        "servicestage:endpoint": ours["servicestage:endpoint"],
        "huaweicloud:region": ours["servicestage:region"],
        "huaweicloud:access_key": ours["servicestage:accessKey"],
        "huaweicloud:secret_key": ours["servicestage:secretKey"],
    }
    with ProviderHost(env=environment_without_settings()) as host:
        host.configure(config, secret_keys=["huaweicloud:access_key", "huaweicloud:secret_key"])
        checked = host.check(PROVIDER, None, {"name": "bridged-settings"})
        created = host.create(PROVIDER, checked.inputs)
        assert served_emulator.backend.show_application(created.id).name == "bridged-settings"
        host.delete(PROVIDER, created.id, created.outs)
