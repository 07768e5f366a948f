public import Crypto
import Foundation
public import SignetDomain
import SwiftASN1
public import X509

/// Where the authority keeps its keys and certificates (PEM). Implementations: a directory (mode 0600 files)
/// or process memory.
public protocol KeyStorage: Sendable {
    func load(_ name: String) throws -> String?
    func save(_ name: String, _ pem: String) throws
}

/// Signet's local certificate authority: one P-384 root per data directory, and one leaf certificate and
/// P-384 key per signing-profile version (DESIGN §5).
public actor CertificateAuthority {
    public struct Signing: Sendable {
        /// The private key; never logged, never leaves the process.
        private let box: KeyBox
        /// DER, leaf first, root last.
        public let chain: [[UInt8]]
        /// The chain as the JWS `x5c` array's JSON text (encoded once, not per signature).
        public let x5c: String
        /// Signs with the same key, through Signet's table-driven P-384 code (``P384FastSigner``).
        public let signer: P384FastSigner

        init(key: P384.Signing.PrivateKey, chain: [[UInt8]]) {
            box = KeyBox(key: key)
            self.chain = chain
            x5c = JWSSigner.x5cJSON(chain)
            signer = P384FastSigner(key)
        }

        public func key() -> P384.Signing.PrivateKey { box.key }
    }

    /// Holds a parsed key for the life of the process: re-creating it from the raw scalar derives the public
    /// point, a scalar multiplication that cost as much as the signature itself. `@unchecked Sendable`: the key
    /// is immutable after creation and BoringSSL's ECDSA signing only reads the EC_KEY, which is safe from
    /// several threads at once.
    final class KeyBox: @unchecked Sendable {
        let key: P384.Signing.PrivateKey
        init(key: P384.Signing.PrivateKey) { self.key = key }
    }

    private let storage: any KeyStorage
    private let rootKey: P384.Signing.PrivateKey
    public nonisolated let root: Certificate
    public nonisolated let rootDER: [UInt8]
    private var leaves: [String: Signing] = [:]

    /// Loads the root from `storage`, creating it on first use.
    public init(storage: any KeyStorage, now: Date = Date()) throws {
        self.storage = storage
        if let keyPEM = try storage.load("root.key.pem"), let certificatePEM = try storage.load("root.pem") {
            rootKey = try P384.Signing.PrivateKey(pemRepresentation: keyPEM)
            root = try Certificate(pemEncoded: certificatePEM)
        } else {
            let key = P384.Signing.PrivateKey()
            let name = try DistinguishedName {
                CountryName("US")
                StateOrProvinceName("WA")
                OrganizationName("Signet")
                CommonName("Signet Root CA")
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(50 * 365 * 86400), issuer: name,
                subject: name, signatureAlgorithm: .ecdsaWithSHA384,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: .init(key.publicKey))
                }, issuerPrivateKey: .init(key))
            try storage.save("root.key.pem", key.pemRepresentation)
            try storage.save("root.pem", try certificate.serializeAsPEM().pemString)
            rootKey = key
            root = certificate
        }
        var serializer = DER.Serializer()
        try serializer.serialize(root)
        rootDER = serializer.serializedBytes
    }

    /// The root certificate in PEM.
    public nonisolated var rootPEM: String { (try? root.serializeAsPEM().pemString) ?? "" }

    /// The key and chain of a profile version, issued on first use and kept in storage.
    public func signing(for profile: SigningProfile) throws -> Signing {
        let id = Digest.sha256(of: Data("\(profile.account)/\(profile.region)/\(profile.name)/\(profile.profileVersion)".utf8)).hex
        if let cached = leaves[id] { return cached }
        let signing: Signing
        if let keyPEM = try storage.load("leaves/\(id).key.pem"), let certificatePEM = try storage.load("leaves/\(id).pem") {
            let certificate = try Certificate(pemEncoded: certificatePEM)
            signing = Signing(key: try P384.Signing.PrivateKey(pemRepresentation: keyPEM), chain: [try Self.der(certificate), rootDER])
        } else {
            let key = P384.Signing.PrivateKey()
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
                notValidBefore: profile.createdAt.addingTimeInterval(-300), notValidAfter: root.notValidAfter, issuer: root.subject,
                subject: try Self.leafSubject(for: profile), signatureAlgorithm: .ecdsaWithSHA384,
                extensions: try Certificate.Extensions {
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.codeSigning])
                    BasicConstraints.notCertificateAuthority
                }, issuerPrivateKey: .init(rootKey))
            try storage.save("leaves/\(id).key.pem", key.pemRepresentation)
            try storage.save("leaves/\(id).pem", try certificate.serializeAsPEM().pemString)
            signing = Signing(key: key, chain: [try Self.der(certificate), rootDER])
        }
        leaves[id] = signing
        return signing
    }

    /// `C=US, ST=WA, L=<region>, O=Signet, OU=<account>, CN=<profile name>`.
    static func leafSubject(for profile: SigningProfile) throws -> DistinguishedName {
        try DistinguishedName {
            CountryName("US")
            StateOrProvinceName("WA")
            LocalityName(profile.region)
            OrganizationName("Signet")
            OrganizationalUnitName(profile.account)
            CommonName(profile.name)
        }
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}

/// Keys in memory (`--in-memory`: one authority per process).
public final class InMemoryKeyStorage: KeyStorage, @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var files: [String: String] = [:]
    public init() {}
    public func load(_ name: String) -> String? { lock.withLock { files[name] } }
    public func save(_ name: String, _ pem: String) { lock.withLock { files[name] = pem } }
}
