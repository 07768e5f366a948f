import Foundation
import SignetDomain
import SignetStorage
import Testing

/// The same contract, checked against both metadata stores.
@Suite("Metadata store contract")
struct MetadataStoreContractTests {
    enum Kind: String, CaseIterable, Sendable { case inMemory, sqlite }

    static func makeStore(_ kind: Kind) throws -> (any MetadataStore, URL?) {
        switch kind {
        case .inMemory: return (InMemoryMetadataStore(), nil)
        case .sqlite:
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-store-\(UUID().uuidString)")
            let directory = try DataDirectory(path: url.path)
            return (try SQLiteMetadataStore(path: directory.databasePath), url)
        }
    }

    static let registry = RegistryKey(account: AccountID(trusted: "123456789012"), region: Region("us-east-1"))

    static func image(_ text: String, at seconds: Double, subject: Digest? = nil) -> Image {
        Image(
            digest: Digest.sha256(of: Data(text.utf8)), manifest: Data(text.utf8), mediaType: "application/vnd.oci.image.manifest.v1+json",
            artifactMediaType: "x", subject: subject, sizeInBytes: 10, pushedAt: Date(timeIntervalSince1970: seconds))
    }

    @Test(arguments: Kind.allCases)
    func repositoryUpdatesKeepImages(kind: Kind) async throws {
        let (store, url) = try Self.makeStore(kind)
        defer { url.map { try? FileManager.default.removeItem(at: $0) } }
        let name = RepositoryName(trusted: "team/app")
        var repository = Repository(registry: Self.registry, name: name, createdAt: Date(timeIntervalSince1970: 1))
        #expect(try await store.insertRepository(repository))
        #expect(try await !store.insertRepository(repository))
        let image = Self.image("m1", at: 2)
        var change = ImageChange(upsert: image)
        change.setTags = [ImageTag(trusted: "v1"): image.digest]
        change.signingStatuses = [SigningStatus(signingProfileArn: "arn:p", state: .inProgress)]
        try await store.apply(change, repository: name, registry: Self.registry)

        repository.tags = [ResourceTag(trustedKey: "k", value: "v")]
        repository.tagMutability = TagMutability(trustedMode: .immutable, exclusionFilters: [])
        try await store.updateRepository(repository)
        #expect(try await store.repository(name, in: Self.registry) == repository)
        #expect(try await store.image(image.digest, repository: name, registry: Self.registry) == image)
        #expect(try await store.digest(forTag: ImageTag(trusted: "v1"), repository: name, registry: Self.registry) == image.digest)
        #expect(try await store.signingStatuses(of: image.digest, repository: name, registry: Self.registry).map(\.state) == [.inProgress])
    }

    @Test(arguments: Kind.allCases)
    func deletingAnImageTakesItsTagsAndStatuses(kind: Kind) async throws {
        let (store, url) = try Self.makeStore(kind)
        defer { url.map { try? FileManager.default.removeItem(at: $0) } }
        let name = RepositoryName(trusted: "ab")
        _ = try await store.insertRepository(Repository(registry: Self.registry, name: name, createdAt: Date()))
        let first = Self.image("m1", at: 5)
        let second = Self.image("m2", at: 3)
        for image in [first, second] {
            var change = ImageChange(upsert: image)
            change.setTags = [ImageTag(trusted: image == first ? "a" : "b"): image.digest]
            change.signingStatuses = [SigningStatus(signingProfileArn: "arn:p", state: .complete)]
            try await store.apply(change, repository: name, registry: Self.registry)
        }
        #expect(try await store.images(repository: name, registry: Self.registry).map(\.image.digest) == [second.digest, first.digest])
        var delete = ImageChange()
        delete.deleteDigests = [first.digest]
        try await store.apply(delete, repository: name, registry: Self.registry)
        #expect(try await store.imageCount(repository: name, registry: Self.registry) == 1)
        #expect(try await store.digest(forTag: ImageTag(trusted: "a"), repository: name, registry: Self.registry) == nil)
        #expect(try await store.signingStatuses(of: first.digest, repository: name, registry: Self.registry).isEmpty)

        try await store.deleteRepository(name, in: Self.registry)
        #expect(try await store.repository(name, in: Self.registry) == nil)
        #expect(try await store.images(repository: name, registry: Self.registry).isEmpty)
    }

