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
    private let openUploads = UploadFiles()
    /// `<data-dir>/blobs/sha256`, as a path: every blob lookup builds its path from it (with `URL`, building the
    /// path was most of a lookup's cost, ~4 % of the signing engine's CPU).
    private let blobsPath: String

    public init(directory: DataDirectory) {
        self.directory = directory
        self.blobsPath = directory.blobsURL.path
    }

    /// File descriptors of uploads in progress (an upload is written by one request at a time).
    private actor UploadFiles {
        var descriptors: [String: Int32] = [:]
        func set(_ id: String, _ fd: Int32?) { descriptors[id] = fd }
        func get(_ id: String) -> Int32? { descriptors[id] }
        func remove(_ id: String) -> Int32? { descriptors.removeValue(forKey: id) }
    }

    func uploadURL(_ id: String) -> URL { directory.tmpURL.appendingPathComponent("upload-\(id)") }

    func url(for digest: Digest) -> URL {
        URL(fileURLWithPath: path(for: digest), isDirectory: false)
    }

    /// `<data-dir>/blobs/sha256/<first two hex digits>/<hex>`.
    func path(for digest: Digest) -> String {
        let hex = digest.hex
        return blobsPath + "/" + hex.prefix(2) + "/" + hex
    }

    public func contains(_ digest: Digest) -> Bool {
        size(of: digest) != nil
    }

    /// One `stat` (FileManager's `attributesOfItem` built a dictionary of every attribute: ~5 % of the signing
    /// engine's CPU went to two of them per signature).
    public func size(of digest: Digest) -> Int64? {
        guard digest.algorithm == "sha256" else { return nil }
        var info = stat()
        guard stat(path(for: digest), &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }

    public func put(_ bytes: Data) async throws -> Digest {
        let digest = Digest.sha256(of: bytes)
        let final = url(for: digest)
        if contains(digest) { return digest }
        let temporary = directory.tmpURL.appendingPathComponent(RandomUUID.string())
        try await BlockingIO.run {
            try Self.writeDurably(bytes, to: temporary)
            try Self.moveDurably(temporary, to: final)
        }
        return digest
    }

    public func read(_ digest: Digest) -> Data? {
        guard digest.algorithm == "sha256" else { return nil }
        return FileManager.default.contents(atPath: path(for: digest))
    }

    public func delete(_ digest: Digest) -> Bool {
        guard digest.algorithm == "sha256" else { return false }
        return (try? FileManager.default.removeItem(at: url(for: digest))) != nil
    }

    public func content(of digest: Digest) -> BlobContent? {
        guard let size = size(of: digest) else { return nil }
        return .file(path: path(for: digest), size: size)
    }

    public func beginUpload(_ id: String) async throws {
        let fd = open(uploadURL(id).path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        await openUploads.set(id, fd)
    }

    public func appendToUpload(_ id: String, _ bytes: Data) async throws {
        guard let fd = await openUploads.get(id) else { throw POSIXError(.ENOENT) }
        try Self.writeAll(fd, bytes)
        Self.startWriteback(fd, after: bytes.count)
    }

    /// Uploads are flushed to disk in windows of this size while they stream in.
    public static let writebackWindow: Int64 = 2 << 20

    /// Starts the disk writes of each window the last `count` bytes completed, without waiting for them, so that the
    /// fsync before a blob is published waits only for the tail. Pushing 256 MiB with skopeo, that fsync took 0.55 s
    /// of a 2.2 s push when all of the blob's pages were still dirty, and 0.15-0.3 s of 1.7-1.9 s with 2 MiB windows.
    /// Only Linux has `sync_file_range`; elsewhere the final fsync does all of it.
    static func startWriteback(_ fd: Int32, after count: Int) {
        #if os(Linux)
        let end = Int64(lseek(fd, 0, SEEK_CUR))
        guard end >= 0 else { return }
        let (before, after) = ((end - Int64(count)) / writebackWindow, end / writebackWindow)
        guard after > before else { return }
        guard let syncFileRange else { return }
        // On a thread of its own: the call blocks while the disk's queue is full, and the upload's task must not.
        // A duplicate descriptor, so the upload may finish and close its own meanwhile.
        let copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { return }
        let (offset, length) = (before * writebackWindow, (after - before) * writebackWindow)
        BlockingIO.start {
            _ = syncFileRange(copy, offset, length, 2 /* SYNC_FILE_RANGE_WRITE */)
            close(copy)
        }
        #endif
    }

    #if os(Linux)
    /// glibc's `sync_file_range` (Swift's Glibc module leaves out the `_GNU_SOURCE` declarations).
    private static let syncFileRange: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32)? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self)
    }()
    #endif

    public func finishUpload(_ id: String, as digest: Digest) async throws {
        guard let fd = await openUploads.remove(id) else { throw POSIXError(.ENOENT) }
        let (source, destination) = (uploadURL(id), url(for: digest))
        try await BlockingIO.run {
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            try Self.moveDurably(source, to: destination)
        }
    }

    public func abortUpload(_ id: String) async throws {
        if let fd = await openUploads.remove(id) { close(fd) }
        try? FileManager.default.removeItem(at: uploadURL(id))
    }

    static func writeAll(_ fd: Int32, _ bytes: Data) throws {
        try bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                offset += written
            }
        }
    }

    /// Writes `bytes` to a new file and fsyncs it.
    static func writeDurably(_ bytes: Data, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        try writeAll(fd, bytes)
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

/// Runs blocking file-system work (fsync above all: ~1 ms each on the benchmark machine) on threads of its own,
/// off Swift's cooperative pool. That pool has one thread per core: on 2 cores, two signatures or uploads waiting
/// in fsync held every thread, and no other task of the server could run meanwhile.
enum BlockingIO {
    // A concurrent queue targets the overcommitting global queue: a thread blocked here does not hold back others.
    private static let queue = DispatchQueue(label: "signet.blocking-io", attributes: .concurrent)

    /// Runs `body` without waiting for it.
    static func start(_ body: @escaping @Sendable () -> Void) {
        queue.async(execute: body)
    }

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
