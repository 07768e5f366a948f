#!/usr/bin/env python3
"""Generates openapi.yaml: every route Signet serves, with ECR shapes constrained by botocore's model.

    python3 scripts/gen-openapi.py            # (re)write openapi.yaml at the repository root
    python3 scripts/gen-openapi.py --check    # exit 1 if openapi.yaml is not what this script generates
    python3 scripts/gen-openapi.py --stdout   # print instead of writing

Where things come from:
  * constraints (lengths, patterns, enums, list sizes, required input members), operation summaries and each
    operation's declared errors: the ECR model of the *installed* botocore, read at run time (nothing of it is
    kept in this repository);
  * which members exist at all: the hand-kept SIGNET_SHAPES table below, i.e. only the members Signet's wire
    shapes (Sources/SignetWire/ECR/ECRShapes.swift) read or write. The table is verified against that file on
    every run, so a member added in Swift without updating this table is an error, not a silently stale spec;
  * which error codes an operation can return: the model's list for the operation, minus NOT_PRODUCED, plus
    the protocol-level codes (SerializationException, ValidationException, UnknownOperationException) and
    AccessDeniedException where the input has registryId.

Output is deterministic for a given botocore version and source tree (no dates, no dict-order accidents).
"""

from __future__ import annotations

import argparse
import copy
import html
import re
import sys
from pathlib import Path

try:
    import botocore
    import botocore.session
    import yaml
except ImportError as error:  # pragma: no cover
    sys.exit(f"gen-openapi: {error}; install with `pip install botocore pyyaml`")

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "openapi.yaml"
SHAPES_SWIFT = ROOT / "Sources/SignetWire/ECR/ECRShapes.swift"
VERSION_SWIFT = ROOT / "Sources/SignetServer/ServerConfiguration.swift"

TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921."
JSON11 = "application/x-amz-json-1.1"
MAX_REQUEST_BODY = 32 * 1024 * 1024  # AWSJSON.maxRequestBody

# --------------------------------------------------------------------------------------------------------------
# Hand-kept tables (keep in step with Sources/SignetServer/Controllers/ECRController.swift and ECRShapes.swift)
# --------------------------------------------------------------------------------------------------------------

# Operations in makeDispatcher order: (operation, tag).
OPERATIONS = [
    ("CreateRepository", "Repositories"),
    ("DescribeRepositories", "Repositories"),
    ("DeleteRepository", "Repositories"),
    ("PutImageTagMutability", "Repositories"),
    ("TagResource", "Repositories"),
    ("UntagResource", "Repositories"),
    ("ListTagsForResource", "Repositories"),
    ("DescribeRegistry", "Repositories"),
    ("PutImage", "Images"),
    ("BatchGetImage", "Images"),
    ("DescribeImages", "Images"),
    ("ListImages", "Images"),
    ("BatchDeleteImage", "Images"),
    ("ListImageReferrers", "Images"),
    ("PutSigningConfiguration", "Managed signing"),
    ("GetSigningConfiguration", "Managed signing"),
    ("DeleteSigningConfiguration", "Managed signing"),
    ("DescribeImageSigningStatus", "Managed signing"),
]

# table.alias(name, for: operation); the aliases are not in the botocore model.
ALIASES = {
    "PutRegistrySigningConfiguration": "PutSigningConfiguration",
    "GetRegistrySigningConfiguration": "GetSigningConfiguration",
    "DeleteRegistrySigningConfiguration": "DeleteSigningConfiguration",
}

