import Foundation
import Testing

/// The managed-signing walkthrough of the product, with the real binary, aws CLI, skopeo and `signet verify`.
@Suite("Managed-signing walkthrough", .serialized)
struct WalkthroughEndToEndTests {
    static let region = "ap-northeast-1"
    static let profileArn = "arn:aws:signer:ap-northeast-1:123456789012:/signing-profiles/EcrSignerProfile"

    func aws(_ server: SignetProcess, _ arguments: [String]) throws -> CommandResult {
        try run(
            "aws", ["--endpoint-url", server.baseURL, "--output", "json"] + arguments,
            environment: [
                "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": Self.region,
                "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
            ])
    }

    func signet(_ arguments: [String]) throws -> CommandResult {
        try run(SignetProcess.binary.path, arguments)
    }

    /// Polls describe-image-signing-status until nothing is IN_PROGRESS (bounded: 15 s).
    func statuses(_ server: SignetProcess, _ repository: String, _ tag: String) throws -> [[String: String]] {
        for _ in 0..<150 {
            let result = try aws(server, ["ecr", "describe-image-signing-status", "--repository-name", repository, "--image-id", "imageTag=\(tag)"])
            let statuses = (result.json["signingStatuses"] as? [[String: String]]) ?? []
            if result.status == 0, !statuses.contains(where: { $0["status"] == "IN_PROGRESS" }) { return statuses }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("signing of \(repository):\(tag) did not settle")
        return []
    }

    func push(_ layout: URL, _ server: SignetProcess, _ password: String, to destination: String) throws {
        let host = server.baseURL.replacingOccurrences(of: "http://", with: "")
        let result = try run(
            "skopeo", ["copy", "--dest-tls-verify=false", "--dest-creds", "AWS:\(password)", "oci:\(layout.path):v1", "docker://\(host)/\(destination)"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    func digest(_ server: SignetProcess, _ repository: String, _ tag: String) throws -> String {
        let result = try aws(server, ["ecr", "describe-images", "--repository-name", repository, "--image-ids", "imageTag=\(tag)"])
        return ((result.json["imageDetails"] as? [[String: Any]])?.first?["imageDigest"] as? String) ?? ""
    }

    @Test func signVerifyRevokeAndRestart() throws {
        try #require(isInstalled("aws"), "the aws CLI is required (scripts/test installs it with pip)")
        try #require(isInstalled("skopeo"), "skopeo is required (scripts/test installs it with apt-get)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-walkthrough-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataDirectory = directory.appendingPathComponent("data")
        let layout = try RegistryEndToEndTests.makeLayout(in: directory)
        let policy = directory.appendingPathComponent("policy.json")
        try Data(
            #"{"version":"1.0","trustPolicies":[{"name":"aws-signer-tp","registryScopes":["*"],"signatureVerification":{"level":"strict"},"trustStores":["signingAuthority:aws-signer-ts","signingAuthority:aws-us-gov-signer-ts"],"trustedIdentities":["\#(Self.profileArn)"]}]}"#
                .utf8
        ).write(to: policy)

        let server = try SignetProcess(dataDirectory: dataDirectory, arguments: ["--region", Self.region])
        try server.start()
        let host = server.baseURL.replacingOccurrences(of: "http://", with: "")

        let profile = try aws(server, ["signer", "put-signing-profile", "--profile-name", "EcrSignerProfile", "--platform-id", "Notation-OCI-SHA384-ECDSA"])
        #expect(profile.status == 0, "\(profile.stderr)")
        for repository in ["test/signed", "plain/unsigned"] {
            #expect(try aws(server, ["ecr", "create-repository", "--repository-name", repository]).status == 0)
        }
        let rules = #"{"rules":[{"signingProfileArn":"\#(Self.profileArn)","repositoryFilters":[{"filter":"test*","filterType":"WILDCARD_MATCH"}]}]}"#
        #expect(try aws(server, ["ecr", "put-signing-configuration", "--signing-configuration", rules]).status == 0)
        let password = try aws(server, ["ecr", "get-login-password"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try push(layout, server, password, to: "test/signed:v1")
        try push(layout, server, password, to: "plain/unsigned:v1")

        #expect(try statuses(server, "test/signed", "v1") == [["signingProfileArn": Self.profileArn, "status": "COMPLETE"]])
        #expect(try statuses(server, "plain/unsigned", "v1").isEmpty)
        let imageDigest = try digest(server, "test/signed", "v1")
        let referrers = try aws(server, ["ecr", "list-image-referrers", "--repository-name", "test/signed", "--subject-id", "imageDigest=\(imageDigest)"])
        let listed = (referrers.json["referrers"] as? [[String: Any]]) ?? []
        #expect(listed.count == 1)
        #expect(listed.first?["artifactType"] as? String == "application/vnd.cncf.notary.signature")

        let byDigest = try signet(["verify", "\(host)/test/signed@\(imageDigest)", "--policy", policy.path])
        #expect(byDigest.status == 0, "\(byDigest.stderr)")
        #expect(byDigest.stdout == "Successfully verified signature for \(host)/test/signed@\(imageDigest)\n")
        let byTag = try signet(["verify", "\(host)/test/signed:v1", "--policy", policy.path])
        #expect(byTag.status == 0)
        #expect(
            byTag.stderr
                == "Warning: Always verify the artifact using digest(@sha256:...) rather than a tag(:v1) because resolved digest may not point to the same signed artifact, as tags are mutable.\n")
        #expect(byTag.stdout == byDigest.stdout)
        // a login that fails (wrong secret) ends the command at once with the reason, instead of waiting on a 401
        let wrongSecret = try run(
            SignetProcess.binary.path, ["verify", "\(host)/test/signed@\(imageDigest)", "--policy", policy.path],
            environment: ["AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "wrong"])
        #expect(wrongSecret.status == 1)
        #expect(wrongSecret.stderr.hasPrefix("Error: cannot log in to the registry at \(host): GetAuthorizationToken answered InvalidSignatureException: The request signature we calculated does not match"), "\(wrongSecret.stderr)")
        let unsigned = try signet(["verify", "\(host)/plain/unsigned@\(imageDigest)", "--policy", policy.path])
        #expect(unsigned.status == 1)
        #expect(
            unsigned.stderr
                == "Error: signature verification failed: no signature is associated with \"\(host)/plain/unsigned@\(imageDigest)\", make sure the artifact was signed successfully\n")

        // cancel the profile: new pushes fail with SIGNING_PROFILE_INACTIVE
        #expect(try aws(server, ["signer", "cancel-signing-profile", "--profile-name", "EcrSignerProfile"]).status == 0)
        let other = try RegistryEndToEndTests.makeLayout(in: directory.appendingPathComponent("second"), message: "second")
        try push(other, server, password, to: "test/signed:v2")
        let inactive = try statuses(server, "test/signed", "v2")
        #expect(inactive.first?["status"] == "FAILED")
        #expect(inactive.first?["failureCode"] == "SIGNING_PROFILE_INACTIVE")

        // a second profile signs, then its revocation makes strict verification fail
        #expect(try aws(server, ["signer", "put-signing-profile", "--profile-name", "SecondProfile", "--platform-id", "Notation-OCI-SHA384-ECDSA"]).status == 0)
        let secondArn = "arn:aws:signer:ap-northeast-1:123456789012:/signing-profiles/SecondProfile"
        let secondRules = #"{"rules":[{"signingProfileArn":"\#(secondArn)","repositoryFilters":[{"filter":"test*","filterType":"WILDCARD_MATCH"}]}]}"#
        #expect(try aws(server, ["ecr", "put-signing-configuration", "--signing-configuration", secondRules]).status == 0)
        let third = try RegistryEndToEndTests.makeLayout(in: directory.appendingPathComponent("third"), message: "third")
        // ECR does not create repositories on push
        let missing = try run(
            "skopeo", ["copy", "--dest-tls-verify=false", "--dest-creds", "AWS:\(password)", "oci:\(third.path):v1", "docker://\(host)/test/revoked:v1"])
        #expect(missing.status != 0)
        #expect(try aws(server, ["ecr", "create-repository", "--repository-name", "test/revoked"]).status == 0)
        try push(third, server, password, to: "test/revoked:v1")
        #expect(try statuses(server, "test/revoked", "v1").first?["status"] == "COMPLETE")
        let revokedDigest = try digest(server, "test/revoked", "v1")
        let secondPolicy = directory.appendingPathComponent("second-policy.json")
        try Data(
            #"{"version":"1.0","trustPolicies":[{"name":"second","registryScopes":["*"],"signatureVerification":{"level":"strict"},"trustStores":["signingAuthority:aws-signer-ts"],"trustedIdentities":["\#(secondArn)"]}]}"#
                .utf8
        ).write(to: secondPolicy)
        #expect(try signet(["verify", "\(host)/test/revoked@\(revokedDigest)", "--policy", secondPolicy.path]).status == 0)
        let version = try aws(server, ["signer", "get-signing-profile", "--profile-name", "SecondProfile"]).json["profileVersion"] as? String ?? ""
        let revoke = try aws(
            server, ["signer", "revoke-signing-profile", "--profile-name", "SecondProfile", "--profile-version", version, "--reason", "key compromise",
                     "--effective-time", String(Int(Date().timeIntervalSince1970) - 3600)])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        let afterRevoke = try signet(["verify", "\(host)/test/revoked@\(revokedDigest)", "--policy", secondPolicy.path])
        #expect(afterRevoke.status == 1)
        #expect(afterRevoke.stderr.contains("Error: signature verification failed for all the signatures associated with"))

        // delete the configuration: new pushes are unsigned, old signatures still verify
        #expect(try aws(server, ["ecr", "delete-signing-configuration"]).status == 0)
        let fourth = try RegistryEndToEndTests.makeLayout(in: directory.appendingPathComponent("fourth"), message: "fourth")
        try push(fourth, server, password, to: "test/signed:v4")
        #expect(try statuses(server, "test/signed", "v4").isEmpty)
        #expect(try signet(["verify", "\(host)/test/signed@\(imageDigest)", "--policy", policy.path]).status == 0)

        // restart: everything verifies with the same root
        let rootBefore = try signet(["trust-store", "export", "--endpoint", server.baseURL]).stdout
        server.stop()
        let restarted = try SignetProcess(dataDirectory: dataDirectory, arguments: ["--region", Self.region])
        try restarted.start()
        defer { restarted.stop() }
        let newHost = restarted.baseURL.replacingOccurrences(of: "http://", with: "")
        #expect(try signet(["trust-store", "export", "--endpoint", restarted.baseURL]).stdout == rootBefore)
        #expect(rootBefore.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let again = try signet(["verify", "\(newHost)/test/signed@\(imageDigest)", "--policy", policy.path])
        #expect(again.status == 0, "\(again.stderr)")
    }

    /// A push whose signature is still waiting (here: a long --signing-delay-ms) must not hold `signet serve` open
    /// on SIGTERM; the work stays IN_PROGRESS and the next start signs it.
    @Test func pendingSigningNeitherBlocksShutdownNorIsLost() throws {
        try #require(isInstalled("aws"), "the aws CLI is required (scripts/test installs it with pip)")
        try #require(isInstalled("skopeo"), "skopeo is required (scripts/test installs it with apt-get)")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("signet-pending-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let data = work.appendingPathComponent("data")
        let delayed = try SignetProcess(dataDirectory: data, arguments: ["--region", Self.region, "--signing-delay-ms", "600000"])
        try delayed.start()
        #expect(try aws(delayed, ["signer", "put-signing-profile", "--profile-name", "EcrSignerProfile", "--platform-id", "Notation-OCI-SHA384-ECDSA"]).status == 0)
        #expect(try aws(delayed, ["ecr", "put-signing-configuration", "--signing-configuration", #"{"rules":[{"signingProfileArn":"\#(Self.profileArn)"}]}"#]).status == 0)
        #expect(try aws(delayed, ["ecr", "create-repository", "--repository-name", "team/app"]).status == 0)
        let password = try aws(delayed, ["ecr", "get-login-password"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // more pushes than the engine has workers, so one also waits for a free worker
        for index in 0..<6 {
            let layout = try RegistryEndToEndTests.makeLayout(in: work.appendingPathComponent("layout-\(index)"), message: "pending \(index)")
            try push(layout, delayed, password, to: "team/app:v\(index)")
        }
        let pending = try aws(delayed, ["ecr", "describe-image-signing-status", "--repository-name", "team/app", "--image-id", "imageTag=v5"])
        try #require(((pending.json["signingStatuses"] as? [[String: String]])?.first?["status"]) == "IN_PROGRESS", "\(pending.stdout)\(pending.stderr)")

        delayed.process.terminate()
        let deadline = Date().addingTimeInterval(15)
        while delayed.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!delayed.process.isRunning, "signet serve was still running 15 s after SIGTERM")
        if delayed.process.isRunning { kill(delayed.process.processIdentifier, SIGKILL) }
        delayed.process.waitUntilExit()

        let server = try SignetProcess(dataDirectory: data, arguments: ["--region", Self.region])
        try server.start()
        defer { server.stop() }
        for index in 0..<6 {
            #expect(try statuses(server, "team/app", "v\(index)").map { $0["status"] } == ["COMPLETE"])
        }
    }
}
