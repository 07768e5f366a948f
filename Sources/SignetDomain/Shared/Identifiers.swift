import Foundation

/// A 12-digit AWS account id, e.g. `123456789012`. It is also the ECR registry id.
public struct AccountID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: String

    /// - Throws: ``RegistryError/invalidParameter(_:)`` when `value` is not exactly 12 digits.
    public init(_ value: String, field: String = "registryId") throws {
        guard value.utf8.count == 12, value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw RegistryError.invalidParameter(.init(path: field, value: value, constraint: .pattern("[0-9]{12}")))
        }
        self.value = value
    }

    /// An id known to be valid (configuration defaults, stored rows).
    public init(trusted value: String) { self.value = value }

    public var description: String { value }
    public static func < (lhs: AccountID, rhs: AccountID) -> Bool { lhs.value < rhs.value }
}

/// An AWS region name such as `ap-northeast-1`.
public struct Region: Hashable, Sendable, CustomStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { value }

    /// Region names as AWS spells them: lowercase letters, digits and dashes.
    public static func isWellFormed(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 64
            && value.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }
}

/// A registry is one (account, region) pair; every piece of state belongs to exactly one.
public struct RegistryKey: Hashable, Sendable, CustomStringConvertible {
    public let account: AccountID
    public let region: Region
    public init(account: AccountID, region: Region) {
        self.account = account
        self.region = region
    }
    public var description: String { "\(account)/\(region)" }
}

/// Who is calling: the account that owns the request and the region it addresses.
public struct CallerIdentity: Hashable, Sendable {
    public let account: AccountID
    public let region: Region
    public init(account: AccountID, region: Region) {
        self.account = account
        self.region = region
    }
    public var registry: RegistryKey { RegistryKey(account: account, region: region) }
}
