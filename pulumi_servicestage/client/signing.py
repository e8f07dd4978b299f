"""Huawei Cloud AK/SK request signing (``SDK-HMAC-SHA256``), for clients and for the emulator.

The algorithm is API Gateway's, as implemented by the official SDK (huaweicloudsdkcore
``signer.Signer``); the functions here canonicalize byte for byte like it::

    CanonicalRequest = METHOD \\n CanonicalURI \\n CanonicalQuery \\n CanonicalHeaders \\n
                       SignedHeaders \\n hex(sha256(body))
    StringToSign     = "SDK-HMAC-SHA256" \\n X-Sdk-Date \\n hex(sha256(CanonicalRequest))
    Signature        = hex(hmac_sha256(SK, StringToSign))
    Authorization    = "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=..."

Canonicalization, as the SDK does it:

* URI: the path is percent-decoded once, split on ``/``, and every segment re-encoded so that only
  ``A-Z a-z 0-9 - . _ ~`` stay literal; a ``/`` is appended when missing. So ``/a%2Fb`` and
  ``/a/b/`` sign alike, and the spelling of escapes on the wire does not matter.
* Query: pairs are decoded (a ``+`` is a space, as in forms; the SDK itself sends ``%20``),
  sorted by name and then value (code points of the decoded text, so ``B`` < ``a`` < ``名``), and
  re-encoded like path segments; ``k`` and ``k=`` are both ``k=``.
* Headers: names lower-cased, values stripped. The SDK signs every header it was given except
  names containing ``_``; ``Accept``, ``Accept-Encoding``, ``Connection`` and ``Content-Length`` are
  added later by its transport and are therefore unsigned. ``Content-Type`` and ``User-Agent``
  are signed, and so are ``Host``, ``X-Sdk-Date`` and ``X-Security-Token``.
* Body: sha256 of the bytes, except that a non-empty body is represented by the value of a signed
  ``X-Sdk-Content-Sha256`` header. The SDK sets it to ``UNSIGNED-PAYLOAD`` whenever a
  ``Content-Type`` other than ``application/json...`` or ``application/bson...`` is present, so
  such bodies are not covered by its signatures.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Generator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import httpx

from .auth import CredentialAuth, utc_now
from .errors import ServiceStageError

ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "X-Sdk-Date"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
SECURITY_TOKEN_HEADER = "X-Security-Token"
CONTENT_SHA256_HEADER = "X-Sdk-Content-Sha256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"

# The transport headers are those huaweicloudsdkcore leaves unsigned because requests adds them
# after signing (proxies may rewrite them too); matching it keeps us accepted wherever it is.
_NEVER_SIGNED = frozenset(
    {
        "authorization",
        "accept",
        "accept-encoding",
        "connection",
        "content-length",
        "transfer-encoding",
    }
)

_AUTHORIZATION_PATTERN = re.compile(
    r"(?P<algorithm>[A-Z0-9-]+) +Access=(?P<access_key>[^\s,]+), *"
    r"SignedHeaders=(?P<signed_headers>[^\s,]+), *Signature=(?P<signature>[0-9a-f]{64})"
)


def canonical_request(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
    body: bytes,
) -> str:
    """The canonical form of a request that the signature covers.

    Args:
        method: the HTTP method; case does not matter.
        raw_path: the path as sent, percent-encoded, without the query.
        raw_query: the query as sent, without the ``?``.
        headers: the request headers; names are matched case-insensitively.
        signed_headers: lower-case names of the headers to include, sorted; all must be present.
        body: the request body.
    """
    values = {name.lower(): value.strip() for name, value in headers.items()}
    canonical_headers = "\n".join(f"{name}:{values[name]}" for name in signed_headers) + "\n"
    return "\n".join(
        (
            method.upper(),
            _canonical_uri(raw_path),
            _canonical_query(raw_query),
            canonical_headers,
            ";".join(signed_headers),
            _payload_hash(values, signed_headers, body),
        )
    )


def string_to_sign(canonical: str, sdk_date: str) -> str:
    """What the secret key signs: the algorithm, the ``X-Sdk-Date`` value and the request's hash."""
    hashed = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{sdk_date}\n{hashed}"


def compute_signature(secret_key: str, string_to_sign: str) -> str:
    """Lower-case hex HMAC-SHA256 of `string_to_sign`, keyed directly with the secret key."""
    key = secret_key.encode("utf-8")
    return hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization_header(access_key: str, signed_headers: Sequence[str], signature: str) -> str:
    """The ``Authorization`` header value carrying a signature."""
    names = ";".join(signed_headers)
    return f"{ALGORITHM} Access={access_key}, SignedHeaders={names}, Signature={signature}"


