import Crypto
import Foundation
import Synchronization

/// One access key Signet accepts.
public struct AccessKey: Sendable, Equatable, Decodable {
    public let accessKeyId: String
    public let secretAccessKey: String
    public let accountId: String
    public let sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, accountId: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.accountId = accountId
        self.sessionToken = sessionToken
    }
}

/// Why a request's signature was refused, named as AWS names it.
public enum SigV4Failure: Error, Sendable, Equatable {
    case missingAuthenticationToken
    case incompleteSignature(String)
    case invalidSignature(String)
    case unrecognizedClient
    case signatureExpired(String)
    case wrongService(expected: String)

    public var code: String {
        switch self {
        case .missingAuthenticationToken: return "MissingAuthenticationTokenException"
        case .incompleteSignature: return "IncompleteSignatureException"
        case .invalidSignature, .signatureExpired, .wrongService: return "InvalidSignatureException"
        case .unrecognizedClient: return "UnrecognizedClientException"
        }
    }

    public var message: String {
        switch self {
        case .missingAuthenticationToken: return "Missing Authentication Token"
        case .incompleteSignature(let detail): return detail
        case .invalidSignature(let detail): return detail
        case .unrecognizedClient: return "The security token included in the request is invalid."
        case .signatureExpired(let detail): return detail
        case .wrongService(let expected): return "Credential should be scoped to correct service: '\(expected)'. "
        }
    }
}

/// Verifies SigV4-signed requests (header and presigned-query forms) against known access keys.
public struct SigV4Verifier: Sendable {
    public let keys: [String: AccessKey]
    /// What a credential string resolves to once its key is known: the key, the parsed scope and the derived signing
    /// key (four HMACs saved per request, and the parsing and lookups before them).
    private let credentials = CredentialCache()
    /// Largest allowed difference between the request's date and now.
    public static let clockSkew: TimeInterval = 15 * 60

    public init(keys: [AccessKey]) {
        var table: [String: AccessKey] = [:]
        for key in keys { table[key.accessKeyId] = key }
        self.keys = table
    }

    static let mismatch =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

    /// The verified key and credential scope of `request`.
    /// - Parameter service: the signing name this surface accepts (`ecr`, `signer`).
    public func verify(_ request: SigV4.Request, service: String, now: Date) throws(SigV4Failure) -> (AccessKey, CredentialScope) {
        let headerValue = Self.header("authorization", in: request)
        if let headerValue, headerValue.hasPrefix(SigV4.algorithm) {
            return try verifyHeader(headerValue, request, service: service, now: now)
        }
        let queryItems = Self.queryItems(request.query)
        if queryItems["X-Amz-Algorithm"] != nil || queryItems["X-Amz-Signature"] != nil || queryItems["X-Amz-Credential"] != nil {
            return try verifyQuery(queryItems, request, service: service, now: now)
        }
        if headerValue != nil {
            throw .incompleteSignature("Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        throw .missingAuthenticationToken
    }

    /// The first value of the header `lowercaseName` (names compared ASCII case-insensitively, without allocating).
    static func header(_ lowercaseName: String, in request: SigV4.Request) -> String? {
        request.headers.first { SigV4.equalsLowercased($0.name, lowercaseName) }?.value
    }

    /// The `Credential`, `Signature` and `SignedHeaders` of `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`
    /// (parsed over UTF-8 bytes: this runs for every request; the last of a repeated parameter wins).
    static func authorizationParameters(_ header: String) -> (credential: String?, signature: String?, signedHeaders: String?) {
        if let parsed = header.utf8.withContiguousStorageIfAvailable({ authorizationParameters(bytes: $0) }) { return parsed }
        return Array(header.utf8).withUnsafeBufferPointer { authorizationParameters(bytes: $0) }
    }

    private static func authorizationParameters(bytes: UnsafeBufferPointer<UInt8>) -> (credential: String?, signature: String?, signedHeaders: String?) {
        var result: (credential: String?, signature: String?, signedHeaders: String?) = (nil, nil, nil)
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func named(_ range: Range<Int>, _ name: StaticString) -> Bool {
            guard range.count == name.utf8CodeUnitCount else { return false }
            let expected = name.utf8Start
            for (offset, index) in range.enumerated() where bytes[index] != expected[offset] { return false }
            return true
        }
        let end = bytes.count
        var index = min(SigV4.algorithm.utf8.count, end)
        while index != end {
            // one `name=value` piece up to the next comma, blanks around it skipped
            while index != end, isBlank(bytes[index]) || bytes[index] == UInt8(ascii: ",") { index += 1 }
            let nameStart = index
            var equals: Int?
            while index != end, bytes[index] != UInt8(ascii: ",") {
                if equals == nil, bytes[index] == UInt8(ascii: "=") { equals = index }
                index += 1
            }
            var valueEnd = index
            while let equals, valueEnd > equals, isBlank(bytes[valueEnd - 1]) { valueEnd -= 1 }
            guard let equals, equals + 1 < valueEnd else { continue }
            let name = nameStart..<equals
            let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[(equals + 1)..<valueEnd]), as: UTF8.self)
            if named(name, "Credential") {
                result.credential = value
            } else if named(name, "Signature") {
                result.signature = value
            } else if named(name, "SignedHeaders") {
                result.signedHeaders = value
            }
        }
        return result
    }