# Model shape -> (Swift type in ECRShapes.swift, the members Signet reads/writes; "?" marks a Swift Optional).
# Model members not listed here are ignored by Signet on input and never written on output.
SIGNET_SHAPES = {
    # Repositories
    "CreateRepositoryRequest": ("CreateRepositoryInput", "registryId? repositoryName tags? imageTagMutability? "
                                "imageTagMutabilityExclusionFilters? imageScanningConfiguration? encryptionConfiguration?"),
    "CreateRepositoryResponse": ("RepositoryOutput", "repository"),
    "Repository": ("RepositoryShape", "repositoryArn registryId repositoryName repositoryUri createdAt imageTagMutability "
                   "imageTagMutabilityExclusionFilters? imageScanningConfiguration encryptionConfiguration"),
    "Tag": ("TagShape", "Key Value"),
    "ImageTagMutabilityExclusionFilter": ("ExclusionFilterShape", "filterType filter"),
    "ImageScanningConfiguration": ("ImageScanningConfigurationShape", "scanOnPush?"),
    "EncryptionConfiguration": ("EncryptionConfigurationShape", "encryptionType kmsKey?"),
    "DescribeRepositoriesRequest": ("DescribeRepositoriesInput", "registryId? repositoryNames? nextToken? maxResults?"),
    "DescribeRepositoriesResponse": ("DescribeRepositoriesOutput", "repositories nextToken?"),
    "DeleteRepositoryRequest": ("DeleteRepositoryInput", "registryId? repositoryName force?"),
    "DeleteRepositoryResponse": ("RepositoryOutput", "repository"),
    "PutImageTagMutabilityRequest": ("PutImageTagMutabilityInput",
                                     "registryId? repositoryName imageTagMutability imageTagMutabilityExclusionFilters?"),
    "PutImageTagMutabilityResponse": ("PutImageTagMutabilityOutput",
                                      "registryId repositoryName imageTagMutability imageTagMutabilityExclusionFilters?"),
    "TagResourceRequest": ("TagResourceInput", "resourceArn tags"),
    "TagResourceResponse": ("EmptyShape", ""),
    "UntagResourceRequest": ("UntagResourceInput", "resourceArn tagKeys"),
    "UntagResourceResponse": ("EmptyShape", ""),
    "ListTagsForResourceRequest": ("ListTagsForResourceInput", "resourceArn"),
    "ListTagsForResourceResponse": ("ListTagsForResourceOutput", "tags"),
    "DescribeRegistryRequest": ("EmptyShape", ""),
    "DescribeRegistryResponse": ("DescribeRegistryOutput", "registryId replicationConfiguration"),
    "ReplicationConfiguration": ("DescribeRegistryOutput.ReplicationConfiguration", "rules"),
    # Images
    "PutImageRequest": ("PutImageInput",
                        "registryId? repositoryName imageManifest imageManifestMediaType? imageTag? imageDigest?"),
    "PutImageResponse": ("PutImageOutput", "image"),
    "Image": ("ImageShape", "registryId repositoryName imageId imageManifest imageManifestMediaType"),
    "ImageIdentifier": ("ImageIdentifierShape", "imageDigest? imageTag?"),
    "ImageFailure": ("ImageFailureShape", "imageId failureCode failureReason"),
    "BatchGetImageRequest": ("BatchGetImageInput", "registryId? repositoryName imageIds acceptedMediaTypes?"),
    "BatchGetImageResponse": ("BatchGetImageOutput", "images failures"),
    "DescribeImagesRequest": ("DescribeImagesInput", "registryId? repositoryName imageIds? nextToken? maxResults? filter?"),
    "DescribeImagesFilter": ("ImageFilterShape", "tagStatus? imageStatus?"),
    "DescribeImagesResponse": ("DescribeImagesOutput", "imageDetails nextToken?"),
    "ImageDetail": ("ImageDetailShape", "registryId repositoryName imageDigest imageTags? imageSizeInBytes imagePushedAt "
                    "imageManifestMediaType artifactMediaType? subjectManifestDigest? imageStatus"),
    "ListImagesRequest": ("ListImagesInput", "registryId? repositoryName nextToken? maxResults? filter?"),
    "ListImagesFilter": ("ImageFilterShape", "tagStatus? imageStatus?"),
    "ListImagesResponse": ("ListImagesOutput", "imageIds nextToken?"),
    "BatchDeleteImageRequest": ("BatchDeleteImageInput", "registryId? repositoryName imageIds"),
    "BatchDeleteImageResponse": ("BatchDeleteImageOutput", "imageIds failures"),
    "ListImageReferrersRequest": ("ListImageReferrersInput",
                                  "registryId? repositoryName subjectId filter? nextToken? maxResults?"),
    "SubjectIdentifier": ("ListImageReferrersInput.SubjectIdentifier", "imageDigest"),
    "ListImageReferrersFilter": ("ListImageReferrersInput.Filter", "artifactTypes? artifactStatus?"),
    "ListImageReferrersResponse": ("ListImageReferrersOutput", "referrers nextToken?"),
    "ImageReferrer": ("ImageReferrerShape", "digest mediaType artifactType? size annotations? artifactStatus"),
    # Managed signing
    "PutSigningConfigurationRequest": ("PutSigningConfigurationInput", "signingConfiguration"),
    "PutSigningConfigurationResponse": ("PutSigningConfigurationOutput", "signingConfiguration"),
    "SigningConfiguration": ("SigningConfigurationShape", "rules"),
    "SigningRule": ("SigningRuleShape", "signingProfileArn repositoryFilters?"),
    "SigningRepositoryFilter": ("SigningRepositoryFilterShape", "filter filterType"),
    "GetSigningConfigurationRequest": ("EmptyShape", ""),
    "GetSigningConfigurationResponse": ("RegistrySigningConfigurationOutput", "registryId signingConfiguration"),
    "DeleteSigningConfigurationRequest": ("EmptyShape", ""),
    "DeleteSigningConfigurationResponse": ("RegistrySigningConfigurationOutput", "registryId signingConfiguration"),
    "DescribeImageSigningStatusRequest": ("DescribeImageSigningStatusInput", "repositoryName imageId registryId?"),
    "DescribeImageSigningStatusResponse": ("DescribeImageSigningStatusOutput",
                                           "repositoryName imageId registryId signingStatuses"),
    "ImageSigningStatus": ("ImageSigningStatusShape", "signingProfileArn failureCode? failureReason? status"),
}

