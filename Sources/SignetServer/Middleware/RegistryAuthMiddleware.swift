import Foundation
import HTTPTypes
import Hummingbird
import SignetDomain
import SignetWire

/// `/v2/` authentication: HTTP Basic with user `AWS` and a password from GetAuthorizationToken.
///
/// No credentials → 401 with a Basic challenge; credentials that are malformed, forged, expired or issued for
/// another registry → 403 `DENIED`. With `--auth none` every request acts on the default registry.
struct RegistryAuthMiddleware: RouterMiddleware {
    typealias Context = SignetRequestContext
    let tokens: RegistryTokens
    let defaultRegistry: RegistryKey
    let required: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let target = Self.registry(forHost: request.head.authority) ?? defaultRegistry
        context.caller = CallerIdentity(account: target.account, region: target.region)
        if required {
            guard let header = request.headers[.authorization] else { throw OCIError.unauthorized }
            guard let credentials = Self.basicCredentials(header) else { throw OCIError.unauthorized }
            guard let decoded = Data(base64Encoded: credentials), let text = String(validating: decoded, as: UTF8.self),
                let colon = text.firstIndex(of: ":")
            else { throw OCIError.invalidToken }
            // empty Basic credentials are what clients send when they have none
            if text == ":" { throw OCIError.unauthorized }
            guard text[..<colon] == "AWS" else { throw OCIError.invalidToken }
            switch tokens.verify(password: String(text[text.index(after: colon)...])) {
            case .failure(.expired): throw OCIError.expiredToken
            case .failure(.malformed): throw OCIError.invalidToken
            case .success(let identity):
                guard identity.registry == target else { throw OCIError.deniedForRegistry(target.account.value) }
                context.caller = identity
            }
        }
        var response = try await next(request, context)
        response.headers[.dockerDistributionAPIVersion] = "registry/2.0"
        return response
    }

    /// The credentials of `Basic <credentials>` (scheme case-insensitive, blanks around the credentials dropped),
    /// over UTF-8 bytes rather than `lowercased()` and `trimmingCharacters` on every request.
    static func basicCredentials(_ header: String) -> String? {
        let utf8 = header.utf8
        guard utf8.count >= 6, utf8.prefix(6).elementsEqual("basic ".utf8, by: { ($0 | 0x20) == $1 }) else { return nil }
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        var start = utf8.index(utf8.startIndex, offsetBy: 6)
        var end = utf8.endIndex
        while start < end, isBlank(utf8[start]) { start = utf8.index(after: start) }
        while end > start, isBlank(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return String(Substring(utf8[start..<end]))
    }

    /// `<account>.dkr.ecr.<region>.<anything>[:port]` addresses that account's registry in that region.
    static func registry(forHost authority: String?) -> RegistryKey? {
        guard let authority else { return nil }
        let host = authority.split(separator: ":").first.map(String.init) ?? authority
        let labels = host.split(separator: ".")
        guard labels.count >= 5, labels[1] == "dkr", labels[2] == "ecr", let account = try? AccountID(String(labels[0])),
            Region.isWellFormed(String(labels[3]))
        else { return nil }
        return RegistryKey(account: account, region: Region(String(labels[3])))
    }
}
