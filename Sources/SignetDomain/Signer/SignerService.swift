import Foundation

/// The settings of a new signing profile, as a client sent them.
public struct SigningProfileRequest: Sendable {
    public var platformId: String
    public var validity: SignatureValidityPeriod?
    public var certificateArn: String?
    public var overrides: SigningOverrides?
    public var signingParameters: [String: String]?
    public var tags: [String: String]?

    public init(
        platformId: String, validity: SignatureValidityPeriod?, certificateArn: String?, overrides: SigningOverrides?,
        signingParameters: [String: String]?, tags: [String: String]?
    ) {
        self.platformId = platformId
        self.validity = validity
        self.certificateArn = certificateArn
        self.overrides = overrides
        self.signingParameters = signingParameters
        self.tags = tags
    }
}

/// Which profiles ListSigningProfiles returns.
public struct ProfileListFilter: Sendable {
    public var statuses: [SigningProfile.Status]?
    public var includeCanceled: Bool
    public var platformId: String?
    public init(statuses: [SigningProfile.Status]?, includeCanceled: Bool, platformId: String?) {
        self.statuses = statuses
        self.includeCanceled = includeCanceled
        self.platformId = platformId
    }

    /// `statuses` when given; otherwise Active, plus Canceled with `includeCanceled`.
    /// (Revoked profiles are listed only when asked for by status: Signer documents the default as "only ACTIVE".)
    func admits(_ profile: SigningProfile) -> Bool {
        if let platformId, profile.platformId != platformId { return false }
        if let statuses, !statuses.isEmpty { return statuses.contains(profile.status) }
        return profile.status == .active || (includeCanceled && profile.status == .canceled)
    }
}

/// AWS Signer's rules for profiles, platforms, tags and profile permissions.
public struct SignerService: Sendable {
    let store: any SignerStore
    let clock: any SignetClock
    let ids: any IDGenerator
    let payloadSigner: (any PayloadSigner)?
    let writeLock = AsyncLock()

    /// Largest resource policy a profile may carry (bytes of its JSON document).
    public static let maxPolicySize = 20 * 1024
    public static let maxTags = 200

    public init(store: any SignerStore, clock: any SignetClock, ids: any IDGenerator, payloadSigner: (any PayloadSigner)? = nil) {
        self.store = store
        self.clock = clock
        self.ids = ids
        self.payloadSigner = payloadSigner
    }

    // MARK: Platforms

    public func signingPlatform(_ platformId: String) throws -> SigningPlatform {
        guard let platform = SigningPlatform.named(platformId) else { throw SignerError.platformNotFound(platformId) }
        return platform
    }

    public func listSigningPlatforms(category: String?, partner: String?, target: String?, maxResults: Int?, nextToken: String?) throws
        -> Page<SigningPlatform>
    {
        try Self.checkMaxResults(maxResults)
        let matching = SigningPlatform.catalog.enumerated().filter { _, platform in
            (category.map { $0 == platform.category } ?? true) && (partner.map { $0 == platform.partner } ?? true)
                && (target.map { $0 == platform.target } ?? true)
        }
        // keys keep catalog order (Notation first)
        let page = try Self.page(
            matching, key: { String(format: "%04d", $0.offset) }, scope: "ListSigningPlatforms", maxResults: maxResults, token: nextToken)
        return Page(items: page.items.map(\.element), nextToken: page.nextToken)
    }

    // MARK: Profiles

    public func putSigningProfile(_ name: SigningProfileName, _ request: SigningProfileRequest, caller: CallerIdentity) async throws -> SigningProfile {
        guard let platform = SigningPlatform.named(request.platformId) else {
            throw SignerError.validation("Signing platform \(request.platformId) does not exist")
        }
        if platform.requiresSigningMaterial, request.certificateArn == nil {
            throw SignerError.validation("signing material cannot be null.")
        }
        if let tags = request.tags { try Self.checkTags(tags, path: "tags") }
        let profile = SigningProfile(
            account: caller.account.value, region: caller.region.value, name: name.value, platformId: platform.platformId,
            profileVersion: ids.profileVersion(), createdAt: clock.now, validity: request.validity ?? .default,
            certificateArn: request.certificateArn, overrides: request.overrides, signingParameters: request.signingParameters,
            tags: request.tags ?? [:])
        let inserted = try await writeLock.withLock { try await store.insertSigningProfile(profile) }
        guard inserted else { throw SignerError.validation("Profile with name \(name) already exists") }
        return profile
    }

