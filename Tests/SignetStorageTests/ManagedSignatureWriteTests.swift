import Foundation
import SignetDomain
import Testing

@testable import SignetStorage

/// Managed signing on a data directory stores a signature — envelope blob, signing job, signature manifest and the
/// subject's COMPLETE status — in one transaction: all of it, or none of it.
@Suite("Managed signature write")
struct ManagedSignatureWriteTests {
    static let registry = RegistryKey(account: AccountID(trusted: "123456789012"), region: Region("us-east-1"))
    static let name = RepositoryName(trusted: "team/app")
    static let arn = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/P"

    struct Setup {
        let directory: URL
        let database: SQLiteMetadataStore
        let blobs: DataDirectoryBlobStore
        let service: RegistryService
        let subject: Digest
    }

    static func setUp() async throws -> Setup {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-signature-\(UUID().uuidString)")
        let directory = try DataDirectory(path: url.path)
        let database = try SQLiteMetadataStore(path: directory.databasePath)
        let blobs = DataDirectoryBlobStore(files: FileSystemBlobStore(directory: directory), database: database)
        let service = RegistryService(metadata: database, blobs: blobs, clock: ManualClock())
        _ = try await service.createRepository(Repository(registry: registry, name: name, createdAt: Date(timeIntervalSince1970: 1)))
        // the subject: an image whose push left an IN_PROGRESS status
        let config = try await blobs.put(Data(#"{"architecture":"amd64","os":"linux"}"#.utf8))
        let manifest = Data(
            #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(config)","size":37},"layers":[]}"#
                .utf8)
        let subject = Digest.sha256(of: manifest)
        var change = ImageChange(
            upsert: Image(
                digest: subject, manifest: manifest, mediaType: "application/vnd.oci.image.manifest.v1+json", artifactMediaType: nil, subject: nil,
                sizeInBytes: Int64(manifest.count), pushedAt: Date(timeIntervalSince1970: 2)))
        change.signingStatuses = [SigningStatus(signingProfileArn: arn, state: .inProgress, pushedBy: registry.account.value)]
        try await database.apply(change, repository: name, registry: registry)
        return Setup(directory: url, database: database, blobs: blobs, service: service, subject: subject)
    }

    static func signature(of subject: Digest, envelope: Data, config: Digest) -> Data {
        Data(
            #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.cncf.notary.signature","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"\#(config)","size":2},"layers":[{"mediaType":"application/jose+json","digest":"\#(Digest.sha256(of: envelope))","size":\#(envelope.count)}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(subject)","size":200}}"#
                .utf8)
    }

    /// One signature through the batch write, its result unwrapped.
    static func store(
        _ service: RegistryService, _ manifest: Data, envelope: Data, job: SigningJob, subject: Digest, status: SigningStatus
    ) async throws -> StoredImage {
        try await service.storeManagedSignatures([
            ManagedSignature(
                manifest: manifest, envelope: envelope, job: job, repository: name, registry: registry, pushedBy: registry.account, subject: subject,
                status: status)
        ])[0].get()
    }

    static func job(_ id: String) -> SigningJob {
        SigningJob(
            jobId: id, owner: registry.account.value, region: registry.region.value, profileName: "P", profileVersion: "v1",
            platformId: "Notation-OCI-SHA384-ECDSA", createdAt: Date(timeIntervalSince1970: 3), signatureExpiresAt: Date(timeIntervalSince1970: 4),
            requestedBy: "arn:aws:iam::\(registry.account.value):root", invoker: registry.account.value)
    }

    @Test func everythingIsStoredTogether() async throws {
        let setup = try await Self.setUp()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        #expect(setup.service.recordsSignaturesInOneTransaction)
        let config = try await setup.blobs.put(Data("{}".utf8))
        let envelope = Data(#"{"payload":"e30","protected":"e30","signature":"AA"}"#.utf8)
        let manifest = Self.signature(of: setup.subject, envelope: envelope, config: config)
        let complete = SigningStatus(signingProfileArn: Self.arn, state: .complete, pushedBy: Self.registry.account.value)

        let stored = try await Self.store(setup.service, manifest, envelope: envelope, job: Self.job("job-1"), subject: setup.subject, status: complete)
        #expect(stored.isNewDigest)
        #expect(try await setup.blobs.read(Digest.sha256(of: envelope)) == envelope)
        #expect(try await setup.database.signingJob("job-1", owner: Self.registry.account, region: Self.registry.region) != nil)
        #expect(try await setup.database.signatureCounts() == [Self.registry: 1])
        let image = try #require(try await setup.database.image(Digest.sha256(of: manifest), repository: Self.name, registry: Self.registry))
        #expect(image.subject == setup.subject)
        #expect(image.artifactMediaType == "application/vnd.cncf.notary.signature")
        #expect(try await setup.database.signingStatuses(of: setup.subject, repository: Self.name, registry: Self.registry).map(\.state) == [.complete])
        // nothing new is in line for signing (a signature is never signed)
        #expect(try await setup.database.pendingSigningWork().isEmpty)
    }

    @Test func nothingIsStoredWhenThePartsCannotAllBe() async throws {
        let setup = try await Self.setUp()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let config = try await setup.blobs.put(Data("{}".utf8))
        let envelope = Data(#"{"payload":"e30","protected":"e30","signature":"AQ"}"#.utf8)
        let manifest = Self.signature(of: setup.subject, envelope: envelope, config: config)
        let complete = SigningStatus(signingProfileArn: Self.arn, state: .complete, pushedBy: Self.registry.account.value)

        // the repository went away before the signature could be stored
        try await setup.database.deleteRepository(Self.name, in: Self.registry)
        await #expect(throws: RegistryError.self) {
            _ = try await Self.store(setup.service, manifest, envelope: envelope, job: Self.job("job-2"), subject: setup.subject, status: complete)
        }
        #expect(try await setup.blobs.read(Digest.sha256(of: envelope)) == nil)
        #expect(try await setup.database.signingJob("job-2", owner: Self.registry.account, region: Self.registry.region) == nil)
        #expect(try await setup.database.signatureCounts().isEmpty)

        // a config blob that is missing is refused before anything is written, as for any manifest
        let setup2 = try await Self.setUp()
        defer { try? FileManager.default.removeItem(at: setup2.directory) }
        let missingConfig = Digest.sha256(of: Data("not stored".utf8))
        await #expect(throws: RegistryError.self) {
            _ = try await Self.store(
                setup2.service, Self.signature(of: setup2.subject, envelope: envelope, config: missingConfig), envelope: envelope,
                job: Self.job("job-3"), subject: setup2.subject, status: complete)
        }
        #expect(try await setup2.database.signingJob("job-3", owner: Self.registry.account, region: Self.registry.region) == nil)
        #expect(try await setup2.database.signingStatuses(of: setup2.subject, repository: Self.name, registry: Self.registry).map(\.state) == [.inProgress])
    }

    /// Signatures stored together are still all-or-nothing one by one: the one that cannot be stored leaves nothing,
    /// the others are stored.
    @Test func oneSignatureThatCannotBeStoredDoesNotStopTheOthers() async throws {
        let setup = try await Self.setUp()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let config = try await setup.blobs.put(Data("{}".utf8))
        let complete = SigningStatus(signingProfileArn: Self.arn, state: .complete, pushedBy: Self.registry.account.value)
        let envelopes = (0..<3).map { Data(#"{"payload":"e30","protected":"e30","signature":"\#($0)"}"#.utf8) }
        let gone = RepositoryName(trusted: "gone/app")
        let signatures = envelopes.enumerated().map { index, envelope in
            ManagedSignature(
                manifest: Self.signature(of: setup.subject, envelope: envelope, config: config), envelope: envelope, job: Self.job("job-\(index)"),
                repository: index == 1 ? gone : Self.name, registry: Self.registry, pushedBy: Self.registry.account, subject: setup.subject,
                status: complete)
        }
        let results = try await setup.service.storeManagedSignatures(signatures)
        #expect(results.map { (try? $0.get()) != nil } == [true, false, true])
        #expect(throws: RegistryError.self) { try results[1].get() }
        for (index, envelope) in envelopes.enumerated() {
            let stored = index != 1
            #expect((try await setup.blobs.read(Digest.sha256(of: envelope)) != nil) == stored)
            #expect((try await setup.database.signingJob("job-\(index)", owner: Self.registry.account, region: Self.registry.region) != nil) == stored)
        }
        #expect(try await setup.database.signatureCounts() == [Self.registry: 2])
        #expect(try await setup.database.signingStatuses(of: setup.subject, repository: Self.name, registry: Self.registry).map(\.state) == [.complete])
    }

    /// The engine reads a batch's statuses and images at once; the answers are those of the single lookups.
    @Test func aBatchReadAnswersAsSingleLookupsDo() async throws {
        let setup = try await Self.setUp()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let status = SigningStatus(signingProfileArn: Self.arn, state: .inProgress, pushedBy: nil)
        let items = [
            PendingSignature(registry: Self.registry, repository: Self.name, digest: setup.subject, status: status),
            PendingSignature(registry: Self.registry, repository: Self.name, digest: Digest.sha256(of: Data("absent".utf8)), status: status),
            PendingSignature(registry: Self.registry, repository: RepositoryName(trusted: "other"), digest: setup.subject, status: status),
        ]
        let memory = InMemoryMetadataStore()
        for store in [setup.database as any MetadataStore, memory] {
            let subjects = try await store.signingSubjects(of: items)
            #expect(subjects.count == 3)
            for (item, subject) in zip(items, subjects) {
                #expect(subject.statuses == (try await store.signingStatuses(of: item.digest, repository: item.repository, registry: item.registry)))
                #expect(subject.image?.digest == (try await store.image(item.digest, repository: item.repository, registry: item.registry))?.digest)
            }
        }
        let batch = try await setup.database.signingSubjects(of: items)
        #expect(batch[0].image?.digest == setup.subject && batch[0].statuses.map(\.state) == [.inProgress])
        #expect(batch[1].image == nil && batch[1].statuses.isEmpty)
        #expect(batch[2].image == nil)
    }

    /// Only the data directory's pairing writes signatures in one transaction; other pairings keep the three writes.
    @Test func otherStoresSayTheyCannot() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-signature-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let directory = try DataDirectory(path: url.path)
        let database = try SQLiteMetadataStore(path: directory.databasePath)
        let cases: [(RegistryService, Bool)] = [
            (RegistryService(metadata: InMemoryMetadataStore(), blobs: InMemoryBlobStore(), clock: ManualClock()), false),
            (RegistryService(metadata: database, blobs: InMemoryBlobStore(), clock: ManualClock()), false),
            (RegistryService(metadata: database, blobs: FileSystemBlobStore(directory: directory), clock: ManualClock()), false),
            (RegistryService(metadata: database, blobs: DataDirectoryBlobStore(files: FileSystemBlobStore(directory: directory), database: database), clock: ManualClock()), true),
        ]
        for (service, expected) in cases {
            #expect(service.recordsSignaturesInOneTransaction == expected)
        }
        await #expect(throws: SignatureRecordingUnavailable.self) {
            _ = try await Self.store(
                cases[0].0, Data("{}".utf8), envelope: Data("x".utf8), job: Self.job("j"), subject: Digest.sha256(of: Data()),
                status: SigningStatus(signingProfileArn: Self.arn, state: .complete, pushedBy: nil))
        }
    }
}