def _canonical_uri(raw_path: str) -> str:
    # Decoding first means %2F inside a segment becomes a separator, exactly as in the SDK.
    segments = unquote(raw_path or "/").split("/")
    uri = "/".join(_encode(segment) for segment in segments)
    return uri if uri.endswith("/") else uri + "/"


def _canonical_query(raw_query: str) -> str:
    # Sorting the decoded text, not the encoded form, is what the SDK does; the two orders differ
    # (decoded "z" < "名", encoded "%E5%90%8D" < "z").
    pairs = sorted(parse_qsl(raw_query, keep_blank_values=True))
    return "&".join(f"{_encode(name)}={_encode(value)}" for name, value in pairs)


def _encode(text: str) -> str:
    # quote() keeps exactly the RFC 3986 unreserved characters when nothing else is marked safe.
    return quote(text, safe="")


def _payload_hash(values: Mapping[str, str], signed_headers: Sequence[str], body: bytes) -> str:
    content_sha256 = CONTENT_SHA256_HEADER.lower()
    # An unsigned declaration would let anyone swap the body while keeping its declared hash.
    declared = values.get(content_sha256) if content_sha256 in signed_headers else None
    if body and declared:
        return declared
    return hashlib.sha256(body).hexdigest()


class SignatureError(ServiceStageError):
    """A request's AK/SK signature was rejected by :func:`verify_request`.

    Attributes:
        reason: short and human-readable, e.g. ``"signature does not match"``.
        canonical_request: when the signature did not match, the canonical request the server
            computed, so that a client author can compare it with their own.
    """

    def __init__(self, reason: str, *, canonical_request: str | None = None) -> None:
        self.reason = reason
        self.canonical_request = canonical_request
        super().__init__(f"request signature rejected: {reason}")


