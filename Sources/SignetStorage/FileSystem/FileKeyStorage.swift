import Foundation
public import SignetNotary

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The certificate authority's keys and certificates under `<data-dir>/ca/` (files mode 0600, written atomically).
public struct FileKeyStorage: KeyStorage {
    let directory: DataDirectory

    public init(directory: DataDirectory) { self.directory = directory }

    var root: URL { directory.url.appendingPathComponent("ca", isDirectory: true) }

    public func load(_ name: String) throws -> String? {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(name).path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    public func save(_ name: String, _ pem: String) throws {
        let url = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = directory.tmpURL.appendingPathComponent("key-\(UUID().uuidString)")
        try FileSystemBlobStore.writeDurably(Data(pem.utf8), to: temporary)
        chmod(temporary.path, 0o600)
        try FileSystemBlobStore.moveDurably(temporary, to: url)
    }
}