    /// A profile of the caller's account, or of `profileOwner` when that account granted the caller `action`.
    public func signingProfile(
        _ name: SigningProfileName, owner: String?, caller: CallerIdentity, action: String = "signer:GetSigningProfile"
    ) async throws -> SigningProfile {
        var ownerAccount = caller.account
        if let owner {
            guard let account = try? AccountID(owner, field: "profileOwner") else {
                throw SignerError.invalid([.init(path: "profileOwner", value: owner, constraint: .pattern("^[0-9]{12}$"))])
            }
            ownerAccount = account
        }
        let registry = RegistryKey(account: ownerAccount, region: caller.region)
        guard let profile = try await store.signingProfile(named: name, in: registry) else {
            throw SignerError.profileNotFound(name.value)
        }
        guard profile.allows(action, for: caller.account.value) else {
            throw SignerError.accessDenied(
                "User: arn:aws:iam::\(caller.account):root is not authorized to perform: \(action) on resource: \(profile.arn)")
        }
        return profile
    }

    public func listSigningProfiles(_ filter: ProfileListFilter, caller: CallerIdentity, maxResults: Int?, nextToken: String?) async throws
        -> Page<SigningProfile>
    {
        try Self.checkMaxResults(maxResults)
        let profiles = try await store.signingProfiles(in: caller.registry).filter(filter.admits)
        return try Self.page(profiles, key: \.name, scope: "ListSigningProfiles \(caller.registry)", maxResults: maxResults, token: nextToken)
    }

    /// Active → Canceled. Canceling a canceled or revoked profile changes nothing and succeeds.
    public func cancelSigningProfile(_ name: SigningProfileName, caller: CallerIdentity) async throws {
        try await mutateProfile(name, caller: caller) { profile in
            if profile.status == .active { profile.status = .canceled }
        }
    }

    /// Revokes the profile from `effectiveTime` on. The version must be the profile's; the time may not be in the
    /// future; a repeated revocation may move the time earlier, never later. Revocation is final.
    public func revokeSigningProfile(
        _ name: SigningProfileName, version: String, reason: String, effectiveTime: Date, caller: CallerIdentity
    ) async throws {
        try Self.checkReason(reason)
        let now = clock.now
        guard effectiveTime <= now else { throw SignerError.validation("Revocation effective time cannot be in the future") }
        try await mutateProfile(name, caller: caller) { profile in
            guard version == profile.profileVersion else {
                throw SignerError.validation("Profile version \(version) does not match the current version of profile \(name)")
            }
            if let existing = profile.revocation, effectiveTime > existing.effectiveFrom {
                throw SignerError.validation("Revocation effective time can only be moved earlier than \(Self.iso(existing.effectiveFrom))")
            }
            profile.status = .revoked
            profile.statusReason = reason
            profile.revocation = ProfileRevocation(
                effectiveFrom: effectiveTime, revokedAt: now, revokedBy: "arn:aws:iam::\(caller.account):root")
        }
    }

    private func mutateProfile(_ name: SigningProfileName, caller: CallerIdentity, _ change: (inout SigningProfile) throws -> Void) async throws {
        try await writeLock.withLock {
            guard var profile = try await store.signingProfile(named: name, in: caller.registry) else {
                throw SignerError.profileNotFound(name.value)
            }
            try change(&profile)
            try await store.updateSigningProfile(profile)
        }
    }

    // MARK: Tags

    /// The caller's profile named by a profile ARN (tag APIs: BadRequest for malformed, NotFound for unknown).
    func profile(forArn arn: String, caller: CallerIdentity) async throws -> SigningProfile {
        guard let parsed = SignerARN(arn), let name = parsed.profileName else {
            throw SignerError.badRequest("\(arn) is not a valid signing profile ARN")
        }
        guard parsed.registry == caller.registry, let profile = try await store.signingProfile(named: name, in: caller.registry)
        else {
            throw SignerError.tagResourceNotFound(arn)
        }
        return profile
    }

