#!/usr/bin/env python3
"""Generates openapi.yaml: every route Signet serves, with ECR and Signer shapes constrained by botocore's models.

    python3 scripts/gen-openapi.py            # (re)write openapi.yaml at the repository root
    python3 scripts/gen-openapi.py --check    # exit 1 if openapi.yaml is not what this script generates
    python3 scripts/gen-openapi.py --stdout   # print instead of writing

Where things come from:
  * constraints (lengths, patterns, enums, list sizes, required input members), operation summaries, each
    operation's declared errors and, for Signer, each operation's HTTP method, path and path/query members: the
    ECR and Signer models of the *installed* botocore, read at run time (nothing of them is kept here);
  * which members exist at all: the hand-kept SIGNET_SHAPES (ECR) and SIGNER_SHAPES tables below, i.e. only the
    members Signet's wire shapes (Sources/SignetWire/ECR/ECRShapes.swift and ECRLayerShapes.swift,
    Sources/SignetWire/Signer/SignerShapes.swift and SigningJobShapes.swift) read or write. Both tables are verified against those files on
    every run, so a member added in Swift without updating a table is an error, not a silently stale spec;
  * which ECR operations exist: OPERATIONS and ALIASES, verified against ECRController.makeDispatcher's
    table.register / table.alias lines; every error code documented for an ECR operation must be written
    somewhere in Sources/SignetWire/{ECR,AWS}, and the extra members of InvalidLayerPartException's body are
    read from ECRErrorMapping.swift and checked against the model's exception shape;
  * the Signer routes and what each handler reads and writes (path and query parameters, body type, output
    type): SIGNER_OPERATIONS, verified against SignerController.swift (addRoutes and the handler bodies: query
    parameters read with query.get/getAll, RestJSON.bool/int/date or a handler-local `required("...")`), and the
    Signer error statuses, read from SignerErrorMapping.swift and checked against the model's. Timestamps in query
    strings (ListSigningJobs, GetRevocationStatus) are ISO-8601 strings (SIGNER_PARAMETER_OVERRIDES); an operation
    with a model host prefix (GetRevocationStatus: `data-`) says so in its description;
  * which error codes an operation can return: the model's list for the operation, minus NOT_PRODUCED /
    SIGNER_NOT_PRODUCED, plus the protocol-level codes (ECR: SerializationException, ValidationException,
    UnknownOperationException, and AccessDeniedException where the input has registryId; Signer:
    SerializationException and ValidationException where a body is decoded, ValidationException where a
    profileName is in the path) and the EXTRA_ERRORS / SIGNER_EXTRA_ERRORS tables;
  * the OCI distribution API under /v2/ (no AWS model): the set of (method, path) pairs is derived from the
    sources by scripts/swift_routes.py (OCIRoute.init and the `case (.route, .method)` patterns of
    OCIController.respond) and must equal the keys of the hand-written OCI_OPERATIONS table; every (status, code)
    documented there must be one Signet sends (OCIError(status:code:) in OCIError.swift, OCIController.swift and
    ErrorFramingMiddleware.swift), and every code Signet sends must be documented;
  * GET /_signet/layers/{digest} (GetDownloadUrlForLayer's presigned URLs): its query parameters, statuses,
    content types and plain-text messages are read from LayerDownloadURL.swift;
  * the admin routes (GET /_signet/health, /_signet/ca.pem, /metrics): ADMIN_ROUTES and ADMIN_METRICS, verified
    against AdminController.swift (paths in order, each route's Content-Type, the metric families with their types
    and labels, and the price per signature stated in the HELP text).

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

sys.dont_write_bytecode = True  # no scripts/__pycache__ from importing swift_routes
sys.path.insert(0, str(Path(__file__).resolve().parent))
import swift_routes  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "openapi.yaml"
SHAPES_SWIFT = ROOT / "Sources/SignetWire/ECR/ECRShapes.swift"
LAYER_SHAPES_SWIFT = ROOT / "Sources/SignetWire/ECR/ECRLayerShapes.swift"
ECR_CONTROLLER_SWIFT = ROOT / "Sources/SignetServer/Controllers/ECRController.swift"
ECR_ERRORS_SWIFT = ROOT / "Sources/SignetWire/ECR/ECRErrorMapping.swift"
LAYER_DOWNLOAD_SWIFT = ROOT / "Sources/SignetServer/Controllers/LayerDownloadURL.swift"
VERSION_SWIFT = ROOT / "Sources/SignetServer/ServerConfiguration.swift"
ADMIN_CONTROLLER_SWIFT = ROOT / "Sources/SignetServer/Controllers/AdminController.swift"
SIGNER_SHAPES_SWIFT = ROOT / "Sources/SignetWire/Signer/SignerShapes.swift"
SIGNING_JOB_SHAPES_SWIFT = ROOT / "Sources/SignetWire/Signer/SigningJobShapes.swift"
SIGNER_ERRORS_SWIFT = ROOT / "Sources/SignetWire/Signer/SignerErrorMapping.swift"
SIGNER_CONTROLLER_SWIFT = ROOT / "Sources/SignetServer/Controllers/SignerController.swift"
AWS_ERROR_SWIFT = ROOT / "Sources/SignetWire/AWS/AWSError.swift"
SIGV4_VERIFIER_SWIFT = ROOT / "Sources/SignetWire/AWS/SigV4Verifier.swift"
ERROR_FRAMING_SWIFT = ROOT / "Sources/SignetServer/Middleware/ErrorFramingMiddleware.swift"

TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921."
JSON11 = "application/x-amz-json-1.1"
REST_JSON = "application/json"
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
    ("InitiateLayerUpload", "Layers"),
    ("UploadLayerPart", "Layers"),
    ("CompleteLayerUpload", "Layers"),
    ("BatchCheckLayerAvailability", "Layers"),
    ("GetDownloadUrlForLayer", "Layers"),
    ("GetAuthorizationToken", "Registry login"),
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

# Model shape -> (Swift type in ECRShapes.swift or ECRLayerShapes.swift, the members Signet reads/writes; "?" marks a
# Swift Optional).
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
    # Layers and login (ECRLayerShapes.swift)
    "InitiateLayerUploadRequest": ("InitiateLayerUploadInput", "registryId? repositoryName"),
    "InitiateLayerUploadResponse": ("InitiateLayerUploadOutput", "uploadId partSize"),
    "UploadLayerPartRequest": ("UploadLayerPartInput",
                               "registryId? repositoryName uploadId partFirstByte partLastByte layerPartBlob"),
    "UploadLayerPartResponse": ("UploadLayerPartOutput", "registryId repositoryName uploadId lastByteReceived"),
    "CompleteLayerUploadRequest": ("CompleteLayerUploadInput", "registryId? repositoryName uploadId layerDigests"),
    "CompleteLayerUploadResponse": ("CompleteLayerUploadOutput", "registryId repositoryName uploadId layerDigest"),
    "BatchCheckLayerAvailabilityRequest": ("BatchCheckLayerAvailabilityInput", "registryId? repositoryName layerDigests"),
    "BatchCheckLayerAvailabilityResponse": ("BatchCheckLayerAvailabilityOutput", "layers failures"),
    "Layer": ("LayerShape", "layerDigest layerAvailability layerSize? mediaType?"),
    "LayerFailure": ("LayerFailureShape", "layerDigest failureCode failureReason"),
    "GetDownloadUrlForLayerRequest": ("GetDownloadUrlForLayerInput", "registryId? repositoryName layerDigest"),
    "GetDownloadUrlForLayerResponse": ("GetDownloadUrlForLayerOutput", "downloadUrl layerDigest"),
    "GetAuthorizationTokenRequest": ("GetAuthorizationTokenInput", "registryIds?"),
    "GetAuthorizationTokenResponse": ("GetAuthorizationTokenOutput", "authorizationData"),
    "AuthorizationData": ("AuthorizationDataShape", "authorizationToken expiresAt proxyEndpoint"),
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

# Members of error bodies whose schema is not the model's: (exception, member) -> schema.
ERROR_MEMBER_OVERRIDES = {
    ("InvalidLayerPartException", "lastValidByteReceived"): {
        "type": "integer", "format": "int64", "minimum": -1,
        "description": "The last byte received so far: bytes received - 1, so -1 before the first part (the model's "
                       "PartSize says minimum 0)."},
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
    "InitiateLayerUpload": ["KmsException"],
    "UploadLayerPart": ["KmsException", "LimitExceededException"],
    "CompleteLayerUpload": ["KmsException"],
    "GetDownloadUrlForLayer": ["UnableToGetUpstreamLayerException"],
    "PutSigningConfiguration": ["InvalidParameterException"],
    "GetSigningConfiguration": ["InvalidParameterException", "ValidationException"],
    "DeleteSigningConfiguration": ["ValidationException"],
}
# Errors Signet returns for an operation beyond the model's list and the protocol-level ones below.
EXTRA_ERRORS: dict[str, list[str]] = {
    "CompleteLayerUpload": ["InvalidLayerPartException"],  # a part of the upload is still being written
}
# Returned by every operation (the dispatcher and AWSJSON.decode).
PROTOCOL_ERRORS = ["SerializationException", "ValidationException", "UnknownOperationException"]
# SigV4 verification failures (SigV4Failure.code in SigV4Verifier.swift), on every ECR and Signer operation unless
# the server runs with --auth none: 400 on ECR (AWS JSON 1.1), 403 on Signer (rest-json), as AWS answers them.
SIGV4_ERROR_MEANINGS = {
    "MissingAuthenticationTokenException": "the request is not signed (no `Authorization` header and no "
                                           "`X-Amz-Signature` query parameter)",
    "IncompleteSignatureException": "the `Authorization` header or the presigned query lacks a part (`Credential`, "
                                    "`SignedHeaders`, `Signature`, `X-Amz-Date`), or the credential or date is malformed",
    "InvalidSignatureException": "the signature does not match the request, it was made more than 15 minutes from the "
                                 "server's clock (or a presigned URL has expired), `host` is not signed, or the "
                                 "credential is scoped to another service or to something that is not a region",
    "UnrecognizedClientException": "the access key is not one Signet knows (`test`, or `--credentials`), or the "
                                   "request's session token is not the key's",
}
# Not 400s: they have their own responses.
NON_400 = {"ServerException", "RequestEntityTooLargeException"}

# What an error means: ERROR_MEANINGS[(operation, code)], else ERROR_MEANINGS[code].
ERROR_MEANINGS = {
    "AccessDeniedException": "registryId names another account's registry",
    "EmptyUploadException": "the upload has received no bytes",
    "InvalidLayerException": "`layerDigests[0]` is not a digest, or is not the SHA-256 digest of the uploaded bytes "
                             "(the upload then ends)",
    "InvalidLayerPartException": "the part does not start where the upload stands or its length is not "
                                 "`partLastByte - partFirstByte + 1` (the body then also carries `registryId`, "
                                 "`repositoryName`, `uploadId` and `lastValidByteReceived`), or another part of the "
                                 "upload is still being written",
    ("CompleteLayerUpload", "InvalidLayerPartException"): "a part of the upload is still being written",
    "LayerAlreadyExistsException": "a blob with that digest is already stored (the upload is discarded)",
    "LayerPartTooSmallException": "a part other than the last was smaller than 5 MiB (5242880 bytes)",
    ("GetDownloadUrlForLayer", "LayersNotFoundException"): "no blob with that digest is stored",
    ("GetDownloadUrlForLayer", "LayerInaccessibleException"): "the blob is stored but no image of the repository has it as its config or a layer",
    ("UploadLayerPart", "InvalidParameterException"): "a member breaks a constraint, or `layerPartBlob` holds more "
                                                      "than 20 MiB (20971520 bytes)",
    ("GetAuthorizationToken", "InvalidParameterException"): "`registryIds` is empty, has more than 10 entries, or one "
                                                            "that is not a 12-digit account id",
    "UploadNotFoundException": "no upload with that id is in progress for this repository (it ended, or the server "
                               "restarted: upload sessions are kept in memory)",
    "ImageAlreadyExistsException": "the same image (digest, and tag if given) is already in the repository",
    "ImageDigestDoesNotMatchException": "imageDigest differs from the SHA-256 digest of imageManifest",
    "ImageNotFoundException": "the image named by imageId does not exist",
    "ImageTagAlreadyExistsException": "the tag is immutable and already names another image",
    "InvalidParameterException": "a member breaks a constraint or the combination of members is invalid",
    "InvalidTagParameterException": "a tag key or value is invalid, reserved (aws:) or repeated",
    "LayersNotFoundException": "blobs the manifest references were never uploaded",
    "LayerInaccessibleException": "the layer is stored but is not part of an image of the repository",
    "ReferencedImagesNotFoundException": "manifests an index references are not in the repository",
    "RepositoryAlreadyExistsException": "a repository with that name already exists",
    "RepositoryNotEmptyException": "the repository still has images and force is not true",
    "RepositoryNotFoundException": "the repository does not exist",
    "SerializationException": "the body is not a JSON object, or a member has the wrong JSON type",
    "SigningConfigurationNotFoundException": "the registry has no signing configuration",
    "TooManyTagsException": "the repository would have more than 50 tags",
    "UnknownOperationException": "the operation name (X-Amz-Target or the /ecr/ path) is not served",
    "ValidationException": "a required member is missing or null, or a member breaks a model constraint",
    **SIGV4_ERROR_MEANINGS,
}

# What Signet decides, per ECR operation (appended to the operation's description).
ECR_NOTES = {
    "InitiateLayerUpload": (
        "- The repository must exist (no create-on-push). `partSize` is always 10485760 (10 MiB).\n"
        "- Upload sessions are kept in memory: a restart drops uploads in progress (clients start them again)."),
    "UploadLayerPart": (
        "- Parts are appended in order: `partFirstByte` must be the number of bytes received so far and "
        "`partLastByte - partFirstByte + 1` the decoded size of `layerPartBlob`; otherwise InvalidLayerPartException "
        "with `lastValidByteReceived` (-1 before the first part).\n"
        "- At most 20 MiB (20971520 bytes) per part. Every part but the last must be at least 5 MiB, which is "
        "checked by CompleteLayerUpload (LayerPartTooSmallException).\n"
        "- Bytes stream into `<data-dir>/tmp/` and are hashed as they arrive."),
    "CompleteLayerUpload": (
        "- Only `layerDigests[0]` is used. The blob appears under `blobs/sha256/...` only after its digest is "
        "verified, the file fsynced and renamed into place.\n"
        "- A digest that is already stored is LayerAlreadyExistsException (the upload is discarded); a mismatching "
        "digest is InvalidLayerException (the upload ends).\n"
        "- Blobs are content-addressed per data directory: a layer pushed to one repository is visible to every "
        "repository of the data directory."),
    "BatchCheckLayerAvailability": (
        "- An empty digest is a failure `MissingLayerDigest`, one that does not parse `InvalidLayerDigest`. "
        "`layerSize` is written for AVAILABLE layers only; `mediaType` is never written."),
    "GetDownloadUrlForLayer": (
        "- `downloadUrl` is a presigned Signet URL, `GET /_signet/layers/{digest}?registry=...&signature=...`, "
        "valid for 1 hour and needing no credentials."),
    "GetAuthorizationToken": (
        "- `authorizationToken` is base64 of `AWS:<password>`; the password is HMAC-SHA256-signed with the data "
        "directory's `registry-secret` (a per-process secret with --in-memory), valid for 12 hours (`expiresAt`) and "
        "bound to the caller's account and region. Use it as HTTP Basic credentials on `/v2/` (`registryBasic`).\n"
        "- One entry per `registryIds` entry (default: the caller's account), all with the same token. "
        "`proxyEndpoint` is this server for the default registry and `http://<account>.dkr.ecr.<region>.localhost:<port>` "
        "for any other; `/v2/` only serves the default registry (`--account-id`, `--region`), so a token issued for "
        "another region is refused there with 403 DENIED."),
}

# --------------------------------------------------------------------------------------------------------------
# AWS Signer (rest-json). Keep in step with Sources/SignetServer/Controllers/SignerController.swift,
# Sources/SignetWire/Signer/SignerShapes.swift and SignerErrorMapping.swift (all three are verified below).
# --------------------------------------------------------------------------------------------------------------

SIGNER_COMPONENT_PREFIX = "Signer."  # Signer components are "Signer.<model shape>": the models share shape names

# Operations in addRoutes order: (model operation, operationId, tag, the query parameters the handler reads).
# Method and path come from the model's http binding; path parameters are the model's uri members.
SIGNER_OPERATIONS = [
    ("PutSigningProfile", "PutSigningProfile", "Signing profiles", ""),
    ("GetSigningProfile", "GetSigningProfile", "Signing profiles", "profileOwner"),
    ("CancelSigningProfile", "CancelSigningProfile", "Signing profiles", ""),
    ("ListSigningProfiles", "ListSigningProfiles", "Signing profiles", "statuses includeCanceled platformId maxResults nextToken"),
    ("RevokeSigningProfile", "RevokeSigningProfile", "Signing profiles", ""),
    ("AddProfilePermission", "AddProfilePermission", "Profile permissions", ""),
    ("ListProfilePermissions", "ListProfilePermissions", "Profile permissions", "nextToken"),
    ("RemoveProfilePermission", "RemoveProfilePermission", "Profile permissions", "revisionId"),
    ("ListSigningPlatforms", "ListSigningPlatforms", "Signing platforms", "category partner target maxResults nextToken"),
    ("GetSigningPlatform", "GetSigningPlatform", "Signing platforms", ""),
    ("TagResource", "SignerTagResource", "Signer tags", ""),
    ("ListTagsForResource", "SignerListTagsForResource", "Signer tags", ""),
    ("UntagResource", "SignerUntagResource", "Signer tags", "tagKeys"),
    ("StartSigningJob", "StartSigningJob", "Signing jobs", ""),
    ("SignPayload", "SignPayload", "Signing jobs", ""),
    ("ListSigningJobs", "ListSigningJobs", "Signing jobs",
     "status platformId requestedBy maxResults nextToken isRevoked signatureExpiresBefore signatureExpiresAfter jobInvoker"),
    ("DescribeSigningJob", "DescribeSigningJob", "Signing jobs", ""),
    ("RevokeSignature", "RevokeSignature", "Signing jobs", ""),
    ("GetRevocationStatus", "GetRevocationStatus", "Revocation status",
     "signatureTimestamp platformId profileVersionArn jobArn certificateHashes"),
]

# Operations whose handler checks the request (decodes its input, looks up what it names) and then always fails.
SIGNER_ALWAYS_FAILS = {"StartSigningJob"}

# Model shape -> (Swift type in SignerShapes.swift or SigningJobShapes.swift, the body members Signet reads/writes;
# "?" = Swift Optional).
# Request shapes list body members only; path and query members are parameters (SIGNER_OPERATIONS).
# Request shapes without body members (GetSigningProfileRequest, ...) are not listed.
SIGNER_SHAPES = {
    # Profiles
    "PutSigningProfileRequest": ("PutSigningProfileInput",
                                 "signingMaterial? signatureValidityPeriod? platformId overrides? signingParameters? tags?"),
    "PutSigningProfileResponse": ("PutSigningProfileOutput", "arn profileVersion profileVersionArn"),
    "SigningMaterial": ("SigningMaterialShape", "certificateArn?"),
    "SignatureValidityPeriod": ("SignatureValidityPeriodShape", "value? type?"),
    "SigningPlatformOverrides": ("SigningPlatformOverridesShape", "signingConfiguration? signingImageFormat?"),
    "SigningConfigurationOverrides": ("SigningConfigurationOverridesShape", "encryptionAlgorithm? hashAlgorithm?"),
    "GetSigningProfileResponse": ("GetSigningProfileOutput",
                                  "profileName profileVersion profileVersionArn revocationRecord? signingMaterial? platformId "
                                  "platformDisplayName signatureValidityPeriod overrides? signingParameters? status statusReason? "
                                  "arn tags"),
    "SigningProfileRevocationRecord": ("RevocationRecordShape", "revocationEffectiveFrom revokedAt revokedBy"),
    "ListSigningProfilesResponse": ("ListSigningProfilesOutput", "profiles nextToken?"),
    "SigningProfile": ("SigningProfileShape", "profileName profileVersion profileVersionArn signingMaterial "
                       "signatureValidityPeriod platformId platformDisplayName signingParameters? status arn tags"),
    "RevokeSigningProfileRequest": ("RevokeSigningProfileInput", "profileVersion reason effectiveTime"),
    # Permissions
    "AddProfilePermissionRequest": ("AddProfilePermissionInput", "profileVersion? action principal revisionId? statementId"),
    "AddProfilePermissionResponse": ("RevisionOutput", "revisionId"),
    "ListProfilePermissionsResponse": ("ListProfilePermissionsOutput", "revisionId? policySizeBytes permissions nextToken?"),
    "Permission": ("PermissionShape", "action principal statementId profileVersion?"),
    "RemoveProfilePermissionResponse": ("RevisionOutput", "revisionId"),
    # Platforms
    "ListSigningPlatformsResponse": ("ListSigningPlatformsOutput", "platforms nextToken?"),
    "SigningPlatform": ("SigningPlatformShape", "platformId displayName partner target category signingConfiguration "
                        "signingImageFormat maxSizeInMB revocationSupported"),
    "GetSigningPlatformResponse": ("SigningPlatformShape", "platformId displayName partner target category "
                                   "signingConfiguration signingImageFormat maxSizeInMB revocationSupported"),
    "SigningConfiguration": ("SigningPlatformShape.SigningConfiguration", "encryptionAlgorithmOptions hashAlgorithmOptions"),
    "EncryptionAlgorithmOptions": ("SigningPlatformShape.AlgorithmOptions", "allowedValues defaultValue"),
    "HashAlgorithmOptions": ("SigningPlatformShape.AlgorithmOptions", "allowedValues defaultValue"),
    "SigningImageFormat": ("SigningPlatformShape.SigningImageFormat", "supportedFormats defaultFormat"),
    # Tags
    "TagResourceRequest": ("SignerTagResourceInput", "tags"),
    "TagResourceResponse": ("EmptyShape", ""),
    "UntagResourceResponse": ("EmptyShape", ""),
    "ListTagsForResourceResponse": ("SignerTagsOutput", "tags"),
    # Signing jobs (SigningJobShapes.swift)
    "SignPayloadRequest": ("SignPayloadInput", "profileName profileOwner? payload payloadFormat"),
    "StartSigningJobRequest": ("StartSigningJobInput", "source destination profileName clientRequestToken profileOwner?"),
    "Source": ("StartSigningJobInput.Location", ""),
    "Destination": ("StartSigningJobInput.Location", ""),
    "SignPayloadResponse": ("SignPayloadOutput", "jobId jobOwner metadata signature"),
    "DescribeSigningJobResponse": ("DescribeSigningJobOutput",
                                   "jobId platformId platformDisplayName profileName profileVersion createdAt completedAt "
                                   "signatureExpiresAt requestedBy status statusReason revocationRecord? jobOwner jobInvoker"),
    "SigningJobRevocationRecord": ("JobRevocationShape", "reason revokedAt revokedBy"),
    "ListSigningJobsResponse": ("ListSigningJobsOutput", "jobs nextToken?"),
    "SigningJob": ("SigningJobShape", "jobId createdAt status isRevoked profileName profileVersion platformId "
                   "platformDisplayName signatureExpiresAt jobOwner jobInvoker"),
    "RevokeSignatureRequest": ("RevokeSignatureInput", "jobOwner? reason"),
    "GetRevocationStatusResponse": ("RevocationStatusOutput", "revokedEntities"),
}

# Query parameters the model requires that the handler passes on and SignerService refuses when absent (so the
# handler itself shows no `.notNull` check): (operation, parameter).
SIGNER_REQUIRED_IN_SERVICE = {("UntagResource", "tagKeys")}  # BadRequestException: tagKeys is missing

# Optional in Swift, but Signet always writes them (the profile's validity period is always complete).
SIGNER_ALWAYS_WRITTEN = {("SignatureValidityPeriod", "value"), ("SignatureValidityPeriod", "type")}

# Optional in Swift (and, for SignatureValidityPeriod, in the model), but Signet's validation rejects a request
# without them (ValidationException "Value null at '...'"), so the request schema requires them.
SIGNER_ENFORCED_REQUIRED = {("SignatureValidityPeriod", "value"), ("SignatureValidityPeriod", "type"),
                            ("SigningMaterial", "certificateArn")}

_HASH = {"type": "string", "enum": ["SHA1", "SHA256", "SHA384"]}
_HASH_NOTE = "The model's HashAlgorithm enum lacks SHA384, which the Notation and Lambda platforms use."
# Output members whose schema is not the model's: (shape, member) -> schema.
SIGNER_OUTPUT_OVERRIDES = {
    ("SigningPlatform", "category"): {
        "type": "string", "const": "AWS",
        "description": "Signet's catalog uses `AWS` for every platform (the model's enum lists only `AWSIoT`)."},
    ("GetSigningPlatformResponse", "category"): {
        "type": "string", "const": "AWS",
        "description": "Signet's catalog uses `AWS` for every platform (the model's enum lists only `AWSIoT`)."},
    ("HashAlgorithmOptions", "allowedValues"): {"type": "array", "items": _HASH, "description": _HASH_NOTE},
    ("HashAlgorithmOptions", "defaultValue"): {**_HASH, "description": _HASH_NOTE},
    ("SignPayloadResponse", "signature"): {
        "type": "string", "contentEncoding": "base64", "contentMediaType": "application/jose+json",
        "description": "The whole Notary Project JWS envelope (`application/jose+json`: `payload`, `protected`, "
                       "`header` with the `x5c` chain leaf first, `signature`), base64-encoded: the bytes ECR managed "
                       "signing stores as the signature layer."},
    ("SignPayloadResponse", "metadata"): {
        "type": "object",
        "required": ["com.amazonaws.signer.signingJob", "com.amazonaws.signer.signingProfileVersion"],
        "properties": {"com.amazonaws.signer.signingJob": {"type": "string", "description": "The job ARN."},
                       "com.amazonaws.signer.signingProfileVersion": {"type": "string",
                                                                       "description": "The profile-version ARN."}},
        "additionalProperties": False,
        "description": "The job ARN and the profile-version ARN, also signed into the envelope's protected header "
                       "(extended attributes of the same names)."},
    ("DescribeSigningJobResponse", "status"): {
        "type": "string", "const": "Succeeded",
        "description": "Signet signs synchronously: a job exists only once its signature is made."},
    ("DescribeSigningJobResponse", "statusReason"): {"type": "string", "const": "Signing Succeeded"},
    ("SigningJob", "status"): {
        "type": "string", "const": "Succeeded",
        "description": "Signet signs synchronously: a job exists only once its signature is made."},
}

# Query/path parameters whose schema is not the model's: (operation, parameter) -> schema.
_QUERY_TIME = {"type": "string", "description": "ISO-8601 (`2026-11-30T01:41:09Z`, fractional seconds allowed), as the "
                                               "AWS SDKs send timestamps in query strings; epoch seconds are accepted too."}
SIGNER_PARAMETER_OVERRIDES = {
    ("ListSigningPlatforms", "category"): {"type": "string"},  # model enum [AWSIoT]; Signet's platforms say AWS
    # The model's timestamps are epoch numbers in JSON bodies, ISO-8601 strings in query strings.
    ("ListSigningJobs", "signatureExpiresBefore"): _QUERY_TIME,
    ("ListSigningJobs", "signatureExpiresAfter"): _QUERY_TIME,
    ("GetRevocationStatus", "signatureTimestamp"): _QUERY_TIME,
}

SIGNER_PARAMETER_NOTES = {
    "profileOwner": "Another account's id. That account's profile is returned only when its policy grants the caller "
                    "`signer:GetSigningProfile` (AddProfilePermission), else 403 `AccessDeniedException`. Default: the "
                    "caller's account.",
    "statuses": "Only profiles with one of these statuses; repeat the key for several (`?statuses=Active&statuses=Revoked`). "
                "When given, it wins over the default (Active only) and over `includeCanceled`.",
    "includeCanceled": "Also list Canceled profiles (ignored when `statuses` is given). `true` or `false` "
                       "(case-insensitive); anything else is a ValidationException.",
    "maxResults": "Page size (default 25).",
    "nextToken": "The `nextToken` of the previous page. A token Signet did not issue is a ValidationException "
                 "(`Invalid nextToken`).",
    ("ListSigningProfiles", "platformId"): "Only profiles of this platform.",
    ("ListProfilePermissions", "nextToken"): "Signet answers the whole policy in one page and issues no token here: any "
                                            "value is a ValidationException (`Invalid nextToken`).",
    "revisionId": "The policy's current `revisionId` (from ListProfilePermissions or the last permission change); "
                  "another value is a 409 `ConflictException`.",
    "resourceArn": "A signing-profile ARN (`arn:aws:signer:<region>:<account>:/signing-profiles/<name>`) percent-encoded "
                   "into this one path segment: `/` must be sent as `%2F` (an unencoded `/` makes another path, "
                   "answered 404 `UnknownOperationException`); `:` may be sent as is or as `%3A` (the AWS SDKs encode "
                   "it). Only profiles of the caller's account and region can be tagged.",
    "tagKeys": "The keys to remove; repeat the key for several (`?tagKeys=a&tagKeys=b`). Keys that are not set are "
               "ignored.",
    "category": "Exact match on the platform's `category` (every platform of Signet's catalog has `AWS`).",
    "partner": "Exact match on the platform's `partner`.",
    "target": "Exact match on the platform's `target`.",
    "statementId": "The `statementId` of the permission to remove.",
    ("GetSigningPlatform", "platformId"): "A platform id, e.g. `Notation-OCI-SHA384-ECDSA`.",
    "jobId": "The `jobId` SignPayload returned (a UUID).",
    "status": "Only jobs with this status. Every Signet job is `Succeeded`, so `InProgress` and `Failed` list nothing.",
    ("ListSigningJobs", "platformId"): "Only jobs of this platform.",
    "requestedBy": "Only jobs requested by this principal (`arn:aws:iam::<account>:root` for Signet's callers).",
    "isRevoked": "`true`: only jobs whose signature was revoked (RevokeSignature); `false`: only the others. `true` or "
                 "`false` (case-insensitive); anything else is a ValidationException.",
    "signatureExpiresBefore": "Only jobs whose signature expires before this time.",
    "signatureExpiresAfter": "Only jobs whose signature expires after this time.",
    "jobInvoker": "Only jobs signed by this account. Not validated: a value that is no account id matches nothing.",
    "signatureTimestamp": "When the signature was made: the envelope's `io.cncf.notary.authenticSigningTime`. A "
                          "profile-version revocation applies to signatures made at or after its effective time.",
    ("GetRevocationStatus", "platformId"): "The signature's platform, `Notation-OCI-SHA384-ECDSA` for Notation "
                                           "signatures; it must be a platform of the catalog.",
    "profileVersionArn": "The envelope's `com.amazonaws.signer.signingProfileVersion` "
                         "(`arn:aws:signer:<region>:<account>:/signing-profiles/<name>/<version>`).",
    "jobArn": "The envelope's `com.amazonaws.signer.signingJob` (`arn:aws:signer:<region>:<account>:/signing-jobs/<jobId>`).",
    "certificateHashes": "One per certificate of the chain: hex SHA-384 of its TBSCertificate followed by hex SHA-384 of "
                         "its issuer's (the root paired with itself); repeat the key for several. At least one is required; "
                         "Signet never revokes certificates, so they are not otherwise read.",
}

# Errors the model declares for an operation that Signet never returns.
SIGNER_NEVER = ["InternalServiceErrorException", "TooManyRequestsException", "ThrottlingException"]
SIGNER_NOT_PRODUCED = {
    "PutSigningProfile": ["ResourceNotFoundException", "AccessDeniedException"],
    "CancelSigningProfile": ["AccessDeniedException"],
    "ListSigningProfiles": ["AccessDeniedException"],
    "RevokeSigningProfile": ["AccessDeniedException"],
    "AddProfilePermission": ["AccessDeniedException"],
    "ListProfilePermissions": ["AccessDeniedException"],
    "RemoveProfilePermission": ["AccessDeniedException"],
    "ListSigningPlatforms": ["AccessDeniedException"],
    "GetSigningPlatform": ["AccessDeniedException"],
    "ListSigningJobs": ["AccessDeniedException"],
    "DescribeSigningJob": ["AccessDeniedException"],
    "GetRevocationStatus": ["AccessDeniedException"],
}
# Errors beyond the model's list and the derived protocol-level ones (query-parameter validation).
SIGNER_EXTRA_ERRORS = {
    "ListSigningProfiles": ["ValidationException"],
}

# What an error means: SIGNER_ERROR_MEANINGS[(operation, code)], else SIGNER_ERROR_MEANINGS[code].
SIGNER_ERROR_MEANINGS = {
    **SIGV4_ERROR_MEANINGS,
    "AccessDeniedException": "`profileOwner` names another account whose profile policy does not grant the caller "
                             "`signer:GetSigningProfile`",
    "BadRequestException": "`resourceArn` is not a signing-profile ARN (a profile-version ARN is not one either)",
    "ConflictException": "`revisionId` is not the policy's current revision",
    "NotFoundException": "no signing profile with that ARN exists in the caller's account and region",
    "ResourceNotFoundException": "the signing profile does not exist",
    "SerializationException": "the body is not a JSON object, or a member has the wrong JSON type",
    "ServiceLimitExceededException": "the profile's resource policy would exceed 20 KiB (20480 bytes of policy JSON)",
    "ValidationException": "`profileName` breaks its constraints",
    ("PutSigningProfile", "ValidationException"): "a member is missing or breaks a constraint, the name is taken, the "
                                                  "platform is unknown, or the validity period is out of range",
    ("GetSigningProfile", "ValidationException"): "`profileName` or `profileOwner` breaks its constraints",
    ("ListSigningProfiles", "ValidationException"): "`statuses` is not a profile status, `includeCanceled` is not a "
                                                    "boolean, `maxResults` is outside 1-25, or `nextToken` was not issued "
                                                    "by Signet",
    ("RevokeSigningProfile", "ValidationException"): "a member is missing or breaks a constraint, `profileVersion` is "
                                                     "not the profile's version, `effectiveTime` is in the future or "
                                                     "later than an earlier revocation's",
    ("AddProfilePermission", "ValidationException"): "a member is missing or breaks a constraint, the action is not "
                                                     "permitted for the profile's platform, or the principal is neither "
                                                     "an account id nor an IAM ARN",
    ("AddProfilePermission", "ConflictException"): "`revisionId` is given and is not the policy's current revision, "
                                                   "or `statementId` is already in the policy",
    ("RemoveProfilePermission", "ValidationException"): "`profileName` breaks its constraints, or `revisionId` is missing",
    ("RemoveProfilePermission", "ResourceNotFoundException"): "the signing profile, or the statement, does not exist",
    ("ListSigningPlatforms", "ValidationException"): "`maxResults` is outside 1-25, or `nextToken` was not issued by Signet",
    ("GetSigningPlatform", "ResourceNotFoundException"): "the platform does not exist",
    ("TagResource", "BadRequestException"): "`resourceArn` is not a signing-profile ARN, the body has no `tags` member, a "
                                            "tag key or value is invalid, `tags` is empty, or the profile would have more "
                                            "than 200 tags",
    ("UntagResource", "BadRequestException"): "`resourceArn` is not a signing-profile ARN, or `tagKeys` is missing, "
                                              "lists more than 200 keys or an invalid key",
    ("StartSigningJob", "ValidationException"): "a required member is missing; otherwise always: StartSigningJob signs "
                                                "objects in Amazon S3, which Signet does not emulate",
    ("SignPayload", "ValidationException"): "a member is missing or breaks a constraint (`profileName`, `profileOwner`, "
                                            "`payload` of 1-4096 bytes), `payloadFormat` is not "
                                            "`application/vnd.cncf.notary.payload.v1+json`, the payload is not a Notary "
                                            "Project payload (a JSON object with `targetArtifact` {`mediaType`, "
                                            "`digest`, `size`}), or the profile is Canceled or Revoked or not a "
                                            "Notation profile",
    ("SignPayload", "SerializationException"): "the body is not a JSON object, a member has the wrong JSON type, or "
                                               "`payload` is not base64",
    ("SignPayload", "ResourceNotFoundException"): "no signing profile of that name exists in the account "
                                                  "(`profileOwner`, default the caller's) and the caller's region",
    ("SignPayload", "AccessDeniedException"): "`profileOwner` names another account whose profile policy does not "
                                              "grant the caller `signer:SignPayload`",
    ("ListSigningJobs", "ValidationException"): "`status` is not a job status, `isRevoked` is not a boolean, "
                                                "`signatureExpiresBefore` or `signatureExpiresAfter` is not a timestamp, "
                                                "`maxResults` is not an integer in 1-25, or `nextToken` was not issued by "
                                                "Signet",
    ("DescribeSigningJob", "ResourceNotFoundException"): "no signing job with that id exists in the caller's account "
                                                         "and region",
    ("RevokeSignature", "ValidationException"): "`reason` is missing or not 1-500 characters, or `jobOwner` is not a "
                                                "12-digit account id",
    ("RevokeSignature", "ResourceNotFoundException"): "no signing job with that id belongs to `jobOwner` (default: "
                                                      "the caller) in the caller's region",
    ("RevokeSignature", "AccessDeniedException"): "`jobOwner` names another account, and the policy of the job's "
                                                  "profile does not grant the caller `signer:RevokeSignature`",
    ("GetRevocationStatus", "ValidationException"): "a parameter is missing or empty (`certificateHashes` included), "
                                                    "`signatureTimestamp` is not a timestamp, an ARN is not 20-2048 "
                                                    "characters long, or `platformId` is not a platform of the catalog",
}

# What Signet decides, per operation (appended to the operation's description).
SIGNER_NOTES = {
    "PutSigningProfile": (
        "- Profile names stay reserved: a name that exists in any status (Active, Canceled, Revoked) is a "
        "ValidationException `Profile with name <name> already exists`.\n"
        "- An unknown `platformId` is a ValidationException (`Signing platform <id> does not exist`); the IoT and "
        "FreeRTOS platforms also need `signingMaterial`.\n"
        "- `signatureValidityPeriod` defaults to 135 MONTHS; it must be at least 1 day and at most 135 months "
        "(4105 DAYS, 11 YEARS). When given, both `value` and `type` are required.\n"
        "- Up to 200 tags; keys match the model's `^(?!aws:)[a-zA-Z+-=._:/]+$` (1-128 characters; `+-=` is a "
        "range, so digits are allowed); values up to 256 characters."),
    "GetSigningProfile": (
        "- With `profileOwner` set to another account, the profile is returned only if that profile's policy grants "
        "the caller `signer:GetSigningProfile`; otherwise 403 AccessDeniedException."),
    "CancelSigningProfile": (
        "- Active becomes Canceled. Canceling a Canceled or Revoked profile succeeds and changes nothing (a revoked "
        "profile stays Revoked). The name stays reserved.\n"
        "- Success is 200 with an empty body."),
    "ListSigningProfiles": (
        "- Default: Active profiles only; `includeCanceled=true` adds Canceled ones; `statuses`, when given, wins "
        "over both. Profiles are sorted by name; pages hold up to `maxResults` (default 25)."),
    "RevokeSigningProfile": (
        "- `profileVersion` must be the profile's current version; `effectiveTime` (epoch seconds) may not be in the "
        "future. Revoking again is allowed only to move `effectiveTime` earlier.\n"
        "- The profile becomes Revoked with `statusReason` = `reason` and a `revocationRecord`. Success is 200 "
        "with an empty body."),
    "AddProfilePermission": (
        "- `action`: for Notation profiles `signer:SignPayload`, `signer:GetSigningProfile` or "
        "`signer:RevokeSignature`; for other platforms `signer:StartSigningJob`, `signer:GetSigningProfile` or "
        "`signer:RevokeSignature`.\n"
        "- `principal`: a 12-digit account id or an IAM ARN. `statementId`: 1-100 characters, unique in the policy "
        "(a duplicate is a 409 ConflictException).\n"
        "- `revisionId` is checked only when given (a mismatch is a 409 ConflictException).\n"
        "- The policy may hold up to 20 KiB of policy JSON; beyond that 402 ServiceLimitExceededException."),
    "ListProfilePermissions": (
        "- One page: Signet issues no `nextToken` here, and refuses one (ValidationException). `revisionId` is absent until the first permission change; "
        "`policySizeBytes` is the size of the IAM-style policy document (0 when empty)."),
    "RemoveProfilePermission": (
        "- `revisionId` is required and must be the policy's current revision (409 ConflictException otherwise); an "
        "unknown `statementId` is a 404 ResourceNotFoundException."),
    "ListSigningPlatforms": (
        "- Signet's fixed catalog of five platforms, `Notation-OCI-SHA384-ECDSA` (ECR managed signing) first."),
    "TagResource": (
        "- Tags are merged into the profile's tags (same key: the value is replaced). Success is `{}`."),
    "UntagResource": ("- Success is `{}`."),
    "StartSigningJob": (
        "- Never succeeds: StartSigningJob signs objects in Amazon S3, which Signet does not emulate. The request is "
        "checked as AWS checks it first (required members → ValidationException; the profile → ResourceNotFoundException "
        "or AccessDeniedException), then refused with a 400 ValidationException. Container images are signed with "
        "SignPayload or by ECR managed signing."),
    "SignPayload": (
        "- Only Active profiles of the Notation platform (`Notation-OCI-SHA384-ECDSA`) sign; `payloadFormat` must be "
        "`application/vnd.cncf.notary.payload.v1+json` and `payload` a Notary Project payload "
        "(`{\"targetArtifact\": {\"mediaType\", \"digest\", \"size\"}}`) of 1-4096 bytes.\n"
        "- `signature` is the whole JWS envelope (JSON serialization, ES384 over P-384): signing scheme "
        "`notary.x509.signingAuthority`; `io.cncf.notary.signingScheme`, `io.cncf.notary.authenticSigningTime` and "
        "`io.cncf.notary.expiry` critical; the AWS attributes `com.amazonaws.signer.signingProfileVersion` and "
        "`com.amazonaws.signer.signingJob` in the protected header but not critical, no `verificationPlugin`; the "
        "`x5c` chain is a leaf certificate per profile version followed by Signet's root CA (`GET /_signet/ca.pem`).\n"
        "- The signature expires after the profile's `signatureValidityPeriod`. Every call is a new job, recorded at "
        "once as `Succeeded`, and counted by `GET /metrics`.\n"
        "- With `profileOwner` set to another account, that account's profile signs only if its policy grants the "
        "caller `signer:SignPayload` (AddProfilePermission); the job then belongs to the profile's owner."),
    "ListSigningJobs": (
        "- The caller's jobs in the region (SignPayload and ECR managed signing), newest first; pages hold up to "
        "`maxResults` (default 25). Filters combine with AND."),
    "DescribeSigningJob": (
        "- `completedAt` equals `createdAt` (signing is synchronous); `revocationRecord` is present once the job was "
        "revoked. `source`, `signedObject`, `signingMaterial`, `overrides` and `signingParameters` are never written "
        "(no S3)."),
    "RevokeSignature": (
        "- The job's signature is reported revoked by GetRevocationStatus from then on, whatever the signature "
        "time. Revoking a revoked job succeeds and keeps the first `revocationRecord`.\n"
        "- With `jobOwner` set to another account, the policy of the job's profile must grant the caller "
        "`signer:RevokeSignature`. Success is 200 with an empty body."),
    "GetRevocationStatus": (
        "- `revokedEntities` lists `profileVersionArn` when that profile version was revoked (RevokeSigningProfile) "
        "with an effective time at or before `signatureTimestamp`, and `jobArn` when the job was revoked "
        "(RevokeSignature); otherwise it is empty. ARNs that name nothing are simply not revoked. Certificates are "
        "never revoked: `certificateHashes` is required but not otherwise read.\n"
        "- The answer does not depend on the caller's account or region (the ARNs name the profile and the job); "
        "`signet verify` calls it without credentials."),
}

# --------------------------------------------------------------------------------------------------------------


class SpecError(Exception):
    pass


_ECR_CODES: set[str] = set()


def sigv4_error_codes() -> list[str]:
    """The codes of SigV4Failure (`public var code` in SigV4Verifier.swift); they must be SIGV4_ERROR_MEANINGS's."""
    source = SIGV4_VERIFIER_SWIFT.read_text()
    block = re.search(r"public var code: String \{(.*?)\n    \}", source, re.S)
    codes = sorted(set(re.findall(r'return "(\w+)"', block.group(1)))) if block else []
    if not codes:
        raise SpecError(f"{SIGV4_VERIFIER_SWIFT.name}: SigV4Failure's `public var code` not found")
    if set(codes) != set(SIGV4_ERROR_MEANINGS):
        raise SpecError(f"{SIGV4_VERIFIER_SWIFT.name}: SigV4Failure codes {codes} differ from SIGV4_ERROR_MEANINGS "
                        f"{sorted(SIGV4_ERROR_MEANINGS)}")
    framing = ERROR_FRAMING_SWIFT.read_text()
    if not re.search(r"case let error as SigV4Failure:.*?== \.json11 \? \.badRequest : \.forbidden", framing, re.S):
        raise SpecError(f"{ERROR_FRAMING_SWIFT.name}: SigV4 failures are no longer 400 (JSON 1.1) / 403 (rest-json)")
    return codes