# Model lists whose size limits apply to requests only: ListImages returns up to 1000 imageIds and
# BatchDeleteImage none at all, both in an ImageIdentifierList ("min 1, max 100").
UNCONSTRAINED_OUTPUT_LISTS = {"ImageIdentifierList"}

# Optional in Swift, but Signet always writes them (RepositoryShape.init always sets scanOnPush).
ALWAYS_WRITTEN = {("ImageScanningConfiguration", "scanOnPush")}

# Output members whose schema is not the model's: (shape, member) -> schema.
OUTPUT_OVERRIDES = {
    ("ReplicationConfiguration", "rules"): {
        "type": "array", "maxItems": 0,
        "description": "Always empty: Signet emulates no replication.",
    },
}

# Errors the model declares for an operation that Signet never returns.
NOT_PRODUCED = {
    "CreateRepository": ["KmsException", "LimitExceededException"],
    "DeleteRepository": ["KmsException"],
    "UntagResource": ["InvalidTagParameterException", "TooManyTagsException"],
    "DescribeRegistry": ["InvalidParameterException", "ValidationException"],
    "PutImage": ["KmsException", "LimitExceededException"],
    "BatchGetImage": ["LimitExceededException", "UnableToGetUpstreamImageException"],
    "ListImageReferrers": ["UnableToListUpstreamImageReferrersException"],
    "PutSigningConfiguration": ["InvalidParameterException"],
    "GetSigningConfiguration": ["InvalidParameterException", "ValidationException"],
    "DeleteSigningConfiguration": ["ValidationException"],
}
# Errors Signet returns for an operation beyond the model's list and the protocol-level ones below.
EXTRA_ERRORS: dict[str, list[str]] = {}
# Returned by every operation (the dispatcher and AWSJSON.decode).
PROTOCOL_ERRORS = ["SerializationException", "ValidationException", "UnknownOperationException"]
# Not 400s: they have their own responses.
NON_400 = {"ServerException", "RequestEntityTooLargeException"}

ERROR_MEANINGS = {
    "AccessDeniedException": "registryId names another account's registry",
    "ImageAlreadyExistsException": "the same image (digest, and tag if given) is already in the repository",
    "ImageDigestDoesNotMatchException": "imageDigest differs from the SHA-256 digest of imageManifest",
    "ImageNotFoundException": "the image named by imageId does not exist",
    "ImageTagAlreadyExistsException": "the tag is immutable and already names another image",
    "InvalidParameterException": "a member breaks a constraint or the combination of members is invalid",
    "InvalidTagParameterException": "a tag key or value is invalid, reserved (aws:) or repeated",
    "LayersNotFoundException": "blobs the manifest references were never uploaded",
    "ReferencedImagesNotFoundException": "manifests an index references are not in the repository",
    "RepositoryAlreadyExistsException": "a repository with that name already exists",
    "RepositoryNotEmptyException": "the repository still has images and force is not true",
    "RepositoryNotFoundException": "the repository does not exist",
    "SerializationException": "the body is not a JSON object, or a member has the wrong JSON type",
    "SigningConfigurationNotFoundException": "the registry has no signing configuration",
    "TooManyTagsException": "the repository would have more than 50 tags",
    "UnknownOperationException": "the operation name (X-Amz-Target or the /ecr/ path) is not served",
    "ValidationException": "a required member is missing or null, or a member breaks a model constraint",
}

# --------------------------------------------------------------------------------------------------------------


