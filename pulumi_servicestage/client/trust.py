"""What verifies the certificates of the services' addresses."""

from __future__ import annotations

import functools
import ssl

import httpx


def trusting(ca_bundle: str | bool) -> ssl.SSLContext | bool:
    """What verifies certificates: the public CAs httpx trusts (True), or a CA bundle file's."""
    return ssl.create_default_context(cafile=ca_bundle) if isinstance(ca_bundle, str) else True


@functools.cache
def public_trust() -> ssl.SSLContext:
    """httpx's default verification (the public CAs), made once for every client of the process:
    loading the CAs takes tens of milliseconds, which each client's own copy would spend again
    on the first call of a deployment."""
    return httpx.create_ssl_context()


def verification(verify: ssl.SSLContext | bool) -> ssl.SSLContext | bool:
    """`verify` as httpx takes it, the shared `public_trust` for True."""
    return public_trust() if verify is True else verify