def ecr_error_codes() -> set[str]:
    """Every `code: "<X>"` written in Sources/SignetWire/ECR and Sources/SignetWire/AWS."""
    if not _ECR_CODES:
        for directory in ("ECR", "AWS"):
            for file in sorted((ROOT / "Sources/SignetWire" / directory).glob("*.swift")):
                _ECR_CODES.update(re.findall(r'code:\s*"(\w+)"', file.read_text()))
        _ECR_CODES.update(sigv4_error_codes())
    return _ECR_CODES


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


def verify_table_against_swift(table: dict = SIGNET_SHAPES, swift_files: tuple[Path, ...] = (SHAPES_SWIFT, LAYER_SHAPES_SWIFT),
                               table_name: str = "SIGNET_SHAPES", shared_files: tuple[Path, ...] = ()) -> None:
    """Every struct of swift_files is mapped by table, and every mapped type has exactly the table's members.
    Types of shared_files (e.g. EmptyShape in ECRShapes.swift) may be mapped but need not be."""
    structs: dict[str, dict[str, bool]] = {}
    problems = []
    for swift_file in swift_files:
        source = swift_file.read_text()
        for name, members in swift_structs(source).items():
            if name in structs:
                problems.append(f"struct {name} is declared twice")
            structs[name] = members
        if re.search(r"\bCodingKeys\b|init\(from decoder|func encode\(to", source):
            problems.append(f"{swift_file.name} customises Codable; member names may differ from property names")
    known = dict(structs)
    for shared in shared_files:
        known.update(swift_structs(shared.read_text()))
    unmapped = sorted(set(structs) - {swift_type for swift_type, _ in table.values()})
    if unmapped:
        problems.append(f"Swift wire types not mapped to a model shape: {', '.join(unmapped)}")
    for shape, (swift_type, spec) in table.items():
        if swift_type not in known:
            problems.append(f"{shape}: Swift type {swift_type} not found in {', '.join(f.name for f in swift_files)}")
            continue
        if known[swift_type] != parse_members(spec):
            problems.append(f"{shape}: table says {parse_members(spec)}, {swift_type} has {known[swift_type]}")
    if problems:
        raise SpecError(f"{table_name} is out of date:\n  " + "\n  ".join(problems))


