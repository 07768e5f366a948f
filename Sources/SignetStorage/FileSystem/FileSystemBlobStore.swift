public import Foundation
public import SignetDomain

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Content-addressed blobs under `<data-dir>/blobs/sha256/<2 hex>/<hex>`.
///
/// A blob is written to `tmp/`, fsynced, then renamed into place (and the directory fsynced), so a crash
/// never leaves a partial file under a final name.
public struct FileSystemBlobStore: BlobStore {
    private let directory: DataDirectory

    public init(directory: DataDirectory) {
        self.directory = directory
    }

    func url(for digest: Digest) -> URL {
        directory.blobsURL.appendingPathComponent(String(digest.hex.prefix(2)), isDirectory: true).appendingPathComponent(digest.hex)
    }

    public func contains(_ digest: Digest) -> Bool {
        digest.algorithm == "sha256" && FileManager.default.fileExists(atPath: url(for: digest).path)
    }

    public func size(of digest: Digest) -> Int64? {
        guard digest.algorithm == "sha256",
            let attributes = try? FileManager.default.attributesOfItem(atPath: url(for: digest).path),
            let size = attributes[.size] as? NSNumber
        else { return nil }
        return size.int64Value
    }

    public func put(_ bytes: Data) throws -> Digest {
        let digest = Digest.sha256(of: bytes)
        let final = url(for: digest)
        if FileManager.default.fileExists(atPath: final.path) { return digest }
        let temporary = directory.tmpURL.appendingPathComponent(UUID().uuidString)
        try Self.writeDurably(bytes, to: temporary)
        try Self.moveDurably(temporary, to: final)
        return digest
    }

    public func read(_ digest: Digest) -> Data? {
        guard digest.algorithm == "sha256" else { return nil }
        return FileManager.default.contents(atPath: url(for: digest).path)
    }

    public func delete(_ digest: Digest) -> Bool {
        guard digest.algorithm == "sha256" else { return false }
        return (try? FileManager.default.removeItem(at: url(for: digest))) != nil
    }

    /// Writes `bytes` to a new file and fsyncs it.
    static func writeDurably(_ bytes: Data, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                offset += written
            }
        }
        guard fsync(fd) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// Renames a fully written file into its final place and fsyncs the parent directory.
    static func moveDurably(_ source: URL, to destination: URL) throws {
        let parent = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        guard rename(source.path, destination.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let dirfd = open(parent.path, O_RDONLY | O_CLOEXEC)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }
}
