public import SignetDomain
import Synchronization

/// Metadata kept in process memory; lost when the process stops (`--in-memory`).
///
/// A class over one `Mutex` rather than an actor: every operation is a few dictionary look-ups, so callers get their
/// answer on their own thread. An actor would move each call to its executor and back, which costs more than the
/// call (the control plane answers small requests on the connection's event loop, and a hop sends them through the
/// thread pool; see `ControlPlaneFastPath`).
public final class InMemoryMetadataStore: MetadataStore {
    private struct RepositoryKey: Hashable {
        let registry: RegistryKey
        let name: RepositoryName
    }

    private struct RepositoryState {
        var repository: Repository
        var images: [Digest: Image] = [:]
        var tags: [ImageTag: Digest] = [:]
        var statuses: [Digest: [SigningStatus]] = [:]

        /// Replaces the image's status for the same profile (nothing when the image has none).
        mutating func replaceStatus(_ status: SigningStatus, of digest: Digest) {
            guard let index = statuses[digest]?.firstIndex(where: { $0.signingProfileArn == status.signingProfileArn }) else { return }
            statuses[digest]?[index] = status
        }
    }

    /// Everything the store holds, with the operations on it (run under the lock, or on a transaction's copy).
    private struct State {
        var repositories: [RepositoryKey: RepositoryState] = [:]
        var signingConfigurations: [RegistryKey: SigningConfiguration] = [:]
        /// Each registry's repositories sorted by name, as `repositories(in:)` returns them: made when first asked for
        /// and dropped whenever one of the registry's repositories is created, changed or deleted (every
        /// DescribeRepositories page used to filter and sort the whole store).
        var sortedRepositories: [RegistryKey: [Repository]] = [:]

        func repository(_ name: RepositoryName, in registry: RegistryKey) -> Repository? {
            repositories[RepositoryKey(registry: registry, name: name)]?.repository
        }

        func image(_ digest: Digest, repository: RepositoryName, registry: RegistryKey) -> Image? {
            repositories[RepositoryKey(registry: registry, name: repository)]?.images[digest]
        }

        func digest(forTag tag: ImageTag, repository: RepositoryName, registry: RegistryKey) -> Digest? {
            repositories[RepositoryKey(registry: registry, name: repository)]?.tags[tag]
        }

        mutating func apply(_ change: ImageChange, repository: RepositoryName, registry: RegistryKey) {
            let key = RepositoryKey(registry: registry, name: repository)
            guard var state = repositories[key] else { return }
            // taken out while it changes, so that its dictionaries are not copied
            repositories[key] = nil
            defer { repositories[key] = state }
            if let image = change.upsert {
                state.images[image.digest] = image
                if !change.signingStatuses.isEmpty { state.statuses[image.digest] = change.signingStatuses }
            }
            for tag in change.removeTags { state.tags[tag] = nil }
            for digest in change.deleteDigests {
                state.images[digest] = nil
                state.statuses[digest] = nil
                state.tags = state.tags.filter { $0.value != digest }
            }
            for (tag, digest) in change.setTags { state.tags[tag] = digest }
            if let (digest, status) = change.updateStatus { state.replaceStatus(status, of: digest) }
        }
    }

    private let state = Mutex(State())

    public init() {}

    public var kind: StoreKind { .inMemory }

    public func insertRepository(_ repository: Repository) -> Bool {
        let key = RepositoryKey(registry: repository.registry, name: repository.name)
        return state.withLock { state in
            guard state.repositories[key] == nil else { return false }
            state.repositories[key] = RepositoryState(repository: repository)
            state.sortedRepositories[repository.registry] = nil
            return true
        }
    }

    public func repository(_ name: RepositoryName, in registry: RegistryKey) -> Repository? {
        state.withLock { $0.repository(name, in: registry) }
    }

    public func repositories(in registry: RegistryKey) -> [Repository] {
        state.withLock { state in
            if let sorted = state.sortedRepositories[registry] { return sorted }
            let sorted = state.repositories.values.lazy.map(\.repository).filter { $0.registry == registry }.sorted { $0.name < $1.name }
            state.sortedRepositories[registry] = sorted
            return sorted
        }
    }

    public func updateRepository(_ repository: Repository) {
        state.withLock { state in
            state.repositories[RepositoryKey(registry: repository.registry, name: repository.name)]?.repository = repository
            state.sortedRepositories[repository.registry] = nil
        }
    }

