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
    members Signet's wire shapes (Sources/SignetWire/ECR/ECRShapes.swift, Sources/SignetWire/Signer/SignerShapes.swift)
    read or write. Both tables are verified against those files on every run, so a member added in Swift without
    updating a table is an error, not a silently stale spec;
  * the Signer routes and what each handler reads and writes (path and query parameters, body type, output
    type): SIGNER_OPERATIONS, verified against SignerController.swift (addRoutes and the handler bodies), and the
    Signer error statuses, read from SignerErrorMapping.swift and checked against the model's;
  * which error codes an operation can return: the model's list for the operation, minus NOT_PRODUCED /
    SIGNER_NOT_PRODUCED, plus the protocol-level codes (ECR: SerializationException, ValidationException,
    UnknownOperationException, and AccessDeniedException where the input has registryId; Signer:
    SerializationException and ValidationException where a body is decoded, ValidationException where a
    profileName is in the path) and the EXTRA_ERRORS / SIGNER_EXTRA_ERRORS tables.

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
SIGNER_SHAPES_SWIFT = ROOT / "Sources/SignetWire/Signer/SignerShapes.swift"
SIGNER_ERRORS_SWIFT = ROOT / "Sources/SignetWire/Signer/SignerErrorMapping.swift"
SIGNER_CONTROLLER_SWIFT = ROOT / "Sources/SignetServer/Controllers/SignerController.swift"
AWS_ERROR_SWIFT = ROOT / "Sources/SignetWire/AWS/AWSError.swift"

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
    ("ListProfilePermissions", "ListProfilePermissions", "Profile permissions", ""),
    ("RemoveProfilePermission", "RemoveProfilePermission", "Profile permissions", "revisionId"),
    ("ListSigningPlatforms", "ListSigningPlatforms", "Signing platforms", "category partner target maxResults nextToken"),
    ("GetSigningPlatform", "GetSigningPlatform", "Signing platforms", ""),
    ("TagResource", "SignerTagResource", "Signer tags", ""),
    ("ListTagsForResource", "SignerListTagsForResource", "Signer tags", ""),
    ("UntagResource", "SignerUntagResource", "Signer tags", "tagKeys"),
    ("StartSigningJob", "StartSigningJob", "Signing jobs", ""),
]

# Operations whose handler collects the body without decoding it and always fails.
SIGNER_ALWAYS_FAILS = {"StartSigningJob"}

# Model shape -> (Swift type in SignerShapes.swift, the body members Signet reads/writes; "?" = Swift Optional).
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
}

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
}

# Query/path parameters whose schema is not the model's: (operation, parameter) -> schema.
SIGNER_PARAMETER_OVERRIDES = {
    ("ListSigningPlatforms", "category"): {"type": "string"},  # model enum [AWSIoT]; Signet's platforms say AWS
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
    "StartSigningJob": ["ResourceNotFoundException", "AccessDeniedException"],
}
# Errors beyond the model's list and the derived protocol-level ones (query-parameter validation).
SIGNER_EXTRA_ERRORS = {
    "ListSigningProfiles": ["ValidationException"],
}

# What an error means: SIGNER_ERROR_MEANINGS[(operation, code)], else SIGNER_ERROR_MEANINGS[code].
SIGNER_ERROR_MEANINGS = {
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
    ("TagResource", "ValidationException"): "the body has no `tags` member",
    ("TagResource", "BadRequestException"): "`resourceArn` is not a signing-profile ARN, a tag key or value is invalid, "
                                            "`tags` is empty, or the profile would have more than 200 tags",
    ("UntagResource", "BadRequestException"): "`resourceArn` is not a signing-profile ARN, or `tagKeys` is missing, "
                                              "lists more than 200 keys or an invalid key",
    ("StartSigningJob", "ValidationException"): "always: StartSigningJob signs objects in Amazon S3, which Signet does "
                                                "not emulate",
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
        "- Never paginated (`nextToken` is ignored). `revisionId` is absent until the first permission change; "
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
        "- Always a 400 ValidationException: StartSigningJob signs objects in Amazon S3, which Signet does not "
        "emulate. The body is read and ignored."),
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