class SpecError(Exception):
    pass


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def anchored(pattern: str) -> str:
    """AWS applies model patterns to the whole value; JSON Schema patterns match anywhere unless anchored."""
    if pattern.startswith("^") and pattern.endswith("$"):
        return pattern
    return f"^(?:{pattern})$"


def first_sentence(documentation: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", documentation or "")).strip()
    text = re.sub(r"\s+", " ", text)
    return re.split(r"(?<=\.)\s", text, maxsplit=1)[0]


def signet_version() -> str:
    match = re.search(r'static let current = "([^"]+)"', VERSION_SWIFT.read_text())
    if not match:
        raise SpecError(f"no SignetVersion.current in {VERSION_SWIFT}")
    return match.group(1)


def swift_structs(source: str) -> dict[str, dict[str, bool]]:
    """Stored properties of every struct in a Swift file: {"Outer.Inner": {member: isOptional}}."""
    structs: dict[str, dict[str, bool]] = {}
    stack: list[tuple[str, int]] = []  # (qualified name, brace depth inside the struct body)
    depth = 0
    for line in source.splitlines():
        code = line.split("//", 1)[0]
        opened = re.match(r"\s*(?:public\s+|internal\s+)?struct\s+(\w+)", code)
        if opened and "{" in code:
            name = ".".join([s[0] for s in stack] + [opened.group(1)])
            structs[name] = {}
            net = code.count("{") - code.count("}")
            if net <= 0:  # a one-line struct: `struct X { var a: Int; var b: String? }`
                body = code[code.index("{") + 1:code.rindex("}")]
                for member, type_text in re.findall(r"(?:var|let)\s+(\w+)\s*:\s*([^;=}]+)", body):
                    structs[name][member] = type_text.strip().endswith("?")
            depth += net
            if net > 0:
                stack.append((name, depth))
            continue
        if stack and depth == stack[-1][1]:
            var = re.match(r"\s*(?:public\s+)?(?:var|let)\s+(\w+)\s*(?::\s*([^={]+?))?\s*(?:=.*)?$", code)
            if var and "(" not in (var.group(2) or ""):
                type_text = (var.group(2) or "").strip()
                structs[stack[-1][0]][var.group(1)] = type_text.endswith("?")
        depth += code.count("{") - code.count("}")
        while stack and depth < stack[-1][1]:
            stack.pop()
    return structs


def parse_members(spec: str) -> dict[str, bool]:
    """"a b? c" -> {"a": False, "b": True, "c": False} (True = optional)."""
    return {word.rstrip("?"): word.endswith("?") for word in spec.split()}


def verify_table_against_swift() -> None:
    source = SHAPES_SWIFT.read_text()
    structs = swift_structs(source)
    problems = []
    if re.search(r"\bCodingKeys\b|init\(from decoder|func encode\(to", source):
        problems.append(f"{SHAPES_SWIFT.name} customises Codable; member names may differ from property names")
    unmapped = sorted(set(structs) - {swift_type for swift_type, _ in SIGNET_SHAPES.values()})
    if unmapped:
        problems.append(f"Swift wire types not mapped to a model shape: {', '.join(unmapped)}")
    for shape, (swift_type, spec) in SIGNET_SHAPES.items():
        if swift_type not in structs:
            problems.append(f"{shape}: Swift type {swift_type} not found in {SHAPES_SWIFT.name}")
            continue
        if structs[swift_type] != parse_members(spec):
            problems.append(f"{shape}: table says {parse_members(spec)}, {swift_type} has {structs[swift_type]}")
    if problems:
        raise SpecError("SIGNET_SHAPES is out of date:\n  " + "\n  ".join(problems))


class Builder:
    def __init__(self) -> None:
        session = botocore.session.get_session()
        self.model = session.get_component("data_loader").load_service_model("ecr", "service-2")
        self.shapes = self.model["shapes"]
        if self.model["metadata"]["targetPrefix"] + "." != TARGET_PREFIX:
            raise SpecError(f"unexpected targetPrefix {self.model['metadata']['targetPrefix']}")
        self.components: dict[str, dict] = {}
        self.variants: dict[tuple[str, str], str] = {}  # (shape, direction) -> placeholder "<shape>@<direction>"
        self.built: dict[tuple[str, str], dict] = {}  # (shape, direction) -> schema with placeholder $refs

    # ---- schemas ------------------------------------------------------------------------------------------

    def scalar(self, name: str, direction: str) -> dict:
        shape = self.shapes[name]
        kind = shape["type"]
        if kind == "string":
            schema: dict = {"type": "string"}
            if "enum" in shape:
                schema["enum"] = list(shape["enum"])
            if "min" in shape:
                schema["minLength"] = shape["min"]
            if "max" in shape:
                schema["maxLength"] = shape["max"]
            if "pattern" in shape:
                schema["pattern"] = anchored(shape["pattern"])
        elif kind in ("integer", "long"):
            schema = {"type": "integer", "format": "int32" if kind == "integer" else "int64"}
            if "min" in shape:
                schema["minimum"] = shape["min"]
            if "max" in shape:
                schema["maximum"] = shape["max"]
        elif kind == "boolean":
            schema = {"type": "boolean"}
        elif kind == "timestamp":
            return {"type": "number", "description": "Seconds since the Unix epoch (may have a fraction)."}
        else:
            raise SpecError(f"unsupported scalar {name} ({kind})")
        # Named constrained scalars become components; plain strings stay inline.
        if len(schema) > 1 and kind == "string":
            self.components.setdefault(name, schema)
            return ref(name)
        return schema

    def schema(self, name: str, direction: str) -> dict:
        shape = self.shapes[name]
        kind = shape["type"]
        if kind == "structure":
            return ref(self.structure(name, direction))
        if kind == "list":
            schema = {"type": "array", "items": self.schema(shape["member"]["shape"], direction)}
            if direction == "in" or name not in UNCONSTRAINED_OUTPUT_LISTS:
                if shape.get("min"):
                    schema["minItems"] = shape["min"]
                if "max" in shape:
                    schema["maxItems"] = shape["max"]
            return schema
        if kind == "map":
            return {"type": "object", "additionalProperties": self.schema(shape["value"]["shape"], direction)}
        return self.scalar(name, direction)

    def structure(self, name: str, direction: str) -> str:
        key = (name, direction)
        if key in self.variants:
            return self.variants[key]
        self.variants[key] = f"{name}@{direction}"  # placeholder, named by finish_components
        if name not in SIGNET_SHAPES:
            raise SpecError(f"model shape {name} is reached but not in SIGNET_SHAPES")
        shape = self.shapes[name]
        members = parse_members(SIGNET_SHAPES[name][1])
        unknown = [m for m in members if m not in shape["members"]]
        if unknown:
            raise SpecError(f"{name}: members {unknown} are not in the botocore model")
        model_required = set(shape.get("required", []))
        if direction == "in":
            swift_required = {m for m, optional in members.items() if not optional}
            if swift_required != model_required & set(members):
                raise SpecError(f"{name}: Swift requires {sorted(swift_required)}, model {sorted(model_required)}")
            required = [m for m in shape["members"] if m in model_required and m in members]
        else:
            required = [m for m in shape["members"] if m in members
                        and (not members[m] or (name, m) in ALWAYS_WRITTEN)]
        properties = {}
        for member in shape["members"]:  # model order
            if member not in members:
                continue
            override = OUTPUT_OVERRIDES.get((name, member)) if direction == "out" else None
            properties[member] = copy.deepcopy(override) if override else self.schema(shape["members"][member]["shape"], direction)
        schema: dict = {"type": "object"}
        if required:
            schema["required"] = required
        schema["properties"] = properties
        if direction == "out":
            # Signet writes exactly these members; optional ones are omitted when absent (never null).
            schema["additionalProperties"] = False
        else:
            ignored = [m for m in shape["members"] if m not in members]
            if ignored:
                schema["description"] = "Other model members (" + ", ".join(ignored) + ") are accepted and ignored."
        self.built[key] = schema
        return self.variants[key]

    def finish_components(self):
        """Names the structure variants. A shape used in requests and responses gets one component when both
        variants agree (ignoring the responses' additionalProperties: false); otherwise the request variant keeps
        the model name and the response variant is <Name>Output."""
        def refs(node):
            if isinstance(node, dict):
                if "$ref" in node:
                    yield node["$ref"].rsplit("/", 1)[1]
                for value in node.values():
                    yield from refs(value)
            elif isinstance(node, list):
                for value in node:
                    yield from refs(value)

        def normalized(node, top=True):
            if isinstance(node, dict):
                return {k: (re.sub(r"@(in|out)$", "", v) if k == "$ref" else normalized(v, False))
                        for k, v in node.items() if not (top and k == "additionalProperties")}
            if isinstance(node, list):
                return [normalized(v, False) for v in node]
            return node

        both = {name for name, direction in self.built if direction == "in" and (name, "out") in self.built}
        merged = {name for name in both if normalized(self.built[(name, "in")]) == normalized(self.built[(name, "out")])}
        changed = True
        while changed:  # a shape can only be shared if every shape it refers to is shared too
            changed = False
            for name in sorted(merged):
                for target in refs(self.built[(name, "in")]):
                    base = target.split("@")[0]
                    if "@" in target and base in both and base not in merged:
                        merged.discard(name)
                        changed = True
                        break

        def final(placeholder: str) -> str:
            name, direction = placeholder.split("@")
            return name + "Output" if direction == "out" and name in both and name not in merged else name

        def variant(name: str, direction: str) -> dict:
            # A shared shape is the request variant: open, since Signet ignores unknown request members.
            return self.built[(name, "in" if name in merged else direction)]

        def rewrite(node):
            if isinstance(node, dict):
                out = {}
                for k, v in node.items():
                    if k == "$ref" and "@" in v:
                        out[k] = ref(final(v.rsplit("/", 1)[1]))["$ref"]
                    else:
                        out[k] = rewrite(v)
                return out
            if isinstance(node, list):
                return [rewrite(v) for v in node]
            return node

        for (name, direction) in sorted(self.built):
            component = final(f"{name}@{direction}")
            schema = rewrite(variant(name, direction))
            if component in self.components and self.components[component] != schema:
                raise SpecError(f"component {component} would have two different schemas")
            self.components[component] = schema
        return rewrite

    # ---- operations ---------------------------------------------------------------------------------------

    def errors(self, operation: str) -> tuple[list[str], list[str]]:
        declared = [e["shape"] for e in self.model["operations"][operation].get("errors", [])]
        not_produced = NOT_PRODUCED.get(operation, [])
        for code in not_produced:
            if code not in declared and code not in PROTOCOL_ERRORS:
                raise SpecError(f"NOT_PRODUCED[{operation}] lists {code}, which the model does not declare")
        inputs = self.shapes[self.model["operations"][operation]["input"]["shape"]]["members"]
        codes = set(declared) | set(PROTOCOL_ERRORS) | set(EXTRA_ERRORS.get(operation, []))
        if "registryId" in inputs and "registryId" in parse_members(SIGNET_SHAPES[self.input_shape(operation)][1]):
            codes.add("AccessDeniedException")
        codes -= NON_400 | set(not_produced)
        for code in codes:
            if code not in ERROR_MEANINGS:
                raise SpecError(f"{operation}: no ERROR_MEANINGS entry for {code}")
        return sorted(codes), sorted(set(not_produced) - NON_400)

    def input_shape(self, operation: str) -> str:
        return self.model["operations"][operation]["input"]["shape"]

    def output_shape(self, operation: str) -> str:
        return self.model["operations"][operation]["output"]["shape"]

    def error_response(self, codes: list[str], not_produced: list[str]) -> dict:
        lines = ["Client error. `__type` (also in the `X-Amzn-ErrorType` header) is one of:", ""]
        lines += [f"- `{code}`: {ERROR_MEANINGS[code]}" for code in codes]
        if not_produced:
            lines += ["", "Declared by the AWS model for this operation but never returned by Signet: "
                      + ", ".join(f"`{code}`" for code in not_produced) + "."]
        return {
            "description": "\n".join(lines) + "\n",
            "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"},
                        "X-Amzn-ErrorType": {"$ref": "#/components/headers/ErrorType"}},
            "content": {JSON11: {"schema": ref("ErrorResponse")}},
            "x-signet-error-types": codes,
        }

    def operation(self, name: str, served_as: str, tag: str) -> dict:
        model_op = self.model["operations"][name]
        input_name, output_name = model_op["input"]["shape"], model_op["output"]["shape"]
        input_component = self.structure(input_name, "in")
        output_component = self.structure(output_name, "out")
        has_required = bool(self.built[(input_name, "in")].get("required"))
        codes, not_produced = self.errors(name)
        if served_as == name:
            summary = first_sentence(model_op.get("documentation", ""))
            description = (f"AWS JSON 1.1 operation `{name}`; also served at `POST /` with "
                           f"`X-Amz-Target: {TARGET_PREFIX}{name}`.")
        else:
            summary = f"Alias of {name}."
            description = (f"Signet-specific alias of `{name}` (same input, output and errors); also served at "
                           f"`POST /` with `X-Amz-Target: {TARGET_PREFIX}{served_as}`.")
        return {
            "tags": [tag],
            "operationId": served_as,
            "summary": summary,
            "description": description,
            "security": [{"sigv4": []}, {}],
            "requestBody": {
                "required": has_required,
                "description": "A JSON object; an empty body counts as `{}`." if not has_required
                               else "A JSON object.",
                "content": {JSON11: {"schema": ref(input_component)}},
            },
            "responses": {
                "200": {
                    "description": "Success.",
                    "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"}},
                    "content": {JSON11: {"schema": ref(output_component)}},
                },
                "400": self.error_response(codes, not_produced),
                "413": {"$ref": "#/components/responses/RequestEntityTooLarge"},
                "500": {"$ref": "#/components/responses/ServerError"},
            },
        }

    # ---- document -----------------------------------------------------------------------------------------

    def build(self) -> dict:
        verify_table_against_swift()
        for alias, target in ALIASES.items():
            if alias in self.model["operations"]:
                raise SpecError(f"{alias} is now a model operation; drop it from ALIASES")
            if target not in dict(OPERATIONS):
                raise SpecError(f"alias {alias} targets unknown {target}")

        ecr_paths: dict[str, dict] = {}
        all_codes: set[str] = set()
        targets: list[str] = []
        tag_of = dict(OPERATIONS)
        served = [(op, op) for op, _ in OPERATIONS]
        # Aliases right after the operations, in registration order (they follow DeleteSigningConfiguration).
        served += [(target, alias) for alias, target in ALIASES.items()]
        for operation, served_as in served:
            ecr_paths[f"/ecr/{served_as}"] = {"post": self.operation(operation, served_as, tag_of[operation])}
            all_codes |= set(self.errors(operation)[0])
            targets.append(TARGET_PREFIX + served_as)

        root_codes = sorted(all_codes)
        root = {
            "post": {
                "tags": ["AWS JSON 1.1 endpoint"],
                "operationId": "AwsJson11",
                "summary": "Any ECR operation, selected by X-Amz-Target.",
                "description": (
                    "The endpoint the AWS SDKs and CLI call. `X-Amz-Target: " + TARGET_PREFIX + "<Op>` selects the "
                    "operation; input, output and errors are exactly those of `POST /ecr/<Op>`. A missing header, "
                    "another prefix or an unknown operation gives 400 `UnknownOperationException`.\n"),
                "security": [{"sigv4": []}, {}],
                "parameters": [{
                    "name": "X-Amz-Target",
                    "in": "header",
                    "required": True,
                    "description": "`" + TARGET_PREFIX + "<Op>`.",
                    "schema": {"type": "string", "enum": targets},
                }],
                "requestBody": {
                    "required": False,
                    "description": "The operation's input: a JSON object (an empty body counts as `{}`).",
                    "content": {JSON11: {"schema": {"type": "object"}}},
                },
                "responses": {
                    "200": {
                        "description": "The operation's output (see `POST /ecr/<Op>`).",
                        "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"}},
                        "content": {JSON11: {"schema": {"type": "object"}}},
                    },
                    "400": self.error_response(root_codes, []),
                    "413": {"$ref": "#/components/responses/RequestEntityTooLarge"},
                    "500": {"$ref": "#/components/responses/ServerError"},
                },
            }
        }

        health = {
            "get": {
                "tags": ["Admin"],
                "operationId": "SignetHealth",
                "summary": "Liveness, version and store kind.",
                "security": [],
                "responses": {
                    "200": {
                        "description": "The server is up.",
                        "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"}},
                        "content": {"application/json": {"schema": ref("HealthResponse")}},
                    }
                },
            }
        }

        self.components["ErrorResponse"] = {
            "type": "object",
            "description": "AWS JSON 1.1 error body.",
            "required": ["__type", "message"],
            "properties": {
                "__type": {"type": "string", "description": "The error code (exception shape name)."},
                "message": {"type": "string"},
            },
        }
        self.components["HealthResponse"] = {
            "type": "object",
            "required": ["status", "version", "store"],
            "properties": {
                "status": {"type": "string", "const": "ok"},
                "version": {"type": "string", "description": "Signet's version."},
                "store": {"type": "string", "enum": ["in-memory", "sqlite"],
                          "description": "in-memory with --in-memory, else sqlite (SQLite + files in --data-dir)."},
            },
            "additionalProperties": False,
        }

        rewrite = self.finish_components()
        paths = rewrite({"/_signet/health": health, "/": root, **ecr_paths})
        version = signet_version()
        return {
            "openapi": "3.1.0",
            "info": {
                "title": "Signet",
                "version": version,
                "summary": "A local Amazon ECR (with managed signing) and AWS Signer emulator.",
                "description": (
                    "Every route Signet serves today (no AWS Signer routes yet). ECR operations speak AWS JSON 1.1 and are served twice: at "
                    "`POST /` selected by `X-Amz-Target`, and at `POST /ecr/<Op>`.\n\n"
                    "Schemas list only the members Signet reads or writes; other request members are ignored. "
                    "Constraints come from the Amazon ECR model of botocore " + botocore.__version__ + " "
                    "(API " + self.model["metadata"]["apiVersion"] + "). Absent optional response members are omitted, never "
                    "null; response-only objects are closed (additionalProperties: false). Timestamps are epoch "
                    "seconds.\n\n"
                    "Any other method or path gives 404 with an AWS JSON 1.1 `UnknownOperationException` body.\n\n"
                    "Generated by scripts/gen-openapi.py; do not edit by hand.\n"),
            },
            "servers": [{
                "url": "http://{host}:{port}",
                "description": "signet serve (defaults: --host 127.0.0.1 --port 5050)",
                "variables": {"host": {"default": "127.0.0.1"}, "port": {"default": "5050"}},
            }],
            "tags": [
                {"name": "Admin", "description": "Unauthenticated Signet administration."},
                {"name": "AWS JSON 1.1 endpoint", "description": "The SDK entry point for all ECR operations."},
                {"name": "Repositories", "description": "ECR repositories, tags and the registry."},
                {"name": "Images", "description": "ECR images."},
                {"name": "Managed signing", "description": "ECR managed signing (signing configuration, status)."},
            ],
            "paths": paths,
            "components": {
                "schemas": dict(sorted(self.components.items())),
                "responses": {
                    "RequestEntityTooLarge": {
                        "description": f"The body is larger than {MAX_REQUEST_BODY} bytes; the connection is closed.",
                        "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"},
                                    "X-Amzn-ErrorType": {"$ref": "#/components/headers/ErrorType"}},
                        "content": {JSON11: {"schema": ref("ErrorResponse"),
                                             "example": {"__type": "RequestEntityTooLargeException",
                                                         "message": f"Request body is larger than the limit of "
                                                                    f"{MAX_REQUEST_BODY} bytes"}}},
                    },
                    "ServerError": {
                        "description": "An unexpected failure (`__type` ServerException).",
                        "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"},
                                    "X-Amzn-ErrorType": {"$ref": "#/components/headers/ErrorType"}},
                        "content": {JSON11: {"schema": ref("ErrorResponse"),
                                             "example": {"__type": "ServerException",
                                                         "message": "An internal error occurred"}}},
                    },
                },
                "headers": {
                    "RequestId": {"description": "Id of this request (a lowercase UUID); on every response.",
                                  "schema": {"type": "string", "format": "uuid"}},
                    "ErrorType": {"description": "The error code, the same as `__type`.", "schema": {"type": "string"}},
                },
                "securitySchemes": {
                    "sigv4": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "Authorization",
                        "description": (
                            "AWS Signature Version 4 (`AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/ecr/"
                            "aws4_request, SignedHeaders=..., Signature=...`). Signet does not verify signatures yet, "
                            "so the header is optional; when present, the region of its credential scope selects the "
                            "registry region (otherwise --region). Presigned `X-Amz-Credential` query parameters are "
                            "read the same way."),
                    }
                },
            },
        }


class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # never emit &anchors / *aliases
        return True


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _str)


def render() -> str:
    document = Builder().build()
    body = yaml.dump(document, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)
    return "# Generated by scripts/gen-openapi.py - do not edit by hand.\n" + body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail if openapi.yaml differs from the generated text")
    mode.add_argument("--stdout", action="store_true", help="print the spec instead of writing openapi.yaml")
    args = parser.parse_args()
    try:
        text = render()
    except SpecError as error:
        print(f"gen-openapi: {error}", file=sys.stderr)
        return 1
    if args.stdout:
        sys.stdout.write(text)
    elif args.check:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print(f"gen-openapi: {OUTPUT.relative_to(ROOT)} is stale; run python3 scripts/gen-openapi.py", file=sys.stderr)
            return 1
        print(f"gen-openapi: {OUTPUT.relative_to(ROOT)} is up to date")
    else:
        OUTPUT.write_text(text)
        print(f"gen-openapi: wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
