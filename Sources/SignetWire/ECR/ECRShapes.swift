public import Foundation
import SignetDomain

// Wire shapes of the ECR operations Signet serves (AWS JSON 1.1). Member names are spelled exactly as the
// botocore model spells them; optional members are omitted from output when absent.

public struct ImageIdentifierShape: Codable, Sendable, Equatable {
    public var imageDigest: String?
    public var imageTag: String?
    public init(imageDigest: String? = nil, imageTag: String? = nil) {
        self.imageDigest = imageDigest
        self.imageTag = imageTag
    }
}

public struct TagShape: Codable, Sendable, Equatable {
    public var Key: String
    public var Value: String

    public init(Key: String, Value: String) {
        self.Key = Key
        self.Value = Value
    }
}

public struct ExclusionFilterShape: Codable, Sendable, Equatable {
    public var filterType: String
    public var filter: String

    public init(filterType: String, filter: String) {
        self.filterType = filterType
        self.filter = filter
    }
}

public struct ImageScanningConfigurationShape: Codable, Sendable, Equatable {
    public var scanOnPush: Bool?

    public init(scanOnPush: Bool? = nil) {
        self.scanOnPush = scanOnPush
    }
}

public struct EncryptionConfigurationShape: Codable, Sendable, Equatable {
    public var encryptionType: String
    public var kmsKey: String?

    public init(encryptionType: String, kmsKey: String? = nil) {
        self.encryptionType = encryptionType
        self.kmsKey = kmsKey
    }
}

public struct RepositoryShape: Codable, Sendable, Equatable {
    public var repositoryArn: String
    public var registryId: String
    public var repositoryName: String
    public var repositoryUri: String
    public var createdAt: Date
    public var imageTagMutability: String
    public var imageTagMutabilityExclusionFilters: [ExclusionFilterShape]?
    public var imageScanningConfiguration: ImageScanningConfigurationShape
    public var encryptionConfiguration: EncryptionConfigurationShape

    public init(repositoryArn: String, registryId: String, repositoryName: String, repositoryUri: String, createdAt: Date, imageTagMutability: String, imageTagMutabilityExclusionFilters: [ExclusionFilterShape]? = nil, imageScanningConfiguration: ImageScanningConfigurationShape, encryptionConfiguration: EncryptionConfigurationShape) {
        self.repositoryArn = repositoryArn
        self.registryId = registryId
        self.repositoryName = repositoryName
        self.repositoryUri = repositoryUri
        self.createdAt = createdAt
        self.imageTagMutability = imageTagMutability
        self.imageTagMutabilityExclusionFilters = imageTagMutabilityExclusionFilters
        self.imageScanningConfiguration = imageScanningConfiguration
        self.encryptionConfiguration = encryptionConfiguration
    }
}

// MARK: Repositories

public struct CreateRepositoryInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String
    public var tags: [TagShape]?
    public var imageTagMutability: String?
    public var imageTagMutabilityExclusionFilters: [ExclusionFilterShape]?
    public var imageScanningConfiguration: ImageScanningConfigurationShape?
    public var encryptionConfiguration: EncryptionConfigurationShape?
}

public struct RepositoryOutput: Encodable, Sendable {
    public var repository: RepositoryShape

    public init(repository: RepositoryShape) {
        self.repository = repository
    }
}

public struct DescribeRepositoriesInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryNames: [String]?
    public var nextToken: String?
    public var maxResults: Int?
}

public struct DescribeRepositoriesOutput: Encodable, Sendable {
    public var repositories: [RepositoryShape]
    public var nextToken: String?

    public init(repositories: [RepositoryShape], nextToken: String? = nil) {
        self.repositories = repositories
        self.nextToken = nextToken
    }
}

public struct DeleteRepositoryInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String
    public var force: Bool?
}

public struct PutImageTagMutabilityInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String
    public var imageTagMutability: String
    public var imageTagMutabilityExclusionFilters: [ExclusionFilterShape]?
}