    func verifyHeader(_ header: String, _ request: SigV4.Request, service: String, now: Date) throws(SigV4Failure) -> (AccessKey, CredentialScope) {
        let parameters = Self.authorizationParameters(header)
        var missing: [String] = []
        if parameters.credential == nil { missing.append("Authorization header requires 'Credential' parameter.") }
        if parameters.signature == nil { missing.append("Authorization header requires 'Signature' parameter.") }
        if parameters.signedHeaders == nil { missing.append("Authorization header requires 'SignedHeaders' parameter.") }
        let amzDate = Self.header("x-amz-date", in: request)
        if amzDate == nil { missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.") }
        guard missing.isEmpty, let credential = parameters.credential, let signature = parameters.signature,
            let signedHeaders = parameters.signedHeaders, let amzDate
        else {
            throw .incompleteSignature(missing.joined(separator: " ") + " Authorization=\(header.prefix(40))")
        }
        let signed = signedHeaders.utf8.split(separator: UInt8(ascii: ";")).map { String(Substring($0)) }
        let token = Self.header("x-amz-security-token", in: request)
        return try check(
            credential: credential, signature: signature, signedHeaders: signed, amzDate: amzDate, token: token, request: request,
            excludedQuery: [], service: service, now: now, expires: nil)
    }

    func verifyQuery(_ items: [String: String], _ request: SigV4.Request, service: String, now: Date) throws(SigV4Failure) -> (AccessKey, CredentialScope) {
        var missing: [String] = []
        for name in ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"] where items[name] == nil {
            missing.append("AWS query-string parameters must include '\(name)'.")
        }
        guard missing.isEmpty, items["X-Amz-Algorithm"] == SigV4.algorithm, let credential = items["X-Amz-Credential"],
            let signature = items["X-Amz-Signature"], let signedHeaders = items["X-Amz-SignedHeaders"], let amzDate = items["X-Amz-Date"]
        else {
            throw .incompleteSignature(missing.isEmpty ? "Unsupported AWS 'algorithm': '\(items["X-Amz-Algorithm"] ?? "")'" : missing.joined(separator: " ") + " Re-examine the query-string parameters.")
        }
        var expires: TimeInterval?
        if let raw = items["X-Amz-Expires"] {
            guard let seconds = Int(raw), (1...604_800).contains(seconds) else {
                throw .incompleteSignature("X-Amz-Expires must be between 1 and 604800 seconds")
            }
            expires = TimeInterval(seconds)
        }
        return try check(
            credential: credential, signature: signature, signedHeaders: signedHeaders.split(separator: ";").map(String.init), amzDate: amzDate,
            token: items["X-Amz-Security-Token"], request: request, excludedQuery: ["X-Amz-Signature"], service: service, now: now,
            expires: expires)
    }

