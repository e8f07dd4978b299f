"""API Gateway's checks in front of ServiceStage: tokens, AK/SK signatures, projects."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest
from emulator_support import CAS, error_of, in_process_client, issue_token, ok

from pulumi_servicestage.client.signing import AkSkAuth
from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_KEY,
    DEFAULT_USER_NAME,
    Emulator,
)
from pulumi_servicestage.testing import VirtualClock

OTHER_PROJECT_ID = "9c8b7a6d5e4f30211f2e3d4c5b6a7988"


def signed_client(
    emulator: Emulator,
    clock: VirtualClock,
    *,
    secret_key: str = DEFAULT_SECRET_KEY,
    skew: timedelta = timedelta(),
) -> httpx.Client:
    """An in-process client that signs with AK/SK at the emulator's time plus `skew`."""
    http = in_process_client(emulator)
    http.auth = AkSkAuth(
        DEFAULT_ACCESS_KEY,
        secret_key,
        clock=lambda: datetime.fromtimestamp(clock.wall(), tz=timezone.utc) + skew,
    )
    return http


def test_missing_credentials(anonymous: httpx.Client) -> None:
    response = anonymous.get(f"{CAS}/applications")

    body = response.json()
    assert response.status_code == 401
    assert body == {
        "error_code": "APIGW.0301",
        "error_msg": "Incorrect IAM authentication information: x-auth-token not found",
        "request_id": response.headers["X-Request-Id"],
    }


def test_unknown_token(anonymous: httpx.Client) -> None:
    response = anonymous.get(f"{CAS}/applications", headers={"X-Auth-Token": "MIIBforged"})

    assert error_of(response, 401) == (
        "APIGW.0301",
        "Incorrect IAM authentication information: decrypt token fail",
    )


def test_tampered_token(anonymous: httpx.Client) -> None:
    token = issue_token(anonymous)
    tampered = token[:-1] + ("y" if token.endswith("x") else "x")

    response = anonymous.get(f"{CAS}/applications", headers={"X-Auth-Token": tampered})

    assert error_of(response, 401)[1].endswith("decrypt token fail")


def test_expired_token(anonymous: httpx.Client, clock: VirtualClock) -> None:
    token = issue_token(anonymous)
    clock.advance(24 * 3600)

    response = anonymous.get(f"{CAS}/applications", headers={"X-Auth-Token": token})

    code, message = error_of(response, 401)
    assert code == "APIGW.0301"
    assert message.startswith(
        "Incorrect IAM authentication information: token expires, expires_at: "
    )


def test_token_of_another_project(emulator: Emulator, anonymous: httpx.Client) -> None:
    emulator.add_project(OTHER_PROJECT_ID, "cn-south-1")
    token = issue_token(anonymous, project={"id": OTHER_PROJECT_ID})

    refused = anonymous.get(f"{CAS}/applications", headers={"X-Auth-Token": token})
    accepted = anonymous.get(
        f"/v3/{OTHER_PROJECT_ID}/cas/applications", headers={"X-Auth-Token": token}
    )

    assert error_of(refused, 403) == (
        "APIGW.0302",
        "The IAM user is not authorized to access the API.",
    )
    assert ok(accepted) == {"applications": [], "count": 0}


def test_unknown_project(client: httpx.Client) -> None:
    response = client.get(f"/v3/{OTHER_PROJECT_ID}/cas/applications")

    assert error_of(response, 403)[0] == "APIGW.0302"


def test_project_header_mismatch(client: httpx.Client) -> None:
    response = client.get(f"{CAS}/applications", headers={"X-Project-Id": OTHER_PROJECT_ID})

    assert error_of(response, 403)[0] == "APIGW.0302"


def test_signed_request(emulator: Emulator, clock: VirtualClock) -> None:
    with signed_client(emulator, clock) as http:
        created = ok(http.post(f"{CAS}/applications", json={"name": "shop"}))
        listed = ok(http.get(f"{CAS}/applications", params={"limit": 5, "order": "asc"}))

    assert created["creator"] == DEFAULT_USER_NAME
    assert listed["count"] == 1


def test_signed_request__wrong_secret_key(emulator: Emulator, clock: VirtualClock) -> None:
    with signed_client(emulator, clock, secret_key="not-the-secret") as http:
        response = http.get(f"{CAS}/applications")

    assert error_of(response, 401) == (
        "APIGW.0301",
        "Incorrect IAM authentication information: verify aksk signature fail, "
        "signature does not match",
    )


def test_signed_request__tampered_body(emulator: Emulator, clock: VirtualClock) -> None:
    url = f"http://servicestage.emulator{CAS}/applications"
    request = httpx.Request("POST", url, content=b'{"name":"shop"}')
    signed = next(AkSkAuth(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY).auth_flow(request))
    # Same length, so only the content differs from what was signed.
    forged = httpx.Request("POST", signed.url, headers=signed.headers, content=b'{"name":"evil"}')

    with in_process_client(emulator) as http:
        response = http.send(forged)

    assert error_of(response, 401)[1].endswith("signature does not match")


@pytest.mark.parametrize("skew", [timedelta(minutes=-20), timedelta(minutes=16)])
def test_signed_request__stale_date(
    emulator: Emulator, clock: VirtualClock, skew: timedelta
) -> None:
    with signed_client(emulator, clock, skew=skew) as http:
        response = http.get(f"{CAS}/applications")

    code, message = error_of(response, 401)
    assert code == "APIGW.0301"
    assert message.endswith("X-Sdk-Date is more than 15 minutes off")


def test_signed_request__unknown_access_key(emulator: Emulator) -> None:
    with in_process_client(emulator) as http:
        http.auth = AkSkAuth("UNKNOWNACCESSKEY0000", DEFAULT_SECRET_KEY)
        response = http.get(f"{CAS}/applications")

    assert error_of(response, 401) == (
        "APIGW.0301",
        "Incorrect IAM authentication information: "
        "Get secretKey failed,ak:UNKNOWNACCESSKEY0000,err:ak not exist",
    )


def test_signed_request__project_header(emulator: Emulator, clock: VirtualClock) -> None:
    with signed_client(emulator, clock) as http:
        matching = http.get(f"{CAS}/applications", headers={"X-Project-Id": DEFAULT_PROJECT_ID})
        other = http.get(f"{CAS}/applications", headers={"X-Project-Id": OTHER_PROJECT_ID})

    assert matching.status_code == 200
    assert error_of(other, 403)[0] == "APIGW.0302"