    public func tags(of arn: String, caller: CallerIdentity) async throws -> [String: String] {
        try await profile(forArn: arn, caller: caller).tags
    }

    public func tagResource(_ arn: String, tags: [String: String], caller: CallerIdentity) async throws {
        guard !tags.isEmpty else { throw SignerError.badRequest("tags must contain at least one tag") }
        do {
            try Self.checkTags(tags, path: "tags")
        } catch SignerError.invalid(let violations) {
            if violations.contains(where: { if case .maxItems = $0.constraint { true } else { false } }) {
                throw SignerError.badRequest("A resource can have at most \(Self.maxTags) tags")
            }
            throw SignerError.badRequest(violations.map { "\($0.path): \($0.value ?? "")" }.joined(separator: "; ") + " is not a valid tag")
        }
        try await writeLock.withLock {
            var profile = try await profile(forArn: arn, caller: caller)
            profile.tags.merge(tags) { _, new in new }
            guard profile.tags.count <= Self.maxTags else { throw SignerError.badRequest("A resource can have at most \(Self.maxTags) tags") }
            try await store.updateSigningProfile(profile)
        }
    }

    public func untagResource(_ arn: String, keys: [String], caller: CallerIdentity) async throws {
        guard (1...Self.maxTags).contains(keys.count) else {
            throw SignerError.badRequest("tagKeys must list between 1 and \(Self.maxTags) keys")
        }
        for key in keys where !Self.isValidTagKey(key) { throw SignerError.badRequest("\(key) is not a valid tag key") }
        try await writeLock.withLock {
            var profile = try await profile(forArn: arn, caller: caller)
            for key in keys { profile.tags[key] = nil }
            try await store.updateSigningProfile(profile)
        }
    }

    // MARK: Profile permissions

    public struct PermissionPolicy: Sendable {
        public let revisionId: String?
        public let policySizeBytes: Int
        public let permissions: [ProfilePermission]
    }

    public func addProfilePermission(
        _ name: SigningProfileName, _ permission: ProfilePermission, revisionId: String?, caller: CallerIdentity
    ) async throws -> String {
        guard !permission.statementId.isEmpty, permission.statementId.count <= 100 else {
            throw SignerError.validation("statementId must be between 1 and 100 characters")
        }
        guard permission.principalAccount != nil else {
            throw SignerError.validation("Principal \(permission.principal) is not a valid AWS account id or IAM ARN")
        }
        if let version = permission.profileVersion, !(version.count == 10 && version.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            throw SignerError.invalid([.init(path: "profileVersion", value: version, constraint: .pattern("^[a-zA-Z0-9]{10}$"))])
        }
        return try await writeLock.withLock {
            guard var profile = try await store.signingProfile(named: name, in: caller.registry) else {
                throw SignerError.profileNotFound(name.value)
            }
            let platform = profile.platform
            guard let platform, platform.permittedActions.contains(permission.action) else {
                let allowed = platform?.permittedActions ?? []
                throw SignerError.validation(
                    "Action \(permission.action) not supported for platform \(profile.platformId). Action must be one of [\(allowed.joined(separator: ", "))]")
            }
            if let revisionId, revisionId != profile.revisionId {
                throw SignerError.conflict("Provided revision id \(revisionId) does not match the current revision of the policy")
            }
            guard !profile.permissions.contains(where: { $0.statementId == permission.statementId }) else {
                throw SignerError.conflict("A statement with id \(permission.statementId) already exists in the policy")
            }
            profile.permissions.append(permission)
            guard Self.policySize(profile) <= Self.maxPolicySize else {
                throw SignerError.serviceLimitExceeded("The resource policy of \(profile.arn) would exceed \(Self.maxPolicySize) bytes")
            }
            let revision = ids.uuid()
            profile.revisionId = revision
            try await store.updateSigningProfile(profile)
            return revision
        }
    }

