import Foundation

/// How a manifest write treats an identical image that is already there.
public enum ExistingImagePolicy: Sendable {
    /// `PutImage`: ImageAlreadyExistsException.
    case reject
    /// The registry path: a repeated push succeeds and changes nothing (docker push is idempotent).
    case accept
}

/// The result of storing a manifest.
public struct StoredImage: Sendable {
    public let image: Image
    public let tag: ImageTag?
    /// `false` when the digest was already in the repository (only the tag may have moved).
    public let isNewDigest: Bool
}

/// One image resolved from an `imageId`, or why it could not be.
public enum ImageLookup: Sendable {
    case found(Image, requested: ImageIdentifier)
    case failed(ImageIdentifier, ImageFailure)
}

/// Per-item failure codes of the batch image operations.
public enum ImageFailure: String, Sendable {
    case invalidImageDigest = "InvalidImageDigest"
    case invalidImageTag = "InvalidImageTag"
    case imageTagDoesNotMatchDigest = "ImageTagDoesNotMatchDigest"
    case imageNotFound = "ImageNotFound"
    case missingDigestAndTag = "MissingDigestAndTag"
    case imageReferencedByManifestList = "ImageReferencedByManifestList"
}

/// `filter.tagStatus` of ListImages/DescribeImages.
public enum TagStatus: String, Sendable, CaseIterable {
    case tagged = "TAGGED"
    case untagged = "UNTAGGED"
    case any = "ANY"
}

extension RegistryService {
    // MARK: Writing images

    /// Stores a manifest (PutImage or `PUT /v2/<name>/manifests/<ref>`).
    ///
    /// Digest = SHA-256 of the exact bytes. Referenced blobs must exist; index children must be images of the
    /// repository; a manifest with `subject` is accepted whether or not the subject exists (OCI 1.1).
    public func putImage(
        _ manifestBytes: Data, mediaType declaredMediaType: String?, tag: ImageTag?, expectedDigest: String?,
        repository name: RepositoryName, registry: RegistryKey, pushedBy: AccountID, existing existingPolicy: ExistingImagePolicy,
        updatingStatus statusUpdate: (digest: Digest, status: SigningStatus)? = nil
    ) async throws -> StoredImage {
        guard manifestBytes.count <= ImageManifest.maxSize else {
            throw RegistryError.invalidParameter(.init(path: "imageManifest", value: nil, constraint: .maxLength(ImageManifest.maxSize)))
        }
        let digest = Digest.sha256(of: manifestBytes)
        if let expectedDigest, expectedDigest != digest.description {
            throw RegistryError.imageDigestDoesNotMatch(provided: expectedDigest, computed: digest)
        }
        let manifest = try ImageManifest.parse(manifestBytes, declaredMediaType: declaredMediaType)

        // NAME_UNKNOWN first, then LAYERS_NOT_FOUND (blobs are content-addressed and never deleted, so checking them
        // before the transaction is safe); the repository is read again inside it.
        _ = try await existingRepository(name, in: registry)
        try await checkReferences(of: manifest, repository: name, registry: registry)

        // One store transaction reads what the decision needs and writes the change, so concurrent pushes share group
        // commits instead of queueing behind one lock for a commit each; the shared lock keeps them from
        // interleaving with the read-decide-write sequences of the other operations (which hold it exclusively).
        let (clock, events) = (self.clock, self.events)
        let signs = events != nil
        let (stored, profiles): (StoredImage, [String]) = try await writeLock.withSharedLock {
            try await metadata.transaction { store in
                try Self.writeImage(
                    manifestBytes, manifest: manifest, digest: digest, tag: tag, repository: name, registry: registry, pushedBy: pushedBy,
                    existing: existingPolicy, updatingStatus: statusUpdate, startsSigning: signs, now: clock.now, store: store)
            }
        }

        if stored.isNewDigest, let events {
            await events.imageStored(
                ImageStoredEvent(
                    registry: registry, repository: name, digest: digest, mediaType: manifest.mediaType,
                    size: Int64(manifestBytes.count), pushedBy: pushedBy, signingProfiles: profiles))
        }
        return stored
    }

