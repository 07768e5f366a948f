import Foundation
import Synchronization
import SignetDomain

/// What `signet serve` was asked for, in the form the CLI and the tests both provide (STYLE §1.2).
public protocol AppArguments: Sendable {
    var hostname: String { get }
    var port: Int { get }
    /// `nil` keeps everything in memory.
    var dataDirectory: String? { get }
    var accountID: String { get }
    var region: String { get }
    var logLevel: String { get }
    /// `sigv4` (default: credentials are required) or `none`.
    var auth: String { get }
    /// A JSON file with extra access keys (`--credentials`).
    var credentialsFile: String? { get }
    /// Managed signing waits this long before signing (0: at once), so IN_PROGRESS can be observed.
    var signingDelayMilliseconds: Int { get }
}

/// The address clients use to reach this server's registry; known only once the listener is bound.
final class RegistryEndpoint: Sendable {
    private let host: Mutex<String>

    init(hostname: String, port: Int) {
        host = Mutex(Self.render(hostname, port))
    }

    /// Called when the listener is bound (port 0 becomes the real port).
    func bound(hostname: String, port: Int) {
        host.withLock { $0 = Self.render(hostname, port) }
    }

    /// `host:port` of the default registry.
    var defaultHost: String { host.withLock { $0 } }

    /// The host clients push `registry`'s images to: the server's own address for the default registry,
    /// `<account>.dkr.ecr.<region>.localhost:<port>` for any other (the Host-header form the registry routes on;
    /// `*.localhost` resolves to the loopback address).
    func host(for registry: RegistryKey, defaultRegistry: RegistryKey) -> String {
        let base = defaultHost
        guard registry != defaultRegistry else { return base }
        let port = base.split(separator: ":").last.map(String.init) ?? ""
        return "\(registry.account).dkr.ecr.\(registry.region).localhost:\(port)"
    }

    private static func render(_ hostname: String, _ port: Int) -> String {
        let shown = (hostname == "0.0.0.0" || hostname == "::") ? "127.0.0.1" : hostname
        return shown.contains(":") ? "[\(shown)]:\(port)" : "\(shown):\(port)"
    }
}

/// Server identity reported by `/_signet/health`.
public enum SignetVersion {
    public static let current = "0.1.0"
}