    public func listProfilePermissions(_ name: SigningProfileName, caller: CallerIdentity) async throws -> PermissionPolicy {
        guard let profile = try await store.signingProfile(named: name, in: caller.registry) else {
            throw SignerError.profileNotFound(name.value)
        }
        return PermissionPolicy(revisionId: profile.revisionId, policySizeBytes: Self.policySize(profile), permissions: profile.permissions)
    }

    public func removeProfilePermission(_ name: SigningProfileName, statementId: String, revisionId: String, caller: CallerIdentity) async throws
        -> String
    {
        try await writeLock.withLock {
            guard var profile = try await store.signingProfile(named: name, in: caller.registry) else {
                throw SignerError.profileNotFound(name.value)
            }
            guard revisionId == profile.revisionId else {
                throw SignerError.conflict("Provided revision id \(revisionId) does not match the current revision of the policy")
            }
            guard let index = profile.permissions.firstIndex(where: { $0.statementId == statementId }) else {
                throw SignerError.statementNotFound(statementId, profile: name.value)
            }
            profile.permissions.remove(at: index)
            let revision = ids.uuid()
            profile.revisionId = revision
            try await store.updateSigningProfile(profile)
            return revision
        }
    }

    /// Size of the profile's policy as an IAM-style JSON document.
    static func policySize(_ profile: SigningProfile) -> Int {
        guard !profile.permissions.isEmpty else { return 0 }
        let statements = profile.permissions.map { permission in
            #"{"Sid":"\#(permission.statementId)","Effect":"Allow","Principal":{"AWS":"\#(permission.principal)"},"Action":"\#(permission.action)","Resource":"\#(permission.profileVersion.map { "\(profile.arn)/\($0)" } ?? profile.arn)"}"#
        }
        return #"{"Version":"2012-10-17","Statement":[\#(statements.joined(separator: ","))]}"#.utf8.count
    }

    // MARK: Validation helpers

    static func checkMaxResults(_ maxResults: Int?) throws {
        if let maxResults, !(1...25).contains(maxResults) {
            throw SignerError.invalid([.init(path: "maxResults", value: String(maxResults), constraint: .range(1, 25))])
        }
    }

    static func checkReason(_ reason: String) throws {
        guard (1...500).contains(reason.count) else {
            throw SignerError.invalid([.init(path: "reason", value: reason, constraint: reason.isEmpty ? .minLength(1) : .maxLength(500))])
        }
    }

    /// Tag keys 1–128 of `[a-zA-Z+-=._:/]` (`+-=` is the range U+002B…U+003D, so digits are allowed), not `aws:`.
    static func isValidTagKey(_ key: String) -> Bool {
        (1...128).contains(key.unicodeScalars.count) && !key.hasPrefix("aws:")
            && key.unicodeScalars.allSatisfy { scalar in
                (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value) || (0x2B...0x3D).contains(scalar.value)
                    || scalar == "." || scalar == "_" || scalar == ":" || scalar == "/"
            }
    }

    static func checkTags(_ tags: [String: String], path: String) throws {
        guard !tags.isEmpty else { throw SignerError.invalid([.init(path: path, value: nil, constraint: .minItems(1))]) }
        guard tags.count <= maxTags else { throw SignerError.invalid([.init(path: path, value: nil, constraint: .maxItems(maxTags))]) }
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            guard isValidTagKey(key) else {
                throw SignerError.invalid([.init(path: "\(path).\(key)", value: key, constraint: .pattern("^(?!aws:)[a-zA-Z+-=._:/]+$"))])
            }
            guard value.unicodeScalars.count <= 256 else {
                throw SignerError.invalid([.init(path: "\(path).\(key)", value: value, constraint: .maxLength(256))])
            }
        }
    }

    static func page<Item: Sendable>(_ items: [Item], key: (Item) -> String, scope: String, maxResults: Int?, token: String?) throws -> Page<Item> {
        do {
            return try Paginator.page(items, key: key, scope: scope, maxResults: maxResults, defaultSize: 25, token: token)
        } catch {
            throw SignerError.validation("Invalid nextToken")
        }
    }

    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