public struct PutImageTagMutabilityOutput: Encodable, Sendable {
    public var registryId: String
    public var repositoryName: String
    public var imageTagMutability: String
    public var imageTagMutabilityExclusionFilters: [ExclusionFilterShape]?

    public init(registryId: String, repositoryName: String, imageTagMutability: String, imageTagMutabilityExclusionFilters: [ExclusionFilterShape]? = nil) {
        self.registryId = registryId
        self.repositoryName = repositoryName
        self.imageTagMutability = imageTagMutability
        self.imageTagMutabilityExclusionFilters = imageTagMutabilityExclusionFilters
    }
}

public struct TagResourceInput: Decodable, Sendable {
    public var resourceArn: String
    public var tags: [TagShape]
}

public struct UntagResourceInput: Decodable, Sendable {
    public var resourceArn: String
    public var tagKeys: [String]
}

public struct ListTagsForResourceInput: Decodable, Sendable {
    public var resourceArn: String
}

public struct ListTagsForResourceOutput: Encodable, Sendable {
    public var tags: [TagShape]

    public init(tags: [TagShape]) {
        self.tags = tags
    }
}

public struct EmptyShape: Codable, Sendable {
    public init() {}
}

public struct DescribeRegistryOutput: Encodable, Sendable {
    public struct ReplicationConfiguration: Encodable, Sendable {
        public var rules: [String] = []
    }
    public var registryId: String
    public var replicationConfiguration = ReplicationConfiguration()

    public init(registryId: String) {
        self.registryId = registryId
    }
}

// MARK: Images

public struct PutImageInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String
    public var imageManifest: String
    public var imageManifestMediaType: String?
    public var imageTag: String?
    public var imageDigest: String?
}

public struct ImageShape: Encodable, Sendable {
    public var registryId: String
    public var repositoryName: String
    public var imageId: ImageIdentifierShape
    public var imageManifest: String
    public var imageManifestMediaType: String

    public init(registryId: String, repositoryName: String, imageId: ImageIdentifierShape, imageManifest: String, imageManifestMediaType: String) {
        self.registryId = registryId
        self.repositoryName = repositoryName
        self.imageId = imageId
        self.imageManifest = imageManifest
        self.imageManifestMediaType = imageManifestMediaType
    }
}

public struct PutImageOutput: Encodable, Sendable {
    public var image: ImageShape

    public init(image: ImageShape) {
        self.image = image
    }
}

public struct ImageFailureShape: Encodable, Sendable {
    public var imageId: ImageIdentifierShape
    public var failureCode: String
    public var failureReason: String

    public init(imageId: ImageIdentifierShape, failureCode: String, failureReason: String) {
        self.imageId = imageId
        self.failureCode = failureCode
        self.failureReason = failureReason
    }
}

public struct BatchGetImageInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String
    public var imageIds: [ImageIdentifierShape]
    public var acceptedMediaTypes: [String]?
}

public struct BatchGetImageOutput: Encodable, Sendable {
    public var images: [ImageShape]
    public var failures: [ImageFailureShape]

    public init(images: [ImageShape], failures: [ImageFailureShape]) {
        self.images = images
        self.failures = failures
    }
}

public struct ImageFilterShape: Decodable, Sendable {
    public var tagStatus: String?
    public var imageStatus: String?

    public init(tagStatus: String? = nil, imageStatus: String? = nil) {
        self.tagStatus = tagStatus
        self.imageStatus = imageStatus
    }
}

public struct DescribeImagesInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String
    public var imageIds: [ImageIdentifierShape]?
    public var nextToken: String?
    public var maxResults: Int?
    public var filter: ImageFilterShape?
}

public struct ImageDetailShape: Encodable, Sendable {
    public var registryId: String
    public var repositoryName: String
    public var imageDigest: String
    public var imageTags: [String]?
    public var imageSizeInBytes: Int64
    public var imagePushedAt: Date
    public var imageManifestMediaType: String
    public var artifactMediaType: String?
    public var subjectManifestDigest: String?
    public var imageStatus: String