    /// The decision and the write of a manifest, inside a store transaction: what PutImage, the registry and managed
    /// signing share. Returns the stored image and the profiles whose IN_PROGRESS statuses it recorded.
    private static func writeImage(
        _ manifestBytes: Data, manifest: ImageManifest, digest: Digest, tag: ImageTag?, repository name: RepositoryName, registry: RegistryKey,
        pushedBy: AccountID, existing existingPolicy: ExistingImagePolicy, updatingStatus statusUpdate: (digest: Digest, status: SigningStatus)?,
        startsSigning: Bool, now: Date, store: any MetadataTransaction
    ) throws -> (StoredImage, [String]) {
        guard let repository = try store.repository(name, in: registry) else {
            throw RegistryError.repositoryNotFound(name.value, registry: registry.account)
        }
        let existing = try store.image(digest, repository: name, registry: registry)
        let taggedDigest = try tag.map { try store.digest(forTag: $0, repository: name, registry: registry) } ?? nil

        if let existing, tag == nil || taggedDigest == digest {
            switch existingPolicy {
            case .reject: throw RegistryError.imageAlreadyExists(digest, tag: tag, repository: name, registry: registry.account)
            case .accept:
                if let statusUpdate {
                    var change = ImageChange()
                    change.updateStatus = statusUpdate
                    try store.apply(change, repository: name, registry: registry)
                }
                return (StoredImage(image: existing, tag: tag, isNewDigest: false), [])
            }
        }
        if let tag, let taggedDigest, taggedDigest != digest, !repository.tagMutability.allowsOverwriting(tag) {
            throw RegistryError.imageTagAlreadyExists(tag, repository: name, registry: registry.account)
        }

        let image =
            existing
            ?? Image(
                digest: digest, manifest: manifestBytes, mediaType: manifest.mediaType,
                artifactMediaType: manifest.artifactMediaType, subject: manifest.subject?.digest,
                sizeInBytes: manifest.imageSize(manifestBytes: manifestBytes.count), pushedAt: now)
        var change = ImageChange(upsert: existing == nil ? image : nil)
        if let tag { change.setTags[tag] = digest }
        change.updateStatus = statusUpdate
        // Managed signing: a new image (not a re-tag, not a referrer) in a matching repository gets one
        // IN_PROGRESS status per distinct profile, in the same transaction as the image itself.
        var profiles: [String] = []
        if existing == nil, manifest.subject == nil, startsSigning, let configuration = try store.signingConfiguration(for: registry) {
            profiles = configuration.profiles(matching: name)
            change.signingStatuses = profiles.map {
                SigningStatus(signingProfileArn: $0, state: .inProgress, pushedBy: pushedBy.value)
            }
        }
        try store.apply(change, repository: name, registry: registry)
        return (StoredImage(image: image, tag: tag, isNewDigest: existing == nil), profiles)
    }

    /// Whether ``storeManagedSignatures(_:)`` is available: the metadata store's transactions record jobs and small
    /// blobs, and the blob store reads its small blobs from there.
    public var recordsSignaturesInOneTransaction: Bool {
        metadata.recordsSignaturesInTransactions && blobs.storesSmallBlobsWithMetadata
    }

