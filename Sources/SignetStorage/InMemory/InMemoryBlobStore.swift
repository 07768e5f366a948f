public import Foundation
public import SignetDomain

/// Blobs kept in process memory (`--in-memory`).
public actor InMemoryBlobStore: BlobStore {
    private var blobs: [Digest: Data] = [:]
    private var uploads: [String: Data] = [:]

    public init() {}

    public func contains(_ digest: Digest) -> Bool { blobs[digest] != nil }
    public func size(of digest: Digest) -> Int64? { blobs[digest].map { Int64($0.count) } }

    public func put(_ bytes: Data) -> Digest {
        let digest = Digest.sha256(of: bytes)
        blobs[digest] = bytes
        return digest
    }

    public func read(_ digest: Digest) -> Data? { blobs[digest] }

    public func delete(_ digest: Digest) -> Bool { blobs.removeValue(forKey: digest) != nil }

    public func content(of digest: Digest) -> BlobContent? { blobs[digest].map(BlobContent.bytes) }

    public func beginUpload(_ id: String) { uploads[id] = Data() }

    public func appendToUpload(_ id: String, _ bytes: Data) { uploads[id]?.append(bytes) }

    public func finishUpload(_ id: String, as digest: Digest) {
        guard let bytes = uploads.removeValue(forKey: id) else { return }
        blobs[digest] = bytes
    }

    public func abortUpload(_ id: String) { uploads[id] = nil }
}
