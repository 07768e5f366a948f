import Foundation

/// A signing-profile name: 2–64 of `[A-Za-z0-9_]`.
public struct SigningProfileName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: String
    public static let pattern = "^[a-zA-Z0-9_]{2,}"

    public init(_ value: String, field: String = "profileName") throws {
        let bytes = value.utf8
        if bytes.count < 2 {
            throw SignerError.invalid([.init(path: field, value: value, constraint: .minLength(2))])
        }
        if bytes.count > 64 {
            throw SignerError.invalid([.init(path: field, value: value, constraint: .maxLength(64))])
        }
        guard bytes.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x5F }) else {
            throw SignerError.invalid([.init(path: field, value: value, constraint: .pattern(Self.pattern))])
        }
        self.value = value
    }

    public init(trusted value: String) { self.value = value }
    public var description: String { value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// `signatureValidityPeriod`: how long signatures made with a profile stay valid.
public struct SignatureValidityPeriod: Sendable, Equatable, Codable {
    public enum Unit: String, Sendable, Codable, CaseIterable {
        case days = "DAYS"
        case months = "MONTHS"
        case years = "YEARS"
    }
    public let value: Int
    public let type: Unit

    /// 135 months: Signer's default and also its maximum.
    public static let `default` = SignatureValidityPeriod(value: 135, type: .months)

    /// - Throws: ``SignerError`` when the period is shorter than one day or longer than 135 months.
    ///   The maximum in days and years is what fits in 135 months: 4,105 days (11 × 365 + 90), 11 years.
    public init(value: Int?, type rawType: String?) throws {
        guard let rawType, let unit = Unit(rawValue: rawType) else {
            throw SignerError.invalid([
                .init(path: "signatureValidityPeriod.type", value: rawType, constraint: rawType == nil ? .notNull : .oneOf(Unit.allCases.map(\.rawValue)))
            ])
        }
        guard let value else { throw SignerError.invalid([.init(path: "signatureValidityPeriod.value", value: nil, constraint: .notNull)]) }
        let maximum: Int
        switch unit {
        case .days: maximum = 4105
        case .months: maximum = 135
        case .years: maximum = 11
        }
        guard value >= 1 else {
            throw SignerError.validation("Signature validity period must be at least 1 day")
        }
        guard value <= maximum else {
            throw SignerError.validation("Signature validity period cannot exceed 135 months (\(maximum) \(unit.rawValue))")
        }
        self.value = value
        self.type = unit
    }

    public init(value: Int, type: Unit) {
        self.value = value
        self.type = type
    }

    /// The moment a signature made at `date` expires.
    public func expiry(from date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let component: Calendar.Component = type == .days ? .day : (type == .months ? .month : .year)
        return calendar.date(byAdding: component, value: value, to: date) ?? date
    }
}

/// One statement of a profile's resource policy (AddProfilePermission).
public struct ProfilePermission: Sendable, Equatable, Codable {
    public let statementId: String
    public let action: String
    public let principal: String
    public let profileVersion: String?

    public init(statementId: String, action: String, principal: String, profileVersion: String?) {
        self.statementId = statementId
        self.action = action
        self.principal = principal
        self.profileVersion = profileVersion
    }

    /// The account a principal belongs to: the id itself, or the account field of an IAM ARN.
    public var principalAccount: String? {
        if principal.count == 12, principal.allSatisfy(\.isNumber) { return principal }
        let parts = principal.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn" else { return nil }
        return String(parts[4])
    }
}

/// When and by whom a profile was revoked.
public struct ProfileRevocation: Sendable, Equatable, Codable {
    public var effectiveFrom: Date
    public var revokedAt: Date
    public var revokedBy: String
}

/// `overrides` of a profile (stored and returned as given).
public struct SigningOverrides: Sendable, Equatable, Codable {
    public var encryptionAlgorithm: String?
    public var hashAlgorithm: String?
    public var signingImageFormat: String?
    public init(encryptionAlgorithm: String?, hashAlgorithm: String?, signingImageFormat: String?) {
        self.encryptionAlgorithm = encryptionAlgorithm
        self.hashAlgorithm = hashAlgorithm
        self.signingImageFormat = signingImageFormat
    }
}

/// A signing profile in one (account, region).
public struct SigningProfile: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case active = "Active"
        case canceled = "Canceled"
        case revoked = "Revoked"
    }

    public let account: String
    public let region: String
    public let name: String
    public let platformId: String
    public let profileVersion: String
    public let createdAt: Date
    public var status: Status
    public var statusReason: String?
    public let validity: SignatureValidityPeriod
    public let certificateArn: String?
    public let overrides: SigningOverrides?
    public let signingParameters: [String: String]?
    public var tags: [String: String]
    public var revocation: ProfileRevocation?
    public var permissions: [ProfilePermission]
    /// Changes with every permission change; `nil` while the policy is empty and was never written.
    public var revisionId: String?

    public init(
        account: String, region: String, name: String, platformId: String, profileVersion: String, createdAt: Date,
        validity: SignatureValidityPeriod, certificateArn: String?, overrides: SigningOverrides?, signingParameters: [String: String]?,
        tags: [String: String]
    ) {
        self.account = account
        self.region = region
        self.name = name
        self.platformId = platformId
        self.profileVersion = profileVersion
        self.createdAt = createdAt
        self.status = .active
        self.validity = validity
        self.certificateArn = certificateArn
        self.overrides = overrides
        self.signingParameters = signingParameters
        self.tags = tags
        self.permissions = []
    }

    /// `arn:aws:signer:<region>:<account>:/signing-profiles/<name>`.
    public var arn: String { "arn:aws:signer:\(region):\(account):/signing-profiles/\(name)" }
    public var versionArn: String { "\(arn)/\(profileVersion)" }
    public var platform: SigningPlatform? { SigningPlatform.named(platformId) }

    /// Whether account `caller` may perform `action` on this profile: its owner always, others by a statement (one
    /// that names a profile version grants that version only).
    ///
    /// A principal that is an IAM ARN (a role, a user) grants its whole account: Signet's credentials belong to an
    /// account, not to an identity within it.
    public func allows(_ action: String, for caller: String) -> Bool {
        caller == account
            || permissions.contains {
                $0.action == action && $0.principalAccount == caller && ($0.profileVersion == nil || $0.profileVersion == profileVersion)
            }
    }
}
