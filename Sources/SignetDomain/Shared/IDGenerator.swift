import Foundation

/// Identifiers the services mint: profile versions, revision ids, job ids.
public protocol IDGenerator: Sendable {
    /// 10 mixed-case alphanumerics, like Signer's profile versions (`IrwHQeF7XW`).
    func profileVersion() -> String
    /// A lowercase UUID.
    func uuid() -> String
}

/// Random identifiers (production).
public struct RandomIDGenerator: IDGenerator {
    public init() {}
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    public func profileVersion() -> String {
        var generator = SystemRandomNumberGenerator()
        // ensure both cases appear, as in real versions
        while true {
            let candidate = String((0..<10).map { _ in Self.alphabet[Int(generator.next(upperBound: UInt(Self.alphabet.count)))] })
            if candidate.contains(where: \.isUppercase), candidate.contains(where: \.isLowercase) { return candidate }
        }
    }

    public func uuid() -> String { UUID().uuidString.lowercased() }
}

/// Predictable identifiers for tests: `SgnVer0001`, `SgnVer0002`…; UUIDs `00000000-0000-4000-8000-000000000001`….
public final class SequentialIDGenerator: IDGenerator, @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var versions = 0
    private var uuids = 0

    public init() {}

    public func profileVersion() -> String {
        lock.withLock {
            versions += 1
            return "SgnVer" + String(format: "%04d", versions)
        }
    }

    public func uuid() -> String {
        lock.withLock {
            uuids += 1
            return "00000000-0000-4000-8000-" + String(format: "%012d", uuids)
        }
    }
}
