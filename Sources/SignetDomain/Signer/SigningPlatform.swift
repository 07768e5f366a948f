/// A Signer signing platform record, as `GetSigningPlatform` returns it.
public struct SigningPlatform: Sendable, Equatable {
    public let platformId: String
    public let displayName: String
    public let partner: String
    public let target: String
    public let category: String
    public let encryptionAlgorithms: [String]
    public let defaultEncryptionAlgorithm: String
    public let hashAlgorithms: [String]
    public let defaultHashAlgorithm: String
    public let supportedFormats: [String]
    public let defaultFormat: String
    public let maxSizeInMB: Int
    public let revocationSupported: Bool
    /// IoT/FreeRTOS platforms sign with a customer certificate from ACM.
    public let requiresSigningMaterial: Bool
    /// Only the Lambda and Notation platforms apply `signatureValidityPeriod`.
    public let supportsValidityPeriod: Bool

    /// The platform of ECR managed signing.
    public static let notationPlatformId = "Notation-OCI-SHA384-ECDSA"
    public var isNotation: Bool { platformId == Self.notationPlatformId }

    /// Profile-permission actions this platform accepts.
    public var permittedActions: [String] {
        isNotation
            ? ["signer:SignPayload", "signer:GetSigningProfile", "signer:RevokeSignature"]
            : ["signer:StartSigningJob", "signer:GetSigningProfile", "signer:RevokeSignature"]
    }

    /// The platforms Signer offers, Notation first. Records follow AWS's published ones; the Notation
    /// record's size limit and format are Signet's reading of the platform (AWS does not publish it).
    public static let catalog: [SigningPlatform] = [
        SigningPlatform(
            platformId: notationPlatformId, displayName: "Notation for container registries", partner: "AWSSigner",
            target: "SHA384-ECDSA", category: "AWS", encryptionAlgorithms: ["ECDSA"], defaultEncryptionAlgorithm: "ECDSA",
            hashAlgorithms: ["SHA384"], defaultHashAlgorithm: "SHA384", supportedFormats: ["JSONDetached"], defaultFormat: "JSONDetached",
            maxSizeInMB: 4, revocationSupported: true, requiresSigningMaterial: false, supportsValidityPeriod: true),
        SigningPlatform(
            platformId: "AWSLambda-SHA384-ECDSA", displayName: "AWS Lambda", partner: "AWSLambda", target: "SHA384-ECDSA",
            category: "AWS", encryptionAlgorithms: ["ECDSA"], defaultEncryptionAlgorithm: "ECDSA", hashAlgorithms: ["SHA384"],
            defaultHashAlgorithm: "SHA384", supportedFormats: ["JSONDetached"], defaultFormat: "JSONDetached", maxSizeInMB: 250,
            revocationSupported: true, requiresSigningMaterial: false, supportsValidityPeriod: true),
        SigningPlatform(
            platformId: "AWSIoTDeviceManagement-SHA256-ECDSA", displayName: "AWS IoT Device Management SHA256-ECDSA ",
            partner: "AWSIoTDeviceManagement", target: "SHA256-ECDSA", category: "AWS", encryptionAlgorithms: ["ECDSA"],
            defaultEncryptionAlgorithm: "ECDSA", hashAlgorithms: ["SHA256"], defaultHashAlgorithm: "SHA256",
            supportedFormats: ["JSONDetached"], defaultFormat: "JSONDetached", maxSizeInMB: 2048, revocationSupported: false,
            requiresSigningMaterial: true, supportsValidityPeriod: false),
        SigningPlatform(
            platformId: "AmazonFreeRTOS-TI-CC3220SF", displayName: "Amazon FreeRTOS SHA1-RSA CC3220SF-Format", partner: "AmazonFreeRTOS",
            target: "SHA1-RSA-TISHA1", category: "AWS", encryptionAlgorithms: ["RSA"], defaultEncryptionAlgorithm: "RSA",
            hashAlgorithms: ["SHA1"], defaultHashAlgorithm: "SHA1", supportedFormats: ["JSONEmbedded"], defaultFormat: "JSONEmbedded",
            maxSizeInMB: 16, revocationSupported: false, requiresSigningMaterial: true, supportsValidityPeriod: false),
        SigningPlatform(
            platformId: "AmazonFreeRTOS-Default", displayName: "Amazon FreeRTOS SHA256-ECDSA", partner: "AmazonFreeRTOS",
            target: "SHA256-ECDSA", category: "AWS", encryptionAlgorithms: ["ECDSA", "RSA"], defaultEncryptionAlgorithm: "ECDSA",
            hashAlgorithms: ["SHA256"], defaultHashAlgorithm: "SHA256", supportedFormats: ["JSONEmbedded"], defaultFormat: "JSONEmbedded",
            maxSizeInMB: 16, revocationSupported: false, requiresSigningMaterial: true, supportsValidityPeriod: false),
    ]

    public static func named(_ platformId: String) -> SigningPlatform? {
        catalog.first { $0.platformId == platformId }
    }
}
