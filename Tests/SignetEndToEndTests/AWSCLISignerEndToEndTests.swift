import Foundation
import Testing

/// `aws signer …` against the real binary.
@Suite("aws signer against signet serve", .serialized)
struct AWSCLISignerEndToEndTests {
    func aws(_ server: SignetProcess, _ arguments: [String]) throws -> CommandResult {
        try run(
            "aws", ["--endpoint-url", server.baseURL, "--output", "json", "signer"] + arguments,
            environment: ["AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "ap-northeast-1"])
    }

    @Test func signingProfileLifecycle() throws {
        try #require(isInstalled("aws"), "the aws CLI is required (scripts/test installs it with pip)")
        let server = try SignetProcess(arguments: ["--in-memory"])
        try server.start()
        defer { server.stop() }
        let arn = "arn:aws:signer:ap-northeast-1:123456789012:/signing-profiles/EcrSignerProfile"

        let put = try aws(server, ["put-signing-profile", "--profile-name", "EcrSignerProfile", "--platform-id", "Notation-OCI-SHA384-ECDSA"])
        #expect(put.status == 0, "\(put.stderr)")
        #expect(put.json["arn"] as? String == arn)
        let version = try #require(put.json["profileVersion"] as? String)
        #expect(version.count == 10)
        #expect(put.json["profileVersionArn"] as? String == "\(arn)/\(version)")

        let got = try aws(server, ["get-signing-profile", "--profile-name", "EcrSignerProfile"])
        #expect(got.status == 0, "\(got.stderr)")
        #expect(got.json["status"] as? String == "Active")
        #expect(got.json["platformDisplayName"] as? String == "Notation for container registries")
        #expect(got.json["signatureValidityPeriod"] as? NSDictionary == ["value": 135, "type": "MONTHS"])

        let second = try aws(
            server, ["put-signing-profile", "--profile-name", "second_profile", "--platform-id", "Notation-OCI-SHA384-ECDSA",
                     "--signature-validity-period", "value=12,type=MONTHS"])
        #expect(second.status == 0, "\(second.stderr)")
        let secondVersion = try #require(second.json["profileVersion"] as? String)
        #expect(try aws(server, ["put-signing-profile", "--profile-name", "third", "--platform-id", "Notation-OCI-SHA384-ECDSA"]).status == 0)

        // pagination: the CLI follows nextToken itself; --max-items cuts pages client-side
        let paged = try aws(server, ["list-signing-profiles", "--page-size", "1"])
        #expect((paged.json["profiles"] as? [[String: Any]])?.compactMap { $0["profileName"] as? String } == ["EcrSignerProfile", "second_profile", "third"])
        let firstItem = try aws(server, ["list-signing-profiles", "--max-items", "1"])
        #expect((firstItem.json["profiles"] as? [Any])?.count == 1)
        #expect(firstItem.json["NextToken"] != nil)

        // tags through the percent-encoded ARN route
        #expect(try aws(server, ["tag-resource", "--resource-arn", arn, "--tags", "team=platform,env=test"]).status == 0)
        let tags = try aws(server, ["list-tags-for-resource", "--resource-arn", arn])
        #expect(tags.status == 0, "\(tags.stderr)")
        #expect(tags.json["tags"] as? [String: String] == ["team": "platform", "env": "test"])

        // cancel one, revoke another, read the states back
        #expect(try aws(server, ["cancel-signing-profile", "--profile-name", "EcrSignerProfile"]).status == 0)
        let effective = String(Int(Date().timeIntervalSince1970) - 3600)
        let revoke = try aws(
            server, ["revoke-signing-profile", "--profile-name", "second_profile", "--profile-version", secondVersion, "--reason", "key rotation",
                     "--effective-time", effective])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(try aws(server, ["get-signing-profile", "--profile-name", "EcrSignerProfile"]).json["status"] as? String == "Canceled")
        let revoked = try aws(server, ["get-signing-profile", "--profile-name", "second_profile"])
        #expect(revoked.json["status"] as? String == "Revoked")
        #expect((revoked.json["revocationRecord"] as? [String: Any])?["revokedBy"] as? String == "arn:aws:iam::123456789012:root")

        let active = try aws(server, ["list-signing-profiles"])
        #expect((active.json["profiles"] as? [[String: Any]])?.compactMap { $0["profileName"] as? String } == ["third"])
        let byStatus = try aws(server, ["list-signing-profiles", "--statuses", "Revoked", "Canceled"])
        #expect((byStatus.json["profiles"] as? [[String: Any]])?.compactMap { $0["profileName"] as? String } == ["EcrSignerProfile", "second_profile"])

        let missing = try aws(server, ["get-signing-profile", "--profile-name", "missing"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("(ResourceNotFoundException)"), "\(missing.stderr)")

        let platforms = try aws(server, ["list-signing-platforms"])
        #expect((platforms.json["platforms"] as? [[String: Any]])?.first?["platformId"] as? String == "Notation-OCI-SHA384-ECDSA")
    }
}
