#!/usr/bin/env python3
"""Checks openapi.yaml.

    python3 scripts/check-openapi.py                        # validate, list routes, compare with the Swift sources
    python3 scripts/check-openapi.py --live http://127.0.0.1:5098
                                                            # ...and smoke-test a running `signet serve --in-memory`

Static checks (no server needed):
  1. the document is a valid OpenAPI 3.1 document (openapi-spec-validator);
  2. its (method, path) pairs are listed;
  3. they are exactly the routes the Swift sources register: every `router.<method>("<path>"` line of the
     controllers (AdminController's /_signet/health, /_signet/ca.pem and /metrics included), `:name` segments read
     as `{name}`, with `/ecr/:operation` expanded to every
     table.register/table.alias name in ECRController.swift, plus the OCI distribution routes under /v2/, which
     OCIController registers as catch-alls (`router.group("v2")`, `group.on("**", method:)`): their (method, path)
     pairs are derived by scripts/swift_routes.py from OCIRoute.init (which parses a /v2/ path from its end) and
     the `case (.route, .method)` patterns of OCIController.respond, `{name}` standing for a repository name with
     its `/` unescaped. The Signer routes (SignerController.swift addRoutes: profiles, platforms, tags, signing jobs,
     GET /revocations) and the /v2/ routes are also compared on their own, both ways;
  4. openapi.yaml is what scripts/gen-openapi.py generates now (skip with --skip-stale, e.g. when the installed
     botocore differs from the one the spec was generated with).

--live sends real requests with curl, SigV4-signed with the built-in `test`/`test` key (state-changing, and it
deletes the registry's signing configuration: use a throwaway `signet serve --in-memory`, auth on) and validates each
response against the spec: status declared, Content-Type, x-amzn-RequestId, body against the schema
(jsonschema, draft 2020-12), and for errors that the code is one of the response's x-signet-error-types (ECR: the
body's __type, equal to X-Amzn-ErrorType; Signer: X-Amzn-ErrorType, with a `{"message"}`-only body). The Signer
part creates, reads, lists, tags (ARN percent-encoded into the path, `%2F` included), permits, revokes and
cancels profiles, checks a few values (tags after a round trip, statuses) and that JSON keys come sorted; then
signs: PutSigningProfile, SignPayload with a Notary payload (the envelope is decoded: ES384, signing scheme
notary.x509.signingAuthority, the AWS attributes in the protected header and not critical, no verificationPlugin,
an x5c chain of a leaf and the root served by GET /_signet/ca.pem) and its refusals, DescribeSigningJob,
ListSigningJobs (filters, paging, bad parameters), GetRevocationStatus before and after RevokeSignature and around
a profile-version revocation's effective time (sent with `Host: data-<host>`, certificateHashes computed from the
chain as Signer defines them), and GET /metrics (signet_signatures_total grows by the jobs made, the cost is $0.02
each). The registry part logs in (GetAuthorizationToken, then HTTP Basic `AWS:<password>` on /v2/), uploads blobs (monolithic,
chunked, mounted), pushes and re-pushes a manifest, pulls it, pushes a referrer and lists referrers, tags and the
catalog, checks 401 (with a Basic challenge) without credentials and 403 with a forged password, and drives the ECR
layer API (InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload, BatchCheckLayerAvailability,
GetDownloadUrlForLayer) down to the presigned GET /_signet/layers/{digest}. For these non-AWS-JSON responses it
checks the status, every header the response declares (required ones present, values against their schemas),
Content-Type (exactly one of the declared media types, or no body where none is declared), JSON bodies against their
schemas, and for /v2/ errors that `errors[0].code` is one of the response's x-signet-error-codes.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

sys.dont_write_bytecode = True  # no scripts/__pycache__ from importing swift_routes
sys.path.insert(0, str(Path(__file__).resolve().parent))
import swift_routes  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONTROLLERS = ROOT / "Sources/SignetServer/Controllers"
ECR_CONTROLLER = CONTROLLERS / "ECRController.swift"
SIGNER_CONTROLLER = CONTROLLERS / "SignerController.swift"
TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921."
SIGNER_TAGS = {"Signing profiles", "Profile permissions", "Signing platforms", "Signer tags", "Signing jobs",
               "Revocation status"}
ROUTE = r'router\.(get|put|post|delete|head|patch)\("([^"]*)"'

METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]


def require(module: str, package: str):
    try:
        return __import__(module)
    except ImportError:
        sys.exit(f"check-openapi: missing {module}; pip install {package}")


yaml = require("yaml", "pyyaml")


def load_spec() -> dict:
    return yaml.safe_load(SPEC.read_text())


def validate(spec: dict) -> None:
    require("openapi_spec_validator", "openapi-spec-validator")
    from openapi_spec_validator import validate as validate_spec
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
    try:
        validate_spec(spec)
    except OpenAPIValidationError as error:
        sys.exit(f"check-openapi: {SPEC.name} is not valid OpenAPI: {error}")
    print(f"ok: {SPEC.name} is a valid OpenAPI {spec['openapi']} document")


def spec_routes(spec: dict) -> list[tuple[str, str]]:
    return [(method.upper(), path) for path, item in spec["paths"].items() for method in METHODS if method in item]


def controller_routes(file: Path) -> list[tuple[str, str]]:
    """`router.<method>("<path>"` lines of one controller, `:name` written `{name}` as in OpenAPI paths."""
    return [(method.upper(), re.sub(r":(\w+)", r"{\1}", path)) for method, path in re.findall(ROUTE, file.read_text())]


def oci_routes() -> list[tuple[str, str]]:
    """The /v2/ routes, derived from OCIRoute.swift and OCIController.respond (see swift_routes.py)."""
    try:
        return [(method, path) for method, path, _ in swift_routes.oci_routes()]
    except swift_routes.SourceError as error:
        sys.exit(f"check-openapi: cannot read the /v2/ routes: {error}")


def source_routes() -> list[tuple[str, str]]:
    """Routes registered in the Swift controllers, `/ecr/:operation` expanded to the dispatcher's names, plus the
    /v2/ routes."""
    ecr = ECR_CONTROLLER.read_text()
    operations = re.findall(r'table\.register\("(\w+)"\)', ecr) + re.findall(r'table\.alias\("(\w+)"', ecr)
    routes = []
    for file in sorted(CONTROLLERS.glob("*.swift")):
        for method, path in controller_routes(file):
            if path == "/ecr/{operation}":
                routes += [(method, f"/ecr/{op}") for op in operations]
            else:
                routes.append((method, path))
    return routes + oci_routes()


def compare_oci_routes(spec: dict) -> bool:
    """The /v2/ routes the sources serve against the spec's /v2/ paths, both ways."""
    served = oci_routes()
    documented = {(m, p) for m, p in spec_routes(spec) if p == "/v2" or p.startswith("/v2/")}
    ok = len(served) == len(set(served))
    if not ok:
        print("FAIL: OCIController.respond matches a (route, method) twice")
    for method, path in sorted(set(served) - documented):
        print(f"FAIL: /v2/ route not documented: {method} {path}")
        ok = False
    for method, path in sorted(documented - set(served)):
        print(f"FAIL: documented /v2/ route not served (OCIRoute / OCIController.respond): {method} {path}")
        ok = False
    for path, item in spec["paths"].items():
        if "{name}" in path:
            for method in METHODS:
                names = [p for p in item.get(method, {}).get("parameters", [])
                         if p.get("$ref", "").endswith("/OCIName") or p.get("name") == "name"]
                if method in item and not names:
                    print(f"FAIL: {method.upper()} {path} does not declare its {{name}} parameter")
                    ok = False
    if ok:
        print(f"ok: the {len(served)} /v2/ routes of OCIRoute + OCIController.respond are exactly the documented /v2/ paths")
    return ok