    public init(registryId: String, repositoryName: String, imageDigest: String, imageTags: [String]? = nil, imageSizeInBytes: Int64, imagePushedAt: Date, imageManifestMediaType: String, artifactMediaType: String? = nil, subjectManifestDigest: String? = nil, imageStatus: String) {
        self.registryId = registryId
        self.repositoryName = repositoryName
        self.imageDigest = imageDigest
        self.imageTags = imageTags
        self.imageSizeInBytes = imageSizeInBytes
        self.imagePushedAt = imagePushedAt
        self.imageManifestMediaType = imageManifestMediaType
        self.artifactMediaType = artifactMediaType
        self.subjectManifestDigest = subjectManifestDigest
        self.imageStatus = imageStatus
    }
}

public struct DescribeImagesOutput: Encodable, Sendable {
    public var imageDetails: [ImageDetailShape]
    public var nextToken: String?

    public init(imageDetails: [ImageDetailShape], nextToken: String? = nil) {
        self.imageDetails = imageDetails
        self.nextToken = nextToken
    }
}

public struct ListImagesInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String
    public var nextToken: String?
    public var maxResults: Int?
    public var filter: ImageFilterShape?
}

public struct ListImagesOutput: Encodable, Sendable {
    public var imageIds: [ImageIdentifierShape]
    public var nextToken: String?

    public init(imageIds: [ImageIdentifierShape], nextToken: String? = nil) {
        self.imageIds = imageIds
        self.nextToken = nextToken
    }
}

public struct BatchDeleteImageInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String
    public var imageIds: [ImageIdentifierShape]
}

public struct BatchDeleteImageOutput: Encodable, Sendable {
    public var imageIds: [ImageIdentifierShape]
    public var failures: [ImageFailureShape]

    public init(imageIds: [ImageIdentifierShape], failures: [ImageFailureShape]) {
        self.imageIds = imageIds
        self.failures = failures
    }
}

public struct ListImageReferrersInput: Decodable, Sendable {
    public struct SubjectIdentifier: Decodable, Sendable {
        public var imageDigest: String
    }
    public struct Filter: Decodable, Sendable {
        public var artifactTypes: [String]?
        public var artifactStatus: String?
    }
    public var registryId: String?
    public var repositoryName: String
    public var subjectId: SubjectIdentifier
    public var filter: Filter?
    public var nextToken: String?
    public var maxResults: Int?
}

public struct ImageReferrerShape: Encodable, Sendable {
    public var digest: String
    public var mediaType: String
    public var artifactType: String?
    public var size: Int64
    public var annotations: [String: String]?
    public var artifactStatus: String

    public init(digest: String, mediaType: String, artifactType: String? = nil, size: Int64, annotations: [String: String]? = nil, artifactStatus: String) {
        self.digest = digest
        self.mediaType = mediaType
        self.artifactType = artifactType
        self.size = size
        self.annotations = annotations
        self.artifactStatus = artifactStatus
    }
}

public struct ListImageReferrersOutput: Encodable, Sendable {
    public var referrers: [ImageReferrerShape]
    public var nextToken: String?

    public init(referrers: [ImageReferrerShape], nextToken: String? = nil) {
        self.referrers = referrers
        self.nextToken = nextToken
    }
}

// MARK: Managed signing

public struct SigningRepositoryFilterShape: Codable, Sendable, Equatable {
    public var filter: String
    public var filterType: String

    public init(filter: String, filterType: String) {
        self.filter = filter
        self.filterType = filterType
    }
}

public struct SigningRuleShape: Codable, Sendable, Equatable {
    public var signingProfileArn: String
    public var repositoryFilters: [SigningRepositoryFilterShape]?

    public init(signingProfileArn: String, repositoryFilters: [SigningRepositoryFilterShape]? = nil) {
        self.signingProfileArn = signingProfileArn
        self.repositoryFilters = repositoryFilters
    }
}

public struct SigningConfigurationShape: Codable, Sendable, Equatable {
    public var rules: [SigningRuleShape]

