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

    private static func render(_ hostname: String, _ port: Int) -> String {
        let shown = (hostname == "0.0.0.0" || hostname == "::") ? "127.0.0.1" : hostname
        return shown.contains(":") ? "[\(shown)]:\(port)" : "\(shown):\(port)"
    }
}

/// Server identity reported by `/_signet/health`.
public enum SignetVersion {
    public static let current = "0.1.0"
}
