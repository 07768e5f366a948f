import Foundation

/// A FIFO mutual-exclusion lock for async code.
///
/// Services use it to make read-decide-write sequences atomic (one process owns a data directory,
/// so a process-wide lock is enough). Actors alone do not give this: they are re-entrant at `await`.
public final class AsyncLock: @unchecked Sendable {
    // `locked` and `waiters` are only touched while `mutex` is held.
    private let mutex = NSLock()
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func withLock<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        let acquiredImmediately: Bool = mutex.withLock {
            if !locked {
                locked = true
                return true
            }
            return false
        }
        if acquiredImmediately { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow: Bool = mutex.withLock {
                if !locked {
                    locked = true
                    return true
                }
                waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    private func release() {
        let next: CheckedContinuation<Void, Never>? = mutex.withLock {
            if waiters.isEmpty {
                locked = false
                return nil
            }
            return waiters.removeFirst()  // ownership passes directly to the next waiter
        }
        next?.resume()
    }
}
