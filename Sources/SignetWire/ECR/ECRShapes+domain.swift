public import Foundation
public import SignetDomain

// Conversions between wire shapes and validated domain values. Validation itself lives in the domain types.

extension CreateRepositoryInput {
    /// The repository this request asks for, with AWS's defaults filled in.
    public func repository(registry: RegistryKey, createdAt: Date) throws -> Repository {
        let name = try RepositoryName(repositoryName)
        let mutability: TagMutability
        if let imageTagMutability {
            mutability = try TagMutability(mode: imageTagMutability, exclusionFilters: imageTagMutabilityExclusionFilters?.map { ($0.filterType, $0.filter) })
        } else if imageTagMutabilityExclusionFilters != nil {
            mutability = try TagMutability(mode: "MUTABLE", exclusionFilters: imageTagMutabilityExclusionFilters?.map { ($0.filterType, $0.filter) })
        } else {
            mutability = TagMutability()
        }
        let encryption = try encryptionConfiguration.map { try EncryptionConfiguration(type: $0.encryptionType, kmsKey: $0.kmsKey) } ?? .init()
        return Repository(
            registry: registry, name: name, createdAt: createdAt, tagMutability: mutability,
            scanOnPush: imageScanningConfiguration?.scanOnPush ?? false, encryption: encryption,
            tags: try (tags ?? []).map { try ResourceTag(key: $0.Key, value: $0.Value) })
    }
}

extension PutImageTagMutabilityInput {
    public func mutability() throws -> TagMutability {
        try TagMutability(mode: imageTagMutability, exclusionFilters: imageTagMutabilityExclusionFilters?.map { ($0.filterType, $0.filter) })
    }
}

extension RepositoryShape {
    /// - Parameter registryHost: the `host[:port]` clients push this registry's images to.
    public init(_ repository: Repository, registryHost: String) {
        let filters = repository.tagMutability.exclusionFilters
        self.init(
            repositoryArn: repository.arn,
            registryId: repository.registry.account.value,
            repositoryName: repository.name.value,
            repositoryUri: "\(registryHost)/\(repository.name)",
            createdAt: repository.createdAt,
            imageTagMutability: repository.tagMutability.mode.rawValue,
            imageTagMutabilityExclusionFilters: filters.isEmpty ? nil : filters.map { ExclusionFilterShape(filterType: "WILDCARD", filter: $0) },
            imageScanningConfiguration: .init(scanOnPush: repository.scanOnPush),
            encryptionConfiguration: .init(encryptionType: repository.encryption.type.rawValue, kmsKey: repository.encryption.kmsKey))
    }
}

/// DescribeRepositories' answer written straight from the stored repositories: the bytes of
/// ``DescribeRepositoriesOutput`` with a ``RepositoryShape`` per repository, without building the shapes (their ARN and
/// URI strings, one host look-up each), which was half of the handler's work for a page of 20.
public struct DescribeRepositoriesPage: AWSJSONWritable, Sendable {
    public var repositories: [Repository]
    /// The `host[:port]` of the registry the repositories are in (a page lists one registry).
    public var registryHost: String
    public var nextToken: String?

    public init(repositories: [Repository], registryHost: String, nextToken: String?) {
        self.repositories = repositories
        self.registryHost = registryHost
        self.nextToken = nextToken
    }

    /// The same answer as shapes.
    public var output: DescribeRepositoriesOutput {
        DescribeRepositoriesOutput(repositories: repositories.map { RepositoryShape($0, registryHost: registryHost) }, nextToken: nextToken)
    }

    public func encode(to encoder: any Encoder) throws { try output.encode(to: encoder) }

    public func writeAWSJSON(into out: inout [UInt8]) throws {
        out.reserveCapacity(out.count + 64 + repositories.count * 400)
        try JSONWrite.object(into: &out) { out in
            if let nextToken {
                JSONWrite.key("nextToken", into: &out)
                JSONWrite.string(nextToken, into: &out)
            }
            JSONWrite.key("repositories", into: &out)
            out.append(UInt8(ascii: "["))
            for (index, repository) in repositories.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                let filters = repository.tagMutability.exclusionFilters
                try RepositoryShape.write(
                    createdAt: repository.createdAt,
                    encryption: EncryptionConfigurationShape(encryptionType: repository.encryption.type.rawValue, kmsKey: repository.encryption.kmsKey),
                    scanOnPush: repository.scanOnPush, mutability: repository.tagMutability.mode.rawValue,
                    exclusionFilters: filters.isEmpty ? nil : filters.map { ($0, "WILDCARD") },
                    registryId: repository.registry.account.value, name: repository.name.value, into: &out,
                    arn: { out in
                        // `arn:aws:ecr:<region>:<account>:repository/<name>`, as `Repository.arn` spells it
                        out.append(contentsOf: "arn:aws:ecr:".utf8)
                        JSONString.appendContents(repository.registry.region.value, to: &out)
                        out.append(UInt8(ascii: ":"))
                        JSONString.appendContents(repository.registry.account.value, to: &out)
                        out.append(contentsOf: ":repository/".utf8)
                        JSONString.appendContents(repository.name.value, to: &out)
                    },
                    uri: { out in
                        JSONString.appendContents(registryHost, to: &out)
                        out.append(UInt8(ascii: "/"))
                        JSONString.appendContents(repository.name.value, to: &out)
                    })
            }
            out.append(UInt8(ascii: "]"))
        }
    }
}

