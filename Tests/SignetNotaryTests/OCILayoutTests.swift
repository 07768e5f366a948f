import Crypto
import Foundation
import SignetDomain
import SwiftASN1
import Testing
import X509

@testable import SignetNotary

/// The notation e2e OCI layouts (legacy signature manifests + `sha256-<hex>` tag-schema indexes), verified as
/// `notation verify` does in notation's e2e suite (test/e2e/suite/trustpolicy): trust store `ca:e2e` holding
/// `e2e.crt` (or `expired_e2e.crt` / `new_e2e.crt` where notation's test uses those), scope `*`, at a fixed time.
@Suite("notation e2e OCI layouts", .enabled(if: Vectors.present, Vectors.absentComment))
struct OCILayoutTests {
    let e2e: Certificate
    let expiredE2E: Certificate
    let newE2E: Certificate

    init() throws {
        e2e = try Vectors.certificate("notation/certs/e2e.crt")
        expiredE2E = try Vectors.certificate("notation/certs/expired_e2e.crt")
        newE2E = try Vectors.certificate("notation/certs/new_e2e.crt")
    }

    static let layouts = [
        "e2e-valid-signature", "e2e-invalid-signature", "e2e-expired-signature", "e2e-with-expired-cert", "e2e-valid-multiple-signatures",
        "e2e-with-timestamped-signature",
    ]

    /// Verifies the first signature of `layout` (or all of them, first success wins, as notation does).
    func verify(_ layout: String, policy: String, anchor: Certificate? = nil, now: Date = Clock.now) async throws -> [SignetNotary.Verifier.Outcome] {
        let oci = OCILayout(layout)
        let statement = try wildcardStatement(try Vectors.policy(policy))
        let verifier = verifier(["ca:e2e": [anchor ?? e2e]], now: now)
        var outcomes: [SignetNotary.Verifier.Outcome] = []
        for digest in try oci.signatureManifests(of: Vectors.e2eImage) {
            let (mediaType, data, _) = try oci.envelope(ofSignatureManifest: digest)
            outcomes.append(await verifier.verify(envelope: data, mediaType: mediaType, descriptor: Vectors.e2eImage, statement: statement))
        }
        return outcomes
    }

    @Test(arguments: layouts)
    func layoutsAreWellFormed(_ name: String) throws {
        let layout = OCILayout(name)
        #expect(try layout.blobDigestsMatch())
        let marker = try jsonObject(try Data(contentsOf: layout.directory.appendingPathComponent("oci-layout")))
        #expect(marker["imageLayoutVersion"] as? String == "1.0.0")
    }

