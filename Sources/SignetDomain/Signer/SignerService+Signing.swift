import Foundation

/// Filters of ListSigningJobs.
public struct SigningJobFilter: Sendable {
    public var status: String?
    public var platformId: String?
    public var requestedBy: String?
    public var isRevoked: Bool?
    public var signatureExpiresBefore: Date?
    public var signatureExpiresAfter: Date?
    public var jobInvoker: String?

    public init(
        status: String? = nil, platformId: String? = nil, requestedBy: String? = nil, isRevoked: Bool? = nil, signatureExpiresBefore: Date? = nil,
        signatureExpiresAfter: Date? = nil, jobInvoker: String? = nil
    ) {
        self.status = status
        self.platformId = platformId
        self.requestedBy = requestedBy
        self.isRevoked = isRevoked
        self.signatureExpiresBefore = signatureExpiresBefore
        self.signatureExpiresAfter = signatureExpiresAfter
        self.jobInvoker = jobInvoker
    }

    func admits(_ job: SigningJob) -> Bool {
        if let status, status != "Succeeded" { return false }  // every Signet job completes synchronously
        if let platformId, job.platformId != platformId { return false }
        if let requestedBy, job.requestedBy != requestedBy { return false }
        if let isRevoked, (job.revocation != nil) != isRevoked { return false }
        if let signatureExpiresBefore, job.signatureExpiresAt >= signatureExpiresBefore { return false }
        if let signatureExpiresAfter, job.signatureExpiresAt <= signatureExpiresAfter { return false }
        if let jobInvoker, job.invoker != jobInvoker { return false }
        return true
    }
}

/// Why a signature could not be made, in the terms managed signing reports (failureCode).
public enum SigningRefusal: Error, Sendable, Equatable {
    case profileNotFound(String)
    case profileInactive(String, SigningProfile.Status)
    case invalidPlatform(String, platformId: String)
    case crossRegion(String)
    case accessDenied(String)

    public var failureCode: String {
        switch self {
        case .profileNotFound: return "SIGNING_PROFILE_NOT_FOUND"
        case .profileInactive: return "SIGNING_PROFILE_INACTIVE"
        case .invalidPlatform: return "INVALID_SIGNING_PLATFORM"
        case .crossRegion: return "CROSS_REGION_SIGNING_NOT_SUPPORTED"
        case .accessDenied: return "ACCESS_DENIED"
        }
    }

    public var reason: String {
        switch self {
        case .profileNotFound(let arn): return "Signing profile \(arn) does not exist"
        case .profileInactive(let arn, let status): return "Signing profile \(arn) is \(status.rawValue) and can no longer sign"
        case .invalidPlatform(let arn, let platform):
            return "Signing profile \(arn) uses platform \(platform); only \(SigningPlatform.notationPlatformId) profiles sign container images"
        case .crossRegion(let arn): return "Signing profile \(arn) is in another region; cross-region signing is not supported"
        case .accessDenied(let message): return message
        }
    }
}

extension SignerService {
    /// Resolves a profile for signing on behalf of `caller`, with the refusals of DESIGN §5.
    public func profileForSigning(name: SigningProfileName, owner: AccountID, region: Region, caller: CallerIdentity) async throws
        -> SigningProfile
    {
        let arn = "arn:aws:signer:\(region):\(owner):/signing-profiles/\(name)"
        guard region == caller.region else { throw SigningRefusal.crossRegion(arn) }
        guard let profile = try await store.signingProfile(named: name, in: RegistryKey(account: owner, region: region)) else {
            throw SigningRefusal.profileNotFound(arn)
        }
        guard profile.allows("signer:SignPayload", for: caller.account.value) else {
            throw SigningRefusal.accessDenied(
                "User: arn:aws:iam::\(caller.account):root is not authorized to perform: signer:SignPayload on resource: \(arn)")
        }
        guard profile.status == .active else { throw SigningRefusal.profileInactive(arn, profile.status) }
        guard profile.platform?.isNotation == true else { throw SigningRefusal.invalidPlatform(arn, platformId: profile.platformId) }
        return profile
    }

