public import SignetDomain

/// Metadata kept in process memory; lost when the process stops (`--in-memory`).
public actor InMemoryMetadataStore: MetadataStore {
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

    private var repositories: [RepositoryKey: RepositoryState] = [:]
    private var signingConfigurations: [RegistryKey: SigningConfiguration] = [:]

    public init() {}

    public nonisolated var kind: StoreKind { .inMemory }

    public func insertRepository(_ repository: Repository) -> Bool {
        let key = RepositoryKey(registry: repository.registry, name: repository.name)
        guard repositories[key] == nil else { return false }
        repositories[key] = RepositoryState(repository: repository)
        return true
    }

    public func repository(_ name: RepositoryName, in registry: RegistryKey) -> Repository? {
        repositories[RepositoryKey(registry: registry, name: name)]?.repository
    }

    public func repositories(in registry: RegistryKey) -> [Repository] {
        repositories.values.lazy.map(\.repository).filter { $0.registry == registry }.sorted { $0.name < $1.name }
    }

    public func updateRepository(_ repository: Repository) {
        repositories[RepositoryKey(registry: repository.registry, name: repository.name)]?.repository = repository
    }

    public func deleteRepository(_ name: RepositoryName, in registry: RegistryKey) {
        repositories[RepositoryKey(registry: registry, name: name)] = nil
    }

    public func image(_ digest: Digest, repository: RepositoryName, registry: RegistryKey) -> Image? {
        repositories[RepositoryKey(registry: registry, name: repository)]?.images[digest]
    }

    public func images(repository: RepositoryName, registry: RegistryKey) -> [TaggedImage] {
        guard let state = repositories[RepositoryKey(registry: registry, name: repository)] else { return [] }
        var tagsByDigest: [Digest: [ImageTag]] = [:]
        for (tag, digest) in state.tags { tagsByDigest[digest, default: []].append(tag) }
        return state.images.values
            .sorted { ($0.pushedAt, $0.digest) < ($1.pushedAt, $1.digest) }
            .map { TaggedImage(image: $0, tags: (tagsByDigest[$0.digest] ?? []).sorted()) }
    }

    public func digest(forTag tag: ImageTag, repository: RepositoryName, registry: RegistryKey) -> Digest? {
        repositories[RepositoryKey(registry: registry, name: repository)]?.tags[tag]
    }

    public func imageCount(repository: RepositoryName, registry: RegistryKey) -> Int {
        repositories[RepositoryKey(registry: registry, name: repository)]?.images.count ?? 0
    }

    public func apply(_ change: ImageChange, repository: RepositoryName, registry: RegistryKey) {
        let key = RepositoryKey(registry: registry, name: repository)
        guard var state = repositories[key] else { return }
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
        repositories[key] = state
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any MetadataTransaction) throws -> T) throws -> T {
        // The body runs synchronously on this actor, so nothing interleaves; a copy of the state (copy-on-write,
        // so only paid for when the body writes) is put back when it throws.
        let saved = (repositories, signingConfigurations)
        do {
            return try body(Transaction(store: self))
        } catch {
            (repositories, signingConfigurations) = saved
            throw error
        }
    }

    /// The view a transaction body gets: calls back into the store, which is already isolated while the body runs.
    private struct Transaction: MetadataTransaction {
        let store: InMemoryMetadataStore

        func repository(_ name: RepositoryName, in registry: RegistryKey) -> Repository? {
            store.assumeIsolated { $0.repository(name, in: registry) }
        }

        func image(_ digest: Digest, repository: RepositoryName, registry: RegistryKey) -> Image? {
            store.assumeIsolated { $0.image(digest, repository: repository, registry: registry) }
        }

        func digest(forTag tag: ImageTag, repository: RepositoryName, registry: RegistryKey) -> Digest? {
            store.assumeIsolated { $0.digest(forTag: tag, repository: repository, registry: registry) }
        }

        func signingConfiguration(for registry: RegistryKey) -> SigningConfiguration? {
            store.assumeIsolated { $0.signingConfiguration(for: registry) }
        }

        func apply(_ change: ImageChange, repository: RepositoryName, registry: RegistryKey) {
            store.assumeIsolated { $0.apply(change, repository: repository, registry: registry) }
        }
    }

    public func signingConfiguration(for registry: RegistryKey) -> SigningConfiguration? {
        signingConfigurations[registry]
    }

    public func setSigningConfiguration(_ configuration: SigningConfiguration?, for registry: RegistryKey) {
        signingConfigurations[registry] = configuration
    }

    public func signingStatuses(of digest: Digest, repository: RepositoryName, registry: RegistryKey) -> [SigningStatus] {
        repositories[RepositoryKey(registry: registry, name: repository)]?.statuses[digest] ?? []
    }

    public func updateSigningStatus(_ status: SigningStatus, of digest: Digest, repository: RepositoryName, registry: RegistryKey) {
        repositories[RepositoryKey(registry: registry, name: repository)]?.replaceStatus(status, of: digest)
    }

    public func pendingSigningWork() -> [PendingSignature] {
        repositories.flatMap { key, state in
            state.statuses.flatMap { digest, statuses in
                statuses.filter { $0.state == .inProgress }.map {
                    PendingSignature(registry: key.registry, repository: key.name, digest: digest, status: $0)
                }
            }
        }
    }
}