    /// Managed signing's write, for stores whose transactions record signatures (``recordsSignaturesInOneTransaction``):
    /// for each signature its envelope blob, its signing job, the signature manifest (a referrer of its subject,
    /// untagged) and the subject's new status, in one savepoint; all of the batch in one transaction — one shared
    /// commit (an fsync) for many signatures, where each was three writes waiting for their commits one after the other.
    ///
    /// A manifest's other blobs (its config) must exist already, as for any manifest; the envelope, which the manifest
    /// names as its layer, is written with it. A signature that cannot be stored (its repository is gone, say) leaves
    /// nothing behind and does not keep the others from being stored. Results are in the order of `signatures`.
    public func storeManagedSignatures(_ signatures: [ManagedSignature]) async throws -> [Result<StoredImage, any Error>] {
        guard recordsSignaturesInOneTransaction else { throw SignatureRecordingUnavailable() }
        typealias Prepared = (signature: ManagedSignature, manifest: ImageManifest, digest: Digest, envelope: Digest)
        var prepared: [Result<Prepared, any Error>] = []
        var present: Set<Digest> = []
        for signature in signatures {
            do {
                let envelopeDigest = Digest.sha256(of: signature.envelope)
                let manifest = try signature.parsed ?? ImageManifest.parse(signature.manifest, declaredMediaType: ImageManifest.MediaType.ociManifest)
                var missingBlobs: [Digest] = []
                for descriptor in manifest.blobReferences
                where descriptor.digest != envelopeDigest && !present.contains(descriptor.digest) && !missingBlobs.contains(descriptor.digest) {
                    if try await blobs.contains(descriptor.digest) {
                        present.insert(descriptor.digest)
                    } else {
                        missingBlobs.append(descriptor.digest)
                    }
                }
                guard missingBlobs.isEmpty else {
                    throw RegistryError.layersNotFound(missingBlobs, repository: signature.repository, registry: signature.registry.account)
                }
                prepared.append(.success((signature, manifest, Digest.sha256(of: signature.manifest), envelopeDigest)))
            } catch {
                prepared.append(.failure(error))
            }
        }
        let now = clock.now
        let writes = prepared
        return try await writeLock.withSharedLock {
            try await metadata.transaction { transaction in
                guard let recorder = transaction as? any SignatureRecordingTransaction else { throw SignatureRecordingUnavailable() }
                // a batch's signatures are usually all in one repository, and nothing here changes repositories
                let store = RepositoriesRemembered(transaction)
                return writes.map { prepared in
                    prepared.flatMap { write in
                        Result {
                            try recorder.isolated {
                                try recorder.putSmallBlob(write.signature.envelope, digest: write.envelope)
                                try recorder.insertSigningJob(write.signature.job)
                                return try Self.writeImage(
                                    write.signature.manifest, manifest: write.manifest, digest: write.digest, tag: nil,
                                    repository: write.signature.repository, registry: write.signature.registry, pushedBy: write.signature.pushedBy,
                                    existing: .accept, updatingStatus: (write.signature.subject, write.signature.status), startsSigning: false,
                                    now: now, store: store
                                ).0
                            }
                        }
                    }
                }
            }
        }
    }

    private func checkReferences(of manifest: ImageManifest, repository: RepositoryName, registry: RegistryKey) async throws {
        var missingBlobs: [Digest] = []
        for descriptor in manifest.blobReferences where try await !blobs.contains(descriptor.digest) {
            if !missingBlobs.contains(descriptor.digest) { missingBlobs.append(descriptor.digest) }
        }
        guard missingBlobs.isEmpty else {
            throw RegistryError.layersNotFound(missingBlobs, repository: repository, registry: registry.account)
        }
        var missingChildren: [Digest] = []
        for child in manifest.manifests where try await metadata.image(child.digest, repository: repository, registry: registry) == nil {
            missingChildren.append(child.digest)
        }
        guard missingChildren.isEmpty else {
            throw RegistryError.referencedImagesNotFound(missingChildren, repository: repository, registry: registry.account)
        }
    }

    /// Whether an image of the repository refers to `digest` as its config or one of its layers: GetDownloadUrlForLayer
    /// answers LayerInaccessibleException for a blob that none does (uploaded, but not pushed as part of an image).
    /// A scan of the repository's manifests, looking only into those whose bytes contain the digest.
    public func isLayerAssociated(_ digest: Digest, repository: RepositoryName, registry: RegistryKey) async throws -> Bool {
        let needle = Data(digest.description.utf8)
        for tagged in try await metadata.images(repository: repository, registry: registry) where tagged.image.manifest.range(of: needle) != nil {
            let manifest = try? ImageManifest.parse(tagged.image.manifest, declaredMediaType: tagged.image.mediaType)
            if manifest?.blobReferences.contains(where: { $0.digest == digest }) == true { return true }
        }
        return false
    }

