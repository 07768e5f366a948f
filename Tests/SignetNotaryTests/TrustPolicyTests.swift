import Foundation
import SignetDomain
import SwiftASN1
import Testing
import X509

@testable import SignetNotary

/// Trust-policy outcomes (notary-format §8–§10) for the notation-go mock envelopes, with `NotationTestRoot.pem` as the
/// trust anchor: in a `ca` store for the `ca_*` (notary.x509) vectors, in a `signingAuthority` store for the `sa_*` ones.
@Suite("Verifier on the notation-go mock envelopes", .enabled(if: Vectors.present, Vectors.absentComment))
struct MockVerificationTests {
    let root: Certificate
    let stores: [String: [Certificate]]

    init() throws {
        root = try Vectors.notationTestRoot()
        stores = ["ca:mock": [root], "signingAuthority:mock": [root]]
    }

    func verify(
        _ name: String, _ statement: TrustPolicy.Statement, descriptor: Descriptor = Vectors.mockDescriptor,
        stores: [String: [Certificate]]? = nil, revoked: @escaping @Sendable (JWSEnvelope) async throws -> [String] = { _ in [] }
    ) async throws -> SignetNotary.Verifier.Outcome {
        await verifier(stores ?? self.stores, revoked: revoked).verify(
            envelope: try Vectors.mock(name), mediaType: "application/jose+json", descriptor: descriptor, statement: statement)
    }

    func strict(_ stores: [String] = ["ca:mock", "signingAuthority:mock"], identities: [String] = ["*"]) throws -> TrustPolicy.Statement {
        try statement(stores: stores, identities: identities, name: "mock")
    }

    @Test(arguments: ["ca_valid_sig_env.json", "sa_valid_sig_env.json"])
    func strictValidIsVerified(_ name: String) async throws {
        let store = name.hasPrefix("ca_") ? "ca:mock" : "signingAuthority:mock"
        #expect(try await verify(name, try strict([store])) == .verified(warnings: []))
    }

    @Test(arguments: ["ca_expired_sig_env.json", "sa_expired_sig_env.json"])
    func expiredFailsStrictAndWarnsWhenPermissive(_ name: String) async throws {
        let failure = "digital signature has expired on \"Fri, 29 Jul 2022 23:59:00 +0000\""
        #expect(try await verify(name, try strict()) == .failed(failure))
        for level in ["permissive", "audit"] {
            let lenient = try statement(level: level, stores: ["ca:mock", "signingAuthority:mock"], identities: ["*"], name: "mock")
            #expect(try await verify(name, lenient) == .verified(warnings: ["Warning: expiry was set to \"log\" and failed with error: \(failure)"]))
        }
        // strict with expiry overridden to log
        let overridden = try statement(override: ["expiry": "log"], stores: ["ca:mock", "signingAuthority:mock"], identities: ["*"])
        #expect(try await verify(name, overridden) == .verified(warnings: ["Warning: expiry was set to \"log\" and failed with error: \(failure)"]))
        // permissive with expiry overridden to enforce
        let enforced = try statement(level: "permissive", override: ["expiry": "enforce"], stores: ["ca:mock", "signingAuthority:mock"], identities: ["*"])
        #expect(try await verify(name, enforced) == .failed(failure))
    }

    @Test(arguments: [
        ("ca_plugin_sig_env.json", "plugin-name"), ("sa_plugin_sig_env.json", "plugin-name"),
        ("ca_compatible_pluginver_sig_env_1.0.0.json", "io.cncf.notary.plugin.unittest.mock"),
        ("ca_incompatible_pluginver_sig_env_1.2.3.json", "io.cncf.notary.plugin.unittest.mock"),
    ])
    func pluginVectorsNeedTheirPlugin(_ name: String, _ plugin: String) async throws {
        let failure =
            "error while locating the verification plugin \"\(plugin)\", make sure the plugin is installed successfully before verifying the signature"
        #expect(try await verify(name, try strict()) == .failed(failure))
        // fatal whatever the level
        let audit = try statement(level: "audit", stores: ["ca:mock", "signingAuthority:mock"], identities: ["*"])
        #expect(try await verify(name, audit) == .failed(failure))
    }

