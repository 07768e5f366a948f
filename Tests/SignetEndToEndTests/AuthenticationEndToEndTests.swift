import Foundation
import Testing

/// SigV4 and tenancy with real clients: aws CLI, boto3 and curl.
@Suite("Authentication against signet serve", .serialized)
struct AuthenticationEndToEndTests {
    static let credentials = #"{"credentials":[{"accessKeyId":"AKIDTEAMB","secretAccessKey":"team-b-secret","accountId":"210987654321"},{"accessKeyId":"AKIDTOKEN","secretAccessKey":"token-secret","accountId":"123456789012","sessionToken":"session-token-1"}]}"#

    func aws(_ server: SignetProcess, _ arguments: [String], key: String = "test", secret: String = "test", token: String? = nil) throws -> CommandResult {
        var environment = ["AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": "us-east-1"]
        if let token { environment["AWS_SESSION_TOKEN"] = token }
        return try run("aws", ["--endpoint-url", server.baseURL, "--output", "json"] + arguments, environment: environment)
    }

    func startServer() throws -> (SignetProcess, URL) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("signet-credentials-\(UUID().uuidString).json")
        try Data(Self.credentials.utf8).write(to: file)
        let server = try SignetProcess(arguments: ["--in-memory", "--credentials", file.path])
        try server.start()
        return (server, file)
    }

    @Test func signaturesAreVerifiedOnBothSurfaces() throws {
        try #require(isInstalled("aws"), "the aws CLI is required (scripts/test installs it with pip)")
        let (server, file) = try startServer()
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: file)
        }
        #expect(try aws(server, ["ecr", "describe-registry"]).status == 0)
        #expect(try aws(server, ["signer", "list-signing-platforms"]).status == 0)

        let wrongSecret = try aws(server, ["ecr", "describe-repositories"], secret: "not-the-secret")
        #expect(wrongSecret.status != 0)
        #expect(wrongSecret.stderr.contains("(InvalidSignatureException)"), "\(wrongSecret.stderr)")
        let unknownKey = try aws(server, ["signer", "list-signing-profiles"], key: "AKIDNOBODY")
        #expect(unknownKey.stderr.contains("(UnrecognizedClientException)"), "\(unknownKey.stderr)")
        let unsigned = try run("aws", ["--endpoint-url", server.baseURL, "--no-sign-request", "--region", "us-east-1", "ecr", "describe-repositories"])
        #expect(unsigned.stderr.contains("(MissingAuthenticationTokenException)"), "\(unsigned.stderr)")
        let token = try aws(server, ["ecr", "describe-registry"], key: "AKIDTOKEN", secret: "token-secret", token: "session-token-1")
        #expect(token.status == 0, "\(token.stderr)")
        let wrongToken = try aws(server, ["ecr", "describe-registry"], key: "AKIDTOKEN", secret: "token-secret", token: "stale")
        #expect(wrongToken.stderr.contains("(UnrecognizedClientException)"), "\(wrongToken.stderr)")

        // a body changed after signing (curl sends a signature computed for another body)
        let tampered = try run(
            "python3", ["-c", Self.tamperScript, server.baseURL])
        #expect(tampered.stdout.contains("InvalidSignatureException"), "\(tampered.stdout)\(tampered.stderr)")

        // curl --aws-sigv4 against /ecr/<Op>
        let curl = try run(
            "curl", ["-s", "--aws-sigv4", "aws:amz:us-east-1:ecr", "--user", "test:test", "-H", "Content-Type: application/x-amz-json-1.1",
                     "-d", "{}", "\(server.baseURL)/ecr/DescribeRegistry"])
        #expect(curl.stdout.contains(#""registryId":"123456789012""#), "\(curl.stdout)")
    }

    /// boto3 signs a request, then the body is changed before sending.
    static let tamperScript = #"""
    import sys, boto3, botocore.auth, botocore.awsrequest, botocore.credentials, urllib.request
    base = sys.argv[1]
    request = botocore.awsrequest.AWSRequest(method="POST", url=base + "/", data=b"{}", headers={
        "X-Amz-Target": "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories", "Content-Type": "application/x-amz-json-1.1"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials("test", "test"), "ecr", "us-east-1").add_auth(request)
    prepared = request.prepare()
    req = urllib.request.Request(base + "/", data=b'{"maxResults":1}', headers=dict(prepared.headers), method="POST")
    try:
        urllib.request.urlopen(req)
        print("accepted")
    except urllib.error.HTTPError as error:
        print(error.code, error.headers.get("X-Amzn-ErrorType"))
    """#

    @Test func accountsAreIsolatedAndSignCrossAccountOnlyWithAGrant() throws {
        try #require(isInstalled("aws"), "the aws CLI is required (scripts/test installs it with pip)")
        try #require(isInstalled("skopeo"), "skopeo is required (scripts/test installs it with apt-get)")
        let (server, file) = try startServer()
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: file)
        }
        let teamB = (key: "AKIDTEAMB", secret: "team-b-secret")
        #expect(try aws(server, ["ecr", "create-repository", "--repository-name", "shared/app"]).status == 0)
        let seenByB = try aws(server, ["ecr", "describe-repositories"], key: teamB.key, secret: teamB.secret)
        #expect((seenByB.json["repositories"] as? [Any])?.isEmpty == true)
        let named = try aws(server, ["ecr", "describe-repositories", "--registry-id", "123456789012"], key: teamB.key, secret: teamB.secret)
        #expect(named.stderr.contains("(AccessDeniedException)"), "\(named.stderr)")

        // account B's registry token is refused by account A's registry
        let passwordB = try aws(server, ["ecr", "get-login-password"], key: teamB.key, secret: teamB.secret).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let host = server.baseURL.replacingOccurrences(of: "http://", with: "")
        let denied = try run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "AWS:\(passwordB)", "\(server.baseURL)/v2/"])
        #expect(denied.stdout == "403")

        // B owns a Notation profile; A's signing rule names it
        #expect(try aws(server, ["signer", "put-signing-profile", "--profile-name", "team_b", "--platform-id", "Notation-OCI-SHA384-ECDSA"], key: teamB.key, secret: teamB.secret).status == 0)
        let arn = "arn:aws:signer:us-east-1:210987654321:/signing-profiles/team_b"
        #expect(try aws(server, ["ecr", "put-signing-configuration", "--signing-configuration", #"{"rules":[{"signingProfileArn":"\#(arn)"}]}"#]).status == 0)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("signet-cross-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let passwordA = try aws(server, ["ecr", "get-login-password"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        func push(_ message: String, tag: String) throws {
            let layout = try RegistryEndToEndTests.makeLayout(in: work.appendingPathComponent(tag), message: message)
            let result = try run("skopeo", ["copy", "--dest-tls-verify=false", "--dest-creds", "AWS:\(passwordA)", "oci:\(layout.path):v1", "docker://\(host)/shared/app:\(tag)"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        func status(_ tag: String) throws -> [String: String] {
            for _ in 0..<100 {
                let result = try aws(server, ["ecr", "describe-image-signing-status", "--repository-name", "shared/app", "--image-id", "imageTag=\(tag)"])
                if let first = (result.json["signingStatuses"] as? [[String: String]])?.first, first["status"] != "IN_PROGRESS" { return first }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return [:]
        }
        try push("before grant", tag: "v1")
        #expect(try status("v1")["failureCode"] == "ACCESS_DENIED")
        let grant = try aws(
            server, ["signer", "add-profile-permission", "--profile-name", "team_b", "--action", "signer:SignPayload", "--principal", "123456789012",
                     "--statement-id", "ecr-team-a"], key: teamB.key, secret: teamB.secret)
        #expect(grant.status == 0, "\(grant.stderr)")
        try push("after grant", tag: "v2")
        #expect(try status("v2")["status"] == "COMPLETE")
    }
}