    // MARK: Reading images

    /// Resolves one `imageId` (tag, digest or both) without throwing for per-item problems.
    public func lookup(_ id: ImageIdentifier, repository: RepositoryName, registry: RegistryKey) async throws -> ImageLookup {
        var digest: Digest?
        if let rawDigest = id.digest {
            guard Digest.hasECRShape(rawDigest) else { return .failed(id, .invalidImageDigest) }
            guard let parsed = Digest(parsing: rawDigest) else { return .failed(id, .imageNotFound) }
            digest = parsed
        }
        if let rawTag = id.tag {
            guard let tag = try? ImageTag(rawTag) else { return .failed(id, .invalidImageTag) }
            guard let tagged = try await metadata.digest(forTag: tag, repository: repository, registry: registry) else {
                return .failed(id, .imageNotFound)
            }
            if let digest, digest != tagged { return .failed(id, .imageTagDoesNotMatchDigest) }
            digest = tagged
        }
        guard let digest else { return .failed(id, .missingDigestAndTag) }
        guard let image = try await metadata.image(digest, repository: repository, registry: registry) else {
            return .failed(id, .imageNotFound)
        }
        return .found(image, requested: id)
    }

    /// The image an `imageId` names, or ``RegistryError/imageNotFound(_:repository:registry:)``.
    public func existingImage(_ id: ImageIdentifier, repository: RepositoryName, registry: RegistryKey) async throws -> Image {
        if id.digest == nil, id.tag == nil {
            throw RegistryError.invalidRequest("Invalid parameter at 'imageId': both tag and digest cannot be null")
        }
        // the model's 1–300 characters: an impossible tag is a bad parameter, not an image that is missing
        if let tag = id.tag { _ = try ImageTag(tag, field: "imageId.imageTag") }
        switch try await lookup(id, repository: repository, registry: registry) {
        case .found(let image, _): return image
        case .failed(_, .invalidImageDigest):
            throw RegistryError.invalidRequest(
                "Invalid parameter at 'imageDigest' failed to satisfy constraint: 'must satisfy regular expression '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+''")
        case .failed: throw RegistryError.imageNotFound(id, repository: repository, registry: registry.account)
        }
    }

    public func batchGetImage(
        _ ids: [ImageIdentifier], acceptedMediaTypes: [String]?, repository name: RepositoryName, registry: RegistryKey
    ) async throws -> [ImageLookup] {
        guard (1...100).contains(ids.count) else {
            throw RegistryError.invalidParameter(.init(path: "imageIds", value: nil, constraint: ids.isEmpty ? .minItems(1) : .maxItems(100)))
        }
        _ = try await existingRepository(name, in: registry)
        var results: [ImageLookup] = []
        for id in ids {
            let result = try await lookup(id, repository: name, registry: registry)
            // Signet stores manifests verbatim and converts nothing, so a manifest whose media type the client
            // does not accept is reported as not found for that client.
            if case .found(let image, _) = result, let acceptedMediaTypes, !acceptedMediaTypes.contains(image.mediaType) {
                results.append(.failed(id, .imageNotFound))
            } else {
                results.append(result)
            }
        }
        return results
    }