    public init(rules: [SigningRuleShape]) {
        self.rules = rules
    }
}

public struct PutSigningConfigurationInput: Decodable, Sendable {
    public var signingConfiguration: SigningConfigurationShape
}

public struct PutSigningConfigurationOutput: Encodable, Sendable {
    public var signingConfiguration: SigningConfigurationShape

    public init(signingConfiguration: SigningConfigurationShape) {
        self.signingConfiguration = signingConfiguration
    }
}

public struct RegistrySigningConfigurationOutput: Encodable, Sendable {
    public var registryId: String
    public var signingConfiguration: SigningConfigurationShape

    public init(registryId: String, signingConfiguration: SigningConfigurationShape) {
        self.registryId = registryId
        self.signingConfiguration = signingConfiguration
    }
}

public struct DescribeImageSigningStatusInput: Decodable, Sendable {
    public var repositoryName: String
    public var imageId: ImageIdentifierShape
    public var registryId: String?
}

public struct ImageSigningStatusShape: Encodable, Sendable {
    public var signingProfileArn: String
    public var failureCode: String?
    public var failureReason: String?
    public var status: String

    public init(signingProfileArn: String, failureCode: String? = nil, failureReason: String? = nil, status: String) {
        self.signingProfileArn = signingProfileArn
        self.failureCode = failureCode
        self.failureReason = failureReason
        self.status = status
    }
}

public struct DescribeImageSigningStatusOutput: Encodable, Sendable {
    public var repositoryName: String
    public var imageId: ImageIdentifierShape
    public var registryId: String
    public var signingStatuses: [ImageSigningStatusShape]

    public init(repositoryName: String, imageId: ImageIdentifierShape, registryId: String, signingStatuses: [ImageSigningStatusShape]) {
        self.repositoryName = repositoryName
        self.imageId = imageId
        self.registryId = registryId
        self.signingStatuses = signingStatuses
    }
}

// MARK: Hand-written JSON for the shapes of the hottest answers (DescribeRepositories sends up to 1,000
// repositories; GetSigningConfiguration is the benchmark's operation)

extension RepositoryShape: AWSJSONWritable {
    public func writeAWSJSON(into out: inout [UInt8]) throws {
        try Self.write(
            createdAt: createdAt, encryption: encryptionConfiguration, scanOnPush: imageScanningConfiguration.scanOnPush,
            mutability: imageTagMutability, exclusionFilters: imageTagMutabilityExclusionFilters?.map { ($0.filter, $0.filterType) },
            registryId: registryId, name: repositoryName, into: &out,
            arn: { JSONString.appendContents(repositoryArn, to: &$0) }, uri: { JSONString.appendContents(repositoryUri, to: &$0) })
    }