def compare_signer_routes(spec: dict) -> bool:
    """SignerController.swift addRoutes against the spec's operations tagged as Signer ones."""
    served = controller_routes(SIGNER_CONTROLLER)
    documented = {(method.upper(), path) for path, item in spec["paths"].items() for method in METHODS
                  if method in item and set(item[method].get("tags", [])) & SIGNER_TAGS}
    ok = len(served) == len(set(served))
    if not ok:
        print(f"FAIL: {SIGNER_CONTROLLER.name} registers a route twice")
    for method, path in sorted(set(served) - documented):
        print(f"FAIL: Signer route not documented as a Signer operation: {method} {path}")
        ok = False
    for method, path in sorted(documented - set(served)):
        print(f"FAIL: documented Signer operation not in {SIGNER_CONTROLLER.name} addRoutes: {method} {path}")
        ok = False
    if ok:
        print(f"ok: the {len(served)} routes of {SIGNER_CONTROLLER.name} addRoutes are exactly the documented Signer operations")
    return ok


def compare_routes(spec: dict) -> bool:
    documented, served = set(spec_routes(spec)), set(source_routes())
    ok = compare_signer_routes(spec)
    ok = compare_oci_routes(spec) and ok
    for method, path in sorted(served - documented):
        print(f"FAIL: served but not documented: {method} {path}")
        ok = False
    for method, path in sorted(documented - served):
        print(f"FAIL: documented but not served: {method} {path}")
        ok = False
    target_enum = set(spec["paths"]["/"]["post"]["parameters"][0]["schema"]["enum"])
    expected = {TARGET_PREFIX + p[len("/ecr/"):] for _, p in served if p.startswith("/ecr/")}
    if target_enum != expected:
        print(f"FAIL: X-Amz-Target enum differs from the dispatcher: {sorted(target_enum ^ expected)}")
        ok = False
    if ok:
        print(f"ok: the {len(documented)} documented routes are exactly the routes in {CONTROLLERS.relative_to(ROOT)}")
    return ok


def stale_check() -> bool:
    result = subprocess.run([sys.executable, str(ROOT / "scripts/gen-openapi.py"), "--check"], capture_output=True, text=True)
    sys.stdout.write(("ok: " if result.returncode == 0 else "FAIL: ") + (result.stdout + result.stderr).strip() + "\n")
    return result.returncode == 0


# ---- live smoke test -------------------------------------------------------------------------------------------


