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
        try described(envelope: envelope, subject: subject, signingTime: signingTime).bytes
    }

    /// The manifest bytes, and what ``ImageManifest/parse(_:declaredMediaType:)`` gives for them (a test holds the
    /// two together): managed signing stores the manifest without parsing what it has just written.
    public static func described(envelope: Data, subject: Descriptor, signingTime: Date) throws -> (bytes: Data, manifest: ImageManifest) {
        let chain = try JWSEnvelope.certificateChain(of: envelope)
        let thumbprints = chain.map { SHA256.hash(data: $0).hexString }
        let thumbprintJSON = "[" + thumbprints.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let created = RFC3339.string(signingTime)
        let configDigest = Digest.sha256(of: emptyConfig)
        let envelopeDigest = Digest.sha256(of: envelope)
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        func raw(_ text: String) { out.append(contentsOf: text.utf8) }
        func string(_ text: String) { JSONString.append(text, to: &out) }
        raw(##"{"annotations":{"io.cncf.notary.x509chain.thumbprint#S256":"##)
        string(thumbprintJSON)
        raw(#","org.opencontainers.image.created":"#)
        string(created)
        raw(#"},"artifactType":"#)
        string(artifactType)
        raw(#","config":{"data":"e30=","digest":"#)
        string(configDigest.description)
        raw(#","mediaType":"application/vnd.oci.empty.v1+json","size":2},"layers":[{"digest":"#)
        string(envelopeDigest.description)
        raw(#","mediaType":"#)
        string(JWSSigner.envelopeMediaType)
        raw(#","size":\#(envelope.count)}],"mediaType":"#)
        string(ImageManifest.MediaType.ociManifest)
        raw(#","schemaVersion":2,"subject":{"digest":"#)
        string(subject.digest.description)
        raw(#","mediaType":"#)
        string(subject.mediaType)
        raw(#","size":\#(subject.size)}}"#)
        let manifest = ImageManifest(
            mediaType: ImageManifest.MediaType.ociManifest,
            config: Descriptor(mediaType: "application/vnd.oci.empty.v1+json", digest: configDigest, size: Int64(emptyConfig.count)),
            layers: [Descriptor(mediaType: JWSSigner.envelopeMediaType, digest: envelopeDigest, size: Int64(envelope.count))], manifests: [],
            subject: Descriptor(mediaType: subject.mediaType, digest: subject.digest, size: subject.size), artifactType: artifactType,
            annotations: ["io.cncf.notary.x509chain.thumbprint#S256": thumbprintJSON, "org.opencontainers.image.created": created])
        return (Data(out), manifest)
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
            chain: signing.chain, x5c: signing.x5c, signer: signing.signer)
    }
}