extension PutImageTagMutabilityOutput {
    public init(_ repository: Repository) {
        let filters = repository.tagMutability.exclusionFilters
        self.init(
            registryId: repository.registry.account.value, repositoryName: repository.name.value,
            imageTagMutability: repository.tagMutability.mode.rawValue,
            imageTagMutabilityExclusionFilters: filters.isEmpty ? nil : filters.map { ExclusionFilterShape(filterType: "WILDCARD", filter: $0) })
    }
}

extension TagShape {
    public init(_ tag: ResourceTag) { self.init(Key: tag.key, Value: tag.value) }
    public func domain() throws -> ResourceTag { try ResourceTag(key: Key, value: Value) }
}

extension ImageIdentifierShape {
    public var domain: ImageIdentifier { ImageIdentifier(digest: imageDigest, tag: imageTag) }
    public init(_ id: ImageIdentifier) { self.init(imageDigest: id.digest, imageTag: id.tag) }
}

extension ImageShape {
    public init(_ image: Image, tag: String?, repository: RepositoryName, registry: RegistryKey) {
        self.init(
            registryId: registry.account.value, repositoryName: repository.value,
            imageId: ImageIdentifierShape(imageDigest: image.digest.description, imageTag: tag),
            imageManifest: String(decoding: image.manifest, as: UTF8.self), imageManifestMediaType: image.mediaType)
    }
}

extension ImageFailureShape {
    public init(_ id: ImageIdentifier, _ failure: ImageFailure) {
        let reason: String
        switch failure {
        case .imageNotFound: reason = "Requested image not found"
        case .missingDigestAndTag: reason = "Invalid request parameters: both tag and digest cannot be null"
        case .invalidImageDigest: reason = "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'"
        case .invalidImageTag: reason = "Invalid request parameters: image tag must have length between 1 and 300"
        case .imageTagDoesNotMatchDigest: reason = "Invalid request parameters: image tag does not match the image digest"
        case .imageReferencedByManifestList: reason = "Requested image is referenced by a manifest list in the repository"
        }
        self.init(imageId: ImageIdentifierShape(id), failureCode: failure.rawValue, failureReason: reason)
    }
}

extension ImageFilterShape {
    /// `tagStatus`, default ANY. `imageStatus`: Signet has only ACTIVE images; ARCHIVED/ACTIVATING select nothing.
    public func parsedTagStatus() throws -> TagStatus {
        guard let tagStatus else { return .any }
        guard let status = TagStatus(rawValue: tagStatus) else {
            throw RegistryError.invalidParameter(
                .init(path: "filter.tagStatus", value: tagStatus, constraint: .oneOf(TagStatus.allCases.map(\.rawValue))))
        }
        return status
    }

    public func admitsActiveImages() throws -> Bool {
        guard let imageStatus else { return true }
        let allowed = ["ACTIVE", "ARCHIVED", "ACTIVATING", "ANY"]
        guard allowed.contains(imageStatus) else {
            throw RegistryError.invalidParameter(.init(path: "filter.imageStatus", value: imageStatus, constraint: .oneOf(allowed)))
        }
        return imageStatus == "ACTIVE" || imageStatus == "ANY"
    }
}

extension ImageDetailShape {
    public init(_ tagged: TaggedImage, repository: RepositoryName, registry: RegistryKey) {
        self.init(
            registryId: registry.account.value, repositoryName: repository.value, imageDigest: tagged.image.digest.description,
            imageTags: tagged.tags.isEmpty ? nil : tagged.tags.map(\.value), imageSizeInBytes: tagged.image.sizeInBytes,
            imagePushedAt: tagged.image.pushedAt, imageManifestMediaType: tagged.image.mediaType,
            artifactMediaType: tagged.image.artifactMediaType, subjectManifestDigest: tagged.image.subject?.description,
            imageStatus: "ACTIVE")
    }
}

extension ImageReferrerShape {
    public init(_ image: Image) {
        let manifest = try? ImageManifest.parse(image.manifest, declaredMediaType: image.mediaType)
        self.init(
            digest: image.digest.description, mediaType: image.mediaType, artifactType: image.artifactMediaType,
            size: Int64(image.manifest.count), annotations: manifest?.annotations, artifactStatus: "ACTIVE")
    }
}

extension SigningConfigurationShape {
    /// Validates the whole configuration (see ``SigningConfiguration/init(validating:)``).
    public func domain() throws -> SigningConfiguration {
        try SigningConfiguration(
            validating: rules.map { rule in
                SigningRule.Input(
                    signingProfileArn: rule.signingProfileArn,
                    repositoryFilters: rule.repositoryFilters?.map { ($0.filter, $0.filterType) })
            })
    }

    public init(_ configuration: SigningConfiguration) {
        self.init(
            rules: configuration.rules.map { rule in
                SigningRuleShape(
                    signingProfileArn: rule.signingProfileArn,
                    repositoryFilters: rule.repositoryFilters?.map { SigningRepositoryFilterShape(filter: $0.filter, filterType: $0.filterType) })
            })
    }
}

extension ImageSigningStatusShape {
    public init(_ status: SigningStatus) {
        self.init(
            signingProfileArn: status.signingProfileArn, failureCode: status.failureCode, failureReason: status.failureReason,
            status: status.state.rawValue)
    }
}