    /// Images with tags, filtered by tag status, one page in push order.
    public func describeImages(
        _ ids: [ImageIdentifier]?, tagStatus: TagStatus, repository name: RepositoryName, registry: RegistryKey,
        maxResults: Int?, nextToken: String?
    ) async throws -> Page<TaggedImage> {
        try Paginator.checkMaxResults(maxResults, range: 1...1000)
        _ = try await existingRepository(name, in: registry)
        let all = try await metadata.images(repository: name, registry: registry)
        if let ids {
            guard maxResults == nil, nextToken == nil else {
                throw RegistryError.invalidRequest("Invalid parameter: nextToken and maxResults cannot be specified together with imageIds")
            }
            var result: [TaggedImage] = []
            for id in ids {
                let image = try await existingImage(id, repository: name, registry: registry)
                if let tagged = all.first(where: { $0.image.digest == image.digest }), !result.contains(tagged) {
                    result.append(tagged)
                }
            }
            return Page(items: result, nextToken: nil)
        }
        let filtered = all.filter { tagStatus.admits(tagCount: $0.tags.count) }
        return try Paginator.page(
            filtered, key: { Self.sortKey($0.image) }, scope: "DescribeImages \(registry) \(name)", maxResults: maxResults, defaultSize: 100,
            token: nextToken)
    }

    /// One entry per tag, untagged images as digest-only entries.
    public func listImages(
        tagStatus: TagStatus, repository name: RepositoryName, registry: RegistryKey, maxResults: Int?, nextToken: String?
    ) async throws -> Page<(digest: Digest, tag: ImageTag?)> {
        try Paginator.checkMaxResults(maxResults, range: 1...1000)
        _ = try await existingRepository(name, in: registry)
        var entries: [(digest: Digest, tag: ImageTag?, key: String)] = []
        for tagged in try await metadata.images(repository: name, registry: registry) where tagStatus.admits(tagCount: tagged.tags.count) {
            let base = Self.sortKey(tagged.image)
            if tagged.tags.isEmpty {
                entries.append((tagged.image.digest, nil, base))
            } else {
                for tag in tagged.tags { entries.append((tagged.image.digest, tag, base + "/" + tag.value)) }
            }
        }
        let page = try Paginator.page(
            entries, key: \.key, scope: "ListImages \(registry) \(name)", maxResults: maxResults, defaultSize: 100, token: nextToken)
        return Page(items: page.items.map { ($0.digest, $0.tag) }, nextToken: page.nextToken)
    }

    /// Images whose `subject` is `digest`, filtered by artifact type, one page.
    public func listImageReferrers(
        of digest: Digest, artifactTypes: [String]?, repository name: RepositoryName, registry: RegistryKey, maxResults: Int?,
        nextToken: String?
    ) async throws -> Page<Image> {
        try Paginator.checkMaxResults(maxResults, range: 1...50)
        _ = try await existingRepository(name, in: registry)
        let referrers = try await metadata.images(repository: name, registry: registry)
            .map(\.image)
            .filter { $0.subject == digest }
            .filter { image in artifactTypes.map { $0.isEmpty || $0.contains(image.artifactMediaType ?? "") } ?? true }
        return try Paginator.page(
            referrers, key: Self.sortKey, scope: "ListImageReferrers \(registry) \(name) \(digest)", maxResults: maxResults, defaultSize: 50,
            token: nextToken)
    }

    /// Push order, then digest: zero-padded milliseconds keep string order equal to time order.
    static func sortKey(_ image: Image) -> String {
        let millis = Int64((image.pushedAt.timeIntervalSince1970 * 1000).rounded())
        let padded = String(millis)
        return String(repeating: "0", count: max(0, 15 - padded.count)) + padded + "/" + image.digest.description
    }

    // MARK: Deleting images

    /// What BatchDeleteImage removed and what it could not.
    public struct DeleteResult: Sendable {
        public var deleted: [(digest: Digest, tag: ImageTag?)] = []
        public var failures: [(id: ImageIdentifier, failure: ImageFailure)] = []
    }