class Builder:
    """Schemas from one botocore model and its hand-kept shape table; build() assembles the whole document."""

    service = "ecr"
    table = SIGNET_SHAPES
    always_written = ALWAYS_WRITTEN
    output_overrides = OUTPUT_OVERRIDES
    unconstrained_output_lists = UNCONSTRAINED_OUTPUT_LISTS
    enforced_required: set = set()
    prefix = ""  # prepended to every component name

    def __init__(self) -> None:
        session = botocore.session.get_session()
        self.model = session.get_component("data_loader").load_service_model(self.service, "service-2")
        self.shapes = self.model["shapes"]
        self.check_model()
        self.components: dict[str, dict] = {}
        self.variants: dict[tuple[str, str], str] = {}  # (shape, direction) -> placeholder "<shape>@<direction>"
        self.built: dict[tuple[str, str], dict] = {}  # (shape, direction) -> schema with placeholder $refs

    def check_model(self) -> None:
        if self.model["metadata"]["targetPrefix"] + "." != TARGET_PREFIX:
            raise SpecError(f"unexpected targetPrefix {self.model['metadata']['targetPrefix']}")

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
        elif kind == "blob":
            schema = {"type": "string", "contentEncoding": "base64"}
            if "max" in shape:
                schema["description"] = f"Base64; at most {shape['max']} bytes once decoded."
            return schema
        elif kind == "timestamp":
            return {"type": "number", "description": "Seconds since the Unix epoch (may have a fraction)."}
        else:
            raise SpecError(f"unsupported scalar {name} ({kind})")
        # Named constrained scalars become components; plain strings stay inline.
        if len(schema) > 1 and kind == "string":
            self.components.setdefault(self.prefix + name, schema)
            return ref(self.prefix + name)
        return schema

    def schema(self, name: str, direction: str) -> dict:
        shape = self.shapes[name]
        kind = shape["type"]
        if kind == "structure":
            return ref(self.structure(name, direction))
        if kind == "list":
            schema = {"type": "array", "items": self.schema(shape["member"]["shape"], direction)}
            if direction == "in" or name not in self.unconstrained_output_lists:
                if shape.get("min"):
                    schema["minItems"] = shape["min"]
                if "max" in shape:
                    schema["maxItems"] = shape["max"]
            return schema
        if kind == "map":
            schema = {"type": "object"}
            key = self.schema(shape["key"]["shape"], direction)
            if key != {"type": "string"}:
                schema["propertyNames"] = key
            schema["additionalProperties"] = self.schema(shape["value"]["shape"], direction)
            if direction == "in":
                if shape.get("min"):
                    schema["minProperties"] = shape["min"]
                if "max" in shape:
                    schema["maxProperties"] = shape["max"]
            return schema
        return self.scalar(name, direction)

    def structure(self, name: str, direction: str) -> str:
        key = (name, direction)
        if key in self.variants:
            return self.variants[key]
        self.variants[key] = f"{name}@{direction}"  # placeholder, named by finish_components
        if name not in self.table:
            raise SpecError(f"model shape {name} is reached but not in {'SIGNER_SHAPES' if self.prefix else 'SIGNET_SHAPES'}")
        shape = self.shapes[name]
        members = parse_members(self.table[name][1])
        unknown = [m for m in members if m not in shape["members"]]
        if unknown:
            raise SpecError(f"{name}: members {unknown} are not in the botocore model")
        located = {m for m, member in shape["members"].items() if "location" in member}  # rest-json path/query
        if members.keys() & located:
            raise SpecError(f"{name}: {sorted(members.keys() & located)} are path/query members, not body members")
        model_required = set(shape.get("required", [])) - located
        if direction == "in":
            enforced = {m for m in members if (name, m) in self.enforced_required}
            swift_required = {m for m, optional in members.items() if not optional}
            if swift_required | enforced != (model_required & set(members)) | enforced:
                raise SpecError(f"{name}: Swift requires {sorted(swift_required)}, model {sorted(model_required)}")
            required = [m for m in shape["members"] if m in members and (m in model_required or m in enforced)]
        else:
            required = [m for m in shape["members"] if m in members
                        and (not members[m] or (name, m) in self.always_written)]
        properties = {}
        for member in shape["members"]:  # model order
            if member not in members:
                continue
            override = self.output_overrides.get((name, member)) if direction == "out" else None
            properties[member] = copy.deepcopy(override) if override else self.schema(shape["members"][member]["shape"], direction)
        schema: dict = {"type": "object"}
        if required:
            schema["required"] = required
        schema["properties"] = properties
        if direction == "out":
            # Signet writes exactly these members; optional ones are omitted when absent (never null).
            schema["additionalProperties"] = False
        else:
            ignored = [m for m in shape["members"] if m not in members and m not in located]
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
            return self.prefix + (name + "Output" if direction == "out" and name in both and name not in merged else name)

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
        codes = set(declared) | set(PROTOCOL_ERRORS) | set(EXTRA_ERRORS.get(operation, [])) | set(sigv4_error_codes())
        if "registryId" in inputs and "registryId" in parse_members(SIGNET_SHAPES[self.input_shape(operation)][1]):
            codes.add("AccessDeniedException")
        codes -= NON_400 | set(not_produced)
        for code in codes:
            if code not in ERROR_MEANINGS and (operation, code) not in ERROR_MEANINGS:
                raise SpecError(f"{operation}: no ERROR_MEANINGS entry for {code}")
            if code not in ecr_error_codes():
                raise SpecError(f"{operation}: {code} is written nowhere in Sources/SignetWire/ECR or Sources/SignetWire/AWS")
        return sorted(codes), sorted(set(not_produced) - NON_400)

    def input_shape(self, operation: str) -> str:
        return self.model["operations"][operation]["input"]["shape"]

    def output_shape(self, operation: str) -> str:
        return self.model["operations"][operation]["output"]["shape"]

    def error_response(self, codes: list[str], not_produced: list[str], operation: str | None = None) -> dict:
        lines = ["Client error. `__type` (also in the `X-Amzn-ErrorType` header) is one of:", ""]
        lines += [f"- `{code}`: {ERROR_MEANINGS.get((operation, code)) or ERROR_MEANINGS[code]}" for code in codes]
        if not_produced:
            lines += ["", "Declared by the AWS model for this operation but never returned by Signet: "
                      + ", ".join(f"`{code}`" for code in not_produced) + "."]
        # Codes whose body carries members beyond __type and message get their own schema.
        extended = sorted(set(codes) & set(self.error_bodies()))
        if len(extended) > 1:
            raise SpecError(f"{extended} all have extra error members; one schema per response cannot say which")
        return {
            "description": "\n".join(lines) + "\n",
            "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"},
                        "X-Amzn-ErrorType": {"$ref": "#/components/headers/ErrorType"}},
            "content": {JSON11: {"schema": ref(f"{extended[0]}Response" if extended else "ErrorResponse")}},
            "x-signet-error-types": codes,
        }

    def error_bodies(self) -> dict[str, dict]:
        """Error codes whose body has members beyond `__type` and `message` (AWSError extraFields in
        ECRErrorMapping.swift): code -> schema of the whole body. The extra members must be exactly the model
        exception's members other than `message`; their schemas come from the model."""
        if hasattr(self, "_error_bodies"):
            return self._error_bodies
        source = ECR_ERRORS_SWIFT.read_text()
        bodies: dict[str, dict] = {}
        for match in re.finditer(r"extraFields:\s*\[(.*?)\]\s*\)", source, re.S):
            codes = re.findall(r'code:\s*"(\w+)"', source[:match.start()])
            if not codes:
                raise SpecError(f"{ECR_ERRORS_SWIFT.name}: extraFields without a code before them")
            code, members = codes[-1], re.findall(r'"(\w+)":', match.group(1))
            shape = self.shapes.get(code, {})
            expected = [m for m in shape.get("members", {}) if m != "message"]
            if not shape.get("exception") or sorted(members) != sorted(expected):
                raise SpecError(f"{ECR_ERRORS_SWIFT.name}: {code} carries {sorted(members)}, the model's exception has "
                                f"{sorted(expected)}")
            properties = {}
            for member in expected:
                override = ERROR_MEMBER_OVERRIDES.get((code, member))
                properties[member] = copy.deepcopy(override) if override else self.schema(shape["members"][member]["shape"], "out")
            bodies[code] = {
                "description": f"AWS JSON 1.1 error body. `{code}` bodies may also carry "
                               + ", ".join(f"`{m}`" for m in expected) + " (see the operation's description of the code).",
                "allOf": [ref("ErrorResponse")],
                "properties": properties,
            }
        self._error_bodies = bodies
        return bodies

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
            if ECR_NOTES.get(name):
                description += "\n\n" + ECR_NOTES[name] + "\n"
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
                "400": self.error_response(codes, not_produced, name),
                "413": {"$ref": "#/components/responses/RequestEntityTooLarge"},
                "500": {"$ref": "#/components/responses/ServerError"},
            },
        }

    def verify_dispatcher(self) -> None:
        """OPERATIONS (in order) and ALIASES are exactly makeDispatcher's table.register / table.alias lines."""
        source = ECR_CONTROLLER_SWIFT.read_text()
        registered = re.findall(r'table\.register\("(\w+)"\)', source)
        aliases = dict(re.findall(r'table\.alias\("(\w+)",\s*for:\s*"(\w+)"\)', source))
        problems = []
        if registered != [op for op, _ in OPERATIONS]:
            problems.append(f"makeDispatcher registers {registered}, OPERATIONS lists {[op for op, _ in OPERATIONS]}")
        if aliases != ALIASES:
            problems.append(f"makeDispatcher aliases {aliases}, ALIASES has {ALIASES}")
        for operation in registered:
            if operation not in self.model["operations"]:
                problems.append(f"{operation} is not in the ECR model")
        if problems:
            raise SpecError(f"OPERATIONS / ALIASES differ from {ECR_CONTROLLER_SWIFT.name}:\n  " + "\n  ".join(problems))

    # ---- document -----------------------------------------------------------------------------------------

    def build(self) -> dict:
        verify_table_against_swift()
        self.verify_dispatcher()
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
                    "400": self.error_response(root_codes, [], None),
                    "413": {"$ref": "#/components/responses/RequestEntityTooLarge"},
                    "500": {"$ref": "#/components/responses/ServerError"},
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
        for code, schema in self.error_bodies().items():
            self.components[f"{code}Response"] = schema
        self.components["SignerErrorResponse"] = {
            "type": "object",
            "description": "AWS Signer (rest-json) error body: only the message; the code is in `X-Amzn-ErrorType`.",
            "required": ["message"],
            "properties": {"message": {"type": "string"}},
            "additionalProperties": False,
        }
        self.components["HealthResponse"] = {
            "type": "object",
            "required": ["status", "version", "store", "account", "region"],
            "properties": {
                "account": {"type": "string", "pattern": "^[0-9]{12}$", "description": "The default account (--account-id)."},
                "region": {"type": "string", "description": "The default region (--region): requests without a SigV4 scope, and the default registry."},
                "status": {"type": "string", "const": "ok"},
                "version": {"type": "string", "description": "Signet's version."},
                "store": {"type": "string", "enum": ["in-memory", "sqlite"],
                          "description": "in-memory with --in-memory, else sqlite (SQLite + files in --data-dir)."},
            },
            "additionalProperties": False,
        }

        rewrite = self.finish_components()
        paths = rewrite({**admin_paths(), "/": root, **ecr_paths})
        signer = SignerBuilder()
        signer_paths = signer.build_paths()
        clashes = (set(paths) & set(signer_paths)) | (set(self.components) & set(signer.components))
        if clashes:
            raise SpecError(f"ECR and Signer both define {sorted(clashes)}")
        paths.update(signer_paths)
        self.components.update(signer.components)
        registry = RegistryBuilder()
        registry_paths = registry.build_paths()
        clashes = (set(paths) & set(registry_paths)) | (set(self.components) & set(registry.schemas))
        if clashes:
            raise SpecError(f"the registry part and the rest both define {sorted(clashes)}")
        paths.update(registry_paths)
        self.components.update(registry.schemas)
        for name in ("RepositoryName", "ImageTag"):
            if name not in self.components:
                raise SpecError(f"the registry schemas refer to {name}, which the ECR part no longer defines")
        version = signet_version()
        return {
            "openapi": "3.1.0",
            "info": {
                "title": "Signet",
                "version": version,
                "summary": "A local Amazon ECR (with managed signing and its OCI registry) and AWS Signer emulator.",
                "description": (
                    "Every route Signet serves today. ECR API operations speak AWS JSON 1.1 and are served twice: at "
                    "`POST /` selected by `X-Amz-Target`, and at `POST /ecr/<Op>`. AWS Signer operations speak "
                    "rest-json at their AWS paths (`/signing-profiles`, `/signing-platforms`, `/tags/{resourceArn}`, "
                    "`/signing-jobs`, `/revocations`): `application/json` bodies, path and query parameters, and error bodies "
                    "`{\"message\": ...}` with the code only in `X-Amzn-ErrorType` (no `__type`). Signer components are "
                    "named `Signer.<shape>`.\n\n"
                    "Schemas list only the members Signet reads or writes; other request members are ignored. "
                    "Constraints come from the Amazon ECR and AWS Signer models of botocore " + botocore.__version__ + " "
                    "(APIs " + self.model["metadata"]["apiVersion"] + " and " + signer.model["metadata"]["apiVersion"]
                    + "). Absent optional response members are omitted, never "
                    "null; response-only objects are closed (additionalProperties: false). Timestamps are epoch "
                    "seconds. JSON object keys are written sorted.\n\n"
                    "The OCI distribution API v1.1 is served under `/v2/` (tags `OCI ...`): HTTP Basic "
                    "authentication (`registryBasic`: user `AWS`, password from `GetAuthorizationToken`), errors as "
                    "`{\"errors\":[{\"code\",\"message\",\"detail\"}]}` (`application/json`, no body on HEAD), and "
                    "`Docker-Distribution-API-Version: registry/2.0` on every response. Repository names contain `/` "
                    "unescaped, which OpenAPI path templates cannot express: `{name}` (marked "
                    "`x-signet-name-contains-slashes`) is everything between `/v2/` and the route's last segments. "
                    "Under `/v2/`, a path that is no route, or a method other than GET, HEAD, PUT, POST, PATCH and "
                    "DELETE, is 404 `NOT_FOUND`; a method a route does not serve is 405 `UNSUPPORTED`, with an `Allow` "
                    "header listing the methods it does serve. "
                    "`GET /_signet/layers/{digest}` serves GetDownloadUrlForLayer's presigned URLs.\n\n"
                    "Any other method or path gives 404 `UnknownOperationException`: rest-json framed under the Signer "
                    "prefixes (`/signing-profiles`, `/signing-platforms`, `/signing-jobs`, `/tags/`, `/revocations`), "
                    "an AWS JSON 1.1 body elsewhere. That answer, like every ECR and Signer operation, needs a valid "
                    "SigV4 signature first (security scheme `sigv4`): unsigned, such a request gets "
                    "`MissingAuthenticationTokenException`, as AWS answers it (not with `--auth none`).\n\n"
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
                {"name": "Layers", "description": "ECR layer uploads and downloads (the AWS API's data plane)."},
                {"name": "Registry login", "description": "Registry passwords for `/v2/` (`docker login`)."},
                {"name": "Managed signing", "description": "ECR managed signing (signing configuration, status)."},
                {"name": OCI_TAGS["discovery"], "description": "OCI distribution API: version check, catalog, tags, "
                                                               "referrers."},
                {"name": OCI_TAGS["manifests"], "description": "OCI distribution API: manifests."},
                {"name": OCI_TAGS["blobs"], "description": "OCI distribution API: blobs."},
                {"name": OCI_TAGS["uploads"], "description": "OCI distribution API: blob uploads and mounts."},
                {"name": "Signing profiles", "description": "AWS Signer signing profiles and their lifecycle."},
                {"name": "Profile permissions", "description": "AWS Signer profile resource policies."},
                {"name": "Signing platforms", "description": "AWS Signer's platform catalog."},
                {"name": "Signer tags", "description": "Tags of AWS Signer signing profiles, addressed by ARN."},
                {"name": "Signing jobs", "description": "AWS Signer SignPayload and its signing jobs (list, describe, "
                                                        "revoke); StartSigningJob is refused (no S3)."},
                {"name": "Revocation status", "description": "AWS Signer's revocation check of a signature "
                                                             "(GetRevocationStatus)."},
            ],
            "paths": paths,
            "components": {
                "schemas": dict(sorted(self.components.items())),
                "parameters": dict(sorted(registry.parameters.items())),
                "responses": {
                    **dict(sorted(registry.responses.items())),
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
                    "SignerRequestEntityTooLarge": {
                        "description": f"The body is larger than {MAX_REQUEST_BODY} bytes; the connection is closed "
                                       "(`X-Amzn-ErrorType: RequestEntityTooLargeException`).",
                        "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"},
                                    "X-Amzn-ErrorType": {"$ref": "#/components/headers/SignerErrorType"}},
                        "content": {REST_JSON: {"schema": ref("SignerErrorResponse"),
                                                "example": {"message": f"Request body is larger than the limit of "
                                                                       f"{MAX_REQUEST_BODY} bytes"}}},
                        "x-signet-error-types": ["RequestEntityTooLargeException"],
                    },
                    "SignerServerError": {
                        "description": "An unexpected failure (`X-Amzn-ErrorType: ServerException`).",
                        "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"},
                                    "X-Amzn-ErrorType": {"$ref": "#/components/headers/SignerErrorType"}},
                        "content": {REST_JSON: {"schema": ref("SignerErrorResponse"),
                                                "example": {"message": "An internal error occurred"}}},
                        "x-signet-error-types": ["ServerException"],
                    },
                },
                "headers": {
                    "RequestId": {"description": "Id of this request (a lowercase UUID); on every response.",
                                  "schema": {"type": "string", "format": "uuid"}},
                    "ErrorType": {"description": "The error code, the same as `__type`.", "schema": {"type": "string"}},
                    "SignerErrorType": {"description": "The error code (exception shape name); on every Signer error.",
                                        "required": True, "schema": {"type": "string"}},
                    **dict(sorted(registry.headers.items())),
                },
                "securitySchemes": {
                    "sigv4": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "Authorization",
                        "description": (
                            "AWS Signature Version 4 (`AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/"
                            "aws4_request, SignedHeaders=..., Signature=...`, service `ecr` or `signer`), or the "
                            "presigned `X-Amz-*` query parameters. Signet verifies it against its access keys (the "
                            "built-in `test`/`test` and `--credentials`; 15 minutes of clock skew; session tokens): "
                            "the key's account is the caller, the credential scope's region selects the registry. "
                            "Failures are 400 on ECR and 403 on Signer, with `MissingAuthenticationTokenException`, "
                            "`IncompleteSignatureException`, `InvalidSignatureException` or "
                            "`UnrecognizedClientException`. With `signet serve --auth none` nothing is verified (the "
                            "header is optional; a credential scope present still selects the region)."),
                    },
                    "registryBasic": {
                        "type": "http",
                        "scheme": "basic",
                        "description": (
                            "The `/v2/` registry's credentials: user `AWS`, password from `GetAuthorizationToken` "
                            "(`aws ecr get-login-password`), as `docker login` sends them. No credentials is 401 with "
                            "a Basic challenge; a bad, forged or expired password, or one issued for another account "
                            "or region than the registry `/v2/` serves, is 403 `DENIED`. With `signet serve --auth "
                            "none` no credentials are needed and every request acts on the default registry."),
                    },
                },
            },
        }


