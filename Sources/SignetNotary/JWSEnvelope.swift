import Crypto
import Foundation
import SignetDomain
import SwiftASN1
public import X509
import _CryptoExtras

/// A parsed Notary JWS envelope (flattened JSON serialization) whose signature has been checked against its leaf.
public struct JWSEnvelope: Sendable {
    public let payloadBytes: Data
    public let payload: NotaryPayload
    public let protectedHeader: [String: JSONValue]
    public let algorithm: String
    public let certificates: [Certificate]
    public let certificateChainDER: [[UInt8]]
    public let signingScheme: String
    /// `authenticSigningTime` (signingAuthority) or `signingTime` (notary.x509).
    public let signingTime: Date
    public let expiry: Date?
    public let verificationPlugin: String?

    /// The `x5c` chain (DER, leaf first) without verifying anything (used when building a signature manifest).
    public static func certificateChain(of data: Data) throws -> [[UInt8]] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let header = object["header"] as? [String: Any],
            let x5c = header["x5c"] as? [String]
        else { throw NotaryError.malformedEnvelope("the envelope has no x5c certificate chain") }
        let chain = try x5c.map { entry -> [UInt8] in
            guard let der = Data(base64Encoded: entry) else { throw NotaryError.malformedEnvelope("x5c entries must be standard base64") }
            return Array(der)
        }
        return chain
    }

    /// Parses and verifies integrity in notation's order: JSON → leaf → signature with `alg` → protected headers →
    /// `cty` → expiry after signing time → chain structure → `alg` matches the leaf key.
    /// - Throws: ``NotaryError`` with notation's wording.
    public init(verifying data: Data) throws {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NotaryError.malformedEnvelope("unable to parse the digital signature, error : the envelope is not a JSON object")
        }
        let allowed: Set<String> = ["payload", "protected", "header", "signature"]
        guard Set(object.keys).isSubset(of: allowed), let payloadB64 = object["payload"] as? String, let protectedB64 = object["protected"] as? String,
            let signatureB64 = object["signature"] as? String, let header = object["header"] as? [String: Any]
        else {
            throw NotaryError.malformedEnvelope("unable to parse the digital signature, error : the envelope is not a flattened JWS JSON serialization")
        }
        guard let x5c = header["x5c"] as? [String], !x5c.isEmpty else {
            throw NotaryError.malformedEnvelope("unable to parse the digital signature, error : the unprotected header has no x5c certificate chain")
        }
        var ders: [[UInt8]] = []
        var certificates: [Certificate] = []
        for entry in x5c {
            guard let der = Data(base64Encoded: entry), let certificate = try? Certificate(derEncoded: Array(der)) else {
                throw NotaryError.malformedEnvelope("unable to parse the digital signature, error : malformed certificate in x5c")
            }
            ders.append(Array(der))
            certificates.append(certificate)
        }
        guard let protectedBytes = Base64URL.decode(protectedB64), let payloadBytes = Base64URL.decode(payloadB64),
            let signatureBytes = Base64URL.decode(signatureB64)
        else {
            throw NotaryError.malformedEnvelope("signature is invalid. Error: illegal base64 data (base64url without padding is required)")
        }
        guard let protectedObject = try? JSONDecoder().decode([String: JSONValue].self, from: protectedBytes),
            case .string(let algorithm)? = protectedObject["alg"]
        else {
            throw NotaryError.malformedEnvelope("signature is invalid. Error: the protected header is not a JSON object with alg")
        }
        let signingInput = Data("\(protectedB64).\(payloadB64)".utf8)
        try Self.verifySignature(signatureBytes, over: signingInput, algorithm: algorithm, leaf: certificates[0])

        // protected header rules
        guard case .string(let cty)? = protectedObject["cty"], cty == NotaryPayload.mediaType else {
            throw NotaryError.invalidSignature("signature is invalid. Error: content type requires \"application/vnd.cncf.notary.payload.v1+json\"")
        }
        guard case .string(let scheme)? = protectedObject["io.cncf.notary.signingScheme"],
            scheme == "notary.x509" || scheme == "notary.x509.signingAuthority"
        else {
            throw NotaryError.invalidSignature("signature is invalid. Error: missing or unsupported io.cncf.notary.signingScheme")
        }
        guard case .array(let critValues)? = protectedObject["crit"], !critValues.isEmpty else {
            throw NotaryError.invalidSignature("signature is invalid. Error: missing crit header")
        }
        let crit = critValues.compactMap { value -> String? in if case .string(let s) = value { return s } else { return nil } }
        var required = ["io.cncf.notary.signingScheme"]
        let timeKey = scheme == "notary.x509" ? "io.cncf.notary.signingTime" : "io.cncf.notary.authenticSigningTime"
        let forbiddenTimeKey = scheme == "notary.x509" ? "io.cncf.notary.authenticSigningTime" : "io.cncf.notary.signingTime"
        if scheme == "notary.x509.signingAuthority" { required.append("io.cncf.notary.authenticSigningTime") }
        if protectedObject["io.cncf.notary.expiry"] != nil { required.append("io.cncf.notary.expiry") }
        if protectedObject["io.cncf.notary.verificationPlugin"] != nil { required.append("io.cncf.notary.verificationPlugin") }
        if protectedObject["io.cncf.notary.verificationPluginMinVersion"] != nil { required.append("io.cncf.notary.verificationPluginMinVersion") }
        for name in required where !crit.contains(name) {
            throw NotaryError.invalidSignature("signature is invalid. Error: \"\(name)\" header must be marked critical")
        }
        let headerOnly: Set<String> = ["alg", "cty", "crit", "io.cncf.notary.signingTime"]
        for name in crit where headerOnly.contains(name) || protectedObject[name] == nil {
            throw NotaryError.invalidSignature("signature is invalid. Error: \"\(name)\" header is marked critical but not present")
        }
        guard protectedObject[forbiddenTimeKey] == nil else {
            throw NotaryError.invalidSignature("signature is invalid. Error: \(forbiddenTimeKey) is not allowed with signing scheme \(scheme)")
        }
        guard case .string(let timeText)? = protectedObject[timeKey], let signingTime = RFC3339.date(timeText) else {
            throw NotaryError.invalidSignature("signature is invalid. Error: missing or malformed \(timeKey)")
        }
        var expiry: Date?
        if let value = protectedObject["io.cncf.notary.expiry"] {
            guard case .string(let text) = value, let date = RFC3339.date(text) else {
                throw NotaryError.invalidSignature("signature is invalid. Error: malformed io.cncf.notary.expiry")
            }
            guard date > signingTime else {
                throw NotaryError.invalidSignature("signature is invalid. Error: expiry must be later than the signing time")
            }
            expiry = date
        }
        try CertificateChain.validateStructure(certificates)
        let expected = try CertificateChain.algorithm(for: certificates[0])
        guard expected == algorithm else {
            throw NotaryError.invalidSignature("signature is invalid. Error: signature algorithm \(algorithm) does not match the signing certificate key (\(expected))")
        }
        let payload = try NotaryPayload.decode(payloadBytes)

        self.payloadBytes = payloadBytes
        self.payload = payload
        self.protectedHeader = protectedObject
        self.algorithm = algorithm
        self.certificates = certificates
        self.certificateChainDER = ders
        self.signingScheme = scheme
        self.signingTime = signingTime
        self.expiry = expiry
        if case .string(let plugin)? = protectedObject["io.cncf.notary.verificationPlugin"] { verificationPlugin = plugin } else { verificationPlugin = nil }
    }

    /// An extended attribute as a string (e.g. `com.amazonaws.signer.signingProfileVersion`).
    public func attribute(_ name: String) -> String? {
        if case .string(let value)? = protectedHeader[name] { return value }
        return nil
    }

    static func verifySignature(_ signature: Data, over input: Data, algorithm: String, leaf: Certificate) throws {
        let invalid = NotaryError.invalidSignature("signature is invalid. Error: signature verification failed")
        switch algorithm {
        case "ES256":
            guard let key = P256.Signing.PublicKey(leaf.publicKey), let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
                key.isValidSignature(sig, for: input)
            else { throw invalid }
        case "ES384":
            guard let key = P384.Signing.PublicKey(leaf.publicKey), let sig = try? P384.Signing.ECDSASignature(rawRepresentation: signature),
                key.isValidSignature(sig, for: input)
            else { throw invalid }
        case "ES512":
            guard let key = P521.Signing.PublicKey(leaf.publicKey), let sig = try? P521.Signing.ECDSASignature(rawRepresentation: signature),
                key.isValidSignature(sig, for: input)
            else { throw invalid }
        case "PS256", "PS384", "PS512":
            guard let key = _RSA.Signing.PublicKey(leaf.publicKey) else { throw invalid }
            let sig = _RSA.Signing.RSASignature(rawRepresentation: signature)
            let valid: Bool
            switch algorithm {
            case "PS256": valid = key.isValidSignature(sig, for: SHA256.hash(data: input), padding: .PSS)
            case "PS384": valid = key.isValidSignature(sig, for: SHA384.hash(data: input), padding: .PSS)
            default: valid = key.isValidSignature(sig, for: SHA512.hash(data: input), padding: .PSS)
            }
            guard valid else { throw invalid }
        default:
            throw NotaryError.invalidSignature("signature is invalid. Error: signature algorithm \"\(algorithm)\" is not supported")
        }
    }
}

/// A JSON value (for protected headers, whose extended attributes can be anything).
public enum JSONValue: Sendable, Equatable, Decodable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
