import Foundation
import SignetDomain
import Synchronization

/// Answers of ``SQLiteMetadataStore`` reads kept in memory between writes: the two point reads a manifest GET makes
/// (a tag's digest, an image by digest) and a registry's sorted repositories (every DescribeRepositories page and
/// `/v2/_catalog`).
///
/// Each point read was a SQLite read transaction: a reader connection taken from GRDB's pool, a
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
/// A listing of repositories was every row of the registry read and decoded for each page: ~N rows for a page of
/// 100, so paging through N repositories read N²/100 rows.
///
/// Only positive answers are kept (a missing tag or image is read again each time). Bounds: at most
/// ``maxEntries`` tags and as many images, ``maxBytes`` of manifests, none larger than ``maxManifestBytes``;
/// at most ``maxListedRepositories`` repositories in all listings together; when full, the cache starts over.
final class ReadCache: Sendable {
    static let maxEntries = 4096
    static let maxBytes = 16 << 20
    static let maxManifestBytes = 256 << 10
    static let maxListedRepositories = 50_000

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
        var listings: [RegistryKey: [Repository]] = [:]
        var listed = 0
    }

    private let state = Mutex(State())

    /// Read before the database is read; hand it back to ``store(_:for:readAt:)``.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Everything kept so far is dropped, and answers read before now will not be stored.
    func invalidate() {
        state.withLock { state in
            state.generation &+= 1
            if !state.digests.isEmpty || !state.images.isEmpty || !state.listings.isEmpty {
                state.digests.removeAll()
                state.images.removeAll()
                state.bytes = 0
                state.listings.removeAll()
                state.listed = 0
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

    func repositories(in registry: RegistryKey) -> [Repository]? { state.withLock { $0.listings[registry] } }

    func store(_ repositories: [Repository], in registry: RegistryKey, readAt generation: UInt64) {
        guard repositories.count <= Self.maxListedRepositories else { return }
        state.withLock { state in
            guard state.generation == generation, state.listings[registry] == nil else { return }
            if state.listed + repositories.count > Self.maxListedRepositories {
                state.listings.removeAll()
                state.listed = 0
            }
            state.listings[registry] = repositories
            state.listed += repositories.count
        }
    }

    /// How many tags, images and listed repositories are kept (for tests).
    var occupancy: (digests: Int, images: Int, bytes: Int, listed: Int) {
        state.withLock { ($0.digests.count, $0.images.count, $0.bytes, $0.listed) }
    }
}
