import Foundation

/// The source of "now" for services, so tests can fix time.
public protocol SignetClock: Sendable {
    var now: Date { get }
}

/// Wall-clock time, rounded to milliseconds so that stored and returned timestamps agree exactly.
public struct SystemClock: SignetClock {
    public init() {}
    public var now: Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}

/// A clock that tests move by hand.
public final class ManualClock: SignetClock, @unchecked Sendable {
    // Guarded by `lock`; tests read and advance it from several tasks.
    private let lock = NSLock()
    private var current: Date
    public init(_ start: Date = Date(timeIntervalSince1970: 1_764_460_800)) { current = start }
    public var now: Date { lock.withLock { current } }
    public func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}