    /// SignPayload: signs a Notary payload with an Active Notation profile and records the job.
    /// - Parameter storingEnvelope: run with the envelope at the same time as the job is recorded (managed signing
    ///   stores the signature blob there: two commits at once instead of one after the other); the call returns once
    ///   both finished, and throws if either failed. The other may still have been stored then: a job without its
    ///   signature stored (the image's status says FAILED), or an envelope blob no manifest refers to.
    public func signPayload(
        _ payload: Data, format: String, profile: SigningProfile, caller: CallerIdentity,
        storingEnvelope: (@Sendable (Data) async throws -> Void)? = nil
    ) async throws -> SignedPayload {
        let signed = try await makeSignature(payload, format: format, profile: profile, caller: caller)
        if let storingEnvelope {
            async let recorded: Void = store.insertSigningJob(signed.job)
            try await storingEnvelope(signed.envelope)
            try await recorded
        } else {
            try await store.insertSigningJob(signed.job)
        }
        return signed
    }

    /// SignPayload's checks, signature and job, without recording the job: the caller records it (managed signing
    /// writes it in the transaction that stores the signature, ``RegistryService/storeManagedSignatures(_:)``).
    public func makeSignature(_ payload: Data, format: String, profile: SigningProfile, caller: CallerIdentity) async throws -> SignedPayload {
        guard let payloadSigner else { throw SignerError.validation("Signing is not available") }
        guard format == "application/vnd.cncf.notary.payload.v1+json" else {
            throw SignerError.validation("Payload format \(format) is not supported. The single valid format is application/vnd.cncf.notary.payload.v1+json")
        }
        guard (1...4096).contains(payload.count) else {
            throw SignerError.invalid([.init(path: "payload", value: nil, constraint: payload.isEmpty ? .minLength(1) : .maxLength(4096))])
        }
        guard let object = try? JSONSerialization.jsonObject(with: payload) as? [String: Any], let target = object["targetArtifact"] as? [String: Any],
            target["mediaType"] is String, target["digest"] is String, target["size"] is NSNumber
        else {
            throw SignerError.validation("The payload is not a Notary Project payload: a JSON object with targetArtifact {mediaType, digest, size} is required")
        }
        let signingTime = Date(timeIntervalSince1970: clock.now.timeIntervalSince1970.rounded(.down))
        let job = SigningJob(
            jobId: ids.uuid(), owner: profile.account, region: profile.region, profileName: profile.name, profileVersion: profile.profileVersion,
            platformId: profile.platformId, createdAt: signingTime, signatureExpiresAt: profile.validity.expiry(from: signingTime),
            requestedBy: "arn:aws:iam::\(caller.account):root", invoker: caller.account.value)
        let envelope = try await payloadSigner.sign(
            payload: payload, profile: profile,
            attributes: SignatureAttributes(
                signingTime: signingTime, expiry: job.signatureExpiresAt, profileVersionArn: profile.versionArn, jobArn: job.arn))
        return SignedPayload(
            job: job, envelope: envelope,
            metadata: ["com.amazonaws.signer.signingProfileVersion": profile.versionArn, "com.amazonaws.signer.signingJob": job.arn])
    }

    /// SignPayload as the API sees it: profile by name (and owner), refusals as Signer errors.
    public func signPayload(_ payload: Data, format: String, profileName: SigningProfileName, owner: String?, caller: CallerIdentity) async throws
        -> SignedPayload
    {
        var ownerAccount = caller.account
        if let owner {
            guard let account = try? AccountID(owner, field: "profileOwner") else {
                throw SignerError.invalid([.init(path: "profileOwner", value: owner, constraint: .pattern("^[0-9]{12}$"))])
            }
            ownerAccount = account
        }
        let profile: SigningProfile
        do {
            profile = try await profileForSigning(name: profileName, owner: ownerAccount, region: caller.region, caller: caller)
        } catch let refusal as SigningRefusal {
            switch refusal {
            case .profileNotFound: throw SignerError.profileNotFound(profileName.value)
            case .accessDenied(let message): throw SignerError.accessDenied(message)
            case .profileInactive, .invalidPlatform, .crossRegion: throw SignerError.validation(refusal.reason)
            }
        }
        return try await signPayload(payload, format: format, profile: profile, caller: caller)
    }

