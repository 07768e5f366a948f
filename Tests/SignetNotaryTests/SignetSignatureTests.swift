import Crypto
import Foundation
import SignetDomain
import SwiftASN1
import Testing
import X509

@testable import SignetNotary

/// Signet's own signatures: the certificate authority, `NotaryPayloadSigner` (ES384 JWS, signingAuthority scheme,
/// notary-format §4, §6 and §12), verification with identities and ARNs, tampering, and the signature manifest.
/// Needs no external vectors.
@Suite("Signet signatures")
struct SignetSignatureTests {
    static let account = "111122223333"
    static let region = "us-east-1"
    static let created = Clock.date("2026-11-01T00:00:00Z")
    static let signingTime = Clock.date("2026-11-29T23:41:44Z")
    static let expiry = Clock.date("2038-02-28T23:41:44Z")
    static let verificationTime = Clock.date("2026-12-01T00:00:00Z")
    static let jobArn = "arn:aws:signer:us-east-1:111122223333:/signing-jobs/5f7b8c7e-0d4e-4d5b-9f2a-1a2b3c4d5e6f"
    static let image = Descriptor(
        mediaType: ImageManifest.MediaType.dockerManifest, digest: SignetDomain.Digest.sha256(of: Data("image manifest".utf8)), size: 1234)

    static func profile(_ name: String = "ecr_signing_profile", version: String = "a1B2c3D4e5") -> SigningProfile {
        SigningProfile(
            account: account, region: region, name: name, platformId: SigningPlatform.notationPlatformId, profileVersion: version,
            createdAt: created, validity: .default, certificateArn: nil, overrides: nil, signingParameters: nil, tags: [:])
    }

    /// A fresh authority, a profile, and one signature of `image`.
    struct Fixture {
        let storage: InMemoryKeyStorage
        let authority: CertificateAuthority
        let profile: SigningProfile
        let envelope: Data

        init(signingTime: Date = SignetSignatureTests.signingTime, descriptor: Descriptor = SignetSignatureTests.image) async throws {
            storage = InMemoryKeyStorage()
            authority = try CertificateAuthority(storage: storage, now: SignetSignatureTests.created.addingTimeInterval(-86400))
            profile = SignetSignatureTests.profile()
            envelope = try await Self.sign(authority, profile, signingTime: signingTime, descriptor: descriptor)
        }

        static func sign(
            _ authority: CertificateAuthority, _ profile: SigningProfile, signingTime: Date = SignetSignatureTests.signingTime,
            descriptor: Descriptor = SignetSignatureTests.image
        ) async throws -> Data {
            let payload = try NotaryPayload(descriptor: descriptor).encoded()
            let attributes = SignatureAttributes(
                signingTime: signingTime, expiry: SignetSignatureTests.expiry, profileVersionArn: profile.versionArn, jobArn: SignetSignatureTests.jobArn)
            return try await NotaryPayloadSigner(authority: authority).sign(payload: payload, profile: profile, attributes: attributes)
        }

        var root: Certificate { authority.root }

        func verify(
            identities: [String], stores: [String] = ["signingAuthority:aws-signer-ts"], level: String = "strict", now: Date = SignetSignatureTests.verificationTime,
            envelope: Data? = nil, revoked: @escaping @Sendable (JWSEnvelope) async throws -> [String] = { _ in [] }
        ) async throws -> SignetNotary.Verifier.Outcome {
            let statement = try statement(level: level, stores: stores, identities: identities, name: "aws-signer-tp")
            let verifier = verifier(["signingAuthority:aws-signer-ts": [root]], now: now, revoked: revoked)
            return await verifier.verify(
                envelope: envelope ?? self.envelope, mediaType: JWSSigner.envelopeMediaType, descriptor: SignetSignatureTests.image, statement: statement)
        }
    }

