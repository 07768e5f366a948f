import Foundation

/// Which kind of metadata store backs the server (reported by the health endpoint).
public enum StoreKind: String, Sendable {
    case inMemory = "in-memory"
    case sqlite
}

/// Everything that changes in one image write, applied by a store in a single transaction.
public struct ImageChange: Sendable {
    public var upsert: Image?
    public var deleteDigests: [Digest] = []
    public var setTags: [ImageTag: Digest] = [:]
    public var removeTags: [ImageTag] = []
    /// Statuses to record for `upsert` (managed signing); empty until the signing engine exists.
    public var signingStatuses: [SigningStatus] = []
    /// A status of another image of the repository to replace (managed signing stores a signature and marks its
    /// subject's status in one transaction).
    public var updateStatus: (digest: Digest, status: SigningStatus)?

    public init(upsert: Image? = nil) { self.upsert = upsert }
}

/// Metadata of repositories, images, tags, signing configuration and statuses, per registry.
///
/// Implementations: `InMemoryMetadataStore` (a class over a `Mutex`) and `SQLiteMetadataStore` (GRDB, WAL).
/// Stores answer questions and apply changes; only services decide what absence means.
public protocol MetadataStore: Sendable {
    var kind: StoreKind { get }

    /// Inserts `repository`; returns `false` if one with the same name exists in its registry.
    func insertRepository(_ repository: Repository) async throws -> Bool
    func repository(_ name: RepositoryName, in registry: RegistryKey) async throws -> Repository?
    /// All repositories of a registry, sorted by name.
    func repositories(in registry: RegistryKey) async throws -> [Repository]
    func updateRepository(_ repository: Repository) async throws
    /// Removes the repository with its images, tags and signing statuses.
    func deleteRepository(_ name: RepositoryName, in registry: RegistryKey) async throws

    func image(_ digest: Digest, repository: RepositoryName, registry: RegistryKey) async throws -> Image?
    /// All images of a repository with their tags, oldest push first (ties by digest).
    func images(repository: RepositoryName, registry: RegistryKey) async throws -> [TaggedImage]
    func digest(forTag tag: ImageTag, repository: RepositoryName, registry: RegistryKey) async throws -> Digest?
    /// Number of images in the repository.
    func imageCount(repository: RepositoryName, registry: RegistryKey) async throws -> Int
    /// Applies `change` atomically.
    func apply(_ change: ImageChange, repository: RepositoryName, registry: RegistryKey) async throws
    /// Runs `body` as one atomic unit: its reads see every write committed before it (and its own), no other write
    /// comes between its reads and its writes, and when it throws none of its writes is kept. It returns once the
    /// writes are durable.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any MetadataTransaction) throws -> T) async throws -> T

    func signingConfiguration(for registry: RegistryKey) async throws -> SigningConfiguration?
    /// Stores (or with `nil` removes) the registry's signing configuration.
    func setSigningConfiguration(_ configuration: SigningConfiguration?, for registry: RegistryKey) async throws
    /// Statuses recorded for an image, in the order they were recorded.
    func signingStatuses(of digest: Digest, repository: RepositoryName, registry: RegistryKey) async throws -> [SigningStatus]
    /// Replaces the status of one profile for an image (no-op when the image is gone).
    func updateSigningStatus(_ status: SigningStatus, of digest: Digest, repository: RepositoryName, registry: RegistryKey) async throws
    /// Every IN_PROGRESS status, across registries: the managed-signing work that survived a restart.
    func pendingSigningWork() async throws -> [PendingSignature]

    /// For each pending signature, its image's recorded statuses and the image (nil when gone), read together:
    /// what the signing engine checks before it signs a batch.
    func signingSubjects(of items: [PendingSignature]) async throws -> [(statuses: [SigningStatus], image: Image?)]

    /// Whether this store's transactions are ``SignatureRecordingTransaction``s (managed signing then stores a
    /// signature in one transaction; otherwise job, envelope and manifest are written one after the other).
    var recordsSignaturesInTransactions: Bool { get }
}

extension MetadataStore {
    public var recordsSignaturesInTransactions: Bool { false }

    public func signingSubjects(of items: [PendingSignature]) async throws -> [(statuses: [SigningStatus], image: Image?)] {
        var subjects: [(statuses: [SigningStatus], image: Image?)] = []
        for item in items {
            subjects.append(
                (try await signingStatuses(of: item.digest, repository: item.repository, registry: item.registry),
                 try await image(item.digest, repository: item.repository, registry: item.registry)))
        }
        return subjects
    }
}

/// A transaction that can also write what a managed signature stores beside its manifest: its signing job (with the
/// signature count) and its envelope blob. The SQLite store's transactions can — its signer store and small blobs live
/// in the same database — so a signature there is one atomic write.
public protocol SignatureRecordingTransaction: MetadataTransaction {
    func insertSigningJob(_ job: SigningJob) throws
    /// Stores `bytes` as the small blob `digest` (nothing happens if it is there already).
    func putSmallBlob(_ bytes: Data, digest: Digest) throws
    /// Runs `body` so that, if it throws, none of its writes are kept (a savepoint); the transaction goes on.
    func isolated<T>(_ body: () throws -> T) throws -> T
}

