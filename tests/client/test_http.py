import httpx
import pytest

from pulumi_servicestage.client.errors import (
    AmbiguousWriteError,
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
        ("POST", 400, False),
        ("POST", 409, False),
        ("PUT", 500, True),
        ("PUT", 502, True),
        ("PUT", 504, True),
        ("PUT", 409, False),
        ("DELETE", 500, True),
        ("DELETE", 429, True),
        ("DELETE", 409, False),
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


@pytest.mark.parametrize("status", [500, 502, 504])
def test_request__post_that_may_have_been_carried_out_is_ambiguous_and_not_resent(status):
    handler, calls = scripted((status, {"error_code": "X", "error_msg": "boom"}), (200, {}))
    client, sleeps = make_client(handler)
    with pytest.raises(AmbiguousWriteError) as raised:
        client.post("/v3/p/cas/x", {"name": "a"})
    assert len(calls) == 1
    assert sleeps == []
    assert isinstance(raised.value.cause, APIStatusError)
    assert raised.value.cause.status_code == status
    assert "may or may not have carried this out" in str(raised.value)


@pytest.mark.parametrize(
    "dropped", [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("disconnected")]
)
def test_request__post_whose_connection_broke_after_sending_is_ambiguous(dropped):
    handler, calls = scripted(dropped, (200, {}))
    client, _ = make_client(handler)
    with pytest.raises(AmbiguousWriteError) as raised:
        client.post("/x", {"a": 1})
    assert len(calls) == 1
    assert isinstance(raised.value.cause, APIConnectionError)


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_request__idempotent_write_retried_after_a_lost_answer(method):
    handler, calls = scripted(httpx.RemoteProtocolError("disconnected"), (502, {}), (200, {"a": 1}))
    client, sleeps = make_client(handler)
    assert client.request(method, "/x") == {"a": 1}
    assert len(calls) == 3
    assert len(sleeps) == 2


def test_request__idempotent_write_refused_after_an_unheard_attempt_is_ambiguous():
    # The first PUT started a job the client never heard of; the retry is refused because of it.
    busy = {"error_code": "SVCSTG.00100419", "error_msg": "can not operate in current status"}
    handler, calls = scripted((502, {}), (409, busy))
    client, _ = make_client(handler)
    with pytest.raises(AmbiguousWriteError) as raised:
        client.put("/x", {"a": 1})
    assert len(calls) == 2
    assert isinstance(raised.value.cause, APIStatusError)
    assert raised.value.cause.error_code == "SVCSTG.00100419"


def test_request__delete_that_finds_its_object_gone_after_a_retry_succeeded():
    gone = {"error_code": "SVCSTG.00100404", "error_msg": "component not found"}
    handler, calls = scripted(httpx.ReadTimeout("slow"), (404, gone))
    client, _ = make_client(handler)
    assert client.delete("/x") is None
    assert len(calls) == 2


def test_request__delete_of_a_missing_object_at_the_first_attempt_is_not_found():
    handler, _ = scripted((404, {"error_code": "SVCSTG.00100404", "error_msg": "gone"}))
    client, _ = make_client(handler)
    with pytest.raises(NotFoundError):
        client.delete("/x")


def test_request__idempotent_write_gives_up_ambiguous_after_its_retries():
    handler, calls = scripted(*[(502, {})] * 4)
    client, _ = make_client(handler)
    with pytest.raises(AmbiguousWriteError):
        client.put("/x", {})
    assert len(calls) == 4


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


def test_request__post_timed_out_after_sending_is_ambiguous_with_the_timeout_as_cause():
    handler, calls = scripted(httpx.ReadTimeout("slow"), (200, {}))
    client, _ = make_client(handler)
    with pytest.raises(AmbiguousWriteError) as raised:
        client.post("/x", {"a": 1})
    assert isinstance(raised.value.cause, APITimeoutError)
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


def test_status_error__iam_nested_message_is_quoted():
    body = {"error": {"code": 401, "title": "Unauthorized", "message": "The password is wrong."}}
    handler, _ = scripted((401, body))
    client, _ = make_client(handler)
    with pytest.raises(APIStatusError) as raised:
        client.get("/x")
    assert str(raised.value).startswith("401 Unauthorized: The password is wrong. (GET /x")


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
