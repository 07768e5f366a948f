import Crypto
import Foundation
import Synchronization

/// Registry passwords handed out by `GetAuthorizationToken`.
///
/// A password is `<payload>.<mac>`, both base64url without padding (so it never contains `:`): the payload
/// names the account, region and expiry; the MAC is HMAC-SHA256 over it with a secret kept per data
/// directory (per process with `--in-memory`), so tokens survive restarts and cannot be forged.
public struct RegistryTokens: Sendable {
    public static let lifetime: TimeInterval = 12 * 3600
    private let secret: Data
    private var key: SymmetricKey { SymmetricKey(data: secret) }
    private let clock: any SignetClock
    /// Passwords already verified, with what they grant (clients send the same password on every request).
    private let verified = VerifiedPasswords()

    public init(secret: Data, clock: any SignetClock) {
        self.secret = secret
        self.clock = clock
    }

    public enum Failure: Error, Sendable, Equatable {
        case malformed
        case expired
    }

    /// A token for `caller`: base64 of `AWS:<password>`, and when it expires.
    public func issue(for caller: CallerIdentity) -> (token: String, expiresAt: Date) {
        let expiresAt = clock.now.addingTimeInterval(Self.lifetime)
        let payload = "v1|\(caller.account)|\(caller.region)|\(Int64(expiresAt.timeIntervalSince1970))"
        let password = Base64URL.encode(Data(payload.utf8)) + "." + Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)))
        return (Data("AWS:\(password)".utf8).base64EncodedString(), expiresAt)
    }

    /// The identity a registry password was issued to.
    public func verify(password: String) -> Result<CallerIdentity, Failure> {
        let grant: (identity: CallerIdentity, expiry: Int64)
        if let memoized = verified.lookup(password) {
            grant = memoized
        } else {
            switch verifyMAC(password: password) {
            case .failure(let failure): return .failure(failure)
            case .success(let verifiedGrant):
                grant = verifiedGrant
                verified.insert(password, identity: grant.identity, expiry: grant.expiry)
            }
        }
        return Double(grant.expiry) > clock.now.timeIntervalSince1970 ? .success(grant.identity) : .failure(.expired)
    }

    /// The identity and expiry a well-formed, authentic password carries (expired or not).
    private func verifyMAC(password: String) -> Result<(CallerIdentity, Int64), Failure> {
        let parts = password.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(String(parts[0])), let mac = Base64URL.decode(String(parts[1])),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key)
        else { return .failure(.malformed) }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "|")
        guard fields.count == 4, fields[0] == "v1", let expiry = Int64(fields[3]), let account = try? AccountID(String(fields[1])) else {
            return .failure(.malformed)
        }
        return .success((CallerIdentity(account: account, region: Region(String(fields[2]))), expiry))
    }

    /// A MAC over `text` (presigned layer URLs).
    public func signature(for text: String) -> String {
        Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
    }

    public func isValid(signature: String, for text: String) -> Bool {
        guard let mac = Base64URL.decode(signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(text.utf8), using: key)
    }

    public var now: Date { clock.now }
}

/// A bounded memo of authentic passwords (only ones whose MAC verified are kept, so a lookup reveals nothing about
/// forged ones); emptied when it reaches its bound. Expiry is still checked on every use.
final class VerifiedPasswords: Sendable {
    private static let bound = 1024
    private let entries = Mutex<[String: (identity: CallerIdentity, expiry: Int64)]>([:])

    func lookup(_ password: String) -> (CallerIdentity, Int64)? {
        entries.withLock { $0[password].map { ($0.identity, $0.expiry) } }
    }

    func insert(_ password: String, identity: CallerIdentity, expiry: Int64) {
        entries.withLock { entries in
            if entries.count >= Self.bound { entries.removeAll(keepingCapacity: true) }
            entries[password] = (identity, expiry)
        }
    }
}
