import Foundation
import Testing

/// A `signet serve` child process on a free port, stopped with SIGTERM when the test is done.
final class SignetProcess: @unchecked Sendable {
    // Only mutated before `start` returns; read-only afterwards.
    let process = Process()
    private(set) var baseURL = ""
    let dataDirectory: URL
    /// Whether this object made (and so removes) the data directory.
    private let ownsDirectory: Bool
    private let output = Pipe()

    /// The `signet` executable built next to this test bundle (`swift build` puts both in `.build/<config>`).
    static var binary: URL {
        if let explicit = ProcessInfo.processInfo.environment["SIGNET_BINARY"] { return URL(fileURLWithPath: explicit) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/signet")
    }

    init(dataDirectory: URL? = nil, arguments: [String] = []) throws {
        ownsDirectory = dataDirectory == nil
        self.dataDirectory =
            dataDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("signet-e2e-\(UUID().uuidString)")
        process.executableURL = Self.binary
        process.arguments = ["serve", "--port", "0", "--data-dir", self.dataDirectory.path, "--log-level", "warning"] + arguments
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("SIGNET_") { environment[key] = nil }
        process.environment = environment
        process.standardOutput = output
        process.standardError = FileHandle.standardError
    }

    /// Starts the server and waits (up to 30 s) for its ready line.
    func start() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw E2EError("signet binary not found at \(Self.binary.path): run `swift build` first (scripts/test does)")
        }
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        var buffer = ""
        while Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer += String(decoding: chunk, as: UTF8.self)
            if let line = buffer.split(separator: "\n").first(where: { $0.contains("listening on ") }),
                let url = line.split(separator: " ").first(where: { $0.hasPrefix("http://") })
            {
                baseURL = String(url)
                return
            }
        }
        stop()
        throw E2EError("signet did not print its ready line; output so far: \(buffer)")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit {
        stop()
        if ownsDirectory { try? FileManager.default.removeItem(at: dataDirectory) }
    }
}

struct E2EError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The result of one command-line invocation.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:] }
}

/// Runs a program found on PATH, with `environment` added to a clean AWS environment.
func run(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    var env = ProcessInfo.processInfo.environment
    for key in env.keys where key.hasPrefix("AWS_") { env[key] = nil }
    env["AWS_CONFIG_FILE"] = "/nonexistent"
    env["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent"
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["AWS_PAGER"] = ""
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

/// Whether `program` is on PATH.
func isInstalled(_ program: String) -> Bool {
    (try? run("sh", ["-c", "command -v \(program)"]).status) == 0
}