class SignerBuilder(Builder):
    """The AWS Signer (rest-json) part: paths from SIGNER_OPERATIONS and the model's http bindings, components
    named Signer.<shape>. Verifies SIGNER_* against SignerShapes.swift, SignerController.swift and
    SignerErrorMapping.swift."""

    service = "signer"
    table = SIGNER_SHAPES
    always_written = SIGNER_ALWAYS_WRITTEN
    output_overrides = SIGNER_OUTPUT_OVERRIDES
    unconstrained_output_lists: set = set()
    enforced_required = SIGNER_ENFORCED_REQUIRED
    prefix = SIGNER_COMPONENT_PREFIX

    def check_model(self) -> None:
        if self.model["metadata"]["protocol"] != "rest-json":
            raise SpecError(f"unexpected Signer protocol {self.model['metadata']['protocol']}")
        for operation, *_ in SIGNER_OPERATIONS:
            if operation not in self.model["operations"]:
                raise SpecError(f"SIGNER_OPERATIONS: {operation} is not in the Signer model")

    # ---- the Swift sources --------------------------------------------------------------------------------

    def binding(self, operation: str) -> tuple[str, str]:
        http = self.model["operations"][operation]["http"]
        return http["method"].upper(), http["requestUri"]

    def located(self, operation: str, location: str) -> dict[str, tuple[str, dict]]:
        """{wire name: (member name, member)} of the operation's input members at location (uri, querystring)."""
        members = self.shapes[self.model["operations"][operation]["input"]["shape"]]["members"]
        return {m.get("locationName", name): (name, m) for name, m in members.items() if m.get("location") == location}

    def error_statuses(self) -> dict[str, int]:
        """code -> HTTP status, as SignerErrorMapping.swift writes them (checked against the model's)."""
        names = {".badRequest": 400, ".forbidden": 403, ".notFound": 404, ".conflict": 409, ".internalServerError": 500}
        statuses: dict[str, int] = {}
        pattern = r'code:\s*"(\w+)"(?:\s*,\s*status:\s*(\.\w+|HTTPResponse\.Status\(code:\s*(\d+)))?'
        for code, status, numeric in re.findall(pattern, SIGNER_ERRORS_SWIFT.read_text()):
            value = int(numeric) if numeric else (names.get(status) if status else 400)
            if value is None:
                raise SpecError(f"{SIGNER_ERRORS_SWIFT.name}: unknown status {status} for {code}")
            if statuses.setdefault(code, value) != value:
                raise SpecError(f"{SIGNER_ERRORS_SWIFT.name}: {code} has two statuses")
        if not re.search(r'AWSError\(code: "SerializationException", message:', AWS_ERROR_SWIFT.read_text()):
            raise SpecError(f"{AWS_ERROR_SWIFT.name}: SerializationException is no longer a plain 400")
        statuses["SerializationException"] = 400
        for code in sigv4_error_codes():  # rest-json: 403 (ErrorFramingMiddleware.awsError)
            statuses[code] = 403
        for code, status in statuses.items():
            declared = self.shapes.get(code, {}).get("error", {}).get("httpStatusCode")
            if declared is not None and declared != status:
                raise SpecError(f"{code}: Signet answers {status}, the Signer model says {declared}")
        return statuses

    def verify_controller(self) -> None:
        """addRoutes registers exactly SIGNER_OPERATIONS (in order) and each handler reads and writes what the
        tables say: path parameters, query parameters, body type, output type."""
        source = SIGNER_CONTROLLER_SWIFT.read_text()
        routes = re.findall(r'router\.(get|put|post|delete|head|patch)\("([^"]+)",\s*use:\s*(\w+)\)', source)
        bodies = {}
        for match in re.finditer(r"@Sendable func (\w+)\(", source):
            end = re.compile(r"@Sendable func |\n\s*// MARK|\n}\n").search(source, match.end())
            bodies[match.group(1)] = source[match.end():end.start() if end else len(source)]
        served = [((method.upper(), re.sub(r":(\w+)", r"{\1}", path)), handler) for method, path, handler in routes]
        expected = [(self.binding(op), op) for op, *_ in SIGNER_OPERATIONS]
        problems = []
        if [route for route, _ in served] != [route for route, _ in expected]:
            problems.append(f"addRoutes registers {[' '.join(r) for r, _ in served]}, SIGNER_OPERATIONS (via the model) "
                            f"gives {[' '.join(r) for r, _ in expected]}")
        query_of = {op: set(query.split()) for op, _, _, query in SIGNER_OPERATIONS}
        for (route, handler), (_, op) in zip(served, expected):
            body = bodies.get(handler)
            if body is None:
                problems.append(f"{op}: handler {handler} not found")
                continue
            path_read = set(re.findall(r'pathParameter\("(\w+)"\)', body))
            if path_read != set(self.located(op, "uri")):
                problems.append(f"{op}: {handler} reads path parameters {sorted(path_read)}, the model has "
                                f"{sorted(self.located(op, 'uri'))}")
            query_read = set(re.findall(r'(?:queryParameters|query)\.(?:get|getAll)\("(\w+)"\)', body))
            query_read |= set(re.findall(r'RestJSON\.(?:bool|int|date)\(query,\s*"(\w+)"\)', body))
            # a handler-local `func required(_ name: String)` that reads query.get(name) or fails
            if re.search(r"func required\(_ name: String\)[^{]*\{[^}]*query\.get\(name\)", body):
                query_read |= set(re.findall(r'\brequired\("(\w+)"\)', body))
            if query_read != query_of[op]:
                problems.append(f"{op}: {handler} reads query parameters {sorted(query_read)}, SIGNER_OPERATIONS "
                                f"says {sorted(query_of[op])}")
            # required query parameters: the handler fails without them exactly when the model requires them
            refused = set(re.findall(r'\brequired\("(\w+)"\)', body)) & query_read
            refused |= set(re.findall(r'path:\s*"(\w+)",\s*value:\s*nil,\s*constraint:\s*\.notNull', body)) & query_read
            refused |= {wire for (operation, wire) in SIGNER_REQUIRED_IN_SERVICE if operation == op}
            model_required = set(self.shapes[self.model["operations"][op]["input"]["shape"]].get("required", []))
            located_query = {wire: member for wire, (member, _) in self.located(op, "querystring").items()}
            wanted = {wire for wire in query_read if located_query.get(wire) in model_required}
            if refused != wanted:
                problems.append(f"{op}: {handler} refuses requests without {sorted(refused)}, the model requires "
                                f"{sorted(wanted)}")
            if query_of[op] - set(self.located(op, "querystring")):
                problems.append(f"{op}: query parameters {sorted(query_of[op] - set(self.located(op, 'querystring')))} "
                                "are not in the model")
            model_op = self.model["operations"][op]
            decoded = re.findall(r'RestJSON\.decode\((\w+)\.self', body)
            input_entry = self.table.get(model_op["input"]["shape"])
            if decoded != ([input_entry[0]] if input_entry else []):
                problems.append(f"{op}: {handler} decodes {decoded}, SIGNER_SHAPES says {input_entry}")
            written = re.findall(r'RestJSON\.response\(\s*(\w+)\(', body)
            empty = "RestJSON.emptyResponse()" in body
            if op in SIGNER_ALWAYS_FAILS:
                if written or empty or not decoded:
                    problems.append(f"{op}: {handler} is expected to decode its input and always throw")
            elif "output" not in model_op:
                if written or not empty:
                    problems.append(f"{op}: the model has no output; {handler} should answer RestJSON.emptyResponse()")
            else:
                output_entry = self.table.get(model_op["output"]["shape"])
                if empty or written != [output_entry[0] if output_entry else None]:
                    problems.append(f"{op}: {handler} writes {written or 'an empty body'}, SIGNER_SHAPES says {output_entry}")
        if problems:
            raise SpecError(f"SIGNER_OPERATIONS / SIGNER_SHAPES differ from {SIGNER_CONTROLLER_SWIFT.name}:\n  "
                            + "\n  ".join(problems))

    # ---- operations ---------------------------------------------------------------------------------------

    def parameters(self, operation: str, query_read: set[str]) -> tuple[list[dict], list[str]]:
        """Path parameters, then the query parameters Signet reads; also the model's query members it ignores."""
        input_shape = self.shapes[self.model["operations"][operation]["input"]["shape"]]
        required = set(input_shape.get("required", []))
        parameters, ignored = [], []
        for location, where in (("uri", "path"), ("querystring", "query")):
            for wire, (member_name, member) in self.located(operation, location).items():
                if where == "query" and wire not in query_read:
                    ignored.append(wire)
                    continue
                override = SIGNER_PARAMETER_OVERRIDES.get((operation, wire))
                schema = copy.deepcopy(override) if override else self.schema(member["shape"], "in")
                parameter = {"name": wire, "in": where, "required": where == "path" or member_name in required}
                note = SIGNER_PARAMETER_NOTES.get((operation, wire)) or SIGNER_PARAMETER_NOTES.get(wire)
                if note:
                    parameter["description"] = note
                if schema.get("type") == "array":
                    parameter["style"], parameter["explode"] = "form", True
                parameter["schema"] = schema
                parameters.append(parameter)
        return parameters, ignored

    def errors(self, operation: str) -> tuple[list[str], list[str]]:
        declared = [e["shape"] for e in self.model["operations"][operation].get("errors", [])]
        for code in SIGNER_NOT_PRODUCED.get(operation, []):
            if code not in declared:
                raise SpecError(f"SIGNER_NOT_PRODUCED[{operation}] lists {code}, which the model does not declare")
        not_produced = set(SIGNER_NOT_PRODUCED.get(operation, [])) | (set(SIGNER_NEVER) & set(declared))
        codes = set(declared) | set(SIGNER_EXTRA_ERRORS.get(operation, [])) | set(sigv4_error_codes())
        if self.model["operations"][operation]["input"]["shape"] in self.table:  # a decoded body
            codes |= {"SerializationException", "ValidationException"}
        if "profileName" in self.located(operation, "uri"):  # SigningProfileName validates it
            codes.add("ValidationException")
        codes -= not_produced
        for code in codes:
            if code not in SIGNER_ERROR_MEANINGS and (operation, code) not in SIGNER_ERROR_MEANINGS:
                raise SpecError(f"{operation}: no SIGNER_ERROR_MEANINGS entry for {code}")
            if code not in self.statuses:
                raise SpecError(f"{operation}: {code} is not produced by {SIGNER_ERRORS_SWIFT.name}")
        return sorted(codes), sorted(not_produced)

    def error_responses(self, operation: str, codes: list[str]) -> dict[str, dict]:
        titles = {400: "Client error", 402: "Service limit exceeded", 403: "Access denied", 404: "Not found",
                  409: "Conflict"}
        by_status: dict[int, list[str]] = {}
        for code in codes:
            by_status.setdefault(self.statuses[code], []).append(code)
        responses = {}
        for status, status_codes in sorted(by_status.items()):
            meaning = {code: SIGNER_ERROR_MEANINGS.get((operation, code)) or SIGNER_ERROR_MEANINGS[code]
                       for code in status_codes}
            title = titles.get(status, "Error")
            if len(status_codes) == 1:
                code = status_codes[0]
                description = f"{title} (`X-Amzn-ErrorType: {code}`): {meaning[code]}.\n"
            else:
                lines = [f"{title}. `X-Amzn-ErrorType` is one of:", ""]
                lines += [f"- `{code}`: {meaning[code]}" for code in status_codes]
                description = "\n".join(lines) + "\n"
            responses[str(status)] = {
                "description": description,
                "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"},
                            "X-Amzn-ErrorType": {"$ref": "#/components/headers/SignerErrorType"}},
                "content": {REST_JSON: {"schema": ref("SignerErrorResponse")}},
                "x-signet-error-types": status_codes,
            }
        return responses

    def operation(self, name: str, operation_id: str, tag: str, query_read: set[str]) -> dict:
        model_op = self.model["operations"][name]
        input_name = model_op["input"]["shape"]
        parameters, ignored = self.parameters(name, query_read)
        codes, not_produced = self.errors(name)
        lines = [f"AWS Signer operation `{name}` (rest-json)."]
        if SIGNER_NOTES.get(name):
            lines += ["", SIGNER_NOTES[name]]
        if ignored:
            lines += ["", "Model query members accepted and ignored: " + ", ".join(f"`{q}`" for q in ignored) + "."]
        host_prefix = model_op.get("endpoint", {}).get("hostPrefix")
        if host_prefix:
            lines += ["", f"The AWS SDKs send this operation to `{host_prefix}<endpoint host>` (the model's host prefix); "
                          "Signet serves it whatever the `Host` header is. Against a local endpoint such as "
                          "`127.0.0.1`, which has no such name, turn the prefix off: "
                          "`AWS_DISABLE_HOST_PREFIX_INJECTION=true` for the aws CLI and botocore."]
        if not_produced:
            lines += ["", "Declared by the AWS model for this operation but never returned by Signet: "
                      + ", ".join(f"`{code}`" for code in not_produced) + "."]
        result = {
            "tags": [tag],
            "operationId": operation_id,
            "summary": first_sentence(model_op.get("documentation", "")),
            "description": "\n".join(lines) + "\n",
            "security": [{"sigv4": []}, {}],
        }
        if parameters:
            result["parameters"] = parameters
        reads_body = name in SIGNER_ALWAYS_FAILS
        if input_name in self.table:
            reads_body = True
            component = self.structure(input_name, "in")
            has_required = bool(self.built[(input_name, "in")].get("required"))
            result["requestBody"] = {
                "required": has_required,
                "description": "A JSON object." if has_required else "A JSON object; an empty body counts as `{}`.",
                "content": {REST_JSON: {"schema": ref(component)}},
            }
        responses: dict[str, dict] = {}
        if name not in SIGNER_ALWAYS_FAILS:
            if "output" in model_op:
                responses["200"] = {
                    "description": "Success.",
                    "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"}},
                    "content": {REST_JSON: {"schema": ref(self.structure(model_op["output"]["shape"], "out"))}},
                }
            else:
                responses["200"] = {
                    "description": "Success. The body is empty (`Content-Length: 0`, no Content-Type).",
                    "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"}},
                }
        responses.update(self.error_responses(name, codes))
        if reads_body:
            responses["413"] = {"$ref": "#/components/responses/SignerRequestEntityTooLarge"}
        responses["500"] = {"$ref": "#/components/responses/SignerServerError"}
        result["responses"] = dict(sorted(responses.items()))
        return result

    def build_paths(self) -> dict:
        """The Signer path items (placeholders resolved); self.components then holds the Signer schemas."""
        verify_table_against_swift(SIGNER_SHAPES, (SIGNER_SHAPES_SWIFT, SIGNING_JOB_SHAPES_SWIFT), "SIGNER_SHAPES",
                                   (SHAPES_SWIFT,))
        self.statuses = self.error_statuses()
        self.verify_controller()
        ids = [operation_id for _, operation_id, _, _ in SIGNER_OPERATIONS]
        if len(set(ids)) != len(ids):
            raise SpecError("SIGNER_OPERATIONS has duplicate operationIds")
        paths: dict[str, dict] = {}
        for name, operation_id, tag, query in SIGNER_OPERATIONS:
            method, path = self.binding(name)
            paths.setdefault(path, {})[method.lower()] = self.operation(name, operation_id, tag, set(query.split()))
        rewrite = self.finish_components()
        return rewrite(paths)


