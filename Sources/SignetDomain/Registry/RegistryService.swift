import Foundation

/// The ECR control plane's rules: repositories, images, tags, the signing configuration.
///
/// Every read-decide-write sequence runs under one lock, and each write reaches the store as one change,
/// so concurrent pushes never interleave halfway. Reads take no lock.
public struct RegistryService: Sendable {
    public let metadata: any MetadataStore
    public let blobs: any BlobStore
    let clock: any SignetClock
    let events: (any ImageEventSink)?
    let writeLock = AsyncLock()

    public init(metadata: any MetadataStore, blobs: any BlobStore, clock: any SignetClock, events: (any ImageEventSink)? = nil) {
        self.metadata = metadata
        self.blobs = blobs
        self.clock = clock
        self.events = events
    }

    // MARK: Registry resolution

    /// The registry a request addresses: the caller's own, or the one `registryId` names.
    ///
    /// A caller may not act on another account's registry (no cross-account repository policies are
    /// emulated), so naming one is refused the way IAM refuses it, without revealing whether it exists.
    public func registry(_ registryId: String?, caller: CallerIdentity, action: String, resource: String) throws -> RegistryKey {
        guard let registryId else { return caller.registry }
        let account = try AccountID(registryId)
        guard account == caller.account else {
            throw Self.notAuthorized(caller, action: action, resourceArn: "arn:aws:ecr:\(caller.region):\(account):repository/\(resource)")
        }
        return caller.registry
    }

    /// How IAM refuses `caller` an action on another account's repository.
    static func notAuthorized(_ caller: CallerIdentity, action: String, resourceArn: String) -> RegistryError {
        .notAuthorized(
            "User: arn:aws:iam::\(caller.account):root is not authorized to perform: ecr:\(action) on resource: \(resourceArn) "
                + "because no resource-based policy allows the ecr:\(action) action")
    }

    /// The repository, or ``RegistryError/repositoryNotFound(_:registry:)``.
    public func existingRepository(_ name: RepositoryName, in registry: RegistryKey) async throws -> Repository {
        guard let repository = try await metadata.repository(name, in: registry) else {
            throw RegistryError.repositoryNotFound(name.value, registry: registry.account)
        }
        return repository
    }

    // MARK: Repositories

    public func createRepository(_ repository: Repository) async throws -> Repository {
        guard repository.tags.count <= ResourceTag.maxPerResource else { throw RegistryError.tooManyTags(limit: ResourceTag.maxPerResource) }
        try Self.checkDistinctKeys(repository.tags)
        guard try await metadata.insertRepository(repository) else {
            throw RegistryError.repositoryAlreadyExists(repository.name, registry: repository.registry.account)
        }
        return repository
    }

    /// Repositories by name (all must exist) or one page of all of them (sorted by name).
    public func describeRepositories(
        names: [RepositoryName]?, in registry: RegistryKey, maxResults: Int?, nextToken: String?
    ) async throws -> Page<Repository> {
        try Paginator.checkMaxResults(maxResults, range: 1...1000)
        if let names {
            guard maxResults == nil, nextToken == nil else {
                throw RegistryError.invalidRequest(
                    "Invalid parameter: nextToken and maxResults cannot be specified together with repositoryNames")
            }
            var found: [Repository] = []
            for name in names {
                found.append(try await existingRepository(name, in: registry))
            }
            return Page(items: found, nextToken: nil)
        }
        let all = try await metadata.repositories(in: registry)
        // sorted by name: the store's contract
        return try Paginator.pageOfSorted(
            all, key: \.name.value, scope: "DescribeRepositories \(registry)", maxResults: maxResults, defaultSize: 100, token: nextToken)
    }

    public func deleteRepository(_ name: RepositoryName, in registry: RegistryKey, force: Bool) async throws -> Repository {
        try await writeLock.withLock {
            let repository = try await existingRepository(name, in: registry)
            if !force, try await metadata.imageCount(repository: name, registry: registry) > 0 {
                throw RegistryError.repositoryNotEmpty(name, registry: registry.account)
            }
            try await metadata.deleteRepository(name, in: registry)
            return repository
        }
    }

    public func putImageTagMutability(_ name: RepositoryName, in registry: RegistryKey, _ mutability: TagMutability) async throws -> Repository {
        try await writeLock.withLock {
            var repository = try await existingRepository(name, in: registry)
            repository.tagMutability = mutability
            try await metadata.updateRepository(repository)
            return repository
        }
    }

    // MARK: Resource tags

    /// Parses `arn:aws:ecr:<region>:<account>:repository/<name>` and checks it belongs to `caller`'s registry.
    ///
    /// An ARN in another account is refused as a `registryId` naming that account is (AccessDeniedException for
    /// `action`); one in another region of the caller's account names a repository that is not in this registry;
    /// a partition other than the `aws` of the ARNs Signet issues is not an ECR repository ARN here.
    public func repositoryForArn(_ arn: String, caller: CallerIdentity, action: String) async throws -> Repository {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "aws", parts[2] == "ecr",
            parts[5].hasPrefix("repository/")
        else {
            throw RegistryError.invalidRequest("Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'")
        }
        let name = try RepositoryName(String(parts[5].dropFirst("repository/".count)), field: "resourceArn")
        let account = try AccountID(String(parts[4]), field: "resourceArn")
        guard account == caller.account else { throw Self.notAuthorized(caller, action: action, resourceArn: arn) }
        guard String(parts[3]) == caller.region.value else {
            throw RegistryError.repositoryNotFound(name.value, registry: account)
        }
        return try await existingRepository(name, in: caller.registry)
    }

    public func tagResource(_ arn: String, tags: [ResourceTag], caller: CallerIdentity) async throws {
        try Self.checkDistinctKeys(tags)
        try await writeLock.withLock {
            var repository = try await repositoryForArn(arn, caller: caller, action: "TagResource")
            let merged = ResourceTag.merge(repository.tags, with: tags)
            guard merged.count <= ResourceTag.maxPerResource else { throw RegistryError.tooManyTags(limit: ResourceTag.maxPerResource) }
            repository.tags = merged
            try await metadata.updateRepository(repository)
        }
    }

    public func untagResource(_ arn: String, keys: [String], caller: CallerIdentity) async throws {
        try await writeLock.withLock {
            var repository = try await repositoryForArn(arn, caller: caller, action: "UntagResource")
            repository.tags.removeAll { keys.contains($0.key) }
            try await metadata.updateRepository(repository)
        }
    }

    static func checkDistinctKeys(_ tags: [ResourceTag]) throws {
        var seen = Set<String>()
        for tag in tags where !seen.insert(tag.key).inserted {
            throw RegistryError.invalidTagParameter("Tag key '\(tag.key)' is specified more than once")
        }
    }

    // MARK: Signing configuration

    public func putSigningConfiguration(_ configuration: SigningConfiguration, for registry: RegistryKey) async throws -> SigningConfiguration {
        try await writeLock.withLock {
            try await metadata.setSigningConfiguration(configuration, for: registry)
            return configuration
        }
    }

    public func signingConfiguration(for registry: RegistryKey) async throws -> SigningConfiguration {
        guard let configuration = try await metadata.signingConfiguration(for: registry) else {
            throw RegistryError.signingConfigurationNotFound(registry: registry.account)
        }
        return configuration
    }

    public func deleteSigningConfiguration(for registry: RegistryKey) async throws -> SigningConfiguration {
        try await writeLock.withLock {
            let configuration = try await signingConfiguration(for: registry)
            try await metadata.setSigningConfiguration(nil, for: registry)
            return configuration
        }
    }
}
