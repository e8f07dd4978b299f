import httpx
import pytest

from pulumi_servicestage.client.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    NotFoundError,
)
from pulumi_servicestage.client.http import ApiClient, RetryPolicy


class NoAuth(httpx.Auth):
    pass


def make_client(handler, *, max_retries=3):
    sleeps: list[float] = []
    client = ApiClient(
        "https://servicestage.example",
        auth=NoAuth(),
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=max_retries),
        sleep=sleeps.append,
    )
    return client, sleeps


def scripted(*answers):
    """A handler answering with the given (status, body, headers) or exceptions, in order."""
    calls: list[httpx.Request] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body, *headers = answer
        return httpx.Response(status, json=body, headers=headers[0] if headers else None)

    return handler, calls


@pytest.mark.parametrize(
    ("method", "status", "retried"),
    [
        ("GET", 429, True),
        ("GET", 500, True),
        ("GET", 502, True),
        ("GET", 503, True),
        ("GET", 400, False),
        ("GET", 404, False),
        ("POST", 429, True),
        ("POST", 503, True),
        ("POST", 500, False),
        ("POST", 502, False),
        ("PUT", 504, False),
        ("DELETE", 500, False),
        ("DELETE", 429, True),
    ],
)
def test_request__retry_decision_by_method_and_status(method, status, retried):
    handler, calls = scripted((status, {"error_code": "X", "error_msg": "boom"}), (200, {"ok": 1}))
    client, _ = make_client(handler)
    if retried:
        assert client.request(method, "/v3/p/cas/x") == {"ok": 1}
        assert len(calls) == 2
    else:
        with pytest.raises(APIStatusError) as raised:
            client.request(method, "/v3/p/cas/x")
        assert raised.value.status_code == status
        assert len(calls) == 1


def test_request__honours_retry_after_seconds():
    handler, _ = scripted((429, {}, {"Retry-After": "7"}), (200, {}))
    client, sleeps = make_client(handler)
    client.get("/x")
    assert sleeps == [7.0]


def test_request__honours_retry_after_http_date():
    handler, _ = scripted((503, {}, {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}), (200, {}))
    client, sleeps = make_client(handler)
    client.get("/x")
    # Too far ahead to honour: falls back to backoff.
    assert sleeps and sleeps[0] <= 0.5


def test_request__backs_off_exponentially_with_jitter_until_limit():
    handler, calls = scripted(*[(500, {})] * 5)
    client, sleeps = make_client(handler, max_retries=4)
    with pytest.raises(APIStatusError):
        client.get("/x")
    assert len(calls) == 5
    for attempt, slept in enumerate(sleeps):
        full = min(8.0, 0.5 * 2**attempt)
        assert 0.75 * full <= slept <= full


def test_request__write_retried_when_connection_failed_before_sending():
    handler, calls = scripted(httpx.ConnectError("refused"), (200, {"id": "1"}))
    client, _ = make_client(handler)
    assert client.post("/x", {"a": 1}) == {"id": "1"}
    assert len(calls) == 2


def test_request__write_not_retried_after_read_timeout():
    handler, calls = scripted(httpx.ReadTimeout("slow"), (200, {}))
    client, _ = make_client(handler)
    with pytest.raises(APITimeoutError):
        client.post("/x", {"a": 1})
    assert len(calls) == 1


def test_request__read_retried_after_read_timeout_then_gives_up():
    handler, calls = scripted(*[httpx.RemoteProtocolError("reset")] * 4)
    client, _ = make_client(handler)
    with pytest.raises(APIConnectionError, match="could not reach"):
        client.get("/x")
    assert len(calls) == 4


def test_status_error__one_readable_line_with_all_fields():
    handler, _ = scripted(
        (
            404,
            {"error_code": "SVCSTG.00100404", "error_msg": "component not found"},
            {"X-Request-Id": "req-1"},
        )
    )
    client, _ = make_client(handler)
    with pytest.raises(NotFoundError) as raised:
        client.get("/v3/p/cas/applications/a/components/c")
    error = raised.value
    assert (error.status_code, error.error_code, error.error_msg, error.request_id) == (
        404,
        "SVCSTG.00100404",
        "component not found",
        "req-1",
    )
    assert str(error) == (
        "404 SVCSTG.00100404 component not found "
        "(GET /v3/p/cas/applications/a/components/c, request req-1)"
    )
    assert "\n" not in str(error)


def test_status_error__401_with_svcstg_00100401_means_gone():
    handler, _ = scripted((401, {"error_code": "SVCSTG.00100401", "error_msg": "x"}))
    client, _ = make_client(handler)
    with pytest.raises(NotFoundError):
        client.get("/x")


def test_status_error__other_401_is_not_gone():
    handler, _ = scripted((401, {"error_code": "APIGW.0301", "error_msg": "bad token"}))
    client, _ = make_client(handler)
    with pytest.raises(APIStatusError) as raised:
        client.get("/x")
    assert not isinstance(raised.value, NotFoundError)


def test_status_error__asm_style_body():
    handler, _ = scripted((400, {"errorCode": "ASM.1001", "errorMsg": "bad"}))
    client, _ = make_client(handler)
    with pytest.raises(APIStatusError, match=r"400 ASM\.1001 bad"):
        client.get("/x")


def test_paginate__follows_offset_until_count():
    items = [{"id": str(i)} for i in range(250)]
    seen_params = []

    def handler(request):
        seen_params.append(dict(request.url.params))
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        return httpx.Response(200, json={"count": 250, "things": items[offset : offset + limit]})

    client, _ = make_client(handler)
    assert list(client.paginate("/things", "things", params={"name": "a"})) == items
    assert [p["offset"] for p in seen_params] == ["0", "100", "200"]
    assert all(p["name"] == "a" for p in seen_params)


def test_paginate__stops_on_short_page_without_count():
    def handler(request):
        offset = int(request.url.params["offset"])
        return httpx.Response(200, json={"things": [{"i": 1}] * (100 if offset == 0 else 3)})

    client, _ = make_client(handler)
    assert len(list(client.paginate("/things", "things"))) == 103


def test_request__drops_none_params_and_counts_requests():
    handler, calls = scripted((200, {}))
    client, _ = make_client(handler)
    client.get("/x", params={"a": 1, "b": None})
    assert str(calls[0].url.query, "ascii") == "a=1"
    assert client.request_count == 1