# --------------------------------------------------------------------------------------------------------------
# The OCI distribution API v1.1 under /v2/ (no AWS model: hand-written) and the presigned layer route.
# The (method, path) pairs are derived from the sources by swift_routes.oci_routes() and must be exactly the keys
# of OCI_OPERATIONS; the documented (status, code) pairs must be ones Signet sends, and the other way round.
# --------------------------------------------------------------------------------------------------------------

OCI_JSON = "application/json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
IMAGE_MANIFEST_SWIFT = ROOT / "Sources/SignetDomain/Registry/ImageManifest.swift"
HTTP_FIELDS_SWIFT = ROOT / "Sources/SignetServer/HTTPField.Name+signet.swift"
OCI_SECURITY = [{"registryBasic": []}]

OCI_TAGS = {
    "discovery": "OCI base and listing",
    "manifests": "OCI manifests",
    "blobs": "OCI blobs",
    "uploads": "OCI blob uploads",
}

# Response headers (components/headers). "Standard" ones are HTTP's own; the others must be declared in
# HTTPField.Name+signet.swift.
OCI_HEADERS = {
    "RegistryAPIVersion": ("Docker-Distribution-API-Version", {
        "description": "Always `registry/2.0`; on every `/v2/` response, errors included.",
        "required": True, "schema": {"type": "string", "const": "registry/2.0"}}),
    "ContentDigest": ("Docker-Content-Digest", {
        "description": "The digest of the manifest or blob.", "required": True, "schema": ref("OCIDigest")}),
    "Location": ("Location", {
        "description": "A path on this server (no scheme or host): the manifest (`/v2/<name>/manifests/<digest>`), the "
                       "blob (`/v2/<name>/blobs/<digest>`) or the upload (`/v2/<name>/blobs/uploads/<uuid>`).",
        "required": True, "schema": {"type": "string", "pattern": "^/v2/"}}),
    "UploadRange": ("Range", {
        "description": "The bytes the upload holds, `0-<last byte>`; `0-0` also while it is empty.",
        "required": True, "schema": {"type": "string", "pattern": "^0-[0-9]+$"}}),
    "UploadUUID": ("Docker-Upload-UUID", {
        "description": "The upload's id, also the last segment of `Location`.",
        "required": True, "schema": {"type": "string", "format": "uuid"}}),
    "OCISubject": ("OCI-Subject", {
        "description": "The digest of the manifest's `subject`; present only when the manifest has one (the "
                       "referrers API is supported, so clients need not maintain a referrers tag).",
        "required": False, "schema": ref("OCIDigest")}),
    "OCIFiltersApplied": ("OCI-Filters-Applied", {
        "description": "`artifactType` when the `artifactType` query parameter filtered the list; absent otherwise.",
        "required": False, "schema": {"type": "string", "const": "artifactType"}}),
    "WWWAuthenticate": ("WWW-Authenticate", {
        "description": "The Basic challenge: `Basic realm=\"http://<host>:<port>/\",service=\"ecr.amazonaws.com\"`.",
        "required": True, "schema": {"type": "string", "pattern": "^Basic realm=\"[^\"]*\",service=\"ecr\\.amazonaws\\.com\"$"}}),
    "Link": ("Link", {
        "description": "The next page, `</v2/...?n=<n>&last=<last>>; rel=\"next\"`; absent on the last page.",
        "required": False, "schema": {"type": "string", "pattern": "^</v2/[^>]*>; rel=\"next\"$"}}),
    "ContentRange": ("Content-Range", {
        "description": "The bytes sent, `bytes <first>-<last>/<size>`.",
        "required": True, "schema": {"type": "string", "pattern": "^bytes [0-9]+-[0-9]+/[0-9]+$"}}),
    "AcceptRanges": ("Accept-Ranges", {
        "description": "Always `bytes`: blobs can be read in ranges.", "required": True,
        "schema": {"type": "string", "const": "bytes"}}),
    "DigestETag": ("ETag", {
        "description": "The quoted digest, `\"sha256:...\"`.", "required": True,
        "schema": {"type": "string", "pattern": "^\"(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})\"$"}}),
    "ContentLength": ("Content-Length", {
        "description": "The size of the body in bytes; on HEAD, of the body a GET would send.", "required": True,
        "schema": {"type": "integer", "minimum": 0}}),
}
STANDARD_HEADERS = {"Location", "Range", "Link", "Content-Range", "Accept-Ranges", "ETag", "Content-Length"}

