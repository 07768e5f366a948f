import Foundation

/// base64url without padding (RFC 7515 §2): JWS envelopes, registry passwords and presigned layer URLs.
public enum Base64URL {
    public static func encode(_ data: some DataProtocol) -> String {
        // Foundation's base64, then the alphabet swapped byte by byte (three `replacingOccurrences` passes cost
        // 8% of a SignPayload request in the profile).
        var bytes = Array(Data(data).base64EncodedString().utf8)
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "+"): bytes[index] = UInt8(ascii: "-")
            case UInt8(ascii: "/"): bytes[index] = UInt8(ascii: "_")
            default: break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Strict decoding: padding (`=`), standard-alphabet characters and anything else outside the base64url
    /// alphabet are rejected, as notation does; unused low bits of the last character are ignored, as Foundation
    /// and Go ignore them. Over UTF-8 bytes: this runs for every `/v2/` request (the registry password).
    public static func decode(_ text: String) -> Data? {
        let utf8 = text.utf8
        guard utf8.count % 4 != 1 else { return nil }
        var out = Data()
        out.reserveCapacity(utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "_"): value = 63
            default: return nil
            }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return out
    }
}
