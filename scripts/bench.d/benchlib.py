"""Shared helpers of scripts/bench: SigV4 signing, small HTTP clients, OCI pushes, result records.

Only the standard library is used here (botocore is used once, by `bench.py selftest`, to check that
`sign()` produces the same Authorization header as botocore does). All traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

ACCESS_KEY = "test"
SECRET_KEY = "test"
REGION = "us-east-1"
ACCOUNT = "123456789012"
ECR_TARGET = "AmazonEC2ContainerRegistry_V20150921."
ECR_CONTENT_TYPE = "application/x-amz-json-1.1"
NOTARY_PAYLOAD_TYPE = "application/vnd.cncf.notary.payload.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"


def die(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr)
    sys.exit(1)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def check_loopback(base: str) -> urllib.parse.SplitResult:
    """Refuses any target that is not on 127.0.0.0/8 or localhost."""
    parts = urllib.parse.urlsplit(base)
    host = parts.hostname or ""
    if not (host == "localhost" or host.startswith("127.")):
        die(f"refusing to send traffic to {base}: only 127.0.0.1 is allowed")
    return parts


# --- SigV4 -----------------------------------------------------------------------------------------------

def _uri_encode(text: str, keep_slash: bool) -> str:
    safe = "-_.~" + ("/" if keep_slash else "")
    return urllib.parse.quote(text, safe=safe)


def amz_date(now: float | None = None) -> str:
    moment = _dt.datetime.fromtimestamp(time.time() if now is None else now, _dt.timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%SZ")


_KEY_CACHE: dict[tuple[str, str], bytes] = {}


def _signing_key(date: str, service: str) -> bytes:
    cached = _KEY_CACHE.get((date, service))
    if cached is None:
        key = ("AWS4" + SECRET_KEY).encode()
        for part in (date, REGION, service, "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        cached = _KEY_CACHE[(date, service)] = key
    return cached


def sign(method: str, host: str, path: str, query: str, headers: dict[str, str], body: bytes, service: str,
         date: str | None = None) -> dict[str, str]:
    """SigV4 header form, as botocore signs for ECR and Signer: returns `headers` plus X-Amz-Date and
    Authorization. `path` is the request path as sent (already percent-encoded); it is encoded once more."""
    date = date or amz_date()
    all_headers = dict(headers)
    all_headers["X-Amz-Date"] = date
    canonical_headers = {"host": host}
    for name, value in all_headers.items():
        canonical_headers[name.lower()] = " ".join(value.split())
    signed = sorted(canonical_headers)
    pairs = []
    for part in filter(None, query.split("&")):
        key, _, value = part.partition("=")
        pairs.append((_uri_encode(urllib.parse.unquote(key), False), _uri_encode(urllib.parse.unquote(value), False)))
    canonical = "\n".join([
        method.upper(),
        _uri_encode(path or "/", True),
        "&".join(f"{k}={v}" for k, v in sorted(pairs)),
        "".join(f"{name}:{canonical_headers[name]}\n" for name in signed),
        ";".join(signed),
        hashlib.sha256(body).hexdigest(),
    ])
    scope = f"{date[:8]}/{REGION}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    signature = hmac.new(_signing_key(date[:8], service), to_sign.encode(), hashlib.sha256).hexdigest()
    all_headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope}, SignedHeaders={';'.join(signed)}, Signature={signature}")
    return all_headers


def ecr_request(operation: str, body: str) -> tuple[str, str, dict[str, str], bytes]:
    """(method, path, headers, body) of an ECR AWS JSON 1.1 call at POST /."""
    return "POST", "/", {"Content-Type": ECR_CONTENT_TYPE, "X-Amz-Target": ECR_TARGET + operation}, body.encode()


# --- HTTP ------------------------------------------------------------------------------------------------

class Client:
    """One keep-alive connection to a loopback server."""

    def __init__(self, base: str, timeout: float = 30.0):
        parts = check_loopback(base)
        self.host = parts.netloc
        self.hostname = parts.hostname
        self.port = parts.port or 80
        self.timeout = timeout
        self.conn = http.client.HTTPConnection(self.hostname, self.port, timeout=timeout)

    def request(self, method: str, path: str, body=None, headers: dict[str, str] | None = None,
                expect: tuple[int, ...] | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest,
                    http.client.BadStatusLine):
                # a server that closed an idle keep-alive connection: reconnect once (never for a body iterator)
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.hostname, self.port, timeout=self.timeout)
                if attempt == 2 or (body is not None and not isinstance(body, (bytes, str))):
                    raise
        if expect and response.status not in expect:
            raise RuntimeError(f"{method} {path} answered {response.status}: {data[:300]!r}")
        return response.status, response.headers, data

    def aws(self, method: str, path: str, headers: dict[str, str], body: bytes, service: str,
            expect: tuple[int, ...] | None = (200,)) -> dict:
        path_only, _, query = path.partition("?")
        signed = sign(method, self.host, path_only, query, headers, body, service)
        _, _, data = self.request(method, path, body=body, headers=signed, expect=expect)
        return json.loads(data) if data else {}

    def ecr(self, operation: str, payload: dict | None = None, expect: tuple[int, ...] | None = (200,)) -> dict:
        method, path, headers, body = ecr_request(operation, json.dumps(payload or {}))
        return self.aws(method, path, headers, body, "ecr", expect)

    def signer(self, method: str, path: str, payload: dict | None = None,
               expect: tuple[int, ...] | None = (200,)) -> dict:
        body = json.dumps(payload).encode() if payload is not None else b""
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        return self.aws(method, path, headers, body, "signer", expect)

    def close(self) -> None:
        self.conn.close()


def registry_auth(base: str, auth: str) -> dict[str, str]:
    """Headers for /v2/: `ecr` logs in with GetAuthorizationToken (Basic AWS:<password>), `none` sends nothing."""
    if auth == "none":
        return {}
    client = Client(base)
    token = client.ecr("GetAuthorizationToken")["authorizationData"][0]["authorizationToken"]
    client.close()
    return {"Authorization": "Basic " + token}


# --- OCI -------------------------------------------------------------------------------------------------

def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def small_image(seed: str, layer_bytes: int = 1024) -> tuple[list[tuple[str, bytes]], bytes]:
    """A unique small image: (blobs [(digest, bytes)], manifest bytes). Random layer, config naming `seed`."""
    layer = os.urandom(layer_bytes)
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Labels": {"bench": seed}},
                         "rootfs": {"type": "layers", "diff_ids": [sha256_digest(layer)]}}).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": sha256_digest(config), "size": len(config)},
        "layers": [{"mediaType": OCI_LAYER_GZIP, "digest": sha256_digest(layer), "size": len(layer)}],
    }).encode()
    return [(sha256_digest(config), config), (sha256_digest(layer), layer)], manifest


def upload_blob(client: Client, auth: dict[str, str], repository: str, digest: str, data) -> None:
    """POST (open a session) then PUT ?digest= with the whole blob: the monolithic upload every registry serves."""
    _, headers, _ = client.request("POST", f"/v2/{repository}/blobs/uploads/", body=b"",
                                   headers={**auth, "Content-Length": "0"}, expect=(202,))
    location = headers["Location"]
    parts = urllib.parse.urlsplit(location)
    path = parts.path + "?" + (parts.query + "&" if parts.query else "") + "digest=" + urllib.parse.quote(digest, safe=":")
    size_headers = {"Content-Type": "application/octet-stream"}
    if isinstance(data, (bytes, bytearray)):
        size_headers["Content-Length"] = str(len(data))
    client.request("PUT", path, body=data, headers={**auth, **size_headers}, expect=(201,))


def push_image(client: Client, auth: dict[str, str], repository: str, tag: str,
               blobs: list[tuple[str, bytes]], manifest: bytes) -> str:
    """Pushes the blobs then the manifest (5 requests for a one-layer image); returns the manifest digest."""
    for digest, data in blobs:
        upload_blob(client, auth, repository, digest, data)
    client.request("PUT", f"/v2/{repository}/manifests/{tag}", body=manifest,
                   headers={**auth, "Content-Type": OCI_MANIFEST}, expect=(201,))
    return sha256_digest(manifest)


# --- results ---------------------------------------------------------------------------------------------

def record(path: str, **fields) -> None:
    """Appends one measurement (a JSON line) to the run's results file."""
    with open(path, "a") as out:
        out.write(json.dumps(fields, sort_keys=True) + "\n")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def run_child(argv: list[str], timeout: float, finished_when: list[str] | None = None,
              **kwargs) -> subprocess.CompletedProcess:
    """Runs a child in its own process group, bounded in time; SIGTERM/SIGINT to us end it too.
    With `finished_when`, the child gets SIGINT (wrk: stop now and report) once all those files exist."""
    child = subprocess.Popen(argv, start_new_session=True, **kwargs)
    if finished_when:
        def watch():
            deadline = time.monotonic() + timeout
            while child.poll() is None and time.monotonic() < deadline:
                if all(os.path.exists(path) for path in finished_when):
                    time.sleep(0.05)  # let the last responses in flight arrive
                    child.send_signal(signal.SIGINT)
                    return
                time.sleep(0.02)
        threading.Thread(target=watch, daemon=True).start()

    def forward(signum, _frame):
        try:
            os.killpg(child.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        sys.exit(128 + signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        out, err = child.communicate()
        raise RuntimeError(f"{argv[0]} did not finish within {timeout:.0f} s")
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return subprocess.CompletedProcess(argv, child.returncode, out, err)
