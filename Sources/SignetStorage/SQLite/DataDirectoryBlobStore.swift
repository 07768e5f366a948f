import Foundation
public import SignetDomain

/// The blobs of a data directory: files under `blobs/`, and small content stored whole (``BlobStore/put(_:)``,
/// which the managed-signing engine uses for signature envelopes and configs) in the SQLite database.
///
/// Why: each signature stored its ~3 KB envelope as a file — create, write, fsync, rename, directory fsync — and
/// creating inodes was the largest single cost of draining a signing backlog (`perf`: ~15 % of the server's CPU in
/// ext4's inode allocation alone, ~7 % in fsync). A row joins the group commit the signature's manifest and status
/// go through anyway.
///
/// Uploads (`/v2/` and the ECR layer API) stream to files whatever their size, as before. A digest is looked up on
/// disk first (the registry's blobs, with one `stat` as before), then in the database; deleting removes it from both.
public struct DataDirectoryBlobStore: BlobStore {
    /// Content up to this size given to `put` is stored in the database.
    public static let smallBlobLimit = 64 * 1024

    private let files: FileSystemBlobStore
    private let database: SQLiteMetadataStore

    public init(files: FileSystemBlobStore, database: SQLiteMetadataStore) {
        self.files = files
        self.database = database
    }

    public func contains(_ digest: Digest) async throws -> Bool {
        try await size(of: digest) != nil
    }

    public func size(of digest: Digest) async throws -> Int64? {
        if let size = files.size(of: digest) { return size }
        return try database.smallBlobSize(digest)
    }

    public func put(_ bytes: Data) async throws -> Digest {
        guard bytes.count <= Self.smallBlobLimit else { return try await files.put(bytes) }
        let digest = Digest.sha256(of: bytes)
        // present already (the empty config of every signature): a lookup, not a write
        if try files.contains(digest) || database.smallBlobSize(digest) != nil { return digest }
        try await database.putSmallBlob(bytes, as: digest)
        return digest
    }

    public func read(_ digest: Digest) async throws -> Data? {
        if let bytes = files.read(digest) { return bytes }
        return try database.smallBlob(digest)
    }

    public func delete(_ digest: Digest) async throws -> Bool {
        let inDatabase = try await database.deleteSmallBlob(digest)
        let onDisk = files.delete(digest)
        return inDatabase || onDisk
    }

    public func content(of digest: Digest) async throws -> BlobContent? {
        if let content = files.content(of: digest) { return content }
        return try database.smallBlob(digest).map { .bytes($0) }
    }

    /// Its small blobs are rows of the database its metadata store writes.
    public var storesSmallBlobsWithMetadata: Bool { true }

    public func beginUpload(_ id: String) async throws { try await files.beginUpload(id) }
    public func appendToUpload(_ id: String, _ bytes: Data) async throws { try await files.appendToUpload(id, bytes) }
    public func finishUpload(_ id: String, as digest: Digest) async throws { try await files.finishUpload(id, as: digest) }
    public func abortUpload(_ id: String) async throws { try await files.abortUpload(id) }
}
