public import Foundation

// Wire shapes of the Signer operations (rest-json). Path and query members are read by the controller.

public struct SignatureValidityPeriodShape: Codable, Sendable, Equatable {
    public var value: Int?
    public var type: String?
    public init(value: Int? = nil, type: String? = nil) {
        self.value = value
        self.type = type
    }
}

public struct SigningMaterialShape: Codable, Sendable, Equatable {
    public var certificateArn: String?
    public init(certificateArn: String? = nil) { self.certificateArn = certificateArn }
}

public struct SigningConfigurationOverridesShape: Codable, Sendable, Equatable {
    public var encryptionAlgorithm: String?
    public var hashAlgorithm: String?
    public init(encryptionAlgorithm: String? = nil, hashAlgorithm: String? = nil) {
        self.encryptionAlgorithm = encryptionAlgorithm
        self.hashAlgorithm = hashAlgorithm
    }
}

public struct SigningPlatformOverridesShape: Codable, Sendable, Equatable {
    public var signingConfiguration: SigningConfigurationOverridesShape?
    public var signingImageFormat: String?
    public init(signingConfiguration: SigningConfigurationOverridesShape? = nil, signingImageFormat: String? = nil) {
        self.signingConfiguration = signingConfiguration
        self.signingImageFormat = signingImageFormat
    }
}

public struct PutSigningProfileInput: Decodable, Sendable {
    public var platformId: String
    public var signingMaterial: SigningMaterialShape?
    public var signatureValidityPeriod: SignatureValidityPeriodShape?
    public var overrides: SigningPlatformOverridesShape?
    public var signingParameters: [String: String]?
    public var tags: [String: String]?
}

public struct PutSigningProfileOutput: Encodable, Sendable {
    public var arn: String
    public var profileVersion: String
    public var profileVersionArn: String
}

public struct RevocationRecordShape: Encodable, Sendable {
    public var revocationEffectiveFrom: Date
    public var revokedAt: Date
    public var revokedBy: String
}

public struct GetSigningProfileOutput: Encodable, Sendable {
    public var profileName: String
    public var profileVersion: String
    public var profileVersionArn: String
    public var revocationRecord: RevocationRecordShape?
    public var signingMaterial: SigningMaterialShape?
    public var platformId: String
    public var platformDisplayName: String
    public var signatureValidityPeriod: SignatureValidityPeriodShape
    public var overrides: SigningPlatformOverridesShape?
    public var signingParameters: [String: String]?
    public var status: String
    public var statusReason: String?
    public var arn: String
    public var tags: [String: String]
}

public struct SigningProfileShape: Encodable, Sendable {
    public var profileName: String
    public var profileVersion: String
    public var profileVersionArn: String
    public var signingMaterial: SigningMaterialShape
    public var signatureValidityPeriod: SignatureValidityPeriodShape
    public var platformId: String
    public var platformDisplayName: String
    public var signingParameters: [String: String]?
    public var status: String
    public var arn: String
    public var tags: [String: String]
}

public struct ListSigningProfilesOutput: Encodable, Sendable {
    public var profiles: [SigningProfileShape]
    public var nextToken: String?
    public init(profiles: [SigningProfileShape], nextToken: String?) {
        self.profiles = profiles
        self.nextToken = nextToken
    }
}

public struct RevokeSigningProfileInput: Decodable, Sendable {
    public var profileVersion: String
    public var reason: String
    public var effectiveTime: Date
}

public struct AddProfilePermissionInput: Decodable, Sendable {
    public var profileVersion: String?
    public var action: String
    public var principal: String
    public var revisionId: String?
    public var statementId: String
}

public struct RevisionOutput: Encodable, Sendable {
    public var revisionId: String
    public init(revisionId: String) { self.revisionId = revisionId }
}

public struct PermissionShape: Encodable, Sendable {
    public var action: String
    public var principal: String
    public var statementId: String
    public var profileVersion: String?
}

public struct ListProfilePermissionsOutput: Encodable, Sendable {
    public var revisionId: String?
    public var policySizeBytes: Int
    public var permissions: [PermissionShape]
    public var nextToken: String?
}

public struct SigningPlatformShape: Encodable, Sendable {
    public struct AlgorithmOptions: Encodable, Sendable {
        public var allowedValues: [String]
        public var defaultValue: String
    }
    public struct SigningConfiguration: Encodable, Sendable {
        public var encryptionAlgorithmOptions: AlgorithmOptions
        public var hashAlgorithmOptions: AlgorithmOptions
    }
    public struct SigningImageFormat: Encodable, Sendable {
        public var supportedFormats: [String]
        public var defaultFormat: String
    }
    public var platformId: String
    public var displayName: String
    public var partner: String
    public var target: String
    public var category: String
    public var signingConfiguration: SigningConfiguration
    public var signingImageFormat: SigningImageFormat
    public var maxSizeInMB: Int
    public var revocationSupported: Bool
}

public struct ListSigningPlatformsOutput: Encodable, Sendable {
    public var platforms: [SigningPlatformShape]
    public var nextToken: String?
    public init(platforms: [SigningPlatformShape], nextToken: String?) {
        self.platforms = platforms
        self.nextToken = nextToken
    }
}

public struct SignerTagResourceInput: Decodable, Sendable {
    public var tags: [String: String]
}

public struct SignerTagsOutput: Encodable, Sendable {
    public var tags: [String: String]
    public init(tags: [String: String]) { self.tags = tags }
}
