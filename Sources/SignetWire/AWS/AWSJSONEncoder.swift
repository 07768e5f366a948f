import Foundation
import SignetDomain

/// The JSON encoder of every AWS response shape.
///
/// A shape on a hot path may write itself (``AWSJSONWritable``); the tests hold its bytes to Foundation's.
///
/// It writes what `JSONEncoder` with `.secondsSince1970`, `.withoutEscapingSlashes` and `.sortedKeys` writes
/// (the tests compare the two), at a fraction of the cost: Foundation's encoder boxes every value into a tree of
/// generic containers and was 43 % of a DescribeRepositories request in the profile. Here an `encode(to:)` call
/// records its members as cheap pieces (strings by reference, numbers by value) and one pass writes the bytes.
///
/// Keys are sorted byte-wise, as Foundation sorts them.
public struct AWSJSONEncoder: Sendable {
    public init() {}

    public func encode(_ value: some Encodable) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        let piece = try JSONPiece.make(value, parent: nil, key: nil)
        piece.write(into: &out)
        return out
    }
}

/// One encoded value, written when the whole tree is known (object members must be sorted first).
enum JSONPiece {
    case string(String)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case bool(Bool)
    case null
    case base64(Data)
    case nested(PieceEncoder)
    /// JSON an ``AWSJSONWritable`` wrote itself.
    case raw([UInt8])

    /// The piece for any value: primitives directly, everything else through its `encode(to:)`.
    /// - Parameters: parent, key: where the value sits (the coding path is only built for an error).
    static func make<T: Encodable>(_ value: T, parent: PieceEncoder?, key: (any CodingKey)?) throws -> JSONPiece {
        // Most values are structures and arrays: a metatype comparison sends them on without trying seven casts.
        guard leafTypes.contains(ObjectIdentifier(T.self)) else {
            if let writable = value as? any AWSJSONWritable {
                var bytes: [UInt8] = []
                try writable.writeAWSJSON(into: &bytes)
                return .raw(bytes)
            }
            let encoder = PieceEncoder(parent: parent, key: key)
            try value.encode(to: encoder)
            return .nested(encoder)
        }
        switch value {
        case let string as String: return .string(string)
        case let date as Date: return try .number(date.timeIntervalSince1970, PieceEncoder.path(parent, key))
        case let data as Data: return .base64(data)
        case let url as URL: return .string(url.absoluteString)
        case let int as Int: return .int(Int64(int))
        case let bool as Bool: return .bool(bool)
        case let double as Double: return try .number(double, PieceEncoder.path(parent, key))
        default:
            let encoder = PieceEncoder(parent: parent, key: key)
            try value.encode(to: encoder)
            return .nested(encoder)
        }
    }

    /// The types `make` writes itself (Foundation special-cases the same ones).
    private static let leafTypes: [ObjectIdentifier] = [
        ObjectIdentifier(String.self), ObjectIdentifier(Date.self), ObjectIdentifier(Data.self), ObjectIdentifier(URL.self),
        ObjectIdentifier(Int.self), ObjectIdentifier(Bool.self), ObjectIdentifier(Double.self),
    ]

