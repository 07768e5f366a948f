public import Foundation
public import SignetDomain

public struct SignPayloadInput: Decodable, Sendable {
    public var profileName: String
    public var profileOwner: String?
    /// base64 on the wire.
    public var payload: Data
    public var payloadFormat: String
}

public struct SignPayloadOutput: Encodable, Sendable {
    public var jobId: String
    public var jobOwner: String
    public var metadata: [String: String]
    /// The complete envelope, base64 on the wire.
    public var signature: Data

    public init(_ signed: SignedPayload) {
        jobId = signed.job.jobId
        jobOwner = signed.job.owner
        metadata = signed.metadata
        signature = signed.envelope
    }
}

public struct RevokeSignatureInput: Decodable, Sendable {
    public var jobOwner: String?
    public var reason: String
}

public struct JobRevocationShape: Encodable, Sendable {
    public var reason: String
    public var revokedAt: Date
    public var revokedBy: String
}

public struct DescribeSigningJobOutput: Encodable, Sendable {
    public var jobId: String
    public var platformId: String
    public var platformDisplayName: String
    public var profileName: String
    public var profileVersion: String
    public var createdAt: Date
    public var completedAt: Date
    public var signatureExpiresAt: Date
    public var requestedBy: String
    public var status: String
    public var statusReason: String
    public var revocationRecord: JobRevocationShape?
    public var jobOwner: String
    public var jobInvoker: String

    public init(_ job: SigningJob) {
        jobId = job.jobId
        platformId = job.platformId
        platformDisplayName = SigningPlatform.named(job.platformId)?.displayName ?? job.platformId
        profileName = job.profileName
        profileVersion = job.profileVersion
        createdAt = job.createdAt
        completedAt = job.createdAt
        signatureExpiresAt = job.signatureExpiresAt
        requestedBy = job.requestedBy
        status = "Succeeded"
        statusReason = "Signing Succeeded"
        revocationRecord = job.revocation.map { JobRevocationShape(reason: $0.reason, revokedAt: $0.revokedAt, revokedBy: $0.revokedBy) }
        jobOwner = job.owner
        jobInvoker = job.invoker
    }
}

public struct SigningJobShape: Encodable, Sendable {
    public var jobId: String
    public var createdAt: Date
    public var status: String
    public var isRevoked: Bool
    public var profileName: String
    public var profileVersion: String
    public var platformId: String
    public var platformDisplayName: String
    public var signatureExpiresAt: Date
    public var jobOwner: String
    public var jobInvoker: String

    public init(_ job: SigningJob) {
        jobId = job.jobId
        createdAt = job.createdAt
        status = "Succeeded"
        isRevoked = job.revocation != nil
        profileName = job.profileName
        profileVersion = job.profileVersion
        platformId = job.platformId
        platformDisplayName = SigningPlatform.named(job.platformId)?.displayName ?? job.platformId
        signatureExpiresAt = job.signatureExpiresAt
        jobOwner = job.owner
        jobInvoker = job.invoker
    }
}

public struct ListSigningJobsOutput: Encodable, Sendable {
    public var jobs: [SigningJobShape]
    public var nextToken: String?
    public init(jobs: [SigningJobShape], nextToken: String?) {
        self.jobs = jobs
        self.nextToken = nextToken
    }
}

public struct RevocationStatusOutput: Encodable, Sendable {
    public var revokedEntities: [String]
    public init(revokedEntities: [String]) { self.revokedEntities = revokedEntities }
}

/// StartSigningJob's input, for the checks made before Signet refuses it (it signs S3 objects, not emulated): the
/// required members, and the profile.
public struct StartSigningJobInput: Decodable, Sendable {
    public struct Location: Decodable, Sendable {}
    public var source: Location
    public var destination: Location
    public var profileName: String
    public var clientRequestToken: String
    public var profileOwner: String?
}