    @Test func discoveryThroughTheTagSchemaIndex() throws {
        let layout = OCILayout("e2e-valid-signature")
        let image = try #require(try layout.tagged("v1"))
        #expect(image["digest"] as? String == Vectors.e2eImage.digest.description)
        #expect(image["size"] as? Int == 517)
        #expect(try layout.blob(Vectors.e2eImage.digest.description).count == 517)
        #expect(try layout.signatureManifests(of: Vectors.e2eImage) == ["sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f"])
        // several signatures: the tag-schema index lists one, the layout holds a second referrer
        #expect(
            try OCILayout("e2e-valid-multiple-signatures").signatureManifests(of: Vectors.e2eImage) == [
                "sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f",
                "sha256:c3ebe4a20b6832328fc5078a7795ddc1114b896e13fca2add38109c3866b5fbf",
            ])
    }

    @Test(arguments: ["e2e-valid-signature", "e2e-expired-signature", "e2e-with-expired-cert", "e2e-valid-multiple-signatures"])
    func legacySignatureManifestsAndIntegrity(_ name: String) throws {
        let layout = OCILayout(name)
        let digests = try layout.signatureManifests(of: Vectors.e2eImage)
        #expect(!digests.isEmpty)
        for digest in digests {
            let (mediaType, data, manifest) = try layout.envelope(ofSignatureManifest: digest)
            #expect(mediaType == "application/jose+json")
            // the legacy form: no artifactType, the signature type as config media type, the 2-byte `{}` config
            #expect(manifest["artifactType"] == nil)
            let config = try #require(manifest["config"] as? [String: Any])
            #expect(config["mediaType"] as? String == SignatureManifest.artifactType)
            #expect(config["digest"] as? String == SignetDomain.Digest.sha256(of: SignatureManifest.emptyConfig).description)
            #expect(config["size"] as? Int == 2)
            let subject = try #require(manifest["subject"] as? [String: Any])
            #expect(subject["digest"] as? String == Vectors.e2eImage.digest.description)
            let envelope = try JWSEnvelope(verifying: data)
            #expect(envelope.algorithm == "PS256")
            #expect(envelope.signingScheme == "notary.x509")
            #expect(envelope.payload.targetArtifact == .init(mediaType: Vectors.e2eImage.mediaType, digest: Vectors.e2eImage.digest.description, size: 517))
            // the thumbprint annotation lists the SHA-256 of each x5c certificate, lowercase hex, in order
            let annotations = try #require(manifest["annotations"] as? [String: String])
            let thumbprints = try #require(annotations["io.cncf.notary.x509chain.thumbprint#S256"])
            let listed = try #require(try JSONSerialization.jsonObject(with: Data(thumbprints.utf8)) as? [String])
            #expect(listed == envelope.certificateChainDER.map { SHA256.hash(data: $0).hexString })
        }
    }

    @Test func validSignatureVerifies() async throws {
        #expect(try await verify("e2e-valid-signature", policy: "trustpolicy.json") == [.verified(warnings: [])])
        #expect(try await verify("e2e-valid-signature", policy: "permissive_trustpolicy.json") == [.verified(warnings: [])])
        #expect(try await verify("e2e-valid-signature", policy: "audit_trustpolicy.json") == [.verified(warnings: [])])
        #expect(try await verify("e2e-valid-signature", policy: "valid_trusted_identity_trustpolicy.json") == [.verified(warnings: [])])
        #expect(try await verify("e2e-valid-signature", policy: "multiple_trusted_identity_trustpolicy.json") == [.verified(warnings: [])])
        let envelope = try JWSEnvelope(verifying: try OCILayout("e2e-valid-signature").envelope(ofSignatureManifest: "sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f").data)
        #expect(envelope.signingTime == Clock.date("2023-06-27T05:30:33Z"))
        #expect(envelope.expiry == nil)
        #expect(envelope.certificates == [e2e])
    }

    @Test func invalidTrustedIdentityIsAMismatch() async throws {
        // notation: "Failure reason: signing certificate from the digital signature does not match the X.509 trusted identities"
        #expect(
            try await verify("e2e-valid-signature", policy: "invalid_trusted_identity_trustpolicy.json") == [
                .failed(
                    "signing certificate from the digital signature does not match the X.509 trusted identities [map[\"C\":\"USB\" \"CN\":\"e2e\" \"L\":\"Seattle\" \"O\":\"Notary\" \"ST\":\"WA\"]] defined in the trust policy \"e2e\""
                )
            ])
    }

    @Test func anotherCertificateInTheStoreFailsAuthenticity() async throws {
        // new_e2e.crt has the same key as e2e.crt but is a different certificate
        let failure = "the signature's certificate chain does not contain any trusted certificate"
        #expect(try await verify("e2e-valid-signature", policy: "trustpolicy.json", anchor: newE2E) == [.failed(failure)])
        #expect(try await verify("e2e-valid-signature", policy: "permissive_trustpolicy.json", anchor: newE2E) == [.failed(failure)])
        #expect(try await verify("e2e-valid-signature", policy: "override_audit_trustpolicy.json", anchor: newE2E) == [.failed(failure)])
        let warning = "Warning: authenticity was set to \"log\" and failed with error: \(failure)"
        #expect(try await verify("e2e-valid-signature", policy: "audit_trustpolicy.json", anchor: newE2E) == [.verified(warnings: [warning])])
        #expect(try await verify("e2e-valid-signature", policy: "override_strict_trustpolicy.json", anchor: newE2E) == [.verified(warnings: [warning])])
        #expect(try await verify("e2e-valid-signature", policy: "override_permissive_trustpolicy.json", anchor: newE2E) == [.verified(warnings: [warning])])
    }

    @Test func invalidSignatureFailsIntegrity() async throws {
        let layout = OCILayout("e2e-invalid-signature")
        let digests = try layout.signatureManifests(of: Vectors.e2eImage)
        #expect(digests == ["sha256:321fcc674d6771dd0e5bd21e599f2df3a482de99a400fd3a3fe371221b97a9c9"])
        let (mediaType, data, _) = try layout.envelope(ofSignatureManifest: digests[0])
        #expect(mediaType == "application/vnd.oci.image.layer.v1.tar")
        #expect(throws: NotaryError.self) { try JWSEnvelope(verifying: data) }
        let failure = "unable to parse the digital signature, error : signature envelope format with media type \"application/vnd.oci.image.layer.v1.tar\" is not supported"
        for policy in ["trustpolicy.json", "permissive_trustpolicy.json", "audit_trustpolicy.json", "override_strict_trustpolicy.json"] {
            #expect(try await verify("e2e-invalid-signature", policy: policy) == [.failed(failure)])
        }
        // even when read as a JWS, the blob is no envelope
        let outcome = await verifier(["ca:e2e": [e2e]]).verify(
            envelope: data, mediaType: "application/jose+json", descriptor: Vectors.e2eImage,
            statement: try wildcardStatement(try Vectors.policy("trustpolicy.json")))
        guard case .failed(let reason) = outcome else {
            Issue.record("the invalid signature verified")
            return
        }
        #expect(reason.hasPrefix("unable to parse the digital signature"))
        // the skip level never looks at signatures
        #expect(try wildcardStatement(try Vectors.policy("skip_trustpolicy.json")).level == .skip)
    }

    @Test func expiredSignature() async throws {
        // signed 2023-06-27T13:20:21+08:00 with a one-minute expiry; Go prints the expiry with the offset it was written with
        let failure = "digital signature has expired on \"Tue, 27 Jun 2023 13:21:21 +0800\""
        let warning = "Warning: expiry was set to \"log\" and failed with error: \(failure)"
        #expect(try await verify("e2e-expired-signature", policy: "trustpolicy.json") == [.failed(failure)])
        #expect(try await verify("e2e-expired-signature", policy: "override_permissive_trustpolicy.json") == [.failed(failure)])
        #expect(try await verify("e2e-expired-signature", policy: "override_audit_trustpolicy.json") == [.failed(failure)])
        #expect(try await verify("e2e-expired-signature", policy: "permissive_trustpolicy.json") == [.verified(warnings: [warning])])
        #expect(try await verify("e2e-expired-signature", policy: "audit_trustpolicy.json") == [.verified(warnings: [warning])])
        #expect(try await verify("e2e-expired-signature", policy: "override_strict_trustpolicy.json") == [.verified(warnings: [warning])])
        // before the expiry it verifies
        #expect(
            try await verify("e2e-expired-signature", policy: "trustpolicy.json", now: Clock.date("2023-06-27T05:21:00Z")) == [.verified(warnings: [])])
        #expect(try await verify("e2e-expired-signature", policy: "trustpolicy.json", now: Clock.date("2023-06-27T05:21:21Z")) == [.failed(failure)])
    }

    @Test func expiredCertificate() async throws {
        // notary.x509 without a TSA store: every chain certificate must be valid at verification time. Go prints the
        // subject in its fixed attribute order (O, ST, C here), not the certificate's encoded order.
        let failure =
            "verification time is after certificate \"O=Internet Widgits Pty Ltd,ST=Some-State,C=AU\" validity period, it was expired at \"Tue, 27 Jun 2023 06:10:00 +0000\""
        let warning = "Warning: authenticTimestamp was set to \"log\" and failed with error: \(failure)"
        #expect(try await verify("e2e-with-expired-cert", policy: "trustpolicy.json", anchor: expiredE2E) == [.failed(failure)])
        #expect(try await verify("e2e-with-expired-cert", policy: "override_permissive_trustpolicy.json", anchor: expiredE2E) == [.failed(failure)])
        #expect(try await verify("e2e-with-expired-cert", policy: "override_audit_trustpolicy.json", anchor: expiredE2E) == [.failed(failure)])
        #expect(try await verify("e2e-with-expired-cert", policy: "permissive_trustpolicy.json", anchor: expiredE2E) == [.verified(warnings: [warning])])
        #expect(try await verify("e2e-with-expired-cert", policy: "audit_trustpolicy.json", anchor: expiredE2E) == [.verified(warnings: [warning])])
        #expect(try await verify("e2e-with-expired-cert", policy: "override_strict_trustpolicy.json", anchor: expiredE2E) == [.verified(warnings: [warning])])
        // while the certificate was valid, it verifies
        #expect(
            try await verify("e2e-with-expired-cert", policy: "trustpolicy.json", anchor: expiredE2E, now: Clock.date("2023-06-27T06:09:00Z"))
                == [.verified(warnings: [])])
        // before its validity period
        #expect(
            try await verify("e2e-with-expired-cert", policy: "trustpolicy.json", anchor: expiredE2E, now: Clock.date("2023-06-25T00:00:00Z")) == [
                .failed(
                    "verification time is before certificate \"O=Internet Widgits Pty Ltd,ST=Some-State,C=AU\" validity period, it will be valid from \"Mon, 26 Jun 2023 06:10:00 +0000\""
                )
            ])
        // with e2e.crt in the store, authenticity fails first
        #expect(
            try await verify("e2e-with-expired-cert", policy: "trustpolicy.json")
                == [.failed("the signature's certificate chain does not contain any trusted certificate")])
        // Go's rendering of that subject differs from swift-certificates' (reversed encoded order)
        #expect(CertificateChain.goString(expiredE2E.subject) == "O=Internet Widgits Pty Ltd,ST=Some-State,C=AU")
        #expect(CertificateChain.goString(newE2E.subject) == "O=Internet Widgits Pty Ltd,ST=Some-State,C=AU")
        #expect(CertificateChain.goString(e2e.subject) == "CN=e2e,O=Notary,L=Seattle,ST=WA,C=US")
    }

    @Test func multipleSignaturesFirstSuccessWins() async throws {
        // the tag-schema signature is e2e.crt's; the other one is signed by an unrelated one-day certificate
        let outcomes = try await verify("e2e-valid-multiple-signatures", policy: "trustpolicy.json")
        #expect(outcomes == [.verified(warnings: []), .failed("the signature's certificate chain does not contain any trusted certificate")])
        let (_, data, _) = try OCILayout("e2e-valid-multiple-signatures").envelope(
            ofSignatureManifest: "sha256:c3ebe4a20b6832328fc5078a7795ddc1114b896e13fca2add38109c3866b5fbf")
        let other = try JWSEnvelope(verifying: data)
        #expect(other.signingTime == Clock.date("2025-02-17T08:17:09Z"))
        #expect(CertificateChain.goString(other.certificates[0].subject) == "CN=testcert11,O=Notary,L=Seattle,ST=WA,C=US")
        // trusting that certificate instead: it expired on 2025-02-18
        let statement = try wildcardStatement(try Vectors.policy("trustpolicy.json"))
        let outcome = await verifier(["ca:e2e": [other.certificates[0]]]).verify(
            envelope: data, mediaType: "application/jose+json", descriptor: Vectors.e2eImage, statement: statement)
        #expect(
            outcome
                == .failed(
                    "verification time is after certificate \"CN=testcert11,O=Notary,L=Seattle,ST=WA,C=US\" validity period, it was expired at \"Tue, 18 Feb 2025 08:15:49 +0000\""
                ))
    }

    @Test func timestampedSignature() async throws {
        // no tag-schema index: the signature is found by its subject
        let layout = OCILayout("e2e-with-timestamped-signature")
        let image = Descriptor(
            mediaType: ImageManifest.MediaType.ociManifest,
            digest: SignetDomain.Digest(parsing: "sha256:53b0191218aed9a3c1f7c661736ac40cfc8eb928642348fd843ba3f0483c0c20")!, size: 582)
        let digests = try layout.signatureManifests(of: image)
        #expect(digests == ["sha256:6a5cd3a886707a317935dcaf13954fc80ef9aeb665262b6ae4fe469ad7ea3aea"])
        let (mediaType, data, _) = try layout.envelope(ofSignatureManifest: digests[0])
        #expect(mediaType == "application/jose+json")
        let envelope = try JWSEnvelope(verifying: data)
        #expect(envelope.payload.targetArtifact.annotations == ["purpose": "e2e"])
        #expect(envelope.expiry == Clock.date("2025-01-21T12:39:46Z"))
        let header = try #require(try jsonObject(data)["header"] as? [String: Any])
        #expect(header["io.cncf.notary.timestampSignature"] is String)
        // without a tsa store notation ignores the countersignature: the expiry and then the one-day certificate decide
        let statement = try wildcardStatement(try Vectors.policy("trustpolicy.json"))
        let trusted = verifier(["ca:e2e": [envelope.certificates[0]]])
        #expect(
            await trusted.verify(envelope: data, mediaType: mediaType, descriptor: image, statement: statement)
                == .failed("digital signature has expired on \"Tue, 21 Jan 2025 12:39:46 +0000\""))
        let before = verifier(["ca:e2e": [envelope.certificates[0]]], now: Clock.date("2025-01-21T10:00:00Z"))
        #expect(await before.verify(envelope: data, mediaType: mediaType, descriptor: image, statement: statement) == .verified(warnings: []))
        // and it signs a different artifact than the e2e image
        #expect(
            await before.verify(envelope: data, mediaType: mediaType, descriptor: Vectors.e2eImage, statement: statement)
                == .failed("content descriptor mismatch"))
    }
}
