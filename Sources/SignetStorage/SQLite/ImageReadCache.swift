import Foundation
import SignetDomain
import Synchronization

/// The answers of ``SQLiteMetadataStore``'s two point reads a manifest GET makes — a tag's digest and an image by
/// digest — kept in memory between writes.
///
/// Each of those reads was a SQLite read transaction: a reader connection taken from GRDB's pool, a
/// `DispatchQueue.sync` onto it, and the WAL's shared locks (`fcntl`) taken and released. With 8 clients asking for
/// one manifest that was ~310 µs of server CPU per GET, most of it thread wake-ups and locks, not the query.
///
/// Correctness rests on one counter, ``generation``, and two rules:
/// - a reader reads the generation *before* it reads the database, and an answer is kept only if the generation
///   is still the same when it is stored;
/// - ``GroupCommit`` calls ``invalidate()`` after every transaction, committed or not, and before any caller of
///   that transaction is told it finished; `invalidate` empties the cache and moves the generation on.
///
/// So an answer read before a commit and stored after it is refused (the generation moved), an answer read after
/// a commit is the committed state, and a client that has been told its write finished never sees what was there
/// before. This process is the only writer: the data directory is locked to it (``DataDirectory``).
///
/// Only positive answers are kept (a missing tag or image is read again each time). Bounds: at most
/// ``maxEntries`` tags and as many images, ``maxBytes`` of manifests, none larger than ``maxManifestBytes``;
/// when full, the cache starts over.
final class ImageReadCache: Sendable {
    static let maxEntries = 4096
    static let maxBytes = 16 << 20
    static let maxManifestBytes = 256 << 10

    struct TagKey: Hashable {
        let registry: RegistryKey
        let repository: RepositoryName
        let tag: ImageTag
    }

    struct ImageKey: Hashable {
        let registry: RegistryKey
        let repository: RepositoryName
        let digest: Digest
    }

    private struct State {
        var generation: UInt64 = 0
        var digests: [TagKey: Digest] = [:]
        var images: [ImageKey: Image] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())

    /// Read before the database is read; hand it back to ``store(_:for:readAt:)``.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Everything kept so far is dropped, and answers read before now will not be stored.
    func invalidate() {
        state.withLock { state in
            state.generation &+= 1
            if !state.digests.isEmpty || !state.images.isEmpty {
                state.digests.removeAll()
                state.images.removeAll()
                state.bytes = 0
            }
        }
    }

    func digest(_ key: TagKey) -> Digest? { state.withLock { $0.digests[key] } }

    func image(_ key: ImageKey) -> Image? { state.withLock { $0.images[key] } }

    func store(_ digest: Digest, for key: TagKey, readAt generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.digests.count >= Self.maxEntries { state.digests.removeAll() }
            state.digests[key] = digest
        }
    }

    func store(_ image: Image, for key: ImageKey, readAt generation: UInt64) {
        let size = image.manifest.count
        guard size <= Self.maxManifestBytes else { return }
        state.withLock { state in
            guard state.generation == generation, state.images[key] == nil else { return }
            if state.images.count >= Self.maxEntries || state.bytes + size > Self.maxBytes {
                state.images.removeAll()
                state.bytes = 0
            }
            state.images[key] = image
            state.bytes += size
        }
    }

    /// How many tags and images are kept (for tests).
    var occupancy: (digests: Int, images: Int, bytes: Int) {
        state.withLock { ($0.digests.count, $0.images.count, $0.bytes) }
    }
}
