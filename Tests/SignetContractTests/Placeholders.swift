import Foundation

/// Placeholders in expected values, and `{{NAME}}` references in requests.
///
///   `<epoch>`          any number (a timestamp); inside a string, digits with an optional fraction
///   `<uuid>`, `<uuid:N>`      a UUID; named ones must be the same UUID wherever the name appears in the file
///   `<digest>`, `<digest:N>`  `sha256:<64 hex>`; named ones likewise
///   `<token>`          base64 / base64url / hex text (tokens, signatures)
///   `<any>`            anything (a whole JSON value, or any text inside a string)
///   `<string:NAME>`    any non-empty string, captured: later requests (and expectations) use it as `{{NAME}}`
///   `{{NAME}}`         the value captured as `<string:NAME>` (or `{{uuid:1}}`, `{{digest:1}}` for named ones)
enum Piece: Equatable {
    case literal(String)
    case placeholder(kind: String, name: String?)
    case reference(String)

    var text: String {
        switch self {
        case .literal(let text): return text
        case .placeholder(let kind, let name): return "<" + kind + (name.map { ":" + $0 } ?? "") + ">"
        case .reference(let name): return "{{" + name + "}}"
        }
    }

    /// The binding key of a named placeholder (`uuid:1`, `digest:2`, `string:uploadId`).
    var bindingKey: String? {
        if case .placeholder(let kind, let name?) = self { return kind + ":" + name }
        return nil
    }
}

enum Placeholders {
    static let kinds = ["epoch", "uuid", "digest", "token", "any", "string"]
    private static let token = try! NSRegularExpression(pattern: #"<(epoch|uuid|digest|token|any|string)(?::([A-Za-z0-9_.-]+))?>|\{\{([A-Za-z0-9_.:-]+)\}\}"#)

    static let uuidPattern = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    static let digestPattern = "sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}"
    static let tokenPattern = "[A-Za-z0-9+/=_~.-]+"
    static let epochPattern = "-?[0-9]+(?:\\.[0-9]+)?"

    /// `text` split into literals, placeholders and references.
    static func pieces(_ text: String) -> [Piece] {
        let ns = text as NSString
        var pieces: [Piece] = []
        var last = 0
        for match in token.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            if match.range.location > last { pieces.append(.literal(ns.substring(with: NSRange(location: last, length: match.range.location - last)))) }
            if match.range(at: 3).location != NSNotFound {
                pieces.append(.reference(ns.substring(with: match.range(at: 3))))
            } else {
                let kind = ns.substring(with: match.range(at: 1))
                let name = match.range(at: 2).location == NSNotFound ? nil : ns.substring(with: match.range(at: 2))
                if kind == "string" && name == nil {
                    pieces.append(.literal(ns.substring(with: match.range)))  // `<string>` alone is not a placeholder
                } else {
                    pieces.append(.placeholder(kind: kind, name: name))
                }
            }
            last = match.range.location + match.range.length
        }
        if last < ns.length { pieces.append(.literal(ns.substring(from: last))) }
        return pieces
    }

    static func hasPlaceholders(_ text: String) -> Bool {
        pieces(text).contains { if case .literal = $0 { return false } else { return true } }
    }

    static func pattern(for kind: String) -> String {
        switch kind {
        case "epoch": return epochPattern
        case "uuid": return uuidPattern
        case "digest": return digestPattern
        case "token": return tokenPattern
        default: return "[\\s\\S]*?"  // any
        }
    }

    static func isUUID(_ text: String) -> Bool { fullMatch(uuidPattern, text) }
    static func isDigest(_ text: String) -> Bool { fullMatch(digestPattern, text) }
    static func isToken(_ text: String) -> Bool { text.count >= 8 && fullMatch(tokenPattern, text) }

    static func fullMatch(_ pattern: String, _ text: String) -> Bool {
        let regex = try! NSRegularExpression(pattern: "^(?:" + pattern + ")$")
        return regex.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) != nil
    }
}

/// Values bound to named placeholders while a file is replayed.
struct Bindings {
    var values: [String: String] = [:]

    /// The value `{{name}}` refers to.
    func resolve(_ name: String) -> String? {
        values["string:" + name] ?? values[name]
    }

    /// Replaces every `{{NAME}}` in `text`; unknown names are errors.
    func substitute(_ text: String) throws -> String {
        guard text.contains("{{") else { return text }
        var out = ""
        for piece in Placeholders.pieces(text) {
            switch piece {
            case .reference(let name):
                guard let value = resolve(name) else { throw ContractError("{{\(name)}} is used before a step captured it (write <string:\(name)> in an earlier expectation)") }
                out += value
            default:
                out += piece.text
            }
        }
        return out
    }

    func substitute(_ value: JSONValue) throws -> JSONValue {
        switch value {
        case .string(let text): return .string(try substitute(text))
        case .array(let items): return .array(try items.map(substitute))
        case .object(let members): return .object(try members.map { .init(key: $0.key, value: try substitute($0.value)) })
        default: return value
        }
    }

