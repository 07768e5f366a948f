import Crypto
import Foundation

/// AWS Signature Version 4: canonical request, string to sign, signing key, signature — the same code signs
/// (`signet verify`'s own calls) and verifies (every control-plane request).
///
/// Follows the AWS specification for non-S3 services: the canonical URI is the path as sent, URI-encoded once
/// more (so `%3A` in a rest-json path becomes `%253A`, as botocore signs it), query pairs decoded, re-encoded
/// and sorted, header names lowercased and values trimmed with inner runs of spaces collapsed.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// A request as SigV4 sees it.
    public struct Request: Sendable {
        public var method: String
        /// The path exactly as it appears in the request line (percent-encoded as the client sent it).
        public var path: String
        /// The raw query string (without `?`), or empty.
        public var query: String
        /// Header fields in order, names as sent (case is ignored).
        public var headers: [(name: String, value: String)]
        /// Hex SHA-256 of the body, `UNSIGNED-PAYLOAD`, or the x-amz-content-sha256 value.
        public var payloadHash: String

        public init(method: String, path: String, query: String, headers: [(name: String, value: String)], payloadHash: String) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    // MARK: Step 1: canonical request

    public static func canonicalRequest(_ request: Request, signedHeaders: [String], normalizePath: Bool, excludingQuery excluded: Set<String> = [])
        -> String
    {
        String(decoding: canonicalRequestBytes(request, signedHeaders: signedHeaders, normalizePath: normalizePath, excludingQuery: excluded), as: UTF8.self)
    }

    /// The canonical request as the bytes that are hashed, built in one buffer (this runs for every AWS request).
    public static func canonicalRequestBytes(
        _ request: Request, signedHeaders: [String], normalizePath: Bool, excludingQuery excluded: Set<String> = []
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + request.path.utf8.count + request.query.utf8.count + 64 * signedHeaders.count)
        for byte in request.method.utf8 { out.append(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) }
        out.append(0x0A)
        let path = request.path.isEmpty ? "/" : request.path
        appendURIEncoded(normalizePath ? normalizedPath(path) : path, keepSlash: true, to: &out)
        out.append(0x0A)
        if !request.query.isEmpty { out.append(contentsOf: canonicalQuery(request.query, excluding: excluded).utf8) }
        out.append(0x0A)
        appendCanonicalHeaders(request.headers, signed: signedHeaders, to: &out)
        out.append(0x0A)
        for (index, name) in signedHeaders.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ";")) }
            out.append(contentsOf: name.utf8)
        }
        out.append(0x0A)
        out.append(contentsOf: request.payloadHash.utf8)
        return out
    }

    /// RFC 3986 §5.2.4 dot-segment removal plus collapsing of empty segments (what the SDKs do before signing).
    static func normalizedPath(_ path: String) -> String {
        if isNormalized(path) { return path }
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if !output.isEmpty { output.removeLast() }
                continue
            }
            output.append(segment)
        }
        let joined = "/" + output.joined(separator: "/")
        return path.hasSuffix("/") && joined != "/" ? joined + "/" : joined
    }

    /// Whether normalizing would leave `path` as it is: it starts with `/`, has no empty segment (other than after
    /// a final `/`) and no segment that starts with a dot. (A segment such as `.well-known` sends the path the slow
    /// way, which then keeps it.)
    static func isNormalized(_ path: String) -> Bool {
        var previous: UInt8 = 0
        var first = true
        for byte in path.utf8 {
            if first {
                guard byte == UInt8(ascii: "/") else { return false }
                first = false
            } else if previous == UInt8(ascii: "/") && (byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".")) {
                return false
            }
            previous = byte
        }
        return !first
    }

    public static func canonicalQuery(_ query: String, excluding excluded: Set<String> = []) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let keyValue = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(keyValue[0]))
            guard !excluded.contains(key) else { continue }
            let value = keyValue.count > 1 ? percentDecode(String(keyValue[1])) : ""
            pairs.append((uriEncode(key, keepSlash: false), uriEncode(value, keepSlash: false)))
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// `name:value\n` per signed header; repeated headers joined with `,`.
    static func appendCanonicalHeaders(_ headers: [(name: String, value: String)], signed: [String], to out: inout [UInt8]) {
        for name in signed {
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: ":"))
            var first = true
            for header in headers where equalsLowercased(header.name, name) {
                if !first { out.append(UInt8(ascii: ",")) }
                appendTrimmed(header.value, to: &out)
                first = false
            }
            out.append(0x0A)
        }
    }

    /// Whether `name` equals the lowercase `lower`, ASCII case-insensitively, without allocating.
    static func equalsLowercased(_ name: String, _ lower: String) -> Bool {
        let a = name.utf8
        let b = lower.utf8
        guard a.count == b.count else { return false }
        // over contiguous UTF-8 (what HTTP header strings are): this runs for every header of every signed request
        let fast = a.withContiguousStorageIfAvailable { x in
            b.withContiguousStorageIfAvailable { y in
                for index in 0..<x.count {
                    let byte = x[index]
                    if (byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte) != y[index] { return false }
                }
                return true
            }
        }
        if let fast, let result = fast { return result }
        return zip(a, b).allSatisfy { x, y in (x >= 0x41 && x <= 0x5A ? x + 0x20 : x) == y }
    }

    /// Appends the value trimmed, with inner runs of whitespace collapsed to one space.
    static func appendTrimmed(_ value: String, to out: inout [UInt8]) {
        if let done = value.utf8.withContiguousStorageIfAvailable({ appendTrimmed($0, to: &out) }) { return done }
        appendTrimmed(Array(value.utf8), to: &out)
    }

    private static func appendTrimmed<Bytes: Collection<UInt8>>(_ value: Bytes, to out: inout [UInt8]) {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var pendingSpace = false
        var wroteAny = false
        for byte in value {
            if isSpace(byte) {
                pendingSpace = wroteAny
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                wroteAny = true
                out.append(byte)
            }
        }
    }

    // MARK: Steps 2–4

    public static func stringToSign(amzDate: String, scope: String, canonicalRequest: String) -> String {
        String(decoding: stringToSignBytes(amzDate: amzDate, scope: scope, canonicalRequest: Array(canonicalRequest.utf8)), as: UTF8.self)
    }

    static func stringToSignBytes(amzDate: String, scope: String, canonicalRequest: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(algorithm.utf8.count + amzDate.utf8.count + scope.utf8.count + 67)
        out.append(contentsOf: algorithm.utf8)
        out.append(0x0A)
        out.append(contentsOf: amzDate.utf8)
        out.append(0x0A)
        out.append(contentsOf: scope.utf8)
        out.append(0x0A)
        appendHex(canonicalRequest.withUnsafeBytes { SHA256.hash(data: $0) }, to: &out)
        return out
    }

    public static func signingKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    public static func signature(stringToSign: String, key: SymmetricKey) -> String {
        hex(signatureBytes(stringToSign: Array(stringToSign.utf8), hmac: KeyedHMAC(key: key)))
    }

    /// The signature's raw bytes, from an HMAC already keyed with the signing key.
    static func signatureBytes(stringToSign: [UInt8], hmac: KeyedHMAC) -> SHA256.Digest {
        stringToSign.withUnsafeBytes { hmac.authenticationCode(for: $0) }
    }

    /// Whether the lowercase hex of `expected` equals `provided` (hex digits in either case), in constant time.
    static func constantTimeHexEquals(_ expected: SHA256.Digest, _ provided: String) -> Bool {
        var provided = provided
        return provided.withUTF8 { given in
            expected.withUnsafeBytes { raw in
                guard given.count == raw.count * 2 else { return false }
                func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
                var difference: UInt8 = 0
                for (index, byte) in raw.enumerated() {
                    difference |= lowerHex[Int(byte >> 4)] ^ lower(given[2 * index])
                    difference |= lowerHex[Int(byte & 0x0F)] ^ lower(given[2 * index + 1])
                }
                return difference == 0
            }
        }
    }

    // MARK: Signing (clients)

    /// Signs `request` in the header form: returns the headers to add (`X-Amz-Date`, `Authorization`, token).
    public static func sign(
        _ request: Request, accessKey: String, secret: String, sessionToken: String? = nil, region: String, service: String, date: Date
    ) -> [(name: String, value: String)] {
        let amzDate = Self.amzDate(date)
        var request = request
        var added: [(name: String, value: String)] = [("X-Amz-Date", amzDate)]
        if let sessionToken { added.append(("X-Amz-Security-Token", sessionToken)) }
        request.headers += added
        let signed = Set(request.headers.map { $0.name.lowercased() }).sorted()
        let scope = "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
        let canonical = canonicalRequest(request, signedHeaders: signed, normalizePath: true)
        let key = signingKey(secret: secret, date: String(amzDate.prefix(8)), region: region, service: service)
        let signature = signature(stringToSign: stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical), key: key)
        added.append(
            ("Authorization", "\(algorithm) Credential=\(accessKey)/\(scope), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)"))
        return added
    }

    public static func amzDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// Parses `yyyyMMdd'T'HHmmss'Z'` by hand (a `DateFormatter` per request costs more than the whole signature check).
    public static func parseAmzDate(_ text: String) -> Date? {
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ parseAmzDate(bytes: $0) }) { return parsed }
        return Array(text.utf8).withUnsafeBufferPointer { parseAmzDate(bytes: $0) }
    }

    private static func parseAmzDate(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13), let second = number(13..<15), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61
        else { return nil }
        // days from civil (Howard Hinnant's algorithm)
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + hour * 3600 + minute * 60 + second))
    }

    // MARK: Encoding

    /// RFC 3986 encoding: unreserved characters stay, everything else is `%XX` (uppercase); `/` optionally kept.
    public static func uriEncode(_ text: String, keepSlash: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        appendURIEncoded(text, keepSlash: keepSlash, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let upperHex = Array("0123456789ABCDEF".utf8)
    private static let lowerHex = Array("0123456789abcdef".utf8)

    static func appendURIEncoded(_ text: String, keepSlash: Bool, to out: inout [UInt8]) {
        for byte in text.utf8 {
            let isUnreserved =
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2D || byte == 0x2E
                || byte == 0x5F || byte == 0x7E
            if isUnreserved || (keepSlash && byte == 0x2F) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHex[Int(byte >> 4)])
                out.append(upperHex[Int(byte & 0x0F)])
            }
        }
    }

    /// Lowercase hex (kept local: the signer depends on swift-crypto only).
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(lowerHex[Int(byte >> 4)])
            out.append(lowerHex[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func hex(_ digest: some Digest) -> String {
        var out: [UInt8] = []
        appendHex(digest, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendHex(_ bytes: some ContiguousBytes, to out: inout [UInt8]) {
        bytes.withUnsafeBytes { raw in
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: raw.count * 2))
            out.withUnsafeMutableBufferPointer { buffer in
                for (index, byte) in raw.enumerated() {
                    buffer[start + 2 * index] = lowerHex[Int(byte >> 4)]
                    buffer[start + 2 * index + 1] = lowerHex[Int(byte & 0x0F)]
                }
            }
        }
    }

    static func percentDecode(_ text: String) -> String {
        text.removingPercentEncoding ?? text
    }
}

/// HMAC-SHA256 with its key already applied: the SHA-256 states after the inner (`K ⊕ ipad`) and outer (`K ⊕ opad`)
/// key blocks (RFC 2104), so a signature costs the message's blocks and one more, not the two blocks of keying.
/// The verifier keeps one per signing key; `HMAC<SHA256>` was copied and fed through `DataProtocol` per request.
///
/// `@unchecked Sendable`: swift-crypto does not mark `SHA256` Sendable, but it is a copy-on-write value; the states
/// here are never mutated in place, only copied and the copies updated (which copies the context first).
struct KeyedHMAC: @unchecked Sendable {
    private let inner: SHA256
    private let outer: SHA256

    /// A key longer than a block (64 bytes) is hashed first, as RFC 2104 says (a SigV4 signing key has 32 bytes).
    init(key: SymmetricKey) {
        var keyBytes = key.withUnsafeBytes { Array($0) }
        if keyBytes.count > 64 { keyBytes = Array(SHA256.hash(data: keyBytes)) }
        var innerBlock = [UInt8](repeating: 0x36, count: 64)
        var outerBlock = [UInt8](repeating: 0x5C, count: 64)
        for (index, byte) in keyBytes.enumerated() {
            innerBlock[index] ^= byte
            outerBlock[index] ^= byte
        }
        var inner = SHA256()
        innerBlock.withUnsafeBytes { inner.update(bufferPointer: $0) }
        var outer = SHA256()
        outerBlock.withUnsafeBytes { outer.update(bufferPointer: $0) }
        self.inner = inner
        self.outer = outer
    }

    func authenticationCode(for message: UnsafeRawBufferPointer) -> SHA256.Digest {
        var inner = self.inner
        inner.update(bufferPointer: message)
        let innerDigest = inner.finalize()
        var outer = self.outer
        innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }
}
