import Foundation
import SignetDomain
import SwiftASN1
import Testing
import X509

@testable import SignetNotary

/// Integrity of every notation-go mock JWS envelope (`notation-go/mock/*.json`, RSASSA-PSS, signed under
/// `NotationTestRoot.pem`): the valid ones parse and verify with `JWSEnvelope(verifying:)`, the `*_invalid_*` ones
/// (payload in padded base64url) are rejected, and the decoded fields are what the vectors carry.
@Suite("notation-go mock envelopes", .enabled(if: Vectors.present, Vectors.absentComment))
struct MockEnvelopeTests {
    static let validNames = [
        "ca_valid_sig_env.json", "sa_valid_sig_env.json", "ca_expired_sig_env.json", "sa_expired_sig_env.json", "ca_plugin_sig_env.json",
        "sa_plugin_sig_env.json", "sig_env_with_metadata.json", "ca_compatible_pluginver_sig_env_0.0.9.json",
        "ca_compatible_pluginver_sig_env_1.0.0-alpha.json", "ca_compatible_pluginver_sig_env_1.0.0-alpha.beta.json",
        "ca_compatible_pluginver_sig_env_1.0.0.json", "ca_incompatible_pluginver_sig_env_1.0.1.json",
        "ca_incompatible_pluginver_sig_env_1.0.9.json", "ca_incompatible_pluginver_sig_env_1.1.0-alpha.json",
        "ca_incompatible_pluginver_sig_env_1.2.3.json",
    ]
    static let invalidNames = ["ca_invalid_sig_env.json", "sa_invalid_sig_env.json"]

    @Test func everyMockVectorIsClassified() throws {
        #expect(Set(try Vectors.mockNames()) == Set(Self.validNames + Self.invalidNames))
    }

    @Test(arguments: validNames)
    func validEnvelopesVerify(_ name: String) throws {
        let envelope = try JWSEnvelope(verifying: try Vectors.mock(name))
        #expect(envelope.algorithm.hasPrefix("PS"))
        #expect(envelope.payload.targetArtifact.mediaType == "application/vnd.docker.distribution.manifest.v2+json")
        // the signing scheme follows the file prefix; the `sig_env_with_metadata` vector is notary.x509
        #expect(envelope.signingScheme == (name.hasPrefix("sa_") ? "notary.x509.signingAuthority" : "notary.x509"))
        // the chain is well formed and the leaf key implies the algorithm
        try CertificateChain.validateStructure(envelope.certificates)
        #expect(try CertificateChain.algorithm(for: envelope.certificates[0]) == envelope.algorithm)
    }

    @Test(arguments: invalidNames)
    func paddedBase64URLPayloadIsRejected(_ name: String) throws {
        let data = try Vectors.mock(name)
        // the vector differs from its valid sibling only by the `=` padding of the payload
        let payload = try #require(try jsonObject(data)["payload"] as? String)
        #expect(payload.hasSuffix("="))
        #expect(Base64URL.decode(payload) == nil)
        let error = try #require(throws: NotaryError.self) { try JWSEnvelope(verifying: data) }
        #expect(error.description.contains("illegal base64 data"))
    }

    @Test func notaryX509ValidVector() throws {
        let envelope = try JWSEnvelope(verifying: try Vectors.mock("ca_valid_sig_env.json"))
        #expect(envelope.algorithm == "PS384")
        #expect(envelope.signingScheme == "notary.x509")
        #expect(envelope.signingTime == Clock.date("2020-11-09T07:00:00Z"))
        #expect(envelope.expiry == Clock.date("2120-11-09T07:00:00Z"))
        #expect(envelope.verificationPlugin == nil)
        #expect(envelope.payload.targetArtifact == Self.mockTarget)
        #expect(envelope.certificates.count == 2)
        #expect(envelope.certificates.last == (try Vectors.notationTestRoot()))
        #expect(envelope.protectedHeader["io.cncf.notary.signingTime"] == .string("2020-11-09T07:00:00Z"))
        #expect(envelope.protectedHeader["io.cncf.notary.authenticSigningTime"] == nil)
    }

    @Test func signingAuthorityValidVector() throws {
        let envelope = try JWSEnvelope(verifying: try Vectors.mock("sa_valid_sig_env.json"))
        #expect(envelope.algorithm == "PS384")
        #expect(envelope.signingScheme == "notary.x509.signingAuthority")
        #expect(envelope.signingTime == Clock.date("2020-11-09T07:00:00Z"))
        #expect(envelope.protectedHeader["io.cncf.notary.authenticSigningTime"] == .string("2020-11-09T07:00:00Z"))
        #expect(envelope.protectedHeader["io.cncf.notary.signingTime"] == nil)
        #expect(envelope.expiry == Clock.date("2120-11-09T07:00:00Z"))
        #expect(envelope.payload.targetArtifact == Self.mockTarget)
        #expect(envelope.certificates.last == (try Vectors.notationTestRoot()))
    }

    @Test(arguments: [("ca_expired_sig_env.json", "notary.x509"), ("sa_expired_sig_env.json", "notary.x509.signingAuthority")])
    func expiredVectorsStillPassIntegrity(_ name: String, _ scheme: String) throws {
        // expiry is a trust-policy check, not an integrity one
        let envelope = try JWSEnvelope(verifying: try Vectors.mock(name))
        #expect(envelope.signingScheme == scheme)
        #expect(envelope.signingTime == Clock.date("2022-07-29T00:00:00Z"))
        #expect(envelope.expiry == Clock.date("2022-07-29T23:59:00Z"))
        #expect(envelope.payload.targetArtifact == Self.mockTarget)
    }

