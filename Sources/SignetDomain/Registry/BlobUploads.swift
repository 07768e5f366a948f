import Crypto
import Foundation

/// Failures of blob uploads (registry `/v2/` and the ECR layer API).
public enum UploadError: Error, Sendable, Equatable {
    case uploadNotFound(String)
    /// The next bytes must start at `expected` (the upload's current size).
    case invalidRange(expected: Int64, received: Int64)
    /// An ECR layer part whose byte range (`first`…`last`) does not span its `length` bytes; `expected` is where
    /// the upload stands.
    case partSizeMismatch(expected: Int64, first: Int64, last: Int64, length: Int64)
    case digestMismatch(expected: String, computed: Digest)
    case invalidDigest(String)
    case emptyUpload(String)
    /// A part other than the last is smaller than the minimum part size (ECR layer API).
    case partTooSmall(String)
    case busy(String)
}

/// An upload in progress: where it goes, what has arrived so far.
public struct UploadSession: Sendable {
    public let id: String
    public let registry: RegistryKey
    public let repository: RepositoryName
    public fileprivate(set) var size: Int64 = 0
    public fileprivate(set) var partSizes: [Int64] = []
    fileprivate var busy = false
}

/// Tracks blob uploads: sessions live in memory (an interrupted upload is simply restarted by clients),
/// bytes stream into the blob store's temporary area while being hashed, and a blob becomes visible only
/// after its digest checks out.
public actor BlobUploads {
    private let blobs: any BlobStore
    private var sessions: [String: UploadSession] = [:]
    /// The running hash of each session (kept beside it: `SHA256` is not `Sendable`).
    private var hashers: [String: SHA256] = [:]

    public init(blobs: any BlobStore) {
        self.blobs = blobs
    }

    public func begin(id: String, registry: RegistryKey, repository: RepositoryName) async throws -> UploadSession {
        try await blobs.beginUpload(id)
        let session = UploadSession(id: id, registry: registry, repository: repository)
        sessions[id] = session
        hashers[id] = SHA256()
        return session
    }

    /// The session `id` if it belongs to `repository` of `registry`.
    public func session(_ id: String, registry: RegistryKey, repository: RepositoryName) throws -> UploadSession {
        guard let session = sessions[id], session.registry == registry, session.repository == repository else {
            throw UploadError.uploadNotFound(id)
        }
        return session
    }

    /// Appends one part. `startingAt`, when given, must equal the bytes received so far.
    /// - Returns: the session after the append.
    @discardableResult
    public func append<Chunks: AsyncSequence & Sendable>(
        _ id: String, registry: RegistryKey, repository: RepositoryName, startingAt offset: Int64?, chunks: Chunks
    ) async throws -> UploadSession where Chunks.Element == Data {
        var session = try session(id, registry: registry, repository: repository)
        if let offset, offset != session.size { throw UploadError.invalidRange(expected: session.size, received: offset) }
        guard !session.busy else { throw UploadError.busy(id) }
        sessions[id]?.busy = true
        defer { sessions[id]?.busy = false }
        var partSize: Int64 = 0
        do {
            for try await chunk in chunks where !chunk.isEmpty {
                try await blobs.appendToUpload(id, chunk)
                hashers[id]?.update(data: chunk)
                session.size += Int64(chunk.count)
                partSize += Int64(chunk.count)
            }
        } catch {
            // The stored bytes and the hash no longer agree: the upload cannot continue.
            sessions[id] = nil
            hashers[id] = nil
            try? await blobs.abortUpload(id)
            throw error
        }
        if partSize > 0 { session.partSizes.append(partSize) }
        guard sessions[id] != nil else { throw UploadError.uploadNotFound(id) }  // canceled meanwhile
        sessions[id] = session
        return session
    }

    /// Verifies the digest and publishes the blob; the session ends either way unless the digest is malformed.
    public func finish(
        _ id: String, registry: RegistryKey, repository: RepositoryName, expected rawDigest: String, minimumPartSize: Int64? = nil
    ) async throws -> (digest: Digest, size: Int64) {
        let session = try session(id, registry: registry, repository: repository)
        guard !session.busy else { throw UploadError.busy(id) }
        guard let expected = Digest(parsing: rawDigest) else { throw UploadError.invalidDigest(rawDigest) }
        if let minimumPartSize, session.partSizes.dropLast().contains(where: { $0 < minimumPartSize }) {
            throw UploadError.partTooSmall(id)
        }
        sessions[id] = nil
        let hasher = hashers.removeValue(forKey: id) ?? SHA256()
        let computed = Digest(trustedAlgorithm: "sha256", hex: hasher.finalize().hexString)
        guard expected == computed else {
            try await blobs.abortUpload(id)
            throw UploadError.digestMismatch(expected: rawDigest, computed: computed)
        }
        if try await blobs.contains(computed) {
            try await blobs.abortUpload(id)
        } else {
            try await blobs.finishUpload(id, as: computed)
        }
        return (computed, session.size)
    }

    public func cancel(_ id: String, registry: RegistryKey, repository: RepositoryName) async throws {
        _ = try session(id, registry: registry, repository: repository)
        sessions[id] = nil
        hashers[id] = nil
        try await blobs.abortUpload(id)
    }
}
