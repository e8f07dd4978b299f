import pytest

from pulumi_servicestage.client.errors import ConfigurationError
from pulumi_servicestage.config import Settings, stack_config_from

P1 = "0b1e5c3a9d7f4e2a8c6b4d2f0a9e8c71"
P2 = "9c8b7a6d5e4f30211f2e3d4c5b6a7988"
AKSK = {"servicestage:accessKey": "AK", "servicestage:secretKey": "SK"}
BASE = {"servicestage:region": "cn-north-4", "servicestage:projectId": P1, **AKSK}


def test_resolve__stack_config_with_default_endpoints():
    settings = Settings.resolve(BASE, {})
    assert settings.region == "cn-north-4"
    assert settings.project_id == P1
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
            "HW_PROJECT_ID": P2,
            "HW_ACCESS_KEY": "a",
            "HW_SECRET_KEY": "s",
            "HW_SECURITY_TOKEN": "t",
        },
    )
    assert (settings.region, settings.project_id) == ("ap-southeast-1", P2)
    assert settings.credentials.security_token == "t"


def test_resolve__falls_back_to_official_sdk_variables():
    settings = Settings.resolve(
        {"servicestage:region": "cn-north-4", "servicestage:projectId": P1},
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
        {"servicestage:region": "cn-north-4", "servicestage:projectId": P1},
        {"HW_USER_NAME": "u", "HW_USER_PASSWORD": "pw", "HW_DOMAIN_NAME": "d"},
    )
    assert user.credentials.kind == "password"


