import Foundation
import GRDB
import SignetDomain
import Testing

@testable import SignetStorage

/// `/metrics` counts signatures per registry from a counter kept with each job, in both stores; a data dir from
/// before the counter existed starts with the count of the jobs it holds.
@Suite("Signature counts")
struct SignatureCountTests {
    static let first = RegistryKey(account: AccountID(trusted: "123456789012"), region: Region("us-east-1"))
    static let second = RegistryKey(account: AccountID(trusted: "210987654321"), region: Region("eu-west-1"))

    static func job(_ id: String, _ registry: RegistryKey) -> SigningJob {
        SigningJob(
            jobId: id, owner: registry.account.value, region: registry.region.value, profileName: "P", profileVersion: "v1",
            platformId: "Notation-OCI-SHA384-ECDSA", createdAt: Date(timeIntervalSince1970: 1), signatureExpiresAt: Date(timeIntervalSince1970: 2),
            requestedBy: "arn:aws:iam::\(registry.account.value):root", invoker: registry.account.value)
    }

    @Test(arguments: MetadataStoreContractTests.Kind.allCases)
    func countsArePerRegistry(kind: MetadataStoreContractTests.Kind) async throws {
        let (metadata, url) = try MetadataStoreContractTests.makeStore(kind)
        defer { url.map { try? FileManager.default.removeItem(at: $0) } }
        let store: any SignerStore = try kind == .inMemory ? InMemorySignerStore() : #require(metadata as? SQLiteMetadataStore)
        #expect(try await store.signatureCounts().isEmpty)
        try await store.insertSigningJob(Self.job("a", Self.first))
        try await store.insertSigningJob(Self.job("b", Self.first))
        try await store.insertSigningJob(Self.job("c", Self.second))
        #expect(try await store.signatureCounts() == [Self.first: 2, Self.second: 1])
    }

    @Test func anUpgradedDataDirCountsItsExistingJobs() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-counts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let path = try DataDirectory(path: url.path).databasePath
        do {
            // the schema before the counter (up to v4), with three jobs
            let pool = try DatabasePool(path: path)
            try SQLiteMetadataStore.migrator.migrate(pool, upTo: "v4: small blobs")
            try await pool.write { db in
                for (id, registry) in [("a", Self.first), ("b", Self.first), ("c", Self.second)] {
                    try db.execute(
                        sql: "INSERT INTO signing_job (job_id, account, region, created_at, job) VALUES (?, ?, ?, 1, x'7b7d')",
                        arguments: [id, registry.account.value, registry.region.value])
                }
            }
        }
        let store = try SQLiteMetadataStore(path: path)
        #expect(try await store.signatureCounts() == [Self.first: 2, Self.second: 1])
        try await store.insertSigningJob(Self.job("d", Self.second))
        #expect(try await store.signatureCounts() == [Self.first: 2, Self.second: 2])
        // a refused insert (the job id exists) counts nothing
        await #expect(throws: (any Error).self) { try await store.insertSigningJob(Self.job("a", Self.first)) }
        #expect(try await store.signatureCounts() == [Self.first: 2, Self.second: 2])
    }
}