    /// A listing is sorted by name and follows every create, change and delete made after an earlier listing (the
    /// in-memory store keeps each registry's sorted list between calls).
    @Test(arguments: Kind.allCases)
    func repositoryListingsFollowEveryChange(kind: Kind) async throws {
        let (store, url) = try Self.makeStore(kind)
        defer { url.map { try? FileManager.default.removeItem(at: $0) } }
        let other = RegistryKey(account: AccountID(trusted: "123456789012"), region: Region("eu-west-1"))
        func names(_ registry: RegistryKey = Self.registry) async throws -> [String] {
            try await store.repositories(in: registry).map(\.name.value)
        }
        for name in ["mm", "zz", "aa"] {
            _ = try await store.insertRepository(Repository(registry: Self.registry, name: RepositoryName(trusted: name), createdAt: Date()))
        }
        #expect(try await names() == ["aa", "mm", "zz"])
        #expect(try await names() == ["aa", "mm", "zz"])
        _ = try await store.insertRepository(Repository(registry: Self.registry, name: RepositoryName(trusted: "bb"), createdAt: Date()))
        _ = try await store.insertRepository(Repository(registry: other, name: RepositoryName(trusted: "cc"), createdAt: Date()))
        #expect(try await names() == ["aa", "bb", "mm", "zz"])
        #expect(try await names(other) == ["cc"])
        var changed = try #require(try await store.repository(RepositoryName(trusted: "mm"), in: Self.registry))
        changed.scanOnPush = true
        try await store.updateRepository(changed)
        #expect(try await store.repositories(in: Self.registry).first { $0.name.value == "mm" }?.scanOnPush == true)
        try await store.deleteRepository(RepositoryName(trusted: "aa"), in: Self.registry)
        #expect(try await names() == ["bb", "mm", "zz"])
        #expect(try await names(other) == ["cc"])
    }

    @Test(arguments: Kind.allCases)
    func registriesAreIsolated(kind: Kind) async throws {
        let (store, url) = try Self.makeStore(kind)
        defer { url.map { try? FileManager.default.removeItem(at: $0) } }
        let other = RegistryKey(account: AccountID(trusted: "123456789012"), region: Region("eu-west-1"))
        let name = RepositoryName(trusted: "ab")
        _ = try await store.insertRepository(Repository(registry: Self.registry, name: name, createdAt: Date()))
        #expect(try await store.repositories(in: other).isEmpty)
        #expect(try await store.insertRepository(Repository(registry: other, name: name, createdAt: Date())))
        let configuration = try SigningConfiguration(validating: [])
        try await store.setSigningConfiguration(configuration, for: other)
        #expect(try await store.signingConfiguration(for: Self.registry) == nil)
        #expect(try await store.signingConfiguration(for: other) == configuration)
        try await store.setSigningConfiguration(nil, for: other)
        #expect(try await store.signingConfiguration(for: other) == nil)
    }
}

@Suite("File-system blob store")
struct FileSystemBlobStoreTests {
    @Test func blobsAreContentAddressedAndAtomic() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let directory = try DataDirectory(path: url.path)
        let store = FileSystemBlobStore(directory: directory)
        let blobs: any BlobStore = store
        let digest = try await blobs.put(Data("hello".utf8))
        #expect(digest.description == "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        let path = url.appendingPathComponent("blobs/sha256/2c/\(digest.hex)").path
        #expect(FileManager.default.contents(atPath: path) == Data("hello".utf8))
        #expect(try await blobs.size(of: digest) == 5)
        #expect(try await blobs.contains(digest))
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.appendingPathComponent("tmp").path).isEmpty)
        #expect(try await blobs.delete(digest))
        #expect(try await blobs.read(digest) == nil)
    }

    /// An upload streamed in parts of odd sizes across several write-back windows (flushed to disk while it
    /// streams) is published byte for byte, and nothing is left in `tmp/`.
    @Test func uploadsSpanningWritebackWindowsArePublishedIntact() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let store = FileSystemBlobStore(directory: try DataDirectory(path: url.path))
        let window = Int(FileSystemBlobStore.writebackWindow)
        let content = Data((0..<(2 * window + 12_345)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) })
        try await store.beginUpload("u")
        var offset = 0
        for size in [1, window - 2, 3, 65_536, window] + Array(repeating: 4_093, count: 8) {
            let end = min(content.count, offset + size)
            try await store.appendToUpload("u", content[offset..<end])
            offset = end
        }
        try await store.appendToUpload("u", content[offset...])
        let digest = Digest.sha256(of: content)
        try await store.finishUpload("u", as: digest)
        #expect(store.read(digest) == content)
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.appendingPathComponent("tmp").path).isEmpty)
    }
}

@Suite("Data-directory blob store")
struct DataDirectoryBlobStoreTests {
    /// Small content given to `put` lives in the database (no file), survives reopening, and reads, sizes and deletes
    /// like a file; large content and uploads go to files; a digest present in both places is deleted from both.
    @Test func smallBlobsLiveInTheDatabase() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let directory = try DataDirectory(path: url.path)
        let files = FileSystemBlobStore(directory: directory)
        var blobs: any BlobStore = DataDirectoryBlobStore(files: files, database: try SQLiteMetadataStore(path: directory.databasePath))
        let small = Data("envelope".utf8)
        let digest = try await blobs.put(small)
        #expect(digest == Digest.sha256(of: small))
        #expect(!files.contains(digest))
        #expect(try await blobs.put(small) == digest)  // idempotent
        let empty = try await blobs.put(Data())
        #expect(try await blobs.read(empty) == Data())
        #expect(try await blobs.size(of: empty) == 0)