    public func describeSigningJob(_ jobId: String, caller: CallerIdentity) async throws -> SigningJob {
        guard let job = try await store.signingJob(jobId, owner: caller.account, region: caller.region) else {
            throw SignerError.jobNotFound(jobId)
        }
        return job
    }

    public func listSigningJobs(_ filter: SigningJobFilter, caller: CallerIdentity, maxResults: Int?, nextToken: String?) async throws
        -> Page<SigningJob>
    {
        try Self.checkMaxResults(maxResults)
        let jobs = try await store.signingJobs(in: caller.registry).filter(filter.admits)
        let width = 20
        return try Self.page(
            jobs,
            key: { job in
                // newest first: invert the time so that ascending keys list newer jobs first
                let inverted = String(Int64(9_999_999_999_999) - Int64(job.createdAt.timeIntervalSince1970 * 1000))
                return String(repeating: "0", count: max(0, width - inverted.count)) + inverted + "/" + job.jobId
            }, scope: "ListSigningJobs \(caller.registry)", maxResults: maxResults, token: nextToken)
    }

    /// RevokeSignature: the job's owner, or an account the profile granted signer:RevokeSignature.
    public func revokeSignature(_ jobId: String, owner: String?, reason: String, caller: CallerIdentity) async throws {
        try Self.checkReason(reason)
        var ownerAccount = caller.account
        if let owner {
            guard let account = try? AccountID(owner, field: "jobOwner") else {
                throw SignerError.invalid([.init(path: "jobOwner", value: owner, constraint: .pattern("^[0-9]{12}$"))])
            }
            ownerAccount = account
        }
        try await writeLock.withLock {
            guard var job = try await store.signingJob(jobId, owner: ownerAccount, region: caller.region) else {
                throw SignerError.jobNotFound(jobId)
            }
            if ownerAccount != caller.account {
                let profile = try await store.signingProfile(
                    named: SigningProfileName(trusted: job.profileName), in: RegistryKey(account: ownerAccount, region: caller.region))
                guard profile?.allows("signer:RevokeSignature", for: caller.account.value) == true else {
                    throw SignerError.accessDenied(
                        "User: arn:aws:iam::\(caller.account):root is not authorized to perform: signer:RevokeSignature on resource: \(job.arn)")
                }
            }
            if job.revocation == nil {
                job.revocation = SigningJob.Revocation(reason: reason, revokedAt: clock.now, revokedBy: "arn:aws:iam::\(caller.account):root")
                try await store.updateSigningJob(job)
            }
        }
    }

    /// GetRevocationStatus: which of the given entities are revoked for a signature made at `signatureTime`.
    public func revocationStatus(
        signatureTime: Date, platformId: String, profileVersionArn: String, jobArn: String, certificateHashes: [String]
    ) async throws -> [String] {
        guard SigningPlatform.named(platformId) != nil else {
            throw SignerError.validation("Signing platform \(platformId) does not exist")
        }
        var revoked: [String] = []
        if let arn = SignerARN(profileVersionArn), let (name, version) = arn.profileVersion,
            let profile = try await store.signingProfile(named: name, in: arn.registry), profile.profileVersion == version,
            let revocation = profile.revocation, signatureTime >= revocation.effectiveFrom
        {
            revoked.append(profileVersionArn)
        }
        if let arn = SignerARN(jobArn), let jobId = arn.jobId, let job = try await store.signingJob(jobId, owner: arn.account, region: arn.region),
            job.revocation != nil
        {
            revoked.append(jobArn)
        }
        _ = certificateHashes  // Signet revokes profiles and jobs, never certificates.
        return revoked
    }
}
