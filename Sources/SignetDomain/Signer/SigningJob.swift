import Foundation

/// A signing job: one signature made through SignPayload (directly or by ECR managed signing).
public struct SigningJob: Sendable, Equatable, Codable {
    public struct Revocation: Sendable, Equatable, Codable {
        public var reason: String
        public var revokedAt: Date
        public var revokedBy: String
    }

    public let jobId: String
    /// The account that owns the profile (and the job).
    public let owner: String
    public let region: String
    public let profileName: String
    public let profileVersion: String
    public let platformId: String
    public let createdAt: Date
    public let signatureExpiresAt: Date
    /// IAM identity that asked for the signature.
    public let requestedBy: String
    /// Account that asked for the signature.
    public let invoker: String
    public var revocation: Revocation?

    public init(
        jobId: String, owner: String, region: String, profileName: String, profileVersion: String, platformId: String, createdAt: Date,
        signatureExpiresAt: Date, requestedBy: String, invoker: String
    ) {
        self.jobId = jobId
        self.owner = owner
        self.region = region
        self.profileName = profileName
        self.profileVersion = profileVersion
        self.platformId = platformId
        self.createdAt = createdAt
        self.signatureExpiresAt = signatureExpiresAt
        self.requestedBy = requestedBy
        self.invoker = invoker
    }

    /// `arn:aws:signer:<region>:<owner>:/signing-jobs/<jobId>`.
    public var arn: String { "arn:aws:signer:\(region):\(owner):/signing-jobs/\(jobId)" }
    public var profileVersionArn: String { "arn:aws:signer:\(region):\(owner):/signing-profiles/\(profileName)/\(profileVersion)" }
}

/// The signed attributes of one Notary signature.
public struct SignatureAttributes: Sendable {
    public let signingTime: Date
    public let expiry: Date
    public let profileVersionArn: String
    public let jobArn: String

    public init(signingTime: Date, expiry: Date, profileVersionArn: String, jobArn: String) {
        self.signingTime = signingTime
        self.expiry = expiry
        self.profileVersionArn = profileVersionArn
        self.jobArn = jobArn
    }
}

/// Makes the cryptographic signature (implemented by SignetNotary's certificate authority).
public protocol PayloadSigner: Sendable {
    /// The complete Notary JWS envelope for `payload`, signed with `profile`'s key.
    func sign(payload: Data, profile: SigningProfile, attributes: SignatureAttributes) async throws -> Data
}

/// The result of SignPayload.
public struct SignedPayload: Sendable {
    public let job: SigningJob
    public let envelope: Data
    public let metadata: [String: String]
}