    @Test func signingAuthoritySignatureIsNotCheckedAgainstCaStores() async throws {
        #expect(try await verify("sa_valid_sig_env.json", try strict(["ca:mock"])) == .failed("no trusted certificates are found to verify authenticity"))
        // and the reverse
        #expect(
            try await verify("ca_valid_sig_env.json", try strict(["signingAuthority:mock"]))
                == .failed("no trusted certificates are found to verify authenticity"))
        // an empty named store is the same failure
        #expect(
            try await verify("ca_valid_sig_env.json", try strict(["ca:other"]))
                == .failed("no trusted certificates are found to verify authenticity"))
    }

    /// A store the policy names that does not exist at all is said to be missing, as notation says it.
    @Test func aMissingNamedStoreIsNamed() async throws {
        let verifier = SignetNotary.Verifier(
            trustStore: trustStore(stores), storeExists: { type, name in "\(type):\(name)" != "ca:nosuch" }, revokedEntities: { _ in [] },
            now: Clock.now)
        let outcome = await verifier.verify(
            envelope: try Vectors.mock("ca_valid_sig_env.json"), mediaType: "application/jose+json", descriptor: Vectors.mockDescriptor,
            statement: try strict(["ca:nosuch", "ca:mock"]))
        #expect(
            outcome
                == .failed(
                    "the trust store \"nosuch\" of type \"ca\" does not exist. Use command 'notation cert add' to create and add trusted certificates to the trust store"))
    }

    @Test func anUnrelatedTrustAnchorIsNotTrusted() async throws {
        let other = try Vectors.certificate("notation/certs/e2e.crt")
        let outcome = try await verify("ca_valid_sig_env.json", try strict(["ca:mock"]), stores: ["ca:mock": [other]])
        #expect(outcome == .failed("the signature's certificate chain does not contain any trusted certificate"))
    }

    @Test func x509SubjectIdentities() async throws {
        // the leaf is `C=US, ST=WA, L=Seattle, O=Notary, CN=Notation Test Root`
        for identity in ["x509.subject: C=US, ST=WA, L=Seattle, O=Notary, CN=Notation Test Root", "x509.subject: C=US, ST=WA, O=Notary"] {
            #expect(try await verify("ca_valid_sig_env.json", try strict(identities: [identity])) == .verified(warnings: []))
        }
        let mismatch = try strict(identities: ["x509.subject: C=US, ST=WA, O=Someone Else", "x509.subject: C=US, S=OR, O=Notary, CN=x"])
        let failure =
            "signing certificate from the digital signature does not match the X.509 trusted identities "
            + "[map[\"C\":\"US\" \"O\":\"Someone Else\" \"ST\":\"WA\"] map[\"C\":\"US\" \"CN\":\"x\" \"O\":\"Notary\" \"ST\":\"OR\"]] "
            + "defined in the trust policy \"mock\""
        #expect(try await verify("ca_valid_sig_env.json", mismatch) == .failed(failure))
        #expect(try await verify("sa_valid_sig_env.json", mismatch) == .failed(failure))
        // values are case-sensitive
        #expect(try await verify("ca_valid_sig_env.json", try strict(identities: ["x509.subject: C=us, ST=WA, O=Notary"])) != .verified(warnings: []))
    }

    @Test func auditLevelOnlyWarnsAboutAuthenticity() async throws {
        let audit = try statement(level: "audit", stores: ["ca:mock"], identities: ["x509.subject: C=US, ST=WA, O=Someone Else"], name: "mock")
        let outcome = try await verify("ca_valid_sig_env.json", audit)
        #expect(
            outcome
                == .verified(warnings: [
                    "Warning: authenticity was set to \"log\" and failed with error: signing certificate from the digital signature does not match the X.509 trusted identities [map[\"C\":\"US\" \"O\":\"Someone Else\" \"ST\":\"WA\"]] defined in the trust policy \"mock\""
                ]))
        // permissive enforces authenticity
        let permissive = try statement(level: "permissive", stores: ["ca:mock"], identities: ["x509.subject: C=US, ST=WA, O=Someone Else"])
        guard case .failed(let reason) = try await verify("ca_valid_sig_env.json", permissive) else {
            Issue.record("permissive must enforce authenticity")
            return
        }
        #expect(reason.hasPrefix("signing certificate from the digital signature does not match the X.509 trusted identities"))
    }

    @Test func revocation() async throws {
        let revokedJob = "arn:aws:signer:us-east-1:111122223333:/signing-jobs/revoked"
        let revoked: @Sendable (JWSEnvelope) async throws -> [String] = { _ in [revokedJob] }
        let failure = "signature is revoked: Resource(s) \(revokedJob) have been revoked."
        #expect(try await verify("sa_valid_sig_env.json", try strict(), revoked: revoked) == .failed(failure))
        // revocation "skip" does not even ask
        let skip = try statement(override: ["revocation": "skip"], stores: ["signingAuthority:mock"], identities: ["*"])
        let unreachable: @Sendable (JWSEnvelope) async throws -> [String] = { _ in
            Issue.record("revocation must not be checked when skipped")
            return [revokedJob]
        }
        #expect(try await verify("sa_valid_sig_env.json", skip, revoked: unreachable) == .verified(warnings: []))
        // logged under permissive
        let permissive = try statement(level: "permissive", stores: ["signingAuthority:mock"], identities: ["*"])
        #expect(
            try await verify("sa_valid_sig_env.json", permissive, revoked: revoked)
                == .verified(warnings: ["Warning: revocation was set to \"log\" and failed with error: \(failure)"]))
        // an unanswerable revocation check fails under strict
        struct Unreachable: Error, CustomStringConvertible { var description: String { "connection refused" } }
        let failing: @Sendable (JWSEnvelope) async throws -> [String] = { _ in throw Unreachable() }
        #expect(
            try await verify("sa_valid_sig_env.json", try strict(), revoked: failing)
                == .failed("revocation status could not be determined: connection refused"))
        // the closure sees the envelope being verified
        let seen: @Sendable (JWSEnvelope) async throws -> [String] = { envelope in
            #expect(envelope.payload.targetArtifact.size == 528)
            return []
        }
        #expect(try await verify("sa_valid_sig_env.json", try strict(), revoked: seen) == .verified(warnings: []))
    }

    @Test func payloadMustDescribeTheResolvedArtifact() async throws {
        let base = Vectors.mockDescriptor
        let otherDigest = SignetDomain.Digest.sha256(of: Data("other".utf8))
        for descriptor in [
            Descriptor(mediaType: base.mediaType, digest: otherDigest, size: base.size),
            Descriptor(mediaType: base.mediaType, digest: base.digest, size: base.size + 1),
            Descriptor(mediaType: ImageManifest.MediaType.ociManifest, digest: base.digest, size: base.size),
        ] {
            #expect(try await verify("ca_valid_sig_env.json", try strict(), descriptor: descriptor) == .failed("content descriptor mismatch"))
        }
    }

    @Test func onlyJWSEnvelopesAreSupported() async throws {
        let outcome = await verifier(stores).verify(
            envelope: try Vectors.mock("ca_valid_sig_env.json"), mediaType: "application/cose", descriptor: Vectors.mockDescriptor,
            statement: try strict())
        #expect(
            outcome
                == .failed("unable to parse the digital signature, error : signature envelope format with media type \"application/cose\" is not supported"))
    }

    @Test(arguments: ["ca_invalid_sig_env.json", "sa_invalid_sig_env.json"])
    func integrityFailuresAreFatalAtEveryLevel(_ name: String) async throws {
        for level in ["strict", "permissive", "audit"] {
            let lenient = try statement(level: level, stores: ["ca:mock", "signingAuthority:mock"], identities: ["*"])
            guard case .failed(let reason) = try await verify(name, lenient) else {
                Issue.record("\(name) must fail integrity under \(level)")
                continue
            }
            #expect(reason.contains("illegal base64 data"))
        }
    }

    @Test func arnIdentitiesNeedTheSignerAttribute() async throws {
        // the mock vectors carry no com.amazonaws.signer.signingProfileVersion: an ARN identity cannot match
        let arn = try strict(identities: ["arn:aws:signer:us-east-1:111122223333:/signing-profiles/ecr_signing_profile"])
        #expect(try await verify("sa_valid_sig_env.json", arn) == .failed("Signature publisher doesn't match any trusted identities."))
    }
}