    static func number(_ value: Double, _ codingPath: @autoclosure () -> [any CodingKey]) throws -> JSONPiece {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath(), debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        return .double(value)
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .string(let string): JSONString.append(string, to: &out)
        case .int(let value): Self.writeDecimal(value.magnitude, negative: value < 0, into: &out)
        case .uint(let value): Self.writeDecimal(value, negative: false, into: &out)
        case .double(let value):
            // Foundation writes `description` without a trailing ".0" (1764460800, 1764460800.5, 1e+16).
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            out.append(contentsOf: text.utf8)
        case .bool(let value): out.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
        case .null: out.append(contentsOf: Self.nullBytes)
        case .base64(let data):
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: data.base64EncodedString().utf8)
            out.append(UInt8(ascii: "\""))
        case .nested(let encoder): encoder.write(into: &out)
        case .raw(let bytes): out.append(contentsOf: bytes)
        }
    }

    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
    static let nullBytes = Array("null".utf8)

    static func writeDecimal(_ magnitude: UInt64, negative: Bool, into out: inout [UInt8]) {
        if negative { out.append(UInt8(ascii: "-")) }
        if magnitude < 10 {
            out.append(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        // digits least significant first, then reversed in place
        let start = out.count
        var rest = magnitude
        while rest > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        }
        out[start...].reverse()
    }

    /// Byte-wise (code point) order, as Foundation's `.sortedKeys` orders them on Linux (`A` < `B` < `a`).
    static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        // memcmp over the UTF-8 storage: the generic `lexicographicallyPrecedes` over UTF8View showed in profiles
        let ordered = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Bool in
                let common = min(x.count, y.count)
                let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return order != 0 ? order < 0 : x.count < y.count
            }
        }
        return (ordered ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}

/// The `Encoder` handed to `encode(to:)`: it remembers which container the value asked for and its members.
final class PieceEncoder: Encoder {
    /// Which container the value asked for (a value that asks for a second kind keeps the last one).
    enum Kind {
        case empty
        case object
        case array
        case single(JSONPiece)
    }

    /// Unowned: the parent holds its children (in `members`/`elements`), so a strong reference back would make
    /// every encoded tree a retain cycle and leak it (it did: ~22 KB per DescribeRepositories response). A parent
    /// outlives its children's use: `codingPath` is only read while `encode(to:)` runs under the root.
    unowned let parent: PieceEncoder?
    let key: (any CodingKey)?
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var kind = Kind.empty
    // kept here rather than in container objects: one allocation less per nested value
    var members: [(key: String, value: JSONPiece)] = []
    var elements: [JSONPiece] = []

    init(parent: PieceEncoder?, key: (any CodingKey)?) {
        self.parent = parent
        self.key = key
    }

