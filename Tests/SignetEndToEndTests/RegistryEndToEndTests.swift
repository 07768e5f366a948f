import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// skopeo and a raw HTTP pusher against the real binary.
@Suite("Registry against signet serve", .serialized)
struct RegistryEndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func aws(_ server: SignetProcess, _ arguments: [String]) throws -> CommandResult {
        try run(
            "aws", ["--endpoint-url", server.baseURL, "--output", "json"] + arguments,
            environment: ["AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"])
    }

    /// An OCI image layout with one real gzip tar layer, built with tar and gzip.
    static func makeLayout(in directory: URL, message: String = "hello from signet") throws -> URL {
        let content = directory.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try Data("\(message)\n".utf8).write(to: content.appendingPathComponent("etc/motd"))
        let layout = directory.appendingPathComponent("layout")
        let script = """
            set -e
            cd '\(directory.path)'
            tar --sort=name --mtime=@0 --owner=0 --group=0 -cf layer.tar -C content .
            gzip -n -c layer.tar > layer.tar.gz
            mkdir -p layout/blobs/sha256
            put() { d=$(sha256sum "$1" | cut -d' ' -f1); cp "$1" "layout/blobs/sha256/$d"; echo "$d"; }
            diffid=$(sha256sum layer.tar | cut -d' ' -f1)
            layer=$(put layer.tar.gz); layersize=$(stat -c %s layer.tar.gz)
            printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"config":{}}' "$diffid" > config.json
            config=$(put config.json); configsize=$(stat -c %s config.json)
            printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' "$config" "$configsize" "$layer" "$layersize" > manifest.json
            manifest=$(put manifest.json); manifestsize=$(stat -c %s manifest.json)
            printf '{"imageLayoutVersion":"1.0.0"}' > layout/oci-layout
            printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' "$manifest" "$manifestsize" > layout/index.json
            """
        let result = try run("bash", ["-c", script])
        guard result.status == 0 else { throw E2EError("building the OCI layout failed: \(result.stderr)") }
        return layout
    }

    static func blobs(of layout: URL) throws -> [String: Data] {
        let directory = layout.appendingPathComponent("blobs/sha256")
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            result[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        return result
    }

    @Test func skopeoPushesAndPullsWithALoginPassword() throws {
        try #require(isInstalled("aws"), "the aws CLI is required (scripts/test installs it with pip)")
        try #require(isInstalled("skopeo"), "skopeo is required (scripts/test installs it with apt-get)")
        let server = try SignetProcess()
        try server.start()
        defer { server.stop() }
        let work = server.dataDirectory.deletingLastPathComponent().appendingPathComponent("skopeo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let layout = try Self.makeLayout(in: work)
        let host = server.baseURL.replacingOccurrences(of: "http://", with: "")

        #expect(try aws(server, ["ecr", "create-repository", "--repository-name", "team/app"]).status == 0)
        let login = try aws(server, ["ecr", "get-login-password"])
        #expect(login.status == 0, "\(login.stderr)")
        let password = login.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!password.isEmpty && !password.contains(":"))

        let push = try run(
            "skopeo", ["copy", "--dest-tls-verify=false", "--dest-creds", "AWS:\(password)", "oci:\(layout.path):v1", "docker://\(host)/team/app:v1"])
        #expect(push.status == 0, "\(push.stderr)")
        let pulledLayout = work.appendingPathComponent("pulled")
        let pull = try run(
            "skopeo", ["copy", "--src-tls-verify=false", "--src-creds", "AWS:\(password)", "docker://\(host)/team/app:v1", "oci:\(pulledLayout.path):v1"])
        #expect(pull.status == 0, "\(pull.stderr)")
        #expect(try Self.blobs(of: pulledLayout) == Self.blobs(of: layout))

        // the pushed image is the image the ECR API sees
        let described = try aws(server, ["ecr", "describe-images", "--repository-name", "team/app"])
        #expect((described.json["imageDetails"] as? [[String: Any]])?.first?["imageTags"] as? [String] == ["v1"])

        let anonymous = try run("skopeo", ["copy", "--dest-tls-verify=false", "oci:\(layout.path):v1", "docker://\(host)/team/app:v2"])
        #expect(anonymous.status != 0)
        #expect(anonymous.stderr.lowercased().contains("unauthorized") || anonymous.stderr.contains("401"), "\(anonymous.stderr)")
        let wrong = try run(
            "skopeo", ["copy", "--dest-tls-verify=false", "--dest-creds", "AWS:forged", "oci:\(layout.path):v1", "docker://\(host)/team/app:v2"])
        #expect(wrong.status != 0)
    }

    @Test func acknowledgedPushesSurviveSIGKILL() throws {
        try #require(isInstalled("aws"), "the aws CLI is required (scripts/test installs it with pip)")
        try #require(isInstalled("python3"), "python3 is required")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-crash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let acked = directory.appendingPathExtension("acked")
        defer { try? FileManager.default.removeItem(at: acked) }

        let server = try SignetProcess(dataDirectory: directory)
        try server.start()
        #expect(try aws(server, ["ecr", "create-repository", "--repository-name", "crash/test"]).status == 0)
        let password = try aws(server, ["ecr", "get-login-password"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let pusher = Process()
        pusher.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        pusher.arguments = ["python3", Self.root.appendingPathComponent("scripts/e2e/crash-pusher.py").path, server.baseURL, "crash/test", password, acked.path, "8", "30"]
        try pusher.run()
        Thread.sleep(forTimeInterval: 2)
        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()
        pusher.waitUntilExit()

        let lines = (try? String(contentsOf: acked, encoding: .utf8))?.split(separator: "\n") ?? []
        #expect(lines.count > 0, "the pusher acknowledged nothing before the kill")

        // no partial blob under a final name: every file's content hashes to its name
        let check = try run(
            "bash", ["-c", "cd \"$1\" && find . -type f | while read f; do n=$(basename \"$f\"); s=$(sha256sum \"$f\" | cut -d' ' -f1); [ \"$n\" = \"$s\" ] || echo \"$f\"; done", "_",
                     directory.appendingPathComponent("blobs/sha256").path])
        #expect(check.status == 0 && check.stdout.isEmpty, "blobs whose content does not match their name: \(check.stdout)")

        let restarted = try SignetProcess(dataDirectory: directory)
        try restarted.start()
        defer { restarted.stop() }
        let password2 = try aws(restarted, ["ecr", "get-login-password"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let verified = try run(
            "python3", [Self.root.appendingPathComponent("scripts/e2e/crash-pusher.py").path, "--verify", restarted.baseURL, "crash/test", password2, acked.path])
        #expect(verified.status == 0, "acknowledged pushes lost or changed after SIGKILL:\n\(verified.stdout)\(verified.stderr)")
    }
}