/// The notation e2e trust policies (`notation/trustpolicies/*.json`): which documents notation accepts, levels and
/// overrides, and statement selection by registry scope.
@Suite("Trust policy documents", .enabled(if: Vectors.present, Vectors.absentComment))
struct TrustPolicyDocumentTests {
    /// Rejected by notation (e2e expectations in notation's test/e2e/suite/trustpolicy), with a fragment of its message.
    static let invalid: [String: String] = [
        "missing_state_trusted_identity_trustpolicy.json": "C, ST or S, and O attributes are required",
        "multi_statements_with_the_same_registry_scope_trustpolicy.json":
            "registry scope \"localhost:5000/test-repo8\" is present in multiple trust policy statements",
        "overlapped_trusted_identity_trustpolicy.json": "trust policy statement \"e2e\" has overlapping x509 trustedIdentities",
        "wildcard_plus_other_trusted_identity_trustpolicy.json":
            "trust policy statement \"e2e\" uses a wildcard trusted identity '*', a wildcard identity cannot be used in conjunction with other values",
        "override_integrity_for_permissive_trustpolicy.json": "\"integrity\"",
    ]
    /// Accepted by notation. `invalid_trusted_identity` (`C=USB`) is a well-formed DN: notation accepts the policy and
    /// fails verification with an identity mismatch instead.
    static let valid = [
        "audit_trustpolicy.json", "invalid_trusted_identity_trustpolicy.json", "multiple_trusted_identity_trustpolicy.json",
        "override_audit_trustpolicy.json", "override_permissive_trustpolicy.json", "override_strict_trustpolicy.json",
        "permissive_trustpolicy.json", "registry_scope_trustpolicy.json", "skip_trustpolicy.json", "trustpolicy.json",
        "valid_trusted_identity_trustpolicy.json",
    ]

