import Foundation
import HTTPTypes
import HummingbirdTesting
import SignetDomain
import SignetStorage
import Testing

/// Signer requests a real client can send that the SDKs do not check: each gets the answer AWS gives, and listings
/// page through every item exactly once.
@Suite("Signer parameter checks")
struct SignerParameterChecksTests {
    /// Jobs made in the same instant (the manual clock never moves) page through in order, each once, at any page size,
    /// and the last page has no token (a client following tokens must stop).
    @Test(arguments: TestStore.allCases)
    func signingJobsOfOneInstantPageThroughOnce(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            try await client.putProfile("p1")
            var made: [String] = []
            for _ in 0..<5 {
                let signed = try await client.signer(.post, "/signing-jobs/with-payload", SignPayloadTests.signBody())
                made.append(try #require(signed["jobId"] as? String))
            }
            let all = try #require(try await client.signer(.get, "/signing-jobs")["jobs"] as? [[String: Any]]).compactMap { $0["jobId"] as? String }
            #expect(Set(all) == Set(made) && all.count == 5)
            for size in 1...3 {
                var seen: [String] = []
                var token: String?
                var pages = 0
                repeat {
                    let query = "maxResults=\(size)" + (token.map { "&nextToken=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" } ?? "")
                    let page = try await client.signer(.get, "/signing-jobs?\(query)")
                    seen += (page["jobs"] as? [[String: Any]] ?? []).compactMap { $0["jobId"] as? String }
                    token = page["nextToken"] as? String
                    pages += 1
                } while token != nil && pages < 10
                #expect(seen == all, "page size \(size)")
            }
        }
    }

    @Test func listingChecks() async throws {
        try await withServer(.inMemory) { client, _ in
            try await client.putProfile("p1")
            try await client.putProfile("p2")
            try await client.expectSignerError(
                .get, "/signing-jobs?jobInvoker=123", status: .badRequest, code: "ValidationException",
                message: "1 validation error detected: Value '123' at 'jobInvoker' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9]{12}$")
            // a token of another listing is not a token of this one
            let token = try #require(try await client.signer(.get, "/signing-profiles?maxResults=1")["nextToken"] as? String)
            let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
            for other in ["/signing-jobs", "/signing-platforms"] {
                try await client.expectSignerError(.get, "\(other)?nextToken=\(encoded)", status: .badRequest, code: "ValidationException", message: "Invalid nextToken")
            }
            let next = try await client.signer(.get, "/signing-profiles?maxResults=1&nextToken=\(encoded)")
            #expect((next["profiles"] as? [[String: Any]])?.first?["profileName"] as? String == "p2", "\(next.text)")
            // ListProfilePermissions answers in one page: it never issued a token
            try await client.expectSignerError(
                .get, "/signing-profiles/p1/permissions?nextToken=xyz", status: .badRequest, code: "ValidationException", message: "Invalid nextToken")
            // timestamps are whole ISO-8601 values
            try await client.expectSignerError(
                .get, "/signing-jobs?signatureExpiresBefore=2030-01-01T00:00:00Zjunk", status: .badRequest, code: "ValidationException")
            let fine = try await client.signer(.get, "/signing-jobs?signatureExpiresBefore=2030-01-01T00:00:00.5%2B02:00")
            #expect(fine.status == .ok, "\(fine.text)")
        }
    }