    /// A repository's members in key order. `arn` and `uri` write their strings' contents (between the quotes), so a
    /// caller can write them in pieces without building them.
    @inline(__always)
    static func write(
        createdAt: Date, encryption: EncryptionConfigurationShape, scanOnPush: Bool?, mutability: String,
        exclusionFilters: [(filter: String, type: String)]?, registryId: String, name: String, into out: inout [UInt8],
        arn: (inout [UInt8]) -> Void, uri: (inout [UInt8]) -> Void
    ) throws {
        try JSONWrite.object(into: &out) { out in
            JSONWrite.key("createdAt", into: &out)
            try JSONWrite.date(createdAt, into: &out)
            JSONWrite.key("encryptionConfiguration", into: &out)
            try encryption.writeAWSJSON(into: &out)
            JSONWrite.key("imageScanningConfiguration", into: &out)
            try ImageScanningConfigurationShape(scanOnPush: scanOnPush).writeAWSJSON(into: &out)
            JSONWrite.key("imageTagMutability", into: &out)
            JSONWrite.string(mutability, into: &out)
            if let exclusionFilters {
                JSONWrite.key("imageTagMutabilityExclusionFilters", into: &out)
                out.append(UInt8(ascii: "["))
                for (index, filter) in exclusionFilters.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    JSONWrite.filter(filter.filter, type: filter.type, into: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
            JSONWrite.key("registryId", into: &out)
            JSONWrite.string(registryId, into: &out)
            JSONWrite.key("repositoryArn", into: &out)
            out.append(UInt8(ascii: "\""))
            arn(&out)
            out.append(UInt8(ascii: "\""))
            JSONWrite.key("repositoryName", into: &out)
            JSONWrite.string(name, into: &out)
            JSONWrite.key("repositoryUri", into: &out)
            out.append(UInt8(ascii: "\""))
            uri(&out)
            out.append(UInt8(ascii: "\""))
        }
    }
}

extension DescribeRepositoriesOutput: AWSJSONWritable {
    public func writeAWSJSON(into out: inout [UInt8]) throws {
        try JSONWrite.object(into: &out) { out in
            if let nextToken {
                JSONWrite.key("nextToken", into: &out)
                JSONWrite.string(nextToken, into: &out)
            }
            JSONWrite.key("repositories", into: &out)
            try JSONWrite.array(repositories, into: &out)
        }
    }
}

extension EncryptionConfigurationShape: AWSJSONWritable {
    public func writeAWSJSON(into out: inout [UInt8]) throws {
        JSONWrite.object(into: &out) { out in
            JSONWrite.key("encryptionType", into: &out)
            JSONWrite.string(encryptionType, into: &out)
            if let kmsKey {
                JSONWrite.key("kmsKey", into: &out)
                JSONWrite.string(kmsKey, into: &out)
            }
        }
    }
}

extension ImageScanningConfigurationShape: AWSJSONWritable {
    public func writeAWSJSON(into out: inout [UInt8]) throws {
        JSONWrite.object(into: &out) { out in
            if let scanOnPush {
                JSONWrite.key("scanOnPush", into: &out)
                JSONWrite.bool(scanOnPush, into: &out)
            }
        }
    }
}

extension ExclusionFilterShape: AWSJSONWritable {
    public func writeAWSJSON(into out: inout [UInt8]) throws {
        JSONWrite.filter(filter, type: filterType, into: &out)
    }
}

extension RegistrySigningConfigurationOutput: AWSJSONWritable {
    public func writeAWSJSON(into out: inout [UInt8]) throws {
        try JSONWrite.object(into: &out) { out in
            JSONWrite.key("registryId", into: &out)
            JSONWrite.string(registryId, into: &out)
            JSONWrite.key("signingConfiguration", into: &out)
            try signingConfiguration.writeAWSJSON(into: &out)
        }
    }
}

extension SigningConfigurationShape: AWSJSONWritable {
    public func writeAWSJSON(into out: inout [UInt8]) throws {
        try JSONWrite.object(into: &out) { out in
            JSONWrite.key("rules", into: &out)
            try JSONWrite.array(rules, into: &out)
        }
    }
}

extension SigningRuleShape: AWSJSONWritable {
    public func writeAWSJSON(into out: inout [UInt8]) throws {
        try JSONWrite.object(into: &out) { out in
            if let repositoryFilters {
                JSONWrite.key("repositoryFilters", into: &out)
                try JSONWrite.array(repositoryFilters, into: &out)
            }
            JSONWrite.key("signingProfileArn", into: &out)
            JSONWrite.string(signingProfileArn, into: &out)
        }
    }
}

extension SigningRepositoryFilterShape: AWSJSONWritable {
    public func writeAWSJSON(into out: inout [UInt8]) throws {
        JSONWrite.filter(filter, type: filterType, into: &out)
    }
}

extension JSONWrite {
    /// `{"filter":…,"filterType":…}`: the repository filters of tag mutability and of signing rules.
    static func filter(_ filter: String, type: String, into out: inout [UInt8]) {
        object(into: &out) { out in
            key("filter", into: &out)
            string(filter, into: &out)
            key("filterType", into: &out)
            string(type, into: &out)
        }
    }
}