    /// The next free number for `kind` (`uuid`, `digest`).
    func nextName(_ kind: String) -> String {
        let used = values.keys.compactMap { key -> Int? in
            guard key.hasPrefix(kind + ":") else { return nil }
            return Int(key.dropFirst(kind.count + 1))
        }
        return String((used.max() ?? 0) + 1)
    }

    /// The name already bound to `value` for `kind`, if any.
    func name(of value: String, kind: String) -> String? {
        values.filter { $0.key.hasPrefix(kind + ":") && $0.value == value }.keys.sorted().first.map { String($0.dropFirst(kind.count + 1)) }
    }
}

struct ContractError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One difference between an expectation and a response.
struct Difference: CustomStringConvertible {
    let path: String
    let message: String
    var description: String { "\(path): \(message)" }
}

/// Compares expected values (with placeholders) against actual ones, binding named placeholders.
struct Matcher {
    var bindings: Bindings
    var differences: [Difference] = []

    init(bindings: Bindings) {
        self.bindings = bindings
    }

    mutating func differ(_ path: String, _ message: String) {
        differences.append(Difference(path: path, message: message))
    }

    /// Matches a JSON value (`actual` nil: the member is missing).
    mutating func match(_ expected: JSONValue, _ actual: JSONValue?, path: String) {
        guard let actual else {
            differ(path, "expected \(expected.brief()), but the member is missing")
            return
        }
        switch expected {
        case .string(let text):
            let pieces = Placeholders.pieces(text)
            if pieces.count == 1, case .placeholder(let kind, _) = pieces[0] {
                switch kind {
                case "any": return
                case "epoch":
                    if case .number = actual { return }
                    differ(path, "expected <epoch> (a number), got \(actual.brief())")
                    return
                default: break
                }
            }
            guard case .string(let actualText) = actual else {
                differ(path, "expected \(expected.brief()), got \(actual.brief())")
                return
            }
            matchText(text, actualText, path: path)
        case .object(let members):
            guard case .object(let actualMembers) = actual else {
                differ(path, "expected an object, got \(actual.brief())")
                return
            }
            for member in members {
                match(member.value, actualMembers.first { $0.key == member.key }?.value, path: path + "." + member.key)
            }
            for member in actualMembers where !members.contains(where: { $0.key == member.key }) {
                differ(path + "." + member.key, "unexpected member, got \(member.value.brief())")
            }
        case .array(let items):
            guard case .array(let actualItems) = actual else {
                differ(path, "expected an array, got \(actual.brief())")
                return
            }
            if items.count != actualItems.count {
                differ(path, "expected \(items.count) items, got \(actualItems.count): \(actual.brief())")
            }
            for (index, item) in items.enumerated() where index < actualItems.count {
                match(item, actualItems[index], path: "\(path)[\(index)]")
            }
        default:
            if expected != actual { differ(path, "expected \(expected.brief()), got \(actual.brief())") }
        }
    }

    /// Matches a string template against text.
    mutating func matchText(_ template: String, _ actual: String, path: String) {
        let pieces = Placeholders.pieces(template)
        var pattern = "^"
        var groups: [Piece] = []
        for piece in pieces {
            switch piece {
            case .literal(let text):
                pattern += NSRegularExpression.escapedPattern(for: text)
            case .reference(let name):
                guard let value = bindings.resolve(name) else {
                    differ(path, "{{\(name)}} is not bound yet")
                    return
                }
                pattern += NSRegularExpression.escapedPattern(for: value)
            case .placeholder(let kind, _):
                if let key = piece.bindingKey, let bound = bindings.values[key] {
                    pattern += NSRegularExpression.escapedPattern(for: bound)
                } else {
                    pattern += "(" + (kind == "string" ? "[\\s\\S]+?" : Placeholders.pattern(for: kind)) + ")"
                    groups.append(piece)
                }
            }
        }
        pattern += "$"
        let regex: NSRegularExpression
        do {
            regex = try NSRegularExpression(pattern: pattern)
        } catch {
            differ(path, "cannot compile the template \(JSONWriter.quote(template)): \(error)")
            return
        }
        let ns = actual as NSString
        guard let match = regex.firstMatch(in: actual, range: NSRange(location: 0, length: ns.length)) else {
            let bound = pieces.compactMap { piece -> String? in
                if let key = piece.bindingKey, let value = bindings.values[key] { return "<\(key)> = \(value)" }
                if case .reference(let name) = piece, let value = bindings.resolve(name) { return "{{\(name)}} = \(value)" }
                return nil
            }
            let shown = bound.isEmpty ? "" : " (" + bound.joined(separator: ", ") + ")"
            differ(path, "expected \(JSONWriter.quote(template))\(shown), got \(JSONWriter.quote(actual))")
            return
        }
        for (index, piece) in groups.enumerated() {
            guard let key = piece.bindingKey else { continue }
            let value = ns.substring(with: match.range(at: index + 1))
            if let bound = bindings.values[key], bound != value {
                differ(path, "<\(key)> was \(bound) earlier, here it is \(value)")
            } else {
                bindings.values[key] = value
            }
        }
    }
}