/// One signature made by managed signing, with everything stored with it.
public struct ManagedSignature: Sendable {
    /// The signature manifest (OCI image manifest, artifactType notation, `subject` the signed image).
    public let manifest: Data
    /// The JWS envelope, the manifest's one layer.
    public let envelope: Data
    public let job: SigningJob
    public let repository: RepositoryName
    public let registry: RegistryKey
    public let pushedBy: AccountID
    /// The signed image, and its status to record (COMPLETE).
    public let subject: Digest
    public let status: SigningStatus
    /// `manifest` parsed, when its writer knows it (then it is not parsed again).
    public let parsed: ImageManifest?

    public init(
        manifest: Data, envelope: Data, job: SigningJob, repository: RepositoryName, registry: RegistryKey, pushedBy: AccountID, subject: Digest,
        status: SigningStatus, parsed: ImageManifest? = nil
    ) {
        self.parsed = parsed
        self.manifest = manifest
        self.envelope = envelope
        self.job = job
        self.repository = repository
        self.registry = registry
        self.pushedBy = pushedBy
        self.subject = subject
        self.status = status
    }
}

/// ``RegistryService/storeManagedSignatures(_:)`` on a store
/// whose transactions do not record signatures.
public struct SignatureRecordingUnavailable: Error {
    public init() {}
}

/// The reads and the write a ``MetadataStore/transaction(_:)`` body may make (synchronous: a transaction never
/// suspends while it holds the store).
public protocol MetadataTransaction {
    func repository(_ name: RepositoryName, in registry: RegistryKey) throws -> Repository?
    func image(_ digest: Digest, repository: RepositoryName, registry: RegistryKey) throws -> Image?
    func digest(forTag tag: ImageTag, repository: RepositoryName, registry: RegistryKey) throws -> Digest?
    func signingConfiguration(for registry: RegistryKey) throws -> SigningConfiguration?
    func apply(_ change: ImageChange, repository: RepositoryName, registry: RegistryKey) throws
}

/// One signature still to be made by managed signing.
public struct PendingSignature: Sendable, Equatable {
    public let registry: RegistryKey
    public let repository: RepositoryName
    public let digest: Digest
    public let status: SigningStatus

    public init(registry: RegistryKey, repository: RepositoryName, digest: Digest, status: SigningStatus) {
        self.registry = registry
        self.repository = repository
        self.digest = digest
        self.status = status
    }
}

/// Content-addressed blob storage shared by all repositories of a data directory.
public protocol BlobStore: Sendable {
    func contains(_ digest: Digest) async throws -> Bool
    /// Size in bytes, or `nil` when absent.
    func size(of digest: Digest) async throws -> Int64?
    /// Stores small content whose digest is computed here; returns it.
    @discardableResult func put(_ bytes: Data) async throws -> Digest
    func read(_ digest: Digest) async throws -> Data?
    /// Removes a blob; returns whether it existed.
    @discardableResult func delete(_ digest: Digest) async throws -> Bool
    /// Where to read a blob from, for streaming downloads.
    func content(of digest: Digest) async throws -> BlobContent?

    // Uploads: bytes go to a temporary area; a blob becomes visible only through `finishUpload`,
    // after the caller verified its digest.
    func beginUpload(_ id: String) async throws
    func appendToUpload(_ id: String, _ bytes: Data) async throws
    /// Makes the upload's bytes the blob `digest` (durably: fsync, then rename).
    func finishUpload(_ id: String, as digest: Digest) async throws
    func abortUpload(_ id: String) async throws

    /// Whether small blobs live in the metadata store's database, where a ``SignatureRecordingTransaction`` writes
    /// them (the data directory's blob store over the SQLite store it was made with).
    var storesSmallBlobsWithMetadata: Bool { get }
}

extension BlobStore {
    public var storesSmallBlobsWithMetadata: Bool { false }
}

/// How a stored blob can be read.
public enum BlobContent: Sendable {
    case file(path: String, size: Int64)
    case bytes(Data)

    public var size: Int64 {
        switch self {
        case .file(_, let size): return size
        case .bytes(let data): return Int64(data.count)
        }
    }
}

/// A hook for "an image was stored": the managed-signing engine subscribes here.
public protocol ImageEventSink: Sendable {
    func imageStored(_ event: ImageStoredEvent) async
}

/// Fired after an image write that created a new digest in a repository, whatever the path (PutImage or `/v2/`).
public struct ImageStoredEvent: Sendable, Equatable {
    public let registry: RegistryKey
    public let repository: RepositoryName
    public let digest: Digest
    public let mediaType: String
    public let size: Int64
    public let pushedBy: AccountID
    public let signingProfiles: [String]
}
