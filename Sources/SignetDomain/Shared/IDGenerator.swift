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

    public func uuid() -> String { RandomUUID.string() }
}

/// Random (version 4) UUIDs in lowercase text, drawn from the system generator (`getrandom`): Foundation's `UUID()`
/// on Linux opens, reads and closes `/dev/urandom` for each one, three system calls per job id or temporary file.
public enum RandomUUID {
    private static let hex = Array("0123456789abcdef".utf8)

    public static func string() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (generator.next() as UInt64, generator.next() as UInt64)
        // version 4 (random) and the RFC 9562 variant (10xx)
        bytes.0 = (bytes.0 & ~(0xF << 12)) | (0x4 << 12)
        bytes.1 = (bytes.1 & ~(0xC << 60)) | (0x8 << 60)
        return String(unsafeUninitializedCapacity: 36) { text in
            var index = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    text[index] = UInt8(ascii: "-")
                    index += 1
                }
                let word = nibble < 16 ? bytes.0 : bytes.1
                text[index] = hex[Int((word >> UInt64(60 - 4 * (nibble % 16))) & 0xF)]
                index += 1
            }
            return index
        }
    }
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
