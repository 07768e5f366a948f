import HTTPTypes
import Foundation
import HummingbirdTesting
import SignetDomain
import SignetStorage
import Testing

@testable import SignetServer

@Suite("Persistence")
struct PersistenceTests {
    @Test func restartedFileBackedServerFindsEverythingUnchanged() async throws {
        let directory = TemporaryDirectory()
        let manifest: String
        let snapshots: [String]
        let reads: [(String, String)] = [
            ("DescribeRepositories", "{}"),
            ("ListImages", #"{"repositoryName":"team/app"}"#),
            ("DescribeImages", #"{"repositoryName":"team/app"}"#),
            ("GetSigningConfiguration", "{}"),
            ("ListTagsForResource", #"{"resourceArn":"arn:aws:ecr:us-east-1:123456789012:repository/team/app"}"#),
        ]
        do {
            let server = try TestServer(.sqlite, directory: directory)
            manifest = try await ImageTests.prepare(TestClientPlaceholder.self, server)
            snapshots = try await server.test { client in
                _ = try await client.ecr("CreateRepository", #"{"repositoryName":"team/app","tags":[{"Key":"k","Value":"v"}],"imageTagMutability":"IMMUTABLE"}"#)
                _ = try await client.ecr("CreateRepository", #"{"repositoryName":"other"}"#)
                #expect(try await ImageTests.put(client, manifest, tag: "v1").status == .ok)
                #expect(try await ImageTests.put(client, manifest, tag: "v2").status == .ok)
                _ = try await client.ecr("PutSigningConfiguration", SigningConfigurationTests.oneRule)
                var texts: [String] = []
                for (operation, body) in reads { texts.append(try await client.ecr(operation, body).text) }
                return texts
            }
        }
        let restarted = try TestServer(.sqlite, directory: directory)
        try await restarted.test { client in
            for (index, (operation, body)) in reads.enumerated() {
                #expect(try await client.ecr(operation, body).text == snapshots[index], "\(operation)")
            }
            let image = try await client.ecr("BatchGetImage", #"{"repositoryName":"team/app","imageIds":[{"imageTag":"v1"}]}"#)
            #expect(((image["images"] as? [[String: Any]])?.first?["imageManifest"]) as? String == manifest)
        }
    }

    @Test func aDataDirectoryServesOneProcessAtATime() throws {
        let directory = TemporaryDirectory()
        let first = try DataDirectory(path: directory.path)
        #expect(throws: DataDirectory.OpenError.self) { try DataDirectory(path: directory.path) }
        _ = first
    }
}

/// `ImageTests.prepare` before a server runs: creates nothing over HTTP, only the blobs.
enum TestClientPlaceholder {}

extension ImageTests {
    static func prepare(_: TestClientPlaceholder.Type, _ server: TestServer) async throws -> String {
        let config = #"{"architecture":"amd64","os":"linux","layer":"layer-1"}"#
        try await server.blob(config)
        try await server.blob("layer-1")
        return imageManifest(config: config, layers: ["layer-1"])
    }
}
