import Foundation

/// A FIFO lock for async code with exclusive and shared holders.
///
/// Services use it to make read-decide-write sequences atomic (one process owns a data directory,
/// so a process-wide lock is enough). Actors alone do not give this: they are re-entrant at `await`.
///
/// `withLock` is exclusive. `withSharedLock` may run alongside other shared holders but never alongside an
/// exclusive one: it is for operations that are atomic by themselves (one store transaction that reads and
/// writes) and so only need the read-decide-write sequences of exclusive holders not to interleave with them.
/// Waiters are served in arrival order, so a waiting exclusive holder is not starved by a stream of shared ones.
public final class AsyncLock: @unchecked Sendable {
    private enum Mode {
        case exclusive
        case shared
    }

    // `exclusiveHeld`, `sharedHolders` and `waiters` are only touched while `mutex` is held.
    private let mutex = NSLock()
    private var exclusiveHeld = false
    private var sharedHolders = 0
    private var waiters: [(mode: Mode, continuation: CheckedContinuation<Void, Never>)] = []

    public init() {}

    public func withLock<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await acquire(.exclusive)
        defer { release(.exclusive) }
        return try await body()
    }

    public func withSharedLock<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await acquire(.shared)
        defer { release(.shared) }
        return try await body()
    }

    /// Whether `mode` can be taken now (caller holds `mutex`); nobody may be waiting ahead of it.
    private func grantable(_ mode: Mode) -> Bool {
        guard waiters.isEmpty, !exclusiveHeld else { return false }
        return mode == .shared || sharedHolders == 0
    }

    private func take(_ mode: Mode) {
        if mode == .exclusive { exclusiveHeld = true } else { sharedHolders += 1 }
    }

    private func acquire(_ mode: Mode) async {
        let acquiredImmediately: Bool = mutex.withLock {
            guard grantable(mode) else { return false }
            take(mode)
            return true
        }
        if acquiredImmediately { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow: Bool = mutex.withLock {
                if grantable(mode) {
                    take(mode)
                    return true
                }
                waiters.append((mode, continuation))
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    private func release(_ mode: Mode) {
        let granted: [CheckedContinuation<Void, Never>] = mutex.withLock {
            if mode == .exclusive { exclusiveHeld = false } else { sharedHolders -= 1 }
            guard !exclusiveHeld, sharedHolders == 0 || waiters.first?.mode == .shared else { return [] }
            // Ownership passes directly to the waiters at the head of the queue: one exclusive holder, or every
            // shared holder up to the next exclusive one.
            var granted: [CheckedContinuation<Void, Never>] = []
            while let first = waiters.first {
                if first.mode == .exclusive {
                    guard granted.isEmpty, sharedHolders == 0 else { break }
                    take(.exclusive)
                    granted.append(waiters.removeFirst().continuation)
                    break
                }
                take(.shared)
                granted.append(waiters.removeFirst().continuation)
            }
            return granted
        }
        for continuation in granted { continuation.resume() }
    }
}