OCI_PARAMETERS = {
    "OCIName": {
        "name": "name", "in": "path", "required": True,
        "description": "The repository name with its `/` unescaped: `team/app` is addressed as "
                       "`/v2/team/app/manifests/v1`. OpenAPI path parameters cannot contain `/`, so this template "
                       "is only approximate (`x-signet-name-contains-slashes`): Signet parses a `/v2/` path from its "
                       "end (OCIRoute), and the name is everything between `/v2/` and the route's last segments. A "
                       "name that breaks ECR's repository-name rules is 400 `NAME_INVALID`; one that does not exist "
                       "404 `NAME_UNKNOWN` (there is no create-on-push).",
        "x-signet-name-contains-slashes": True,
        "schema": ref("RepositoryName"),
    },
    "OCIReference": {
        "name": "reference", "in": "path", "required": True,
        "description": "A tag, or a digest (anything with a `:` is read as a digest).",
        "schema": {"type": "string", "minLength": 1},
    },
    "OCIDigest": {
        "name": "digest", "in": "path", "required": True,
        "description": "A digest, `sha256:<64 hex>` (`sha512:<128 hex>` parses, but uploads are hashed with SHA-256). "
                       "Anything else is 400 `DIGEST_INVALID`.",
        "schema": ref("OCIDigest"),
    },
    "OCIUploadUUID": {
        "name": "uuid", "in": "path", "required": True,
        "description": "The upload's id (`Docker-Upload-UUID`). Upload sessions are kept in memory: after a restart "
                       "every id is 404 `BLOB_UPLOAD_UNKNOWN`.",
        "schema": {"type": "string"},
    },
    "OCIPageSize": {
        "name": "n", "in": "query", "required": False,
        "description": "Page size. When more entries follow, the response has a `Link` to the next page. A value "
                       "that is not a non-negative integer is ignored (everything is returned).",
        "schema": {"type": "integer", "minimum": 0},
    },
    "OCIPageLast": {
        "name": "last", "in": "query", "required": False,
        "description": "Only entries sorting after this one (the last entry of the previous page).",
        "schema": {"type": "string"},
    },
}

# What an error code means: OCI_ERROR_MEANINGS[(operationId, code)], else OCI_ERROR_MEANINGS[code].
OCI_ERROR_MEANINGS = {
    "UNAUTHORIZED": "no `Authorization` header, one that is not HTTP Basic, or empty Basic credentials",
    "DENIED": "the Basic credentials are not `AWS` and a password from GetAuthorizationToken, the password is forged "
              "or has expired (12 hours), or it was issued for another registry (account and region) than the one "
              "`/v2/` serves (`--account-id`, `--region`)",
    "NAME_INVALID": "`{name}` is not a valid repository name (an empty segment, as in `team//app`, included)",
    "PAGINATION_NUMBER_INVALID": "`n` is not a whole number of results (negative, or not a number)",
    "NAME_UNKNOWN": "the repository does not exist (no create-on-push: create it with CreateRepository first)",
    "MANIFEST_UNKNOWN": "no manifest has that tag or digest in the repository",
    "BLOB_UNKNOWN": "no blob with that digest is stored",
    "DIGEST_INVALID": "`{digest}` is not a digest",
    "BLOB_UPLOAD_UNKNOWN": "no upload with that id is in progress for this repository (it ended, was canceled, or the "
                           "server restarted)",
    "UNKNOWN": "an unexpected failure (the details go to the server log)",
    ("OCIPutManifest", "DIGEST_INVALID"): "`{reference}` contains `:` but is not a digest, or is not the digest of the body",
    ("OCIPutManifest", "TAG_INVALID"): "`{reference}` is not a tag of the distribution grammar "
                                       "`[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`, or the repository's tags are immutable and "
                                       "the tag already names another manifest",
    ("OCIPutManifest", "MANIFEST_INVALID"): "the body is not a JSON manifest of a supported media type, its "
                                            "`mediaType` differs from `Content-Type`, or neither gives a media type",
    ("OCIPutManifest", "MANIFEST_BLOB_UNKNOWN"): "a blob the manifest references (config, layers), or a manifest an "
                                                 "index references, is not in the registry (`detail` lists the digests)",
    ("OCIPutManifest", "SIZE_INVALID"): "the manifest is larger than 4 MiB (4194304 bytes)",
    ("OCIDeleteManifest", "DIGEST_INVALID"): "`{reference}` contains `:` but is not a digest",
    ("OCIDeleteManifest", "DENIED"): "the manifest is referenced by an index in the repository",
    ("OCIGetBlob", "BLOB_UNKNOWN"): "no blob with that digest is stored (404), or the `Range` cannot be satisfied (416)",
    ("OCIHeadBlob", "BLOB_UNKNOWN"): "no blob with that digest is stored (404), or the `Range` cannot be satisfied (416)",
    ("OCIDeleteBlob", "UNSUPPORTED"): "always, for an existing repository: blobs cannot be deleted (ECR removes "
                                      "layers with their images)",
    ("OCIStartUpload", "DIGEST_INVALID"): "`digest` is not a digest, or is not the digest of the body",
    ("OCIStartUpload", "SIZE_INVALID"): "a body was sent without `digest` (only a monolithic upload has one)",
    ("OCIPatchUpload", "BLOB_UPLOAD_INVALID"): "`Content-Range` is malformed or does not start where the upload "
                                               "stands (416), or another request of the upload is still writing (400)",
    ("OCIFinishUpload", "DIGEST_INVALID"): "`digest` is missing, is not a digest, or is not the digest of the "
                                           "uploaded bytes (the upload then ends)",
    ("OCIFinishUpload", "BLOB_UPLOAD_INVALID"): "another request of the upload is still writing",
}

_UPLOAD_HEADERS = ["Location", "UploadRange", "UploadUUID"]
_RANGE = {"name": "Range", "in": "header", "required": False,
          "description": "One byte range: `bytes=<first>-<last>`, `bytes=<first>-` or `bytes=-<suffix length>` (206). "
                         "A range that starts past the end is 416 with `Content-Range: bytes */<size>`. Another unit, "
                         "or several ranges, are ignored (the whole blob, 200), as RFC 9110 §14.2 allows.",
          "schema": {"type": "string"}}
_BLOB_HEADERS = ["ContentDigest", "AcceptRanges", "DigestETag", "ContentLength"]
_CREATED_HEADERS = ["Location", "ContentDigest"]