    @Test func everyPolicyFileIsClassified() throws {
        #expect(Set(try Vectors.policyNames()) == Set(Self.valid).union(Self.invalid.keys))
    }

    @Test(arguments: valid)
    func validPoliciesParse(_ name: String) throws {
        let policy = try Vectors.policy(name)
        #expect(policy.statements.count == 1)
        #expect(policy.statements[0].name == "e2e")
    }

    @Test(arguments: invalid.keys.sorted())
    func invalidPoliciesAreRejected(_ name: String) throws {
        let error = try #require(throws: TrustPolicy.Invalid.self) { try Vectors.policy(name) }
        let fragment = try #require(Self.invalid[name])
        #expect(error.description.contains(fragment), "\(error.description)")
    }

    @Test func levelsAndOverrides() throws {
        typealias Check = TrustPolicy.Check
        func actions(_ name: String) throws -> [Check: TrustPolicy.Action] {
            let statement = try wildcardStatement(try Vectors.policy(name))
            return Dictionary(uniqueKeysWithValues: Check.allCases.map { ($0, statement.action(for: $0)) })
        }
        #expect(try actions("trustpolicy.json") == [.integrity: .enforce, .authenticity: .enforce, .authenticTimestamp: .enforce, .expiry: .enforce, .revocation: .enforce])
        #expect(try actions("permissive_trustpolicy.json") == [.integrity: .enforce, .authenticity: .enforce, .authenticTimestamp: .log, .expiry: .log, .revocation: .log])
        #expect(try actions("audit_trustpolicy.json") == [.integrity: .enforce, .authenticity: .log, .authenticTimestamp: .log, .expiry: .log, .revocation: .log])
        #expect(try actions("skip_trustpolicy.json") == [.integrity: .enforce, .authenticity: .skip, .authenticTimestamp: .skip, .expiry: .skip, .revocation: .skip])
        #expect(try actions("override_strict_trustpolicy.json") == [.integrity: .enforce, .authenticity: .log, .authenticTimestamp: .log, .expiry: .log, .revocation: .log])
        #expect(try actions("override_permissive_trustpolicy.json") == [.integrity: .enforce, .authenticity: .log, .authenticTimestamp: .enforce, .expiry: .enforce, .revocation: .enforce])
        #expect(try actions("override_audit_trustpolicy.json") == [.integrity: .enforce, .authenticity: .enforce, .authenticTimestamp: .enforce, .expiry: .enforce, .revocation: .enforce])
        let skip = try wildcardStatement(try Vectors.policy("skip_trustpolicy.json"))
        #expect(skip.level == .skip)
        #expect(skip.trustStores.isEmpty)
        #expect(skip.trustedIdentities.isEmpty)
    }

