public import Foundation
public import SignetDomain

/// Blobs kept in process memory (`--in-memory`).
public actor InMemoryBlobStore: BlobStore {
    private var blobs: [Digest: Data] = [:]

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
}
