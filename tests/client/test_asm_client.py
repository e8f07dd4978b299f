"""The API client as ASM needs it: the project named in a signed header, camel-case errors."""

from datetime import datetime, timezone

import httpx
import pytest

from pulumi_servicestage import _runtime
from pulumi_servicestage.client.errors import APIStatusError, NotFoundError
from pulumi_servicestage.client.http import ApiClient, RetryPolicy
from pulumi_servicestage.client.signing import AkSkAuth
from pulumi_servicestage.config import Settings

PROJECT_ID = "0b1e5c3a9d7f4e2a8c6b4d2f0a9e8c71"


def asm_client(handler):
    auth = AkSkAuth("AK", "SK", clock=lambda: datetime(2024, 5, 1, tzinfo=timezone.utc))
    return ApiClient(
        "https://asm.cn-north-4.myhuaweicloud.com",
        auth=auth,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=0),
        headers={_runtime.PROJECT_HEADER: PROJECT_ID},
    )


def test_extra_headers_are_sent_and_signed():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"items": []})

    asm_client(handler).get("/v2/meshes/mesh-1/releases")

    [request] = seen
    assert request.headers["X-Project-Id"] == PROJECT_ID
    assert request.headers["Content-Type"] == "application/json;charset=utf8"
    signed = request.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0]
    assert "x-project-id" in signed.split(";")


@pytest.mark.parametrize(
    ("status", "error_type"), [(400, APIStatusError), (404, NotFoundError), (409, APIStatusError)]
)
def test_asm_error_bodies_are_read(status, error_type):
    body = {"errorCode": "ASM.01010002", "errorMsg": "Resource not found. release r not found"}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, headers={"X-Request-Id": "req-1"})

    with pytest.raises(APIStatusError) as raised:
        asm_client(handler).delete("/v2/meshes/m/namespaces/n/releases/r", params={"action": "end"})

    error = raised.value
    assert type(error) is error_type
    assert (error.error_code, error.error_msg) == (body["errorCode"], body["errorMsg"])
    assert str(error) == (
        f"{status} ASM.01010002 Resource not found. release r not found "
        "(DELETE /v2/meshes/m/namespaces/n/releases/r?action=end, request req-1)"
    )


def test_runtime_builds_an_asm_client_for_the_asm_endpoint():
    settings = Settings.resolve(
        {
            "servicestage:region": "cn-north-4",
            "servicestage:projectId": PROJECT_ID,
            "servicestage:authToken": "token",
            "servicestage:asmEndpoint": "https://asm.example",
        },
        {},
    )

    clients = _runtime.clients_for(settings)

    assert clients.asm.base_url == "https://asm.example"
    assert clients.servicestage.base_url == "https://servicestage.cn-north-4.myhuaweicloud.com"
