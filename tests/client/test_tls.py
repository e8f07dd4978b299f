"""Certificates are verified: a service (or a CSE engine's own address) whose certificate a
private CA signed is reached only with that CA's bundle, and the error without it says which
setting takes the bundle."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_servicestage.client.errors import APIConnectionError, ConfigurationError
from pulumi_servicestage.client.http import ApiClient, RetryPolicy
from pulumi_servicestage.client.signing import AkSkAuth
from pulumi_servicestage.client.trust import trusting
from pulumi_servicestage.config import Settings
from pulumi_servicestage.emulator import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_KEY,
    Emulator,
)


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def private_ca(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A CA of its own, and a certificate it signed for 127.0.0.1."""
    where = tmp_path_factory.mktemp("tls")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test CA",
            "-keyout", "ca.key", "-out", "ca.pem", cwd=where)  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
            "-keyout", "server.key", "-out", "server.csr", cwd=where)  # fmt: skip
    (where / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "san.cnf", "-out", "server.pem",
            cwd=where)  # fmt: skip
    return {name: str(where / f"{name}") for name in ("ca.pem", "server.pem", "server.key")}


@pytest.fixture(scope="module")
def https_url(private_ca: dict[str, str]) -> Iterator[str]:
    with Emulator().serve(tls=(private_ca["server.pem"], private_ca["server.key"])) as url:
        yield url


def client(url: str, ca_bundle: str | bool) -> ApiClient:
    auth = AkSkAuth(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY)
    return ApiClient(url, auth=auth, retry=RetryPolicy(max_retries=0), verify=trusting(ca_bundle))


ENVIRONMENTS = f"/v3/{DEFAULT_PROJECT_ID}/cas/environments"


def test_a_certificate_of_the_given_ca_is_accepted(https_url, private_ca):
    assert https_url.startswith("https://")
    assert client(https_url, private_ca["ca.pem"]).get(ENVIRONMENTS)["environments"] == []


def test_without_its_ca_the_connection_is_refused_naming_the_setting(https_url):
    with pytest.raises(APIConnectionError) as refused:
        client(https_url, True).get(ENVIRONMENTS)

    assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value)
    assert "servicestage:engineCaBundle" in str(refused.value)


def test_the_engine_ca_bundle_setting_must_be_a_pem_file(private_ca, tmp_path):
    config = Emulator.stack_config("http://127.0.0.1:1")
    not_pem = tmp_path / "bundle.txt"
    not_pem.write_text("hello")

    accepted = Settings.resolve({**config, "servicestage:engineCaBundle": private_ca["ca.pem"]}, {})
    assert accepted.engine_verify == private_ca["ca.pem"]
    assert Settings.resolve(config, {}).engine_verify is True
    for wrong in (str(not_pem), str(tmp_path / "missing.pem")):
        with pytest.raises(ConfigurationError, match="servicestage:engineCaBundle"):
            Settings.resolve({**config, "servicestage:engineCaBundle": wrong}, {})