    @Test func storesAndIdentitiesAreKept() throws {
        let statement = try wildcardStatement(try Vectors.policy("multiple_trusted_identity_trustpolicy.json"))
        #expect(statement.trustStores.map { "\($0.type):\($0.name)" } == ["ca:e2e"])
        #expect(
            statement.trustedIdentities == [
                "x509.subject: CN=e2e,O=Notary,L=Seattle,ST=WA,C=US", "x509.subject: O=Internet Widgits Pty Ltd,ST=Some-State,C=AU",
            ])
    }

    @Test func statementSelectionByRegistryScope() throws {
        let scoped = try Vectors.policy("registry_scope_trustpolicy.json")
        #expect(scoped.statement(for: "localhost:5000/test-repo")?.name == "e2e")
        #expect(scoped.statement(for: "localhost:5000/test-repo2") == nil)
        #expect(scoped.statement(for: "localhost:5001/test-repo") == nil)
        #expect(scoped.statement(for: "localhost:5000/test") == nil)

        let wildcard = try Vectors.policy("trustpolicy.json")
        #expect(wildcard.statement(for: "localhost:5000/test-repo")?.name == "e2e")
        #expect(wildcard.statement(for: "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app")?.name == "e2e")

        // an exact scope wins over `*`, whatever the statement order
        let both = try TrustPolicy(
            json: Data(
                """
                {"version": "1.0", "trustPolicies": [
                  {"name": "everything", "registryScopes": ["*"], "signatureVerification": {"level": "audit"},
                   "trustStores": ["ca:e2e"], "trustedIdentities": ["*"]},
                  {"name": "exact", "registryScopes": ["localhost:5000/test-repo", "localhost:5000/other"],
                   "signatureVerification": {"level": "strict"}, "trustStores": ["ca:e2e"], "trustedIdentities": ["*"]}]}
                """.utf8))
        #expect(both.statement(for: "localhost:5000/test-repo")?.name == "exact")
        #expect(both.statement(for: "localhost:5000/other")?.name == "exact")
        #expect(both.statement(for: "localhost:5000/test-repo/sub")?.name == "everything")
    }

    @Test(arguments: [
        // version, statements, names
        #"{"version": "2.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "strict"}, "trustStores": ["ca:a"], "trustedIdentities": ["*"]}]}"#,
        #"{"version": "1.0", "trustPolicies": []}"#,
        #"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "strict"}, "trustStores": ["ca:a"], "trustedIdentities": ["*"]}, {"name": "a", "registryScopes": ["x.io/b"], "signatureVerification": {"level": "strict"}, "trustStores": ["ca:a"], "trustedIdentities": ["*"]}]}"#,
        // scopes
        #"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": [], "signatureVerification": {"level": "strict"}, "trustStores": ["ca:a"], "trustedIdentities": ["*"]}]}"#,
        #"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*", "x.io/b"], "signatureVerification": {"level": "strict"}, "trustStores": ["ca:a"], "trustedIdentities": ["*"]}]}"#,
        #"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "strict"}, "trustStores": ["ca:a"], "trustedIdentities": ["*"]}, {"name": "b", "registryScopes": ["*"], "signatureVerification": {"level": "strict"}, "trustStores": ["ca:a"], "trustedIdentities": ["*"]}]}"#,
        // levels and overrides
        #"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "lenient"}, "trustStores": ["ca:a"], "trustedIdentities": ["*"]}]}"#,
        #"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "strict", "override": {"expiry": "skip"}}, "trustStores": ["ca:a"], "trustedIdentities": ["*"]}]}"#,
        #"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "skip", "override": {"revocation": "log"}}}]}"#,
        #"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "skip"}, "trustStores": ["ca:a"], "trustedIdentities": ["*"]}]}"#,
        // stores and identities
        #"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "strict"}, "trustStores": ["ca:a"]}]}"#,
        #"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "strict"}, "trustStores": ["x509:a"], "trustedIdentities": ["*"]}]}"#,
        #"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "strict"}, "trustStores": ["ca:a/b"], "trustedIdentities": ["*"]}]}"#,
        #"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "strict"}, "trustStores": ["ca:a"], "trustedIdentities": ["x509.subject C=US, ST=WA, O=x"]}]}"#,
    ])
    func malformedDocumentsAreRejected(_ json: String) {
        #expect(throws: TrustPolicy.Invalid.self) { try TrustPolicy(json: Data(json.utf8)) }
    }

    @Test func revocationMayBeSkippedAndArnIdentitiesAreAccepted() throws {
        let policy = try TrustPolicy(
            json: Data(
                #"{"version": "1.0", "trustPolicies": [{"name": "aws-signer-tp", "registryScopes": ["*"], "signatureVerification": {"level": "strict", "override": {"revocation": "skip"}}, "trustStores": ["signingAuthority:aws-signer-ts"], "trustedIdentities": ["arn:aws:signer:us-east-1:111122223333:/signing-profiles/ecr_signing_profile"]}]}"#
                    .utf8))
        let statement = try wildcardStatement(policy)
        #expect(statement.action(for: .revocation) == .skip)
        #expect(statement.action(for: .expiry) == .enforce)
    }
}