# (METHOD, path) -> what the route does. "errors": (status, code) beyond the ones every route has (401
# UNAUTHORIZED, 403 DENIED, 500 UNKNOWN) and, when the path has {name}, 400 NAME_INVALID and 404 NAME_UNKNOWN.
OCI_OPERATIONS = {
    ("GET", "/v2/"): {
        "operationId": "OCIBase", "tag": "discovery",
        "summary": "Checks that the registry speaks the distribution API and accepts the credentials.",
        "description": "The first request of `docker login`, skopeo and other clients. Without credentials: 401 with "
                       "a Basic challenge (`WWW-Authenticate`).",
        "responses": {"200": ("The credentials are accepted; the body is `{}`.", [],
                              {OCI_JSON: {"type": "object", "maxProperties": 0}})},
    },
    ("GET", "/v2/_catalog"): {
        "operationId": "OCICatalog", "tag": "discovery",
        "summary": "Lists the registry's repositories.",
        "description": "The repositories of the registry `/v2/` serves, sorted by name.",
        "parameters": ["OCIPageSize", "OCIPageLast"],
        "responses": {"200": ("The repository names.", ["Link"], {OCI_JSON: ref("OCICatalog")})},
        "errors": [(400, "PAGINATION_NUMBER_INVALID")],
    },
    ("HEAD", "/v2/_catalog"): {
        "operationId": "OCIHeadCatalog", "tag": "discovery",
        "summary": "The headers of the catalog, without a body (as distribution answers HEAD).",
        "parameters": ["OCIPageSize", "OCIPageLast"],
        "responses": {"200": ("The headers of `GET`.", ["Link"], None)},
        "errors": [(400, "PAGINATION_NUMBER_INVALID")],
    },
    ("GET", "/v2/{name}/manifests/{reference}"): {
        "operationId": "OCIGetManifest", "tag": "manifests",
        "summary": "Fetches a manifest by tag or digest.",
        "description": "The manifest's bytes exactly as pushed, with its media type as `Content-Type`. `Accept` is "
                       "not consulted: Signet converts nothing between formats.",
        "parameters": ["OCIName", "OCIReference"],
        "responses": {"200": ("The manifest.", ["ContentDigest", "DigestETag", "ContentLength"], "manifests")},
        "errors": [(404, "MANIFEST_UNKNOWN")],
    },
    ("HEAD", "/v2/{name}/manifests/{reference}"): {
        "operationId": "OCIHeadManifest", "tag": "manifests",
        "summary": "Checks that a manifest exists; its digest, media type and size.",
        "description": "The headers of `GET` (`Content-Type` is the manifest's media type), without a body.",
        "parameters": ["OCIName", "OCIReference"],
        "responses": {"200": ("The manifest exists.", ["ContentDigest", "DigestETag", "ContentLength"], None)},
        "errors": [(404, "MANIFEST_UNKNOWN")],
    },
    ("PUT", "/v2/{name}/manifests/{reference}"): {
        "operationId": "OCIPutManifest", "tag": "manifests",
        "summary": "Pushes a manifest, tagged or by digest.",
        "description": (
            "- The repository must exist (no create-on-push: 404 `NAME_UNKNOWN`).\n"
            "- Every blob the manifest references must have been uploaded, and every manifest an index references "
            "pushed (400 `MANIFEST_BLOB_UNKNOWN`).\n"
            "- Pushing the same manifest (and tag) again is idempotent: 201 again. (`PutImage` says "
            "`ImageAlreadyExistsException` instead.) Moving a tag to another manifest is allowed unless the "
            "repository's tags are immutable (400 `TAG_INVALID`).\n"
            "- A manifest with a `subject` is a referrer: the response has `OCI-Subject`, and the manifest is listed by "
            "`GET /v2/{name}/referrers/{digest}` of its subject (the subject need not exist).\n"
            "- The bytes are stored verbatim; the digest is SHA-256 of the body."),
        "parameters": ["OCIName", "OCIReference"],
        "requestBody": "manifest",
        "responses": {"201": ("Stored. `Location` is the manifest by digest.", _CREATED_HEADERS + ["OCISubject"], None)},
        "errors": [(400, "DIGEST_INVALID"), (400, "TAG_INVALID"), (400, "MANIFEST_INVALID"),
                   (400, "MANIFEST_BLOB_UNKNOWN"), (413, "SIZE_INVALID")],
    },
    ("DELETE", "/v2/{name}/manifests/{reference}"): {
        "operationId": "OCIDeleteManifest", "tag": "manifests",
        "summary": "Deletes a manifest (by digest) or a tag.",
        "description": "As `BatchDeleteImage` with one image id: by digest, the image and all its tags; by tag, the "
                       "tag (and the image when it was its last tag).",
        "parameters": ["OCIName", "OCIReference"],
        "responses": {"202": ("Deleted. No body.", [], None)},
        "errors": [(400, "DIGEST_INVALID"), (404, "MANIFEST_UNKNOWN"), (409, "DENIED")],
    },
    ("GET", "/v2/{name}/blobs/{digest}"): {
        "operationId": "OCIGetBlob", "tag": "blobs",
        "summary": "Fetches a blob, whole or a byte range.",
        "description": "Blobs are content-addressed per data directory: any blob stored by any repository of the "
                       "registry can be read through an existing repository. One `Range` (`bytes=a-b`, `bytes=a-`, "
                       "`bytes=-n`) gives 206 with `Content-Range`; a range that cannot be satisfied is 416.",
        "parameters": ["OCIName", "OCIDigest", _RANGE],
        "responses": {
            "200": ("The blob.", _BLOB_HEADERS, "blob"),
            "206": ("The requested range.", _BLOB_HEADERS + ["ContentRange"], "blob")},
        "errors": [(400, "DIGEST_INVALID"), (404, "BLOB_UNKNOWN"), (416, "BLOB_UNKNOWN")],
    },
    ("HEAD", "/v2/{name}/blobs/{digest}"): {
        "operationId": "OCIHeadBlob", "tag": "blobs",
        "summary": "Checks that a blob exists; its size.",
        "description": "The headers of `GET`, without a body (`Range` is honoured the same way).",
        "parameters": ["OCIName", "OCIDigest", _RANGE],
        "responses": {"200": ("The blob exists.", _BLOB_HEADERS, None),
                      "206": ("The blob exists; the headers describe the requested range.",
                              _BLOB_HEADERS + ["ContentRange"], None)},
        "errors": [(400, "DIGEST_INVALID"), (404, "BLOB_UNKNOWN"), (416, "BLOB_UNKNOWN")],
    },
    ("DELETE", "/v2/{name}/blobs/{digest}"): {
        "operationId": "OCIDeleteBlob", "tag": "blobs",
        "summary": "Not supported: always 405.",
        "description": "ECR does not delete layers on request; it removes them with their images. Signet answers "
                       "405 `UNSUPPORTED` (with `Allow: GET, HEAD`) for every existing repository.",
        "parameters": ["OCIName", "OCIDigest"],
        "responses": {},
        "errors": [(405, "UNSUPPORTED")],
    },
    ("POST", "/v2/{name}/blobs/uploads/"): {
        "operationId": "OCIStartUpload", "tag": "uploads",
        "summary": "Starts a blob upload, uploads a blob in one request, or mounts a blob from another repository.",
        "description": (
            "Served with or without the trailing `/`.\n\n"
            "- `?mount=<digest>&from=<repository>`: when `from` is an existing repository of the registry and the "
            "blob is stored, 201 without any upload (blobs are content-addressed per data directory). Otherwise the "
            "request goes on as if `mount` and `from` were absent.\n"
            "- `?digest=<digest>`: a monolithic upload; the body is the whole blob, verified against `digest` "
            "(201).\n"
            "- Neither: 202 and an upload session to `PATCH` and `PUT` (`Location`). The body must be empty.\n\n"
            "Uploaded bytes stream into `<data-dir>/tmp/` and are hashed as they arrive; the blob appears under "
            "`blobs/sha256/...` only once its digest is verified, the file fsynced and renamed into place. Upload "
            "sessions are kept in memory: a restart drops uploads in progress (clients start them again)."),
        "parameters": ["OCIName",
                       {"name": "digest", "in": "query", "required": False,
                        "description": "The digest of the body: a monolithic upload.", "schema": {"type": "string"}},
                       {"name": "mount", "in": "query", "required": False,
                        "description": "A blob to mount from `from`.", "schema": {"type": "string"}},
                       {"name": "from", "in": "query", "required": False,
                        "description": "The repository to mount from (same registry).", "schema": {"type": "string"}}],
        "requestBody": "blob-optional",
        "responses": {
            "201": ("The blob is stored (monolithic upload) or mounted.", _CREATED_HEADERS, None),
            "202": ("An upload session was started.", _UPLOAD_HEADERS, None)},
        "errors": [(400, "DIGEST_INVALID"), (413, "SIZE_INVALID")],
    },
    ("GET", "/v2/{name}/blobs/uploads/{uuid}"): {
        "operationId": "OCIUploadStatus", "tag": "uploads",
        "summary": "How far an upload has got.",
        "parameters": ["OCIName", "OCIUploadUUID"],
        "responses": {"204": ("The upload is in progress; `Range` says how many bytes it holds.", _UPLOAD_HEADERS, None)},
        "errors": [(404, "BLOB_UPLOAD_UNKNOWN")],
    },
    ("HEAD", "/v2/{name}/blobs/uploads/{uuid}"): {
        "operationId": "OCIHeadUploadStatus", "tag": "uploads",
        "summary": "How far an upload has got: the same answer as `GET` (as distribution serves HEAD here).",
        "parameters": ["OCIName", "OCIUploadUUID"],
        "responses": {"204": ("The upload is in progress; `Range` says how many bytes it holds.", _UPLOAD_HEADERS, None)},
        "errors": [(404, "BLOB_UPLOAD_UNKNOWN")],
    },
    ("PATCH", "/v2/{name}/blobs/uploads/{uuid}"): {
        "operationId": "OCIPatchUpload", "tag": "uploads",
        "summary": "Appends a chunk to an upload.",
        "description": "The body is appended. With `Content-Range`, its first byte must equal the bytes received so "
                       "far (416 otherwise); without, the chunk is appended as is (streamed).",
        "parameters": ["OCIName", "OCIUploadUUID", {
            "name": "Content-Range", "in": "header", "required": False,
            "description": "`<first>-<last>` (the distribution form; `bytes <first>-<last>/<size>` is accepted too).",
            "schema": {"type": "string"}}],
        "requestBody": "blob",
        "responses": {"202": ("The chunk is stored.", _UPLOAD_HEADERS, None)},
        "errors": [(400, "BLOB_UPLOAD_INVALID"), (404, "BLOB_UPLOAD_UNKNOWN"), (416, "BLOB_UPLOAD_INVALID")],
    },
    ("PUT", "/v2/{name}/blobs/uploads/{uuid}"): {
        "operationId": "OCIFinishUpload", "tag": "uploads",
        "summary": "Completes an upload, optionally with a last chunk.",
        "description": "The body (possibly empty) is appended, then the whole upload is verified against `digest`: "
                       "on a match the blob is published (201); on a mismatch the upload ends (400 `DIGEST_INVALID`).",
        "parameters": ["OCIName", "OCIUploadUUID", {
            "name": "digest", "in": "query", "required": True,
            "description": "The digest of the whole blob.", "schema": {"type": "string"}}],
        "requestBody": "blob-optional",
        "responses": {"201": ("The blob is stored.", _CREATED_HEADERS, None)},
        "errors": [(400, "DIGEST_INVALID"), (400, "BLOB_UPLOAD_INVALID"), (404, "BLOB_UPLOAD_UNKNOWN")],
    },
    ("DELETE", "/v2/{name}/blobs/uploads/{uuid}"): {
        "operationId": "OCICancelUpload", "tag": "uploads",
        "summary": "Cancels an upload and drops its bytes.",
        "parameters": ["OCIName", "OCIUploadUUID"],
        "responses": {"204": ("Canceled.", [], None)},
        "errors": [(404, "BLOB_UPLOAD_UNKNOWN")],
    },
    ("GET", "/v2/{name}/tags/list"): {
        "operationId": "OCIListTags", "tag": "discovery",
        "summary": "Lists a repository's tags.",
        "description": "Tags sorted (byte order).",
        "parameters": ["OCIName", "OCIPageSize", "OCIPageLast"],
        "responses": {"200": ("The tags.", ["Link"], {OCI_JSON: ref("OCITagList")})},
        "errors": [(400, "PAGINATION_NUMBER_INVALID")],
    },
    ("HEAD", "/v2/{name}/tags/list"): {
        "operationId": "OCIHeadTags", "tag": "discovery",
        "summary": "The headers of the tag list, without a body (as distribution answers HEAD).",
        "parameters": ["OCIName", "OCIPageSize", "OCIPageLast"],
        "responses": {"200": ("The headers of `GET`.", ["Link"], None)},
        "errors": [(400, "PAGINATION_NUMBER_INVALID")],
    },
    ("GET", "/v2/{name}/referrers/{digest}"): {
        "operationId": "OCIListReferrers", "tag": "discovery",
        "summary": "Lists the manifests whose `subject` is a digest (OCI 1.1 referrers API).",
        "description": "An image index of descriptors of the repository's manifests whose `subject` is `{digest}`, "
                       "with their `artifactType` (the manifest's `artifactType`, else its config's media type) and "
                       "`annotations`. The subject need not exist: then, or without referrers, the list is empty "
                       "(never 404). Not paginated. `Content-Type` is exactly `" + OCI_INDEX + "`.",
        "parameters": ["OCIName", "OCIDigest", {
            "name": "artifactType", "in": "query", "required": False,
            "description": "Only referrers of this artifact type; the response then has `OCI-Filters-Applied: "
                           "artifactType`.", "schema": {"type": "string"}}],
        "responses": {"200": ("The referrers.", ["OCIFiltersApplied"], {OCI_INDEX: ref("OCIReferrersIndex")})},
        "errors": [(400, "DIGEST_INVALID")],
    },
    ("HEAD", "/v2/{name}/referrers/{digest}"): {
        "operationId": "OCIHeadReferrers", "tag": "discovery",
        "summary": "The headers of the referrers list, without a body (as distribution answers HEAD).",
        "parameters": ["OCIName", "OCIDigest", {
            "name": "artifactType", "in": "query", "required": False,
            "description": "As for `GET`.", "schema": {"type": "string"}}],
        "responses": {"200": ("The headers of `GET`.", ["OCIFiltersApplied"], None)},
        "errors": [(400, "DIGEST_INVALID")],
    },
}
OCI_COMMON_ERRORS = [(401, "UNAUTHORIZED"), (403, "DENIED"), (500, "UNKNOWN")]
OCI_NAME_ERRORS = [(400, "NAME_INVALID"), (404, "NAME_UNKNOWN")]
# Sent for no documented route: a /v2/ path that is no route; any other method on a route.
OCI_ROUTELESS_ERRORS = {"NOT_FOUND": {404}, "UNSUPPORTED": {405}}

# GET /_signet/layers/{digest}: what the responses mean (statuses, content types and messages come from the source).
LAYER_DOWNLOAD_QUERY = {
    "registry": ("The registry's account id.", {"type": "string"}),
    "region": ("The registry's region.", {"type": "string"}),
    "repository": ("The repository name (percent-encoded in the URL: `team%2Fapp`).", {"type": "string"}),
    "expires": ("Expiry, epoch seconds (issue time + 1 hour).", {"type": "integer", "format": "int64"}),
    "signature": ("HMAC-SHA256 (base64url) over the digest and the other parameters, with the data directory's "
                  "registry secret.", {"type": "string"}),
}
LAYER_DOWNLOAD_MEANINGS = {
    200: "The layer's bytes.",
    403: "A parameter is missing, the signature does not match, or the URL has expired.",
    404: "The URL is valid but the blob is no longer stored.",
}