    func check(
        credential: String, signature: String, signedHeaders: [String], amzDate: String, token: String?, request: SigV4.Request,
        excludedQuery: Set<String>, service: String, now: Date, expires: TimeInterval?
    ) throws(SigV4Failure) -> (AccessKey, CredentialScope) {
        let resolved: CredentialCache.Entry
        if let cached = credentials.entry(for: credential) {
            resolved = cached
        } else {
            guard let scope = CredentialScope(credential: credential) else {
                throw .incompleteSignature("Credential should be of the form 'AccessKeyId/yyyyMMdd/region/service/aws4_request'. Credential=\(credential)")
            }
            guard let key = keys[scope.accessKeyId] else { throw .unrecognizedClient }
            resolved = CredentialCache.Entry(
                key: key, scope: scope, scopeText: "\(scope.date)/\(scope.region)/\(scope.service)/aws4_request",
                hmac: KeyedHMAC(key: SigV4.signingKey(secret: key.secretAccessKey, date: scope.date, region: scope.region, service: scope.service)))
            credentials.insert(resolved, for: credential)
        }
        let (key, scope) = (resolved.key, resolved.scope)
        if key.sessionToken != token { throw .unrecognizedClient }
        guard scope.service == service else { throw .wrongService(expected: service) }
        guard let date = SigV4.parseAmzDate(amzDate), amzDate.hasPrefix(scope.date) else {
            throw .incompleteSignature("Date must be in ISO-8601 'basic format' and match the credential scope date. Got '\(amzDate)'.")
        }
        if let expires {
            guard now <= date.addingTimeInterval(expires) else {
                throw .signatureExpired("Signature expired: \(amzDate) is now earlier than \(SigV4.amzDate(now.addingTimeInterval(-expires))) (\(SigV4.amzDate(now)) - \(Int(expires)) sec.)")
            }
        } else if abs(now.timeIntervalSince(date)) > Self.clockSkew {
            let bound = date < now ? now.addingTimeInterval(-Self.clockSkew) : now.addingTimeInterval(Self.clockSkew)
            let relation = date < now ? "earlier" : "later"
            let sign = date < now ? "-" : "+"
            throw .signatureExpired("Signature expired: \(amzDate) is now \(relation) than \(SigV4.amzDate(bound)) (\(SigV4.amzDate(now)) \(sign) 15 min.)")
        }
        guard signedHeaders.contains("host") else {
            throw .invalidSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.")
        }
        // Clients differ in details the signature cannot tell apart: whether the path was normalized before
        // signing, and (presigned URLs) whether the session token was added before or after signing.
        let alternatives = !SigV4.isNormalized(request.path)
        for round in 0..<2 {
            if round == 1 && excludedQuery.isEmpty { break }
            let excluded = round == 0 ? excludedQuery : excludedQuery.union(["X-Amz-Security-Token"])
            for normalize in [true, false] {
                if !normalize && !alternatives { break }
                let canonical = SigV4.canonicalRequestBytes(request, signedHeaders: signedHeaders, normalizePath: normalize, excludingQuery: excluded)
                let stringToSign = SigV4.stringToSignBytes(amzDate: amzDate, scope: resolved.scopeText, canonicalRequest: canonical)
                let expected = SigV4.signatureBytes(stringToSign: stringToSign, hmac: resolved.hmac)
                if SigV4.constantTimeHexEquals(expected, signature) { return (key, scope) }
            }
        }
        throw .invalidSignature(Self.mismatch)
    }

    static func queryItems(_ query: String) -> [String: String] {
        var items: [String: String] = [:]
        for part in query.split(separator: "&") {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            items[SigV4.percentDecode(String(pair[0]))] = pair.count > 1 ? SigV4.percentDecode(String(pair[1])) : ""
        }
        return items
    }
}

/// Credentials already resolved, by their `Credential` string; cleared when it grows past a bound (a new date
/// every day). Only credentials of known keys get in.
final class CredentialCache: Sendable {
    struct Entry: Sendable {
        let key: AccessKey
        let scope: CredentialScope
        /// `date/region/service/aws4_request`, as the string to sign has it.
        let scopeText: String
        let hmac: KeyedHMAC
    }

    private let entries = Mutex<[String: Entry]>([:])

    func entry(for credential: String) -> Entry? {
        entries.withLock { $0[credential] }
    }

    func insert(_ entry: Entry, for credential: String) {
        entries.withLock {
            if $0.count > 1024 { $0.removeAll() }
            $0[credential] = entry
        }
    }
}
