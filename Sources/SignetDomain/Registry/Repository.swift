import Foundation

/// An ECR repository in one registry.
public struct Repository: Sendable, Equatable {
    public var registry: RegistryKey
    public var name: RepositoryName
    public var createdAt: Date
    public var tagMutability: TagMutability
    public var scanOnPush: Bool
    public var encryption: EncryptionConfiguration
    public var tags: [ResourceTag]

    public init(
        registry: RegistryKey, name: RepositoryName, createdAt: Date, tagMutability: TagMutability = .init(),
        scanOnPush: Bool = false, encryption: EncryptionConfiguration = .init(), tags: [ResourceTag] = []
    ) {
        self.registry = registry
        self.name = name
        self.createdAt = createdAt
        self.tagMutability = tagMutability
        self.scanOnPush = scanOnPush
        self.encryption = encryption
        self.tags = tags
    }

    /// `arn:aws:ecr:<region>:<account>:repository/<name>`.
    public var arn: String { "arn:aws:ecr:\(registry.region):\(registry.account):repository/\(name)" }
}

/// `imageTagMutability` plus its exclusion filters.
public struct TagMutability: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        case mutable = "MUTABLE"
        case immutable = "IMMUTABLE"
        case immutableWithExclusion = "IMMUTABLE_WITH_EXCLUSION"
        case mutableWithExclusion = "MUTABLE_WITH_EXCLUSION"
    }

    public let mode: Mode
    /// Wildcard filters (`filterType: WILDCARD`); non-empty exactly for the `*_WITH_EXCLUSION` modes.
    public let exclusionFilters: [String]

    public init() {
        mode = .mutable
        exclusionFilters = []
    }

    /// - Throws: ``RegistryError/invalidParameter(_:)`` for an unknown mode, bad filters, or filters that do not fit the mode.
    public init(mode rawMode: String, exclusionFilters: [(filterType: String, filter: String)]?) throws {
        guard let mode = Mode(rawValue: rawMode) else {
            throw RegistryError.invalidParameter(
                .init(path: "imageTagMutability", value: rawMode, constraint: .oneOf(Mode.allCases.map(\.rawValue))))
        }
        let filters = exclusionFilters ?? []
        switch mode {
        case .mutable, .immutable:
            guard filters.isEmpty else {
                throw RegistryError.invalidRequest(
                    "Invalid parameter: imageTagMutabilityExclusionFilters can only be specified with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION tag mutability")
            }
        case .immutableWithExclusion, .mutableWithExclusion:
            guard !filters.isEmpty else {
                throw RegistryError.invalidRequest(
                    "Invalid parameter: imageTagMutabilityExclusionFilters must be specified when imageTagMutability is \(mode.rawValue)")
            }
        }
        guard filters.count <= 5 else {
            throw RegistryError.invalidParameter(
                .init(path: "imageTagMutabilityExclusionFilters", value: nil, constraint: .maxItems(5)))
        }
        for (index, filter) in filters.enumerated() {
            let path = "imageTagMutabilityExclusionFilters.\(index + 1)"
            guard filter.filterType == "WILDCARD" else {
                throw RegistryError.invalidParameter(
                    .init(path: path + ".filterType", value: filter.filterType, constraint: .oneOf(["WILDCARD"])))
            }
            let ok = (1...128).contains(filter.filter.utf8.count) && filter.filter.utf8.allSatisfy { b in
                (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
                    || b == 0x2E || b == 0x5F || b == 0x2A || b == 0x2D
            }
            guard ok else {
                throw RegistryError.invalidParameter(
                    .init(path: path + ".filter", value: filter.filter, constraint: .pattern("^[0-9a-zA-Z._*-]{1,128}$")))
            }
        }
        self.mode = mode
        self.exclusionFilters = filters.map(\.filter)
    }

    /// Rebuilds a stored value without re-validating it.
    public init(trustedMode mode: Mode, exclusionFilters: [String]) {
        self.mode = mode
        self.exclusionFilters = exclusionFilters
    }

    /// Whether `tag` may be moved to another digest.
    public func allowsOverwriting(_ tag: ImageTag) -> Bool {
        let excluded = exclusionFilters.contains { Wildcard.matches(pattern: $0, candidate: tag.value) }
        switch mode {
        case .mutable: return true
        case .immutable: return false
        case .immutableWithExclusion: return excluded  // immutable except the excluded tags
        case .mutableWithExclusion: return !excluded  // mutable except the excluded tags
        }
    }
}

/// `encryptionConfiguration`; AES256 unless KMS was asked for.
public struct EncryptionConfiguration: Sendable, Equatable {
    public enum EncryptionType: String, Sendable, CaseIterable {
        case aes256 = "AES256"
        case kms = "KMS"
        case kmsDSSE = "KMS_DSSE"
    }
    public let type: EncryptionType
    public let kmsKey: String?

    public init() {
        type = .aes256
        kmsKey = nil
    }

    public init(type rawType: String, kmsKey: String?) throws {
        guard let type = EncryptionType(rawValue: rawType) else {
            throw RegistryError.invalidParameter(
                .init(path: "encryptionConfiguration.encryptionType", value: rawType,
                      constraint: .oneOf(EncryptionType.allCases.map(\.rawValue))))
        }
        if let kmsKey {
            guard type != .aes256 else {
                throw RegistryError.invalidRequest(
                    "Invalid parameter at 'encryptionConfiguration': KMS key should not be specified when encryption type is AES256")
            }
            guard (1...2048).contains(kmsKey.utf8.count) else {
                throw RegistryError.invalidParameter(
                    .init(path: "encryptionConfiguration.kmsKey", value: kmsKey, constraint: kmsKey.isEmpty ? .minLength(1) : .maxLength(2048)))
            }
        }
        self.type = type
        self.kmsKey = kmsKey
    }

    public init(trustedType type: EncryptionType, kmsKey: String?) {
        self.type = type
        self.kmsKey = kmsKey
    }
}

/// An ECR resource tag `{Key, Value}`.
public struct ResourceTag: Sendable, Equatable, Codable {
    public let key: String
    public let value: String

    public static let maxPerResource = 50

    /// - Throws: ``RegistryError/invalidTagParameter(_:)`` for an empty/long key, a long value or an `aws:` key.
    public init(key: String, value: String) throws {
        guard (1...128).contains(key.unicodeScalars.count) else {
            throw RegistryError.invalidTagParameter("Tag key '\(key)' must be between 1 and 128 characters long")
        }
        guard value.unicodeScalars.count <= 256 else {
            throw RegistryError.invalidTagParameter("Tag value for key '\(key)' must be at most 256 characters long")
        }
        guard !key.lowercased().hasPrefix("aws:") else {
            throw RegistryError.invalidTagParameter("Tag keys starting with 'aws:' are reserved for system use")
        }
        self.key = key
        self.value = value
    }

    public init(trustedKey key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Merges `new` into `existing`: same key replaces the value, order of first appearance is kept.
    public static func merge(_ existing: [ResourceTag], with new: [ResourceTag]) -> [ResourceTag] {
        var result = existing
        for tag in new {
            if let index = result.firstIndex(where: { $0.key == tag.key }) {
                result[index] = tag
            } else {
                result.append(tag)
            }
        }
        return result
    }
}
