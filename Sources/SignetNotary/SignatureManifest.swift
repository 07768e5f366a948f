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
    public static func build(envelope: Data, subject: Descriptor, signingTime: Date) throws -> Data {
        let chain = try JWSEnvelope.certificateChain(of: envelope)
        let thumbprints = chain.map { SHA256.hash(data: $0).hexString }
        let thumbprintJSON = "[" + thumbprints.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let manifest: [String: Any] = [
            "schemaVersion": 2,
            "mediaType": ImageManifest.MediaType.ociManifest,
            "artifactType": artifactType,
            "config": [
                "mediaType": "application/vnd.oci.empty.v1+json", "digest": Digest.sha256(of: emptyConfig).description, "size": 2,
                "data": "e30=",
            ],
            "layers": [["mediaType": JWSSigner.envelopeMediaType, "digest": Digest.sha256(of: envelope).description, "size": envelope.count]],
            "subject": ["mediaType": subject.mediaType, "digest": subject.digest.description, "size": subject.size],
            "annotations": [
                "io.cncf.notary.x509chain.thumbprint#S256": thumbprintJSON,
                "org.opencontainers.image.created": RFC3339.string(signingTime),
            ],
        ]
        return try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys, .withoutEscapingSlashes])
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
