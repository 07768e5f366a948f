import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import SignetServer

@Suite("AWS JSON 1.1 protocol")
struct ProtocolTests {
    @Test func ecrPathFormIsTheSameOperation() async throws {
        try await withServer(.inMemory) { client, _ in
            let viaPath = try await client.send(uri: "/ecr/CreateRepository", method: .post, body: #"{"repositoryName":"ab"}"#)
            #expect(viaPath.status == .ok)
            #expect(viaPath.headers[.contentType] == "application/x-amz-json-1.1")
            let again = try await client.send(uri: "/ecr/CreateRepository", method: .post, body: #"{"repositoryName":"ab"}"#)
            #expect(again.errorType == "RepositoryAlreadyExistsException")
            let viaTarget = try await client.ecr("DescribeRepositories")
            #expect((viaTarget["repositories"] as? [Any])?.count == 1)
        }
    }

    @Test func unknownAndMissingTargetsAreUnknownOperation() async throws {
        try await withServer(.inMemory) { client, _ in
            try await client.expectError("NoSuchOperation", "{}", code: "UnknownOperationException")
            let missing = try await client.send(uri: "/", method: .post, body: "{}")
            #expect(missing.status == .badRequest && missing.errorType == "UnknownOperationException")
            let foreign = try await client.send(uri: "/", method: .post, headers: [.amzTarget: "AWSSomethingElse.CreateRepository"], body: "{}")
            #expect(foreign.errorType == "UnknownOperationException")
            let viaPath = try await client.send(uri: "/ecr/NoSuchOperation", method: .post, body: "{}")
            #expect(viaPath.errorType == "UnknownOperationException")
        }
    }

    @Test(arguments: [
        ("{bad", "SerializationException"), ("[1,2]", "SerializationException"), ("\"text\"", "SerializationException"),
        (#"{"repositoryName":42}"#, "SerializationException"), (#"{"repositoryName":null}"#, "ValidationException"),
        (#"{"repositoryName":"ab","force":"yes"}"#, "SerializationException"),
    ])
    func malformedBodiesAreTyped400s(body: String, code: String) async throws {
        try await withServer(.inMemory) { client, _ in
            try await client.expectError("DeleteRepository", body, code: code)
        }
    }

    @Test func emptyBodyIsAnEmptyObject() async throws {
        try await withServer(.inMemory) { client, _ in
            let response = try await client.ecr("DescribeRepositories", "")
            #expect(response.status == .ok)
        }
    }

    @Test func oversizedBodiesAreRefusedWith413() async throws {
        try await withServer(.inMemory) { client, _ in
            let big = String(repeating: "a", count: 33 * 1024 * 1024)
            let response = try await client.ecr("CreateRepository", #"{"repositoryName":"\#(big)"}"#)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorType == "RequestEntityTooLargeException")
        }
    }

    /// Request ids: UUID version 4 text, never repeated within a process.
    @Test func requestIdsAreUniqueVersion4UUIDs() {
        var seen = Set<String>()
        for _ in 0..<20_000 {
            let id = RequestID.make()
            #expect(id.count == 36)
            seen.insert(id)
        }
        #expect(seen.count == 20_000)
        let sample = RequestID.make()
        let parts = sample.split(separator: "-").map(\.count)
        #expect(parts == [8, 4, 4, 4, 12])
        #expect(sample == sample.lowercased())
        #expect(Array(sample)[14] == "4")
        #expect("89ab".contains(Array(sample)[19]))
        #expect(UUID(uuidString: sample) != nil)
    }

    @Test func everyResponseCarriesARequestId() async throws {
        try await withServer(.inMemory) { client, _ in
            let ok = try await client.ecr("DescribeRegistry")
            let error = try await client.ecr("Nope")
            let notFound = try await client.send(uri: "/nowhere", method: .get)
            let health = try await client.send(uri: "/_signet/health", method: .get)
            for response in [ok, error, notFound, health] {
                let id = response.headers[.amznRequestId] ?? ""
                #expect(UUID(uuidString: id) != nil)
                // lowercase, version 4, RFC 4122 variant — the form AWS sends
                #expect(id == id.lowercased() && Array(id)[14] == "4" && "89ab".contains(Array(id)[19]), "\(id)")
            }
            #expect(ok.headers[.amznRequestId] != error.headers[.amznRequestId])
            #expect(notFound.status == .notFound && notFound.errorType == "UnknownOperationException")
        }
    }

    @Test(arguments: TestStore.allCases)
    func healthReportsVersionAndStore(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            let health = try await client.send(uri: "/_signet/health", method: .get)
            #expect(health.status == .ok)
            #expect(health["status"] as? String == "ok")
            #expect(health["version"] as? String == "0.1.0")
            #expect(health["store"] as? String == (store == .inMemory ? "in-memory" : "sqlite"))
        }
    }

    @Test(arguments: TestStore.allCases)
    func stateIsKeptPerRegionOfTheCredentialScope(store: TestStore) async throws {
        try await withServer(store) { client, _ in
            _ = try await client.ecr("CreateRepository", #"{"repositoryName":"ab"}"#, region: "ap-northeast-1")
            _ = try await client.ecr("PutSigningConfiguration", #"{"signingConfiguration":{"rules":[]}}"#, region: "ap-northeast-1")
            let tokyo = try await client.ecr("DescribeRepositories", region: "ap-northeast-1")
            let repository = try #require((tokyo["repositories"] as? [[String: Any]])?.first)
            #expect(repository["repositoryArn"] as? String == "arn:aws:ecr:ap-northeast-1:123456789012:repository/ab")
            // another region's registry is addressed by its registry host name
            #expect((repository["repositoryUri"] as? String)?.hasPrefix("123456789012.dkr.ecr.ap-northeast-1.localhost:") == true)
            #expect((repository["repositoryUri"] as? String)?.hasSuffix("/ab") == true)
            let virginia = try await client.ecr("DescribeRepositories")
            #expect((virginia["repositories"] as? [Any])?.isEmpty == true)
            try await client.expectError("GetSigningConfiguration", "{}", code: "SigningConfigurationNotFoundException")
            #expect(try await client.ecr("GetSigningConfiguration", region: "ap-northeast-1").status == .ok)
        }
    }
}

/// The `Date` header of fast-path responses is written by hand; it must read as Foundation's RFC 1123 formatter writes it.
@Suite("HTTP Date header")
struct HTTPDateTests {
    @Test func matchesFoundationsIMFFixdate() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        var instants: [Int64] = [0, 86399, 86400, 951_782_400, 1_764_460_800, 4_107_542_400]
        for _ in 0..<300 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            instants.append(Int64(state >> 33) % 4_000_000_000)
        }
        for instant in instants {
            #expect(HTTPDate.format(instant) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(instant))), "\(instant)")
        }
    }
}

@Suite("Fast path selection")
struct FastPathSelectionTests {
    static func head(_ method: HTTPRequest.Method, _ path: String, expect: Bool = false) -> HTTPRequest {
        var request = HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path)
        if expect { request.headerFields[.expect] = "100-continue" }
        return request
    }

    /// Small answers already in memory take the fast path; anything that streams (blobs, uploads, layer downloads)
    /// or that Hummingbird must shape (HEAD, Expect) does not. Repository names are parsed from the end, as the
    /// router parses them, so `a/manifests/b` is a repository, not a manifest.
    @Test func onlySmallInMemoryAnswersTakeTheFastPath() {
        let digest = "sha256:" + String(repeating: "a", count: 64)
        for (method, path) in [
            (HTTPRequest.Method.post, "/"), (.post, "/ecr/DescribeRepositories"), (.get, "/signing-profiles"), (.get, "/_signet/health"),
            (.get, "/v2/"), (.get, "/v2/team/app/manifests/v1"), (.get, "/v2/team/app/tags/list?n=2"), (.get, "/v2/team/app/referrers/\(digest)"),
            (.get, "/v2/_catalog"), (.get, "/v2/a/blobs/b/manifests/v1"),
        ] {
            #expect(ControlPlaneFastPath.isControlPlane(Self.head(method, path)), "\(method) \(path)")
        }
        for (method, path) in [
            (HTTPRequest.Method.get, "/v2/team/app/blobs/\(digest)"), (.get, "/v2/a/manifests/b/blobs/\(digest)"), (.head, "/v2/team/app/manifests/v1"),
            (.put, "/v2/team/app/manifests/v1"), (.post, "/v2/team/app/blobs/uploads/"), (.patch, "/v2/team/app/blobs/uploads/x"),
            (.get, "/v2/team/app/blobs/uploads/x"), (.get, "/_signet/layers/\(digest)"), (.get, "/v2"), (.get, "/v2/nothing"),
        ] {
            #expect(!ControlPlaneFastPath.isControlPlane(Self.head(method, path)), "\(method) \(path)")
        }
        #expect(!ControlPlaneFastPath.isControlPlane(Self.head(.post, "/", expect: true)))
    }
}
