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
            guard header.lowercased().hasPrefix("basic ") else { throw OCIError.unauthorized }
            guard let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
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
