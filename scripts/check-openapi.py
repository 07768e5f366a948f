#!/usr/bin/env python3
"""Checks openapi.yaml.

    python3 scripts/check-openapi.py                        # validate, list routes, compare with the Swift sources
    python3 scripts/check-openapi.py --live http://127.0.0.1:5098
                                                            # ...and smoke-test a running `signet serve --in-memory`

Static checks (no server needed):
  1. the document is a valid OpenAPI 3.1 document (openapi-spec-validator);
  2. its (method, path) pairs are listed;
  3. they are exactly the routes the Swift sources register (router.get/post/... in the controllers, with
     `/ecr/:operation` expanded to every table.register/table.alias name in ECRController.swift);
  4. openapi.yaml is what scripts/gen-openapi.py generates now (skip with --skip-stale, e.g. when the installed
     botocore differs from the one the spec was generated with).

--live sends real requests with curl (state-changing, and it deletes the registry's signing configuration: use a
throwaway `signet serve --in-memory`) and validates each
response against the spec: status declared, Content-Type, x-amzn-RequestId, body against the schema
(jsonschema, draft 2020-12), and for 400s that __type is one of the operation's x-signet-error-types.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONTROLLERS = ROOT / "Sources/SignetServer/Controllers"
ECR_CONTROLLER = CONTROLLERS / "ECRController.swift"
TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921."
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


def source_routes() -> list[tuple[str, str]]:
    """Routes registered in the Swift controllers, `/ecr/:operation` expanded to the dispatcher's names."""
    ecr = ECR_CONTROLLER.read_text()
    operations = re.findall(r'table\.register\("(\w+)"\)', ecr) + re.findall(r'table\.alias\("(\w+)"', ecr)
    routes = []
    for file in sorted(CONTROLLERS.glob("*.swift")):
        for method, path in re.findall(r'router\.(get|put|post|delete|head|patch)\("([^"]*)"', file.read_text()):
            if path == "/ecr/:operation":
                routes += [(method.upper(), f"/ecr/{op}") for op in operations]
            elif ":" in path:
                routes.append((method.upper(), re.sub(r":(\w+)", r"{\1}", path)))
            else:
                routes.append((method.upper(), path))
    return routes


def compare_routes(spec: dict) -> bool:
    documented, served = set(spec_routes(spec)), set(source_routes())
    ok = True
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

    def curl(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict, bytes]:
        with tempfile.TemporaryDirectory() as tmp:
            head, out = Path(tmp, "head"), Path(tmp, "body")
            command = ["curl", "-sS", "-X", method, "-D", str(head), "-o", str(out), "-w", "%{http_code}"]
            for name, value in (headers or {}).items():
                command += ["-H", f"{name}: {value}"]
            if body is not None:
                command += ["-H", "Content-Type: application/x-amz-json-1.1", "--data-binary", "@-"]
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