def verify_table_against_swift(table: dict = SIGNET_SHAPES, swift_file: Path = SHAPES_SWIFT, table_name: str = "SIGNET_SHAPES",
                               shared_files: tuple[Path, ...] = ()) -> None:
    """Every struct of swift_file is mapped by table, and every mapped type has exactly the table's members.
    Types of shared_files (e.g. EmptyShape in ECRShapes.swift) may be mapped but need not be."""
    source = swift_file.read_text()
    structs = swift_structs(source)
    known = dict(structs)
    for shared in shared_files:
        known.update(swift_structs(shared.read_text()))
    problems = []
    if re.search(r"\bCodingKeys\b|init\(from decoder|func encode\(to", source):
        problems.append(f"{swift_file.name} customises Codable; member names may differ from property names")
    unmapped = sorted(set(structs) - {swift_type for swift_type, _ in table.values()})
    if unmapped:
        problems.append(f"Swift wire types not mapped to a model shape: {', '.join(unmapped)}")
    for shape, (swift_type, spec) in table.items():
        if swift_type not in known:
            problems.append(f"{shape}: Swift type {swift_type} not found in {swift_file.name}")
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
        self.components["SignerErrorResponse"] = {
            "type": "object",
            "description": "AWS Signer (rest-json) error body: only the message; the code is in `X-Amzn-ErrorType`.",
            "required": ["message"],
            "properties": {"message": {"type": "string"}},
            "additionalProperties": False,
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
        signer = SignerBuilder()
        signer_paths = signer.build_paths()
        clashes = (set(paths) & set(signer_paths)) | (set(self.components) & set(signer.components))
        if clashes:
            raise SpecError(f"ECR and Signer both define {sorted(clashes)}")
        paths.update(signer_paths)
        self.components.update(signer.components)
        version = signet_version()
        return {
            "openapi": "3.1.0",
            "info": {
                "title": "Signet",
                "version": version,
                "summary": "A local Amazon ECR (with managed signing) and AWS Signer emulator.",
                "description": (
                    "Every route Signet serves today. ECR operations speak AWS JSON 1.1 and are served twice: at "
                    "`POST /` selected by `X-Amz-Target`, and at `POST /ecr/<Op>`. AWS Signer operations speak "
                    "rest-json at their AWS paths (`/signing-profiles`, `/signing-platforms`, `/tags/{resourceArn}`, "
                    "`/signing-jobs`): `application/json` bodies, path and query parameters, and error bodies "
                    "`{\"message\": ...}` with the code only in `X-Amzn-ErrorType` (no `__type`). Signer components are "
                    "named `Signer.<shape>`.\n\n"
                    "Schemas list only the members Signet reads or writes; other request members are ignored. "
                    "Constraints come from the Amazon ECR and AWS Signer models of botocore " + botocore.__version__ + " "
                    "(APIs " + self.model["metadata"]["apiVersion"] + " and " + signer.model["metadata"]["apiVersion"]
                    + "). Absent optional response members are omitted, never "
                    "null; response-only objects are closed (additionalProperties: false). Timestamps are epoch "
                    "seconds. JSON object keys are written sorted.\n\n"
                    "Any other method or path gives 404 `UnknownOperationException`: rest-json framed under the Signer "
                    "prefixes (`/signing-profiles`, `/signing-platforms`, `/signing-jobs`, `/tags/`, `/revocations`), "
                    "an AWS JSON 1.1 body elsewhere.\n\n"
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
                {"name": "Signing profiles", "description": "AWS Signer signing profiles and their lifecycle."},
                {"name": "Profile permissions", "description": "AWS Signer profile resource policies."},
                {"name": "Signing platforms", "description": "AWS Signer's platform catalog."},
                {"name": "Signer tags", "description": "Tags of AWS Signer signing profiles, addressed by ARN."},
                {"name": "Signing jobs", "description": "AWS Signer signing jobs (not emulated)."},
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
                },
                "securitySchemes": {
                    "sigv4": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "Authorization",
                        "description": (
                            "AWS Signature Version 4 (`AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/"
                            "aws4_request, SignedHeaders=..., Signature=...`, service `ecr` or `signer`). Signet does "
                            "not verify signatures yet, "
                            "so the header is optional; when present, the region of its credential scope selects the "
                            "registry region (otherwise --region). Presigned `X-Amz-Credential` query parameters are "
                            "read the same way."),
                    }
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
            query_read |= set(re.findall(r'RestJSON\.(?:bool|int)\(query,\s*"(\w+)"\)', body))
            if query_read != query_of[op]:
                problems.append(f"{op}: {handler} reads query parameters {sorted(query_read)}, SIGNER_OPERATIONS "
                                f"says {sorted(query_of[op])}")
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
                if written or empty or "body.collect" not in body:
                    problems.append(f"{op}: {handler} is expected to read the body and always throw")
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
        codes = set(declared) | set(SIGNER_EXTRA_ERRORS.get(operation, []))
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
        elif name in SIGNER_ALWAYS_FAILS:
            result["requestBody"] = {"required": False, "description": "Read and ignored.",
                                     "content": {REST_JSON: {"schema": {}}}}
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
        verify_table_against_swift(SIGNER_SHAPES, SIGNER_SHAPES_SWIFT, "SIGNER_SHAPES", (SHAPES_SWIFT,))
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
