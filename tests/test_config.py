import pytest

from pulumi_servicestage.client.errors import ConfigurationError
from pulumi_servicestage.config import Settings

AKSK = {"servicestage:accessKey": "AK", "servicestage:secretKey": "SK"}
BASE = {"servicestage:region": "cn-north-4", "servicestage:projectId": "p1", **AKSK}


def test_resolve__stack_config_with_default_endpoints():
    settings = Settings.resolve(BASE, {})
    assert settings.region == "cn-north-4"
    assert settings.project_id == "p1"
    assert settings.servicestage_endpoint == "https://servicestage.cn-north-4.myhuaweicloud.com"
    assert settings.iam_endpoint == "https://iam.cn-north-4.myhuaweicloud.com"
    assert settings.cse_endpoint == "https://cse.cn-north-4.myhuaweicloud.com"
    assert settings.asm_endpoint == "https://asm.cn-north-4.myhuaweicloud.com"
    assert settings.credentials.kind == "aksk"


def test_resolve__one_endpoint_serves_every_service_unless_overridden():
    settings = Settings.resolve(
        {
            **BASE,
            "servicestage:endpoint": "http://127.0.0.1:9000",
            "servicestage:asmEndpoint": "http://asm.local",
        },
        {},
    )
    assert settings.servicestage_endpoint == "http://127.0.0.1:9000"
    assert settings.iam_endpoint == "http://127.0.0.1:9000"
    assert settings.asm_endpoint == "http://asm.local"


def test_resolve__falls_back_to_terraform_environment_variables():
    settings = Settings.resolve(
        {},
        {
            "HW_REGION_NAME": "ap-southeast-1",
            "HW_PROJECT_ID": "p2",
            "HW_ACCESS_KEY": "a",
            "HW_SECRET_KEY": "s",
            "HW_SECURITY_TOKEN": "t",
        },
    )
    assert (settings.region, settings.project_id) == ("ap-southeast-1", "p2")
    assert settings.credentials.security_token == "t"


def test_resolve__falls_back_to_official_sdk_variables():
    settings = Settings.resolve(
        {"servicestage:region": "r", "servicestage:projectId": "p"},
        {"HUAWEICLOUD_SDK_AK": "a", "HUAWEICLOUD_SDK_SK": "s"},
    )
    assert settings.credentials.access_key == "a"


def test_resolve__stack_config_wins_over_environment():
    settings = Settings.resolve(BASE, {"HW_REGION_NAME": "other"})
    assert settings.region == "cn-north-4"


def test_resolve__token_and_iam_user_credentials():
    token = Settings.resolve(
        {
            **BASE,
            "servicestage:accessKey": "",
            "servicestage:secretKey": "",
            "servicestage:authToken": "tok",
        },
        {},
    )
    assert token.credentials.kind == "token"
    user = Settings.resolve(
        {"servicestage:region": "r", "servicestage:projectId": "p"},
        {"HW_USER_NAME": "u", "HW_USER_PASSWORD": "pw", "HW_DOMAIN_NAME": "d"},
    )
    assert user.credentials.kind == "password"


@pytest.mark.parametrize(
    ("config", "names"),
    [
        ({}, ["servicestage:region", "HW_REGION_NAME"]),
        ({"servicestage:region": "r"}, ["servicestage:projectId", "HW_PROJECT_ID"]),
        (
            {"servicestage:region": "r", "servicestage:projectId": "p"},
            ["servicestage:accessKey", "servicestage:authToken", "servicestage:userName"],
        ),
        (
            {
                "servicestage:region": "r",
                "servicestage:projectId": "p",
                "servicestage:accessKey": "a",
            },
            ["servicestage:secretKey", "HW_SECRET_KEY"],
        ),
        (
            {
                "servicestage:region": "r",
                "servicestage:projectId": "p",
                "servicestage:userName": "u",
            },
            ["servicestage:password", "HW_USER_PASSWORD"],
        ),
        ({**BASE, "servicestage:maxRetries": "many"}, ["servicestage:maxRetries"]),
    ],
)
def test_resolve__missing_setting_names_what_to_set(config, names):
    with pytest.raises(ConfigurationError) as raised:
        Settings.resolve(config, {})
    for name in names:
        assert name in str(raised.value)


def test_settings_repr_hides_credentials():
    settings = Settings.resolve({**BASE, "servicestage:secretKey": "TOPSECRET"}, {})
    assert "TOPSECRET" not in repr(settings)
