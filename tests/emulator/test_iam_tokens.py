"""IAM: POST /v3/auth/tokens with the password method."""

from __future__ import annotations

from datetime import datetime

import httpx
from emulator_support import token_request

from pulumi_servicestage.emulator import (
    DEFAULT_DOMAIN_ID,
    DEFAULT_DOMAIN_NAME,
    DEFAULT_PROJECT_ID,
    DEFAULT_REGION,
    DEFAULT_USER_NAME,
)


def test_create_token(anonymous: httpx.Client) -> None:
    response = anonymous.post("/v3/auth/tokens", json=token_request())

    assert response.status_code == 201
    assert response.headers["X-Subject-Token"].startswith("MII")
    token = response.json()["token"]
    issued_at = datetime.fromisoformat(token["issued_at"].replace("Z", "+00:00"))
    expires_at = datetime.fromisoformat(token["expires_at"].replace("Z", "+00:00"))
    assert (expires_at - issued_at).total_seconds() == 24 * 3600
    assert token["methods"] == ["password"]
    domain = {"id": DEFAULT_DOMAIN_ID, "name": DEFAULT_DOMAIN_NAME}
    assert token["project"] == {"domain": domain, "id": DEFAULT_PROJECT_ID, "name": DEFAULT_REGION}
    assert token["user"]["name"] == DEFAULT_USER_NAME
    assert token["user"]["domain"] == domain
    assert {entry["type"] for entry in token["catalog"]} == {"identity", "servicestage"}
    assert token["catalog"][0]["endpoints"][0]["url"] == "http://servicestage.emulator"


def test_create_token__project_by_id_without_catalog(anonymous: httpx.Client) -> None:
    response = anonymous.post(
        "/v3/auth/tokens",
        params={"nocatalog": "true"},
        json=token_request(project={"id": DEFAULT_PROJECT_ID}),
    )

    assert response.status_code == 201
    assert response.json()["token"]["catalog"] == []


def test_create_token__wrong_password(anonymous: httpx.Client) -> None:
    response = anonymous.post("/v3/auth/tokens", json=token_request(password="guess"))

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": 401,
            "message": "The username or password is wrong.",
            "title": "Unauthorized",
        }
    }
    assert "X-Subject-Token" not in response.headers


def test_create_token__wrong_account(anonymous: httpx.Client) -> None:
    response = anonymous.post("/v3/auth/tokens", json=token_request(domain="someone-else"))

    assert response.status_code == 401


def test_create_token__unknown_project(anonymous: httpx.Client) -> None:
    response = anonymous.post("/v3/auth/tokens", json=token_request(project={"name": "eu-west-0"}))

    assert response.status_code == 401
    assert response.json()["error"]["title"] == "Unauthorized"


def test_create_token__malformed(anonymous: httpx.Client) -> None:
    response = anonymous.post("/v3/auth/tokens", json={"auth": {"identity": {}}})

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": 400,
        "message": "Invalid input for field: auth.identity.methods: Field required",
        "title": "Bad Request",
    }