class Live:
    def __init__(self, spec: dict, base: str) -> None:
        require("jsonschema", "jsonschema")
        import jsonschema
        self.jsonschema = jsonschema
        self.spec = spec
        self.base = base.rstrip("/")
        self.failures = 0
        self.checked = 0
        self.registry_auth = ""
        self.ops = {}  # operationId -> (path, method, operation object)
        for path, item in spec["paths"].items():
            for method in METHODS:
                if method in item:
                    self.ops[item[method]["operationId"]] = (path, method, item[method])

    def resolve(self, node: dict) -> dict:
        while "$ref" in node:
            _, section, kind, name = node["$ref"].split("/")
            node = self.spec[section][kind][name]
        return node

    def schema_errors(self, schema: dict, body) -> list[str]:
        root = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema,
                "components": {"schemas": self.spec["components"]["schemas"]}}
        validator = self.jsonschema.Draft202012Validator(root, format_checker=self.jsonschema.FormatChecker())
        return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(body)]

    def curl(self, method: str, path: str, body=None, headers=None,
             content_type: str = "application/x-amz-json-1.1") -> tuple[int, dict, bytes]:
        with tempfile.TemporaryDirectory() as tmp:
            head, out = Path(tmp, "head"), Path(tmp, "body")
            command = ["curl", "-sS", "-X", method, "-D", str(head), "-o", str(out), "-w", "%{http_code}"]
            for name, value in (headers or {}).items():
                command += ["-H", f"{name}: {value}"]
            if body is not None:
                command += ["-H", f"Content-Type: {content_type}", "--data-binary", "@-"]
            # ECR and Signer requests are SigV4-signed with the built-in key, by botocore as the SDKs sign them (curl's
            # own --aws-sigv4 signs percent-encoded ARN paths and repeated query parameters differently), as every
            # request to a default `signet serve` must be; a request that brings its own Authorization is sent as is
            if not any(name.lower() == "authorization" for name in (headers or {})) and not path.startswith(("/_signet", "/metrics", "/v2")):
                import botocore.auth, botocore.awsrequest, botocore.credentials
                service = "signer" if path.startswith(("/signing-", "/tags/", "/revocations")) else "ecr"
                signed = botocore.awsrequest.AWSRequest(
                    method=method, url=self.base + path, data=None if body is None else json.dumps(body).encode(),
                    headers={**(headers or {}), **({} if body is None else {"Content-Type": content_type})})
                botocore.auth.SigV4Auth(botocore.credentials.Credentials("test", "test"), service, "us-east-1").add_auth(signed)
                for name in ("Authorization", "X-Amz-Date"):
                    command += ["-H", f"{name}: {signed.headers[name]}"]
            result = subprocess.run(command + [self.base + path], input=None if body is None else json.dumps(body),
                                    capture_output=True, text=True, check=True)
            response_headers = {}
            for line in head.read_text().splitlines()[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    response_headers[name.strip().lower()] = value.strip()
            return int(result.stdout), response_headers, out.read_bytes()

    def call(self, operation_id: str, body=None, expect: int | tuple = 200, via_target: str | None = None):
        """Calls an operation (at its own path, or at POST / with X-Amz-Target, which must answer the same way)
        and checks the response against the operation's documented responses."""
        path, method, operation = self.ops[operation_id]
        headers = {}
        if via_target:
            path, headers = "/", {"X-Amz-Target": TARGET_PREFIX + via_target}
        status, response_headers, raw = self.curl(method.upper(), path, body, headers)
        label = f"{method.upper()} {path}" + (f" [{via_target}]" if via_target else "") + f" -> {status}"
        problems = []
        if status not in (expect if isinstance(expect, tuple) else (expect,)):
            problems.append(f"expected status {expect}")
        declared = operation["responses"].get(str(status))
        if declared is None:
            problems.append(f"status {status} is not documented")
            declared = {}
        declared = self.resolve(declared)
        if "x-amzn-requestid" not in response_headers:
            problems.append("no x-amzn-RequestId header")
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
            problems.append(f"body is not JSON: {raw[:200]!r}")
        content = declared.get("content", {})
        if content:
            content_type = response_headers.get("content-type", "")
            if content_type not in content:
                problems.append(f"Content-Type {content_type!r} not in {sorted(content)}")
            else:
                problems += self.schema_errors(content[content_type]["schema"], payload)
        if status == 400 and isinstance(payload, dict):
            allowed = declared.get("x-signet-error-types", [])
            if payload.get("__type") not in allowed:
                problems.append(f"__type {payload.get('__type')!r} is not in x-signet-error-types {allowed}")
            if response_headers.get("x-amzn-errortype") != payload.get("__type"):
                problems.append("X-Amzn-ErrorType header differs from __type")
        self.checked += 1
        if problems:
            self.failures += 1
            print(f"FAIL: {label}\n      body: {raw[:400].decode(errors='replace')}")
            for problem in problems:
                print(f"      - {problem}")
        else:
            print(f"ok: {label}")
        return payload

    def rest(self, operation_id: str, path_params: dict | None = None, query: list | None = None, body=None,
             expect: int = 200, code: str | None = None, safe: str = "", headers: dict | None = None):
        """Calls a Signer (rest-json) operation: path parameters percent-encoded (characters in `safe` left as
        they are), query as (key, value) pairs (repeat a key for a list), body JSON-encoded, extra request headers.
        Checks the response
        against the operation's documented responses; for errors, that X-Amzn-ErrorType is declared (and is
        `code` when given)."""
        path, method, operation = self.ops[operation_id]
        url = path
        for name, value in (path_params or {}).items():
            url = url.replace("{" + name + "}", urllib.parse.quote(value, safe=safe))
        if query:
            url += "?" + urllib.parse.urlencode(query)
        status, headers, raw = self.curl(method.upper(), url, body, headers, content_type="application/json")
        shown = url if len(url) <= 160 else url[:150] + "...(" + str(len(url)) + ")"
        label = f"{method.upper()} {shown} -> {status}" + (f" {headers['x-amzn-errortype']}" if "x-amzn-errortype" in headers else "")
        problems = []
        if status != expect:
            problems.append(f"expected status {expect}")
        declared = operation["responses"].get(str(status))
        if declared is None:
            problems.append(f"status {status} is not documented")
            declared = {}
        declared = self.resolve(declared)
        if "x-amzn-requestid" not in headers:
            problems.append("no x-amzn-RequestId header")
        payload = None
        content = declared.get("content", {})
        if content:
            try:
                pairs: list[list[str]] = []
                payload = json.loads(raw, object_pairs_hook=lambda items: pairs.append([k for k, _ in items]) or dict(items))
                if any(keys != sorted(keys) for keys in pairs):
                    problems.append("JSON object keys are not sorted")
            except ValueError:
                problems.append(f"body is not JSON: {raw[:200]!r}")
            content_type = headers.get("content-type", "")
            if content_type not in content:
                problems.append(f"Content-Type {content_type!r} not in {sorted(content)}")
            elif payload is not None:
                problems += self.schema_errors(content[content_type]["schema"], payload)
        elif declared and raw:
            problems.append(f"expected an empty body, got {raw[:200]!r}")
        if status >= 400:
            error_type = headers.get("x-amzn-errortype")
            allowed = declared.get("x-signet-error-types", [])
            if error_type not in allowed:
                problems.append(f"X-Amzn-ErrorType {error_type!r} is not in x-signet-error-types {allowed}")
            if code and error_type != code:
                problems.append(f"expected X-Amzn-ErrorType {code}")
        self.checked += 1
        if problems:
            self.failures += 1
            print(f"FAIL: {label}\n      body: {raw[:400].decode(errors='replace')}")
            for problem in problems:
                print(f"      - {problem}")
        else:
            print(f"ok: {label}")
        return payload if isinstance(payload, dict) else {}

    def http(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
        """One request with raw bytes; HEAD is sent as curl --head (curl would otherwise wait for a body)."""
        with tempfile.TemporaryDirectory() as tmp:
            head, out, data = Path(tmp, "head"), Path(tmp, "body"), Path(tmp, "data")
            command = ["curl", "-sS", "-D", str(head), "-o", str(out), "-w", "%{http_code}"]
            command += ["--head"] if method == "HEAD" else ["-X", method]
            for name, value in (headers or {}).items():
                command += ["-H", f"{name}: {value}"]
            if body is not None:
                data.write_bytes(body)
                command += ["--data-binary", f"@{data}"]
            result = subprocess.run(command + [self.base + url], capture_output=True, text=True, check=True)
            response_headers = {}
            for line in head.read_text().splitlines()[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    response_headers[name.strip().lower()] = value.strip()
            # with --head curl writes the headers to -o as well; a HEAD response never has a body it would read
            return int(result.stdout), response_headers, out.read_bytes() if out.exists() and method != "HEAD" else b""

    def header_errors(self, name: str, header: dict, value: str | None) -> list[str]:
        header = self.resolve(header)
        if value is None:
            return [f"no {name} header"] if header.get("required") else []
        schema = header.get("schema", {})
        if self.resolve(schema).get("type") == "integer":
            try:
                value = int(value)
            except ValueError:
                return [f"{name}: {value!r} is not an integer"]
        return [f"{name}: {problem}" for problem in self.schema_errors(schema, value)]

    def request(self, operation_id: str, path_params: dict | None = None, query: list | None = None,
                body: bytes | None = None, headers: dict | None = None, expect: int = 200, code: str | None = None,
                auth: str | bool = True, url: str | None = None) -> tuple[dict, bytes, object]:
        """Calls a route that is not AWS JSON (the /v2/ registry, the presigned layer route) and checks the response
        against the operation's documented response: status, declared headers (required ones present, values
        valid), Content-Type and body (no body where no content is declared; JSON bodies against the schema), and
        for /v2/ errors that errors[0].code is declared (and is `code` when given). `{name}` is substituted with its
        `/` unescaped. auth: True for the registry password, False for none, or an Authorization value."""
        path, method, operation = self.ops[operation_id]
        if url is None:
            url = path
            for name, value in (path_params or {}).items():
                url = url.replace("{" + name + "}", value if name == "name" else urllib.parse.quote(value, safe=":"))
            if query:
                url += "?" + urllib.parse.urlencode(query)
        headers = dict(headers or {})
        if auth is True and operation.get("security"):
            headers["Authorization"] = self.registry_auth
        elif isinstance(auth, str):
            headers["Authorization"] = auth
        status, response_headers, raw = self.http(method.upper(), url, body, headers)
        payload = None
        label = f"{method.upper()} {url} -> {status}"
        problems = []
        if status != expect:
            problems.append(f"expected status {expect}")
        declared = operation["responses"].get(str(status))
        if declared is None:
            problems.append(f"status {status} is not documented")
            declared = {}
        declared = self.resolve(declared)
        for name, header in declared.get("headers", {}).items():
            problems += self.header_errors(name, header, response_headers.get(name.lower()))
        if "x-amzn-requestid" not in response_headers:
            problems.append("no x-amzn-RequestId header")
        content = declared.get("content")
        content_type = response_headers.get("content-type", "")
        if declared and not content and method.upper() != "HEAD" and raw:
            problems.append(f"expected no body, got {raw[:200]!r}")
        if content and method.upper() != "HEAD":
            if content_type not in content:
                problems.append(f"Content-Type {content_type!r} not in {sorted(content)}")
            elif content_type.endswith("json"):
                try:
                    payload = json.loads(raw)
                    if "schema" in content[content_type]:
                        problems += self.schema_errors(content[content_type]["schema"], payload)
                except ValueError:
                    problems.append(f"body is not JSON: {raw[:200]!r}")
            elif "schema" in content[content_type]:
                problems += self.schema_errors(content[content_type]["schema"], raw.decode(errors="replace"))
        if "x-signet-error-codes" in declared:
            label += f" {declared['x-signet-error-codes']}" if method.upper() == "HEAD" else ""
            if method.upper() != "HEAD":
                errors = payload.get("errors") if isinstance(payload, dict) else None
                actual = errors[0].get("code") if errors and isinstance(errors[0], dict) else None
                label += f" {actual}"
                if actual not in declared["x-signet-error-codes"]:
                    problems.append(f"code {actual!r} is not in x-signet-error-codes {declared['x-signet-error-codes']}")
                if code and actual != code:
                    problems.append(f"expected code {code}")
            elif code and code not in declared["x-signet-error-codes"]:
                problems.append(f"expected code {code}, which this status does not declare")
        elif code:
            problems.append(f"expected an error {code}")
        self.checked += 1
        if problems:
            self.failures += 1
            print(f"FAIL: {label}\n      body: {raw[:400].decode(errors='replace')}")
            for problem in problems:
                print(f"      - {problem}")
        else:
            print(f"ok: {label}")
        return response_headers, raw, payload

    def run_registry(self, run: str) -> None:
        """The registry's data plane: login, blob uploads, manifests, referrers, listings, the ECR layer API."""
        def digest(data: bytes) -> str:
            return "sha256:" + hashlib.sha256(data).hexdigest()

        repo, other, absent = f"smoke-{run}/registry", f"smoke-{run}/mounted", f"smoke-{run}/absent"
        manifest_type = "application/vnd.oci.image.manifest.v1+json"
        login = self.call("GetAuthorizationToken", {}) or {}
        token = (login.get("authorizationData") or [{}])[0].get("authorizationToken", "")
        user = base64.b64decode(token).decode(errors="replace").split(":", 1)[0] if token else None
        self.same("authorizationToken is base64 of AWS:<password>", user, "AWS")
        self.registry_auth = "Basic " + token
        self.call("GetAuthorizationToken", {"registryIds": []}, expect=400)  # InvalidParameterException
        self.call("CreateRepository", {"repositoryName": repo})
        self.call("CreateRepository", {"repositoryName": other})

        # Login
        headers, _, _ = self.request("OCIBase", auth=False, expect=401, code="UNAUTHORIZED")
        self.request("OCIBase")
        forged = "Basic " + base64.b64encode(b"AWS:forged.password").decode()
        self.request("OCIBase", auth=forged, expect=403, code="DENIED")

        # Blobs: monolithic, chunked, mounted
        config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}).encode()
        layer = f"smoke layer {run} ".encode() * 8
        headers, _, _ = self.request("OCIStartUpload", {"name": repo}, query=[("digest", digest(config))], body=config,
                                     headers={"Content-Type": "application/octet-stream"}, expect=201)
        self.same("monolithic upload: Docker-Content-Digest", headers.get("docker-content-digest"), digest(config))
        self.request("OCIStartUpload", {"name": repo}, query=[("digest", digest(b"other"))], body=config,
                     headers={"Content-Type": "application/octet-stream"}, expect=400, code="DIGEST_INVALID")
        headers, _, _ = self.request("OCIStartUpload", {"name": repo}, expect=202)
        uuid_ = headers.get("docker-upload-uuid", "00000000-0000-0000-0000-000000000000")
        upload = {"name": repo, "uuid": uuid_}
        self.request("OCIPatchUpload", upload, body=layer[:10], expect=202,
                     headers={"Content-Type": "application/octet-stream", "Content-Range": "0-9"})
        headers, _, _ = self.request("OCIUploadStatus", upload, expect=204)
        self.same("upload status: Range", headers.get("range"), "0-9")
        self.request("OCIPatchUpload", upload, body=layer[10:], expect=416, code="BLOB_UPLOAD_INVALID",
                     headers={"Content-Type": "application/octet-stream", "Content-Range": "0-3"})
        headers, _, _ = self.request("OCIFinishUpload", upload, query=[("digest", digest(layer))], body=layer[10:],
                                     headers={"Content-Type": "application/octet-stream"}, expect=201)
        self.same("chunked upload: Docker-Content-Digest", headers.get("docker-content-digest"), digest(layer))
        self.request("OCIUploadStatus", upload, expect=404, code="BLOB_UPLOAD_UNKNOWN")
        headers, _, _ = self.request("OCIStartUpload", {"name": repo}, expect=202)
        self.request("OCICancelUpload", {"name": repo, "uuid": headers.get("docker-upload-uuid", "x")}, expect=204)
        self.request("OCIStartUpload", {"name": other}, query=[("mount", digest(layer)), ("from", repo)], expect=201)
        self.request("OCIStartUpload", {"name": absent}, expect=404, code="NAME_UNKNOWN")
        _, raw, _ = self.request("OCIGetBlob", {"name": repo, "digest": digest(layer)})
        self.same("GET blob returns the bytes", raw == layer, True)
        _, raw, _ = self.request("OCIGetBlob", {"name": repo, "digest": digest(layer)}, headers={"Range": "bytes=2-5"},
                                 expect=206)
        self.same("GET blob with Range returns the range", raw == layer[2:6], True)
        self.request("OCIGetBlob", {"name": repo, "digest": digest(layer)}, headers={"Range": f"bytes={len(layer)}-"},
                     expect=416, code="BLOB_UNKNOWN")
        self.request("OCIGetBlob", {"name": repo, "digest": "sha256:" + "0" * 64}, expect=404, code="BLOB_UNKNOWN")
        self.request("OCIGetBlob", {"name": repo, "digest": "sha256:nope"}, expect=400, code="DIGEST_INVALID")
        self.request("OCIHeadBlob", {"name": repo, "digest": digest(layer)})
        self.request("OCIHeadBlob", {"name": repo, "digest": digest(layer)}, headers={"Range": "bytes=0-0"}, expect=206)
        self.request("OCIDeleteBlob", {"name": repo, "digest": digest(layer)}, expect=405, code="UNSUPPORTED")

        # Manifests
        def descriptor(media_type: str, data: bytes) -> dict:
            return {"mediaType": media_type, "digest": digest(data), "size": len(data)}
        manifest = json.dumps({"schemaVersion": 2, "mediaType": manifest_type,
                               "config": descriptor("application/vnd.oci.image.config.v1+json", config),
                               "layers": [descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer)]}).encode()
        at_tag = {"name": repo, "reference": "v1"}
        headers, _, _ = self.request("OCIPutManifest", at_tag, body=manifest, headers={"Content-Type": manifest_type},
                                     expect=201)
        self.same("PUT manifest: Docker-Content-Digest", headers.get("docker-content-digest"), digest(manifest))
        self.request("OCIPutManifest", at_tag, body=manifest, headers={"Content-Type": manifest_type}, expect=201)
        again = self.call("PutImage", {"repositoryName": repo, "imageManifest": manifest.decode(), "imageTag": "v1"},
                          expect=400) or {}
        self.same("PutImage of a pushed image", again.get("__type"), "ImageAlreadyExistsException")
        headers, raw, _ = self.request("OCIGetManifest", at_tag)
        self.same("GET manifest returns the pushed bytes", raw == manifest, True)
        self.same("GET manifest: Content-Type", headers.get("content-type"), manifest_type)
        self.request("OCIHeadManifest", {"name": repo, "reference": digest(manifest)})
        self.request("OCIGetManifest", {"name": repo, "reference": "missing"}, expect=404, code="MANIFEST_UNKNOWN")
        self.request("OCIPutManifest", {"name": absent, "reference": "v1"}, body=manifest,
                     headers={"Content-Type": manifest_type}, expect=404, code="NAME_UNKNOWN")
        dangling = json.dumps({"schemaVersion": 2, "mediaType": manifest_type,
                               "config": {**descriptor("application/vnd.oci.image.config.v1+json", config),
                                          "digest": "sha256:" + "1" * 64}, "layers": []}).encode()
        self.request("OCIPutManifest", {"name": repo, "reference": "v2"}, body=dangling,
                     headers={"Content-Type": manifest_type}, expect=400, code="MANIFEST_BLOB_UNKNOWN")
        self.request("OCIPutManifest", {"name": repo, "reference": "sha256:" + "2" * 64}, body=manifest,
                     headers={"Content-Type": manifest_type}, expect=400, code="DIGEST_INVALID")

        # Referrers
        empty = b"{}"
        self.request("OCIStartUpload", {"name": repo}, query=[("digest", digest(empty))], body=empty,
                     headers={"Content-Type": "application/octet-stream"}, expect=201)
        sbom = "application/vnd.example.sbom"
        referrer = json.dumps({"schemaVersion": 2, "mediaType": manifest_type, "artifactType": sbom,
                               "config": descriptor("application/vnd.oci.empty.v1+json", empty),
                               "layers": [descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer)],
                               "subject": descriptor(manifest_type, manifest),
                               "annotations": {"org.example.smoke": run}}).encode()
        headers, _, _ = self.request("OCIPutManifest", {"name": repo, "reference": digest(referrer)}, body=referrer,
                                     headers={"Content-Type": manifest_type}, expect=201)
        self.same("PUT referrer: OCI-Subject", headers.get("oci-subject"), digest(manifest))
        headers, _, index = self.request("OCIListReferrers", {"name": repo, "digest": digest(manifest)})
        listed = [(m.get("digest"), m.get("artifactType")) for m in (index or {}).get("manifests", [])]
        self.same("referrers list the referrer", listed, [(digest(referrer), sbom)])
        headers, _, index = self.request("OCIListReferrers", {"name": repo, "digest": digest(manifest)},
                                         query=[("artifactType", "application/vnd.example.other")])
        self.same("filtered referrers: OCI-Filters-Applied", headers.get("oci-filters-applied"), "artifactType")
        self.same("filtered referrers: none left", (index or {}).get("manifests"), [])

        # Listings
        _, _, tags = self.request("OCIListTags", {"name": repo})
        self.same("tags/list", tags, {"name": repo, "tags": ["v1"]})
        self.request("OCICatalog", query=[("n", "1")])

        # No credentials
        self.request("OCIGetManifest", at_tag, auth=False, expect=401, code="UNAUTHORIZED")
        self.request("OCIHeadManifest", at_tag, auth=False, expect=401, code="UNAUTHORIZED")
        self.request("OCIStartUpload", {"name": repo}, auth=False, expect=401, code="UNAUTHORIZED")

        # Delete by tag
        self.request("OCIDeleteManifest", {"name": repo, "reference": "v1"}, expect=202)
        self.request("OCIDeleteManifest", {"name": repo, "reference": "v1"}, expect=404, code="MANIFEST_UNKNOWN")

        # The ECR layer API and the presigned download
        part = f"ecr layer part {run}".encode()
        upload_id = (self.call("InitiateLayerUpload", {"repositoryName": repo}) or {}).get("uploadId", "")
        ids = {"repositoryName": repo, "uploadId": upload_id}
        self.call("UploadLayerPart", {**ids, "partFirstByte": 0, "partLastByte": len(part) - 1,
                                      "layerPartBlob": base64.b64encode(part).decode()})
        failed = self.call("UploadLayerPart", {**ids, "partFirstByte": 3, "partLastByte": 5,
                                               "layerPartBlob": base64.b64encode(b"abc").decode()}, expect=400) or {}
        self.same("InvalidLayerPartException: lastValidByteReceived",
                  (failed.get("__type"), failed.get("lastValidByteReceived")), ("InvalidLayerPartException", len(part) - 1))
        self.call("CompleteLayerUpload", {**ids, "layerDigests": ["sha256:" + "3" * 64]}, expect=400)  # InvalidLayerException
        upload_id = (self.call("InitiateLayerUpload", {"repositoryName": repo}) or {}).get("uploadId", "")
        ids = {"repositoryName": repo, "uploadId": upload_id}
        self.call("CompleteLayerUpload", {**ids, "layerDigests": [digest(part)]}, expect=400)  # EmptyUploadException
        self.call("UploadLayerPart", {**ids, "partFirstByte": 0, "partLastByte": len(part) - 1,
                                      "layerPartBlob": base64.b64encode(part).decode()})
        self.call("CompleteLayerUpload", {**ids, "layerDigests": [digest(part)]})
        self.call("UploadLayerPart", {**ids, "partFirstByte": 0, "partLastByte": 0, "layerPartBlob": "YQ=="},
                  expect=400)  # UploadNotFoundException
        checked = self.call("BatchCheckLayerAvailability", {"repositoryName": repo, "layerDigests": [
            digest(part), "sha256:" + "0" * 64, "not-a-digest"]}) or {}
        self.same("BatchCheckLayerAvailability", [(l.get("layerAvailability"), l.get("layerSize"))
                                                  for l in checked.get("layers", [])],
                  [("AVAILABLE", len(part)), ("UNAVAILABLE", None)])
        # LayerInaccessibleException until an image of the repository has the layer
        self.call("GetDownloadUrlForLayer", {"repositoryName": repo, "layerDigest": digest(part)}, expect=400)
        descriptor = {"digest": digest(part), "size": len(part)}
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **descriptor},
                               "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **descriptor}]})
        self.call("PutImage", {"repositoryName": repo, "imageManifest": manifest, "imageTag": "with-layer"})
        located = self.call("GetDownloadUrlForLayer", {"repositoryName": repo, "layerDigest": digest(part)}) or {}
        self.call("GetDownloadUrlForLayer", {"repositoryName": repo, "layerDigest": "sha256:" + "0" * 64}, expect=400)
        address = urllib.parse.urlsplit(located.get("downloadUrl", ""))
        relative = address.path + "?" + address.query
        _, raw, _ = self.request("SignetLayerDownload", url=relative)
        self.same("the presigned URL serves the layer", raw == part, True)
        self.request("SignetLayerDownload", url=relative.replace("signature=", "signature=x"), expect=403)
        self.request("SignetLayerDownload", url=address.path, expect=403)

        self.call("DeleteRepository", {"repositoryName": other, "force": True})
        self.call("DeleteRepository", {"repositoryName": repo, "force": True})

    def same(self, label: str, actual, expected) -> None:
        """A value check (counted like a response)."""
        self.checked += 1
        if actual == expected:
            print(f"ok: {label}")
        else:
            self.failures += 1
            print(f"FAIL: {label}: expected {expected!r}, got {actual!r}")

    # ---- SignPayload, signing jobs, revocation, the root CA and /metrics -------------------------------------

    def metrics(self, registry: str, region: str) -> tuple[int, str | None]:
        """GET /metrics: (signet_signatures_total, signet_signatures_cost_dollars) of one registry (0, None when absent)."""
        _, raw, _ = self.request("SignetMetrics")
        samples = dict(re.findall(r'^(\w+)\{registry="' + registry + '",region="' + region + r'"\} (\S+)$',
                                  raw.decode(errors="replace"), re.M))
        return int(samples.get("signet_signatures_total", "0")), samples.get("signet_signatures_cost_dollars")

    @staticmethod
    def tbs(certificate: bytes) -> bytes:
        """The TBSCertificate of a DER certificate: the first element of its outer SEQUENCE, header included."""
        def header(offset: int) -> tuple[int, int]:  # (content start, content length) of the element at offset
            length = certificate[offset + 1]
            if length < 0x80:
                return offset + 2, length
            count = length & 0x7F
            return offset + 2 + count, int.from_bytes(certificate[offset + 2:offset + 2 + count], "big")
        start, _ = header(0)
        content, length = header(start)
        return certificate[start:content + length]

    def certificate_hashes(self, chain: list[bytes]) -> list[str]:
        """Signer's certificateHashes: hex SHA-384(TBS(cert)) + hex SHA-384(TBS(issuer)), the root with itself."""
        return [hashlib.sha384(self.tbs(cert)).hexdigest()
                + hashlib.sha384(self.tbs(chain[min(i + 1, len(chain) - 1)])).hexdigest() for i, cert in enumerate(chain)]

    def run_signing_jobs(self, run: str, notation: str, canceled: str) -> None:
        fmt = "application/vnd.cncf.notary.payload.v1+json"
        profile_name, missing = f"smoke_{run}_signer", f"smoke_{run}_missing"
        target = {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "digest": "sha256:" + hashlib.sha256(run.encode()).hexdigest(), "size": 42}
        payload_bytes = json.dumps({"targetArtifact": target}).encode()
        payload = base64.b64encode(payload_bytes).decode()

        def sign(profile: str, **extra):
            expect, code = extra.pop("expect", 200), extra.pop("code", None)
            body = {"profileName": profile, "payload": payload, "payloadFormat": fmt, **extra}
            return self.rest("SignPayload", body=body, expect=expect, code=code)

        # The root CA
        _, pem, _ = self.request("SignetRootCA")
        pem_text = pem.decode(errors="replace")
        root_der = base64.b64decode("".join(line for line in pem_text.splitlines() if not line.startswith("-----")) or "")

        profile = self.rest("PutSigningProfile", {"profileName": profile_name}, body={"platformId": notation})
        version_arn = profile.get("profileVersionArn", f"arn:aws:signer:us-east-1:123456789012:/signing-profiles/{profile_name}/x")
        _, _, _, region, account = version_arn.split(":")[:5]
        total_before, _ = self.metrics(account, region)

        # SignPayload
        signed = sign(profile_name)
        job_id = signed.get("jobId", "missing-job")
        metadata = signed.get("metadata", {})
        job_arn = metadata.get("com.amazonaws.signer.signingJob", "")
        self.same("SignPayload: jobOwner", signed.get("jobOwner"), account)
        self.same("SignPayload: metadata", metadata, {
            "com.amazonaws.signer.signingJob": f"arn:aws:signer:{region}:{account}:/signing-jobs/{job_id}",
            "com.amazonaws.signer.signingProfileVersion": version_arn})
        try:
            envelope = json.loads(base64.b64decode(signed.get("signature", "")))
            protected = json.loads(base64.urlsafe_b64decode(envelope["protected"] + "=" * (-len(envelope["protected"]) % 4)))
            signed_payload = base64.urlsafe_b64decode(envelope["payload"] + "=" * (-len(envelope["payload"]) % 4))
            chain = [base64.b64decode(cert) for cert in envelope["header"]["x5c"]]
        except (ValueError, KeyError, TypeError) as error:
            envelope, protected, signed_payload, chain = {}, {}, b"", []
            self.same(f"SignPayload: signature is a JWS envelope ({error})", False, True)
        self.same("envelope: JWS JSON members", sorted(envelope), ["header", "payload", "protected", "signature"])
        self.same("envelope: the payload is the one sent", signed_payload, payload_bytes)
        self.same("envelope: alg, cty, signing scheme", (protected.get("alg"), protected.get("cty"),
                  protected.get("io.cncf.notary.signingScheme")), ("ES384", fmt, "notary.x509.signingAuthority"))
        self.same("envelope: crit", sorted(protected.get("crit", [])), ["io.cncf.notary.authenticSigningTime",
                  "io.cncf.notary.expiry", "io.cncf.notary.signingScheme"])
        self.same("envelope: AWS attributes (not critical)",
                  (protected.get("com.amazonaws.signer.signingProfileVersion"), protected.get("com.amazonaws.signer.signingJob")),
                  (version_arn, job_arn))
        self.same("envelope: no verificationPlugin",
                  [k for k in {**protected, **envelope.get("header", {})} if "verificationPlugin" in k], [])
        self.same("envelope: x5c is leaf + the root of /_signet/ca.pem", (len(chain), chain[-1:] == [root_der]), (2, True))
        signing_time = protected.get("io.cncf.notary.authenticSigningTime", "2000-01-01T00:00:00Z")

        sign(canceled, expect=400, code="ValidationException")  # Canceled profile
        sign(missing, expect=404, code="ResourceNotFoundException")
        sign(profile_name, profileOwner="111122223333", expect=404, code="ResourceNotFoundException")
        sign(profile_name, profileOwner="12", expect=400, code="ValidationException")
        sign(profile_name, payloadFormat="application/json", expect=400, code="ValidationException")
        sign(profile_name, payload=base64.b64encode(b'{"targetArtifact":{}}').decode(), expect=400, code="ValidationException")
        sign(profile_name, payload="", expect=400, code="ValidationException")
        sign(profile_name, payload=base64.b64encode(b" " * 4097).decode(), expect=400, code="ValidationException")
        sign(profile_name, payload="!!!", expect=400, code="SerializationException")
        self.rest("SignPayload", body={"profileName": profile_name, "payload": payload}, expect=400, code="ValidationException")

        # DescribeSigningJob, ListSigningJobs
        job = self.rest("DescribeSigningJob", {"jobId": job_id})
        self.same("DescribeSigningJob", (job.get("status"), job.get("profileName"), job.get("profileVersion"),
                                         "revocationRecord" in job),
                  ("Succeeded", profile_name, profile.get("profileVersion"), False))
        self.rest("DescribeSigningJob", {"jobId": "00000000-0000-0000-0000-000000000000"},
                  expect=404, code="ResourceNotFoundException")

        def listed(query: list, expect: int = 200, code: str | None = None) -> list[str]:
            return [j.get("jobId") for j in self.rest("ListSigningJobs", query=query, expect=expect, code=code).get("jobs", [])]
        now_iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.same("ListSigningJobs lists the job", job_id in listed([]), True)
        self.same("ListSigningJobs filters", (job_id in listed([("status", "Succeeded"), ("platformId", notation)]),
                                              listed([("status", "Failed")]),
                                              job_id in listed([("isRevoked", "true")]),
                                              job_id in listed([("signatureExpiresAfter", now_iso)]),
                                              job_id in listed([("signatureExpiresBefore", now_iso)]),
                                              job_id in listed([("jobInvoker", account)])),
                  (True, [], False, True, False, True))
        page = self.rest("ListSigningJobs", query=[("maxResults", "1")])
        if page.get("nextToken"):
            self.rest("ListSigningJobs", query=[("maxResults", "1"), ("nextToken", page["nextToken"])])
        for bad in (("status", "Bogus"), ("maxResults", "0"), ("maxResults", "x"), ("isRevoked", "maybe"),
                    ("signatureExpiresBefore", "yesterday"), ("nextToken", "bogus")):
            self.rest("ListSigningJobs", query=[bad], expect=400, code="ValidationException")

        # GetRevocationStatus (sent with the host prefix clients use), RevokeSignature
        hashes = self.certificate_hashes(chain) if chain else ["0" * 192]

        def revocation(job_arn_: str, timestamp: str = signing_time, drop: str | None = None, **changes) -> list:
            query = [("signatureTimestamp", timestamp), ("platformId", notation), ("profileVersionArn", version_arn),
                     ("jobArn", job_arn_)] + [("certificateHashes", h) for h in hashes]
            query = [(k, changes.get(k, v)) for k, v in query if k != drop]
            expect = 400 if drop or changes else 200
            answer = self.rest("GetRevocationStatus", query=query, expect=expect,
                               code="ValidationException" if expect == 400 else None,
                               headers={"Host": "data-" + urllib.parse.urlsplit(self.base).netloc})
            return answer.get("revokedEntities")
        self.same("GetRevocationStatus before any revocation", revocation(job_arn), [])
        for parameter in ("signatureTimestamp", "platformId", "profileVersionArn", "jobArn", "certificateHashes"):
            revocation(job_arn, drop=parameter)
        revocation(job_arn, signatureTimestamp="yesterday")
        revocation(job_arn, platformId="Nope-Platform")
        revocation(job_arn, jobArn="arn:too-short")

        self.rest("RevokeSignature", {"jobId": job_id}, body={"reason": ""}, expect=400, code="ValidationException")
        self.rest("RevokeSignature", {"jobId": job_id}, body={}, expect=400, code="ValidationException")
        self.rest("RevokeSignature", {"jobId": job_id}, body={"reason": "smoke", "jobOwner": "1"},
                  expect=400, code="ValidationException")
        self.rest("RevokeSignature", {"jobId": "00000000-0000-0000-0000-000000000000"}, body={"reason": "smoke"},
                  expect=404, code="ResourceNotFoundException")
        self.rest("RevokeSignature", {"jobId": job_id}, body={"reason": "smoke"})
        self.rest("RevokeSignature", {"jobId": job_id}, body={"reason": "again"})  # idempotent
        record = self.rest("DescribeSigningJob", {"jobId": job_id}).get("revocationRecord", {})
        self.same("revocationRecord keeps the first reason", record.get("reason"), "smoke")
        self.same("ListSigningJobs isRevoked=true", job_id in listed([("isRevoked", "true")]), True)
        self.same("GetRevocationStatus after RevokeSignature", revocation(job_arn), [job_arn])

        # A profile-version revocation applies from its effective time on
        second = sign(profile_name)
        second_arn = second.get("metadata", {}).get("com.amazonaws.signer.signingJob", job_arn)
        effective = int(time.time()) - 3600
        self.rest("RevokeSigningProfile", {"profileName": profile_name}, body={
            "profileVersion": profile.get("profileVersion", "AAAAAAAAAA"), "reason": "smoke", "effectiveTime": effective})
        self.same("GetRevocationStatus: signed after the effective time", revocation(second_arn), [version_arn])
        before_effective = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(effective - 60))
        self.same("GetRevocationStatus: signed before the effective time", revocation(second_arn, before_effective), [])
        sign(profile_name, expect=400, code="ValidationException")  # Revoked profile

        # /metrics counts the two jobs
        total, cost = self.metrics(account, region)
        self.same("/metrics: signet_signatures_total grew by the jobs made", total - total_before, 2)
        self.same("/metrics: signet_signatures_cost_dollars = total x $0.02", cost, f"{total * 0.02:.2f}")

    def run_signer(self, run: str) -> None:
        notation = "Notation-OCI-SHA384-ECDSA"
        name, other, missing = f"smoke_{run}", f"smoke_{run}_revoked", f"smoke_{run}_missing"

        # Platforms
        self.rest("ListSigningPlatforms")
        page = self.rest("ListSigningPlatforms", query=[("maxResults", "2")])
        if page.get("nextToken"):
            self.rest("ListSigningPlatforms", query=[("maxResults", "2"), ("nextToken", page["nextToken"])])
        self.rest("ListSigningPlatforms", query=[("maxResults", "0")], expect=400, code="ValidationException")
        self.same("GetSigningPlatform platformId",
                  self.rest("GetSigningPlatform", {"platformId": notation}).get("platformId"), notation)
        self.rest("GetSigningPlatform", {"platformId": "Nope-Platform"}, expect=404, code="ResourceNotFoundException")

        # Profiles
        put = self.rest("PutSigningProfile", {"profileName": name}, body={"platformId": notation, "tags": {"team": "smoke"}})
        arn = put.get("arn", f"arn:aws:signer:us-east-1:123456789012:/signing-profiles/{name}")
        revocable = self.rest("PutSigningProfile", {"profileName": other}, body={
            "platformId": notation, "signatureValidityPeriod": {"value": 4105, "type": "DAYS"}})
        self.rest("PutSigningProfile", {"profileName": name}, body={"platformId": notation},
                  expect=400, code="ValidationException")  # the name is taken
        self.rest("PutSigningProfile", {"profileName": missing}, body={"platformId": "Nope-Platform"},
                  expect=400, code="ValidationException")
        self.rest("PutSigningProfile", {"profileName": missing}, body={"platformId": notation,
                  "signatureValidityPeriod": {"value": 12, "type": "YEARS"}}, expect=400, code="ValidationException")
        self.rest("PutSigningProfile", {"profileName": missing}, body={"platformId": 7},
                  expect=400, code="SerializationException")
        self.rest("PutSigningProfile", {"profileName": "a"}, body={"platformId": notation},
                  expect=400, code="ValidationException")
        got = self.rest("GetSigningProfile", {"profileName": name})
        self.same("default signatureValidityPeriod", got.get("signatureValidityPeriod"), {"value": 135, "type": "MONTHS"})
        self.rest("GetSigningProfile", {"profileName": missing}, expect=404, code="ResourceNotFoundException")
        self.rest("GetSigningProfile", {"profileName": name}, query=[("profileOwner", "12")],
                  expect=400, code="ValidationException")
        listed = self.rest("ListSigningProfiles")
        self.same("ListSigningProfiles lists the new profiles",
                  {name, other} <= {p.get("profileName") for p in listed.get("profiles", [])}, True)
        self.rest("ListSigningProfiles", query=[("statuses", "Active"), ("statuses", "Canceled")])
        first = self.rest("ListSigningProfiles", query=[("includeCanceled", "true"), ("maxResults", "1")])
        if first.get("nextToken"):
            self.rest("ListSigningProfiles", query=[("includeCanceled", "true"), ("maxResults", "1"),
                                                    ("nextToken", first["nextToken"])])
        self.rest("ListSigningProfiles", query=[("statuses", "Bogus")], expect=400, code="ValidationException")

        # Tags: the ARN percent-encoded into one path segment
        self.rest("SignerTagResource", {"resourceArn": arn}, body={"tags": {"env": "dev"}})
        tags = self.rest("SignerListTagsForResource", {"resourceArn": arn}).get("tags")
        self.same("tags after TagResource", tags, {"env": "dev", "team": "smoke"})
        self.rest("SignerListTagsForResource", {"resourceArn": arn}, safe=":")  # only / encoded (%2F)
        self.rest("SignerUntagResource", {"resourceArn": arn}, query=[("tagKeys", "env"), ("tagKeys", "absent")])
        self.same("tags after UntagResource",
                  self.rest("SignerListTagsForResource", {"resourceArn": arn}).get("tags"), {"team": "smoke"})
        self.rest("SignerUntagResource", {"resourceArn": arn}, expect=400, code="BadRequestException")  # no tagKeys
        self.rest("SignerTagResource", {"resourceArn": arn}, body={}, expect=400, code="ValidationException")
        self.rest("SignerTagResource", {"resourceArn": arn}, body={"tags": {"aws:reserved": "x"}},
                  expect=400, code="BadRequestException")
        self.rest("SignerListTagsForResource", {"resourceArn": arn.rsplit("/", 1)[0] + "/" + missing},
                  expect=404, code="NotFoundException")
        self.rest("SignerListTagsForResource", {"resourceArn": "not-an-arn"}, expect=400, code="BadRequestException")

        # Permissions
        statement = {"statementId": "smoke", "principal": "111122223333", "action": "signer:GetSigningProfile"}
        added = self.rest("AddProfilePermission", {"profileName": name}, body=statement)
        permissions = self.rest("ListProfilePermissions", {"profileName": name})
        self.same("ListProfilePermissions revisionId", permissions.get("revisionId"), added.get("revisionId"))
        self.rest("AddProfilePermission", {"profileName": name}, body=statement, expect=409, code="ConflictException")
        self.rest("AddProfilePermission", {"profileName": name}, body={**statement, "statementId": "other",
                  "revisionId": "stale"}, expect=409, code="ConflictException")
        self.rest("AddProfilePermission", {"profileName": name}, body={**statement, "statementId": "other",
                  "action": "signer:StartSigningJob"}, expect=400, code="ValidationException")
        self.rest("AddProfilePermission", {"profileName": missing}, body=statement,
                  expect=404, code="ResourceNotFoundException")
        self.rest("RemoveProfilePermission", {"profileName": name, "statementId": "smoke"},
                  expect=400, code="ValidationException")  # revisionId missing
        self.rest("RemoveProfilePermission", {"profileName": name, "statementId": "smoke"},
                  query=[("revisionId", "stale")], expect=409, code="ConflictException")
        self.rest("RemoveProfilePermission", {"profileName": name, "statementId": "nope"},
                  query=[("revisionId", added.get("revisionId", ""))], expect=404, code="ResourceNotFoundException")
        self.rest("RemoveProfilePermission", {"profileName": name, "statementId": "smoke"},
                  query=[("revisionId", added.get("revisionId", ""))])

        # Lifecycle
        version = revocable.get("profileVersion", "AAAAAAAAAA")
        now = int(time.time())
        self.rest("RevokeSigningProfile", {"profileName": other}, body={
            "profileVersion": version, "reason": "smoke", "effectiveTime": now + 3600}, expect=400, code="ValidationException")
        self.rest("RevokeSigningProfile", {"profileName": other}, body={
            "profileVersion": version, "reason": "smoke", "effectiveTime": now - 60})
        self.rest("RevokeSigningProfile", {"profileName": other}, body={
            "profileVersion": version, "reason": "smoke", "effectiveTime": now - 30}, expect=400, code="ValidationException")
        self.rest("RevokeSigningProfile", {"profileName": other}, body={
            "profileVersion": version, "reason": "smoke", "effectiveTime": "yesterday"},
            expect=400, code="SerializationException")
        revoked = self.rest("GetSigningProfile", {"profileName": other})
        self.same("status after RevokeSigningProfile", revoked.get("status"), "Revoked")
        self.same("revocationEffectiveFrom", revoked.get("revocationRecord", {}).get("revocationEffectiveFrom"), now - 60)
        self.rest("CancelSigningProfile", {"profileName": name})
        self.rest("CancelSigningProfile", {"profileName": name})  # idempotent
        self.rest("CancelSigningProfile", {"profileName": other})
        self.same("a revoked profile stays Revoked when canceled",
                  self.rest("GetSigningProfile", {"profileName": other}).get("status"), "Revoked")
        self.rest("CancelSigningProfile", {"profileName": missing}, expect=404, code="ResourceNotFoundException")
        self.same("canceled profiles are hidden by default",
                  name in {p.get("profileName") for p in self.rest("ListSigningProfiles").get("profiles", [])}, False)
        self.rest("PutSigningProfile", {"profileName": name}, body={"platformId": notation},
                  expect=400, code="ValidationException")  # a canceled profile's name stays reserved

        # Signing jobs
        self.rest("StartSigningJob", body={"profileName": name}, expect=400, code="ValidationException")
        self.run_signing_jobs(run, notation, canceled=name)

    def run(self) -> bool:
        run = uuid.uuid4().hex[:8]
        name, other = f"smoke-{run}/app", f"smoke-{run}/tools_x"
        self.call("SignetHealth")
        account = (self.call("DescribeRegistry", {}) or {}).get("registryId", "123456789012")
        arn_prefix = f"arn:aws:signer:us-east-1:{account}:/signing-profiles/"

        # Repositories
        self.call("CreateRepository", {"repositoryName": name})
        created = self.call("CreateRepository", {
            "registryId": account, "repositoryName": other, "tags": [{"Key": "team", "Value": "smoke"}],
            "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
            "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "latest*"}],
            "imageScanningConfiguration": {"scanOnPush": True},
            "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": "alias/smoke"}})
        self.call("CreateRepository", {"repositoryName": name}, expect=400)  # RepositoryAlreadyExistsException
        self.call("CreateRepository", {"repositoryName": "x", "registryId": "000000000000"}, expect=400)
        self.call("CreateRepository", {}, expect=400)  # ValidationException: repositoryName missing
        self.call("CreateRepository", {"repositoryName": 7}, expect=400)  # SerializationException
        self.call("DescribeRepositories", {})
        self.call("DescribeRepositories", {"maxResults": 1})
        self.call("DescribeRepositories", {"repositoryNames": [name, other]})
        self.call("DescribeRepositories", {"repositoryNames": [f"smoke-{run}/missing"]}, expect=400)
        self.call("CreateRepository", {"repositoryName": f"smoke-{run}/via-target"}, via_target="CreateRepository")
        self.call("DescribeRepositories", {"repositoryNames": [name]}, via_target="DescribeRepositories")
        self.call("PutImageTagMutability", {"repositoryName": name, "imageTagMutability": "IMMUTABLE"})
        arn = (created or {}).get("repository", {}).get("repositoryArn", "")
        self.call("TagResource", {"resourceArn": arn, "tags": [{"Key": "env", "Value": "dev"}]})
        self.call("ListTagsForResource", {"resourceArn": arn})
        self.call("UntagResource", {"resourceArn": arn, "tagKeys": ["env"]})

        # Managed signing (the registry's configuration may predate this run: clear it first)
        self.call("DeleteSigningConfiguration", {}, expect=(200, 400))
        self.call("GetSigningConfiguration", {}, expect=400)  # SigningConfigurationNotFoundException
        self.call("PutSigningConfiguration", {"signingConfiguration": {"rules": [
            {"signingProfileArn": arn_prefix + "smoke_profile"},
            {"signingProfileArn": arn_prefix + "other_profile",
             "repositoryFilters": [{"filter": f"smoke-{run}/*", "filterType": "WILDCARD_MATCH"}]}]}})
        self.call("PutSigningConfiguration", {"signingConfiguration": {"rules": [
            {"signingProfileArn": "arn:aws:signer:bad"}]}}, expect=400)  # ValidationException
        self.call("GetSigningConfiguration", {})
        self.call("GetSigningConfiguration", None)  # empty body counts as {}
        self.call("GetRegistrySigningConfiguration", {})
        self.call("GetSigningConfiguration", {}, via_target="GetSigningConfiguration")
        self.call("PutRegistrySigningConfiguration", {"signingConfiguration": {"rules": [
            {"signingProfileArn": arn_prefix + "smoke_profile"}]}}, via_target="PutRegistrySigningConfiguration")

        # Images (an empty index needs no blobs; an index with a subject is a referrer)
        index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []})
        put = self.call("PutImage", {"repositoryName": name, "imageManifest": index, "imageTag": "v1"})
        digest = ((put or {}).get("image", {}).get("imageId", {}) or {}).get("imageDigest", "sha256:" + "0" * 64)
        referrer = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                               "artifactType": "application/vnd.example.sbom", "manifests": [],
                               "subject": {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": digest,
                                           "size": len(index)},
                               "annotations": {"org.example": "smoke"}})
        self.call("PutImage", {"repositoryName": name, "imageManifest": referrer})
        self.call("PutImage", {"repositoryName": name, "imageManifest": index, "imageTag": "v1"}, expect=400)
        self.call("ListImages", {"repositoryName": name})
        self.call("DescribeImages", {"repositoryName": name})
        self.call("DescribeImages", {"repositoryName": name, "imageIds": [{"imageTag": "v1"}]})
        self.call("BatchGetImage", {"repositoryName": name, "imageIds": [{"imageTag": "v1"}, {"imageTag": "nope"}]})
        self.call("ListImageReferrers", {"repositoryName": name, "subjectId": {"imageDigest": digest}})
        self.call("DescribeImageSigningStatus", {"repositoryName": name, "imageId": {"imageTag": "v1"}})
        self.call("DescribeImageSigningStatus", {"repositoryName": name, "imageId": {"imageTag": "nope"}}, expect=400)
        self.call("BatchDeleteImage", {"repositoryName": name, "imageIds": [{"imageTag": "v1"}, {"imageTag": "nope"}]})
        self.call("DeleteRepository", {"repositoryName": other})
        self.call("DeleteRepository", {"repositoryName": name, "force": True})

        self.call("DeleteRegistrySigningConfiguration", {})
        self.call("DeleteSigningConfiguration", {}, expect=400)

        self.run_registry(run)
        self.run_signer(run)
        print(f"{'ok' if not self.failures else 'FAIL'}: live: {self.checked - self.failures}/{self.checked} responses match")
        return not self.failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--live", metavar="BASE_URL", help="also smoke-test a running server (state-changing)")
    parser.add_argument("--skip-stale", action="store_true", help="do not compare with gen-openapi.py's output")
    args = parser.parse_args()

    spec = load_spec()
    validate(spec)
    print("routes:")
    for method, path in spec_routes(spec):
        print(f"  {method:6} {path}")
    ok = compare_routes(spec)
    if not args.skip_stale:
        ok = stale_check() and ok
    if args.live:
        ok = Live(spec, args.live).run() and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
