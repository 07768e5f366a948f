import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SignetDomain
import SignetNotary
import SignetStorage
import Synchronization
import Testing

@testable import SignetServer

extension TestClientProtocol {
    /// Polls DescribeImageSigningStatus until no status is IN_PROGRESS (bounded: 10 s).
    func settledStatuses(_ repository: String, tag: String) async throws -> [[String: String]] {
        for _ in 0..<500 {
            let response = try await ecr("DescribeImageSigningStatus", #"{"repositoryName":"\#(repository)","imageId":{"imageTag":"\#(tag)"}}"#)
            let statuses = (response["signingStatuses"] as? [[String: String]]) ?? []
            if !statuses.contains(where: { $0["status"] == "IN_PROGRESS" }) { return statuses }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("signing did not settle within 10 s")
        return []
    }

    /// Pushes a fresh image through the registry and returns its manifest digest.
    @discardableResult
    func pushImage(_ repository: String, tag: String, auth: String, seed: String = UUID().uuidString) async throws -> String {
        let config = #"{"os":"linux","seed":"\#(seed)"}"#
        try await pushBlob(config, to: repository, auth: auth)
        let manifest = imageManifest(config: config, layers: [])
        let response = try await pushManifest(manifest, to: repository, reference: tag, auth: auth)
        #expect(response.status == .created)
        return sha256(manifest)
    }
}

@Suite("Managed signing")
struct ManagedSigningTests {
    static let profileArn = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/EcrSignerProfile"

    static func configure(_ client: some TestClientProtocol, rules: String? = nil) async throws -> String {
        try await client.putProfile("EcrSignerProfile")
        _ = try await client.ecr("CreateRepository", #"{"repositoryName":"team/app"}"#)
        _ = try await client.ecr("CreateRepository", #"{"repositoryName":"other/app"}"#)
        let rules = rules ?? #"[{"signingProfileArn":"\#(profileArn)","repositoryFilters":[{"filter":"team/*","filterType":"WILDCARD_MATCH"}]}]"#
        let put = try await client.ecr("PutSigningConfiguration", #"{"signingConfiguration":{"rules":\#(rules)}}"#)
        #expect(put.status == .ok, "\(put.text)")
        return try await client.registryAuth()
    }

    @Test(arguments: TestStore.allCases)
    func matchingPushesAreSignedAndStoredAsReferrers(store: TestStore) async throws {
        try await withServer(store) { client, server in
            let auth = try await Self.configure(client)
            let digest = try await client.pushImage("team/app", tag: "v1", auth: auth)
            _ = try await client.pushImage("other/app", tag: "v1", auth: auth)
            #expect(try await client.settledStatuses("team/app", tag: "v1") == [["signingProfileArn": Self.profileArn, "status": "COMPLETE"]])
            #expect(try await client.settledStatuses("other/app", tag: "v1").isEmpty)

            let referrers = try await client.ecr("ListImageReferrers", #"{"repositoryName":"team/app","subjectId":{"imageDigest":"\#(digest)"}}"#)
            let referrer = try #require((referrers["referrers"] as? [[String: Any]])?.first)
            #expect((referrers["referrers"] as? [Any])?.count == 1)
            #expect(referrer["artifactType"] as? String == "application/vnd.cncf.notary.signature")

            // the signature is a real Notary signature of the image as the registry serves it
            let signatureManifest = try await client.registry(.get, "/v2/team/app/manifests/\(referrer["digest"] as? String ?? "")", auth: auth)
            let object = try JSONSerialization.jsonObject(with: Data(String(buffer: signatureManifest.body).utf8)) as? [String: Any]
            let layer = try #require((object?["layers"] as? [[String: Any]])?.first)
            #expect(layer["mediaType"] as? String == "application/jose+json")
            let blob = try await client.registry(.get, "/v2/team/app/blobs/\(layer["digest"] as? String ?? "")", auth: auth)
            let envelope = try JWSEnvelope(verifying: Data(blob.body.readableBytesView))
            #expect(envelope.payload.targetArtifact.digest == digest)
            #expect(envelope.payload.targetArtifact.mediaType == "application/vnd.oci.image.manifest.v1+json")
            #expect(envelope.signingScheme == "notary.x509.signingAuthority")
            #expect(envelope.attribute("com.amazonaws.signer.signingProfileVersion") == "\(Self.profileArn)/SgnVer0001")
            let root = try await client.send(uri: "/_signet/ca.pem", method: .get)
            #expect(root.text.hasPrefix("-----BEGIN CERTIFICATE-----"))
            let rootDER = Data(base64Encoded: root.text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined())
            #expect(rootDER.map { Array($0) } == envelope.certificateChainDER.last)

            // the signature itself is not signed, and a re-tag signs nothing new
            let signatureTag = try await client.ecr("DescribeImages", #"{"repositoryName":"team/app"}"#)
            #expect((signatureTag["imageDetails"] as? [Any])?.count == 2)
            _ = try await client.pushManifest(
                String(buffer: (try await client.registry(.get, "/v2/team/app/manifests/v1", auth: auth)).body), to: "team/app", reference: "v2", auth: auth)
            #expect(try await client.settledStatuses("team/app", tag: "v2") == [["signingProfileArn": Self.profileArn, "status": "COMPLETE"]])
            let after = try await client.ecr("ListImageReferrers", #"{"repositoryName":"team/app","subjectId":{"imageDigest":"\#(digest)"}}"#)
            #expect((after["referrers"] as? [Any])?.count == 1)

            let metrics = try await client.send(uri: "/metrics", method: .get)
            #expect(metrics.text.contains(#"signet_signatures_total{registry="123456789012",region="us-east-1"} 1"#))
            #expect(metrics.text.contains(#"signet_signatures_cost_dollars{registry="123456789012",region="us-east-1"} 0.02"#))
            _ = server
        }
    }

    @Test func inProgressIsObservableWithASigningDelay() async throws {
        let server = try TestServer(.inMemory)
        var arguments = TestArguments()
        arguments.signingDelayMilliseconds = 400
        let app = try buildApplication(arguments, stores: server.stores, clock: ManualClock(), ids: SequentialIDGenerator())
        try await app.test(.router) { client in
            let auth = try await Self.configure(client)
            try await client.pushImage("team/app", tag: "v1", auth: auth)
            let immediate = try await client.ecr("DescribeImageSigningStatus", #"{"repositoryName":"team/app","imageId":{"imageTag":"v1"}}"#)
            #expect(immediate["signingStatuses"] as? [[String: String]] == [["signingProfileArn": Self.profileArn, "status": "IN_PROGRESS"]])
            #expect(try await client.settledStatuses("team/app", tag: "v1").first?["status"] == "COMPLETE")
        }
    }

    @Test(arguments: TestStore.allCases)
    func failuresCarryCodesAndReasons(store: TestStore) async throws {
        try await withServer(store) { client, server in
            let lambda = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/lambda_profile"
            let missing = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/missing"
            let otherRegion = "arn:aws:signer:eu-west-1:123456789012:/signing-profiles/EcrSignerProfile"
            let rules = [Self.profileArn, lambda, missing, otherRegion, Self.profileArn].map { #"{"signingProfileArn":"\#($0)"}"# }.joined(separator: ",")
            let auth = try await Self.configure(client, rules: "[\(rules)]")
            try await client.putProfile("lambda_profile", platform: "AWSLambda-SHA384-ECDSA")
            _ = try await client.signer(.delete, "/signing-profiles/EcrSignerProfile")
            try await client.pushImage("other/app", tag: "v1", auth: auth)
            let statuses = try await client.settledStatuses("other/app", tag: "v1")
            #expect(statuses.map { $0["signingProfileArn"] ?? "" } == [Self.profileArn, lambda, missing, otherRegion])
            #expect(statuses.map { $0["status"] ?? "" } == ["FAILED", "FAILED", "FAILED", "FAILED"])
            #expect(statuses.map { $0["failureCode"] ?? "" } == [
                "SIGNING_PROFILE_INACTIVE", "INVALID_SIGNING_PLATFORM", "SIGNING_PROFILE_NOT_FOUND", "CROSS_REGION_SIGNING_NOT_SUPPORTED",
            ])
            #expect(statuses[0]["failureReason"] == "Signing profile \(Self.profileArn) is Canceled and can no longer sign")
            _ = server
        }
    }

    @Test func crossAccountSigningNeedsASignPayloadGrant() async throws {
        try await withServer(.inMemory) { client, server in
            let foreign = "arn:aws:signer:us-east-1:210987654321:/signing-profiles/shared"
            let auth = try await Self.configure(client, rules: #"[{"signingProfileArn":"\#(foreign)"}]"#)
            let owner = CallerIdentity(account: AccountID(trusted: "210987654321"), region: Region("us-east-1"))
            let service = SignerService(store: server.stores.signer, clock: ManualClock(), ids: SequentialIDGenerator())
            _ = try await service.putSigningProfile(
                SigningProfileName("shared"),
                SigningProfileRequest(platformId: "Notation-OCI-SHA384-ECDSA", validity: nil, certificateArn: nil, overrides: nil, signingParameters: nil, tags: nil),
                caller: owner)
            try await client.pushImage("team/app", tag: "v1", auth: auth)
            let denied = try await client.settledStatuses("team/app", tag: "v1")
            #expect(denied.first?["failureCode"] == "ACCESS_DENIED")
            #expect(denied.first?["failureReason"]?.contains("is not authorized to perform: signer:SignPayload") == true)

            _ = try await service.addProfilePermission(
                SigningProfileName("shared"), ProfilePermission(statementId: "ecr", action: "signer:SignPayload", principal: "123456789012", profileVersion: nil),
                revisionId: nil, caller: owner)
            try await client.pushImage("team/app", tag: "v2", auth: auth)
            #expect(try await client.settledStatuses("team/app", tag: "v2").first?["status"] == "COMPLETE")
        }
    }

    /// Managed signing stores the envelope while the job is recorded: the closure gets the very envelope returned,
    /// the job is recorded, and a failure to store the envelope fails the call.
    @Test func signPayloadStoresTheEnvelopeAlongsideTheJob() async throws {
        struct FixedSigner: PayloadSigner {
            func sign(payload: Data, profile: SigningProfile, attributes: SignatureAttributes) async throws -> Data { Data("envelope".utf8) }
        }
        struct Refused: Error {}
        let store = InMemorySignerStore()
        let service = SignerService(store: store, clock: ManualClock(), ids: SequentialIDGenerator(), payloadSigner: FixedSigner())
        let caller = CallerIdentity(account: AccountID(trusted: "123456789012"), region: Region("us-east-1"))
        let profile = try await service.putSigningProfile(
            SigningProfileName("p1"),
            SigningProfileRequest(platformId: "Notation-OCI-SHA384-ECDSA", validity: nil, certificateArn: nil, overrides: nil, signingParameters: nil, tags: nil),
            caller: caller)
        let kept = Mutex<[Data]>([])
        let signed = try await service.signPayload(
            SignPayloadTests.payload, format: "application/vnd.cncf.notary.payload.v1+json", profile: profile, caller: caller,
            storingEnvelope: { envelope in kept.withLock { $0.append(envelope) } })
        #expect(kept.withLock { $0 } == [signed.envelope])
        #expect(store.signingJob(signed.job.jobId, owner: caller.account, region: caller.region) != nil)
        await #expect(throws: Refused.self) {
            _ = try await service.signPayload(
                SignPayloadTests.payload, format: "application/vnd.cncf.notary.payload.v1+json", profile: profile, caller: caller,
                storingEnvelope: { _ in throw Refused() })
        }
    }

    @Test func pendingWorkSurvivesARestart() async throws {
        let directory = TemporaryDirectory()
        do {
            let server = try TestServer(.sqlite, directory: directory)
            var arguments = TestArguments(dataDirectory: directory.path)
            arguments.signingDelayMilliseconds = 60_000
            let app = try buildApplication(arguments, stores: server.stores, clock: ManualClock(), ids: SequentialIDGenerator())
            try await app.test(.router) { client in
                let auth = try await Self.configure(client)
                try await client.pushImage("team/app", tag: "v1", auth: auth)
                let status = try await client.ecr("DescribeImageSigningStatus", #"{"repositoryName":"team/app","imageId":{"imageTag":"v1"}}"#)
                #expect((status["signingStatuses"] as? [[String: String]])?.first?["status"] == "IN_PROGRESS")
            }
        }
        let restarted = try TestServer(.sqlite, directory: directory)
        try await restarted.test { client in
            let statuses = try await client.settledStatuses("team/app", tag: "v1")
            #expect(statuses.first?["status"] == "COMPLETE")
        }
    }

    @Test func theRootCertificateIsStablePerDataDirectory() async throws {
        let directory = TemporaryDirectory()
        let first = try await TestServer(.sqlite, directory: directory).test { client in
            try await client.send(uri: "/_signet/ca.pem", method: .get).text
        }
        let second = try await TestServer(.sqlite, directory: directory).test { client in
            try await client.send(uri: "/_signet/ca.pem", method: .get).text
        }
        #expect(first == second && first.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let other = try await TestServer(.inMemory).test { client in try await client.send(uri: "/_signet/ca.pem", method: .get).text }
        #expect(other != first)
    }
}

@Suite("Signer SignPayload, jobs and revocation")
struct SignPayloadTests {
    static let payload = Data(#"{"targetArtifact":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:\#(String(repeating: "a", count: 64))","size":42}}"#.utf8)

    static func signBody(_ profile: String = "p1", payload: Data = payload, format: String = "application/vnd.cncf.notary.payload.v1+json", owner: String? = nil) -> String {
        let ownerMember = owner.map { #","profileOwner":"\#($0)""# } ?? ""
        return #"{"profileName":"\#(profile)","payload":"\#(payload.base64EncodedString())","payloadFormat":"\#(format)"\#(ownerMember)}"#
    }

    @Test(arguments: TestStore.allCases)
    func signPayloadReturnsACompleteEnvelope(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            try await client.putProfile("p1")
            let signed = try await client.signer(.post, "/signing-jobs/with-payload", Self.signBody())
            #expect(signed.status == .ok, "\(signed.text)")
            let jobId = try #require(signed["jobId"] as? String)
            #expect(signed["jobOwner"] as? String == "123456789012")
            #expect(
                signed["metadata"] as? [String: String] == [
                    "com.amazonaws.signer.signingProfileVersion": "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p1/SgnVer0001",
                    "com.amazonaws.signer.signingJob": "arn:aws:signer:us-east-1:123456789012:/signing-jobs/\(jobId)",
                ])
            let envelope = try JWSEnvelope(verifying: try #require(Data(base64Encoded: signed["signature"] as? String ?? "")))
            #expect(envelope.payloadBytes == Self.payload)
            #expect(envelope.algorithm == "ES384")
            #expect(envelope.attribute("com.amazonaws.signer.signingJob") == "arn:aws:signer:us-east-1:123456789012:/signing-jobs/\(jobId)")
            // 135 months after the (manual) signing time 2025-11-30T00:00:00Z
            #expect(envelope.expiry.map(RFC3339.string) == "2037-02-28T00:00:00Z")

            let job = try await client.signer(.get, "/signing-jobs/\(jobId)")
            #expect(job["status"] as? String == "Succeeded")
            #expect(job["profileName"] as? String == "p1")
            #expect(job["platformId"] as? String == "Notation-OCI-SHA384-ECDSA")
            #expect(job["jobInvoker"] as? String == "123456789012")
            #expect(job["requestedBy"] as? String == "arn:aws:iam::123456789012:root")
            let jobs = try await client.signer(.get, "/signing-jobs")
            #expect((jobs["jobs"] as? [[String: Any]])?.first?["jobId"] as? String == jobId)
            #expect((jobs["jobs"] as? [[String: Any]])?.first?["isRevoked"] as? Bool == false)

            let hashes = "certificateHashes=\(String(repeating: "ab", count: 96))"
            let query = "signatureTimestamp=2025-11-30T00:00:00Z&platformId=Notation-OCI-SHA384-ECDSA&profileVersionArn=arn:aws:signer:us-east-1:123456789012:/signing-profiles/p1/SgnVer0001&jobArn=arn:aws:signer:us-east-1:123456789012:/signing-jobs/\(jobId)&\(hashes)"
            let clean = try await client.signer(.get, "/revocations?\(query)")
            #expect(clean.text == #"{"revokedEntities":[]}"#)

            let revoke = try await client.signer(.put, "/signing-jobs/\(jobId)/revoke", #"{"reason":"bad build"}"#)
            #expect(revoke.status == .ok && revoke.text.isEmpty)
            let revokedJob = try await client.signer(.get, "/signing-jobs/\(jobId)")
            #expect((revokedJob["revocationRecord"] as? [String: Any])?["reason"] as? String == "bad build")
            #expect((try await client.signer(.get, "/signing-jobs?isRevoked=true")["jobs"] as? [Any])?.count == 1)
            #expect((try await client.signer(.get, "/signing-jobs?isRevoked=false")["jobs"] as? [Any])?.count == 0)
            let afterJob = try await client.signer(.get, "/revocations?\(query)")
            #expect(afterJob.text == #"{"revokedEntities":["arn:aws:signer:us-east-1:123456789012:/signing-jobs/\#(jobId)"]}"#)

            _ = try await client.signer(.put, "/signing-profiles/p1/revoke", #"{"profileVersion":"SgnVer0001","reason":"r","effectiveTime":1764400000}"#)
            let both = try await client.signer(.get, "/revocations?\(query)")
            #expect((both["revokedEntities"] as? [String])?.count == 2)
            let before = try await client.signer(.get, "/revocations?\(query.replacingOccurrences(of: "2025-11-30T00:00:00Z", with: "2025-11-29T00:00:00Z"))")
            #expect((before["revokedEntities"] as? [String]) == ["arn:aws:signer:us-east-1:123456789012:/signing-jobs/\(jobId)"])
        }
    }

    @Test(arguments: TestStore.allCases)
    func signPayloadRefusals(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            try await client.putProfile("p1")
            try await client.putProfile("lambda", platform: "AWSLambda-SHA384-ECDSA")
            try await client.putProfile("gone")
            _ = try await client.signer(.delete, "/signing-profiles/gone")
            let uri = "/signing-jobs/with-payload"
            try await client.expectSignerError(.post, uri, Self.signBody("missing"), status: .notFound, code: "ResourceNotFoundException")
            try await client.expectSignerError(.post, uri, Self.signBody(format: "application/json"), status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.post, uri, Self.signBody("lambda"), status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.post, uri, Self.signBody("gone"), status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.post, uri, Self.signBody(payload: Data("not json".utf8)), status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.post, uri, Self.signBody(payload: Data(repeating: 0x20, count: 4097)), status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.post, uri, Self.signBody(owner: "210987654321"), status: .notFound, code: "ResourceNotFoundException")
            try await client.expectSignerError(.post, uri, #"{"profileName":"p1","payload":"***","payloadFormat":"x"}"#, status: .badRequest, code: "SerializationException")
            try await client.expectSignerError(.get, "/signing-jobs/nope", status: .notFound, code: "ResourceNotFoundException")
            try await client.expectSignerError(.put, "/signing-jobs/nope/revoke", #"{"reason":"x"}"#, status: .notFound, code: "ResourceNotFoundException")
            try await client.expectSignerError(.get, "/revocations?platformId=Notation-OCI-SHA384-ECDSA", status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.get, "/signing-jobs?maxResults=99", status: .badRequest, code: "ValidationException")
            try await client.expectSignerError(.get, "/signing-jobs?status=Bogus", status: .badRequest, code: "ValidationException")
        }
    }

    @Test func revocationsAnswerWhateverTheHostHeader() async throws {
        try await withServer(.inMemory) { client, _ in
            let query = "signatureTimestamp=2025-11-30T00:00:00Z&platformId=Notation-OCI-SHA384-ECDSA&profileVersionArn=arn:aws:signer:us-east-1:123456789012:/signing-profiles/p1/SgnVer0001&jobArn=arn:aws:signer:us-east-1:123456789012:/signing-jobs/x1234567890abcdefghij&certificateHashes=ab"
            let response = try await client.send(uri: "/revocations?\(query)", method: .get, headers: [HTTPField.Name("Host")!: "data-localhost:5050"])
            #expect(response.status == .ok && response.text == #"{"revokedEntities":[]}"#)
        }
    }
}
