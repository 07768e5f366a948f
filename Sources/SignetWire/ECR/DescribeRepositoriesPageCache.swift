import Foundation
public import NIOCore
import SignetDomain
import Synchronization

/// The bytes of recently answered `DescribeRepositories` pages, reused while the page would be written the same.
///
/// A page's JSON is a function of what ``DescribeRepositoriesPage/writeAWSJSON(into:)`` reads: the registry host, the
/// `nextToken`, and of each repository its name, registry, creation time, tag mutability and exclusion filters, scan
/// setting and encryption. An entry is reused only when every one of those is the same as when it was written,
/// compared byte for byte (``writesTheSame(_:_:)``), so there is nothing to invalidate: a repository that is created,
/// changed or deleted makes the next page differ and be written anew. Writing a page of 20 repositories took ~25 µs,
/// a quarter of the server's CPU per `DescribeRepositories`; comparing them takes ~1 µs.
///
/// The cache holds at most ``maxEntries`` pages and ``maxBytes`` bytes of them; past either it forgets pages (any,
/// not the oldest: it is a cache of what is asked again and again, such as a dashboard or a benchmark polling).
public final class DescribeRepositoriesPageCache: Sendable {
    public static let maxEntries = 256
    public static let maxBytes = 8 << 20

    /// Where a page starts and how long it is: what tells two requests' pages apart before comparing them.
    private struct Key: Hashable {
        let registry: RegistryKey?
        let firstName: String?
        let count: Int
    }

    private struct Entry {
        let page: DescribeRepositoriesPage
        let bytes: ByteBuffer
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The page's JSON, as ``AWSJSON/encode(_:)-(AWSJSONWritable)`` writes it.
    public func encode(_ page: DescribeRepositoriesPage) throws -> ByteBuffer {
        let first = page.repositories.first
        let key = Key(registry: first?.registry, firstName: first?.name.value, count: page.repositories.count)
        if let cached = state.withLock({ $0.entries[key] }), Self.writesTheSame(cached.page, page) {
            return cached.bytes
        }
        let bytes = try AWSJSON.encode(page)
        guard bytes.readableBytes <= Self.maxBytes / 4 else { return bytes }
        state.withLock { state in
            if let replaced = state.entries.updateValue(Entry(page: page, bytes: bytes), forKey: key) {
                state.bytes -= replaced.bytes.readableBytes
            }
            state.bytes += bytes.readableBytes
            while state.entries.count > Self.maxEntries || state.bytes > Self.maxBytes,
                let victim = state.entries.first(where: { $0.key != key }) {
                state.entries.removeValue(forKey: victim.key)
                state.bytes -= victim.value.bytes.readableBytes
            }
        }
        return bytes
    }

    /// How many pages and bytes the cache holds.
    public var occupancy: (entries: Int, bytes: Int) { state.withLock { ($0.entries.count, $0.bytes) } }

    /// Whether the two pages' JSON is the same: every member the writer reads is equal byte for byte. (`String`'s `==`
    /// is Unicode canonical equivalence, under which differently spelled strings are equal.)
    static func writesTheSame(_ a: DescribeRepositoriesPage, _ b: DescribeRepositoriesPage) -> Bool {
        guard a.repositories.count == b.repositories.count, sameBytes(a.registryHost, b.registryHost),
            sameBytes(a.nextToken, b.nextToken)
        else { return false }
        for (x, y) in zip(a.repositories, b.repositories) {
            guard x.createdAt.timeIntervalSince1970.bitPattern == y.createdAt.timeIntervalSince1970.bitPattern,
                x.scanOnPush == y.scanOnPush,
                x.tagMutability.mode == y.tagMutability.mode,
                x.encryption.type == y.encryption.type,
                sameBytes(x.name.value, y.name.value),
                sameBytes(x.registry.account.value, y.registry.account.value),
                sameBytes(x.registry.region.value, y.registry.region.value),
                sameBytes(x.encryption.kmsKey, y.encryption.kmsKey),
                x.tagMutability.exclusionFilters.count == y.tagMutability.exclusionFilters.count,
                zip(x.tagMutability.exclusionFilters, y.tagMutability.exclusionFilters).allSatisfy({ sameBytes($0, $1) })
            else { return false }
        }
        return true
    }

    @inline(__always)
    static func sameBytes(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (var a?, var b?):
            a.withUTF8 { x in
                b.withUTF8 { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) }
            }
        default: false
        }
    }
}