    public func deleteRepository(_ name: RepositoryName, in registry: RegistryKey) {
        state.withLock { state in
            state.repositories[RepositoryKey(registry: registry, name: name)] = nil
            state.sortedRepositories[registry] = nil
        }
    }

    public func image(_ digest: Digest, repository: RepositoryName, registry: RegistryKey) -> Image? {
        state.withLock { $0.image(digest, repository: repository, registry: registry) }
    }

    public func images(repository: RepositoryName, registry: RegistryKey) -> [TaggedImage] {
        guard let repository = state.withLock({ $0.repositories[RepositoryKey(registry: registry, name: repository)] }) else { return [] }
        var tagsByDigest: [Digest: [ImageTag]] = [:]
        for (tag, digest) in repository.tags { tagsByDigest[digest, default: []].append(tag) }
        return repository.images.values
            .sorted { ($0.pushedAt, $0.digest) < ($1.pushedAt, $1.digest) }
            .map { TaggedImage(image: $0, tags: (tagsByDigest[$0.digest] ?? []).sorted()) }
    }

    public func digest(forTag tag: ImageTag, repository: RepositoryName, registry: RegistryKey) -> Digest? {
        state.withLock { $0.digest(forTag: tag, repository: repository, registry: registry) }
    }

    public func imageCount(repository: RepositoryName, registry: RegistryKey) -> Int {
        state.withLock { $0.repositories[RepositoryKey(registry: registry, name: repository)]?.images.count ?? 0 }
    }

    public func apply(_ change: ImageChange, repository: RepositoryName, registry: RegistryKey) {
        state.withLock { $0.apply(change, repository: repository, registry: registry) }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any MetadataTransaction) throws -> T) throws -> T {
        // The body runs under the lock, so nothing interleaves. It works on a copy of the state (copy-on-write: only
        // what it changes is copied), which replaces the state when it returns and is dropped when it throws.
        try state.withLock { state in
            let transaction = Transaction(state: state)
            let result = try body(transaction)
            state = transaction.state
            return result
        }
    }

    /// The view a transaction body gets: the state as the body's own writes left it.
    private final class Transaction: MetadataTransaction {
        var state: State

        init(state: State) { self.state = state }

        func repository(_ name: RepositoryName, in registry: RegistryKey) -> Repository? {
            state.repository(name, in: registry)
        }

        func image(_ digest: Digest, repository: RepositoryName, registry: RegistryKey) -> Image? {
            state.image(digest, repository: repository, registry: registry)
        }

        func digest(forTag tag: ImageTag, repository: RepositoryName, registry: RegistryKey) -> Digest? {
            state.digest(forTag: tag, repository: repository, registry: registry)
        }

        func signingConfiguration(for registry: RegistryKey) -> SigningConfiguration? {
            state.signingConfigurations[registry]
        }

        func apply(_ change: ImageChange, repository: RepositoryName, registry: RegistryKey) {
            state.apply(change, repository: repository, registry: registry)
        }
    }

    public func signingConfiguration(for registry: RegistryKey) -> SigningConfiguration? {
        state.withLock { $0.signingConfigurations[registry] }
    }

    public func setSigningConfiguration(_ configuration: SigningConfiguration?, for registry: RegistryKey) {
        state.withLock { $0.signingConfigurations[registry] = configuration }
    }

    public func signingStatuses(of digest: Digest, repository: RepositoryName, registry: RegistryKey) -> [SigningStatus] {
        state.withLock { $0.repositories[RepositoryKey(registry: registry, name: repository)]?.statuses[digest] ?? [] }
    }

    public func updateSigningStatus(_ status: SigningStatus, of digest: Digest, repository: RepositoryName, registry: RegistryKey) {
        state.withLock { $0.repositories[RepositoryKey(registry: registry, name: repository)]?.replaceStatus(status, of: digest) }
    }

    public func pendingSigningWork() -> [PendingSignature] {
        state.withLock { state in
            state.repositories.flatMap { key, repository in
                repository.statuses.flatMap { digest, statuses in
                    statuses.filter { $0.state == .inProgress }.map {
                        PendingSignature(registry: key.registry, repository: key.name, digest: digest, status: $0)
                    }
                }
            }
        }
    }
}
