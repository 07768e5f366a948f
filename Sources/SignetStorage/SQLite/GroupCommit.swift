import Foundation
import GRDB

/// Group commit: writes that arrive while a transaction is being committed wait, then share the next one.
///
/// With `synchronous=FULL` every commit is an fsync of the WAL, and one fsync per write capped concurrent
/// SignPayload calls (one job row each) at the disk's sync rate. Here each write still runs in its own
/// savepoint — a write that throws is rolled back alone and only its caller sees the error — and no caller
/// returns before the transaction holding its write has committed, so an acknowledged write is as durable as
/// before. A lone write is one transaction, as it was.
final class GroupCommit: @unchecked Sendable {
    private let pool: DatabasePool
    /// Called after every transaction (committed or rolled back), before any of its callers resumes.
    private let afterTransaction: @Sendable () -> Void
    // `pending` and `draining` are only touched while `lock` is held.
    private let lock = NSLock()
    private var pending: [Item] = []
    private var draining = false
    /// Most writes in one transaction (bounds how long the write lock is held).
    static let maxBatch = 256

    init(pool: DatabasePool, afterTransaction: @escaping @Sendable () -> Void = {}) {
        self.pool = pool
        self.afterTransaction = afterTransaction
    }

    /// Runs `work` in a savepoint of the next group transaction and returns its result once that has committed.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Outcome<T>()
            let item = Item(
                run: { db in
                    do {
                        try db.inSavepoint {
                            outcome.result = .success(try work(db))
                            return .commit
                        }
                    } catch {
                        outcome.result = .failure(error)
                    }
                },
                complete: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: outcome.result ?? .failure(DatabaseError(message: "write did not run")))
                    }
                })
            let start = lock.withLock {
                pending.append(item)
                if draining { return false }
                draining = true
                return true
            }
            if start { drainQueue.async { self.drain() } }
        }
    }

    /// Where batches are committed, one after another: a thread of its own, blocking on GRDB's writer.
    ///
    /// Why not a task: draining from a Swift task made every commit wait twice for a turn on the cooperative pool
    /// (to start the drain, then to resume it after GRDB's write), behind whatever else was running there. Measured
    /// with 16 signatures in flight: a write's round trip fell from ~7.7 to ~5.5 ms (mean). The signing engine's
    /// rate did not change with it: the writer is then busy ~85 % of the time, most of it in the commit's fsync.
    private let drainQueue = DispatchQueue(label: "signet.sqlite.group-commit")

    private func drain() {
        while true {
            let batch: [Item] = lock.withLock {
                let batch = Array(pending.prefix(Self.maxBatch))
                pending.removeFirst(batch.count)
                if batch.isEmpty { draining = false }
                return batch
            }
            if batch.isEmpty { return }
            let failure: (any Error)?
            do {
                try pool.write { db in
                    for item in batch { item.run(db) }
                }
                failure = nil
            } catch {
                failure = error
            }
            afterTransaction()
            for item in batch { item.complete(failure) }
        }
    }

    /// One queued write. `@unchecked Sendable`: `run` is called once, inside the write transaction, then
    /// `complete` once, after it; never concurrently.
    private final class Item: @unchecked Sendable {
        let run: (Database) -> Void
        let complete: ((any Error)?) -> Void
        init(run: @escaping (Database) -> Void, complete: @escaping ((any Error)?) -> Void) {
            self.run = run
            self.complete = complete
        }
    }

    /// Where a write's result waits for the commit (written in `run`, read in `complete`).
    private final class Outcome<T>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }
}