    @Test func tagChecks() async throws {
        try await withServer(.inMemory) { client, _ in
            try await client.putProfile("p1")
            let arn = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p1".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let many = "{" + (0..<201).map { #""k\#($0)":"v""# }.joined(separator: ",") + "}"
            try await client.expectSignerError(
                .post, "/tags/\(arn)", #"{"tags":\#(many)}"#, status: .badRequest, code: "BadRequestException", message: "A resource can have at most 200 tags")
            // TagResource has no ValidationException in its model: a missing member is a bad request too
            try await client.expectSignerError(
                .post, "/tags/\(arn)", "{}", status: .badRequest, code: "BadRequestException",
                message: "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
            // PutSigningProfile's tags, when given, hold at least one (the model's TagMap)
            try await client.expectSignerError(
                .put, "/signing-profiles/p3", #"{"platformId":"Notation-OCI-SHA384-ECDSA","tags":{}}"#, status: .badRequest, code: "ValidationException")
        }
    }

    @Test func startSigningJobChecksItsRequestFirst() async throws {
        try await withServer(.inMemory) { client, _ in
            let source = #""source":{"s3":{"bucketName":"b","key":"k","version":"1"}},"destination":{"s3":{"bucketName":"b"}}"#
            try await client.expectSignerError(
                .post, "/signing-jobs", #"{"profileName":"p1","clientRequestToken":"t"}"#, status: .badRequest, code: "ValidationException",
                message: "1 validation error detected: Value null at 'source' failed to satisfy constraint: Member must not be null")
            try await client.expectSignerError(
                .post, "/signing-jobs", #"{\#(source),"profileName":"nope","clientRequestToken":"t"}"#, status: .notFound, code: "ResourceNotFoundException",
                message: "Signing profile with name nope does not exist")
        }
    }

    /// GetRevocationStatus answers for Signet's one partition; an ARN of another is ValidationException.
    @Test func revocationStatusIsForThisPartition() async throws {
        try await withServer(.inMemory) { client, _ in
            let hashes = "certificateHashes=\(String(repeating: "ab", count: 96))"
            let job = "arn:aws:signer:us-east-1:123456789012:/signing-jobs/00000000-0000-4000-8000-000000000001"
            let query = "signatureTimestamp=2025-11-30T00:00:00Z&platformId=Notation-OCI-SHA384-ECDSA&jobArn=\(job)&\(hashes)"
            let foreign = "arn:aws-cn:signer:cn-north-1:123456789012:/signing-profiles/p1/SgnVer0001"
            try await client.expectSignerError(
                .get, "/revocations?\(query)&profileVersionArn=\(foreign)", status: .badRequest, code: "ValidationException",
                message: "Cross-partition signatures are not supported: profileVersionArn \(foreign) is in partition aws-cn, not aws")
            let fine = try await client.signer(.get, "/revocations?\(query)&profileVersionArn=arn:aws:signer:us-east-1:123456789012:/signing-profiles/p1/SgnVer0001")
            #expect(fine.text == #"{"revokedEntities":[]}"#)
        }
    }

    /// A statement that names a profile version grants that version only.
    @Test func versionScopedPermissionsGrantTheirVersion() async throws {
        let service = SignerService(store: InMemorySignerStore(), clock: ManualClock(), ids: SequentialIDGenerator())
        let owner = CallerIdentity(account: AccountID(trusted: "123456789012"), region: Region("us-east-1"))
        let other = CallerIdentity(account: AccountID(trusted: "210987654321"), region: Region("us-east-1"))
        let name = try SigningProfileName("shared")
        let profile = try await service.putSigningProfile(
            name, SigningProfileRequest(platformId: "Notation-OCI-SHA384-ECDSA", validity: nil, certificateArn: nil, overrides: nil, signingParameters: nil, tags: nil),
            caller: owner)
        _ = try await service.addProfilePermission(
            name, ProfilePermission(statementId: "old", action: "signer:GetSigningProfile", principal: "210987654321", profileVersion: "AAAAAAAAAA"),
            revisionId: nil, caller: owner)
        await #expect(throws: SignerError.self) { _ = try await service.signingProfile(name, owner: "123456789012", caller: other) }
        let policy = try await service.listProfilePermissions(name, caller: owner)
        _ = try await service.addProfilePermission(
            name, ProfilePermission(statementId: "current", action: "signer:GetSigningProfile", principal: "210987654321", profileVersion: profile.profileVersion),
            revisionId: policy.revisionId, caller: owner)
        #expect(try await service.signingProfile(name, owner: "123456789012", caller: other).arn == profile.arn)
    }
}
