#!/usr/bin/env python3
"""Checks openapi.yaml.

    python3 scripts/check-openapi.py                        # validate, list routes, compare with the Swift sources
    python3 scripts/check-openapi.py --live http://127.0.0.1:5098
                                                            # ...and smoke-test a running `signet serve --in-memory`

Static checks (no server needed):
  1. the document is a valid OpenAPI 3.1 document (openapi-spec-validator);
  2. its (method, path) pairs are listed;
  3. they are exactly the routes the Swift sources register: every `router.<method>("<path>"` line of the
     controllers, `:name` segments read as `{name}`, with `/ecr/:operation` expanded to every
     table.register/table.alias name in ECRController.swift; the Signer routes (SignerController.swift addRoutes)
     are compared on their own too, and must be the operations of the Signer tags;
  4. openapi.yaml is what scripts/gen-openapi.py generates now (skip with --skip-stale, e.g. when the installed
     botocore differs from the one the spec was generated with).

--live sends real requests with curl (state-changing, and it deletes the registry's signing configuration: use a
throwaway `signet serve --in-memory`) and validates each
response against the spec: status declared, Content-Type, x-amzn-RequestId, body against the schema
(jsonschema, draft 2020-12), and for errors that the code is one of the response's x-signet-error-types (ECR: the
body's __type, equal to X-Amzn-ErrorType; Signer: X-Amzn-ErrorType, with a `{"message"}`-only body). The Signer
part creates, reads, lists, tags (ARN percent-encoded into the path, `%2F` included), permits, revokes and
cancels profiles, checks a few values (tags after a round trip, statuses) and that JSON keys come sorted.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONTROLLERS = ROOT / "Sources/SignetServer/Controllers"
ECR_CONTROLLER = CONTROLLERS / "ECRController.swift"
SIGNER_CONTROLLER = CONTROLLERS / "SignerController.swift"
TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921."
SIGNER_TAGS = {"Signing profiles", "Profile permissions", "Signing platforms", "Signer tags", "Signing jobs"}
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


def source_routes() -> list[tuple[str, str]]:
    """Routes registered in the Swift controllers, `/ecr/:operation` expanded to the dispatcher's names."""
    ecr = ECR_CONTROLLER.read_text()
    operations = re.findall(r'table\.register\("(\w+)"\)', ecr) + re.findall(r'table\.alias\("(\w+)"', ecr)
    routes = []
    for file in sorted(CONTROLLERS.glob("*.swift")):
        for method, path in controller_routes(file):
            if path == "/ecr/{operation}":
                routes += [(method, f"/ecr/{op}") for op in operations]
            else:
                routes.append((method, path))
    return routes


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
             expect: int = 200, code: str | None = None, safe: str = ""):
        """Calls a Signer (rest-json) operation: path parameters percent-encoded (characters in `safe` left as
        they are), query as (key, value) pairs (repeat a key for a list), body JSON-encoded. Checks the response
        against the operation's documented responses; for errors, that X-Amzn-ErrorType is declared (and is
        `code` when given)."""
        path, method, operation = self.ops[operation_id]
        url = path
        for name, value in (path_params or {}).items():
            url = url.replace("{" + name + "}", urllib.parse.quote(value, safe=safe))
        if query:
            url += "?" + urllib.parse.urlencode(query)
        status, headers, raw = self.curl(method.upper(), url, body, content_type="application/json")
        label = f"{method.upper()} {url} -> {status}" + (f" {headers['x-amzn-errortype']}" if "x-amzn-errortype" in headers else "")
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

    def same(self, label: str, actual, expected) -> None:
        """A value check (counted like a response)."""
        self.checked += 1
        if actual == expected:
            print(f"ok: {label}")
        else:
            self.failures += 1
            print(f"FAIL: {label}: expected {expected!r}, got {actual!r}")

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
