import ArgumentParser
import Foundation
import Hummingbird
import NIOCore
import SignetDomain
import SignetServer

@main
struct SignetCommand: AsyncParsableCommand {
    static func main() async {
        // Swift concurrency stays on its own cooperative pool. Running it on NIO's event loops
        // (NIOSingletons' executor takeover) measured ~8% more GetSigningConfiguration requests/s, but starved
        // connections under load: at 64 connections DescribeRepositories had p99 1.3 s and wrk timeouts, half the
        // sockets holding an unread request for seconds; without it p99 is 25 ms (scripts/bench-control-plane).
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "signet",
        abstract: "A local Amazon ECR (with managed signing) and AWS Signer emulator.",
        version: SignetVersion.current,
        subcommands: [Serve.self, Verify.self, TrustStore.self])
}

/// `signet serve`: every option can also come from an environment variable `SIGNET_<NAME>`.
struct Serve: AsyncParsableCommand, AppArguments {
    static let configuration = CommandConfiguration(abstract: "Run the Signet server.")

    @Option(name: .customLong("host"), help: "Address to listen on (env SIGNET_HOST).")
    var host: String = Serve.env("HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (env SIGNET_PORT).")
    var port: Int = Serve.env("PORT").flatMap(Int.init) ?? 5050

    @Option(name: .customLong("data-dir"), help: "Directory for the database and blobs (env SIGNET_DATA_DIR).")
    var dataDir: String = Serve.env("DATA_DIR") ?? ".signet"

    @Flag(name: .customLong("in-memory"), help: "Keep all state in memory (env SIGNET_IN_MEMORY=1).")
    var inMemoryFlag = false

    /// The flag, or `SIGNET_IN_MEMORY` set to 1/true/yes.
    var inMemory: Bool { inMemoryFlag || ["1", "true", "yes"].contains(Serve.env("IN_MEMORY")?.lowercased() ?? "") }

    @Option(name: .customLong("account-id"), help: "Account id of the default credentials (env SIGNET_ACCOUNT_ID).")
    var accountID: String = Serve.env("ACCOUNT_ID") ?? "123456789012"

    @Option(help: "Region used when a request carries no SigV4 scope (env SIGNET_REGION).")
    var region: String = Serve.env("REGION") ?? "us-east-1"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (env SIGNET_LOG_LEVEL).")
    var logLevel: String = Serve.env("LOG_LEVEL") ?? "info"

    @Option(help: "sigv4 (credentials required; registry needs a GetAuthorizationToken password) or none (env SIGNET_AUTH).")
    var auth: String = Serve.env("AUTH") ?? "sigv4"

    @Option(name: .customLong("credentials"), help: "JSON file with more access keys: {\"credentials\":[{accessKeyId, secretAccessKey, accountId, sessionToken?}]} (env SIGNET_CREDENTIALS).")
    var credentialsOption: String?

    var credentialsFile: String? { credentialsOption ?? Serve.env("CREDENTIALS") }

    @Option(name: .customLong("signing-delay-ms"), help: "Delay before managed signing signs a push (env SIGNET_SIGNING_DELAY_MS).")
    var signingDelayMilliseconds: Int = Serve.env("SIGNING_DELAY_MS").flatMap(Int.init) ?? 0

    var hostname: String { host }
    var dataDirectory: String? { inMemory ? nil : dataDir }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard signingDelayMilliseconds >= 0 else { throw ValidationError("--signing-delay-ms must not be negative") }
        guard ["sigv4", "none"].contains(auth) else { throw ValidationError("--auth must be sigv4 or none") }
        guard Region.isWellFormed(region) else { throw ValidationError("--region must be a region name such as us-east-1") }
        guard accountID.count == 12, accountID.allSatisfy(\.isNumber) else { throw ValidationError("--account-id must be 12 digits") }
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel.lowercased()) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let store = inMemory ? "in-memory" : "data dir \(URL(fileURLWithPath: dataDir).standardizedFileURL.path)"
        let app = try await buildApplication(self) { url in
            FileHandle.standardOutput.write(Data("Signet \(SignetVersion.current) listening on \(url) (\(store))\n".utf8))
        }
        try await app.runService()
    }

    static func env(_ name: String) -> String? {
        ProcessInfo.processInfo.environment["SIGNET_" + name]
    }
}