@pytest.mark.parametrize(
    ("config", "names"),
    [
        ({}, ["servicestage:region", "HW_REGION_NAME"]),
        ({"servicestage:region": "cn-north-4"}, ["servicestage:projectId", "HW_PROJECT_ID"]),
        (
            {"servicestage:region": "cn-north-4", "servicestage:projectId": P1},
            ["servicestage:accessKey", "servicestage:authToken", "servicestage:userName"],
        ),
        (
            {
                "servicestage:region": "cn-north-4",
                "servicestage:projectId": P1,
                "servicestage:accessKey": "a",
            },
            ["servicestage:secretKey", "HW_SECRET_KEY"],
        ),
        (
            {
                "servicestage:region": "cn-north-4",
                "servicestage:projectId": P1,
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


@pytest.mark.parametrize(
    ("key", "value", "names", "rule"),
    [
        ("servicestage:region", "North China", ["HW_REGION_NAME"], "region name"),
        ("servicestage:projectId", "my-project", ["HW_PROJECT_ID"], "32 hexadecimal"),
        ("servicestage:endpoint", "servicestage.local:8080", ["HW_SERVICESTAGE_ENDPOINT"], "URL"),
        ("servicestage:asmEndpoint", "ftp://asm.local", ["HW_ASM_ENDPOINT"], "URL"),
        ("servicestage:iamEndpoint", "https://", ["HW_IAM_ENDPOINT"], "URL"),
        ("servicestage:maxRetries", "-1", ["HW_MAX_RETRIES"], "0 to 20"),
        ("servicestage:maxRetries", "2.5", ["HW_MAX_RETRIES"], "whole number"),
        ("servicestage:maxRetries", "1000", ["HW_MAX_RETRIES"], "0 to 20"),
    ],
)
def test_resolve__malformed_setting_names_key_variable_and_rule(key, value, names, rule):
    with pytest.raises(ConfigurationError) as raised:
        Settings.resolve({**BASE, key: value}, {})
    message = str(raised.value)
    assert "\n" not in message
    for name in [key, *names, rule]:
        assert name in message


@pytest.mark.parametrize("spelling", ["snake_case", "camelCase"])
def test_resolve__reads_the_bridged_provider_s_settings_after_ours(spelling):
    def key(snake: str) -> str:
        head, *rest = snake.split("_")
        name = snake if spelling == "snake_case" else head + "".join(w.title() for w in rest)
        return f"huaweicloud:{name}"

    settings = Settings.resolve(
        {
            "servicestage:projectId": P1,
            key("region"): "ap-southeast-1",
            key("access_key"): "peer-ak",
            key("secret_key"): "peer-sk",
            key("security_token"): "peer-token",
            key("max_retries"): "7",
        },
        {"HW_REGION_NAME": "cn-north-4", "HW_ACCESS_KEY": "env-ak", "HW_SECRET_KEY": "env-sk"},
    )
    assert (settings.region, settings.max_retries) == ("ap-southeast-1", 7)
    credentials = settings.credentials
    assert (credentials.access_key, credentials.secret_key) == ("peer-ak", "peer-sk")
    assert credentials.security_token == "peer-token"


def test_resolve__our_settings_win_over_the_bridged_provider_s():
    settings = Settings.resolve(
        {**BASE, "huaweicloud:region": "ap-southeast-1", "huaweicloud:access_key": "peer-ak"}, {}
    )
    assert (settings.region, settings.credentials.access_key) == ("cn-north-4", "AK")


def test_resolve__iam_user_from_the_bridged_provider_s_settings():
    settings = Settings.resolve(
        {
            "huaweicloud:region": "cn-north-4",
            "servicestage:projectId": P1,
            "huaweicloud:user_name": "deployer",
            "huaweicloud:password": "pw",
            "huaweicloud:domain_name": "acme",
        },
        {},
    )
    credentials = settings.credentials
    assert (credentials.user_name, credentials.domain_name) == ("deployer", "acme")


def test_missing_setting_names_the_bridged_provider_s_keys_too():
    with pytest.raises(ConfigurationError) as missing:
        Settings.resolve({"servicestage:projectId": P1, **AKSK}, {})
    assert "`huaweicloud:region`" in str(missing.value)


def test_stack_config_from_collects_ours_and_the_bridged_provider_s_keys():
    given = {"servicestage:region": "cn-north-4", "huaweicloud:access_key": "ak", "other:x": "y"}
    assert stack_config_from(given.get) == {
        "servicestage:region": "cn-north-4",
        "huaweicloud:access_key": "ak",
    }


def test_engine_passwords_are_a_json_object_and_never_quoted_in_errors():
    from pulumi_servicestage.config import Settings
    from pulumi_servicestage.emulator import Emulator

    config = Emulator.stack_config("http://127.0.0.1:1")
    given = {**config, "servicestage:enginePasswords": '{"e-1": "p4ss", "e-2": "w0rd"}'}

    settings = Settings.resolve(given, {})

    assert dict(settings.engine_passwords) == {"e-1": "p4ss", "e-2": "w0rd"}
    assert "p4ss" not in repr(settings)
    with pytest.raises(ConfigurationError) as refused:
        Settings.resolve({**config, "servicestage:enginePasswords": "hunter2"}, {})
    assert "JSON object of engine id" in str(refused.value)
    assert "hunter2" not in str(refused.value)


def test_clients__follow_the_stack_config_and_environment_as_they_change(monkeypatch):
    import threading

    from pulumi_servicestage import _runtime
    from pulumi_servicestage.emulator import Emulator

    def resolutions_after(call):
        # `configure` also builds the clients in a thread of its own: let it finish first.
        for thread in threading.enumerate():
            if thread.name == "servicestage-clients":
                thread.join()
        resolved = []
        resolve = Settings.resolve

        def counting(stack_config, environ):
            resolved.append(stack_config)
            return resolve(stack_config, environ)

        with monkeypatch.context() as patched:
            patched.setattr(Settings, "resolve", staticmethod(counting))
            value = call()
        return len(resolved), value

    monkeypatch.delenv("HW_MAX_REQUESTS_PER_SECOND", raising=False)
    first = Emulator.stack_config("http://127.0.0.1:9")
    del first["servicestage:maxRequestsPerSecond"]
    _runtime.configure(first)
    assert _runtime.clients().settings.servicestage_endpoint == "http://127.0.0.1:9"
    assert resolutions_after(_runtime.clients)[0] == 0, "nothing changed, nothing resolved"

    monkeypatch.setenv("HW_MAX_REQUESTS_PER_SECOND", "5")
    count, clients = resolutions_after(_runtime.clients)
    assert (count, clients.settings.max_requests_per_second) == (1, 5.0)

    _runtime.configure({**first, "servicestage:endpoint": "http://127.0.0.1:10"})
    assert _runtime.clients().settings.servicestage_endpoint == "http://127.0.0.1:10"