    /// An attribute nobody defines, marked critical: verified as notation verifies it, with a warning that says so.
    @Test func unknownCriticalAttributesAreReported() async throws {
        let fixture = try await Fixture()
        func b64url(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        func unb64url(_ text: String) -> Data? {
            var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while base64.count % 4 != 0 { base64 += "=" }
            return Data(base64Encoded: base64)
        }
        var jws = try #require(try JSONSerialization.jsonObject(with: fixture.envelope) as? [String: Any])
        let protectedText = try #require(jws["protected"] as? String)
        let protectedBytes = try #require(unb64url(protectedText))
        var header = try #require(try JSONSerialization.jsonObject(with: protectedBytes) as? [String: Any])
        header["io.example.x"] = "y"
        header["crit"] = (header["crit"] as? [String] ?? []) + ["io.example.x"]
        let protected = b64url(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let signingInput = Data("\(protected).\(try #require(jws["payload"] as? String))".utf8)
        let key = try await fixture.authority.signing(for: fixture.profile).key()
        jws["protected"] = protected
        jws["signature"] = b64url(try key.signature(for: signingInput).rawRepresentation)
        let forged = try JSONSerialization.data(withJSONObject: jws)
        let outcome = try await fixture.verify(identities: ["*"], envelope: forged)
        #expect(
            outcome
                == .verified(warnings: [
                    "Warning: the signature marks the unknown attribute \"io.example.x\" as critical: the Notary Project specification says verification must fail, notation accepts it, and so does Signet"
                ]))
        // Signet's own signatures mark nothing unknown
        #expect(try await fixture.verify(identities: ["*"]) == .verified(warnings: []))
    }

    // MARK: - envelope format

    @Test func envelopeFormat() async throws {
        let fixture = try await Fixture()
        let envelope = try JWSEnvelope(verifying: fixture.envelope)
        #expect(envelope.algorithm == "ES384")
        #expect(envelope.signingScheme == "notary.x509.signingAuthority")
        #expect(envelope.signingTime == Self.signingTime)
        #expect(envelope.expiry == Self.expiry)
        #expect(envelope.verificationPlugin == nil)
        #expect(envelope.payload == NotaryPayload(descriptor: Self.image))
        #expect(envelope.payload.targetArtifact.mediaType == "application/vnd.docker.distribution.manifest.v2+json")

        let object = try jsonObject(fixture.envelope)
        #expect(Set(object.keys) == ["payload", "protected", "header", "signature"])
        // base64url without padding
        for member in ["payload", "protected", "signature"] {
            let text = try #require(object[member] as? String)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"), "\(member)")
            #expect(Base64URL.decode(text) != nil)
        }
        // raw R || S, 48 + 48 bytes
        let signatureText = try #require(object["signature"] as? String)
        let signature = try #require(Base64URL.decode(signatureText))
        #expect(signature.count == 96)
        // x5c: standard base64 with padding, leaf then root
        let header = try #require(object["header"] as? [String: Any])
        #expect(Set(header.keys) == ["x5c", "io.cncf.notary.signingAgent"])
        let x5c = try #require(header["x5c"] as? [String])
        #expect(x5c.count == 2)
        for entry in x5c {
            let der = try #require(Data(base64Encoded: entry))
            #expect(der.base64EncodedString() == entry)
        }
        #expect(x5c.map { Data(base64Encoded: $0)! } == envelope.certificateChainDER.map { Data($0) })
        #expect(envelope.certificateChainDER.last == fixture.authority.rootDER)
        #expect(envelope.certificates.last == fixture.root)
    }

    @Test func protectedHeader() async throws {
        let fixture = try await Fixture()
        let header = try protectedHeaderObject(fixture.envelope)
        #expect(header["alg"] as? String == "ES384")
        #expect(header["cty"] as? String == "application/vnd.cncf.notary.payload.v1+json")
        #expect(header["crit"] as? [String] == ["io.cncf.notary.signingScheme", "io.cncf.notary.authenticSigningTime", "io.cncf.notary.expiry"])
        #expect(header["io.cncf.notary.signingScheme"] as? String == "notary.x509.signingAuthority")
        #expect(header["io.cncf.notary.authenticSigningTime"] as? String == "2026-11-29T23:41:44Z")
        #expect(header["io.cncf.notary.expiry"] as? String == "2038-02-28T23:41:44Z")
        #expect(header["io.cncf.notary.signingTime"] == nil)
        #expect(header["io.cncf.notary.verificationPlugin"] == nil)
        #expect(header["io.cncf.notary.verificationPluginMinVersion"] == nil)
        // the AWS attributes are signed but not critical
        let versionArn = "arn:aws:signer:us-east-1:111122223333:/signing-profiles/ecr_signing_profile/a1B2c3D4e5"
        #expect(header["com.amazonaws.signer.signingProfileVersion"] as? String == versionArn)
        #expect(header["com.amazonaws.signer.signingJob"] as? String == Self.jobArn)
        let crit = try #require(header["crit"] as? [String])
        #expect(!crit.contains { $0.hasPrefix("com.amazonaws.") })
        #expect(Set(header.keys) == [
            "alg", "cty", "crit", "io.cncf.notary.signingScheme", "io.cncf.notary.authenticSigningTime", "io.cncf.notary.expiry",
            "com.amazonaws.signer.signingProfileVersion", "com.amazonaws.signer.signingJob",
        ])
        let envelope = try JWSEnvelope(verifying: fixture.envelope)
        #expect(envelope.attribute("com.amazonaws.signer.signingProfileVersion") == versionArn)
        #expect(envelope.attribute("com.amazonaws.signer.signingJob") == Self.jobArn)
    }

    @Test func certificateChainRules() async throws {
        let fixture = try await Fixture()
        let envelope = try JWSEnvelope(verifying: fixture.envelope)
        try CertificateChain.validateStructure(envelope.certificates)
        let leaf = envelope.certificates[0]
        let root = envelope.certificates[1]
        // leaf: keyUsage digitalSignature only, critical; EKU codeSigning; CA=false; P-384 signed with SHA-384
        let keyUsage = try #require(leaf.extensions[oid: .X509ExtensionID.keyUsage])
        #expect(keyUsage.critical)
        let usage = try KeyUsage(keyUsage)
        #expect(usage.digitalSignature)
        #expect(!usage.keyCertSign && !usage.keyEncipherment && !usage.cRLSign)
        let eku = try #require(try leaf.extensions.extendedKeyUsage)
        #expect(eku.contains(.codeSigning))
        #expect(!eku.contains(.serverAuth) && !eku.contains(.clientAuth))
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(P384.Signing.PublicKey(leaf.publicKey) != nil)
        #expect(leaf.signatureAlgorithm == .ecdsaWithSHA384)
        #expect(leaf.issuer == root.subject)
        // no CRL/OCSP pointers (they would make notation go online)
        #expect(leaf.extensions[oid: [2, 5, 29, 31]] == nil)  // cRLDistributionPoints
        #expect(leaf.extensions[oid: .X509ExtensionID.authorityInformationAccess] == nil)
        // root: self-signed CA with a critical keyCertSign
        #expect(root.issuer == root.subject)
        guard case .isCertificateAuthority = try #require(try root.extensions.basicConstraints) else {
            Issue.record("the root is not a CA")
            return
        }
        let rootUsage = try #require(root.extensions[oid: .X509ExtensionID.keyUsage])
        #expect(rootUsage.critical)
        #expect(try KeyUsage(rootUsage).keyCertSign)
        #expect(CertificateChain.goString(root.subject) == "CN=Signet Root CA,O=Signet,ST=WA,C=US")
        // the signing time falls inside every certificate's validity
        for certificate in envelope.certificates {
            #expect(certificate.notValidBefore <= Self.signingTime && Self.signingTime <= certificate.notValidAfter)
        }
        #expect(leaf.notValidBefore == Self.created.addingTimeInterval(-300))
    }

    @Test func leafSubjectMatchesAnX509Identity() async throws {
        let fixture = try await Fixture()
        let leaf = try JWSEnvelope(verifying: fixture.envelope).certificates[0]
        let attributes = CertificateChain.subjectAttributes(of: leaf)
        #expect(attributes.map(\.0) == ["C", "ST", "L", "O", "OU", "CN"])
        #expect(attributes.map(\.1) == ["US", "WA", "us-east-1", "Signet", "111122223333", "ecr_signing_profile"])
        #expect(CertificateChain.goString(leaf.subject) == "CN=ecr_signing_profile,OU=111122223333,O=Signet,L=us-east-1,ST=WA,C=US")

        for identity in [
            "x509.subject: C=US, ST=WA, L=us-east-1, O=Signet, OU=111122223333, CN=ecr_signing_profile",
            "x509.subject: CN=ecr_signing_profile,OU=111122223333,O=Signet,L=us-east-1,ST=WA,C=US",
            "x509.subject: C=US, S=WA, O=Signet, OU=111122223333",
            "*",
        ] {
            #expect(try await fixture.verify(identities: [identity]) == .verified(warnings: []), "\(identity)")
        }
        #expect(
            try await fixture.verify(identities: ["x509.subject: C=US, ST=WA, O=Signet, OU=444455556666"])
                == .failed(
                    "signing certificate from the digital signature does not match the X.509 trusted identities [map[\"C\":\"US\" \"O\":\"Signet\" \"OU\":\"444455556666\" \"ST\":\"WA\"]] defined in the trust policy \"aws-signer-tp\""
                ))
        // a signingAuthority signature is never checked against ca stores
        #expect(try await fixture.verify(identities: ["*"], stores: ["ca:aws-signer-ts"]) == .failed("no trusted certificates are found to verify authenticity"))
        // another authority's root is not trusted
        let stranger = try CertificateAuthority(storage: InMemoryKeyStorage(), now: Self.created)
        let outcome = await verifier(["signingAuthority:aws-signer-ts": [stranger.root]], now: Self.verificationTime).verify(
            envelope: fixture.envelope, mediaType: JWSSigner.envelopeMediaType, descriptor: Self.image,
            statement: try statement(stores: ["signingAuthority:aws-signer-ts"], identities: ["*"]))
        #expect(outcome == .failed("the signature's certificate chain does not contain any trusted certificate"))
    }

    @Test func signingProfileArnIdentities() async throws {
        let fixture = try await Fixture()
        let profileArn = "arn:aws:signer:us-east-1:111122223333:/signing-profiles/ecr_signing_profile"
        for identity in [
            profileArn, "\(profileArn)/a1B2c3D4e5", "\(profileArn)/A1B2C3D4E5",
            "arn:aws:signer:US-EAST-1:111122223333:/signing-profiles/ECR_SIGNING_PROFILE",
            "arn:AWS:signer:us-east-1:111122223333:/signing-profiles/ECR_signing_profile/a1b2c3d4e5",
        ] {
            #expect(try await fixture.verify(identities: [identity]) == .verified(warnings: []), "\(identity)")
        }
        let noMatch = "Signature publisher doesn't match any trusted identities."
        for identity in [
            "arn:aws:signer:us-east-1:111122223333:/signing-profiles/other_profile",
            "\(profileArn)/otherVersion",
            "arn:aws:signer:us-west-2:111122223333:/signing-profiles/ecr_signing_profile",
            "arn:aws:signer:us-east-1:444455556666:/signing-profiles/ecr_signing_profile",
            "arn:aws:signer:us-east-1:111122223333:/signing-profiles/ecr_signing",
        ] {
            #expect(try await fixture.verify(identities: [identity]) == .failed(noMatch), "\(identity)")
        }
        // several ARNs: any may match; mixed with x509 identities, either may match
        #expect(try await fixture.verify(identities: ["\(profileArn)/old", profileArn]) == .verified(warnings: []))
        #expect(
            try await fixture.verify(identities: ["x509.subject: C=US, ST=WA, O=Signet, CN=ecr_signing_profile", "\(profileArn)/other"])
                == .verified(warnings: []))
        #expect(
            try await fixture.verify(identities: ["x509.subject: C=US, ST=WA, O=Signet, CN=other", profileArn]) == .verified(warnings: []))
        #expect(
            try await fixture.verify(identities: ["x509.subject: C=US, ST=WA, O=Signet, CN=other", "\(profileArn)/other"]) == .failed(noMatch))
        // logged under audit
        #expect(
            try await fixture.verify(identities: ["\(profileArn)/other"], level: "audit")
                == .verified(warnings: ["Warning: authenticity was set to \"log\" and failed with error: \(noMatch)"]))
    }

    @Test func timeChecks() async throws {
        let fixture = try await Fixture()
        // after the signature's expiry
        #expect(
            try await fixture.verify(identities: ["*"], now: Self.expiry)
                == .failed("digital signature has expired on \"Sun, 28 Feb 2038 23:41:44 +0000\""))
        // signingAuthority: certificates must be valid at the authentic signing time, not now
        let early = Self.created.addingTimeInterval(-3600)
        let backdated = try await Fixture(signingTime: early)
        let failure =
            "certificate \"CN=ecr_signing_profile,OU=111122223333,O=Signet,L=us-east-1,ST=WA,C=US\" was not valid when the digital signature was produced at \"Sat, 31 Oct 2026 23:00:00 +0000\""
        #expect(try await backdated.verify(identities: ["*"]) == .failed(failure))
        #expect(
            try await backdated.verify(identities: ["*"], level: "permissive")
                == .verified(warnings: ["Warning: authenticTimestamp was set to \"log\" and failed with error: \(failure)"]))
    }

    @Test func revocationSeesTheSignature() async throws {
        let fixture = try await Fixture()
        let revokedJobs: @Sendable (JWSEnvelope) async throws -> [String] = { envelope in
            [envelope.attribute("com.amazonaws.signer.signingJob")].compactMap { $0 }.filter { $0 == SignetSignatureTests.jobArn }
        }
        #expect(
            try await fixture.verify(identities: ["*"], revoked: revokedJobs)
                == .failed("signature is revoked: Resource(s) \(Self.jobArn) have been revoked."))
        #expect(try await fixture.verify(identities: ["*"]) == .verified(warnings: []))
    }

    @Test func payloadMustMatchTheResolvedDescriptor() async throws {
        let other = Descriptor(mediaType: ImageManifest.MediaType.ociManifest, digest: Self.image.digest, size: Self.image.size)
        let fixture = try await Fixture(descriptor: other)
        // the verifier resolves the Docker media type; the payload says OCI
        #expect(try await fixture.verify(identities: ["*"]) == .failed("content descriptor mismatch"))
    }

    // MARK: - tampering

    /// An envelope with the given parts (no re-signing).
    static func envelope(payload: String, protected: String, signature: String, x5c: [String]) -> Data {
        let object: [String: Any] = ["payload": payload, "protected": protected, "signature": signature, "header": ["x5c": x5c]]
        return try! JSONSerialization.data(withJSONObject: object)
    }

    struct Parts {
        var payload: String
        var protected: String
        var signature: String
        var x5c: [String]

        init(_ data: Data) throws {
            let object = try jsonObject(data)
            payload = try #require(object["payload"] as? String)
            protected = try #require(object["protected"] as? String)
            signature = try #require(object["signature"] as? String)
            x5c = try #require((object["header"] as? [String: Any])?["x5c"] as? [String])
        }

        var data: Data { SignetSignatureTests.envelope(payload: payload, protected: protected, signature: signature, x5c: x5c) }
    }

    /// Signs `protected`.`payload` (given as the exact base64url strings) with the profile's key.
    static func signed(_ authority: CertificateAuthority, _ profile: SigningProfile, protected: String, payload: String, der: Bool = false) async throws
        -> Data
    {
        let signing = try await authority.signing(for: profile)
        let signature = try signing.key().signature(for: Data("\(protected).\(payload)".utf8))
        let bytes = der ? signature.derRepresentation : signature.rawRepresentation
        return envelope(
            payload: payload, protected: protected, signature: Base64URL.encode(bytes), x5c: signing.chain.map { Data($0).base64EncodedString() })
    }

    static func protectedJSON(_ members: [String: Any]) throws -> String {
        Base64URL.encode(try JSONSerialization.data(withJSONObject: members, options: [.sortedKeys]))
    }

    static var baseProtected: [String: Any] {
        [
            "alg": "ES384", "cty": "application/vnd.cncf.notary.payload.v1+json",
            "crit": ["io.cncf.notary.signingScheme", "io.cncf.notary.authenticSigningTime", "io.cncf.notary.expiry"],
            "io.cncf.notary.signingScheme": "notary.x509.signingAuthority", "io.cncf.notary.authenticSigningTime": "2026-11-29T23:41:44Z",
            "io.cncf.notary.expiry": "2038-02-28T23:41:44Z",
        ]
    }

    func expectIntegrityFailure(_ data: Data, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: NotaryError.self, comment, sourceLocation: sourceLocation) { try JWSEnvelope(verifying: data) }
    }

    @Test func flippedSignatureBit() async throws {
        let fixture = try await Fixture()
        var parts = try Parts(fixture.envelope)
        _ = try JWSEnvelope(verifying: parts.data)  // the re-assembled envelope is still valid
        for index in [0, 47, 48, 95] {
            var signature = try #require(Base64URL.decode(parts.signature))
            signature[signature.startIndex + index] ^= 0x01
            var tampered = parts
            tampered.signature = Base64URL.encode(signature)
            expectIntegrityFailure(tampered.data, "bit flipped in byte \(index)")
        }
        parts.signature = String(parts.signature.dropLast(4))
        expectIntegrityFailure(parts.data, "truncated signature")
    }

    @Test func changedPayloadUnderTheSameSignature() async throws {
        let fixture = try await Fixture()
        let parts = try Parts(fixture.envelope)
        let otherDigest = SignetDomain.Digest.sha256(of: Data("another image".utf8))
        for target in [
            NotaryPayload.TargetArtifact(mediaType: Self.image.mediaType, digest: otherDigest.description, size: Self.image.size),
            NotaryPayload.TargetArtifact(mediaType: Self.image.mediaType, digest: Self.image.digest.description, size: Self.image.size + 1),
            NotaryPayload.TargetArtifact(mediaType: ImageManifest.MediaType.ociManifest, digest: Self.image.digest.description, size: Self.image.size),
        ] {
            var tampered = parts
            tampered.payload = Base64URL.encode(try NotaryPayload(targetArtifact: target).encoded())
            expectIntegrityFailure(tampered.data, "\(target)")
            let outcome = try await fixture.verify(identities: ["*"], envelope: tampered.data)
            #expect(outcome == .failed("signature is invalid. Error: signature verification failed"))
        }
    }

    @Test func removedCritEntry() async throws {
        let fixture = try await Fixture()
        var parts = try Parts(fixture.envelope)
        var header = try protectedHeaderObject(fixture.envelope)
        header["crit"] = ["io.cncf.notary.signingScheme", "io.cncf.notary.authenticSigningTime"]
        parts.protected = try Self.protectedJSON(header)
        expectIntegrityFailure(parts.data, "re-encoded header under the old signature")

        // even correctly signed, a header that leaves expiry (or authenticSigningTime) out of crit is rejected
        for (dropped, message) in [
            ("io.cncf.notary.expiry", "signature is invalid. Error: \"io.cncf.notary.expiry\" header must be marked critical"),
            ("io.cncf.notary.authenticSigningTime", "signature is invalid. Error: \"io.cncf.notary.authenticSigningTime\" header must be marked critical"),
        ] {
            var members = Self.baseProtected
            members["crit"] = (members["crit"] as! [String]).filter { $0 != dropped }
            let data = try await Self.signed(
                fixture.authority, fixture.profile, protected: try Self.protectedJSON(members), payload: parts.payload)
            #expect(throws: NotaryError.invalidSignature(message)) { try JWSEnvelope(verifying: data) }
        }
    }

    @Test func headerRulesOnCorrectlySignedEnvelopes() async throws {
        let fixture = try await Fixture()
        let payload = try Parts(fixture.envelope).payload
        func signed(_ change: (inout [String: Any]) -> Void) async throws -> Data {
            var members = Self.baseProtected
            change(&members)
            return try await Self.signed(fixture.authority, fixture.profile, protected: try Self.protectedJSON(members), payload: payload)
        }
        // the helper's output verifies as is
        let baseline = try JWSEnvelope(verifying: try await signed { _ in })
        #expect(baseline.algorithm == "ES384")

        let precise: [(String, (inout [String: Any]) -> Void)] = [
            ("signature is invalid. Error: \"alg\" header is marked critical but not present", { $0["crit"] = ($0["crit"] as! [String]) + ["alg"] }),
            (
                "signature is invalid. Error: \"io.cncf.notary.signingTime\" header is marked critical but not present",
                { $0["crit"] = ($0["crit"] as! [String]) + ["io.cncf.notary.signingTime"] }
            ),
            (
                "signature is invalid. Error: \"com.example.absent\" header is marked critical but not present",
                { $0["crit"] = ($0["crit"] as! [String]) + ["com.example.absent"] }
            ),
            ("signature is invalid. Error: content type requires \"application/vnd.cncf.notary.payload.v1+json\"", { $0["cty"] = "application/json" }),
            ("signature is invalid. Error: signature verification failed", { $0["alg"] = "ES256" }),
        ]
        for (message, change) in precise {
            let data = try await signed(change)
            #expect(throws: NotaryError.invalidSignature(message)) { try JWSEnvelope(verifying: data) }
        }
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("alg in crit", { $0["crit"] = ($0["crit"] as! [String]) + ["alg"] }),
            ("absent name in crit", { $0["crit"] = ($0["crit"] as! [String]) + ["com.example.absent"] }),
            ("wrong cty", { $0["cty"] = "application/json" }),
            ("unknown scheme", { $0["io.cncf.notary.signingScheme"] = "notary.x509.other" }),
            ("signingTime with signingAuthority", { $0["io.cncf.notary.signingTime"] = "2026-11-29T23:41:44Z" }),
            ("no authenticSigningTime", {
                $0["io.cncf.notary.authenticSigningTime"] = nil
                $0["crit"] = ["io.cncf.notary.signingScheme", "io.cncf.notary.expiry"]
            }),
            ("expiry before signing time", { $0["io.cncf.notary.expiry"] = "2026-11-29T23:41:44Z" }),
            ("malformed time", { $0["io.cncf.notary.authenticSigningTime"] = "29 Nov 2026" }),
            ("alg not implied by the P-384 key", { $0["alg"] = "ES256" }),
            ("unsupported alg", { $0["alg"] = "HS256" }),
            ("no crit", { $0["crit"] = nil }),
        ]
        for (label, change) in cases {
            expectIntegrityFailure(try await signed(change), "\(label)")
        }
        // an extra non-critical extended attribute is fine, a present critical one too
        _ = try JWSEnvelope(verifying: try await signed { $0["com.example.note"] = "x" })
        _ = try JWSEnvelope(verifying: try await signed {
            $0["com.example.note"] = "x"
            $0["crit"] = ($0["crit"] as! [String]) + ["com.example.note"]
        })
    }

    @Test func swappedCertificateChain() async throws {
        let fixture = try await Fixture()
        var parts = try Parts(fixture.envelope)
        // the leaf of another profile under the same root
        let other = try await fixture.authority.signing(for: Self.profile("other_profile"))
        #expect(Data(other.chain[0]).base64EncodedString() != parts.x5c[0])
        #expect(other.chain[1] == fixture.authority.rootDER)
        parts.x5c[0] = Data(other.chain[0]).base64EncodedString()
        expectIntegrityFailure(parts.data, "leaf of another profile")
        // a chain without its root, or in the wrong order, breaks the chain rules
        var noRoot = try Parts(fixture.envelope)
        noRoot.x5c = [noRoot.x5c[0]]
        expectIntegrityFailure(noRoot.data, "leaf only")
        var reversed = try Parts(fixture.envelope)
        reversed.x5c.reverse()
        expectIntegrityFailure(reversed.data, "root first")
        var empty = try Parts(fixture.envelope)
        empty.x5c = []
        expectIntegrityFailure(empty.data, "no certificates")
        var urlSafe = try Parts(fixture.envelope)
        urlSafe.x5c = urlSafe.x5c.map { $0.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_") }
        if urlSafe.x5c != (try Parts(fixture.envelope)).x5c { expectIntegrityFailure(urlSafe.data, "x5c must be standard base64") }
    }

    @Test func derEncodedSignatureIsRejected() async throws {
        let fixture = try await Fixture()
        let parts = try Parts(fixture.envelope)
        let raw = try await Self.signed(fixture.authority, fixture.profile, protected: parts.protected, payload: parts.payload)
        _ = try JWSEnvelope(verifying: raw)
        let der = try await Self.signed(fixture.authority, fixture.profile, protected: parts.protected, payload: parts.payload, der: true)
        let signature = try #require(Base64URL.decode(try Parts(der).signature))
        #expect(signature.count != 96)
        #expect(signature.first == 0x30)  // an ASN.1 SEQUENCE
        expectIntegrityFailure(der, "DER ECDSA signature")
    }

    @Test func paddedBase64URLIsRejected() async throws {
        let fixture = try await Fixture()
        let parts = try Parts(fixture.envelope)
        // a payload whose encoding needs padding (length not a multiple of 3), signed over the padded form as the
        // notation-go *_invalid_* vectors are
        var annotations: [String: String] = [:]
        var payloadBytes = try NotaryPayload(descriptor: Self.image).encoded()
        var filler = ""
        while payloadBytes.count % 3 == 0 {
            filler += "x"
            annotations = ["filler": filler]
            payloadBytes = try NotaryPayload(
                targetArtifact: .init(mediaType: Self.image.mediaType, digest: Self.image.digest.description, size: Self.image.size, annotations: annotations)
            ).encoded()
        }
        let padded = paddedBase64URL(payloadBytes)
        #expect(padded.hasSuffix("="))
        let unpaddedEnvelope = try await Self.signed(fixture.authority, fixture.profile, protected: parts.protected, payload: Base64URL.encode(payloadBytes))
        _ = try JWSEnvelope(verifying: unpaddedEnvelope)
        let paddedEnvelope = try await Self.signed(fixture.authority, fixture.profile, protected: parts.protected, payload: padded)
        let error = try #require(throws: NotaryError.self) { try JWSEnvelope(verifying: paddedEnvelope) }
        #expect(error.description.contains("illegal base64 data"))
        // padding added after signing
        var repadded = try Parts(unpaddedEnvelope)
        repadded.payload = padded
        expectIntegrityFailure(repadded.data, "payload padded after signing")
        // a padded protected header (re-signed over the padded text) is rejected too
        var header = parts.protected
        var members = Self.baseProtected
        var note = ""
        while header.count % 4 == 0 {
            note += "x"
            members["com.example.note"] = note
            header = try Self.protectedJSON(members)
        }
        let paddedHeader = header + String(repeating: "=", count: 4 - header.count % 4)
        let paddedProtected = try await Self.signed(fixture.authority, fixture.profile, protected: paddedHeader, payload: parts.payload)
        expectIntegrityFailure(paddedProtected, "padded protected header")
        // standard-alphabet characters in the signature
        var standard = parts
        standard.signature = Data(try #require(Base64URL.decode(parts.signature))).base64EncodedString()
        if standard.signature != parts.signature { expectIntegrityFailure(standard.data, "standard base64 signature") }
    }

    // MARK: - signature manifest

    @Test func signatureManifest() async throws {
        let fixture = try await Fixture()
        let data = try SignatureManifest.build(envelope: fixture.envelope, subject: Self.image, signingTime: Self.signingTime)
        // what managed signing stores without parsing is what parsing the bytes gives
        let described = try SignatureManifest.described(envelope: fixture.envelope, subject: Self.image, signingTime: Self.signingTime)
        #expect(described.bytes == data)
        #expect(try ImageManifest.parse(data, declaredMediaType: ImageManifest.MediaType.ociManifest) == described.manifest)
        #expect(try ImageManifest.parse(data, declaredMediaType: nil) == described.manifest)
        let manifest = try jsonObject(data)
        #expect(manifest["schemaVersion"] as? Int == 2)
        #expect(manifest["mediaType"] as? String == "application/vnd.oci.image.manifest.v1+json")
        #expect(manifest["artifactType"] as? String == "application/vnd.cncf.notary.signature")
        let config = try #require(manifest["config"] as? [String: Any])
        #expect(config["mediaType"] as? String == "application/vnd.oci.empty.v1+json")
        #expect(config["digest"] as? String == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
        #expect(config["size"] as? Int == 2)
        #expect(config["data"] as? String == "e30=")
        #expect(Data(base64Encoded: "e30=") == SignatureManifest.emptyConfig)
        let layers = try #require(manifest["layers"] as? [[String: Any]])
        #expect(layers.count == 1)
        #expect(layers[0]["mediaType"] as? String == "application/jose+json")
        #expect(layers[0]["digest"] as? String == SignetDomain.Digest.sha256(of: fixture.envelope).description)
        #expect(layers[0]["size"] as? Int == fixture.envelope.count)
        let subject = try #require(manifest["subject"] as? [String: Any])
        #expect(subject["mediaType"] as? String == Self.image.mediaType)
        #expect(subject["digest"] as? String == Self.image.digest.description)
        #expect(subject["size"] as? Int == 1234)
        let annotations = try #require(manifest["annotations"] as? [String: String])
        #expect(annotations["org.opencontainers.image.created"] == "2026-11-29T23:41:44Z")
        let thumbprintText = try #require(annotations["io.cncf.notary.x509chain.thumbprint#S256"])
        let thumbprints = try #require(try JSONSerialization.jsonObject(with: Data(thumbprintText.utf8)) as? [String])
        let chain = try JWSEnvelope(verifying: fixture.envelope).certificateChainDER
        #expect(thumbprints == chain.map { SHA256.hash(data: $0).hexString })
        #expect(thumbprints.count == 2)
        #expect(thumbprints.allSatisfy { $0.count == 64 && $0 == $0.lowercased() })
        #expect(thumbprintText == "[\"\(thumbprints[0])\",\"\(thumbprints[1])\"]")
        // readable: slashes are not escaped
        #expect(!String(decoding: data, as: UTF8.self).contains("\\/"))
        // it refuses an envelope without a chain
        #expect(throws: NotaryError.self) {
            try SignatureManifest.build(envelope: Data("{}".utf8), subject: Self.image, signingTime: Self.signingTime)
        }
    }

    /// The hand-written manifest is byte for byte what `JSONSerialization` writes for the same document (what
    /// earlier versions stored), also for a subject media type that needs escaping.
    @Test func signatureManifestBytesAreJSONSerializationBytes() async throws {
        let fixture = try await Fixture()
        for mediaType in [Self.image.mediaType, "application/odd \"type\"\\ with\ttab\u{1}/é"] {
            let subject = Descriptor(mediaType: mediaType, digest: Self.image.digest, size: 98_765)
            let ours = try SignatureManifest.build(envelope: fixture.envelope, subject: subject, signingTime: Self.signingTime)
            let chain = try JWSEnvelope(verifying: fixture.envelope).certificateChainDER
            let thumbprints = "[" + chain.map { "\"\(SHA256.hash(data: $0).hexString)\"" }.joined(separator: ",") + "]"
            let document: [String: Any] = [
                "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "artifactType": "application/vnd.cncf.notary.signature",
                "config": [
                    "mediaType": "application/vnd.oci.empty.v1+json", "digest": SignetDomain.Digest.sha256(of: SignatureManifest.emptyConfig).description,
                    "size": 2, "data": "e30=",
                ],
                "layers": [["mediaType": "application/jose+json", "digest": SignetDomain.Digest.sha256(of: fixture.envelope).description, "size": fixture.envelope.count]],
                "subject": ["mediaType": mediaType, "digest": Self.image.digest.description, "size": 98_765],
                "annotations": ["io.cncf.notary.x509chain.thumbprint#S256": thumbprints, "org.opencontainers.image.created": "2026-11-29T23:41:44Z"],
            ]
            let reference = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
            #expect(String(decoding: ours, as: UTF8.self) == String(decoding: reference, as: UTF8.self))
        }
    }

    // MARK: - certificate authority

    @Test func aSecondAuthorityOverTheSameStorageReusesTheRoot() async throws {
        let fixture = try await Fixture()
        let again = try CertificateAuthority(storage: fixture.storage)
        #expect(again.rootDER == fixture.authority.rootDER)
        #expect(again.root == fixture.root)
        #expect(again.rootPEM == fixture.authority.rootPEM)
        #expect(again.rootPEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        // and the profile's leaf and key
        let first = try await fixture.authority.signing(for: fixture.profile)
        let second = try await again.signing(for: fixture.profile)
        #expect(first.chain == second.chain)
        #expect(first.key().rawRepresentation == second.key().rawRepresentation)
        // a signature made by the second authority verifies against the first one's root
        let envelope = try await Fixture.sign(again, fixture.profile)
        #expect(try await fixture.verify(identities: ["*"], envelope: envelope) == .verified(warnings: []))
        // another storage means another root
        let fresh = try CertificateAuthority(storage: InMemoryKeyStorage())
        #expect(fresh.rootDER != fixture.authority.rootDER)
    }

    @Test func leavesPerProfileVersion() async throws {
        let authority = try CertificateAuthority(storage: InMemoryKeyStorage(), now: Self.created)
        let a = try await authority.signing(for: Self.profile("alpha", version: "v1"))
        let aAgain = try await authority.signing(for: Self.profile("alpha", version: "v1"))
        let aNext = try await authority.signing(for: Self.profile("alpha", version: "v2"))
        let b = try await authority.signing(for: Self.profile("beta", version: "v1"))
        #expect(a.chain == aAgain.chain)
        #expect(a.chain[0] != aNext.chain[0])
        #expect(a.chain[0] != b.chain[0])
        #expect(Set([a.chain[1], aNext.chain[1], b.chain[1]]) == [authority.rootDER])
        let leaf = try Certificate(derEncoded: b.chain[0])
        #expect(CertificateChain.goString(leaf.subject) == "CN=beta,OU=111122223333,O=Signet,L=us-east-1,ST=WA,C=US")
        #expect(P384.Signing.PublicKey(leaf.publicKey)?.rawRepresentation == b.key().publicKey.rawRepresentation)
    }

    @Test func signerRefusesANonNotaryPayload() async throws {
        let authority = try CertificateAuthority(storage: InMemoryKeyStorage(), now: Self.created)
        let attributes = SignatureAttributes(signingTime: Self.signingTime, expiry: Self.expiry, profileVersionArn: Self.profile().versionArn, jobArn: Self.jobArn)
        await #expect(throws: NotaryError.self) {
            try await NotaryPayloadSigner(authority: authority).sign(payload: Data("{\"hello\":1}".utf8), profile: Self.profile(), attributes: attributes)
        }
    }
}