class RegistryBuilder:
    """The /v2/ paths and the presigned layer route, and the components they use (merged into the document)."""

    def __init__(self) -> None:
        self.schemas: dict[str, dict] = {}
        self.headers: dict[str, dict] = {}
        self.responses: dict[str, dict] = {}
        self.parameters: dict[str, dict] = dict(OCI_PARAMETERS)

    # ---- verification against the sources ----------------------------------------------------------------

    def verify(self) -> None:
        try:
            served = swift_routes.oci_routes()
            sent = swift_routes.oci_error_codes()
        except swift_routes.SourceError as error:
            raise SpecError(f"swift_routes: {error}")
        problems = []
        documented = set(OCI_OPERATIONS)
        routes = {(method, path) for method, path, _ in served}
        for method, path in sorted(routes - documented):
            problems.append(f"served but not in OCI_OPERATIONS: {method} {path}")
        for method, path in sorted(documented - routes):
            problems.append(f"in OCI_OPERATIONS but not served: {method} {path}")
        pairs = {(status, code) for key in OCI_OPERATIONS for status, code in self.errors(key)}
        pairs |= {(status, code) for code, statuses in OCI_ROUTELESS_ERRORS.items() for status in statuses}
        for status, code in sorted(pairs):
            if code not in sent:
                problems.append(f"{code} is documented but Signet never sends it")
            elif sent[code] is not None and status not in sent[code]:
                problems.append(f"{code} is documented with {status}, Signet sends it with {sorted(sent[code])}")
        for code, statuses in sorted(sent.items()):
            if statuses is None:  # sent with a status computed at run time
                if code not in {c for _, c in pairs}:
                    problems.append(f"Signet sends {code}, which no route documents")
                continue
            for status in sorted(statuses):
                if (status, code) not in pairs:
                    problems.append(f"Signet sends {status} {code}, which no route documents")
        for key in OCI_OPERATIONS:
            op = OCI_OPERATIONS[key]
            for status, code in self.errors(key):
                if (op["operationId"], code) not in OCI_ERROR_MEANINGS and code not in OCI_ERROR_MEANINGS:
                    problems.append(f"{op['operationId']}: no OCI_ERROR_MEANINGS entry for {code}")
        declared = set(re.findall(r'Self\("([\w-]+)"\)', HTTP_FIELDS_SWIFT.read_text()))
        for name, _ in OCI_HEADERS.values():
            if name not in STANDARD_HEADERS and name not in declared:
                problems.append(f"header {name} is not declared in {HTTP_FIELDS_SWIFT.name}")
        if problems:
            raise SpecError("OCI_OPERATIONS differ from the /v2/ sources:\n  " + "\n  ".join(problems))

    @staticmethod
    def manifest_types() -> list[str]:
        """The manifest media types ImageManifest accepts (its MediaType constants)."""
        source = IMAGE_MANIFEST_SWIFT.read_text()
        block = re.search(r"enum MediaType \{(.*?)\n    \}", source, re.S)
        types = re.findall(r'static let \w+ = "([^"]+)"', block.group(1)) if block else []
        if len(types) < 2:
            raise SpecError(f"{IMAGE_MANIFEST_SWIFT.name}: no MediaType constants found")
        return types

    @staticmethod
    def errors(key: tuple[str, str]) -> list[tuple[int, str]]:
        op = OCI_OPERATIONS[key]
        pairs = list(op.get("errors", []))
        if "{name}" in key[1]:
            pairs += OCI_NAME_ERRORS
        return sorted(set(pairs + OCI_COMMON_ERRORS))

    # ---- components ----------------------------------------------------------------------------------------

    def build_components(self) -> None:
        digest = {"type": "string", "pattern": "^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$"}
        self.schemas["OCIDigest"] = digest
        self.schemas["OCIErrorResponse"] = {
            "type": "object",
            "description": "The distribution API's error envelope. Signet always sends exactly one error; `detail`, "
                           "when present, is a string (a digest, a tag, an upload id or a reason).",
            "required": ["errors"],
            "properties": {"errors": {"type": "array", "minItems": 1, "maxItems": 1, "items": {
                "type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "detail": {"type": "string"}},
                "additionalProperties": False}}},
            "additionalProperties": False,
        }
        self.schemas["OCICatalog"] = {
            "type": "object", "required": ["repositories"],
            "properties": {"repositories": {"type": "array", "items": ref("RepositoryName")}},
            "additionalProperties": False,
        }
        self.schemas["OCITagList"] = {
            "type": "object", "required": ["name", "tags"],
            "properties": {"name": ref("RepositoryName"), "tags": {"type": "array", "items": ref("ImageTag")}},
            "additionalProperties": False,
        }
        self.schemas["OCIDescriptor"] = {
            "type": "object", "required": ["mediaType", "digest", "size"],
            "properties": {
                "mediaType": {"type": "string"},
                "digest": ref("OCIDigest"),
                "size": {"type": "integer", "format": "int64", "minimum": 0},
                "artifactType": {"type": "string"},
                "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "additionalProperties": False,
        }
        self.schemas["OCIReferrersIndex"] = {
            "type": "object", "required": ["schemaVersion", "mediaType", "manifests"],
            "properties": {
                "schemaVersion": {"type": "integer", "const": 2},
                "mediaType": {"type": "string", "const": OCI_INDEX},
                "manifests": {"type": "array", "items": ref("OCIDescriptor")},
            },
            "additionalProperties": False,
        }
        self.schemas["OCIManifest"] = {
            "type": "object",
            "description": "An image manifest or index (OCI or Docker schema 2), stored and served byte for byte. "
                           "Only the members Signet reasons about are listed.",
            "required": ["schemaVersion"],
            "properties": {
                "schemaVersion": {"type": "integer", "const": 2},
                "mediaType": {"type": "string"},
                "artifactType": {"type": "string"},
                "config": ref("OCIDescriptor"),
                "layers": {"type": "array", "items": ref("OCIDescriptor")},
                "manifests": {"type": "array", "items": ref("OCIDescriptor")},
                "subject": ref("OCIDescriptor"),
            },
        }
        for name, (wire, header) in OCI_HEADERS.items():
            self.headers[name] = copy.deepcopy(header)
        common = {"Docker-Distribution-API-Version": {"$ref": "#/components/headers/RegistryAPIVersion"},
                  "x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"}}
        for name, status, code, extra in (("OCIUnauthorized", 401, "UNAUTHORIZED", {"WWW-Authenticate": "WWWAuthenticate"}),
                                          ("OCIDenied", 403, "DENIED", {}), ("OCIServerError", 500, "UNKNOWN", {})):
            headers = dict(common)
            headers.update({wire: {"$ref": f"#/components/headers/{component}"} for wire, component in extra.items()})
            description = f"`{code}`: {OCI_ERROR_MEANINGS[code]}."
            self.responses[name] = {"description": description + "\n", "headers": headers,
                                    "content": {OCI_JSON: {"schema": ref("OCIErrorResponse")}},
                                    "x-signet-error-codes": [code]}
            self.responses[name + "Head"] = {"description": description + " No body (HEAD).\n", "headers": headers,
                                             "x-signet-error-codes": [code]}

    # ---- operations ----------------------------------------------------------------------------------------

    def operation(self, key: tuple[str, str]) -> dict:
        method, path = key
        op = OCI_OPERATIONS[key]
        head = method == "HEAD"
        common = {"Docker-Distribution-API-Version": {"$ref": "#/components/headers/RegistryAPIVersion"},
                  "x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"}}
        result: dict = {"tags": [OCI_TAGS[op["tag"]]], "operationId": op["operationId"], "summary": op["summary"]}
        if op.get("description"):
            result["description"] = op["description"] + "\n"
        result["security"] = OCI_SECURITY
        parameters = []
        for parameter in op.get("parameters", []):
            parameters.append({"$ref": f"#/components/parameters/{parameter}"} if isinstance(parameter, str) else parameter)
        if parameters:
            result["parameters"] = parameters
        body = op.get("requestBody")
        if body == "manifest":
            types = self.manifest_types()
            result["requestBody"] = {
                "required": True,
                "description": "The manifest. `Content-Type` is its media type (parameters ignored); it may be omitted "
                               "when the manifest has a `mediaType`, and must equal it when both are given. At most "
                               "4 MiB.",
                "content": {media: {"schema": ref("OCIManifest")} for media in types},
            }
        elif body in ("blob", "blob-optional"):
            result["requestBody"] = {
                "required": body == "blob",
                "description": "Bytes of the blob (streamed to disk, hashed on the way)." if body == "blob" else
                               "Bytes of the blob, or empty.",
                "content": {"application/octet-stream": {}},
            }
        responses: dict[str, dict] = {}
        for status, (description, header_names, content) in op["responses"].items():
            headers = dict(common)
            headers.update({OCI_HEADERS[name][0]: {"$ref": f"#/components/headers/{name}"} for name in header_names})
            response: dict = {"description": description + "\n", "headers": headers}
            if content == "manifests":
                response["content"] = {media: {"schema": ref("OCIManifest")} for media in self.manifest_types()}
            elif content == "blob":
                response["content"] = {"application/octet-stream": {}}
            elif content:
                response["content"] = {media: {"schema": schema} for media, schema in content.items()}
            responses[status] = response
        by_status: dict[int, list[str]] = {}
        for status, code in self.errors(key):
            by_status.setdefault(status, []).append(code)
        for status, codes in sorted(by_status.items()):
            shared = {401: "OCIUnauthorized", 403: "OCIDenied", 500: "OCIServerError"}.get(status)
            if shared and codes == [self.responses[shared]["x-signet-error-codes"][0]]:
                responses[str(status)] = {"$ref": f"#/components/responses/{shared}{'Head' if head else ''}"}
                continue
            meaning = {code: OCI_ERROR_MEANINGS.get((op["operationId"], code)) or OCI_ERROR_MEANINGS[code] for code in codes}
            if len(codes) == 1:
                description = f"`{codes[0]}`: {meaning[codes[0]]}."
            else:
                description = "\n".join(["`errors[0].code` is one of:", ""] + [f"- `{c}`: {meaning[c]}" for c in codes])
            response = {"description": description + (" No body (HEAD)." if head else "") + "\n", "headers": dict(common)}
            if not head:
                response["content"] = {OCI_JSON: {"schema": ref("OCIErrorResponse")}}
            response["x-signet-error-codes"] = codes
            responses[str(status)] = response
        result["responses"] = dict(sorted(responses.items()))
        return result

    def layer_download(self) -> dict:
        """GET /_signet/layers/{digest}, read from LayerDownloadURL.swift."""
        source = LAYER_DOWNLOAD_SWIFT.read_text()
        route = re.search(r'router\.get\("/_signet/layers/:digest"\)(.*?)\n    \}\n', source, re.S)
        if not route:
            raise SpecError(f"{LAYER_DOWNLOAD_SWIFT.name}: no router.get(\"/_signet/layers/:digest\")")
        body = route.group(1)
        query = re.findall(r'query\.get\("(\w+)"\)', body)
        if sorted(query) != sorted(LAYER_DOWNLOAD_QUERY):
            raise SpecError(f"{LAYER_DOWNLOAD_SWIFT.name} reads {sorted(query)}, LAYER_DOWNLOAD_QUERY has "
                            f"{sorted(LAYER_DOWNLOAD_QUERY)}")
        answers: dict[int, dict] = {}
        for status, content_type, message in re.findall(
                r'Response\(status: \.(\w+), headers: \[\.contentType: "([^"]+)"\], body: [^\n]*ByteBuffer\(string: "([^"]*)"\)', body):
            entry = answers.setdefault(swift_routes.STATUSES[status], {"type": content_type, "messages": []})
            if entry["type"] != content_type:
                raise SpecError(f"{LAYER_DOWNLOAD_SWIFT.name}: {status} is sent with two content types")
            entry["messages"].append(message.replace("\\n", "\n"))
        success = re.search(r'let headers: HTTPFields = \[\.contentType: "([^"]+)"', body)
        if success and re.search(r"Response\(status: \.ok, headers: headers", body):
            answers[200] = {"type": success.group(1), "messages": []}
        if sorted(answers) != sorted(LAYER_DOWNLOAD_MEANINGS):
            raise SpecError(f"{LAYER_DOWNLOAD_SWIFT.name} answers {sorted(answers)}, LAYER_DOWNLOAD_MEANINGS has "
                            f"{sorted(LAYER_DOWNLOAD_MEANINGS)}")
        parameters = [{"name": "digest", "in": "path", "required": True, "description": "The layer's digest.",
                       "schema": ref("OCIDigest")}]
        for name, (description, schema) in LAYER_DOWNLOAD_QUERY.items():
            parameters.append({"name": name, "in": "query", "required": True, "description": description,
                               "schema": schema})
        responses = {}
        for status, answer in sorted(answers.items()):
            response: dict = {"description": LAYER_DOWNLOAD_MEANINGS[status] + "\n",
                              "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"}}}
            if status == 200:
                response["headers"]["Content-Length"] = {"$ref": "#/components/headers/ContentLength"}
                response["content"] = {answer["type"]: {}}
            else:
                response["content"] = {answer["type"]: {"schema": {"type": "string", "enum": answer["messages"]}}}
            responses[str(status)] = response
        responses["500"] = {"$ref": "#/components/responses/ServerError"}
        return {"get": {
            "tags": ["Layers"],
            "operationId": "SignetLayerDownload",
            "summary": "Downloads a layer through a presigned URL from GetDownloadUrlForLayer.",
            "description": "The counterpart of the presigned Amazon S3 URLs ECR hands out: no credentials, valid for "
                           "1 hour, one layer. Errors are plain text (S3's XML errors are not emulated).\n",
            "security": [],
            "parameters": parameters,
            "responses": responses,
        }}

    def build_paths(self) -> dict:
        self.verify()
        self.build_components()
        paths: dict[str, dict] = {"/_signet/layers/{digest}": self.layer_download()}
        for _, path, _ in swift_routes.oci_routes():  # source order
            paths.setdefault(path, {})
        for method, path in OCI_OPERATIONS:
            paths[path][method.lower()] = self.operation((method, path))
        return paths

# --------------------------------------------------------------------------------------------------------------
# Admin routes (AdminController.swift): no AWS model. Their paths, content types, the metric families (name,
# type, labels) and the signature price are read from the source and must match ADMIN_ROUTES / ADMIN_METRICS.
# --------------------------------------------------------------------------------------------------------------

PEM_CERTIFICATE = "^-----BEGIN CERTIFICATE-----\\n(?:[A-Za-z0-9+/=]{1,64}\\n)+-----END CERTIFICATE-----\\n?$"

# path -> (operationId, Content-Type of the 200 answer, summary, description)
ADMIN_ROUTES = {
    "/_signet/health": ("SignetHealth", "application/json", "Liveness, version and store kind.", None),
    "/_signet/ca.pem": (
        "SignetRootCA", "application/x-pem-file", "Signet's root CA certificate (PEM).",
        "The trust anchor of every signature Signet makes (SignPayload and ECR managed signing): an ECDSA P-384 "
        "certificate, `C=US, ST=WA, O=Signet, CN=Signet Root CA`, valid for 50 years. Each signature's `x5c` chain is "
        "a leaf certificate per signing-profile version (`C=US, ST=WA, L=<region>, O=Signet, OU=<account>, "
        "CN=<profile name>`, code signing) followed by this root.\n\n"
        "One root per data directory (`<data-dir>/ca/`), created on first start and kept across restarts; with "
        "`--in-memory`, a new root per process. Add it to a notation trust store of type `signingAuthority` "
        "(`notation cert add --type signingAuthority --store aws-signer-ts`); `signet trust-store export` prints it. "
        "No authentication."),
    "/metrics": (
        "SignetMetrics", "text/plain; version=0.0.4; charset=utf-8", "Signature counts and their AWS cost (Prometheus).",
        "Prometheus text exposition (format 0.0.4), one sample per registry (account and region) that has signing "
        "jobs: `signet_signatures_total` counts the signing jobs, SignPayload and ECR managed signing alike (a revoked "
        "job still counts); `signet_signatures_cost_dollars` is what they would cost on AWS at ${price} each (the "
        "price one user reported seeing; AWS has not confirmed it). The counts are read from the store, so they "
        "survive restarts with a data directory. No authentication."),
}
# name -> (Prometheus type, labels), in source order
ADMIN_METRICS = {
    "signet_signatures_total": ("counter", ["registry", "region"]),
    "signet_signatures_cost_dollars": ("gauge", ["registry", "region"]),
}


def admin_routes_from_source() -> dict[str, dict]:
    """path -> {"content_type", "body"} for every `router.get("<path>")` of AdminController.addRoutes."""
    source = ADMIN_CONTROLLER_SWIFT.read_text()
    matches = list(re.finditer(r'router\.get\("([^"]+)"\)', source))
    if not matches:
        raise SpecError(f"{ADMIN_CONTROLLER_SWIFT.name}: no router.get(\"...\") routes")
    routes = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(source)
        body = source[match.end():end]
        types = set(re.findall(r'\.contentType:\s*"([^"]+)"', body))
        if len(types) != 1:
            raise SpecError(f"{ADMIN_CONTROLLER_SWIFT.name}: {match.group(1)} answers with content types {sorted(types)}")
        routes[match.group(1)] = {"content_type": types.pop(), "body": body}
    return routes


def admin_paths() -> dict[str, dict]:
    """The admin path items, verified against AdminController.swift."""
    source = ADMIN_CONTROLLER_SWIFT.read_text()
    served = admin_routes_from_source()
    problems = []
    if list(served) != list(ADMIN_ROUTES):
        problems.append(f"AdminController serves {list(served)}, ADMIN_ROUTES lists {list(ADMIN_ROUTES)}")
    for path, (_, content_type, _, _) in ADMIN_ROUTES.items():
        if path in served and served[path]["content_type"] != content_type:
            problems.append(f"{path} answers {served[path]['content_type']!r}, ADMIN_ROUTES says {content_type!r}")
    metrics_body = served.get("/metrics", {}).get("body", "")
    families = re.findall(r"# TYPE (\w+) (\w+)", metrics_body)
    samples = [(name, re.findall(r'(\w+)=\\"', labels)) for name, labels in re.findall(r'text \+= "(\w+)\{([^}]*)\}', metrics_body)]
    if [(name, kind) for name, kind in families] != [(name, kind) for name, (kind, _) in ADMIN_METRICS.items()]:
        problems.append(f"/metrics declares {families}, ADMIN_METRICS has {[(n, k) for n, (k, _) in ADMIN_METRICS.items()]}")
    if samples != [(name, labels) for name, (_, labels) in ADMIN_METRICS.items()]:
        problems.append(f"/metrics writes samples {samples}, ADMIN_METRICS has {[(n, l) for n, (_, l) in ADMIN_METRICS.items()]}")
    price = re.search(r"static let pricePerSignature = ([0-9.]+)", source)
    if not price:
        problems.append(f"{ADMIN_CONTROLLER_SWIFT.name}: no `static let pricePerSignature`")
    elif f"${float(price.group(1)):.2f} each" not in metrics_body:
        problems.append(f"/metrics HELP text does not state the price {price.group(1)}")
    if problems:
        raise SpecError(f"ADMIN_ROUTES / ADMIN_METRICS differ from {ADMIN_CONTROLLER_SWIFT.name}:\n  " + "\n  ".join(problems))

    names = "|".join(re.escape(name) for name in ADMIN_METRICS)
    label_sets = {tuple(labels) for _, labels in ADMIN_METRICS.values()}
    if label_sets != {("registry", "region")}:
        raise SpecError("ADMIN_METRICS: the /metrics schema below assumes the labels registry and region")
    exposition = (f"^(?:(?:# HELP (?:{names}) [^\\n]*|# TYPE (?:{names}) (?:counter|gauge)|(?:{names})"
                  "\\{registry=\"[0-9]{12}\",region=\"[a-z0-9-]+\"\\} [0-9]+(?:\\.[0-9]+)?)\\n)*$")
    schemas = {
        "/_signet/health": ref("HealthResponse"),
        "/_signet/ca.pem": {"type": "string", "pattern": PEM_CERTIFICATE,
                            "description": "One PEM certificate (the final newline may be missing)."},
        "/metrics": {"type": "string", "pattern": exposition,
                     "description": "`# HELP` and `# TYPE` lines, then `<name>{registry=\"<account>\",region=\"<region>\"} "
                                    "<value>` samples; the cost has two decimals."},
    }
    examples = {
        "/metrics": "".join(
            f"# TYPE {name} {kind}\n{name}{{registry=\"123456789012\",region=\"us-east-1\"}} {value}\n"
            for (name, (kind, _)), value in zip(ADMIN_METRICS.items(), ["3", f"{3 * float(price.group(1)):.2f}"])),
    }
    paths = {}
    for path, (operation_id, content_type, summary, description) in ADMIN_ROUTES.items():
        operation: dict = {"tags": ["Admin"], "operationId": operation_id, "summary": summary}
        if description:
            operation["description"] = description.replace("{price}", f"{float(price.group(1)):.2f}") + "\n"
        operation["security"] = []
        media: dict = {"schema": schemas[path]}
        if path in examples:
            media["example"] = examples[path]
        responses = {"200": {
            "description": {"/_signet/health": "The server is up.", "/_signet/ca.pem": "The root certificate.",
                            "/metrics": "The metrics."}[path],
            "headers": {"x-amzn-RequestId": {"$ref": "#/components/headers/RequestId"}},
            "content": {content_type: media},
        }}
        if "try await" in served[path]["body"]:  # reads the store: can fail
            responses["500"] = {"$ref": "#/components/responses/ServerError"}
        operation["responses"] = responses
        paths[path] = {"get": operation}
    return paths


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
