public import SignetDomain

extension PutSigningProfileInput {
    public func request() throws -> SigningProfileRequest {
        let validity = try signatureValidityPeriod.map { try SignatureValidityPeriod(value: $0.value, type: $0.type) }
        if let material = signingMaterial, material.certificateArn == nil {
            throw SignerError.invalid([.init(path: "signingMaterial.certificateArn", value: nil, constraint: .notNull)])
        }
        let overrides = self.overrides.map {
            SigningOverrides(
                encryptionAlgorithm: $0.signingConfiguration?.encryptionAlgorithm, hashAlgorithm: $0.signingConfiguration?.hashAlgorithm,
                signingImageFormat: $0.signingImageFormat)
        }
        if let overrides {
            try Self.check(overrides.encryptionAlgorithm, path: "overrides.signingConfiguration.encryptionAlgorithm", allowed: ["RSA", "ECDSA"])
            try Self.check(overrides.hashAlgorithm, path: "overrides.signingConfiguration.hashAlgorithm", allowed: ["SHA1", "SHA256"])
            try Self.check(overrides.signingImageFormat, path: "overrides.signingImageFormat", allowed: ["JSON", "JSONEmbedded", "JSONDetached"])
        }
        return SigningProfileRequest(
            platformId: platformId, validity: validity, certificateArn: signingMaterial?.certificateArn, overrides: overrides,
            signingParameters: signingParameters, tags: tags)
    }

    private static func check(_ value: String?, path: String, allowed: [String]) throws {
        if let value, !allowed.contains(value) {
            throw SignerError.invalid([.init(path: path, value: value, constraint: .oneOf(allowed))])
        }
    }
}

extension SigningPlatformOverridesShape {
    init?(_ overrides: SigningOverrides?) {
        guard let overrides else { return nil }
        let configuration =
            overrides.encryptionAlgorithm == nil && overrides.hashAlgorithm == nil
            ? nil : SigningConfigurationOverridesShape(encryptionAlgorithm: overrides.encryptionAlgorithm, hashAlgorithm: overrides.hashAlgorithm)
        self.init(signingConfiguration: configuration, signingImageFormat: overrides.signingImageFormat)
    }
}

extension PutSigningProfileOutput {
    public init(_ profile: SigningProfile) {
        self.init(arn: profile.arn, profileVersion: profile.profileVersion, profileVersionArn: profile.versionArn)
    }
}

extension GetSigningProfileOutput {
    public init(_ profile: SigningProfile) {
        self.init(
            profileName: profile.name, profileVersion: profile.profileVersion, profileVersionArn: profile.versionArn,
            revocationRecord: profile.revocation.map {
                RevocationRecordShape(revocationEffectiveFrom: $0.effectiveFrom, revokedAt: $0.revokedAt, revokedBy: $0.revokedBy)
            },
            signingMaterial: profile.certificateArn.map { SigningMaterialShape(certificateArn: $0) },
            platformId: profile.platformId, platformDisplayName: profile.platform?.displayName ?? profile.platformId,
            signatureValidityPeriod: SignatureValidityPeriodShape(value: profile.validity.value, type: profile.validity.type.rawValue),
            overrides: SigningPlatformOverridesShape(profile.overrides), signingParameters: profile.signingParameters,
            status: profile.status.rawValue, statusReason: profile.statusReason, arn: profile.arn, tags: profile.tags)
    }
}

extension SigningProfileShape {
    /// List items show `signingMaterial: {}` for profiles without a certificate, as Signer does.
    public init(_ profile: SigningProfile) {
        self.init(
            profileName: profile.name, profileVersion: profile.profileVersion, profileVersionArn: profile.versionArn,
            signingMaterial: SigningMaterialShape(certificateArn: profile.certificateArn),
            signatureValidityPeriod: SignatureValidityPeriodShape(value: profile.validity.value, type: profile.validity.type.rawValue),
            platformId: profile.platformId, platformDisplayName: profile.platform?.displayName ?? profile.platformId,
            signingParameters: profile.signingParameters, status: profile.status.rawValue, arn: profile.arn, tags: profile.tags)
    }
}

extension ListProfilePermissionsOutput {
    public init(_ policy: SignerService.PermissionPolicy) {
        self.init(
            revisionId: policy.revisionId, policySizeBytes: policy.policySizeBytes,
            permissions: policy.permissions.map {
                PermissionShape(action: $0.action, principal: $0.principal, statementId: $0.statementId, profileVersion: $0.profileVersion)
            },
            nextToken: nil)
    }
}

extension SigningPlatformShape {
    public init(_ platform: SigningPlatform) {
        self.init(
            platformId: platform.platformId, displayName: platform.displayName, partner: platform.partner, target: platform.target,
            category: platform.category,
            signingConfiguration: .init(
                encryptionAlgorithmOptions: .init(allowedValues: platform.encryptionAlgorithms, defaultValue: platform.defaultEncryptionAlgorithm),
                hashAlgorithmOptions: .init(allowedValues: platform.hashAlgorithms, defaultValue: platform.defaultHashAlgorithm)),
            signingImageFormat: .init(supportedFormats: platform.supportedFormats, defaultFormat: platform.defaultFormat),
            maxSizeInMB: platform.maxSizeInMB, revocationSupported: platform.revocationSupported)
    }
}