        let large = Data(repeating: 7, count: DataDirectoryBlobStore.smallBlobLimit + 1)
        let largeDigest = try await blobs.put(large)
        #expect(files.contains(largeDigest))

        try await blobs.beginUpload("u1")
        try await blobs.appendToUpload("u1", Data("layer".utf8))
        let uploaded = Digest.sha256(of: Data("layer".utf8))
        try await blobs.finishUpload("u1", as: uploaded)
        #expect(files.contains(uploaded))

        // reopened: the small blob is still there
        blobs = DataDirectoryBlobStore(files: files, database: try SQLiteMetadataStore(path: directory.databasePath))
        #expect(try await blobs.contains(digest))
        #expect(try await blobs.size(of: digest) == Int64(small.count))
        #expect(try await blobs.read(digest) == small)
        guard case .bytes(let bytes) = try await blobs.content(of: digest) else {
            Issue.record("a small blob is served from memory")
            return
        }
        #expect(bytes == small)
        #expect(try await blobs.size(of: largeDigest) == Int64(large.count))
        #expect(try await blobs.read(uploaded) == Data("layer".utf8))

        #expect(try await blobs.delete(digest))
        #expect(try await !blobs.contains(digest))
        #expect(try await blobs.read(digest) == nil)
        #expect(try await blobs.content(of: digest) == nil)
        #expect(try await !blobs.delete(digest))
        #expect(try await blobs.delete(uploaded))
        #expect(try await !blobs.contains(uploaded))
    }
}

extension MetadataStoreContractTests {
    /// A transaction is all or nothing, and no write comes between its reads and its writes: 40 concurrent
    /// "tag v1 if nobody has" transactions tag exactly once.
    @Test(arguments: Kind.allCases)
    func transactionsAreAtomicAndIsolated(kind: Kind) async throws {
        let (store, url) = try Self.makeStore(kind)
        defer { url.map { try? FileManager.default.removeItem(at: $0) } }
        let name = RepositoryName(trusted: "team/app")
        #expect(try await store.insertRepository(Repository(registry: Self.registry, name: name, createdAt: Date(timeIntervalSince1970: 1))))
        let registry = Self.registry

        struct Refused: Error {}
        let dropped = Self.image("dropped", at: 2)
        await #expect(throws: Refused.self) {
            try await store.transaction { transaction in
                try transaction.apply(ImageChange(upsert: dropped), repository: name, registry: registry)
                #expect(try transaction.image(dropped.digest, repository: name, registry: registry) == dropped)
                throw Refused()
            }
        }
        #expect(try await store.image(dropped.digest, repository: name, registry: registry) == nil)

        let tag = ImageTag(trusted: "v1")
        let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<40 {
                group.addTask {
                    let image = Self.image("candidate-\(i)", at: Double(i))
                    return try await store.transaction { transaction in
                        guard try transaction.digest(forTag: tag, repository: name, registry: registry) == nil else { return false }
                        var change = ImageChange(upsert: image)
                        change.setTags[tag] = image.digest
                        try transaction.apply(change, repository: name, registry: registry)
                        return true
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(winners == 1)
        #expect(try await store.imageCount(repository: name, registry: registry) == 1)
    }
}

extension MetadataStoreContractTests {
    /// Managed signing stores a signature and marks its subject's status in one change.
    @Test(arguments: Kind.allCases)
    func aChangeCanStoreAReferrerAndCompleteItsSubjectsStatus(kind: Kind) async throws {
        let (store, url) = try Self.makeStore(kind)
        defer { url.map { try? FileManager.default.removeItem(at: $0) } }
        let name = RepositoryName(trusted: "team/app")
        #expect(try await store.insertRepository(Repository(registry: Self.registry, name: name, createdAt: Date(timeIntervalSince1970: 1))))
        let subject = Self.image("subject", at: 1)
        var push = ImageChange(upsert: subject)
        push.signingStatuses = [
            SigningStatus(signingProfileArn: "arn:a", state: .inProgress, pushedBy: "123456789012"),
            SigningStatus(signingProfileArn: "arn:b", state: .inProgress, pushedBy: "123456789012"),
        ]
        try await store.apply(push, repository: name, registry: Self.registry)

        var signature = ImageChange(upsert: Self.image("signature", at: 2, subject: subject.digest))
        signature.updateStatus = (subject.digest, SigningStatus(signingProfileArn: "arn:b", state: .complete, pushedBy: "123456789012"))
        try await store.apply(signature, repository: name, registry: Self.registry)

        let statuses = try await store.signingStatuses(of: subject.digest, repository: name, registry: Self.registry)
        #expect(statuses.map(\.signingProfileArn) == ["arn:a", "arn:b"])
        #expect(statuses.map(\.state) == [.inProgress, .complete])
        #expect(try await store.imageCount(repository: name, registry: Self.registry) == 2)
    }
}
