import Crypto
import Foundation
import SignetDomain
import X509

/// Produces Notary Project JWS envelopes (`application/jose+json`) with ES384 on P-384 keys,
/// signing scheme `notary.x509.signingAuthority` (DESIGN §5, notary-format §4 and §12).
public enum JWSSigner {
    public static let envelopeMediaType = "application/jose+json"
    public static let signingAgent = "Signet/0.1.0"

    /// The signed attributes of one signature.
    public struct Attributes: Sendable {
        public var signingTime: Date
        public var expiry: Date
        public var signingProfileVersionArn: String
        public var signingJobArn: String

        public init(signingTime: Date, expiry: Date, signingProfileVersionArn: String, signingJobArn: String) {
            self.signingTime = signingTime
            self.expiry = expiry
            self.signingProfileVersionArn = signingProfileVersionArn
            self.signingJobArn = signingJobArn
        }
    }

    /// The complete envelope bytes.
    /// - Parameters:
    ///   - payload: the Notary payload JSON.
    ///   - chain: leaf first, root last (DER).
    ///   - x5c: ``x5cJSON(_:)`` of `chain`, when the caller keeps it.
    public static func sign(payload: Data, attributes: Attributes, chain: [[UInt8]], x5c: String? = nil, key: P384.Signing.PrivateKey) throws -> Data {
        try sign(payload: payload, attributes: attributes, chain: chain, x5c: x5c, signer: P384FastSigner(key))
    }

    /// The same, with a signer made once per key (``CertificateAuthority/Signing/signer``).
    public static func sign(payload: Data, attributes: Attributes, chain: [[UInt8]], x5c: String? = nil, signer: P384FastSigner) throws -> Data {
        let crit = ["io.cncf.notary.signingScheme", "io.cncf.notary.authenticSigningTime", "io.cncf.notary.expiry"]
        // Member order is fixed for readable, reproducible headers; the signature covers the encoded string.
        let protected =
            "{\"alg\":\"ES384\",\"cty\":\"application/vnd.cncf.notary.payload.v1+json\","
            + "\"crit\":[\(crit.map { "\"\($0)\"" }.joined(separator: ","))],"
            + "\"io.cncf.notary.signingScheme\":\"notary.x509.signingAuthority\","
            + "\"io.cncf.notary.authenticSigningTime\":\"\(RFC3339.string(attributes.signingTime))\","
            + "\"io.cncf.notary.expiry\":\"\(RFC3339.string(attributes.expiry))\","
            + "\"com.amazonaws.signer.signingProfileVersion\":\(jsonString(attributes.signingProfileVersionArn)),"
            + "\"com.amazonaws.signer.signingJob\":\(jsonString(attributes.signingJobArn))}"
        let protectedB64 = Base64URL.encode(Data(protected.utf8))
        let payloadB64 = Base64URL.encode(payload)
        let signature = try signer.signature(for: Data("\(protectedB64).\(payloadB64)".utf8))
        let x5c = x5c ?? x5cJSON(chain)
        let envelope =
            "{\"payload\":\"\(payloadB64)\",\"protected\":\"\(protectedB64)\","
            + "\"header\":{\"x5c\":[\(x5c)],\"io.cncf.notary.signingAgent\":\"\(signingAgent)\"},"
            + "\"signature\":\"\(Base64URL.encode(signature.rawRepresentation))\"}"
        return Data(envelope.utf8)
    }

    /// The members of the `x5c` array: standard base64 of each DER certificate, quoted, comma-separated.
    public static func x5cJSON(_ chain: [[UInt8]]) -> String {
        chain.map { "\"\(Data($0).base64EncodedString())\"" }.joined(separator: ",")
    }

    static func jsonString(_ text: String) -> String {
        var out: [UInt8] = []
        JSONString.append(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
