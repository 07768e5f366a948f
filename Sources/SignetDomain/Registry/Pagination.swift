import Foundation

/// A page of results and the token for the next one.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextToken: String?
}

/// Opaque, stable pagination over a sorted list: the token carries the sort key of the last item returned,
/// so inserts and deletes between calls neither repeat nor skip the items that remain.
public enum Paginator {
    /// - Parameters:
    ///   - items: sorted ascending by `key`.
    ///   - maxResults: requested page size (already range-checked), `nil` for `defaultSize`.
    /// - Throws: ``RegistryError/invalidParameter(_:)`` when `token` was not issued by Signet.
    public static func page<Item: Sendable>(
        _ items: [Item], key: (Item) -> String, maxResults: Int?, defaultSize: Int, token: String?
    ) throws -> Page<Item> {
        var start = 0
        if let token {
            guard let after = decode(token) else {
                throw RegistryError.invalidParameter(.init(path: "nextToken", value: token, constraint: .custom("must be a token returned by a previous call")))
            }
            start = items.firstIndex { key($0) > after } ?? items.count
        }
        let size = maxResults ?? defaultSize
        let end = min(items.count, start + size)
        let slice = Array(items[start..<end])
        let next = end < items.count ? slice.last.map { encode(key($0)) } : nil
        return Page(items: slice, nextToken: next)
    }

    /// Checks a `maxResults` member against its model range.
    public static func checkMaxResults(_ value: Int?, range: ClosedRange<Int>, field: String = "maxResults") throws {
        guard let value, !range.contains(value) else { return }
        throw RegistryError.invalidParameter(
            .init(path: field, value: String(value), constraint: .range(range.lowerBound, range.upperBound)))
    }

    static func encode(_ key: String) -> String {
        Data(("signet-v1:" + key).utf8).base64EncodedString()
    }

    static func decode(_ token: String) -> String? {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("signet-v1:")
        else { return nil }
        return String(text.dropFirst("signet-v1:".count))
    }
}
