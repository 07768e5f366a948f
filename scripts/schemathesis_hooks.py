"""Schemathesis hooks for Signet (loaded by scripts/schemathesis through SCHEMATHESIS_HOOKS).

Authenticates every generated request the way real clients do, so the server runs with its default `--auth sigv4`:

  * the AWS surfaces (ECR at `POST /` and `POST /ecr/<Op>`, AWS Signer's rest-json paths) are SigV4-signed with
    botocore (key `test`/`test`, region us-east-1, service `ecr` or `signer` by path), on the exact bytes sent;
  * `/v2/` gets HTTP Basic `AWS:<password>`, the password fetched once from GetAuthorizationToken;
  * `/_signet/...` and `/metrics` are sent as generated (no authentication).

Query strings are re-encoded the way AWS SDKs write them (RFC 3986, `%20` for a space) before signing: SigV4's
canonical query is built from the decoded parameters, and `requests` writes a space as `+`, which a SigV4 server
reads as a literal plus. ECR's `application/x-amz-json-1.1` bodies are (de)serialized as JSON.

The base URL comes from SIGNET_URL (set by scripts/schemathesis).
"""

from __future__ import annotations

import base64
import json
import os
import urllib.request
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

import requests
import schemathesis
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

BASE_URL = os.environ.get("SIGNET_URL", "http://127.0.0.1:5050")
CREDENTIALS = Credentials(os.environ.get("SIGNET_ACCESS_KEY", "test"), os.environ.get("SIGNET_SECRET_KEY", "test"))
REGION = os.environ.get("SIGNET_TEST_REGION", "us-east-1")
SIGNER_PREFIXES = ("/signing-profiles", "/signing-platforms", "/signing-jobs", "/tags/", "/revocations")
# Headers botocore must not see or sign: the ones it adds itself, and hop-by-hop ones a proxy could change.
NOT_SIGNED = {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "connection", "user-agent",
              "accept-encoding", "accept"}


def service_for(path: str) -> str:
    return "signer" if path.startswith(SIGNER_PREFIXES) else "ecr"


def sigv4_headers(method: str, url: str, body: bytes, headers: dict[str, str]) -> dict[str, str]:
    """The X-Amz-Date and Authorization headers botocore adds for this request."""
    request = AWSRequest(method=method, url=url, data=body,
                         headers={k: v for k, v in headers.items() if k.lower() not in NOT_SIGNED})
    SigV4Auth(CREDENTIALS, service_for(urlsplit(url).path), REGION).add_auth(request)
    return {name: request.headers[name] for name in ("X-Amz-Date", "Authorization")}


schemathesis.serializer.alias("application/x-amz-json-1.1", "application/json")


@schemathesis.deserializer("application/x-amz-json-1.1")
def deserialize_json11(ctx, response):
    return json.loads(response.content)


def canonical_query_url(url: str) -> str:
    """`url` with its query written as the AWS SDKs write it: every byte but A-Za-z0-9-_.~ percent-encoded."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = "&".join(quote(k, safe="-_.~") + "=" + quote(v, safe="-_.~") for k, v in pairs)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


class SigV4(requests.auth.AuthBase):
    """Signs the prepared request (after requests has serialized the body and encoded the URL)."""

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        prepared.url = canonical_query_url(prepared.url)
        body = prepared.body or b""
        if isinstance(body, str):
            body = body.encode()
        for name in [n for n in prepared.headers if n.lower() in ("authorization", "x-amz-date", "x-amz-security-token")]:
            del prepared.headers[name]
        prepared.headers.update(sigv4_headers(prepared.method, prepared.url, body, dict(prepared.headers)))
        return prepared


@lru_cache(maxsize=1)
def registry_password() -> str:
    """A /v2/ password: GetAuthorizationToken's token is base64("AWS:<password>")."""
    url = BASE_URL.rstrip("/") + "/"
    headers = {"X-Amz-Target": "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken",
               "Content-Type": "application/x-amz-json-1.1"}
    headers.update(sigv4_headers("POST", url, b"{}", headers))
    request = urllib.request.Request(url, data=b"{}", headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        token = json.load(response)["authorizationData"][0]["authorizationToken"]
    return base64.b64decode(token).decode().split(":", 1)[1]


@schemathesis.hook
def before_call(context, case, kwargs):
    path = case.operation.path
    if path.startswith("/_signet/") or path == "/metrics":
        return
    if path == "/v2" or path.startswith("/v2/"):
        kwargs["auth"] = ("AWS", registry_password())
    else:
        kwargs["auth"] = SigV4()