    @Test(arguments: ["ca_plugin_sig_env.json", "sa_plugin_sig_env.json"])
    func pluginVectorsNameTheirPlugin(_ name: String) throws {
        let envelope = try JWSEnvelope(verifying: try Vectors.mock(name))
        #expect(envelope.verificationPlugin == "plugin-name")
        #expect(envelope.attribute("SomeKey") == "SomeValue")  // a critical extended attribute
        guard case .array(let crit)? = envelope.protectedHeader["crit"] else {
            Issue.record("no crit")
            return
        }
        #expect(crit.contains(.string("SomeKey")))
        #expect(crit.contains(.string("io.cncf.notary.verificationPlugin")))
        #expect(envelope.payload.targetArtifact == Self.mockTarget)
    }

    @Test(arguments: [
        ("0.0.9", "2023-01-19T08:21:36Z"), ("1.0.0-alpha", "2023-01-19T20:57:04Z"), ("1.0.0-alpha.beta", "2023-01-19T21:03:23Z"),
        ("1.0.0", "2023-01-19T21:05:58Z"),
    ])
    func compatiblePluginVersionVectors(_ version: String, _ signingTime: String) throws {
        try checkPluginVersionVector("ca_compatible_pluginver_sig_env_\(version).json", version: version, signingTime: signingTime)
    }

    @Test(arguments: [
        ("1.0.1", "2023-01-19T20:49:02Z"), ("1.0.9", "2023-01-19T08:47:18Z"), ("1.1.0-alpha", "2023-01-19T20:40:34Z"),
        ("1.2.3", "2023-01-19T20:54:01Z"),
    ])
    func incompatiblePluginVersionVectors(_ version: String, _ signingTime: String) throws {
        try checkPluginVersionVector("ca_incompatible_pluginver_sig_env_\(version).json", version: version, signingTime: signingTime)
    }

    func checkPluginVersionVector(_ name: String, version: String, signingTime: String) throws {
        let envelope = try JWSEnvelope(verifying: try Vectors.mock(name))
        #expect(envelope.algorithm == "PS256")
        #expect(envelope.signingScheme == "notary.x509")
        // written with a -08:00 offset
        #expect(envelope.signingTime == Clock.date(signingTime))
        #expect(envelope.expiry == nil)
        #expect(envelope.verificationPlugin == "io.cncf.notary.plugin.unittest.mock")
        #expect(envelope.attribute("io.cncf.notary.verificationPluginMinVersion") == version)
        #expect(
            envelope.payload.targetArtifact
                == .init(
                    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
                    digest: "sha256:fe7e9333395060c2f5e63cf36a38fba10176f183b4163a5794e081a480abba5f", size: 942))
        // a single self-signed leaf-type certificate
        #expect(envelope.certificates.count == 1)
        #expect(envelope.certificates[0].issuer == envelope.certificates[0].subject)
    }

    @Test func metadataVectorCarriesUserAnnotations() throws {
        let envelope = try JWSEnvelope(verifying: try Vectors.mock("sig_env_with_metadata.json"))
        #expect(envelope.algorithm == "PS256")
        #expect(envelope.signingTime == Clock.date("2023-01-11T18:02:54Z"))
        #expect(envelope.expiry == nil)
        #expect(envelope.verificationPlugin == nil)
        let target = envelope.payload.targetArtifact
        #expect(target.digest == "sha256:5a07385af4e6b6af81b0ebfd435aedccdfa3507f0609c658209e1aba57159b2b")
        #expect(target.size == 942)
        #expect(target.annotations == ["io.wabbit-networks.buildId": "123", "io.wabbit-networks.buildTime": "1672944615"])
    }

    @Test func certificateChainHelperReadsTheX5c() throws {
        let data = try Vectors.mock("ca_valid_sig_env.json")
        let chain = try JWSEnvelope.certificateChain(of: data)
        #expect(chain == (try JWSEnvelope(verifying: data)).certificateChainDER)
        #expect(try Certificate(derEncoded: chain[1]) == (try Vectors.notationTestRoot()))
    }

    @Test func theSigningAgentQuirkIsIgnored() throws {
        // several vectors spell the unprotected member `io.cncf.notary.SigningAgent`; unknown members are ignored
        let header = try #require(try jsonObject(try Vectors.mock("ca_valid_sig_env.json"))["header"] as? [String: Any])
        #expect(header["io.cncf.notary.SigningAgent"] != nil)
        _ = try JWSEnvelope(verifying: try Vectors.mock("ca_valid_sig_env.json"))
    }

    @Test func tamperedMockVectorsFailIntegrity() throws {
        var object = try jsonObject(try Vectors.mock("ca_valid_sig_env.json"))
        // a different (valid, unpadded) payload under the original signature
        let payload = try NotaryPayload(targetArtifact: .init(mediaType: Self.mockTarget.mediaType, digest: Self.mockTarget.digest, size: 529))
            .encoded()
        object["payload"] = Base64URL.encode(payload)
        let tampered = try JSONSerialization.data(withJSONObject: object)
        let error = try #require(throws: NotaryError.self) { try JWSEnvelope(verifying: tampered) }
        #expect(error == .invalidSignature("signature is invalid. Error: signature verification failed"))

        // a member that is not part of a flattened JWS
        var extra = try jsonObject(try Vectors.mock("ca_valid_sig_env.json"))
        extra["signatures"] = []
        #expect(throws: NotaryError.self) { try JWSEnvelope(verifying: try JSONSerialization.data(withJSONObject: extra)) }

        // not JSON at all
        #expect(throws: NotaryError.self) { try JWSEnvelope(verifying: Data("invalid signature\n".utf8)) }
    }

    static let mockTarget = NotaryPayload.TargetArtifact(
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        digest: "sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e", size: 528)
}
