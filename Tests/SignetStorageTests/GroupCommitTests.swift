import Foundation
import GRDB
import SignetDomain
import Testing

@testable import SignetStorage

/// Concurrent SQLite writes share commits; each keeps its own outcome, and every acknowledged write survives a reopen.
@Suite("SQLite group commit")
struct GroupCommitTests {
    static let registry = RegistryKey(account: AccountID(trusted: "123456789012"), region: Region("us-east-1"))

    static func job(_ id: String) -> SigningJob {
        SigningJob(
            jobId: id, owner: "123456789012", region: "us-east-1", profileName: "P", profileVersion: "v1", platformId: "Notation-OCI-SHA384-ECDSA",
            createdAt: Date(timeIntervalSince1970: 1), signatureExpiresAt: Date(timeIntervalSince1970: 2), requestedBy: "arn:aws:iam::123456789012:root",
            invoker: "123456789012")
    }

    /// Every commit is fsynced: the writer connection, where commits happen, runs with `synchronous = FULL` (2), and
    /// so do the readers.
    @Test func commitsAreSynchronousFull() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-sync-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let store = try SQLiteMetadataStore(path: try DataDirectory(path: url.path).databasePath)
        let writer = try store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        let reader = try store.pool.unsafeRead { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        let journal = try store.pool.unsafeRead { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(writer == 2)
        #expect(reader == 2)
        #expect(journal == "wal")
    }

    @Test func concurrentWritesKeepTheirOwnOutcomesAndSurviveAReopen() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-group-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let path = try DataDirectory(path: url.path).databasePath
        let store = try SQLiteMetadataStore(path: path)

        // 100 names, each inserted twice at once: exactly one insert per name wins.
        let inserted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for round in 0..<2 {
                for i in 0..<100 {
                    group.addTask {
                        _ = round
                        return try await store.insertRepository(
                            Repository(registry: Self.registry, name: RepositoryName(trusted: "team/app-\(i)"), createdAt: Date(timeIntervalSince1970: 1)))
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(inserted == 100)

        // A write that fails (duplicate job id) fails alone; the writes batched with it commit.
        let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
            for id in ["a", "b", "dup", "dup", "c", "d"] {
                group.addTask { (id, (try? await store.insertSigningJob(Self.job(id))) != nil) }
            }
            return await group.reduce(into: [String: [Bool]]()) { $0[$1.0, default: []].append($1.1) }
        }
        #expect(outcomes["dup"]?.filter { $0 }.count == 1 && outcomes["dup"]?.count == 2)
        for id in ["a", "b", "c", "d"] { #expect(outcomes[id] == [true]) }

        let reopened = try SQLiteMetadataStore(path: path)
        #expect(try await reopened.repositories(in: Self.registry).count == 100)
        #expect(try await Set(reopened.signingJobs(in: Self.registry).map(\.jobId)) == ["a", "b", "c", "d", "dup"])
    }

    /// Hundreds of reads of every kind at once, mixed with writes, all finish: no read holds a reader connection
    /// while it waits for the cooperative thread pool (that combination once deadlocked the server, every
    /// cooperative thread blocked in a synchronous read). A deadlock stops every task, so the watchdog is a plain
    /// thread: it ends the test process with a message after 60 s instead of letting the suite hang.
    @Test func manyConcurrentReadsAndWritesFinish() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-reads-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let store = try SQLiteMetadataStore(path: try DataDirectory(path: url.path).databasePath)
        let name = RepositoryName(trusted: "team/app")
        _ = try await store.insertRepository(Repository(registry: Self.registry, name: name, createdAt: Date(timeIntervalSince1970: 1)))
        let done = Done()
        let watchdog = Thread {
            for _ in 0..<600 {
                if done.value { return }
                Thread.sleep(forTimeInterval: 0.1)
            }
            fatalError("manyConcurrentReadsAndWritesFinish: reads and writes still running after 60 s (deadlock)")
        }
        watchdog.start()
        defer { done.value = true }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<400 {
                group.addTask {
                    switch i % 5 {
                    case 0: _ = try await store.repositories(in: Self.registry)
                    case 1: _ = try await store.images(repository: name, registry: Self.registry)
                    case 2: _ = try await store.repository(name, in: Self.registry)
                    case 3: _ = try await store.signingJobs(in: Self.registry)
                    default: try await store.insertSigningJob(Self.job("job-\(i)"))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.signingJobs(in: Self.registry).count == 80)
    }

    final class Done: @unchecked Sendable {
        private let lock = NSLock()
        private var flag = false
        var value: Bool {
            get { lock.withLock { flag } }
            set { lock.withLock { flag = newValue } }
        }
    }
}
