import Crypto
import Foundation

/// A content digest `algorithm:hex`. Signet computes `sha256` only, and accepts `sha256`/`sha512` references.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let algorithm: String
    public let hex: String

    /// Parses `sha256:<64 lowercase hex>` (or `sha512:<128 hex>`).
    /// - Returns: `nil` when `string` is not a well-formed digest.
    public init?(parsing string: String) {
        guard let colon = string.firstIndex(of: ":") else { return nil }
        let algorithm = String(string[..<colon])
        let hex = String(string[string.index(after: colon)...])
        let expectedLength: Int
        switch algorithm {
        case "sha256": expectedLength = 64
        case "sha512": expectedLength = 128
        default: return nil
        }
        guard hex.utf8.count == expectedLength, hex.utf8.allSatisfy(Self.isLowerHex) else { return nil }
        self.algorithm = algorithm
        self.hex = hex
    }

    /// The ECR shape check quoted in its failure reasons: `[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+`.
    public static func hasECRShape(_ string: String) -> Bool {
        guard let colon = string.firstIndex(of: ":") else { return false }
        let algorithm = string[..<colon].utf8
        let hex = string[string.index(after: colon)...].utf8
        guard !algorithm.isEmpty, !hex.isEmpty else { return false }
        let algorithmOK = algorithm.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2D || byte == 0x5F || byte == 0x2B || byte == 0x2E
        }
        let hexOK = hex.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
        }
        return algorithmOK && hexOK
    }

    /// The SHA-256 digest of `bytes`.
    public static func sha256<Bytes: DataProtocol>(of bytes: Bytes) -> Digest {
        Digest(trustedAlgorithm: "sha256", hex: SHA256.hash(data: bytes).hexString)
    }

    public init(trustedAlgorithm algorithm: String, hex: String) {
        self.algorithm = algorithm
        self.hex = hex
    }

    public var description: String { "\(algorithm):\(hex)" }
    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let string = try decoder.singleValueContainer().decode(String.self)
        guard let digest = Digest(parsing: string) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid digest \(string)"))
        }
        self = digest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal rendering.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
