public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Signet data directory, held exclusively by one process through an advisory lock on `signet.lock`.
///
/// Layout: `signet.sqlite` (metadata), `blobs/sha256/<2 hex>/<hex>` (content), `tmp/` (uploads in progress).
public final class DataDirectory: Sendable {
    public let url: URL
    private let lockDescriptor: Int32

    public enum OpenError: Error, CustomStringConvertible {
        case inUse(String)
        case cannotCreate(String, reason: String)

        public var description: String {
            switch self {
            case .inUse(let path): return "data directory \(path) is in use by another signet process"
            case .cannotCreate(let path, let reason): return "cannot use data directory \(path): \(reason)"
            }
        }
    }

    /// Creates the directory tree if needed and takes the lock.
    /// - Throws: ``OpenError/inUse(_:)`` when another process holds the directory.
    public init(path: String) throws {
        let url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        do {
            for sub in ["", "blobs/sha256", "tmp"] {
                try FileManager.default.createDirectory(at: url.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
        } catch {
            throw OpenError.cannotCreate(url.path, reason: "\(error)")
        }
        let fd = open(url.appendingPathComponent("signet.lock").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OpenError.cannotCreate(url.path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw OpenError.inUse(url.path)
        }
        self.url = url
        self.lockDescriptor = fd
        // Uploads that a crash interrupted are garbage; nothing under tmp/ is ever referenced.
        if let leftovers = try? FileManager.default.contentsOfDirectory(atPath: url.appendingPathComponent("tmp").path) {
            for name in leftovers { try? FileManager.default.removeItem(at: url.appendingPathComponent("tmp/\(name)")) }
        }
    }

    deinit {
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
    }

    /// A 32-byte secret stored in the directory (mode 0600), created on first use.
    public func secret(named name: String) throws -> Data {
        let url = self.url.appendingPathComponent(name)
        if let existing = FileManager.default.contents(atPath: url.path), existing.count == 32 { return existing }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let data = Data(bytes)
        let temporary = tmpURL.appendingPathComponent("\(name).\(UUID().uuidString)")
        try FileSystemBlobStore.writeDurably(data, to: temporary)
        chmod(temporary.path, 0o600)
        try FileSystemBlobStore.moveDurably(temporary, to: url)
        return data
    }

    public var databasePath: String { url.appendingPathComponent("signet.sqlite").path }
    var blobsURL: URL { url.appendingPathComponent("blobs/sha256", isDirectory: true) }
    var tmpURL: URL { url.appendingPathComponent("tmp", isDirectory: true) }
}
