import Crypto
import Foundation
public import SignetDomain

/// The OCI manifest that stores one Notary signature as a referrer of the signed image (notary-format §2):
/// `artifactType: application/vnd.cncf.notary.signature`, the empty config, one layer (the envelope), `subject`,
/// and the `io.cncf.notary.x509chain.thumbprint#S256` annotation.
public enum SignatureManifest {
    public static let artifactType = "application/vnd.cncf.notary.signature"
    public static let emptyConfig = Data("{}".utf8)

    /// The manifest bytes for `envelope` (whose `x5c` gives the thumbprints) signing `subject`.
    ///
    /// Written directly, keys in byte order: the bytes `JSONSerialization` writes with `.sortedKeys` and
    /// `.withoutEscapingSlashes` (a test compares the two), without its boxing of every value, which was a tenth of
    /// the managed-signing engine's time.
    public static func build(envelope: Data, subject: Descriptor, signingTime: Date) throws -> Data {
        let chain = try JWSEnvelope.certificateChain(of: envelope)
        let thumbprints = chain.map { SHA256.hash(data: $0).hexString }
        let thumbprintJSON = "[" + thumbprints.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        func raw(_ text: String) { out.append(contentsOf: text.utf8) }
        func string(_ text: String) { appendJSONString(text, to: &out) }
        raw(##"{"annotations":{"io.cncf.notary.x509chain.thumbprint#S256":"##)
        string(thumbprintJSON)
        raw(#","org.opencontainers.image.created":"#)
        string(RFC3339.string(signingTime))
        raw(#"},"artifactType":"#)
        string(artifactType)
        raw(#","config":{"data":"e30=","digest":"#)
        string(Digest.sha256(of: emptyConfig).description)
        raw(#","mediaType":"application/vnd.oci.empty.v1+json","size":2},"layers":[{"digest":"#)
        string(Digest.sha256(of: envelope).description)
        raw(#","mediaType":"#)
        string(JWSSigner.envelopeMediaType)
        raw(#","size":\#(envelope.count)}],"mediaType":"#)
        string(ImageManifest.MediaType.ociManifest)
        raw(#","schemaVersion":2,"subject":{"digest":"#)
        string(subject.digest.description)
        raw(#","mediaType":"#)
        string(subject.mediaType)
        raw(#","size":\#(subject.size)}}"#)
        return Data(out)
    }

    /// A JSON string as `JSONSerialization` writes it with `.withoutEscapingSlashes`: `"` and `\` escaped, control
    /// characters as `\b \f \n \r \t` or `\u00XX`, everything else as is.
    static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), byte])
            case 0x08: out.append(contentsOf: Array(#"\b"#.utf8))
            case 0x0C: out.append(contentsOf: Array(#"\f"#.utf8))
            case 0x0A: out.append(contentsOf: Array(#"\n"#.utf8))
            case 0x0D: out.append(contentsOf: Array(#"\r"#.utf8))
            case 0x09: out.append(contentsOf: Array(#"\t"#.utf8))
            case 0..<0x20: out.append(contentsOf: Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Signs Notary payloads with the certificate authority's per-profile-version keys.
public struct NotaryPayloadSigner: PayloadSigner {
    public let authority: CertificateAuthority

    public init(authority: CertificateAuthority) { self.authority = authority }

    public func sign(payload: Data, profile: SigningProfile, attributes: SignatureAttributes) async throws -> Data {
        _ = try NotaryPayload.decode(payload)
        let signing = try await authority.signing(for: profile)
        return try JWSSigner.sign(
            payload: payload,
            attributes: .init(
                signingTime: attributes.signingTime, expiry: attributes.expiry, signingProfileVersionArn: attributes.profileVersionArn,
                signingJobArn: attributes.jobArn),
            chain: signing.chain, x5c: signing.x5c, key: signing.key())
    }
}