    /// By tag: removes the tag, and the image with its last tag. By digest: removes the image and all its tags.
    public func batchDeleteImage(_ ids: [ImageIdentifier], repository name: RepositoryName, registry: RegistryKey) async throws -> DeleteResult {
        guard (1...100).contains(ids.count) else {
            throw RegistryError.invalidParameter(.init(path: "imageIds", value: nil, constraint: ids.isEmpty ? .minItems(1) : .maxItems(100)))
        }
        return try await writeLock.withLock {
            _ = try await existingRepository(name, in: registry)
            var result = DeleteResult()
            for id in ids {
                let images = try await metadata.images(repository: name, registry: registry)
                switch try await lookup(id, repository: name, registry: registry) {
                case .failed(let id, let failure):
                    result.failures.append((id, failure))
                case .found(let image, let requested):
                    guard let tagged = images.first(where: { $0.image.digest == image.digest }) else {
                        result.failures.append((id, .imageNotFound))
                        continue
                    }
                    let requestedTag = requested.tag.map(ImageTag.init(trusted:))
                    let removesImage = requestedTag.map { tagged.tags == [$0] } ?? true
                    if removesImage, Self.isChildOfIndex(image.digest, in: images) {
                        result.failures.append((id, .imageReferencedByManifestList))
                        continue
                    }
                    var change = ImageChange()
                    change.removeTags = requestedTag.map { [$0] } ?? tagged.tags
                    if removesImage { change.deleteDigests = [image.digest] }
                    if change.removeTags.isEmpty {
                        result.deleted.append((image.digest, nil))
                    } else {
                        result.deleted += change.removeTags.map { (image.digest, $0) }
                    }
                    try await metadata.apply(change, repository: name, registry: registry)
                }
            }
            return result
        }
    }

    static func isChildOfIndex(_ digest: Digest, in images: [TaggedImage]) -> Bool {
        images.contains { tagged in
            guard ImageManifest.MediaType.indexTypes.contains(tagged.image.mediaType),
                let manifest = try? ImageManifest.parse(tagged.image.manifest, declaredMediaType: tagged.image.mediaType)
            else { return false }
            return manifest.manifests.contains { $0.digest == digest }
        }
    }

    // MARK: Signing status

    public func describeImageSigningStatus(
        _ id: ImageIdentifier, repository name: RepositoryName, registry: RegistryKey
    ) async throws -> (image: Image, statuses: [SigningStatus]) {
        _ = try await existingRepository(name, in: registry)
        let image = try await existingImage(id, repository: name, registry: registry)
        return (image, try await metadata.signingStatuses(of: image.digest, repository: name, registry: registry))
    }
}

extension TagStatus {
    func admits(tagCount: Int) -> Bool {
        switch self {
        case .any: return true
        case .tagged: return tagCount > 0
        case .untagged: return tagCount == 0
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

/// A transaction that reads each repository once: ``RegistryService/storeManagedSignatures(_:)`` writes many
/// signatures in one transaction, and none of its writes changes a repository.
private final class RepositoriesRemembered: MetadataTransaction {
    private let transaction: any MetadataTransaction
    private var repositories: [String: Repository?] = [:]

    init(_ transaction: any MetadataTransaction) { self.transaction = transaction }

    func repository(_ name: RepositoryName, in registry: RegistryKey) throws -> Repository? {
        let key = "\(registry.account)/\(registry.region)/\(name)"
        if let known = repositories[key] { return known }
        let found = try transaction.repository(name, in: registry)
        repositories[key] = found
        return found
    }

    func image(_ digest: Digest, repository: RepositoryName, registry: RegistryKey) throws -> Image? {
        try transaction.image(digest, repository: repository, registry: registry)
    }

    func digest(forTag tag: ImageTag, repository: RepositoryName, registry: RegistryKey) throws -> Digest? {
        try transaction.digest(forTag: tag, repository: repository, registry: registry)
    }

    func signingConfiguration(for registry: RegistryKey) throws -> SigningConfiguration? {
        try transaction.signingConfiguration(for: registry)
    }

    func apply(_ change: ImageChange, repository: RepositoryName, registry: RegistryKey) throws {
        try transaction.apply(change, repository: repository, registry: registry)
    }
}
