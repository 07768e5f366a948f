import Foundation

/// Record mode (`SIGNET_RECORD=1`): writes a step's expectation from live responses.
///
/// The scenario runs on two fresh servers side by side. Where an existing expectation (placeholders included)
/// still matches the response it is kept as written; elsewhere the response is written out with:
///   * values that differ between the two servers (tokens, signatures, keys) as `<token>`, `<uuid>` or `<any>`
///     (inside a URL or text only the differing part, e.g. `…&signature=<token>`);
///   * digests as `<digest:N>` and UUIDs as `<uuid:N>` (the same value gets the same N across the file);
///   * numbers that look like timestamps (seconds between 2001 and 2096) as `<epoch>`.
struct Recorder {
    var bindings: Bindings

    /// Headers written for a step whose expectation does not list its own.
    static let defaultHeaders = [
        "Content-Type", "X-Amzn-ErrorType", "WWW-Authenticate", "Location", "Docker-Content-Digest", "Docker-Upload-UUID", "Range",
        "Content-Range", "OCI-Subject", "OCI-Filters-Applied", "Link", "Docker-Distribution-API-Version",
    ]

    mutating func response(old: JSONValue?, live: LiveResponse, twin: LiveResponse) -> JSONValue {
        var result = JSONValue.object([.init(key: "status", value: .number(String(live.status)))])
        let names: [String]
        if let listed = old?["headers"]?.objectMembers {
            names = listed.map(\.key)
        } else {
            names = Self.defaultHeaders.filter { live.header($0) != nil }
        }
        if !names.isEmpty || old?["headers"] != nil {
            var headers: [JSONValue.Member] = []
            for name in names {
                guard let value = live.header(name) else {
                    headers.append(.init(key: name, value: .null))
                    continue
                }
                let previous = old?["headers"]?[name]?.stringValue
                headers.append(.init(key: name, value: .string(text(old: previous, value, twin: twin.header(name)))))
            }
            result.set("headers", .object(headers))
        }
        let oldBody = old?["body"]
        if let json = live.json, oldBody?.stringValue == nil || !matchesText(oldBody!.stringValue!, live.text) {
            result.set("body", value(old: oldBody, json, twin: twin.json))
        } else {
            result.set("body", .string(text(old: oldBody?.stringValue, live.text, twin: twin.text)))
        }
        return result
    }

    /// Whether `template` matches `text` under the current bindings (binding its placeholders if so).
    mutating func matchesText(_ template: String, _ text: String) -> Bool {
        var matcher = Matcher(bindings: bindings)
        matcher.matchText(template, text, path: "")
        guard matcher.differences.isEmpty else { return false }
        bindings = matcher.bindings
        return true
    }

    mutating func value(old: JSONValue?, _ actual: JSONValue, twin: JSONValue?) -> JSONValue {
        if let old {
            var matcher = Matcher(bindings: bindings)
            matcher.match(old, actual, path: "")
            if matcher.differences.isEmpty {
                bindings = matcher.bindings
                return old
            }
        }
        switch actual {
        case .object(let members):
            if let twin, twin.objectMembers == nil { return .string("<any>") }
            return .object(members.map { .init(key: $0.key, value: value(old: old?[$0.key], $0.value, twin: twin?[$0.key])) })
        case .array(let items):
            if let twin, twin.arrayValue == nil { return .string("<any>") }
            let oldItems = old?.arrayValue ?? []
            let twinItems = twin?.arrayValue
            return .array(
                items.enumerated().map { index, item in
                    value(
                        old: index < oldItems.count ? oldItems[index] : nil, item,
                        twin: twinItems.map { index < $0.count ? $0[index] : .null })
                })
        case .string(let string):
            if let twin, twin.stringValue == nil { return .string("<any>") }
            return .string(text(old: old?.stringValue, string, twin: twin?.stringValue))
        case .number(let number):
            if let twin, twin != actual { return .string(Self.isEpoch(number) ? "<epoch>" : "<any>") }
            return Self.isEpoch(number) ? .string("<epoch>") : actual
        default:
            if let twin, twin != actual { return .string("<any>") }
            return actual
        }
    }

    static func isEpoch(_ number: String) -> Bool {
        guard let value = Double(number) else { return false }
        return (1_000_000_000...4_000_000_000).contains(value)
    }

    mutating func text(old: String?, _ actual: String, twin: String?) -> String {
        if let old, matchesText(old, actual) { return old }
        if let twin, twin != actual { return volatile(actual, twin) }
        return named(actual)
    }

    /// A value that differs between two identical runs.
    mutating func volatile(_ text: String, _ twin: String) -> String {
        if Placeholders.isUUID(text) && Placeholders.isUUID(twin) { return "<uuid>" }
        if Placeholders.isDigest(text) && Placeholders.isDigest(twin) { return "<digest>" }
        if Placeholders.isToken(text) && Placeholders.isToken(twin) { return "<token>" }
        let delimiters: Set<Character> = ["?", "&", "=", "/", ":", ",", ";", " ", "\n", "\"", "."]
        let a = Array(text)
        let b = Array(twin)
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        while prefix > 0, !delimiters.contains(a[prefix - 1]) { prefix -= 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        while suffix > 0, !delimiters.contains(a[a.count - suffix]) { suffix -= 1 }
        let middle = String(a[prefix..<(a.count - suffix)])
        let twinMiddle = String(b[prefix..<(b.count - suffix)])
        let placeholder = Placeholders.isToken(middle) && Placeholders.isToken(twinMiddle) ? "<token>" : "<any>"
        return named(String(a[0..<prefix])) + placeholder + named(String(a[(a.count - suffix)...]))
    }

    private static let embedded = try! NSRegularExpression(pattern: "(" + Placeholders.digestPattern + ")|(" + Placeholders.uuidPattern + ")")

    /// Digests and UUIDs in `text` as named placeholders (or `{{NAME}}` where a step captured the value).
    mutating func named(_ text: String) -> String {
        let ns = text as NSString
        var out = ""
        var last = 0
        for match in Self.embedded.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: match.range.location - last))
            let value = ns.substring(with: match.range)
            last = match.range.location + match.range.length
            // a value an earlier step captured as <string:NAME> is written as that reference
            if let captured = bindings.values.filter({ $0.key.hasPrefix("string:") && $0.value == value }).keys.sorted().first {
                out += "{{" + captured.dropFirst("string:".count) + "}}"
                continue
            }
            let kind = match.range(at: 1).location != NSNotFound ? "digest" : "uuid"
            let name = bindings.name(of: value, kind: kind) ?? bindings.nextName(kind)
            bindings.values[kind + ":" + name] = value
            out += "<\(kind):\(name)>"
        }
        out += ns.substring(from: last)
        return out
    }
}
