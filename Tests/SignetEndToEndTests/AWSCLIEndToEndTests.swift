import Foundation
import Testing

/// The real binary, driven by the real aws CLI (credentials test/test, region ap-northeast-1).
@Suite("aws CLI against signet serve", .serialized)
struct AWSCLIEndToEndTests {
    static let region = "ap-northeast-1"
    static let arn = "arn:aws:signer:ap-northeast-1:123456789012:/signing-profiles/EcrSignerProfile"

    func aws(_ server: SignetProcess, _ arguments: [String]) throws -> CommandResult {
        try run(
            "aws", ["--endpoint-url", server.baseURL, "--output", "json"] + arguments,
            environment: ["AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": Self.region])
    }

    @Test func repositoriesAndSigningConfigurationLifecycle() throws {
        try #require(isInstalled("aws"), "the aws CLI is required (scripts/test installs it with pip)")
        let server = try SignetProcess()
        try server.start()
        defer { server.stop() }

        for name in ["team/app", "other/svc"] {
            let created = try aws(server, ["ecr", "create-repository", "--repository-name", name])
            #expect(created.status == 0, "\(created.stderr)")
            let repository = created.json["repository"] as? [String: Any]
            #expect(repository?["repositoryArn"] as? String == "arn:aws:ecr:ap-northeast-1:123456789012:repository/\(name)")
        }

        // a one-rule configuration from a file comes back identical
        let configuration = #"{"rules":[{"signingProfileArn":"\#(Self.arn)","repositoryFilters":[{"filter":"team/*","filterType":"WILDCARD_MATCH"}]}]}"#
        let file = server.dataDirectory.appendingPathComponent("signing.json")
        try Data(configuration.utf8).write(to: file)
        let put = try aws(server, ["ecr", "put-signing-configuration", "--signing-configuration", "file://\(file.path)"])
        #expect(put.status == 0, "\(put.stderr)")
        let expected = try JSONSerialization.jsonObject(with: Data(configuration.utf8)) as? NSDictionary
        #expect(put.json["signingConfiguration"] as? NSDictionary == expected)
        let got = try aws(server, ["ecr", "get-signing-configuration"])
        #expect(got.status == 0, "\(got.stderr)")
        #expect(got.json["signingConfiguration"] as? NSDictionary == expected)
        #expect(got.json["registryId"] as? String == "123456789012")

        // eleven rules are refused and the stored configuration stays
        let rule = #"{"signingProfileArn":"\#(Self.arn)"}"#
        let eleven = #"{"rules":[\#(Array(repeating: rule, count: 11).joined(separator: ","))]}"#
        let refused = try aws(server, ["ecr", "put-signing-configuration", "--signing-configuration", eleven])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("(ValidationException)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("signingConfiguration.rules"), "\(refused.stderr)")
        let still = try aws(server, ["ecr", "get-signing-configuration"])
        #expect(still.json["signingConfiguration"] as? NSDictionary == expected)

        // --max-items pagination
        let firstPage = try aws(server, ["ecr", "describe-repositories", "--max-items", "1"])
        #expect(firstPage.status == 0, "\(firstPage.stderr)")
        let firstNames = (firstPage.json["repositories"] as? [[String: Any]])?.compactMap { $0["repositoryName"] as? String }
        #expect(firstNames == ["other/svc"])
        let token = try #require(firstPage.json["NextToken"] as? String)
        let secondPage = try aws(server, ["ecr", "describe-repositories", "--max-items", "1", "--starting-token", token])
        let secondNames = (secondPage.json["repositories"] as? [[String: Any]])?.compactMap { $0["repositoryName"] as? String }
        #expect(secondNames == ["team/app"])
        #expect(secondPage.json["NextToken"] == nil)
        let paged = try aws(server, ["ecr", "describe-repositories", "--page-size", "1"])
        #expect((paged.json["repositories"] as? [Any])?.count == 2)

        // delete, then Get is SigningConfigurationNotFoundException
        let deleted = try aws(server, ["ecr", "delete-signing-configuration"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.json["signingConfiguration"] as? NSDictionary == expected)
        let missing = try aws(server, ["ecr", "get-signing-configuration"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("(SigningConfigurationNotFoundException)"), "\(missing.stderr)")
    }

    @Test func stateSurvivesARestartOfTheBinary() throws {
        try #require(isInstalled("aws"), "the aws CLI is required (scripts/test installs it with pip)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let server = try SignetProcess(dataDirectory: directory)
            try server.start()
            #expect(try aws(server, ["ecr", "create-repository", "--repository-name", "kept"]).status == 0)
            #expect(try aws(server, ["ecr", "put-signing-configuration", "--signing-configuration", #"{"rules":[]}"#]).status == 0)
            // a second server cannot share the data directory
            let second = try SignetProcess(dataDirectory: directory)
            #expect(throws: E2EError.self) { try second.start() }
            server.stop()
            #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0)
        }
        let restarted = try SignetProcess(dataDirectory: directory)
        try restarted.start()
        defer { restarted.stop() }
        let described = try aws(restarted, ["ecr", "describe-repositories"])
        #expect((described.json["repositories"] as? [[String: Any]])?.first?["repositoryName"] as? String == "kept")
        #expect(try aws(restarted, ["ecr", "get-signing-configuration"]).status == 0)
    }
}