    /// Built on demand: keeping a path array per value would cost an allocation per member.
    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var encoder: PieceEncoder? = self
        while let current = encoder {
            if let key = current.key { path.append(key) }
            encoder = current.parent
        }
        return path.reversed()
    }

    static func path(_ parent: PieceEncoder?, _ key: (any CodingKey)?) -> [any CodingKey] {
        (parent?.codingPath ?? []) + (key.map { [$0] } ?? [])
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = kind {} else { kind = .object }
        return KeyedEncodingContainer(ObjectContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = kind {} else { kind = .array }
        return ArrayContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(encoder: self)
    }

    func write(into out: inout [UInt8]) {
        switch kind {
        case .empty:
            out.append(UInt8(ascii: "{"))
            out.append(UInt8(ascii: "}"))
        case .single(let piece):
            piece.write(into: &out)
        case .array:
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object:
            out.append(UInt8(ascii: "{"))
            var members = self.members
            if members.count > 1 && !zip(members, members.dropFirst()).allSatisfy({ JSONPiece.keyPrecedes($0.key, $1.key) }) {
                members.sort { JSONPiece.keyPrecedes($0.key, $1.key) }
            }
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

struct ObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: PieceEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func add(_ piece: JSONPiece, _ key: Key) { encoder.members.append((key.stringValue, piece)) }
    private func path(_ key: Key) -> [any CodingKey] { PieceEncoder.path(encoder, key) }

    mutating func encodeNil(forKey key: Key) throws { add(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { add(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { add(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { add(try .number(value, path(key)), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { add(try .number(Double(value), path(key)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { add(.int(Int64(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { add(.int(Int64(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { add(.int(Int64(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { add(.int(Int64(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { add(.int(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { add(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { add(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { add(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { add(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { add(.uint(value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { add(try .make(value, parent: encoder, key: key), key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let encoder = PieceEncoder(parent: self.encoder, key: key)
        add(.nested(encoder), key)
        return encoder.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let encoder = PieceEncoder(parent: self.encoder, key: key)
        add(.nested(encoder), key)
        return encoder.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let encoder = PieceEncoder(parent: self.encoder, key: key)
        add(.nested(encoder), key)
        return encoder
    }
}

struct ArrayContainer: UnkeyedEncodingContainer {
    let encoder: PieceEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.elements.count }

    private func add(_ piece: JSONPiece) { encoder.elements.append(piece) }
    private var elementKey: IndexKey { IndexKey(intValue: count) }
    private var elementPath: [any CodingKey] { PieceEncoder.path(encoder, elementKey) }

    mutating func encodeNil() throws { add(.null) }
    mutating func encode(_ value: Bool) throws { add(.bool(value)) }
    mutating func encode(_ value: String) throws { add(.string(value)) }
    mutating func encode(_ value: Double) throws { add(try .number(value, elementPath)) }
    mutating func encode(_ value: Float) throws { add(try .number(Double(value), elementPath)) }
    mutating func encode(_ value: Int) throws { add(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { add(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { add(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { add(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { add(.int(value)) }
    mutating func encode(_ value: UInt) throws { add(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { add(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { add(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { add(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { add(.uint(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { add(try .make(value, parent: encoder, key: elementKey)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let encoder = PieceEncoder(parent: self.encoder, key: elementKey)
        add(.nested(encoder))
        return encoder.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let encoder = PieceEncoder(parent: self.encoder, key: elementKey)
        add(.nested(encoder))
        return encoder.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = PieceEncoder(parent: self.encoder, key: elementKey)
        add(.nested(encoder))
        return encoder
    }
}

struct SingleContainer: SingleValueEncodingContainer {
    let encoder: PieceEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ piece: JSONPiece) { encoder.kind = .single(piece) }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(try .number(value, codingPath)) }
    mutating func encode(_ value: Float) throws { set(try .number(Double(value), codingPath)) }
    mutating func encode(_ value: Int) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { set(.int(value)) }
    mutating func encode(_ value: UInt) throws { set(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { set(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { set(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { set(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { set(.uint(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { set(try .make(value, parent: encoder.parent, key: encoder.key)) }
}

/// The coding key of an array element.
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

/// A response shape that writes its own JSON, bypassing `encode(to:)`: for shapes sent by the dozen on hot paths
/// (DescribeRepositories answers up to 1,000 repositories; the generic walk cost ~12 µs per repository).
///
/// It must write exactly what ``AWSJSONEncoder`` writes for its `Encodable` conformance (members sorted byte-wise,
/// nil optionals left out, dates as epoch seconds): the tests compare the two with Foundation for every such shape.
public protocol AWSJSONWritable: Encodable {
    func writeAWSJSON(into out: inout [UInt8]) throws
}

/// Building blocks for ``AWSJSONWritable`` conformances.
enum JSONWrite {
    /// `{`, the members `body` writes, `}`.
    @inline(__always)
    static func object(into out: inout [UInt8], _ body: (inout [UInt8]) throws -> Void) rethrows {
        out.append(UInt8(ascii: "{"))
        try body(&out)
        out.append(UInt8(ascii: "}"))
    }

    /// A member's key and colon, after a comma unless it is the object's first member: a member follows either the
    /// object's `{` or a complete value, and no JSON value ends in `{`. Keys are plain ASCII.
    @inline(__always)
    static func key(_ key: StaticString, into out: inout [UInt8]) {
        if out.last != UInt8(ascii: "{") { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    static func string(_ value: String, into out: inout [UInt8]) { JSONString.append(value, to: &out) }

    static func array(_ values: [some AWSJSONWritable], into out: inout [UInt8]) throws {
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            try value.writeAWSJSON(into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    static func bool(_ value: Bool, into out: inout [UInt8]) { JSONPiece.bool(value).write(into: &out) }

    static func date(_ value: Date, into out: inout [UInt8]) throws {
        try JSONPiece.number(value.timeIntervalSince1970, []).write(into: &out)
    }
}