def verify_request(
    *,
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, str],
    body: bytes,
    secret_for: Callable[[str], str | None],
    now: datetime | None = None,
    max_skew: timedelta = timedelta(minutes=15),
) -> str:
    """Check a request's AK/SK signature as API Gateway does; return the access key it used.

    Accepts requests signed by :class:`AkSkAuth` and by huaweicloudsdkcore.

    `raw_path` and `raw_query` must be the request target as it was on the wire: still
    percent-encoded, and decoded exactly once by the canonicalization. A WSGI ``PATH_INFO`` has
    already been decoded, and decoding it again turns ``%2541`` into ``A``; use
    :func:`wire_request_from_wsgi`, which takes ``RAW_URI``/``REQUEST_URI`` when the server
    provides them and otherwise re-encodes ``SCRIPT_NAME + PATH_INFO`` (equivalent, because the
    canonical path is built from the decoded path anyway).

    Args:
        headers: the request headers, names in any case. Values are text decoded from UTF-8.
        secret_for: returns the secret key of an access key, or None when it is unknown.
        now: the server's current time (default: the system clock).
        max_skew: how far ``X-Sdk-Date`` may be from `now`; API Gateway allows 15 minutes.

    Raises:
        SignatureError: the request is not validly signed; ``reason`` says why.
    """
    values = {name.lower(): value for name, value in headers.items()}
    authorization = values.get("authorization")
    if authorization is None:
        raise SignatureError("Authorization header is missing")
    match = _AUTHORIZATION_PATTERN.fullmatch(authorization.strip())
    if match is None:
        raise SignatureError("Authorization header is malformed")
    if match["algorithm"] != ALGORITHM:
        raise SignatureError(f"signing algorithm {match['algorithm']} is not supported")
    access_key = match["access_key"]
    secret_key = secret_for(access_key)
    if secret_key is None:
        raise SignatureError("unknown access key")

    sdk_date = values.get(DATE_HEADER.lower(), "").strip()
    if not sdk_date:
        raise SignatureError(f"{DATE_HEADER} header is missing")
    try:
        signed_at = datetime.strptime(sdk_date, DATE_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        raise SignatureError(f"{DATE_HEADER} is malformed") from None
    if abs(_as_utc(now or utc_now()) - signed_at) > max_skew:
        minutes = f"{max_skew.total_seconds() / 60:g}"
        raise SignatureError(f"{DATE_HEADER} is more than {minutes} minutes off")

    signed_headers = match["signed_headers"].split(";")
    for name in signed_headers:
        if name not in values:
            raise SignatureError(f"signed header {name} is missing")
    declared = values.get(CONTENT_SHA256_HEADER.lower(), "").strip()
    if (
        body
        and CONTENT_SHA256_HEADER.lower() in signed_headers
        and declared not in ("", UNSIGNED_PAYLOAD)
        and declared != hashlib.sha256(body).hexdigest()
    ):
        raise SignatureError(f"body does not match {CONTENT_SHA256_HEADER}")

    canonical = canonical_request(method, raw_path, raw_query, values, signed_headers, body)
    expected = compute_signature(secret_key, string_to_sign(canonical, sdk_date))
    if not hmac.compare_digest(expected, match["signature"]):
        raise SignatureError("signature does not match", canonical_request=canonical)
    return access_key


def _as_utc(moment: datetime) -> datetime:
    # A naive datetime from an injected clock is taken to be UTC, not local time.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


class WireRequest(NamedTuple):
    """The parts of a request that its signature covers, as they were on the wire."""

    method: str
    raw_path: str
    raw_query: str
    headers: dict[str, str]


def wire_request_from_wsgi(environ: Mapping[str, Any]) -> WireRequest:
    """Recover what :func:`verify_request` needs (all but the body) from a WSGI environ.

    Usage::

        wire = wire_request_from_wsgi(environ)
        access_key = verify_request(**wire._asdict(), body=body, secret_for=secrets.get)

    The path comes from ``RAW_URI`` or ``REQUEST_URI`` (werkzeug's server and test client,
    gunicorn, uWSGI, mod_wsgi); servers without them, such as ``httpx.WSGITransport``, leave only
    the decoded ``PATH_INFO``, which is re-encoded. The query is ``QUERY_STRING``, which servers
    pass on undecoded. Header names are rebuilt from ``HTTP_*`` keys, which cannot tell ``_`` from
    ``-``; that is harmless because names with ``_`` are never signed.
    """
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if target:
        raw_path = _from_wsgi_text(target).partition("?")[0]
        if not raw_path.startswith("/"):
            # Absolute form ("http://host/path"), as sent to proxies.
            raw_path = urlsplit(raw_path).path or "/"
    else:
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        raw_path = quote(_from_wsgi_text(path), safe="/")
    # QUERY_STRING is never decoded by the server; some RAW_URIs (werkzeug's test client) lack it.
    raw_query = _from_wsgi_text(environ.get("QUERY_STRING", ""))
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[len("HTTP_") :]
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key
        else:
            continue
        headers[name.replace("_", "-").lower()] = _from_wsgi_text(value)
    return WireRequest(environ["REQUEST_METHOD"], raw_path, raw_query, headers)


def _from_wsgi_text(value: str) -> str:
    # PEP 3333 servers hand over bytes as latin-1 text. httpx.WSGITransport hands over real text;
    # characters beyond latin-1, or bytes that are not UTF-8, show there is nothing to undo.
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


class AkSkAuth(CredentialAuth):
    """Signs every request with an access key / secret key pair (``SDK-HMAC-SHA256``).

    Each attempt is signed afresh, with the current ``X-Sdk-Date``, so retries stay within the
    gateway's 15-minute window. A temporary key pair also needs its security token, which is sent
    as ``X-Security-Token`` and signed.

    Every header on the request is signed except those the transport manages (``Accept``,
    ``Accept-Encoding``, ``Connection``, ``Content-Length``, ``Transfer-Encoding``) and names with
    ``_``, as in huaweicloudsdkcore. Unlike the SDK, the body is always hashed, whatever its
    content type; set ``X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`` on a request to opt out.

    Usage::

        client = httpx.Client(auth=AkSkAuth(access_key, secret_key))
    """

    requires_request_body = True

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        security_token: str | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._access_key = access_key
        self._secret_key = secret_key
        self._security_token = security_token
        self._clock = clock

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        headers = request.headers
        sdk_date = _as_utc(self._clock()).strftime(DATE_FORMAT)
        headers[DATE_HEADER] = sdk_date
        if self._security_token:
            headers[SECURITY_TOKEN_HEADER] = self._security_token
        signed_headers = sorted(
            {name.lower() for name in headers if "_" not in name} - _NEVER_SIGNED
        )
        raw_path = request.url.raw_path.partition(b"?")[0].decode("ascii")
        canonical = canonical_request(
            request.method,
            raw_path,
            request.url.query.decode("ascii"),
            headers,
            signed_headers,
            request.content,
        )
        signature = compute_signature(self._secret_key, string_to_sign(canonical, sdk_date))
        headers["Authorization"] = authorization_header(self._access_key, signed_headers, signature)
        yield request
