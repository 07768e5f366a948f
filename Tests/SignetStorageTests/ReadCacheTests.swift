import Foundation
import SignetDomain
import Testing

@testable import SignetStorage

/// The SQLite store answers a tag's digest, an image and a registry's repositories from memory between writes;
/// every write, whatever it changes, is seen by the next read.
@Suite("Read cache")
struct ReadCacheTests {
    static let registry = MetadataStoreContractTests.registry

    static func withStore(_ body: (SQLiteMetadataStore) async throws -> Void) async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-image-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try await body(try SQLiteMetadataStore(path: try DataDirectory(path: url.path).databasePath))
    }

    @Test func readsAfterEveryKindOfWriteSeeTheWrite() async throws {
        try await Self.withStore { store in
            let name = RepositoryName(trusted: "team/app")
            let tag = ImageTag(trusted: "v1")
            let first = MetadataStoreContractTests.image("m1", at: 1)
            let second = MetadataStoreContractTests.image("m2", at: 2)
            #expect(try await store.insertRepository(Repository(registry: Self.registry, name: name, createdAt: Date())))
            var push = ImageChange(upsert: first)
            push.setTags = [tag: first.digest]
            try await store.apply(push, repository: name, registry: Self.registry)

            // asked twice: the second answer comes from memory
            for _ in 0..<2 {
                #expect(try await store.digest(forTag: tag, repository: name, registry: Self.registry) == first.digest)
                #expect(try await store.image(first.digest, repository: name, registry: Self.registry) == first)
            }
            #expect(store.cache.occupancy.digests == 1 && store.cache.occupancy.images == 1)

            // the tag moves to another image
            var move = ImageChange(upsert: second)
            move.setTags = [tag: second.digest]
            try await store.apply(move, repository: name, registry: Self.registry)
            #expect(store.cache.occupancy.digests == 0 && store.cache.occupancy.images == 0)
            #expect(try await store.digest(forTag: tag, repository: name, registry: Self.registry) == second.digest)
            #expect(try await store.image(first.digest, repository: name, registry: Self.registry) == first)

            // the tag is removed, then the image deleted
            var untag = ImageChange()
            untag.removeTags = [tag]
            try await store.apply(untag, repository: name, registry: Self.registry)
            #expect(try await store.digest(forTag: tag, repository: name, registry: Self.registry) == nil)
            var delete = ImageChange()
            delete.deleteDigests = [first.digest]
            try await store.apply(delete, repository: name, registry: Self.registry)
            #expect(try await store.image(first.digest, repository: name, registry: Self.registry) == nil)

            // the repository goes with its images, and a new one of the same name starts empty
            #expect(try await store.image(second.digest, repository: name, registry: Self.registry) == second)
            try await store.deleteRepository(name, in: Self.registry)
            #expect(try await store.image(second.digest, repository: name, registry: Self.registry) == nil)
            #expect(try await store.insertRepository(Repository(registry: Self.registry, name: name, createdAt: Date())))
            #expect(try await store.image(second.digest, repository: name, registry: Self.registry) == nil)

            // a write that fails is rolled back and still empties the cache (harmless: the next read re-reads)
            #expect(try await store.image(first.digest, repository: name, registry: Self.registry) == nil)
            var pushAgain = ImageChange(upsert: first)
            pushAgain.setTags = [tag: first.digest]
            try await store.apply(pushAgain, repository: name, registry: Self.registry)
            #expect(try await store.digest(forTag: tag, repository: name, registry: Self.registry) == first.digest)
            #expect(store.cache.occupancy.digests == 1)
            await #expect(throws: (any Error).self) {
                var dangling = ImageChange()
                dangling.setTags = [ImageTag(trusted: "v2"): second.digest]  // no such image: the foreign key refuses it
                try await store.apply(dangling, repository: name, registry: Self.registry)
            }
            #expect(store.cache.occupancy.digests == 0)
            #expect(try await store.digest(forTag: tag, repository: name, registry: Self.registry) == first.digest)
        }
    }

    /// The same tag and digest in another repository or registry are other entries.
    @Test func entriesAreKeptPerRepositoryAndRegistry() async throws {
        try await Self.withStore { store in
            let other = RegistryKey(account: AccountID(trusted: "210987654321"), region: Region("us-east-1"))
            let tag = ImageTag(trusted: "v1")
            let images = [MetadataStoreContractTests.image("m1", at: 1), MetadataStoreContractTests.image("m2", at: 2)]
            let places = [(Self.registry, RepositoryName(trusted: "aa")), (other, RepositoryName(trusted: "aa"))]
            for ((registry, name), image) in zip(places, images) {
                #expect(try await store.insertRepository(Repository(registry: registry, name: name, createdAt: Date())))
                var push = ImageChange(upsert: image)
                push.setTags = [tag: image.digest]
                try await store.apply(push, repository: name, registry: registry)
            }
            for _ in 0..<2 {
                for ((registry, name), image) in zip(places, images) {
                    #expect(try await store.digest(forTag: tag, repository: name, registry: registry) == image.digest)
                    #expect(try await store.image(image.digest, repository: name, registry: registry) == image)
                    #expect(try await store.digest(forTag: tag, repository: RepositoryName(trusted: "bb"), registry: registry) == nil)
                }
            }
            #expect(try await store.image(images[0].digest, repository: places[1].1, registry: other) == nil)
        }
    }

    /// An answer read before a write and stored after it is refused; the bounds hold.
    @Test func staleAnswersAreNotKeptAndTheBoundsHold() {
        let cache = ReadCache()
        let registry = Self.registry
        let name = RepositoryName(trusted: "aa")
        let image = MetadataStoreContractTests.image("m1", at: 1)
        let tagKey = ReadCache.TagKey(registry: registry, repository: name, tag: ImageTag(trusted: "v1"))
        let imageKey = ReadCache.ImageKey(registry: registry, repository: name, digest: image.digest)

        let before = cache.generation
        cache.invalidate()  // a transaction finished between the read and the store
        cache.store(image.digest, for: tagKey, readAt: before)
        cache.store(image, for: imageKey, readAt: before)
        #expect(cache.digest(tagKey) == nil && cache.image(imageKey) == nil)

        cache.store(image.digest, for: tagKey, readAt: cache.generation)
        cache.store(image, for: imageKey, readAt: cache.generation)
        #expect(cache.digest(tagKey) == image.digest && cache.image(imageKey) == image)

        // entries
        for i in 0..<(ReadCache.maxEntries + 10) {
            let key = ReadCache.TagKey(registry: registry, repository: name, tag: ImageTag(trusted: "t\(i)"))
            cache.store(image.digest, for: key, readAt: cache.generation)
        }
        #expect(cache.occupancy.digests <= ReadCache.maxEntries)
        // bytes, and a manifest too large to keep
        let large = Data(repeating: 0x41, count: ReadCache.maxManifestBytes)
        for i in 0..<(ReadCache.maxBytes / large.count + 4) {
            let manifest = large + Data("\(i)".utf8)
            let big = Image(
                digest: Digest.sha256(of: manifest), manifest: manifest.prefix(large.count), mediaType: image.mediaType, artifactMediaType: nil,
                subject: nil, sizeInBytes: Int64(large.count), pushedAt: Date())
            cache.store(big, for: ReadCache.ImageKey(registry: registry, repository: name, digest: big.digest), readAt: cache.generation)
            #expect(cache.occupancy.bytes <= ReadCache.maxBytes)
        }
        #expect(cache.occupancy.images > 0)
        let tooLarge = Image(
            digest: Digest.sha256(of: large + large), manifest: large + Data([1]), mediaType: image.mediaType, artifactMediaType: nil,
            subject: nil, sizeInBytes: 0, pushedAt: Date())
        let tooLargeKey = ReadCache.ImageKey(registry: registry, repository: name, digest: tooLarge.digest)
        cache.store(tooLarge, for: tooLargeKey, readAt: cache.generation)
        #expect(cache.image(tooLargeKey) == nil)
    }

    @Test func repositoryListingsFollowEveryWrite() async throws {
        try await Self.withStore { store in
            let other = RegistryKey(account: AccountID(trusted: "210987654321"), region: Region("us-east-1"))
            for name in ["cc", "aa", "bb"] {
                #expect(try await store.insertRepository(Repository(registry: Self.registry, name: RepositoryName(trusted: name), createdAt: Date())))
            }
            #expect(try await store.insertRepository(Repository(registry: other, name: RepositoryName(trusted: "zz"), createdAt: Date())))
            func names(_ registry: RegistryKey) async throws -> [String] {
                try await store.repositories(in: registry).map(\.name.value)
            }
            for _ in 0..<2 {
                #expect(try await names(Self.registry) == ["aa", "bb", "cc"])
                #expect(try await names(other) == ["zz"])
            }
            #expect(store.cache.occupancy.listed == 4)

            var changed = try #require(try await store.repository(RepositoryName(trusted: "bb"), in: Self.registry))
            changed.tagMutability = TagMutability(trustedMode: .immutable, exclusionFilters: [])
            try await store.updateRepository(changed)
            #expect(store.cache.occupancy.listed == 0)
            #expect(try await store.repositories(in: Self.registry)[1] == changed)

            try await store.deleteRepository(RepositoryName(trusted: "aa"), in: Self.registry)
            #expect(try await names(Self.registry) == ["bb", "cc"])
            #expect(try await store.insertRepository(Repository(registry: Self.registry, name: RepositoryName(trusted: "ab"), createdAt: Date())))
            #expect(try await names(Self.registry) == ["ab", "bb", "cc"])
            #expect(try await names(other) == ["zz"])
        }
    }

    @Test func staleOrOversizedListingsAreNotKept() {
        let cache = ReadCache()
        let repository = Repository(registry: Self.registry, name: RepositoryName(trusted: "aa"), createdAt: Date())
        let before = cache.generation
        cache.invalidate()
        cache.store([repository], in: Self.registry, readAt: before)
        #expect(cache.repositories(in: Self.registry) == nil)
        cache.store([repository], in: Self.registry, readAt: cache.generation)
        #expect(cache.repositories(in: Self.registry) == [repository])

        let many = Array(repeating: repository, count: ReadCache.maxListedRepositories + 1)
        let other = RegistryKey(account: AccountID(trusted: "210987654321"), region: Region("us-east-1"))
        cache.store(many, in: other, readAt: cache.generation)
        #expect(cache.repositories(in: other) == nil)
        cache.store(Array(many.dropFirst()), in: other, readAt: cache.generation)  // fits only once the rest is dropped
        #expect(cache.repositories(in: other)?.count == ReadCache.maxListedRepositories)
        #expect(cache.repositories(in: Self.registry) == nil)
        #expect(cache.occupancy.listed == ReadCache.maxListedRepositories)
    }
}
